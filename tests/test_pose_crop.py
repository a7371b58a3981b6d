"""Small and distant runners: crop geometry, mapping crop landmarks back to the frame, and the
runner found in a synthetic tripod clip where the whole-frame model misses them (slow)."""

from __future__ import annotations

import json
import types

import numpy as np
import pytest

from posecheck import crop, pose, tracking
from posecheck.crop import Anchor, CropBox
from posecheck.landmarks import INDEX, MIRROR
from posecheck.pose import Detection, PoseDetector, detect_people
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.synth.truth import load_truth
from support.paths import shared_path


# --- crop geometry -----------------------------------------------------------------------------


def test_crop_landmarks_map_back_to_frame_pixels():
    box = CropBox(x0_px=300, y0_px=120, width_px=400, height_px=200)
    corners = np.array([[0.0, 0.0], [1.0, 1.0], [0.25, 0.5]])
    assert np.allclose(box.to_frame_px(corners), [[300, 120], [700, 320], [400, 220]])
    # a frame point seen in the crop at its normalised place comes back where it was
    point_px = np.array([512.0, 271.0])
    xy_norm = (point_px - (box.x0_px, box.y0_px)) / (box.width_px, box.height_px)
    assert np.allclose(box.to_frame_px(xy_norm), point_px)


def test_crop_cut_is_the_boxed_pixels():
    rgb = np.arange(720 * 1280 * 3, dtype=np.uint32).reshape(720, 1280, 3).astype(np.uint8)
    box = CropBox(100, 50, 64, 32)
    assert np.array_equal(box.cut(rgb), rgb[50:82, 100:164])
    assert box.cut(rgb).flags["C_CONTIGUOUS"]


def test_square_box_slides_inside_the_frame_and_is_cut_to_it():
    inside = crop.square_box(np.array([640.0, 360.0]), 200, 1280, 720)
    assert (inside.x0_px, inside.y0_px, inside.width_px, inside.height_px) == (540, 260, 200, 200)
    corner = crop.square_box(np.array([10.0, 700.0]), 200, 1280, 720)
    assert (corner.x0_px, corner.y0_px, corner.width_px, corner.height_px) == (0, 520, 200, 200)
    tall = crop.square_box(np.array([900.0, 360.0]), 1000, 1680, 720)  # taller than the frame
    assert (tall.x0_px, tall.y0_px, tall.width_px, tall.height_px) == (400, 0, 1000, 720)
    assert tall.gain(1680, 720) == pytest.approx(1.68)


def test_body_box_is_seven_torsos_round_the_hips():
    box = crop.body_box(np.array([800.0, 480.0]), 50.0, 1680, 720)
    assert (box.width_px, box.height_px) == (350, 350)
    assert box.contains(np.array([800.0, 480.0]))
    assert box.x0_px + box.width_px / 2 == pytest.approx(800, abs=1)
    assert crop.crop_gain(50.0, 1680, 720) == pytest.approx(1680 / 350)
    assert crop.crop_gain(250.0, 720, 1280) == 1.0  # the crop would be the whole frame


def test_tiles_hold_every_person_up_to_half_a_tile_whole():
    width, height = 1680, 720
    tiles = crop.tile_boxes(width, height)
    side = tiles[0].width_px
    assert side == 480 and all(t.width_px == t.height_px == side for t in tiles)
    assert all(t.x0_px + t.width_px <= width and t.y0_px + t.height_px <= height for t in tiles)
    rng = np.random.default_rng(0)
    for _ in range(200):
        size = side // 2
        x0, y0 = rng.integers(0, width - size), rng.integers(0, height - size)
        assert any(t.x0_px <= x0 and t.y0_px <= y0 and x0 + size <= t.x0_px + t.width_px
                   and y0 + size <= t.y0_px + t.height_px for t in tiles)


