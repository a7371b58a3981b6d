"""The HTML report and the session index, built from a synthetic runner's exact landmarks (no
video decoding, no pose model): every check has its card, every step its row, every outside
string is escaped, nothing is loaded from elsewhere, and the page still makes sense when the
gait stage failed or nothing could be judged. The browser test (``test_report_browser.py``)
opens a real clip's report in Chromium."""

from __future__ import annotations

import dataclasses
import math
import re
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.annotate import KeyFrame
from posecheck.checks.registry import CHECKS, run_checks
from posecheck.checks.steps import collect_steps
from posecheck.gait import analyze_gait
from posecheck.options import AnalysisOptions
from posecheck.report import IndexEntry, write_index, write_report
from posecheck.report.page import number
from posecheck.report import plots
from posecheck.report.plots import threshold_edges, verdict_zones
from posecheck.report.signals import time_signals
from posecheck.result import Analysis, Notice, collect_warnings
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.video import VideoInfo, VideoWriter

# a file name cannot hold "/", so the script tag comes in through a warning message
EVIL = "<img src=x onerror=alert(1)><b>run \"q\" 'a' &amp;"
EVIL_VIDEO = f"{EVIL}.mp4"
EVIL_MESSAGE = "cut at <script>alert(2)</script> & more"


# ---- a small analysis without video --------------------------------------------------------

def _analysis(preset: str = "downhill-braking", *, video_name: str = EVIL_VIDEO) -> Analysis:
    """A whole :class:`Analysis` of a synthetic runner's exact landmarks, 2 s at 60 fps,
    filmed right to left by a panning camera, named like an attack."""
    params = preset_params(preset)
    clip = SyntheticClip(ClipSpec(gait=params, preset=preset, camera="pan", direction="rtl",
                                  fps=60.0, seconds=2.0, width=640, height=360))
    pose = clip.exact_pose()
    options = AnalysisOptions(slope_deg=params.slope_deg)
    gait = analyze_gait(pose, **options.gait_kwargs())
    findings = run_checks(gait)
    warnings = (*collect_warnings(pose, gait, "", findings),
                Notice("scene_cuts", EVIL_MESSAGE))
    video = Path("/clips") / video_name
    info = VideoInfo(video, 640, 360, 60.0, 2.0, pose.n_frames, 0, "h264")
    return Analysis(video=video, info=info, options=options, raw=pose, pose=pose, person_id=0,
                    people=[{"id": 0}], gait=gait, gait_error="", findings=findings,
                    warnings=warnings, pose_seconds=1.0, total_seconds=2.0)


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return _analysis()


@pytest.fixture(scope="module")
def failed(analysis) -> Analysis:
    """The same clip as if the gait stage had failed."""
    error = "only 1 foot contact found <in> 'this' clip"
    return dataclasses.replace(analysis, gait=None, gait_error=error, findings=(),
                               warnings=collect_warnings(analysis.pose, None, error, ()))


def _tiny_video(path: Path, *, frames: int = 6) -> Path:
    with VideoWriter(path, fps=30.0, width=64, height=48) as writer:
        for k in range(frames):
            writer.write(np.full((48, 64, 3), 20 * k, np.uint8))
    return path


def _jpeg(path: Path, shade: int) -> Path:
    cv2.imwrite(str(path), np.full((36, 64, 3), shade, np.uint8))
    return path


# ---- reading the page back -----------------------------------------------------------------

