"""Video in and out: timestamps, frame rate as a float, rotation, atomic writing, codecs."""

import struct

import numpy as np
import pytest

from conftest import shared_path
from posecheck.errors import PosecheckError
from posecheck.video import VideoWriter, iter_frames, probe


def _pattern(height=120, width=160):
    """A frame whose orientation is obvious: a bright block in the top-left corner."""
    frame = np.full((height, width, 3), 40, np.uint8)
    frame[: height // 4, : width // 4] = (250, 30, 30)
    return frame


def test_writer_round_trip_keeps_float_fps_and_frame_count(tmp_path):
    path = tmp_path / "clip.mp4"
    with VideoWriter(path, fps=29.97, width=160, height=120) as writer:
        for _ in range(45):
            writer.write(_pattern())
    info = probe(path)
    assert info.codec == "h264"
    assert (info.width, info.height) == (160, 120)
    assert info.fps == pytest.approx(30000 / 1001, rel=1e-6)
    frames = list(iter_frames(path))
    assert len(frames) == 45
    assert frames[1].time_s == pytest.approx(1001 / 30000, abs=2e-5)
    assert np.abs(frames[0].rgb.astype(int) - _pattern()).mean() < 4  # lossy, but close


def test_writer_keeps_variable_frame_times(tmp_path):
    path = tmp_path / "vfr.mp4"
    times = [0.0, 0.030, 0.070, 0.100, 0.140, 0.200, 0.233]
    with VideoWriter(path, fps=30.0, width=160, height=120) as writer:
        for t in times:
            writer.write(_pattern(), time_s=t)
    read = [frame.time_s for frame in iter_frames(path)]
    np.testing.assert_allclose(read, times, atol=1e-4)


def test_writer_leaves_nothing_when_interrupted(tmp_path):
    path = tmp_path / "broken.mp4"
    with pytest.raises(RuntimeError):
        with VideoWriter(path, fps=30.0, width=160, height=120) as writer:
            writer.write(_pattern())
            raise RuntimeError("stop")
    assert list(tmp_path.iterdir()) == []


def _set_rotation_matrix(path, matrix):
    """Write a display matrix into the MP4's track header (tkhd), as phones do for portrait."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    assert at > 0
    version = data[at + 4]
    # after 'tkhd': version+flags 4, times/ids/duration (20 in v0, 32 in v1), reserved 8,
    # layer 2, alternate group 2, volume 2, reserved 2, then the 3x3 matrix (9 x int32)
    offset = at + 4 + 4 + (20 if version == 0 else 32) + 8 + 8
    data[offset : offset + 36] = struct.pack(">9i", *matrix)
    path.write_bytes(bytes(data))


def test_rotation_metadata_is_honoured(tmp_path):
    path = tmp_path / "portrait.mp4"
    with VideoWriter(path, fps=30.0, width=160, height=120) as writer:
        for _ in range(3):
            writer.write(_pattern())
    # QuickTime matrix (a, b, u, c, d, v, x, y, w) for "rotate 90 degrees clockwise to display":
    # x' = -y, y' = x, the matrix iPhones write for portrait video
    _set_rotation_matrix(path, (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000))
    info = probe(path)
    assert (info.width, info.height) == (120, 160)
    first = next(iter_frames(path)).rgb
    expected = np.rot90(_pattern(), k=-1)  # turned clockwise: top-left block goes top-right
    assert first.shape == expected.shape
    assert np.abs(first.astype(int) - expected).mean() < 4


def test_vp9_clip_decodes():
    info = probe(shared_path("data", "clips", "park-walking-multi", "park_walking.mp4"))
    assert info.codec == "vp9"
    assert (info.width, info.height, info.n_frames) == (1768, 994, 230)
    assert info.fps == 30.0


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"this is not a video\n", "not a readable video"),
])  # fmt: skip
def test_bad_files_raise_one_clear_error(tmp_path, content, message):
    path = tmp_path / "clip.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(PosecheckError, match=message):
        probe(path)


@pytest.mark.parametrize("codec, container", [
    ("libx265", "mp4"), ("libvpx-vp9", "webm"), ("mpeg4", "avi"),
])  # fmt: skip
def test_common_codecs_and_containers_decode(tmp_path, codec, container):
    import av

    path = tmp_path / f"clip.{container}"
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        if codec == "libx265":
            stream.options = {"x265-params": "log-level=none"}
        for _ in range(10):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(_pattern(), format="rgb24")))
        out.mux(stream.encode(None))
    info = probe(path)
    frames = list(iter_frames(path))
    assert info.fps == 25.0 and (info.width, info.height) == (160, 120)
    assert len(frames) == 10
    assert frames[-1].time_s == pytest.approx(9 / 25, abs=1e-3)
    assert np.abs(frames[5].rgb.astype(int) - _pattern()).mean() < 6
