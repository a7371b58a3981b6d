"""Reading and writing video with PyAV.

Reading streams frames one at a time (memory does not grow with the clip), turns them upright
according to the container's rotation (phone portrait clips), and keeps each frame's real
presentation time (phones record variable frame rate). Writing produces H.264 in MP4
(yuv420p, +faststart), which browsers play; OpenCV's pip build has no H.264 encoder.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from posecheck.errors import PosecheckError


TRUNCATED_FRACTION = 0.98


@dataclasses.dataclass(frozen=True)
class VideoInfo:
    """What a clip is. ``width`` and ``height`` are of the displayed (upright) frame."""

    path: Path
    width: int
    height: int
    fps: float  # average frame rate; real per-frame times come from iter_frames
    duration_s: float
    n_frames: int  # from the container; an estimate (duration x fps) when it does not say
    rotation_deg: int  # counter-clockwise turn applied to decoded frames to show them upright
    codec: str


@dataclasses.dataclass(frozen=True)
class Frame:
    index: int
    time_s: float  # presentation time from the first frame, seconds
    rgb: np.ndarray  # (height, width, 3) uint8, upright


def _open(path: str | Path) -> av.container.InputContainer:
    path = Path(path)
    if not path.exists():
        raise PosecheckError(f"{path}: no such file")
    if path.is_dir():
        raise PosecheckError(f"{path}: is a folder, not a video file")
    try:
        container = av.open(str(path), mode="r")
    except av.FFmpegError as exc:
        with open(path, "rb") as handle:
            looks_like_mp4 = handle.read(12)[4:8] == b"ftyp"
        if looks_like_mp4:
            raise PosecheckError(
                f"{path}: damaged or truncated MP4/MOV, it cannot be opened ({_reason(exc)})"
            ) from exc
        raise PosecheckError(f"{path}: not a readable video ({_reason(exc)})") from exc
    if not container.streams.video:
        container.close()
        raise PosecheckError(f"{path}: has no video stream")
    return container


def _reason(exc: av.FFmpegError) -> str:
    return getattr(exc, "strerror", None) or str(exc).splitlines()[0]


def _undecodable(path: str | Path, stream) -> str:
    if stream.frames:
        return (f"{path}: truncated or damaged video, none of its {stream.frames} frames "
                "could be decoded")
    return f"{path}: no frame could be decoded"


def _upright(frame: av.VideoFrame) -> tuple[np.ndarray, int]:
    rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360
    rgb = frame.to_ndarray(format="rgb24")
    if rotation % 90:
        raise PosecheckError(f"unsupported rotation of {rotation} degrees (not a multiple of 90)")
    # The display matrix rotates the stored picture counter-clockwise by `rotation` degrees.
    return (np.ascontiguousarray(np.rot90(rgb, k=rotation // 90)) if rotation else rgb), rotation


def probe(path: str | Path) -> VideoInfo:
    """Describe a clip, decoding only its first frame (for the rotation)."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not rate:
            raise PosecheckError(f"{path}: the video stream has no frame rate")
        fps = float(rate)
        if stream.duration is not None and stream.time_base is not None:
            duration_s = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration_s = container.duration / av.time_base
        else:
            duration_s = float("nan")
        try:
            first = next(container.decode(stream))
        except (StopIteration, av.FFmpegError) as exc:
            raise PosecheckError(_undecodable(path, stream)) from exc
        rgb, rotation = _upright(first)
        n_frames = stream.frames
        if not n_frames and np.isfinite(duration_s):
            n_frames = int(round(duration_s * fps))
        return VideoInfo(
            path=Path(path),
            width=rgb.shape[1],
            height=rgb.shape[0],
            fps=fps,
            duration_s=duration_s,
            n_frames=int(n_frames),
            rotation_deg=rotation,
            codec=stream.codec_context.name,
        )
    finally:
        container.close()


