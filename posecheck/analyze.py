"""``posecheck analyze``: a video in, the runner's cleaned keypoints and an annotated video out.

Stages, each returning a new object:

1. :func:`posecheck.pose.detect_people`: every person in every frame (MediaPipe PoseLandmarker);
2. :mod:`posecheck.tracking`: the runner's track among them;
3. :func:`posecheck.cleaning.clean`: leg-swap repair, outliers, short gaps, zero-lag low-pass;
4. :func:`posecheck.gait.analysis.analyze_gait`: direction, foot events, steps, cadence, slope;
5. outputs, written into a staging folder and moved into place at the end.

Output folder:

- ``pose.npz``: the cleaned :class:`~posecheck.sequence.PoseSequence` (``pose_raw.npz``: as
  detected, before cleaning);
- ``pose.csv``: the cleaned keypoints, one row per frame, for a spreadsheet;
- ``people.json``: every person seen, with the id to pass to ``--person``;
- ``gait.json`` and ``steps.csv``: running or walking, cadence, slope and scale with their
  sources, and one row per step (foot, initial contact and toe-off times, contact, flight and
  step times);
- ``annotated.mp4``: H.264 video with the runner's skeleton (near side bold) and the time;
- ``summary.json``: the clip, the detection rate and the processing speed.
"""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import numpy as np

from posecheck import cleaning, tracking
from posecheck.errors import PosecheckError
from posecheck.gait.analysis import analyze_gait, summarize
from posecheck.outputs import StagedOutput
from posecheck.overlay import SkeletonAnnotator, near_side
from posecheck.pose import detect_people
from posecheck.progress import Progress
from posecheck.sequence import PoseSequence
from posecheck.video import VideoWriter, iter_frames


@dataclasses.dataclass(frozen=True)
class AnalyzeResult:
    outdir: Path
    pose: PoseSequence
    detected_fraction: float
    pose_fps: float  # frames per second of the pose stage alone
    total_s: float
    gait_summary: dict


def analyze(video: str | Path, outdir: str | Path | None = None, *,
            model_path: str | Path | None = None, person: str | int | None = None,
            gait_options: dict | None = None, write_video: bool = True,
            show_progress: bool | None = None) -> AnalyzeResult:
    """Run the pipeline on ``video`` and write the outputs listed in the module docstring.

    ``gait_options`` are keyword arguments of :func:`~posecheck.gait.analysis.analyze_gait`
    (runner height, slope, camera, roll, sex).
    """
    video = Path(video)
    outdir = Path(outdir) if outdir else Path.cwd() / f"{video.stem}_posecheck"
    started = time.monotonic()
    with StagedOutput(outdir) as stage:
        frames = detect_people(video, model_path=model_path, show_progress=show_progress)
        if not any(frames.people):
            raise PosecheckError(f"{video}: no person was found in any frame")
        tracks = tracking.link_tracks(frames.people, frames.time_s)
        chosen = tracking.choose_track(tracks, person, fps=frames.info.fps)
        raw = tracking.track_to_sequence(chosen, tracks, frames)
        pose = cleaning.clean(raw)
        gait_analysis = analyze_gait(pose, **(gait_options or {}))
        gait = summarize(gait_analysis)
        raw.save(stage.path / "pose_raw.npz")
        pose.save(stage.path / "pose.npz")
        pose.to_csv(stage.path / "pose.csv")
        (stage.path / "gait.json").write_text(json.dumps(gait, indent=2))
        gait_analysis.steps.to_csv(stage.path / "steps.csv")
        (stage.path / "people.json").write_text(json.dumps(
            {"chosen_id": chosen.id, "rule": str(person or "auto"), "people": raw.meta["people"]},
            indent=2))
        if write_video:
            write_annotated_video(video, pose, stage.path / "annotated.mp4",
                                  show_progress=show_progress)
        detected = float(np.mean(pose.detected)) if pose.n_frames else 0.0
        pose_fps = len(frames.time_s) / frames.seconds
        total_s = time.monotonic() - started
        summary = {
            "video": str(video),
            "frames": pose.n_frames,
            "fps": pose.fps,
            "frame_size": list(pose.frame_size),
            "duration_s": round(float(pose.time_s[-1] - pose.time_s[0] + 1 / pose.fps), 3),
            "person_id": chosen.id,
            "people_seen": len(tracks),
            "detected_fraction": round(detected, 4),
            "pose_stage_fps": round(pose_fps, 2),
            "total_seconds": round(total_s, 2),
            "cleaning": pose.meta.get("cleaning", {}),
        }
        (stage.path / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    return AnalyzeResult(outdir, pose, detected, pose_fps, total_s, gait)


def write_annotated_video(video: str | Path, pose: PoseSequence, out_path: Path, *,
                          show_progress: bool | None = None) -> None:
    """Decode ``video`` again and draw the runner's skeleton on every frame."""
    annotator = SkeletonAnnotator.for_frame(pose.width, pose.height)
    sides = near_side(pose)
    progress = Progress("video", pose.n_frames, enabled=show_progress)
    with VideoWriter(out_path, fps=pose.fps, width=pose.width, height=pose.height) as writer:
        for frame in iter_frames(video):
            if frame.index >= pose.n_frames:
                break
            drawn = annotator.annotate(frame.rgb, pose.keypoints_px[frame.index],
                                       time_s=frame.time_s, near_side=sides[frame.index])
            writer.write(drawn, time_s=frame.time_s)
            progress.update()
    progress.close()
