"""How fast the synthetic runner renders, with and without H.264 encoding.

    python benchmarks/render_speed.py            # 720p and 1080p, 120 frames each
    taskset -c 0 python benchmarks/render_speed.py   # pinned to one core

Prints frames per second for: drawing only (the gait, cameras and truth are computed before the
timer starts; they are cheap), and drawing plus encoding through posecheck.video.VideoWriter.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2

from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.video import VideoWriter


def measure(width: int, height: int, n_frames: int, camera: str) -> tuple[float, float]:
    spec = ClipSpec(gait=preset_params("downhill-good"), preset="downhill-good", camera=camera,
                    width=width, height=height, fps=60.0, seconds=n_frames / 60.0, seed=0)
    clip = SyntheticClip(spec)
    started = time.perf_counter()
    for _ in clip.frames():
        pass
    draw_fps = n_frames / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        with VideoWriter(Path(folder) / "x.mp4", fps=spec.fps, width=width, height=height) as out:
            for frame in clip.frames():
                out.write(frame)
        total_fps = n_frames / (time.perf_counter() - started)
    return draw_fps, total_fps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()
    cv2.setNumThreads(1)  # drawing is single-threaded anyway; keep OpenCV from fanning out
    print(f"{'size':>10} {'camera':>7} {'draw fps':>9} {'draw+encode fps':>16}")
    for width, height in ((1280, 720), (1920, 1080)):
        for camera in ("static", "pan"):
            draw, total = measure(width, height, args.frames, camera)
            print(f"{width}x{height:<5} {camera:>7} {draw:9.0f} {total:16.0f}")


if __name__ == "__main__":
    main()
