"""Atomic output folders: a run writes into a hidden staging folder beside the target and moves
the finished files into place only when everything succeeded, so a failed or interrupted run
(Ctrl-C included) leaves no half-written output behind. A disk that fills up or a file system
that turns read-only while writing ends in one :class:`PosecheckError` naming the folder."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from posecheck.errors import PosecheckError

#: Errors of writing, not of the input: reported as "cannot write the outputs".
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS})


class StagedOutput:
    """``with StagedOutput(outdir) as stage:`` write files under ``stage.path``; on success they
    replace same-named files in ``outdir``, and the ``owned`` names (what the writer writes) that
    this run did not write are removed, so the folder never mixes two runs; other files there
    are left alone.

    ``overwrite`` False refuses an ``outdir`` that exists and is not empty (``--force`` of
    ``posecheck analyze`` sets it True): nothing is replaced without being asked.
    """

    def __init__(self, outdir: str | Path, *, overwrite: bool = True,
                 owned: Iterable[str] = ()) -> None:
        self.outdir = Path(outdir)
        self.overwrite = overwrite
        self.owned = tuple(owned)
        self.path: Path | None = None

    def __enter__(self) -> StagedOutput:
        if self.outdir.exists() and not self.outdir.is_dir():
            raise PosecheckError(f"{self.outdir}: exists and is not a folder")
        if not self.overwrite and self.outdir.is_dir() and any(self.outdir.iterdir()):
            raise PosecheckError(f"{self.outdir}: the output folder already exists and is not "
                                 "empty; give --force to replace its posecheck outputs, or "
                                 "choose another folder with -o")
        # stage in the nearest folder that exists; missing parents are made only on success
        parent = self.outdir.resolve().parent
        while not parent.exists():
            parent = parent.parent
        if not parent.is_dir():
            raise PosecheckError(f"{parent}: is not a folder, cannot write {self.outdir} there")
        try:
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.outdir.name}.partial-", dir=parent))
        except OSError as exc:
            raise PosecheckError(f"{self.outdir}: cannot write there ({exc.strerror})") from exc
        if self.outdir.exists() and not os.access(self.outdir, os.W_OK):
            shutil.rmtree(self.path, ignore_errors=True)
            raise PosecheckError(f"{self.outdir}: cannot write there (permission denied)")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self.path is not None
        try:
            if exc_type is None:
                self._commit()
                return
            refused = self._refused_by_disk(exc)
        except OSError as error:
            raise _cannot_write(self.outdir, error) from error
        finally:
            shutil.rmtree(self.path, ignore_errors=True)
        if refused is not None:
            raise _cannot_write(self.outdir, refused) from exc

    def _refused_by_disk(self, exc: BaseException | None) -> OSError | None:
        """The write error behind ``exc``, raised while writing into the stage: ``exc`` itself,
        or, when a writer reported its failure otherwise (OpenCV's imwrite only returns False),
        the error a probe write into the stage meets now (a full disk). None for other
        failures, and for one before anything was written (the input's)."""
        if isinstance(exc, OSError) and exc.errno in WRITE_ERRNOS:
            return exc
        if not isinstance(exc, Exception) or not any(self.path.iterdir()):
            return None
        return _write_refused(self.path)

    def _commit(self) -> None:
        assert self.path is not None
        umask = os.umask(0)
        os.umask(umask)
        # mkdtemp/mkstemp create private files; published outputs get the user's usual modes
        for item in [self.path, *self.path.rglob("*")]:
            os.chmod(item, (0o777 if item.is_dir() else 0o666) & ~umask)
        if not self.outdir.exists():
            self.outdir.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(self.path, self.outdir)  # a rename when on one file system
            return
        written = {item.name for item in self.path.iterdir()}
        for name in self.owned:  # an earlier run's output this run did not write
            stale = self.outdir / name
            if name not in written and (stale.exists() or stale.is_symlink()):
                _remove(stale)
        for item in self.path.iterdir():
            target = self.outdir / item.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(item, target)


def _write_refused(folder: Path, *, probe_bytes: int = 4 * 1024 * 1024) -> OSError | None:
    """The write error (``WRITE_ERRNOS``) that writing ``probe_bytes`` into ``folder`` meets
    now, or None. 4 MiB: many times the file a writer that hides its errno writes (a key
    frame still is about 0.1 MB, of a 4K clip too), so a disk that just refused one refuses
    the probe too."""
    probe = folder / ".write-probe"
    try:
        with open(probe, "wb") as handle:
            handle.write(bytes(probe_bytes))
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        return error if error.errno in WRITE_ERRNOS else None
    finally:
        probe.unlink(missing_ok=True)
    return None


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def _cannot_write(outdir: Path, error: OSError) -> PosecheckError:
    reason = error.strerror or str(error)
    return PosecheckError(f"{outdir}: cannot write the outputs ({reason})")


def check_writable(outdir: str | Path, *, overwrite: bool = True) -> None:
    """Raise :class:`PosecheckError` now, before any work, if ``outdir`` could not be written
    (or, ``overwrite`` False, exists and is not empty); creates nothing."""
    stage = StagedOutput(outdir, overwrite=overwrite).__enter__()
    assert stage.path is not None
    shutil.rmtree(stage.path, ignore_errors=True)
