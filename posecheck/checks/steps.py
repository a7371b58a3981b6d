"""The steps a check reads: each contact's events, its foot, the near side, the keypoints at
initial contact, and whether the step's events are consistent enough to count.

All positions are in the gait layer's mirrored image frame (forward is +x, y down, pixels).
A check never reads a single frame where an event falls between two: values at an event time
are interpolated linearly between the frames around it (the keypoints are low-pass filtered,
so they change smoothly between frames).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck import landmarks as lm
from posecheck.gait.analysis import GaitAnalysis
from posecheck.gait.plausibility import SIDE_VIEW_LIMIT_DEG
from posecheck.kinematics import flexion_deg
from posecheck.sequence import nearest_frames


EDGE_PROBLEM = "at the clip's edge"  # Steps.problem of a contact too near either end
#: Steps.problem of a contact seen obliquely in a clip not seen side-on as a whole
OBLIQUE_PROBLEM = (f"seen more than {SIDE_VIEW_LIMIT_DEG:g} deg off side-on (e.g. the far end "
                   "of a pan)")
#: Steps.problem of a contact whose landing foot, by the pose's labels, is behind the other foot
SWAPPED_PROBLEM = "legs' labels swapped at the contact (the landing foot is behind the other)"
#: Hips, knees and ankles: the landmarks a step's measures need at its contact.
LEG_JOINTS = [lm.LEFT_HIP, lm.RIGHT_HIP, lm.LEFT_KNEE, lm.RIGHT_KNEE, lm.LEFT_ANKLE,
              lm.RIGHT_ANKLE]


@dataclasses.dataclass(frozen=True, eq=False)
class Steps:
    """Per contact k (time order): ``foot``, ``near`` (the contact foot is on the camera's side),
    ``ic_s``, ``to_s``, ``mid_s`` (NaN without a toe-off), ``ic_frame`` and ``mid_frame`` (the
    nearest frames, -1 when unknown), ``keypoints_ic`` (k, 33, 2) and ``com_ic`` (k, 2) at the
    IC time, ``keypoints_landing`` (k, 33, 2) at the last frame at or before the IC (the leg
    as it lands, see :func:`landing_frame`), ``knee_s`` (k,) when the knee at foot strike is
    read (:func:`knee_read_s`, NaN when unknown) and ``keypoints_knee`` (k, 33, 2) there, and
    ``problem`` (k,): why the step's events cannot be trusted, ``""`` when they can.
    ``view_deg`` (k,): how far off side-on the runner was seen around the contact (NaN when
    unknown). ``leg_px`` is the body-relative unit."""

    foot: tuple[str, ...]
    near: np.ndarray
    ic_s: np.ndarray
    to_s: np.ndarray
    mid_s: np.ndarray
    ic_frame: np.ndarray
    mid_frame: np.ndarray
    keypoints_ic: np.ndarray
    keypoints_landing: np.ndarray
    knee_s: np.ndarray
    keypoints_knee: np.ndarray
    com_ic: np.ndarray
    problem: tuple[str, ...]
    leg_px: float
    view_deg: np.ndarray

    def __len__(self) -> int:
        return len(self.ic_s)

    @property
    def consistent(self) -> np.ndarray:
        return np.array([p == "" for p in self.problem], dtype=bool)

    @property
    def seen_side_on(self) -> np.ndarray:
        """(k,) bool: the step was seen within ``SIDE_VIEW_LIMIT_DEG`` of side-on."""
        with np.errstate(invalid="ignore"):
            return ~(self.view_deg > SIDE_VIEW_LIMIT_DEG)


def at_time(values: np.ndarray, time_s: np.ndarray, t: float) -> np.ndarray:
    """``values`` (n, ...) linearly interpolated at time ``t`` (NaN outside the clip or where
    either neighbouring frame is NaN)."""
    if not np.isfinite(t) or len(time_s) < 2 or t < time_s[0] or t > time_s[-1]:
        return np.full(values.shape[1:], np.nan)
    i = int(np.clip(np.searchsorted(time_s, t) - 1, 0, len(time_s) - 2))
    w = (t - time_s[i]) / (time_s[i + 1] - time_s[i])
    return (1 - w) * values[i] + w * values[i + 1]


def fit_at(series: np.ndarray, time_s: np.ndarray, start_s: float, stop_s: float,
           t: float, *, min_points: int = 3) -> tuple[float, float]:
    """A straight line fitted to ``series`` (n,) over the frames from ``start_s`` to ``stop_s``,
    evaluated at ``t``: (value, slope per second). A quantity that changes steadily through
    stance (the whole-body lean turns at the running speed) is read at an instant without the
    frame-to-frame noise of a single frame. NaN with fewer than ``min_points`` finite frames."""
    inside = (time_s >= start_s) & (time_s <= stop_s) & np.isfinite(series)
    if inside.sum() < min_points:
        return math.nan, math.nan
    slope, offset = np.polyfit(time_s[inside], series[inside], 1)
    return float(slope * t + offset), float(slope)


def landing_frame(time_s: np.ndarray, t: float) -> int:
    """The last frame at or before the contact time ``t`` (-1 when there is none).

    The shank and foot angles of the landing leg are read here rather than interpolated at
    ``t``: within a few ms of contact the knee starts to bend under load (the shank and foot
    rotate as fast), so a value interpolated towards the frame after contact mixes in the
    loaded leg. On the tuning half of the synthetic matrix, video end to end, the knee read
    this way was off by 1.6 deg (median |error|) against 3.8 deg interpolated, the shank 2.0
    against 3.5 deg (``benchmarks/checks_accuracy.py``, an earlier version). The knee is now
    read one frame before the contact (:func:`before_contact_s`), which also keeps the loaded
    leg out and does not jump with the contact time."""
    if not np.isfinite(t) or len(time_s) == 0 or t < time_s[0]:
        return -1
    return int(np.searchsorted(time_s, t, side="right") - 1)


def before_contact_s(t: float | np.ndarray, fps: float) -> float | np.ndarray:
    """One frame before the contact time ``t``: a value interpolated there lies between the
    two frames before the contact, so it never takes in the loaded leg (as
    :func:`landing_frame`), and it moves smoothly with the contact time, where the last frame
    at or before it jumps a whole frame as the time crosses a frame (a few ms of IC error then
    read the knee a frame earlier or later).

    The knee at foot strike is read here (:mod:`posecheck.checks.knee`). Chosen on the tuning
    halves of ``benchmarks/checks_accuracy.py`` (video end to end, median |error| of the clip
    knee against truth, technique matrix / designed techniques): the last frame at or before
    IC 4.2 / 1.8 deg; interpolated 0.5, 0.75, 1.0, 1.25 and 1.5 frames before IC 3.4 / 2.3,
    3.2 / 1.9, 2.1 / 1.9, 2.8 / 2.4 and 2.4 / 2.7 deg (one frame: the larger of the two is
    smallest, the rule of ``benchmarks/events_sweep.py``). The shank and foot angles stay at the
    landing frame: read a frame earlier the shank, still swinging forward, came out 2.5 deg
    too far forward (matrix tuning half; 3.6 deg median |error| against 2.3)."""
    return t - 1.0 / fps


#: Knee flexion rate (deg/s) above which the knee one frame before a detected contact is taken
#: to be loaded already (see :func:`knee_read_s`).
LOADING_DEG_PER_S = 300.0


def knee_read_s(keypoints_px: np.ndarray, time_s: np.ndarray, fps: float, ic_s: float,
                foot: str, *, loading_deg_per_s: float = LOADING_DEG_PER_S,
                samples: int = 9) -> float:
    """When the knee at foot strike of the contact at ``ic_s`` (of ``foot``: "left"/"right") is
    read: one frame before the contact (:func:`before_contact_s`), unless the knee is already
    bending under load there; then at the least flexion in the frame before that.

    Between the end of the swing and the first frames of stance the knee is least bent: it
    straightens as the leg reaches forward and bends fast once the foot takes the weight. A
    knee flexing faster than ``loading_deg_per_s`` at the reading means the contact was
    detected late (the synthetic braking runner lands with little backward pull of the foot,
    and its contacts are found 10-40 ms late), so the reading has climbed the loading ramp; the
    least flexion over the frame before (``samples`` instants, interpolated) is the leg as it
    landed. Chosen on the tuning halves of ``benchmarks/checks_accuracy.py`` (video end to end,
    median |error| of the clip knee against truth, designed techniques / matrix; designed
    knee verdicts right): no such step back 1.84 / 2.15 deg, 81%; stepping back above 150,
    200, 300, 450, 600 deg/s 1.96 / 2.05, 88%; 1.95 / 2.05, 88%; 1.52 / 2.07, 88%; 1.84 /
    2.05, 81%; 1.84 / 2.15, 81%. On the force-plate runner (RBDS001 with pose-sized noise, the
    knee from its markers) the knee flexes that fast at the reading in 0-6% of contacts and
    the error is unchanged (median |error| 2.1-2.5 deg at 30 and 60 fps). NaN when the knee is
    not seen there."""
    leg = keypoints_px[:, [lm.INDEX[f"{foot}_{n}"] for n in ("hip", "knee", "ankle")]]

    def knee_at(t: float | np.ndarray) -> np.ndarray:
        hip, knee, ankle = np.array([at_time(leg, time_s, x) for x in np.atleast_1d(t)]
                                    ).transpose(1, 0, 2)  # each (instants, 2)
        return flexion_deg(hip, knee, ankle)

    read_s = before_contact_s(ic_s, fps)
    if not np.isfinite(knee_at(read_s)[0]):
        return math.nan
    half_frame_s = 0.5 / fps
    before, after = knee_at(np.array([read_s - half_frame_s, read_s + half_frame_s]))
    if not (after - before) * fps > loading_deg_per_s:  # NaN: the rate is unknown, read as is
        return float(read_s)
    grid = read_s - np.linspace(0.0, 1.0 / fps, samples)
    values = knee_at(grid)
    if not np.isfinite(values).any():
        return float(read_s)
    return float(grid[int(np.nanargmin(values))])


def landing_foot_behind(keypoints: np.ndarray, foot: str) -> bool:
    """True when, in a forward-is-+x frame of keypoints (33, 2), the ankle of the landing
    ``foot`` is behind the other ankle. At a foot strike the landing foot is the front one (the
    other is behind the body, leaving the ground or swinging), so this means the pose's leg
    labels are swapped at that instant, and every reading of the step would be taken on the
    other leg. False when either ankle is missing."""
    other = "right" if foot == "left" else "left"
    ahead = keypoints[lm.INDEX[f"{foot}_ankle"], 0] - keypoints[lm.INDEX[f"{other}_ankle"], 0]
    return bool(np.isfinite(ahead) and ahead < 0)


def collect_steps(gait: GaitAnalysis, *,
                  edge_frames: int = 2,  # the low-pass filter is least sure at the ends
                  edge_s: float = 0.1,  # and a contact is confirmed by the frames after it
                  ) -> Steps:
    """Each contact of ``gait`` with its samples and consistency (see :class:`Steps`).

    A step's events are inconsistent (``problem``) when its IC lies within ``edge_frames`` or
    ``edge_s`` (whichever is more) of the clip's ends, the runner was not found around it, the
    pose's leg labels are swapped at it (:func:`landing_foot_behind`), the clip as a whole is
    seen more than ``SIDE_VIEW_LIMIT_DEG`` off side-on and so is the runner around this contact
    (``gait.contact_view_deg``, over a stride: a long pan's oblique ends), or its times are not
    those of a running step (:func:`posecheck.gait.plausibility.check_steps`: contact time, negative
    flight, step time off its neighbours').
    """
    seq, events = gait.forward, gait.events
    t = seq.time_s
    k = len(events)
    sides = gait.near
    ic_frame = nearest_frames(t, events.ic_s)
    mid_s = events.mid_stance_s
    mid_frame = nearest_frames(t, mid_s)
    keypoints_ic = np.array([at_time(seq.keypoints_px, t, x) for x in events.ic_s]).reshape(
        k, *seq.keypoints_px.shape[1:])
    landing = [landing_frame(t, x) for x in events.ic_s]
    keypoints_landing = np.array([seq.keypoints_px[i] if i >= 0 else
                                  np.full(seq.keypoints_px.shape[1:], np.nan) for i in landing]
                                 ).reshape(k, *seq.keypoints_px.shape[1:])
    knee_s = np.array([knee_read_s(seq.keypoints_px, t, seq.fps, x, foot)
                       for x, foot in zip(events.ic_s, events.foot)], dtype=float)
    keypoints_knee = np.array([at_time(seq.keypoints_px, t, x) for x in knee_s]).reshape(
        k, *seq.keypoints_px.shape[1:])
    com_ic = np.array([at_time(gait.com.com_px, t, x) for x in events.ic_s]).reshape(k, 2)
    near = np.array([f >= 0 and sides[f] == foot for f, foot in zip(ic_frame, events.foot)],
                    dtype=bool)
    view_deg = gait.contact_view_deg()
    # a clip seen side-on as a whole keeps every step (a turning camera's oblique ends are
    # undone by seen_side_on); one that is not keeps the steps seen side-on
    oblique_clip = gait.view_off_side_deg > SIDE_VIEW_LIMIT_DEG
    problems = []
    edge = max(edge_frames, int(math.ceil(edge_s * seq.fps))) if seq.fps > 0 else edge_frames
    for j in range(k):
        frame = ic_frame[j]
        if frame < edge or frame > len(t) - 1 - edge:
            problems.append(EDGE_PROBLEM)
        elif not np.isfinite(keypoints_ic[j][LEG_JOINTS]).all():
            problems.append("legs not found at the contact")
        elif landing_foot_behind(keypoints_ic[j], events.foot[j]):
            problems.append(SWAPPED_PROBLEM)
        elif oblique_clip and view_deg[j] > SIDE_VIEW_LIMIT_DEG:
            problems.append(OBLIQUE_PROBLEM)
        else:
            problems.append(gait.step_check.problem[j])
    return Steps(foot=events.foot, near=near, ic_s=events.ic_s.copy(), to_s=events.to_s.copy(),
                 mid_s=mid_s, ic_frame=ic_frame, mid_frame=mid_frame, keypoints_ic=keypoints_ic,
                 keypoints_landing=keypoints_landing, knee_s=knee_s,
                 keypoints_knee=keypoints_knee,
                 com_ic=com_ic, problem=tuple(problems),
                 leg_px=gait.scale.leg_length_px, view_deg=view_deg)
