"""An analysis whose per-frame arrays are read from files, so that writing the outputs does not
hold the whole clip's pose in memory.

After the computing stages, an analysis holds about 4 kB a frame (the raw and the cleaned pose,
the forward-facing copy the gait reads, the centre of mass's segments; float64): 44 MB for 3
minutes of 60 fps video, 144 MB for 10 minutes. The teaching video, the longest output stage and
the one that needs the most memory of its own (decoder, encoder, drawing), reads one of them: the
cleaned keypoints, a frame at a time. :class:`ArraysOnDisk` writes the arrays into ``.npy`` files
in a folder of its own and gives back the same analysis with the arrays memory-mapped, read-only
(the stages never edit an array in place): a page of a file is in memory only once it is read,
and the operating system may drop it again, so the video pass starts from what a short clip
starts from (:mod:`benchmarks.memory`). The values are the same, bit for bit.

The folder is made beside the output's staging folder (the same disk: not ``/tmp``, which may be
memory) and removed when the ``with`` block ends; an analysis that is still used after it reads
files that are gone from the folder but stay readable while mapped (POSIX).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
from pathlib import Path

import numpy as np

from posecheck.result import Analysis
from posecheck.sequence import PoseSequence


class ArraysOnDisk:
    """``with ArraysOnDisk(parent) as disk: analysis = disk.analysis(analysis)``: see the module
    docstring. ``parent``: the folder the arrays' folder is made in (hidden, removed at the end).
    """

    def __init__(self, parent: str | Path) -> None:
        self.parent = Path(parent)
        self.path: Path | None = None
        self._written: dict[int, np.ndarray] = {}  # id of an array in memory -> its file's map
        self._count = 0

    def __enter__(self) -> ArraysOnDisk:
        self.path = Path(tempfile.mkdtemp(prefix=".posecheck-arrays-", dir=self.parent))
        return self

    def __exit__(self, *exc_info) -> None:
        self._written.clear()
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)

    def array(self, values: np.ndarray) -> np.ndarray:
        """``values`` written to a file and mapped back read-only; an array given twice (the
        forward-facing pose shares the cleaned one's visibility) is written once."""
        if self.path is None:
            raise RuntimeError("ArraysOnDisk is used inside its with block")
        known = self._written.get(id(values))
        if known is not None:
            return known
        path = self.path / f"{self._count:03d}.npy"
        self._count += 1
        np.save(path, np.ascontiguousarray(values), allow_pickle=False)
        mapped = np.load(path, mmap_mode="r")
        # the id stays unique while `values` lives: held in the analysis being replaced
        self._written[id(values)] = mapped
        return mapped

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
