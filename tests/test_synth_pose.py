"""End to end: a short synthetic clip goes through the posecheck pose stage and is found."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.cleaning import clean
from posecheck.kinematics import flexion_deg
from posecheck.landmarks import INDEX
from posecheck.pose import extract_pose
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.synth.truth import load_truth


def _knee_flexion_deg(points: np.ndarray, side: str) -> np.ndarray:
    hip, knee, ankle = (points[:, INDEX[f"{side}_{n}"]] for n in ("hip", "knee", "ankle"))
    return flexion_deg(hip, knee, ankle)


@pytest.mark.slow
def test_short_render_is_detected_by_the_pose_stage(tmp_path):
    spec = ClipSpec(gait=preset_params("level-good"), preset="level-good", camera="pan",
                    width=640, height=360, fps=30.0, seconds=1.0, seed=0)  # fmt: skip
    path = SyntheticClip(spec).write(tmp_path / "run.mp4")
    truth = load_truth(path)
    seq = clean(extract_pose(path, show_progress=False))
    assert seq.detected.mean() >= 0.9
    found = seq.detected
    figure_px = np.ptp(truth.landmarks_px[:, :, 1], axis=1).mean()
    near = truth.info["near_side"]
    joints = [INDEX[f"{near}_{n}"] for n in ("shoulder", "hip", "knee", "ankle")]
    offset = seq.keypoints_px[found][:, joints] - truth.landmarks_px[found][:, joints]
    error = np.linalg.norm(offset, axis=2)
    # cleaning may reject single landmarks (NaN); most must remain
    assert np.isfinite(error).mean() >= 0.9
    # near-side major joints within 5 % of the figure's height (median)
    assert np.nanmedian(error) < 0.05 * figure_px
    knee_error = _knee_flexion_deg(seq.keypoints_px[found], near) - _knee_flexion_deg(
        truth.landmarks_px[found], near)
    assert np.nanmedian(np.abs(knee_error)) < 10.0
