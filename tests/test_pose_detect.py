"""The whole-frame look: the multi-person model where it is needed to see everyone, the one-pose
model on a person alone (posecheck.pose._WholeFrames). A scripted stand-in for the model gives
the known answers; the real model (slow) is checked on a sample clip and a composed two-person
clip."""

from __future__ import annotations

import pickle
import types
from pathlib import Path
from typing import ClassVar

import numpy as np
import pytest

from posecheck import pose, tracking
from posecheck.pose import Detection, detect_people
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.video import VideoWriter
from support.paths import SAMPLES
FPS = 30.0


def _person(hip_x: float, hip_y: float = 400.0, torso_px: float = 100.0) -> Detection:
    """A standing skeleton: every landmark at the hips except shoulders and nose above them."""
    keypoints = np.tile([hip_x, hip_y], (33, 1)).astype(float)
    keypoints[11:13] = [hip_x, hip_y - torso_px]
    keypoints[0] = [hip_x, hip_y - 1.4 * torso_px]
    return Detection(keypoints, np.ones(33), np.zeros((33, 3)))


class _ScriptedModel:
    """Stands in for :class:`posecheck.pose.PoseDetector` on scripted frames, whose ``rgb`` is
    a dict of the people in view by name. Asked for several poses it returns everyone; asked
    for one, it keeps returning the person it found first, as MediaPipe's one-pose model in
    VIDEO mode follows whoever it locked onto."""

    made: ClassVar[list[_ScriptedModel]] = []

    def __init__(self, model_path=None, *, num_poses: int = 3, video: bool = True,
                 smoothing: bool = True, **_):
        self.num_poses, self.video, self.smoothing = num_poses, video, smoothing
        self.model_path = Path("scripted.task")
        self.locked: str | None = None
        self.frames: list[int] = []
        _ScriptedModel.made.append(self)

    def detect(self, people: dict, time_s: float = 0.0, *, box=None) -> list[Detection]:
        self.frames.append(people["_index"])
        visible = {name: det for name, det in people.items() if name != "_index"}
        if self.num_poses > 1:
            return list(visible.values())
        self.locked = self.locked or next(iter(visible), None)
        return [visible[self.locked]] if self.locked in visible else []

    def close(self) -> None:
        pass


def _run(script: list[dict], **kwargs) -> tuple[pose._WholeFrames, list[list[Detection]]]:
    """The whole-frame look over scripted frames (frame i: ``script[i]``, at 30 fps)."""
    options = {"num_poses": 3, "single_pose": True, "check_every_s": 0.5, "settle_s": 0.5,
               "max_offset_torsos": 0.5, "max_size_ratio": 1.25} | kwargs
    checker = _ScriptedModel(num_poses=3, video=False)
    found = []
    with pose._WholeFrames(None, checker, **options) as look:
        for i, people in enumerate(script):
            frame = types.SimpleNamespace(index=i, time_s=i / FPS, rgb=dict(people, _index=i))
            found.append(look.detect(frame))
    return look, found


@pytest.fixture
def scripted(monkeypatch):
    """The scripted model in place of the real one."""
    _ScriptedModel.made = []
    monkeypatch.setattr(pose, "PoseDetector", _ScriptedModel)


def _runner(i: int) -> Detection:
    return _person(100 + 8 * i)  # 8 px a frame: 0.08 torso lengths


def test_a_runner_alone_is_followed_with_one_pose_and_checked_every_half_second(scripted):
    look, found = _run([{"runner": _runner(i)} for i in range(60)])
    # the multi-person model until the runner has been alone for 0.5 s (frames 0-15), then
    # the one-pose model, with a multi-person check at 1.0 s and 1.5 s
    multi = [i for i, by_multi in enumerate(look.by_multi) if by_multi]
    assert multi == list(range(16)) + [30, 45]
    assert look.reruns == []
    assert all(len(f) == 1 for f in found)
    single = [m for m in _ScriptedModel.made if m.num_poses == 1]
    assert len(single) == 1 and not single[0].smoothing
    assert single[0].frames == list(range(16, 60))


