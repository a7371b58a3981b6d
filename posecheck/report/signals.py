"""Per-frame signals for the report's time plots: knee flexion, lean and foot offset over the clip.

The checks read these quantities at single instants (a foot strike, mid-stance); the report
draws them through the whole clip so a coach sees each instant in its movement. Every angle comes
from :mod:`posecheck.kinematics` and every centre of mass from the gait layer
(:attr:`posecheck.gait.analysis.GaitAnalysis.com`), so a plotted value at a foot strike is the
value the check read there, up to the check's interpolation between frames and the lean check's
straight-line fit over stance.

Arrays are (n,) over the gait layer's frames (time on axis 0, :attr:`TimeSignals.time_s` on the
real clock); positions are in its mirrored image frame (forward is +x).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck import kinematics as kin
from posecheck.gait.analysis import GaitAnalysis
from posecheck.landmarks import INDEX
from posecheck.sequence import PoseSequence

FEET = ("left", "right")


@dataclasses.dataclass(frozen=True, eq=False)
class TimeSignals:
    """``time_s`` (n,) seconds; ``knee_flexion_deg`` and ``foot_offset_leg`` per foot (n,);
    ``lean_deg`` (n,) whole-body lean from the stance foot's contact point (midfoot) to the
    centre of mass, NaN outside a contact; ``trunk_deg`` (n,) hip midpoint to shoulder midpoint
    (each girdle read at its near end, as the lean check reads it). Both angles are forward
    positive and measured against ``lean_reference`` (``"slope normal"`` when the slope is
    known, else ``"vertical"``). ``stance_foot`` (n,) the foot on the ground (``""`` in
    flight). ``foot_offset_leg``: the ankle ahead of the centre of mass, in leg lengths. All
    are read as the checks read them: seen side-on (both sides of the body on its mid-plane
    and a panning camera's oblique view undone,
    :meth:`~posecheck.gait.analysis.GaitAnalysis.seen_side_on`)."""

    time_s: np.ndarray
    knee_flexion_deg: dict[str, np.ndarray]
    lean_deg: np.ndarray
    trunk_deg: np.ndarray
    lean_reference: str
    foot_offset_leg: dict[str, np.ndarray]
    stance_foot: np.ndarray


def knee_flexion_series(seq: PoseSequence) -> dict[str, np.ndarray]:
    """Per foot, (n,) knee flexion in degrees (0 = straight leg), as the knee check reads it."""
    kp = seq.keypoints_px
    return {foot: kin.flexion_deg(kp[:, INDEX[f"{foot}_hip"]], kp[:, INDEX[f"{foot}_knee"]],
                                  kp[:, INDEX[f"{foot}_ankle"]]) for foot in FEET}


def stance_foot(gait: GaitAnalysis) -> np.ndarray:
    """(n,) the foot in contact at each frame, from IC to toe-off (``""`` in flight and where a
    contact has no toe-off)."""
    t = gait.forward.time_s
    out = np.full(len(t), "", dtype=object)
    events = gait.events
    for foot, ic, to in zip(events.foot, events.ic_s, events.to_s):
        if math.isfinite(ic) and math.isfinite(to):
            out[(t >= ic) & (t <= to)] = foot
    return out


def time_signals(gait: GaitAnalysis) -> TimeSignals:
    """The report's per-frame signals of one gait analysis (see :class:`TimeSignals`)."""
    gait = gait.seen_side_on()
    seq = gait.forward
    kp, com = seq.keypoints_px, gait.com.com_px
    slope = gait.slope.deg
    # the lean check judges the lean against the slope normal (lean + slope)
    offset_deg, reference = (slope, "slope normal") if math.isfinite(slope) else (0.0, "vertical")
    standing = stance_foot(gait)
    lean = np.full(seq.n_frames, np.nan)
    for foot in FEET:
        here = standing == foot
        lean[here] = kin.tilt_from_vertical_deg(kin.midfoot(kp[here], foot), com[here])
    girdles = kin.near_side_girdles(kp, gait.near)  # as the lean check reads the trunk
    trunk = kin.tilt_from_vertical_deg(kin.hip_mid(girdles), kin.shoulder_mid(girdles))
    leg_px = gait.scale.leg_length_px
    offsets = {foot: (kp[:, INDEX[f"{foot}_ankle"], 0] - com[:, 0]) / leg_px for foot in FEET}
    return TimeSignals(time_s=seq.time_s, knee_flexion_deg=knee_flexion_series(seq),
                       lean_deg=lean + offset_deg, trunk_deg=trunk + offset_deg,
                       lean_reference=reference, foot_offset_leg=offsets, stance_foot=standing)
