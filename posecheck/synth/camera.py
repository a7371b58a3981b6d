"""A level pinhole camera beside the path, static or panning to follow the runner; or on the path,
in front of the runner or behind (:func:`frontal_camera`).

The camera stands at ``position_m`` (x, y, z) on the +z side of the runner and looks along -z,
turned by ``yaw_rad`` about the vertical towards +x (a pan). It never tilts or rolls, so image
vertical is true vertical. Projection of a world point X (metres):

    d = X - position;  right = (cos yaw, 0, sin yaw);  forward = (sin yaw, 0, -cos yaw)
    u = cx + s * f * (d . right) / (d . forward);  v = cy - f * d_y / (d . forward)

with s = +1 when the runner moves left-to-right and s = -1 right-to-left (the image of a
right-to-left clip is the mirror image of the world, whose near side is then the runner's left).
Pixel coordinates are continuous, x right and y down, the top-left image corner at (0, 0): the
convention of :class:`posecheck.sequence.PoseSequence`.

A camera in front of the runner has ``yaw_rad = -pi/2`` (it looks along -x, back at the runner
coming towards it), one behind ``+pi/2`` (it looks along +x, after the runner going away); both
with s = +1, so that the picture is not mirrored (the runner's right, +z, shows on the image
left from the front and on the image right from behind).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from posecheck.landmarks import INDEX


# A static camera keeps the whole clip's vertical range within this fraction of the frame height:
# the figure range already has 5 cm margins, and 5 % of the frame either side keeps hands and
# feet clear of the edge on a downhill clip that runs from corner to corner.
STATIC_SPAN = 0.9

#: Where a camera filming along the path stands: "front" (the runner comes towards it) or
#: "behind" (the runner goes away from it); "side" is beside the path (:func:`frame_cameras`).
VIEWS = ("side", "front", "behind")


@dataclasses.dataclass(frozen=True)
class Camera:
    """One frame's camera."""

    position_m: np.ndarray  # (3,)
    yaw_rad: float
    focal_px: float
    width: int
    height: int
    direction: int  # +1 left-to-right, -1 right-to-left

    def project(self, points_m: np.ndarray) -> np.ndarray:
        """(..., 3) world points to (..., 2) image pixels."""
        d = np.asarray(points_m, dtype=float) - self.position_m
        across, depth = _turned(d, self.yaw_rad)
        u = 0.5 * self.width + self.direction * self.focal_px * across / depth
        v = 0.5 * self.height - self.focal_px * d[..., 1] / depth
        return np.stack([u, v], axis=-1)

    def depth(self, points_m: np.ndarray) -> np.ndarray:
        """(...,) distance along the viewing direction (m)."""
        d = np.asarray(points_m, dtype=float) - self.position_m
        return _turned(d, self.yaw_rad)[1]


