"""Video in and out: timestamps, frame rate as a float, rotation, atomic writing, codecs."""

import struct

import cv2
import numpy as np
import pytest

from posecheck.errors import PosecheckError
from posecheck.video import BackgroundVideoWriter, VideoWriter, iter_frames, probe
from support.paths import shared_path


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


# Colour. Patches cover the corners of the RGB cube and a few mid tones; each is checked away from
# its edges, where the 2 x 2 chroma and the encoder's blocks blur one patch into the next.
PATCHES = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0), (0, 255, 255), (255, 0, 255),
           (255, 255, 255), (0, 0, 0), (128, 128, 128), (200, 150, 100), (30, 60, 90),
           (90, 200, 40)]  # fmt: skip
PATCH_PX = 32


def _patches(columns=4):
    rows = -(-len(PATCHES) // columns)
    frame = np.zeros((rows * PATCH_PX, columns * PATCH_PX, 3), np.uint8)
    for i, colour in enumerate(PATCHES):
        row, column = divmod(i, columns)
        rows = slice(row * PATCH_PX, (row + 1) * PATCH_PX)
        frame[rows, column * PATCH_PX:(column + 1) * PATCH_PX] = colour
    return frame


def _patch_errors(rgb, columns=4):
    """Largest |error| of each patch's mean colour over its inside (8 px in from the edges)."""
    errors = []
    for i, colour in enumerate(PATCHES):
        row, column = divmod(i, columns)
        inside = rgb[row * PATCH_PX + 8 : (row + 1) * PATCH_PX - 8,
                     column * PATCH_PX + 8 : (column + 1) * PATCH_PX - 8]  # fmt: skip
        errors.append(np.abs(inside.reshape(-1, 3).mean(0) - colour).max())
    return np.array(errors)


def test_written_colours_read_back_within_a_few_levels(tmp_path):
    path = tmp_path / "patches.mp4"
    with VideoWriter(path, fps=30.0, width=128, height=96) as writer:
        for _ in range(5):
            writer.write(_patches())
    frames = list(iter_frames(path))
    assert len(frames) == 5
    errors = _patch_errors(frames[2].rgb)
    assert errors.max() <= 3, dict(zip(PATCHES, errors.round(1)))


def test_written_stream_is_tagged_bt709_limited_range(tmp_path):
    """Untagged, browsers take HD video for BT.709 and FFmpeg takes it for BT.601."""
    import av

    path = tmp_path / "tagged.mp4"
    with VideoWriter(path, fps=30.0, width=64, height=48) as writer:
        writer.write(_pattern(48, 64))
    with av.open(str(path)) as container:
        frame = next(container.decode(video=0))
    assert frame.format.name == "yuv420p"
    assert (frame.colorspace, frame.color_primaries, frame.color_trc) == (1, 1, 1)  # BT.709
    assert frame.color_range == 1  # limited ("tv")
    assert b"colrnclx\x00\x01\x00\x01\x00\x01" in path.read_bytes()  # the MP4's colour box too


def test_thin_lines_keep_their_colour_in_place(tmp_path):
    """Chroma is the mean of each 2 x 2 block: a 2 px line across two blocks stays symmetric."""
    frame = np.full((64, 64, 3), 128, np.uint8)
    frame[:, 31:33] = (255, 0, 0)  # columns 31 and 32: the right of one block, left of the next
    path = tmp_path / "line.mp4"
    with VideoWriter(path, fps=30.0, width=64, height=64, crf=0) as writer:  # lossless
        writer.write(frame)
    rgb = next(iter_frames(path)).rgb.astype(int)
    assert np.abs(rgb[:, 31] - rgb[:, 32]).max() <= 2
    assert np.abs(rgb[:, 30] - rgb[:, 33]).max() <= 2


def _ycbcr_clip(path, rgb, *, kr, kb, full_range, colorspace, codec, frames=3):
    """Encode ``rgb`` losslessly as 4:2:0 YCbCr of the given matrix and range, computed here."""
    import av

    x = rgb.astype(np.float64)
    luma = x @ np.array([kr, 1 - kr - kb, kb])
    cb, cr = (x[..., 2] - luma) / (2 * (1 - kb)), (x[..., 0] - luma) / (2 * (1 - kr))
    if not full_range:
        luma, cb, cr = 16 + luma * 219 / 255, cb * 224 / 255, cr * 224 / 255
    height, width = luma.shape

    def half(c):
        return c.reshape(height // 2, 2, width // 2, 2).mean((1, 3)).ravel() + 128

    planes = np.concatenate([luma.ravel(), half(cb), half(cr)])
    i420 = np.clip(np.rint(planes), 0, 255).astype(np.uint8).reshape(-1, width)
    colour_range = 2 if full_range else 1
    with av.open(str(path), "w") as out:
        stream = out.add_stream(codec, rate=25)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        # lossless: the decoder gets these planes back exactly
        stream.options = {"qp": "0"} if codec == "libx264" else {"lossless": "1"}
        stream.codec_context.colorspace, stream.codec_context.color_range = colorspace, colour_range
        for _ in range(frames):
            frame = av.VideoFrame.from_ndarray(i420, format="yuv420p")
            frame.colorspace, frame.color_range = colorspace, colour_range
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    with av.open(str(path)) as container:
        decoded = next(container.decode(video=0))
    return decoded.format.name, decoded.color_range


@pytest.mark.parametrize("kr, kb, full_range, colorspace, codec, decoded_as", [
    (0.2126, 0.0722, False, 1, "libx264", ("yuv420p", 1)),  # BT.709: what phones tag
    (0.299, 0.114, False, 6, "libx264", ("yuv420p", 1)),  # BT.601 (SMPTE 170M): SD
    (0.299, 0.114, False, 2, "libx264", ("yuv420p", 0)),  # untagged: BT.601, as in FFmpeg
    # full range, as some Android phones record: FFmpeg's H.264 decoder calls it yuvj420p,
    (0.299, 0.114, True, 2, "libx264", ("yuvj420p", 2)),
    (0.2126, 0.0722, True, 1, "libx264", ("yuvj420p", 2)),
    # its VP9 (and HEVC) decoders yuv420p tagged full range
    (0.2126, 0.0722, True, 1, "libvpx-vp9", ("yuv420p", 2)),
])  # fmt: skip
def test_tagged_matrix_and_range_decode_to_the_right_colours(tmp_path, kr, kb, full_range,
                                                             colorspace, codec, decoded_as):
    path = tmp_path / "tagged.mp4"
    assert _ycbcr_clip(path, _patches(), kr=kr, kb=kb, full_range=full_range,
                       colorspace=colorspace, codec=codec) == decoded_as
    frames = list(iter_frames(path))
    assert len(frames) == 3
    errors = _patch_errors(frames[0].rgb)
    assert errors.max() <= 3, dict(zip(PATCHES, errors.round(1)))


# QuickTime display matrices, and the counter-clockwise turn (in quarter turns) that shows the
# stored picture upright
ROTATIONS = {
    "clockwise": ((0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000), -1),  # iPhone portrait
    "half turn": ((-0x10000, 0, 0, 0, -0x10000, 0, 0, 0, 0x40000000), 2),
    "counter-clockwise": ((0, -0x10000, 0, 0x10000, 0, 0, 0, 0, 0x40000000), 1),
}


@pytest.mark.parametrize("turn", list(ROTATIONS))
def test_every_quarter_turn_is_undone(tmp_path, turn):
    matrix, quarter_turns = ROTATIONS[turn]
    path = tmp_path / "turned.mp4"
    with VideoWriter(path, fps=30.0, width=160, height=120) as writer:
        for _ in range(3):
            writer.write(_pattern())
    _set_rotation_matrix(path, matrix)
    expected = np.rot90(_pattern(), k=quarter_turns)
    info = probe(path)
    assert (info.height, info.width) == expected.shape[:2]
    assert info.rotation_deg == quarter_turns % 4 * 90
    frames = list(iter_frames(path))
    assert len(frames) == 3
    assert frames[0].rgb.shape == expected.shape
    assert np.abs(frames[0].rgb.astype(int) - expected).mean() < 4


@pytest.mark.parametrize("rotated", [False, True])
def test_odd_sized_video_decodes_whole(tmp_path, rotated):
    """VP9 keeps odd sizes (H.264 from phones is even); its chroma planes are rounded up."""
    import av

    pattern = _pattern(121, 161)
    path = tmp_path / "odd.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libvpx-vp9", rate=25)
        stream.width, stream.height, stream.pix_fmt = 161, 121, "yuv420p"
        for _ in range(4):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(pattern, format="rgb24")))
        out.mux(stream.encode(None))
    expected = pattern
    if rotated:
        _set_rotation_matrix(path, ROTATIONS["clockwise"][0])
        expected = np.rot90(pattern, k=-1)
    frames = list(iter_frames(path))
    assert len(frames) == 4
    assert frames[-1].time_s == pytest.approx(3 / 25, abs=1e-3)
    assert frames[0].rgb.shape == expected.shape
    assert np.abs(frames[0].rgb.astype(int) - expected).mean() < 4


