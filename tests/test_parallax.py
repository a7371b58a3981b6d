"""The parallax between the runner's near and far side (posecheck.gait.parallax), from known
geometry: a synthetic runner crossing a tripod's picture, whose camera distance and body widths
are exact."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import kinematics as kin
from posecheck.checks.registry import run_checks
from posecheck.gait.analysis import analyze_gait
from posecheck.gait.pan import focal_px
from posecheck.gait.parallax import (SideFit, estimate_parallax, estimate_turned_sides,
                                     flatten, turn_regressor)
from posecheck.landmarks import INDEX
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.synth.truth import true_gait_events


def _clip(camera: str, direction: str = "ltr") -> SyntheticClip:
    return SyntheticClip(ClipSpec(gait=preset_params("downhill-good"), preset="downhill-good",
                                  camera=camera, direction=direction, fps=30.0, seconds=2.5))


def _half_width_over_depth(clip: SyntheticClip, girdle: str) -> float:
    """The true ``w / z``: half the girdle's width over the depth of its midpoint (median)."""
    left = clip.landmarks_m[:, INDEX[f"left_{girdle}"]]
    right = clip.landmarks_m[:, INDEX[f"right_{girdle}"]]
    depth = np.array([c.depth(p) for c, p in zip(clip.cameras, (left + right) / 2)])
    return float(np.median(np.abs(left[:, 2] - right[:, 2]) / 2 / depth))


def _trunk_deg(gait) -> np.ndarray:
    girdles = kin.near_side_girdles(gait.forward.keypoints_px, gait.near)
    return kin.tilt_from_vertical_deg(kin.hip_mid(girdles), kin.shoulder_mid(girdles))


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_a_tripods_parallax_is_measured_and_undone(direction):
    clip = _clip("static", direction)
    gait = analyze_gait(clip.exact_pose(), slope_deg=clip.spec.gait.slope_deg, camera="static")
    parallax = estimate_parallax(gait.forward, gait.near)
    assert parallax.applied
    for girdle in ("hip", "shoulder"):  # b = 2 w / z
        expected = 2 * _half_width_over_depth(clip, girdle)
        assert parallax.per_girdle[girdle] == pytest.approx(expected, rel=0.05)
    true_trunk = clip.truth_info()["metrics"]["trunk_angle_deg"]
    seen = _trunk_deg(gait)
    assert np.ptp(seen) > 8.0  # near hip to near shoulder turns as the runner crosses
    flat = _trunk_deg(gait.seen_side_on())
    assert np.abs(flat - true_trunk).max() < 0.3
    # the far side is moved outwards, the near side inwards, about the picture's centre
    kp, moved = gait.forward.keypoints_px, gait.seen_side_on().forward.keypoints_px
    near, far = str(gait.near[0]), "left" if str(gait.near[0]) == "right" else "right"
    centre = gait.forward.frame_size[0] / 2
    out = np.abs(moved[:, :, 0] - centre) - np.abs(kp[:, :, 0] - centre)
    assert (out[:, INDEX[f"{near}_ankle"]] <= 1e-9).all()
    assert (out[:, INDEX[f"{far}_ankle"]] >= -1e-9).all()
    assert np.array_equal(moved[:, INDEX["nose"]], kp[:, INDEX["nose"]])


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_a_turning_cameras_view_of_the_two_sides_is_undone(direction):
    """A camera that turns to follow the runner has no parallax to undo (the runner stays in
    the middle of the picture), but sees the sides apart: up to 34 deg off side-on here, the
    near hip to near shoulder line turns by 11 deg over the clip; seen side-on it is the true
    trunk angle in every frame."""
    clip = _clip("pan", direction)
    gait = analyze_gait(clip.exact_pose(), slope_deg=clip.spec.gait.slope_deg, camera="pan")
    parallax = estimate_parallax(gait.forward, gait.near)
    assert not parallax.applied and "crosses" in parallax.note
    assert gait.pan.applied and gait.pan.max_yaw_deg > 30
    turn = turn_regressor(gait.forward.time_s, gait.pan.cos_yaw)
    sides = estimate_turned_sides(gait.forward, gait.near, turn)
    assert sides.applied and 0 < abs(sides.per_girdle["hip"]) < abs(sides.per_girdle["shoulder"])
    true_trunk = clip.truth_info()["metrics"]["trunk_angle_deg"]
    assert np.ptp(_trunk_deg(gait)) > 10.0
    assert np.abs(_trunk_deg(gait.seen_side_on()) - true_trunk).max() < 1.0


def test_the_turn_changes_sign_at_the_closest_approach():
    time_s = np.linspace(0.0, 2.0, 9)
    cos_yaw = np.cos(np.radians([40, 30, 20, 10, 0, 10, 20, 30, 40]))
    turn = turn_regressor(time_s, cos_yaw)
    expected = np.sin(np.radians([-40, -30, -20, -10, 0, 10, 20, 30, 40])) * cos_yaw
    assert turn == pytest.approx(expected)
    assert turn_regressor(np.array([]), np.array([])).shape == (0,)


