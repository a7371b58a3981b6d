"""The synthetic runner's truth: preset values reached exactly, feet planted, files and CLI."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from posecheck.cli import main
from posecheck.errors import PosecheckError
from posecheck.kinematics import angle_deg
from posecheck.landmarks import INDEX
from posecheck.overlay import near_side
from posecheck.synth.body import Body
from posecheck.synth.camera import Camera
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.gait import WALKING, Gait, GaitParams
from posecheck.synth.presets import PRESETS, preset_params
from posecheck.synth.truth import load_truth, true_metrics

BODY = Body.from_height(1.75)
GROUND_TOL_M = 1e-3  # the brief's "moves < 1 mm"

#: preset field -> truth metric that must equal it
SET_METRICS = {
    "lean_deg": "lean_from_ankle_deg",
    "waist_bend_deg": "waist_bend_deg",
    "knee_flexion_ic_deg": "knee_flexion_ic_deg",
    "knee_flexion_mid_deg": "knee_flexion_mid_stance_deg",
    "foot_strike_deg": "foot_strike_angle_deg",
    "shoulder_abduction_deg": "shoulder_abduction_deg",
    "elbow_deg": "elbow_angle_deg",
    "arm_swing_deg": "arm_swing_range_deg",
    "cadence_spm": "cadence_spm",
    "duty_factor": "duty_factor",
}


def small_spec(preset: str = "level-good", **changes) -> ClipSpec:
    values = dict(gait=preset_params(preset), preset=preset, width=320, height=180, fps=30.0,
                  seconds=0.5, seed=0)
    values.update(changes)
    return ClipSpec(**values)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_truth_metrics_equal_preset_values(preset):
    params = preset_params(preset)
    metrics = true_metrics(Gait(BODY, params))
    for field, metric in SET_METRICS.items():
        assert metrics[metric] == pytest.approx(getattr(params, field), abs=1e-6), metric
    assert metrics["whole_body_lean_vs_slope_normal_deg"] == pytest.approx(
        metrics["whole_body_lean_deg"] + params.slope_deg, abs=1e-6)
    # the check's lean stands on the midfoot, a few cm ahead of the ankle: a smaller angle
    assert 2.0 < metrics["lean_from_ankle_deg"] - metrics["whole_body_lean_deg"] < 8.0
    step_time = 60.0 / params.cadence_spm
    assert metrics["contact_time_s"] == pytest.approx(params.duty_factor * 2 * step_time)
    assert metrics["step_length_m"] == pytest.approx(params.speed_mps * step_time, abs=1e-9)


def test_overrides_reach_the_truth():
    params = preset_params("downhill-good", knee_flexion_ic_deg=12.0, lean_deg=6.0)
    metrics = true_metrics(Gait(BODY, params))
    assert metrics["knee_flexion_ic_deg"] == pytest.approx(12.0, abs=1e-6)
    assert metrics["lean_from_ankle_deg"] == pytest.approx(6.0, abs=1e-6)


def test_braking_lands_further_ahead_than_good():
    good = true_metrics(Gait(BODY, preset_params("downhill-good")))
    braking = true_metrics(Gait(BODY, preset_params("downhill-braking")))
    assert braking["foot_landing_from_com_m"] > good["foot_landing_from_com_m"] + 0.1
    assert braking["whole_body_lean_vs_slope_normal_deg"] < -5


def _ground_height(points: np.ndarray, slope_deg: float) -> np.ndarray:
    """Height of (..., 3) points above the ground line y = x tan(slope), along its normal."""
    th = math.radians(slope_deg)
    return -points[..., 0] * math.sin(th) + points[..., 1] * math.cos(th)


def _stance_samples(gait: Gait, k: int, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """(times, landmarks) across the stance of step k."""
    times = k * gait.step_time_s + np.linspace(0, gait.contact_time_s, n)
    return times, np.array([gait.pose(t).landmarks_m for t in times])


#: every preset, and level-good walking (double support: both feet planted at once)
GAITS = {**{name: preset_params(name) for name in sorted(PRESETS)},
         "level-good-walking": preset_params("level-good", **WALKING)}


@pytest.mark.parametrize("preset", sorted(GAITS))
def test_stance_foot_does_not_slide(preset):
    gait = Gait(BODY, GAITS[preset])
    for k in (2, 3):  # a right and a left step, away from t = 0
        side = gait.side_of_step(k)
        _, lm = _stance_samples(gait, k)
        points = lm[:, [INDEX[f"{side}_heel"], INDEX[f"{side}_foot_index"]]]
        height = _ground_height(points, gait.params.slope_deg)
        on_ground = height < GROUND_TOL_M
        assert on_ground.any(axis=1).all(), "some stance instant has no foot point on the ground"
        for j in range(2):
            grounded = points[on_ground[:, j], j]
            if len(grounded):
                spread = np.ptp(grounded, axis=0)
                assert spread.max() < GROUND_TOL_M, spread


def test_treadmill_stance_foot_moves_at_belt_speed():
    params = preset_params("level-good", treadmill=True)
    gait = Gait(BODY, params)
    times, lm = _stance_samples(gait, 2)
    toe = lm[:, INDEX["right_foot_index"]]
    flat = _ground_height(lm[:, INDEX["right_heel"]], 0.0) < GROUND_TOL_M
    flat &= _ground_height(toe, 0.0) < GROUND_TOL_M
    velocity = np.polyfit(times[flat], toe[flat, 0], 1)[0]
    assert velocity == pytest.approx(-params.speed_mps, rel=1e-6)
    pelvis_x = [gait.pose(t).landmarks_m[INDEX["left_hip"], 0] for t in times]
    assert np.ptp(pelvis_x) < 1e-9


@pytest.mark.parametrize("preset", sorted(GAITS))
def test_feet_never_below_ground(preset):
    gait = Gait(BODY, GAITS[preset])
    times = np.linspace(0, 2 * gait.stride_time_s, 1500)
    lm = np.array([gait.pose(t).landmarks_m for t in times])
    feet = [INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("heel", "foot_index", "ankle")]
    assert _ground_height(lm[:, feet], gait.params.slope_deg).min() > -1e-9


def test_segment_lengths_are_constant():
    gait = Gait(BODY, preset_params("downhill-braking"))
    lm = np.array([gait.pose(t).landmarks_m for t in np.linspace(0, 1.5, 300)])
    for a, b, length in (("right_hip", "right_knee", BODY.thigh_m),
                         ("left_knee", "left_ankle", BODY.shank_m),
                         ("right_shoulder", "right_elbow", BODY.upper_arm_m),
                         ("left_elbow", "left_wrist", BODY.forearm_m)):  # fmt: skip
        d = np.linalg.norm(lm[:, INDEX[a]] - lm[:, INDEX[b]], axis=1)
        assert np.allclose(d, length, atol=1e-9), (a, b)


def test_com_sits_at_a_plausible_height():
    gait = Gait(BODY, preset_params("level-good"))
    com = np.array([gait.pose(t).com_m for t in np.linspace(0, gait.stride_time_s, 50)])
    # standing CoM is about 0.55 of height; a runner's is a little lower (flexed knees)
    assert np.all((com[:, 1] > 0.45 * BODY.height_m) & (com[:, 1] < 0.6 * BODY.height_m))


def test_camera_projection_and_mirror():
    cam = Camera(np.array([0.0, 1.0, 5.0]), 0.0, 1000.0, 640, 360, 1)
    assert np.allclose(cam.project(np.array([0.0, 1.0, 0.0])), (320, 180))
    assert np.allclose(cam.project(np.array([1.0, 0.5, 0.0])), (520, 280))
    mirror = Camera(np.array([0.0, 1.0, 5.0]), 0.0, 1000.0, 640, 360, -1)
    assert np.allclose(mirror.project(np.array([1.0, 0.5, 0.0])), (120, 280))
    panned = Camera(np.array([0.0, 1.0, 5.0]), math.atan2(2.0, 5.0), 1000.0, 640, 360, 1)
    assert np.allclose(panned.project(np.array([2.0, 1.0, 0.0])), (320, 180))


@pytest.mark.parametrize("preset", ["level-good", "downhill-braking"])
def test_static_camera_frames_a_short_clip_as_large_as_a_panning_one(preset):
    short = SyntheticClip(small_spec(preset, camera="static", seconds=1.0))
    pan = SyntheticClip(small_spec(preset, camera="pan", seconds=1.0))
    # a coach's tripod clip: the runner about half the frame height or more, like a pan
    assert short.runner_height_fraction() >= 0.5
    assert short.runner_height_fraction() >= 0.9 * pan.runner_height_fraction()
    # the fraction is the standing height seen at the hip's depth: two points 1.75 m apart there
    camera = short.cameras[0]
    hip = short.landmarks_m[0, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=0)
    ends = camera.project(np.array([hip, hip + (0.0, 1.75, 0.0)]))
    one_frame = abs(ends[1, 1] - ends[0, 1]) / 180
    assert one_frame == pytest.approx(short.runner_height_fraction(), rel=0.03)
    # a longer tripod clip must shrink the runner to keep the whole path in frame
    long = SyntheticClip(small_spec(preset, camera="static", seconds=2.0))
    assert long.runner_height_fraction() < 0.8 * short.runner_height_fraction()
    for clip in (short, long):
        assert (clip.landmarks_px >= 0).all() and (clip.landmarks_px <= (320, 180)).all()
    assert short.truth_info()["scene"]["runner_height_fraction"] == short.runner_height_fraction()


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_runner_moves_the_way_asked(direction):
    clip = SyntheticClip(small_spec(direction=direction, seconds=1.0))
    hip_x = clip.landmarks_px[:, INDEX["left_hip"], 0]
    assert (hip_x[-1] - hip_x[0] > 0) == (direction == "ltr")
    near = "right" if direction == "ltr" else "left"
    assert clip.truth_info()["near_side"] == near
    # the near side is nearer the camera
    assert np.all(clip.landmarks_m[:, INDEX[f"{near}_hip"], 2] > 0)
    # and the exact pose's world landmarks say so as MediaPipe's do (hip-centred, smaller z)
    world = clip.exact_pose().world_m
    far = "left" if near == "right" else "right"
    assert np.all(world[:, INDEX[f"{near}_hip"], 2] < world[:, INDEX[f"{far}_hip"], 2])
    assert np.allclose(world[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1), 0.0)
    assert set(near_side(clip.exact_pose())) == {near}


def test_same_seed_same_frames_and_truth():
    a, b = SyntheticClip(small_spec(seed=5)), SyntheticClip(small_spec(seed=5))
    for fa, fb in zip(a.frames(), b.frames()):
        assert np.array_equal(fa, fb)
    assert a.truth_info() == b.truth_info()
    for key, value in a.truth_arrays().items():
        assert np.array_equal(value, b.truth_arrays()[key]), key
    other = SyntheticClip(small_spec(seed=6))
    assert not np.array_equal(next(a.frames()), next(other.frames()))


def test_truth_files_round_trip(tmp_path):
    clip = SyntheticClip(small_spec("downhill-good", camera="pan", seconds=1.0))
    path = clip.write(tmp_path / "run.mp4")
    truth = load_truth(path)
    n = len(clip.time_s)
    assert truth.landmarks_px.shape == (n, 33, 2) and truth.landmarks_m.shape == (n, 33, 3)
    assert truth.com_px.shape == (n, 2) and truth.in_contact.shape == (n, 2)
    assert truth.info["camera"] == "pan" and truth.info["slope_deg"] == -8.0
    assert truth.metrics["knee_flexion_ic_deg"] == pytest.approx(20.0, abs=1e-6)
    fps = truth.info["fps"]
    ics = truth.event_times("right", "initial_contact").tolist()
    ics += truth.event_times("left", "initial_contact").tolist()
    assert len(ics) >= 2
    for side in ("left", "right"):
        for event in truth.events[side]["initial_contact"]:
            assert abs(event["frame"] / fps - event["time_s"]) <= 0.5 / fps + 1e-12
            # the foot is on the ground in the first frame at or after its initial contact
            after = math.ceil(event["time_s"] * fps - 1e-9)
            if after < n:
                assert truth.in_contact[after, 0 if side == "left" else 1]
    # step time from the event times equals the cadence
    assert np.diff(sorted(ics)) == pytest.approx(60.0 / truth.metrics["cadence_spm"])
    assert load_truth(tmp_path / "run.truth.json").info == truth.info


def test_cli_renders_with_overrides(tmp_path, capsys):
    out = tmp_path / "knee.mp4"
    code = main(["synth", "level-good", "-o", str(out), "--seconds", "0.5", "--frame-width", "320",
                 "--frame-height", "180", "--fps", "30", "--knee-flexion-ic-deg", "27",
                 "--direction", "rtl", "--background", "busy"])  # fmt: skip
    assert code == 0 and out.exists()
    truth = load_truth(out)
    assert truth.metrics["knee_flexion_ic_deg"] == pytest.approx(27.0, abs=1e-6)
    assert truth.info["direction"] == "rtl" and truth.info["scene"]["background"] == "busy"


def test_bad_input_is_one_clear_error(tmp_path, capsys):
    with pytest.raises(PosecheckError, match="duty factor"):
        GaitParams(duty_factor=0.49).check()  # neither flight nor double support to speak of
    with pytest.raises(PosecheckError, match="duty factor"):
        GaitParams(duty_factor=0.8).check()
    with pytest.raises(PosecheckError, match="variability needs a flight phase"):
        GaitParams(duty_factor=0.6, step_time_cv=0.02).check()
    with pytest.raises(PosecheckError, match="view must be one of side, front, behind"):
        SyntheticClip(small_spec(view="above"))
    with pytest.raises(PosecheckError, match="no panning camera"):
        SyntheticClip(small_spec(view="front", camera="pan"))
    with pytest.raises(PosecheckError, match="no direction across the picture"):
        SyntheticClip(small_spec(view="behind", direction="rtl"))
    with pytest.raises(PosecheckError, match="unknown preset"):
        preset_params("uphill-sprint")
    with pytest.raises(PosecheckError, match="leaves the frame"):
        SyntheticClip(small_spec(seconds=20.0, camera_distance_m=2.0))
    assert main(["synth", "level-good", "-o", str(tmp_path / "x.avi"), "--seconds", "0.2",
                 "--frame-width", "320", "--frame-height", "180"]) == 1  # fmt: skip
    assert "must be an .mp4" in capsys.readouterr().err


# ---- swing-leg retraction and step-to-step variability ------------------------------------------


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_foot_is_pulled_back_before_it_lands(preset):
    gait = Gait(BODY, preset_params(preset))
    t_ic = 2 * gait.step_time_s  # a right step
    times = t_ic - np.linspace(0.15, 1e-7, 1500)
    lm = np.array([gait.pose_overground(t).landmarks_m for t in times])
    hip_x = 0.5 * (lm[:, INDEX["left_hip"], 0] + lm[:, INDEX["right_hip"], 0])
    reach = lm[:, INDEX["right_heel"], 0] - hip_x
    lead_s = t_ic - times[np.argmax(reach)]
    assert 0.02 < lead_s < 0.1  # the heel's most forward point comes tens of ms before IC
    # the ankle lands moving forward slower than the hips, near the set fraction of running
    # speed (the last tens of ms it trails on a leg bent at the IC flexion, which adds up to
    # 0.12 of running speed on the presets), and coming down
    ankle = lm[-2:, INDEX["right_ankle"], :2]
    velocity = (ankle[1] - ankle[0]) / (times[-1] - times[-2])
    fraction = gait.params.landing_foot_speed_fraction
    along = float(velocity @ gait.ground_dir) / gait.params.speed_mps
    assert fraction - 0.01 < along < min(fraction + 0.15, 0.8)
    normal = np.array([-gait.ground_dir[1], gait.ground_dir[0]])
    assert velocity @ normal < -0.05  # m/s: coming down onto the ground


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_knee_is_least_flexed_at_landing(preset):
    # terminal swing: the knee extends towards the designed IC flexion and no further, and
    # bends after contact; it never folds again just before landing (so a sample a few ms either
    # side of IC reads close to the IC value, as on real runners)
    gait = Gait(BODY, preset_params(preset))
    t_ic = 2 * gait.step_time_s  # a right step
    ic_deg = gait.params.knee_flexion_ic_deg
    before = [t_ic - dt for dt in np.linspace(0.06, 1e-6, 61)]
    after = [t_ic + dt for dt in np.linspace(1e-6, 0.03, 31)]
    flexion = [180 - angle_deg(*(gait.pose_overground(t).landmarks_m[INDEX[f"right_{n}"]]
                                 for n in ("hip", "knee", "ankle"))) for t in before + after]
    assert np.all(np.diff(flexion[30:61]) < 0.01)  # the last 30 ms: extending, not folding
    assert min(flexion) == pytest.approx(ic_deg, abs=0.1)
    assert np.all(np.diff(flexion[61:]) > 0)
    assert flexion[-1] > ic_deg + 3


def test_step_times_vary_with_the_set_coefficient_of_variation():
    from posecheck.synth.timing import StepTiming

    gait = Gait(BODY, preset_params("level-good"))
    timing = StepTiming.draw(gait, 0.1, 600.0, cv=0.025, rng=np.random.default_rng(0))
    steps = [timing.ic_time(k + 1) - timing.ic_time(k) for k in range(1, 1500)]
    assert np.std(steps) / np.mean(steps) == pytest.approx(0.025, rel=0.1)
    assert np.mean(steps) == pytest.approx(gait.step_time_s, rel=0.005)
    # the warp is monotone and its rate continuous (no jump in speed at IC or toe-off)
    clock = np.linspace(1.0, 5.0, 400001)
    rate = np.diff(timing.gait_time(clock)) / np.diff(clock)
    assert rate.min() > 0.8 and np.abs(np.diff(rate)).max() < 1e-3


def test_varied_steps_have_exact_truth():
    spec = small_spec(gait=preset_params("downhill-good", step_time_cv=0.03), camera="pan",
                      seconds=3.0, seed=4)  # fmt: skip
    clip = SyntheticClip(spec)
    info = clip.truth_info()
    steps = info["steps"]
    step_times = np.array([s["step_time_s"] for s in steps])
    assert np.ptp(step_times) > 0.005  # the steps differ
    nominal = info["metrics"]
    for step in steps:  # each stance is the steady one, played at its own rate
        ratio = step["contact_time_s"] / nominal["contact_time_s"]
        assert 0.85 < ratio < 1.15
        assert step["ic_s"] + step["contact_time_s"] == pytest.approx(step["to_s"], abs=1e-12)
    # events are the steps' times inside the clip
    for side in ("left", "right"):
        mine = [s for s in steps if s["foot"] == side]
        for kind, key in (("initial_contact", "ic_s"), ("toe_off", "to_s")):
            inside = [s[key] for s in mine if 0 <= s[key] <= clip.time_s[-1]]
            assert [e["time_s"] for e in info["events"][side][kind]] == inside
        # every frame is in contact exactly between that foot's IC and toe-off
        expected = np.zeros(len(clip.time_s), dtype=bool)
        for s in mine:
            expected |= (clip.time_s >= s["ic_s"]) & (clip.time_s <= s["to_s"])
        assert np.array_equal(clip.truth_arrays()["in_contact"][:, int(side == "right")], expected)
    # at each true IC the landing knee has the nominal flexion (the geometry is exact)
    for step in steps:
        gait_t = clip.timing.gait_time(clip.start_time_s + step["ic_s"])
        pose = clip.gait.pose(float(gait_t))
        side = step["foot"]
        knee = 180.0 - angle_deg(*(pose.landmarks_m[INDEX[f"{side}_{j}"]]
                                   for j in ("hip", "knee", "ankle")))  # fmt: skip
        assert knee == pytest.approx(nominal["knee_flexion_ic_deg"], abs=1e-6)
    # same spec and seed: same truth; another seed: other step times
    assert SyntheticClip(spec).truth_info() == info
    other = SyntheticClip(dataclasses.replace(spec, seed=5)).truth_info()["steps"]
    assert [s["step_time_s"] for s in other] != step_times.tolist()


def test_steady_clips_keep_the_nominal_times():
    clip = SyntheticClip(small_spec(seconds=1.0))
    assert np.array_equal(clip.gait_time_s, clip.start_time_s + clip.time_s)
    steps = clip.steps()
    assert all(s["step_time_s"] == pytest.approx(clip.gait.step_time_s) for s in steps)


def test_cli_variability(tmp_path, capsys):
    out = tmp_path / "varied.mp4"
    assert main(["synth", "level-good", "-o", str(out), "--seconds", "1", "--frame-width", "320",
                 "--frame-height", "180", "--fps", "30", "--variability"]) == 0  # fmt: skip
    truth = load_truth(out)
    assert truth.info["gait"]["step_time_cv"] == 0.025
    assert len({round(s["step_time_s"], 9) for s in truth.info["steps"]}) > 1
    assert truth.arrays["gait_time_s"].shape == truth.time_s.shape