def _turned(d: np.ndarray, yaw_rad: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """World vectors ``d`` (..., 3) along a camera turned by ``yaw_rad`` (broadcast against
    ``d[..., 0]``): across the view (towards the image's right for a left-to-right clip) and
    along it (depth)."""
    c, s = np.cos(yaw_rad), np.sin(yaw_rad)
    return d[..., 0] * c + d[..., 2] * s, d[..., 0] * s - d[..., 2] * c


def world_in_camera_axes(landmarks_m: np.ndarray, yaw_rad: np.ndarray, direction: int
                         ) -> np.ndarray:
    """(n, 33, 3) world landmarks (n, 33, 3) as MediaPipe gives its world landmarks: metres
    about the hip midpoint, in each frame's camera axes (yaw ``yaw_rad`` (n,), ``direction``
    +1 left-to-right, -1 right-to-left): x to the image's right, y down, z away from the
    camera, so the near side has the smaller z."""
    hips = [INDEX["left_hip"], INDEX["right_hip"]]
    v = np.asarray(landmarks_m, dtype=float)
    v = v - v[:, hips].mean(axis=1, keepdims=True)
    across, depth = _turned(v, np.asarray(yaw_rad, dtype=float)[:, None])
    return np.stack([direction * across, -v[..., 1], depth], axis=-1)


def frame_cameras(pelvis_xy: np.ndarray, figure_y: np.ndarray, *, width: int, height: int,
                  direction: int, pan: bool, distance_m: float, fill: float) -> list[Camera]:
    """One camera per frame for a runner whose hip midpoint is at ``pelvis_xy`` (n, 2).

    ``figure_y`` (n, 2) is the lowest and highest world height of the figure in each frame. A
    static camera stands at the middle of the path at the middle height of the whole clip; its
    focal length makes the figure's height range in one frame ``fill`` of the frame height, as
    for the panning camera, unless the whole clip would then not fit: the figure's range over the
    whole clip (on a slope it includes the drop) must stay within ``STATIC_SPAN`` of the frame
    height and the whole path (plus reach margins) within the width. A short static clip thus
    frames the runner as large as a panning one; a long one shrinks the runner (the truth's
    ``scene.runner_height_fraction`` says how far). A panning camera stands beside the middle of
    the path, turns to keep the hip midpoint centred and, on a slope, rises or falls with the
    ground's steady trend (a straight line fitted to the figure's height), so it frames the
    runner as tightly as on the level. Neither camera tilts: image vertical stays true vertical.
    """
    x = pelvis_xy[:, 0]
    centre_x = 0.5 * (x.min() + x.max())
    if not pan:
        low, high = float(figure_y[:, 0].min()), float(figure_y[:, 1].max())
        position = np.array([centre_x, 0.5 * (low + high), distance_m])
        one_frame_m = float(np.max(figure_y[:, 1] - figure_y[:, 0]))
        focal = min(fill * height * distance_m / one_frame_m,
                    STATIC_SPAN * height * distance_m / (high - low))  # fmt: skip
        margin_m = 0.9  # hands and feet reach about 0.8 m ahead of or behind the hip
        focal = min(focal, width * distance_m / (x.max() - x.min() + 2 * margin_m))
        return [Camera(position, 0.0, focal, width, height, direction) for _ in x]
    middle = figure_y.mean(axis=1)
    if len(x) > 1 and np.ptp(x) > 0:
        trend = np.polyval(np.polyfit(x, middle, 1), x)
    else:
        trend = np.full_like(x, middle.mean())
    low = float((figure_y[:, 0] - trend).min())
    high = float((figure_y[:, 1] - trend).max())
    focal = fill * height * distance_m / (high - low)
    yaws = np.arctan2(x - centre_x, distance_m)
    return [Camera(np.array([centre_x, y + 0.5 * (low + high), distance_m]), float(yaw), focal,
                   width, height, direction) for yaw, y in zip(yaws, trend)]


def frontal_camera(pelvis_xy: np.ndarray, figure_y: np.ndarray, *, width: int, height: int,
                   view: str, distance_m: float, fill: float) -> Camera:
    """The one camera of a clip filmed along the path, for a runner whose hip midpoint is at
    ``pelvis_xy`` (n, 2) with the figure's lowest and highest world heights ``figure_y`` (n, 2)
    in each frame: a tripod on the path (z = 0) ``distance_m`` ahead of the hips at their
    closest, in front of the runner (``view`` "front": ahead of the last frame's hips, looking
    back) or behind (``view`` "behind": behind the first frame's, looking forward), level, at the
    middle height of the figure at its closest. Its focal length makes that closest figure's
    height range ``fill`` of the frame height; the runner is smaller further away (a clip of a
    runner coming towards or going away from a tripod), not at all on a treadmill.
    """
    x = pelvis_xy[:, 0]
    closest = int(np.argmax(x)) if view == "front" else int(np.argmin(x))
    sign = 1.0 if view == "front" else -1.0  # the camera stands on this side of the runner
    low, high = float(figure_y[closest, 0]), float(figure_y[closest, 1])
    position = np.array([x[closest] + sign * distance_m, 0.5 * (low + high), 0.0])
    focal = fill * height * distance_m / (high - low)
    return Camera(position, -sign * 0.5 * np.pi, focal, width, height, 1)
