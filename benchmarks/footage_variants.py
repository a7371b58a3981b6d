"""posecheck on altered copies of the hand-labelled real clips: footage it has not seen.

Phones and editors hand posecheck the same run in many shapes. Each labelled clip of
``../shared/data/clips`` (by default the three whose runner stays large and in view throughout)
is re-encoded, in a temporary folder that is deleted afterwards, as:

- ``mirror``: flipped left to right (the runner goes the other way);
- ``overlay``: a title bar across the top and a logo in a corner, burned in;
- ``pillarbox``: a portrait clip placed in a landscape 1280 x 720 frame with black bars (or a
  landscape one letterboxed into 720 x 1280), as a phone's editor exports it;
- ``small``: the picture shrunk to 40% inside a grey frame of the original size (a runner a
  fifth of the frame high or less, filmed from far away);
- ``compressed``: half the width and height, each frame through JPEG at quality 12 (blocks and
  smeared edges, as a clip sent through a messaging app arrives);
- ``dusk``: underexposed (a third of the light, gamma 1.3), with sensor noise (sigma 6 levels)
  and a 7 px horizontal motion blur (a phone's long shutter in poor light); ``dim``, ``noisy``
  and ``blurred``: each of the three alone.

None moves the picture in time, so every copy is scored against its clip's hand labels with
:func:`real_clips.score_clip`: the runner found, IC and TO within one frame, missed contacts,
cadence against the labelled one, the warnings. Nothing was tuned on these copies.

    python benchmarks/footage_variants.py [--clip NAME] [--variant NAME]
"""

from __future__ import annotations

import argparse
import functools
import sys
import tempfile
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from real_clips import CLIPS, header, score_clip  # noqa: E402

from posecheck.validation.labels import load_labels  # noqa: E402
from posecheck.video import iter_frames, probe  # noqa: E402

DEFAULT_CLIPS = ("treadmill-side-male", "riverside-follow-portrait", "treadmill-overstride-right")
GREY = 90


def mirror(rgb: np.ndarray, time_s: float) -> np.ndarray:
    return rgb[:, ::-1]


def overlay(rgb: np.ndarray, time_s: float) -> np.ndarray:
    out = rgb.copy()
    height, width = out.shape[:2]
    bar = max(int(height * 0.08), 20)
    cv2.rectangle(out, (0, 0), (width, bar), (20, 20, 160), -1)
    cv2.putText(out, f"RUN CLUB  session 3  {time_s:5.2f} s", (10, int(bar * 0.7)),
                cv2.FONT_HERSHEY_SIMPLEX, bar / 55, (255, 255, 255), 2)
    radius = max(min(width, height) // 14, 12)
    centre = (width - 2 * radius, height - 2 * radius)
    cv2.circle(out, centre, radius, (250, 200, 0), -1)
    cv2.putText(out, "LOGO", (centre[0] - radius + 4, centre[1] + 6), cv2.FONT_HERSHEY_SIMPLEX,
                radius / 60, (0, 0, 0), 2)
    return out


def pillarbox(rgb: np.ndarray, time_s: float) -> np.ndarray:
    height, width = rgb.shape[:2]
    out_w, out_h = (1280, 720) if height > width else (720, 1280)
    scale = min(out_w / width, out_h / height)
    w, h = int(width * scale) // 2 * 2, int(height * scale) // 2 * 2
    out = np.zeros((out_h, out_w, 3), np.uint8)
    x0, y0 = (out_w - w) // 2, (out_h - h) // 2
    out[y0:y0 + h, x0:x0 + w] = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    return out


def small(rgb: np.ndarray, time_s: float, scale: float = 0.4) -> np.ndarray:
    height, width = rgb.shape[:2]
    w, h = int(width * scale) // 2 * 2, int(height * scale) // 2 * 2
    out = np.full_like(rgb, GREY)
    x0, y0 = (width - w) // 2, height - h - height // 30  # low in the frame, as on a path
    out[y0:y0 + h, x0:x0 + w] = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    return out


def compressed(rgb: np.ndarray, time_s: float, scale: float = 0.5, quality: int = 12) -> np.ndarray:
    height, width = rgb.shape[:2]
    w, h = int(width * scale) // 2 * 2, int(height * scale) // 2 * 2
    half = cv2.resize(rgb, (w, h), interpolation=cv2.INTER_AREA)
    ok, jpeg = cv2.imencode(".jpg", half, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED)


def dusk(rgb: np.ndarray, time_s: float, light: float = 1 / 3, gamma: float = 1.3,
         noise: float = 6.0, blur_px: int = 7) -> np.ndarray:
    dim = 255.0 * (light * rgb.astype(np.float32) / 255.0) ** gamma
    kernel = np.full((1, blur_px), 1.0 / blur_px, np.float32)
    blurred = cv2.filter2D(dim, -1, kernel, borderType=cv2.BORDER_REFLECT)
    # the same noise for the same frame time, run to run
    rng = np.random.default_rng(int(round(time_s * 1000)))
    noisy = blurred + rng.normal(0.0, noise, blurred.shape).astype(np.float32)
    return np.clip(noisy + 0.5, 0, 255).astype(np.uint8)


VARIANTS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "mirror": mirror, "overlay": overlay, "pillarbox": pillarbox, "small": small,
    "compressed": compressed, "dusk": dusk,
    "dim": functools.partial(dusk, noise=0.0, blur_px=1),
    "noisy": functools.partial(dusk, light=1.0, gamma=1.0, blur_px=1),
    "blurred": functools.partial(dusk, light=1.0, gamma=1.0, noise=0.0)}


def render(source: Path, target: Path, alter: Callable[[np.ndarray, float], np.ndarray]) -> None:
    """``source`` re-encoded (H.264) with every frame (upright, :func:`posecheck.video.iter_frames`)
    passed through ``alter``, at the same frame rate, so its frame ``i`` is the source's frame
    ``i``."""
    rate = Fraction(probe(source).fps).limit_denominator(1001)
    with av.open(str(target), "w") as out:
        stream = None
        for frame in iter_frames(source):
            picture = np.ascontiguousarray(alter(frame.rgb, frame.time_s))
            if stream is None:
                stream = out.add_stream("libx264", rate=rate)
                stream.height, stream.width = picture.shape[:2]
                stream.pix_fmt = "yuv420p"
                stream.options = {"crf": "20", "preset": "veryfast"}
            for packet in stream.encode(av.VideoFrame.from_ndarray(picture, format="rgb24")):
                out.mux(packet)
        if stream is not None:
            for packet in stream.encode():
                out.mux(packet)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clip", action="append", help="a clip folder (repeatable; default: "
                        + ", ".join(DEFAULT_CLIPS) + ")")
    parser.add_argument("--variant", action="append", choices=sorted(VARIANTS),
                        help="only this alteration (repeatable)")
    args = parser.parse_args()
    if not CLIPS.exists():
        print(f"skipped: {CLIPS} is absent")
        return 0
    names = args.clip or DEFAULT_CLIPS
    variants = args.variant or list(VARIANTS)
    print(header("clip / variant"))
    with tempfile.TemporaryDirectory(prefix="posecheck-variants-") as tmp:
        for name in names:
            folder = CLIPS / name
            print(score_clip(folder, name=name[:27]), flush=True)
            source = load_labels(folder / "events.json").video
            for variant in variants:
                target = Path(tmp) / f"{name}-{variant}.mp4"
                render(source, target, VARIANTS[variant])
                print(score_clip(folder, target, name=f"  {variant}"), flush=True)
                target.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
