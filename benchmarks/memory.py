"""Peak memory of ``posecheck analyze`` on a short and a long clip: does it stay flat?

    python benchmarks/memory.py                           # 1080p: 24 s and 3 min, 1 and 2 workers
    python benchmarks/memory.py --long-minutes 10 --workers 1     # the issue's 10 minutes
    python benchmarks/memory.py --workdir /tmp/mem --json mem.json  # keep and reuse the clips

It renders the synthetic runner on a treadmill (``benchmarks/speed.py``'s clip, ``--seconds``
long at 60 fps, ``--size``), makes the long clip by repeating it (packets copied, no
re-encoding: :func:`speed.loop_clip`), and runs ``posecheck analyze CLIP -o OUT`` with every
output in a child process on each, for each ``--workers`` value (the pose stage's processes).
Printed per run: frames, wall time, the peak resident memory of the ``analyze`` process
(``VmHWM``, polled), the peak summed RSS and PSS of it and its children (the pose workers; PSS
counts the pages they share, the libraries, once), the RSS a quarter, half and three quarters
of the way through; then the long clip's peaks against the short one's. The memory does not
depend on the machine's load; the times do (the load average is printed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path

import speed

SIZE = "1920x1080"
SHORT_SECONDS = 24.0
LONG_MINUTES = 3.0  # 10 minutes of 1080p took 21 minutes with 2 workers on 2 cores


def measure(clip: speed.Clip, folder: Path, workers: int) -> dict:
    full = speed.run_analyze(clip, folder / f"analyze_{clip.n_frames}_{workers}w",
                             workers=workers)
    return {"clip": clip.path.name, "frames": clip.n_frames, "seconds": clip.n_frames / clip.fps,
            "workers": workers, **full}


def print_table(rows: list[dict]) -> None:
    print(f"\n{'clip':>9} {'frames':>7} {'workers':>7} {'wall s':>7} {'frames/s':>8} "
          f"{'peak RSS':>9} {'tree RSS':>9} {'tree PSS':>9}  RSS at 1/4, 1/2, 3/4")
    for row in rows:
        print(f"{row['seconds']:8.0f}s {row['frames']:7d} {row['workers']:7d} "
              f"{row['wall_s']:7.1f} {row['fps']:8.1f} {row['peak_rss_mb']:6.0f} MB "
              f"{row['tree_peak_rss_mb']:6.0f} MB {row['tree_peak_pss_mb']:6.0f} MB  "
              f"{speed.rss_text(row['rss_quarters_mb'])}")


def print_ratios(rows: list[dict]) -> None:
    by_workers: dict[int, list[dict]] = {}
    for row in rows:
        by_workers.setdefault(row["workers"], []).append(row)
    for workers, pair in sorted(by_workers.items()):
        if len(pair) != 2:
            continue
        short, long = sorted(pair, key=lambda r: r["frames"])
        ratios = ", ".join(f"{name} {long[key] / short[key]:.2f}x" for name, key in
                           (("peak RSS", "peak_rss_mb"), ("tree RSS", "tree_peak_rss_mb"),
                            ("tree PSS", "tree_peak_pss_mb")))
        print(f"  {workers} worker{'s' if workers != 1 else ''}: the {long['seconds'] / 60:.0f}-"
              f"minute clip against the {short['seconds']:.0f} s one: {ratios}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default=SIZE, help=f"WxH (default {SIZE})")
    parser.add_argument("--seconds", type=float, default=SHORT_SECONDS,
                        help=f"the short clip, s (default {SHORT_SECONDS:g})")
    parser.add_argument("--long-minutes", type=float, default=LONG_MINUTES,
                        help=f"the long clip, minutes (default {LONG_MINUTES:g})")
    parser.add_argument("--workers", default="1,2",
                        help="--workers values of analyze to measure, comma-separated "
                        "(default 1,2)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep clips and outputs here, reusing clips (default: a temporary "
                        "folder, removed)")
    parser.add_argument("--json", type=Path, default=None, help="save the results here")
    args = parser.parse_args(argv)
    args.size = speed.parse_size(args.size)
    args.workers = [int(w) for w in args.workers.split(",") if w]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.ExitStack() as stack:
        folder = speed.work_folder(stack, args.workdir, "memory.")
        results = {"load_average_before": speed.load_average(), "runs": []}
        print(f"load average (1, 5, 15 min) before: {results['load_average_before']}")
        short = speed.render_clip(folder, *args.size, seconds=args.seconds, fps=speed.CLIP_FPS,
                                  scene="treadmill")
        long = speed.loop_clip(short.path, folder / f"long_{args.long_minutes:g}min_"
                               f"{short.path.name}", minutes=args.long_minutes)
        for workers in args.workers:
            for clip in (short, long):
                row = measure(clip, folder, workers)
                print(f"  {row['seconds']:.0f} s, {workers} worker(s): peak RSS "
                      f"{row['peak_rss_mb']:.0f} MB, tree PSS {row['tree_peak_pss_mb']:.0f} MB "
                      f"({row['fps']:.1f} frames/s)", flush=True)
                results["runs"].append(row)
        results["load_average_after"] = speed.load_average()
    print_table(results["runs"])
    print_ratios(results["runs"])
    print(f"load average (1, 5, 15 min) after: {results['load_average_after']}")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
