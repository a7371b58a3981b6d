"""The synthetic runner beyond a side-on run: a walk (double support, no flight) and a clip
filmed along the path, from the front or from behind; and the side-on clips unchanged by either
(the shipped samples' truth is what the renderer makes today)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from posecheck.cli import main
from posecheck.kinematics import angle_deg
from posecheck.landmarks import INDEX
from posecheck.synth.body import Body
from posecheck.synth.camera import Camera
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.command import SAMPLE_VIDEOS
from posecheck.synth.gait import WALKING, Gait
from posecheck.synth.presets import preset_params
from posecheck.synth.render import Appearance, Renderer, SceneStyle
from posecheck.synth.truth import load_truth, true_metrics
from support.paths import SAMPLES

BODY = Body.from_height(1.75)
WALK = preset_params("level-good", **WALKING)


def _spec(**changes) -> ClipSpec:
    values = dict(gait=preset_params("level-good"), preset="level-good", width=320, height=180,
                  fps=30.0, seconds=1.0, seed=0)
    values.update(changes)
    return ClipSpec(**values)


def _knee_deg(landmarks_m: np.ndarray, side: str) -> float:
    hip, knee, ankle = (landmarks_m[INDEX[f"{side}_{n}"]] for n in ("hip", "knee", "ankle"))
    return 180.0 - angle_deg(hip, knee, ankle)


# ---- walking ------------------------------------------------------------------------------------

def test_a_walk_has_double_support_and_never_flight():
    gait = Gait(BODY, WALK)
    times = np.linspace(0.0, 2 * gait.stride_time_s, 4001)[:-1]
    down = np.array([gait.pose(t).in_contact for t in times])
    assert down.any(axis=1).all()  # never both feet off the ground
    # each foot down 60 % of the stride: both down 2 x 0.6 - 1 = 20 % of the time
    assert down.all(axis=1).mean() == pytest.approx(2 * WALK.duty_factor - 1, abs=2e-3)


def test_a_walk_reaches_its_design_exactly():
    gait = Gait(BODY, WALK)
    metrics = true_metrics(gait)
    assert metrics["cadence_spm"] == pytest.approx(110.0)
    assert metrics["duty_factor"] == pytest.approx(0.60)
    assert metrics["flight_time_s"] == pytest.approx(-0.2 * 60 / 110)  # overlap, not flight
    assert metrics["knee_flexion_ic_deg"] == pytest.approx(5.0, abs=1e-6)
    assert metrics["knee_flexion_mid_stance_deg"] == pytest.approx(20.0, abs=1e-6)
    assert metrics["lean_from_ankle_deg"] == pytest.approx(8.0, abs=1e-6)
    assert metrics["waist_bend_deg"] == pytest.approx(1.0, abs=1e-6)
    # the heel rise is solved for the trailing knee at its toe-off (the right foot's, step 0)
    off = gait.pose_overground(gait.contact_time_s).landmarks_m
    assert _knee_deg(off, "right") == pytest.approx(10.0, abs=1e-6)
    assert -70.0 < gait.toe_off_foot_deg < 0.0  # found inside its range, not at an end


def test_a_walkers_hips_move_smoothly_about_five_centimetres():
    gait = Gait(BODY, WALK)
    times = np.linspace(0.0, 2 * gait.stride_time_s, 2001)
    hips = np.array([gait.pose(t).landmarks_m[INDEX["left_hip"], 1] for t in times])
    assert 0.03 < np.ptp(hips) < 0.07  # a walker's pelvis rises and falls ~4-5 cm
    assert np.abs(np.diff(hips)).max() < 1e-3  # no jump: under 1 mm from sample to sample (1 ms)
    for k in (1, 2, 3):  # across each IC, where the next leg takes the hips over
        ic = k * gait.step_time_s
        before, after = gait.pelvis_y(ic - 1e-7), gait.pelvis_y(ic + 1e-7)
        assert after == pytest.approx(before, abs=1e-6)


def test_a_walking_clips_truth_has_overlapping_contacts():
    clip = SyntheticClip(_spec(gait=WALK, camera="pan", seconds=3.0))
    info = clip.truth_info()
    assert all(step["flight_time_s"] < 0 for step in info["steps"])
    contact = clip.truth_arrays()["in_contact"]
    assert contact.all(axis=1).any() and contact.any(axis=1).all()
    assert info["gait"]["duty_factor"] == 0.6 and "view" not in info


# ---- filmed along the path: front and behind ----------------------------------------------------

def _shoulders_x(clip: SyntheticClip) -> tuple[np.ndarray, np.ndarray]:
    px = clip.landmarks_px
    return px[:, INDEX["right_shoulder"], 0], px[:, INDEX["left_shoulder"], 0]


def _torso_px(clip: SyntheticClip) -> np.ndarray:
    """(n,) the trunk's height in the picture, hips to shoulders (upright: not foreshortened
    from in front or behind, as a swinging leg is)."""
    px = clip.landmarks_px
    hips = px[:, [INDEX["left_hip"], INDEX["right_hip"]], 1].mean(axis=1)
    shoulders = px[:, [INDEX["left_shoulder"], INDEX["right_shoulder"]], 1].mean(axis=1)
    return hips - shoulders


def test_a_front_camera_stands_on_the_path_and_the_runner_comes_towards_it():
    clip = SyntheticClip(_spec(view="front", seconds=1.5))
    hips_x = clip.landmarks_m[:, [INDEX["left_hip"], INDEX["right_hip"]], 0].mean(axis=1)
    camera = clip.cameras[0]
    assert all(c is camera for c in clip.cameras)  # a tripod
    assert math.degrees(camera.yaw_rad) == pytest.approx(-90.0)
    assert camera.position_m[0] == pytest.approx(hips_x[-1] + 6.0)
    assert camera.position_m[2] == 0.0
    right, left = _shoulders_x(clip)
    assert (right < left).all()  # facing the camera: the runner's right on the image left
    torso = _torso_px(clip)
    assert torso[-1] / torso[0] == pytest.approx(11.25 / 6.0, rel=0.05)  # 11.25 m -> 6 m away
    assert clip.truth_info()["view"] == "front"
    keys = list(clip.truth_info())
    assert keys.index("view") == keys.index("camera") + 1  # written after the camera


def test_a_camera_behind_sees_the_runner_go_away_from_it():
    clip = SyntheticClip(_spec(view="behind", seconds=1.5))
    hips_x = clip.landmarks_m[:, [INDEX["left_hip"], INDEX["right_hip"]], 0].mean(axis=1)
    camera = clip.cameras[0]
    assert math.degrees(camera.yaw_rad) == pytest.approx(90.0)
    assert camera.position_m[0] == pytest.approx(hips_x[0] - 6.0)
    right, left = _shoulders_x(clip)
    assert (right > left).all()  # from behind: the runner's right on the image right
    torso = _torso_px(clip)
    assert torso[0] / torso[-1] == pytest.approx(11.25 / 6.0, rel=0.05)  # 6 m -> 11.25 m away


@pytest.mark.parametrize("view", ["front", "behind"])
def test_the_closest_figure_fills_its_share_of_the_frame(view):
    clip = SyntheticClip(_spec(view=view, seconds=1.5))
    k = -1 if view == "front" else 0  # the frame where the runner is closest
    lm, head = clip.landmarks_m[k], clip.head_m[k]
    low = lm[:, 1].min() - 0.05
    high = head[1] + BODY.head_radius_m + 0.05
    hips = lm[[INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=0)
    ends = clip.cameras[k].project(np.array([[hips[0], low, 0.0], [hips[0], high, 0.0]]))
    assert abs(ends[0, 1] - ends[1, 1]) == pytest.approx(0.62 * 180)


def test_on_a_treadmill_filmed_from_behind_the_runner_keeps_their_size():
    clip = SyntheticClip(_spec(gait=preset_params("level-good", treadmill=True), view="behind",
                               seconds=1.0, style=SceneStyle(treadmill=True)))
    torso = _torso_px(clip)
    assert np.ptp(torso) < 0.02 * torso.mean()  # 6 m away all along


def _arm_across_the_chest(pose):
    """The runner's right forearm held across the chest, 25 cm ahead of the body."""
    lm = pose.landmarks_m.copy()
    shoulder = lm[INDEX["right_shoulder"]]
    elbow = shoulder + (0.25, -0.2, 0.0)
    wrist = elbow + (0.0, 0.0, -0.3)  # across, past the body's midline
    lm[INDEX["right_elbow"]], lm[INDEX["right_wrist"]] = elbow, wrist
    for name in ("index", "pinky", "thumb"):
        lm[INDEX[f"right_{name}"]] = wrist + (0.0, 0.0, -0.06)
    return dataclasses.replace(pose, landmarks_m=lm)


