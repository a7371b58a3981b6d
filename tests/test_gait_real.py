"""Real clips through the pose model, cleaning and the gait layer (slow: the pose model runs)."""

from __future__ import annotations

import pytest

from conftest import shared_path
from posecheck.checks.registry import run_checks
from posecheck.cleaning import clean
from posecheck.gait import analyze_gait
from posecheck.pose import extract_pose

pytestmark = pytest.mark.slow


def test_treadmill_cadence_matches_the_clip_truth():
    clip = shared_path("data", "clips", "treadmill-side-male", "male_side.mp4")
    gait = analyze_gait(clean(extract_pose(clip, show_progress=False)))
    assert gait.cadence_spm == pytest.approx(168.9, abs=1.5)  # truth.json: 168.9 +/- 1.0
    assert gait.is_running and gait.direction.facing == -1  # truth.json: facing image-left


def test_park_clip_is_walking_and_every_running_check_says_why_it_is_unknown():
    clip = shared_path("data", "clips", "park-walking-multi", "park_walking.mp4")
    gait = analyze_gait(clean(extract_pose(clip, show_progress=False)))
    assert gait.mode.mode == "walking"
    findings = run_checks(gait)
    assert len(findings) == 5
    for finding in findings:
        assert finding.verdict == "unknown"
        assert "not running" in finding.reason and "walking" in finding.reason
