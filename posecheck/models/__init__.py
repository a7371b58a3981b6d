"""The pose model that ships with posecheck (see NOTICE.md here for its origin and licence)."""

from __future__ import annotations

import hashlib
from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
DEFAULT_MODEL = MODELS_DIR / "pose_landmarker_full.task"


def expected_sha256(name: str = DEFAULT_MODEL.name) -> str:
    """The sha256 recorded in SHA256SUMS for a bundled model file."""
    for line in (MODELS_DIR / "SHA256SUMS").read_text().splitlines():
        digest, _, filename = line.partition("  ")
        if filename.strip() == name:
            return digest
    raise KeyError(f"{name} is not listed in SHA256SUMS")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
