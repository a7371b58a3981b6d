"""``posecheck analyze``: video -> pose sequence -> gait -> checks -> outputs.

Computing and writing are apart: :func:`run_analysis` returns the whole analysis as objects
(:class:`~posecheck.result.Analysis`) and writes nothing; :func:`write_outputs` writes its
output folder. :func:`analyze` does both.

Stages, each returning a new object:

1. :func:`posecheck.pose.detect_people`: every person in every frame (MediaPipe PoseLandmarker);
2. :mod:`posecheck.tracking`: the runner's track among them;
3. :func:`posecheck.cleaning.clean`: leg-swap repair, outliers, feet thrown off the shank,
   short gaps, zero-lag low-pass;
4. :func:`posecheck.gait.analysis.analyze_gait`: direction, foot events, steps, cadence, slope;
5. :func:`posecheck.checks.registry.run_checks`: the coaching checks, one finding each;
6. outputs, written into a staging folder and moved into place at the end; after the data
   files, the per-frame arrays are read from files (:mod:`posecheck.ondisk`), so the teaching
   video's pass does not hold the whole clip's pose in memory. :func:`analyze` puts the raw
   pose in such a file as soon as the runner's track is taken: the cleaning, the gait stage and
   the data files of a long clip then run without it in memory.

:func:`analyze` holds the staging folder (``.NAME.partial-*`` beside the output folder) from
before the pose model starts to the end, so a failure or Ctrl-C at any stage leaves neither a
half-written output folder nor the staging folder; an output folder that exists and is not
empty is refused unless ``force`` is given (``--force``).

Output folder:

- ``analysis.json``: the whole result (checks, gait, warnings, settings, versions), documented
  by the JSON Schema ``posecheck/schema/analysis.schema.json``;
- ``pose.npz``: the cleaned :class:`~posecheck.sequence.PoseSequence` (``pose_raw.npz``: as
  detected, before cleaning); ``pose.csv``: the cleaned keypoints, one row per frame;
- ``people.json``: every person seen, with the id to pass to ``--person``;
- ``steps.csv``: one row per step (foot, IC and TO times, contact, flight and step times);
- ``annotated.mp4``: the teaching video (H.264): the skeleton on every frame and, at each foot
  strike, the lean, trunk, knee, plumb line, ground and arm drawn with their values and verdict
  colours, and a panel of cadence and verdicts (:mod:`posecheck.annotate`; ``coach_mode``
  freezes each foot strike);
- ``key_frames/``: one still per foot strike with its measures drawn, and ``contact_sheet.jpg``;
- ``report.html``: the coach's report, one self-contained page that works offline
  (:mod:`posecheck.report`): the checks as cards, plots, key frames, warnings, the step table
  and the video.

A gait-stage failure does not throw the pose away: the pose files are written and
``analysis.json`` carries the failure as a warning, with every check unknown. So does a clip
that ends before its container says (truncated, or a damaged tail): the frames before the cut
are analysed, with the warning ``truncated``.
"""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

from posecheck import cleaning, tracking
from posecheck.allocator import limit_arenas, release_freed_memory, releasing_freed_memory
from posecheck.annotate import write_key_frames, write_teaching_video
from posecheck.checks.registry import run_checks
from posecheck.errors import PosecheckError
from posecheck.footage import capture_fps, slow_motion_factor
from posecheck.gait.analysis import analyze_gait, check_feet_in_view
from posecheck.ondisk import ArraysOnDisk
from posecheck.options import AnalysisOptions
from posecheck.outputs import StagedOutput
from posecheck.pose import detect_people
from posecheck.report import write_report
from posecheck.result import Analysis, collect_warnings, reading_warnings
from posecheck.sequence import PoseSequence
from posecheck.video import probe

#: Everything :func:`write_outputs` may write in the output folder. Replacing an earlier run
#: (``force``) removes those of them this run does not write, so one folder holds one run.
OUTPUT_NAMES = ("analysis.json", "annotated.mp4", "key_frames", "report.html", "pose.npz",
                "pose_raw.npz", "pose.csv", "steps.csv", "people.json")


