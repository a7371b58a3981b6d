"""Damaged user files found by the fuzz run (``benchmarks/fuzz_inputs.py``, issue 11): each is
refused with a one-line PosecheckError, or read, where before it crashed with another exception.

- a video whose metadata tag is not UTF-8 (PyAV raised UnicodeDecodeError on opening it), and
  one whose frame times go back (iter_frames passed them on; the pose model and gait need times
  that increase);
- pose files (``posecheck gait``): not a zip, cut short, a damaged compressed array, an array
  missing, of the wrong shape or type, fps or frame size that cannot be, meta not a JSON object,
  infinite values, times that do not increase (zipfile, zlib, numpy and json errors, then
  ZeroDivisionError, OverflowError, MemoryError in the gait);
- an ``analysis.json`` (``posecheck compare``, ``--baseline``) with a value of the wrong type, a
  list too short, a frame rate of 0, or a gait that failed (IndexError, AttributeError,
  TypeError).
"""

from __future__ import annotations

import io
import json
import math
import zipfile

import numpy as np
import pytest

from posecheck.cli import main
from posecheck.compare import RunSummary
from posecheck.errors import PosecheckError
from posecheck.landmarks import N_LANDMARKS
from posecheck.options import load_baseline
from posecheck.sequence import PoseSequence
from posecheck.video import VideoWriter, iter_frames, probe

# ---- video ---------------------------------------------------------------------------------

