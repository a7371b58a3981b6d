"""The notebooks run: their code cells are executed in order, as Jupyter would, on the Agg backend."""

import json
import os
from pathlib import Path

import matplotlib
import pytest

from conftest import REPO

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_code_cells_run(notebook: Path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(REPO)
    cells = json.loads(notebook.read_text())["cells"]
    namespace: dict = {}
    for cell in cells:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), f"{notebook.name}", "exec"), namespace)
    assert os.path.exists(REPO / "demo-output" / "notebook" / "pose.npz")
    # the notebook's own check: posecheck's knee angle follows the truth
    import numpy as np

    error = np.nanmedian(np.abs(namespace["measured"] - namespace["exact"]))
    assert error < 10.0
