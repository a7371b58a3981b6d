"""A coach's session: several clips (files, or folders of clips) analysed into one folder, with an
output folder and a report per clip and an index page linking them.

The clips run at once, one per process (``jobs``, default: the cores, at most the clips), each
with its pose stage in one process, so every core analyses one clip; with ``scheduler`` (the
address of a Dask distributed scheduler, or a ``distributed.Client``; the ``distributed``
extra) they run on that cluster's workers instead, which must read the clips and write the
session folder at the same paths. Every clip is analysed by :func:`analyze_clip` alike, so the
outputs are those of a plain run of each clip.

One clip that fails (unreadable, nobody in it, ...) is listed on the index with its error and
does not stop the others. Each clip's folder is written atomically (:func:`posecheck.analyze.
analyze`); the index is written last, into a temporary file moved into place. A session folder
that exists and is not empty is refused before the first clip unless ``force`` (``--force``)
is given, which replaces the earlier run's outputs.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from posecheck.analyze import analyze
from posecheck.errors import PosecheckError
from posecheck.options import AnalysisOptions
from posecheck.outputs import check_writable
from posecheck.progress import Progress
from posecheck.report import IndexEntry, write_index
from posecheck.result import Analysis

#: The files a folder given on the command line contributes (lower-case suffixes). A file named
#: directly is always tried, whatever its name.
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mts", ".3gp")
#: How long to try to reach a Dask scheduler before giving up, seconds.
CONNECT_TIMEOUT_S = 20.0


@dataclasses.dataclass(frozen=True, eq=False)
class ClipOutcome:
    """One clip of a session: its output folder and analysis, or the error that stopped it."""

    video: Path
    outdir: Path
    analysis: Analysis | None = None
    error: str = ""


@dataclasses.dataclass(frozen=True, eq=False)
class Session:
    """The session's folder, its index page and every clip's outcome, in order."""

    outdir: Path
    index: Path
    outcomes: tuple[ClipOutcome, ...]

    @property
    def failed(self) -> tuple[ClipOutcome, ...]:
        return tuple(o for o in self.outcomes if o.error)


def collect_videos(paths: Iterable[str | Path]) -> list[Path]:
    """The clips named by ``paths``: a file as given, a folder as its video files (by suffix,
    sorted by name, hidden files skipped). A folder without any is an error."""
    videos: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(p for p in path.iterdir()
                           if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES
                           and not p.name.startswith("."))
            if not found:
                raise PosecheckError(f"{path}: no video files in this folder "
                                     f"({', '.join(VIDEO_SUFFIXES)})")
            videos.extend(found)
        else:
            videos.append(path)  # a missing file fails on its own row, not the whole session
    return videos


def clip_folders(videos: Sequence[Path], outdir: Path) -> list[Path]:
    """One output folder per clip under ``outdir``, named after the clip (``-2``, ``-3``, ...
    when two clips share a name)."""
    used: dict[str, int] = {}
    folders = []
    for video in videos:
        name = video.stem or "clip"
        used[name] = used.get(name, 0) + 1
        folders.append(outdir / (name if used[name] == 1 else f"{name}-{used[name]}"))
    return folders


def analyze_clip(video: Path, folder: Path, options: AnalysisOptions | None = None, *,
                 force: bool = False) -> ClipOutcome:
    """One clip of a session into ``folder``: its outcome, an error included (a failed clip
    does not stop the session). Runs in a worker process of the session, or on a Dask worker.
    """
    try:
        analysis = analyze(video, folder, options, force=force, show_progress=False)
    except PosecheckError as exc:
        return ClipOutcome(video, folder, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - one broken clip must not stop the session
        message = str(exc).splitlines()[0] if str(exc) else ""
        return ClipOutcome(video, folder, error=f"internal error: {type(exc).__name__}: {message}")
    return ClipOutcome(video, folder, analysis=analysis)


def session_jobs(jobs: int | None, n_clips: int) -> int:
    """Clips analysed at once: ``jobs``, else the cores this process may use; at most the
    clips."""
    cores = len(os.sched_getaffinity(0))
    return max(1, min(jobs if jobs is not None else cores, n_clips))


def analyze_session(paths: Iterable[str | Path], outdir: str | Path,
                    options: AnalysisOptions | None = None, *, force: bool = False,
                    show_progress: bool | None = None, jobs: int | None = None,
                    scheduler=None) -> Session:
    """Analyse every clip of ``paths`` into its own folder under ``outdir`` and write
    ``outdir/index.html``; see the module docstring. ``jobs``: clips at once in processes of
    this machine (default: the cores, at most the clips; 1: one after another in this
    process); ``scheduler``: a Dask scheduler's address or a ``distributed.Client`` instead."""
    outdir = Path(outdir)
    videos = collect_videos(paths)
    check_writable(outdir, overwrite=force)  # before the first clip's pose model runs
    options = options or AnalysisOptions()
    folders = clip_folders(videos, outdir)
    progress = Progress("session", len(videos), enabled=show_progress, unit="clips")
    jobs = session_jobs(jobs, len(videos))
    if scheduler is not None or jobs > 1:
        # one clip per core: each clip's pose stage in one thread, unless told otherwise
        options = (options if options.workers is not None
                   else dataclasses.replace(options, workers=1))
    tasks = list(zip(videos, folders))
    if scheduler is not None:
        outcomes = _on_dask(scheduler, tasks, options, force=force, done=progress.update)
    elif jobs > 1:
        outcomes = _in_processes(jobs, tasks, options, force=force, done=progress.update)
    else:
        outcomes = []
        for video, folder in tasks:
            outcomes.append(analyze_clip(video, folder, options, force=force))
            progress.update()
    entries = [IndexEntry.from_error(o.video, o.error) if o.error else
               IndexEntry.from_analysis(o.analysis, o.outdir / "report.html") for o in outcomes]
    progress.close()
    index = outdir / "index.html"
    outdir.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".index.html.partial-", dir=outdir)
    os.close(handle)
    try:
        write_index(entries, partial)
        os.chmod(partial, 0o644)
        os.replace(partial, index)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return Session(outdir, index, tuple(outcomes))


def _in_processes(jobs: int, tasks: list[tuple[Path, Path]], options: AnalysisOptions, *,
                  force: bool, done: Callable[[], None]) -> list[ClipOutcome]:
    """Each clip by :func:`analyze_clip` in a pool of ``jobs`` processes; the outcomes in the
    clips' order."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    context = multiprocessing.get_context("spawn")  # no fork of a process with threads
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(analyze_clip, video, folder, options, force=force)
                   for video, folder in tasks]
        try:
            for _ in as_completed(futures):
                done()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return [future.result() for future in futures]


def _on_dask(scheduler, tasks: list[tuple[Path, Path]], options: AnalysisOptions, *,
             force: bool, done: Callable[[], None]) -> list[ClipOutcome]:
    """Each clip by :func:`analyze_clip` on a Dask distributed cluster (``scheduler``: its
    address, or a ``distributed.Client``); the outcomes in the clips' order."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise PosecheckError("--scheduler needs Dask distributed: pip install "
                             "'posecheck[distributed]'") from None
    own = not isinstance(scheduler, Client)
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S) if own else scheduler
    except OSError as exc:
        raise PosecheckError(f"{scheduler}: cannot reach the Dask scheduler ({exc})") from exc
    try:
        futures = [client.submit(analyze_clip, video, folder, options, force=force, pure=False)
                   for video, folder in tasks]
        for _ in as_completed(futures):
            done()
        return client.gather(futures)
    finally:
        if own:
            client.close()
