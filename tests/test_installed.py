"""Which posecheck the tests test. ``.ci/run`` installs the wheel into a fresh environment and runs
the tests from outside the checkout with ``POSECHECK_TEST_INSTALLED=1``: posecheck must then be
imported from site-packages, and its bundled files (pose model, schema) must be in the package.
Commands the tests run in a subprocess must run the same posecheck as the tests themselves."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import posecheck
from support.commands import posecheck_env
from support.paths import REPO

INSTALLED = os.environ.get("POSECHECK_TEST_INSTALLED") == "1"


@pytest.mark.skipif(not INSTALLED, reason="POSECHECK_TEST_INSTALLED=1 is set by .ci/run, which "
                    "tests the installed wheel; here posecheck may come from the checkout")
def test_posecheck_is_the_installed_wheel_not_the_checkout():
    where = Path(posecheck.__file__).resolve()
    assert "site-packages" in where.parts, where
    assert REPO not in where.parents, f"{where} is in the checkout {REPO}"
    package = where.parent
    for bundled in ("models/pose_landmarker_full.task", "models/SHA256SUMS", "models/LICENSE",
                    "models/NOTICE.md", "schema/analysis.schema.json"):
        assert (package / bundled).is_file(), f"the installed package has no {bundled}"


def test_subprocesses_run_the_posecheck_under_test(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import posecheck; print(posecheck.__file__)"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, check=True,
                          env=posecheck_env())
    assert Path(done.stdout.strip()).resolve() == Path(posecheck.__file__).resolve()
