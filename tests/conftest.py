"""The fixtures several test files share, and the check that the pose model runs only in tests
marked ``slow``.

Helpers live in the ``support`` package beside this file (``tests/support/``). The clips that
more than one file analyses are analysed here, once per session, by the session fixtures below;
each writes only into its own temporary folder (``tmp_path_factory``). What they return is
shared: read it, never change it (copy an output folder before writing into it).

Data in ``../shared`` (beside the repository) is not ours to publish: tests that need it skip with a
reason on a user's machine where it is absent, and fail when it is absent under CI (``CI=true``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

from support import analyses
from support.model_watch import ModelWatch
from support.paths import SAMPLES, park_walking_clip

# hypothesis keeps its files (.hypothesis/) in the working directory by default: tests write
# only to temporary folders
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "posecheck-tests-hypothesis")


def pytest_configure(config) -> None:
    config.pluginmanager.register(ModelWatch(), "posecheck-model-watch")


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory) -> Callable[[str], analyses.SampleRun]:
    """``sample_run(NAME)``: the downhill sample clip ``sample_videos/NAME.mp4``
    ("downhill-good_pan_rtl" or "downhill-braking_pan_ltr") analysed with ``--slope -8`` and
    its output folder written, once per session per clip (``tests/test_compare.py``,
    ``tests/test_report_browser.py``). Runs the pose model: for slow tests only."""
    runs: dict[str, analyses.SampleRun] = {}

    def run(name: str) -> analyses.SampleRun:
        if name not in runs:
            runs[name] = analyses.sample_run(name, tmp_path_factory.mktemp(name))
        return runs[name]

    return run


@pytest.fixture(scope="session")
def sample_people():
    """Every person in every frame of ``sample_videos/downhill-good_pan_rtl.mp4`` (3 s, 180
    frames at 60 fps, one runner, a panning camera), by ``detect_people``'s defaults
    (``tests/test_pose_detect.py``, ``tests/test_pose_parallel.py``)."""
    return analyses.people_in(SAMPLES / "downhill-good_pan_rtl.mp4")


@pytest.fixture(scope="session")
def real_clip_analysis() -> Callable[[str], tuple]:
    """``real_clip_analysis(FOLDER)``: (analysis, hand labels) of the real clip in
    ``../shared/data/clips/FOLDER``, once per session per clip (``tests/test_real_clips.py``;
    the treadmill clip also ``tests/test_teaching_video.py`` and ``tests/test_gait_real.py``).
    Skips (fails under CI=true) without ``../shared``."""
    done: dict[str, tuple] = {}

    def analysed(folder: str) -> tuple:
        if folder not in done:
            done[folder] = analyses.real_clip_analysis(folder)
        return done[folder]

    return analysed


@pytest.fixture(scope="session")
def park_people():
    """Every person in every frame of the real park clip (a walker crossing among others;
    ``tests/test_tracking.py``, ``tests/test_gait_real.py``)."""
    return analyses.people_in(park_walking_clip())