def _render(pose, view: str) -> tuple[np.ndarray, Camera]:
    """``pose`` drawn from 3 m in front of its hips or behind them, on a plain scene without
    noise: skin (224, 172, 135), hair (150, 110, 60), a blue shirt."""
    look = Appearance(skin=(224, 172, 135), hair=(150, 110, 60), shirt=(40, 90, 200),
                      shorts=(20, 20, 20), shoes=(240, 240, 240))
    renderer = Renderer(width=320, height=320, appearance=look,
                        style=SceneStyle(background="plain", noise_sigma=0.0), body_scale=1.0,
                        slope_rad=0.0, belt_speed_mps=0.0, seed=0, view=view)
    hips_x = pose.landmarks_m[[INDEX["left_hip"], INDEX["right_hip"]], 0].mean()
    sign = 1.0 if view == "front" else -1.0
    camera = Camera(np.array([hips_x + sign * 3.0, 1.0, 0.0]), -sign * math.pi / 2, 300.0, 320,
                    320, 1)
    return renderer.render(pose, camera, 0.0), camera


def test_a_forearm_in_front_of_the_chest_is_drawn_over_it_and_hidden_from_behind():
    pose = _arm_across_the_chest(Gait(BODY, preset_params("level-good")).pose(0.1))
    lm = pose.landmarks_m
    middle = 0.5 * (lm[INDEX["right_elbow"]] + lm[INDEX["right_wrist"]])
    for view, seen in (("front", "skin"), ("behind", "shirt")):
        image, camera = _render(pose, view)
        u, v = np.round(camera.project(middle)).astype(int)
        r, _, b = image[v, u].astype(int)
        assert (r > b) == (seen == "skin"), (view, image[v, u])  # skin is red, the shirt blue


