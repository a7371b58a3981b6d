"""The offline HTML report of one clip: :func:`write_report`.

One self-contained file a coach can open anywhere, with no network: the checks as cards (verdict,
value with its spread and accuracy, the cue, why it matters, why a verdict is unknown, the steps
left out), the warnings in plain words, the annotated video playing in the page (carried inside
it up to ``embed_video_max_mb``, else the file beside it), the key frames, the clip's knee angle,
lean and foot offset over time with the foot strikes marked, each check's values step by step,
the cadence, the step table, and the settings.

Clicking a step row, a key frame or a check's "show me" button moves the video to that frame
(a few lines of inline script; the page reads fine without it). Every string from outside
posecheck (file names, metadata, warning messages) is escaped.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import math
import os
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Protocol
from urllib.parse import quote

from posecheck import __version__
from posecheck.checks.finding import Finding, Measure
from posecheck.checks.registry import CHECKS
from posecheck.checks.steps import collect_steps
from posecheck.report.page import esc, number, page, seconds_label, verdict_badge
from posecheck.report.signals import time_signals
from posecheck.result import Analysis
from posecheck.sequence import nearest_frames

MB = 1024 * 1024

#: Plain titles of the warning codes of ``analysis.json`` (an unknown code shows as itself).
WARNING_TITLES = {
    "runner_often_lost": "Runner often not found",
    "gait_failed": "No foot strikes found",
    "not_side_on": "Not filmed from the side",
    "small_runner": "Runner small in the picture",
    "cadence_mismatch": "Cadence not trusted",
    "slow_motion": "Slow motion",
    "scene_cuts": "The clip cuts between shots",
    "camera_panning": "The camera follows the runner",
    "not_running": "Not running",
    "few_steps": "Few steps",
    "slope_unknown": "Slope unknown",
    "steps_left_out": "Steps left out",
    "changing_pace": "The pace changes through the clip",
    "feet_disagree": "The two feet's timings disagree",
    "truncated": "The file ends early",
}

#: The headline measure of each check in a few words (else its id, spelled out).
MEASURE_LABELS = {
    "lean_vs_slope_normal_deg": "whole-body lean against the slope normal, mid-stance",
    "knee_flexion_ic_deg": "knee bend at foot strike",
    "foot_landing_from_com_leg": "ankle ahead of the centre of mass at foot strike",
    "shoulder_abduction_deg": "arm held out from the side",
    "cadence_spm": "median cadence",
}

UNIT_HEADS = {"deg": "°"}

SLOPE_SOURCES = {"user": "given", "stance feet": "from the stance feet"}

VIDEO_TYPES = {".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
               ".mov": "video/mp4"}


class KeyFrameLike(Protocol):
    """A still of the clip worth showing: ``path`` a JPEG file, ``caption`` what it shows,
    ``frame_index`` its index in the clip, ``time_s`` its time in the video as it plays
    (seconds from the first frame), ``foot`` the foot it is about (``"left"``, ``"right"`` or
    ``""``)."""

    @property
    def path(self) -> Path | str: ...
    @property
    def caption(self) -> str: ...
    @property
    def frame_index(self) -> int: ...
    @property
    def time_s(self) -> float: ...
    @property
    def foot(self) -> str: ...


def write_report(analysis: Analysis, path: str | Path, *,
                 video_name: str | None = "annotated.mp4",
                 key_frames: Sequence[KeyFrameLike] = (),
                 embed_video_max_mb: float = 25.0,  # a phone clip's annotated minute; the
                 # page grows by 4/3 of the video (base64) and still opens quickly
                 embed_key_frames_max_mb: float = 25.0,  # about 200 stills: 100 steps of a
                 # side; those past it (a clip of minutes) are linked from key_frames/
                 ) -> Path:
    """Write the report of ``analysis`` to ``path`` (an ``.html`` file) and return ``path``.

    ``video_name``: the annotated video, a file name relative to the report's folder (None: no
    video). It is carried inside the page when at most ``embed_video_max_mb`` megabytes, else
    linked by its relative name (the page says it must stay beside the report). ``key_frames``:
    stills to show (:class:`KeyFrameLike`), carried inside the page up to
    ``embed_key_frames_max_mb`` megabytes, the rest linked by their paths relative to the page.

    The page is written as it is made: the files it carries are base64-encoded into it chunk by
    chunk, so the memory it takes does not grow with the video or the number of key frames."""
    path = Path(path)
    view = _View.of(analysis)
    embeds = _Embeds(path.parent)
    body = "\n".join([
        _header(view),
        '<main>',
        _summary(view),
        _warnings(view),
        _cards(view),
        _media(view, embeds, video_name, key_frames, embed_video_max_mb * MB,
               embed_key_frames_max_mb * MB),
        _time_plots(view),
        _step_table(view),
        _settings(view),
        _footer(),
        '</main>',
    ])
    document = page(f"{view.clip} – posecheck report", body, script=SCRIPT)
    embeds.write(document, path)
    return path


class _Embeds:
    """Files to carry inside the page as ``data:`` URIs: :meth:`uri` gives a placeholder for
    the page's markup, :meth:`write` writes the page with each placeholder replaced by the
    file's base64, read and encoded in chunks (never the whole file in memory)."""

    CHUNK_BYTES = 3 * 256 * 1024  # a multiple of 3: base64 of chunks joins into the whole's

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[tuple[Path, str]] = []

    def uri(self, file: Path, mime: str) -> str:
        """A placeholder for ``data:MIME;base64,...`` of ``file`` (NUL never occurs in the
        page's escaped markup)."""
        self.files.append((file, mime))
        return f"\0embed{len(self.files) - 1}\0"

    def write(self, document: str, path: Path) -> None:
        parts = document.split("\0")
        with open(path, "w", encoding="utf-8") as out:
            for k, part in enumerate(parts):
                if k % 2 == 0:
                    out.write(part)
                    continue
                file, mime = self.files[int(part.removeprefix("embed"))]
                out.write(f"data:{mime};base64,")
                with open(file, "rb") as source:
                    while chunk := source.read(self.CHUNK_BYTES):
                        out.write(base64.b64encode(chunk).decode("ascii"))


