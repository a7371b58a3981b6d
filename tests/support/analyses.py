"""The analyses several test files read, made here once: ``tests/conftest.py``'s session
fixtures call these, and every file that reads the same clip gets the same result.

- :func:`analysis_from_truth`: a sample clip's analysis built on its exact landmarks (no pose
  model)
- :func:`sample_run`: a downhill sample clip analysed as the README's demo (``--slope -8``), its
  output folder written
- :func:`people_in`: every person the pose model finds in every frame of a clip
- :func:`runner_pose`: the runner's raw pose from those people (as ``extract_pose`` takes it)
- :func:`real_clip_analysis`: a real clip of ``../shared`` analysed, with its hand labels
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from posecheck.checks.registry import run_checks
from posecheck.gait.analysis import analyze_gait
from posecheck.options import AnalysisOptions
from posecheck.result import Analysis
from posecheck.sequence import PoseSequence
from posecheck.synth.truth import load_truth
from posecheck.video import probe
from support.paths import SAMPLES, shared_path

#: the descent of the downhill sample clips (sample_videos/README.md)
SAMPLE_SLOPE_DEG = -8.0


def analysis_from_truth(name: str, *, slope_deg: float | None, camera: str | None,
                        n_frames: int | None = None) -> Analysis:
    """An analysis of a sample clip built on its exact landmarks (no pose model): the gait and
    the checks run on them, the video is the real file. ``n_frames`` keeps the first frames of
    the pose only (a pose shorter than its video)."""
    clip = SAMPLES / f"{name}.mp4"
    truth, info = load_truth(clip), probe(clip)
    n = len(truth.time_s) if n_frames is None else n_frames
    seq = PoseSequence.empty(truth.time_s[:n], fps=info.fps,
                             frame_size=(info.width, info.height)).replace(
        keypoints_px=truth.landmarks_px[:n], visibility=np.ones((n, 33)),
        world_m=truth.world_landmarks_m()[:n])
    options = AnalysisOptions(slope_deg=slope_deg, camera=camera, write_video=False)
    gait = analyze_gait(seq, **options.gait_kwargs())
    return Analysis(video=clip, info=info, options=options, raw=seq, pose=seq, person_id=0,
                    people=[], gait=gait, gait_error="", findings=run_checks(gait), warnings=(),
                    pose_seconds=0.0, total_seconds=0.0)


@dataclasses.dataclass(frozen=True, eq=False)
class SampleRun:
    """A sample clip's analysis and the output folder written from it (read only: a test that
    writes beside the outputs copies the folder first)."""

    analysis: Analysis
    outdir: Path


def sample_run(name: str, folder: Path) -> SampleRun:
    """``posecheck analyze sample_videos/NAME.mp4 --slope -8 -o FOLDER/out``, in this process."""
    from posecheck.analyze import run_analysis, write_outputs

    analysis = run_analysis(SAMPLES / f"{name}.mp4",
                            AnalysisOptions(slope_deg=SAMPLE_SLOPE_DEG), show_progress=False)
    return SampleRun(analysis, write_outputs(analysis, folder / "out", show_progress=False))


def people_in(video: Path):
    """Every person in every frame of ``video`` (:func:`posecheck.pose.detect_people`, its
    defaults: the multi-person model throughout, one process)."""
    from posecheck.pose import detect_people

    return detect_people(video, show_progress=False)


def runner_pose(frames) -> PoseSequence:
    """The runner's raw pose from ``frames`` (``detect_people``'s result on a clip from a camera
    that stands still), chosen by the default rule: what :func:`posecheck.pose.extract_pose`
    returns for the same clip."""
    from posecheck import tracking

    tracks = tracking.link_tracks(frames.people, frames.time_s)
    chosen = tracking.choose_track(tracks, None, fps=frames.info.fps)
    return tracking.track_to_sequence(chosen, tracks, frames)


def real_clip_analysis(folder: str):
    """(analysis, hand labels) of the real clip ``../shared/data/clips/FOLDER`` (no video)."""
    from posecheck.analyze import run_analysis
    from posecheck.validation.labels import load_labels

    labels = load_labels(shared_path("data", "clips", folder, "events.json"))
    analysis = run_analysis(labels.video, AnalysisOptions(write_video=False),
                            show_progress=False)
    return analysis, labels
