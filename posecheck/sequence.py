"""PoseSequence: the time-first pose of one person through a clip, the type every stage passes on.

Shapes (n = number of video frames, time on axis 0 everywhere):

- ``time_s``        (n,)        presentation time of each frame in seconds from the clip start
- ``keypoints_px``  (n, 33, 2)  image x (right) and y (down) in pixels of the *displayed* frame
- ``visibility``    (n, 33)     MediaPipe's visibility score in [0, 1]
- ``world_m``       (n, 33, 3)  MediaPipe world landmarks in metres (hip-centred, y down)

Missing values are NaN (a frame where the person was not found is NaN in every array but
``time_s``). Landmark order is :data:`posecheck.landmarks.NAMES`.

Saved as ``.npz`` (numpy's zip of arrays, see :meth:`PoseSequence.save`) and as a wide CSV, one
row per frame, that opens in a spreadsheet (:meth:`PoseSequence.to_csv`).
"""

from __future__ import annotations

import csv
import dataclasses
import json
import tokenize
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from posecheck.errors import PosecheckError
from posecheck.landmarks import N_LANDMARKS, NAMES

FORMAT_VERSION = 1


@dataclasses.dataclass(frozen=True, eq=False)
class PoseSequence:
    """One person's pose over time. Stages return new objects; a sequence's arrays are never
    edited in place once it is handed on (a stage may edit its own working copy before)."""

    time_s: np.ndarray
    keypoints_px: np.ndarray
    visibility: np.ndarray
    world_m: np.ndarray
    fps: float
    frame_size: tuple[int, int]  # (width, height) of the displayed frame, pixels
    meta: dict[str, Any] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.time_s)
        expected = {
            "time_s": (n,),
            "keypoints_px": (n, N_LANDMARKS, 2),
            "visibility": (n, N_LANDMARKS),
            "world_m": (n, N_LANDMARKS, 3),
        }
        for name, shape in expected.items():
            array = np.asarray(getattr(self, name), dtype=float)
            if array.shape != shape:
                raise ValueError(f"PoseSequence.{name} must have shape {shape}, got {array.shape}")
            object.__setattr__(self, name, array)
        object.__setattr__(self, "fps", float(self.fps))
        object.__setattr__(self, "frame_size", (int(self.frame_size[0]), int(self.frame_size[1])))

    # ---- construction -------------------------------------------------------------------
    @classmethod
    def empty(cls, time_s: np.ndarray, *, fps: float, frame_size: tuple[int, int],
              meta: dict[str, Any] | None = None) -> PoseSequence:
        """A sequence of ``len(time_s)`` frames with every landmark missing (NaN)."""
        n = len(time_s)
        return cls(
            time_s=np.asarray(time_s, dtype=float),
            keypoints_px=np.full((n, N_LANDMARKS, 2), np.nan),
            visibility=np.full((n, N_LANDMARKS), np.nan),
            world_m=np.full((n, N_LANDMARKS, 3), np.nan),
            fps=fps,
            frame_size=frame_size,
            meta=dict(meta or {}),
        )

    def replace(self, **changes: Any) -> PoseSequence:
        """A copy with some fields replaced (the arrays of the others are shared, read-only use)."""
        return dataclasses.replace(self, **changes)

    # ---- views ---------------------------------------------------------------------------
    @property
    def n_frames(self) -> int:
        return len(self.time_s)

    @property
    def detected(self) -> np.ndarray:
        """(n,) bool: frames where the person's hips were found."""
        return np.isfinite(self.keypoints_px[:, 23:25, :]).all(axis=(1, 2))

    @property
    def width(self) -> int:
        return self.frame_size[0]

    @property
    def height(self) -> int:
        return self.frame_size[1]

    def landmark(self, name: str) -> np.ndarray:
        """(n, 2) image track of one landmark, by MediaPipe name."""
        return self.keypoints_px[:, NAMES.index(name)]

    # ---- files ---------------------------------------------------------------------------
    def save(self, path: str | Path) -> None:
        """Write an ``.npz``: the four arrays above plus ``fps``, ``frame_size``, ``landmarks``
        (the names) and ``meta`` (a JSON string) and ``format_version``."""
        np.savez_compressed(
            Path(path),
            time_s=self.time_s,
            keypoints_px=self.keypoints_px,
            visibility=self.visibility,
            world_m=self.world_m,
            fps=np.float64(self.fps),
            frame_size=np.asarray(self.frame_size, dtype=np.int64),
            landmarks=np.asarray(NAMES),
            meta=np.asarray(json.dumps(self.meta)),
            format_version=np.int64(FORMAT_VERSION),
        )

    @classmethod
    def load(cls, path: str | Path) -> PoseSequence:
        """Read a file written by :meth:`save`. Anything else (not an ``.npz``, damaged, arrays
        missing or of the wrong shape or type, a frame rate or frame size that cannot be, times
        that do not increase, infinite values) is refused with a :class:`PosecheckError` saying
        what is wrong."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                missing = [key for key in _SAVED if key not in data.files]
                if missing:
                    raise PosecheckError(f"{path}: not a posecheck pose file (no "
                                         f"{', '.join(missing)})")
                arrays = {key: data[key] for key in _SAVED}
        except PosecheckError:
            raise
        except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile, zlib.error,
                tokenize.TokenError, SyntaxError, TypeError, NotImplementedError) as exc:
            # np.load and the zip reader raise these for a file that is not an .npz, is cut
            # short or damaged, or holds arrays numpy cannot read without pickle
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise PosecheckError(f"{path}: not a posecheck pose file ({reason})") from exc
        return cls(**_checked_arrays(path, arrays))

    def to_csv(self, path: str | Path) -> None:
        """Write one row per frame: ``frame``, ``time_s``, then for each landmark
        ``<name>_x_px``, ``<name>_y_px``, ``<name>_visibility``, ``<name>_x_m``, ``<name>_y_m``,
        ``<name>_z_m``. Missing values are empty cells."""
        header = ["frame", "time_s"]
        for name in NAMES:
            header += [f"{name}_x_px", f"{name}_y_px", f"{name}_visibility",
                       f"{name}_x_m", f"{name}_y_m", f"{name}_z_m"]  # fmt: skip
        # pixels to 0.01 px; visibility and metres to 0.1 mm; one format for the whole row
        # (a format call per cell took most of the writing: 285,000 for a 24 s 60 fps clip)
        row_format = ",".join(["%d", "%.4f"] + ["%.2f", "%.2f", "%.4f", "%.4f", "%.4f",
                                                 "%.4f"] * N_LANDMARKS)
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)  # its line ends, \r\n, for the rows below too
            writer.writerow(header)
            # a block of frames at a time: the rows of a whole long clip side by side would
            # be another copy of its pose (1.6 kB a frame)
            for start in range(0, self.n_frames, CSV_BLOCK_FRAMES):
                block = slice(start, start + CSV_BLOCK_FRAMES)
                per_landmark = np.concatenate(
                    [self.keypoints_px[block], self.visibility[block, :, None],
                     self.world_m[block]], axis=2).reshape(-1, N_LANDMARKS * 6)
                # every missing or infinite value formats as "nan", which never occurs in a
                # number, and becomes an empty cell (the frame number comes first)
                per_landmark = np.where(np.isfinite(per_landmark), per_landmark, np.nan)
                rows = [row_format % (i, self.time_s[i], *row)
                        for i, row in enumerate(per_landmark.tolist(), start)]
                handle.write("".join(row.replace(",nan", ",") + writer.dialect.lineterminator
                                     for row in rows))


#: Frames formatted at a time by :meth:`PoseSequence.to_csv`.
CSV_BLOCK_FRAMES = 1024
#: The arrays :meth:`PoseSequence.save` writes (``format_version`` is not needed to read).
_SAVED = ("time_s", "keypoints_px", "visibility", "world_m", "fps", "frame_size", "landmarks",
          "meta")
#: What a pose file may hold besides a video's frame rates (posecheck.video.MIN_FPS to MAX_FPS):
#: frame sides and coordinates far beyond any picture (pixels) or person (metres); beyond them
#: the file is damaged, and the angles and distances read from it would be noise.
MAX_FRAME_SIDE_PX = 100_000
MAX_ABS_PX = 1e7
MAX_ABS_M = 1e4


def nearest_frames(time_s: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """The index of the frame nearest each time ``t`` in increasing frame times ``time_s``
    (the earlier frame when ``t`` lies halfway; the first or last frame outside the clip), -1
    where ``t`` is not finite or there are no frames. Same shape as ``t``."""
    t = np.asarray(t, dtype=float)
    time_s = np.asarray(time_s, dtype=float)
    out = np.full(t.shape, -1, dtype=int)
    finite = np.isfinite(t)
    if not len(time_s) or not finite.any():
        return out
    if len(time_s) == 1:
        out[finite] = 0
        return out
    after = np.clip(np.searchsorted(time_s, t[finite]), 1, len(time_s) - 1)
    before = after - 1
    earlier = np.abs(t[finite] - time_s[before]) <= np.abs(time_s[after] - t[finite])
    out[finite] = np.where(earlier, before, after)
    return out


def _checked_arrays(path: str | Path, arrays: dict[str, np.ndarray]) -> dict[str, Any]:
    """The keyword arguments of :class:`PoseSequence` from a pose file's arrays, or a
    :class:`PosecheckError` naming the first thing wrong with them."""

    from posecheck.video import MAX_FPS, MIN_FPS  # here: av and cv2 only when a file is read

    def refuse(what: str) -> PosecheckError:
        return PosecheckError(f"{path}: not a posecheck pose file ({what})")

    landmarks = arrays["landmarks"]
    if landmarks.dtype.kind not in "US" or tuple(str(v) for v in landmarks.ravel()) != NAMES:
        raise refuse("the landmark names are not MediaPipe's 33")
    time_s = arrays["time_s"]
    n = len(time_s) if time_s.ndim == 1 else -1
    shapes = {"time_s": (n,), "keypoints_px": (n, N_LANDMARKS, 2),
              "visibility": (n, N_LANDMARKS), "world_m": (n, N_LANDMARKS, 3)}
    values = {}
    for name, shape in shapes.items():
        array = arrays[name]
        if array.dtype.kind not in "biuf":
            raise refuse(f"{name} holds {array.dtype} values, not numbers")
        if array.shape != shape:
            expected = "(n,)" if name == "time_s" else str(shape).replace(str(n), "n", 1)
            raise refuse(f"{name} has shape {array.shape}, not {expected}")
        values[name] = array.astype(float)
    if not np.isfinite(values["time_s"]).all():
        raise refuse("time_s has missing or infinite times")
    steps = np.diff(values["time_s"])
    if (steps <= 0).any():
        k = int(np.argmax(steps <= 0)) + 1
        raise refuse(f"time_s does not increase: frame {k} at {values['time_s'][k]:g} s after "
                     f"{values['time_s'][k - 1]:g} s")
    with np.errstate(invalid="ignore"):  # NaN (missing) compares False
        if ((values["visibility"] < 0) | (values["visibility"] > 1)).any():
            raise refuse("visibility has values outside 0 to 1")
    for name, limit in (("keypoints_px", MAX_ABS_PX), ("world_m", MAX_ABS_M)):
        with np.errstate(invalid="ignore"):  # NaN (missing) compares False
            if np.isinf(values[name]).any() or (np.abs(values[name]) > limit).any():
                raise refuse(f"{name} has infinite values or values beyond +-{limit:g}")
    fps = arrays["fps"]
    if fps.size != 1 or fps.dtype.kind not in "biuf":
        raise refuse(f"fps is not one number ({fps.dtype}, shape {fps.shape})")
    fps = float(fps.ravel()[0])
    if not MIN_FPS <= fps <= MAX_FPS:
        raise refuse(f"a frame rate of {fps:g} frames a second, where a video has "
                     f"{MIN_FPS:g} to {MAX_FPS:g}")
    size = arrays["frame_size"]
    if size.shape != (2,) or size.dtype.kind not in "biuf":
        raise refuse(f"frame_size is not two numbers (width, height): {size.dtype}, shape "
                     f"{size.shape}")
    if not all(1 <= v <= MAX_FRAME_SIDE_PX and float(v).is_integer() for v in size.tolist()):
        raise refuse(f"a frame size of {size.tolist()} pixels")
    meta = arrays["meta"]
    try:
        meta = json.loads(str(meta.ravel()[0])) if meta.size == 1 else None
    except (ValueError, RecursionError):
        meta = None
    if not isinstance(meta, dict):
        raise refuse("meta is not a JSON object")
    return {**values, "fps": fps, "frame_size": (int(size[0]), int(size[1])), "meta": meta}