# ---- what the sections read ----------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class _View:
    """The analysis and what several sections derive from it."""

    analysis: Analysis
    doc: dict  # analysis.json
    clip: str
    findings: tuple[Finding, ...]
    fps: float

    @classmethod
    def of(cls, analysis: Analysis) -> _View:
        return cls(analysis, analysis.to_json(), analysis.video.name, analysis.findings,
                   analysis.pose.fps)

    def video_time(self, frame: int) -> float:
        """Where the video shows ``frame`` (a quarter frame in, so a seek lands on it)."""
        t = self.analysis.pose.time_s
        if not 0 <= frame < len(t):
            return math.nan
        return float(t[frame] - t[0] + 0.25 / self.fps)

    def frame_at(self, time_s: float) -> int:
        """The frame nearest a gait time (the gait clock is the video's over the slow motion
        factor, frame for frame)."""
        gait = self.analysis.gait
        return -1 if gait is None else int(nearest_frames(gait.forward.time_s, time_s))


def _seek_button(view: _View, frame: int, label: str | None = None) -> str:
    t = view.video_time(frame)
    if not math.isfinite(t):
        return ""
    text = label or seconds_label(t)
    return (f'<button type="button" class="seek" data-seek="{t:.4f}" '
            f'title="show frame {frame} in the video">{esc(text)}</button>')


# ---- header, summary, warnings -------------------------------------------------------------

