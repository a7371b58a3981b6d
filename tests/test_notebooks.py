"""The notebooks run top to bottom: their code cells are executed in order, as Jupyter would, on
the Agg backend, writing only into a temporary folder."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import numpy as np
import pytest

from support.paths import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def run_notebook(notebook: Path, out: Path, monkeypatch) -> dict:
    matplotlib.use("Agg")
    monkeypatch.chdir(REPO / "notebooks")
    monkeypatch.setenv("POSECHECK_NOTEBOOK_OUT", str(out))
    before = {p for p in REPO.rglob("*") if ".git" not in p.parts and ".venv" not in p.parts}
    namespace: dict = {}
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), notebook.name, "exec"), namespace)
    after = {p for p in REPO.rglob("*") if ".git" not in p.parts and ".venv" not in p.parts}
    written = [p for p in after - before if "__pycache__" not in p.parts]
    assert not written, f"{notebook.name} wrote into the repository: {written[:5]}"
    return namespace


def test_every_notebook_is_tested():
    assert {p.name for p in NOTEBOOKS} == {"explore_analysis.ipynb", "coach_review.ipynb"}


@pytest.mark.slow
def test_explore_analysis_runs(tmp_path, monkeypatch):
    namespace = run_notebook(REPO / "notebooks" / "explore_analysis.ipynb", tmp_path, monkeypatch)
    assert (tmp_path / "notebook" / "pose.npz").exists()
    # the notebook's own check: posecheck's knee angle follows the truth
    error = np.nanmedian(np.abs(namespace["measured"] - namespace["exact"]))
    assert error < 10.0


@pytest.mark.slow
def test_coach_review_runs_and_steps_through_every_foot_strike(tmp_path, monkeypatch):
    namespace = run_notebook(REPO / "notebooks" / "coach_review.ipynb", tmp_path, monkeypatch)
    run = namespace["run"]
    assert run.parent == tmp_path and (run / "report.html").exists()
    analysis = namespace["analysis"]
    # every foot strike has its still, and stepping through gives each check's value there
    assert len(namespace["key_frames"]) == len(analysis.gait.events) >= 6
    knee = {f.check_id: f for f in analysis.findings}["knee"].measure
    for path in namespace["key_frames"]:
        k = namespace["strike_step"](path)
        expected = round(float(knee.per_step[k]), 3) if knee.used[k] else None
        assert namespace["strike_values"](k)["knee_flexion_ic_deg"] == expected
    assert "Knee at foot strike" in namespace["card"]({f.check_id: f for f in
                                                       analysis.findings}["knee"])
