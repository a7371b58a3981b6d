"""The inputs of the bad-input corpus (``tests/test_corpus.py``), built by the tests themselves.

Every input is made here, in a folder the test gives, from plain bytes, simple encodes (PyAV and
:class:`posecheck.video.VideoWriter`) and the synthetic runner (:mod:`posecheck.synth`): nothing
is downloaded and no file is committed. Clips with a person are small (320 x 180, 30 fps, a
second or two) and most are filmed by the synthetic panning camera, which keeps the runner at
60% of the frame height: large enough for the pose model at that size (the walk, whose legs
must show its foot events, is 640 x 360; the runner filmed from the front or behind is at
that size only when closest).

Also here: the ways of running the command that :func:`support.commands.offline_command`
does not cover: interrupted half way (``run_interrupted``) and with the output folder on a file
system of its own, read-only or full (``run_on_mount``).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import av
import cv2
import numpy as np

from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.gait import WALKING
from posecheck.synth.presets import preset_params
from posecheck.synth.render import SceneStyle
from posecheck.video import VideoWriter
from support.commands import NO_SOCKETS, offline_command

WIDTH, HEIGHT, FPS = 320, 180, 30.0


# ---- what the tests compare before and after a run ---------------------------------------------

def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def listing(folder: Path, *, leave_out: Path | None = None) -> dict[str, str]:
    """Every file and folder under ``folder`` (relative path -> sha256, or "folder"), without
    ``leave_out`` and what is in it."""
    out: dict[str, str] = {}
    if not folder.exists():
        return out
    for path in sorted(folder.rglob("*")):
        if leave_out is not None and (path == leave_out or leave_out in path.parents):
            continue
        key = str(path.relative_to(folder))
        out[key] = "folder" if path.is_dir() and not path.is_symlink() else sha256(path)
    return out


# ---- plain encodes -----------------------------------------------------------------------------

def write_frames(path: Path, frames, *, fps: float = FPS, times=None, **writer) -> Path:
    """``frames`` (RGB uint8, all one size) as an H.264 MP4; ``times`` (s) for a variable rate."""
    frames = list(frames)
    height, width = frames[0].shape[:2]
    with VideoWriter(path, fps=fps, width=width, height=height, **writer) as out:
        for k, frame in enumerate(frames):
            out.write(frame, time_s=None if times is None else float(times[k]))
    return path


def mux(path: Path, frames, *, fps: float = FPS, tags: dict[str, str] | None = None,
        movflags: str = "+faststart") -> Path:
    """``frames`` as an H.264 MP4 written by PyAV directly, with container ``tags`` (kept as
    'mdta' keys, the way phones write them)."""
    flags = movflags + ("+use_metadata_tags" if tags else "")
    container = av.open(str(path), mode="w", format="mp4",
                        options={"movflags": flags} if flags else {})
    for key, value in (tags or {}).items():
        container.metadata[key] = value
    stream = None
    for frame in frames:
        if stream is None:
            stream = container.add_stream("libx264", rate=int(fps) if fps == int(fps) else fps)
            stream.height, stream.width = frame.shape[:2]
            stream.pix_fmt = "yuv420p"
            stream.options = {"preset": "ultrafast"}
        container.mux(stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")))
    container.mux(stream.encode(None))
    container.close()
    return path


def set_rotation(path: Path, matrix: tuple[int, ...]) -> None:
    """Write a display matrix into the MP4's track header (tkhd), as phones do for portrait
    (the layout of ``tests/test_video.py``)."""
    data = bytearray(path.read_bytes())
    at = data.find(b"tkhd")
    version = data[at + 4]
    offset = at + 4 + 4 + (20 if version == 0 else 32) + 8 + 8
    data[offset:offset + 36] = struct.pack(">9i", *matrix)
    path.write_bytes(bytes(data))


#: "turn 90 degrees clockwise to display": the matrix an iPhone writes for a portrait clip
ROTATE_CLOCKWISE = (0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)


def zero_frame_durations(path: Path) -> None:
    """Set every sample duration of the MP4's time-to-sample table (stts) to 0: the file then
    gives no frame rate and every frame the same time."""
    data = bytearray(path.read_bytes())
    at = data.find(b"stts")
    entries = struct.unpack(">I", data[at + 8:at + 12])[0]
    for k in range(entries):
        offset = at + 12 + 8 * k + 4
        data[offset:offset + 4] = struct.pack(">I", 0)
    path.write_bytes(bytes(data))


def grey_frames(n: int, *, width: int = WIDTH, height: int = HEIGHT, seed: int = 0):
    rng = np.random.default_rng(seed)
    return [rng.integers(90, 110, (height, width, 3), dtype=np.uint8) for _ in range(n)]


def audio_only(path: Path, seconds: float = 1.0) -> Path:
    """A voice memo: AAC audio in an MP4 (.m4a) container, no video stream."""
    rate = 16000
    container = av.open(str(path), mode="w", format="mp4")
    stream = container.add_stream("aac", rate=rate)
    stream.layout = "mono"
    t = np.arange(int(seconds * rate)) / rate
    samples = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)[None, :]
    frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
    frame.sample_rate = rate
    frame.pts = 0
    for packet in stream.encode(frame):
        container.mux(packet)
    container.mux(stream.encode(None))
    container.close()
    return path


def png(path: Path, rgb: np.ndarray) -> Path:
    ok, data = cv2.imencode(".png", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    path.write_bytes(data.tobytes())
    return path


# ---- the synthetic runner ----------------------------------------------------------------------

def runner(seconds: float, *, fps: float = FPS, width: int = WIDTH, height: int = HEIGHT,
           camera: str = "pan", direction: str = "ltr", seed: int = 1,
           style: SceneStyle = SceneStyle(), view: str = "side", **gait) -> SyntheticClip:
    """The level-good synthetic runner; ``gait`` overrides its GaitParams fields; ``view``
    "front" or "behind" films along the path from a tripod (``camera`` must then be
    "static")."""
    spec = ClipSpec(gait=preset_params("level-good", **gait), preset="level-good",
                    camera=camera, direction=direction, fps=fps, width=width, height=height,
                    seconds=seconds, seed=seed, style=style, view=view)
    return SyntheticClip(spec)


def runner_frames(seconds: float, **kwargs) -> list[np.ndarray]:
    return list(runner(seconds, **kwargs).frames())


def background(frames: list[np.ndarray]) -> np.ndarray:
    """The scenery of a static-camera clip without the runner, who crosses the frame: each
    pixel's median over time."""
    return np.median(np.stack(frames), axis=0).astype(np.uint8)


