"""A coach's session: several clips or a folder in one ``posecheck analyze``, one report per clip,
an index page, and a clip that fails listed there without stopping the others."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from posecheck.cli import main
from posecheck.errors import PosecheckError
from posecheck.session import clip_folders, collect_videos
from support.paths import SAMPLES

SAMPLE = SAMPLES / "level-good_static_ltr.mp4"


def test_a_folder_gives_its_video_files_in_name_order(tmp_path):
    for name in ("b.MP4", "a.mov", "notes.txt", ".hidden.mp4", "c.webm"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    single = tmp_path / "elsewhere.bin"
    single.write_bytes(b"x")
    found = collect_videos([tmp_path, single])
    assert [p.name for p in found] == ["a.mov", "b.MP4", "c.webm", "elsewhere.bin"]


def test_a_folder_without_videos_is_an_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(PosecheckError, match="no video files"):
        collect_videos([tmp_path])


def test_clips_with_one_name_get_their_own_folders(tmp_path):
    videos = [Path("a/run.mp4"), Path("b/run.mov"), Path("walk.mp4"), Path("c/run.mp4")]
    assert [p.name for p in clip_folders(videos, tmp_path)] == ["run", "run-2", "walk", "run-3"]


@pytest.mark.slow
def test_session_writes_a_report_per_clip_and_an_index_and_survives_a_bad_clip(tmp_path, capsys):
    clips = tmp_path / "clips"
    clips.mkdir()
    shutil.copy(SAMPLE, clips / "01 level <run>.mp4")
    (clips / "02 broken.mp4").write_bytes(b"\x00not a video" * 100)
    shutil.copy(SAMPLE, clips / "03 again.mp4")
    outdir = tmp_path / "session"
    code = main(["-q", "analyze", str(clips), str(tmp_path / "missing.mp4"), "-o", str(outdir),
                 "--no-video"])
    assert code == 1  # one clip (and the missing one) failed: said on stderr and on the index
    err = capsys.readouterr().err
    assert "02 broken.mp4" in err and "missing.mp4" in err
    for name in ("01 level <run>", "03 again"):
        assert (outdir / name / "report.html").exists()
        assert json.loads((outdir / name / "analysis.json").read_text())["checks"]
    assert not (outdir / "02 broken").exists()  # a failed clip writes nothing
    index = (outdir / "index.html").read_text()
    assert 'href="01%20level%20%3Crun%3E/report.html"' in index
    assert "&lt;run&gt;" in index and "<run>" not in index  # file names are escaped
    assert index.count("failed") >= 2 and "02 broken.mp4" in index
    assert not list(outdir.glob(".*partial*"))


@pytest.mark.slow
def test_coach_mode_freezes_each_foot_strike(tmp_path):
    from posecheck.video import probe

    outdir = tmp_path / "out"
    assert main(["-q", "analyze", str(SAMPLE), "-o", str(outdir), "--coach-mode"]) == 0
    document = json.loads((outdir / "analysis.json").read_text())
    assert document["settings"]["coach_mode"] is True
    strikes = sum(e["ic_s"] is not None for e in document["gait"]["events"])
    frames = probe(outdir / "annotated.mp4").n_frames
    assert frames > probe(SAMPLE).n_frames and strikes > 0


# ---- clips at once: a process pool, and Dask distributed ------------------------------------

def _outputs(folder: Path) -> dict:
    """What a clip's output folder says, less what differs from run to run (the times taken,
    where the output was staged)."""
    import numpy as np

    document = json.loads((folder / "analysis.json").read_text())
    document.pop("timing")
    pose = np.load(folder / "pose.npz")
    return {"analysis": document, "people": (folder / "people.json").read_text(),
            "steps": (folder / "steps.csv").read_text(),
            "pose.csv": (folder / "pose.csv").read_text(),
            "keypoints": pose["keypoints_px"].tobytes(), "world": pose["world_m"].tobytes(),
            "key_frames": sorted(p.name for p in (folder / "key_frames").iterdir())}


@pytest.fixture(scope="module")
def clips_and_plain_run(tmp_path_factory):
    """Three clips (two shipped ones and a broken file), analysed one after another."""
    from posecheck.session import analyze_session

    folder = tmp_path_factory.mktemp("clips")
    shutil.copy(SAMPLE, folder / "a.mp4")
    shutil.copy(SAMPLES / "downhill-braking_pan_ltr.mp4", folder / "b.mp4")
    (folder / "c.mp4").write_bytes(b"\x00not a video" * 100)
    plain = analyze_session([folder], tmp_path_factory.mktemp("plain"), jobs=1,
                            show_progress=False)
    assert [bool(o.error) for o in plain.outcomes] == [False, False, True]
    return folder, plain


def _same_as_plain(session, plain) -> None:
    assert [o.video for o in session.outcomes] == [o.video for o in plain.outcomes]
    for ours, theirs in zip(session.outcomes, plain.outcomes):
        assert ours.error == theirs.error
        if not theirs.error:
            assert _outputs(ours.outdir) == _outputs(theirs.outdir)
    assert session.index.read_text().count("failed") == plain.index.read_text().count("failed")


@pytest.mark.slow
def test_clips_at_once_in_a_process_pool_give_a_plain_runs_outputs(clips_and_plain_run,
                                                                     tmp_path):
    from posecheck.session import analyze_session

    folder, plain = clips_and_plain_run
    pooled = analyze_session([folder], tmp_path / "pooled", jobs=2, show_progress=False)
    _same_as_plain(pooled, plain)


@pytest.mark.slow
def test_clips_on_a_dask_cluster_of_processes_give_a_plain_runs_outputs(clips_and_plain_run,
                                                                          tmp_path):
    distributed = pytest.importorskip(
        "distributed", reason="Dask distributed is not installed (pip install "
        "'posecheck[distributed]'; the test extra has it)")
    from posecheck.session import analyze_session

    folder, plain = clips_and_plain_run
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        on_dask = analyze_session([folder], tmp_path / "dask", scheduler=cluster.scheduler_address,
                                  show_progress=False)
    _same_as_plain(on_dask, plain)


def test_an_unreachable_scheduler_is_one_line(tmp_path, monkeypatch):
    pytest.importorskip("distributed", reason="Dask distributed is not installed")
    from posecheck import session
    from posecheck.session import analyze_session

    monkeypatch.setattr(session, "CONNECT_TIMEOUT_S", 1.0)
    with pytest.raises(PosecheckError, match="cannot reach the Dask scheduler"):
        analyze_session([SAMPLE], tmp_path / "out", scheduler="tcp://127.0.0.1:9",
                        show_progress=False)


@pytest.mark.parametrize("option", [["--workers", "0"], ["--workers", "two"], ["--jobs", "0"],
                                    ["--workers", "65"]])
def test_a_bad_count_of_workers_or_jobs_is_a_command_line_error(option, tmp_path, capsys):
    try:
        code = main(["analyze", str(SAMPLE), "-o", str(tmp_path / "out"), *option])
    except SystemExit as exc:  # argparse's own exit, before anything is read
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err
    assert "--workers" in err or "--jobs" in err
    assert not (tmp_path / "out").exists()


def test_clips_at_once_are_the_cores_at_most_the_clips():
    import os

    from posecheck.session import session_jobs

    cores = len(os.sched_getaffinity(0))
    assert session_jobs(None, 100) == cores
    assert session_jobs(None, 1) == 1
    assert session_jobs(3, 2) == 2
    assert session_jobs(1, 10) == 1
