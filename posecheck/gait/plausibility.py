"""Self-checks of the foot events, so a wrong number is never shown as a right one.

Per step (:func:`check_steps`): whether its times are those of a running step (contact time in
the human range, flight in a running clip, step time near its neighbours') and a confidence.

Per clip (:func:`rhythm_cadence_spm`, :func:`cadence_cross_check`): the cadence from the foot
contacts is compared with the rhythm of the legs, read without any event: the period of the
distance between the two ankles along the direction of travel (one stride: each foot in front
once), from its autocorrelation. A missed contact every other step halves the cadence from
events and an invented one doubles it; the legs' rhythm does neither, so when the two disagree
the cadence is unknown, with the reason. The two feet are compared (:func:`feet_disagreement`):
a runner's feet land and leave alike, so contact or step times that differ between the feet by
a half or a third mean one foot's events are misread.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck import landmarks as lm
from posecheck.gait.events import GaitEvents
from posecheck.gait.steps import StepTable
from posecheck.kinematics import leg_length_px
from posecheck.sequence import PoseSequence

#: Farthest from side-on (deg) that the sagittal checks are judged: 30 deg foreshortens a
#: sagittal angle's tangent by cos(30 deg) = 0.87, about 3-4 deg on knee and lean angles, as
#: much as their measurement error.
SIDE_VIEW_LIMIT_DEG = 30.0


@dataclasses.dataclass(frozen=True, eq=False)
class StepCheck:
    """Per contact: ``problem`` ("" when the step's times are plausible) and ``confidence``
    (0-1: 0 for a step with a problem, else how close its step time is to its neighbours')."""

    problem: tuple[str, ...]
    confidence: np.ndarray

    @property
    def plausible(self) -> np.ndarray:
        return np.array([p == "" for p in self.problem], dtype=bool)


def check_steps(events: GaitEvents, steps: StepTable, *, running: bool,
                min_contact_s: float = 0.08,  # sprinters' shortest contacts (~80 ms)
                max_contact_s: float = 0.6,   # beyond the slowest jog's contact
                max_step_deviation: float = 0.25,  # running step times vary by a few %
                neighbours: int = 2,          # two steps each side: one stride
                ) -> StepCheck:
    """Plausibility of each contact's times (see :class:`StepCheck`).

    Problems, first that applies: contact time outside [``min_contact_s``, ``max_contact_s``];
    a negative flight time in a running clip (the next foot landed before this one left: an
    event is wrong); a step time more than ``max_step_deviation`` from the median of the
    ``neighbours`` steps each side (a missed or invented contact; the median of neighbours and
    not of the clip, so a runner who speeds up is not flagged)."""
    k = len(events)
    problems, confidence = [], np.zeros(k)
    for j in range(k):
        contact, flight, step = steps.contact_s[j], steps.flight_s[j], steps.step_s[j]
        around = steps.step_s[max(0, j - neighbours):j + neighbours + 1]
        around = around[np.isfinite(around)]
        typical = float(np.median(around)) if len(around) else math.nan
        deviation = abs(step / typical - 1) if np.isfinite(step) and typical > 0 else 0.0
        if np.isfinite(contact) and not min_contact_s <= contact <= max_contact_s:
            problems.append("implausible contact time")
        elif running and np.isfinite(flight) and flight < 0:
            problems.append("negative flight time")
        elif deviation > max_step_deviation:
            problems.append("step time off the rhythm")
        else:
            problems.append("")
            confidence[j] = 1.0 - deviation / max_step_deviation
    return StepCheck(tuple(problems), confidence)


def rhythm_cadence_spm(seq: PoseSequence, *,
                       min_spm: float = 40.0,  # a 3x slowed jog still counts (to be flagged)
                       max_spm: float = 320.0,  # above elite sprint cadence (~280-300)
                       min_correlation: float = 0.3,  # weaker: no regular rhythm to read
                       ) -> float:
    """Steps per minute from the period of the two ankles' separation along x (forward-is-+x
    sequence, leg lengths), read where the autocorrelation first peaks within the stride
    periods of [``min_spm``, ``max_spm``]; NaN when the legs are not seen for two strides or
    the peak is below ``min_correlation``. The rhythm is read as played: a slowed clip gives a
    slow rhythm, which :func:`posecheck.gait.analysis.analyze_gait` reports. The separation
    changes sign every step, so the correlation is negative at one step and the first positive
    peak is one stride."""
    from scipy import signal  # here: ~30 MB the pose stage does without
    leg_px = leg_length_px(seq)
    if not np.isfinite(leg_px) or leg_px <= 0:
        return math.nan
    kp = seq.keypoints_px
    separation = (kp[:, lm.LEFT_ANKLE, 0] - kp[:, lm.RIGHT_ANKLE, 0]) / leg_px
    good = np.isfinite(separation)
    fps = seq.fps
    # a stride is two steps; at least one frame (a lag of 0 is no period), even at 1-2 fps
    shortest = max(1, int(np.floor(120.0 / max_spm * fps)))
    longest = int(np.ceil(120.0 / min_spm * fps))
    if good.sum() < 2 * shortest + 2:
        return math.nan
    index = np.arange(len(separation))
    filled = np.interp(index, index[good], separation[good])
    filled = signal.detrend(filled)
    energy = float(np.dot(filled, filled))
    if energy <= 0:
        return math.nan
    lags = np.arange(shortest, min(longest, len(filled) // 2) + 1)  # two strides in view
    correlation = np.array([np.dot(filled[:-lag], filled[lag:]) / energy
                            * len(filled) / (len(filled) - lag) for lag in lags])
    peaks, _ = signal.find_peaks(correlation)
    peaks = [p for p in peaks if correlation[p] >= min_correlation]
    if not peaks:
        return math.nan
    p = peaks[0]
    lag = float(lags[p])
    if 0 < p < len(correlation) - 1:  # parabola through the peak for a sub-frame period
        y0, y1, y2 = correlation[p - 1:p + 2]
        curvature = y0 - 2 * y1 + y2
        if curvature < 0:
            lag += 0.5 * (y0 - y2) / curvature
    return 120.0 * fps / lag


def cadence_cross_check(events_spm: float, rhythm_spm: float, *,
                        tolerance: float = 0.1,  # 10%: a missed contact per clip moves ~3-10%
                        ) -> str:
    """"" when the two cadences agree (or the rhythm cannot be read), else the reason the
    cadence from the foot contacts cannot be trusted."""
    if not (math.isfinite(events_spm) and math.isfinite(rhythm_spm)):
        return ""
    ratio = events_spm / rhythm_spm
    if abs(ratio - 1) <= tolerance:
        return ""
    kind = ("about half" if abs(ratio - 0.5) < 0.15 else "about double"
            if abs(ratio - 2) < 0.3 else "not")
    return (f"the foot contacts give {events_spm:.0f} steps/min, {kind} the rhythm of the legs "
            f"({rhythm_spm:.0f} steps/min): contacts were missed or invented")


def view_off_side_deg(seq: PoseSequence, *,
                      frontal_width_torsos: float = 0.6,  # shoulders ~0.75, hips ~0.45 torso
                      ) -> float:
    """How far the camera is from side-on, degrees (0 side-on, 90 front or back): from the
    median horizontal separation of the two shoulders and of the two hips, in torso lengths,
    against their separation seen from the front (``frontal_width_torsos``, their mean). On
    the side-on and slightly oblique clips of ``../shared`` it reads 3-18 deg; NaN without a
    torso."""
    ratio = _girdle_width_torsos(seq)
    if not np.isfinite(ratio).any():
        return math.nan
    return float(np.degrees(np.arcsin(min(1.0, float(np.nanmedian(ratio)) / frontal_width_torsos))))


def view_off_side_frames_deg(seq: PoseSequence, *, window_s: float,
                             frontal_width_torsos: float = 0.6,  # as view_off_side_deg
                             ) -> np.ndarray:
    """(n,) :func:`view_off_side_deg` frame by frame: the median girdle width over ``window_s``
    centred on each frame (a stride: the width swings as the arms and hips rotate), NaN where
    the torso is not seen in it. A camera that turns to follow a passing runner sees them
    side-on only near the closest point and obliquely towards the ends of a long pan."""
    ratio = _girdle_width_torsos(seq)
    t = seq.time_s
    lo = np.searchsorted(t, t - window_s / 2)
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    out = np.full(len(t), np.nan)
    for i in range(len(t)):
        inside = ratio[lo[i]:hi[i]]
        inside = inside[np.isfinite(inside)]
        if len(inside):
            out[i] = np.degrees(np.arcsin(min(1.0, float(np.median(inside))
                                              / frontal_width_torsos)))
    return out


def _girdle_width_torsos(seq: PoseSequence) -> np.ndarray:
    """(n,) the mean horizontal separation of the shoulders and of the hips, in torso lengths."""
    kp = seq.keypoints_px
    shoulders = kp[:, [lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER]]
    hips = kp[:, [lm.LEFT_HIP, lm.RIGHT_HIP]]
    torso = np.linalg.norm(shoulders.mean(axis=1) - hips.mean(axis=1), axis=1)
    width = (np.abs(shoulders[:, 0, 0] - shoulders[:, 1, 0])
             + np.abs(hips[:, 0, 0] - hips[:, 1, 0])) / 2
    return width / np.where(torso > 0, torso, np.nan)


def pace_change(steps: StepTable, trusted: np.ndarray, *, min_steps: int = 6) -> float:
    """The relative change of cadence across the clip (e.g. +0.08: steps 8% quicker at the end
    than at the start), from a straight line fitted to each trusted step's cadence against its
    time; NaN with fewer than ``min_steps`` trusted steps. A runner who accelerates or slows
    down changes cadence through the clip, and the clip's cadence is then an average of
    different paces."""
    rate = 60.0 / steps.step_s
    use = trusted & np.isfinite(rate) & np.isfinite(steps.ic_s)
    if use.sum() < min_steps:
        return math.nan
    t, r = steps.ic_s[use], rate[use]
    slope, offset = np.polyfit(t, r, 1)
    start, end = slope * t[0] + offset, slope * t[-1] + offset
    return float(end / start - 1.0) if start > 0 else math.nan


def feet_disagreement(steps: StepTable, trusted: np.ndarray, *,
                      # healthy runners' left/right contact times differ by a few % (under
                      # 10%); the detector reached 1.2 on the symmetric synthetic runner and
                      # 1.15 on the real clips (3+ trusted steps a foot): 1.5 is a foot misread
                      max_contact_ratio: float = 1.5,
                      # step times (this foot's IC to the other's) are steadier: 1.19 at most
                      # on the same clips
                      max_step_ratio: float = 1.35,
                      min_steps_per_foot: int = 3,  # one odd step per foot cannot decide
                      ) -> str:
    """"" when the two feet's contacts look alike, else what differs. Each foot's median contact
    time and step time over its trusted steps are compared: a runner's two feet land and leave
    alike, so two feet that differ by half or more (for example contacts alternating 0.15 and
    0.35 s) mean one foot's strikes or toe-offs are misplaced, most often the far foot hidden
    behind the near leg or a foot seen from low."""
    foot = np.asarray(steps.foot)
    for name, values, limit in (("contact time", steps.contact_s, max_contact_ratio),
                                ("step time", steps.step_s, max_step_ratio)):
        medians = {}
        for side in ("left", "right"):
            use = trusted & (foot == side) & np.isfinite(values)
            if use.sum() >= min_steps_per_foot:
                medians[side] = float(np.median(values[use]))
        if len(medians) < 2:
            continue
        low, high = sorted(medians.values())
        if low > 0 and high / low > limit:
            return (f"the two feet disagree: {name} {medians['left']:.2f} s on the left foot "
                    f"against {medians['right']:.2f} s on the right; one foot's strikes or "
                    "toe-offs are likely misplaced, so contact and flight times, and values read "
                    "at that foot's strikes, are less sure")
    return ""
