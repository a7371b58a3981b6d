"""The ``posecheck gait`` subcommand on a saved pose file of a hand-made runner."""

from __future__ import annotations

import argparse
import json

import pytest

from posecheck.errors import PosecheckError
from posecheck.gait.command import register
from support.toy import STEP_S, toy_runner


def parse(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("-q", "--quiet", action="store_true")
    register(parser.add_subparsers())
    return parser.parse_args(argv)


def test_gait_command_prints_steps_and_cadence(tmp_path, capsys):
    seq, ic, _ = toy_runner(60.0)
    path = tmp_path / "toy.npz"
    seq.replace(meta={"cleaning": {"done": True}}).save(path)  # already clean: used as is
    csv_path = tmp_path / "steps.csv"
    args = parse(["gait", str(path), "--json", "--slope=-8%", "--steps-csv", str(csv_path)])
    assert args.func(args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["contacts"] == len(ic)
    assert out["cadence_spm"] == pytest.approx(60 / STEP_S, abs=0.5)
    assert out["slope_source"] == "user" and out["slope_deg"] == pytest.approx(-4.574, abs=1e-3)
    assert out["mode"] == "running" and out["facing"] == "right"
    assert out["steps"][0]["foot"] == "right"
    assert len(csv_path.read_text().splitlines()) == len(ic) + 1


def test_gait_command_rejects_a_missing_file(tmp_path):
    args = parse(["gait", str(tmp_path / "none.npz")])
    with pytest.raises(PosecheckError):
        args.func(args)
