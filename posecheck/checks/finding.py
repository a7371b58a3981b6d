"""``Finding``: what one coaching check says about a clip, the type every check returns.

A finding holds the check's headline measure (value per step, median, spread, count), further
measures that explain it, a verdict, the cue in plain words, the frames that show it, and the
measure's accuracy as posecheck measured it. It is frozen and validated on construction, so a
finding that reaches a report is whole: an ``unknown`` verdict always says why.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck.gait.analysis import json_number

VERDICTS = ("good", "watch", "fix", "unknown")
SUMMARIES = ("median", "rate", "mean")


@dataclasses.dataclass(frozen=True)
class Accuracy:
    """How far a measure can be trusted: absolute error against ground truth, in the measure's
    unit, and where it was measured (``source``: the data and the command)."""

    median_abs_error: float
    p90_abs_error: float
    source: str

    def as_dict(self) -> dict:
        return {"median_abs_error": json_number(self.median_abs_error),
                "p90_abs_error": json_number(self.p90_abs_error), "source": self.source}


@dataclasses.dataclass(frozen=True, eq=False)
class Measure:
    """One measured quantity per step: ``per_step`` (k,) aligned with the clip's contacts (NaN
    where the step was not measured or left out), summarised over the steps that count
    (``used`` (k,) bool): the clip's value, spread (interquartile range) and count.

    The clip's value (:attr:`value`) is the median of the steps (``summary="median"``), robust
    to a misplaced step; a rate of per-step times such as cadence takes ``"rate"``: the steps
    counted over the time they span (the harmonic mean of the per-step rates), in which one
    contact's timing error moves two neighbouring steps in opposite directions and cancels;
    ``"mean"`` is the plain mean (a step time that agrees with that rate)."""

    id: str  # with its unit in the name: "knee_flexion_ic_deg"
    unit: str
    per_step: np.ndarray
    used: np.ndarray
    accuracy: Accuracy | None = None
    description: str = ""
    timing_uncertainty: float = math.nan  # 95% share of a step's error from event timing
    summary: str = "median"  # how the clip's value is got from the steps: see SUMMARIES

    def __post_init__(self) -> None:
        if self.summary not in SUMMARIES:
            raise ValueError(f"Measure {self.id}: summary must be one of {SUMMARIES}, "
                             f"got {self.summary!r}")
        per_step = np.asarray(self.per_step, dtype=float)
        used = np.asarray(self.used, dtype=bool)
        if per_step.ndim != 1 or used.shape != per_step.shape:
            raise ValueError(f"Measure {self.id}: per_step and used must be (k,) arrays of one "
                             f"length, got {per_step.shape} and {used.shape}")
        object.__setattr__(self, "per_step", per_step)
        object.__setattr__(self, "used", used & np.isfinite(per_step))

    @property
    def values(self) -> np.ndarray:
        """The values that count."""
        return self.per_step[self.used]

    @property
    def n_steps(self) -> int:
        return int(self.used.sum())

    @property
    def median(self) -> float:
        return float(np.median(self.values)) if self.n_steps else math.nan

    @property
    def value(self) -> float:
        """The clip's value: by ``summary``, the median, the rate over the steps' time span, or
        the mean (NaN with no step)."""
        if not self.n_steps:
            return math.nan
        if self.summary == "rate":
            return float(self.n_steps / np.sum(1.0 / self.values))
        if self.summary == "mean":
            return float(np.mean(self.values))
        return self.median

    @property
    def spread(self) -> float:
        """Interquartile range of the values that count (NaN with fewer than two)."""
        if self.n_steps < 2:
            return math.nan
        q25, q75 = np.percentile(self.values, [25, 75])
        return float(q75 - q25)

    def as_dict(self) -> dict:
        return {"id": self.id, "unit": self.unit, "value": json_number(self.value),
                "summary": self.summary,
                "spread": json_number(self.spread), "n_steps": self.n_steps,
                "accuracy": self.accuracy.as_dict() if self.accuracy else None,
                "description": self.description,
                "timing_uncertainty": json_number(self.timing_uncertainty),
                "per_step": [json_number(v) for v in self.per_step]}


@dataclasses.dataclass(frozen=True, eq=False)
class Finding:
    """One check's result for one clip.

    ``measure`` is the headline (its median is the finding's value); ``details`` hold the other
    measures of the check. ``verdict`` is one of :data:`VERDICTS`; ``reason`` says why the
    verdict was given (required for ``unknown``). ``left_out`` counts, by reason, the steps that
    did not count. ``evidence_frames`` are frame indices that show the finding (the steps nearest
    the median). ``pattern`` names what was recognised (for the lean check: ``"ankles"``,
    ``"back"``, ``"waist"``), empty when the check has none. ``borderline``: the other
    verdicts the clip would get were its judged values off by their typical error
    (:mod:`posecheck.checks.borderline`), in order of severity; empty when none is within reach.
    """

    check_id: str
    name: str
    verdict: str
    measure: Measure
    cue: str
    why: str
    reason: str
    details: tuple[Measure, ...] = ()
    left_out: dict[str, int] = dataclasses.field(default_factory=dict)
    evidence_frames: tuple[int, ...] = ()
    pattern: str = ""
    thresholds: dict[str, float] = dataclasses.field(default_factory=dict)
    borderline: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"Finding {self.check_id}: verdict must be one of {VERDICTS}, "
                             f"got {self.verdict!r}")
        if self.verdict == "unknown" and not self.reason:
            raise ValueError(f"Finding {self.check_id}: an unknown verdict needs a reason")
        if self.verdict != "unknown" and self.measure.n_steps == 0:
            raise ValueError(f"Finding {self.check_id}: a {self.verdict} verdict needs at least "
                             "one measured step")
        if self.borderline and (self.verdict == "unknown" or self.verdict in self.borderline
                                or not set(self.borderline) <= set(VERDICTS[:3])):
            raise ValueError(f"Finding {self.check_id}: borderline must name other judged "
                             f"verdicts than {self.verdict!r}, got {self.borderline!r}")

    @property
    def value(self) -> float:
        return self.measure.value

    def as_dict(self) -> dict:
        """JSON-ready (NaN becomes None), the ``checks`` items of ``analysis.json``."""
        m = self.measure
        return {
            "id": self.check_id, "name": self.name, "verdict": self.verdict,
            "value": json_number(m.value), "unit": m.unit, "measure": m.id,
            "spread": json_number(m.spread), "n_steps": m.n_steps,
            "n_left_out": int(sum(self.left_out.values())), "left_out": dict(self.left_out),
            "accuracy": m.accuracy.as_dict() if m.accuracy else None,
            "cue": self.cue, "why": self.why, "reason": self.reason, "pattern": self.pattern,
            "borderline": list(self.borderline),
            "thresholds": dict(self.thresholds),
            "evidence_frames": [int(f) for f in self.evidence_frames],
            "per_step": [json_number(v) for v in m.per_step],
            "details": [d.as_dict() for d in self.details],
        }
