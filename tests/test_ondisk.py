"""An analysis with its per-frame arrays on disk (posecheck.ondisk) reads back the same values,
bit for bit, and gives the same outputs as the analysis in memory."""

from __future__ import annotations

import json

import numpy as np
import pytest

from posecheck.analyze import analyze
from posecheck.annotate import write_key_frames
from posecheck.ondisk import ArraysOnDisk
from posecheck.options import AnalysisOptions
from posecheck.sequence import PoseSequence
from support.analyses import SAMPLE_SLOPE_DEG, analysis_from_truth
from support.paths import SAMPLES

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


def test_an_array_it_gave_back_is_given_back_as_it_is(tmp_path):
    with ArraysOnDisk(tmp_path) as disk:
        values = np.arange(12.0).reshape(3, 4)
        mapped = disk.array(values)
        assert disk.array(mapped) is mapped  # the raw pose, put on disk before the cleaning
        assert disk.array(values) is mapped  # given twice: written once
        assert len(list(disk.path.glob("*.npy"))) == 1
        assert np.array_equal(mapped, values) and not mapped.flags.writeable


def test_an_array_freed_is_not_taken_for_a_new_one_at_its_address(tmp_path):
    # the raw pose is put on disk and its arrays freed before the cleaned pose is made: a new
    # array may get a freed one's id (its address), and must be written, not given the old map
    with ArraysOnDisk(tmp_path) as disk:
        values = np.zeros((4, 3))
        freed_id = id(values)
        disk.array(values)
        del values
        reused = None
        for _ in range(1000):  # CPython hands the address back at once; keep every try alive
            candidate = np.ones((4, 3))
            if id(candidate) == freed_id:
                reused = candidate
                break
        assert reused is not None, "no new array got the freed one's address"
        assert np.array_equal(disk.array(reused), np.ones((4, 3)))


@pytest.mark.slow
def test_analyze_with_the_raw_pose_on_disk_writes_what_the_analysis_in_memory_does(
        sample_run, tmp_path):
    # `analyze` puts the raw pose on disk before the cleaning; `sample_run` is run_analysis,
    # all in memory, then write_outputs (the runner faces right: the forward pose shares the
    # cleaned keypoints)
    run = sample_run(CLIP)
    on_disk = analyze(SAMPLES / f"{CLIP}.mp4", tmp_path / "out",
                      AnalysisOptions(slope_deg=SAMPLE_SLOPE_DEG), show_progress=False)
    for name in ("pose_raw.npz", "pose.npz"):
        expected, got = (PoseSequence.load(folder / name) for folder in (run.outdir,
                                                                         tmp_path / "out"))
        for field in ("time_s", "keypoints_px", "visibility", "world_m"):
            assert np.array_equal(getattr(got, field), getattr(expected, field),
                                  equal_nan=True), f"{name} {field}"
    for name in ("steps.csv", "pose.csv", "people.json"):
        assert (tmp_path / "out" / name).read_bytes() == (run.outdir / name).read_bytes(), name
    assert on_disk.gait.forward.meta["mirrored"] is False
    assert np.array_equal(on_disk.gait.forward.keypoints_px, run.analysis.pose.keypoints_px,
                          equal_nan=True)
    expected = [(f.check_id, f.verdict, repr(f.value)) for f in run.analysis.findings]
    assert [(f.check_id, f.verdict, repr(f.value)) for f in on_disk.findings] == expected


def test_used_outside_its_with_block_it_says_so(in_memory, tmp_path):
    with pytest.raises(RuntimeError, match="inside its with block"):
        ArraysOnDisk(tmp_path).array(np.zeros(3))