def test_someone_coming_into_view_is_seen_at_the_next_check_and_the_frames_since_rerun(scripted):
    script = [{"runner": _runner(i)} | ({"other": _person(900)} if i >= 25 else {})
              for i in range(60)]
    look, found = _run(script)
    # followed from frame 16; the check at frame 30 sees the other person: the multi-person
    # model from there on, and frames 16-29 (since the good check at frame 15) are to be run
    # again with it
    assert look.reruns == [(15, 29)]
    assert all(look.by_multi[30:])
    assert all(len(f) == 2 for f in found[30:])
    # the multi-person model that takes over is a new one, started on frame 29
    assert _ScriptedModel.made[-1].num_poses == 3 and _ScriptedModel.made[-1].frames[0] == 29


def test_a_one_pose_fit_that_jumps_hands_the_frame_to_the_multi_person_model(scripted):
    script = [{"runner": _runner(i) if i != 40 else _person(100 + 8 * i + 80)}
              for i in range(60)]
    look, found = _run(script)
    # the fit 0.8 torso lengths off the runner's path at frame 40: frames 31-39 (since the
    # check at frame 30) are run again, frame 40 by the multi-person model, which sees one
    # person alone from frame 41 (back on the path, 0.8 off the fit of frame 40) and hands
    # over after 0.5 s
    assert look.reruns == [(30, 39)]
    assert all(look.by_multi[40:57]) and not any(look.by_multi[57:])
    assert np.allclose(found[40][0].hip_px, [100 + 8 * 40 + 80, 400])


def test_nobody_or_several_people_keep_the_multi_person_model(scripted):
    script = [{} if i < 20 else {"a": _person(200), "b": _person(900)} for i in range(40)]
    look, _ = _run(script)
    assert all(look.by_multi) and look.reruns == []
    look, _ = _run([{"runner": _runner(i)} for i in range(40)], single_pose=False)
    assert all(look.by_multi)


def test_two_fits_of_one_body_count_as_one_person_and_upside_down_fits_as_none():
    runner = _person(500)
    again = _person(503)  # MediaPipe fits one body twice now and then
    flipped = _person(900)
    flipped.keypoints_px[[0, 11, 12], 1] += 300  # shoulders below the hips
    assert pose._people_in_view([runner, again, flipped]) == [runner]


def test_the_followed_person_is_expected_along_their_path():
    alone = pose._Alone(since_s=0.0)
    for i in range(6):
        alone.add(i, _person(100 + 10 * i, torso_px=100))
    expected = alone.expected(8)
    assert np.allclose(expected.hip_px, [180, 400]) and expected.torso_px == pytest.approx(100)
    gates = {"max_offset_torsos": 0.5, "max_size_ratio": 1.25}
    assert alone.still(8, _person(200), **gates)  # 0.2 torso lengths off
    assert not alone.still(8, _person(240), **gates)  # 0.6 off
    assert not alone.still(8, _person(180, torso_px=130), **gates)  # 1.3 times larger


# --- the real model (slow) ---------------------------------------------------------------------


def _chosen(frames):
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    chosen = tracking.choose_track(tracks, None, fps=frames.info.fps)
    return tracking.track_to_sequence(chosen, tracks, frames), chosen