def _header(view: _View) -> str:
    video, runner, gait = view.doc["video"], view.doc["runner"], view.doc["gait"]
    width, height = video["frame_size"]
    facts = [f"{video['duration_s']:.1f} s", f"{video['fps']:g} fps", f"{video['frames']} frames",
             f"{width}×{height}",
             f"runner found in {runner['detected_fraction']:.0%} of frames",
             f"{runner['people_seen']} {'person' if runner['people_seen'] == 1 else 'people'} seen"]
    if video.get("slow_motion", 1.0) > 1:
        facts.append(f"slow motion ×{video['slow_motion']:g}")
    line2 = []
    if gait is not None:
        line2.append(f"{gait['mode']}, facing {gait['facing']}")
        line2.append(f"cadence {number(gait['cadence_spm'], 'steps/min')}")
        slope = gait["slope_deg"]
        source = SLOPE_SOURCES.get(gait["slope_source"], gait["slope_source"])
        line2.append(f"slope {number(slope, 'deg', signed=True)} ({source})"
                     if slope is not None else "slope unknown")
        line2.append(f"{gait['contacts']} foot strikes")
    else:
        line2.append("no foot strikes found")
    return (
        '<header class="top"><div class="inner">'
        '<div class="brand">posecheck · running form review</div>'
        f'<h1>{esc(view.clip)}</h1>'
        f'<div class="meta">{esc(" · ".join(facts))}</div>'
        f'<div class="meta">{esc(" · ".join(line2))}</div>'
        '</div></header>'
    )


def _summary(view: _View) -> str:
    items = [f'<li><a href="#check-{esc(f.check_id)}">{esc(f.name)}</a>'
             f'{verdict_badge(f.verdict, small=True)}</li>' for f in view.findings]
    if not items:
        items = [f'<li>{esc(m.INFO.name)}{verdict_badge("unknown", small=True)}</li>'
                 for m in CHECKS]
    return f'<ul class="summary" aria-label="verdicts">{"".join(items)}</ul>'