def iter_frames(path: str | Path) -> Iterator[Frame]:
    """Yield the clip's frames in order, upright, with real presentation times.

    A frame with no timestamp gets the previous one plus one nominal frame interval. A decoding
    error after at least one good frame (a damaged tail) ends the clip there and is re-raised as a
    PosecheckError naming the last good time.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        interval_s = 1.0 / float(rate)
        first_time = None
        last_time = -interval_s
        index = 0
        decoder = container.decode(stream)
        while True:
            try:
                frame = next(decoder)
            except StopIteration:
                break
            except av.FFmpegError as exc:
                raise PosecheckError(
                    f"{path}: damaged video, decoding failed after {index} frames "
                    f"({_reason(exc)})"
                ) from exc
            if frame.time is None:
                time_s = last_time + interval_s
            else:
                if first_time is None:
                    first_time = frame.time
                time_s = frame.time - first_time
            rgb, _ = _upright(frame)
            yield Frame(index=index, time_s=time_s, rgb=rgb)
            last_time = time_s
            index += 1
        if index == 0:
            raise PosecheckError(_undecodable(path, stream))
        # A cut-off file (e.g. an interrupted copy) decodes without error but ends early.
        # Containers count frames exactly; allow 2% for edit lists and dropped frames.
        if stream.frames and index < TRUNCATED_FRACTION * stream.frames:
            raise PosecheckError(
                f"{path}: truncated video, only {index} of {stream.frames} frames could be read")
    finally:
        container.close()


class VideoWriter:
    """Write RGB frames to an H.264 MP4, atomically.

    Frames go to a hidden temporary file beside ``path`` that is renamed to ``path`` only when the
    writer closes without an error; an interrupted or failed write leaves nothing behind. Pass
    ``time_s`` to :meth:`write` to keep a variable frame rate; without it frames are evenly spaced
    at ``fps``. Odd frame sizes are padded by one black row/column (yuv420p needs even sizes).
    """

    TIME_BASE = Fraction(1, 90000)  # MPEG's 90 kHz clock: exact for 24, 25, 30, 60, 120 and 29.97

    def __init__(self, path: str | Path, *, fps: float, width: int, height: int,
                 crf: int = 23, preset: str = "veryfast") -> None:
        # crf 23 is libx264's default quality; "veryfast" keeps encoding well ahead of pose
        self.path = Path(path)
        self.fps = float(fps)
        self.width, self.height = int(width), int(height)
        self._even_w, self._even_h = self.width + self.width % 2, self.height + self.height % 2
        fd, tmp = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".mp4.part",
                                   dir=self.path.parent)
        os.close(fd)
        self._tmp = Path(tmp)
        self._container = av.open(str(self._tmp), mode="w", format="mp4",
                                  options={"movflags": "+faststart"})
        rate = Fraction(self.fps).limit_denominator(1001)
        self._stream = self._container.add_stream("libx264", rate=rate)
        self._stream.width, self._stream.height = self._even_w, self._even_h
        self._stream.pix_fmt = "yuv420p"
        self._stream.time_base = self.TIME_BASE
        self._stream.codec_context.time_base = self.TIME_BASE
        self._stream.options = {"crf": str(crf), "preset": preset}
        self._count = 0
        self._last_pts = -1

    def write(self, rgb: np.ndarray, *, time_s: float | None = None) -> None:
        """Append one (height, width, 3) uint8 RGB frame shown at ``time_s`` seconds."""
        if rgb.shape != (self.height, self.width, 3):
            raise ValueError(f"frame must be {(self.height, self.width, 3)}, got {rgb.shape}")
        if (self._even_w, self._even_h) != (self.width, self.height):
            padded = np.zeros((self._even_h, self._even_w, 3), np.uint8)
            padded[: self.height, : self.width] = rgb
            rgb = padded
        if time_s is None:
            time_s = self._count / self.fps
        pts = max(int(round(time_s / self.TIME_BASE)), self._last_pts + 1)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame.pts = pts
        frame.time_base = self.TIME_BASE
        self._container.mux(self._stream.encode(frame))
        self._last_pts = pts
        self._count += 1

    @property
    def frames_written(self) -> int:
        return self._count

    def close(self) -> None:
        """Finish the file and move it into place."""
        self._container.mux(self._stream.encode(None))
        self._container.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self._tmp, 0o666 & ~umask)  # mkstemp made it private; the result is not
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop the partial file."""
        try:
            self._container.close()
        finally:
            self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()
