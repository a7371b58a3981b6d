"""Shared test helpers.

Data in ``../shared`` (beside the repository) is not ours to publish: tests that need it skip with a
reason on a user's machine where it is absent, and fail when it is absent under CI (``CI=true``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis.configuration import set_hypothesis_home_dir

import posecheck

# hypothesis keeps its files (.hypothesis/) in the working directory by default: tests write
# only to temporary folders
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "posecheck-tests-hypothesis")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
#: The folder the posecheck under test is imported from: the checkout with an editable install,
#: site-packages with an installed wheel (``.ci/run``). Commands the tests run in a subprocess
#: get it as PYTHONPATH, so they run the same posecheck as the tests themselves.
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