def _sentence(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _warnings(view: _View) -> str:
    warnings = view.analysis.warnings
    if not warnings:
        return ('<p class="note">No warnings: nothing in the footage or the foot events '
                'argues against the numbers below.</p>')
    items = "".join(
        f'<li><strong>{esc(WARNING_TITLES.get(w.code, w.code.replace("_", " ")))}:</strong> '
        f'{esc(_sentence(w.message))}</li>' for w in warnings)
    return (f'<section class="warnings" id="warnings"><h2>Before you trust the numbers '
            f'({len(warnings)})</h2><ul>{items}</ul></section>')


# ---- the checks ----------------------------------------------------------------------------

def _measure_label(m: Measure) -> str:
    return MEASURE_LABELS.get(m.id, m.description or m.id.replace("_", " "))


def _accuracy(m: Measure) -> str:
    acc = m.accuracy
    if acc is None:
        return "accuracy not yet measured"
    return (f'<span title="{esc(acc.source)}">accuracy: typically within '
            f'{esc(number(acc.median_abs_error, m.unit))}, 9 in 10 clips within '
            f'{esc(number(acc.p90_abs_error, m.unit))}</span>')


def _stats(f: Finding) -> str:
    m = f.measure
    parts = []
    if math.isfinite(m.spread):
        spread = number(m.spread, m.unit, extra_decimals=1)
        parts.append(f"spread {esc(spread)} (middle half of the steps)")
    parts.append(f"{m.n_steps} step{'s' if m.n_steps != 1 else ''} counted")
    parts.append(_accuracy(m))
    return " · ".join(parts)


def _borderline(f: Finding) -> str:
    """The verdicts within reach of the measurement error, in words (empty when none is)."""
    if not f.borderline:
        return ""
    others = " or ".join(verdict_badge(v, small=True) for v in f.borderline)
    return (f'<p class="borderline"><strong>Close to the line:</strong> within the typical '
            f'measurement error of this value the verdict could be {others}. Look at the steps '
            'and the video before telling the runner.</p>')


def _left_out(f: Finding) -> str:
    if not f.left_out:
        return ""
    total = sum(f.left_out.values())
    if len(f.left_out) == 1:
        reasons = esc(next(iter(f.left_out)))
    else:
        reasons = "; ".join(f"{esc(reason)}: {n}" for reason, n in f.left_out.items())
    return (f'<p class="left-out"><strong>Left out:</strong> {total} of '
            f'{len(f.measure.per_step)} steps, {reasons}</p>')


def _details_table(f: Finding) -> str:
    rows = "".join(
        f'<tr><td class="text">{esc(d.description or d.id)}</td>'
        f'<td>{esc(number(d.value, d.unit))}</td><td>{esc(number(d.spread, d.unit))}</td>'
        f'<td>{d.n_steps}</td></tr>' for d in f.details)
    thresholds = ", ".join(f"{esc(k)} = {esc(f'{v:g}' if isinstance(v, float) else v)}"
                           for k, v in f.thresholds.items())
    if not rows and not thresholds:
        return ""
    table = (f'<table class="data"><tr><th class="text">measure</th><th>median</th>'
             f'<th>spread</th><th>steps</th></tr>{rows}</table>' if rows else "")
    pattern = f'<p>Pattern recognised: {esc(f.pattern)}.</p>' if f.pattern else ""
    limits = f'<p>Thresholds: {thresholds}.</p>' if thresholds else ""
    return (f'<details><summary>More measures and thresholds</summary>{table}{pattern}'
            f'{limits}</details>')


def _card(view: _View, f: Finding) -> str:
    from posecheck.report import plots  # loaded when a report is written (_time_plots)

    m = f.measure
    unknown = f.verdict == "unknown"
    value = number(m.value, m.unit)
    figure = plots.per_step_figure(f, view.analysis.gait.events.foot
                                   if view.analysis.gait is not None else (),
                                   baseline=view.analysis.options.baseline)
    plot = (f'<img class="plot" src="{plots.data_uri(figure)}" alt="{esc(f.name)}: value per '
            'step against the verdict zones">' if figure is not None else "")
    reason_label = "Why unknown" if unknown else "How it was judged"
    evidence = "".join(_seek_button(view, frame) for frame in f.evidence_frames)
    cue = (f'<p class="cue">“{esc(f.cue)}”</p>' if f.cue else "")
    return (
        f'<article class="card v-{f.verdict}-card" id="check-{esc(f.check_id)}">'
        f'<div class="head"><h3>{esc(f.name)}</h3>{verdict_badge(f.verdict)}</div>'
        f'<div class="value">{esc(value)}</div>'
        f'<div class="value-label">{esc(_measure_label(m))}</div>'
        f'<div class="stats">{_stats(f)}</div>'
        f'{cue}{plot}'
        f'<p class="reason{" unknown" if unknown else ""}"><strong>{reason_label}:</strong> '
        f'{esc(_sentence(f.reason))}</p>'
        f'{_borderline(f)}'
        f'{_left_out(f)}'
        f'<p class="why"><strong>Why it matters:</strong> {esc(f.why)}</p>'
        + (f'<div class="controls"><span class="note">Show me:</span>{evidence}</div>'
           if evidence else "")
        + f'{_details_table(f)}</article>'
    )


def _placeholder_card(module: ModuleType, reason: str) -> str:
    """The card of a check that did not run (the gait stage failed)."""
    info = module.INFO
    return (
        f'<article class="card v-unknown-card" id="check-{esc(info.id)}">'
        f'<div class="head"><h3>{esc(info.name)}</h3>{verdict_badge("unknown")}</div>'
        '<div class="value">–</div>'
        '<div class="stats">0 steps counted · accuracy not yet measured</div>'
        f'<p class="reason unknown"><strong>Why unknown:</strong> {esc(_sentence(reason))}</p>'
        f'<p class="why"><strong>Why it matters:</strong> {esc(info.why)}</p></article>'
    )


def _cards(view: _View) -> str:
    if view.findings:
        cards = "".join(_card(view, f) for f in view.findings)
    else:
        reason = ("no foot strikes were found: " + view.analysis.gait_error
                  if view.analysis.gait_error else "the checks did not run")
        cards = "".join(_placeholder_card(m, reason) for m in CHECKS)
    legend = ('<p class="note">In each small plot: one dot per step (left foot orange, right '
              'foot blue; hollow grey: left out), the dashed line is the median, the bands are '
              'the verdict zones (green good, orange watch, red fix).</p>')
    return (f'<section id="checks"><h2>The checks</h2><div class="cards">{cards}</div>'
            f'{legend}</section>')


# ---- video and key frames ------------------------------------------------------------------

def _video(view: _View, embeds: _Embeds, video_name: str | None, max_bytes: float) -> str:
    if video_name is None:
        return '<p class="note">No video goes with this report.</p>'
    file = embeds.folder / video_name
    if not file.is_file():
        return (f'<p class="note">The annotated video ({esc(video_name)}) was not found beside '
                'this report.</p>')
    size = file.stat().st_size
    mime = VIDEO_TYPES.get(file.suffix.lower(), "video/mp4")
    if size <= max_bytes:
        src = embeds.uri(file, mime)
        note = "The annotated video is inside this page."
    else:
        src = esc(quote(Path(video_name).as_posix()))
        note = (f"The annotated video ({esc(video_name)}, {size / MB:.0f} MB, over the "
                f"{max_bytes / MB:.0f} MB carried inside a page) is not inside this page: keep "
                "it in the same folder as this report.")
    controls = ('<div class="controls"><span class="note">Speed</span>'
                '<button type="button" class="seek" data-rate="0.25">¼×</button>'
                '<button type="button" class="seek" data-rate="0.5">½×</button>'
                '<button type="button" class="seek" data-rate="1">1×</button>'
                '<span class="note">Frame</span>'
                '<button type="button" class="seek" data-step="-1" '
                'title="back one frame">◀</button>'
                '<button type="button" class="seek" data-step="1" title="on one frame">▶</button>'
                '</div>')
    return (f'<video id="clip" controls muted playsinline preload="auto" '
            f'data-fps="{view.fps:.6g}" src="{src}"></video>{controls}'
            f'<p class="note">{note} Click a step in the table, a key frame or a '
            '"show me" time to see that moment.</p>')


def _key_frames(view: _View, embeds: _Embeds, key_frames: Sequence[KeyFrameLike],
               max_bytes: float) -> str:
    figures, missing, linked, carried = [], 0, 0, 0
    for kf in key_frames:
        file = Path(kf.path)
        if not file.is_file():
            missing += 1
            continue
        size = file.stat().st_size
        if carried + size <= max_bytes:
            src = embeds.uri(file, "image/jpeg")
            carried += size
        else:
            src = esc(quote(Path(os.path.relpath(file, embeds.folder)).as_posix()))
            linked += 1
        t = view.video_time(int(kf.frame_index))
        if not math.isfinite(t):
            t = float(kf.time_s)
        foot = f" · {esc(kf.foot)} foot" if kf.foot else ""
        figures.append(
            f'<figure data-seek="{t:.4f}" tabindex="0" title="show this frame in the video">'
            f'<img src="{src}" alt="{esc(kf.caption)}">'
            f'<figcaption><strong>{esc(kf.caption)}</strong><br><span class="note">frame '
            f'{int(kf.frame_index)} · {esc(seconds_label(float(kf.time_s)))}{foot}</span>'
            '</figcaption></figure>')
    note = (f'<p class="note">{missing} key frame{"s" if missing != 1 else ""} could not be '
            'read.</p>' if missing else "")
    if linked:
        note += (f'<p class="note">{linked} of the key frames (over the {max_bytes / MB:.0f} MB '
                 'carried inside a page) are shown from the key_frames folder: keep it beside '
                 'this report.</p>')
    if not figures:
        return f'<p class="note">No key frames were made for this clip.</p>{note}'
    return f'<div class="gallery">{"".join(figures)}</div>{note}'


def _media(view: _View, embeds: _Embeds, video_name: str | None,
           key_frames: Sequence[KeyFrameLike], max_video_bytes: float,
           max_key_frame_bytes: float) -> str:
    return (
        '<section id="video"><h2>The video and key frames</h2><div class="media">'
        f'<div>{_video(view, embeds, video_name, max_video_bytes)}</div>'
        f'<div id="key-frames">{_key_frames(view, embeds, key_frames, max_key_frame_bytes)}'
        '</div></div></section>'
    )


# ---- plots, steps, settings ----------------------------------------------------------------

def _time_plots(view: _View) -> str:
    # matplotlib's figures and axes are loaded when a report is written, after the pose model
    # has run, so they do not add to the pose stage's memory (12 MB less at import)
    from posecheck.report import plots

    analysis = view.analysis
    if analysis.gait is None:
        if not analysis.pose.n_frames:
            return ""
        figure = plots.knee_only_figure(analysis.pose)
        alt = "knee flexion of both legs over time"
        curves = True
    else:
        findings = {f.check_id: f for f in view.findings}
        signals = time_signals(analysis.gait)
        curves = plots.shows_curves(signals)
        figure = plots.time_figure(signals, analysis.gait, findings,
                                   baseline=analysis.options.baseline)
        alt = ("knee flexion, lean, ankle ahead of the centre of mass and cadence over time, "
               + ("foot strikes marked" if curves else "step by step"))
    if curves:
        legend = ('<p class="note">Vertical lines: foot strikes (left foot orange, right '
                  'blue). Dots: the values the checks read (filled: counted; hollow: left '
                  'out). Dashed lines: the watch (orange) and fix (red) thresholds. The '
                  'whole-body line turns forward as the body passes over the foot, so the '
                  'lean check reads it at mid-stance.</p>')
    else:
        legend = (f'<p class="note">The clip is longer than {plots.MAX_CURVES_S:g} s, so it is '
                  'shown step by step: dots are the values the checks read (filled: counted, '
                  'in the landing foot\'s colour; hollow: left out), the dark line their '
                  f'running median over {plots.RUNNING_STEPS} steps, dashed lines the watch '
                  '(orange) and fix (red) thresholds.</p>')
    return (f'<section id="plots"><h2>Through the clip</h2><div class="panel">'
            f'<img class="plot" src="{plots.data_uri(figure)}" alt="{esc(alt)}"></div>'
            f'{legend}</section>')


def _cell(m: Measure | None, j: int) -> str:
    if m is None:
        return "<td>–</td>"
    value = m.per_step[j]
    text = esc(number(value, m.unit, bare=True))
    if math.isfinite(value) and not m.used[j]:
        return f'<td class="off" title="left out of the verdict">{text}</td>'
    return f"<td>{text}</td>"


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}" if math.isfinite(seconds) else "–"


