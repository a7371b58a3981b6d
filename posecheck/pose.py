"""The pose stage: every person MediaPipe finds in every frame, then the runner's track.

``detect_people`` runs MediaPipe's PoseLandmarker (Tasks API, VIDEO mode, several poses per frame)
over a streamed clip and keeps each frame's detections. ``extract_pose`` adds the tracking step
(:mod:`posecheck.tracking`) and returns the runner's raw :class:`~posecheck.sequence.PoseSequence`;
cleaning is a separate stage (:mod:`posecheck.cleaning`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from posecheck import quiet  # noqa: F401  (sets the native log levels before mediapipe loads)
from posecheck.errors import PosecheckError
from posecheck.landmarks import N_LANDMARKS
from posecheck.models import DEFAULT_MODEL
from posecheck.progress import Progress
from posecheck.sequence import PoseSequence
from posecheck.video import VideoInfo, iter_frames, probe


@dataclasses.dataclass(frozen=True)
class Detection:
    """One person in one frame."""

    keypoints_px: np.ndarray  # (33, 2) image pixels
    visibility: np.ndarray  # (33,)
    world_m: np.ndarray  # (33, 3) metres, hip-centred

    @property
    def hip_px(self) -> np.ndarray:
        return self.keypoints_px[23:25].mean(axis=0)

    @property
    def size_px(self) -> float:
        """Shoulder-midpoint to hip-midpoint distance: a scale that does not change with stride."""
        return float(np.linalg.norm(self.keypoints_px[11:13].mean(axis=0) - self.hip_px))


@dataclasses.dataclass(frozen=True)
class PeopleFrames:
    """Every detection in every frame of a clip."""

    info: VideoInfo
    time_s: np.ndarray  # (n,)
    people: list[list[Detection]]  # people[i] = detections in frame i
    model: str
    seconds: float  # wall time of detection


class PoseDetector:
    """MediaPipe PoseLandmarker in VIDEO mode; one instance per clip (it tracks between frames)."""

    def __init__(self, model_path: str | Path | None = None, *, num_poses: int = 3,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5):
        # num_poses 3: enough for a runner passing other people; each extra pose costs little
        # when absent. 0.5 confidences are MediaPipe's own defaults.
        path = Path(model_path) if model_path else DEFAULT_MODEL
        if not path.is_file():
            raise PosecheckError(f"{path}: pose model file not found")
        with quiet.native_stderr_silenced():
            from mediapipe.tasks.python import BaseOptions, vision

            options = vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(path)),
                running_mode=vision.RunningMode.VIDEO,
                num_poses=num_poses,
                min_pose_detection_confidence=min_detection_confidence,
                min_pose_presence_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
            try:
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
            except (RuntimeError, ValueError) as exc:
                raise PosecheckError(f"{path}: not a usable PoseLandmarker model ({exc})") from exc
        self.model_path = path
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, time_s: float) -> list[Detection]:
        """All people in one upright RGB frame; ``time_s`` must increase from call to call."""
        import mediapipe as mp

        # MediaPipe needs strictly increasing integer milliseconds
        time_ms = max(int(round(time_s * 1000.0)), self._last_ms + 1)
        self._last_ms = time_ms
        height, width = rgb.shape[:2]
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        result = self._landmarker.detect_for_video(image, time_ms)
        detections = []
        for person, world in zip(result.pose_landmarks, result.pose_world_landmarks):
            xyv = np.array([(p.x, p.y, p.visibility) for p in person], dtype=float)
            if xyv.shape[0] != N_LANDMARKS:
                continue
            keypoints = xyv[:, :2] * (width, height)
            world_m = np.array([(p.x, p.y, p.z) for p in world], dtype=float)
            detections.append(Detection(keypoints, np.nan_to_num(xyv[:, 2], nan=0.0), world_m))
        return detections

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> PoseDetector:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def detect_people(video_path: str | Path, *, model_path: str | Path | None = None,
                  num_poses: int = 3, show_progress: bool | None = None) -> PeopleFrames:
    """Run the pose model on every frame of a clip (streamed; memory holds landmarks only)."""
    import time

    info = probe(video_path)
    times, people = [], []
    started = time.monotonic()
    with quiet.native_stderr_silenced():
        progress = Progress("pose", info.n_frames, enabled=show_progress)
        with PoseDetector(model_path, num_poses=num_poses) as detector:
            for frame in iter_frames(video_path):
                times.append(frame.time_s)
                people.append(detector.detect(frame.rgb, frame.time_s))
                progress.update()
        progress.close()
    return PeopleFrames(
        info=info,
        time_s=np.asarray(times, dtype=float),
        people=people,
        model=str(detector.model_path.name),
        seconds=time.monotonic() - started,
    )


def extract_pose(video_path: str | Path, *, model_path: str | Path | None = None,
                 person: str | int | None = None, num_poses: int = 3,
                 show_progress: bool | None = None) -> PoseSequence:
    """The runner's raw pose through a clip.

    ``person`` chooses whom to follow when several people are visible: ``None`` or ``"auto"``
    (the default rule of :func:`posecheck.tracking.choose_track`), ``"largest"``, ``"sideways"``,
    or a track id from a previous run's ``people.json``.
    """
    from posecheck import tracking

    frames = detect_people(video_path, model_path=model_path, num_poses=num_poses,
                           show_progress=show_progress)
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    chosen = tracking.choose_track(tracks, person, fps=frames.info.fps)
    return tracking.track_to_sequence(chosen, tracks, frames)
