"""What every check reads (:class:`CheckContext`) and the few rules they share: which steps count,
how a value is graded against thresholds, which frames show a finding."""

from __future__ import annotations

import dataclasses
from collections import Counter

import numpy as np

from posecheck.checks.accuracy import accuracy_of
from posecheck.checks.finding import Finding, Measure
from posecheck.checks.steps import Steps, collect_steps
from posecheck.gait.analysis import GaitAnalysis
from posecheck.gait.plausibility import SIDE_VIEW_LIMIT_DEG


@dataclasses.dataclass(frozen=True)
class CheckInfo:
    """What a check is, for the runner, the coach and ``posecheck checks``: its ``id``, ``name``,
    what it ``measures``, ``why`` it matters, the ``cues`` a coach would say per verdict, and
    the ``sources`` of its thresholds (keyword parameter name -> where the default comes from)."""

    id: str
    name: str
    measures: str
    why: str
    cues: dict[str, str]
    sources: dict[str, str]

    def finding(self, verdict: str, m: Measure, reason: str, *, cue: str | None = None,
                **fields) -> Finding:
        """This check's :class:`Finding`, with its cue for ``verdict`` unless ``cue`` is given
        (an unknown verdict has no cue)."""
        if cue is None:
            cue = self.cues.get(verdict, "")
        return Finding(self.id, self.name, verdict, m, cue=cue, why=self.why, reason=reason,
                       **fields)


@dataclasses.dataclass(frozen=True)
class Baseline:
    """The runner's own level run, from an earlier analysis (``--baseline``): its cadence and
    its whole-body lean against the slope normal (NaN when that run did not measure it)."""

    cadence_spm: float
    lean_vs_slope_normal_deg: float
    source: str


@dataclasses.dataclass(frozen=True, eq=False)
class CheckContext:
    """The gait analysis, its steps, and an optional baseline run."""

    gait: GaitAnalysis
    steps: Steps
    baseline: Baseline | None = None

    @classmethod
    def from_gait(cls, gait: GaitAnalysis, baseline: Baseline | None = None) -> CheckContext:
        gait = gait.seen_side_on()  # a turning camera's oblique view undone
        return cls(gait, collect_steps(gait), baseline)

    @property
    def not_running(self) -> str:
        """Why the running checks cannot be judged (empty when the clip shows running, filmed
        from the side at some of its steps: a clip seen obliquely as a whole is judged on those,
        :func:`~posecheck.checks.steps.collect_steps`)."""
        mode, view_deg = self.gait.mode, self.gait.view_off_side_deg
        if view_deg > SIDE_VIEW_LIMIT_DEG and not self.steps.seen_side_on.any():
            return (f"the camera films the runner {view_deg:.0f} deg away from side-on: the "
                    "checks measure angles in the side view")
        if mode.mode == "running":
            return ""
        if mode.mode == "walking":
            return f"not running: the runner is walking (double support, from {mode.source})"
        return (f"not running, or too few steps to tell ({len(self.steps)} contacts found): "
                "the running checks need two strides, or a few steps that all agree")


def measure(id_: str, unit: str, per_step: np.ndarray, used: np.ndarray,
            description: str = "", **fields) -> Measure:
    """A :class:`Measure` with its published accuracy attached."""
    return Measure(id_, unit, per_step, used, accuracy_of(id_), description, **fields)


def counting_steps(steps: Steps, *extra: tuple[np.ndarray, str],
                   consistent: bool = True) -> tuple[np.ndarray, dict]:
    """(k,) mask of the steps that count and, by reason, how many were left out.

    A step counts when its events are consistent (:attr:`Steps.problem`; not asked when
    ``consistent`` is False) and it passes each ``(mask, reason)`` in ``extra`` (checked in
    order; the first failed reason is recorded)."""
    used = np.ones(len(steps), dtype=bool)
    reasons: Counter = Counter()
    for j, problem in enumerate(steps.problem):
        if problem and consistent:
            used[j] = False
            reasons[problem] += 1
            continue
        for mask, reason in extra:
            if not mask[j]:
                used[j] = False
                reasons[reason] += 1
                break
    return used, dict(reasons)


def evidence_frames(m: Measure, frames: np.ndarray, *, count: int = 3) -> tuple[int, ...]:
    """Frames of the ``count`` counted steps whose values are nearest the median: the steps that
    show the finding as it is, not its outliers."""
    if m.n_steps == 0:
        return ()
    index = np.flatnonzero(m.used)
    order = index[np.argsort(np.abs(m.per_step[index] - m.value), kind="stable")]
    return tuple(int(frames[j]) for j in sorted(order[:count]) if frames[j] >= 0)


def too_few(m: Measure, min_steps: int) -> str:
    """The reason a measure cannot be judged from its counted steps, or ``""``."""
    if m.n_steps >= min_steps:
        return ""
    return (f"{m.n_steps} usable step{'s' if m.n_steps != 1 else ''} "
            f"(a verdict needs {min_steps})")
