"""The ``posecheck compare`` subcommand: two analysed runs, what changed, and the two videos side
by side synchronised at foot strikes."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "compare",
        help="compare two analysed runs: a table of what changed and the videos side by side",
        description="Compare two runs analysed by 'posecheck analyze' (before and after a drill "
        "block, a level and a downhill run, two athletes): every measure's change B - A, whether "
        "it is beyond the measurement accuracy, better or worse, the verdicts that changed, and "
        "the two videos side by side synchronised at foot strikes. Writes compare.json, "
        "compare.html and compare.mp4.",
    )
    parser.add_argument("run_a", type=Path, metavar="RUN_A",
                        help="the first run (before): an output folder of 'posecheck analyze' "
                        "or its analysis.json")
    parser.add_argument("run_b", type=Path, metavar="RUN_B", help="the second run (after)")
    parser.add_argument("-o", "--outdir", type=Path, default=None,
                        help="output folder (default: ./<A>_vs_<B>)")
    parser.add_argument("--no-video", action="store_true", help="skip the side-by-side video")
    parser.set_defaults(func=run)


def default_outdir(name_a: str, name_b: str) -> Path:
    """``./<A>_vs_<B>``, with characters a folder name should not hold replaced by ``_``."""
    return Path(re.sub(r"[^\w.-]", "_", f"{name_a}_vs_{name_b}"))


def run(args: argparse.Namespace) -> int:
    from posecheck.compare import RunSummary, change_table, compare_runs, comparison_html
    from posecheck.compare_video import write_compare_video
    from posecheck.errors import PosecheckError
    from posecheck.outputs import StagedOutput, check_writable

    a, b = RunSummary.load(args.run_a), RunSummary.load(args.run_b)
    if not args.no_video:
        for label, run_summary in (("A", a), ("B", b)):
            if run_summary.video_path is None:
                raise PosecheckError(f"{args.run_a if label == 'A' else args.run_b}: no "
                                     "annotated.mp4 and the source video is gone; give "
                                     "--no-video for the table alone")
    comparison = compare_runs(a, b)
    outdir = args.outdir or default_outdir(a.name, b.name)
    check_writable(outdir)
    with StagedOutput(outdir) as stage:
        assert stage.path is not None
        sync = None if args.no_video else write_compare_video(a, b, stage.path / "compare.mp4")
        document = comparison.to_json(video=sync.as_dict() if sync else None)
        (stage.path / "compare.json").write_text(json.dumps(document, indent=1) + "\n",
                                                 encoding="utf-8")
        page = comparison_html(comparison, video_file="compare.mp4" if sync else None)
        (stage.path / "compare.html").write_text(page, encoding="utf-8")
    if sync is None:
        (outdir / "compare.mp4").unlink(missing_ok=True)  # an older one would not match
    if not args.quiet:
        print(f"A: {a.name}\nB: {b.name}")
        print("\n".join(change_table(comparison)))
        for note in comparison.notes:
            print(f"note: {note}")
        print(f"wrote {outdir}")
    return 0
