"""Fuzz the readers of user files: bad input must give a PosecheckError, never another exception.

    .venv/bin/python benchmarks/fuzz_inputs.py --budget-s 600

Three targets, each fed inputs that hypothesis draws by mutating real small files this script
makes first (in a temporary folder; nothing is written in the repository):

- ``video``: posecheck.video.probe and iter_frames (every frame read). Seeds: a 0.5 s synthetic
  runner at 160 x 96 written by posecheck's own H.264 MP4 writer (+faststart), the same frames
  as MPEG-4 Part 2 in a MOV with its index at the end, and as VP8 in WebM (PyAV). Mutations:
  bit flips, byte overwrites, insertions, deletions, chunk duplication, truncation.
- ``pose_npz``: PoseSequence.load, then what ``posecheck gait`` does with what it loaded
  (clean unless already cleaned, check_feet_in_view, analyze_gait, summarize) and the checks
  (run_checks). Seed: the synthetic runner's exact landmarks (2 s, 30 fps), cleaned and saved
  by PoseSequence.save. Mutations: the bytes as above, or the arrays: keys missing or extra,
  wrong shapes and dtypes, NaN, inf, huge and tiny values, 0 to 3 frames, times out of order,
  fps and frame size absurd, meta not JSON or not a dict, landmark names changed.
- ``analysis_json``: the readers of an ``analysis.json``: compare.RunSummary.load with what
  ``posecheck compare`` does next (compare_runs against the seed, the change table, the page,
  compare.json), and options.load_baseline (``--baseline``). Seed: an analysis of the same
  synthetic runner built without video (Analysis.to_json). Mutations: the bytes, or the
  document: values replaced by other JSON values (null, booleans, strings, huge numbers, NaN,
  lists, objects), keys deleted, lists emptied.

Outcomes per input: ``accepted`` (read without error), ``refused`` (PosecheckError), ``crashed``
(any other exception: a defect; the input is kept in --keep-dir). A sample of the inputs of
each target (every crash, then accepted and refused inputs alike, at random) is also run
through the installed command line in a subprocess (``posecheck analyze`` / ``gait`` /
``compare``, and ``analyze --baseline`` for the baseline reader): the exit code must be 0, 1
or 2, stderr one line at most, with no traceback and no "internal error". A table of the counts
is printed at the end.

The budget is split evenly between the targets; each spends three quarters of its share on
in-process inputs and the rest on the command-line sample (``--cli-share``). A command-line
failure keeps its input and names where the same command's ``--debug`` traceback ends.
"""

from __future__ import annotations

import argparse
import collections
import dataclasses
import io
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import HypothesisWarning
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from posecheck.errors import PosecheckError  # noqa: E402

TARGETS = ("video", "pose_npz", "analysis_json")
BATCH_EXAMPLES = 25  # hypothesis examples per call; the budget is checked between calls
CLI_TIMEOUT_S = 120.0


# ---------------------------------------------------------------------------------- seeds


def _runner_clip(fps: float, seconds: float, width: int, height: int):
    from posecheck.synth.clip import ClipSpec, SyntheticClip
    from posecheck.synth.presets import preset_params

    return SyntheticClip(ClipSpec(gait=preset_params("level-good"), preset="level-good",
                                  fps=fps, seconds=seconds, width=width, height=height))


def make_video_seeds(folder: Path) -> list[Path]:
    """Three small clips of the synthetic runner: H.264 MP4 (posecheck's writer), MPEG-4 in a
    MOV with its index at the end, VP8 in WebM."""
    from posecheck.video import VideoWriter

    clip = _runner_clip(30.0, 0.5, 160, 96)
    frames = list(clip.frames())
    mp4 = folder / "seed_h264.mp4"
    with VideoWriter(mp4, fps=30.0, width=160, height=96) as writer:
        for rgb in frames:
            writer.write(rgb)
    paths = [mp4]
    for name, codec, fmt in (("seed_mpeg4.mov", "mpeg4", "mov"),
                             ("seed_vp8.webm", "libvpx", "webm")):
        path = folder / name
        with av.open(str(path), mode="w", format=fmt) as container:
            stream = container.add_stream(codec, rate=Fraction(30))
            stream.width, stream.height, stream.pix_fmt = 160, 96, "yuv420p"
            for rgb in frames:
                for packet in stream.encode(av.VideoFrame.from_ndarray(rgb, format="rgb24")):
                    container.mux(packet)
            container.mux(stream.encode(None))
        paths.append(path)
    return paths


