"""Following one person: synthetic detections with a known answer, and the real park clip."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import tracking
from posecheck.errors import PosecheckError
from posecheck.pose import Detection


def _person(hip_x: float, hip_y: float, torso_px: float) -> Detection:
    """A standing skeleton: every landmark at the hips except shoulders and nose above them."""
    keypoints = np.tile([hip_x, hip_y], (33, 1)).astype(float)
    keypoints[11:13] = [hip_x, hip_y - torso_px]
    keypoints[0] = [hip_x, hip_y - 1.4 * torso_px]
    return Detection(keypoints, np.ones(33), np.zeros((33, 3)))


def test_two_people_crossing_paths_stay_two_tracks():
    # A runner crosses left to right at 12 px/frame in front of a larger person standing still.
    times = np.arange(60) / 30.0
    people = [[_person(100 + 12 * i, 400, 100), _person(460, 380, 140)] for i in range(60)]
    tracks = tracking.link_tracks(people, times)
    assert len(tracks) == 2
    runner = tracking.choose_track(tracks, "auto", fps=30.0)
    assert np.allclose(runner.hip_px[:, 0], 100 + 12 * np.arange(60))
    assert tracking.choose_track(tracks, "largest", fps=30.0).hip_px[0, 0] == 460
    assert tracking.choose_track(tracks, str(runner.id), fps=30.0) is runner


def test_a_person_who_vanishes_is_not_replaced_by_a_newcomer_far_away():
    times = np.arange(40) / 30.0
    people = [[_person(300 + 5 * i, 400, 100)] if i < 20 else [_person(1200, 400, 100)]
              for i in range(40)]
    tracks = tracking.link_tracks(people, times)
    assert [len(t.frames) for t in tracks] == [20, 20]


def test_upside_down_misfits_are_ignored():
    flipped = _person(300, 400, 100)
    flipped.keypoints_px[[0, 11, 12], 1] += 300  # nose and shoulders below the hips
    tracks = tracking.link_tracks([[flipped]], np.array([0.0]))
    assert tracks == []


def test_unknown_person_choice_is_a_clear_error():
    tracks = tracking.link_tracks([[_person(0, 100, 50)]], np.array([0.0]))
    with pytest.raises(PosecheckError, match="no such person"):
        tracking.choose_track(tracks, 7, fps=30.0)
    with pytest.raises(PosecheckError, match="use one of"):
        tracking.choose_track(tracks, "tallest", fps=30.0)
    with pytest.raises(PosecheckError, match="no person"):
        tracking.choose_track([], None, fps=30.0)


@pytest.fixture(scope="module")
def park(park_people):
    frames = park_people  # every person in every frame (the session's, tests/conftest.py)
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    return frames, tracks, tracking.choose_track(tracks, None, fps=frames.info.fps)


@pytest.mark.slow
def test_park_clip_follows_the_walker_from_entry_to_exit(park):
    frames, tracks, chosen = park
    assert len(tracks) > 1  # the box-jumper and others are seen too
    # the walker crosses the frame right to left in the lower half, in view from about 2 s
    # until she leaves the frame on the left at about 6.7 s
    hips = chosen.hip_px
    assert np.median(hips[:, 1]) > 0.6 * frames.info.height
    assert hips[0, 0] - hips[-1, 0] > 0.6 * frames.info.width
    assert frames.time_s[chosen.frames[-1]] - frames.time_s[chosen.frames[0]] > 4.0


@pytest.mark.slow
def test_park_track_never_jumps_to_another_person(park):
    frames, _, chosen = park
    for k in range(1, len(chosen.frames)):
        i = chosen.frames[k]
        det, previous = chosen.detections[k], chosen.detections[k - 1]
        step = np.linalg.norm(det.hip_px - previous.hip_px)
        gap = i - chosen.frames[k - 1]
        # continuity: hips move less than half a torso length per frame (walking speed)
        assert step < 0.5 * previous.size_px * gap, f"frame {i}: hips jumped {step:.0f} px"
        # and every other person in that frame is farther from where the walker was; a second
        # fit of the same body (MediaPipe can return two, their landmarks within half a torso
        # of each other on average) is not another person
        for other in frames.people[i]:
            if tracking._mean_landmark_distance(other, det) <= 0.5 * det.size_px:
                continue
            assert np.linalg.norm(other.hip_px - previous.hip_px) > step, f"frame {i}"


def _facing(det: Detection, way: int) -> Detection:
    """``det`` with a side-on head: the nose a fifth of a torso ahead of the ears, facing
    right (``way`` +1) or left (-1)."""
    keypoints = det.keypoints_px.copy()
    torso = det.size_px
    ears = keypoints[0] - [way * 0.2 * torso, 0]
    keypoints[[7, 8]] = ears  # left and right ear
    return Detection(keypoints, det.visibility, det.world_m)


def test_facing_reads_the_nose_ahead_of_the_ears():
    assert tracking.facing(_facing(_person(300, 400, 100), +1)) == 1
    assert tracking.facing(_facing(_person(300, 400, 100), -1)) == -1
    assert tracking.facing(_person(300, 400, 100)) == 0  # nose over the ears: not clear


def test_the_predicted_hips_are_the_least_squares_line_through_the_last_fits():
    rng = np.random.default_rng(3)
    frames = [2, 3, 5, 6, 7, 9]
    hips = np.column_stack([300 + 12.0 * np.array(frames), np.full(6, 400.0)])
    hips += rng.normal(0, 4, hips.shape)
    track = tracking.Track(0, frames, [_person(x, y, 100) for x, y in hips])
    slope, intercept = np.polyfit(np.array(frames) - frames[-1], hips, 1)
    predicted, size = tracking._predict(track, 12)
    np.testing.assert_allclose(predicted, intercept + slope * (12 - frames[-1]), atol=1e-9)
    assert size == pytest.approx(100.0)


def test_a_hidden_runner_keeps_their_track_from_someone_passing_the_other_way():
    # Our runner stays at x 300 facing right (a camera following them); another runner,
    # seen first at frame 20 beside them, runs left at 13 px/frame in front of ours, who is
    # hidden in frames 21-30. The passer-by is lost in frames 21-24 (blur) and found again at
    # frame 25 at x 295, nearer our runner's place than their own one-frame track's; facing
    # the other way, that fit is not ours.
    times = np.arange(60) / 30.0
    people = []
    for i in range(60):
        frame = [] if 21 <= i <= 30 else [_facing(_person(300, 400, 100), +1)]
        if i == 20 or i >= 25:
            frame.append(_facing(_person(360 - 13 * (i - 20), 400, 100), -1))
        people.append(frame)
    tracks = tracking.link_tracks(people, times)
    ours = next(t for t in tracks if t.frames[0] == 0)
    assert np.all(ours.hip_px[:, 0] == 300)
    assert ours.frames == [i for i in range(60) if not 21 <= i <= 30]
    theirs = next(t for t in tracks if t.frames[0] == 20)
    assert theirs.frames == [20, *range(25, 60)]


def test_a_following_camera_chooses_the_runner_it_follows_not_the_one_crossing():
    # Ours is centred all clip long (torso 100 px); another, a little larger, crosses the
    # picture at 25 px/frame in frames 10-49. By presence x travel the crosser scores higher
    # (4400 x 2.4 against 6000 x 1); when the camera follows, presence alone decides.
    times = np.arange(60) / 30.0
    people = [[_person(500, 400, 100)] + ([_person(25 * (i - 10), 380, 110)]
                                          if 10 <= i < 50 else []) for i in range(60)]
    tracks = tracking.link_tracks(people, times)
    assert len(tracks) == 2
    crosser = tracking.choose_track(tracks, "auto", fps=30.0)
    assert crosser.frames[0] == 10
    ours = tracking.choose_track(tracks, "auto", fps=30.0, camera_pans=True)
    assert ours.frames == list(range(60))