class Page(HTMLParser):
    """Every start tag with its attributes, and the page's text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [a for t, a in self.tags
                if t == tag and (cls is None or cls in a.get("class", "").split())]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def _write(analysis, folder: Path, **kwargs) -> tuple[str, Page]:
    path = write_report(analysis, folder / "report.html", **kwargs)
    text = path.read_text(encoding="utf-8")
    return text, Page(text)


# ---- the report ----------------------------------------------------------------------------

def test_one_card_per_check_with_verdict_value_cue_and_why(analysis, tmp_path):
    _, page = _write(analysis, tmp_path, video_name=None)
    cards = page.find("article", "card")
    assert [c["id"] for c in cards] == [f"check-{f.check_id}" for f in analysis.findings]
    assert len(cards) == len(CHECKS)
    plain = page.plain
    for f in analysis.findings:
        assert f"{f.name}" in plain
        assert f.why in plain
        if f.cue:
            assert f.cue in plain
        assert f"{f.measure.n_steps} step" in plain
    badges = [a["class"] for a in page.find("span", "badge")]
    for f in analysis.findings:
        assert any(f"v-{f.verdict}" in b for b in badges)
    # the braking runner: lean and landing to fix, as the checks said
    verdicts = {f.check_id: f.verdict for f in analysis.findings}
    assert verdicts["lean"] == verdicts["landing"] == "fix"
    knee = {f.check_id: f for f in analysis.findings}["knee"].measure.accuracy
    assert knee is not None  # published: the card says it in words
    assert f"typically within {number(knee.median_abs_error, 'deg')}" in plain
    assert "Why unknown:" in plain  # the arms verdict is withheld, with its reason


def test_the_step_table_has_a_row_per_step(analysis, tmp_path):
    _, page = _write(analysis, tmp_path, video_name=None)
    table = page.find("table")
    assert any(t.get("id") == "step-table" for t in table)
    rows = [a for a in page.find("tr") if "data-seek" in a]
    assert len(rows) == len(analysis.gait.steps)
    seeks = [float(a["data-seek"]) for a in rows]
    assert seeks == sorted(seeks) and all(0 <= t < 2.0 for t in seeks)


def test_every_outside_string_is_escaped(analysis, tmp_path):
    text, page = _write(analysis, tmp_path, video_name=None)
    assert "<script>alert(2)" not in text and "<img src=x" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;&lt;b&gt;run" in text
    assert "&quot;q&quot;" in text and "&#x27;a&#x27;" in text and "&amp;amp;" in text
    assert len(page.find("script")) == 1  # posecheck's own, nothing injected
    assert all(a["src"].startswith("data:") for a in page.find("img"))
    assert not page.find("b")
    assert page.plain.count(EVIL_VIDEO) == 3  # as it is: in the title, the header, the path


def _references(page: Page) -> list[str]:
    return [a[k] for _, a in page.tags for k in ("src", "href", "poster", "data") if k in a]


def test_nothing_is_loaded_from_elsewhere(analysis, tmp_path):
    _tiny_video(tmp_path / "annotated.mp4")
    text, page = _write(analysis, tmp_path)
    for ref in _references(page):
        assert ref.startswith(("data:", "#")), ref
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:|//)""", text, re.IGNORECASE)
    assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:|//)", text)
    csp = [a for a in page.find("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0]["content"]


def test_the_video_is_carried_inside_up_to_the_limit_else_linked(analysis, tmp_path):
    name = EVIL_VIDEO
    _tiny_video(tmp_path / name)
    _, inside = _write(analysis, tmp_path, video_name=name)
    (video,) = inside.find("video")
    assert video["src"].startswith("data:video/mp4;base64,")
    assert "inside this page" in inside.plain

    _, beside = _write(analysis, tmp_path, video_name=name, embed_video_max_mb=0.0)
    (video,) = beside.find("video")
    assert video["src"] == ("%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%3Cb%3Erun"
                            "%20%22q%22%20%27a%27%20%26amp%3B.mp4")
    assert "same folder as this report" in beside.plain

    _, missing = _write(analysis, tmp_path, video_name="gone.mp4")
    assert not missing.find("video") and "was not found" in missing.plain


def test_key_frames_are_carried_inside_and_seek_the_video(analysis, tmp_path):
    frames = [KeyFrame(1, 30, 0.5, "left", _jpeg(tmp_path / "a.jpg", 90), f"strike {EVIL}"),
              KeyFrame(2, 45, 0.75, "right", _jpeg(tmp_path / "b.jpg", 160), "mid-stance"),
              KeyFrame(3, 50, 0.83, "", tmp_path / "gone.jpg", "lost")]
    text, page = _write(analysis, tmp_path, video_name=None, key_frames=frames)
    figures = page.find("figure")
    assert len(figures) == 2
    assert [float(f["data-seek"]) for f in figures] == pytest.approx([0.5, 0.75], abs=0.01)
    images = [a["src"] for a in page.find("img") if a["src"].startswith("data:image/jpeg")]
    assert len(images) == 2
    assert "1 key frame could not be read" in page.plain
    assert "strike &lt;img src=x" in text


def test_plots_are_inline_svg(analysis, tmp_path):
    _, page = _write(analysis, tmp_path, video_name=None)
    plots = page.find("img", "plot")
    # one per card with measured steps, and the clip over time
    assert len(plots) == len(analysis.findings) + 1
    assert all(p["src"].startswith("data:image/svg+xml;base64,") and p["alt"] for p in plots)


def test_running_median_is_centred_and_leaves_out_missing_steps():
    values = np.array([1.0, 2.0, 3.0, 4.0, 100.0, 6.0, np.nan, 8.0])
    np.testing.assert_allclose(plots.running_median(values, 3),
                               [1.5, 2.0, 3.0, 4.0, 6.0, 53.0, 7.0, 8.0])
    assert np.isnan(plots.running_median(np.array([np.nan, np.nan]), 3)).all()


def _strike_collections(figure) -> list:
    from matplotlib.collections import LineCollection
    return [c for ax in figure.axes for c in ax.collections if isinstance(c, LineCollection)]


def test_a_long_clip_is_plotted_step_by_step(analysis):
    gait = analysis.gait
    findings = {f.check_id: f for f in analysis.findings}
    signals = time_signals(gait)
    n_strikes = int(np.isfinite(gait.events.ic_s).sum())
    # the 2 s clip as it is: curves and one line per foot strike in each of the four panels
    short = plots.time_figure(signals, gait, findings)
    assert plots.shows_curves(signals)
    collections = _strike_collections(short)
    assert len(collections) == 4 and all(len(c.get_segments()) == n_strikes
                                         for c in collections)
    assert "left knee" in short.axes[0].get_legend_handles_labels()[1]
    # as if it were longer than the limit: no curves, no strike lines, the running medians
    long = plots.time_figure(signals, gait, findings, max_curves_s=1.0)
    assert not plots.shows_curves(signals, max_curves_s=1.0)
    assert _strike_collections(long) == []
    labels = [ax.get_legend_handles_labels()[1] for ax in long.axes]
    assert "left knee" not in labels[0] and "median of 15 steps" in labels[0]
    assert "whole body, median of 15 steps" in labels[1]
    # the knee panel's running line is the running median of the counted knee values
    knee = findings["knee"].measure
    times = collect_steps(gait).knee_s[:len(knee.per_step)]
    keep = knee.used & np.isfinite(knee.per_step) & np.isfinite(times)
    order = np.argsort(times[keep])
    (line,) = [ln for ln in long.axes[0].get_lines() if ln.get_label() == "median of 15 steps"]
    np.testing.assert_allclose(line.get_ydata(), plots.running_median(
        knee.per_step[keep][order]))


def test_the_report_of_a_long_clip_says_it_is_shown_step_by_step(analysis, tmp_path,
                                                                  monkeypatch):
    monkeypatch.setattr(plots, "MAX_CURVES_S", 1.0)  # the 2 s clip counts as long
    text, _ = _write(analysis, tmp_path, video_name=None)
    assert "longer than 1 s, so it is shown step by step" in text
    assert "Vertical lines: foot strikes" not in text


def test_a_failed_gait_still_gives_a_readable_report(failed, tmp_path):
    _, page = _write(failed, tmp_path, video_name=None)
    cards = page.find("article", "card")
    assert len(cards) == len(CHECKS)
    assert all("v-unknown-card" in c["class"] for c in cards)
    plain = page.plain
    assert "No foot strikes found" in plain  # the warning, in plain words
    assert "only 1 foot contact found <in> 'this' clip" in plain
    assert not [a for a in page.find("tr") if "data-seek" in a]
    assert len(page.find("img", "plot")) == 1  # the knee angles, without foot strikes


def test_a_verdict_near_its_line_says_which_it_could_be(analysis, tmp_path):
    findings = {f.check_id: f for f in analysis.findings}
    assert findings["landing"].verdict == "fix"
    near = dataclasses.replace(findings["landing"], borderline=("watch",))
    shown = tuple(near if f.check_id == "landing" else dataclasses.replace(f, borderline=())
                  for f in analysis.findings)
    text, page = _write(dataclasses.replace(analysis, findings=shown), tmp_path, video_name=None)
    assert page.plain.count("Close to the line:") == 1
    card = text.split('id="check-landing"')[1].split("</article>")[0]
    assert "Close to the line:" in card and 'class="badge v-watch small"' in card


def test_everything_unknown_renders(analysis, tmp_path):
    unknown = tuple(dataclasses.replace(f, verdict="unknown", reason="not judged: test",
                                        cue="", borderline=()) for f in analysis.findings)
    _, page = _write(dataclasses.replace(analysis, findings=unknown), tmp_path, video_name=None)
    badges = [a["class"] for a in page.find("span", "badge")]
    assert badges and all("v-unknown" in b for b in badges)
    assert page.plain.count("Not judged: test.") == len(unknown)


def test_warnings_are_in_plain_words(analysis, tmp_path):
    _, page = _write(analysis, tmp_path, video_name=None)
    plain = page.plain
    assert f"Before you trust the numbers ({len(analysis.warnings)})" in plain
    assert f"The clip cuts between shots: C{EVIL_MESSAGE[1:]}." in plain


# ---- what the plots draw -------------------------------------------------------------------

def _between(series: np.ndarray, time_s: np.ndarray, t: float, value: float, margin: float):
    """``value`` lies within ``margin`` of the span of ``series`` over the frames on either
    side of ``t``: the curve passes through what a check read at ``t``, whether the check
    interpolated between those frames or read the frame before."""
    after = int(np.searchsorted(time_s, t))
    around = series[max(after - 1, 0): after + 1]
    assert around.min() - margin <= value <= around.max() + margin, (t, value, around)


def test_time_signals_meet_the_checks_values_at_their_instants(analysis):
    """The plotted curves pass through what the checks read: knee flexion and ankle offset at
    each foot strike, and the whole-body lean and trunk at mid-stance within the stance fit's
    smoothing."""
    gait = analysis.gait
    signals = time_signals(gait)
    findings = {f.check_id: f for f in analysis.findings}
    t = signals.time_s
    trunk = findings["lean"].details[1]
    assert trunk.id == "trunk_angle_deg"
    steps = collect_steps(gait)
    for j, (foot, ic, mid) in enumerate(zip(gait.events.foot, gait.events.ic_s,
                                            gait.events.mid_stance_s)):
        knee = findings["knee"].measure.per_step[j]
        if math.isfinite(knee):  # read about a frame before the strike
            _between(signals.knee_flexion_deg[foot], t, steps.knee_s[j], knee, 0.5)
        landing = findings["landing"].measure.per_step[j]
        if math.isfinite(landing):
            _between(signals.foot_offset_leg[foot], t, ic, landing, 0.01)
        lean = findings["lean"].measure.per_step[j]
        if math.isfinite(lean):
            m = int(np.argmin(np.abs(t - mid)))
            assert signals.stance_foot[m] == foot
            assert signals.lean_deg[m] == pytest.approx(lean, abs=3.0)
            assert signals.trunk_deg[m] - gait.slope.deg == pytest.approx(trunk.per_step[j],
                                                                          abs=1.5)
    assert signals.lean_reference == "slope normal"
    assert np.isnan(signals.lean_deg[signals.stance_foot == ""]).all()


def test_verdict_zones_follow_the_thresholds(analysis):
    findings = {f.check_id: f for f in analysis.findings}
    knee = verdict_zones(findings["knee"])
    assert knee == [(-math.inf, 10.0, "fix"), (10.0, 15.0, "watch"), (15.0, math.inf, "good")]
    landing = verdict_zones(findings["landing"])
    assert landing == [(-math.inf, 0.34, "good"), (0.34, 0.40, "watch"), (0.40, math.inf, "fix")]
    assert threshold_edges(landing) == [(0.34, "watch"), (0.40, "fix")]
    lean = verdict_zones(findings["lean"])  # around the 4.4-deg level reference
    edges = [4.4 - 7.0, 4.4 - 5.0, 4.4 + 8.0]
    bounds = [x for low, high, _ in lean for x in (low, high)]
    assert bounds == pytest.approx([-math.inf, edges[0], edges[0], edges[1], edges[1], edges[2],
                                    edges[2], math.inf])
    assert [v for _, v in threshold_edges(lean)] == ["fix", "watch", "watch"]
    assert [x for x, _ in threshold_edges(lean)] == pytest.approx(edges)
    # every counted value sits in the zone of its verdict, when the verdict rests on it alone
    for f in (findings["knee"], findings["landing"], findings["cadence"]):
        zone = next(v for low, high, v in verdict_zones(f) if low <= f.value < high)
        assert zone == f.verdict


# ---- the session index ---------------------------------------------------------------------

def test_index_links_each_report_and_shows_a_failed_clip(analysis, tmp_path):
    report = write_report(analysis, (tmp_path / "clip one").mkdir() or
                          tmp_path / "clip one" / "report.html", video_name=None)
    entries = [IndexEntry.from_analysis(analysis, report),
               IndexEntry.from_error("/clips/bad<b>.mp4", OSError("cannot decode <video> 'x'"))]
    path = write_index(entries, tmp_path / "index.html")
    text = path.read_text(encoding="utf-8")
    page = Page(text)
    links = [a["href"] for a in page.find("a")]
    assert links == ["clip%20one/report.html"]
    assert (path.parent / "clip one" / "report.html").is_file()
    plain = page.plain
    assert "2 clips, 1 failed" in plain
    assert "cannot decode <video> 'x'" in plain and "bad<b>.mp4" in plain
    assert "<b>.mp4" not in text and "<video>" not in text
    assert EVIL_VIDEO in plain
    rows = page.find("tr")
    assert len(rows) == 3  # the head and one row per clip
    assert len([r for r in rows if "failed" in r.get("class", "")]) == 1
    headers = [f.name for f in analysis.findings]
    assert all(name in plain for name in headers)
    for ref in _references(page):
        assert not ref.startswith(("http:", "https:", "//"))


def test_every_warning_code_has_a_plain_title():
    import json
    import re

    from posecheck.report.html import WARNING_TITLES
    from posecheck.result import SCHEMA_PATH

    schema = json.loads(SCHEMA_PATH.read_text())
    text = json.dumps(schema)
    listed = re.search(r"Stable machine-readable code \(([^)]*)\)", text).group(1)
    codes = {c.strip() for c in listed.split(",")}
    assert codes and codes <= set(WARNING_TITLES), codes - set(WARNING_TITLES)
