"""Two analyses side by side: what changed from run A to run B, and whether it is a real change.

A run is an output folder of ``posecheck analyze`` (or its ``analysis.json``), read into a
frozen :class:`RunSummary`. :func:`compare_runs` gives a :class:`Comparison`: for every check's
headline measure and each of its detail measures, the value in A and in B, the change B - A,
the accuracy it is judged against, whether it is beyond that accuracy, and, for the headline
measures, whether it is better or worse for the runner; then the verdict changes (lean fix ->
good) and notes on what differs between the runs themselves (slope, version). ``to_json`` is
``compare.json``; :func:`comparison_html` the offline table page ``compare.html``.

The beyond-accuracy rule
------------------------
Each value carries the accuracy posecheck published for its measure when the run was analysed
(:mod:`posecheck.checks.accuracy`): the absolute error of a clip's median against exact truth,
its median and its 90th percentile (p90). A change B - A is **beyond accuracy** when

    |B - A| > sqrt(p90_A ** 2 + p90_B ** 2)

- The two clips' measurement errors are independent draws, so the error of their difference
  spreads as the two spreads added in quadrature (not linearly: both errors at their worst, in
  opposite directions, at once is rarer than one time in a hundred and would hide real changes).
- The p90, not the median error: for normal errors p90 |e| = 1.645 sigma, so the bound is 1.645
  times the spread of the difference, and a change made of measurement error alone passes it
  about one time in ten; a change called beyond accuracy is real with about 90% confidence.
  With the median error (0.674 sigma) pure error would pass half the time: the coach would be
  told half the noise is a change.
- An error both clips share (the method's bias, the same camera and runner in a before/after)
  cancels in the difference, so the bound is cautious for two runs filmed alike.
- When either value has no published accuracy the change is **accuracy unknown**, and it is
  never called beyond accuracy: what it shows is a direction, not a finding.

Better or worse
---------------
A headline change is better when it brings the value closer to the check's good range (read
from run A's thresholds in its ``analysis.json``: knee flexion at or above ``watch_below_deg``,
the landing at or under ``watch_above_leg``, the lean within ``watch_back_deg`` behind and
``watch_forward_deg`` ahead of ``reference_level_deg``, ...), worse when it takes it further
away; when both values are inside the good range the change is neither. A run judged against
the runner's level run (``--baseline``) has a good range for lean and cadence that
``analysis.json`` does not hold: cadence then counts higher as better, and the lean is not
called better or worse. Detail measures are reported higher or lower, without a judgement.
"""

from __future__ import annotations

import dataclasses
import html
import json
import math
from pathlib import Path

from posecheck import __version__
from posecheck.checks.finding import Accuracy
from posecheck.checks.registry import headline_bands
from posecheck.errors import PosecheckError
from posecheck.gait.analysis import json_number
from posecheck.result import SCHEMA_VERSION

COMPARE_VERSION = "1.0"  # layout of compare.json
VERDICT_RANK = {"good": 0, "watch": 1, "fix": 2}  # "unknown" cannot be ranked

RULE = ("a change counts (beyond accuracy) when |B - A| exceeds sqrt(p90_A^2 + p90_B^2), the "
        "90th percentiles of the two values' absolute errors added in quadrature: measurement "
        "error alone passes it about one time in ten; when either value has no published "
        "accuracy the change is 'accuracy unknown' and never counts")

#: check id -> (words for an increase, words for a decrease) of its headline measure
WORDS: dict[str, tuple[str, str]] = {
    "lean": ("leans more forward", "leans further back"),
    "knee": ("knee more bent at landing", "straighter knee at landing"),
    "landing": ("foot lands further ahead of the body", "foot lands closer under the body"),
    "arms": ("arms held wider", "arms held closer to the body"),
    "cadence": ("quicker steps", "slower steps"),
}

#: checks whose good range comes from the level run when a run has a baseline
BASELINE_CHECKS = ("lean", "cadence")
#: slopes this far apart change the lean against gravity noticeably: say so
SLOPE_NOTE_DEG = 1.0
#: without a good range: +1 higher is better, -1 lower is better, 0 no preference
PREFERRED_SIGN = {"lean": 0, "knee": 1, "landing": -1, "arms": 1, "cadence": 1}


# ---------------------------------------------------------------------------------- reading


