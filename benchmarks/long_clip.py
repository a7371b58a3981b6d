"""Time and memory of every stage after the pose model, on a short clip and on the same clip
repeated: which stages grow faster than the clip?

    python benchmarks/long_clip.py                         # 24 s of 720p and 8 times as long
    python benchmarks/long_clip.py --repeats 1,8,25 --size 1920x1080

The pose stage is what makes ``benchmarks/memory.py`` slow (a 3-minute 1080p clip takes about
12 minutes, 10 minutes about 40): here it runs once, on the short clip (``benchmarks/speed.py``'s
synthetic treadmill runner, ``--seconds`` at 60 fps), and a long clip's pose is that pose
repeated (``--repeats`` times, frame times running on), handed to ``posecheck analyze`` in place
of the pose stage; the video is the short clip repeated (packets copied: :func:`speed.loop_clip`)
for the teaching video and key frames. Everything after the pose stage runs as ``analyze`` runs
it, with every output. Printed per stage and repeat: wall seconds, and the resident memory
(RSS) before the stage and at its peak (the peak is reset before each stage through
``/proc/self/clear_refs``, Linux 4.0 or later), so a stage whose time or memory grows faster
than the clip shows. The absolute memory is lower than a whole run's: no pose model was loaded
in this process.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import speed

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import posecheck.analyze as analyze_module  # noqa: E402
from posecheck import cleaning, tracking  # noqa: E402
from posecheck.pose import detect_people  # noqa: E402

#: The stages timed, as (module, name) of the function ``analyze`` calls.
STAGES = [(tracking, "link_tracks"), (cleaning, "clean"), (analyze_module, "analyze_gait"),
          (analyze_module, "run_checks"), (analyze_module, "write_data_files"),
          (analyze_module, "write_teaching_video"), (analyze_module, "write_report")]


def reset_peak() -> None:
    """Start ``VmHWM`` again from the current RSS."""
    Path("/proc/self/clear_refs").write_text("5")


@contextlib.contextmanager
def timed_stages(rows: list[dict]):
    """Wrap each stage of :data:`STAGES` to append its time and memory to ``rows``."""
    originals = [(module, name, getattr(module, name)) for module, name in STAGES]

    def wrap(name, function):
        def timed(*args, **kwargs):
            reset_peak()
            before, start = speed.rss_mb(os.getpid()), time.perf_counter()
            result = function(*args, **kwargs)
            rows.append({"stage": name, "s": time.perf_counter() - start,
                         "rss_before_mb": before, "peak_mb": speed.rss_mb(os.getpid(), "VmHWM")})
            return result
        return timed

    try:
        for module, name, function in originals:
            setattr(module, name, wrap(name, function))
        yield
    finally:
        for module, name, function in originals:
            setattr(module, name, function)


def repeated(frames, repeats: int):
    """The pose stage's result for the clip played ``repeats`` times over."""
    n, step_s = len(frames.time_s), 1.0 / frames.info.fps
    info = dataclasses.replace(frames.info, n_frames=n * repeats)
    return dataclasses.replace(frames, info=info, time_s=np.arange(n * repeats) * step_s,
                               people=[list(people) for people in frames.people] * repeats)


def run(video: Path, frames, repeats: int, out: Path) -> list[dict]:
    rows: list[dict] = []
    original = analyze_module.detect_people
    analyze_module.detect_people = lambda *args, **kwargs: repeated(frames, repeats)
    try:
        with timed_stages(rows):
            start = time.perf_counter()
            analyze_module.analyze(video, out, show_progress=False)
            rows.append({"stage": "after the pose stage", "s": time.perf_counter() - start,
                         "rss_before_mb": float("nan"), "peak_mb": float("nan")})
    finally:
        analyze_module.detect_people = original
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=speed.parse_size, default=(1280, 720), help="WxH")
    parser.add_argument("--seconds", type=float, default=24.0, help="the short clip's length")
    parser.add_argument("--repeats", default="1,8", help="comma-separated repeat counts")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the clips here (default: a temporary folder)")
    args = parser.parse_args(argv)
    repeats = [int(r) for r in args.repeats.split(",")]
    with contextlib.ExitStack() as stack:
        folder = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        folder.mkdir(parents=True, exist_ok=True)
        clip = speed.render_clip(folder, *args.size, seconds=args.seconds, fps=speed.CLIP_FPS,
                                 scene="treadmill")
        frames = detect_people(clip.path, show_progress=False)
        table = {}
        for r in repeats:
            video = clip.path if r == 1 else folder / f"{clip.path.stem}_x{r}.mp4"
            if r > 1 and not video.exists():
                speed.loop_clip(clip.path, video, minutes=r * args.seconds / 60.0)
            out = folder / f"out_x{r}"
            shutil.rmtree(out, ignore_errors=True)
            table[r] = run(video, frames, r, out)
        print(f"{args.size[0]}x{args.size[1]}, {args.seconds:g} s at {speed.CLIP_FPS:g} fps "
              f"repeated {', '.join(map(str, repeats))} times; per stage: wall s, RSS before "
              "-> peak MB")
        print(f"{'stage':<22}" + "".join(f"{f'x{r}':>28}" for r in repeats))
        for k, row in enumerate(table[repeats[0]]):
            cells = []
            for r in repeats:
                other = table[r][k] if k < len(table[r]) else None
                if other is None or other["stage"] != row["stage"]:
                    cells.append("(stages differ)")
                    continue
                memory = (f"{other['rss_before_mb']:4.0f} -> {other['peak_mb']:4.0f}"
                          if np.isfinite(other["peak_mb"]) else "")
                cells.append(f"{other['s']:7.1f} s {memory:>14}")
            print(f"{row['stage']:<22}" + "".join(f"{c:>28}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