@pytest.mark.slow
def test_a_runner_alone_gets_the_one_pose_model_and_the_same_landmarks(sample_people):
    clip = SAMPLES / "downhill-good_pan_rtl.mp4"  # 3 s at 60 fps, one runner
    one = detect_people(clip, show_progress=False, single_pose=True)
    every = sample_people  # the default: multi-person throughout (the session's)
    n = len(one.time_s)
    # the multi-person model on 0.5 s before the one-pose model follows and a check every
    # 0.5 s: 35 of 180 frames (measured)
    assert every.multi_person_frames == n
    assert one.multi_person_frames <= 0.25 * n and one.rerun_frames == 0
    (seq_one, runner), (seq_every, _) = _chosen(one), _chosen(every)
    assert seq_one.detected.all() and seq_every.detected.all()
    torso = float(np.median(runner.size_px))
    distance = np.linalg.norm(seq_one.keypoints_px - seq_every.keypoints_px, axis=2)
    # the same person in every frame: landmarks on average within half a torso length (the
    # rule of tracking.same_person); and close overall: measured median 2.7 px of a 111 px
    # torso, the model's own scatter between the two ways it places its crop
    assert (distance.mean(axis=1) < 0.5 * torso).all()
    assert np.median(distance) < 0.05 * torso
    assert np.median(distance[:, 11:25]) < 0.05 * torso  # shoulders to hips, arms, hands


@pytest.fixture(scope="module")
def two_runners(tmp_path_factory) -> tuple[Path, int]:
    """A 1280 x 720 clip of two synthetic runners side by side, each in a 640 x 720 half, the
    right one coming into view at frame 25 (0.83 s; a flat grey half before): while the left
    one is followed with one pose (from 0.5 s) and before the check at 1.0 s."""
    halves = []
    for direction, seed in (("ltr", 0), ("rtl", 1)):
        spec = ClipSpec(gait=preset_params("level-good"), preset="level-good", camera="pan",
                        direction=direction, width=640, height=720, fps=FPS, seconds=2.0,
                        seed=seed)
        halves.append(list(SyntheticClip(spec).frames()))
    enter = 25
    path = tmp_path_factory.mktemp("two") / "two_runners.mp4"
    with VideoWriter(path, fps=FPS, width=1280, height=720) as writer:
        for i, (left, right) in enumerate(zip(*halves)):
            right = right if i >= enter else np.full_like(right, 128)
            writer.write(np.concatenate([left, right], axis=1))
    return path, enter


@pytest.mark.slow
def test_a_second_runner_coming_into_view_is_found_from_the_first_frame(two_runners):
    path, enter = two_runners
    frames = detect_people(path, show_progress=False, single_pose=True)
    people = [pose._people_in_view(p) for p in frames.people]
    right = [[d for d in p if d.hip_px[0] >= 640] for p in people]
    assert frames.rerun_frames > 0  # found at the check at 1.0 s, the frames since run again
    assert not any(right[:enter])
    assert all(len(r) == 1 for r in right[enter:])  # from its first frame on
    assert all(len(p) == 2 for p in people[enter:])
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    assert sorted(len(t.frames) for t in tracks) == [len(people) - enter, len(people)]


def test_a_detection_reads_back_what_it_was_given_and_cannot_be_changed():
    rng = np.random.default_rng(5)
    keypoints = rng.uniform(0, 1920, (33, 2))  # float64, kept as given
    # MediaPipe's visibility and world landmarks are float32 values: kept in float32, exactly
    visibility = rng.random(33).astype(np.float32).astype(float)
    world_m = rng.normal(0, 0.5, (33, 3)).astype(np.float32).astype(float)
    det = Detection(keypoints, visibility, world_m)
    assert det.keypoints_px is keypoints and det.chain is None
    assert det.visibility.dtype == det.world_m.dtype == np.float64
    assert np.array_equal(det.visibility, visibility) and np.array_equal(det.world_m, world_m)
    assert np.array_equal(det.hip_px, keypoints[23:25].mean(axis=0))
    shoulders = keypoints[11:13].mean(axis=0)
    assert det.size_px == pytest.approx(np.hypot(*(shoulders - det.hip_px)))
    chained = det.with_chain(7)
    assert chained.chain == 7 and chained.keypoints_px is keypoints
    assert np.array_equal(chained.world_m, world_m)
    assert np.array_equal(chained.visibility, visibility)
    with pytest.raises(AttributeError, match="immutable"):
        det.chain = 3
    copy = pickle.loads(pickle.dumps(chained))
    assert copy.chain == 7 and np.array_equal(copy.keypoints_px, keypoints)
    assert np.array_equal(copy.world_m, world_m) and np.array_equal(copy.visibility, visibility)


