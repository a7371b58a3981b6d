"""Accuracy of the coaching checks, end to end from video, against exact synthetic truth; and
what they say on the real clips.

Synthetic: the technique matrix (:func:`posecheck.synth.matrix.technique_matrix`, realistic
ranges of lean, waist bend, knee, foot strike, arms, cadence, slope; steps that vary in time;
static and panning cameras, both directions, 30 and 60 fps) split by seed parity into a tuning
half (even seeds: thresholds may be chosen on it) and a held-out half (odd seeds: nothing was
chosen on it). Each clip is rendered, then run through the whole pipeline (MediaPipe ->
tracking -> cleaning -> gait -> checks) with the runner's height, and the slope as a user gives
it for a panning camera (a static camera estimates it). Per measure: the clip's median value
against the truth, |error| median and 90th percentile, and the signed median (bias).

Verdict agreement: the verdict from video against the verdict the same checks give on the
clip's exact landmarks at the true foot events (the designed technique as the thresholds read
it), per check, counting clips where either verdict is not unknown.

Real clips (``../shared/data/clips``, when present): the values and verdicts on
treadmill-side-male, park-walking-multi and treadmill-overstride-right.

    python benchmarks/checks_accuracy.py [--clips 32] [--held-out-only] [--no-real]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.analyze import run_analysis  # noqa: E402
from posecheck.checks.registry import run_checks  # noqa: E402
from posecheck.gait import analyze_gait  # noqa: E402
from posecheck.options import AnalysisOptions  # noqa: E402
from posecheck.synth.clip import SyntheticClip  # noqa: E402
from posecheck.synth.matrix import split, technique_matrix  # noqa: E402
from posecheck.synth.truth import realised_step_metrics, true_gait_events  # noqa: E402

SHARED = REPO.parent / "shared" / "data" / "clips"

#: measure id -> truth metric key (the synthetic truth file's names).
TRUTH_KEYS = {
    "lean_vs_slope_normal_deg": "whole_body_lean_vs_slope_normal_deg",
    "whole_body_lean_deg": "whole_body_lean_deg",
    "trunk_angle_deg": "trunk_angle_deg",
    "waist_bend_deg": "waist_bend_deg",
    "knee_flexion_ic_deg": "knee_flexion_ic_deg",
    "foot_landing_from_com_leg": "foot_landing_from_com_leg",
    "foot_landing_from_com_m": "foot_landing_from_com_m",
    "heel_landing_from_com_m": "heel_landing_from_com_m",
    "shank_angle_ic_deg": "shank_angle_ic_deg",
    "foot_strike_angle_deg": "foot_strike_angle_deg",
    "shoulder_abduction_deg": "shoulder_abduction_deg",
    "elbow_angle_sagittal_deg": "elbow_angle_sagittal_deg",
    "arm_swing_range_deg": "arm_swing_range_deg",
    "cadence_spm": "cadence_spm",
    "contact_time_s": "contact_time_s",
    "flight_time_s": "flight_time_s",
    "duty_factor": "duty_factor",
    "com_vertical_oscillation_m": "com_vertical_oscillation_m",
}
CHECK_IDS = ("lean", "knee", "landing", "arms", "cadence")


def _measures(findings) -> dict[str, float]:
    return {m.id: m.median for f in findings for m in (f.measure, *f.details)}


def clip_truth(clip: SyntheticClip) -> dict[str, float]:
    """The clip's true metrics: the model's, with the timing metrics (cadence, contact, flight,
    duty factor) of the clip's own varied steps rather than the nominal ones."""
    return {**clip.truth_info()["metrics"],
            **realised_step_metrics(clip.steps(), float(clip.time_s[-1]))}


def designed_verdicts(clip: SyntheticClip, slope_deg: float) -> dict[str, str]:
    """The checks on the clip's exact landmarks at its true events."""
    seq = clip.exact_pose().replace(world_m=clip.landmarks_m)
    gait = analyze_gait(seq, slope_deg=slope_deg, camera=clip.spec.camera,
                        height_m=clip.spec.height_m)
    gait = gait.with_events(true_gait_events(clip.events(), seq.fps))
    return {f.check_id: f.verdict for f in run_checks(gait)}


