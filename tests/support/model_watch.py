"""Every test that runs the pose model carries the ``slow`` marker: the check that keeps it so.

The pose model is MediaPipe's PoseLandmarker, built by :class:`posecheck.pose.PoseDetector`.
While the tests run, every detector built adds a line to a log (a temporary file named by
``POSECHECK_TEST_MODEL_LOG``): in the test process itself, and in every Python process the tests
start, through the start-up hook in ``child_hook/`` that :class:`ModelWatch` puts on PYTHONPATH
(``posecheck analyze`` run as a command, a session's worker processes, the pose stage's).

:class:`ModelWatch` (a pytest plugin, registered by ``tests/conftest.py``) reads the log's
length around each test (its setup, call and teardown: the fixtures it sets up count) and around
each fixture's setup. A test not marked ``slow`` fails, with the reason, when a pose model was
built while it ran or by a fixture it uses (a session fixture set up earlier, by a slow test,
counts too). Run the fast suite (``-m "not slow"``) and every such test shows.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHILD_HOOK = Path(__file__).resolve().parent / "child_hook"
_HOOK = CHILD_HOOK / "sitecustomize.py"
LOG_ENV = "POSECHECK_TEST_MODEL_LOG"


def _hook_module():
    spec = importlib.util.spec_from_file_location("posecheck_test_model_hook", _HOOK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # does not install its finder: posecheck.pose is watched below
    return module


def models_built() -> int:
    """How many pose models the tests and their processes have built so far."""
    log = os.environ.get(LOG_ENV)
    if not log or not os.path.exists(log):
        return 0
    with open(log, encoding="utf-8") as lines:
        return sum(1 for _ in lines)


class ModelWatch:
    """The pytest plugin (see the module docstring)."""

    def __init__(self) -> None:
        self._folder: str | None = None
        self._saved: dict[str, str | None] = {}
        self._fixtures: set[tuple[str, str]] = set()  # (baseid, name) of fixtures that built one
        self._before: dict[str, int] = {}

    # ---- the log and the processes' start-up hook ----------------------------------------------
    def pytest_configure(self, config) -> None:
        self._folder = tempfile.mkdtemp(prefix="posecheck-tests-models-")
        for name in (LOG_ENV, "PYTHONPATH"):
            self._saved[name] = os.environ.get(name)
        os.environ[LOG_ENV] = str(Path(self._folder) / "built.log")
        os.environ["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(CHILD_HOOK), self._saved["PYTHONPATH"]) if p)
        import posecheck.pose

        _hook_module().watch(posecheck.pose)

    def pytest_unconfigure(self, config) -> None:
        for name, value in self._saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if self._folder:
            shutil.rmtree(self._folder, ignore_errors=True)

    # ---- counting ------------------------------------------------------------------------------
    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        before = models_built()
        yield
        if models_built() > before:
            self._fixtures.add((fixturedef.baseid, fixturedef.argname))

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_setup(self, item):
        self._before[item.nodeid] = models_built()
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        outcome = yield
        report = outcome.get_result()
        if call.when != "call" or item.get_closest_marker("slow") is not None:
            return
        why = []
        built = models_built() - self._before.pop(item.nodeid, 0)
        if built > 0:
            why.append(f"{built} pose model(s) were built while it ran")
        used = sorted(self._fixture_names(item))
        if used:
            why.append(f"it uses fixture(s) that built the pose model: {', '.join(used)}")
        if why and report.outcome != "skipped":
            report.outcome = "failed"
            report.longrepr = (f"{item.nodeid} runs the pose model but is not marked slow: "
                               f"{'; '.join(why)}. Add @pytest.mark.slow (pyproject.toml).")

    def _fixture_names(self, item) -> list[str]:
        """The fixtures ``item`` uses (directly or through others) whose definitions, as this
        item sees them, built the pose model."""
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            return []
        found = []
        for name, definitions in info.name2fixturedefs.items():
            if definitions and (definitions[-1].baseid, name) in self._fixtures:
                found.append(name)
        return found
