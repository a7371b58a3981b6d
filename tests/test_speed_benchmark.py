"""The helpers of benchmarks/speed.py, on known answers; nothing here is timed."""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pytest

from posecheck.video import iter_frames
from support.paths import SAMPLES, load_benchmark


speed = load_benchmark("speed")


def test_parse_size():
    assert speed.parse_size("1920x1080") == (1920, 1080)
    assert speed.parse_size("1080X1920") == (1080, 1920)
    with pytest.raises(argparse.ArgumentTypeError, match="WIDTHxHEIGHT"):
        speed.parse_size("1080p")


def test_machine_limit_counts_only_the_stages_in_it():
    stages = [speed.Stage("decode", 5.0, True), speed.Stage("MediaPipe VIDEO, 1 pose", 15.0, True),
              speed.Stage("MediaPipe VIDEO, 3 poses", 25.0, False)]
    # 2 cores, 20 core-ms per frame: 100 frames/s
    assert speed.machine_limit_fps(stages, 2) == pytest.approx(100.0)
    # the 3-pose model instead of the 1-pose one: 30 core-ms per frame
    assert speed.machine_limit_fps(speed.with_three_poses(stages), 3) == pytest.approx(100.0)
    assert speed.machine_limit_fps([], 2) == float("inf")


def test_per_frame_ms():
    assert speed.per_frame_ms(2.0, 1000) == pytest.approx(2.0)
    assert speed.per_frame_ms(1.0, 0) == pytest.approx(1000.0)  # no division by zero


def test_loop_clip_repeats_the_packets_with_times_going_on(tmp_path):
    source = SAMPLES / "level-good_static_ltr.mp4"  # 1 s, 60 frames at 60 fps
    clip = speed.loop_clip(source, tmp_path / "long.mp4", minutes=2.5 / 60)  # 3 repeats
    assert clip.n_frames == 180
    times = np.array([frame.time_s for frame in iter_frames(clip.path)])
    assert times.size == 180
    assert np.allclose(np.diff(times), 1 / 60, atol=1e-3)


def test_the_memory_of_a_process_and_its_children_is_read(tmp_path):
    import os
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        tree = speed.process_tree(os.getpid())
        assert tree[0] == os.getpid() and child.pid in tree
        assert 0 < speed.pss_mb(os.getpid()) <= speed.rss_mb(os.getpid()) + 1
    finally:
        child.kill()
        child.wait()
    assert speed.pss_mb(child.pid) is None and speed.rss_mb(child.pid) is None


def test_long_clip_repeats_the_pose_with_times_running_on():
    from pathlib import Path

    from posecheck.pose import PeopleFrames
    from posecheck.video import VideoInfo

    long_clip = load_benchmark("long_clip")
    info = VideoInfo(Path("clip.mp4"), 64, 48, 50.0, 0.06, 3, 0, "h264")
    people = [["a"], [], ["b", "c"]]
    frames = PeopleFrames(info=info, time_s=np.array([0.0, 0.02, 0.04]), people=people,
                          model="m", seconds=1.0)
    twice = long_clip.repeated(frames, 2)
    np.testing.assert_allclose(twice.time_s, [0.0, 0.02, 0.04, 0.06, 0.08, 0.1])
    assert twice.people == [["a"], [], ["b", "c"], ["a"], [], ["b", "c"]]
    assert twice.info.n_frames == 6 and frames.info.n_frames == 3
