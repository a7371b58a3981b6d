"""Drawing the runner's skeleton on video frames, near-side limbs bold, far-side limbs faint.

:class:`SkeletonAnnotator` holds the drawing style and draws one frame at a time;
:func:`near_side` says, per frame, which of the runner's sides faces the camera.

Colours (RGB, frames are RGB throughout posecheck) come from the Okabe-Ito palette, designed to
stay distinguishable with the common colour-vision deficiencies: the left limbs are orange
(230, 159, 0) and the right limbs blue (0, 114, 178), a pair that differs in both hue and
lightness, so it also survives greyscale printing. Centre bones (head, shoulder and hip girdles)
are white.
"""

from __future__ import annotations

import cv2
import numpy as np

from posecheck.errors import PosecheckError
from posecheck.landmarks import ARM, BONES, LEG, MIRROR, N_LANDMARKS
from posecheck.sequence import PoseSequence

OKABE_ITO_ORANGE = (230, 159, 0)
OKABE_ITO_BLUE = (0, 114, 178)
WHITE = (255, 255, 255)
BLACK = (0, 0, 0)

SIDES = ("left", "right")


class SkeletonAnnotator:
    """Draws the skeleton and the clip time on an RGB frame; the style is fixed at construction.

    Bones of the near-side limbs are drawn bold, centre bones (head, girdles) medium, and far-side
    limbs thin and blended into the frame at ``far_opacity``, so the eye reads the limbs that the
    metrics trust. Joints are filled dots in their side's colour. A NaN keypoint is not drawn, nor
    is any bone that ends at one.
    """

    def __init__(
        self,
        *,
        left_rgb: tuple[int, int, int] = OKABE_ITO_ORANGE,  # colour-blind safe, see module doc
        right_rgb: tuple[int, int, int] = OKABE_ITO_BLUE,  # its Okabe-Ito partner
        centre_rgb: tuple[int, int, int] = WHITE,  # belongs to neither side
        near_thickness_px: int = 4,  # bold enough to read on a 720p frame shown at half size
        centre_thickness_px: int = 2,  # between near and far: present but not competing
        far_thickness_px: int = 1,  # a hairline: present, but behind the near limbs
        far_opacity: float = 0.5,  # the far limbs stay visible (a coach checks them) but recede
        joint_radius_px: int = 4,  # the dot sits just wider than a bold bone
        text_scale: float | None = None,  # Hershey font scale; None: 0.8 per 720 px of frame
        # height, capitals about 3% of the height, readable on a phone at any resolution
        text_margin_px: int = 10,  # distance of the time label from the frame's top-left corner
    ) -> None:
        if not 0.0 <= far_opacity <= 1.0:
            raise PosecheckError(
                f"SkeletonAnnotator: far_opacity must be in [0, 1], got {far_opacity}"
            )
        self.colours = {
            "left": tuple(left_rgb), "right": tuple(right_rgb), "centre": tuple(centre_rgb)
        }
        self.near_thickness_px = int(near_thickness_px)
        self.centre_thickness_px = int(centre_thickness_px)
        self.far_thickness_px = int(far_thickness_px)
        self.far_opacity = float(far_opacity)
        self.joint_radius_px = int(joint_radius_px)
        self.text_scale = None if text_scale is None else float(text_scale)
        self.text_margin_px = int(text_margin_px)

    @classmethod
    def for_frame(cls, width_px: int, height_px: int, **style) -> SkeletonAnnotator:
        """The default style scaled to a frame: the defaults are drawn for a 720 px short side
        (720p landscape or 720x1280 portrait), and lines and dots grow in proportion above that
        so a 4K overlay reads the same as a 720p one."""
        factor = max(min(width_px, height_px) / 720.0, 1.0)
        scaled = {
            "near_thickness_px": max(round(4 * factor), 1),
            "centre_thickness_px": max(round(2 * factor), 1),
            "far_thickness_px": max(round(1 * factor), 1),
            "joint_radius_px": max(round(4 * factor), 1),
        }
        return cls(**{**scaled, **style})

    def annotate(
        self,
        frame_rgb: np.ndarray,
        keypoints_px: np.ndarray,
        *,
        time_s: float | None,
        near_side: str,
    ) -> np.ndarray:
        """A new (H, W, 3) uint8 frame: ``frame_rgb`` with the skeleton and ``t = 3.47 s`` drawn.

        ``keypoints_px`` is (33, 2) image x, y in pixels (NaN = missing); ``near_side`` is
        ``"left"`` or ``"right"`` (the side facing the camera), or ``"unknown"`` (both sides drawn
        bold, as :func:`near_side` returns for a clip with no evidence); ``time_s`` None draws no
        label. ``frame_rgb`` itself is not modified.
        """
        _check_frame(frame_rgb)
        points = _check_keypoints(keypoints_px)
        if near_side not in (*SIDES, "unknown"):
            raise PosecheckError(
                f"annotate: near_side must be 'left', 'right' or 'unknown', got {near_side!r}"
            )
        near = SIDES if near_side == "unknown" else (near_side,)
        out = frame_rgb.copy()
        for far_side in set(SIDES) - set(near):
            self._draw_far(out, points, far_side)
        self._draw_side(out, points, "centre", self.centre_thickness_px)
        for side in near:
            self._draw_side(out, points, side, self.near_thickness_px)
        if time_s is not None:
            self._draw_time(out, time_s)
        return out

    def _draw_far(self, out: np.ndarray, points: list, far_side: str) -> None:
        """Far limbs drawn on a copy, then blended into ``out`` at ``far_opacity`` (in place).

        Only the box around the far side's joints is copied and blended (a whole 4K frame per
        frame would cost more than the drawing); outside the drawn pixels the blend of a pixel
        with itself leaves it unchanged, so the result is the same."""
        drawn = [points[i] for i in side_joints(far_side) if points[i] is not None]
        if not drawn:
            return
        margin = self.far_thickness_px + self.joint_radius_px + 2  # line and dot edges, AA
        xs, ys = [p[0] for p in drawn], [p[1] for p in drawn]
        x0, y0 = max(min(xs) - margin, 0), max(min(ys) - margin, 0)
        x1 = min(max(xs) + margin + 1, out.shape[1])
        y1 = min(max(ys) + margin + 1, out.shape[0])
        if x1 <= x0 or y1 <= y0:
            return
        region = out[y0:y1, x0:x1]
        layer = region.copy()
        shifted = [None if p is None else (p[0] - x0, p[1] - y0) for p in points]
        self._draw_side(layer, shifted, far_side, self.far_thickness_px)
        region[:] = cv2.addWeighted(layer, self.far_opacity, region, 1.0 - self.far_opacity, 0.0)

    def _draw_side(self, image: np.ndarray, points: list, side: str, thickness_px: int) -> None:
        """Bones of one side, then that side's joints, on ``image`` (in place)."""
        colour = self.colours[side]
        for start, end, bone_side in BONES:
            if bone_side == side and points[start] is not None and points[end] is not None:
                cv2.line(image, points[start], points[end], colour, thickness_px, cv2.LINE_AA)
        if side == "centre":
            return  # centre bones join joints that belong to the two sides
        for index in side_joints(side):
            if points[index] is not None:
                cv2.circle(image, points[index], self.joint_radius_px, colour, -1, cv2.LINE_AA)

    def _draw_time(self, image: np.ndarray, time_s: float) -> None:
        """``t = 3.47 s`` in the top-left corner, white on a black outline so it reads anywhere."""
        text = f"t = {time_s:.2f} s"
        scale = self.text_scale or 0.8 * image.shape[0] / 720
        stroke = max(1, round(2.5 * scale))  # 2 px at scale 0.8, growing with the letters
        (_, height), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, stroke)
        origin = (self.text_margin_px, self.text_margin_px + height)
        for colour, thickness in ((BLACK, stroke + 2), (WHITE, stroke)):
            cv2.putText(image, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thickness,
                        cv2.LINE_AA)  # fmt: skip


