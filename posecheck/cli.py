"""The ``posecheck`` command. Configuration is read here, once, and passed inward as plain values.

Every failure a user can cause ends in one line on stderr (``posecheck: error: ...``) and a
non-zero exit: 1 for bad input or a failed run, 2 for a bad command line, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from posecheck import __version__
from posecheck.errors import PosecheckError
from posecheck.gait.command import add_gait_options, gait_options
from posecheck.gait.command import register as register_gait
from posecheck.synth.command import register as register_synth


def _register_analyze(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="find the runner's keypoints in a video and write them with an annotated video",
        description="Find the runner's body landmarks in every frame of a side-on video, clean "
        "them, and write the keypoints (npz + csv) and an annotated H.264 video.",
    )
    parser.add_argument("video", type=Path, help="the clip (mp4, mov, webm, ...)")
    parser.add_argument("-o", "--outdir", type=Path, default=None,
                        help="output folder (default: ./<video name>_posecheck)")
    parser.add_argument("--model", type=Path, default=None,
                        help="a MediaPipe PoseLandmarker .task file (lite, full or heavy); "
                        "default: the full model bundled with posecheck")
    parser.add_argument("--person", default="auto",
                        help="whom to follow: auto (default), largest, sideways, or a person id "
                        "from people.json of an earlier run")
    parser.add_argument("--no-video", action="store_true", help="skip the annotated video")
    add_gait_options(parser)
    parser.set_defaults(func=_run_analyze)


def _run_analyze(args: argparse.Namespace) -> int:
    from posecheck.analyze import analyze

    result = analyze(args.video, args.outdir, model_path=args.model, person=args.person,
                     gait_options=gait_options(args), write_video=not args.no_video,
                     show_progress=None if not args.quiet else False)
    if not args.quiet:
        print(f"{result.pose.n_frames} frames, runner found in {result.detected_fraction:.1%}, "
              f"pose stage {result.pose_fps:.1f} frames/s, total {result.total_s:.1f} s")
        gait = result.gait_summary
        cadence = gait["cadence_spm"]
        print(f"{gait['mode']}: {gait['contacts']} foot contacts, cadence "
              f"{'n/a' if cadence is None else f'{cadence:.1f} steps/min'}")
        print(f"wrote {result.outdir}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="posecheck",
        description="Measure a runner's technique from a side-on video.",
    )
    parser.add_argument("--version", action="version", version=f"posecheck {__version__}")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _register_analyze(subparsers)
    register_gait(subparsers)
    register_synth(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except PosecheckError as exc:
        print(f"posecheck: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("posecheck: interrupted; no output was written", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the edge: a bug must still end in one line
        if args.debug:
            traceback.print_exc()
        message = str(exc).splitlines()[0] if str(exc) else ""
        print(f"posecheck: internal error: {type(exc).__name__}: {message} "
              "(run with --debug for details)", file=sys.stderr)
        return 1