def figure_mask(frame: np.ndarray, scenery: np.ndarray, *, threshold: int = 12) -> np.ndarray:
    """(h, w) bool: where ``frame`` shows something other than its ``scenery``: the figure."""
    change = np.abs(frame.astype(int) - scenery.astype(int)).max(axis=2) > threshold
    return cv2.dilate(change.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def two_runners_crossing(seconds: float = 2.0) -> list[np.ndarray]:
    """The runner (panning camera, left to right) and a second runner, of the same size, who
    crosses in front of them right to left in the middle second (static camera, their figure
    keyed out of its own clip by difference from its scenery)."""
    ours = runner_frames(seconds)
    other_seconds = 1.0
    theirs = runner_frames(other_seconds, camera="static", direction="rtl", seed=4,
                           style=SceneStyle(noise_sigma=0.0), speed_mps=3.0, cadence_spm=160.0)
    scenery = background(theirs)
    start = int(round((seconds - other_seconds) / 2 * FPS))
    out = []
    for k, frame in enumerate(ours):
        j = k - start
        if 0 <= j < len(theirs):
            frame = frame.copy()
            mask = figure_mask(theirs[j], scenery)
            frame[mask] = theirs[j][mask]
        out.append(frame)
    return out


def hidden(frames: list[np.ndarray], start_s: float, end_s: float) -> list[np.ndarray]:
    """A grey van passes between camera and runner from ``start_s`` to ``end_s``: the runner
    (kept centred by the panning camera) is wholly hidden."""
    out = []
    for k, frame in enumerate(frames):
        if start_s <= k / FPS < end_s:
            frame = frame.copy()
            h, w = frame.shape[:2]
            frame[h // 20:, w // 6: w - w // 6] = (70, 75, 80)
        out.append(frame)
    return out


def motion_blurred(frames: list[np.ndarray], length_px: int = 15) -> list[np.ndarray]:
    """Horizontal motion blur of ``length_px`` (a long exposure while panning)."""
    kernel = np.full((1, length_px), 1.0 / length_px, np.float32)
    return [cv2.filter2D(f, -1, kernel) for f in frames]


def darkened(frames: list[np.ndarray], gain: float = 0.12, *, seed: int = 0) -> list[np.ndarray]:
    """A dusk clip: the picture at ``gain`` of its brightness, with the sensor noise of a
    camera at high gain."""
    rng = np.random.default_rng(seed)
    return [np.clip(f * gain + rng.normal(0, 1.5, f.shape), 0, 255).astype(np.uint8)
            for f in frames]


def with_overlays(frames: list[np.ndarray], fps: float = FPS) -> list[np.ndarray]:
    """Frames as a broadcast or an app shows them: a channel logo, a lower-third banner with a
    caption, and a running clock, drawn over the picture (they stay put while the camera pans)."""
    out = []
    for index, frame in enumerate(frames):
        image = frame.copy()
        height, width = image.shape[:2]
        cv2.rectangle(image, (int(0.03 * width), int(0.04 * height)),
                      (int(0.22 * width), int(0.16 * height)), (230, 40, 40), -1)
        cv2.putText(image, "TRAIL TV", (int(0.04 * width), int(0.13 * height)),
                    cv2.FONT_HERSHEY_DUPLEX, height / 500, (255, 255, 255), 1)
        top = int(0.86 * height)
        image[top:] = (0.35 * image[top:] + 0.65 * np.array([20, 30, 90])).astype(np.uint8)
        cv2.putText(image, "Downhill session - athlete 3 - km 12", (int(0.05 * width),
                    int(0.95 * height)), cv2.FONT_HERSHEY_SIMPLEX, height / 600, (255, 255, 255), 1)
        cv2.putText(image, f"00:{index / fps:05.2f}", (int(0.76 * width), int(0.10 * height)),
                    cv2.FONT_HERSHEY_SIMPLEX, height / 500, (255, 255, 0), 1)
        out.append(image)
    return out


def standing_still(seconds: float = 1.5) -> list[np.ndarray]:
    """A person who does not move. The synthetic runner has no standing pose: this is the runner
    frozen at one instant of the stride (a still figure), drawn with moving sensor noise."""
    clip = runner(seconds, camera="static")
    k = len(clip.poses) // 2
    clip.poses = [clip.poses[k]] * len(clip.poses)
    clip.gait_time_s = np.full_like(clip.gait_time_s, clip.gait_time_s[k])
    clip.cameras = [clip.cameras[k]] * len(clip.cameras)
    return list(clip.frames())


# ---- running the command in ways the plain runner does not ------------------------------------

def can_mount() -> str:
    """Why the tests cannot mount a private file system here (a mount namespace needs root or
    unprivileged user namespaces), or "" when they can."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return "unshare (util-linux) is not installed"
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    probe = subprocess.run([unshare, *flags, "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True, text=True)
    if probe.returncode:
        return ("cannot mount a private tmpfs here "
                f"({probe.stderr.strip().splitlines()[-1] if probe.stderr.strip() else 'refused'})")
    return ""


def run_on_mount(args: list[str], mount_at: Path, options: str, *, cwd: Path, env: dict,
                 after: Path) -> subprocess.CompletedProcess:
    """Run posecheck, offline, in a mount namespace where ``mount_at`` is a fresh tmpfs mounted
    with ``options`` ("size=96k": a nearly full disk, "ro": read-only). The tmpfs exists only
    there, so what the run left on it is listed into ``after`` (one name a line) before the
    namespace ends."""
    mount_at.mkdir(parents=True, exist_ok=True)
    flags = ["-m", "-n"] if os.geteuid() == 0 else ["-r", "-m", "-n"]
    script = ('mount -t tmpfs -o "$1" posecheck-corpus "$2" || exit 99\n'
              'shift 3\n"$@"\nrc=$?\n'
              '(cd "$MOUNTED" && find . -mindepth 1 | sort) > "$AFTER"\nexit $rc\n')
    command = [shutil.which("unshare"), *flags, "sh", "-c", script, "sh", options,
               str(mount_at), "-", sys.executable, "-c", NO_SOCKETS, *args]
    env = {**env, "MOUNTED": str(mount_at), "AFTER": str(after)}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, timeout=600, env=env)


def run_interrupted(args: list[str], *, cwd: Path, env: dict, staging_in: Path, outname: str,
                    after_s: float = 1.5) -> tuple[subprocess.CompletedProcess, bool]:
    """Start posecheck, wait until its staging folder ``.OUTNAME.partial-*`` appears in
    ``staging_in`` (the run has begun), give the pose stage ``after_s`` more, then send SIGINT
    as Ctrl-C does. Returns the finished process and whether the signal came while it ran."""
    # Ctrl-C at a terminal reaches a process whose SIGINT is the default; a test run started
    # in the background of a script inherits SIGINT ignored, and Python then never raises
    # KeyboardInterrupt (the run went on to exit 0), so the child gets the default back
    process = subprocess.Popen(offline_command(*args), cwd=cwd, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               preexec_fn=_default_sigint)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if list(staging_in.glob(f".{outname}.partial-*")):
            break
        time.sleep(0.02)
    time.sleep(after_s)
    running = process.poll() is None
    if running:
        process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), running


def _default_sigint() -> None:
    """In the child before it starts posecheck: SIGINT back to its default action."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def html_breaking_name() -> str:
    """A file name that would break a page that did not escape it."""
    return "<img src=x onerror=alert(1)> & \"run\" 'o' <script>.mp4"


# ---- the inputs of the corpus: each builds its files in ``folder`` and returns the paths to
# ---- give on the command line

def missing_path(folder: Path) -> list[Path]:
    return [folder / "nothing-here.mp4"]


def folder_without_videos(folder: Path) -> list[Path]:
    clips = folder / "clips"
    clips.mkdir()
    (clips / "notes.txt").write_text("intervals on Tuesday\n")
    return [clips]


def empty_file(folder: Path) -> list[Path]:
    (folder / "clip.mp4").write_bytes(b"")
    return [folder / "clip.mp4"]


def random_bytes(folder: Path) -> list[Path]:
    (folder / "clip.mp4").write_bytes(np.random.default_rng(0).bytes(64 * 1024))
    return [folder / "clip.mp4"]


def text_file(folder: Path) -> list[Path]:
    (folder / "notes.txt").write_text("these are my running notes, not a video\n" * 20)
    return [folder / "notes.txt"]


def image(folder: Path) -> list[Path]:
    return [png(folder / "photo.png", runner_frames(0.1)[0])]


def audio(folder: Path) -> list[Path]:
    return [audio_only(folder / "memo.m4a")]


def _cut(whole: Path, cut: Path, share: float) -> Path:
    data = whole.read_bytes()
    cut.write_bytes(data[: int(len(data) * share)])
    whole.unlink()
    return cut


def truncated_mid_stream(folder: Path) -> list[Path]:
    """A phone clip cut at 60% of its bytes (an interrupted copy); its index (moov) is at the
    front, as in a clip written with +faststart, so the frames before the cut can be read."""
    whole = write_frames(folder / "whole.mp4", runner_frames(2.0))
    return [_cut(whole, folder / "clip.mp4", 0.6)]


def truncated_index_lost(folder: Path) -> list[Path]:
    """A recording cut off before the phone wrote its index (moov at the end): no frame can be
    found without it."""
    whole = mux(folder / "whole.mp4", runner_frames(1.0), movflags="")
    return [_cut(whole, folder / "clip.mp4", 0.6)]


def single_frame(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", runner_frames(1.0)[:1])]


def under_one_second(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", runner_frames(0.5))]


def zero_fps(folder: Path) -> list[Path]:
    # with B-frames the file keeps its composition offsets (ctts) once the durations are 0, and
    # every frame gets one time; without, FFmpeg's demuxer spaces the frames itself
    path = write_frames(folder / "clip.mp4", grey_frames(10), bframes=3)
    zero_frame_durations(path)
    return [path]


def absurd_fps(folder: Path) -> list[Path]:
    """Frames 1/90000 s apart (one tick of MPEG's clock): 90,000 frames a second."""
    return [write_frames(folder / "clip.mp4", grey_frames(10), times=np.arange(10) / 90000)]


#: variable frame rate: frame intervals in 60ths of a second, as a phone's encoder drifts
VFR_TICKS = (2, 1, 2, 2, 3, 1, 2, 2, 1, 3, 2, 2)


def variable_frame_rate(folder: Path) -> list[Path]:
    """A 2 s run rendered at 60 fps, of which frames 17-50 ms apart are kept (about 37 fps),
    each with its own time."""
    frames = runner_frames(2.0, fps=60.0)
    ticks = np.cumsum((0, *VFR_TICKS * 20))
    ticks = ticks[ticks < len(frames)]
    return [write_frames(folder / "clip.mp4", [frames[k] for k in ticks], fps=60.0,
                         times=ticks / 60.0)]


def ultra_hd(folder: Path) -> list[Path]:
    """3840 x 2160: the runner rendered at 640 x 360 and scaled up (the model sees the same
    picture; decoding and memory see 4K)."""
    frames = [cv2.resize(f, (3840, 2160), interpolation=cv2.INTER_LINEAR)
              for f in runner_frames(0.5, width=640, height=360)]
    return [write_frames(folder / "clip.mp4", frames, preset="ultrafast")]


def slow_motion_240(folder: Path) -> list[Path]:
    """Half a second filmed at 240 fps, stored to play at 30 (8 times slower) with the capture
    rate Android writes."""
    frames = runner_frames(0.5, fps=240.0)
    return [mux(folder / "clip.mp4", frames, fps=30,
                tags={"com.android.capture.fps": "240.000000"})]


def portrait_rotated(folder: Path) -> list[Path]:
    """A portrait phone clip: stored landscape, turned upright by the display matrix."""
    upright = runner_frames(1.0, width=HEIGHT, height=WIDTH)
    stored = [np.ascontiguousarray(np.rot90(f, k=1)) for f in upright]  # turned back to show
    path = write_frames(folder / "clip.mp4", stored)
    set_rotation(path, ROTATE_CLOCKWISE)
    return [path]


def very_dark(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", darkened(runner_frames(1.0)))]


def overlays_burnt_in(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", with_overlays(runner_frames(1.5)))]


def heavy_motion_blur(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", motion_blurred(runner_frames(1.0)))]


def nobody(folder: Path) -> list[Path]:
    """The park with nobody in it: the scenery of a static clip the runner crossed."""
    scenery = background(runner_frames(1.0, camera="static", style=SceneStyle(noise_sigma=0)))
    rng = np.random.default_rng(0)
    frames = [np.clip(scenery + rng.normal(0, 2, scenery.shape), 0, 255).astype(np.uint8)
              for _ in range(10)]
    return [write_frames(folder / "clip.mp4", frames)]


def entering_late_leaving_early(folder: Path) -> list[Path]:
    """A static camera with a narrower view than the path the runner covers: the middle half
    of a 640 px wide static clip, which the runner enters about half a second in and leaves
    about half a second before the end."""
    frames = runner_frames(2.0, camera="static", width=2 * WIDTH)
    return [write_frames(folder / "clip.mp4",
                         [np.ascontiguousarray(f[:, WIDTH // 2: WIDTH // 2 + WIDTH])
                          for f in frames])]


def crossing(folder: Path, *, bframes: int = 0) -> list[Path]:
    """Two runners crossing, encoded as posecheck writes (no B-frames) or with ``bframes``.
    The same frames encoded both ways once split the runners' tracks differently where they
    cross (our runner found in 50% or 73% of the frames): the encoder's noise decided which
    runner the one fit seen there went to. Tracks now follow the way each runner faces
    (posecheck/tracking.py), so both encodings must follow ours."""
    return [write_frames(folder / "clip.mp4", two_runners_crossing(), bframes=bframes)]


def hidden_for_a_second(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", hidden(runner_frames(2.5), 0.75, 1.75))]


def feet_out_of_frame(folder: Path) -> list[Path]:
    """The picture cut at the shins: the bottom 68 rows of a 180 px frame left out."""
    return [write_frames(folder / "clip.mp4",
                         [np.ascontiguousarray(f[:112]) for f in runner_frames(1.0)])]


def standing(folder: Path) -> list[Path]:
    return [write_frames(folder / "clip.mp4", standing_still(1.0))]


def filmed_from(view: str):
    """The input maker of a runner filmed along the path: 1.5 s of level running towards a
    tripod on the path ("front": from 11 m to 6 m away) or away from it ("behind"), the
    closest figure 62% of the frame height."""
    def make(folder: Path) -> list[Path]:
        return [write_frames(folder / "clip.mp4",
                             runner_frames(1.5, camera="static", view=view))]
    return make


def walking(folder: Path) -> list[Path]:
    """A walk (1.4 m/s, 110 steps/min, each foot down 60% of the stride: double support, no
    flight), followed by the panning camera for 3 s (five or six steps). 640 x 360: at 320 x
    180 the walker's legs are under 80 px and their foot events too unsure to count on."""
    return [write_frames(folder / "clip.mp4",
                         runner_frames(3.0, width=2 * WIDTH, height=2 * HEIGHT, **WALKING))]


def runner_clip(folder: Path, seconds: float = 1.0, name: str = "clip.mp4") -> list[Path]:
    return [write_frames(folder / name, runner_frames(seconds))]


def unicode_and_spaces(folder: Path) -> list[Path]:
    clips = folder / "ñandú 走る"
    clips.mkdir()
    return runner_clip(clips, name="my run é 🏃.mp4")


def output_exists(folder: Path) -> list[Path]:
    """A runner clip; the output folder (``out`` beside the inputs' folder) already holds an
    earlier run's outputs (analysis.json, annotated.mp4, a key frame) and the user's notes."""
    out = folder.parent / "out"
    (out / "key_frames").mkdir(parents=True)
    (out / "analysis.json").write_text('{"old": true}\n')
    (out / "annotated.mp4").write_bytes(b"an earlier run's video")
    (out / "key_frames" / "strike_09_left.jpg").write_bytes(b"an earlier run's still")
    (out / "notes.txt").write_text("my notes\n")
    return runner_clip(folder)


def html_breaking(folder: Path) -> list[Path]:
    """A file name and a title tag that would break a page that did not escape them."""
    return [mux(folder / html_breaking_name(), runner_frames(1.0),
                tags={"title": "</title><script>alert('title')</script>"})]
