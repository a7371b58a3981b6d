"""Reading and writing video with PyAV.

Reading streams frames one at a time (memory does not grow with the clip), turns them upright
according to the container's rotation (phone portrait clips), and keeps each frame's real
presentation time (phones record variable frame rate). Writing produces H.264 in MP4
(yuv420p, +faststart), which browsers play; OpenCV's pip build has no H.264 encoder.

Colour: reading converts to RGB with PyAV (FFmpeg's swscale), which follows each frame's tags
(BT.601 / BT.709 / BT.2020 matrix, limited or full range) and, one converter kept per clip, costs
well under a millisecond a 1080p frame with PyAV 17 or newer (faster than OpenCV's conversion,
which knows BT.601 limited range only). A frame to be turned upright is turned while still planar
(1.5 bytes a pixel, which OpenCV transposes fast). Writing converts RGB to BT.709 limited range
with OpenCV, three times cheaper than PyAV's conversion from rgb24, and tags the stream so.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import tempfile
import threading
from collections.abc import Container, Iterator
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import av
import cv2
import numpy as np
from av.video.reformatter import VideoReformatter

from posecheck.errors import PosecheckError

# A clip ends early (truncated or damaged) when fewer than this share of the frames its
# container counts can be read; 2% allows for edit lists and dropped frames.
TRUNCATED_FRACTION = 0.98
# Believable frame rates: a time-lapse at one frame a second up to a phone's 960 fps super slow
# motion. Outside them the file's timing is broken (every frame at one time, or microseconds
# apart) and no time in the analysis could be trusted.
MIN_FPS, MAX_FPS = 1.0, 1000.0
# Container formats FFmpeg opens for a single picture (image2 and its *_pipe probes): a photo,
# not a video.
_STILL_FORMATS = ("image2", "image2pipe")
# FFmpeg's "tty" demuxer renders a text file (.txt, .nfo, .asc, ...) as ANSI-art video.
_TEXT_FORMATS = ("tty",)


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
    frames_counted: bool = False  # n_frames is the container's own count (exact), not an estimate

    def ends_early(self, n_read: int) -> bool:
        """Whether ``n_read`` frames read from the clip are fewer than its container counts: the
        file is truncated or its tail damaged (:func:`iter_frames` ends there quietly)."""
        return self.frames_counted and n_read < TRUNCATED_FRACTION * self.n_frames


@dataclasses.dataclass(frozen=True)
class Frame:
    index: int
    time_s: float  # presentation time from the first frame, seconds
    rgb: np.ndarray  # (height, width, 3) uint8, upright; at the size asked of iter_frames
    full_rgb: np.ndarray | None = None  # the frame as filmed, where asked for beside rgb


def _open(path: str | Path) -> av.container.InputContainer:
    path = Path(path)
    if not path.exists():
        raise PosecheckError(f"{path}: no such file")
    if path.is_dir():
        raise PosecheckError(f"{path}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise PosecheckError(f"{path}: is empty (0 bytes), not a video")
    try:
        # a damaged tag is read with replacement characters rather than refusing the file
        container = av.open(str(path), mode="r", metadata_errors="replace")
    except av.FFmpegError as exc:
        with open(path, "rb") as handle:
            looks_like_mp4 = handle.read(12)[4:8] == b"ftyp"
        if looks_like_mp4:
            raise PosecheckError(
                f"{path}: damaged or truncated MP4/MOV, it cannot be opened ({_reason(exc)})"
            ) from exc
        raise PosecheckError(f"{path}: not a readable video ({_reason(exc)})") from exc
    if not container.streams.video:
        kinds = sorted({stream.type for stream in container.streams})
        container.close()
        raise PosecheckError(f"{path}: has no video stream"
                             + (f" (only {', '.join(kinds)})" if kinds else ""))
    if container.format.name in _TEXT_FORMATS:
        container.close()
        raise PosecheckError(f"{path}: is a text file, not a video")
    if container.format.name in _STILL_FORMATS or container.format.name.endswith("_pipe"):
        codec = container.streams.video[0].codec_context.name
        container.close()
        raise PosecheckError(f"{path}: is a still image ({codec}), not a video of the runner")
    return container


def _reason(exc: av.FFmpegError) -> str:
    return getattr(exc, "strerror", None) or str(exc).splitlines()[0]


def _undecodable(path: str | Path, stream) -> str:
    if stream.frames:
        return (f"{path}: truncated or damaged video, none of its {stream.frames} frames "
                "could be decoded")
    return f"{path}: no frame could be decoded"


def _upright(frame: av.VideoFrame, reformatter: VideoReformatter | None = None,
             size: tuple[int, int] | None = None) -> tuple[np.ndarray, int]:
    """The frame as upright (height, width, 3) uint8 RGB, and its rotation in degrees; with
    ``size`` (upright width, height) scaled to it.

    PyAV converts to RGB with the matrix (BT.601, BT.709, ...) and range (limited or full) the
    frame is tagged with, untagged being BT.601 as in FFmpeg. A frame that has to be turned is
    turned before, while planar: half the bytes of RGB, and single-byte samples OpenCV transposes
    fast (turning RGB with numpy took longer than decoding). Scaling is swscale's, averaging
    pixel areas (little aliasing at any ratio), in the same call as the colour conversion. To 720p,
    in core-ms a frame (one thread, 60 frames of a rendered clip, two runs): from 1080p 3.0-4.1,
    against 2.4-2.6 for RGB at full size then OpenCV's bilinear resize, which aliases, and
    9.9-13.3 with OpenCV's pixel areas instead; from 4K 6.0-7.7, against 5.5-6.8 and 15-17.
    """
    rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360
    if rotation % 90:
        raise PosecheckError(f"unsupported rotation of {rotation} degrees (not a multiple of 90)")
    # The display matrix turns the stored picture counter-clockwise by `rotation` degrees.
    left_to_turn = rotation
    if rotation and frame.format.name in _TURNABLE:
        frame, left_to_turn = _turned(frame, rotation), 0
    scaled = {}
    if size is not None:  # the stored picture's size: still to be turned by left_to_turn
        width, height = size[::-1] if left_to_turn in (90, 270) else size
        scaled = {"width": width, "height": height, "interpolation": "AREA"}
    # one converter per clip: it keeps its FFmpeg context from frame to frame
    rgb = (reformatter or VideoReformatter()).reformat(frame, format="rgb24",
                                                       **scaled).to_ndarray()
    return (cv2.rotate(rgb, _CV2_ROTATE[left_to_turn]) if left_to_turn else rgb), rotation


_CV2_ROTATE = {  # counter-clockwise turn in degrees -> OpenCV's rotation code
    90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE,
}
# 8-bit planar formats that stay themselves when turned: chroma subsampled alike both ways
_TURNABLE = ("yuv420p", "yuvj420p", "yuv444p", "yuvj444p", "gray")


def _plane(plane: av.video.plane.VideoPlane) -> np.ndarray:
    """A (height, width) uint8 view of one plane of an 8-bit frame, without its row padding."""
    data = np.frombuffer(plane, np.uint8)[: plane.height * plane.line_size]
    return data.reshape(plane.height, plane.line_size)[:, : plane.width]


def _turned(frame: av.VideoFrame, rotation: int) -> av.VideoFrame:
    """The frame turned counter-clockwise by ``rotation`` degrees, plane by plane."""
    width, height = frame.width, frame.height
    if rotation in (90, 270):
        width, height = height, width
    turned = av.VideoFrame(width, height, frame.format.name)
    for source, target in zip(frame.planes, turned.planes):
        cv2.rotate(_plane(source), _CV2_ROTATE[rotation], dst=_plane(target))
    turned.colorspace, turned.color_range = frame.colorspace, frame.color_range
    return turned


def probe(path: str | Path) -> VideoInfo:
    """Describe a clip, decoding only its first frame (for the rotation)."""
    container = _open(path)
    try:
        stream = container.streams.video[0]
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        if not rate:
            raise PosecheckError(f"{path}: the video stream gives no frame rate (its frame "
                                 "times are missing or all equal)")
        fps = float(rate)
        if stream.duration is not None and stream.time_base is not None:
            duration_s = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration_s = container.duration / av.time_base
        else:
            duration_s = float("nan")
        first, packet_times = _first_frame(path, container, stream)
        _check_rate(path, fps, packet_times)
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
            frames_counted=bool(stream.frames),
        )
    finally:
        container.close()


def _first_frame(path, container, stream, *, n_packets: int = 32,
                 ) -> tuple[av.VideoFrame, list[float]]:
    """The clip's first decoded frame, and the times (s) of its first ``n_packets`` packets
    (a second of a 30 fps clip: enough for a median frame interval, read without decoding)."""
    first, times = None, []
    try:
        for packet in container.demux(stream):
            if packet.pts is not None and packet.time_base is not None:
                times.append(float(packet.pts * packet.time_base))
            if first is None:
                first = next(iter(packet.decode()), None)
            if first is not None and len(times) >= n_packets:
                break
    except av.FFmpegError as exc:
        if first is None:
            raise PosecheckError(_undecodable(path, stream)) from exc
    if first is None:
        raise PosecheckError(_undecodable(path, stream))
    return first, times


def _check_rate(path, fps: float, packet_times: list[float]) -> None:
    """Refuse a clip whose frame rate, or the spacing of its first frames, is not believable
    (``MIN_FPS`` to ``MAX_FPS``): every time the analysis gives would be wrong."""
    rates = [("frame rate", fps)]
    intervals = np.diff(np.unique(packet_times))  # unique and sorted: B-frames come out of order
    if len(packet_times) >= 2:
        spacing = float(np.median(intervals)) if intervals.size else 0.0
        rates.append(("frame times", 1.0 / spacing if spacing > 0 else np.inf))
    for what, rate in rates:
        if not MIN_FPS <= rate <= MAX_FPS:
            shown = ("all frames at one time" if np.isinf(rate) else
                     f"{rate:.0f} frames a second" if rate >= 1 else f"{rate:.2g} frames a second")
            raise PosecheckError(
                f"{path}: the file's {what} cannot be right ({shown}, where a video has "
                f"{MIN_FPS:.0f} to {MAX_FPS:.0f}): its timing is broken; re-encode it at the "
                "rate it was filmed")


def iter_frames(path: str | Path, *, start: int = 0, size: tuple[int, int] | None = None,
                full_size_at: Container[int] = ()) -> Iterator[Frame]:
    """Yield the clip's frames in order, upright, with real presentation times; from frame
    ``start`` on (the frames before are decoded, for their indices and times, but not
    converted to RGB: a part of the clip for one of several workers). With ``size`` (upright
    width, height) each frame's ``rgb`` is scaled to it in its conversion (:func:`_upright`),
    and the frames whose index is in ``full_size_at`` carry the frame as filmed as well
    (``full_rgb``).

    A frame with no timestamp, or one not after the previous frame's (a damaged file), gets the
    previous one plus one nominal frame interval: the times always increase. A decoding
    error after at least one good frame (a damaged tail) ends the clip there, as the end of a
    cut-off file does: the frames before are yielded, and :meth:`VideoInfo.ends_early` tells
    the caller that the clip ended before its container's frame count. A clip of which no frame
    can be decoded raises :class:`PosecheckError`.
    """
    container = _open(path)
    try:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        rate = stream.average_rate or stream.guessed_rate or Fraction(30)
        interval_s = 1.0 / float(rate)
        reformatter = VideoReformatter()
        full_reformatter = VideoReformatter() if size is not None and full_size_at else None
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
                if index == 0:
                    raise PosecheckError(_undecodable(path, stream)) from exc
                break  # a damaged tail: the clip ends at the last good frame
            if frame.time is None:
                time_s = last_time + interval_s
            else:
                if first_time is None:
                    first_time = frame.time
                time_s = frame.time - first_time
                if time_s <= last_time:  # a damaged file's time, repeated or out of order
                    time_s = last_time + interval_s
            if index < start:
                last_time = time_s
                index += 1
                continue
            rgb, _ = _upright(frame, reformatter, size)
            full = _upright(frame, full_reformatter)[0] if (
                size is not None and index in full_size_at) else None
            yield Frame(index=index, time_s=time_s, rgb=rgb, full_rgb=full)
            last_time = time_s
            index += 1
        if index == 0:
            raise PosecheckError(_undecodable(path, stream))
    finally:
        container.close()


def even_px(value: float) -> int:
    """``value`` pixels rounded to the nearest even number, at least 2: a side H.264's 4:2:0
    colour can code (its chroma planes are half the size each way)."""
    return max(2, round(value / 2) * 2)


# Written files are BT.709 limited range ("tv"): the HD standard, what phones record and what
# players assume for HD video that is not tagged. The stream is tagged too (matrix, range,
# primaries and transfer, BT.709 for all: the phone clips' and sRGB's), so no player guesses.
_BT709 = 1  # AVColorSpace, AVColorPrimaries and AVColorTransferCharacteristic all number it 1
_LIMITED_RANGE = 1  # AVColorRange MPEG: Y 16-235, Cb and Cr 16-240


def _rgb_to_ycbcr_matrix(kr: float, kb: float) -> np.ndarray:
    """(3, 4) matrix taking (R, G, B, 1) in 0-255 to limited-range (Y, Cb, Cr) (ITU-T H.273).

    ``kr`` and ``kb`` are the luma weights of red and blue that define the YCbCr matrix.
    """
    kg = 1.0 - kr - kb
    luma = np.array([kr, kg, kb])
    blue, red = np.array([0.0, 0.0, 1.0]), np.array([1.0, 0.0, 0.0])
    matrix = np.column_stack([
        np.vstack([luma * 219 / 255,  # Y: 0-255 onto 16-235
                   (blue - luma) / (2 * (1 - kb)) * 224 / 255,  # Cb: +-0.5 onto 16-240
                   (red - luma) / (2 * (1 - kr)) * 224 / 255]),  # Cr
        [16.0, 128.0, 128.0],
    ])  # fmt: skip
    return matrix.astype(np.float32)


_RGB_TO_BT709 = _rgb_to_ycbcr_matrix(0.2126, 0.0722)


def _yuv420_frame(rgb: np.ndarray) -> av.VideoFrame:
    """An even-sized (height, width, 3) uint8 RGB image as a BT.709 limited-range yuv420p frame.

    Each chroma sample is the mean of its 2 x 2 pixels (OpenCV's RGB to I420 takes the top-left
    pixel's, which moves the colour of a thin drawn line by a pixel, and is BT.601). A third of
    the cost of PyAV's conversion from rgb24.
    """
    height, width = rgb.shape[:2]
    frame = av.VideoFrame(width, height, "yuv420p")
    luma, blue, red = (_plane(plane) for plane in frame.planes)
    ycbcr = cv2.transform(rgb, _RGB_TO_BT709)  # rounded, and clipped to 0-255
    cv2.extractChannel(ycbcr, 0, dst=luma)  # OpenCV writes into the frame's planes
    half = cv2.resize(ycbcr, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    cv2.extractChannel(half, 1, dst=blue)
    cv2.extractChannel(half, 2, dst=red)
    frame.colorspace, frame.color_range = _BT709, _LIMITED_RANGE
    return frame


_Writer = TypeVar("_Writer", bound="_FinishedOrDropped")


class _FinishedOrDropped:
    """A writer used as a context manager: ``close`` (finish the file) when the block ends
    normally, ``abort`` (drop the partial file) when it ends by an exception."""

    def close(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def __enter__(self: _Writer) -> _Writer:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


class VideoWriter(_FinishedOrDropped):
    """Write RGB frames to an H.264 MP4, atomically.

    Frames go to a hidden temporary file beside ``path`` that is renamed to ``path`` only when the
    writer closes without an error; an interrupted or failed write leaves nothing behind. Pass
    ``time_s`` to :meth:`write` to keep a variable frame rate; without it frames are evenly spaced
    at ``fps``. Odd frame sizes are padded by one black row/column (yuv420p needs even sizes).
    """

    TIME_BASE = Fraction(1, 90000)  # MPEG's 90 kHz clock: exact for 24, 25, 30, 60, 120 and 29.97

    def __init__(self, path: str | Path, *, fps: float, width: int, height: int,
                 crf: int = 23, preset: str = "superfast", bframes: int = 0) -> None:
        # crf 23 is libx264's default quality; the preset sets the cost. Per 1080p frame of a
        # real clip (park_jog) at crf 23, conversion included, measured on 2 cores:
        #   ultrafast 11-14 core-ms, 12.3 Mbit/s, SSIM 0.967 (no deblocking and no CABAC)
        #   superfast 18-20 core-ms,  8.5 Mbit/s, SSIM 0.980
        #   veryfast  26-34 core-ms,  4.9 Mbit/s, SSIM 0.970
        # (720p: 4-5 / 7-12 / 10-18 core-ms). superfast costs a quarter to 40 % less than
        # veryfast and looks at least as good, for files 1.5-2.3 times larger (the report embeds
        # videos up to 25 MB: 24 s of 1080p). It also re-encodes a held frame more steadily:
        # repeats of a noisy synthetic image differ by at most 1.9 grey levels (footage's
        # held_change is 3.0) against up to 4.3 with veryfast.
        # No B-frames (``bframes`` 0): they cost libx264 some 60 MB of frames held for
        # reordering at 1080p (120 MB against 63 for the encoder, measured on a 1080p teaching
        # video) for files a fifth smaller (12.5 against 15.9 kB a frame at crf 23); without
        # them each frame is coded at the same quality (crf) and encoding costs 5-15 % less.
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
        self._stream.options = {"crf": str(crf), "preset": preset,
                                "x264-params": f"bframes={int(bframes)}"}
        context = self._stream.codec_context
        context.colorspace, context.color_range = _BT709, _LIMITED_RANGE
        context.color_primaries = context.color_trc = _BT709
        self._count = 0
        self._last_pts = -1

    def write(self, rgb: np.ndarray, *, time_s: float | None = None) -> None:
        """Append one (height, width, 3) uint8 RGB frame shown at ``time_s`` seconds."""
        self.check_frame(rgb)
        if (self._even_w, self._even_h) != (self.width, self.height):
            padded = np.zeros((self._even_h, self._even_w, 3), np.uint8)
            padded[: self.height, : self.width] = rgb
            rgb = padded
        if time_s is None:
            time_s = self._count / self.fps
        pts = max(int(round(time_s / self.TIME_BASE)), self._last_pts + 1)
        frame = _yuv420_frame(rgb)
        frame.pts = pts
        frame.time_base = self.TIME_BASE
        self._container.mux(self._stream.encode(frame))
        self._last_pts = pts
        self._count += 1

    def check_frame(self, rgb: np.ndarray) -> None:
        """Raise ValueError unless ``rgb`` is a (height, width, 3) uint8 frame of this video."""
        if rgb.shape != (self.height, self.width, 3) or rgb.dtype != np.uint8:
            raise ValueError(f"frame must be {(self.height, self.width, 3)} uint8, "
                             f"got {rgb.shape} {rgb.dtype}")

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



class BackgroundVideoWriter(_FinishedOrDropped):
    """A :class:`VideoWriter` whose frames are converted and encoded by a thread of its own.

    ``write`` hands the frame over and returns, so the caller draws the next frame while the
    last one is encoded: OpenCV's colour conversion and libx264 let go of Python's lock, the
    drawing (mostly Python) does not, and the two then share the cores. On the 24 s 720p
    teaching video the encoder held the drawing thread for 6.6 ms a frame. Up to
    ``queue_frames`` frames wait (a 1080p frame is 6 MB). The file is the one a plain
    :class:`VideoWriter` writes from the same frames (same frames, same order, same encoder).
    An error in the thread is raised by the next ``write`` or by ``close``; leaving the
    ``with`` block by an exception (Ctrl-C included) stops the thread and drops the partial file.
    """

    def __init__(self, path: str | Path, *, fps: float, width: int, height: int,
                 queue_frames: int = 2, **options) -> None:
        self._writer = VideoWriter(path, fps=fps, width=width, height=height, **options)
        self.path = self._writer.path
        self._queue: queue.Queue = queue.Queue(maxsize=max(1, int(queue_frames)))
        self._error: BaseException | None = None
        self._dropping = threading.Event()  # set: frames still queued are let go, not encoded
        self._thread = threading.Thread(target=self._encode, name="posecheck-encoder",
                                        daemon=True)
        self._thread.start()

    _END = object()

    def _encode(self) -> None:
        while True:
            item = self._queue.get()
            if item is self._END:
                return
            if self._error is not None or self._dropping.is_set():
                continue  # keep taking frames so a waiting ``write`` is never stuck
            try:
                self._writer.write(item[0], time_s=item[1])
            except Exception as exc:  # handed to the caller's thread by write/close
                self._error = exc

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def write(self, rgb: np.ndarray, *, time_s: float | None = None) -> None:
        """Queue one (height, width, 3) uint8 RGB frame shown at ``time_s`` seconds (the array
        must not be changed afterwards: it is encoded later)."""
        self._raise_error()
        self._writer.check_frame(rgb)
        self._queue.put((rgb, time_s))

    @property
    def frames_written(self) -> int:
        return self._writer.frames_written

    def _stop(self) -> None:
        self._queue.put(self._END)
        self._thread.join()

    def close(self) -> None:
        """Encode what is queued, finish the file and move it into place."""
        self._stop()
        try:
            self._raise_error()
        except BaseException:
            self._writer.abort()
            raise
        self._writer.close()

    def abort(self) -> None:
        """Stop encoding and drop the partial file."""
        self._dropping.set()
        try:
            self._stop()
        finally:
            self._writer.abort()
