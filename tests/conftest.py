"""Shared test helpers.

Data in ``../shared`` (beside the repository) is not ours to publish: tests that need it skip with a
reason on a user's machine where it is absent, and fail when it is absent under CI (``CI=true``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """Path to a file under ``../shared``; skip (or fail under CI=true) when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        message = f"{path} is absent: shared data sits beside the repository, not in it"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (CI=true requires it)")
        pytest.skip(message)
    return path
