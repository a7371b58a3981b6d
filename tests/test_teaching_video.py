"""The teaching video and the key frames written from a clip: frame count and duration kept,
coach mode's freezes counted, one still per foot strike and a contact sheet, and the cases with
nothing to draw (the gait failed, a pose shorter than its video, missing keypoints).

The sample clips' analyses are built on their exact landmarks (no pose model, see
``support.analyses.analysis_from_truth``); the real treadmill clip's is the session's whole
analysis (``tests/conftest.py``)."""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np
import pytest

from posecheck.annotate import (
    KeyFrame,
    coach_mode_extra_frames,
    teaching,
    write_key_frames,
    write_teaching_video,
)
from posecheck.annotate.teaching import CONTACT_SHEET, TeachingPlan
from posecheck.video import iter_frames, probe
from support.analyses import analysis_from_truth


@pytest.fixture(scope="module")
def level():
    return analysis_from_truth("level-good_static_ltr", slope_deg=None, camera=None)


def frame_times(path) -> np.ndarray:
    return np.array([frame.time_s for frame in iter_frames(path)])


def assert_same_length(out, source) -> None:
    """``out`` has the frames and the duration of ``source``."""
    got, want = probe(out), probe(source)
    assert got.n_frames == want.n_frames
    assert got.duration_s == pytest.approx(want.duration_s, abs=0.5 / want.fps)
    assert (got.width, got.height) == (want.width, want.height)


def test_teaching_video_keeps_the_clips_frames_and_times(level, tmp_path):
    out = tmp_path / "teaching.mp4"
    assert write_teaching_video(level, out, show_progress=False) == []
    assert_same_length(out, level.video)
    np.testing.assert_allclose(frame_times(out), frame_times(level.video), atol=1e-3)


def test_coach_mode_adds_the_documented_freezes(level, tmp_path):
    out = tmp_path / "coach.mp4"
    write_teaching_video(level, out, coach_mode=True, show_progress=False)
    plan = TeachingPlan.from_analysis(level)
    fps = level.pose.fps
    extra = coach_mode_extra_frames(level)
    assert extra == len(plan.timeline.starts) * round(teaching.FREEZE_S * fps) > 0
    got, source = probe(out), probe(level.video)
    assert got.n_frames == source.n_frames + extra
    assert got.duration_s == pytest.approx(source.duration_s + extra / fps, abs=0.5 / fps)
    times = frame_times(out)
    assert np.all(np.diff(times) > 0)
    frames = [f.rgb for f in iter_frames(out)]
    first = plan.timeline.starts[0]
    held = frames[first:first + round(teaching.FREEZE_S * fps) + 1]
    assert max(np.abs(f.astype(int) - held[0]).mean() for f in held) < 2  # one picture, held


def test_key_frames_one_still_per_strike_and_a_contact_sheet(level, tmp_path):
    records = write_teaching_video(level, tmp_path / "v.mp4", key_frames_dir=tmp_path / "kf",
                                   show_progress=False)
    events = level.gait.events
    assert [r.number for r in records] == list(range(1, len(events) + 1))
    assert [r.foot for r in records] == list(events.foot)
    names = sorted(p.name for p in (tmp_path / "kf").iterdir())
    assert names == sorted([f"strike_{r.number:02d}_{r.foot}.jpg" for r in records]
                           + [CONTACT_SHEET])
    for record in records:
        assert isinstance(record, KeyFrame)
        assert record.time_s == level.pose.time_s[record.frame_index]
        assert record.caption.startswith(f"Strike {record.number} \u00b7 {record.foot} foot")
        still = cv2.imread(str(record.path))
        assert still is not None and still.shape[0] > 640  # two 640-px pictures over a caption
    assert cv2.imread(str(tmp_path / "kf" / CONTACT_SHEET)) is not None


def test_key_frames_alone_decode_only_up_to_the_last_strike(level, tmp_path, monkeypatch):
    seen = []

    def counting(path):
        for frame in iter_frames(path):
            seen.append(frame.index)
            yield frame

    monkeypatch.setattr(teaching, "iter_frames", counting)
    records = write_key_frames(level, tmp_path)
    plan = TeachingPlan.from_analysis(level)
    last = max(max(s.ic_frame, s.mid_frame) for s in plan.strikes)
    assert max(seen) == min(last + 1, level.info.n_frames - 1)  # one past it, then it stops
    assert len(records) == len(level.gait.events)
    assert (tmp_path / CONTACT_SHEET).is_file()


def test_without_a_gait_the_video_is_still_written_with_the_skeleton_and_a_notice(level,
                                                                                  tmp_path):
    failed = dataclasses.replace(level, gait=None, findings=(),
                                 gait_error="no heel and toe landmarks were found")
    out = tmp_path / "failed.mp4"
    records = write_teaching_video(failed, out, coach_mode=True, key_frames_dir=tmp_path / "kf",
                                   show_progress=False)
    assert records == []
    assert_same_length(out, level.video)  # nothing to freeze
    assert [p.name for p in (tmp_path / "kf").iterdir()] == [CONTACT_SHEET]
    plan = TeachingPlan.from_analysis(failed)
    assert plan.strikes == () and plan.notice.startswith("no foot strikes: no heel")


