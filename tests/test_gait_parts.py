"""Steps, cadence, running vs walking, slope, scale, centre of mass and direction: known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from posecheck import landmarks as lm
from posecheck.errors import PosecheckError
from posecheck.gait.analysis import shot_starts_s
from posecheck.gait.com import SEGMENTS, centre_of_mass
from posecheck.gait.direction import detect_direction, mirror_to_forward
from posecheck.gait.events import GaitEvents
from posecheck.gait.running import classify_gait
from posecheck.gait.scale import LEG_TO_HEIGHT, estimate_scale
from posecheck.gait.slope import estimate_slope, parse_slope
from posecheck.gait.steps import cadence_spm, step_table
from posecheck.sequence import PoseSequence


def events(ic, to, fps=60.0):
    ic, to = np.asarray(ic, float), np.asarray(to, float)
    foot = tuple("right" if k % 2 == 0 else "left" for k in range(len(ic)))
    zeros = np.zeros(len(ic))
    return GaitEvents(ic, to, foot, zeros, zeros, fps)


def test_step_table_times():
    table = step_table(events([0.0, 0.35, 0.70], [0.22, 0.57, 0.92]))
    np.testing.assert_allclose(table.contact_s, [0.22, 0.22, 0.22])
    np.testing.assert_allclose(table.flight_s[:2], [0.13, 0.13])
    np.testing.assert_allclose(table.step_s[:2], [0.35, 0.35])
    assert np.isnan(table.step_s[2]) and np.isnan(table.flight_s[2])
    assert table.rows()[1]["foot"] == "left"


def test_step_table_csv(tmp_path):
    table = step_table(events([0.0, 0.35], [0.22, np.nan]))
    path = tmp_path / "steps.csv"
    table.to_csv(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "step,foot,ic_s,to_s,contact_s,flight_s,step_s"
    assert lines[1] == "0,right,0.000,0.220,0.220,0.130,0.350"
    assert lines[2] == "1,left,0.350,,,,"


def test_cadence_counts_steps_over_their_span_and_skips_a_missed_contact():
    ic = np.arange(20) * (60 / 170.0)  # 170 steps/min exactly
    assert cadence_spm(ic) == pytest.approx(170.0)
    assert cadence_spm(np.delete(ic, 7)) == pytest.approx(170.0)  # a missed contact
    assert math.isnan(cadence_spm(ic[:2]))


def test_cadence_counts_the_steps_hidden_in_a_gap():
    # a runner who speeds up from 150 to 190 steps/min; two contacts of the slow start are missed:
    # leaving their gap out (with its time) would keep only the quicker steps and read high
    step_s = 60.0 / np.linspace(150.0, 190.0, 21)
    ic = np.concatenate([[0.0], np.cumsum(step_s)])
    truth = 60.0 * 21 / ic[-1]
    assert cadence_spm(np.delete(ic, [1, 2])) == pytest.approx(truth)
    assert cadence_spm(np.delete(ic, [1, 2, 3])) > truth * 1.01  # three missed: runner lost


def test_steps_and_cadence_stop_at_a_scene_cut():
    # shot one at 150 steps/min, shot two at 200; the 0.7 s from the last contact of one to the
    # first of the next is no step (nor two)
    first = np.arange(10) * 0.4
    second = first[-1] + 0.7 + np.arange(12) * 0.3
    ic = np.concatenate([first, second])
    cut_s = (first[-1] + 0.3,)
    truth = 60.0 * (9 + 11) / (first[-1] - first[0] + second[-1] - second[0])
    assert cadence_spm(ic, shot_starts_s=cut_s) == pytest.approx(truth)
    assert cadence_spm(ic) != pytest.approx(truth)  # the 3 s across the cut counted
    table = step_table(events(ic, ic + 0.2), shot_starts_s=cut_s)
    assert np.isnan(table.step_s[9]) and np.isnan(table.flight_s[9])  # no step across the cut
    np.testing.assert_allclose(table.step_s[:9], 0.4)
    np.testing.assert_allclose(table.step_s[10:-1], 0.3)


def test_running_has_flight_and_walking_double_support():
    run = step_table(events(np.arange(8) * 0.35, np.arange(8) * 0.35 + 0.22))
    walk = step_table(events(np.arange(8) * 0.55, np.arange(8) * 0.55 + 0.68))
    assert classify_gait(run).mode == "running"
    assert classify_gait(walk).mode == "walking"
    assert classify_gait(step_table(events([0.0, 0.35], [0.2, 0.55]))).mode == "unknown"


def test_a_short_clip_is_decided_only_when_every_step_agrees():
    """Three contacts (a runner crossing a tripod's frame): two flight times decide when both
    agree and the other foot does not say otherwise."""
    run = events([0.0, 0.35, 0.70], [0.22, 0.57, 0.92])  # flights 0.13 s
    walk = events([0.0, 0.55, 1.10], [0.68, 1.23, 1.78])  # double support 0.13 s
    mixed = events([0.0, 0.35, 0.70], [0.22, 0.80, 0.92])  # one flight, one double support

    def with_other(ev, other):
        return GaitEvents(ev.ic_s, ev.to_s, ev.foot, ev.ic_uncertainty_s, ev.to_uncertainty_s,
                          ev.fps, other_toe_legs=np.array(other))

    mode = classify_gait(step_table(run), run)
    assert (mode.mode, mode.n_steps, mode.source) == ("running", 2, "flight time, every step")
    assert classify_gait(step_table(walk)).mode == "walking"
    assert classify_gait(step_table(mixed)).mode == "unknown"
    # the other foot agreeing keeps the answer; one reading against it withholds it
    assert classify_gait(step_table(run), with_other(run, [np.nan, 0.3, 0.3])).mode == "running"
    assert classify_gait(step_table(run), with_other(run, [np.nan, 0.3, 0.01])).mode == "unknown"
    assert classify_gait(step_table(walk), with_other(walk, [np.nan, 0.3, 0.01])).mode == "unknown"
    # two contacts give one flight time: not enough
    assert classify_gait(step_table(events([0.0, 0.35], [0.22, 0.57]))).mode == "unknown"


@pytest.mark.parametrize("text, expected", [("-5", -5.0), ("3.5deg", 3.5), ("-8%", -4.574),
                                            ("10 %", 5.711)])
def test_parse_slope(text, expected):
    assert parse_slope(text) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("text", ["downhill", "-50", "5 percent"])
def test_parse_slope_rejects(text):
    with pytest.raises(PosecheckError):
        parse_slope(text)


def feet_on_a_line(slope_deg: float, n: int = 8, roll_deg: float = 0.0) -> PoseSequence:
    """Frames where the right foot stands at successive points of a ground line (image px)."""
    fps = 30.0
    t = np.arange(n * 10) / fps
    seq = PoseSequence.empty(t, fps=fps, frame_size=(1920, 1080))
    kp = seq.keypoints_px.copy()
    along = np.radians(slope_deg + roll_deg)
    for k in range(n):
        x = 100 + 200 * k
        y = 800 - 200 * k * np.tan(along)
        frames = slice(10 * k, 10 * k + 10)
        for name in ("right_heel", "right_foot_index", "left_heel", "left_foot_index"):
            kp[frames, lm.INDEX[name]] = (x, y)
    return seq.replace(keypoints_px=kp)


@pytest.mark.parametrize("slope_deg", [-10.0, -3.0, 0.0, 4.0])
def test_slope_from_stance_feet(slope_deg):
    seq = feet_on_a_line(slope_deg)
    mids = (np.arange(8) * 10 + 5) / 30.0
    ev = events(mids, mids)  # mid-stance = IC = TO here: the foot's frame
    ev = GaitEvents(ev.ic_s, ev.to_s, ("right",) * 8, ev.ic_uncertainty_s,
                    ev.to_uncertainty_s, ev.fps)
    slope = estimate_slope(seq, ev, leg_px=300.0)
    assert slope.source == "stance feet" and slope.n_stances == 8
    assert slope.deg == pytest.approx(slope_deg, abs=1e-6)
    rolled = estimate_slope(feet_on_a_line(slope_deg, roll_deg=2.0), ev, leg_px=300.0,
                            camera_roll_deg=2.0)
    assert rolled.deg == pytest.approx(slope_deg, abs=1e-6)


def test_slope_ignores_one_misplaced_stance_and_the_swing_foot():
    seq = feet_on_a_line(-8.0)
    kp = seq.keypoints_px.copy()
    kp[30:40, [lm.INDEX["right_heel"], lm.INDEX["right_foot_index"]], 1] -= 40  # pose error
    kp[:, [lm.INDEX["left_heel"], lm.INDEX["left_foot_index"]], 1] -= 150  # left foot in the air
    ic = np.arange(8) * 10 / 30.0
    ev = events(ic, ic + 9 / 30.0)  # stance window: frames 1-5 of each 10 (flat part)
    slope = estimate_slope(seq.replace(keypoints_px=kp), ev, leg_px=300.0)
    assert slope.n_stances == 8
    assert slope.deg == pytest.approx(-8.0, abs=1e-6)  # Theil-Sen: the median pair slope
    assert slope.uncertainty_deg < 1.0


def test_slope_unknown_when_feet_do_not_progress():
    seq = feet_on_a_line(0.0)
    mids = np.full(8, 5 / 30.0)  # every stance at the first spot: a treadmill
    slope = estimate_slope(seq, events(mids, mids), leg_px=300.0)
    assert slope.source == "unknown" and math.isnan(slope.deg)


def standing(height_px: float = 1000.0) -> PoseSequence:
    """One frame of a straight, symmetric figure (both sides at the same x) in image px."""
    seq = PoseSequence.empty(np.zeros(1), fps=30.0, frame_size=(1000, 1200))
    kp, vis = seq.keypoints_px.copy(), seq.visibility.copy()
    y = {"ear": 100, "shoulder": 250, "elbow": 420, "wrist": 560, "index": 630, "pinky": 630,
         "hip": 600, "knee": 850, "ankle": 1100, "heel": 1130, "foot_index": 1130}
    for side in ("left", "right"):
        for part, yy in y.items():
            kp[0, lm.INDEX[f"{side}_{part}"]] = (500.0, yy * height_px / 1000.0)
        kp[0, lm.INDEX[f"{side}_foot_index"], 0] = 600.0  # the toe points forward (+x)
        vis[0] = 1.0
    return seq.replace(keypoints_px=kp, visibility=vis)


def test_com_is_the_mass_weighted_sum_of_segment_centres():
    seq = standing()
    com = centre_of_mass(seq)
    masses = np.array([s.mass[0] for s in SEGMENTS])
    assert masses.sum() == pytest.approx(1.0, abs=1e-3)
    # thigh by hand: 40.95% from hip (600) to knee (850)
    thigh = [i for i, s in enumerate(SEGMENTS) if s.name == "left_thigh"][0]
    assert com.segments_px[0, thigh, 1] == pytest.approx(600 + 0.4095 * 250)
    expected_y = np.sum(masses * com.segments_px[0, :, 1]) / masses.sum()
    assert com.com_px[0, 1] == pytest.approx(expected_y)
    assert 500 < com.com_px[0, 0] < 510  # only the feet stick forward
    assert 530 < com.com_px[0, 1] < 600  # just above the hips, as in a standing person
    assert com.missing_mass[0] == pytest.approx(0.0, abs=1e-3)
    assert com.hidden_mass[0] == 0.0
    female = centre_of_mass(seq, sex="female")
    assert female.com_px[0, 1] != pytest.approx(com.com_px[0, 1])


def test_com_reports_far_side_guesses_and_refuses_missing_mass():
    seq = standing()
    vis = seq.visibility.copy()
    for part in ("shoulder", "elbow", "wrist", "index", "pinky"):
        vis[0, lm.INDEX[f"left_{part}"]] = 0.2  # the far arm is hidden
    com = centre_of_mass(seq.replace(visibility=vis))
    assert com.hidden_mass[0] == pytest.approx(0.0271 + 0.0162 + 0.0061, abs=1e-4)
    kp = seq.keypoints_px.copy()
    for part in ("hip", "knee", "ankle", "heel", "foot_index"):
        kp[0, lm.INDEX[f"left_{part}"]] = np.nan  # a whole far leg missing: 19.9% of mass
    gone = centre_of_mass(seq.replace(keypoints_px=kp))
    assert gone.missing_mass[0] > 0.15 and np.isnan(gone.com_px[0]).all()
    with pytest.raises(PosecheckError):
        centre_of_mass(seq, sex="x")


def test_scale_from_height_and_body_units():
    seq = standing()
    leg_px = 500.0  # hip 600 to ankle 1100
    body = estimate_scale(seq)
    assert body.source == "body" and body.leg_length_px == pytest.approx(leg_px)
    assert math.isnan(body.metres_per_px)
    scaled = estimate_scale(seq, height_m=1.80)
    assert scaled.metres_per_px == pytest.approx(1.80 * LEG_TO_HEIGHT / leg_px)
    with pytest.raises(PosecheckError):
        estimate_scale(seq, height_m=180)


def test_direction_and_mirror():
    seq = standing()
    assert detect_direction(seq).facing == 1
    flipped = seq.replace(keypoints_px=np.concatenate(
        [1000 - seq.keypoints_px[..., :1], seq.keypoints_px[..., 1:]], axis=-1))
    direction = detect_direction(flipped)
    assert direction.facing == -1 and direction.agreement == 1.0
    back = mirror_to_forward(flipped, direction)
    np.testing.assert_allclose(back.keypoints_px, seq.keypoints_px, equal_nan=True)
    assert back.meta["mirrored"] is True
    with pytest.raises(PosecheckError):
        detect_direction(PoseSequence.empty(np.zeros(3), fps=30.0, frame_size=(10, 10)))


def test_walking_recognised_from_the_other_foot_when_toe_off_is_not_seen():
    ic = np.arange(8) * 0.55
    no_to = np.full(8, np.nan)
    walk = events(ic, no_to)
    walk = GaitEvents(walk.ic_s, walk.to_s, walk.foot, walk.ic_uncertainty_s,
                      walk.to_uncertainty_s, walk.fps, other_toe_legs=np.full(8, 0.01))
    run = GaitEvents(walk.ic_s, walk.to_s, walk.foot, walk.ic_uncertainty_s,
                     walk.to_uncertainty_s, walk.fps, other_toe_legs=np.full(8, 0.25))
    assert classify_gait(step_table(walk), walk).mode == "walking"
    assert classify_gait(step_table(run), run).source == "other foot at IC"
    assert classify_gait(step_table(run), run).mode == "running"
    assert classify_gait(step_table(walk)).mode == "unknown"


def test_slope_needs_four_stances():
    """Three stances give a line with no check on it: one misplaced stance tilts it freely."""
    seq = feet_on_a_line(-8.0)
    mids = (np.arange(3) * 10 + 5) / 30.0
    slope = estimate_slope(seq, events(mids, mids), leg_px=300.0)
    assert slope.source == "unknown" and math.isnan(slope.deg) and slope.n_stances == 3
    assert "4 needed" in slope.note
    mids = (np.arange(4) * 10 + 5) / 30.0
    four = estimate_slope(seq, events(mids, mids), leg_px=300.0)
    assert four.deg == pytest.approx(-8.0, abs=1e-6) and math.isfinite(four.uncertainty_deg)


def test_shot_starts_come_from_the_scene_cuts_footage_found():
    time_s = np.arange(100) / 25.0
    seq = PoseSequence.empty(time_s, fps=25.0, frame_size=(640, 360),
                             meta={"footage": {"scene_cuts": [40, 75]}})
    assert shot_starts_s(seq) == pytest.approx((39.5 / 25.0, 74.5 / 25.0))
    assert shot_starts_s(PoseSequence.empty(time_s, fps=25.0, frame_size=(640, 360))) == ()
