"""The gait layer's self-checks, each from a case whose answer is known: the synthetic runner's
exact landmarks (cadence, step times and view known by construction), with contacts removed or
invented, its clock stretched, or the same runner seen from the front."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from posecheck.analyze import real_time
from posecheck.checks.registry import run_checks
from posecheck.gait import analyze_gait
from posecheck.gait.analysis import trusted_cadence
from posecheck.gait.events import GaitEvents
from posecheck.gait.plausibility import (
    cadence_cross_check,
    check_steps,
    rhythm_cadence_spm,
    view_off_side_deg,
    view_off_side_frames_deg,
)
from posecheck.gait.running import GaitMode
from posecheck.checks.steps import OBLIQUE_PROBLEM, collect_steps
from posecheck.gait.steps import step_table
from posecheck.result import collect_warnings
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params


@pytest.fixture(scope="module")
def clip() -> SyntheticClip:
    # a panning camera keeps the runner in frame for 4 s: about 12 steps at 180 steps/min
    return SyntheticClip(ClipSpec(gait=preset_params("level-good"), preset="level-good",
                                  camera="pan", fps=60.0, seconds=4.0))


@pytest.fixture(scope="module")
def gait(clip):
    return analyze_gait(clip.exact_pose(), camera="pan", slope_deg=0.0)


def _events(ic_s: np.ndarray, to_s: np.ndarray, fps: float) -> GaitEvents:
    foot = tuple("left" if i % 2 == 0 else "right" for i in range(len(ic_s)))
    zeros = np.zeros(len(ic_s))
    return GaitEvents(ic_s, to_s, foot, zeros, zeros, fps)


def test_rhythm_of_the_legs_gives_the_designed_cadence(clip, gait):
    truth = clip.spec.gait.cadence_spm
    assert rhythm_cadence_spm(gait.forward) == pytest.approx(truth, rel=0.02)
    assert gait.cadence_spm == pytest.approx(truth, rel=0.02)
    assert gait.cadence_issue == "" and gait.cadence_note == ""


def test_a_halved_or_doubled_cadence_is_caught(gait):
    events, rhythm = gait.events, gait.rhythm_cadence_spm
    # every other contact missed: the contacts say half the cadence
    halved = _events(events.ic_s[::2], events.to_s[::2], events.fps)
    cadence, issue, note = trusted_cadence(halved, gait.mode, rhythm)
    assert math.isnan(cadence) and issue == "cadence_mismatch" and "about half" in note
    # a contact invented between each pair: double the cadence
    middle = (events.ic_s[:-1] + events.ic_s[1:]) / 2
    doubled_ic = np.sort(np.concatenate([events.ic_s, middle]))
    doubled = _events(doubled_ic, np.full(len(doubled_ic), np.nan), events.fps)
    cadence, issue, note = trusted_cadence(doubled, gait.mode, rhythm)
    assert math.isnan(cadence) and issue == "cadence_mismatch" and "about double" in note
    assert cadence_cross_check(170.0, 168.0) == ""


def test_a_slowed_down_clip_is_flagged_until_its_factor_is_given(clip):
    pose = clip.exact_pose()
    slowed = pose.replace(time_s=pose.time_s * 3, fps=pose.fps / 3)  # played 3x slower
    gait = analyze_gait(slowed, camera="pan", slope_deg=0.0)
    assert gait.mode.mode == "running"
    assert gait.cadence_issue == "slow_motion" and math.isnan(gait.cadence_spm)
    codes = {w.code for w in collect_warnings(slowed, gait, "", run_checks(gait))}
    assert "slow_motion" in codes
    cadence = next(f for f in run_checks(gait) if f.check_id == "cadence")
    assert cadence.verdict == "unknown" and "slowed down" in cadence.reason
    restored = analyze_gait(real_time(slowed, 3.0), camera="pan", slope_deg=0.0)
    assert restored.cadence_issue == ""
    assert restored.cadence_spm == pytest.approx(clip.spec.gait.cadence_spm, rel=0.02)


def test_implausible_steps_are_named_and_get_no_confidence(gait):
    events = gait.events
    assert all(p == "" for p in gait.step_check.problem[1:-1])
    assert (gait.step_check.confidence[1:-1] > 0.5).all()
    # one contact's toe-off moved past the next landing: negative flight, and a 1.4 s contact
    to_s = events.to_s.copy()
    to_s[3] = events.ic_s[4] + 0.05
    broken = dataclasses.replace(events, to_s=to_s)
    steps = step_table(broken)
    check = check_steps(broken, steps, running=True)
    assert check.problem[3] == "negative flight time"
    assert check.confidence[3] == 0.0
    # a missed contact: the step over it is twice its neighbours'
    ic_s = np.delete(events.ic_s, 6)
    missed = _events(ic_s, np.delete(events.to_s, 6), events.fps)
    check = check_steps(missed, step_table(missed), running=True)
    assert check.problem[5] == "step time off the rhythm"
    assert check.problem[2] == ""


def _front_view(clip: SyntheticClip):
    """The same runner filmed from the front: image x is the lateral axis."""
    world = clip.landmarks_m
    scale_px_per_m = 300.0
    keypoints = np.stack([640 + world[..., 2] * scale_px_per_m,
                          700 - world[..., 1] * scale_px_per_m], axis=-1)
    return clip.exact_pose().replace(keypoints_px=keypoints)


def _ray_angle_deg(clip: SyntheticClip) -> float:
    """Median angle between the camera's line of sight to the hip midpoint and the runner's
    lateral axis: how far from side-on the camera sees the runner."""
    hips = clip.landmarks_m[:, [23, 24]].mean(axis=1)
    rays = hips - np.array([camera.position_m for camera in clip.cameras])
    return float(np.median(np.degrees(np.arctan2(np.abs(rays[:, 0]), np.abs(rays[:, 2])))))


@pytest.mark.parametrize("camera, seconds", [("static", 1.5), ("pan", 4.0)])
def test_view_angle_is_the_line_of_sight(camera, seconds):
    # a tripod sees a crossing runner obliquely away from the frame's centre; a panning camera
    # beside the middle of the path turns to follow, obliquely towards the path's ends
    clip = SyntheticClip(ClipSpec(gait=preset_params("level-good"), preset="level-good",
                                  camera=camera, fps=60.0, seconds=seconds))
    # within 5 deg: the estimate assumes a frontal width of 0.6 torso lengths, the synthetic
    # body's is 0.525 (which reads 30 deg as 26)
    assert view_off_side_deg(clip.exact_pose()) == pytest.approx(_ray_angle_deg(clip), abs=5)


def test_a_front_view_is_told_from_a_side_view(clip, gait):
    front = _front_view(clip)
    assert view_off_side_deg(front) > 60
    gait_front = dataclasses.replace(gait, view_off_side_deg=view_off_side_deg(front),
                                     view_frames_deg=view_off_side_frames_deg(front,
                                                                              window_s=0.7))
    findings = run_checks(gait_front)
    assert all(f.verdict == "unknown" and "side-on" in f.reason for f in findings)
    codes = {w.code for w in collect_warnings(clip.exact_pose(), gait_front, "", findings)}
    assert "not_side_on" in codes


def test_a_long_pan_judges_the_steps_seen_side_on_and_leaves_out_its_ends():
    # 6 s of a runner passing a panning camera 6 m away: side-on at the middle, 55-60 deg off
    # at the ends, half the clip past 30 deg
    spec = ClipSpec(gait=preset_params("level-good"), preset="level-good", camera="pan",
                    fps=30.0, seconds=6.0)
    clip = SyntheticClip(spec)
    pose = clip.exact_pose()
    gait = analyze_gait(pose, camera="pan", slope_deg=0.0)
    assert gait.view_off_side_deg > 30  # as a whole clip it is not side-on
    frames = [int(np.argmin(np.abs(pose.time_s - x))) for x in gait.events.ic_s]
    truth = _ray_angle_deg_per_frame(clip)[frames]
    # the girdles' width assumes a frontal width of 0.6 torso lengths where the synthetic
    # body's is 0.525, so it reads asin(0.875 sin(angle)): 44 deg at 52 (as the clip test above)
    expected = np.degrees(np.arcsin(0.525 / 0.6 * np.sin(np.radians(truth))))
    view = gait.contact_view_deg()
    np.testing.assert_allclose(view, expected, atol=5)  # a stride's median: 4.4 side-on
    clear = np.abs(expected - 30) > 4  # the steps whose side of the limit is not in doubt
    assert clear.sum() >= 8 and (expected[clear] > 30).sum() >= 3
    steps = collect_steps(gait.seen_side_on())
    oblique = np.array([p == OBLIQUE_PROBLEM for p in steps.problem])
    np.testing.assert_array_equal(oblique[clear], expected[clear] > 30)
    findings = {f.check_id: f for f in run_checks(gait)}
    knee = findings["knee"]
    assert knee.verdict != "unknown"
    assert knee.left_out.get(OBLIQUE_PROBLEM) == int(oblique.sum())
    assert knee.measure.value == pytest.approx(20.0, abs=2)  # level-good lands at 20 deg
    warned = {w.code: w.message for w in collect_warnings(pose, gait, "", tuple(findings.values()))}
    assert f"at {int(oblique.sum())} of {len(view)} foot strikes" in warned["not_side_on"]


def _ray_angle_deg_per_frame(clip: SyntheticClip) -> np.ndarray:
    hips = clip.landmarks_m[:, [23, 24]].mean(axis=1)
    rays = hips - np.array([camera.position_m for camera in clip.cameras])
    return np.degrees(np.arctan2(np.abs(rays[:, 0]), np.abs(rays[:, 2])))


def test_a_small_runner_is_warned_about_and_a_clean_clip_is_not(clip, gait):
    clean_codes = {w.code for w in collect_warnings(clip.exact_pose(), gait, "",
                                                    run_checks(gait))}
    assert not clean_codes & {"not_side_on", "small_runner", "cadence_mismatch",
                              "slow_motion", "steps_left_out"}
    pose = clip.exact_pose()
    small = pose.replace(keypoints_px=pose.keypoints_px * 0.15)  # a leg of ~50 px
    small_gait = analyze_gait(small, camera="pan", slope_deg=0.0)
    codes = {w.code for w in collect_warnings(small, small_gait, "", run_checks(small_gait))}
    assert "small_runner" in codes


def test_walking_is_not_checked_for_slow_motion(gait):
    walking = dataclasses.replace(gait.mode, mode="walking")
    slow_ic = gait.events.ic_s * 2  # 90 steps/min
    events = _events(slow_ic, np.full(len(slow_ic), np.nan), gait.events.fps)
    cadence, issue, _ = trusted_cadence(events, walking, math.nan)
    assert issue == "" and cadence == pytest.approx(gait.cadence_spm / 2, rel=0.01)


def test_pace_change_reads_a_runner_speeding_up():
    from posecheck.gait.plausibility import pace_change
    from posecheck.gait.steps import StepTable

    # step times shrink from 0.40 s to 0.32 s: cadence 150 -> 187.5 steps/min (+25%)
    step_s = np.linspace(0.40, 0.32, 9)
    ic_s = np.concatenate([[0.0], np.cumsum(step_s)[:-1]])
    nan = np.full(9, np.nan)
    table = StepTable(("left", "right") * 4 + ("left",), ic_s, nan, nan, nan, step_s)
    change = pace_change(table, np.ones(9, dtype=bool))
    assert change == pytest.approx(0.25, abs=0.02)
    steady = StepTable(table.foot, np.arange(9) * 0.35, nan, nan, nan, np.full(9, 0.35))
    assert pace_change(steady, np.ones(9, dtype=bool)) == pytest.approx(0.0, abs=1e-9)
    assert np.isnan(pace_change(steady, np.arange(9) < 5))  # too few trusted steps


def test_not_running_says_walking_or_too_few_steps_to_tell(clip, gait):
    pose = clip.exact_pose()

    def not_running(mode: GaitMode) -> list[str]:
        changed = dataclasses.replace(gait, mode=mode)
        return [w.message for w in collect_warnings(pose, changed, "", run_checks(changed))
                if w.code == "not_running"]

    assert not_running(gait.mode) == []  # running: no such warning
    assert not_running(GaitMode("walking", 0.0, 10, "flight")) == [
        "the clip shows walking, not running; the running checks are not judged"]
    unknown = not_running(GaitMode("unknown", float("nan"), 1, ""))
    assert unknown == [f"the steps do not show whether this is running ({len(gait.events)} "
                       "foot contacts found); the running checks are not judged"]


def test_feet_that_disagree_are_warned_and_alike_feet_are_not(clip, gait):
    from posecheck.gait.plausibility import feet_disagreement

    pose = clip.exact_pose()

    def codes(g) -> list[str]:
        return [w.code for w in collect_warnings(pose, g, "", run_checks(g))]

    assert "feet_disagree" not in codes(gait)
    events = gait.events
    right = np.array([f == "right" for f in events.foot])
    assert right.sum() >= 3 and (~right).sum() >= 3
    # the right foot's toe-offs read 0.10 s late, the left's 0.10 s early: contacts alternate
    # about 0.1 and 0.3 s, as on a clip where one foot's toe-off is misread
    shifted = np.where(right, events.to_s + 0.10, events.to_s - 0.10)
    moved = dataclasses.replace(events, to_s=shifted)
    table = step_table(moved)
    trusted = np.ones(len(moved), dtype=bool)
    note = feet_disagreement(table, trusted)
    assert note.startswith("the two feet disagree: contact time")
    left_s = float(np.nanmedian(table.contact_s[~right]))
    right_s = float(np.nanmedian(table.contact_s[right]))
    assert f"{left_s:.2f} s on the left foot against {right_s:.2f} s on the right" in note
    changed = dataclasses.replace(gait, events=moved, steps=table)
    assert "feet_disagree" in codes(changed)
    # the strikes of one foot a fifth of a step late: step times alternate 0.8 : 1.2
    step = float(np.nanmedian(gait.steps.step_s))
    late = dataclasses.replace(events, ic_s=np.where(right, events.ic_s + 0.2 * step,
                                                     events.ic_s))
    assert feet_disagreement(step_table(late), trusted).startswith(
        "the two feet disagree: step time")
    # too few steps a foot to tell
    assert feet_disagreement(table, np.arange(len(moved)) < 4) == ""
