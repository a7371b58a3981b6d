"""An analysis whose per-frame arrays are read from files, so that writing the outputs does not
hold the whole clip's pose in memory.

After the computing stages, an analysis holds about 4 kB a frame (the raw and the cleaned pose, the
forward-facing copy the gait reads where the runner faces left, the centre of mass's segments;
float64): 44 MB for 3 minutes of 60 fps video, 144 MB for 10 minutes. The teaching video, the
longest output stage and the one that needs the most memory of its own (decoder, encoder, drawing),
reads one of them: the cleaned keypoints, a frame at a time. :class:`ArraysOnDisk` writes the
arrays into ``.npy`` files in a folder of its own and gives back the same analysis with the arrays
memory-mapped, read-only (the stages never edit an array in place): a page of a file is in memory
only once it is read, and :meth:`ArraysOnDisk.dropping_pages` lets go of the pages read, once a
second, so the video pass starts from what a short clip starts from and does not gather the clip's
pose as it reads it (``benchmarks/memory.py``). The values are the same, bit for bit.

The folder is made beside the output's staging folder (the same disk: not ``/tmp``, which may be
memory) and removed when the ``with`` block ends; an analysis that is still used after it reads
files that are gone from the folder but stay readable while mapped (POSIX).
"""

from __future__ import annotations

import dataclasses
import mmap
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from posecheck.allocator import repeating
from posecheck.result import Analysis
from posecheck.sequence import PoseSequence


def _alive(reference: weakref.ref | None, values: np.ndarray) -> bool:
    """Whether ``reference`` (or None) still points to ``values`` itself."""
    return reference is not None and reference() is values


class ArraysOnDisk:
    """``with ArraysOnDisk(parent) as disk: analysis = disk.analysis(analysis)``: see the module
    docstring. ``parent``: the folder the arrays' folder is made in (hidden, removed at the end).
    """

    def __init__(self, parent: str | Path) -> None:
        self.parent = Path(parent)
        self.path: Path | None = None
        # id of an array in memory -> (a weak reference to it, its file's map); an id is
        # unique only while its array lives, so an entry counts only if its array is alive
        self._written: dict[int, tuple[weakref.ref, np.ndarray]] = {}
        self._maps: list[mmap.mmap] = []
        self._count = 0

    def __enter__(self) -> ArraysOnDisk:
        self.path = Path(tempfile.mkdtemp(prefix=".posecheck-arrays-", dir=self.parent))
        return self

    def __exit__(self, *exc_info) -> None:
        self._written.clear()
        self._maps.clear()  # each map closes with the last array that reads it
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)

    def array(self, values: np.ndarray) -> np.ndarray:
        """``values`` written to a file and mapped back read-only; an array given twice (the
        forward-facing pose shares the cleaned one's visibility) is written once, and one this
        object gave back (the raw pose, put on disk before the cleaning) is given back as it is."""
        if self.path is None:
            raise RuntimeError("ArraysOnDisk is used inside its with block")
        if any(values is mapped for _, mapped in self._written.values()):
            return values
        written, mapped = self._written.get(id(values), (None, None))
        if _alive(written, values):
            return mapped
        path = self.path / f"{self._count:03d}.npy"
        self._count += 1
        np.save(path, np.ascontiguousarray(values), allow_pickle=False)
        mapped = self._map(path)
        self._written[id(values)] = (weakref.ref(values), mapped)
        return mapped

    def _map(self, path: Path) -> np.ndarray:
        """The array of an ``.npy`` file, read-only, on a map of the file this object keeps
        (to let go of its pages: :meth:`drop_pages`)."""
        with open(path, "rb") as file:
            version = np.lib.format.read_magic(file)
            read_header = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)
            shape, fortran_order, dtype = read_header(file)
            offset = file.tell()
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        self._maps.append(mapped)
        count = int(np.prod(shape))
        values = np.frombuffer(mapped, dtype=dtype, count=count, offset=offset)
        return values.reshape(shape, order="F" if fortran_order else "C")

    def drop_pages(self) -> None:
        """Let go of the pages of the files read so far (the next read takes them from the
        system's file cache again); nothing where the system cannot be told (no ``madvise``)."""
        if not hasattr(mmap, "MADV_DONTNEED"):
            return
        for mapped in list(self._maps):
            mapped.madvise(mmap.MADV_DONTNEED)

    @contextmanager
    def dropping_pages(self, every_s: float = 1.0) -> Iterator[None]:
        """:meth:`drop_pages` every ``every_s`` from a thread of its own, and at the end."""
        try:
            with repeating(self.drop_pages, every_s, name="posecheck-drop-pages"):
                yield
        finally:
            self.drop_pages()

    def sequence(self, seq: PoseSequence) -> PoseSequence:
        """``seq`` with its per-landmark arrays on disk (``time_s`` stays in memory)."""
        return seq.replace(keypoints_px=self.array(seq.keypoints_px),
                           visibility=self.array(seq.visibility),
                           world_m=self.array(seq.world_m))

    def analysis(self, analysis: Analysis) -> Analysis:
        """``analysis`` with its poses (raw, cleaned, forward-facing) and its centre of mass's
        per-frame arrays on disk; everything else as it was."""
        gait = analysis.gait
        if gait is not None:
            com = dataclasses.replace(gait.com, com_px=self.array(gait.com.com_px),
                                      segments_px=self.array(gait.com.segments_px))
            gait = dataclasses.replace(gait, forward=self.sequence(gait.forward), com=com)
        return dataclasses.replace(analysis, raw=self.sequence(analysis.raw),
                                   pose=self.sequence(analysis.pose), gait=gait)