@dataclasses.dataclass(frozen=True)
class MeasureValue:
    """One measure of one run: its median over the steps that counted (NaN: not measured)."""

    id: str
    unit: str
    value: float
    spread: float  # interquartile range over the steps
    n_steps: int
    accuracy: Accuracy | None
    description: str = ""


@dataclasses.dataclass(frozen=True, eq=False)
class CheckSummary:
    """One check of one run: the verdict, the headline measure and the detail measures."""

    id: str
    name: str
    verdict: str
    pattern: str
    headline: MeasureValue
    details: tuple[MeasureValue, ...]
    thresholds: dict[str, float]


@dataclasses.dataclass(frozen=True)
class Strike:
    """A foot strike: ``frame``, the frame nearest it, and ``time_s``, that frame's time on the
    video's clock (seconds from the first frame, as the clip plays), so that strikes aligned
    in time show their strike frames together."""

    foot: str
    time_s: float
    frame: int

    @classmethod
    def from_event(cls, event: dict, *, fps: float, slow_motion: float) -> Strike:
        """From an ``analysis.json`` event; its ``ic_s`` is on the real clock. The strike
        frame's time is ``ic_frame / fps`` when that lies within a frame of the strike (a
        constant frame rate), else the strike's own time."""
        frame, time_s = int(event["ic_frame"]), _number(event["ic_s"]) * slow_motion
        if abs(frame / fps - time_s) < 1 / fps:
            time_s = frame / fps
        return cls(str(event["foot"]), time_s, frame)