def run_analysis(video: str | Path, options: AnalysisOptions | None = None, *,
                 show_progress: bool | None = None,
                 arrays: ArraysOnDisk | None = None) -> Analysis:
    """Every stage on ``video``; nothing is written. Given ``arrays``, the raw pose is read from
    its file there from the end of the tracking on (the cleaning reads it once), so a long clip
    does not hold it in memory beside the cleaned pose and the gait (54 MB at 10 minutes and 60
    fps; ``benchmarks/memory.py``)."""
    video = Path(video)
    options = options or AnalysisOptions()
    started = time.monotonic()
    info = probe(video)  # a file that is no video of a runner is refused before the model loads
    if info.n_frames == 1:
        raise PosecheckError(f"{video}: has a single frame, a still picture: the checks need the "
                             "runner moving (a clip of a second or more)")
    workers = options.pose_workers()
    # fewer heaps, less memory kept by the threads of the stages (posecheck.allocator)
    limit_arenas(max(2, workers))
    frames = detect_people(video, model_path=options.model_path, show_progress=show_progress,
                           workers=workers)
    read = reading_warnings(frames.info, frames.time_s)
    if not any(frames.people):
        if read:
            raise PosecheckError(f"{video}: no person was found in any of the "
                                 f"{len(frames.time_s)} frames that could be read (the video "
                                 f"is truncated or damaged: it should have {info.n_frames})")
        raise PosecheckError(f"{video}: no person was found in any frame")
    tracks = tracking.link_tracks(frames.people, frames.time_s)
    pans = options.camera == "pan" or (options.camera is None and frames.footage is not None
                                       and frames.footage.panning)
    chosen = tracking.choose_track(tracks, options.person, fps=frames.info.fps,
                                   camera_pans=pans)
    raw = tracking.track_to_sequence(chosen, tracks, frames)
    info, person_id, pose_seconds = frames.info, chosen.id, frames.seconds
    del frames, tracks, chosen  # every person in every frame: the runner's pose is taken
    release_freed_memory()
    capture = capture_fps(video)
    slow_motion = (options.slow_motion if options.slow_motion is not None
                   else slow_motion_factor(capture, raw.fps))
    raw = raw.replace(meta={**raw.meta, "capture_fps": capture, "slow_motion": slow_motion})
    if arrays is not None:
        raw = arrays.sequence(raw)  # the arrays in memory are freed with the name rebound
        release_freed_memory()
    # the cleaning's one read of the raw pose's file is let go
    with arrays.dropping_pages() if arrays is not None else contextlib.nullcontext():
        pose = cleaning.clean(raw)
    gait_options = options.gait_kwargs()
    gait_options["camera"] = gait_camera(gait_options["camera"], raw)
    gait, gait_error = None, ""
    try:
        check_feet_in_view(pose)  # the model guesses feet it cannot see: no events from them
        gait = analyze_gait(real_time(pose, slow_motion), **gait_options)
    except PosecheckError as exc:
        gait_error = str(exc)
    findings = (run_checks(gait, thresholds=options.thresholds, baseline=options.baseline)
                if gait is not None else ())
    return Analysis(
        video=video, info=info, options=options, raw=raw, pose=pose,
        person_id=person_id, people=raw.meta["people"], gait=gait, gait_error=gait_error,
        findings=findings,
        warnings=(*read, *collect_warnings(pose, gait, gait_error, findings)),
        pose_seconds=pose_seconds, total_seconds=time.monotonic() - started)


def gait_camera(camera: str | None, raw: PoseSequence) -> str | None:
    """The camera the gait stage is told: the one given, else ``"pan"`` where the footage
    monitor saw the background move (``raw.meta["footage"]``: the camera pans or follows),
    else None."""
    if camera is None and (raw.meta.get("footage") or {}).get("panning"):
        return "pan"
    return camera


