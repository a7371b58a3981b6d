"""A turning camera's oblique view, found from the runner's size and undone (posecheck.gait.pan),
on synthetic clips whose cameras' yaw is known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.gait import analyze_gait
from posecheck.gait.pan import PanView, pan_view, side_on
from posecheck.kinematics import tilt_from_vertical_deg
from posecheck.landmarks import INDEX
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params


def _clip(camera: str, *, seconds: float = 3.0, treadmill: bool = False) -> SyntheticClip:
    gait = preset_params("level-good", treadmill=treadmill)
    return SyntheticClip(ClipSpec(gait=gait, preset="level-good", camera=camera, fps=30.0,
                                  seconds=seconds, direction="ltr"))


def test_the_yaw_of_a_panning_camera_is_read_from_the_runner_size():
    clip = _clip("pan")
    true_cos = np.cos([c.yaw_rad for c in clip.cameras])
    assert np.degrees(np.arccos(true_cos.min())) > 35  # 10 m of path from 6 m away
    view = pan_view(clip.exact_pose(), stride_s=120 / clip.spec.gait.cadence_spm)
    assert view.applied
    assert np.max(np.abs(view.cos_yaw - true_cos)) < 0.03
    assert view.max_yaw_deg == pytest.approx(np.degrees(np.arccos(true_cos.min())), abs=3)


@pytest.mark.parametrize("camera, treadmill", [("static", False), ("static", True)])
def test_a_camera_that_does_not_turn_leaves_the_picture_as_it_is(camera, treadmill):
    clip = _clip(camera, treadmill=treadmill)
    view = pan_view(clip.exact_pose(), stride_s=120 / clip.spec.gait.cadence_spm)
    assert not view.applied and np.all(view.cos_yaw == 1.0)


def test_side_on_stretches_about_the_pivot():
    """cos 0.5: the frame's size is half the side-on size (x2 both ways) and lengths along the
    travel are halved again (x2 more horizontally)."""
    view = PanView(np.array([1.0, 0.5]), True, 60.0)
    points = np.array([[[11.0, 21.0]], [[11.0, 21.0]]])
    pivot = np.array([[10.0, 20.0], [10.0, 20.0]])
    out = side_on(points, pivot, view)
    assert out[0, 0] == pytest.approx([11.0, 21.0])
    assert out[1, 0] == pytest.approx([14.0, 22.0])


def test_the_trunk_seen_side_on_through_a_pan_matches_the_truth():
    """The trunk angle frame by frame reads short at the ends of the pan (the oblique view
    shortens its lean); seen side-on it is the model's at every frame."""
    clip = _clip("pan")
    seq = clip.exact_pose()
    gait = analyze_gait(seq, slope_deg=0.0, camera="pan")
    truth = clip.truth_info()["metrics"]["trunk_angle_deg"]

    def trunk(g):
        kp = g.forward.keypoints_px
        hip = (kp[:, INDEX["left_hip"]] + kp[:, INDEX["right_hip"]]) / 2
        shoulder = (kp[:, INDEX["left_shoulder"]] + kp[:, INDEX["right_shoulder"]]) / 2
        return tilt_from_vertical_deg(hip, shoulder)

    seen, undone = trunk(gait), trunk(gait.seen_side_on())
    ends = gait.pan.cos_yaw < 0.85
    assert ends.sum() >= 9
    assert np.median(truth - seen[ends]) > 1.5  # the oblique view: the trunk reads upright
    assert np.median(np.abs(undone - truth)) < 0.6
