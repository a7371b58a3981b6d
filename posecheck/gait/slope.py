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
from posecheck.sequence import PoseSequence


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


def stance_foot_points(seq: PoseSequence, events: GaitEvents) -> np.ndarray:
    """(k, 2) image position of the stance foot (midpoint of heel and toe) at each mid-stance."""
    points = np.full((len(events), 2), np.nan)
    frame = np.arange(seq.n_frames)
    for k, (mid, foot) in enumerate(zip(events.mid_stance_s, events.foot)):
        if not np.isfinite(mid):
            continue
        heel = lm.INDEX[f"{foot}_heel"]
        toe = lm.INDEX[f"{foot}_foot_index"]
        sole = (seq.keypoints_px[:, heel] + seq.keypoints_px[:, toe]) / 2
        i = float(np.interp(mid, seq.time_s, frame))
        for axis in (0, 1):
            points[k, axis] = np.interp(i, frame, sole[:, axis])
    return points


def estimate_slope(seq: PoseSequence, events: GaitEvents, *, leg_px: float,
                   camera_roll_deg: float = 0.0,
                   min_stances: int = 3,       # a line through 2 points has no check on it
                   min_span_legs: float = 1.5,  # feet must progress: not a treadmill or a pan
                   ) -> Slope:
    """Fit the ground line through stance feet of a forward-is-+x sequence (static camera)."""
    points = stance_foot_points(seq, events)
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < min_stances:
        return Slope(math.nan, math.nan, "unknown", len(points), "too few stances to fit")
    x, up = points[:, 0], -points[:, 1]
    if np.ptp(x) < min_span_legs * leg_px:
        return Slope(math.nan, math.nan, "unknown", len(points),
                     "stance feet do not progress across the frame (treadmill or panning camera)")
    if len(points) > 3:
        coeffs, cov = np.polyfit(x, up, 1, cov=True)
    else:
        coeffs, cov = np.polyfit(x, up, 1), None
    gradient = float(coeffs[0])
    deg = math.degrees(math.atan(gradient)) - camera_roll_deg
    if cov is None:
        return Slope(deg, math.nan, "stance feet", len(points), "3 stances: no error estimate")
    se = math.sqrt(max(cov[0, 0], 0.0))
    half_width = 1.96 * math.degrees(se / (1 + gradient * gradient))
    return Slope(deg, half_width, "stance feet", len(points))