def test_plan_interpolates_holds_and_skips_frames_the_whole_frame_handles():
    hips = np.array([[100.0, 400.0], [300.0, 400.0]])
    plan = crop.plan_crops([10, 20], hips, np.array([40.0, 60.0]), 100, 1680, 720,
                           reach_frames=5)
    assert min(plan) == 5 and max(plan) == 25
    assert np.allclose(plan[15].hip_px, [200, 400]) and plan[15].torso_px == pytest.approx(50)
    assert np.allclose(plan[5].hip_px, [100, 400]) and np.allclose(plan[25].hip_px, [300, 400])
    # a person as large as the frame (gain 1) is never cropped
    assert crop.plan_crops([10, 20], hips, np.array([250.0, 250.0]), 100, 1680, 720,
                           reach_frames=5) == {}
    found_only = crop.plan_crops([10, 20], hips, np.array([110.0, 110.0]), 100, 1680, 720,
                                 reach_frames=5)  # gain 2.2: only frames it was missed in
    assert 10 not in found_only and 20 not in found_only and 15 in found_only


# --- landmarks from a crop, with the real model -------------------------------------------------


@pytest.fixture(scope="module")
def runner_frame() -> np.ndarray:
    """One frame of a synthetic runner filling about 60 % of a 640 x 360 frame."""
    spec = ClipSpec(gait=preset_params("level-good"), preset="level-good", camera="pan",
                    width=640, height=360, fps=30.0, seconds=0.2, seed=0)
    return next(SyntheticClip(spec).frames())


@pytest.mark.slow
def test_a_crops_landmarks_land_on_the_same_frame_pixels(runner_frame):
    # The same pixels fed whole and as a crop of a larger canvas give the same model input,
    # so the crop's landmarks, mapped back, must be the whole image's shifted by the offset.
    canvas = np.zeros((900, 1500, 3), np.uint8)
    x0, y0 = 437, 211
    canvas[y0:y0 + 360, x0:x0 + 640] = runner_frame
    with PoseDetector(num_poses=1, video=False) as detector:
        whole = detector.detect(runner_frame)
        cropped = detector.detect(canvas, box=CropBox(x0, y0, 640, 360))
    assert len(whole) == 1 and len(cropped) == 1
    assert np.allclose(cropped[0].keypoints_px, whole[0].keypoints_px + (x0, y0), atol=0.5)
    assert np.allclose(cropped[0].world_m, whole[0].world_m, atol=1e-3)


def _fake_result(points_norm: list[tuple[float, float]]):
    """A MediaPipe-like result: one pose per (x, y), every landmark there."""
    poses = [[types.SimpleNamespace(x=x, y=y, z=0.0, visibility=0.9) for _ in range(33)]
             for x, y in points_norm]
    return types.SimpleNamespace(pose_landmarks=poses, pose_world_landmarks=poses)


def test_fits_with_hips_outside_the_image_are_dropped():
    box = CropBox(100, 100, 200, 200)
    detections = pose._detections(_fake_result([(0.5, 0.5), (-0.4, 0.5), (0.5, 1.2)]), box)
    assert len(detections) == 1
    assert np.allclose(detections[0].hip_px, [200, 200])


# --- following one person ----------------------------------------------------------------------


def _person(hip_x: float, hip_y: float, torso_px: float, *, chain: int | None = None,
            shoulder_drop: float = -1.0, nose_drop: float = -1.4) -> Detection:
    """A skeleton with every landmark at the hips except shoulders and nose, placed
    ``shoulder_drop`` and ``nose_drop`` torso lengths below the hips (negative: above)."""
    keypoints = np.tile([hip_x, hip_y], (33, 1)).astype(float)
    ahead = np.sqrt(max(1 - shoulder_drop**2, 0.0))  # the torso is torso_px long
    keypoints[11:13] = [hip_x + ahead * torso_px, hip_y + shoulder_drop * torso_px]
    keypoints[0] = [hip_x + torso_px, hip_y + nose_drop * torso_px]
    return Detection(keypoints, np.ones(33), np.zeros((33, 3)), chain=chain)


def test_a_three_point_stance_is_upright_and_an_upside_down_fit_is_not():
    stance = _person(500, 300, 50, shoulder_drop=0.4, nose_drop=0.8)  # torso near level
    assert tracking.upright(stance)
    assert tracking.upright(_person(500, 300, 50))
    assert not tracking.upright(_person(500, 300, 50, shoulder_drop=0.95, nose_drop=1.3))


