"""The ``posecheck gait`` subcommand: foot events, steps and cadence from a saved pose file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from posecheck.errors import PosecheckError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "gait",
        help="foot strikes, toe-offs, steps and cadence from a pose file",
        description="Read a pose file (.npz written by 'posecheck analyze'), find each foot "
        "strike and toe-off, and print the steps, the cadence, running or walking, the slope "
        "and the scale.",
    )
    parser.add_argument("pose", type=Path, help="a .npz pose file")
    add_gait_options(parser)
    parser.add_argument("--steps-csv", type=Path, default=None, help="write the step table here")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(func=run)


def add_gait_options(parser: argparse.ArgumentParser) -> None:
    """The options that describe the runner and the scene, shared by ``gait`` and ``analyze``."""
    parser.add_argument("--height", type=float, default=None, metavar="M",
                        help="runner's height in metres (else lengths are in leg lengths)")
    parser.add_argument("--slope", default=None, metavar="DEG|PCT%",
                        help="ground slope, negative downhill: degrees or a grade, e.g. "
                        "--slope=-5 or --slope=-8%%")
    parser.add_argument("--camera", choices=("static", "pan"), default=None,
                        help="tripod or panning camera (default: inferred from the runner's "
                        "travel across the frame)")
    parser.add_argument("--roll", type=float, default=0.0, metavar="DEG",
                        help="angle level ground makes in the image, forward-up positive")
    parser.add_argument("--sex", choices=("male", "female"), default="male",
                        help="segment table of the centre of mass (de Leva 1996)")


def gait_options(args: argparse.Namespace) -> dict:
    """Keyword arguments of :func:`posecheck.gait.analysis.analyze_gait` from parsed options."""
    from posecheck.gait.slope import parse_slope

    try:
        slope_deg = parse_slope(args.slope) if args.slope is not None else None
    except PosecheckError as exc:
        raise UsageError(f"--slope: {exc}") from None
    return {
        "height_m": args.height,
        "slope_deg": slope_deg,
        "camera": args.camera,
        "camera_roll_deg": args.roll,
        "sex": args.sex,
    }


def run(args: argparse.Namespace) -> int:
    from posecheck.cleaning import clean
    from posecheck.gait.analysis import analyze_gait, check_feet_in_view, summarize
    from posecheck.sequence import PoseSequence

    if not args.pose.exists():
        raise PosecheckError(f"{args.pose}: no such pose file")
    seq = PoseSequence.load(args.pose)
    if "cleaning" not in seq.meta:  # raw model output: clean it as 'analyze' would
        seq = clean(seq)
    check_feet_in_view(seq)  # a pose from video: feet out of the picture were guessed
    gait = analyze_gait(seq, **gait_options(args))
    if args.steps_csv is not None:
        gait.steps.to_csv(args.steps_csv)
    summary = summarize(gait)
    if args.json:
        print(json.dumps(summary, indent=1))
    elif not args.quiet:
        _print_text(summary)
    return 0


def _print_text(summary: dict) -> None:
    cadence = summary["cadence_spm"]
    print(f"{summary['mode']}, {summary['contacts']} contacts, cadence "
          f"{cadence if cadence is not None else 'n/a'} steps/min, facing {summary['facing']}")
    slope = summary["slope_deg"]
    print(f"slope {slope if slope is not None else 'unknown'} deg ({summary['slope_source']}), "
          f"scale from {summary['scale_source']}; event times +/- "
          f"{summary['event_uncertainty_frames']} frames")
    titles = ("IC s", "TO s", "contact", "flight", "step")
    print(f"{'step':>4} {'foot':<5} " + " ".join(f"{title:>7}" for title in titles))
    for row in summary["steps"]:
        cells = [row[k] for k in ("ic_s", "to_s", "contact_s", "flight_s", "step_s")]
        text = " ".join(f"{c:7.3f}" if c is not None else f"{'':>7}" for c in cells)
        print(f"{row['step']:>4} {row['foot']:<5} {text}")
