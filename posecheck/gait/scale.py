"""Pixels to metres from the runner's height, or body-relative units without it.

Hip joint centre to ankle centre is 0.491 of standing height (Winter DA, Biomechanics and Motor
Control of Human Movement, 4th ed. 2009, segment lengths: hip 0.530 H, ankle 0.039 H above the
floor). The leg is measured in the image as thigh plus shank (see
:func:`posecheck.kinematics.leg_length_px`), so a bent knee does not shorten it.
"""

from __future__ import annotations

import dataclasses
import math

from posecheck.errors import PosecheckError
from posecheck.kinematics import leg_length_px
from posecheck.sequence import PoseSequence

LEG_TO_HEIGHT = 0.491  # Winter 2009: (0.530 - 0.039) of height


@dataclasses.dataclass(frozen=True)
class Scale:
    """``leg_length_px``: the body-relative unit; ``metres_per_px``: NaN without a height;
    ``source``: ``"height"`` (from the user's height) or ``"body"`` (leg lengths only)."""

    leg_length_px: float
    metres_per_px: float
    height_m: float
    source: str

    def to_metres(self, pixels: float) -> float:
        return pixels * self.metres_per_px

    def to_legs(self, pixels: float) -> float:
        return pixels / self.leg_length_px


def estimate_scale(seq: PoseSequence, *, height_m: float | None = None,
                   leg_to_height: float = LEG_TO_HEIGHT) -> Scale:
    """The scale of a clip; ``height_m`` must be plausible (0.5-2.5 m) when given."""
    leg_px = leg_length_px(seq)
    if height_m is None:
        return Scale(leg_px, math.nan, math.nan, "body")
    if not 0.5 <= height_m <= 2.5:
        raise PosecheckError(f"height must be in metres between 0.5 and 2.5, got {height_m}")
    return Scale(leg_px, height_m * leg_to_height / leg_px, float(height_m), "height")
