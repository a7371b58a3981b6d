"""The whole analysis on real clips against their hand labels (``events.json``, labelled from the
frames by a person; nothing in posecheck was tuned on these clips' events) and the warnings a
reader must see. Slow: the pose model runs on each clip."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posecheck.validation.labels import score_against_labels

pytestmark = pytest.mark.slow

#: Warnings that say the footage or the events cannot be trusted; a clean side-on clip has none.
TROUBLE = {"cadence_mismatch", "slow_motion", "scene_cuts", "small_runner", "not_side_on",
           "runner_often_lost", "steps_left_out", "gait_failed"}

@pytest.fixture
def analysed(real_clip_analysis):
    """``analysed(FOLDER)``: the clip's analysis and labels (each clip is analysed once per
    test session, by ``tests/conftest.py``)."""
    return real_clip_analysis


def codes(analysis) -> set[str]:
    return {w.code for w in analysis.warnings}


def test_treadmill_events_match_the_hand_labels(analysed):
    analysis, labels = analysed("treadmill-side-male")
    events = analysis.gait.events
    score = score_against_labels(labels, events.ic_s, events.to_s, events.foot)
    frame_s = 1 / labels.fps
    n = len(labels.ic_s)
    assert score.missed == 0 and score.extra == 0
    assert np.sum(np.abs(score.ic_error_s) <= frame_s) >= 0.85 * n  # issue 8's targets
    n_to = int(np.isfinite(labels.to_s).sum())
    assert np.sum(np.abs(score.to_error_s[np.isfinite(score.to_error_s)]) <= frame_s) >= 0.75 * n_to
    assert score.wrong_foot == 0
    assert np.nanmin(analysis.gait.steps.flight_s) > 0  # running: never a negative flight
    assert analysis.gait.cadence_spm == pytest.approx(168.9, abs=1.5)  # truth.json
    assert analysis.gait.rhythm_cadence_spm == pytest.approx(168.9, abs=1.5)
    assert not codes(analysis) & (TROUBLE | {"camera_panning"})


def test_a_slowed_down_clip_says_so_and_gives_no_cadence(analysed):
    analysis, labels = analysed("park-static-jog")
    assert labels.slow_motion
    assert "slow_motion" in codes(analysis)
    assert math.isnan(analysis.gait.cadence_spm)
    cadence = next(f for f in analysis.findings if f.check_id == "cadence")
    assert cadence.verdict == "unknown"


def test_a_clip_slowed_by_repeating_frames_says_so(analysed):
    analysis, labels = analysed("track-tripod-sprint")
    assert labels.slow_motion
    assert "slow_motion" in codes(analysis)
    footage = analysis.raw.meta["footage"]
    assert footage["held_share"] > 0.5
    assert not math.isfinite(analysis.gait.cadence_spm) or "cadence_mismatch" in codes(analysis)


def test_scene_cuts_and_a_following_camera_are_reported(analysed):
    analysis, labels = analysed("grass-follow-barefoot")
    warned = {w.code: w.message for w in analysis.warnings}
    assert "scene_cuts" in warned and "camera_panning" in warned
    assert analysis.raw.meta["footage"]["scene_cuts"] == list(labels.scene_cuts)


def test_a_following_camera_clip_keeps_its_cadence(analysed):
    analysis, labels = analysed("riverside-follow-portrait")
    assert "camera_panning" in codes(analysis)
    assert analysis.gait.cadence_spm == pytest.approx(labels.cadence_spm(), rel=0.02)
    assert not codes(analysis) & TROUBLE
