"""The check that keeps every test that runs the pose model marked ``slow``
(``tests/support/model_watch.py``), itself checked: a small test suite run with the check in a
pytest of its own, whose tests build the pose model in every way the real ones do (in the test,
through a session fixture first set up by a slow test, in a ``python`` subprocess) or build none.

Slow: that suite builds the pose model (in its own processes, which log to a watch of their
own: this test is not flagged by the watch around it, whatever its marker)."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from support.commands import posecheck_env
from support.model_watch import LOG_ENV

TESTS = Path(__file__).resolve().parent

SUITE = '''
import subprocess
import sys

import pytest

from posecheck.pose import PoseDetector

BUILD = "from posecheck.pose import PoseDetector; PoseDetector().close()"


@pytest.fixture(scope="session")
def model():
    detector = PoseDetector()
    yield detector
    detector.close()


def test_builds_nothing():
    assert 1 + 1 == 2


@pytest.mark.slow
def test_builds_marked():
    PoseDetector().close()


def test_builds_unmarked():
    PoseDetector().close()


def test_fails_to_build_unmarked(tmp_path):
    (tmp_path / "junk.task").write_text("not a model")
    with pytest.raises(Exception, match="not a usable PoseLandmarker model"):
        PoseDetector(tmp_path / "junk.task")


@pytest.mark.slow
def test_fixture_first_use_marked(model):
    assert model is not None


def test_fixture_later_use_unmarked(model):
    assert model is not None


@pytest.mark.slow
def test_subprocess_marked():
    subprocess.run([sys.executable, "-c", BUILD], check=True, timeout=300)


def test_subprocess_unmarked():
    subprocess.run([sys.executable, "-c", BUILD], check=True, timeout=300)
'''

CONFTEST = f'''
import sys

sys.path.insert(0, {str(TESTS)!r})

from support.model_watch import ModelWatch


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: runs the pose model")
    config.pluginmanager.register(ModelWatch(), "posecheck-model-watch")
'''


@pytest.mark.slow
def test_a_test_not_marked_slow_that_builds_the_pose_model_fails_and_says_why(tmp_path):
    suite = tmp_path / "suite"
    suite.mkdir()
    (suite / "pytest.ini").write_text("[pytest]\n")  # its own root: not this repository's
    (suite / "conftest.py").write_text(textwrap.dedent(CONFTEST))
    (suite / "test_watched.py").write_text(SUITE)
    env = posecheck_env(PYTHONDONTWRITEBYTECODE="1")
    env.pop(LOG_ENV, None)  # the suite keeps a log of its own
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA",
                           str(suite)], cwd=suite, env=env, capture_output=True, text=True,
                          timeout=900)
    outcomes = {name: outcome for outcome, name in
                re.findall(r"^(PASSED|FAILED) test_watched\.py::(\w+)", done.stdout, re.M)}
    assert outcomes == {
        "test_builds_nothing": "PASSED",
        "test_builds_marked": "PASSED",
        "test_builds_unmarked": "FAILED",
        "test_fails_to_build_unmarked": "PASSED",  # no model was built
        "test_fixture_first_use_marked": "PASSED",
        "test_fixture_later_use_unmarked": "FAILED",
        "test_subprocess_marked": "PASSED",
        "test_subprocess_unmarked": "FAILED",
    }, done.stdout[-3000:] + done.stderr[-2000:]
    assert done.returncode == 1
    why = "runs the pose model but is not marked slow"
    assert f"test_builds_unmarked {why}: 1 pose model(s) were built while it ran" in done.stdout
    assert (f"test_fixture_later_use_unmarked {why}: it uses fixture(s) that built the pose "
            "model: model") in done.stdout
    assert f"test_subprocess_unmarked {why}: 1 pose model(s) were built while it ran" in done.stdout
