"""Footage signals (posecheck.footage): cuts, held frames and camera motion from the pixels.

Synthetic clips with a known answer first (textured scenery cropped by a moving window, a dark
"runner" blob, shots spliced at known frames, images held for 3 frames; encoded to H.264 in
tmp_path, so compression noise is part of the test), then the synthetic runner's panning camera,
then the shared real clips against their labels.
"""

from __future__ import annotations

import functools
import json

import av
import cv2
import numpy as np
import pytest

from posecheck.footage import FootageMonitor, capture_fps, picture_bounds, scan_footage
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params
from posecheck.video import VideoWriter
from support.paths import SAMPLES, shared_path

FPS = 30.0


# ---- synthetic clips -----------------------------------------------------------------------------
def _scenery(seed: int, height: int, width: int) -> np.ndarray:
    """Smooth random RGB texture with detail at several scales (grey levels ~20-235)."""
    rng = np.random.default_rng(seed)
    layers = []
    for _ in range(3):
        noise = rng.normal(0.0, 1.0, (height, width)).astype(np.float32)
        layers.append(sum(cv2.GaussianBlur(noise, (0, 0), s) * s for s in (1.5, 4.0, 12.0)))
    img = np.stack(layers, axis=-1)
    img = (img - img.min()) / (img.max() - img.min())
    return (20 + 215 * img).astype(np.uint8)


