"""An analysis with its per-frame arrays on disk (posecheck.ondisk) reads back the same values,
bit for bit, and gives the same outputs as the analysis in memory."""

from __future__ import annotations

import json

import numpy as np
import pytest

from posecheck.annotate import write_key_frames
from posecheck.ondisk import ArraysOnDisk
from support.analyses import SAMPLE_SLOPE_DEG, analysis_from_truth

CLIP = "downhill-braking_pan_ltr"


@pytest.fixture(scope="module")
def in_memory():
    return analysis_from_truth(CLIP, slope_deg=SAMPLE_SLOPE_DEG, camera="pan")


def _arrays(analysis) -> dict[str, np.ndarray]:
    gait = analysis.gait
    named = {}
    for prefix, seq in (("raw", analysis.raw), ("pose", analysis.pose),
                        ("forward", gait.forward)):
        for field in ("time_s", "keypoints_px", "visibility", "world_m"):
            named[f"{prefix}.{field}"] = getattr(seq, field)
    named["com.com_px"] = gait.com.com_px
    named["com.segments_px"] = gait.com.segments_px
    return named


def test_the_arrays_read_back_bit_for_bit_from_read_only_files(in_memory, tmp_path):
    with ArraysOnDisk(tmp_path) as disk:
        on_disk = disk.analysis(in_memory)
        folder = disk.path
        assert folder.parent == tmp_path and folder.name.startswith(".posecheck-arrays-")
        files = sorted(folder.glob("*.npy"))
        before, after = _arrays(in_memory), _arrays(on_disk)
        for name, values in before.items():
            assert after[name].dtype == values.dtype and after[name].shape == values.shape
            assert np.array_equal(after[name], values, equal_nan=True), name
            if not name.endswith("time_s"):
                assert not after[name].flags.writeable, f"{name} can be written"
                assert not np.shares_memory(after[name], values), f"{name} is the same memory"
    # the in-memory analysis shares arrays (raw is the cleaned pose here, the forward copy
    # shares its visibility): each is written once, and the copies still share them
    assert len(files) == len({id(v) for k, v in before.items() if not k.endswith("time_s")})
    assert np.shares_memory(on_disk.raw.world_m, on_disk.pose.world_m)
    assert np.shares_memory(on_disk.gait.forward.visibility, on_disk.pose.visibility)
    assert not folder.exists()  # removed at the end of the with block
    assert np.array_equal(on_disk.pose.keypoints_px, in_memory.pose.keypoints_px,
                          equal_nan=True)  # still readable while mapped (POSIX)


def test_the_outputs_are_those_of_the_analysis_in_memory(in_memory, tmp_path):
    memory_frames = write_key_frames(in_memory, tmp_path / "memory")
    with ArraysOnDisk(tmp_path) as disk:
        on_disk = disk.analysis(in_memory)
        disk_frames = write_key_frames(on_disk, tmp_path / "disk")
        assert json.dumps(on_disk.to_json()) == json.dumps(in_memory.to_json())
    assert [k.caption for k in disk_frames] == [k.caption for k in memory_frames]
    assert len(memory_frames) > 3
    for a, b in zip(memory_frames, disk_frames):
        assert a.path.read_bytes() == b.path.read_bytes()
    sheet = "contact_sheet.jpg"
    assert (tmp_path / "memory" / sheet).read_bytes() == (tmp_path / "disk" / sheet).read_bytes()


def test_pages_let_go_are_read_again_the_same(in_memory, tmp_path):
    with ArraysOnDisk(tmp_path) as disk:
        on_disk = disk.analysis(in_memory)
        with disk.dropping_pages(every_s=0.01):
            for _ in range(3):
                assert np.array_equal(on_disk.pose.world_m, in_memory.pose.world_m,
                                      equal_nan=True)
                disk.drop_pages()
                assert np.array_equal(on_disk.gait.com.segments_px, in_memory.gait.com.segments_px,
                                      equal_nan=True)


def test_used_outside_its_with_block_it_says_so(in_memory, tmp_path):
    with pytest.raises(RuntimeError, match="inside its with block"):
        ArraysOnDisk(tmp_path).array(np.zeros(3))