def test_odd_sized_frames_are_written_padded(tmp_path):
    path = tmp_path / "odd.mp4"
    times = [0.0, 0.04, 0.09]
    with VideoWriter(path, fps=25.0, width=161, height=121) as writer:
        for t in times:
            writer.write(_pattern(121, 161), time_s=t)
    frames = list(iter_frames(path))
    np.testing.assert_allclose([frame.time_s for frame in frames], times, atol=1e-4)
    rgb = frames[0].rgb.astype(int)
    assert rgb.shape == (122, 162, 3)  # one black row and column added
    assert np.abs(rgb[:121, :161] - _pattern(121, 161)).mean() < 4
    assert rgb[121, 20:140].mean() < 30 and rgb[20:100, 161].mean() < 30


@pytest.mark.parametrize("pix_fmt", ["yuv444p", "yuv422p", "yuv420p10le"])
def test_other_pixel_formats_decode_and_turn_upright(tmp_path, pix_fmt):
    """4:4:4 is turned while planar like 4:2:0; 4:2:2 and 10-bit are turned after conversion."""
    import av

    path = tmp_path / "format.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=25)
        stream.width, stream.height, stream.pix_fmt = 160, 120, pix_fmt
        for _ in range(3):
            out.mux(stream.encode(av.VideoFrame.from_ndarray(_pattern(), format="rgb24")))
        out.mux(stream.encode(None))
    _set_rotation_matrix(path, ROTATIONS["clockwise"][0])
    with av.open(str(path)) as container:
        assert next(container.decode(video=0)).format.name == pix_fmt
    frames = list(iter_frames(path))
    expected = np.rot90(_pattern(), k=-1)
    assert len(frames) == 3 and frames[0].rgb.shape == expected.shape
    assert np.abs(frames[0].rgb.astype(int) - expected).mean() < 4