def test_the_face_is_seen_from_the_front_and_the_hair_from_behind():
    pose = Gait(BODY, preset_params("level-good")).pose(0.1)
    front, camera = _render(pose, "front")
    for side in ("left", "right"):
        u, v = np.round(camera.project(pose.landmarks_m[INDEX[f"{side}_eye"]])).astype(int)
        assert front[v, u].max() < 90  # an eye: dark
    behind, camera = _render(pose, "behind")
    u, v = np.round(camera.project(pose.landmarks_m[INDEX["left_eye"]])).astype(int)
    assert np.abs(behind[v, u].astype(int) - (150, 110, 60)).max() < 60  # the hair, lit or not


# ---- the command line ---------------------------------------------------------------------------

def test_synth_renders_a_walk_filmed_from_behind(tmp_path, capsys):
    out = tmp_path / "walk.mp4"
    assert main(["synth", "level-good", "-o", str(out), "--walk", "--view", "behind",
                 "--speed-mps", "1.1", "--duty-factor", "0.65", "--seconds", "1",
                 "--frame-width", "320", "--frame-height", "180", "--fps", "30"]) == 0
    truth = load_truth(out)
    assert truth.info["view"] == "behind" and truth.info["camera"] == "static"
    gait = truth.info["gait"]
    # the options given win over the walk's 1.4 m/s and 0.6; the rest is the walk's
    assert gait["duty_factor"] == 0.65 and gait["speed_mps"] == 1.1
    assert gait["cadence_spm"] == 110.0 and gait["knee_flexion_ic_deg"] == 5.0
    assert truth.metrics["flight_time_s"] < 0


def test_synth_refuses_a_front_view_with_a_panning_camera(tmp_path, capsys):
    assert main(["synth", "level-good", "-o", str(tmp_path / "x.mp4"), "--view", "front",
                 "--camera", "pan", "--seconds", "0.2", "--frame-width", "320",
                 "--frame-height", "180"]) == 1
    assert "no panning camera" in capsys.readouterr().err
    assert not (tmp_path / "x.mp4").exists()


# ---- the side view as it was --------------------------------------------------------------------

@pytest.mark.parametrize("name, preset, overrides", SAMPLE_VIDEOS,
                         ids=[sample[0] for sample in SAMPLE_VIDEOS])
def test_the_shipped_samples_truth_is_what_the_renderer_makes(name, preset, overrides):
    """Walking and the views along the path leave side-on clips as they were: the committed
    sample clips' truth (made before them) is what a side-on spec renders today."""
    clip = SyntheticClip(ClipSpec(gait=preset_params(preset), preset=preset, **overrides))
    shipped = load_truth(SAMPLES / name)
    arrays = clip.truth_arrays()
    assert set(arrays) == set(shipped.arrays)
    for key, value in arrays.items():
        np.testing.assert_allclose(value, shipped.arrays[key], rtol=0, atol=1e-9, err_msg=key)
    info = clip.truth_info()
    assert "view" not in info and list(info) == list(shipped.info)[1:-1]  # as written, in order
    assert info["events"] == shipped.info["events"] and info["steps"] == shipped.info["steps"]