def run_clip(spec, folder: Path) -> dict:
    clip = SyntheticClip(spec)
    path = clip.write(folder / f"clip{spec.seed:03d}.mp4")
    truth = clip_truth(clip)
    slope = spec.gait.slope_deg if spec.camera == "pan" else None  # a user gives it for a pan
    options = AnalysisOptions(height_m=spec.height_m, slope_deg=slope, camera=spec.camera,
                              write_video=False)
    analysis = run_analysis(path, options, show_progress=False)
    measured = _measures(analysis.findings)
    verdicts = {f.check_id: f.verdict for f in analysis.findings}
    designed = designed_verdicts(clip, spec.gait.slope_deg)
    errors = {m: measured.get(m, np.nan) - truth[key] for m, key in TRUTH_KEYS.items()}
    return {"seed": spec.seed, "errors": errors, "verdicts": verdicts, "designed": designed,
            "label": f"{spec.camera} {spec.direction} {spec.fps:.0f}fps slope "
                     f"{spec.gait.slope_deg:+.1f}"}


def print_table(title: str, rows: list[dict]) -> dict[str, tuple[float, float]]:
    print(f"\n== {title}: {len(rows)} clips, |error| of the clip median against truth ==")
    print(f"{'measure':<32} {'n':>3} {'median':>8} {'p90':>8} {'bias':>8}")
    out = {}
    for m in TRUTH_KEYS:
        e = np.array([r["errors"][m] for r in rows])
        e = e[np.isfinite(e)]
        if len(e) == 0:
            print(f"{m:<32} {0:>3} {'-':>8}")
            continue
        a = np.abs(e)
        out[m] = (float(np.median(a)), float(np.percentile(a, 90)))
        print(f"{m:<32} {len(e):>3} {np.median(a):8.3f} {np.percentile(a, 90):8.3f} "
              f"{np.median(e):+8.3f}")
    print(f"\n{'verdicts':<12} {'agree':>7} {'judged':>7}  (video vs the exact landmarks at the "
          "true events; clips where either is not unknown)")
    for check in CHECK_IDS:
        pairs = [(r["verdicts"][check], r["designed"][check]) for r in rows
                 if "unknown" not in (r["verdicts"][check], r["designed"][check])
                 or r["verdicts"][check] != r["designed"][check]]
        agree = sum(a == b for a, b in pairs)
        share = f"{agree / len(pairs):7.0%}" if pairs else "      -"
        misses = [f"{a}/{b}" for a, b in pairs if a != b]
        print(f"{check:<12} {share} {len(pairs):>7}  {' '.join(misses[:8])}")
    return out


def real_section() -> None:
    print("\n== Real clips ==")
    for name, pattern in (("treadmill-side-male", "*.mp4"), ("park-walking-multi", "*.mp4"),
                          ("treadmill-overstride-right", "*.mp4")):
        folder = SHARED / name
        clips = sorted(folder.glob(pattern)) if folder.exists() else []
        if not clips:
            print(f"{name}: skipped ({folder} is absent)")
            continue
        analysis = run_analysis(clips[0], AnalysisOptions(write_video=False), show_progress=False)
        gait = analysis.gait
        mode = gait.mode.mode if gait else "no gait"
        cadence = f"{gait.cadence_spm:.1f}" if gait else "-"
        print(f"{name}: {mode}, cadence {cadence} steps/min")
        for f in analysis.findings:
            values = ", ".join(f"{m.id} {m.median:.3g}" for m in (f.measure, *f.details)
                               if np.isfinite(m.median))
            print(f"  {f.check_id:<8} {f.verdict:<8} {f.reason}")
            print(f"           {values}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=32, help="matrix size (both halves)")
    parser.add_argument("--held-out-only", action="store_true")
    parser.add_argument("--no-real", action="store_true")
    args = parser.parse_args()
    tuning, held_out = split(technique_matrix(args.clips))
    halves = [("held-out half (odd seeds)", held_out)]
    if not args.held_out_only:
        halves.insert(0, ("tuning half (even seeds)", tuning))
    started = time.monotonic()
    with tempfile.TemporaryDirectory() as tmp:
        for title, specs in halves:
            rows = []
            for spec in specs:
                rows.append(run_clip(spec, Path(tmp)))
                r = rows[-1]
                print(f"  seed {r['seed']:>3} {r['label']:<30} " + " ".join(
                    f"{c}:{r['verdicts'][c]}/{r['designed'][c]}" for c in CHECK_IDS),
                    flush=True)
            print_table(title, rows)
    print(f"\n({time.monotonic() - started:.0f} s)")
    if not args.no_real:
        real_section()


if __name__ == "__main__":
    main()
