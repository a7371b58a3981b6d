"""The sweep that sets the foot-event thresholds, tuned on one set and scored on another.

Tuning set (thresholds may be chosen on it):
- force plate, Fukuchi RBDS001 trial T25 (2.5 m/s), projected markers at 30 and 60 fps, both
  camera sides, through ``posecheck.cleaning.clean`` as video keypoints are;
- synthetic runner, tuning half of the technique matrix (even seeds): rendered, MediaPipe,
  cleaned.
Held-out set (nothing chosen on it):
- force plate, trial T35 (3.5 m/s), 30 fps, both sides; the same made to look like pose-model
  output (:func:`posecheck.validation.perturb.perturb_like_pose`, 5 seeds per side), with a
  static and a panning camera;
- synthetic, held-out half (odd seeds);
- the real clips of ``../shared/data/clips`` against their hand labels (treadmill-side-male's
  IC/TO within one frame are issue 8's targets).

Each case's events are read as ``analyze_gait`` reads them: the ground's drift in the picture
is taken off toe-off only where the camera moves (the panning force-plate conditions, the
synthetic pan clips, the real clips whose background moves).

For each candidate ``ic_speed_fraction`` and ``toe_rise_legs``: median signed error (bias),
median and 95th percentile absolute error, in ms, for IC and TO. The rule: the value whose
larger tuning bias (force plate or synthetic) is smallest.

    python benchmarks/events_sweep.py [--clips 32] [--workdir /tmp/posecheck-sweep]
        [--ic 0.66 0.68 0.7] [--toe 0.02 0.025 0.03]

The synthetic clips and the real clips' pose are cached in ``--workdir``.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.analyze import gait_camera  # noqa: E402
from posecheck.cleaning import clean  # noqa: E402
from posecheck.gait.direction import detect_direction, mirror_to_forward  # noqa: E402
from posecheck.gait.events import detect_events  # noqa: E402
from posecheck.pose import extract_pose  # noqa: E402
from posecheck.sequence import PoseSequence  # noqa: E402
from posecheck.synth.clip import SyntheticClip  # noqa: E402
from posecheck.synth.matrix import split, technique_matrix  # noqa: E402
from posecheck.synth.truth import contact_truth  # noqa: E402
from posecheck.validation import mocap  # noqa: E402
from posecheck.validation.labels import load_labels  # noqa: E402
from posecheck.validation.perturb import perturb_like_pose  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
FUKUCHI = SHARED / "mocap" / "fukuchi-rbds001"
CLIPS = SHARED / "clips"


class Case:
    """One sequence with its truth: ``margin_s`` keeps contacts cut by the clip's ends out;
    ``camera_moves`` as ``analyze_gait`` passes it (a panning camera)."""

    def __init__(self, name, seq, truth, end_s, margin_s, camera_moves):
        self.name, self.seq, self.truth, self.end_s, self.margin_s = (
            name, seq, truth, end_s, margin_s)
        self.camera_moves = camera_moves
        self.forward = mirror_to_forward(seq, detect_direction(seq))


def force_plate_cases(speed: str, fps_list, *, perturbed_seeds=(), pan=False) -> list[Case]:
    trial = mocap.load_fukuchi_trial(FUKUCHI, speed)
    options = dict(speed_m_s=trial.speed_m_s, pan=True) if pan else {}
    cases = []
    for fps in fps_list:
        for side in ("left", "right"):
            exact = mocap.side_view_sequence(trial.centres, trial.time_s, fps=fps,
                                             camera=mocap.SideCamera(side=side), **options)
            versions = ([(f"seed {s}", perturb_like_pose(exact, seed=s)) for s in perturbed_seeds]
                        if perturbed_seeds else [("", exact)])
            for label, seq in versions:
                cases.append(Case(f"T{speed} {fps:.0f} {side} {label}", clean(seq), trial.truth,
                                  float(seq.time_s[-1]), 0.15, pan))
    return cases


def synthetic_cases(specs, workdir: Path) -> list[Case]:
    cases = []
    for spec in specs:
        cached = workdir / f"synth{spec.seed:03d}.pkl"
        if not cached.exists():
            clip = SyntheticClip(spec)
            path = clip.write(workdir / f"synth{spec.seed:03d}.mp4")
            raw = extract_pose(path, show_progress=False)
            path.unlink()
            cached.write_bytes(pickle.dumps({"raw": raw, "truth": contact_truth(clip.events()),
                                             "end_s": float(clip.time_s[-1])}))
        data = pickle.loads(cached.read_bytes())
        cases.append(Case(f"synth {spec.seed}", clean(data["raw"]), data["truth"],
                          data["end_s"], 0.15, spec.camera == "pan"))
    return cases


def real_cases(workdir: Path) -> list[Case]:
    cases = []
    for folder in sorted(CLIPS.iterdir()) if CLIPS.exists() else []:
        if not (folder / "events.json").exists():
            continue
        labels = load_labels(folder / "events.json")
        cached = workdir / f"{folder.name}.pose_raw.npz"
        if not cached.exists():
            extract_pose(labels.video, show_progress=False).save(cached)
        raw = PoseSequence.load(cached)
        cases.append(Case(folder.name, clean(raw), labels.truth(),
                          labels.n_frames / labels.fps, 0.0, gait_camera(None, raw) == "pan"))
    return cases


def score(cases: list[Case], **thresholds) -> dict:
    ic, to, missed, within_ic, n_ic = [], [], 0, 0, 0
    for case in cases:
        events = detect_events(case.forward, camera_moves=case.camera_moves, **thresholds)
        s = mocap.score_events(case.truth, events.ic_s, events.to_s, events.foot, start_s=0.0,
                               end_s=case.end_s, margin_s=case.margin_s)
        ic.append(s.ic_error_s * 1000)
        to.append(s.to_error_s[np.isfinite(s.to_error_s)] * 1000)
        missed += s.missed
        within_ic += int(np.sum(np.abs(s.ic_error_s) * case.seq.fps <= 1))
        n_ic += len(s.ic_error_s) + s.missed
    ic, to = np.concatenate(ic), np.concatenate(to)

    def stats(e):
        if not len(e):
            return (np.nan, np.nan, np.nan)
        return (float(np.median(e)), float(np.median(np.abs(e))),
                float(np.percentile(np.abs(e), 95)))
    return {"ic": stats(ic), "to": stats(to), "missed": missed,
            "ic_within_1f": within_ic / n_ic if n_ic else np.nan}


def _cell(result: dict, event: str) -> str:
    bias, median, p95 = result[event]
    return f"{bias:+6.1f} {median:5.1f} {p95:5.0f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=32, help="synthetic matrix size")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/posecheck-sweep"))
    parser.add_argument("--ic", type=float, nargs="+", default=[0.64, 0.66, 0.68, 0.7, 0.72])
    parser.add_argument("--toe", type=float, nargs="+", default=[0.02, 0.025, 0.03])
    args = parser.parse_args()
    if not FUKUCHI.exists():
        print(f"skipped: {FUKUCHI} is absent")
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    tuning_specs, held_specs = split(technique_matrix(args.clips))
    sets = {
        "tune: force plate T25": force_plate_cases("25", (30.0, 60.0)),
        "tune: synthetic even": synthetic_cases(tuning_specs, args.workdir),
        "held: force plate T35": force_plate_cases("35", (30.0,)),
        "held: T35 pose-perturbed": force_plate_cases("35", (30.0,), perturbed_seeds=range(5)),
        "held: T35 perturbed, pan": force_plate_cases("35", (30.0,), perturbed_seeds=range(5),
                                                      pan=True),
        "held: synthetic odd": synthetic_cases(held_specs, args.workdir),
        "held: real clips (labels)": real_cases(args.workdir),
    }
    sweeps = [("ic_speed_fraction", value, "ic") for value in args.ic]
    sweeps += [("toe_rise_legs", value, "to") for value in args.toe]
    for name, value, event in sweeps:
        print(f"\n== {name} = {value} ({event.upper()} error, ms: bias, median |e|, p95 |e|) ==")
        tuning_biases = []
        for label, cases in sets.items():
            result = score(cases, **{name: value})
            extra = (f"  IC within 1 frame {result['ic_within_1f']:.0%}" if event == "ic"
                     else "")
            print(f"  {label:<28} {_cell(result, event)}  missed {result['missed']:>3}{extra}")
            if label.startswith("tune"):
                tuning_biases.append(abs(result[event][0]))
        print(f"  larger tuning |bias|: {max(tuning_biases):.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