def _ten_frames(path, container_format: str, *, title: str | None = None) -> None:
    """Ten 64x48 MPEG-4 frames of rising grey, written by PyAV directly (no posecheck writer)."""
    import av

    with av.open(str(path), mode="w", format=container_format) as container:
        if title is not None:
            container.metadata["title"] = title
        stream = container.add_stream("mpeg4", rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for k in range(10):
            rgb = np.full((48, 64, 3), 20 * k, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")))
        container.mux(stream.encode(None))



def test_a_tag_that_is_not_utf8_does_not_stop_the_video_being_read(tmp_path):
    path = tmp_path / "clip.mp4"
    import av

    _ten_frames(path, "mp4", title="TAGTAGTAG")
    data = path.read_bytes()
    assert data.count(b"TAGTAGTAG") == 1
    path.write_bytes(data.replace(b"TAGTAGTAG", b"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7"))
    with pytest.raises(UnicodeDecodeError):  # what PyAV does by default: the crash it was
        av.open(str(path)).close()
    assert probe(path).n_frames == 10
    assert len(list(iter_frames(path))) == 10


def test_frame_times_increase_when_the_file_says_otherwise(tmp_path):
    """A MOV whose sample durations were zeroed (the fuzz run's damaged times): FFmpeg gives
    its last frame the time 0 again; iter_frames moves it one frame interval on."""
    import struct


    path = tmp_path / "clip.mov"
    _ten_frames(path, "mov")
    data = bytearray(path.read_bytes())
    stts = data.index(b"stts")  # size, "stts", version and flags, entry count, (count, delta)
    assert struct.unpack(">II", data[stts + 12:stts + 20]) == (10, 512)
    data[stts + 16:stts + 20] = struct.pack(">I", 0)
    path.write_bytes(bytes(data))
    times = [frame.time_s for frame in iter_frames(path)]
    assert len(times) == 10 and (np.diff(times) > 0).all(), times


# ---- pose files ----------------------------------------------------------------------------


def _sequence(n: int = 40) -> PoseSequence:
    rng = np.random.default_rng(0)
    return PoseSequence(time_s=np.arange(n) / 30.0,
                        keypoints_px=rng.uniform(0, 300, (n, N_LANDMARKS, 2)),
                        visibility=np.ones((n, N_LANDMARKS)),
                        world_m=rng.uniform(-1, 1, (n, N_LANDMARKS, 3)), fps=30.0,
                        frame_size=(320, 180), meta={"cleaning": {"done": True}})


def _arrays(tmp_path) -> dict[str, np.ndarray]:
    _sequence().save(tmp_path / "good.npz")
    with np.load(tmp_path / "good.npz") as data:
        return {key: data[key] for key in data.files}


def _saved(tmp_path, **changes) -> bytes:
    arrays = {**_arrays(tmp_path), **changes}
    arrays = {k: v for k, v in arrays.items() if v is not None}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def _damaged_deflate(tmp_path) -> bytes:
    """The pose file with bytes in the middle of the compressed keypoints flipped."""
    data = bytearray(_saved(tmp_path))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("keypoints_px.npy")
    start = info.header_offset + 30 + len(info.filename) + 200
    data[start:start + 64] = bytes(64)
    return bytes(data)


N = 40
BAD_POSE_FILES = {
    # name: (bytes maker, fragment of the message)
    "text": (lambda t: b"not a pose file", "not a posecheck pose file"),
    "cut short": (lambda t: _saved(t)[:3000], "not a posecheck pose file"),
    "damaged compressed array": (_damaged_deflate, "not a posecheck pose file"),
    "no fps": (lambda t: _saved(t, fps=None), "no fps"),
    "fps 0": (lambda t: _saved(t, fps=np.float64(0.0)), "frame rate of 0"),
    "fps nan": (lambda t: _saved(t, fps=np.float64(np.nan)), "frame rate of nan"),
    "fps 1e12": (lambda t: _saved(t, fps=np.float64(1e12)), "frame rate of 1e+12"),
    "fps two numbers": (lambda t: _saved(t, fps=np.array([30.0, 60.0])), "fps is not one"),
    "frame size empty": (lambda t: _saved(t, frame_size=np.zeros(0, int)), "frame_size"),
    "frame size negative": (lambda t: _saved(t, frame_size=np.array([-320, 180])),
                            "frame size of [-320, 180]"),
    "meta a list": (lambda t: _saved(t, meta=np.asarray("[1, 2]")), "meta is not a JSON"),
    "meta not json": (lambda t: _saved(t, meta=np.asarray("{oops")), "meta is not a JSON"),
    "keypoints text": (lambda t: _saved(t, keypoints_px=np.full((N, N_LANDMARKS, 2), "x")),
                       "keypoints_px holds <U1"),
    "keypoints wrong shape": (lambda t: _saved(t, keypoints_px=np.zeros((N, 17, 2))),
                              "keypoints_px has shape (40, 17, 2), not (n, 33, 2)"),
    "keypoints infinite": (lambda t: _saved(t, keypoints_px=np.full((N, N_LANDMARKS, 2),
                                                                    np.inf)),
                           "keypoints_px has infinite values"),
    "visibility huge": (lambda t: _saved(t, visibility=np.full((N, N_LANDMARKS), 1e308)),
                        "visibility has values outside 0 to 1"),
    "time_s 0-d": (lambda t: _saved(t, time_s=np.float64(1.0)), "time_s has shape ()"),
    "times backwards": (lambda t: _saved(t, time_s=np.arange(N)[::-1] / 30.0),
                        "time_s does not increase: frame 1"),
    "times missing": (lambda t: _saved(t, time_s=np.full(N, np.nan)),
                      "time_s has missing or infinite times"),
    "landmarks renamed": (lambda t: _saved(t, landmarks=np.asarray(["nose"] * 33)),
                          "landmark names"),
}


@pytest.mark.parametrize("case", sorted(BAD_POSE_FILES))
def test_a_bad_pose_file_is_refused_on_one_line(case, tmp_path, capsys):
    make, fragment = BAD_POSE_FILES[case]
    path = tmp_path / "pose.npz"
    path.write_bytes(make(tmp_path))
    with pytest.raises(PosecheckError, match=fragment.replace("(", r"\(").replace(")", r"\)")
                       .replace("[", r"\[").replace("]", r"\]").replace("+", r"\+")) as caught:
        PoseSequence.load(path)
    assert "\n" not in str(caught.value) and str(caught.value).startswith(str(path))
    assert main(["gait", str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("posecheck: error: ") and fragment in err


def test_the_good_pose_file_is_read(tmp_path):
    """What the refusals are measured against: the same arrays unchanged load."""
    path = tmp_path / "pose.npz"
    path.write_bytes(_saved(tmp_path))
    assert PoseSequence.load(path).n_frames == N


# ---- analysis.json -------------------------------------------------------------------------


def _analysis(**video) -> dict:
    return {"schema_version": "1.0", "posecheck_version": "0.1.0",
            "video": {"path": "clip.mp4", "frames": 60, "fps": 30.0, "frame_size": [320, 180],
                      **video},
            "settings": {"baseline": None}, "gait": None, "checks": [], "warnings": []}


@pytest.mark.parametrize("video, fragment", [
    ({"frame_size": []}, "IndexError"),
    ({"frame_size": [320]}, "IndexError"),
    ({"fps": 0}, "video fps 0.0 is not a positive number"),
    ({"fps": 1e400}, "video fps inf is not a positive number"),
    ({"frames": 1e400}, "OverflowError"),
])
def test_a_bad_analysis_is_refused_by_compare(video, fragment, tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(_analysis(**video)))
    with pytest.raises(PosecheckError, match=fragment) as caught:
        RunSummary.load(path)
    assert "\n" not in str(caught.value)


def test_the_good_analysis_is_read_by_compare(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(_analysis()))
    assert RunSummary.load(path).frame_size == (320, 180)


def test_a_baseline_whose_gait_failed_has_no_cadence(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(_analysis()))  # "gait": null, "checks": []
    baseline = load_baseline(path)
    assert math.isnan(baseline.cadence_spm) and math.isnan(baseline.lean_vs_slope_normal_deg)


@pytest.mark.parametrize("change, fragment", [
    ({"gait": {"cadence_spm": "fast"}}, "gait.cadence_spm is 'fast', not a number"),
    ({"gait": {"cadence_spm": [170]}}, "gait.cadence_spm is [170], not a number"),
    ({"gait": [1]}, "its gait or checks are not what posecheck writes"),
    ({"checks": ["lean"]}, "its gait or checks are not what posecheck writes"),
    ({"checks": [{"id": "lean", "value": {"deg": 3}}]}, "the lean's value is"),
])
def test_a_bad_baseline_is_refused_on_one_line(change, fragment, tmp_path, capsys):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps({**_analysis(), **change}))
    with pytest.raises(PosecheckError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
        load_baseline(path)
    assert main(["analyze", str(tmp_path / "missing.mp4"), "--baseline", str(path), "-q"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and fragment in err


def test_video_writer_output_is_still_read(tmp_path):
    """The change to how files are opened keeps posecheck's own videos readable."""
    path = tmp_path / "own.mp4"
    with VideoWriter(path, fps=30.0, width=64, height=48) as writer:
        for k in range(5):
            writer.write(np.full((48, 64, 3), 40 * k, np.uint8))
    assert [f.index for f in iter_frames(path)] == [0, 1, 2, 3, 4]
