"""How well the cleaning's left/right swap repair labels the legs: on synthetic clips against
the exact landmarks, and on the shared treadmill clips by their stride.

    python benchmarks/swap_accuracy.py [--clips 32] [--preset-rounds 2] [--lags-s 0.067,0.1]
                                       [--price 0.15] [--no-real] [--workdir DIR]

Synthetic: the technique matrix and the designed-technique clips of ``checks_accuracy.py``
(:func:`posecheck.synth.matrix.technique_matrix`, :func:`~posecheck.synth.matrix.preset_matrix`),
rendered, and the runner's raw pose taken as ``posecheck analyze`` takes it
(:func:`posecheck.pose.extract_pose`; cached in ``--workdir``). A frame's legs are "swapped" in
the raw pose when the labelled left leg (knee, ankle, heel, toe) lies nearer the true right one
and the right nearer the true left, by more than ``MARGIN_LEGS`` leg lengths summed over both
legs; "as labelled" when the other way round; undecided otherwise (where the legs overlap, either
labelling is as good). Printed per half (even seeds tuning, odd held out) and frame rate: frames
swapped in the raw pose, and frames still wrongly labelled after each rule, among the decided
frames. The rules: the cleaning's (:func:`posecheck.cleaning.swap_labels` over consecutive
frames, price ``--price`` leg lengths per relabelled frame, :func:`posecheck.cleaning.clean`'s
default), then the same price over each lag in ``--lags-s`` (seconds, rounded to whole frames).

Real (``../shared/data/clips``, when present): no landmark truth, so the treadmill clips are
judged by their stride: a treadmill runner's legs are where they were one stride earlier, so
each frame's labelling is compared with the frame one stride later (the stride from the hand
labels' cadence); printed, the frames where the crossed pairing (left to right) fits better
than the labelled one, for the raw pose and after each rule. A lower count is a labelling more
consistent over strides, not proof that each frame is right.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck import cleaning  # noqa: E402
from posecheck.landmarks import MIRROR  # noqa: E402
from posecheck.pose import extract_pose  # noqa: E402
from posecheck.sequence import PoseSequence  # noqa: E402
from posecheck.synth.clip import SyntheticClip  # noqa: E402
from posecheck.synth.matrix import preset_matrix, split, technique_matrix  # noqa: E402
from posecheck.validation.labels import load_labels  # noqa: E402

CLIPS = REPO.parent / "shared" / "data" / "clips"
#: Points whose distance to the truth decides a frame's labelling: the leg cost points.
POINTS = cleaning.LEG_COST_POINTS
#: Summed distance (leg lengths) by which one labelling must fit the truth better than the other
#: for the frame to be decided.
MARGIN_LEGS = 0.1


def _pairing_distances(kp: np.ndarray, other: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n,) mean point distance, both legs summed, of ``kp`` (n, 33, 2) to ``other`` as labelled
    and crossed (left to right)."""
    left, right = list(POINTS), [MIRROR[i] for i in POINTS]

    def dist(a, b):
        return np.linalg.norm(kp[:, a] - other[:, b], axis=-1).mean(axis=1)
    return dist(left, left) + dist(right, right), dist(left, right) + dist(right, left)


def label_states(raw_px: np.ndarray, exact_px: np.ndarray, leg_px: float,
                 margin_legs: float = MARGIN_LEGS) -> np.ndarray:
    """(n,) int: 1 where the raw legs are swapped against the exact ones, 0 where they are as
    labelled, -1 where neither labelling fits better by ``margin_legs`` leg lengths."""
    same, crossed = _pairing_distances(raw_px, exact_px)
    states = np.full(len(raw_px), -1)
    states[crossed < same - margin_legs * leg_px] = 1
    states[same < crossed - margin_legs * leg_px] = 0
    return states


def wrong_frames(swapped: np.ndarray, states: np.ndarray) -> int:
    """Decided frames whose labelling after a repair (``swapped``: frames it relabelled) is
    wrong."""
    decided = states >= 0
    return int(np.sum((swapped.astype(int) != states) & decided))


def stride_disagreements(kp: np.ndarray, stride_frames: int) -> int:
    """Frames whose legs fit the frame ``stride_frames`` later better crossed than as labelled
    (frames with no finite leg point on either side left out)."""
    if stride_frames < 1 or len(kp) <= stride_frames:
        return 0
    with np.errstate(invalid="ignore"):
        same, crossed = _pairing_distances(kp[:-stride_frames], kp[stride_frames:])
    return int(np.sum(crossed < same))