@dataclasses.dataclass(frozen=True, eq=False)
class RunSummary:
    """What a comparison needs of one analysed run, read from its ``analysis.json``.

    ``name``: the output folder's name; ``video_path``: the run's ``annotated.mp4`` when the
    folder has one, else the source video when it still exists, else None; ``strikes``: the
    foot strikes in time order on the video's clock (empty when the gait stage failed).
    """

    name: str
    analysis_path: Path
    video_path: Path | None
    posecheck_version: str
    fps: float
    n_frames: int
    frame_size: tuple[int, int]  # width, height
    slow_motion: float  # the clip plays this many times slower than real time
    slope_deg: float
    has_baseline: bool
    strikes: tuple[Strike, ...]
    checks: tuple[CheckSummary, ...]
    warnings: tuple[str, ...]  # the warning codes

    @classmethod
    def load(cls, path: str | Path) -> RunSummary:
        """Read an output folder of ``posecheck analyze`` or its ``analysis.json``."""
        file = _analysis_file(Path(path))
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise PosecheckError(f"{file}: not a readable analysis.json ({exc})") from exc
        if not isinstance(data, dict) or "schema_version" not in data:
            raise PosecheckError(f"{file}: not a posecheck analysis.json (no schema_version)")
        if data["schema_version"] != SCHEMA_VERSION:
            raise PosecheckError(f"{file}: schema_version {data['schema_version']!r}, this "
                                 f"posecheck reads {SCHEMA_VERSION!r}: analyse the clip again")
        try:
            return cls._from_json(data, file)
        except (LookupError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            raise PosecheckError(f"{file}: not a posecheck analysis.json ({type(exc).__name__}: "
                                 f"{str(exc).splitlines()[0] if str(exc) else ''})") from exc

    @classmethod
    def _from_json(cls, data: dict, file: Path) -> RunSummary:
        video, gait = data["video"], data["gait"]
        slow_motion = float(video.get("slow_motion") or 1.0)
        for what, value in (("fps", float(video["fps"])), ("slow_motion", slow_motion)):
            if not 0 < value < math.inf:
                raise ValueError(f"video {what} {value!r} is not a positive number")
        strikes = tuple(Strike.from_event(e, fps=float(video["fps"]), slow_motion=slow_motion)
                        for e in (gait or {}).get("events", []) if e.get("ic_s") is not None)
        annotated = file.parent / "annotated.mp4"
        source = Path(str(video["path"]))
        return cls(
            name=file.parent.resolve().name,
            analysis_path=file,
            video_path=annotated if annotated.is_file() else source if source.is_file() else None,
            posecheck_version=str(data.get("posecheck_version", "")),
            fps=float(video["fps"]),
            n_frames=int(video["frames"]),
            frame_size=(int(video["frame_size"][0]), int(video["frame_size"][1])),
            slow_motion=slow_motion,
            slope_deg=_number((gait or {}).get("slope_deg")),
            has_baseline=data["settings"].get("baseline") is not None,
            strikes=tuple(sorted(strikes, key=lambda s: s.time_s)),
            checks=tuple(_check(c) for c in data["checks"]),
            warnings=tuple(str(w["code"]) for w in data["warnings"]),
        )

    def check(self, check_id: str) -> CheckSummary | None:
        return next((c for c in self.checks if c.id == check_id), None)


def _analysis_file(path: Path) -> Path:
    if path.is_dir():
        file = path / "analysis.json"
        if not file.is_file():
            raise PosecheckError(f"{path}: no analysis.json in this folder (give an output folder "
                                 "of 'posecheck analyze' or its analysis.json)")
        return file
    if not path.exists():
        raise PosecheckError(f"{path}: no such analysis folder or file")
    return path


def _number(value) -> float:
    """A JSON number (null: NaN) as a float; anything else is a broken file."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {value!r}")
    return float(value)


def _accuracy(item: dict | None) -> Accuracy | None:
    if not item:
        return None
    return Accuracy(_number(item.get("median_abs_error")), _number(item.get("p90_abs_error")),
                    str(item.get("source", "")))


def _measure(item: dict, *, id_key: str = "id") -> MeasureValue:
    return MeasureValue(id=str(item[id_key]), unit=str(item["unit"]),
                        value=_number(item["value"]), spread=_number(item.get("spread")),
                        n_steps=int(item.get("n_steps") or 0),
                        accuracy=_accuracy(item.get("accuracy")),
                        description=str(item.get("description", "")))


def _check(item: dict) -> CheckSummary:
    return CheckSummary(id=str(item["id"]), name=str(item["name"]), verdict=str(item["verdict"]),
                        pattern=str(item.get("pattern", "")),
                        headline=dataclasses.replace(_measure(item, id_key="measure"),
                                                     description=str(item["measure"])),
                        details=tuple(_measure(d) for d in item.get("details", [])),
                        thresholds={str(k): float(v) for k, v in
                                    (item.get("thresholds") or {}).items()})


# ---------------------------------------------------------------------------------- comparing


def combined_accuracy(a: Accuracy | None, b: Accuracy | None) -> float | None:
    """sqrt(p90_A^2 + p90_B^2), or None when either accuracy is unknown (module docstring)."""
    if a is None or b is None:
        return None
    if not (math.isfinite(a.p90_abs_error) and math.isfinite(b.p90_abs_error)):
        return None
    return math.hypot(a.p90_abs_error, b.p90_abs_error)


@dataclasses.dataclass(frozen=True)
class Change:
    """One measure in A and in B. ``assessment``: "better", "worse" or "" (no judgement: a
    detail measure, no preferred direction, or both values in the good range)."""

    check_id: str
    check_name: str
    measure_id: str
    headline: bool
    unit: str
    description: str
    value_a: float
    value_b: float
    accuracy_a: Accuracy | None
    accuracy_b: Accuracy | None
    assessment: str = ""
    in_good_range: bool = False  # both values inside the check's good range

    @property
    def change(self) -> float:
        return self.value_b - self.value_a

    @property
    def accuracy(self) -> float | None:
        """The bound |change| must exceed, or None when unknown."""
        return combined_accuracy(self.accuracy_a, self.accuracy_b)

    @property
    def measured(self) -> bool:
        return math.isfinite(self.value_a) and math.isfinite(self.value_b)

    @property
    def beyond_accuracy(self) -> bool:
        bound = self.accuracy
        return self.measured and bound is not None and abs(self.change) > bound

    @property
    def status(self) -> str:
        """"beyond accuracy", "within accuracy", "accuracy unknown" or "not measured"."""
        if not self.measured:
            return "not measured"
        if self.accuracy is None:
            return "accuracy unknown"
        return "beyond accuracy" if self.beyond_accuracy else "within accuracy"

    @property
    def what(self) -> str:
        """Which way and how far, e.g. "leans more forward by 16.6 deg" ("" if unmeasured)."""
        if not self.measured:
            return ""
        up, down = WORDS[self.check_id] if self.headline and self.check_id in WORDS else (
            "higher", "lower")
        return f"{up if self.change > 0 else down} by {format_value(abs(self.change), self.unit)}"

    @property
    def words(self) -> str:
        """The change in plain words, e.g. "leans more forward by 16.6 deg: better"."""
        if not self.measured:
            missing = [run for run, v in (("A", self.value_a), ("B", self.value_b))
                       if not math.isfinite(v)]
            return f"not measured in {' and '.join(missing)}"
        if self.change == 0:
            return "no change"
        what = self.what
        if self.status == "within accuracy":
            bound = format_value(self.accuracy, self.unit)
            return f"no real change: {what} is within the accuracy (+/- {bound})"
        if self.assessment:
            what += f": {self.assessment}"
        elif self.in_good_range:
            what += ", both in the good range"
        return what + (" (accuracy unknown)" if self.status == "accuracy unknown" else "")

    def as_dict(self) -> dict:
        return {"check": self.check_id, "check_name": self.check_name,
                "measure": self.measure_id, "headline": self.headline, "unit": self.unit,
                "description": self.description,
                "value_a": json_number(self.value_a), "value_b": json_number(self.value_b),
                "change": json_number(self.change),
                "accuracy_a": self.accuracy_a.as_dict() if self.accuracy_a else None,
                "accuracy_b": self.accuracy_b.as_dict() if self.accuracy_b else None,
                "accuracy": json_number(self.accuracy) if self.accuracy is not None else None,
                "beyond_accuracy": self.beyond_accuracy, "status": self.status,
                "assessment": self.assessment, "in_good_range": self.in_good_range,
                "words": self.words}


@dataclasses.dataclass(frozen=True)
class VerdictChange:
    check_id: str
    check_name: str
    verdict_a: str
    verdict_b: str

    @property
    def kind(self) -> str:
        """"better", "worse", "same" or "not comparable" (an unknown verdict)."""
        if self.verdict_a == self.verdict_b:
            return "same"
        if self.verdict_a not in VERDICT_RANK or self.verdict_b not in VERDICT_RANK:
            return "not comparable"
        better = VERDICT_RANK[self.verdict_b] < VERDICT_RANK[self.verdict_a]
        return "better" if better else "worse"

    def as_dict(self) -> dict:
        return {"check": self.check_id, "check_name": self.check_name,
                "verdict_a": self.verdict_a, "verdict_b": self.verdict_b, "kind": self.kind}


@dataclasses.dataclass(frozen=True, eq=False)
class Comparison:
    """Run A against run B: every measure's change, the verdict changes, and notes on what
    differs between the runs themselves."""

    a: RunSummary
    b: RunSummary
    changes: tuple[Change, ...]
    verdicts: tuple[VerdictChange, ...]
    notes: tuple[str, ...]

    @property
    def headlines(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.headline)

    def change(self, measure_id: str) -> Change:
        for change in self.changes:
            if change.measure_id == measure_id:
                return change
        raise KeyError(measure_id)

    def _listed(self, assessment: str) -> list[str]:
        return [f"{c.check_name}: {c.what}" + (" (accuracy unknown)" if c.accuracy is None
                                                else "")
                for c in self.headlines if c.assessment == assessment
                and c.status in ("beyond accuracy", "accuracy unknown")]

    @property
    def improved(self) -> list[str]:
        """Each headline that got better, in plain words (changes within accuracy left out)."""
        return self._listed("better")

    @property
    def worsened(self) -> list[str]:
        """Each headline that got worse, in plain words (changes within accuracy left out)."""
        return self._listed("worse")

    def to_json(self, *, video: dict | None = None) -> dict:
        """``compare.json``; ``video``: what :func:`posecheck.compare_video.write_compare_video`
        reported, when the video was written."""
        return {"compare_version": COMPARE_VERSION, "posecheck_version": __version__,
                "rule": RULE,
                "runs": {"a": _run_json(self.a), "b": _run_json(self.b)},
                "changes": [c.as_dict() for c in self.changes],
                "verdicts": [v.as_dict() for v in self.verdicts],
                "improved": self.improved, "worsened": self.worsened,
                "notes": list(self.notes), "video": video}


def _run_json(run: RunSummary) -> dict:
    return {"name": run.name, "analysis": str(run.analysis_path),
            "video": str(run.video_path) if run.video_path else None,
            "posecheck_version": run.posecheck_version, "fps": run.fps,
            "frames": run.n_frames, "frame_size": list(run.frame_size),
            "slope_deg": json_number(run.slope_deg), "foot_strikes": len(run.strikes),
            "warnings": list(run.warnings)}


def compare_runs(a: RunSummary, b: RunSummary) -> Comparison:
    """Every measure both runs hold, in A's check order (see the module docstring)."""
    changes, verdicts, notes = [], [], []
    for check_a in a.checks:
        check_b = b.check(check_a.id)
        if check_b is None:
            notes.append(f"check {check_a.id} is only in run A")
            continue
        verdicts.append(VerdictChange(check_a.id, check_a.name, check_a.verdict,
                                      check_b.verdict))
        pairs = [(check_a.headline, check_b.headline, True)]
        details_b = {d.id: d for d in check_b.details}
        pairs += [(d, details_b[d.id], False) for d in check_a.details if d.id in details_b]
        for ma, mb, headline in pairs:
            if ma.id != mb.id or ma.unit != mb.unit:
                notes.append(f"{check_a.id}: {ma.id} ({ma.unit}) in A and {mb.id} ({mb.unit}) "
                             "in B measure different things and are not compared")
                continue
            assessment, in_range = (_assess(check_a, a, b, ma.value, mb.value) if headline
                                    else ("", False))
            changes.append(Change(check_a.id, check_a.name, ma.id, headline, ma.unit,
                                  ma.description, ma.value, mb.value, ma.accuracy, mb.accuracy,
                                  assessment, in_range))
    notes += [f"check {c.id} is only in run B" for c in b.checks if a.check(c.id) is None]
    notes += _run_notes(a, b)
    return Comparison(a, b, tuple(changes), tuple(verdicts), tuple(notes))


def good_range(check: CheckSummary, run: RunSummary) -> tuple[float, float] | None:
    """The check's good range for its headline value, by the check's own rule under the run's
    thresholds (:func:`posecheck.checks.registry.headline_bands`), or None (an unknown check,
    or a run judged against its level baseline, which the summary does not carry)."""
    if run.has_baseline and check.id in BASELINE_CHECKS:
        return None
    bands = headline_bands(check.id, check.thresholds)
    return bands.good_range if bands is not None else None


def _distance(value: float, bounds: tuple[float, float]) -> float:
    low, high = bounds
    return max(low - value, value - high, 0.0)


def _assess(check: CheckSummary, a: RunSummary, b: RunSummary, value_a: float,
            value_b: float) -> tuple[str, bool]:
    """("better" / "worse" / "", both values in the good range) for a headline change."""
    if not (math.isfinite(value_a) and math.isfinite(value_b)) or value_a == value_b:
        return "", False
    bounds = good_range(check, a)
    if bounds is None:
        other = b.check(check.id)
        bounds = good_range(other, b) if other is not None else None
    if bounds is not None:
        da, db = _distance(value_a, bounds), _distance(value_b, bounds)
        if da == db == 0.0:
            return "", True
        return ("better" if db < da else "worse" if db > da else ""), False
    sign = PREFERRED_SIGN.get(check.id, 0)
    if sign == 0:
        return "", False
    return ("better" if (value_b - value_a) * sign > 0 else "worse"), False


def _run_notes(a: RunSummary, b: RunSummary) -> list[str]:
    notes = []
    if abs(a.slope_deg - b.slope_deg) >= SLOPE_NOTE_DEG:  # False when either is NaN
        notes.append(f"the slopes differ (A {a.slope_deg:.1f} deg, B {b.slope_deg:.1f} deg): the "
                     "lean against the slope normal compares like with like, the lean against "
                     "gravity (whole_body_lean_deg) does not")
    for label, run in (("A", a), ("B", b)):
        if not run.strikes:
            notes.append(f"run {label} has no foot strikes: its checks are unknown and the "
                         "video cannot be synchronised on it")
        if run.warnings:
            notes.append(f"run {label} warnings: {', '.join(run.warnings)}")
    if a.posecheck_version != b.posecheck_version:
        notes.append(f"the runs were analysed by different posecheck versions (A "
                     f"{a.posecheck_version}, B {b.posecheck_version})")
    return notes


# ---------------------------------------------------------------------------------- showing


#: decimals shown per unit: a tenth of a degree, a hundredth of a leg length, a millisecond
DECIMALS = {"deg": 1, "leg lengths": 2, "m": 2, "s": 3, "steps/min": 1, "": 2}


def format_value(value: float | None, unit: str, *, signed: bool = False) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    text = f"{value:{'+' if signed else ''}.{DECIMALS.get(unit, 2)}f}"
    return f"{text} {unit}" if unit else text


def change_table(comparison: Comparison, *, details: bool = False) -> list[str]:
    """The change table as text lines (headline measures; ``details`` adds the others)."""
    rows = [c for c in comparison.changes if details or c.headline]
    head = ("check", "A", "B", "change", "accuracy", "")
    cells = [head] + [(c.check_name if c.headline else f"  {c.measure_id}",
                       format_value(c.value_a, c.unit), format_value(c.value_b, c.unit),
                       format_value(c.change, c.unit, signed=True),
                       f"+/- {format_value(c.accuracy, c.unit)}" if c.accuracy is not None
                       else "unknown", c.words) for c in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(head) - 1)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:-1], widths)) + "  " + row[-1]
             for row in cells]
    for verdict in comparison.verdicts:
        if verdict.kind != "same":
            lines.append(f"verdict {verdict.check_name}: {verdict.verdict_a} -> "
                         f"{verdict.verdict_b} ({verdict.kind})")
    return lines


