"""A coach's session: several clips (files, or folders of clips) analysed one after another into
one folder, with an output folder and a report per clip and an index page linking them.

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
from collections.abc import Iterable, Sequence
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


def analyze_session(paths: Iterable[str | Path], outdir: str | Path,
                    options: AnalysisOptions | None = None, *, force: bool = False,
                    show_progress: bool | None = None) -> Session:
    """Analyse every clip of ``paths`` into its own folder under ``outdir`` and write
    ``outdir/index.html``; see the module docstring."""
    outdir = Path(outdir)
    videos = collect_videos(paths)
    check_writable(outdir, overwrite=force)  # before the first clip's pose model runs
    progress = Progress("session", len(videos), enabled=show_progress, unit="clips")
    outcomes, entries = [], []
    for video, folder in zip(videos, clip_folders(videos, outdir)):
        try:
            analysis = analyze(video, folder, options, force=force, show_progress=False)
        except PosecheckError as exc:
            outcomes.append(ClipOutcome(video, folder, error=str(exc)))
        except Exception as exc:  # noqa: BLE001 - one broken clip must not stop the session
            message = str(exc).splitlines()[0] if str(exc) else ""
            outcomes.append(ClipOutcome(video, folder,
                                        error=f"internal error: {type(exc).__name__}: {message}"))
        else:
            outcomes.append(ClipOutcome(video, folder, analysis=analysis))
        last = outcomes[-1]
        entries.append(IndexEntry.from_error(video, last.error) if last.error else
                       IndexEntry.from_analysis(last.analysis, folder / "report.html"))
        progress.update()
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
