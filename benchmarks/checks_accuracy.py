"""Accuracy of the coaching checks, end to end from video, against exact synthetic truth; and
what they say on the real clips.

Synthetic: the technique matrix (:func:`posecheck.synth.matrix.technique_matrix`, realistic
ranges of lean, waist bend, knee, foot strike, arms, cadence, slope; steps that vary in time;
static and panning cameras, both directions, 30 and 60 fps) split by seed parity into a tuning
half (even seeds: thresholds may be chosen on it) and a held-out half (odd seeds: nothing was
chosen on it). Each clip is rendered, then run through the whole pipeline (MediaPipe ->
tracking -> cleaning -> gait -> checks) with the runner's height, and the slope as a user gives
it for a panning camera (a static camera estimates it). Per measure: the clip's median value
against the truth, |error| median and 90th percentile, and the signed median (bias); beside it
the same per step (every counted step's value against the clip's truth, since every synthetic
step has the same geometry; left out for the timing measures, whose steps vary): what a coach
reads in the report's step table.

Borderline (:mod:`posecheck.checks.borderline`): per check, how many right verdicts and how
many missed ones lay within the measure's typical error of another verdict.

Verdict agreement: the verdict from video against the verdict the same checks give on the
clip's exact landmarks at the true foot events (the designed technique as the thresholds read
it), per check, counting clips where either verdict is not unknown.

Designed technique (``--preset-rounds``, default 2): the four presets (level-good, downhill-good,
downhill-braking, downhill-waist-bend), each clip jittered around its preset and put on its own
slope (:func:`posecheck.synth.matrix.preset_matrix`), over both cameras, directions and frame
rates, even rounds tuning and odd rounds held out. Each clip's verdicts from video against the
verdicts its preset is designed to get (:data:`posecheck.synth.presets.DESIGNED_VERDICTS`:
braking -> fix on lean, knee and landing; a fold at the waist -> lean fix with the pattern
"waist", told apart from a lean), per check and per clip (every designed verdict right); an
unknown counts as a miss. Static clips follow 9 m of path (two strides and more).

A second held-out set (skipped with ``--no-fresh``): 32 designed clips (round 3 of
``preset_matrix(4)``, a jitter draw and seeds of their own) and the odd seeds of a second
technique draw (``technique_matrix(n, seed=1)``, 16 clips). It was first rendered on
2026-12-06, after the first held-out half had been studied clip by clip, to score the code as it
stood then on clips that chose nothing; how it is read was written down before it was run
(README, "Accuracy of the checks"). Printed alone, then pooled with the first held-out set.

The published accuracy (``posecheck/checks/accuracy.py``) is the last table: the held-out clips
of both sets (matrix and designed) over both held-out sets, pooled (96 clips; the first held-out
set's 48 with ``--no-fresh``).

Knee at foot strike on a real runner (``--no-force-plate`` to skip): the force-plate trials of
RBDS001 (``../shared/data/mocap``, when present), markers projected into a side view at 30, 60,
120 and 240 fps and perturbed like pose-model output (:mod:`posecheck.validation.perturb`, 4 seeds),
events detected as from video; the knee of each leg (the camera on the left: the near leg is the
left) read as the check reads it
(:func:`posecheck.checks.steps.knee_read_s`: interpolated one frame before the detected IC, or
at the least flexion in the frame before that where the knee is already bending under load)
against the marker knee at the force plate's IC; beside it the alternatives (the last frame at
or before IC, as the check read it before, interpolated at IC, the nearest frame, the first
frame after). Nothing was chosen on these trials for the knee (the loading step of
``knee_read_s`` was checked on them after it was chosen), so both rows are held out. This shows the
reading rule on real kinematics (a real knee starts to bend just before contact, which the
synthetic runner does not model) and the knee real runners land with.

Real clips (``../shared/data/clips``, when present): the values and verdicts on
treadmill-side-male and treadmill-overstride-right (with ``--slope 0``, as a user gives it for a
treadmill) and park-walking-multi.

    python benchmarks/checks_accuracy.py [--clips 32] [--preset-rounds 2] [--held-out-only]
                                         [--no-fresh] [--no-force-plate] [--no-real]
                                         [--true-events]

``--true-events``: the matrix's measures read on the video's landmarks at each clip's true foot
events instead of the detected ones, so the landmarks' share of each error shows apart from the
event timing's (the verdicts stay those from video).
"""

