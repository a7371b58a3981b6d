"""What a panning camera does to the picture, and the runner seen side-on again.

A camera that stands still and turns to follow a passing runner sees the runner side-on only at
the moment of closest approach. Before and after, the runner is farther away (smaller in the
picture) and seen obliquely: at a yaw ``a`` away from side-on, lengths along the direction of
travel appear shortened by ``cos a`` while heights do not. Every horizontal offset a check reads
(foot ahead of the centre of mass, the lean, trunk, shank and knee angles) then reads smaller.
On a 3 s pan from 6 m (10 m of path) the ends are 40 deg off side-on: offsets read 23% short
there, and a lean of 10 deg reads 7.7.

Both effects come from one quantity. With the camera a distance ``d`` from the path and the
runner passing at speed ``v``, the distance to the runner is ``sqrt(d^2 + v^2 (t - t0)^2)``, the
runner's size in the picture is inversely proportional to it, and ``cos a`` is ``d`` over it.
So the squared reciprocal of the runner's size is a parabola in time, and its minimum gives the
side-on size: ``cos a(t) = size(t) / size at t0``. :func:`pan_view` fits that parabola to the
leg's size in the picture (thigh plus shank, the upper envelope over a stride: once a stride each
leg stands near vertical, where the yaw does not shorten it). A camera that moves along with the
runner (a follow shot, a treadmill) keeps the size constant: the fit finds no curvature and
changes nothing.

:func:`side_on` stretches each frame about the hip midpoint, horizontally by ``1 / cos a`` and in
both directions by the side-on size over the frame's, so every frame measures as if seen side-on
from the closest point. Before it, :func:`at_pivot_depth` brings the points ahead of and behind
the hip along the path (which the turned camera sees nearer or further) to the hip's depth,
with the focal length the background's motion gives (:func:`focal_px`), and
:mod:`posecheck.gait.parallax` moves the body's two sides to its mid-plane.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck import landmarks as lm
from posecheck.sequence import PoseSequence


@dataclasses.dataclass(frozen=True)
class PanView:
    """Per frame ``cos_yaw`` (n,): 1 when side-on; it is also the runner's size in the picture
    against the side-on size. ``applied`` is False when the camera does not turn (or the fit
    cannot tell): every value is then 1. ``max_yaw_deg`` is the largest yaw in the clip."""

    cos_yaw: np.ndarray
    applied: bool
    max_yaw_deg: float
    note: str = ""

    @classmethod
    def side_on(cls, n_frames: int, note: str = "") -> PanView:
        return cls(np.ones(n_frames), False, 0.0, note)


def leg_size_px(seq: PoseSequence, *, window_s: float) -> np.ndarray:
    """(n,) the legs' size in the picture: thigh plus shank of either leg, the 90th percentile
    over a window of ``window_s`` centred on each frame (NaN where no leg is seen)."""
    kp = seq.keypoints_px
    lengths = []
    for hip, knee, ankle, _, _ in lm.LEG.values():
        lengths.append(np.linalg.norm(kp[:, hip] - kp[:, knee], axis=1)
                       + np.linalg.norm(kp[:, knee] - kp[:, ankle], axis=1))
    both = np.stack(lengths, axis=1)  # (n, 2)
    t = seq.time_s
    out = np.full(len(t), np.nan)
    lo = np.searchsorted(t, t - window_s / 2)
    hi = np.searchsorted(t, t + window_s / 2, side="right")
    for i in range(len(t)):
        values = both[lo[i]:hi[i]].ravel()
        values = values[np.isfinite(values)]
        if len(values) >= 4:
            out[i] = np.percentile(values, 90)
    return out


def pan_view(seq: PoseSequence, *, stride_s: float,
             min_span_strides: float = 1.5,  # less than this: no trend in the size to fit
             min_yaw_deg: float = 8.0,  # below this the change (1 - cos) is under 1%
             max_yaw_deg: float = 60.0,  # a following camera beyond this sees the runner's back
             ) -> PanView:
    """The yaw of a turning camera per frame, from the runner's size over time (see the module
    notes); side-on everywhere when the size shows no pan."""
    n = len(seq.time_s)
    if not (math.isfinite(stride_s) and stride_s > 0):
        return PanView.side_on(n, "no stride time to measure the size over")
    size = leg_size_px(seq, window_s=stride_s)
    t = seq.time_s
    ok = np.isfinite(size) & (size > 0)
    if ok.sum() < 6 or np.ptp(t[ok]) < min_span_strides * stride_s:
        return PanView.side_on(n, "too short to see a pan")
    # (1 / size)^2 = c0 + c1 t + c2 t^2 (distance squared, up to a constant)
    centre = float(np.mean(t[ok]))
    c2, c1, c0 = np.polyfit(t[ok] - centre, (1.0 / size[ok]) ** 2, 2)
    if c2 <= 0:
        return PanView.side_on(n, "the runner's size shows no pan")
    nearest = c0 - c1 ** 2 / (4 * c2)  # (1 / side-on size)^2
    if nearest <= 0:
        return PanView.side_on(n, "the runner's size shows no pan")
    fitted = c0 + c1 * (t - centre) + c2 * (t - centre) ** 2
    cos_yaw = np.sqrt(nearest / fitted)
    largest = math.degrees(math.acos(float(np.clip(cos_yaw.min(), -1, 1))))
    if largest < min_yaw_deg:
        return PanView.side_on(n, f"the camera turns at most {largest:.0f} deg")
    if largest > max_yaw_deg:
        return PanView.side_on(n, f"the size changes as a {largest:.0f}-deg pan would, beyond "
                                  "any side view: left as seen")
    return PanView(cos_yaw, True, largest,
                   f"the camera turns up to {largest:.0f} deg off side-on")


def side_on(values_px: np.ndarray, pivot_px: np.ndarray, view: PanView) -> np.ndarray:
    """``values_px`` (n, ..., 2) as seen side-on from the closest point: about ``pivot_px``
    (n, 2) in each frame, grown both ways by the side-on size over the frame's (``1 /
    cos_yaw``) and stretched horizontally by ``1 / cos_yaw`` again. Returned unchanged when the
    view was not applied."""
    if not view.applied:
        return values_px
    extra = (1,) * (values_px.ndim - 2)
    pivot = pivot_px.reshape(len(pivot_px), *extra, 2)
    grow = (1.0 / view.cos_yaw).reshape(-1, *extra)
    out = values_px.astype(float, copy=True)
    out[..., 0] = pivot[..., 0] + (values_px[..., 0] - pivot[..., 0]) * grow * grow
    out[..., 1] = pivot[..., 1] + (values_px[..., 1] - pivot[..., 1]) * grow
    return out


def signed_yaw_rad(time_s: np.ndarray, cos_yaw: np.ndarray) -> np.ndarray:
    """(n,) the yaw per frame of a turning camera whose yaw has the cosine ``cos_yaw``
    (:attr:`PanView.cos_yaw`): negative before the closest approach (the largest cosine),
    positive after, in the frame where the runner moves towards +x."""
    cos_yaw = np.clip(np.asarray(cos_yaw, dtype=float), 0.0, 1.0)
    if not len(cos_yaw):
        return cos_yaw
    after = np.where(np.asarray(time_s) >= time_s[int(np.argmax(cos_yaw))], 1.0, -1.0)
    return after * np.arccos(cos_yaw)


def focal_px(view: PanView, time_s: np.ndarray, footage: dict | None,
             frame_size: tuple[int, int], *,
             min_focal_frames: float = 0.3,  # of the frame's longer side: a 120-deg lens's
             ) -> float:
    """The camera's focal length in pixels, from a turning camera's picture: a camera that
    turns by ``da`` moves every still point of its view by about ``f da``, so ``f`` is the
    background's median shift per frame (``footage["median_abs_shift_px"]``, the summary of
    :mod:`posecheck.footage`) over the median turn per frame of the fitted yaw. On the
    synthetic panning clips (both rounds' tuning half, 16 clips) it reads 1-23% over the
    camera's true focal length (median 7%): the fitted yaw's ends fall a few degrees short.
    NaN when the view was not applied, the footage did not see the camera move (a plain
    background shows no shift to read), or the result is shorter than ``min_focal_frames``
    of the frame's longer side (wider than any phone's lens sees: the shift is not the
    turn's)."""
    footage = footage or {}
    shift = footage.get("median_abs_shift_px")
    if (not view.applied or not footage.get("panning") or shift is None
            or not np.isfinite(shift) or shift <= 0):
        return float("nan")
    turn = np.abs(np.diff(signed_yaw_rad(time_s, view.cos_yaw)))
    turn = turn[np.isfinite(turn)]
    if not len(turn) or np.median(turn) <= 0:
        return float("nan")
    focal = float(shift / np.median(turn))
    return focal if focal >= min_focal_frames * max(frame_size) else float("nan")


def at_pivot_depth(values_px: np.ndarray, pivot_px: np.ndarray, view: PanView, focal: float,
                   time_s: np.ndarray, frame_size: tuple[int, int]) -> np.ndarray:
    """``values_px`` (n, 33, 2) as if every point stood at the depth of ``pivot_px`` (n, 2):
    turned by ``a``, the camera sees a point ``s`` ahead of the runner's hip along the path
    ``s sin a`` further away, smaller about the picture's centre by that over the distance,
    which is ``(x - x_pivot) tan(a) / f`` to first order. Heel and toe, a foot apart, then
    tilt by up to 4 deg at the ends of a 40-deg pan. Returned as is when ``focal`` is unknown
    or the view was not applied."""
    if not view.applied or not np.isfinite(focal) or focal <= 0:
        return values_px
    tan = np.tan(signed_yaw_rad(time_s, view.cos_yaw))[:, None]
    centre = np.array(frame_size, dtype=float) / 2.0
    grow = 1.0 + (values_px[..., 0] - pivot_px[:, None, 0]) * tan / focal
    return centre + (values_px - centre) * grow[..., None]
