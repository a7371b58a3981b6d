"""Gait events on hand-made runners whose contacts are known exactly."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import landmarks as lm
from posecheck.errors import PosecheckError
from posecheck.gait.direction import detect_direction, mirror_to_forward
from posecheck.gait.events import (_rhythm_prediction, detect_events, one_per_landing,
                                   repair_alternation, repair_rhythm, speed)
from posecheck.sequence import PoseSequence
from support.toy import LEAD_S, LEG_PX, LIFT_PX_PER_S, STEP_S, TOE_RISE_PX, toy_runner


@pytest.mark.parametrize("fps", [30.0, 29.97, 60.0, 120.0])
def test_events_match_a_known_runner(fps):
    seq, ic, to = toy_runner(fps)
    events = detect_events(mirror_to_forward(seq, detect_direction(seq)))
    assert len(events) == len(ic)
    # sampled cosine: the planted speed is the median of the 2-6 frames in its window, not the
    # sine at the window's middle, and the crossing is linear between frames: under 4 ms
    np.testing.assert_allclose(events.ic_s, ic, atol=0.004)
    expected_to = to + TOE_RISE_PX / LIFT_PX_PER_S
    np.testing.assert_allclose(events.to_s, expected_to, atol=0.002)
    assert events.foot == tuple("right" if k % 2 == 0 else "left" for k in range(len(ic)))
    assert events.relabelled == 0
    np.testing.assert_allclose(events.mid_stance_s, (ic + expected_to) / 2, atol=0.002)
    assert np.all(events.ic_uncertainty_frames >= 0.5)


def test_speed_is_exact_on_a_cubic_and_keeps_a_fast_component():
    t = np.arange(40) / 30.0
    cubic = np.column_stack([2 * t**3 - t**2 + 0.5 * t, -t**3])
    np.testing.assert_allclose(speed(cubic, t),
                               np.column_stack([6 * t**2 - 2 * t + 0.5, -3 * t**2]), atol=1e-9)
    # a 5 Hz swing at 30 fps: the five-point slope keeps 96% of its speed, where the central
    # difference keeps sin(x) / x = 83% (x = 2 pi 5 / 30)
    omega = 2 * np.pi * 5.0
    x = omega / 30.0
    inner = slice(5, -5)
    kept = speed(np.sin(omega * t), t)[inner] / (omega * np.cos(omega * t[inner]))
    central = np.gradient(np.sin(omega * t), t)[inner] / (omega * np.cos(omega * t[inner]))
    peaks = np.abs(np.cos(omega * t[inner])) > 0.9  # where the ratio is well defined
    np.testing.assert_allclose(kept[peaks], (8 * np.sin(x) - np.sin(2 * x)) / (6 * x), rtol=1e-6)
    assert kept[peaks].min() > 0.96
    np.testing.assert_allclose(central[peaks], np.sin(x) / x, rtol=1e-6)
    # unevenly spaced frames (a phone's variable frame rate) are timed as filmed
    uneven = np.cumsum(np.r_[0.0, np.where(np.arange(39) % 3 == 0, 0.040, 0.030)])
    np.testing.assert_allclose(speed(3 * uneven - 1, uneven), 3.0, rtol=1e-9)
    # fewer than five frames: the central difference
    np.testing.assert_allclose(speed(np.array([0.0, 1.0, 4.0]), np.array([0.0, 1.0, 2.0])),
                               [1.0, 2.0, 3.0])


def test_facing_left_gives_the_same_events():
    right, ic, _ = toy_runner(60.0)
    left, _, _ = toy_runner(60.0, facing=-1)
    direction = detect_direction(left)
    assert direction.facing == -1 and detect_direction(right).facing == 1
    a = detect_events(mirror_to_forward(right, detect_direction(right)))
    b = detect_events(mirror_to_forward(left, direction))
    np.testing.assert_allclose(a.ic_s, b.ic_s, atol=1e-9)
    np.testing.assert_allclose(a.to_s, b.to_s, atol=1e-9)


def test_facing_right_keeps_the_keypoints_and_facing_left_mirrors_a_copy():
    right, _, _ = toy_runner(60.0)
    left, _, _ = toy_runner(60.0, facing=-1, width=1920)
    kept = mirror_to_forward(right, detect_direction(right))
    assert kept.keypoints_px is right.keypoints_px and kept.meta["mirrored"] is False
    before = left.keypoints_px.copy()
    mirrored = mirror_to_forward(left, detect_direction(left))
    assert mirrored.meta["mirrored"] is True
    np.testing.assert_array_equal(left.keypoints_px, before)  # the input is not edited
    np.testing.assert_array_equal(mirrored.keypoints_px[..., 0], 1920 - before[..., 0])
    np.testing.assert_array_equal(mirrored.keypoints_px[..., 1], before[..., 1])


def test_swapped_leg_labels_do_not_move_contacts_or_feet():
    fps = 60.0
    clean, ic, _ = toy_runner(fps)
    # swap the legs for a few frames around the 4th heel-reach peak, where each contact takes
    # its foot label (as pose models do in side views)
    k = int((ic[3] - LEAD_S) * fps)
    swapped, _, _ = toy_runner(fps, swap_frames=tuple(range(k - 3, k + 3)))
    a = detect_events(mirror_to_forward(clean, detect_direction(clean)))
    b = detect_events(mirror_to_forward(swapped, detect_direction(swapped)))
    np.testing.assert_allclose(b.ic_s, a.ic_s, atol=1e-9)
    assert b.foot == a.foot
    assert b.relabelled >= 1


def test_repair_alternation_keeps_the_majority_phase_per_run():
    foot = ["right", "left", "left", "left", "right"]
    fixed, changed = repair_alternation(foot, np.arange(5) * 0.35)
    assert fixed == ["right", "left", "right", "left", "right"] and changed == 1
    # a missed contact (a gap of two steps) starts a new run with its own phase
    times = np.array([0.0, 0.35, 0.7, 1.4, 1.75])
    fixed, changed = repair_alternation(["right", "left", "right", "right", "left"], times)
    assert fixed == ["right", "left", "right", "right", "left"] and changed == 0


def test_repair_alternation_follows_the_labels_when_they_change_phase_for_good():
    """After a scene cut the pose's left and right may trade places for the rest of the clip:
    the contacts follow (the steps are read on the legs by those labels), while one or two
    contacts against the rhythm inside a run are a glitch and are repaired."""
    times = np.arange(14) * 0.35
    before = ["right", "left"] * 4
    after = ["right", "left"] * 3
    labels = before + after  # two "right" in a row at contacts 7-8: the labels trade places
    fixed, changed = repair_alternation(labels, times)
    assert fixed == labels and changed == 0
    glitch = ["right", "left"] * 7
    glitch[5] = glitch[6] = "right" if glitch[5] == "left" else "left"  # 5 and 6 one foot
    fixed, changed = repair_alternation(glitch, times)
    assert fixed == ["right", "left"] * 7 and changed == 1
    # the three-contact end of a run in the other phase is followed; two are repaired
    end3 = ["right", "left"] * 5 + ["right", "right", "left", "right"]
    assert repair_alternation(end3, times)[0] == end3
    end2 = ["right", "left"] * 6 + ["left", "right"]
    assert repair_alternation(end2, times)[0] == ["right", "left"] * 7


def test_repair_rhythm_replaces_a_glitch_and_keeps_real_step_variation():
    step = 0.35
    true = 0.2 + step * np.arange(10)
    true[5] += 0.02 * step  # a real step 2% late (the force-plate runner varies up to 3%)
    seen = true.copy()
    seen[3] -= 0.045  # a pose glitch: 45 ms early, 13% of a step
    fixed, repaired = repair_rhythm(seen, weight=0.0)  # replacing only
    assert repaired.tolist() == [k == 3 for k in range(10)]
    np.testing.assert_allclose(fixed[3], true[3], atol=0.003)  # back on the rhythm's line
    np.testing.assert_array_equal(np.delete(fixed, 3), np.delete(seen, 3))
    # the first contact has neighbours on one side only: extrapolated from the next four
    seen = true.copy()
    seen[0] += 0.05
    fixed, repaired = repair_rhythm(seen, weight=0.0)
    assert repaired[0] and repaired.sum() == 1
    np.testing.assert_allclose(fixed[0], true[0], atol=0.005)


def test_rhythm_prediction_uses_the_nearest_finite_events_either_side():
    # steps of 0.3 s with a known kink: a line through the chosen neighbours gives a value that
    # tells which four were taken
    times = 0.3 * np.arange(12) + 0.01 * np.arange(12) ** 2
    times[[4, 7]] = np.nan  # missing contacts are skipped, not counted as neighbours

    def line(index, k, values=times):
        slope, offset = np.polyfit(index, values[index], 1)
        return slope * k + offset

    assert _rhythm_prediction(times, 5, 2) == pytest.approx(line([3, 6, 2, 8], 5), abs=1e-12)
    assert _rhythm_prediction(times, 0, 2) == pytest.approx(line([1, 2, 3, 5], 0), abs=1e-12)
    assert _rhythm_prediction(times, 11, 2) == pytest.approx(line([10, 9, 8, 6], 11), abs=1e-12)
    # a tie in distance for the last place: the earlier event (2) is taken, not the later (8)
    one_missing = times.copy()
    one_missing[7] = 0.3 * 7 + 0.01 * 49
    expected, other = line([6, 3, 7, 2], 5, one_missing), line([6, 3, 7, 8], 5, one_missing)
    assert abs(expected - other) > 1e-3
    assert _rhythm_prediction(one_missing, 5, 2) == pytest.approx(expected, abs=1e-12)
    assert np.isnan(_rhythm_prediction(np.array([0.0, np.nan, 0.6, np.nan]), 1, 2))  # two only


def test_repair_rhythm_leaves_irregular_steps_alone():
    # walking among other people: steps of 0.66, 0.59, 0.61, 0.57, 0.31, 0.36, 0.71 s
    times = np.array([2.628, 3.288, 3.875, 4.489, 5.061, 5.367, 5.724, 6.434])
    fixed, repaired = repair_rhythm(times)
    np.testing.assert_array_equal(fixed, times)
    assert not repaired.any()


def test_repair_rhythm_blends_detection_noise_toward_the_rhythm():
    true = 0.2 + 0.35 * np.arange(12)
    noise = 0.008 * np.array([1, -1, 1, 1, -1, -1, 1, -1, -1, 1, 1, -1])  # +-8 ms, under 6%
    fixed, repaired = repair_rhythm(true + noise)
    assert not repaired.any()
    inner = slice(2, -2)  # both neighbours on each side
    assert np.abs(fixed - true)[inner].max() < 0.8 * np.abs(noise)[inner].max()
    assert np.sqrt(np.mean((fixed - true) ** 2)) < 0.8 * np.sqrt(np.mean(noise ** 2))
    unchanged, _ = repair_rhythm(true + noise, weight=0.0)
    np.testing.assert_allclose(unchanged, true + noise)


def test_repair_rhythm_fills_an_inner_gap_but_not_across_a_missed_contact():
    times = 0.35 * np.arange(8)
    times[4] = np.nan  # a TO that was not seen
    fixed, repaired = repair_rhythm(times)
    assert fixed[4] == pytest.approx(0.35 * 4) and repaired.tolist() == [k == 4 for k in range(8)]
    # a missed contact leaves a two-step gap: two runs of three, too short to judge, unchanged
    times = np.array([0.0, 0.35, 0.6, 1.4, 1.75, 2.1])
    fixed, repaired = repair_rhythm(times)
    np.testing.assert_array_equal(fixed, times)
    assert not repaired.any()
    assert len(repair_rhythm(np.array([]))[0]) == 0


def _heels_thrown_back(seq, first: int, n_frames: int):
    """``seq`` with both heels thrown a quarter leg back in ``n_frames`` frames from ``first``."""
    kp = seq.keypoints_px.copy()
    kp[first:first + n_frames, [lm.LEFT_HEEL, lm.RIGHT_HEEL], 0] -= 0.25 * LEG_PX
    glitched = seq.replace(keypoints_px=kp)
    return mirror_to_forward(glitched, detect_direction(glitched))


def test_a_landing_glitch_is_repaired_from_the_rhythm():
    fps = 60.0
    seq, ic, _ = toy_runner(fps)
    # the pose model throws both heels back for four frames (67 ms, longer than the landing
    # must hold) between the reach peak and the 6th landing: the heel seems to be pulled back
    # at stance speed early
    forward = _heels_thrown_back(seq, int(round((ic[5] - 0.04) * fps)), 4)
    plain = detect_events(forward, rhythm_tolerance_steps=np.inf, rhythm_weight=0.0)
    assert plain.ic_s[5] < ic[5] - 0.03  # the glitch alone moves this IC by over 30 ms
    assert plain.rhythm_repaired == 0
    events = detect_events(forward)
    assert events.rhythm_repaired == 1
    np.testing.assert_allclose(events.ic_s, ic, atol=0.004)


def test_a_one_frame_blip_is_no_landing():
    fps = 60.0
    seq, ic, _ = toy_runner(fps)
    forward = _heels_thrown_back(seq, int(round((ic[5] - 0.02) * fps)), 1)
    # the heels' speed jumps through the landing level for a frame and falls back
    blip = detect_events(forward, rhythm_tolerance_steps=np.inf, rhythm_weight=0.0,
                         landing_hold_s=0.0)
    assert blip.ic_s[5] < ic[5] - 0.03
    held = detect_events(forward, rhythm_tolerance_steps=np.inf, rhythm_weight=0.0)
    assert held.rhythm_repaired == 0
    # the blip is passed over: this landing within a frame (the five-point speed spreads the
    # blip over the frames around it), the others as before
    assert abs(held.ic_s[5] - ic[5]) < 1 / fps
    others = np.arange(len(ic)) != 5
    np.testing.assert_allclose(held.ic_s[others], ic[others], atol=0.004)


def test_a_landing_found_from_two_reach_peaks_counts_once():
    # a spurious reach peak before the 4th contact's own: both searches end at its crossing
    ic = np.array([0.134, 0.479, 0.826, 1.517, 1.517, 1.867])
    foot = ["left", "right", "left", "right", "left", "right"]
    kept, feet = one_per_landing(ic, foot, same_s=0.5 / 30)
    np.testing.assert_array_equal(kept, [0.134, 0.479, 0.826, 1.517, 1.867])
    assert feet == ["left", "right", "left", "left", "right"]  # the later peak's foot
    # within half a frame is the same crossing; a frame apart are two contacts (the rhythm
    # and the step checks judge those)
    assert len(one_per_landing(np.array([1.0, 1.01, 1.4]), ["left"] * 3, same_s=1 / 60)[0]) == 2
    assert len(one_per_landing(np.array([1.0, 1.04, 1.4]), ["left"] * 3, same_s=1 / 60)[0]) == 3
    assert len(one_per_landing(np.array([]), [], same_s=0.01)[0]) == 0


def test_empty_and_legless_input_give_no_events():
    seq = PoseSequence.empty(np.arange(10) / 30, fps=30.0, frame_size=(640, 480))
    assert len(detect_events(seq)) == 0
    assert len(detect_events(PoseSequence.empty(np.array([]), fps=30.0,
                                                frame_size=(640, 480)))) == 0


def test_analyze_gait_slope_sources_and_summary():
    from posecheck.gait import analyze_gait

    seq, ic, _ = toy_runner(60.0)
    assert analyze_gait(seq).slope.source == "unknown"  # a treadmill: feet do not progress
    assert analyze_gait(seq, camera="pan").slope.source == "unknown"
    user = analyze_gait(seq, slope_deg=-6.0, height_m=1.8)
    assert user.slope.source == "user" and user.slope.deg == -6.0
    assert user.scale.source == "height" and user.is_running
    assert user.cadence_spm == pytest.approx(60 / STEP_S, abs=0.1)
    assert len(user.steps) == len(ic)
    with pytest.raises(PosecheckError):
        analyze_gait(seq, camera="drone")


def _drifting(seq: PoseSequence, px_per_s: float) -> PoseSequence:
    """The sequence as a camera following the runner down a slope sees it: the whole picture,
    ground included, moving steadily up the image."""
    kp = seq.keypoints_px.copy()
    kp[..., 1] -= px_per_s * seq.time_s[:, None]
    return seq.replace(keypoints_px=kp)


def test_a_moving_camera_has_its_ground_drift_taken_off_toe_off():
    fps = 60.0
    seq, ic, to = toy_runner(fps)
    drifting = _drifting(seq, 60.0)
    events = detect_events(mirror_to_forward(drifting, detect_direction(drifting)),
                           camera_moves=True)
    np.testing.assert_allclose(events.ic_s, ic, atol=0.004)
    np.testing.assert_allclose(events.to_s, to + TOE_RISE_PX / LIFT_PX_PER_S, atol=0.002)


def test_a_static_camera_takes_the_ground_as_still():
    fps = 60.0
    seq, ic, to = toy_runner(fps)
    expected_to = to + TOE_RISE_PX / LIFT_PX_PER_S
    still = detect_events(mirror_to_forward(seq, detect_direction(seq)), camera_moves=False)
    np.testing.assert_allclose(still.to_s, expected_to, atol=0.002)
    # the same drift read as the toe's own motion: the stance toe seems to rise all through
    # the contact and leaves its stance level early
    drifting = _drifting(seq, 60.0)
    events = detect_events(mirror_to_forward(drifting, detect_direction(drifting)),
                           camera_moves=False)
    assert np.all(events.to_s[np.isfinite(events.to_s)] < expected_to[np.isfinite(events.to_s)]
                  - 0.02)


def test_analyze_gait_fits_the_ground_drift_for_a_panning_camera_only():
    from posecheck.gait import analyze_gait

    seq, _, to = toy_runner(60.0)
    drifting = _drifting(seq, 60.0)
    expected_to = to + TOE_RISE_PX / LIFT_PX_PER_S
    panning = analyze_gait(drifting, camera="pan").events
    np.testing.assert_allclose(panning.to_s, expected_to, atol=0.002)
    static = analyze_gait(drifting, camera="static", slope_deg=0.0).events
    assert np.all(static.to_s[np.isfinite(static.to_s)] < expected_to[np.isfinite(static.to_s)]
                  - 0.02)
