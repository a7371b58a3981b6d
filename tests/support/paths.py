"""Where the tests find things.

Data in ``../shared`` (beside the repository) is not ours to publish: tests that need it skip with a
reason on a user's machine where it is absent, and fail when it is absent under CI (``CI=true``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

import posecheck

#: The checkout: ``tests/`` is its child, also when the tests run against an installed wheel.
REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "sample_videos"
#: The folder the posecheck under test is imported from: the checkout with an editable install,
#: site-packages with an installed wheel (``.ci/run``). Commands the tests run in a subprocess
#: get it on PYTHONPATH, so they run the same posecheck as the tests themselves.
PACKAGE_ROOT = Path(posecheck.__file__).resolve().parents[1]


def shared_path(*parts: str) -> Path:
    """Path to a file under ``../shared``; skip (or fail under CI=true) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: shared data sits beside the repository, not in it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true requires it)")
        pytest.skip(message)
    return path


def treadmill_clip() -> Path:
    """The real side-on treadmill clip (12 s, 169 steps/min, facing image left)."""
    return shared_path("data", "clips", "treadmill-side-male", "male_side.mp4")


def park_walking_clip() -> Path:
    """The real park clip: a walker crossing right to left among other people."""
    return shared_path("data", "clips", "park-walking-multi", "park_walking.mp4")


def load_benchmark(name: str) -> ModuleType:
    """The script ``benchmarks/<name>.py`` as a module (``<name>_benchmark``), for tests of its
    helpers. ``benchmarks/`` goes on the path: a script may import its neighbours (long_clip.py
    imports speed.py)."""
    folder = str(REPO / "benchmarks")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", REPO / "benchmarks" /
                                                  f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module
