"""Looking closer at small people: crop boxes, tiles, and where to crop in each frame.

MediaPipe's pose detector sees the whole image shrunk to 224 x 224 pixels, so a runner a fifth of
the height of a wide frame is a figure about 20 px tall there, and is missed (or fitted to a
fence post). Cut from the frame, a square about twice the runner's height shows the detector the
same person about 100 px tall. This module holds the geometry (:class:`CropBox`: where a crop
sits in the frame and how its landmarks map back to frame pixels), the tiles that search a frame
for people too small for the whole-frame detector, and the plan of crops around a followed track
(:func:`plan_crops`). :mod:`posecheck.pose` runs the model on them.
"""

from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass(frozen=True)
class CropBox:
    """A rectangle of the frame, in whole pixels: columns ``x0_px`` to ``x0_px + width_px``."""

    x0_px: int
    y0_px: int
    width_px: int
    height_px: int

    @classmethod
    def whole(cls, frame_w_px: int, frame_h_px: int) -> CropBox:
        return cls(0, 0, int(frame_w_px), int(frame_h_px))

    def cut(self, rgb: np.ndarray) -> np.ndarray:
        """The crop's pixels, contiguous (MediaPipe's image wrapper needs that)."""
        return np.ascontiguousarray(
            rgb[self.y0_px:self.y0_px + self.height_px, self.x0_px:self.x0_px + self.width_px])

    def to_frame_px(self, xy_norm: np.ndarray) -> np.ndarray:
        """Landmarks in the crop's normalised coordinates (0-1 across the crop, MediaPipe's
        output) to frame pixels."""
        xy_norm = np.asarray(xy_norm, dtype=float)
        return xy_norm * (self.width_px, self.height_px) + (self.x0_px, self.y0_px)

    def contains(self, xy_px: np.ndarray) -> bool:
        x, y = float(xy_px[0]), float(xy_px[1])
        return (self.x0_px <= x < self.x0_px + self.width_px
                and self.y0_px <= y < self.y0_px + self.height_px)

    def gain(self, frame_w_px: int, frame_h_px: int) -> float:
        """How many times larger a person appears to the model in this crop than in the whole
        frame: the model shrinks an image by its longer side to fit its square input."""
        return max(frame_w_px, frame_h_px) / max(self.width_px, self.height_px, 1)


def square_box(centre_px: np.ndarray, side_px: float, frame_w_px: int,
               frame_h_px: int) -> CropBox:
    """A square of ``side_px`` centred on ``centre_px``, slid to lie inside the frame (a body at
    the frame's edge keeps a full-size crop), and cut to the frame where the frame is smaller."""
    side = int(round(max(side_px, 1.0)))
    width, height = min(side, frame_w_px), min(side, frame_h_px)
    x0 = int(round(float(centre_px[0]) - side / 2))
    y0 = int(round(float(centre_px[1]) - side / 2))
    x0 = min(max(x0, 0), frame_w_px - width)
    y0 = min(max(y0, 0), frame_h_px - height)
    return CropBox(x0, y0, width, height)


def body_box(hip_px: np.ndarray, torso_px: float, frame_w_px: int, frame_h_px: int, *,
             side_torsos: float = 7.0) -> CropBox:
    """The crop around a person whose hips are at ``hip_px`` and whose torso (shoulder to hip
    midpoints) is ``torso_px`` long.

    ``side_torsos`` 7: MediaPipe's landmarks span about 3 torso lengths from heel to eye (2.8-3.0
    on the shared clips) and a sprinter's stride about as much across; a square of 7 torsos holds
    the whole body, head top and a frame's motion included, at about half the crop's height.
    Measured with benchmarks/runner_found.py (share of frames in view where the runner was
    found, crops of 5, 6, 7 and 9 torsos): tripod sprint 100, 98, 100, 100 %; 40-yard dash 99, 62,
    97, 95 %. The dash's result hangs on the frames where the athlete runs in front of the
    officials' table, where the crop's fits are fragile; with 6 the track broke there.
    """
    return square_box(hip_px, side_torsos * max(torso_px, 1.0), frame_w_px, frame_h_px)


