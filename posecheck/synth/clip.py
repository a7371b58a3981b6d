"""One synthetic clip from a :class:`ClipSpec`: the gait, the cameras, the frames and the truth."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from posecheck.errors import PosecheckError
from posecheck.landmarks import INDEX
from posecheck.sequence import PoseSequence
from posecheck.synth.body import Body
from posecheck.synth.camera import (VIEWS, Camera, frame_cameras, frontal_camera,
                                    world_in_camera_axes)
from posecheck.synth.gait import Gait, GaitParams, Pose
from posecheck.synth.render import Appearance, Renderer, SceneStyle
from posecheck.synth.timing import StepTiming
from posecheck.synth.truth import clip_events, clip_steps, true_metrics, write_truth

# The step-timing draw has its own random stream of the clip seed, so turning variability on
# leaves the scenery (drawn from the seed alone) unchanged.
TIMING_STREAM = 1


@dataclasses.dataclass(frozen=True)
class ClipSpec:
    """Everything that decides a synthetic clip (same spec, same seed: same frames and truth)."""

    gait: GaitParams
    preset: str = "custom"
    height_m: float = 1.75
    sex: str = "male"
    direction: str = "ltr"  # "ltr" (left to right) or "rtl"; a side view's only
    camera: str = "static"  # "static" (tripod) or "pan" (turns to follow the runner)
    fps: float = 60.0
    width: int = 1280
    height: int = 720
    seconds: float = 2.0
    seed: int = 0
    camera_distance_m: float = 6.0  # a side-on tripod a few metres from the path
    fill: float = 0.62  # the figure's vertical range as a fraction of the frame height
    start_phase: float = 0.3  # where in the stride the clip starts (fraction), off an IC
    style: SceneStyle = SceneStyle()
    # "side" (beside the path), "front" (on the path ahead, the runner coming towards it) or
    # "behind" (on the path behind, the runner going away); for front and behind
    # ``camera_distance_m`` is the distance to the runner's hips at their closest
    view: str = "side"

    def check(self) -> None:
        if self.direction not in ("ltr", "rtl"):
            raise PosecheckError(f"direction must be 'ltr' or 'rtl', got {self.direction!r}")
        if self.camera not in ("static", "pan"):
            raise PosecheckError(f"camera must be 'static' or 'pan', got {self.camera!r}")
        if self.view not in VIEWS:
            raise PosecheckError(f"view must be one of {', '.join(VIEWS)}, got {self.view!r}")
        if self.view != "side" and (self.camera != "static" or self.direction != "ltr"):
            raise PosecheckError(
                f"a {self.view} view is filmed from a tripod on the path: it has no panning "
                "camera and no direction across the picture (use camera 'static', direction "
                "'ltr')")
        if not 1 <= self.fps <= 1000:
            raise PosecheckError(f"fps must be 1-1000, got {self.fps}")
        if not (32 <= self.width <= 7680 and 32 <= self.height <= 4320):
            raise PosecheckError(
                f"frame size must be 32x32 to 7680x4320, got {self.width}x{self.height}"
            )
        if not 0 < self.seconds <= 120:
            raise PosecheckError(f"seconds must be in (0, 120], got {self.seconds}")
        if not 2 <= self.camera_distance_m <= 50:
            raise PosecheckError(f"camera distance must be 2-50 m, got {self.camera_distance_m}")


class SyntheticClip:
    """The runner, the cameras and the truth of one spec; frames are drawn on demand."""

    def __init__(self, spec: ClipSpec) -> None:
        spec.check()
        self.spec = spec
        self.body = Body.from_height(spec.height_m, spec.sex)
        # the world's +z side is the runner's right for a left-to-right runner and for a front
        # or behind view (a true, unmirrored body); a right-to-left picture is the mirror image
        near = "right" if spec.direction == "ltr" else "left"
        self.gait = Gait(self.body, spec.gait, near_side=near)
        n = max(1, int(round(spec.seconds * spec.fps)))
        self.time_s = np.arange(n) / spec.fps
        t0 = spec.start_phase * self.gait.stride_time_s
        rng = np.random.default_rng([spec.seed, TIMING_STREAM])
        self.timing = StepTiming.draw(self.gait, t0, spec.seconds, cv=spec.gait.step_time_cv,
                                      rng=rng)  # fmt: skip
        # the steady gait's time shown in each frame (t0 + time_s when steps do not vary)
        self.gait_time_s = self.timing.gait_time(t0 + self.time_s)
        self.poses: list[Pose] = [self.gait.pose(g) for g in self.gait_time_s]
        self._t0 = t0
        lm = np.array([p.landmarks_m for p in self.poses])
        head = np.array([p.head_centre_m for p in self.poses])
        figure_y = np.stack([lm[:, :, 1].min(axis=1) - 0.05,
                             head[:, 1] + self.body.head_radius_m + 0.05], axis=1)  # fmt: skip
        pelvis = 0.5 * (lm[:, 23, :2] + lm[:, 24, :2])
        if spec.view == "side":
            self.cameras: list[Camera] = frame_cameras(
                pelvis, figure_y, width=spec.width, height=spec.height,
                direction=1 if spec.direction == "ltr" else -1, pan=spec.camera == "pan",
                distance_m=spec.camera_distance_m, fill=spec.fill,
            )  # fmt: skip
        else:
            tripod = frontal_camera(pelvis, figure_y, width=spec.width, height=spec.height,
                                    view=spec.view, distance_m=spec.camera_distance_m,
                                    fill=spec.fill)  # fmt: skip
            self.cameras = [tripod] * len(self.poses)
        self.landmarks_m = lm
        self.head_m = head
        self.landmarks_px = np.array([c.project(p) for c, p in zip(self.cameras, lm)])
        self.com_m = np.array([p.com_m for p in self.poses])
        self.com_px = np.array([c.project(p) for c, p in zip(self.cameras, self.com_m)])
        inside = ((self.landmarks_px >= 0) & (self.landmarks_px <= (spec.width, spec.height)))
        if not inside.all():
            raise PosecheckError(
                "the runner leaves the frame: shorten --seconds, use --camera pan or a larger "
                "--camera-distance"
            )

    @property
    def start_time_s(self) -> float:
        """The clip clock at the first frame (the steady gait's time there when steps do not
        vary); event and step times in the truth are measured from it."""
        return self._t0

    def frames(self) -> Iterator[np.ndarray]:
        """RGB uint8 frames, (height, width, 3), in order."""
        spec = self.spec
        yaws = [c.yaw_rad for c in self.cameras]
        pan_px = 0.0  # a camera filming along the path stands still
        if spec.view == "side":  # the scenery slides across a panning camera's picture
            pan_px = max(abs(y) for y in yaws) * self.cameras[0].focal_px
        rng = np.random.default_rng(spec.seed)
        renderer = Renderer(
            width=spec.width, height=spec.height, appearance=Appearance.random(rng),
            style=spec.style, body_scale=spec.height_m / 1.75, slope_rad=self.gait.slope_rad,
            belt_speed_mps=spec.gait.speed_mps if spec.gait.treadmill else 0.0,
            seed=int(rng.integers(2**31)), pan_px=pan_px, view=spec.view,
        )  # fmt: skip
        for g, pose, camera in zip(self.gait_time_s, self.poses, self.cameras):
            yield renderer.render(pose, camera, g)  # a treadmill belt moves with the feet

    def truth_info(self) -> dict[str, Any]:
        """The truth file's JSON (:mod:`posecheck.synth.truth`), with ``view`` ("front" or
        "behind") after ``camera`` for a clip filmed along the path (a side view's truth, the
        format's original, has none)."""
        spec, b = self.spec, self.body
        gait_values = dataclasses.asdict(spec.gait)
        info = {
            "preset": spec.preset,
            "seed": spec.seed,
            "fps": spec.fps,
            "width": spec.width,
            "height": spec.height,
            "n_frames": len(self.time_s),
            "seconds": spec.seconds,
            "direction": spec.direction,
            "camera": spec.camera,
            "slope_deg": spec.gait.slope_deg,
            "treadmill": spec.gait.treadmill,
            "near_side": self.gait.near_side,
            "start_time_in_gait_s": self._t0,
            "runner": {"height_m": b.height_m, "sex": b.sex, "leg_length_m": b.leg_length_m},
            "gait": gait_values,
            "solved": {"trunk_deg": self.gait.trunk_deg,
                       "toe_off_foot_deg": self.gait.toe_off_foot_deg},
            "scene": {**dataclasses.asdict(spec.style),
                      "camera_distance_m": spec.camera_distance_m, "fill": spec.fill,
                      "runner_height_fraction": self.runner_height_fraction()},
            "events": self.events(),
            "steps": self.steps(),
            "metrics": true_metrics(self.gait),
        }  # fmt: skip
        if spec.view != "side":
            keys = list(info)
            at = keys.index("camera") + 1
            info = {**{k: info[k] for k in keys[:at]}, "view": spec.view,
                    **{k: info[k] for k in keys[at:]}}
        return info

    def events(self) -> dict[str, dict[str, list]]:
        """True initial contacts and toe-offs of each foot, times from the clip's first frame."""
        return clip_events(self.gait, self._t0 + self.time_s, self.spec.fps, timing=self.timing)

    def steps(self) -> list[dict]:
        """Every contact overlapping the clip, in time order: foot, exact IC and toe-off times
        from the clip's first frame (outside the clip for a contact it cuts) and the step's own
        contact, flight and step times."""
        return clip_steps(self.gait, self._t0 + self.time_s, self.timing)

    def exact_pose(self) -> PoseSequence:
        """The clip's exact image landmarks as a PoseSequence (every landmark fully visible),
        with its world landmarks as MediaPipe gives them (:meth:`world_landmarks_m`): the input
        that tests a later stage without the pose model's error."""
        n = len(self.time_s)
        seq = PoseSequence.empty(self.time_s, fps=self.spec.fps,
                                 frame_size=(self.spec.width, self.spec.height))
        return seq.replace(keypoints_px=self.landmarks_px, visibility=np.ones((n, 33)),
                           world_m=self.world_landmarks_m())

    def world_landmarks_m(self) -> np.ndarray:
        """(n, 33, 3) the landmarks in metres about the hip midpoint, in each frame's camera
        axes as MediaPipe's world landmarks are (x image right, y down, z away from the camera),
        so that whatever reads depth from them (the near side) reads it as from the model."""
        return world_in_camera_axes(self.landmarks_m, np.array([c.yaw_rad for c in self.cameras]),
                                    self.cameras[0].direction)

    def runner_height_fraction(self) -> float:
        """Median over frames of the runner's standing height in the image / the frame height.

        The standing height is ``height_m`` seen at the depth of the hip midpoint. A coach's
        side-on clip has the runner at about half the frame height or more."""
        hips = self.landmarks_m[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
        depth = np.array([c.depth(p) for c, p in zip(self.cameras, hips)])
        focal = np.array([c.focal_px for c in self.cameras])
        return float(np.median(self.spec.height_m * focal / depth) / self.spec.height)

    def truth_arrays(self) -> dict[str, np.ndarray]:
        return {
            "time_s": self.time_s,
            "gait_time_s": self.gait_time_s,
            "landmarks_px": self.landmarks_px,
            "landmarks_m": self.landmarks_m,
            "head_centre_m": self.head_m,
            "com_m": self.com_m,
            "com_px": self.com_px,
            "in_contact": np.array([p.in_contact for p in self.poses], dtype=bool),
            "camera_position_m": np.array([c.position_m for c in self.cameras]),
            "camera_yaw_deg": np.degrees([c.yaw_rad for c in self.cameras]),
            "camera_focal_px": np.array([c.focal_px for c in self.cameras]),
        }

    def write(self, path: str | Path) -> Path:
        """Render to an H.264 MP4 at ``path`` and write the truth files beside it."""
        from posecheck.video import VideoWriter

        path = Path(path)
        if path.suffix.lower() != ".mp4":
            raise PosecheckError(f"output must be an .mp4 file, got {path.name}")
        path.parent.mkdir(parents=True, exist_ok=True)
        spec = self.spec
        with VideoWriter(path, fps=spec.fps, width=spec.width, height=spec.height) as writer:
            for frame in self.frames():
                writer.write(frame)
        write_truth(path, self.truth_info(), self.truth_arrays())
        return path
