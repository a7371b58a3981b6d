"""PoseSequence: shapes are checked, files round-trip exactly, the CSV is what a coach opens."""

import csv

import numpy as np
import pytest

from posecheck.errors import PosecheckError
from posecheck.landmarks import NAMES
from posecheck.sequence import PoseSequence


def _sequence(n=5):
    rng = np.random.default_rng(1)
    seq = PoseSequence(
        time_s=np.arange(n) / 29.97,
        keypoints_px=rng.uniform(0, 720, (n, 33, 2)),
        visibility=rng.uniform(0, 1, (n, 33)),
        world_m=rng.normal(0, 0.5, (n, 33, 3)),
        fps=29.97, frame_size=(720, 1280), meta={"source": "clip.mp4", "person_id": 3},
    )
    keypoints = seq.keypoints_px.copy()
    keypoints[2] = np.nan  # a frame with nobody found
    return seq.replace(keypoints_px=keypoints)


def test_wrong_shapes_are_refused_naming_the_field():
    with pytest.raises(ValueError, match="keypoints_px must have shape"):
        PoseSequence(np.zeros(3), np.zeros((3, 17, 2)), np.zeros((3, 33)), np.zeros((3, 33, 3)),
                     fps=30.0, frame_size=(10, 10))


def test_npz_round_trip_is_exact_including_nan_and_meta(tmp_path):
    seq = _sequence()
    seq.save(tmp_path / "pose.npz")
    back = PoseSequence.load(tmp_path / "pose.npz")
    for name in ("time_s", "keypoints_px", "visibility", "world_m"):
        np.testing.assert_array_equal(getattr(back, name), getattr(seq, name))
    assert back.fps == 29.97 and back.frame_size == (720, 1280)
    assert back.meta == {"source": "clip.mp4", "person_id": 3}
    assert back.detected.tolist() == [True, True, False, True, True]


def test_loading_something_else_is_a_clear_error(tmp_path):
    (tmp_path / "x.npz").write_text("no")
    with pytest.raises(PosecheckError, match="not a posecheck pose file"):
        PoseSequence.load(tmp_path / "x.npz")


def test_csv_has_one_row_per_frame_and_empty_cells_for_missing(tmp_path):
    seq = _sequence()
    seq.to_csv(tmp_path / "pose.csv")
    with open(tmp_path / "pose.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 5
    assert float(rows[1]["time_s"]) == pytest.approx(1 / 29.97, abs=1e-4)
    assert float(rows[0]["left_knee_x_px"]) == pytest.approx(seq.keypoints_px[0, 25, 0], abs=0.005)
    assert float(rows[0]["left_knee_z_m"]) == pytest.approx(seq.world_m[0, 25, 2], abs=5e-5)
    assert rows[2]["nose_x_px"] == "" and rows[2]["nose_visibility"] != ""
    assert list(rows[0])[2:8] == [f"{NAMES[0]}_{c}" for c in
                                  ("x_px", "y_px", "visibility", "x_m", "y_m", "z_m")]


def test_nearest_frames_are_the_frames_closest_in_time():
    from posecheck.sequence import nearest_frames

    time_s = np.array([0.0, 0.125, 0.25, 0.5, 0.625])  # exact in binary: halfway is exact
    # halfway between two frames: the earlier one; outside the clip: its first or last frame
    t = np.array([-1.0, 0.0, 0.05, 0.0625, 0.07, 0.375, 0.4, 0.6, 7.0, np.nan])
    assert nearest_frames(time_s, t).tolist() == [0, 0, 0, 0, 1, 2, 3, 4, 4, -1]
    assert int(nearest_frames(time_s, 0.26)) == 2  # a single time gives one index
    assert nearest_frames(np.array([]), t).tolist() == [-1] * len(t)
    assert nearest_frames(np.array([3.0]), np.array([0.0, np.inf, 9.0])).tolist() == [0, -1, 0]
    rng = np.random.default_rng(4)
    frames = np.sort(rng.uniform(0, 10, 50))
    times = rng.uniform(-1, 11, 200)
    expected = [int(np.argmin(np.abs(frames - x))) for x in times]
    assert nearest_frames(frames, times).tolist() == expected