PAGE_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3em 0.8em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.detail td { color: #555; font-size: 0.9em; }
tr.detail td:first-child { padding-left: 2em; }
.better { color: #0b6e3f; } .worse { color: #a4221b; } .muted { color: #777; }
video { max-width: 100%; }
"""


def comparison_html(comparison: Comparison, *, video_file: str | None = None) -> str:
    """``compare.html``: one self-contained page (no script, no remote resource). Every string
    from outside (run names, paths, check texts) is escaped; ``video_file``: the side-by-side
    video beside the page, when written."""
    e = html.escape
    a, b = comparison.a, comparison.b
    rows = []
    for c in comparison.changes:
        css = c.assessment if c.status != "within accuracy" else "muted"
        bound = format_value(c.accuracy, c.unit) if c.accuracy is not None else "unknown"
        rows.append(
            f'<tr class="{"headline" if c.headline else "detail"}">'
            f"<td>{e(c.check_name if c.headline else c.measure_id)}</td>"
            f"<td>{e(c.description)}</td>"
            f'<td class="num">{e(format_value(c.value_a, c.unit))}</td>'
            f'<td class="num">{e(format_value(c.value_b, c.unit))}</td>'
            f'<td class="num">{e(format_value(c.change, c.unit, signed=True))}</td>'
            f'<td class="num">{e(bound)}</td>'
            f"<td>{e(c.status)}</td><td class=\"{e(css)}\">{e(c.words)}</td></tr>")
    verdicts = "".join(
        f"<tr><td>{e(v.check_name)}</td><td>{e(v.verdict_a)}</td><td>{e(v.verdict_b)}</td>"
        f'<td class="{e(v.kind)}">{e(v.kind)}</td></tr>' for v in comparison.verdicts)
    lists = "".join(
        f"<h2>{title}</h2><ul>{''.join(f'<li>{e(item)}</li>' for item in items)}</ul>"
        for title, items in (("Better", comparison.improved), ("Worse", comparison.worsened),
                             ("Notes", comparison.notes)) if items)
    video = (f'<video controls src="{e(video_file)}"></video>' if video_file else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>posecheck compare: {e(a.name)} vs {e(b.name)}</title>
<style>{PAGE_STYLE}</style></head>
<body>
<h1>{e(a.name)} (A) vs {e(b.name)} (B)</h1>
<p>A: {e(str(a.analysis_path))}<br>B: {e(str(b.analysis_path))}</p>
{video}
<h2>Verdicts</h2>
<table><tr><th>check</th><th>A</th><th>B</th><th></th></tr>{verdicts}</table>
<h2>What changed (B - A)</h2>
<table><tr><th>measure</th><th>what</th><th>A</th><th>B</th><th>change</th><th>accuracy +/-</th>
<th>status</th><th>meaning</th></tr>
{''.join(rows)}</table>
<p class="muted">{e(RULE)}.</p>
{lists}
<p class="muted">posecheck {e(__version__)}</p>
</body></html>
"""
