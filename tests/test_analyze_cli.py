"""``posecheck analyze`` end to end: the real treadmill clip offline, and every kind of bad input.

These run the command as a user would, in a subprocess; the treadmill run happens once per
session (about 30 s) and several tests read its outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest

from posecheck.landmarks import LEFT_KNEE
from posecheck.sequence import PoseSequence
from posecheck.video import VideoWriter, iter_frames, probe
from support.commands import run_posecheck
from support.paths import treadmill_clip


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def treadmill_run(tmp_path_factory):
    clip = treadmill_clip()
    before = _sha256(clip)
    outdir = tmp_path_factory.mktemp("treadmill") / "out"
    result = run_posecheck("analyze", str(clip), "-o", str(outdir))
    return clip, before, outdir, result


@pytest.mark.slow
def test_treadmill_clip_offline_writes_h264_portrait_video_and_keypoints(treadmill_run):
    clip, before, outdir, result = treadmill_run
    assert result.returncode == 0, result.stderr
    assert _sha256(clip) == before, "the input clip was modified"
    video = probe(outdir / "annotated.mp4")
    assert video.codec == "h264"
    assert (video.width, video.height) == (720, 1280)
    assert video.n_frames == 360
    assert video.duration_s == pytest.approx(12.0, abs=0.05)
    pose = PoseSequence.load(outdir / "pose.npz")
    assert pose.n_frames == 360 and pose.fps == 30.0
    assert pose.frame_size == (720, 1280)
    assert pose.detected.mean() >= 0.98
    csv_lines = (outdir / "pose.csv").read_text().splitlines()
    assert len(csv_lines) == 361
    assert len(csv_lines[0].split(",")) == 2 + 33 * 6
    assert json.loads((outdir / "people.json").read_text())["chosen_id"] == 0


@pytest.mark.slow
def test_treadmill_run_writes_the_coach_review(treadmill_run):
    _, _, outdir, result = treadmill_run
    assert result.returncode == 0, result.stderr
    document = json.loads((outdir / "analysis.json").read_text())
    strikes = [e for e in document["gait"]["events"] if e["ic_s"] is not None]
    stills = sorted((outdir / "key_frames").glob("strike_*.jpg"))
    assert len(stills) == len(strikes) > 10  # one still per foot strike
    assert (outdir / "key_frames" / "contact_sheet.jpg").stat().st_size > 10_000
    page = (outdir / "report.html").read_text()
    assert "<video" in page and page.count('class="card') >= len(document["checks"])


@pytest.mark.slow
def test_treadmill_analysis_json_has_the_gait_and_every_check(treadmill_run):
    _, _, outdir, result = treadmill_run
    assert result.returncode == 0, result.stderr
    document = json.loads((outdir / "analysis.json").read_text())
    assert document["gait"]["mode"] == "running"
    assert document["gait"]["cadence_spm"] == pytest.approx(168.9, abs=1.5)  # truth.json
    checks = {c["id"]: c for c in document["checks"]}
    assert list(checks) == ["lean", "knee", "landing", "arms", "cadence"]
    assert checks["cadence"]["value"] == pytest.approx(168.9, abs=1.5)
    # a runner who stays in frame (treadmill or panning camera): the slope must be given, so the
    # lean is measured and not judged, and a warning says so
    assert checks["lean"]["verdict"] == "unknown" and "--slope" in checks["lean"]["reason"]
    assert "slope_unknown" in {w["code"] for w in document["warnings"]}
    trunk = next(d for d in checks["lean"]["details"] if d["id"] == "trunk_angle_deg")
    assert 0.0 <= trunk["value"] <= 15.0  # self-selected trunk 7.3 +/- 3.6 (Teng & Powers 2014)


@pytest.mark.slow
def test_treadmill_skeleton_is_drawn_where_the_runner_is(treadmill_run):
    clip, _, outdir, result = treadmill_run
    assert result.returncode == 0, result.stderr
    pose = PoseSequence.load(outdir / "pose.npz")
    drawn_frames = 0
    for original, annotated in zip(iter_frames(clip), iter_frames(outdir / "annotated.mp4")):
        if original.index % 30:
            continue
        # the runner faces image-left, so the left side is near: its knee gets a bold dot
        x, y = np.round(pose.keypoints_px[original.index, LEFT_KNEE]).astype(int)
        patch = (slice(y - 2, y + 3), slice(x - 2, x + 3))
        change = np.abs(annotated.rgb[patch].astype(int) - original.rgb[patch]).mean()
        drawn_frames += change > 40  # a drawn joint, not compression noise
    assert drawn_frames == 12  # of the 12 sampled frames


@pytest.mark.slow
def test_native_log_chatter_does_not_reach_the_user(treadmill_run):
    _, _, _, result = treadmill_run
    assert result.returncode == 0, result.stderr
    assert "INFO:" not in result.stderr and "WARNING: [" not in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) <= 1


def _plain_clip(path: Path, seconds: float = 1.0) -> None:
    rng = np.random.default_rng(0)
    with VideoWriter(path, fps=30.0, width=320, height=240) as writer:
        for _ in range(int(seconds * 30)):
            writer.write(rng.integers(90, 110, (240, 320, 3), dtype=np.uint8))


def _make_input(kind: str, folder: Path) -> Path:
    clip = folder / "clip.mp4"
    if kind == "missing":
        return folder / "nothing-here.mp4"
    if kind == "text":
        clip.write_text("these are my running notes, not a video\n")
    elif kind == "truncated":
        _plain_clip(folder / "whole.mp4", seconds=2.0)
        data = (folder / "whole.mp4").read_bytes()
        clip.write_bytes(data[: len(data) // 2])
    elif kind == "no-person":
        _plain_clip(clip)
    return clip


@pytest.mark.parametrize("kind, message", [
    ("missing", "no such file"),
    ("text", "not a readable video"),
    pytest.param("truncated", "truncated", marks=pytest.mark.slow),  # the pose model runs
    pytest.param("no-person", "no person was found", marks=pytest.mark.slow),
])  # fmt: skip
def test_bad_input_gives_one_line_error_and_no_output(tmp_path, kind, message):
    clip = _make_input(kind, tmp_path)
    before = _sha256(clip) if clip.exists() else None
    outdir = tmp_path / "out"
    result = run_posecheck("analyze", str(clip), "-o", str(outdir), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("posecheck: error: ") and message in lines[0], lines[0]
    assert "Traceback" not in result.stderr
    assert not outdir.exists()
    assert not [p for p in tmp_path.iterdir() if ".partial-" in p.name]
    if before is not None:
        assert _sha256(clip) == before


def test_unwritable_output_folder_gives_one_line_error(tmp_path):
    clip = _make_input("no-person", tmp_path)
    if os.geteuid() == 0:  # root writes through permission bits; sysfs refuses even root
        outdir = Path("/sys/posecheck-out")
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        outdir = locked / "out"
    result = run_posecheck("analyze", str(clip), "-o", str(outdir))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot write there" in lines[0], result.stderr
    assert not outdir.exists()


@pytest.mark.parametrize("option, message", [
    (("--person", "tallest"), "--person must be auto, largest, sideways"),
    (("--height", "180"), "--height is the runner's height in metres"),
    (("--slope", "-80"), "--slope: slope -80.0 deg is steeper than 45 deg"),
    (("--video-size", "100"), "--video-size is the annotated video's short side in pixels"),
    (("--video-size", "big"), "--video-size: must be a number of pixels or 'full'"),
])  # fmt: skip
def test_bad_option_values_are_usage_errors_found_before_any_work(tmp_path, option, message):
    # the clip does not exist: an option checked before any work is reported instead of it
    clip = tmp_path / "not-read.mp4"
    result = run_posecheck("analyze", str(clip), *option, "-o", str(tmp_path / "o"))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert not (tmp_path / "o").exists()


def test_staged_output_makes_missing_parents_only_on_success(tmp_path):
    from posecheck.outputs import StagedOutput

    target = tmp_path / "results" / "run1"
    with pytest.raises(RuntimeError):
        with StagedOutput(target) as stage:
            (stage.path / "a.txt").write_text("half")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    with StagedOutput(target) as stage:
        (stage.path / "a.txt").write_text("done")
    assert (target / "a.txt").read_text() == "done"
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


@pytest.mark.parametrize("argv", [["analyze", "clip.mp4", "-q", "--debug"],
                                  ["-q", "analyze", "clip.mp4", "--debug"],
                                  ["-q", "--debug", "analyze", "clip.mp4"]])
def test_global_options_work_before_and_after_the_command(argv):
    from posecheck.cli import build_parser

    args = build_parser().parse_args(argv)
    assert args.quiet is True and args.debug is True
    plain = build_parser().parse_args(["analyze", "clip.mp4"])
    assert plain.quiet is False and plain.debug is False


@pytest.mark.parametrize(("argv", "short_side_px"), [
    ([], 720), (["--video-size", "full"], None), (["--video-size", "1080"], 1080)])
def test_video_size_option(argv, short_side_px):
    from posecheck.cli import analysis_options, build_parser

    options = analysis_options(build_parser().parse_args(["analyze", "clip.mp4", *argv]))
    assert options.video_short_side_px == short_side_px
    assert options.as_dict()["video_short_side_px"] == short_side_px