def make_pose_seed(folder: Path):
    """A cleaned pose.npz of the synthetic runner (2 s at 30 fps), as the package saves it;
    and its analysis.json, built without video. Returns (npz path, json path, arrays)."""
    from posecheck.checks.registry import run_checks
    from posecheck.cleaning import clean
    from posecheck.gait.analysis import analyze_gait
    from posecheck.options import AnalysisOptions
    from posecheck.result import Analysis, collect_warnings
    from posecheck.video import VideoInfo

    clip = _runner_clip(30.0, 2.0, 320, 180)
    raw = clip.exact_pose()
    pose = clean(raw)
    npz = folder / "seed_pose.npz"
    pose.save(npz)
    gait = analyze_gait(pose)
    findings = run_checks(gait)
    info = VideoInfo(path=folder / "seed.mp4", width=320, height=180, fps=30.0,
                     duration_s=pose.n_frames / 30.0, n_frames=pose.n_frames, rotation_deg=0,
                     codec="h264", frames_counted=True)
    analysis = Analysis(video=info.path, info=info, options=AnalysisOptions(), raw=raw,
                        pose=pose, person_id=0, people=[{"id": 0}], gait=gait, gait_error="",
                        findings=findings,
                        warnings=tuple(collect_warnings(pose, gait, "", findings)),
                        pose_seconds=1.0, total_seconds=1.0)
    run = folder / "seed_run"
    run.mkdir()
    (run / "analysis.json").write_text(json.dumps(analysis.to_json(), indent=1),
                                       encoding="utf-8")
    with np.load(npz, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files}
    return npz, run / "analysis.json", arrays


# ---------------------------------------------------------------------------------- mutations