def side_joints(side: str) -> tuple[int, ...]:
    """Landmark indices drawn as joint dots for one side: the ends of that side's bones."""
    return tuple(sorted({i for a, b, s in BONES if s == side for i in (a, b)}))


def _check_frame(frame_rgb: np.ndarray) -> None:
    if not isinstance(frame_rgb, np.ndarray) or frame_rgb.dtype != np.uint8 \
            or frame_rgb.ndim != 3 or frame_rgb.shape[2] != 3:  # fmt: skip
        shape = getattr(frame_rgb, "shape", None)
        dtype = getattr(frame_rgb, "dtype", type(frame_rgb).__name__)
        raise PosecheckError(
            f"annotate: frame_rgb must be a (H, W, 3) uint8 array, got {shape} {dtype}"
        )


def _check_keypoints(keypoints_px: np.ndarray) -> list[tuple[int, int] | None]:
    """Whole-pixel (x, y) per landmark, None where missing."""
    keypoints = np.asarray(keypoints_px, dtype=float)
    if keypoints.shape != (N_LANDMARKS, 2):
        raise PosecheckError(
            f"annotate: keypoints_px must have shape (33, 2), got {keypoints.shape}"
        )
    return [
        (round(x), round(y)) if np.isfinite(x) and np.isfinite(y) else None
        for x, y in keypoints
    ]