@pytest.mark.parametrize("frame", [np.zeros((120, 160), np.uint8), np.zeros((120, 160, 3), float)],
                         ids=["grey", "float"])
def test_writer_refuses_a_frame_it_cannot_encode(tmp_path, frame):
    with VideoWriter(tmp_path / "clip.mp4", fps=30.0, width=160, height=120) as writer:
        with pytest.raises(ValueError, match=r"\(120, 160, 3\) uint8"):
            writer.write(frame)
        writer.write(_pattern())


def _moving_frames(n=30, height=120, width=160):
    """Frames that differ (a block moving right), so every one is really encoded."""
    frames = []
    for i in range(n):
        frame = _pattern(height, width)
        frame[60:80, 4 * i : 4 * i + 20] = (30, 200, 60)
        frames.append(frame)
    return frames


def test_background_writer_writes_the_plain_writers_file(tmp_path):
    times = [0.0, 0.033, 0.070, 0.100] + [0.1 + 0.04 * k for k in range(1, 27)]
    frames = _moving_frames(len(times))
    for name, kind in (("plain.mp4", VideoWriter), ("background.mp4", BackgroundVideoWriter)):
        with kind(tmp_path / name, fps=30.0, width=160, height=120) as writer:
            for frame, t in zip(frames, times):
                writer.write(frame, time_s=t)
        assert writer.frames_written == len(frames)
    assert (tmp_path / "background.mp4").read_bytes() == (tmp_path / "plain.mp4").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["background.mp4", "plain.mp4"]


def test_background_writer_leaves_nothing_when_interrupted(tmp_path):
    path = tmp_path / "broken.mp4"
    with pytest.raises(KeyboardInterrupt):
        with BackgroundVideoWriter(path, fps=30.0, width=160, height=120) as writer:
            for frame in _moving_frames(20):
                writer.write(frame)
            raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    assert not writer._thread.is_alive()


def test_background_writer_hands_the_encoders_error_to_the_caller(tmp_path):
    path = tmp_path / "failing.mp4"
    with pytest.raises(OSError, match="disk gone"):
        with BackgroundVideoWriter(path, fps=30.0, width=160, height=120) as writer:
            def fail(rgb, *, time_s=None):
                raise OSError("disk gone")
            writer._writer.write = fail  # the encoder thread's next frame fails
            for frame in _moving_frames(20):
                writer.write(frame)
    assert list(tmp_path.iterdir()) == []
    assert not writer._thread.is_alive()


def test_background_writer_refuses_a_bad_frame_at_once(tmp_path):
    with BackgroundVideoWriter(tmp_path / "clip.mp4", fps=30.0, width=160, height=120) as writer:
        with pytest.raises(ValueError, match=r"\(120, 160, 3\) uint8"):
            writer.write(np.zeros((120, 160), np.uint8))
        writer.write(_pattern())
    assert [f.index for f in iter_frames(tmp_path / "clip.mp4")] == [0]


@pytest.mark.parametrize("turn", [None, "clockwise"])
def test_frames_decoded_to_a_smaller_size(tmp_path, turn):
    """``iter_frames(size=...)`` gives each frame scaled to the size (upright), as an area
    average of the frame as filmed would be; the frames asked for at full size carry it too,
    the same as a plain read."""
    path = tmp_path / "clip.mp4"
    with VideoWriter(path, fps=30.0, width=320, height=240) as writer:
        for _ in range(4):
            writer.write(_pattern(240, 320))
    if turn:
        _set_rotation_matrix(path, ROTATIONS[turn][0])
    plain = list(iter_frames(path))
    height, width = plain[0].rgb.shape[:2]
    size = (width // 2, height // 2)
    small = list(iter_frames(path, size=size, full_size_at={2}))
    assert [f.index for f in small] == [f.index for f in plain]
    assert [f.time_s for f in small] == [f.time_s for f in plain]
    for got, full in zip(small, plain):
        assert got.rgb.shape == (size[1], size[0], 3)
        want = cv2.resize(full.rgb, size, interpolation=cv2.INTER_AREA)
        assert np.abs(got.rgb.astype(int) - want).mean() < 3
    assert [f.full_rgb is not None for f in small] == [False, False, True, False]
    np.testing.assert_array_equal(small[2].full_rgb, plain[2].rgb)
    assert all(f.full_rgb is None for f in iter_frames(path, full_size_at={2}))