def _with_runner(frame: np.ndarray, x: float) -> np.ndarray:
    """The frame with a dark upright blob (a runner) centred at column x."""
    out = frame.copy()
    h = out.shape[0]
    centre = (int(round(x)), h // 2)
    cv2.ellipse(out, centre, (h // 12, h // 4), 0, 0, 360, (35, 30, 40), -1)
    cv2.circle(out, (centre[0], h // 2 - h // 3), h // 14, (200, 160, 140), -1)
    return out


def _noisy(frame: np.ndarray, rng: np.random.Generator, sigma: float = 1.5) -> np.ndarray:
    """Sensor noise, so that no two frames of a shot are identical before compression."""
    return np.clip(frame + rng.normal(0.0, sigma, frame.shape), 0, 255).astype(np.uint8)


def _encode(path, frames: list[np.ndarray]) -> None:
    height, width = frames[0].shape[:2]
    with VideoWriter(path, fps=FPS, width=width, height=height) as writer:
        for frame in frames:
            writer.write(frame)


def _shot(seed: int, n: int, *, size=(180, 320), pan_px: int = 0, runner_px: float = 4.0,
          follow: bool = False) -> list[np.ndarray]:
    """n frames of one shot: a window over the scenery moving pan_px per frame (the scenery
    then moves by -pan_px in the image); the runner centred (follow) or crossing at runner_px."""
    height, width = size
    scenery = _scenery(seed, height, width + abs(pan_px) * n + 2)
    rng = np.random.default_rng(seed + 1000)
    frames = []
    for i in range(n):
        left = i * pan_px if pan_px >= 0 else abs(pan_px) * (n - 1 - i)
        view = scenery[:, left: left + width]
        start = width * (0.15 if runner_px >= 0 else 0.85)
        x = width / 2 if follow else start + runner_px * i
        frames.append(_noisy(_with_runner(view, x), rng))
    return frames


def test_static_shot_has_no_cut_no_pan_and_no_holds(tmp_path):
    path = tmp_path / "static.mp4"
    _encode(path, _shot(1, 60, runner_px=4.0))
    footage = scan_footage(path)
    assert footage.n_frames == 60
    assert footage.scene_cuts == ()
    assert not footage.panning and footage.panning_share < 0.1
    assert footage.held_share == 0.0
    assert footage.distinct_images_per_s == pytest.approx(FPS, rel=0.02)
    assert abs(np.median(footage.shift_x_px[1:])) < 0.5
    assert footage.median_abs_shift_px < 0.5


@pytest.mark.parametrize("size", [(180, 320), (320, 180)], ids=["landscape", "portrait"])
@pytest.mark.parametrize("pan_px", [6, -4])
def test_panning_camera_and_its_shift_are_recovered(tmp_path, size, pan_px):
    path = tmp_path / "pan.mp4"
    _encode(path, _shot(2, 45, size=size, pan_px=pan_px, follow=True))
    footage = scan_footage(path)
    assert footage.panning and footage.panning_share > 0.9
    assert footage.scene_cuts == ()
    assert footage.held_share == 0.0
    # the window moves pan_px to the right per frame: the scenery moves -pan_px in the image
    assert np.median(footage.shift_x_px[1:]) == pytest.approx(-pan_px, abs=0.5)
    assert abs(np.median(footage.shift_y_px[1:])) < 0.5
    assert footage.median_abs_shift_px == pytest.approx(abs(pan_px), abs=0.5)


def _dim(frame: np.ndarray) -> np.ndarray:
    """The frame as a phone films a real scene at dusk. The synthetic scenery's edges are twice
    as strong as a real one's (median tile texture, posecheck.footage: 5.0 grey levels per px
    against the riverside following clip's 2.7), so its contrast is halved first; then a third
    of the light through the sensor's response curve (gamma 1.3): mid-grey 128 -> 25."""
    real = 128.0 + 0.5 * (frame.astype(np.float64) - 128.0)
    return np.round(255.0 * (real / (3 * 255.0)) ** 1.3).astype(np.uint8)


def test_a_dim_pan_is_still_seen_and_a_dim_tripod_is_still_still(tmp_path):
    # the scenery's edges are as weak as its light: a fixed texture threshold took a dark
    # picture for a plain one and saw no camera move (a following clip read at dusk)
    pan = tmp_path / "dim_pan.mp4"
    _encode(pan, [_dim(f) for f in _shot(2, 45, pan_px=6, follow=True)])
    footage = scan_footage(pan)
    assert footage.panning and footage.panning_share > 0.9
    # the scenery travels 6 px a frame; the encoder keeps so little of the dim, weak texture
    # that every other frame reads as a repeat (its travel then counts on the next): the whole
    # travel is what holds
    assert np.sum(footage.shift_x_px[1:]) == pytest.approx(-6 * 44, rel=0.03)
    still = tmp_path / "dim_still.mp4"
    _encode(still, [_dim(f) for f in _shot(1, 60, runner_px=4.0)])
    assert not scan_footage(still).panning


def _boxed(frame: np.ndarray, out_h: int, out_w: int, colour: int = 0) -> np.ndarray:
    """``frame`` centred in an ``out_h`` x ``out_w`` frame of one colour (an editor's export)."""
    out = np.full((out_h, out_w, 3), colour, np.uint8)
    h, w = frame.shape[:2]
    y0, x0 = (out_h - h) // 2, (out_w - w) // 2
    out[y0:y0 + h, x0:x0 + w] = frame
    return out


@pytest.mark.parametrize("colour", [0, 255])
def test_a_pillarboxed_or_letterboxed_pan_is_measured_on_its_picture(tmp_path, colour):
    # a portrait pan (320 x 180) exported into a landscape 320 x 576 frame, bars 198 px a side,
    # and a landscape one (180 x 320) letterboxed into a portrait 576 x 320 frame: the outer
    # thirds of the whole frame are all bar
    for name, shot, (out_h, out_w) in (
            ("pillarbox", _shot(2, 45, size=(320, 180), pan_px=6, follow=True), (320, 576)),
            ("letterbox", _shot(3, 45, size=(180, 320), pan_px=6, follow=True), (576, 320))):
        path = tmp_path / f"{name}.mp4"
        _encode(path, [_boxed(f, out_h, out_w, colour) for f in shot])
        footage = scan_footage(path)
        assert (footage.height, footage.width) == (out_h, out_w)
        assert footage.panning and footage.panning_share > 0.9, name
        assert np.median(footage.shift_x_px[1:]) == pytest.approx(-6, abs=0.5), name


def test_picture_bounds_are_the_bars_on_both_sides_only():
    picture = _scenery(4, 320, 180)
    assert picture_bounds(_boxed(picture, 320, 576)) == (slice(0, 320), slice(198, 378))
    assert picture_bounds(_boxed(picture, 500, 180)) == (slice(90, 410), slice(0, 180))
    assert picture_bounds(picture) == (slice(0, 320), slice(0, 180))
    # a plain wall to one side of the scenery is part of the picture, not a bar
    wall = np.concatenate([np.full((320, 200, 3), 128, np.uint8), picture], axis=1)
    assert picture_bounds(wall) == (slice(0, 320), slice(0, 380))
    # a blank frame (a fade from black) keeps the whole frame
    assert picture_bounds(np.zeros((320, 576, 3), np.uint8)) == (slice(0, 320), slice(0, 576))


def test_a_sub_pixel_pan_of_a_large_frame_is_measured():
    """5.5 px per frame at 1280 x 720 is 0.69 px of the small frame: the sub-pixel peak counts."""
    height, width, pan_px, n = 720, 1280, 5.5, 30
    scenery = _scenery(10, height, width + 200)
    monitor = FootageMonitor()
    for i in range(n):
        move = np.float32([[1, 0, -pan_px * i], [0, 1, 0]])  # the window moves right
        view = cv2.warpAffine(scenery, move, (width, height), flags=cv2.INTER_LINEAR)
        monitor.update(_with_runner(view, width / 2), i / FPS)
    footage = monitor.result()
    assert footage.panning
    assert np.median(footage.shift_x_px[1:]) == pytest.approx(-pan_px, abs=0.25)


def test_a_slowed_pan_is_measured_on_its_new_images(tmp_path):
    path = tmp_path / "slow_pan.mp4"
    _encode(path, [frame for frame in _shot(11, 30, pan_px=6, follow=True) for _ in range(3)])
    footage = scan_footage(path)
    assert footage.held_share == pytest.approx(60 / 89, abs=0.02)
    assert footage.distinct_images_per_s == pytest.approx(FPS / 3, rel=0.02)
    assert footage.panning and footage.median_abs_shift_px == pytest.approx(6, abs=0.5)


def test_cuts_are_found_at_the_first_frame_of_each_shot(tmp_path):
    path = tmp_path / "cuts.mp4"
    frames = (_shot(3, 25) + _shot(4, 25, pan_px=3, follow=True) + _shot(5, 25, runner_px=-3.0))
    _encode(path, frames)
    footage = scan_footage(path)
    assert footage.scene_cuts == (25, 50)
    assert footage.held_share == 0.0


def _held_pattern(n: int) -> np.ndarray:
    """track_sprint's pattern: each image shown 3 times, one shown 6 times every 30 frames
    (frames 24-29, 54-59, ...). True where a frame repeats the previous one."""
    held = np.zeros(n, bool)
    i = 0
    while i < n:
        hold = 6 if i % 30 == 24 else 3
        held[i + 1: i + hold] = True
        i += hold
    return held[:n]


def test_held_frames_are_found(tmp_path):
    n = 90
    held_truth = _held_pattern(n)
    scenery = _scenery(6, 180, 320)
    rng = np.random.default_rng(6)
    frames, image = [], None
    for i in range(n):
        if not held_truth[i]:
            image = _noisy(_with_runner(scenery, 40 + 2.5 * i), rng)
        frames.append(image)
    path = tmp_path / "held.mp4"
    _encode(path, frames)
    footage = scan_footage(path)
    np.testing.assert_array_equal(footage.held, held_truth)
    assert footage.held_share == pytest.approx(held_truth[1:].mean())
    distinct = n - held_truth.sum()
    assert footage.distinct_images_per_s == pytest.approx(distinct / (n / FPS), rel=0.01)
    assert footage.scene_cuts == () and not footage.panning


def test_a_shot_with_nothing_moving_counts_as_held(tmp_path):
    """No new image is no new image: a perfectly still shot cannot be told from a repeat."""
    monitor = FootageMonitor()
    still = _scenery(7, 90, 160)
    for i in range(10):
        monitor.update(still, i / FPS)
    assert monitor.result().held_share == 1.0


# ---- the synthetic runner ------------------------------------------------------------------------
def _synthetic_footage(camera: str) -> tuple[SyntheticClip, object]:
    spec = ClipSpec(gait=preset_params("level-good"), camera=camera, fps=FPS, width=320,
                    height=180, seconds=2.0, seed=1)
    clip = SyntheticClip(spec)
    monitor = FootageMonitor()
    for time_s, rgb in zip(clip.time_s, clip.frames()):
        monitor.update(rgb, time_s)
    return clip, monitor.result()


def test_synthetic_runner_panning_camera_shift_matches_its_yaw():
    clip, footage = _synthetic_footage("pan")
    assert footage.panning and footage.panning_share > 0.9
    # the renderer slides its scenery by round(direction * focal * yaw) px
    slide_px = np.array([round(c.direction * c.focal_px * c.yaw_rad) for c in clip.cameras])
    truth = -np.diff(slide_px)
    measured = footage.shift_x_px[1:]
    moving = footage.camera_moving[1:]
    assert np.median(np.abs(measured[moving] - truth[moving])) < 0.5


def test_synthetic_runner_static_camera_is_not_panning():
    _, footage = _synthetic_footage("static")
    assert not footage.panning and footage.panning_share == 0.0
    assert footage.scene_cuts == () and footage.held_share == 0.0


# ---- monitor contract ----------------------------------------------------------------------------
def _kept_bytes(monitor: FootageMonitor) -> int:
    seen = monitor._seen
    return sum(a.nbytes for a in (seen.small, seen.spectra, seen.texture, seen.thumb))


def test_memory_stays_flat_and_only_scalars_accumulate():
    monitor = FootageMonitor()
    frames = _shot(8, 12, size=(360, 640), pan_px=5, follow=True)
    for i in range(200):
        monitor.update(frames[i % len(frames)], i / FPS)
        if i == 9:
            kept_early = _kept_bytes(monitor)
    assert _kept_bytes(monitor) == kept_early < 100_000  # one small frame and its spectra
    assert all(len(values) == 200 for values in monitor._rows.values())
    assert all(isinstance(v, float) for values in monitor._rows.values() for v in values)


def test_monitor_refuses_a_size_change_and_an_empty_clip():
    monitor = FootageMonitor()
    with pytest.raises(ValueError, match="no frames"):
        monitor.result()
    monitor.update(np.zeros((90, 160, 3), np.uint8), 0.0)
    with pytest.raises(ValueError, match="frame size changed"):
        monitor.update(np.zeros((160, 90, 3), np.uint8), 1 / FPS)


# ---- capture frame rate --------------------------------------------------------------------------
def _tagged_clip(path, tags: dict[str, str]) -> None:
    """A short MP4 with container tags, written the way ffmpeg keeps 'mdta' keys."""
    container = av.open(str(path), mode="w", format="mp4",
                        options={"movflags": "use_metadata_tags"})
    for key, value in tags.items():
        container.metadata[key] = value
    stream = container.add_stream("libx264", rate=30)
    stream.width, stream.height, stream.pix_fmt = 64, 64, "yuv420p"
    for _ in range(3):
        frame = av.VideoFrame.from_ndarray(np.zeros((64, 64, 3), np.uint8), format="rgb24")
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))
    container.close()


def test_capture_fps_reads_the_android_slow_motion_tag(tmp_path):
    path = tmp_path / "slowmo.mp4"
    _tagged_clip(path, {"com.android.capture.fps": "240.000000"})
    assert capture_fps(path) == 240.0


def test_capture_fps_is_none_without_a_tag(tmp_path):
    path = tmp_path / "plain.mp4"
    _encode(path, _shot(9, 3))
    assert capture_fps(path) is None
    odd = tmp_path / "odd.mp4"
    _tagged_clip(odd, {"com.android.capture.fps": "not a number"})
    assert capture_fps(odd) is None


# ---- shared real clips ---------------------------------------------------------------------------
CLIPS = {  # folder: (file, the camera pans or follows: from each SOURCE.md / events.json)
    "field-pan-multiperson": ("dash_pan.mp4", True),
    "grass-follow-barefoot": ("grass_barefoot.mp4", True),
    "riverside-follow-portrait": ("riverside.mp4", True),
    "treadmill-side-male": ("male_side.mp4", False),
    "treadmill-overstride-right": ("treadmill_overstride.mp4", False),
    "park-static-jog": ("park_jog.mp4", False),
    "track-tripod-sprint": ("track_sprint.mp4", False),
    "park-walking-multi": ("park_walking.mp4", False),
}


@functools.lru_cache(maxsize=None)
def _scan(folder: str):
    return scan_footage(shared_path("data", "clips", folder, CLIPS[folder][0]))


def test_grass_clip_cuts_are_found_at_the_labelled_frames():
    labels = json.loads(shared_path("data", "clips", "grass-follow-barefoot",
                                    "events.json").read_text())
    assert labels["scene_cuts"] == [62, 205, 345, 524]
    found = _scan("grass-follow-barefoot").scene_cuts
    assert len(found) == len(labels["scene_cuts"])
    for got, want in zip(found, labels["scene_cuts"]):
        assert abs(got - want) <= 1


@pytest.mark.parametrize("folder", [f for f in CLIPS if f != "grass-follow-barefoot"])
def test_single_shot_clips_have_no_cuts(folder):
    assert _scan(folder).scene_cuts == ()


def test_track_sprint_is_slow_motion_by_repeated_frames():
    footage = _scan("track-tripod-sprint")
    assert footage.held_share > 0.5
    # events.json: 9 distinct images per second of playback (each held 3 frames, 6 every 30)
    assert footage.distinct_images_per_s == pytest.approx(9.0, abs=0.5)


@pytest.mark.parametrize("folder", [f for f in CLIPS if f != "track-tripod-sprint"])
def test_other_clips_repeat_no_frames(folder):
    assert _scan(folder).held_share < 0.02


@pytest.mark.parametrize("folder", list(CLIPS))
def test_panning_matches_the_clip_description(folder):
    footage = _scan(folder)
    assert footage.panning == CLIPS[folder][1], f"panning share {footage.panning_share:.2f}"


@pytest.mark.slow
def test_a_phone_slow_motion_clip_is_analysed_on_the_real_clock(tmp_path):
    """End to end: a 60 fps synthetic run re-timed to play at 30 fps with the phone's capture
    tag (60) is slowed down twice; posecheck reads the tag and gives the real cadence."""
    from posecheck.analyze import run_analysis
    from posecheck.options import AnalysisOptions
    from posecheck.synth.truth import load_truth
    from posecheck.video import iter_frames

    sample = SAMPLES / "downhill-good_pan_rtl.mp4"
    path = tmp_path / "slowmo.mp4"
    container = av.open(str(path), mode="w", format="mp4",
                        options={"movflags": "use_metadata_tags"})
    container.metadata["com.android.capture.fps"] = "60.000000"
    stream = None
    for frame in iter_frames(sample):
        if stream is None:
            stream = container.add_stream("libx264", rate=30)
            stream.height, stream.width = frame.rgb.shape[:2]
            stream.pix_fmt = "yuv420p"
        container.mux(stream.encode(av.VideoFrame.from_ndarray(frame.rgb, format="rgb24")))
    container.mux(stream.encode(None))
    container.close()
    assert capture_fps(path) == 60.0
    analysis = run_analysis(path, AnalysisOptions(slope_deg=-8.0, write_video=False),
                            show_progress=False)
    document = analysis.to_json()
    assert document["video"]["slow_motion"] == pytest.approx(2.0)
    truth = load_truth(sample).info["metrics"]["cadence_spm"]
    assert analysis.gait.cadence_spm == pytest.approx(truth, rel=0.03)  # not half of it
    assert "slow_motion" in {w["code"] for w in document["warnings"]}