def relabelled(kp: np.ndarray, swapped: np.ndarray) -> np.ndarray:
    """``kp`` (n, 33, 2) with the legs exchanged in the ``swapped`` frames, as the cleaning
    exchanges them."""
    out = kp.copy()
    cleaning._exchange(out, swapped, cleaning.LEG_SWAP_POINTS)
    return out


def rules(fps: float, price: float, lags_s: list[float]) -> list[tuple[str, int]]:
    """(name, lag in frames) of each rule at ``fps``."""
    return [("consecutive frames", 1)] + [
        (f"{lag_s:g} s", max(1, round(lag_s * fps))) for lag_s in lags_s]


def raw_pose(spec, workdir: Path, prefix: str) -> PoseSequence:
    cached = workdir / f"{prefix}{spec.seed:03d}.pose_raw.npz"
    if not cached.exists():
        path = SyntheticClip(spec).write(workdir / f"{prefix}{spec.seed:03d}.mp4")
        extract_pose(path, show_progress=False).save(cached)
        path.unlink()
    return PoseSequence.load(cached)


def synthetic_section(specs_by_set, workdir: Path, price: float, lags_s: list[float]) -> None:
    print("\n== synthetic: frames with the legs wrongly labelled, of the decided frames ==")
    for set_name, prefix, specs in specs_by_set:
        for half, part in zip(("tuning (even seeds)", "held out (odd seeds)"), split(specs)):
            for fps in sorted({s.fps for s in part}):
                chosen = [s for s in part if s.fps == fps]
                totals: dict[str, int] = {}
                decided = swapped_raw = 0
                for spec in chosen:
                    raw = raw_pose(spec, workdir, prefix)
                    leg = cleaning._leg_unit_px(raw)
                    states = label_states(raw.keypoints_px,
                                          SyntheticClip(spec).exact_pose().keypoints_px, leg)
                    decided += int(np.sum(states >= 0))
                    swapped_raw += int(np.sum(states == 1))
                    for name, lag in rules(fps, price, lags_s):
                        repaired = cleaning.swap_labels(raw.keypoints_px, POINTS,
                                                        swap_penalty_px=price * leg, lag=lag)
                        totals[name] = totals.get(name, 0) + wrong_frames(repaired, states)
                print(f"{set_name:<8} {half:<21} {fps:3.0f} fps {len(chosen):3d} clips "
                      f"{decided:5d} decided, raw swapped {swapped_raw:4d}; after: "
                      + ", ".join(f"{name} {n}" for name, n in totals.items()), flush=True)


def real_section(price: float, lags_s: list[float]) -> None:
    print("\n== real treadmill clips: frames whose legs fit one stride later better crossed ==")
    if not CLIPS.exists():
        print(f"skipped: {CLIPS} is absent")
        return
    for folder in sorted(CLIPS.glob("treadmill-*")):
        if not (folder / "events.json").exists():
            continue
        labels = load_labels(folder / "events.json")
        raw = extract_pose(labels.video, show_progress=False)
        kp, leg = raw.keypoints_px, cleaning._leg_unit_px(raw)
        stride = round(2 * 60.0 / labels.cadence_spm() * raw.fps)
        counts = [f"raw {stride_disagreements(kp, stride)}"]
        for name, lag in rules(raw.fps, price, lags_s):
            swapped = cleaning.swap_labels(kp, POINTS, swap_penalty_px=price * leg, lag=lag)
            counts.append(f"{name} {stride_disagreements(relabelled(kp, swapped), stride)} "
                          f"({int(swapped.sum())} relabelled)")
        print(f"{folder.name:<28} stride {stride} frames: " + ", ".join(counts), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clips", type=int, default=32, help="technique matrix size")
    parser.add_argument("--preset-rounds", type=int, default=2)
    parser.add_argument("--lags-s", default="0.067,0.1",
                        help="comma-separated lags (s) to compare with consecutive frames")
    parser.add_argument("--price", type=float, default=0.15,
                        help="price of relabelling one frame, leg lengths")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/posecheck-swaps"))
    args = parser.parse_args()
    lags_s = [float(x) for x in args.lags_s.split(",") if x.strip()]
    args.workdir.mkdir(parents=True, exist_ok=True)
    synthetic_section([("matrix", "clip", technique_matrix(args.clips)),
                       ("presets", "preset", preset_matrix(args.preset_rounds))],
                      args.workdir, args.price, lags_s)
    if not args.no_real:
        real_section(args.price, lags_s)


if __name__ == "__main__":
    main()