@st.composite
def byte_mutation(draw, seed_bytes: bytes) -> bytes:
    """1-4 edits of the bytes: bit flip, overwrite, insert, delete, duplicate, truncate."""
    data = bytearray(seed_bytes)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(("flip", "overwrite", "insert", "delete", "duplicate",
                                     "truncate")))
        n = len(data)
        if n == 0:
            data += draw(st.binary(min_size=1, max_size=64))
            continue
        # edits near the start hit headers and indexes: draw there half the time
        pos = draw(st.one_of(st.integers(0, min(n - 1, 4096)), st.integers(0, n - 1)))
        if kind == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "overwrite":
            chunk = draw(st.one_of(st.binary(min_size=1, max_size=16),
                                   st.sampled_from((b"\x00" * 4, b"\xff" * 4,
                                                    b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00"))))
            data[pos:pos + len(chunk)] = chunk
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=256))
        elif kind == "delete":
            del data[pos:pos + draw(st.integers(1, 256))]
        elif kind == "duplicate":
            size = draw(st.integers(1, 1024))
            data[pos:pos] = data[pos:pos + size]
        else:
            del data[pos:]
    return bytes(data)


SPECIAL_FLOATS = (math.nan, math.inf, -math.inf, 0.0, -0.0, 1e308, -1e308, 1e-308, 5e-324,
                  1e12, -1.0, 3.0e38)
ARRAY_KEYS = ("time_s", "keypoints_px", "visibility", "world_m")


def _random_array(draw) -> np.ndarray:
    from hypothesis.extra import numpy as hnp

    dtype = draw(st.sampled_from(("float64", "float32", "float16", "int64", "int8", "uint8",
                                  "bool", "complex128", "U3", "S2")))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    if dtype in ("U3", "S2"):
        return np.full(shape, "ab", dtype=dtype)
    return draw(hnp.arrays(dtype=dtype, shape=shape))


@st.composite
def npz_mutation(draw, arrays: dict[str, np.ndarray]) -> bytes:
    """1-3 edits of the pose file's arrays, saved as an .npz (compressed or not)."""
    data = {key: np.array(value) for key, value in arrays.items()}
    n = len(data["time_s"])
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(("drop", "random", "values", "frames", "fps", "frame_size",
                                     "meta", "landmarks", "time", "extra", "dtype")))
        if kind == "drop":
            data.pop(draw(st.sampled_from(sorted(data))), None)
        elif kind == "random":
            data[draw(st.sampled_from(sorted(arrays)))] = _random_array(draw)
        elif kind == "values":
            key = draw(st.sampled_from(ARRAY_KEYS))
            if key not in data or data[key].dtype.kind != "f" or data[key].size == 0:
                continue
            values = data[key].copy()
            mask = draw(st.sampled_from(("all", "frames", "landmark", "random")))
            fill = draw(st.one_of(st.sampled_from(SPECIAL_FLOATS), st.floats()))
            if mask == "all":
                values[...] = fill
            elif mask == "frames":
                start = draw(st.integers(0, len(values) - 1))
                values[start:start + draw(st.integers(1, len(values)))] = fill
            elif mask == "landmark" and values.ndim >= 2:
                values[:, draw(st.integers(0, values.shape[1] - 1))] = fill
            else:
                rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
                values[rng.random(values.shape) < draw(st.floats(0.0, 1.0))] = fill
            data[key] = values
        elif kind == "frames":  # a consistent sequence of 0-3 frames, or frames dropped
            keep = draw(st.one_of(st.integers(0, 3), st.integers(0, n)))
            index = np.sort(np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
                            .choice(n, size=min(keep, n), replace=False))
            for key in ARRAY_KEYS:
                if key in data and data[key].shape[:1] == (n,):
                    data[key] = data[key][index]
        elif kind == "fps":
            data["fps"] = np.asarray(draw(st.one_of(
                st.sampled_from(SPECIAL_FLOATS + (1000.0, 0.5, 1e6)), st.floats(),
                st.just("thirty"), st.just([30.0, 60.0]))))
        elif kind == "frame_size":
            data["frame_size"] = np.asarray(draw(st.one_of(
                st.lists(st.integers(-2**40, 2**40), min_size=0, max_size=3),
                st.sampled_from(([0, 0], [-320, 180], [1e300, 1.0], [math.nan, 180.0],
                                 ["w", "h"], 5)))))
        elif kind == "meta":
            data["meta"] = np.asarray(draw(st.sampled_from((
                "not json", "[1, 2]", "null", "1", '"text"', '{"cleaning": 5}',
                '{"mirrored": "yes"}', '{"footage": [1]}', '{"people": 3}',
                '{"slow_motion": "x", "capture_fps": -1}', '{"cleaning": {"cutoff_hz": "x"}}',
                "{" * 2000 + "}" * 2000))))
        elif kind == "landmarks":
            names = list(arrays["landmarks"].tolist())
            data["landmarks"] = np.asarray(draw(st.sampled_from((
                names[::-1], names[:-1], names + ["tail"], [1, 2, 3], []))))
        elif kind == "time":
            if ("time_s" in data and data["time_s"].ndim == 1 and len(data["time_s"])
                    and data["time_s"].dtype.kind in "biuf"):
                t = data["time_s"]
                data["time_s"] = draw(st.sampled_from((
                    t[::-1].copy(), np.zeros_like(t), t * 1e9, t * 1e-9, t - 1e6,
                    np.repeat(t[: (len(t) + 1) // 2], 2)[: len(t)])))
        elif kind == "extra":
            data[draw(st.sampled_from(("extra", "format_version")))] = _random_array(draw)
        else:  # the same values as another dtype
            key = draw(st.sampled_from(sorted(data)))
            target = draw(st.sampled_from(("int64", "float32", "float16", "bool", "U8",
                                           "complex64")))
            try:
                data[key] = data[key].astype(target)
            except (TypeError, ValueError, OverflowError):
                pass
    buffer = io.BytesIO()
    save = np.savez_compressed if draw(st.booleans()) else np.savez
    save(buffer, **data)
    return buffer.getvalue()


JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
              st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8)),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(st.text(max_size=6), children, max_size=3)),
    max_leaves=6)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _parent(document, path):
    for part in path[:-1]:
        document = document[part]
    return document


@st.composite
def json_mutation(draw, document: dict) -> bytes:
    """1-4 edits of the analysis document: replace a value, delete a key, empty a list."""
    doc = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(doc, path)
        kind = draw(st.sampled_from(("replace", "replace", "delete", "empty")))
        if kind == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif kind == "delete":
            del parent[path[-1]]
        elif isinstance(parent[path[-1]], list):
            parent[path[-1]] = []
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]] = {}
    if draw(st.integers(0, 9)) == 0:
        doc = draw(JSON_VALUES)  # not an object at all
    return json.dumps(doc).encode()


