"""How fast ``posecheck analyze`` runs on this machine, stage by stage.

    python benchmarks/analyze_speed.py [VIDEO ...]

Default clip: ../shared/data/clips/treadmill-side-male/male_side.mp4 (12 s, 720x1280, 30 fps).
Prints one row per clip: frames, video fps, then frames per second of decoding alone, of the pose
stage (decode + MediaPipe + tracking), of the annotated-video stage, and of the whole run, and
whether the whole run is faster than the clip plays.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from posecheck import cleaning, tracking
from posecheck.analyze import write_annotated_video
from posecheck.pose import detect_people
from posecheck.video import iter_frames, probe

DEFAULT = (Path(__file__).resolve().parents[2]
           / "shared/data/clips/treadmill-side-male/male_side.mp4")


def measure(video: Path) -> dict:
    info = probe(video)
    started = time.monotonic()
    n = sum(1 for _ in iter_frames(video))
    decode_s = time.monotonic() - started

    started = time.monotonic()
    frames = detect_people(video, show_progress=False)
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    raw = tracking.track_to_sequence(
        tracking.choose_track(tracks, None, fps=info.fps), tracks, frames)
    pose_s = time.monotonic() - started

    started = time.monotonic()
    pose = cleaning.clean(raw)
    clean_s = time.monotonic() - started

    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        write_annotated_video(video, pose, Path(folder) / "annotated.mp4", show_progress=False)
        video_s = time.monotonic() - started
    total_s = pose_s + clean_s + video_s
    return {"clip": video.name, "frames": n, "fps": info.fps, "size": f"{info.width}x{info.height}",
            "decode": n / decode_s, "pose": n / pose_s, "video": n / video_s,
            "total": n / total_s, "realtime": (n / info.fps) / total_s}


def main(argv: list[str]) -> int:
    clips = [Path(a) for a in argv] or [DEFAULT]
    print(f"cores: {os.cpu_count()}")
    print(f"{'clip':<22} {'frames':>6} {'fps':>5} {'size':>9} | frames per second: "
          f"{'decode':>7} {'pose':>6} {'video':>6} {'total':>6} | x realtime")
    for clip in clips:
        r = measure(clip)
        print(f"{r['clip']:<22} {r['frames']:>6} {r['fps']:>5.1f} {r['size']:>9} | "
              f"{'':>19}{r['decode']:>7.1f} {r['pose']:>6.1f} {r['video']:>6.1f} "
              f"{r['total']:>6.1f} | {r['realtime']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
