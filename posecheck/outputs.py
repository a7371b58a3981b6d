"""Atomic output folders: a run writes into a hidden staging folder beside the target and moves
the finished files into place only when everything succeeded, so a failed or interrupted run
leaves no half-written output behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from posecheck.errors import PosecheckError


class StagedOutput:
    """``with StagedOutput(outdir) as stage:`` write files under ``stage.path``; on success they
    replace same-named files in ``outdir`` (other files there are left alone)."""

    def __init__(self, outdir: str | Path) -> None:
        self.outdir = Path(outdir)
        self.path: Path | None = None

    def __enter__(self) -> StagedOutput:
        if self.outdir.exists() and not self.outdir.is_dir():
            raise PosecheckError(f"{self.outdir}: exists and is not a folder")
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
        finally:
            shutil.rmtree(self.path, ignore_errors=True)

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
        for item in self.path.iterdir():
            target = self.outdir / item.name
            if target.is_dir() and not target.is_symlink():
                shutil.rmtree(target)
            os.replace(item, target)


def check_writable(outdir: str | Path) -> None:
    """Raise :class:`PosecheckError` now, before any work, if ``outdir`` could not be written;
    creates nothing."""
    stage = StagedOutput(outdir).__enter__()
    assert stage.path is not None
    shutil.rmtree(stage.path, ignore_errors=True)