def test_frames_past_the_pose_and_missing_keypoints_do_not_stop_the_video(tmp_path):
    short = analysis_from_truth("level-good_static_ltr", slope_deg=None, camera=None,
                                n_frames=40)  # the pose ends 20 frames before the video
    kp = short.pose.keypoints_px.copy()
    kp[10:14] = np.nan  # the runner lost for four frames
    kp[20, :5] = np.nan
    short = dataclasses.replace(short, pose=short.pose.replace(keypoints_px=kp))
    out = tmp_path / "short.mp4"
    write_teaching_video(short, out, key_frames_dir=tmp_path / "kf", show_progress=False)
    assert_same_length(out, short.video)


@pytest.mark.slow
def test_treadmill_teaching_video_has_the_inputs_frames_and_duration(real_clip_analysis,
                                                                       tmp_path):
    analysis, labels = real_clip_analysis("treadmill-side-male")
    clip = labels.video
    out = tmp_path / "teaching.mp4"
    records = write_teaching_video(analysis, out, key_frames_dir=tmp_path / "kf",
                                   show_progress=False)
    assert_same_length(out, clip)
    assert len(records) == len(analysis.gait.events) >= 30  # 12 s at 169 steps/min
    assert (tmp_path / "kf" / CONTACT_SHEET).is_file()


@pytest.mark.parametrize(("size", "short_side", "want"), [
    ((1920, 1080), 720, (1280, 720)),   # 1080p landscape
    ((1080, 1920), 720, (720, 1280)),   # 1080p portrait
    ((3840, 2160), 720, (1280, 720)),   # 4K
    ((1280, 720), 720, (1280, 720)),    # already the size
    ((640, 360), 720, (640, 360)),      # smaller clips are never enlarged
    ((1920, 1080), None, (1920, 1080)),  # --video-size full
    ((1999, 1001), 720, (1438, 720)),   # odd sides: 1999 * 720 / 1001 = 1437.9, made even
])
def test_video_size(size, short_side, want):
    assert teaching.video_size(*size, short_side) == want


def test_a_smaller_video_is_the_full_one_shrunk(level, tmp_path):
    """Drawn at 640x360 the teaching video shows what the 1280x720 one shows, shrunk: the
    skeleton and the strike marks on the runner, and the panel, where the full-size video has
    them."""
    full, small = tmp_path / "full.mp4", tmp_path / "small.mp4"
    write_teaching_video(level, full, show_progress=False)
    write_teaching_video(level, small, show_progress=False, short_side_px=360)
    got, source = probe(small), probe(level.video)
    assert (got.width, got.height) == (640, 360) and got.n_frames == source.n_frames
    plan = TeachingPlan.from_analysis(level)
    shown = {*plan.timeline.starts[:3], 5, source.n_frames // 2}  # marks, and plain frames
    frames = {name: {f.index: f.rgb for f in iter_frames(path) if f.index in shown}
              for name, path in (("full", full), ("small", small), ("clip", level.video))}

    def shrunk(rgb):
        return cv2.resize(rgb, (640, 360), interpolation=cv2.INTER_AREA).astype(int)

    def near(mask):  # within 3 px of a drawn pixel: lines drawn at either size may differ
        return cv2.dilate(mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0

    for index in shown:
        want, plain = shrunk(frames["full"][index]), shrunk(frames["clip"][index])
        small = frames["small"][index].astype(int)
        drawn_full = np.abs(want - plain).max(axis=2) > 40  # where the full-size video drew
        drawn_small = np.abs(small - plain).max(axis=2) > 40
        on_runner = np.zeros_like(drawn_full)  # the runner's box, apart from the panel
        (x0, y0), (x1, y1) = (np.nanmin(plan.keypoints(index), axis=0) / 2 - 10,
                              np.nanmax(plan.keypoints(index), axis=0) / 2 + 10)
        on_runner[max(0, int(y0)):int(y1), max(0, int(x0)):int(x1)] = True
        for region in (on_runner, ~on_runner):
            full_here, small_here = drawn_full & region, drawn_small & region
            assert full_here.sum() > 300 and small_here.sum() > 300, index
            # what the small video drew lies where the full one drew, and the other way round
            assert (small_here & near(full_here)).sum() > 0.85 * small_here.sum(), index
            assert (full_here & near(small_here)).sum() > 0.95 * full_here.sum(), index


def test_a_resized_plan_scales_every_point(level):
    plan = TeachingPlan.from_analysis(level)
    half = plan.resized(640, 360)
    frame = plan.strikes[0].ic_frame
    np.testing.assert_allclose(half.keypoints(frame), plan.keypoints(frame) * 0.5)
    a, b = plan.strikes[0], half.strikes[0]
    assert b.leg_px == pytest.approx(0.5 * a.leg_px)
    np.testing.assert_allclose(b.contact.foot_px, np.multiply(a.contact.foot_px, 0.5))
    np.testing.assert_allclose(b.stance.com_px, np.multiply(a.stance.com_px, 0.5))
    assert plan.resized(1280, 720) is plan