def test_two_fits_differing_only_in_left_and_right_are_one_person():
    a = _person(500, 300, 50)
    keypoints = a.keypoints_px.copy()
    keypoints[INDEX["left_knee"]] += (40, 0)
    keypoints[INDEX["right_knee"]] -= (40, 0)
    b = Detection(keypoints, a.visibility, a.world_m)
    swapped = Detection(b.keypoints_px[list(MIRROR)], a.visibility, a.world_m)
    assert tracking._mean_landmark_distance(b, swapped) == pytest.approx(0.0)
    assert tracking.same_person(b, swapped)


def test_a_closer_looks_chain_keeps_its_track_over_a_nearer_fit():
    # The runner's closer fits (chain 7) move right 10 px a frame; in frame 6 a whole-frame fit
    # of someone behind lies exactly on the predicted hips, the runner's fit 30 px off it.
    times = np.arange(8) / 30.0
    people = [[_person(100 + 10 * i, 300, 50, chain=7)] for i in range(6)]
    people.append([_person(160, 300, 50), _person(190, 300, 50, chain=7)])
    people.append([_person(200, 300, 50, chain=7)])
    tracks = tracking.link_tracks(people, times)
    runner = max(tracks, key=lambda t: len(t.frames))
    assert runner.frames == list(range(8))
    assert all(d.chain == 7 for d in runner.detections)


def test_a_closer_fit_replaces_the_whole_frame_fits_of_its_person():
    runner_whole = _person(400, 300, 50)
    other = _person(700, 300, 50)
    closer = _person(410, 302, 52, chain=0)
    merged = pose._merge([runner_whole, other], [closer], replace=True)
    assert [id(d) for d in merged] == [id(other), id(closer)]
    # a tile's fit of someone already found is not added twice
    kept = pose._merge([runner_whole], [_person(400, 300, 50)], replace=False)
    assert [id(d) for d in kept] == [id(runner_whole)]


def test_the_followed_person_is_the_nearest_upright_fit_of_their_size():
    expected = Anchor(np.array([500.0, 300.0]), 50.0)
    runner = _person(530, 302, 50)
    nearer_but_twice_the_size = _person(505, 300, 100)
    upside_down = _person(500, 300, 50, shoulder_drop=0.95, nose_drop=1.3)
    too_far = _person(580, 300, 50)  # 1.6 torso lengths off
    picked = pose._pick([too_far, nearer_but_twice_the_size, upside_down, runner], expected)
    assert picked is runner
    assert pose._pick([too_far], expected) is None


def test_a_follower_goes_on_from_its_last_fit_over_two_missed_frames():
    plan = {i: Anchor(np.array([100.0 + i, 300.0]), 50.0) for i in range(10)}
    follower = pose._Follower(plan, detector=None, first_chain=40)
    first = follower.update(2, _person(300, 310, 52))
    assert first.chain == 40
    assert follower.continues(5) and not follower.continues(6)
    assert np.allclose(follower.expected(5).hip_px, [300, 310])  # the last fit, not the plan
    assert np.allclose(follower.expected(6).hip_px, plan[6].hip_px)
    assert follower.update(5, _person(305, 310, 52)).chain == 40  # the same run
    assert follower.update(9, _person(310, 310, 52)).chain == 41  # a new run after 3 missed


def test_a_follower_goes_on_past_its_plan_only_where_the_whole_frame_lost_the_runner():
    # a runner 50 px a torso in a 1280 x 720 frame (a crop shows them 3.7 times larger), planned
    # in frames 0-9, found by the follower's crop in frame 9
    info = types.SimpleNamespace(width=1280, height=720)
    plan = {i: Anchor(np.array([100.0 + i, 300.0]), 50.0) for i in range(10)}
    follower = pose._Follower(plan, detector=None, first_chain=0)
    follower.update(9, _person(300, 310, 50))

    def going_on(i, detections=()):
        return pose._going_on(follower, i, list(detections), info, side_torsos=7.0)

    assert going_on(10) and going_on(12)  # the whole frame has no fit of them
    assert not going_on(13)  # three frames since the last closer fit: not followed any more
    assert not going_on(10, [_person(305, 310, 50)])  # the whole frame has them here
    assert going_on(10, [_person(600, 310, 50)])  # someone else elsewhere does not count
    assert not going_on(8)  # inside the plan's span the plan decides
    large = pose._Follower({0: Anchor(np.array([300.0, 310.0]), 120.0)}, detector=None,
                           first_chain=0)
    large.update(0, _person(300, 310, 120))  # a crop would show them 1.5 times larger
    assert not pose._going_on(large, 1, [], info, side_torsos=7.0)