from __future__ import annotations

import argparse
import itertools
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
from posecheck.synth.matrix import preset_matrix, split, technique_matrix  # noqa: E402
from posecheck.synth.presets import DESIGNED_VERDICTS  # noqa: E402
from posecheck.synth.truth import realised_step_metrics, true_gait_events  # noqa: E402

SHARED = REPO.parent / "shared" / "data" / "clips"
FUKUCHI = REPO.parent / "shared" / "data" / "mocap" / "fukuchi-rbds001"

#: measure id -> truth metric key (the synthetic truth file's names).
TRUTH_KEYS = {
    "lean_vs_slope_normal_deg": "whole_body_lean_vs_slope_normal_deg",
    "whole_body_lean_deg": "whole_body_lean_deg",
    "trunk_angle_deg": "trunk_angle_deg",
    "waist_bend_deg": "waist_bend_deg",
    "knee_flexion_ic_deg": "knee_flexion_ic_deg",
    "knee_flexion_ic_near_leg_deg": "knee_flexion_ic_deg",  # either leg lands at the clip's knee
    "knee_flexion_ic_far_leg_deg": "knee_flexion_ic_deg",
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
#: The second held-out set (skipped with ``--no-fresh``): rendered first on 2026-12-06, after the
#: first held-out half had been studied clip by clip; no choice was made on it.
FRESH_PRESET_ROUNDS = 4  # its designed clips are round 3 of preset_matrix(4)
FRESH_TECHNIQUE_DRAW = 1  # its matrix clips are technique_matrix(n, seed=1)'s odd seeds
#: Measures whose true value differs from step to step (the synthetic steps vary in time, not
#: in geometry): no per-step error is printed for them.
STEP_VARYING = ("cadence_spm", "contact_time_s", "flight_time_s", "duty_factor",
                "com_vertical_oscillation_m")


def _measures(findings) -> dict[str, float]:
    return {m.id: m.value for f in findings for m in (f.measure, *f.details)}


def _step_errors(findings, truth: dict[str, float]) -> dict[str, np.ndarray]:
    """Per measure, each counted step's value minus the clip's true value (every step of the
    synthetic runner has the same geometry; its timing measures vary and are left out)."""
    steps = {m.id: m.values for f in findings for m in (f.measure, *f.details)}
    return {m: steps[m] - truth[key] for m, key in TRUTH_KEYS.items()
            if m in steps and m not in STEP_VARYING}


def clip_truth(clip: SyntheticClip) -> dict[str, float]:
    """The clip's true metrics: the model's, with the timing metrics (cadence, contact, flight,
    duty factor) of the clip's own varied steps rather than the nominal ones."""
    return {**clip.truth_info()["metrics"],
            **realised_step_metrics(clip.steps(), float(clip.time_s[-1]))}


def designed_verdicts(clip: SyntheticClip, slope_deg: float) -> dict[str, str]:
    """The checks on the clip's exact landmarks at its true events."""
    seq = clip.exact_pose()
    gait = analyze_gait(seq, slope_deg=slope_deg, camera=clip.spec.camera,
                        height_m=clip.spec.height_m)
    gait = gait.with_events(true_gait_events(clip.events(), seq.fps))
    return {f.check_id: f.verdict for f in run_checks(gait)}


def run_clip(spec, folder: Path, *, true_events: bool = False) -> dict:
    """One matrix clip from video; with ``true_events`` its measures are read on the video's
    landmarks at the clip's true foot events (what the landmarks alone cost, without the event
    timing; the verdicts stay those from video)."""
    clip = SyntheticClip(spec)
    path = clip.write(folder / f"clip{spec.seed:03d}.mp4")
    truth = clip_truth(clip)
    slope = spec.gait.slope_deg if spec.camera == "pan" else None  # a user gives it for a pan
    options = AnalysisOptions(height_m=spec.height_m, slope_deg=slope, camera=spec.camera,
                              write_video=False)
    analysis = run_analysis(path, options, show_progress=False)
    measured = _measures(analysis.findings)
    if true_events and analysis.gait is not None:
        gait = analysis.gait
        measured = _measures(run_checks(gait.with_events(
            true_gait_events(clip.events(), gait.forward.fps)), thresholds=options.thresholds))
    verdicts = {f.check_id: f.verdict for f in analysis.findings}
    designed = designed_verdicts(clip, spec.gait.slope_deg)
    errors = {m: measured.get(m, np.nan) - truth[key] for m, key in TRUTH_KEYS.items()}
    return {"seed": spec.seed, "errors": errors, "verdicts": verdicts, "designed": designed,
            "step_errors": _step_errors(analysis.findings, truth),
            "label": f"{spec.camera} {spec.direction} {spec.fps:.0f}fps slope "
                     f"{spec.gait.slope_deg:+.1f}"}


def print_table(title: str, rows: list[dict], *, verdicts: bool = True
                ) -> dict[str, tuple[float, float]]:
    print(f"\n== {title}: {len(rows)} clips, |error| of the clip value against truth ==")
    print(f"{'measure':<32} {'n':>3} {'median':>8} {'p90':>8} {'bias':>8}   per step: "
          f"{'steps':>5} {'median':>8} {'p90':>8}")
    out = {}
    for m in TRUTH_KEYS:
        e = np.array([r["errors"][m] for r in rows])
        e = e[np.isfinite(e)]
        if len(e) == 0:
            print(f"{m:<32} {0:>3} {'-':>8}")
            continue
        a = np.abs(e)
        out[m] = (float(np.median(a)), float(np.percentile(a, 90)))
        line = (f"{m:<32} {len(e):>3} {np.median(a):8.3f} {np.percentile(a, 90):8.3f} "
                f"{np.median(e):+8.3f}")
        steps = np.abs(np.concatenate([r["step_errors"].get(m, []) for r in rows]))
        steps = steps[np.isfinite(steps)]
        if len(steps):
            line += (f"   {'':>10}{len(steps):>5} {np.median(steps):8.3f} "
                     f"{np.percentile(steps, 90):8.3f}")
        print(line)
    if not verdicts:
        return out
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


def run_preset_clip(spec, folder: Path) -> dict:
    """One preset clip from video: its findings against the preset's designed verdicts."""
    clip = SyntheticClip(spec)
    path = clip.write(folder / f"preset{spec.seed:03d}.mp4")
    slope = spec.gait.slope_deg if spec.camera == "pan" else None  # a user gives it for a pan
    options = AnalysisOptions(height_m=spec.height_m, slope_deg=slope, camera=spec.camera,
                              write_video=False)
    findings = {f.check_id: f for f in run_analysis(path, options, show_progress=False).findings}
    truth, measured = clip_truth(clip), _measures(findings.values())
    outcome = {}
    for check, (verdict, pattern) in DESIGNED_VERDICTS[spec.preset].items():
        f = findings[check]
        got = f.verdict + (f"/{f.pattern}" if pattern and f.verdict != "unknown" else "")
        want = verdict + (f"/{pattern}" if pattern else "")
        outcome[check] = (got, want, f.reason)
    return {"seed": spec.seed, "preset": spec.preset, "outcome": outcome,
            "borderline": {check: findings[check].borderline for check in outcome},
            "errors": {m: measured.get(m, np.nan) - truth[key] for m, key in TRUTH_KEYS.items()},
            "step_errors": _step_errors(findings.values(), truth),
            "label": f"{spec.camera} {spec.direction} {spec.fps:.0f}fps slope "
                     f"{spec.gait.slope_deg:+.1f}"}


def print_preset_table(title: str, rows: list[dict]) -> None:
    print(f"\n== designed technique, {title}: {len(rows)} clips, video verdict vs design ==")
    print(f"{'check':<10} {'agree':>7} {'clips':>6}  borderline: right / missed  "
          "misses (got/designed)")
    for check in CHECK_IDS:
        mine = [r for r in rows if check in r["outcome"]]
        if not mine:
            continue
        pairs = [r["outcome"][check][:2] for r in mine]
        agree = sum(got == want for got, want in pairs)
        near = [bool(r["borderline"][check]) for r in mine]
        near_right = sum(n for n, (got, want) in zip(near, pairs) if got == want)
        near_missed = sum(n for n, (got, want) in zip(near, pairs) if got != want)
        misses = [f"{got} for {want}" for got, want in pairs if got != want]
        print(f"{check:<10} {agree / len(pairs):7.0%} {len(pairs):>6}  "
              f"{near_right:>5} / {near_missed} of {len(pairs) - agree:<6} {'; '.join(misses[:6])}")
    whole = sum(all(got == want for got, want, _ in r["outcome"].values()) for r in rows)
    print(f"{'all':<10} {whole / len(rows):7.0%} {len(rows):>6}  (clips with every designed "
          "verdict right)")
    for preset in DESIGNED_VERDICTS:
        mine = [r for r in rows if r["preset"] == preset]
        right = sum(all(got == want for got, want, _ in r["outcome"].values()) for r in mine)
        print(f"  {preset:<22} {right}/{len(mine)}")


def halves(specs: list, held_out_only: bool, titles: tuple[str, str]) -> list[tuple[str, list]]:
    """(title, specs) of the tuning and held-out halves (:func:`split`), the held-out one only
    with ``held_out_only``; empty halves left out."""
    tuning, held_out = split(specs)
    chosen = [(titles[1], held_out)] if held_out_only else [(titles[0], tuning),
                                                              (titles[1], held_out)]
    return [(title, part) for title, part in chosen if part]


def preset_section(n_rounds: int, held_out_only: bool) -> list[dict]:
    """The designed-technique clips; returns the held-out rows."""
    return preset_clips(halves(preset_matrix(n_rounds), held_out_only,
                               ("tuning rounds (even)", "held-out rounds (odd)")))


def fresh_designed_specs() -> list:
    """The second held-out set's designed clips: round 3 of ``preset_matrix(4)`` (its own jitter
    draw, seeds 8i + 3), none of them among ``preset_matrix(2)``'s."""
    return [s for s in preset_matrix(FRESH_PRESET_ROUNDS) if s.seed % 8 == 3]


def fresh_matrix_specs(n_clips: int) -> list:
    """The second held-out set's matrix clips: the odd seeds of another technique draw."""
    return split(technique_matrix(n_clips, seed=FRESH_TECHNIQUE_DRAW))[1]


def preset_clips(parts: list[tuple[str, list]]) -> list[dict]:
    """Runs and prints each (title, specs) part of designed-technique clips; returns the last
    part's rows."""
    rows: list[dict] = []
    with tempfile.TemporaryDirectory() as tmp:
        for title, specs in parts:
            rows = []
            for spec in specs:
                rows.append(run_preset_clip(spec, Path(tmp)))
                r = rows[-1]
                print(f"  seed {r['seed']:>3} {r['preset']:<20} {r['label']:<28} " + " ".join(
                    f"{c}:{got}" + ("" if got == want else f"(want {want})")
                    for c, (got, want, _) in r["outcome"].items()), flush=True)
                for c, (got, want, reason) in r["outcome"].items():
                    if got != want:
                        print(f"      {c}: {reason}")
            print_table(f"designed technique, {title}", rows, verdicts=False)
            print_preset_table(title, rows)
    return rows


def force_plate_knee_section(seeds: tuple[int, ...] = (1, 2, 3, 4)) -> None:
    from posecheck import cleaning
    from posecheck.checks.steps import knee_read_s, landing_frame
    from posecheck.kinematics import flexion_deg
    from posecheck.landmarks import INDEX
    from posecheck.validation import mocap
    from posecheck.validation.perturb import perturb_like_pose

    print("\n== Knee at IC on a real runner (force plate RBDS001, pose-sized noise; the camera on "
          "the left: near leg left, far leg right), deg ==")
    if not FUKUCHI.exists():
        print(f"skipped ({FUKUCHI} is absent)")
        return
    print(f"{'trial fps':<12} {'leg':<5} {'n':>4} {'true knee':>9}  " + "  ".join(
        f"{rule + ' med/|med|/p90':>24}" for rule in ("as read", "at/before",
                                                     "interpolated", "nearest", "first after")))
    for speed in ("25", "35"):
        trial = mocap.load_fukuchi_trial(FUKUCHI, speed)
        for fps, leg in itertools.product((30.0, 60.0, 120.0, 240.0), ("near", "far")):
            errors: dict[str, list[float]] = {}
            true_knees = []
            landing_foot = "left" if leg == "near" else "right"
            for seed in seeds:
                seq = mocap.side_view_sequence(trial.centres, trial.time_s, fps=fps,
                                               camera=mocap.SideCamera(side="left"))
                gait = analyze_gait(cleaning.clean(perturb_like_pose(seq, seed=seed)))
                t, kp = gait.forward.time_s, gait.forward.keypoints_px
                for ic, foot in zip(gait.events.ic_s, gait.events.foot):
                    if foot != landing_foot or not np.isfinite(ic):
                        continue
                    gap, true_ic = min((abs(x - ic), x) for x, f in
                                       zip(trial.truth.ic_s, trial.truth.foot) if f == foot)
                    if gap > 0.06:
                        continue
                    c = trial.centres
                    true_knee = float(np.interp(true_ic, trial.time_s, flexion_deg(
                        *(c[f"{foot}_{n}"][:, :2] for n in ("hip", "knee", "ankle")))))
                    knee = flexion_deg(*(kp[:, INDEX[f"{foot}_{n}"]]
                                         for n in ("hip", "knee", "ankle")))
                    i = landing_frame(t, ic)
                    read = {"as read": float(np.interp(
                                knee_read_s(kp, t, fps, ic, foot), t, knee)),
                            "at/before": knee[i],
                            "interpolated": float(np.interp(ic, t, knee)),
                            "nearest": knee[int(np.argmin(np.abs(t - ic)))],
                            "first after": knee[min(i + 1, len(t) - 1)]}
                    true_knees.append(true_knee)
                    for rule, value in read.items():
                        errors.setdefault(rule, []).append(value - true_knee)
            cells = []
            for e in errors.values():
                e = np.array(e)
                e = e[np.isfinite(e)]  # a knee lost in a dropped frame
                cells.append(f"{np.median(e):+.1f} / {np.median(np.abs(e)):.1f} / "
                             f"{np.percentile(np.abs(e), 90):.1f}")
            print(f"T{speed} {fps:>4.0f} fps {leg:<5} {len(true_knees):>4} "
                  f"{np.median(true_knees):>9.1f}  " + "  ".join(f"{c:>24}" for c in cells))


def real_section() -> None:
    print("\n== Real clips ==")
    # the two treadmill clips are run as a user would run them: --slope 0 for a treadmill
    # (the README's advice), so the lean is judged; the park clip as it comes
    for name, slope in (("treadmill-side-male", 0.0), ("park-walking-multi", None),
                        ("treadmill-overstride-right", 0.0)):
        folder = SHARED / name
        clips = sorted(folder.glob("*.mp4")) if folder.exists() else []
        if not clips:
            print(f"{name}: skipped ({folder} is absent)")
            continue
        analysis = run_analysis(clips[0], AnalysisOptions(write_video=False, slope_deg=slope),
                                show_progress=False)
        gait = analysis.gait
        mode = gait.mode.mode if gait else "no gait"
        cadence = f"{gait.cadence_spm:.1f}" if gait else "-"
        given = "" if slope is None else f" (--slope {slope:g})"
        print(f"{name}{given}: {mode}, cadence {cadence} steps/min")
        for f in analysis.findings:
            values = ", ".join(f"{m.id} {m.value:.3g}" for m in (f.measure, *f.details)
                               if np.isfinite(m.value))
            print(f"  {f.check_id:<8} {f.verdict:<8} {f.reason}")
            print(f"           {values}")


def matrix_section(parts: list[tuple[str, list]], *, true_events: bool) -> list[dict]:
    """Runs and prints each (title, specs) part of matrix clips; returns the rows of the parts
    whose title starts with "held-out" or "second held-out"."""
    held_out = []
    with tempfile.TemporaryDirectory() as tmp:
        for title, specs in parts:
            rows = []
            for spec in specs:
                rows.append(run_clip(spec, Path(tmp), true_events=true_events))
                r = rows[-1]
                print(f"  seed {r['seed']:>3} {r['label']:<30} " + " ".join(
                    f"{c}:{r['verdicts'][c]}/{r['designed'][c]}" for c in CHECK_IDS),
                    flush=True)
            print_table(title, rows)
            if title.startswith(("held-out", "second held-out")):
                held_out += rows
    return held_out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=32, help="matrix size (both halves)")
    parser.add_argument("--preset-rounds", type=int, default=2,
                        help="rounds of the designed-technique clips (32 each; 0: none)")
    parser.add_argument("--no-matrix", action="store_true", help="skip the technique matrix")
    parser.add_argument("--held-out-only", action="store_true")
    parser.add_argument("--no-force-plate", action="store_true")
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--true-events", action="store_true",
                        help="matrix measures at the true foot events (the landmarks' share)")
    parser.add_argument("--no-fresh", dest="fresh", action="store_false",
                        help="skip the second held-out set")
    args = parser.parse_args()
    matrix = halves(technique_matrix(0 if args.no_matrix else args.clips), args.held_out_only,
                    ("tuning half (even seeds)", "held-out half (odd seeds)"))
    started = time.monotonic()
    designed_rows = (preset_section(args.preset_rounds, args.held_out_only)
                     if args.preset_rounds else [])
    matrix_rows = matrix_section(matrix, true_events=args.true_events)
    held_out_rows = designed_rows + matrix_rows
    if held_out_rows:
        # what posecheck/checks/accuracy.py publishes
        published = "" if args.fresh else " (the published accuracy)"
        print_table(f"held-out, both sets pooled{published}", held_out_rows, verdicts=False)
    if args.fresh:
        fresh_designed = (preset_clips([("second held-out set", fresh_designed_specs())])
                          if args.preset_rounds else [])
        fresh_matrix = matrix_section(
            [("second held-out set, matrix",
              fresh_matrix_specs(0 if args.no_matrix else args.clips))],
            true_events=args.true_events)
        print_table("second held-out set, both sets pooled", fresh_designed + fresh_matrix,
                    verdicts=False)
        if designed_rows:
            print_preset_table("both held-out sets", designed_rows + fresh_designed)
        print_table("both held-out sets, matrix", matrix_rows + fresh_matrix)
        print_table("both held-out sets, designed and matrix pooled (the published accuracy)",
                    held_out_rows + fresh_designed + fresh_matrix, verdicts=False)
    print(f"\n({time.monotonic() - started:.0f} s)")
    if not args.no_force_plate:
        force_plate_knee_section()
    if not args.no_real:
        real_section()


if __name__ == "__main__":
    main()