def real_time(pose: PoseSequence, slow_motion: float) -> PoseSequence:
    """The sequence on the real clock of a clip that plays ``slow_motion`` times slower."""
    if slow_motion == 1.0:
        return pose
    return pose.replace(time_s=pose.time_s / slow_motion, fps=pose.fps * slow_motion)


def write_outputs(analysis: Analysis, outdir: str | Path, *,
                  show_progress: bool | None = None) -> Path:
    """Write ``analysis``'s output folder (see the module docstring) atomically, replacing the
    outputs of an earlier run there."""
    outdir = Path(outdir)
    with StagedOutput(outdir, owned=OUTPUT_NAMES) as stage:
        write_data_files(analysis, stage.path)
        with ArraysOnDisk(stage.path.parent) as disk, disk.dropping_pages():
            _write_views(disk.analysis(analysis), stage.path, show_progress=show_progress)
    return outdir


def write_data_files(analysis: Analysis, folder: Path) -> None:
    """The data files of ``analysis`` in ``folder``: the pose (raw and cleaned, npz and csv),
    the people seen and the step table."""
    analysis.raw.save(folder / "pose_raw.npz")
    analysis.pose.save(folder / "pose.npz")
    analysis.pose.to_csv(folder / "pose.csv")
    (folder / "people.json").write_text(json.dumps(
        {"chosen_id": analysis.person_id, "rule": str(analysis.options.person),
         "people": analysis.people}, indent=2))
    if analysis.gait is not None:
        analysis.gait.steps.to_csv(folder / "steps.csv")


def _write_views(analysis: Analysis, folder: Path, *, show_progress: bool | None) -> None:
    """The output files of ``analysis`` in ``folder`` (a staging folder) but its data files
    (:func:`write_data_files`): the teaching video, the key frames, the report and
    ``analysis.json``. What they free is handed back to the system once a second
    (:mod:`posecheck.allocator`): without it the report and ``analysis.json`` of a 10-minute
    1080p clip sat 45 MB higher, on what the key frames' decoding had freed."""
    release_freed_memory()
    with releasing_freed_memory():
        key_frames_dir = folder / "key_frames"
        if analysis.options.write_video:
            key_frames = write_teaching_video(
                analysis, folder / "annotated.mp4", coach_mode=analysis.options.coach_mode,
                key_frames_dir=key_frames_dir, show_progress=show_progress,
                short_side_px=analysis.options.video_short_side_px)
        else:
            key_frames = write_key_frames(analysis, key_frames_dir)
        write_report(analysis, folder / "report.html",
                     video_name="annotated.mp4" if analysis.options.write_video else None,
                     key_frames=key_frames)
        document = analysis.to_json()
        (folder / "analysis.json").write_text(json.dumps(document, indent=1) + "\n")


def analyze(video: str | Path, outdir: str | Path | None = None,
            options: AnalysisOptions | None = None, *, force: bool = False,
            show_progress: bool | None = None) -> Analysis:
    """:func:`run_analysis` then its outputs into ``outdir`` (default
    ``./<video name>_posecheck``), staged from the start (module docstring). An ``outdir``
    that exists and is not empty is refused before any work unless ``force``, which replaces
    the outputs of the earlier run there (other files are left alone)."""
    video = Path(video)
    outdir = Path(outdir) if outdir else default_outdir(video)
    # staged before the pose model runs: an unwritable or occupied folder is refused first
    with (StagedOutput(outdir, overwrite=force, owned=OUTPUT_NAMES) as stage,
          ArraysOnDisk(stage.path.parent) as disk):
        analysis = run_analysis(video, options, show_progress=show_progress, arrays=disk)
        with disk.dropping_pages():
            write_data_files(analysis, stage.path)
            # the per-frame arrays read from files from here on: the name is rebound, so the
            # copies in memory are freed before the teaching video (posecheck.ondisk)
            analysis = disk.analysis(analysis)
            _write_views(analysis, stage.path, show_progress=show_progress)
    return analysis


def default_outdir(video: Path) -> Path:
    """Where ``analyze`` writes when no folder is given: ``./<video name>_posecheck``."""
    return Path.cwd() / f"{video.stem}_posecheck"
