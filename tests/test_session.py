"""A coach's session: several clips or a folder in one ``posecheck analyze``, one report per clip,
an index page, and a clip that fails listed there without stopping the others."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import REPO
from posecheck.cli import main
from posecheck.errors import PosecheckError
from posecheck.session import clip_folders, collect_videos

SAMPLE = REPO / "sample_videos" / "level-good_static_ltr.mp4"


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