# --- a small runner, end to end ----------------------------------------------------------------


@pytest.fixture(scope="module")
def small_runner(tmp_path_factory):
    """A tripod clip, 1680 x 720 like the shared sprint clip, the runner crossing it about a
    fifth of the frame height tall (``fill`` 0.2)."""
    spec = ClipSpec(gait=preset_params("level-good"), preset="level-good", camera="static",
                    width=1680, height=720, fps=30.0, seconds=2.0, seed=0, fill=0.2)
    clip = SyntheticClip(spec)
    path = clip.write(tmp_path_factory.mktemp("small") / "small_runner.mp4")
    assert 0.17 <= clip.runner_height_fraction() <= 0.23
    return path, load_truth(path)


def _runner(path, **kwargs):
    frames = detect_people(path, show_progress=False, **kwargs)
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    if not tracks:
        return None
    chosen = tracking.choose_track(tracks, "auto", fps=frames.info.fps)
    return tracking.track_to_sequence(chosen, tracks, frames)


@pytest.mark.slow
def test_small_runner_is_missed_by_the_whole_frame_alone(small_runner):
    # the premise of the next test: at this size the whole-frame model (the pose stage before
    # crops) does not find the runner (measured: in none of the 60 frames)
    path, _ = small_runner
    seq = _runner(path, look_closer=False)
    assert seq is None or seq.detected.mean() < 0.5


@pytest.mark.slow
def test_small_runner_is_found_and_landmarks_land_on_the_truth(small_runner):
    path, truth = small_runner
    seq = _runner(path)
    assert seq.detected.mean() >= 0.9
    found = seq.detected
    figure_px = np.ptp(truth.landmarks_px[:, :, 1], axis=1).mean()
    near = truth.info["near_side"]
    joints = [INDEX[f"{near}_{n}"] for n in ("shoulder", "hip", "knee", "ankle")]
    error = np.linalg.norm(seq.keypoints_px[found][:, joints]
                           - truth.landmarks_px[found][:, joints], axis=2)
    # near-side major joints within 5 % of the figure's height (median; measured ~2 %), and
    # the hips in every found frame within 10 %: the crops follow the runner, not scenery
    assert np.median(error) < 0.05 * figure_px
    hips = seq.keypoints_px[found][:, 23:25].mean(axis=1)
    true_hips = truth.landmarks_px[found][:, 23:25].mean(axis=1)
    assert np.linalg.norm(hips - true_hips, axis=1).max() < 0.10 * figure_px


# --- the shared real clips ---------------------------------------------------------------------


def _in_view(events_path, n_frames: int) -> np.ndarray:
    """Frames from the first to the last labelled contact (benchmarks/runner_found.py)."""
    contacts = json.loads(events_path.read_text())["contacts"]
    first = min(c["ic_frame"] if c["ic_frame"] is not None else 0 for c in contacts)
    last = max(c["to_frame"] if c["to_frame"] is not None else n_frames - 1 for c in contacts)
    return np.arange(first, last + 1)


@pytest.mark.slow
@pytest.mark.parametrize("folder, name", [("track-tripod-sprint", "track_sprint.mp4"),
                                          ("field-pan-multiperson", "dash_pan.mp4")])
def test_small_real_runner_is_found_while_in_view(folder, name):
    clip = shared_path("data", "clips", folder, name)
    seq = _runner(clip)
    view = _in_view(clip.parent / "events.json", len(seq.time_s))
    assert seq.detected[view].mean() >= 0.9