def test_flatten_scales_each_side_about_the_centre():
    keypoints = np.full((2, 33, 2), np.nan)
    centre = np.array([640.0, 360.0])
    b = {"hip": 0.04, "shoulder": 0.08}
    offset = np.array([300.0, -100.0])
    for side, toward in (("right", 1.0), ("left", -1.0)):  # right is near: magnified
        for name, girdle in (("ankle", "hip"), ("wrist", "shoulder")):
            keypoints[:, INDEX[f"{side}_{name}"]] = centre + offset * (1 + toward * b[girdle] / 2)
    keypoints[:, INDEX["nose"]] = centre + offset
    flat = flatten(keypoints, np.array(["right", "right"]), SideFit(b, True), (1280, 720))
    for side in ("left", "right"):
        for name, girdle in (("ankle", "hip"), ("wrist", "shoulder")):
            expected = centre + offset * (1 + (1 if side == "right" else -1) * b[girdle] / 2) \
                * (1 + (-1 if side == "right" else 1) * b[girdle] / 2)
            assert flat[:, INDEX[f"{side}_{name}"]] == pytest.approx(np.tile(expected, (2, 1)))
    assert np.array_equal(flat[:, INDEX["nose"]], keypoints[:, INDEX["nose"]])
    unknown = flatten(keypoints, np.array(["unknown", "unknown"]), SideFit(b, True), (1280, 720))
    assert np.array_equal(unknown, keypoints, equal_nan=True)
    assert np.array_equal(flatten(keypoints, np.array(["right", "right"]),
                                  SideFit.none("not seen"), (1280, 720)), keypoints,
                          equal_nan=True)


def test_girdles_that_disagree_leave_the_picture_as_seen():
    """The hips cannot show more parallax than the wider shoulders: separations that say so
    follow something else (here the far shoulder swapped with the near one), and nothing is
    moved."""
    clip = _clip("static")
    gait = analyze_gait(clip.exact_pose(), slope_deg=clip.spec.gait.slope_deg, camera="static")
    keypoints = gait.forward.keypoints_px.copy()
    left, right = INDEX["left_shoulder"], INDEX["right_shoulder"]
    keypoints[:, [left, right]] = keypoints[:, [right, left]]
    parallax = estimate_parallax(gait.forward.replace(keypoints_px=keypoints), gait.near)
    assert not parallax.applied and "more parallax" in parallax.note


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_a_turning_camera_sees_the_foot_at_its_own_depth_and_that_is_undone(direction):
    """Turned by ``a``, the camera sees a point ahead of the hip along the path further away:
    heel and toe, a foot apart, tilt by up to 4 deg at the ends of the pan. The focal length
    comes from the background's motion against the turn (here the picture's shift a true
    turn of the synthetic camera gives); with it every step's foot strike angle is within
    1 deg of the truth."""
    clip = SyntheticClip(ClipSpec(gait=preset_params("level-good"), preset="level-good",
                                  camera="pan", direction=direction, fps=240.0, seconds=3.0))
    focal = clip.cameras[0].focal_px
    yaw = np.array([c.yaw_rad for c in clip.cameras])
    shift = float(np.median(np.abs(np.diff(yaw)))) * focal  # a still background's motion
    truth = clip.truth_info()["metrics"]["foot_strike_angle_deg"]
    errors = {}
    footage = {"footage": {"median_abs_shift_px": shift, "panning": True}}
    for label, meta in (("seen", {}), ("with the shift", footage)):
        seq = clip.exact_pose()
        gait = analyze_gait(seq.replace(meta={**seq.meta, **meta}), slope_deg=0.0, camera="pan")
        if meta:
            assert focal_px(gait.pan, gait.forward.time_s, meta["footage"],
                            gait.forward.frame_size) == pytest.approx(focal, rel=0.1)
        at_truth = run_checks(gait.with_events(true_gait_events(clip.events(), seq.fps)))
        landing = next(f for f in at_truth if f.check_id == "landing")
        strike = next(m for m in landing.details if m.id == "foot_strike_angle_deg")
        errors[label] = np.abs(strike.values - truth)
    assert errors["seen"].max() > 3.0
    assert errors["with the shift"].max() < 1.0


def test_no_focal_length_without_a_moving_background():
    """A shift the footage did not see as the camera moving, or one that would make the lens
    wider than any phone's, gives no focal length (and no correction)."""
    clip = _clip("pan")
    gait = analyze_gait(clip.exact_pose(), slope_deg=0.0, camera="pan")
    t, size = gait.forward.time_s, gait.forward.frame_size
    assert np.isfinite(focal_px(gait.pan, t, {"median_abs_shift_px": 20.0, "panning": True},
                                size))
    assert np.isnan(focal_px(gait.pan, t, {"median_abs_shift_px": 20.0, "panning": False},
                             size))
    assert np.isnan(focal_px(gait.pan, t, {"median_abs_shift_px": 0.05, "panning": True}, size))
    assert np.isnan(focal_px(gait.pan, t, None, size))


def test_sides_offset_beyond_a_leg_length_are_left_as_seen():
    """Separations that would put the shoulders more than a leg length apart (here the turn
    read a hundred times too small) follow something else: nothing is moved."""
    clip = _clip("pan")
    gait = analyze_gait(clip.exact_pose(), slope_deg=0.0, camera="pan")
    turn = turn_regressor(gait.forward.time_s, gait.pan.cos_yaw)
    assert estimate_turned_sides(gait.forward, gait.near, turn).applied
    sides = estimate_turned_sides(gait.forward, gait.near, turn / 100.0)
    assert not sides.applied and "leg length" in sides.note
