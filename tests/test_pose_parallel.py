"""The pose stage in several worker processes (``detect_people(workers=N)``): the clip cut into
parts, each worker warmed up on the overlap before its part, the parts joined into one; the
result is the single pass's except within the documented overlap."""

from __future__ import annotations

import numpy as np
import pytest

from posecheck import pose
from posecheck.footage import FootageMonitor
from posecheck.video import VideoInfo
from support.paths import SAMPLES

SAMPLE = SAMPLES / "downhill-good_pan_rtl.mp4"  # 180 frames, 60 fps, panning


def _info(n_frames: int, fps: float = 60.0) -> VideoInfo:
    return VideoInfo(path=SAMPLE, width=1280, height=720, fps=fps, duration_s=n_frames / fps,
                     n_frames=n_frames, rotation_deg=0, codec="h264", frames_counted=True)


def _work(bounds, n_frames: int, share: float) -> list[float]:
    """Each worker's frames through the models plus its frames decoded only, weighted."""
    ends = [stop if stop is not None else n_frames for _, _, stop in bounds]
    return [warm * share + (end - warm) for (warm, _, _), end in zip(bounds, ends)]


def test_part_bounds_give_each_worker_the_same_work_warmed_up_on_the_second_before():
    # two workers, 1440 frames, 60 warm-up frames: the cut s where s = 0.04 (s - 60) + 1500 - s,
    # s = 1497.6 / 1.96 = 764.1
    assert pose.part_bounds(1440, 60.0, 2, overlap_s=1.0) == [(0, 0, 764), (704, 764, None)]
    # with decoding free, the warm-up alone is shared: (1440 + 60) / 2
    assert pose.part_bounds(1440, 60.0, 2, overlap_s=1.0, decode_only_share=0.0) == [
        (0, 0, 750), (690, 750, None)]
    three = pose.part_bounds(900, 30.0, 3, overlap_s=1.0)
    assert [start - warm for warm, start, _ in three] == [0, 30, 30]
    assert three[0][2] == three[1][1] and three[1][2] == three[2][1] and three[2][2] is None
    work = _work(three, 900, pose.DECODE_ONLY_SHARE)
    assert max(work) - min(work) <= 1.0  # within the rounding of a cut
    # a warm-up as long as the parts: no cut evens the work, the parts are equal, and the
    # warm-up reaches back to the first frame, no further
    assert pose.part_bounds(100, 60.0, 2, overlap_s=2.0) == [(0, 0, 50), (0, 50, None)]
    assert pose.part_bounds(100, 60.0, 1, overlap_s=1.0) == [(0, 0, None)]


def test_a_short_clip_gets_fewer_workers():
    assert pose.effective_workers(2, _info(24 * 60)) == 2  # 24 s: two parts of 12 s
    assert pose.effective_workers(4, _info(12 * 60)) == 2  # parts of at least 5 s
    assert pose.effective_workers(2, _info(180)) == 1  # 3 s
    assert pose.effective_workers(2, _info(180), min_part_s=1.0) == 2
    assert pose.effective_workers(1, _info(24 * 60)) == 1


def _look(first_index: int, n: int) -> pose._FirstLook:
    return pose._FirstLook(np.arange(first_index, first_index + n) / 60.0, [[] for _ in range(n)],
                           [[] for _ in range(n)], [True] * n, [], 0, SAMPLE,
                           first_index=first_index)


def test_parts_join_only_when_each_starts_where_the_one_before_ended():
    joined = pose._FirstLook.joined([_look(0, 10), _look(10, 5)])
    assert len(joined.whole) == 15 and joined.time_s[-1] == pytest.approx(14 / 60)
    # a worker that warmed up on 4 frames gives them up
    assert _look(6, 9).drop_first(4).first_index == 10
    with pytest.raises(RuntimeError, match="do not join"):
        pose._FirstLook.joined([_look(0, 10), _look(12, 5)])


def test_footage_signals_of_parts_join_into_the_whole_clips():
    rng = np.random.default_rng(3)
    base = rng.integers(0, 255, (90, 160, 3), dtype=np.uint8)
    frames = [np.roll(base, 2 * k, axis=1) for k in range(30)]
    frames[12] = frames[11]  # a held frame
    whole = FootageMonitor()
    for k, rgb in enumerate(frames):
        whole.update(rgb, k / 30)
    first, second = FootageMonitor(), FootageMonitor()
    for k in range(15):
        first.update(frames[k], k / 30)
    for k in range(10, 30):  # warmed up on frames 10-14
        second.update(frames[k], k / 30)
    second.drop_first(5)
    first.extend(second)
    a, b = whole.result(), first.result()
    for name in ("time_s", "change", "shift_x_px", "match", "thumb_change"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(a.held, b.held)


@pytest.mark.slow
def test_two_workers_give_the_single_pass_keypoints_outside_the_overlap(sample_people):
    """On a shipped clip cut in two at frame 90, the second worker starting its models on
    frame 30 (a one-second overlap): every frame's people equal the single pass's, to the
    bit, except in the documented overlap (the second's first second, frames 90-149), where
    they may differ; on this clip they do not either."""
    single = sample_people  # pose.detect_people(SAMPLE, show_progress=False), the session's
    parallel = pose.detect_people(SAMPLE, show_progress=False, workers=2, min_part_s=1.0)
    assert parallel.workers == 2 and single.workers == 1
    n = len(single.people)
    assert n == 180 and len(parallel.people) == n
    np.testing.assert_array_equal(parallel.time_s, single.time_s)
    cut = 90
    overlap = range(cut, cut + round(pose.OVERLAP_S * single.info.fps))
    differing = []
    for i, (ours, theirs) in enumerate(zip(parallel.people, single.people)):
        same = len(ours) == len(theirs) and all(
            np.array_equal(a.keypoints_px, b.keypoints_px) and np.array_equal(a.world_m, b.world_m)
            and np.array_equal(a.visibility, b.visibility) for a, b in zip(ours, theirs))
        if not same:
            differing.append(i)
    assert not [i for i in differing if i not in overlap], differing
    assert sum(map(len, single.people)) >= 170  # the runner is found: the comparison means much
    assert parallel.multi_person_frames == single.multi_person_frames
    for name in ("change", "shift_x_px", "camera_moving", "match"):
        np.testing.assert_array_equal(getattr(parallel.footage, name),
                                      getattr(single.footage, name))
    assert parallel.footage.panning == single.footage.panning
