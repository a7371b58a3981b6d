"""The pose stage: every person MediaPipe finds in every frame, then the runner's track.

``detect_people`` runs MediaPipe's PoseLandmarker (Tasks API) over a streamed clip and keeps each
frame's detections. It looks twice:

1. *Whole frames* (VIDEO mode, which tracks people between frames), with the multi-person
   model (``num_poses`` 3) wherever it is needed to see everyone, and a one-pose model where
   one person alone is in view (:class:`_WholeFrames`). Asked for three poses, MediaPipe runs
   its person detector on every frame in which it tracks fewer than three (its fits of one
   runner equal IMAGE mode's); asked for one, it places the next frame's crop from the
   person's landmarks and skips the detector. The multi-person model looks first; once it has
   seen one person alone for ``settle_s``, the one-pose model follows them, checked every
   ``check_every_s`` by a multi-person look; when a check sees someone else, or the one-pose
   fit is lost or jumps, the multi-person model takes over again and the frames since the
   last good check are run again with it (:func:`_rerun_multi`), so a person who came into
   view in them is found from their first frame. Only someone in view wholly between two
   checks (under ``check_every_s``) can be missed. Measured on the 720 x 1280 treadmill clip,
   the pose stage runs at 39-40 frames/s against 27-30 with the multi-person model on every
   frame (``single_pose`` False; 43-44 with the one-pose model alone). The two ways of
   placing the crop give a runner's landmarks that differ by a median 1.4-5.5 px on the
   single-runner clips (1.5-3 % of the torso length; 95th percentile 9-45 px, at the feet and
   hands), as much as a change of the RGB conversion moves them; on the 32 synthetic clips of
   ``benchmarks/pose_accuracy.py`` the error against the truth is the same (near knee flexion
   5.1 and 4.9 deg median, 12.4 both at the 90th percentile). It is **off by default**
   (``single_pose=False``): on the real clips the moved feet cost the foot events, toe-offs
   within a frame of the hand labels fell from 82% to 39% on the treadmill clip and the
   park-jog clip's slow motion went unwarned (``benchmarks/real_clips.py``; measured again
   with the events of 2026-12-04: 85% to 45%, the toe landmark 11 px from the multi-person
   model's in the median frame, about the toe-off threshold); it stays opt-in until the events
   hold with it.
   Unless someone large was found in every frame since, the first look also *searches* a
   frame every ``search_every_s`` in overlapping square tiles (:func:`posecheck.crop.tile_boxes`):
   the model shrinks a frame to 224 px, and a runner a fifth of the height of a wide frame is
   then too small to be found.
2. *Closer*, only for people small in the frame: the runner candidates (the first look's
   best-scoring tracks by the ``"auto"`` rule of :func:`posecheck.tracking.choose_track`) are
   followed through the clip again in crops about twice their height
   (:func:`posecheck.crop.body_box`), where the model sees them several times larger, each
   candidate by its own VIDEO-mode model. A crop's landmarks are mapped back to frame pixels,
   replace that person's whole-frame fits, and are marked as one *chain* while the crop keeps
   finding the person frame after frame, which :func:`posecheck.tracking.link_tracks` keeps
   on one track.

A clip whose runner is large in the frame is neither searched nor cropped, and costs what the
whole-frame look costs.

With ``workers`` above 1 (``posecheck analyze --workers N``, two by default on two cores or more)
the first look runs in that many threads, each on one part of the clip (:func:`part_bounds`): every
part but the first starts its models :data:`OVERLAP_S` (one second) before its part and gives up
those frames, which the part before it gives, and the clip is cut so that the threads have the same
work (the first part is the longest). MediaPipe lets go of Python's lock while its models run, so
the threads keep the cores busy in one process: on the 24 s 1080p treadmill clip two threads ran
the pose stage at 35.8 frames/s against 22.2 for one, for 65 MB more at the peak (two separate
processes cost 240 MB more). What the first look carries from frame to frame is recent (the
VIDEO-mode models track the people of the previous frame; the footage signals compare with the
previous image, or the first of a run of held ones), so after that second a part should see what a
single pass sees: on the shipped panning clip every landmark of every frame equals the single
pass's, the part after the cut's first second by test and that second too
(``tests/test_pose_parallel.py``). What can differ after the overlap: the timing of tile searches
(every ``search_every_s`` from the part's own start, for a small runner), and, with
``single_pose``, when the one-pose model takes over. The closer look and the runner's choice need
the whole clip's first look; they run after, once, as in a single pass. Each part decodes the
frames before it without converting them to RGB, for exact frame indices and times (decoding alone
costs about 1.6 of the 35-40 core-ms of a 1080p frame).

``extract_pose`` adds the tracking step (:mod:`posecheck.tracking`) and
returns the runner's raw :class:`~posecheck.sequence.PoseSequence`; cleaning is a separate stage
(:mod:`posecheck.cleaning`).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from posecheck import quiet  # noqa: F401  (sets the native log levels before mediapipe loads)
from posecheck import crop, tracking
from posecheck.allocator import releasing_freed_memory
from posecheck.crop import Anchor, CropBox
from posecheck.errors import PosecheckError
from posecheck.footage import Footage, FootageMonitor
from posecheck.landmarks import N_LANDMARKS
from posecheck.models import DEFAULT_MODEL
from posecheck.progress import Progress
from posecheck.sequence import PoseSequence
from posecheck.video import VideoInfo, iter_frames, probe


# Timestamp step of a VIDEO-mode model without smoothing (PoseDetector). MediaPipe's one-euro
# filter weighs a new landmark by 1 / (1 + tau / dt) against the filtered previous one, tau =
# 1 / (2 pi f_c) at a cut-off f_c of 0.01 Hz or more: 0.98 or more at dt = 1000 s. Measured on
# the sample clips, the landmarks' frame-to-frame jitter is then that of the unsmoothed model.
# A 10-hour clip at 120 fps ends at 4.3e12 ms, far inside MediaPipe's int64 timestamps.
UNSMOOTHED_STEP_MS = 1_000_000  # 1000 s

# Parallel first look (detect_people's ``workers``): each worker but the first starts its
# models OVERLAP_S before its part (a second: MediaPipe's VIDEO-mode tracking of everyone in
# view then starts as it stood in a single pass; the frames of the overlap are taken from the
# worker before), and a clip is cut into parts of at least MIN_PART_S.
OVERLAP_S = 1.0
MIN_PART_S = 5.0
# A frame a worker decodes only (before its warm-up, for exact frame indices and times), in
# frames it runs the models on: decoding took 1.2 of 33 and 2.0 of 35 core-ms a frame at 720p
# and 1080p (benchmarks/speed.py's stage costs, 2026-12-06), 0.035-0.057; with 0.04 the two
# parts of the 24 s 1080p clip took 26.3-27.0 s (part_bounds).
DECODE_ONLY_SHARE = 0.04
# A frame the first look did not search: one empty tuple for all (a list each took 56 bytes)
NOT_SEARCHED: tuple = ()


class Detection:
    """One person in one frame (immutable).

    ``keypoints_px`` (33, 2) image pixels; ``visibility`` (33,); ``world_m`` (33, 3) metres,
    hip-centred; ``chain``: the id of a closer look's unbroken run of fits of one person (None:
    whole frame or tile search; see :func:`posecheck.tracking.link_tracks`).

    The pose stage keeps every person of every frame, so a detection is kept small: the
    visibility and the world landmarks in one float32 array (MediaPipe's own precision, so they
    read back exactly as given; each read is a new float64 array) and no ``__dict__`` (1.5 kB a
    detection against 2.4 kB as a dataclass with float64 arrays). Once the first look has moved
    on, its landmarks go to a file (:class:`LandmarkFile`) and are read back from it when asked
    for, and its hips and torso length to one row of the file's table in memory: what stays is
    the object and that row (about 0.15 kB).
    """

    __slots__ = ("_keypoints_px", "_visibility_world", "chain", "_hip_px", "_size_px", "_file",
                 "_offset")

    def __init__(self, keypoints_px: np.ndarray, visibility: np.ndarray, world_m: np.ndarray,
                 chain: int | None = None) -> None:
        packed = np.empty((N_LANDMARKS, 4), np.float32)
        packed[:, 0], packed[:, 1:] = visibility, world_m
        for name, value in (("_keypoints_px", np.asarray(keypoints_px, dtype=float)),
                            ("_visibility_world", packed), ("chain", chain), ("_hip_px", None),
                            ("_size_px", None), ("_file", None), ("_offset", 0)):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value) -> None:
        raise AttributeError(f"a Detection is immutable (tried to set {name})")

    def __reduce__(self):  # pickled through its constructor, which alone sets its fields
        return Detection, (self.keypoints_px, self.visibility, self.world_m, self.chain)

    def _arrays(self) -> tuple[np.ndarray, np.ndarray]:
        if self._file is None:
            return self._keypoints_px, self._visibility_world
        return self._file.read(self._offset)

    def _scale(self) -> tuple[np.ndarray, float]:
        """(hips, torso length), worked out once: by the detection, or by the file holding its
        landmarks (:meth:`LandmarkFile.scale`)."""
        if self._file is not None:
            return self._file.scale(self._offset)
        if self._hip_px is None:
            keypoints = self._keypoints_px
            hips = keypoints[23:25].mean(axis=0)
            hips.flags.writeable = False  # one array, handed to every caller
            size = float(np.linalg.norm(keypoints[11:13].mean(axis=0) - hips))
            object.__setattr__(self, "_hip_px", hips)
            object.__setattr__(self, "_size_px", size)
        return self._hip_px, self._size_px

    @property
    def keypoints_px(self) -> np.ndarray:
        return self._arrays()[0]

    @property
    def visibility(self) -> np.ndarray:
        return self._arrays()[1][:, 0].astype(float)

    @property
    def world_m(self) -> np.ndarray:
        return self._arrays()[1][:, 1:].astype(float)

    def with_chain(self, chain: int | None) -> Detection:
        """The same fit, marked as one of the closer look's ``chain``."""
        keypoints, packed = self._arrays()
        return Detection(keypoints, packed[:, 0], packed[:, 1:], chain)

    # worked out once (the tracking asks for them in every frame for each track's recent fits)
    @property
    def hip_px(self) -> np.ndarray:
        """Hip midpoint (2,), read-only."""
        return self._scale()[0]

    @property
    def size_px(self) -> float:
        """Shoulder-midpoint to hip-midpoint distance: a scale that does not change with stride."""
        return self._scale()[1]