def _step_table(view: _View) -> str:
    gait = view.analysis.gait
    if gait is None:
        return ('<section id="steps"><h2>Steps</h2><p class="note">No foot strikes were found, '
                f'so there are no steps: {esc(view.analysis.gait_error)}</p></section>')
    table, steps = gait.steps, collect_steps(gait)
    measures = [f.measure for f in view.findings]
    def unit(text: str) -> str:
        return f'<br><span class="note">{esc(text)}</span>'

    heads = "".join(f'<th title="{esc(f.name)}">{esc(f.check_id)}'
                    f'{unit(UNIT_HEADS.get(f.measure.unit, f.measure.unit))}</th>'
                    for f in view.findings)
    rows = []
    for j in range(len(table)):
        foot = table.foot[j]
        frame = view.frame_at(float(table.ic_s[j]))
        t = view.video_time(frame)
        seek = f' data-seek="{t:.4f}" tabindex="0"' if math.isfinite(t) else ""
        problem = steps.problem[j]
        status = esc(problem) if problem else "counted"
        cells = "".join(_cell(m, j) for m in measures)
        rows.append(
            f'<tr class="{"out" if problem else ""}"{seek} title="show this foot strike">'
            f'<td>{j + 1}</td><td class="text foot-{esc(foot)}">{esc(foot)}</td>'
            f'<td class="text">{"near" if steps.near[j] else "far"}</td>'
            f'<td>{table.ic_s[j]:.3f}</td>'
            f'<td>{esc(_ms(table.contact_s[j]))}</td><td>{esc(_ms(table.flight_s[j]))}</td>'
            f'<td>{esc(_ms(table.step_s[j]))}</td>'
            f'{cells}<td class="text">{status}</td></tr>')
    head = ('<tr><th>step</th><th class="text">foot</th><th class="text">side</th>'
            f'<th>foot strike{unit("s")}</th><th>contact{unit("ms")}</th>'
            f'<th>flight{unit("ms")}</th><th>step time{unit("ms")}</th>'
            f'{heads}<th class="text">events</th></tr>')
    note = ('<p class="note">One row per foot strike; click a row to see it in the video. '
            'Struck-through values did not count towards the verdict (far leg, or the step\'s '
            'events are not trusted: the last column says why).</p>')
    return (f'<section id="steps"><h2>Steps ({len(table)})</h2><div class="scroll">'
            f'<table class="data" id="step-table">{head}{"".join(rows)}</table></div>'
            f'{note}</section>')