def tile_boxes(frame_w_px: int, frame_h_px: int, *, side_frac: float = 2 / 3,
               overlap: float = 0.5) -> list[CropBox]:
    """Squares covering the frame, for searching it for people the whole-frame model misses.

    ``side_frac`` 2/3 of the frame's shorter side: the tripod sprinter (about 160 px tall in a
    720 px frame) was found in squares of 360, 480 and 720 px, but the 40-yard dash athlete
    crouched in a 3-point stance only in squares of 300-500 px (3 of 3 frames tried), not in a
    720 px one (0 of 3). ``overlap`` 0.5: neighbouring squares share half their side, so every
    person up to half a tile tall lies wholly inside one of them.
    """
    side = max(int(round(side_frac * min(frame_w_px, frame_h_px))), 1)
    step = max(int(round(side * (1.0 - overlap))), 1)
    return [CropBox(x0, y0, min(side, frame_w_px), min(side, frame_h_px))
            for y0 in _starts(frame_h_px, side, step) for x0 in _starts(frame_w_px, side, step)]


def _starts(length_px: int, side_px: int, step_px: int) -> list[int]:
    """Tile origins along one axis: every ``step_px``, the last tile flush with the far edge."""
    last = max(length_px - side_px, 0)
    return sorted(set(range(0, last + 1, step_px)) | {last})


#: The least a crop must enlarge a person the whole frame missed for a closer look there
#: (:func:`plan_crops`, whose notes say why 2).
MIN_GAIN_MISSING = 2.0


def crop_gain(torso_px: float, frame_w_px: int, frame_h_px: int, *,
              side_torsos: float = 7.0) -> float:
    """How many times larger a crop around a person with this torso length (:func:`body_box`)
    shows them to the model than the whole frame does (1 when the crop would be the frame)."""
    longest = max(frame_w_px, frame_h_px)
    return longest / min(side_torsos * max(torso_px, 1.0), longest)


@dataclasses.dataclass(frozen=True)
class Anchor:
    """Where a followed person is expected in one frame: hips and torso length, pixels."""

    hip_px: np.ndarray
    torso_px: float


def plan_crops(frames: list[int], hips_px: np.ndarray, torsos_px: np.ndarray, n_frames: int,
               frame_w_px: int, frame_h_px: int, *, reach_frames: int, side_torsos: float = 7.0,
               min_gain: float = 2.5, min_gain_missing: float = MIN_GAIN_MISSING,
               ) -> dict[int, Anchor]:
    """The frames in which to look closer at a person seen in ``frames`` (hips and torso
    lengths from the whole-frame look), and where they are expected there.

    Expected places run from ``reach_frames`` before the first detection to ``reach_frames``
    after the last: interpolated linearly between detections, held beyond the ends (a sprinter
    still in the blocks before the first fit, or just lost after the last). A frame is kept when
    the crop would show the person at least ``min_gain`` times larger than the whole frame, or,
    where the whole frame missed them, at least ``min_gain_missing`` times.

    ``min_gain`` 2.5: the whole-frame model found the people of the shared clips whose crop gain
    is under 2.5 in (nearly) every frame they were in view (the park jogger, about 1.75; the
    park walker and the man on the box, 2.0-2.3; treadmill and follow-camera runners, about 1 or
    less) and missed the others (the 40-yard dash athlete, 2.3-4.2, in 71 % of frames; the
    tripod sprinter, about 4.8, in all); below it a crop costs a model run and shows little
    more. ``min_gain_missing`` 2: where a person that large
    was missed between frames that found them, the miss is a blur, a turn or an occlusion
    rather than their size; with 1.5, crops in the park walker's few missed frames (gain 1.7)
    put good fits beside the whole frame's poor ones, and her track seemed to jump.
    """
    frames_arr = np.asarray(frames, dtype=float)
    hips_px, torsos_px = np.asarray(hips_px, dtype=float), np.asarray(torsos_px, dtype=float)
    seen = {int(f) for f in frames}
    first = max(int(frames[0]) - reach_frames, 0)
    last = min(int(frames[-1]) + reach_frames, n_frames - 1)
    plan = {}
    for i in range(first, last + 1):
        torso = float(np.interp(i, frames_arr, torsos_px))
        gain = crop_gain(torso, frame_w_px, frame_h_px, side_torsos=side_torsos)
        if gain >= (min_gain if i in seen else min_gain_missing):
            hip = np.array([np.interp(i, frames_arr, hips_px[:, k]) for k in range(2)])
            plan[i] = Anchor(hip, torso)
    return plan