# ---- which side faces the camera -----------------------------------------------------------------

#: Landmarks whose depth and visibility vote on the near side: the limbs, the parts a side view
#: actually separates in depth.
LIMB_POINTS = (*LEG["left"], *ARM["left"])


def near_side(
    seq: PoseSequence,
    *,
    window_s: float = 1.0,  # about 1.5 strides: outvotes a few frames of swapped or hidden limbs,
    # and still follows a runner who turns round (which takes seconds, not frames)
) -> np.ndarray:
    """(n,) str array: the runner's side facing the camera in each frame, ``"left"``/``"right"``.

    Each frame votes: MediaPipe world z is depth with smaller = closer to the camera, so the side
    whose limb landmarks have the smaller mean z is near; where world z is missing, the side with
    the higher mean visibility is. Votes are summed over a centred window of ``window_s``
    (majority); a frame whose window has no majority takes the nearest decided frame, and a clip
    with no votes at all is ``"unknown"`` throughout.
    """
    if seq.n_frames == 0:
        return np.zeros(0, dtype="<U7")
    votes = _side_votes(seq)
    half = max(1, round(window_s / 2 * seq.fps))
    totals = np.convolve(votes, np.ones(2 * half + 1), mode="same")
    decided = np.flatnonzero(totals != 0)
    if len(decided) == 0:
        return np.full(seq.n_frames, "unknown")
    return np.where(totals[_nearest(decided, seq.n_frames)] > 0, "left", "right")


def _nearest(decided: np.ndarray, n: int) -> np.ndarray:
    """(n,) for each frame the element of the sorted index array ``decided`` closest to it."""
    frames = np.arange(n)
    after = np.clip(np.searchsorted(decided, frames), 0, len(decided) - 1)
    before = np.clip(after - 1, 0, len(decided) - 1)
    closer_before = np.abs(frames - decided[before]) <= np.abs(decided[after] - frames)
    return np.where(closer_before, decided[before], decided[after])


def _side_votes(seq: PoseSequence) -> np.ndarray:
    """(n,) +1 where the left side looks nearer, -1 where the right does, 0 where unknown."""
    left, right = list(LIMB_POINTS), [MIRROR[i] for i in LIMB_POINTS]
    with np.errstate(invalid="ignore"):
        depth = _mean_or_nan(seq.world_m[:, right, 2]) - _mean_or_nan(seq.world_m[:, left, 2])
        seen = _mean_or_nan(seq.visibility[:, left]) - _mean_or_nan(seq.visibility[:, right])
    return np.where(np.isfinite(depth), np.sign(depth), np.nan_to_num(np.sign(seen)))


def _mean_or_nan(values: np.ndarray) -> np.ndarray:
    """(n,) mean over axis 1 of the finite values; NaN where there are none."""
    finite = np.isfinite(values)
    count = finite.sum(axis=1)
    total = np.where(finite, values, 0.0).sum(axis=1)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)

