"""``posecheck compare``: the change table from hand-made analyses with known values, the
beyond-accuracy rule, the strike time map, the side-by-side video on tiny clips whose frames
carry their own index, and (slow) the synthetic braking and good downhill runs end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.checks.accuracy import MEASURED
from posecheck.cli import main
from posecheck.compare import (
    Change,
    RunSummary,
    Strike,
    change_table,
    combined_accuracy,
    compare_runs,
    comparison_html,
)
from posecheck.compare_video import TimeMap, match_strikes, write_compare_video
from posecheck.video import VideoWriter, iter_frames, probe

LEAN, KNEE = "lean_vs_slope_normal_deg", "knee_flexion_ic_deg"
LANDING = "foot_landing_from_com_leg"


# ------------------------------------------------------------------------ hand-made analyses


def _accuracy(p90: float | None) -> dict | None:
    if p90 is None:
        return None
    return {"median_abs_error": p90 / 2, "p90_abs_error": p90, "source": "test"}


def _check(check_id: str, measure: str, unit: str, value: float | None, verdict: str,
           thresholds: dict, *, p90: float | None = None, details: list | None = None) -> dict:
    return {"id": check_id, "name": f"{check_id} check", "verdict": verdict, "value": value,
            "unit": unit, "measure": measure, "spread": 1.0, "n_steps": 6, "n_left_out": 0,
            "left_out": {}, "accuracy": _accuracy(p90), "cue": "", "why": "", "reason": "r",
            "pattern": "", "thresholds": thresholds, "evidence_frames": [],
            "per_step": [value] * 6, "details": details or []}


LEAN_T = {"reference_level_deg": 9.0, "watch_back_deg": 3.0, "fix_back_deg": 7.0,
          "watch_forward_deg": 8.0, "watch_waist_deg": 10.0, "fix_waist_deg": 16.0}
KNEE_T = {"watch_below_deg": 15.0, "fix_below_deg": 10.0}
LANDING_T = {"watch_above_leg": 0.34, "fix_above_leg": 0.4}
CADENCE_T = {"watch_below_spm": 160.0, "fix_below_spm": 150.0}


def analysis_doc(*, lean: float | None, knee: float | None, landing: float | None,
                 cadence: float = 170.0, verdicts: tuple[str, str, str] = ("good",) * 3,
                 p90: dict | None = None, strikes: list[tuple[str, float, int]] | None = None,
                 fps: float = 60.0, frames: int = 180, slope: float = -8.0) -> dict:
    """A minimal analysis.json with the given headline values; ``p90``: measure -> p90 error
    (absent: accuracy null)."""
    p90 = p90 or {}
    trunk = {"id": "trunk_angle_deg", "unit": "deg", "value": (lean or 0.0) - 3.0,
             "spread": 1.0, "n_steps": 6, "accuracy": None, "description": "trunk",
             "timing_uncertainty": None, "per_step": []}
    strikes = strikes if strikes is not None else [("left", 0.1, 6), ("right", 0.45, 27)]
    return {
        "schema_version": "1.0", "posecheck_version": "0.1.0", "versions": {},
        "video": {"path": "/nonexistent/clip.mp4", "frames": frames, "fps": fps,
                  "frame_size": [1280, 720], "duration_s": frames / fps, "codec": "h264",
                  "capture_fps": None, "slow_motion": 1.0, "footage": {}},
        "settings": {"slope_deg": slope, "baseline": None},
        "runner": {"person_id": 0, "people_seen": 1, "detected_fraction": 1.0},
        "gait": {"slope_deg": slope,
                 "events": [{"foot": foot, "ic_s": t, "ic_frame": frame, "to_s": None}
                            for foot, t, frame in strikes]},
        "checks": [
            _check("lean", LEAN, "deg", lean, verdicts[0], LEAN_T, p90=p90.get(LEAN),
                   details=[trunk]),
            _check("knee", KNEE, "deg", knee, verdicts[1], KNEE_T, p90=p90.get(KNEE)),
            _check("landing", LANDING, "leg lengths", landing, verdicts[2], LANDING_T,
                   p90=p90.get(LANDING)),
            _check("cadence", "cadence_spm", "steps/min", cadence, "good", CADENCE_T),
        ],
        "warnings": [], "timing": {},
    }


def write_run(folder: Path, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "analysis.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


BRAKING = {"lean": -9.5, "knee": 14.1, "landing": 0.42, "cadence": 162.0,
           "verdicts": ("fix", "watch", "fix")}
GOOD = {"lean": 7.1, "knee": 19.4, "landing": 0.13, "cadence": 180.0}


@pytest.fixture
def braking_good(tmp_path):
    a = write_run(tmp_path / "braking", analysis_doc(**BRAKING))
    b = write_run(tmp_path / "good", analysis_doc(**GOOD))
    return RunSummary.load(a), RunSummary.load(b)


def test_known_values_give_known_changes(braking_good):
    comparison = compare_runs(*braking_good)
    lean, knee, landing = (comparison.change(m) for m in (LEAN, KNEE, LANDING))
    assert lean.change == pytest.approx(16.6) and lean.unit == "deg"
    assert knee.change == pytest.approx(5.3)
    assert landing.change == pytest.approx(-0.29) and landing.unit == "leg lengths"
    assert comparison.change("trunk_angle_deg").change == pytest.approx(16.6)
    assert [c.assessment for c in (lean, knee, landing)] == ["better"] * 3
    assert "leans more forward by 16.6 deg" in lean.words
    assert "knee more bent at landing by 5.3 deg" in knee.words
    assert "foot lands closer under the body by 0.29 leg lengths" in landing.words
    kinds = {v.check_id: (v.verdict_a, v.verdict_b, v.kind) for v in comparison.verdicts}
    assert kinds["lean"] == ("fix", "good", "better")
    assert kinds["knee"] == ("watch", "good", "better")
    assert kinds["cadence"] == ("good", "good", "same")
    assert len(comparison.improved) == 3 and not comparison.worsened
    # cadence rose but both values are in the good range: neither better nor worse
    cadence = comparison.change("cadence_spm")
    assert cadence.assessment == "" and cadence.in_good_range
    assert "both in the good range" in cadence.words


def test_reversed_runs_are_worse(braking_good):
    good, braking = braking_good[1], braking_good[0]
    comparison = compare_runs(good, braking)
    assert [comparison.change(m).assessment for m in (LEAN, KNEE, LANDING)] == ["worse"] * 3
    assert "leans further back by 16.6 deg" in comparison.change(LEAN).words
    assert "straighter knee at landing" in comparison.change(KNEE).words
    assert {v.kind for v in comparison.verdicts if v.check_id != "cadence"} == {"worse"}


def test_lean_too_far_forward_is_worse(tmp_path):
    # good range: 9 - 3 to 9 + 8 deg; 20 deg is further outside it than 15
    a = RunSummary.load(write_run(tmp_path / "a", analysis_doc(lean=15.0, knee=20, landing=0.2)))
    b = RunSummary.load(write_run(tmp_path / "b", analysis_doc(lean=20.0, knee=20, landing=0.2)))
    assert compare_runs(a, b).change(LEAN).assessment == "worse"


@pytest.mark.parametrize(("p90_a", "p90_b", "change", "status"), [
    (3.0, 4.0, 5.1, "beyond accuracy"),  # bound sqrt(9 + 16) = 5
    (3.0, 4.0, -5.1, "beyond accuracy"),
    (3.0, 4.0, 4.9, "within accuracy"),
    (3.0, 4.0, -4.9, "within accuracy"),
    (None, 4.0, 50.0, "accuracy unknown"),
    (3.0, None, 50.0, "accuracy unknown"),
    (None, None, 50.0, "accuracy unknown"),
])
def test_beyond_accuracy_rule(tmp_path, p90_a, p90_b, change, status):
    a = RunSummary.load(write_run(tmp_path / "a", analysis_doc(
        lean=0.0, knee=20.0, landing=0.2, p90={KNEE: p90_a} if p90_a else None)))
    b = RunSummary.load(write_run(tmp_path / "b", analysis_doc(
        lean=0.0, knee=20.0 + change, landing=0.2, p90={KNEE: p90_b} if p90_b else None)))
    knee = compare_runs(a, b).change(KNEE)
    assert knee.status == status
    assert knee.beyond_accuracy is (status == "beyond accuracy")
    if status == "accuracy unknown":
        assert knee.accuracy is None
    else:
        assert knee.accuracy == pytest.approx(5.0)
    if status == "within accuracy":
        assert knee.words.startswith("no real change")
        assert not any("Knee" in item for item in compare_runs(a, b).improved)


def test_combined_accuracy_needs_both():
    from posecheck.checks.finding import Accuracy

    assert combined_accuracy(Accuracy(1, 3, ""), Accuracy(1, 4, "")) == pytest.approx(5)
    assert combined_accuracy(Accuracy(1, 3, ""), None) is None
    assert combined_accuracy(Accuracy(1, math.nan, ""), Accuracy(1, 4, "")) is None


def test_unmeasured_value_is_not_measured(tmp_path):
    a = RunSummary.load(write_run(tmp_path / "a", analysis_doc(lean=1.0, knee=None, landing=0.2)))
    b = RunSummary.load(write_run(tmp_path / "b", analysis_doc(lean=1.0, knee=20, landing=0.2)))
    knee = compare_runs(a, b).change(KNEE)
    assert knee.status == "not measured" and not knee.beyond_accuracy
    assert knee.words == "not measured in A" and knee.as_dict()["change"] is None


def test_json_holds_the_comparison(braking_good):
    document = json.loads(json.dumps(compare_runs(*braking_good).to_json()))
    lean = next(c for c in document["changes"] if c["measure"] == LEAN)
    assert lean["value_a"] == -9.5 and lean["value_b"] == 7.1
    assert lean["change"] == pytest.approx(16.6) and lean["beyond_accuracy"] is False
    assert lean["status"] == "accuracy unknown" and lean["accuracy"] is None
    assert document["runs"]["a"]["name"] == "braking" and "sqrt" in document["rule"]


def test_html_escapes_outside_strings(tmp_path):
    doc = analysis_doc(**GOOD)
    doc["checks"][0]["name"] = "<script>alert(1)</script>"
    a = RunSummary.load(write_run(tmp_path / "<b>x", analysis_doc(**BRAKING)))
    b = RunSummary.load(write_run(tmp_path / "b", doc))
    from dataclasses import replace

    page = comparison_html(compare_runs(replace(a, name="<b>x</b>"), b),
                           video_file='compare.mp4"><script>')
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "&lt;b&gt;x/analysis.json" in page  # the folder path, escaped
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "http" not in page and "<link" not in page  # nothing fetched from anywhere


def test_change_table_lines(braking_good):
    lines = change_table(compare_runs(*braking_good))
    assert lines[0].startswith("check")
    assert any("-9.5 deg" in line and "7.1 deg" in line and "+16.6 deg" in line
               for line in lines)
    assert "verdict lean check: fix -> good (better)" in lines


# ------------------------------------------------------------------------ reading errors


def test_missing_analysis_is_one_line_exit_1(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    good = write_run(tmp_path / "good", analysis_doc(**GOOD))
    assert main(["compare", str(empty), str(good), "--no-video"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no analysis.json in this folder" in err
    assert main(["compare", str(good), str(tmp_path / "nowhere")]) == 1
    assert "no such analysis folder or file" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "message"), [
    (json.dumps({**analysis_doc(**GOOD), "schema_version": "2.0"}), "schema_version '2.0'"),
    (json.dumps({"hello": 1}), "no schema_version"),
    ("{not json", "not a readable analysis.json"),
    (json.dumps({**analysis_doc(**GOOD), "checks": [{"id": "knee"}]}), "not a posecheck"),
])
def test_bad_analysis_is_one_line_exit_1(tmp_path, capsys, text, message):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "analysis.json").write_text(text, encoding="utf-8")
    good = write_run(tmp_path / "good", analysis_doc(**GOOD))
    assert main(["compare", str(good), str(bad / "analysis.json"), "--no-video"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and err.startswith("posecheck: error:")


def test_missing_video_asks_for_no_video(tmp_path, capsys):
    a = write_run(tmp_path / "a", analysis_doc(**BRAKING))
    b = write_run(tmp_path / "b", analysis_doc(**GOOD))
    assert main(["compare", str(a), str(b), "-o", str(tmp_path / "out")]) == 1
    assert "--no-video" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_no_video_writes_table_files(tmp_path, capsys):
    a = write_run(tmp_path / "braking", analysis_doc(**BRAKING))
    b = write_run(tmp_path / "good", analysis_doc(**GOOD))
    out = tmp_path / "out"
    assert main(["compare", str(a), str(b / "analysis.json"), "-o", str(out),
                 "--no-video"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.json"]
    printed = capsys.readouterr().out
    assert "+16.6 deg" in printed and f"wrote {out}" in printed
    assert json.loads((out / "compare.json").read_text())["video"] is None


# ------------------------------------------------------------------------ the time map


def strikes(feet: str, times: list[float]) -> list[Strike]:
    return [Strike({"l": "left", "r": "right"}[f], t, round(t * 60)) for f, t in zip(feet, times)]


def test_strike_is_its_frame_on_the_video_clock():
    event = {"foot": "left", "ic_s": 0.8878, "ic_frame": 53}
    assert Strike.from_event(event, fps=60.0, slow_motion=1.0).time_s == 53 / 60
    # slow motion: ic_s is real time, the video plays 4 times slower
    slow = Strike.from_event({"foot": "left", "ic_s": 0.1, "ic_frame": 24}, fps=60.0,
                             slow_motion=4.0)
    assert slow.time_s == pytest.approx(0.4) and slow.frame == 24
    # a frame number that does not fit the average rate (variable rate): the strike's time
    odd = Strike.from_event({"foot": "right", "ic_s": 0.5, "ic_frame": 40}, fps=60.0,
                            slow_motion=1.0)
    assert odd.time_s == 0.5


def test_match_strikes_keeps_the_foot_order():
    assert match_strikes(list("lrlr"), list("lrl")) == [(0, 0), (1, 1), (2, 2)]
    # B starts on the other foot: B's second strike goes onto A's first
    assert match_strikes(list("lrlr"), list("rlrl")) == [(0, 1), (1, 2), (2, 3)]
    # A starts on the other foot and B has no strike to skip: A's second onto B's first
    assert match_strikes(list("rlr"), list("lr")) == [(1, 0), (2, 1)]
    assert match_strikes([], list("lr")) == []


def test_time_map_sends_strikes_onto_strikes():
    a = strikes("lrlrl", [0.2, 0.55, 0.9, 1.25, 1.6])
    b = strikes("rlrlr", [0.1, 0.5, 0.85, 1.3, 1.7])
    time_map = TimeMap.from_strikes(a, b)
    for i, j in match_strikes([s.foot for s in a], [s.foot for s in b]):
        assert time_map(a[i].time_s) == pytest.approx(b[j].time_s, abs=1e-12)
        assert a[i].foot == b[j].foot
    t = np.linspace(-1.0, 3.0, 4001)
    mapped = time_map(t)
    assert np.all(np.diff(mapped) > 0)  # monotonic: B is streamed forward
    # outside the matched strikes B runs at its own speed
    assert mapped[0] == pytest.approx(time_map.b_s[0] + (-1.0 - time_map.a_s[0]))
    assert mapped[-1] - time_map(2.9) == pytest.approx(0.1)


def test_time_map_without_strikes_is_the_identity():
    assert TimeMap.from_strikes([], strikes("lr", [0.1, 0.4]))(1.25) == pytest.approx(1.25)
    one = TimeMap.from_strikes(strikes("l", [0.5]), strikes("l", [0.2]))
    assert one(1.0) == pytest.approx(0.7)  # one strike: a shift


def test_time_map_drops_pairs_that_go_back():
    a = strikes("lrl", [0.2, 0.5, 0.8])
    b = [Strike("left", 0.3, 18), Strike("right", 0.3, 18), Strike("left", 0.9, 54)]
    time_map = TimeMap.from_strikes(a, b)
    assert time_map.a_s == (0.2, 0.8) and time_map.b_s == (0.3, 0.9)
    with pytest.raises(ValueError, match="strictly increasing"):
        TimeMap((0.1, 0.1), (0.2, 0.3))


# ------------------------------------------------------------------------ the video, tiny clips


def _index_clip(path: Path, *, n: int, fps: float, width: int, height: int) -> None:
    """Frame i is flat grey at level 4 i: its index can be read back after H.264."""
    with VideoWriter(path, fps=fps, width=width, height=height) as writer:
        for i in range(n):
            writer.write(np.full((height, width, 3), 4 * i, np.uint8))


def test_video_syncs_strikes_across_fps_and_orientation(tmp_path):
    # A: landscape 30 fps, strikes at frames 6, 15, 24; B: portrait 60 fps, other foot first
    a_doc = analysis_doc(**BRAKING, fps=30.0, frames=40,
                         strikes=[("left", 0.2, 6), ("right", 0.5, 15), ("left", 0.8, 24)])
    b_doc = analysis_doc(**GOOD, fps=60.0, frames=60,
                         strikes=[("right", 0.1, 6), ("left", 0.3, 18), ("right", 0.7, 42),
                                  ("left", 0.9, 54)])
    a_dir, b_dir = write_run(tmp_path / "a", a_doc), write_run(tmp_path / "b", b_doc)
    _index_clip(a_dir / "annotated.mp4", n=40, fps=30.0, width=96, height=64)
    _index_clip(b_dir / "annotated.mp4", n=60, fps=60.0, width=48, height=80)
    a, b = RunSummary.load(a_dir), RunSummary.load(b_dir)
    out = tmp_path / "compare.mp4"
    sync = write_compare_video(a, b, out)
    # A left foot (6) <-> B left (18), A right (15) <-> B right (42), A left (24) <-> B left (54)
    assert sync.strike_frames == ((6, 18), (15, 42), (24, 54))
    assert [sync.b_frames[i] for i, _ in sync.strike_frames] == [18, 42, 54]
    assert sync.b_frames[0] == 18 - 12  # before the first strike: B at its own speed
    assert sync.b_frames[-1] == 59  # B ran out: its last frame is held
    assert np.all(np.diff(sync.b_frames) >= 0)
    info = probe(out)
    assert info.n_frames == 40 and info.fps == pytest.approx(30.0)
    assert info.height % 2 == 0 and info.width % 2 == 0
    read_b = []
    for frame in iter_frames(out):
        row = frame.rgb[frame.rgb.shape[0] - 5]  # below the label band
        read_b.append(float(np.median(row[-10:, 0])) / 4)
    assert len(read_b) == 40
    assert np.abs(np.array(read_b) - np.array(sync.b_frames)).max() < 0.75


def test_cli_writes_the_video(tmp_path, capsys):
    a_dir = write_run(tmp_path / "a", analysis_doc(**BRAKING, fps=30.0, frames=30))
    b_dir = write_run(tmp_path / "b", analysis_doc(**GOOD, fps=30.0, frames=30))
    for folder in (a_dir, b_dir):
        _index_clip(folder / "annotated.mp4", n=30, fps=30.0, width=64, height=48)
    out = tmp_path / "out"
    assert main(["-q", "compare", str(a_dir), str(b_dir), "-o", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["compare.html", "compare.json",
                                                      "compare.mp4"]
    document = json.loads((out / "compare.json").read_text())
    assert document["video"]["frames"] == 30
    assert 'src="compare.mp4"' in (out / "compare.html").read_text()
    assert capsys.readouterr().out == ""


def test_change_is_b_minus_a():
    change = Change("knee", "Knee", KNEE, True, "deg", "", 10.0, 12.5, None, None)
    assert change.change == 2.5 and change.status == "accuracy unknown"


# ------------------------------------------------------------------------ the sample runs (slow)

HEADLINES = (LEAN, KNEE, LANDING)
# flips by itself when posecheck/checks/accuracy.py publishes these measures
ACCURACY_MISSING = not all(m in MEASURED for m in HEADLINES)


@pytest.fixture(scope="module")
def sample_runs(sample_run):
    """The output folders of the braking and good synthetic descents analysed with --slope -8
    (the session's, ``tests/conftest.py``: about a minute the first time)."""
    return (sample_run("downhill-braking_pan_ltr").outdir,
            sample_run("downhill-good_pan_rtl").outdir)


@pytest.mark.slow
def test_braking_to_good_directions(sample_runs):
    comparison = compare_runs(*(RunSummary.load(p) for p in sample_runs))
    lean, knee, landing = (comparison.change(m) for m in HEADLINES)
    assert lean.change > 0  # more forward against the slope normal
    assert knee.change > 0  # more bent at foot strike
    assert landing.change < 0  # the foot lands closer under the body
    assert [c.assessment for c in (lean, knee, landing)] == ["better"] * 3


@pytest.mark.slow
@pytest.mark.parametrize("measure", [LEAN, KNEE, LANDING])
@pytest.mark.xfail(ACCURACY_MISSING, strict=True,
                   reason="accuracy not yet published (issue 7)")
def test_braking_to_good_beyond_accuracy(sample_runs, measure):
    comparison = compare_runs(*(RunSummary.load(p) for p in sample_runs))
    change = comparison.change(measure)
    assert change.accuracy is not None, f"{measure}: accuracy unknown"
    assert change.beyond_accuracy, (f"{measure}: change {change.change:+.2f} within "
                                    f"+/- {change.accuracy:.2f}")


def _picture(rgb: np.ndarray, band_px: int, x0: int, width: int) -> np.ndarray:
    return rgb[band_px:, x0:x0 + width].astype(np.float32)


@pytest.mark.slow
def test_sample_compare_video_lines_up_strikes(sample_runs, tmp_path):
    braking, good = sample_runs
    out = tmp_path / "cmp"
    assert main(["-q", "compare", str(braking), str(good), "-o", str(out)]) == 0
    document = json.loads((out / "compare.json").read_text())
    a, b = RunSummary.load(braking), RunSummary.load(good)
    assert probe(out / "compare.mp4").n_frames == a.n_frames == document["video"]["frames"]
    pairs = document["video"]["matched_strike_frames"]
    assert len(pairs) >= 6
    feet_a = {s.frame: s.foot for s in a.strikes}
    feet_b = {s.frame: s.foot for s in b.strikes}
    assert all(feet_a[i] == feet_b[j] for i, j in pairs)
    # the right half at each of A's strikes is B's own strike frame (nearer than its neighbours)
    wanted_a = {i: j for i, j in pairs}
    shown = {f.index: f.rgb for f in iter_frames(out / "compare.mp4") if f.index in wanted_a}
    height = 720
    band_px = shown[pairs[0][0]].shape[0] - height
    width_b = shown[pairs[0][0]].shape[1] - 1280 - 4
    candidates = {j + d for j in wanted_a.values() for d in (-1, 0, 1)}
    frames_b = {f.index: cv2.resize(f.rgb, (width_b, height))
                for f in iter_frames(b.video_path) if f.index in candidates}
    for i, j in pairs:
        right = _picture(shown[i], band_px, 1284, width_b)
        errors = {d: float(np.mean(np.abs(right - frames_b[j + d]))) for d in (-1, 0, 1)
                  if j + d in frames_b}
        assert min(errors, key=errors.get) == 0, (i, j, errors)
