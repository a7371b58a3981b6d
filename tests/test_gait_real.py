"""Real clips through the pose model, cleaning and the gait layer (slow: the pose model runs).
The pose of each clip is the session's (``tests/conftest.py``): the treadmill clip's whole
analysis, the park clip's people."""

from __future__ import annotations

import pytest

from posecheck.checks.registry import run_checks
from posecheck.cleaning import clean
from posecheck.gait import analyze_gait
from support.analyses import runner_pose

pytestmark = pytest.mark.slow


def test_treadmill_cadence_matches_the_clip_truth(real_clip_analysis):
    analysis, _ = real_clip_analysis("treadmill-side-male")
    gait = analyze_gait(clean(analysis.raw))  # the runner's raw pose, as extract_pose gives it
    assert gait.cadence_spm == pytest.approx(168.9, abs=1.5)  # truth.json: 168.9 +/- 1.0
    assert gait.is_running and gait.direction.facing == -1  # truth.json: facing image-left


def test_park_clip_is_walking_and_every_running_check_says_why_it_is_unknown(park_people):
    gait = analyze_gait(clean(runner_pose(park_people)))
    assert gait.mode.mode == "walking"
    findings = run_checks(gait)
    assert len(findings) == 5
    for finding in findings:
        assert finding.verdict == "unknown"
        assert "not running" in finding.reason and "walking" in finding.reason
