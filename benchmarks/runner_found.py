"""How often the pose stage finds the runner on the shared real clips, and how long it takes.

    python benchmarks/runner_found.py                    # every shared clip
    python benchmarks/runner_found.py track-tripod-sprint field-pan-multiperson
    python benchmarks/runner_found.py --whole-frame      # the whole-frame look alone

Clips: ../shared/data/clips/<name>/ (beside the repository, never copied into it); a clip whose
video is absent is skipped with the reason printed. Each clip goes through
``posecheck.pose.detect_people`` (timed: the pose stage's wall time, decoding included), then
``posecheck.tracking.link_tracks`` and ``choose_track`` with the default ``"auto"`` rule.
``--whole-frame`` passes ``look_closer=False`` (no tile searches, no crops) for comparison.

Printed per clip: frames, size, the chosen track's id, "found" = share of all frames in which the
chosen track has a detection, "in view" = that share within the frames where the runner's whole
body is in view, the number of those frames, the pose stage's seconds and frames per second, and
the model runs on crops (tile searches and closer looks). With ``--people`` it also prints the
chosen track's summary (median hip, torso, travel), to check whom the rule chose.

"Whole body in view" is taken from the hand labels (events.json): the frames from the first to
the last labelled foot contact, both included. The labellers marked contacts wherever the
runner's feet could be seen, so the span starts when the runner is in view and ends when they
leave (tripod sprint: enters at the left edge, first contact frame 9, last toe-off 182 as the
runner reaches the right edge; checked on frames 9 and 182). A contact cut by the clip's start
(no initial contact: the runner is already standing on that foot, as in the 40-yard dash's
3-point stance) extends the span to frame 0, one cut by its end (no toe-off) to the last frame;
on the 40-yard dash the athlete's whole body is in view in every frame (checked on frames 0, 80
and 170). park-walking-multi has no labels: "in view" is not given there (the walker is in view
from about 2 s to 6.7 s of 7.7 s, by inspection), and the chosen track is checked to be the
walker instead: median hips in the lower 40 % of the frame, crossing more than 60 % of its
width (the test in tests/test_tracking.py).

Writes nothing (no cache).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from posecheck import tracking
from posecheck.pose import detect_people

CLIPS_DIR = Path(__file__).resolve().parents[2] / "shared/data/clips"
CLIPS = {
    "track-tripod-sprint": "track_sprint.mp4",
    "field-pan-multiperson": "dash_pan.mp4",
    "treadmill-side-male": "male_side.mp4",
    "treadmill-overstride-right": "treadmill_overstride.mp4",
    "riverside-follow-portrait": "riverside.mp4",
    "park-static-jog": "park_jog.mp4",
    "grass-follow-barefoot": "grass_barefoot.mp4",
    "park-walking-multi": "park_walking.mp4",
}


def in_view_frames(events_path: Path, n_frames: int) -> np.ndarray | None:
    """Frame indices where the whole body is in view: first to last labelled contact (module
    docstring); None when the clip has no labels."""
    if not events_path.is_file():
        return None
    contacts = json.loads(events_path.read_text())["contacts"]
    if not contacts:
        return None
    starts = [c["ic_frame"] if c.get("ic_frame") is not None else 0 for c in contacts]
    ends = [c["to_frame"] if c.get("to_frame") is not None else n_frames - 1 for c in contacts]
    return np.arange(max(min(starts), 0), min(max(ends), n_frames - 1) + 1)


def walker_check(chosen: tracking.Track, width: int, height: int) -> str:
    """The park clip's walker: hips in the lower 40 % of the frame, crossing > 60 % of its width."""
    hips = chosen.hip_px
    low = np.median(hips[:, 1]) > 0.6 * height
    crosses = hips[0, 0] - hips[-1, 0] > 0.6 * width
    return "walker: yes" if low and crosses else "walker: NO"


def measure(name: str, *, look_closer: bool) -> dict | None:
    video = CLIPS_DIR / name / CLIPS[name]
    if not video.is_file():
        print(f"{name}: skipped, {video} is absent (shared data sits beside the repository)")
        return None
    started = time.monotonic()
    frames = detect_people(video, show_progress=False, look_closer=look_closer)
    pose_s = time.monotonic() - started
    n = len(frames.people)
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    chosen = tracking.choose_track(tracks, "auto", fps=frames.info.fps) if tracks else None
    found = np.zeros(n, bool)
    if chosen is not None:
        found[chosen.frames] = True
    view = in_view_frames(video.parent / "events.json", n)
    info = frames.info
    return {
        "clip": name, "frames": n, "size": f"{info.width}x{info.height}",
        "chosen": chosen, "found": found.mean(),
        "in_view": found[view].mean() if view is not None else None,
        "n_view": len(view) if view is not None else 0,
        "pose_s": pose_s, "fps": n / pose_s, "crops": frames.n_cropped,
        "walker": (walker_check(chosen, info.width, info.height)
                   if name == "park-walking-multi" and chosen is not None else ""),
        "summary": chosen.summary(frames.time_s, info.fps) if chosen is not None else None,
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", help=f"clip folders (default: all of {list(CLIPS)})")
    parser.add_argument("--whole-frame", action="store_true",
                        help="the whole-frame look alone (look_closer=False)")
    parser.add_argument("--people", action="store_true", help="print the chosen track's summary")
    args = parser.parse_args(argv)
    unknown = [c for c in args.clips if c not in CLIPS]
    if unknown:
        parser.error(f"unknown clip(s) {unknown}; choose from {list(CLIPS)}")
    print(f"cores: {os.cpu_count()}  look closer: {not args.whole_frame}")
    print(f"{'clip':<28} {'frames':>6} {'size':>9} {'id':>3} {'found':>6} {'in view':>7} "
          f"{'n view':>6} {'pose s':>7} {'fps':>5} {'crops':>6}")
    for name in args.clips or CLIPS:
        r = measure(name, look_closer=not args.whole_frame)
        if r is None:
            continue
        in_view = f"{r['in_view']:7.1%}" if r["in_view"] is not None else f"{'-':>7}"
        ident = r["chosen"].id if r["chosen"] is not None else "-"
        print(f"{r['clip']:<28} {r['frames']:>6} {r['size']:>9} {ident:>3} {r['found']:6.1%} "
              f"{in_view} {r['n_view']:>6} {r['pose_s']:7.1f} {r['fps']:5.1f} {r['crops']:>6} "
              f"{r['walker']}", flush=True)
        if args.people and r["summary"] is not None:
            print(f"    chosen: {r['summary']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
