"""Accuracy of the gait event detector against force plates (real) and synthetic truth.

Force plate, real: the Fukuchi RBDS001 trials at 2.5 and 3.5 m/s (``../shared/data/mocap``).
True IC/TO: vertical force, 4th-order zero-lag Butterworth at 50 Hz, 20 N threshold. Keypoints:
joint centres from the markers (hip: Harrington 2007; knee, ankle: static-trial epicondyles and
malleoli on the thigh and shank clusters), projected by a pinhole camera 5 m to the runner's left
or right, sampled at 30, 60 and 120 fps. Exact positions, no pose-model noise. Extra rows: the
same trial made overground (belt speed added) with a panning camera, and with a tripod over 3 s
windows on level and tilted (-10 deg) ground.

The detector's thresholds were chosen on these trials passed through ``posecheck.cleaning.clean``
as video keypoints are, and on the synthetic runner (see ``posecheck/gait/events.py``); the table
below feeds the detector the projected markers directly.

Prints, per rate, trial, side and condition: scored contacts, median and 95th percentile absolute
IC and TO error in ms (and the IC median in frames), missed, extra and wrong-foot contacts, and
true TOs with no detected TO (noTO).

Synthetic sections: ``n`` true contacts scored (not within 0.15 s of a clip end); IC<=1f and
TO<=1f are shares of the TRUE events detected within one frame, so a missed contact (mis) or a
TO not found (noTO) counts as a failure; the summary also gives the shares among detected
events. ICmdms and TOmdms are the median |error| of the detected events in ms (one frame is 4 ms
at 240 fps and 40 ms at 25: the milliseconds compare the rates); a line per frame rate gives the
median, 95th percentile and largest |error| in ms. The static downhill slope line counts clips
where the pose stage found the runner in at least 90% of frames separately from the rest.

    python benchmarks/events_accuracy.py [--quick]
    python benchmarks/events_accuracy.py --synthetic-only --synthetic-fps 25,120,240

The synthetic video section (video -> pose -> events, CoM, slope) and the real-video cadence
section run when their inputs exist, else they print why they were skipped.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.analyze import gait_camera  # noqa: E402
from posecheck.gait import analyze_gait  # noqa: E402
from posecheck.kinematics import flexion_deg  # noqa: E402
from posecheck.synth.truth import contact_truth, px_per_m  # noqa: E402
from posecheck.validation import mocap  # noqa: E402

SHARED = REPO.parent / "shared"
FUKUCHI = SHARED / "data" / "mocap" / "fukuchi-rbds001"


def _row(label: str, score: mocap.EventScore, fps: float) -> str:
    ic = np.abs(score.ic_error_s) * 1000
    to = np.abs(score.to_error_s[np.isfinite(score.to_error_s)]) * 1000
    if len(ic) == 0:
        return f"{label:<44} no contact scored; missed {score.missed} extra {score.extra}"
    return (f"{label:<44} {len(ic):>4} {np.median(ic):>7.1f} {np.median(ic) * fps / 1000:>6.2f}"
            f" {np.percentile(ic, 95):>7.1f} {np.median(to):>7.1f} {np.percentile(to, 95):>7.1f}"
            f" {score.missed:>6} {score.extra:>5} {score.wrong_foot:>5} {score.to_missed:>5}")


def _windows(trial: mocap.Trial, length_s: float, count: int) -> list[float]:
    last = trial.time_s[-1] - length_s - 0.5
    return list(np.linspace(0.5, last, count))


def force_plate_section(quick: bool) -> None:
    header = (f"{'fps trial side condition':<44} {'n':>4} {'IC med':>7} {'frames':>6} "
              f"{'IC p95':>7} {'TO med':>7} {'TO p95':>7} {'missed':>6} {'extra':>5} {'foot':>5} "
              f"{'noTO':>5}")
    print("== Force plate, real (Fukuchi RBDS001): |error| in ms ==")
    print(header)
    trials = [mocap.load_fukuchi_trial(FUKUCHI, speed) for speed in ("25", "35")]
    for fps in (30.0, 60.0, 120.0):
        for trial in trials:
            for side in ("left", "right"):
                camera = mocap.SideCamera(side=side)
                conditions = [("treadmill static", dict(), [0.0])]
                if not quick:
                    conditions += [
                        ("overground pan", dict(speed_m_s=trial.speed_m_s, pan=True), [0.0]),
                        ("overground static 3s x6", dict(speed_m_s=trial.speed_m_s, duration_s=3.0),
                         _windows(trial, 3.0, 6)),
                        ("tilt -10deg static 3s x6", dict(speed_m_s=trial.speed_m_s, duration_s=3.0,
                                                          ground_tilt_deg=-10.0),
                         _windows(trial, 3.0, 6)),
                    ]
                for name, options, starts in conditions:
                    scores = []
                    for start in starts:
                        seq = mocap.side_view_sequence(trial.centres, trial.time_s, fps=fps,
                                                       camera=camera, start_s=start, **options)
                        gait = analyze_gait(seq, camera="pan" if options.get("pan") else None)
                        end = start + seq.time_s[-1]
                        ev = gait.events
                        scores.append(mocap.score_events(trial.truth, ev.ic_s, ev.to_s, ev.foot,
                                                         start_s=start, end_s=end))
                    merged = mocap.EventScore(
                        np.concatenate([s.ic_error_s for s in scores]),
                        np.concatenate([s.to_error_s for s in scores]),
                        sum(s.missed for s in scores), sum(s.extra for s in scores),
                        sum(s.wrong_foot for s in scores), sum(s.to_missed for s in scores))
                    print(_row(f"{fps:>5.0f} {trial.name[-3:]} {side:<5} {name}", merged, fps))
    knee_around_contact(trials)


def knee_around_contact(trials: list[mocap.Trial], *, offsets_ms: tuple[int, ...] = (
        -67, -50, -33, -20, -10, 0, 10, 20, 33, 50)) -> None:
    """The real runner's knee flexion (3D, from the marker joint centres) around its force-plate
    contacts, median over contacts: how fast it changes where a foot strike's knee is read
    (:func:`posecheck.checks.steps.knee_read_s` reads one frame before the detected contact)."""
    print("\n== Force plate: knee flexion (deg, markers, median over contacts) around IC ==")
    print(f"{'trial':<7} {'n':>3} " + " ".join(f"{o:>+5d}ms" for o in offsets_ms))
    for trial in trials:
        rows = []
        for ic, foot in zip(trial.truth.ic_s, trial.truth.foot):
            flexion = flexion_deg(*(trial.centres[f"{foot}_{n}"] for n in ("hip", "knee", "ankle")))
            rows.append(np.interp(ic + np.asarray(offsets_ms) / 1000.0, trial.time_s, flexion))
        median = np.median(rows, axis=0)
        print(f"{trial.name[-3:]:<7} {len(rows):>3} " + " ".join(f"{v:7.1f}" for v in median))


# ---- synthetic runner ------------------------------------------------------------------------
SYNTH_FPS = (30.0, 60.0)
SYNTH_CAMERAS = ("static", "pan")


def synth_score(gait, events: dict, time_s: np.ndarray, fps: float, com_px: np.ndarray,
                scale_px_per_m: np.ndarray, height_m: float) -> dict:
    truth = contact_truth(events)
    ev = gait.events
    score = mocap.score_events(truth, ev.ic_s, ev.to_s, ev.foot, start_s=0.0,
                               end_s=float(time_s[-1]))
    com_err_m = np.linalg.norm(gait.com_image_px - com_px, axis=1) / scale_px_per_m
    return {"ic_frames": np.abs(score.ic_error_s) * fps,
            "to_frames": np.abs(score.to_error_s[np.isfinite(score.to_error_s)]) * fps,
            "missed": score.missed, "extra": score.extra, "wrong_foot": score.wrong_foot,
            "to_missed": score.to_missed,
            "com_pct": float(np.nanmedian(com_err_m) / height_m * 100),
            "com_found": float(np.mean(np.isfinite(com_err_m))),
            "slope": gait.slope, "mode": gait.mode.mode, "cadence": gait.cadence_spm,
            "fps": fps}


def _within(errors_frames: np.ndarray, n_true: int) -> str:
    """Share of the true events detected within one frame (a missed one counts as a miss)."""
    return f"{np.sum(errors_frames <= 1.0) / n_true:6.0%}" if n_true else "     -"


def _synth_row(label: str, r: dict) -> str:
    ic, to = r["ic_frames"], r["to_frames"]
    slope = r["slope"]
    slope_text = f"{slope.deg:+6.2f} ({slope.source})" if np.isfinite(slope.deg) else "   n/a"
    fps = r["fps"]
    return (f"{label:<36} {len(ic) + r['missed']:>3} {_within(ic, len(ic) + r['missed'])} "
            f"{_within(to, len(to) + r['to_missed'])} "
            f"{(np.max(ic) if len(ic) else np.nan):6.2f} "
            f"{(np.median(ic) * 1000 / fps if len(ic) else np.nan):6.1f} "
            f"{(np.median(to) * 1000 / fps if len(to) else np.nan):6.1f} "
            f"{r['missed']:>3} {r['to_missed']:>4} "
            f"{r['extra']:>3} {r['wrong_foot']:>3} {r['com_pct']:6.2f}% {r['com_found']:5.0%} "
            f"{slope_text:<22} {r['mode']}")


def _synth_matrix(rates: tuple[float, ...] = SYNTH_FPS):
    from posecheck.synth.presets import PRESETS

    for preset in PRESETS:
        for camera in SYNTH_CAMERAS:
            for fps in rates:
                for direction in ("ltr", "rtl"):
                    yield preset, camera, fps, direction


def _spec(preset: str, camera: str, fps: float, direction: str):
    from posecheck.synth.clip import ClipSpec
    from posecheck.synth.presets import preset_params

    # a tripod keeps the whole run in frame: 1.5 s; a pan can film longer: 3 s
    return ClipSpec(gait=preset_params(preset), preset=preset, camera=camera, fps=fps,
                    direction=direction, seconds=1.5 if camera == "static" else 3.0)


def _print_synth_summary(results: list[tuple[str, dict]]) -> None:
    ic = np.concatenate([r["ic_frames"] for _, r in results])
    to = np.concatenate([r["to_frames"] for _, r in results])
    missed = sum(r["missed"] for _, r in results)
    to_missed = sum(r["to_missed"] for _, r in results)
    extra = sum(r["extra"] for _, r in results)
    com = [r["com_pct"] for _, r in results if np.isfinite(r["com_pct"])]
    n_ic, n_to = len(ic) + missed, len(to) + to_missed
    print(f"all: IC within 1 frame {np.sum(ic <= 1) / n_ic:.1%} of {n_ic} true contacts "
          f"({missed} missed), TO within 1 frame {np.sum(to <= 1) / n_to:.1%} of {n_to} true TOs "
          f"({to_missed} not found); of the detected ones: IC {np.mean(ic <= 1):.1%} of "
          f"{len(ic)}, TO {np.mean(to <= 1):.1%} of {len(to)}; extra {extra}; CoM error median "
          f"of clip medians {np.median(com) if com else np.nan:.2f}% of height")
    for fps in sorted({r["fps"] for _, r in results}):
        at = [r for _, r in results if r["fps"] == fps]
        ic_ms = np.concatenate([r["ic_frames"] for r in at]) * 1000 / fps
        to_ms = np.concatenate([r["to_frames"] for r in at]) * 1000 / fps
        if len(ic_ms) and len(to_ms):
            print(f"{fps:5.0f} fps: IC |error| median {np.median(ic_ms):5.1f} ms, p95 "
                  f"{np.percentile(ic_ms, 95):5.1f}, max {np.max(ic_ms):5.1f} ({len(ic_ms)} "
                  f"detected); TO median {np.median(to_ms):5.1f} ms, p95 "
                  f"{np.percentile(to_ms, 95):5.1f} ({len(to_ms)})")
    slopes = [(r["slope"], r.get("found", 1.0)) for label, r in results
              if "static" in label and "downhill" in label]
    for name, keep in (("runner found in >= 90% of frames", lambda f: f >= 0.9),
                       ("runner found in < 90% of frames", lambda f: f < 0.9)):
        chosen = [s for s, found in slopes if keep(found)]
        if not chosen:
            continue
        errors = [abs(s.deg + 8.0) for s in chosen if np.isfinite(s.deg)]
        print(f"static downhill slope (truth -8 deg), {name}: {len(errors)}/{len(chosen)} "
              f"estimated, max |error| {max(errors) if errors else np.nan:.2f} deg")


SYNTH_HEADER = (f"{'preset camera fps direction':<36} {'n':>3} {'IC<=1f':>6} {'TO<=1f':>6} "
                f"{'ICmaxf':>6} {'ICmdms':>6} {'TOmdms':>6} {'mis':>3} {'noTO':>4} {'ext':>3} "
                f"{'ft':>3} {'CoM':>7} "
                f"{'found':>5} {'slope deg (source)':<22} mode")


def synthetic_landmarks_section(rates: tuple[float, ...] = SYNTH_FPS) -> None:
    """The gait layer alone on the synthetic runner's exact image landmarks (no video, no pose
    model): checks the methods on a second, independent runner model."""
    print("\n== Synthetic, exact landmarks (gait layer only; CoM error in % of height) ==")
    from posecheck.synth.clip import SyntheticClip

    print(SYNTH_HEADER)
    results = []
    for preset, camera, fps, direction in _synth_matrix(rates):
        spec = _spec(preset, camera, fps, direction)
        clip = SyntheticClip(spec)
        gait = analyze_gait(clip.exact_pose(), camera=camera, sex=spec.sex)
        r = synth_score(gait, clip.events(), clip.time_s, fps, clip.com_px,
                        px_per_m(clip.landmarks_px, clip.landmarks_m), spec.height_m)
        label = f"{preset} {camera} {fps:.0f} {direction}"
        results.append((label, r))
        print(_synth_row(label, r))
    _print_synth_summary(results)


# A cached clip is redrawn when the renderer changed after it was written, and a cached pose is
# redone when the pose stage or its clip changed after it.
RENDER_SOURCES = tuple(sorted((REPO / "posecheck" / "synth").glob("*.py")))
POSE_SOURCES = tuple(REPO / "posecheck" / name for name in ("pose.py", "tracking.py", "video.py"))


def _stale(path: Path, sources: tuple[Path, ...]) -> bool:
    """True when ``path`` is absent or older than any of ``sources``."""
    if not path.exists():
        return True
    made = path.stat().st_mtime
    return any(source.exists() and source.stat().st_mtime > made for source in sources)


def synthetic_video_section(workdir: Path, rates: tuple[float, ...] = SYNTH_FPS) -> None:
    """Video -> pose -> clean -> gait against the synthetic truth."""
    print("\n== Synthetic, end to end (rendered video -> MediaPipe -> clean -> gait) ==")
    from posecheck.cleaning import clean
    from posecheck.errors import PosecheckError
    from posecheck.pose import extract_pose
    from posecheck.sequence import PoseSequence
    from posecheck.synth.clip import SyntheticClip
    from posecheck.synth.truth import load_truth

    workdir.mkdir(parents=True, exist_ok=True)
    print(SYNTH_HEADER)
    results = []
    for preset, camera, fps, direction in _synth_matrix(rates):
        spec = _spec(preset, camera, fps, direction)
        label = f"{preset} {camera} {fps:.0f} {direction}"
        path = workdir / f"{preset}_{camera}_{fps:.0f}_{direction}.mp4"
        if _stale(path, RENDER_SOURCES):
            SyntheticClip(spec).write(path)
        truth = load_truth(path)
        cached = path.with_suffix(".pose_raw.npz")
        try:
            raw = extract_pose(path, show_progress=False) if _stale(
                cached, POSE_SOURCES + (path,)) else PoseSequence.load(cached)
        except PosecheckError as exc:
            print(f"{label:<36} pose stage failed: {exc}")
            continue
        raw.save(cached)
        seq = clean(raw)
        gait = analyze_gait(seq, camera=camera, sex=spec.sex)
        r = synth_score(gait, truth.events, truth.time_s, fps, truth.com_px,
                        px_per_m(truth.landmarks_px, truth.landmarks_m), spec.height_m)
        r["found"] = float(seq.detected.mean())
        results.append((label, r))
        print(_synth_row(label, r) + f"  (runner found in {r['found']:.0%} of frames)")
    if results:
        _print_synth_summary(results)


REAL_CLIPS = (
    ("treadmill-side-male", "male_side.mp4",
     "cadence 168.9 +/- 1.5 steps/min (truth.json +/- 1.0)"),
    ("park-walking-multi", "park_walking.mp4", "walking (no numbers)"),
)


def real_video_section(workdir: Path) -> None:
    """Cadence of the real treadmill clip and the walking verdict on the park clip. The pose
    stage runs once per clip; its raw output is cached in ``workdir``."""
    print("\n== Real video (pose -> clean -> gait) ==")
    from posecheck.cleaning import clean
    from posecheck.pose import extract_pose
    from posecheck.sequence import PoseSequence

    workdir.mkdir(parents=True, exist_ok=True)
    for folder, name, expected in REAL_CLIPS:
        clip = SHARED / "data" / "clips" / folder / name
        if not clip.exists():
            print(f"{folder:<22} skipped: {clip} is absent")
            continue
        cached = workdir / f"{folder}.pose_raw.npz"
        if not _stale(cached, POSE_SOURCES):
            raw = PoseSequence.load(cached)
        else:
            raw = extract_pose(clip, show_progress=False)
            raw.save(cached)
        gait = analyze_gait(clean(raw), camera=gait_camera(None, raw))
        mode = gait.mode
        print(f"{folder:<22} cadence {gait.cadence_spm:6.1f} steps/min, {len(gait.events)} "
              f"contacts, {mode.mode} (by {mode.source}: airborne in {mode.flight_fraction:.0%} "
              f"of {mode.n_steps} steps), facing "
              f"{'right' if gait.direction.facing > 0 else 'left'}; expected: {expected}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="force plate: treadmill rows only; no synthetic video")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/posecheck-events-bench"),
                        help="where the synthetic clips and pose outputs are cached (reused "
                             "while newer than the renderer and pose stage sources)")
    parser.add_argument("--synthetic-fps", default=",".join(f"{r:g}" for r in SYNTH_FPS),
                        help="frame rates of the synthetic sections, comma-separated (default "
                             "%(default)s; phones film 25-240)")
    parser.add_argument("--synthetic-only", action="store_true",
                        help="skip the force-plate and real-video sections")
    args = parser.parse_args()
    try:
        rates = tuple(float(r) for r in args.synthetic_fps.split(","))
    except ValueError:
        parser.error(f"--synthetic-fps: not a list of numbers: {args.synthetic_fps!r}")
    if not args.synthetic_only:
        if FUKUCHI.exists():
            force_plate_section(args.quick)
        else:
            print(f"skipped: {FUKUCHI} is absent")
    synthetic_landmarks_section(rates)
    if args.quick:
        print("\n(--quick: the end-to-end synthetic video section is skipped)")
    else:
        synthetic_video_section(args.workdir, rates)
    if not args.synthetic_only:
        real_video_section(args.workdir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
