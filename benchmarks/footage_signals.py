"""Footage signals (posecheck.footage) on the shared real clips, against their labels.

    .venv/bin/python benchmarks/footage_signals.py

One row per clip in ../shared/data/clips (a clip that is absent is skipped with the reason):

- cuts: frames where the monitor found a new shot / the labelled ones (events.json
  ``scene_cuts``; "-" where the clip has no label)
- held, img/s: share of frames repeating the previous image; distinct images per second
- |pan| px/f: median |camera shift| per compared frame (not held, not a cut), full-frame px
- pan: the monitor's verdict, then the camera as each clip's SOURCE.md describes it
- cap fps: capture frame rate from the container's tags (None: no tag)
- ms/frame: the monitor's ``update`` alone (decoding excluded): wall time, and CPU time of the
  calling thread (the decoder's threads are not counted, nor would OpenCV worker threads be).
  The load average is printed first: other work on the 2 cores slows the wall time.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from posecheck.footage import FootageMonitor, capture_fps  # noqa: E402
from posecheck.video import iter_frames  # noqa: E402

CLIPS_DIR = REPO.parent / "shared" / "data" / "clips"
CLIPS = {  # folder: (file, camera as SOURCE.md describes it)
    "field-pan-multiperson": ("dash_pan.mp4", "pans"),
    "grass-follow-barefoot": ("grass_barefoot.mp4", "follows"),
    "riverside-follow-portrait": ("riverside.mp4", "follows"),
    "treadmill-side-male": ("male_side.mp4", "static"),
    "treadmill-overstride-right": ("treadmill_overstride.mp4", "static"),
    "park-static-jog": ("park_jog.mp4", "static"),
    "track-tripod-sprint": ("track_sprint.mp4", "static"),
    "park-walking-multi": ("park_walking.mp4", "static"),
}


def labelled_cuts(folder: Path) -> list[int] | None:
    events = folder / "events.json"
    if not events.exists():
        return None
    return json.loads(events.read_text()).get("scene_cuts")


def measure(video: Path) -> dict:
    monitor = FootageMonitor()
    wall_s = cpu_s = 0.0
    n = 0
    size = ""
    for frame in iter_frames(video):
        wall0, cpu0 = time.perf_counter(), time.thread_time()
        monitor.update(frame.rgb, frame.time_s)
        wall_s += time.perf_counter() - wall0
        cpu_s += time.thread_time() - cpu0
        n += 1
        size = f"{frame.rgb.shape[1]}x{frame.rgb.shape[0]}"
    footage = monitor.result()
    return {"footage": footage, "frames": n, "size": size,
            "wall_ms": 1000 * wall_s / n, "cpu_ms": 1000 * cpu_s / n}


def _cuts_text(found: tuple[int, ...], labelled: list[int] | None) -> str:
    shown = ",".join(str(c) for c in found) or "none"
    want = "-" if labelled is None else (",".join(str(c) for c in labelled) or "none")
    return f"{shown} / {want}"


def main() -> int:
    print(f"cores: {os.cpu_count()}, load average (1 min): {os.getloadavg()[0]:.2f}")
    header = (f"{'clip':<27} {'size':>9} {'frames':>6} | {'cuts found / labelled':<31} | "
              f"{'held':>5} {'img/s':>5} | {'|pan| px/f':>10} {'pan':>3} {'camera':>7} | "
              f"{'cap fps':>7} | {'ms/frame wall cpu':>17}")
    print(header)
    print("-" * len(header))
    walls, cpus = [], []
    for name, (file, camera) in CLIPS.items():
        video = CLIPS_DIR / name / file
        if not video.exists():
            print(f"{name:<27} skipped: {video} is absent (shared data sits beside the repository)")
            continue
        r = measure(video)
        f = r["footage"]
        walls.append(r["wall_ms"])
        cpus.append(r["cpu_ms"])
        fps = capture_fps(video)
        print(f"{name:<27} {r['size']:>9} {r['frames']:>6} | "
              f"{_cuts_text(f.scene_cuts, labelled_cuts(video.parent)):<31} | "
              f"{f.held_share:>5.2f} {f.distinct_images_per_s:>5.1f} | "
              f"{f.median_abs_shift_px:>10.1f} {'yes' if f.panning else 'no':>3} {camera:>7} | "
              f"{'None' if fps is None else f'{fps:.1f}':>7} | "
              f"{r['wall_ms']:>8.2f} {r['cpu_ms']:>8.2f}")
    if walls:
        print(f"median ms/frame over the clips: wall {np.median(walls):.2f}, "
              f"cpu {np.median(cpus):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
