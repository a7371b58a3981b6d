"""Ground slope: from the user, or from the line through successive stance feet (static camera).

A stance foot barely moves on the ground, so with a tripod camera the feet at successive
mid-stances lie on the ground line. With a panning camera the image moves and with a treadmill
the feet do not progress: then the slope cannot be seen and must come from the user.

Sign: degrees, negative downhill (the ground falls in the direction of travel). Camera roll: the
angle that truly level ground makes in the image, forward-up positive; it is subtracted.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np

from posecheck import landmarks as lm
from posecheck.errors import PosecheckError
from posecheck.gait.events import GaitEvents
from posecheck.sequence import PoseSequence, nearest_frames


@dataclasses.dataclass(frozen=True)
class Slope:
    """``deg`` (NaN when unknown); ``uncertainty_deg``: 95% half-width of the fit (0 for a user
    value, NaN when unknown); ``source``: ``"user"``, ``"stance feet"`` or ``"unknown"`` with the
    reason in ``note``; ``n_stances`` used by the fit."""

    deg: float
    uncertainty_deg: float
    source: str
    n_stances: int = 0
    note: str = ""


def parse_slope(text: str) -> float:
    """``"-5"`` or ``"-5deg"`` -> -5.0 degrees; ``"-8%"`` -> atan(-0.08) in degrees."""
    match = re.fullmatch(r"\s*([-+]?\d+(?:\.\d+)?)\s*(%|deg|°)?\s*", str(text))
    if not match:
        raise PosecheckError(f"slope must be degrees like -5 or a grade like -8%, got {text!r}")
    value = float(match.group(1))
    if match.group(2) == "%":
        return math.degrees(math.atan(value / 100.0))
    if abs(value) >= 45:
        raise PosecheckError(f"slope {value} deg is steeper than 45 deg: not a running surface")
    return value


def lower_sole(seq: PoseSequence) -> np.ndarray:
    """(n, 2) px per frame: the midpoint of heel and toe of whichever foot is lower in the image
    (larger y); NaN where neither foot was seen."""
    kp = seq.keypoints_px
    soles = np.stack([(kp[:, lm.INDEX[f"{side}_heel"]] + kp[:, lm.INDEX[f"{side}_foot_index"]]) / 2
                      for side in ("left", "right")], axis=1)  # (n, 2 feet, 2)
    y = np.where(np.isfinite(soles[:, :, 1]), soles[:, :, 1], -np.inf)
    return soles[np.arange(seq.n_frames), np.argmax(y, axis=1)]


def stance_foot_points(seq: PoseSequence, events: GaitEvents, *,
                       flat_fraction: float = 0.15,  # the foot is flat 15% into contact
                       heel_rise_fraction: float = 0.5,  # the heel rises from mid-stance on
                       ) -> np.ndarray:
    """(k, 2) image position of the stance foot (midpoint of heel and toe) in each contact.

    The median over the frames of the flat-foot part of the contact (from ``flat_fraction`` to
    ``heel_rise_fraction`` of the contact time after IC; Novacheck 1998 for rearfoot running), so
    one frame's pose noise does not move it. A contact without a TO uses the clip's median
    contact time. Per frame the lower of the two soles is taken (image y): the other foot is in
    the air then, so a left/right label slip in the pose cannot lift a stance point. NaN when
    the clip has no contact time or the window lies outside the clip.
    """
    points = np.full((len(events), 2), np.nan)
    contact = events.to_s - events.ic_s
    if not np.isfinite(contact).any():
        return points
    contact = np.where(np.isfinite(contact), contact, np.nanmedian(contact))
    stance_sole = lower_sole(seq)
    for k, (ic, duration) in enumerate(zip(events.ic_s, contact)):
        lo, hi = ic + flat_fraction * duration, ic + heel_rise_fraction * duration
        frames = np.flatnonzero((seq.time_s >= lo) & (seq.time_s <= hi))
        if len(frames) == 0:
            middle = (lo + hi) / 2
            if not seq.time_s[0] <= middle <= seq.time_s[-1]:
                continue
            frames = [int(nearest_frames(seq.time_s, middle))]
        window = stance_sole[frames]
        if np.isfinite(window).all(axis=1).any():
            points[k] = np.nanmedian(window, axis=0)
    return points


def estimate_slope(seq: PoseSequence, events: GaitEvents, *, leg_px: float,
                   camera_roll_deg: float = 0.0,
                   min_stances: int = 4,  # see below
                   min_span_legs: float = 1.5,  # feet must progress: not a treadmill or a pan
                   ) -> Slope:
    """Fit the ground line through stance feet of a forward-is-+x sequence (static camera).

    The line is a Theil-Sen fit (the median of the slopes between pairs of stances), so one
    stance misplaced by the pose model does not tilt it; ``uncertainty_deg`` is half the width
    of its 95% confidence interval. At least ``min_stances`` (4): three stances give no
    interval, and on synthetic video one of them misplaced by the pose model tilted the line by
    6 deg (a -1.5 deg slope read +4.6), while from 4 stances on the fits were within 1.3 deg
    and said how sure they were (the static clips of ``benchmarks/checks_accuracy.py``)."""
    from scipy import stats  # here: ~30 MB the pose stage does without
    points = stance_foot_points(seq, events)
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < min_stances:
        return Slope(math.nan, math.nan, "unknown", len(points),
                     f"{len(points)} stances seen, {min_stances} needed to fit the ground line")
    x, up = points[:, 0], -points[:, 1]
    if np.ptp(x) < min_span_legs * leg_px:
        return Slope(math.nan, math.nan, "unknown", len(points),
                     "stance feet do not progress across the frame (treadmill or panning camera)")
    gradient, _, low, high = stats.theilslopes(up, x, alpha=0.95)
    deg = math.degrees(math.atan(gradient)) - camera_roll_deg
    half_width = (math.degrees(math.atan(high)) - math.degrees(math.atan(low))) / 2
    return Slope(deg, half_width, "stance feet", len(points))