class LandmarkFile:
    """Where the pose stage keeps the landmarks of the detections it no longer works on: an
    unnamed temporary file (in the system's temporary folder, ``TMPDIR``: on a disk, or in
    memory where that folder is a ``tmpfs``), written once and read back with ``pread``, so
    they take no memory of the process, whose peak is the pose stage's (the models and decoders
    of two workers). Without it every person of every frame stayed in memory, 1.8 kB a frame
    for a runner alone (``tracemalloc``): 64 MB for 10 minutes of 60 fps.

    :meth:`store` moves detections' landmarks into the file (a detection stored before keeps its
    place); :meth:`Detection.keypoints_px` and the others then read them from it, the same values
    bit for bit (read-only arrays). Each stored detection's hips and torso length, which the
    tracking reads for every fit, stay in memory as one row of a table (:meth:`scale`; 24 bytes
    against 0.16 kB as an array and a float of the detection's own). The file goes when the last
    detection stored in it does. Where the system has no ``pread`` (Windows), detections stay in
    memory."""

    RECORD_BYTES = N_LANDMARKS * 2 * 8 + N_LANDMARKS * 4 * 4  # float64 pixels, float32 the rest

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="posecheck-landmarks-")
        self._fd = self._file.fileno()
        self._end = 0
        self._scales = np.empty((1024, 3))  # per record: hip x, hip y, torso length; grows

    @staticmethod
    def usable() -> bool:
        return hasattr(os, "pread") and hasattr(os, "pwrite")

    def store(self, detections) -> None:
        """Move the landmarks of ``detections`` held in memory into the file, in one write.
        One writer (the worker that made them); readers may be any thread."""
        held = list({id(d): d for d in detections if d._file is None}.values())  # once each
        if not held:
            return
        data = b"".join(d._keypoints_px.tobytes() + d._visibility_world.tobytes() for d in held)
        written = os.pwrite(self._fd, data, self._end)
        if written != len(data):
            raise OSError(f"the pose stage's landmark file took {written} of {len(data)} bytes")
        first = self._end // self.RECORD_BYTES
        if first + len(held) > len(self._scales):  # a new table: readers keep the old one's rows
            grown = np.empty((max(2 * len(self._scales), first + len(held)), 3))
            grown[:first] = self._scales[:first]
            self._scales = grown
        for k, det in enumerate(held):
            hips, size = det._scale()
            self._scales[first + k] = hips[0], hips[1], size
            for name, value in (("_offset", self._end + k * self.RECORD_BYTES), ("_file", self),
                                ("_keypoints_px", None), ("_visibility_world", None),
                                ("_hip_px", None), ("_size_px", None)):
                object.__setattr__(det, name, value)
        self._end += len(data)

    def scale(self, offset: int) -> tuple[np.ndarray, float]:
        """The hips (2,) and torso length of the detection stored at ``offset``: the values it
        had before, bit for bit (a read-only view of the table)."""
        row = self._scales[offset // self.RECORD_BYTES]
        hips = row[:2]
        hips.flags.writeable = False
        return hips, float(row[2])

    def read(self, offset: int) -> tuple[np.ndarray, np.ndarray]:
        """One detection's (33, 2) float64 pixels and (33, 4) float32 visibility and world."""
        data = os.pread(self._fd, self.RECORD_BYTES, offset)
        pixels = np.frombuffer(data, np.float64, count=2 * N_LANDMARKS).reshape(N_LANDMARKS, 2)
        packed = np.frombuffer(data, np.float32, offset=2 * N_LANDMARKS * 8).reshape(
            N_LANDMARKS, 4)
        return pixels, packed


@dataclasses.dataclass(frozen=True)
class PeopleFrames:
    """Every detection in every frame of a clip."""

    info: VideoInfo
    time_s: np.ndarray  # (n,)
    people: list[list[Detection]]  # people[i] = detections in frame i
    model: str
    seconds: float  # wall time of detection
    n_cropped: int = 0  # model runs on crops (searches and closer looks), for speed reports
    footage: Footage | None = None  # scene cuts, repeated frames, camera motion
    # frames the multi-person model looked at (its fits, or a check of the one-pose model's
    # fit of a person alone; the others: the one-pose model's alone), and of them, the frames
    # run a second time (detect_people), for speed reports
    multi_person_frames: int = 0
    rerun_frames: int = 0
    workers: int = 1  # threads the first look ran in (detect_people's workers)


class PoseDetector:
    """MediaPipe PoseLandmarker. In VIDEO mode (the default) it tracks people between frames, so
    one instance serves one stream of images whose content moves smoothly (one clip's frames, or
    crops that follow one person); IMAGE mode treats every image afresh (search tiles).

    ``smoothing`` False (VIDEO mode): MediaPipe's own landmark filter is left out. In VIDEO mode
    MediaPipe smooths the landmarks of a person it tracks without running its detector (a
    one-pose model following one person) with a one-euro filter over the frame timestamps,
    which lags fast motion: on the three synthetic sample clips it cut the landmarks'
    frame-to-frame jitter by a quarter to two fifths and raised their median error against the
    truth by 0.2-0.7 px. posecheck filters the pose itself, without lag
    (:mod:`posecheck.cleaning`), so the model is then given timestamps
    :data:`UNSMOOTHED_STEP_MS` apart: the filter, which weighs the previous value by the time
    between frames, lets each fit through (the jitter is then that of the multi-person model),
    while the tracking from the previous frame, which ignores timestamps, works as before. (The
    multi-person model is not smoothed: on the treadmill clip its landmarks equal IMAGE mode's
    in every frame.)
    """

    def __init__(self, model_path: str | Path | None = None, *, num_poses: int = 3,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5,
                 video: bool = True, smoothing: bool = True):
        # num_poses 3: enough for a runner passing other people; each extra pose costs little
        # when absent. 0.5 confidences are MediaPipe's own defaults.
        path = Path(model_path) if model_path else DEFAULT_MODEL
        if not path.is_file():
            raise PosecheckError(f"{path}: pose model file not found")
        with quiet.native_stderr_silenced():
            from mediapipe.tasks.python import BaseOptions, vision

            mode = vision.RunningMode.VIDEO if video else vision.RunningMode.IMAGE
            options = vision.PoseLandmarkerOptions(
                base_options=BaseOptions(model_asset_path=str(path)),
                running_mode=mode,
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
        self.video = video
        self.smoothing = smoothing
        self._last_ms = -1

    def detect(self, rgb: np.ndarray, time_s: float = 0.0, *,
               box: CropBox | None = None) -> list[Detection]:
        """All people in one upright RGB frame, or in the part ``box`` of it; landmarks in frame
        pixels. In VIDEO mode ``time_s`` must increase from call to call (without
        ``smoothing`` it is not used)."""
        import mediapipe as mp

        box = box or CropBox.whole(rgb.shape[1], rgb.shape[0])
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=box.cut(rgb))
        if self.video:
            # MediaPipe needs strictly increasing integer milliseconds
            time_ms = (max(int(round(time_s * 1000.0)), self._last_ms + 1) if self.smoothing
                       else self._last_ms + UNSMOOTHED_STEP_MS)
            self._last_ms = time_ms
            result = self._landmarker.detect_for_video(image, time_ms)
        else:
            result = self._landmarker.detect(image)
        return _detections(result, box)

    def close(self) -> None:
        self._landmarker.close()

    def __enter__(self) -> PoseDetector:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _detections(result, box: CropBox) -> list[Detection]:
    """MediaPipe's poses as Detections in frame pixels.

    A pose whose hip midpoint lies outside the image the model was given is dropped: the model
    then fitted a body to something at the image's edge (on the tripod sprint clip, where a
    white line is burned in near the left edge, a person three times the runner's size with the
    hips about 100 px left of the frame, in 70 % of frames) or to a person mostly out of view,
    whose hips it can only guess.
    """
    detections = []
    for person, world in zip(result.pose_landmarks, result.pose_world_landmarks):
        xyv = np.array([(p.x, p.y, p.visibility) for p in person], dtype=float)
        if xyv.shape[0] != N_LANDMARKS:
            continue
        keypoints = box.to_frame_px(xyv[:, :2])
        if not box.contains(keypoints[23:25].mean(axis=0)):
            continue
        world_m = np.array([(p.x, p.y, p.z) for p in world], dtype=float)
        detections.append(Detection(keypoints, np.nan_to_num(xyv[:, 2], nan=0.0), world_m))
    return detections


def _merge(detections: list[Detection], newcomers: list[Detection], *, replace: bool,
           same_hips_torsos: float = 0.5) -> list[Detection]:
    """``detections`` plus each newcomer that is not a fit of a body already there; with
    ``replace`` a newcomer (a closer look) takes the place of the fits of its body instead.

    With ``replace``, a fit whose hips lie within ``same_hips_torsos`` torso lengths of the
    newcomer's also counts as its body: the whole-frame model's poor fits of a small runner can
    differ from the closer fit by more than :func:`posecheck.tracking.same_person` allows (on
    the 40-yard dash clip, a fit 0.2 torso lengths from the crop's hips had landmarks 1.4 torso
    lengths away), and a leftover fit beside the runner's can take over the runner's track."""
    merged = list(detections)
    for new in newcomers:
        same = [d for d in merged if tracking.same_person(new, d) or (
            replace and np.linalg.norm(d.hip_px - new.hip_px) <= same_hips_torsos * new.size_px)]
        if same and not replace:
            continue
        merged = [d for d in merged if not any(d is s for s in same)] + [new]
    return merged


def _someone_large(detections: list[Detection], info: VideoInfo, *, side_torsos: float,
                   min_gain: float) -> bool:
    """Whether someone found is large enough for the whole frame to suffice: a crop around
    them would show them less than ``min_gain`` times larger (:func:`crop.crop_gain`)."""
    return any(crop.crop_gain(d.size_px, info.width, info.height, side_torsos=side_torsos)
               < min_gain for d in detections)


def _people_in_view(detections: list[Detection]) -> list[Detection]:
    """The people a frame's fits show, as :func:`posecheck.tracking.link_tracks` counts them:
    upright fits, one per body (the more visible fit of two of one body)."""
    people: list[Detection] = []
    for det in sorted(detections, key=lambda d: -float(np.mean(d.visibility))):
        if tracking.upright(det) and not any(tracking.same_person(det, p) for p in people):
            people.append(det)
    return people


@dataclasses.dataclass
class _Alone:
    """The one person in view while no one else is: their fits so far, to tell whether the
    next fit is still them."""

    since_s: float  # time of the first frame of theirs alone
    frames: list[int] = dataclasses.field(default_factory=list)
    fits: list[Detection] = dataclasses.field(default_factory=list)

    def expected(self, i: int, *, window: int = 6) -> Anchor:
        """Where their hips should be in frame ``i``: a straight line through their last
        ``window`` fits, the torso the median of the last ``3 * window`` (the prediction of
        :func:`posecheck.tracking.link_tracks`)."""
        frames = np.asarray(self.frames[-window:], dtype=float)
        hips = np.array([d.hip_px for d in self.fits[-window:]])
        torso = float(np.median([d.size_px for d in self.fits[-3 * window:]]))
        if len(frames) < 3:
            return Anchor(hips[-1], torso)
        slope, intercept = np.polyfit(frames - frames[-1], hips, 1)
        return Anchor(intercept + slope * (i - frames[-1]), torso)

    def still(self, i: int, det: Detection, *, max_offset_torsos: float,
              max_size_ratio: float) -> bool:
        """Whether ``det`` continues them in frame ``i`` (:func:`_pick`'s gates)."""
        return _pick([det], self.expected(i), max_offset_torsos=max_offset_torsos,
                     max_size_ratio=max_size_ratio) is det

    def add(self, i: int, det: Detection, *, keep: int = 18) -> None:
        self.frames = (self.frames + [i])[-keep:]
        self.fits = (self.fits + [det])[-keep:]


class _WholeFrames:
    """The whole-frame look (module docstring, step 1): the multi-person model where it is needed
    to see everyone, the one-pose model on one person alone.

    The one-pose model follows whoever it found first, so it is used only on a person seen
    alone: from the frame in which the multi-person model has seen exactly one person (upright,
    one fit per body: :func:`_people_in_view`), the same one, in every frame for ``settle_s``.
    It is checked by the multi-person model (``checker``, IMAGE mode: no tracking state to go
    stale between checks) every ``check_every_s``. The multi-person model takes over in the
    frame in which a check sees anyone but the followed person (:func:`tracking.same_person`),
    or the one-pose fit is missing, not upright, or not where the followed person should be
    (:class:`_Alone`: over ``max_offset_torsos`` from their predicted hips, or a torso
    ``max_size_ratio`` times larger or smaller: the model slid onto someone else or a part of
    the scene). The frames since the last good check are then listed in :attr:`reruns` for
    :func:`_rerun_multi`. A check that passes keeps the one-pose fit, so the followed person's
    landmarks come from one model from check to check; one that finds nobody passes too (the
    detector alone misses now and then a person the one-pose model follows). Each time it
    takes over, the multi-person model is a new one, started on the previous frame, as if it
    had run all along (a model that ran last seconds ago holds the people of then), unless it
    ran on the previous frame: it goes on then, since it keeps following people its detector
    alone does not find (on the park clip a person alone in frame 34 was found by the model
    running all along, not by a new one).
    """

    def __init__(self, model_path, checker: PoseDetector | _OnFirstUse, *, num_poses: int,
                 single_pose: bool, check_every_s: float, settle_s: float, max_offset_torsos: float,
                 max_size_ratio: float):
        self._model_path = model_path
        self._num_poses = num_poses
        self._checker = checker
        self._single_pose = single_pose and num_poses > 1
        self._check_every_s = check_every_s
        self._settle_s = settle_s
        self._gates = {"max_offset_torsos": max_offset_torsos, "max_size_ratio": max_size_ratio}
        self._multi = PoseDetector(model_path, num_poses=num_poses)
        self._multi_frame = -1  # the last frame it ran on
        self._single: PoseDetector | None = None
        self._alone: _Alone | None = None
        self._checked = (-1, -np.inf)  # frame index and time of the last good check
        self._previous = None  # the previous frame
        self.model_path = self._multi.model_path
        self.by_multi: list[bool] = []  # per frame: the multi-person model looked at it
        self.reruns: list[tuple[int, int]] = []  # (good check's frame, last frame to run again)

    def detect(self, frame) -> list[Detection]:
        """The people found in ``frame`` (a :class:`posecheck.video.Frame`, in order)."""
        found = self._follow(frame) if self._single is not None else self._look(frame)
        self._previous = frame
        return found

    def _look(self, frame) -> list[Detection]:
        """The multi-person model on ``frame``; the one-pose model follows from the next frame
        if the person alone in it has been alone for ``settle_s``."""
        found = self._multi.detect(frame.rgb, frame.time_s)
        self._multi_frame = frame.index
        self.by_multi.append(True)
        people = _people_in_view(found)
        if len(people) != 1:
            self._alone = None
            return found
        if self._alone is None or not self._alone.still(frame.index, people[0], **self._gates):
            self._alone = _Alone(since_s=frame.time_s)
        self._alone.add(frame.index, people[0])
        if self._single_pose and frame.time_s - self._alone.since_s >= self._settle_s - 1e-6:
            self._single = PoseDetector(self._model_path, num_poses=1, smoothing=False)
            self._checked = (frame.index, frame.time_s)
        return found

    def _follow(self, frame) -> list[Detection]:
        """The one-pose model on ``frame``, and the check when due; the multi-person model on it
        when the fit is not the followed person's or the check sees someone else."""
        fit = self._single.detect(frame.rgb)
        if not (len(fit) == 1 and self._alone.still(frame.index, fit[0], **self._gates)):
            return self._take_over(frame)
        checked = frame.time_s - self._checked[1] >= self._check_every_s - 1e-6
        if checked:
            seen = _people_in_view(self._checker.detect(frame.rgb))
            if not all(tracking.same_person(p, fit[0]) for p in seen):
                return self._take_over(frame)
            self._checked = (frame.index, frame.time_s)
        self._alone.add(frame.index, fit[0])
        self.by_multi.append(checked)
        return fit

    def _take_over(self, frame) -> list[Detection]:
        """The multi-person model again from ``frame`` on; the frames since the last good check
        are to be run again."""
        if frame.index - 1 > self._checked[0]:
            self.reruns.append((self._checked[0], frame.index - 1))
        if self._multi_frame != self._previous.index:
            self._multi.close()
            self._multi = PoseDetector(self._model_path, num_poses=self._num_poses)
            self._multi.detect(self._previous.rgb, self._previous.time_s)
        self._single.close()
        self._single, self._alone = None, None
        return self._look(frame)

    def close(self) -> None:
        for detector in (self._multi, self._single):
            if detector is not None:
                detector.close()

    def __enter__(self) -> _WholeFrames:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


@dataclasses.dataclass
class _FirstLook:
    """The first look's result: per frame, the whole-frame fits, the tile search's fits, and
    whether the multi-person model looked at the frame."""

    time_s: np.ndarray  # (n,)
    whole: list[list[Detection]]
    searched: list[Sequence[Detection]]  # NOT_SEARCHED where no search ran
    by_multi: list[bool]
    reruns: list[tuple[int, int]]  # see _WholeFrames.reruns
    n_tiles: int
    model_path: Path
    first_index: int = 0  # the clip's frame index of whole[0] (a worker's part of the clip)

    def people(self) -> list[list[Detection]]:
        """Per frame, the whole-frame fits and the searches' newcomers (the whole-frame list
        itself where nothing was searched)."""
        return [_merge(w, s, replace=False) if s else w
                for w, s in zip(self.whole, self.searched)]

    def drop_first(self, n_frames: int) -> _FirstLook:
        """Without its first ``n_frames`` frames (a worker's warm-up)."""
        return dataclasses.replace(
            self, time_s=self.time_s[n_frames:], whole=self.whole[n_frames:],
            searched=self.searched[n_frames:], by_multi=self.by_multi[n_frames:],
            first_index=self.first_index + n_frames)

    @classmethod
    def joined(cls, parts: list[_FirstLook]) -> _FirstLook:
        """The parts of a clip, each starting on the frame after the previous one's last, as
        one."""
        for before, after in zip(parts, parts[1:]):
            if after.whole and after.first_index != before.first_index + len(before.whole):
                raise RuntimeError(f"the pose workers' parts do not join: frames "
                                   f"{before.first_index}-{before.first_index + len(before.whole)}"
                                   f" then from {after.first_index}")
        return cls(np.concatenate([p.time_s for p in parts]),
                   [d for p in parts for d in p.whole], [d for p in parts for d in p.searched],
                   [b for p in parts for b in p.by_multi], [r for p in parts for r in p.reruns],
                   sum(p.n_tiles for p in parts), parts[0].model_path)


def _look_at_whole_frames(video_path: str | Path, info: VideoInfo, *, model_path, num_poses: int,
                          single_pose: bool, check_every_s: float, settle_s: float,
                          max_offset_torsos: float, max_size_ratio: float,
                          search_every_s: float, side_torsos: float, min_gain: float,
                          progress: Progress, monitor: FootageMonitor | None = None,
                          start: int = 0, stop: int | None = None,
                          keep_frames: int = 64) -> _FirstLook:
    """First look: the whole-frame models on every frame (:class:`_WholeFrames`), plus a tile
    search every ``search_every_s`` unless someone large was found in every frame since the
    last search (a clip of a large runner is never searched). ``start`` and ``stop``: only
    the frames from ``start`` up to ``stop`` (excluded; None: to the end). The landmarks of
    the fits of frames more than ``keep_frames`` back go to a :class:`LandmarkFile` (the look
    reads a few recent frames' fits, each of which keeps its hips and torso length in memory)."""
    times, whole, searched, n_tiles = [], [], [], 0
    landmarks = LandmarkFile() if LandmarkFile.usable() else None
    tiles = crop.tile_boxes(info.width, info.height)
    last_search_s, large_throughout = -np.inf, True
    with _OnFirstUse(lambda: PoseDetector(model_path, num_poses=num_poses, video=False)) \
            as searcher, \
            _WholeFrames(model_path, searcher, num_poses=num_poses, single_pose=single_pose,
                         check_every_s=check_every_s, settle_s=settle_s,
                         max_offset_torsos=max_offset_torsos,
                         max_size_ratio=max_size_ratio) as look:
        for frame in iter_frames(video_path, start=start):
            if stop is not None and frame.index >= stop:
                break
            if monitor is not None:  # what the pixels say about the filming (footage.py)
                monitor.update(frame.rgb, frame.time_s)
            found = look.detect(frame)
            large_throughout &= _someone_large(found, info, side_torsos=side_torsos,
                                               min_gain=min_gain)
            due = frame.time_s - last_search_s >= search_every_s - 1e-6
            small: Sequence[Detection] = NOT_SEARCHED
            if search_every_s < np.inf and due and not large_throughout:
                last_search_s, large_throughout = frame.time_s, True
                small = _search(frame.rgb, tiles, searcher, info, side_torsos=side_torsos,
                                min_gain=min_gain)
                n_tiles += len(tiles)
            times.append(frame.time_s)
            whole.append(found)
            searched.append(small)
            if landmarks is not None and len(whole) > keep_frames:
                landmarks.store([*whole[-keep_frames - 1], *searched[-keep_frames - 1]])
            progress.update()
    return _FirstLook(np.asarray(times, dtype=float), whole, searched, look.by_multi,
                      look.reruns, n_tiles, look.model_path, first_index=start)


class _OnFirstUse:
    """A :class:`PoseDetector` made when first asked to detect: the IMAGE-mode model of the
    tile searches and checks, which a clip of one large runner never needs (a model in memory
    holds about 50 MB)."""

    def __init__(self, make) -> None:
        self._make = make
        self._detector: PoseDetector | None = None

    def detect(self, rgb: np.ndarray, time_s: float = 0.0, *,
               box: CropBox | None = None) -> list[Detection]:
        if self._detector is None:
            self._detector = self._make()
        return self._detector.detect(rgb, time_s, box=box)

    def close(self) -> None:
        if self._detector is not None:
            self._detector.close()

    def __enter__(self) -> _OnFirstUse:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _rerun_multi(video_path: str | Path, first: _FirstLook, *, model_path, num_poses: int,
                 progress: Progress) -> None:
    """The frames of ``first.reruns`` again with the multi-person model, in place: each range by
    a new model started on its good check's frame (where the person was alone, as the
    multi-person model running all along would have seen it)."""
    ranges = iter(first.reruns)
    start, last = next(ranges)
    detector = None
    offset = first.first_index
    try:
        for frame in iter_frames(video_path, start=start):
            if frame.index == start:
                detector = PoseDetector(model_path, num_poses=num_poses)
                detector.detect(frame.rgb, frame.time_s)
            elif start < frame.index <= last:
                first.whole[frame.index - offset] = detector.detect(frame.rgb, frame.time_s)
                first.by_multi[frame.index - offset] = True
                progress.update()
                if frame.index == last:
                    detector.close()
                    detector = None
                    start, last = next(ranges, (None, None))
                    if start is None:
                        break
    finally:
        if detector is not None:
            detector.close()


def _search(rgb: np.ndarray, tiles: list[CropBox], searcher: PoseDetector | _OnFirstUse,
            info: VideoInfo, *,
            side_torsos: float, min_gain: float) -> list[Detection]:
    """The people found in the tiles of one frame that are small in the frame. A tile search
    is for people too small for the whole-frame model; a large fit found only in a tile is
    mostly scenery cut by the tile's edge (on a synthetic panning clip, trees, fitted as people
    with torsos five times the runner's)."""
    found: list[Detection] = []
    for box in tiles:
        small = [d for d in searcher.detect(rgb, box=box)
                 if not _someone_large([d], info, side_torsos=side_torsos, min_gain=min_gain)]
        found = _merge(found, small, replace=False)
    return found


@dataclasses.dataclass
class _Follower:
    """One candidate looked at closer: the planned frames and expected places from the first
    look, its own VIDEO-mode model, and the last closer fit, which places the next crop better
    than the first look's interpolation (held frames of a slowed clip made a velocity-led crop
    jump off the runner).

    Crops that follow one person keep that person in place, so MediaPipe's VIDEO mode tracks
    them from crop to crop; measured while tuning, IMAGE mode (every crop afresh) found the
    40-yard dash athlete in 57 % of frames against 98 %, the tripod sprinter in all with both,
    and was no faster. The model is asked for 2 poses: with 1 it locked onto an official in
    the crop around the athlete's 3-point stance (41 % of frames); 3 found no more and cost
    about a tenth more time."""

    plan: dict[int, Anchor]
    detector: PoseDetector
    first_chain: int  # chain ids of this follower's runs: first_chain, first_chain + 1, ...
    chain: int = -1
    last_frame: int = -10
    last: Detection | None = None  # the last closer fit
    torsos_px: list[float] = dataclasses.field(default_factory=list)

    @functools.cached_property
    def plan_end(self) -> int:
        """The last planned frame (the plan does not change)."""
        return max(self.plan)

    def continues(self, i: int, *, max_missed: int = 2) -> bool:
        """Whether a closer fit at most ``max_missed`` frames back is there to go on from (its
        chain goes on too). ``max_missed`` 2: the crop misses the runner for a frame or two
        where they pass in front of other people (the 40-yard dash clip), and restarting from
        the first look's anchors there put the crop on the people behind; with 0, the athlete
        was found in 96, 40, 99 and 57 % of frames with crops of 7, 6, 5 and 9 torsos, with 2 in
        97, 62, 99 and 95 %."""
        return self.last is not None and i - self.last_frame <= max_missed + 1

    def expected(self, i: int) -> Anchor:
        """Where to crop in frame ``i``: at the last closer fit if it is recent
        (:meth:`continues`; its torso the median of the last five fits), else at the first
        look's anchor."""
        if self.continues(i):
            return Anchor(self.last.hip_px, float(np.median(self.torsos_px)))
        return self.plan[i]

    def pick(self, i: int, detections: list[Detection]) -> Detection | None:
        """This frame's fit of the followed person among ``detections`` (:func:`_pick`)."""
        return _pick(detections, self.expected(i))

    def update(self, i: int, det: Detection) -> Detection:
        """Take ``det`` as this frame's fit; returns it marked with the follower's chain (a new
        chain unless it :meth:`continues` from a recent fit)."""
        if not self.continues(i) or self.chain < 0:
            self.chain = self.first_chain if self.chain < 0 else self.chain + 1
        self.last_frame, self.last = i, det
        self.torsos_px = (self.torsos_px + [det.size_px])[-5:]
        return det if det.chain is not None else det.with_chain(self.chain)


def _pick(detections: list[Detection], expected: Anchor, *, max_offset_torsos: float = 1.5,
          max_size_ratio: float = 1.6) -> Detection | None:
    """The upright fit nearest the expected hips, if within ``max_offset_torsos`` torso lengths
    of them and ``max_size_ratio`` of the expected torso length; a crop can hold other people
    too. The gates are those of :func:`posecheck.tracking.link_tracks`, a half wider for the
    first look's interpolation. (Gates on the change from the previous fit, hips rising more
    than 0.4 torso lengths or landmarks moving more than 1.0, moved the 40-yard dash results by
    a few frames either way and were left out.)"""
    torso = max(expected.torso_px, 1.0)
    best, best_distance = None, max_offset_torsos * torso
    for det in detections:
        ratio = max(det.size_px, 1.0) / torso
        distance = float(np.linalg.norm(det.hip_px - expected.hip_px))
        if (tracking.upright(det) and 1 / max_size_ratio <= ratio <= max_size_ratio
                and distance <= best_distance):
            best, best_distance = det, distance
    return best


def _crop_plans(people: list[list[Detection]], time_s: np.ndarray, info: VideoInfo, *,
                side_torsos: float, min_gain: float, reach_s: float,
                min_score_frac: float = 0.1, max_candidates: int = 3) -> list[dict[int, Anchor]]:
    """The frames in which to look closer at each runner candidate, and where
    (:func:`crop.plan_crops`).

    Candidates: the first look's tracks small enough somewhere for a crop to help, best
    ``"auto"`` score (:meth:`posecheck.tracking.Track.score`) first, at most
    ``max_candidates``, each scoring at least ``min_score_frac`` of the best of them (large
    people, whom the whole-frame model finds anyway, do not compete). The first look can split a
    small runner's track or mix in a bystander (on the 40-yard dash clip, where the athlete runs
    past officials during a fast pan, the best track began in a tangle of fits of the officials
    behind him, and his start, in the blocks, was a track scoring 15 % of the best), so its best
    track alone misses part of the run; the final choice is made after the closer look, among
    candidates all looked at alike. Three candidates cover a split start, the rest of the run
    and one bystander; each costs one model run per planned frame.
    """
    tracks = tracking.link_tracks(people, time_s, by_facing=False)
    reach_frames = int(round(reach_s * info.fps))
    planned = []
    for track in tracks:
        plan = crop.plan_crops(track.frames, track.hip_px, track.size_px, len(people),
                               info.width, info.height, reach_frames=reach_frames,
                               side_torsos=side_torsos, min_gain=min_gain)
        if plan:
            planned.append((track.score(info.fps), track.id, plan))
    if not planned:
        return []
    best = max(score for score, _, _ in planned)
    planned.sort(key=lambda item: (-item[0], item[1]))
    return [plan for score, _, plan in planned[:max_candidates] if score >= min_score_frac * best]


def _look_closer(video_path: str | Path, info: VideoInfo, people: list[list[Detection]],
                 plans: list[dict[int, Anchor]], *, model_path, side_torsos: float,
                 progress: Progress) -> tuple[list[list[Detection]], int]:
    """Second look: each candidate's crop in each of its planned frames (:func:`_follow`), and
    past them while its crops keep finding the person where the whole frame did not
    (:func:`_going_on`). Returns the people with the closer fits in, and the number of crops
    run."""
    people = list(people)  # each frame's list is replaced, not changed (_follow)
    # chain ids: follower k numbers its runs from k * n_frames (a follower has fewer runs)
    followers = [_Follower(plan, PoseDetector(model_path, num_poses=2), k * len(people))
                 for k, plan in enumerate(plans)]
    last = max(f.plan_end for f in followers)
    n_crops = 0
    try:
        for frame in iter_frames(video_path):
            i = frame.index
            due = [f for f in followers
                   if i in f.plan or _going_on(f, i, people[i], info, side_torsos=side_torsos)]
            if i > last and not due:
                break
            if due:
                people[i], n = _follow(frame, due, people[i], info, side_torsos=side_torsos)
                n_crops += n
                progress.update()
    finally:
        for follower in followers:
            follower.detector.close()
    return people, n_crops


def _going_on(follower: _Follower, i: int, detections: list[Detection], info: VideoInfo, *,
              side_torsos: float, min_gain: float = crop.MIN_GAIN_MISSING) -> bool:
    """Whether ``follower`` looks closer at frame ``i`` after its plan ends: its crops found the
    person a moment ago (:meth:`_Follower.continues`), the whole frame has no fit of them here,
    and a crop would show them at least ``min_gain`` times larger (as for a frame the whole
    frame missed inside a plan, :func:`crop.plan_crops`). A small runner's first-look track
    breaks where the whole-frame model loses them for a second or more (a runner partly hidden
    by a treadmill's console, a fifth of the frame high), and the plans, which reach a second
    beyond each track's ends, left such gaps out. Inside its plan's span a follower keeps to the
    plan: the frames left out there are those where the whole frame saw the person large
    enough (a closer fit there, placed beside the whole frame's, split the 40-yard dash
    athlete's track: found in 93 % of frames against 100 %)."""
    if i <= follower.plan_end or not follower.continues(i):
        return False
    expected = follower.expected(i)
    if crop.crop_gain(expected.torso_px, info.width, info.height,
                      side_torsos=side_torsos) < min_gain:
        return False
    return _pick(detections, expected) is None


def _follow(frame, followers: list[_Follower], detections: list[Detection], info: VideoInfo,
            *, side_torsos: float) -> tuple[list[Detection], int]:
    """One frame of the closer look: each follower's fit (from its crop, or one another
    follower already found there: two pieces of one split track) replaces the whole-frame fits
    of its person. Returns the frame's detections and the number of crops run."""
    closer: list[Detection] = []
    n_crops = 0
    for follower in followers:
        det = follower.pick(frame.index, closer)
        if det is None:
            expected = follower.expected(frame.index)
            box = crop.body_box(expected.hip_px, expected.torso_px, info.width, info.height,
                                side_torsos=side_torsos)
            det = follower.pick(frame.index,
                                follower.detector.detect(frame.rgb, frame.time_s, box=box))
            n_crops += 1
        if det is not None:
            shared = any(det is c for c in closer)
            det = follower.update(frame.index, det)
            if not shared:
                closer.append(det)
    return _merge(detections, closer, replace=True), n_crops


class _PartProgress:
    """One part's progress, added to the shared ``progress`` under ``lock`` after the first
    ``skip`` frames (its warm-up, which another part counts). Raises :class:`_Stopped` once
    ``stop`` is set (another part failed, or the run was interrupted)."""

    def __init__(self, progress: Progress, lock, stop, *, skip: int) -> None:
        self.progress, self.lock, self.stop, self.skip = progress, lock, stop, skip

    def update(self, count: int = 1) -> None:
        if self.stop.is_set():
            raise _Stopped
        taken = min(self.skip, count)
        self.skip -= taken
        if count > taken:
            with self.lock:
                self.progress.update(count - taken)


class _Stopped(Exception):
    """A part's first look given up because ``stop`` was set."""


def _look_at_part(video_path: str, warm_from: int, start: int, stop: int | None, look: dict,
                  progress: _PartProgress) -> tuple[_FirstLook, FootageMonitor]:
    """One part's first look (:func:`_look_at_whole_frames`, and its reruns) on frames
    ``warm_from`` to ``stop``, without the warm-up frames before ``start``, with the footage
    signals of the same frames."""
    info = probe(video_path)
    monitor = FootageMonitor()
    first = _look_at_whole_frames(video_path, info, monitor=monitor, start=warm_from, stop=stop,
                                  progress=progress, **look)
    if first.reruns:
        _rerun_multi(video_path, first, model_path=look["model_path"],
                     num_poses=look["num_poses"], progress=Progress("", 0, enabled=False))
    monitor.drop_first(start - warm_from)
    return first.drop_first(start - warm_from), monitor


def part_bounds(n_frames: int, fps: float, workers: int, *, overlap_s: float,
                decode_only_share: float = DECODE_ONLY_SHARE,
                ) -> list[tuple[int, int, int | None]]:
    """(warm-up start, start, stop) of each worker's part of a clip of ``n_frames`` frames,
    each part but the first warmed up on the ``overlap_s`` before it; the last goes on to the
    clip's end (None), whatever its real frame count.

    The clip is cut so that the workers finish together: each has the same work, counted in
    frames run through the models (its part and its warm-up) plus the frames before its
    warm-up, which it decodes only, at ``decode_only_share`` of a frame each. Equal parts left
    the second of two workers the warm-up and the decoding as well: on the 24 s 1080p clip of
    ``benchmarks/speed.py`` its part took 28.0 s against the first's 25.0 s."""
    overlap = max(0, int(round(overlap_s * fps)))

    def starts_for(work: float) -> list[float]:
        starts = [0.0]
        for _ in range(workers - 1):
            warm = max(0.0, starts[-1] - overlap)
            starts.append(warm + work - warm * decode_only_share)
        return starts

    def last_work(work: float) -> float:
        warm = max(0.0, starts_for(work)[-1] - overlap)
        return warm * decode_only_share + n_frames - warm

    low, high = 0.0, float(n_frames + overlap)  # the last worker's work falls as ``work`` grows
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if last_work(mid) > mid else (low, mid)
    starts = [round(x) for x in starts_for(high)]
    if not all(a < b for a, b in zip(starts, [*starts[1:], n_frames])):
        # a warm-up as long as the parts: no cut evens the work, so the parts are equal
        starts = [round(k * n_frames / workers) for k in range(workers)]
    stops: list[int | None] = [*starts[1:], None]
    return [(max(0, start - overlap), start, stop) for start, stop in zip(starts, stops)]


def _look_in_parts(video_path: str | Path, info: VideoInfo, *, workers: int, overlap_s: float,
                   progress: Progress, look: dict) -> tuple[_FirstLook, FootageMonitor]:
    """The first look by ``workers`` threads, each on one part of the clip
    (:func:`part_bounds`), joined into one; with the footage signals. Each thread decodes the
    frames before its part without converting them (for exact frame indices and times) and runs
    its own models from its warm-up start: the VIDEO-mode models then track whoever was in view
    at its start as a single pass's models did (module docstring). MediaPipe lets go of
    Python's lock while a model runs, so the threads run the models on all the cores in one
    process (measured: two threads ran 1.8 cores and twice the frames per second of one), with
    one copy of everything else in memory."""
    import threading
    from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait

    bounds = part_bounds(info.n_frames, info.fps, workers, overlap_s=overlap_s)
    lock, stop = threading.Lock(), threading.Event()
    with ThreadPoolExecutor(max_workers=len(bounds), thread_name_prefix="posecheck-pose") as pool:
        futures = [pool.submit(_look_at_part, str(video_path), warm_from, start, end, look,
                               _PartProgress(progress, lock, stop, skip=start - warm_from))
                   for warm_from, start, end in bounds]
        try:
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            for future in done:
                if future.exception() is not None:
                    raise future.exception()
            parts = [future.result() for future in futures]
        except BaseException:  # a part failed, or Ctrl-C: the others stop at their next frame
            stop.set()
            raise
    monitor = parts[0][1]
    for _, later in parts[1:]:
        monitor.extend(later)
    progress.update(max(0, info.n_frames - progress.count))
    return _FirstLook.joined([first for first, _ in parts]), monitor


def detect_people(video_path: str | Path, *, model_path: str | Path | None = None,
                  num_poses: int = 3, show_progress: bool | None = None,
                  look_closer: bool = True, search_every_s: float = 1 / 3,
                  side_torsos: float = 7.0, min_gain: float = 2.5,
                  reach_s: float = 1.0, single_pose: bool = False, check_every_s: float = 0.5,
                  settle_s: float = 0.5, max_offset_torsos: float = 0.5,
                  max_size_ratio: float = 1.25, workers: int = 1,
                  overlap_s: float = OVERLAP_S, min_part_s: float = MIN_PART_S) -> PeopleFrames:
    """Run the pose model on every frame of a clip (streamed; the landmarks of frames the look
    has moved on from are kept in a :class:`LandmarkFile`, not in memory), the
    one-pose model where one person alone is in view, with tile searches and a closer look at
    a small runner (module docstring).

    ``search_every_s`` 1/3 s: a search costs about ten model runs, and tracks link detections
    up to 0.5 s apart (:func:`posecheck.tracking.link_tracks`), so searches alone keep a small
    runner's track whole. ``side_torsos`` and ``min_gain``: see :func:`crop.body_box` and
    :func:`crop.plan_crops`. ``reach_s`` 1 s: how long before a candidate's first and after
    their last detection they are looked for where they were (a sprinter in the blocks before
    the first fit). ``look_closer`` False gives the whole-frame look alone (no searches, no
    crops).

    ``single_pose`` False (the default, see the module docstring) runs the multi-person model on
    every frame. ``check_every_s`` 0.5 s:
    someone who comes into view while the one-pose model follows a person alone is seen at the
    next check, and the frames since the last one are run again, so only someone in view for
    less than 0.5 s between two checks is missed, and tracks bridge gaps of 0.5 s
    (:func:`posecheck.tracking.link_tracks`); a check costs about two one-pose runs.
    ``settle_s`` 0.5 s: how long one person must be alone before the one-pose model follows
    them, so a second person the multi-person model misses in a frame or two does not start a
    following that the next check ends. ``max_offset_torsos`` 0.5 and ``max_size_ratio`` 1.25:
    how far from the followed person's predicted hips, and how much larger or smaller, a
    one-pose fit may be and still be taken as theirs: tighter than the gates of
    :func:`posecheck.tracking.link_tracks` (one torso length, 1.6 times), since a fit outside
    them only hands the frame to the multi-person model (on the five real single-runner
    clips, one of 1,216 one-pose fits was, 0.62 torso lengths off).

    ``workers`` above 1 runs the first look (whole frames, tile searches, the footage signals)
    in that many threads, each on one part of the clip warmed up on the ``overlap_s`` before
    it (:func:`_look_in_parts`; a clip shorter than ``workers`` x ``min_part_s`` is run in
    fewer); the closer look, which needs the whole clip's first look to choose its candidates,
    runs after.
    """
    info = probe(video_path)
    started = time.monotonic()
    look = dict(model_path=model_path, num_poses=num_poses, single_pose=single_pose,
                check_every_s=check_every_s, settle_s=settle_s,
                max_offset_torsos=max_offset_torsos, max_size_ratio=max_size_ratio,
                search_every_s=search_every_s if look_closer else np.inf,
                side_torsos=side_torsos, min_gain=min_gain)
    workers = effective_workers(workers, info, min_part_s=min_part_s)
    # what the stage frees is handed back to the system once a second: glibc would keep much
    # of it (posecheck.allocator)
    with quiet.native_stderr_silenced(), releasing_freed_memory():
        progress = Progress("pose", info.n_frames, enabled=show_progress)
        if workers > 1:
            first, monitor = _look_in_parts(video_path, info, workers=workers,
                                            overlap_s=overlap_s, progress=progress, look=look)
        else:
            monitor = FootageMonitor()
            first = _look_at_whole_frames(video_path, info, progress=progress, monitor=monitor,
                                          **look)
        progress.close()
        rerun_frames = sum(last - start for start, last in first.reruns)
        if first.reruns and workers == 1:  # the workers ran their own
            progress = Progress("pose, again", sum(last - start for start, last in first.reruns),
                                enabled=show_progress)
            _rerun_multi(video_path, first, model_path=model_path, num_poses=num_poses,
                         progress=progress)
            progress.close()
        times, people = first.time_s, first.people()
        plans = (_crop_plans(people, times, info, side_torsos=side_torsos, min_gain=min_gain,
                             reach_s=reach_s) if look_closer else [])
        n_crops = 0
        if plans:
            progress = Progress("pose, closer", len(set().union(*plans)), enabled=show_progress)
            people, n_crops = _look_closer(video_path, info, people, plans,
                                           model_path=model_path, side_torsos=side_torsos,
                                           progress=progress)
            progress.close()
    return PeopleFrames(
        info=info,
        time_s=times,
        people=people,
        model=str(first.model_path.name),
        seconds=time.monotonic() - started,
        n_cropped=first.n_tiles + n_crops,
        footage=monitor.result() if times.size else None,
        multi_person_frames=int(sum(first.by_multi)),
        rerun_frames=rerun_frames,
        workers=workers,
    )


def effective_workers(workers: int, info: VideoInfo, *, min_part_s: float = MIN_PART_S) -> int:
    """How many pose workers a clip gets: ``workers``, fewer when its parts would be shorter
    than ``min_part_s`` (a worker's start-up and warm-up would cost more than it saves)."""
    seconds = info.n_frames / info.fps if info.fps > 0 else 0.0
    return max(1, min(int(workers), int(seconds // max(min_part_s, 1e-9))))


def extract_pose(video_path: str | Path, *, model_path: str | Path | None = None,
                 person: str | int | None = None, num_poses: int = 3,
                 show_progress: bool | None = None) -> PoseSequence:
    """The runner's raw pose through a clip.

    ``person`` chooses whom to follow when several people are visible: ``None`` or ``"auto"``
    (the default rule of :func:`posecheck.tracking.choose_track`), ``"largest"``, ``"sideways"``,
    or a track id from a previous run's ``people.json``.
    """
    frames = detect_people(video_path, model_path=model_path, num_poses=num_poses,
                           show_progress=show_progress)
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    pans = frames.footage is not None and frames.footage.panning
    chosen = tracking.choose_track(tracks, person, fps=frames.info.fps, camera_pans=pans)
    return tracking.track_to_sequence(chosen, tracks, frames)
