"""The runner's two sides brought to the body's mid-plane: a static camera's parallax and a
turning camera's view of the sides apart, undone.

In a side view the near side of the body is closer to the camera than the far side, by about
the width between the hip joints (0.15-0.2 m) at the hips and legs and between the shoulder
joints (0.3-0.4 m) at the shoulders and arms. A pinhole camera magnifies what is closer about
the picture's centre: a point ``w`` nearer than the body's mid-plane, at depth ``z``, shows at
``c + (x - c) z / (z - w)`` where the mid-plane would show it at ``x``. Where the runner stays
near the centre of the picture (a camera that follows, a treadmill) that moves nothing; where
the runner crosses the picture of a static camera it moves the near side outwards and the far
side inwards by up to a few per cent of the distance from the centre, so any line from one side
to the other, or from a girdle to another of a different width, turns as the runner crosses.
On the exact landmarks of a synthetic tripod clip (true trunk angle 15.8 deg) the trunk read
from the near hip to the near shoulder went from 10.0 deg at the left of the picture to 21.4
at the right; from video, per step, from 8.8 deg too upright to 5.0 too far forward; a clip's
median keeps what is left of that over its few steps.

Each girdle shows the size of the effect: its near end lies further from the centre than its
far end by ``b (x - c)``, with ``b = 2 w / z`` (to first order), on top of whatever the body's
turn and the pose model's guess of the far end add, which does not grow with the distance from
the centre. :func:`estimate_parallax` fits that line to the ends' horizontal separation over the
clip, for the hips and for the shoulders; :func:`flatten` then scales each side's landmarks
about the picture's centre by ``1 -/+ b / 2`` (near / far), the legs with the hips' ``b`` and
the arms with the shoulders'. Only where the runner crosses enough of the picture
(``min_span``) is the line sure enough to be used; otherwise nothing is changed. The picture's
centre stands for the camera's principal point, as it does for a phone.

A camera that turns to follow the runner (:mod:`posecheck.gait.pan`) keeps the runner near the
centre, so it shows no parallax to speak of; but turned by a yaw ``a`` off side-on it sees a
point ``w`` off the mid-plane ``w sin a`` along the picture's x, at the runner's size in the
picture, which shrinks with ``cos a``. Through a pan (exact landmarks, 34 deg at the ends) the
near hip to near shoulder line turned by 11.5 deg, and the whole-body lean alternated by +/- 3
deg between the feet. :func:`estimate_turned_sides` fits each girdle's separation against
``sin a cos a`` (:func:`turn_regressor`, from the pan's fitted yaw) and :func:`unturn` moves
each side by half of it back to the mid-plane, before the pan's foreshortening is undone.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from posecheck.gait.pan import signed_yaw_rad
from posecheck.kinematics import leg_length_px
from posecheck.landmarks import ARM, INDEX, LEG
from posecheck.sequence import PoseSequence

#: Landmarks moved with each girdle's parallax, by side: legs with the hips, arms and hands with
#: the shoulders. The face's landmarks stay where they are (within a head's width of the middle).
SIDE_POINTS = {
    side: {"hip": LEG[side],
           "shoulder": (*ARM[side], *(INDEX[f"{side}_{n}"] for n in ("pinky", "index", "thumb")))}
    for side in ("left", "right")
}


@dataclasses.dataclass(frozen=True)
class SideFit:
    """Per girdle (``"hip"``, ``"shoulder"``) the fitted slope of its near-minus-far separation
    (``per_girdle``): for a static camera ``b``, twice the half-width over the depth (the near
    end's extra distance from the centre per pixel of distance, :func:`estimate_parallax`);
    for a turning camera ``k``, px per unit of ``sin(yaw) cos(yaw)``
    (:func:`estimate_turned_sides`). ``applied`` False when the clip did not show it well
    enough (``note`` says why)."""

    per_girdle: dict[str, float]
    applied: bool
    note: str = ""

    @classmethod
    def none(cls, note: str) -> SideFit:
        return cls({"hip": 0.0, "shoulder": 0.0}, False, note)


def _separation(seq: PoseSequence, near: np.ndarray, girdle: str
                ) -> tuple[np.ndarray, np.ndarray]:
    """(n,) the girdle's midpoint x and its near end's x minus its far end's (px), NaN where
    ``near`` names no side or an end is missing."""
    sign = np.where(near == "right", 1.0, np.where(near == "left", -1.0, np.nan))
    left = seq.keypoints_px[:, INDEX[f"left_{girdle}"], 0]
    right = seq.keypoints_px[:, INDEX[f"right_{girdle}"], 0]
    return (left + right) / 2.0, sign * (right - left)


def _toward(near: np.ndarray, side: str) -> np.ndarray:
    """(n,) -1 where ``side`` is the near side, +1 where it is the far one, 0 where unknown."""
    return np.where(near == side, -1.0, np.where(near == "unknown", 0.0, 1.0))


def estimate_parallax(seq: PoseSequence, near: np.ndarray, *,
                      min_span: float = 0.25,  # of the picture's width: a quarter of it crossed
                      min_frames: int = 10,    # a third of a second at 30 fps
                      max_b: tuple[float, float] = (0.1, 0.2),  # hips, shoulders (docstring)
                      ) -> SideFit:
    """Fit each girdle's near-minus-far separation (px, along x) against the girdle's distance
    from the picture's centre, over the frames where ``near`` (n,) names the side facing the
    camera and both ends are seen. Not applied when the girdle midpoints span less than
    ``min_span`` of the picture's width (the runner stays near one place: the line's slope is
    then unknown, and the effect has nowhere to vary), over fewer than ``min_frames`` frames,
    or when the hips show more parallax than the shoulders (the wider girdle shows the more:
    the separations then follow something else, such as a runner turning towards the camera).
    ``b`` is clipped to [0, ``max_b``]: the near end never shows closer to the centre, and no
    runner whose whole body is in the picture stands nearer than about 2 m (``b = 2 w / z``:
    hip joints 0.1 m and shoulder joints 0.2 m from the middle)."""
    width = seq.frame_size[0]
    if not width:
        return SideFit.none("the picture's size is unknown")
    near = np.asarray(near)
    b = {}
    for girdle, largest in zip(("hip", "shoulder"), max_b):
        midpoint, separation = _separation(seq, near, girdle)
        offset = midpoint - width / 2.0
        good = np.isfinite(offset) & np.isfinite(separation)
        if good.sum() < min_frames:
            return SideFit.none(f"the {girdle}s were seen in {good.sum()} frames")
        span = np.percentile(offset[good], 95) - np.percentile(offset[good], 5)
        if span < min_span * width:
            return SideFit.none(f"the runner crosses {span / width:.0%} of the picture's "
                                f"width (under {min_span:.0%})")
        b[girdle] = float(np.clip(_robust_slope(offset[good], separation[good]), 0.0, largest))
    if b["hip"] > b["shoulder"]:
        return SideFit.none(f"the hips show more parallax ({b['hip']:.3f}) than the shoulders "
                            f"({b['shoulder']:.3f})")
    return SideFit(b, True, f"near side {b['hip'] / 2:.1%} (hips) and "
                          f"{b['shoulder'] / 2:.1%} (shoulders) larger, undone")


def flatten(values_px: np.ndarray, near: np.ndarray, parallax: SideFit,
            frame_size: tuple[int, int]) -> np.ndarray:
    """(n, 33, 2) landmarks ``values_px`` with each side's parallax undone: per frame, the near
    side's legs scaled about the picture's centre by ``1 - b_hip / 2`` and its arms by
    ``1 - b_shoulder / 2``, the far side's by ``1 + b / 2``. A copy; unchanged when the
    parallax was not applied."""
    out = np.array(values_px, dtype=float, copy=True)
    if not parallax.applied:
        return out
    centre = np.array(frame_size, dtype=float) / 2.0
    near = np.asarray(near)
    for side in ("left", "right"):
        toward = _toward(near, side)
        for girdle, points in SIDE_POINTS[side].items():
            factor = (1.0 + toward * parallax.per_girdle[girdle] / 2.0)[:, None, None]
            idx = list(points)
            out[:, idx] = centre + (out[:, idx] - centre) * factor
    return out


def _robust_slope(x: np.ndarray, y: np.ndarray, *, n_sigmas: float = 3.0,
                  iterations: int = 3) -> float:
    """The slope of a straight line through (``x``, ``y``) fitted by least squares, refitted
    without the points further than ``n_sigmas`` robust standard deviations (1.4826 MAD) of
    the residuals from it (a frame whose sides the pose model swapped, or whose far end it
    guessed wildly), ``iterations`` times."""
    keep = np.ones(len(x), dtype=bool)
    slope, intercept = np.polyfit(x, y, 1)
    for _ in range(iterations):
        residual = y - (slope * x + intercept)
        spread = 1.4826 * np.median(np.abs(residual - np.median(residual)))
        if spread <= 0:
            break
        keep = np.abs(residual) <= n_sigmas * spread
        if keep.sum() < 3:
            break
        slope, intercept = np.polyfit(x[keep], y[keep], 1)
    return float(slope)


def turn_regressor(time_s: np.ndarray, cos_yaw: np.ndarray) -> np.ndarray:
    """(n,) ``sin(yaw) cos(yaw)`` per frame of a turning camera whose yaw has the cosine
    ``cos_yaw`` (:func:`posecheck.gait.pan.signed_yaw_rad`: negative before the closest
    approach, positive after): a point off the runner's mid-plane by ``w`` shows ``w sin(yaw)``
    along the picture's x, at the runner's size, which shrinks with ``cos(yaw)``."""
    yaw = signed_yaw_rad(time_s, cos_yaw)
    return np.sin(yaw) * np.cos(yaw)


def estimate_turned_sides(seq: PoseSequence, near: np.ndarray, regressor: np.ndarray, *,
                          min_frames: int = 10, max_legs: float = 1.0) -> SideFit:
    """Fit each girdle's near-minus-far separation (px, along x) against ``regressor``
    (:func:`turn_regressor`) over the frames where ``near`` names the side facing the camera
    and both ends are seen. Not applied over fewer than ``min_frames`` frames, or when the two
    girdles disagree (opposite signs, or the hips offset more than the wider shoulders), or
    when the shoulders' offset exceeds ``max_legs`` leg lengths (shoulder joints 0.3-0.4 m
    apart against a 0.8-1 m leg: more than a leg's length follows something else)."""
    near = np.asarray(near)
    k = {}
    for girdle in ("hip", "shoulder"):
        _, separation = _separation(seq, near, girdle)
        good = np.isfinite(separation) & np.isfinite(regressor)
        if good.sum() < min_frames or np.ptp(regressor[good]) <= 0:
            return SideFit.none(f"the {girdle}s were seen in {good.sum()} frames")
        k[girdle] = _robust_slope(regressor[good], separation[good])
    if k["hip"] * k["shoulder"] < 0 or abs(k["hip"]) > abs(k["shoulder"]):
        return SideFit.none(f"the girdles disagree (hips {k['hip']:.1f} px, shoulders "
                            f"{k['shoulder']:.1f} px)")
    leg_px = leg_length_px(seq)
    if not (abs(k["shoulder"]) <= max_legs * leg_px):  # NaN leg: not applied either
        return SideFit.none(f"the shoulders' offset ({k['shoulder']:.1f} px) is beyond "
                            f"{max_legs:g} leg length ({leg_px:.0f} px)")
    return SideFit(k, True, f"sides offset {k['hip']:.1f} px (hips) and {k['shoulder']:.1f} "
                          f"px (shoulders) per unit of sin(yaw) cos(yaw), undone")


def unturn(values_px: np.ndarray, near: np.ndarray, sides: SideFit,
           regressor: np.ndarray) -> np.ndarray:
    """(n, 33, 2) landmarks with each side moved along x to the runner's mid-plane: the near
    side's legs by ``-k_hip / 2 * regressor`` and its arms by ``-k_shoulder / 2 * regressor``,
    the far side's by the opposite. A copy; unchanged when not applied."""
    out = np.array(values_px, dtype=float, copy=True)
    if not sides.applied:
        return out
    near = np.asarray(near)
    for side in ("left", "right"):
        toward = _toward(near, side)
        for girdle, points in SIDE_POINTS[side].items():
            shift = toward * sides.per_girdle[girdle] / 2.0 * regressor
            out[:, list(points), 0] += np.nan_to_num(shift)[:, None]
    return out