def _facts(pairs: list[tuple[str, object]]) -> str:
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{esc(_plain(v))}</dd>" for k, v in pairs)
    return f'<dl class="facts">{rows}</dl>'


def _plain(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) or "defaults"
    return str(value)


def _settings(view: _View) -> str:
    doc = view.doc
    gait = doc["gait"]
    run = [("video file", doc["video"]["path"]), ("codec", doc["video"]["codec"]),
           ("runner (person id)", doc["runner"]["person_id"])]
    if gait is not None:
        slope_source = SLOPE_SOURCES.get(gait["slope_source"], gait["slope_source"])
        run += [("gait", gait["mode"]), ("facing", gait["facing"]),
                ("cadence (foot strikes)", number(gait["cadence_spm"], "steps/min")),
                ("cadence (legs' rhythm)", number(gait["rhythm_cadence_spm"], "steps/min")),
                ("slope", f"{number(gait['slope_deg'], 'deg')} ({slope_source})"),
                ("scale", f"{gait['scale_source']}, leg {number(gait['leg_length_px'], 'px')}"),
                ("camera off side-on", number(gait["view_off_side_deg"], "deg")),
                ("event uncertainty", f"{number(gait['event_uncertainty_frames'], '')} frames")]
    else:
        run.append(("gait", f"failed: {view.analysis.gait_error}"))
    settings = [(k.replace("_", " "), v) for k, v in doc["settings"].items()]
    versions = [("posecheck", doc["posecheck_version"]), *doc["versions"].items(),
                ("pose time", f"{doc['timing']['pose_seconds']:g} s"),
                ("total time", f"{doc['timing']['total_seconds']:g} s")]
    return (
        '<section id="settings"><h2>The run and its settings</h2><div class="twocol">'
        f'<div class="panel"><h3>The run</h3>{_facts(run)}</div>'
        f'<div class="panel"><h3>Settings</h3>{_facts(settings)}'
        f'<h3 style="margin-top:10px">Versions</h3>{_facts(versions)}</div>'
        '</div></section>'
    )


