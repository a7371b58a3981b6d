"""The ``posecheck`` command. Configuration is read here, once, and passed inward as plain values.

Every failure a user can cause ends in one line on stderr (``posecheck: error: ...``) and a
non-zero exit: 1 for bad input or a failed run, 2 for a bad command line, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import sys
import traceback
import warnings
from pathlib import Path

from posecheck import __version__
from posecheck.compare_command import register as register_compare
from posecheck.errors import PosecheckError, UsageError
from posecheck.gait.command import add_gait_options, gait_options
from posecheck.gait.command import register as register_gait
from posecheck.options import VIDEO_SHORT_SIDE_PX, AnalysisOptions
from posecheck.synth.command import register as register_synth


def _register_analyze(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="measure the runner's technique in a video: keypoints, foot strikes, the coaching "
        "checks and an annotated video",
        description="Find the runner's body landmarks in every frame of a side-on video, detect "
        "the foot strikes, run the coaching checks (lean, knee, foot landing, arms, cadence) and "
        "write analysis.json, the keypoints and an annotated H.264 video.",
    )
    parser.add_argument("videos", type=Path, nargs="+", metavar="VIDEO",
                        help="the clip (mp4, mov, webm, ...); several clips or a folder of "
                        "clips make a coach's session: one report per clip and an index page")
    parser.add_argument("-o", "--outdir", type=Path, default=None,
                        help="output folder (default: ./<video name>_posecheck; for a session "
                        "./posecheck_session, one folder per clip inside)")
    parser.add_argument("--force", action="store_true",
                        help="replace the outputs of an earlier run in the output folder "
                        "(without it an output folder that exists and is not empty is refused)")
    parser.add_argument("--model", type=Path, default=None,
                        help="a MediaPipe PoseLandmarker .task file (lite, full or heavy); "
                        "default: the full model bundled with posecheck")
    parser.add_argument("--person", default="auto",
                        help="whom to follow: auto (default), largest, sideways, or a person id "
                        "from people.json of an earlier run")
    parser.add_argument("--no-video", action="store_true", help="skip the annotated video")
    parser.add_argument("--coach-mode", action="store_true",
                        help="freeze the annotated video for a moment at each foot strike")
    parser.add_argument("--video-size", default=str(VIDEO_SHORT_SIDE_PX),
                        metavar="PX|full",
                        help=f"the annotated video's short side at most, in pixels (default "
                        f"{VIDEO_SHORT_SIDE_PX}: a 1080p or 4K clip gives a 720p video, for less "
                        "than half the drawing and encoding); 'full' keeps the clip's size. The "
                        "key frames are cut from the frames as filmed either way")
    parser.add_argument("--checks-config", type=Path, default=None, metavar="TOML",
                        help="check thresholds to change (see 'posecheck checks')")
    parser.add_argument("--baseline", type=Path, default=None, metavar="ANALYSIS",
                        help="the runner's own level run (its analysis.json or output folder): "
                        "cadence and lean are judged against it")
    parser.add_argument("--slow-motion", type=float, default=None, metavar="FACTOR",
                        help="the clip plays FACTOR times slower than real time (e.g. 8 for 240 "
                        "fps slow motion played at 30); times are reported in real time "
                        "(default: from the file's capture rate when it gives one, else 1)")
    parser.add_argument("--workers", type=_whole_number, default=None, metavar="N",
                        help="threads the pose stage of a clip runs in, each on one part of "
                        "the clip (default 2, at most the cores; 1 needs some 65 MB less)")
    parser.add_argument("--jobs", type=_whole_number, default=None, metavar="N",
                        help="a session: clips analysed at once, one process each (default: "
                        "the cores, at most the clips)")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="a session: run the clips on this Dask distributed scheduler "
                        "(tcp://host:8786; needs the 'distributed' extra); every worker must "
                        "read the clips and write the output folder at the same paths")
    add_gait_options(parser)
    parser.set_defaults(func=_run_analyze)


def _whole_number(text: str) -> int:
    """A whole number of 1 or more (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def _video_size(text: str) -> int | None:
    """``--video-size``: a whole number of pixels, or 'full' (None: the clip's size)."""
    if text.strip().lower() == "full":
        return None
    try:
        return int(text)
    except ValueError:
        raise UsageError(f"--video-size: must be a number of pixels or 'full', got "
                         f"{text!r}") from None


def analysis_options(args: argparse.Namespace) -> AnalysisOptions:
    """The run's options from the command line, validated before any work starts."""
    from posecheck.checks.config import load_thresholds
    from posecheck.options import load_baseline

    return AnalysisOptions(
        **gait_options(args), person=args.person, model_path=args.model,
        thresholds=load_thresholds(args.checks_config) if args.checks_config else {},
        baseline=load_baseline(args.baseline) if args.baseline else None,
        write_video=not args.no_video, coach_mode=args.coach_mode,
        video_short_side_px=_video_size(args.video_size), slow_motion=args.slow_motion,
        workers=args.workers)


def _run_analyze(args: argparse.Namespace) -> int:
    from posecheck.analyze import analyze, default_outdir

    options = analysis_options(args)
    show_progress = None if not args.quiet else False
    if len(args.videos) > 1 or args.videos[0].is_dir():
        return _run_session(args, options, show_progress)
    video = args.videos[0]
    outdir = args.outdir or default_outdir(video)
    result = analyze(video, outdir, options, force=args.force, show_progress=show_progress)
    if not args.quiet:
        _print_summary(result, outdir)
    return 0


def _run_session(args: argparse.Namespace, options: AnalysisOptions,
                 show_progress: bool | None) -> int:
    """Several clips: exit 1 when any of them failed (each is listed on the index)."""
    from posecheck.session import analyze_session

    outdir = args.outdir or Path.cwd() / "posecheck_session"
    session = analyze_session(args.videos, outdir, options, force=args.force,
                              show_progress=show_progress, jobs=args.jobs,
                              scheduler=args.scheduler)
    if not args.quiet:
        for outcome in session.outcomes:
            if outcome.error:
                print(f"{outcome.video}: failed: {_without_path(outcome)}")
            else:
                verdicts = " ".join(f"{f.check_id} {f.verdict}"
                                    for f in outcome.analysis.findings)
                print(f"{outcome.video}: {verdicts} -> {outcome.outdir}")
        print(f"{len(session.outcomes) - len(session.failed)} of {len(session.outcomes)} clips "
              f"analysed; index: {session.index}")
    for outcome in session.failed:
        print(f"posecheck: error: {outcome.video}: {_without_path(outcome)}", file=sys.stderr)
    return 1 if session.failed else 0


def _without_path(outcome) -> str:
    """A failed clip's error without the clip's path in front (most errors name the file)."""
    prefix = f"{outcome.video}: "
    return outcome.error[len(prefix):] if outcome.error.startswith(prefix) else outcome.error


def _print_summary(result, outdir: Path) -> None:
    pose_fps = result.pose.n_frames / result.pose_seconds if result.pose_seconds else 0.0
    print(f"{result.pose.n_frames} frames, runner found in {result.detected_fraction:.1%}, "
          f"pose stage {pose_fps:.1f} frames/s, total {result.total_seconds:.1f} s")
    if result.gait is not None:
        cadence = result.gait.cadence_spm
        print(f"{result.gait.mode.mode}: {len(result.gait.events)} foot contacts, cadence "
              f"{f'{cadence:.1f} steps/min' if cadence == cadence else 'n/a'}")
    for finding in result.findings:
        value = finding.value
        shown = f"{value:.2f} {finding.measure.unit}" if value == value else "n/a"
        near = f"(close to {' / '.join(finding.borderline)}) " if finding.borderline else ""
        print(f"  {finding.name:<26} {finding.verdict:<8} {shown:<22} "
              f"{near}{finding.cue or finding.reason}")
    for notice in result.warnings:
        print(f"warning: {notice.message}")
    print(f"wrote {outdir}")


def _register_checks(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "checks", help="list the coaching checks, their thresholds and sources",
        description="List every coaching check: what it measures, why it matters, and each "
        "threshold with its default and source (the keys of --checks-config).")
    parser.set_defaults(func=_run_checks)


def _run_checks(args: argparse.Namespace) -> int:
    from posecheck.checks.registry import CHECKS, default_thresholds

    for module in CHECKS:
        info = module.INFO
        print(f"[{info.id}] {info.name}")
        print(f"  measures: {info.measures}")
        print(f"  why: {info.why}")
        for key, value in default_thresholds(module).items():
            print(f"  {key} = {value}    # {info.sources.get(key, '')}")
        print()
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
    _register_checks(subparsers)
    register_gait(subparsers)
    register_synth(subparsers)
    register_compare(subparsers)
    for command in subparsers.choices.values():
        # the global options also work after the command (posecheck analyze clip.mp4 -q);
        # SUPPRESS keeps the value given before it when they are not repeated
        command.add_argument("-q", "--quiet", action="store_true", default=argparse.SUPPRESS,
                             help="no progress or summary")
        command.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                             help="show tracebacks of internal errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.debug:
        # a library's RuntimeWarning (an empty slice, a plot axis) is no message for a user:
        # stderr holds the one-line error or nothing (--debug shows them)
        warnings.simplefilter("ignore")
    try:
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"posecheck: error: {exc}", file=sys.stderr)
        return 2
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