def _random_detections(n: int, seed: int = 3) -> list[Detection]:
    rng = np.random.default_rng(seed)
    return [Detection(rng.uniform(0, 1920, (33, 2)),
                      rng.random(33).astype(np.float32).astype(float),
                      rng.normal(0, 0.5, (33, 3)).astype(np.float32).astype(float))
            for _ in range(n)]


def test_a_detection_stored_in_the_landmark_file_reads_back_bit_for_bit():
    import gc
    import weakref

    dets = _random_detections(40)
    copies = [(d.keypoints_px.copy(), d.visibility, d.world_m, d.hip_px.copy(), d.size_px)
              for d in dets]
    landmarks = pose.LandmarkFile()
    landmarks.store(dets[:25])
    landmarks.store(dets[10:])  # the first 15 of these were stored already: kept in place
    for det, (keypoints, visibility, world_m, hips, size) in zip(dets, copies):
        assert det._keypoints_px is None and det._visibility_world is None  # out of memory
        assert np.array_equal(det.keypoints_px, keypoints)
        assert np.array_equal(det.visibility, visibility) and np.array_equal(det.world_m, world_m)
        assert np.array_equal(det.hip_px, hips) and det.size_px == size
        assert not det.keypoints_px.flags.writeable
        chained = det.with_chain(2)
        assert chained.chain == 2 and np.array_equal(chained.world_m, world_m)
        copy = pickle.loads(pickle.dumps(det))
        assert np.array_equal(copy.keypoints_px, keypoints) and copy._file is None
    file_alive = weakref.ref(landmarks)
    del landmarks, det, chained, copy
    gc.collect()
    assert file_alive() is not None  # the stored detections still read from it
    dets.clear()
    gc.collect()
    assert file_alive() is None  # gone with the last detection stored in it


def test_the_landmark_files_table_of_hips_grows_and_keeps_every_row():
    """Hips and torso lengths of stored detections live in the file's table, which grows past
    its first 1024 rows in batches of any size; every row reads back the detection's own
    values, read-only, however long ago it was stored."""
    dets = _random_detections(2600, seed=5)
    hips = [(d.keypoints_px[23:25].mean(axis=0), float(np.linalg.norm(
        d.keypoints_px[11:13].mean(axis=0) - d.keypoints_px[23:25].mean(axis=0)))) for d in dets]
    landmarks = pose.LandmarkFile()
    for start, stop in ((0, 1000), (1000, 1030), (1030, 2500), (2500, 2600)):
        landmarks.store(dets[start:stop])
        first = dets[0]
        assert np.array_equal(first.hip_px, hips[0][0]) and first.size_px == hips[0][1]
    for det, (hip, size) in zip(dets, hips):
        assert det._hip_px is None and det._file is landmarks
        assert np.array_equal(det.hip_px, hip) and det.size_px == size
        assert not det.hip_px.flags.writeable


@pytest.mark.slow
def test_the_landmark_file_changes_no_landmark_of_a_clip(sample_people, monkeypatch):
    clip = SAMPLES / "downhill-good_pan_rtl.mp4"  # 180 frames: the first 116 are stored
    monkeypatch.setattr(pose.LandmarkFile, "usable", staticmethod(lambda: False))
    in_memory = detect_people(clip, show_progress=False)
    stored = [d for frame in sample_people.people for d in frame if d._file is not None]
    assert len(stored) >= len(sample_people.people) - 64
    assert not any(d._file is not None for frame in in_memory.people for d in frame)
    assert [len(f) for f in in_memory.people] == [len(f) for f in sample_people.people]
    for a_frame, b_frame in zip(in_memory.people, sample_people.people):
        for a, b in zip(a_frame, b_frame):
            assert np.array_equal(a.keypoints_px, b.keypoints_px)
            assert np.array_equal(a.visibility, b.visibility)
            assert np.array_equal(a.world_m, b.world_m) and a.chain == b.chain
