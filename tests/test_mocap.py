"""The motion-capture reader, force-plate truth, joint centres and side-view projection."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import landmarks as lm
from posecheck.errors import PosecheckError
from posecheck.validation import mocap
from support.paths import shared_path

FUKUCHI = ("data", "mocap", "fukuchi-rbds001")


@pytest.fixture(scope="module")
def static():
    return mocap.read_markers_txt(shared_path(*FUKUCHI, "RBDS001static.txt"))


@pytest.fixture(scope="module", params=["25", "35"])
def trial(request):
    return mocap.load_fukuchi_trial(shared_path(*FUKUCHI), request.param)


def test_lab_axes_from_the_static_trial(static):
    assert static.rate_hz == 150.0
    asis = (static.marker("R.ASIS") + static.marker("L.ASIS")) / 2
    psis = (static.marker("R.PSIS") + static.marker("L.PSIS")) / 2
    assert np.all(asis[:, 0] > psis[:, 0] + 100)  # +X forward
    assert np.all(static.marker("R.ASIS")[:, 2] > static.marker("L.ASIS")[:, 2] + 150)  # +Z right
    assert np.all(static.marker("R.Knee")[:, 1] < static.marker("R.GTR")[:, 1] - 300)  # +Y up
    with pytest.raises(PosecheckError):
        static.marker("nose")


def test_readers_agree_on_rates_and_length():
    markers = mocap.read_markers_txt(shared_path(*FUKUCHI, "RBDS001runT25markers.txt"))
    forces = mocap.read_forces_txt(shared_path(*FUKUCHI, "RBDS001runT25forces.txt"))
    assert markers.rate_hz == 150.0 and forces.rate_hz == 300.0
    assert markers.time_s[-1] == pytest.approx(forces.time_s[-1], abs=0.01)
    c3d_markers, c3d_forces = mocap.read_c3d(shared_path(*FUKUCHI, "RBDS001runT35.c3d"))
    assert c3d_markers.rate_hz == 150.0 and c3d_forces.rate_hz == 300.0
    assert np.isfinite(c3d_markers.xyz_mm).all()
    assert not np.any(np.all(c3d_markers.xyz_mm == 0, axis=2))  # gaps stored as 0 are filled
    # mean vertical force over whole strides is body weight: the same runner in both files
    weights = [f.vertical_n.mean() for f in (forces, c3d_forces)]
    assert weights[0] == pytest.approx(weights[1], rel=0.06)
    assert 400 < weights[0] < 1000


def test_force_plate_contacts_alternate_with_running_durations(trial):
    truth = trial.truth
    assert len(truth.ic_s) > 70  # 30 s at 2.5-3.5 m/s
    assert all(a != b for a, b in zip(truth.foot[:-1], truth.foot[1:]))
    contact = (truth.to_s - truth.ic_s)[np.isfinite(truth.to_s)]
    flight = truth.ic_s[1:] - truth.to_s[:-1]
    assert np.all((contact > 0.15) & (contact < 0.35))
    assert np.all(flight[np.isfinite(flight)] > 0.03)  # running: flight every step


def test_force_truth_matches_foot_kinematics(trial):
    """Sync check, independent of the detector: a foot marker reaches the floor within a few
    samples of every force-plate IC."""
    markers = trial.centres
    lowest = {side: np.maximum(-markers[f"{side}_heel"][:, 1], -markers[f"{side}_foot_index"][:, 1])
              for side in ("left", "right")}  # minus the lower of heel and metatarsals, mm
    gaps = []
    for ic, side in zip(trial.truth.ic_s, trial.truth.foot):
        height = -lowest[side]
        floor = np.percentile(height, 2)
        near = (trial.time_s > ic - 0.15) & (trial.time_s < ic + 0.15)
        landed = trial.time_s[near][height[near] < floor + 15]
        gaps.append(landed[0] - ic)
    # a time-base or offset error (e.g. a wrong rate) shows as a large or drifting gap; the
    # 15 mm floor margin itself makes the markers "land" some 10-30 ms after force onset
    assert abs(np.median(gaps)) < 0.04
    assert np.percentile(gaps, 90) - np.percentile(gaps, 10) < 0.05


def test_joint_centres_form_rigid_segments(trial):
    c = trial.centres
    assert set(c) == {f"{s}_{p}" for s in ("left", "right")
                      for p in ("hip", "knee", "ankle", "heel", "foot_index")}
    for side in ("left", "right"):
        thigh = np.linalg.norm(c[f"{side}_hip"] - c[f"{side}_knee"], axis=1)
        shank = np.linalg.norm(c[f"{side}_knee"] - c[f"{side}_ankle"], axis=1)
        assert 380 < thigh.mean() < 520 and thigh.std() < 10
        assert 350 < shank.mean() < 500 and shank.std() < 10
    hip_gap = np.linalg.norm(c["left_hip"] - c["right_hip"], axis=1)
    assert 120 < hip_gap.mean() < 220  # Harrington hip centres sit ~0.7 pelvis widths apart


@pytest.mark.parametrize("side, facing", [("left", -1), ("right", 1)])
def test_projection_puts_forward_on_the_expected_side(side, facing):
    t = np.arange(0, 1.0, 1 / 150)
    zero = np.zeros_like(t)
    centres = {}
    for s, z in (("left", -80.0), ("right", 80.0)):
        centres[f"{s}_hip"] = np.column_stack([zero, zero + 950, zero + z])
        centres[f"{s}_knee"] = np.column_stack([zero + 30, zero + 500, zero + z])
        centres[f"{s}_ankle"] = np.column_stack([zero, zero + 80, zero + z])
        centres[f"{s}_heel"] = np.column_stack([zero - 50, zero + 30, zero + z])
        centres[f"{s}_foot_index"] = np.column_stack([zero + 150, zero + 30, zero + z])
    camera = mocap.SideCamera(side=side)
    seq = mocap.side_view_sequence(centres, t, fps=30.0, camera=camera)
    assert seq.fps == 30.0 and seq.n_frames == 30
    toe_ahead = seq.keypoints_px[:, lm.LEFT_FOOT_INDEX, 0] - seq.keypoints_px[:, lm.LEFT_HEEL, 0]
    assert np.all(np.sign(toe_ahead) == facing)
    # pinhole: the near hip at depth 5000 - 80 mm, 50 mm below the camera height
    near = lm.INDEX[f"{side}_hip"]
    assert seq.keypoints_px[0, near, 1] == pytest.approx(540 + 1663 * 50 / 4920)
    assert seq.visibility[0, near] == 1.0 and np.isnan(seq.keypoints_px[:, lm.NOSE]).all()


def test_score_events_counts_missed_extra_and_wrong_foot():
    truth = mocap.ContactTruth(np.array([1.0, 1.4, 1.8, 2.2]), np.array([1.2, 1.6, 2.0, 2.4]),
                               ("left", "right", "left", "right"))
    ic = np.array([1.01, 1.8, 2.0, 2.19])
    to = np.array([1.21, 2.02, np.nan, 2.38])
    score = mocap.score_events(truth, ic, to, ("left", "left", "right", "right"),
                               start_s=0.0, end_s=3.0)
    assert score.missed == 1 and score.extra == 1 and score.wrong_foot == 0
    np.testing.assert_allclose(score.ic_error_s, [0.01, 0.0, -0.01], atol=1e-12)
    np.testing.assert_allclose(score.to_error_s, [0.01, 0.02, -0.02], atol=1e-12)
    assert score.to_missed == 1  # the missed contact's TO
    to[0] = np.nan  # a matched contact whose TO was not found
    score = mocap.score_events(truth, ic, to, ("left", "left", "right", "right"),
                               start_s=0.0, end_s=3.0)
    assert score.to_missed == 2 and np.isnan(score.to_error_s[0])