def _footer() -> str:
    written = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    return (f'<footer>Written by posecheck {esc(__version__)} on {written}. This page is '
            'self-contained: it loads nothing from the network.</footer>')


SCRIPT = """
(function () {
  var video = document.getElementById('clip');
  if (!video) { return; }
  var fps = parseFloat(video.getAttribute('data-fps')) || 30;
  video.addEventListener('loadeddata', function () {
    // show the first frame instead of a black box until the video is played
    if (video.currentTime === 0 && video.paused) { video.currentTime = 0.25 / fps; }
  }, {once: true});
  function seek(t) {
    video.pause();
    video.currentTime = t;
    video.scrollIntoView({block: 'center', behavior: 'smooth'});
  }
  document.querySelectorAll('[data-seek]').forEach(function (el) {
    var t = parseFloat(el.getAttribute('data-seek'));
    el.addEventListener('click', function () { seek(t); });
    el.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); seek(t); }
    });
  });
  document.querySelectorAll('[data-rate]').forEach(function (el) {
    el.addEventListener('click', function () {
      video.playbackRate = parseFloat(el.getAttribute('data-rate'));
      video.play();
    });
  });
  document.querySelectorAll('[data-step]').forEach(function (el) {
    el.addEventListener('click', function () {
      video.pause();
      video.currentTime = Math.max(0, video.currentTime +
                                   parseFloat(el.getAttribute('data-step')) / fps);
    });
  });
})();
"""