# ---------------------------------------------------------------------------------- targets


class ContractError(Exception):
    """A reader returned what it promises not to: a defect, counted as a crash."""


def read_video(path: Path) -> None:
    """probe, then every frame; iter_frames promises frame times that increase (the pose
    model and the gait need them): times that do not are a crash."""
    from posecheck.video import iter_frames, probe

    probe(path)
    times = [frame.time_s for frame in iter_frames(path)]
    if len(times) > 1 and not (np.diff(times) > 0).all():
        raise ContractError("iter_frames gave frame times that do not increase")


def read_pose(path: Path) -> None:
    from posecheck.checks.registry import run_checks
    from posecheck.cleaning import clean
    from posecheck.gait.analysis import analyze_gait, check_feet_in_view, summarize
    from posecheck.sequence import PoseSequence

    seq = PoseSequence.load(path)
    if "cleaning" not in seq.meta:
        seq = clean(seq)
    check_feet_in_view(seq)
    gait = analyze_gait(seq)
    json.dumps(summarize(gait))
    run_checks(gait)


def read_analysis(path: Path, seed_path: Path) -> None:
    """Both readers run on every input; refused when either refuses it (a crash of either is
    a crash)."""
    from posecheck.options import load_baseline

    errors = []
    for reader in (lambda: load_baseline(path), lambda: _compare(path, seed_path)):
        try:
            reader()
        except PosecheckError as exc:
            errors.append(exc)
    if errors:
        raise errors[0]


def _compare(path: Path, seed_path: Path) -> None:
    from posecheck.compare import RunSummary, change_table, compare_runs, comparison_html

    run = RunSummary.load(path)
    seed_run = RunSummary.load(seed_path)
    for a, b in ((seed_run, run), (run, seed_run)):
        comparison = compare_runs(a, b)
        json.dumps(comparison.to_json(video=None))
        change_table(comparison, details=True)
        comparison_html(comparison)


@dataclasses.dataclass
class Target:
    name: str
    suffix: str
    reader: object  # Path -> None
    strategy: object  # a hypothesis strategy of bytes
    cli: object  # (input path, work folder) -> argv after "posecheck"


@dataclasses.dataclass
class Tally:
    tried: int = 0
    accepted: int = 0
    refused: int = 0
    crashed: int = 0
    warned: int = 0  # inputs during which a RuntimeWarning was raised (not an outcome)
    seconds: float = 0.0
    crashes: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    crash_example: dict = dataclasses.field(default_factory=dict)
    warnings_seen: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    cli_run: int = 0
    cli_ok: int = 0
    cli_bad: list = dataclasses.field(default_factory=list)
    cli_codes: collections.Counter = dataclasses.field(default_factory=collections.Counter)
    harness_errors: collections.Counter = dataclasses.field(default_factory=collections.Counter)


def _where(exc: BaseException) -> str:
    """The innermost posecheck frame of the traceback, as file:line."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "posecheck" in f.filename and "fuzz_inputs" not in f.filename]
    frame = ours[-1] if ours else frames[-1]
    parts = Path(frame.filename).parts
    shown = Path(*parts[parts.index("posecheck"):]) if "posecheck" in parts else frame.filename
    return f"{shown}:{frame.lineno}"


def run_one(target: Target, data: bytes, work: Path, keep_dir: Path, tally: Tally,
            sample: list, rng: random.Random) -> None:
    path = work / f"input{target.suffix}"
    path.write_bytes(data)
    started = time.monotonic()
    outcome = "accepted"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            target.reader(path)
        except PosecheckError as exc:
            outcome = "refused"
            if "\n" in str(exc) or not str(exc):
                outcome = "crashed"  # a PosecheckError must be one line
                key = f"PosecheckError with a {'multi-line' if str(exc) else 'empty'} message"
                tally.crashes[key] += 1
        except Exception as exc:  # noqa: BLE001 - every other exception is the finding
            outcome = "crashed"
            message = str(exc).splitlines()[0][:90] if str(exc) else ""
            key = f"{type(exc).__name__} at {_where(exc)}: {message}"
            tally.crashes[key] += 1
            if key not in tally.crash_example:
                kept = keep_dir / f"{target.name}_{len(tally.crash_example):03d}{target.suffix}"
                kept.write_bytes(data)
                tally.crash_example[key] = kept
    runtime = [w for w in caught if issubclass(w.category, RuntimeWarning)]
    if runtime:
        tally.warned += 1
        for w in runtime:
            tally.warnings_seen[f"{w.message} ({Path(w.filename).name}:{w.lineno})"] += 1
    tally.seconds += time.monotonic() - started
    tally.tried += 1
    setattr(tally, outcome, getattr(tally, outcome) + 1)
    # reservoir of inputs for the command-line sample; crashes are always kept
    if outcome == "crashed":
        sample.append((data, outcome))
    elif len(sample) < 200:
        sample.append((data, outcome))
    elif rng.random() < 200 / tally.tried:
        sample[rng.randrange(len(sample))] = (data, outcome)


def fuzz_target(target: Target, *, budget_s: float, max_examples: int | None, work: Path,
                keep_dir: Path, base_seed: int) -> tuple[Tally, list]:
    tally, sample = Tally(), []
    rng = random.Random(base_seed)
    deadline = time.monotonic() + budget_s
    round_index = 0
    while time.monotonic() < deadline and (max_examples is None or tally.tried < max_examples):
        batch = BATCH_EXAMPLES if max_examples is None else min(BATCH_EXAMPLES,
                                                                max_examples - tally.tried)

        @seed(base_seed * 1000 + round_index)
        @settings(max_examples=batch, deadline=None, database=None, phases=[Phase.generate],
                  suppress_health_check=list(HealthCheck), derandomize=False)
        @given(target.strategy)
        def one(data: bytes) -> None:
            if time.monotonic() < deadline:
                run_one(target, data, work, keep_dir, tally, sample, rng)

        try:
            one()
        except Exception as exc:  # noqa: BLE001 - a bug of this script's mutations, not a finding
            tally.harness_errors[f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"] += 1
        round_index += 1
    return tally, sample


def cli_check(target: Target, sample: list, *, budget_s: float, max_runs: int, work: Path,
              keep_dir: Path, tally: Tally, rng: random.Random) -> None:
    """Run a sample of the inputs through the command line in a subprocess."""
    crashed = [item for item in sample if item[1] == "crashed"]
    accepted = [item for item in sample if item[1] == "accepted"]
    refused = [item for item in sample if item[1] == "refused"]
    rng.shuffle(accepted)
    rng.shuffle(refused)
    # accepted inputs go through the whole command (the pose model, the gait, the outputs), the
    # refused ones test the error path: as many of each, after the crashes
    mixed = [item for pair in zip(accepted, refused) for item in pair]
    rest = accepted[len(mixed) // 2:] + refused[len(mixed) // 2:]
    chosen = (crashed[:max_runs // 2] + mixed + rest)[:max_runs]
    deadline = time.monotonic() + budget_s
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    for k, (data, outcome) in enumerate(chosen):
        if time.monotonic() > deadline:
            break
        case = work / f"cli_{k}"
        case.mkdir()
        path = case / f"input{target.suffix}"
        path.write_bytes(data)
        argv = [_posecheck_command(), *target.cli(path, case)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=CLI_TIMEOUT_S,
                                  cwd=case, env=env)
        except subprocess.TimeoutExpired:
            tally.cli_run += 1
            tally.cli_bad.append(f"timed out after {CLI_TIMEOUT_S:.0f} s (in-process: {outcome})")
            continue
        tally.cli_run += 1
        tally.cli_codes[done.returncode] += 1
        lines = done.stderr.strip().splitlines()
        problems = []
        if done.returncode not in (0, 1, 2):
            problems.append(f"exit {done.returncode}")
        if len(lines) > 1:
            problems.append(f"{len(lines)} lines on stderr")
        if "Traceback" in done.stderr:
            problems.append("a traceback")
        if "internal error" in done.stderr:
            problems.append("an internal error")
        if done.returncode != 0 and not lines:
            problems.append("failed with nothing on stderr")
        if problems:
            first = lines[0][:160] if lines else ""
            kept = keep_dir / f"{target.name}_cli_{len(tally.cli_bad):03d}{target.suffix}"
            kept.write_bytes(data)
            tally.cli_bad.append(f"{', '.join(problems)} (in-process: {outcome}): {first} "
                                 f"[{_debug_where(argv, case, env)}; kept: {kept}]")
        else:
            tally.cli_ok += 1
        shutil.rmtree(case, ignore_errors=True)


def _debug_where(argv: list[str], case: Path, env: dict) -> str:
    """The innermost posecheck frame of the traceback the same command prints with --debug."""
    shutil.rmtree(case / "out", ignore_errors=True)
    try:
        done = subprocess.run([*argv, "--debug"], capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_S, cwd=case, env=env)
    except subprocess.TimeoutExpired:
        return "timed out with --debug"
    frames = [line.strip() for line in done.stderr.splitlines()
              if line.strip().startswith('File "') and "posecheck" in line]
    return frames[-1] if frames else "no traceback with --debug"


def _posecheck_command() -> str:
    """The ``posecheck`` beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).parent / "posecheck"
    return str(beside) if beside.exists() else shutil.which("posecheck") or "posecheck"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget-s", type=float, default=600.0,
                        help="total wall time over all targets, seconds (default 600)")
    parser.add_argument("--examples", type=int, default=None,
                        help="at most this many in-process inputs per target (default: as many "
                        "as the budget allows)")
    parser.add_argument("--cli-runs", type=int, default=40,
                        help="at most this many command-line runs per target (default 40)")
    parser.add_argument("--cli-share", type=float, default=0.25,
                        help="share of each target's budget for the command-line sample "
                        "(default 0.25)")
    parser.add_argument("--targets", nargs="+", choices=TARGETS, default=list(TARGETS))
    parser.add_argument("--seed", type=int, default=11, help="random seed (default 11)")
    parser.add_argument("--keep-dir", type=Path, default=None,
                        help="where crashing inputs are kept (default: a new temporary folder)")
    args = parser.parse_args(argv)
    if args.budget_s <= 0:
        parser.error("--budget-s must be positive")
    if not 0.0 <= args.cli_share < 1.0:
        parser.error("--cli-share must be at least 0 and below 1")
    # the mutations' own casts (inf to int, complex to real) and hypothesis's notes on large
    # examples are not findings; warnings inside the readers are recorded per input
    warnings.filterwarnings("ignore", category=HypothesisWarning)
    warnings.filterwarnings("ignore", module=__name__)

    started = time.monotonic()
    work_root = Path(tempfile.mkdtemp(prefix="posecheck-fuzz-"))
    set_hypothesis_home_dir(work_root / "hypothesis")  # not .hypothesis/ in the working folder
    keep_dir = args.keep_dir or Path(tempfile.mkdtemp(prefix="posecheck-fuzz-crashes-"))
    keep_dir.mkdir(parents=True, exist_ok=True)
    try:
        seeds = work_root / "seeds"
        seeds.mkdir()
        videos = make_video_seeds(seeds)
        npz, analysis_json, arrays = make_pose_seed(seeds)
        document = json.loads(analysis_json.read_text(encoding="utf-8"))
        video_bytes = [p.read_bytes() for p in videos]
        npz_bytes = npz.read_bytes()
        json_bytes = analysis_json.read_bytes()
        targets = {
            "video": Target(
                "video", ".mp4", read_video,
                st.integers(0, len(videos) - 1).flatmap(
                    lambda i: byte_mutation(video_bytes[i])),
                lambda path, case: ["analyze", str(path), "-o", str(case / "out"),
                                    "--no-video", "-q"]),
            "pose_npz": Target(
                "pose_npz", ".npz", read_pose,
                st.one_of(byte_mutation(npz_bytes), npz_mutation(arrays), npz_mutation(arrays)),
                lambda path, case: ["gait", str(path), "-q"]),
            "analysis_json": Target(
                "analysis_json", ".json", lambda path: read_analysis(path, analysis_json),
                st.one_of(byte_mutation(json_bytes), json_mutation(document),
                          json_mutation(document)),
                None),
        }
        rng = random.Random(args.seed)
        share = args.budget_s / len(args.targets)
        results = {}
        for k, name in enumerate(args.targets):
            target = targets[name]
            work = work_root / name
            work.mkdir()
            in_process_s = share * (1.0 - args.cli_share)
            print(f"{name}: fuzzing in-process for up to {in_process_s:.0f} s ...", flush=True)
            tally, sample = fuzz_target(target, budget_s=in_process_s,
                                        max_examples=args.examples, work=work,
                                        keep_dir=keep_dir, base_seed=args.seed * 10 + k)
            cli_budget = share * (k + 1) - (time.monotonic() - started)
            if name == "analysis_json":
                # one input, two commands: compare against the seed run, and --baseline
                _cli_analysis(target, sample, tally, work, keep_dir, analysis_json, cli_budget,
                              args.cli_runs, rng)
            else:
                cli_check(target, sample, budget_s=cli_budget, max_runs=args.cli_runs,
                          work=work, keep_dir=keep_dir, tally=tally, rng=rng)
            results[name] = tally
            print(f"{name}: {tally.tried} inputs in {tally.seconds:.0f} s, {tally.crashed} "
                  f"crashed; {tally.cli_run} command-line runs", flush=True)
        _print_table(results, keep_dir, time.monotonic() - started)
        crashed = sum(t.crashed for t in results.values())
        cli_bad = sum(len(t.cli_bad) for t in results.values())
        return 1 if crashed or cli_bad else 0
    finally:
        shutil.rmtree(work_root, ignore_errors=True)
        if not any(keep_dir.iterdir()) and args.keep_dir is None:
            keep_dir.rmdir()


def _cli_analysis(target: Target, sample: list, tally: Tally, work: Path, keep_dir: Path,
                  seed_json: Path, budget_s: float, max_runs: int, rng: random.Random) -> None:
    half = max_runs // 2
    compare = dataclasses.replace(target, cli=lambda path, case: [
        "compare", str(seed_json), str(path), "-o", str(case / "out"), "--no-video", "-q"])
    (work / "compare").mkdir()
    cli_check(compare, sample, budget_s=budget_s / 2, max_runs=half, work=work / "compare",
              keep_dir=keep_dir, tally=tally, rng=rng)
    baseline = dataclasses.replace(target, cli=lambda path, case: [
        "analyze", str(case / "missing.mp4"), "--baseline", str(path), "-q",
        "-o", str(case / "out")])
    (work / "baseline").mkdir()
    cli_check(baseline, sample, budget_s=budget_s / 2, max_runs=max_runs - half,
              work=work / "baseline", keep_dir=keep_dir, tally=tally, rng=rng)


def _print_table(results: dict[str, Tally], keep_dir: Path, elapsed_s: float) -> None:
    print()
    print(f"fuzz_inputs: {elapsed_s:.0f} s in all")
    head = ("target", "tried", "accepted", "refused", "crashed", "warned", "in-proc s",
            "cli runs", "cli ok", "cli bad")
    rows = [head] + [(name, t.tried, t.accepted, t.refused, t.crashed, t.warned,
                      f"{t.seconds:.0f}", t.cli_run, t.cli_ok, len(t.cli_bad))
                     for name, t in results.items()]
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    for row in rows:
        print("  ".join(str(cell).rjust(w) if i else str(cell).ljust(w)
                        for i, (cell, w) in enumerate(zip(row, widths))))
    for name, t in results.items():
        if t.cli_codes:
            codes = ", ".join(f"exit {c}: {n}" for c, n in sorted(t.cli_codes.items()))
            print(f"{name}: command-line exit codes {codes}")
        for key, count in t.crashes.most_common():
            kept = t.crash_example.get(key)
            print(f"{name}: CRASH x{count}: {key}" + (f" [kept: {kept}]" if kept else ""))
        for line in t.cli_bad:
            print(f"{name}: COMMAND LINE: {line}")
        for key, count in t.harness_errors.most_common():
            print(f"{name}: FUZZER BUG x{count} (a batch of inputs lost): {key}")
        for key, count in t.warnings_seen.most_common(8):
            print(f"{name}: RuntimeWarning x{count}: {key}")
    if not any(t.crashed or t.cli_bad for t in results.values()):
        print("no crash: every input was accepted or refused with a PosecheckError")
    else:
        print(f"crashing inputs kept in {keep_dir}")


if __name__ == "__main__":
    sys.exit(main())
