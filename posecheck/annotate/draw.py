"""Drawing primitives the annotators share: verdict colours, text on a dark backing box, lines
with a dark casing, dashed lines, arcs, and the style every annotator scales with its frame.

Frames are RGB uint8 (H, W, 3), as everywhere in posecheck. The ``*_into`` functions draw on the
array they are given (in place); an annotator's ``draw`` copies the frame first.

Colours (Okabe-Ito, safe with the common colour-vision deficiencies):

- good: bluish green (0, 158, 115);
- watch: **yellow** (240, 228, 66), not Okabe-Ito's orange, because orange (230, 159, 0) is
  already the left limbs' colour (:mod:`posecheck.overlay`): an orange "watch" knee arc beside
  an orange left shin would read as part of the leg. Yellow is the palette's next warm colour,
  far from the green of "good" in hue and from the vermillion of "fix" in lightness;
- fix: vermillion (213, 94, 0);
- unknown: grey (160, 160, 160), always with a plain ``?`` where the number would be;
- references that are not judged (gravity's vertical, a straight leg): white, dashed; the
  ground and its normal: reddish purple (204, 121, 167), the palette colour no limb or verdict
  uses.

Text is DejaVu Sans Bold (shipped with matplotlib, a posecheck dependency), which has the
degree sign and the minus sign the Hershey fonts of OpenCV lack; each label sits on a dark
box blended at ``backing_opacity`` so it reads over sky, grass or a bright wall. Rendered text
is cached per (text, size), and drawing blends small patches with numpy: no per-pixel loops.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
import math
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from posecheck.errors import PosecheckError

RGB = tuple[int, int, int]
Point = tuple[float, float]
Box = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive), image pixels

GOOD_RGB: RGB = (0, 158, 115)
WATCH_RGB: RGB = (240, 228, 66)
FIX_RGB: RGB = (213, 94, 0)
UNKNOWN_RGB: RGB = (160, 160, 160)
VERDICT_RGB: dict[str, RGB] = {"good": GOOD_RGB, "watch": WATCH_RGB, "fix": FIX_RGB,
                               "unknown": UNKNOWN_RGB}
REFERENCE_RGB: RGB = (255, 255, 255)
GROUND_RGB: RGB = (204, 121, 167)
BACKING_RGB: RGB = (0, 0, 0)
WHITE: RGB = (255, 255, 255)

#: What stands where a number is unknown.
UNKNOWN_TEXT = "?"
NO_POINT: Point = (math.nan, math.nan)


def _matplotlib_data() -> Path:
    """matplotlib's data folder (``matplotlib.get_data_path()``), found without importing
    matplotlib: the import costs 11 MB of memory, and the analysis draws the teaching video
    before the report plots anything (measured with ``VmRSS`` after ``import
    posecheck.analyze``: 161 MB with it, 150 without)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise PosecheckError("matplotlib is not installed: posecheck draws with its DejaVu font")
    return Path(spec.origin).parent / "mpl-data"


FONT_PATH = _matplotlib_data() / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
AA = cv2.LINE_AA


# ---- style -------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, kw_only=True)
class Style:
    """The style every annotator shares; sizes are for a frame whose short side is 720 px
    (720p landscape, 720x1280 portrait) and :meth:`for_frame` scales them to another frame."""

    line_px: int = 3  # a measure line: thinner than the 4-px near-limb bone it may lie along
    casing_px: int = 1  # dark edge each side: reads on any background, tells a measure from a bone
    reference_px: int = 2  # dashed references (vertical, straight leg): thinner than a measure
    dash_px: int = 10  # dash and gap of a reference line: visibly dashed at phone size
    text_px: int = 20  # font size: capitals ~15 px (2% of the short side), legible on a phone
    pad_px: int = 4  # backing box margin around the text
    gap_px: int = 8  # distance of a label from the point it names
    backing_opacity: float = 0.65  # dark enough for white text on sky, still shows the scene
    wedge_opacity: float = 0.4  # an angle's filled wedge: the colour reads, the limb shows through
    antialias: bool = True  # smooth edges; False draws crisp, pixel-exact lines (small tests)

    @property
    def line_type(self) -> int:
        return AA if self.antialias else cv2.LINE_8

    def scaled(self, factor: float):
        """A copy with every ``*_px`` size multiplied by ``factor`` (at least 1 px)."""
        sizes = {f.name: max(1, round(getattr(self, f.name) * factor))
                 for f in dataclasses.fields(self) if f.name.endswith("_px")}
        return dataclasses.replace(self, **sizes)

    @classmethod
    def for_frame(cls, width_px: int, height_px: int, **style):
        """The default style scaled to a frame by its short side (what a phone shows across
        its width in portrait and across its height in landscape), then ``style`` overrides."""
        factor = min(width_px, height_px) / 720.0
        return dataclasses.replace(cls().scaled(factor), **style)

    def label(self, image: np.ndarray, lines: Sequence[tuple[str, RGB]], anchor_px: Point, *,
              h_align: str = "left", v_align: str = "middle") -> Box | None:
        """:func:`draw_label_into` with this style's text size, padding and backing."""
        return draw_label_into(image, lines, anchor_px, size_px=self.text_px, pad_px=self.pad_px,
                               opacity=self.backing_opacity, h_align=h_align, v_align=v_align)

    def cased_line(self, image: np.ndarray, p0: Point, p1: Point, rgb: RGB) -> None:
        cased_line_into(image, p0, p1, rgb, thickness_px=self.line_px, casing_px=self.casing_px,
                        line_type=self.line_type)

    def reference_line(self, image: np.ndarray, p0: Point, p1: Point,
                       rgb: RGB = REFERENCE_RGB) -> None:
        dashed_line_into(image, p0, p1, rgb, thickness_px=self.reference_px,
                         casing_px=self.casing_px, dash_px=self.dash_px, line_type=self.line_type)

    def arc(self, image: np.ndarray, centre: Point, radius_px: float, from_deg: float,
            to_deg: float, rgb: RGB) -> None:
        arc_into(image, centre, radius_px, from_deg, to_deg, rgb,
                 thickness_px=max(1, self.line_px - 1), casing_px=self.casing_px,
                 line_type=self.line_type)

    def wedge(self, image: np.ndarray, centre: Point, radius_px: float, from_deg: float,
              to_deg: float, rgb: RGB) -> None:
        """The angle between two directions: a filled wedge at ``wedge_opacity`` edged by
        its arc."""
        wedge_into(image, centre, radius_px, from_deg, to_deg, rgb, opacity=self.wedge_opacity,
                   line_type=self.line_type)
        self.arc(image, centre, radius_px, from_deg, to_deg, rgb)


class Annotator(Style):
    """Base of the annotators: ``draw`` returns a new frame, ``draw_into`` draws in place."""

    def draw(self, frame_rgb: np.ndarray, *args, **kwargs) -> np.ndarray:
        """A new (H, W, 3) uint8 frame: a copy of ``frame_rgb`` with :meth:`draw_into`'s
        drawing (same arguments); ``frame_rgb`` itself is not modified."""
        check_frame(frame_rgb)
        out = frame_rgb.copy()
        self.draw_into(out, *args, **kwargs)
        return out

    def draw_into(self, image: np.ndarray, *args, **kwargs) -> None:  # pragma: no cover
        raise NotImplementedError


def check_frame(frame_rgb: np.ndarray) -> None:
    """Raise :class:`PosecheckError` unless ``frame_rgb`` is an (H, W, 3) uint8 array."""
    if not isinstance(frame_rgb, np.ndarray) or frame_rgb.dtype != np.uint8 \
            or frame_rgb.ndim != 3 or frame_rgb.shape[2] != 3:  # fmt: skip
        shape = getattr(frame_rgb, "shape", None)
        dtype = getattr(frame_rgb, "dtype", type(frame_rgb).__name__)
        raise PosecheckError(f"draw: frame_rgb must be a (H, W, 3) uint8 array, got {shape} "
                             f"{dtype}")


# ---- points and angles -------------------------------------------------------------------------

def finite(*points: Point) -> bool:
    """True when every point has finite x and y."""
    return all(p is not None and math.isfinite(p[0]) and math.isfinite(p[1]) for p in points)


def pixel(point: Point) -> tuple[int, int]:
    """Whole-pixel (x, y) of a point."""
    return round(point[0]), round(point[1])


def direction_deg(p0: Point, p1: Point) -> float:
    """Image direction of p0 -> p1 in degrees, OpenCV's arc convention: atan2(dy, dx) with y
    down, so 90 points down the image and -90 up."""
    return math.degrees(math.atan2(p1[1] - p0[1], p1[0] - p0[0]))


def along(p: Point, angle_deg: float, length_px: float) -> Point:
    """The point ``length_px`` from ``p`` in image direction ``angle_deg`` (see
    :func:`direction_deg`)."""
    a = math.radians(angle_deg)
    return p[0] + length_px * math.cos(a), p[1] + length_px * math.sin(a)


def distance(p0: Point, p1: Point) -> float:
    return math.hypot(p1[0] - p0[0], p1[1] - p0[1])


def up_tilted_deg(tilt_forward_deg: float, facing: int) -> float:
    """Image direction of a line tilted ``tilt_forward_deg`` from straight up towards the
    runner's front (``facing`` +1: image right, -1: image left)."""
    return -90.0 + facing * tilt_forward_deg


def ground_direction_deg(ground_deg: float, facing: int) -> float:
    """Image direction of the ground going forward, ``ground_deg`` forward-up positive (NaN is
    drawn level)."""
    g = ground_deg if math.isfinite(ground_deg) else 0.0
    return -g if facing > 0 else 180.0 + g


# ---- formatting ----------------------------------------------------------------------------------

def fmt_deg(value: float, *, signed: bool = False) -> str:
    """``19°`` or ``+7°`` (whole degrees: finer would claim more than the pose gives), ``?``."""
    if not math.isfinite(value):
        return UNKNOWN_TEXT
    whole = round(value) + 0  # + 0: -0 is written 0
    if whole == 0:
        return "0°"
    text = f"{whole:+d}°" if signed else f"{whole:d}°"
    return text.replace("-", "\u2212")  # a real minus sign: as wide as the plus


def fmt_number(value: float, spec: str, unit: str = "") -> str:
    """``value`` formatted by ``spec`` followed by ``unit``; ``?`` when not finite."""
    if not math.isfinite(value):
        return UNKNOWN_TEXT
    return f"{value:{spec}}{unit}".replace("-", "\u2212")


# ---- text ----------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def font(size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_PATH), max(1, int(size_px)))


# 256: the labels drawn again and again (the panel's rows, the marks' units) stay; the time
# shown on every frame never comes back, and 2,048 masks of it held 74 MB at 1080p
@functools.lru_cache(maxsize=256)
def text_mask(text: str, size_px: int) -> np.ndarray:
    """(h, w) float32 coverage in [0, 1] of ``text`` at ``size_px``; h is the font's ascent plus
    descent, so every line of one size has the same height whatever its letters."""
    face = font(size_px)
    ascent, descent = face.getmetrics()
    width = max(1, math.ceil(face.getlength(text)))
    canvas = Image.new("L", (width, ascent + descent), 0)
    ImageDraw.Draw(canvas).text((0, 0), text, font=face, fill=255)
    mask = np.asarray(canvas, dtype=np.float32) / 255.0
    mask.flags.writeable = False
    return mask


def text_size(text: str, size_px: int) -> tuple[int, int]:
    """(width, height) in pixels of ``text`` as :func:`draw_text_into` draws it."""
    height, width = text_mask(text, size_px).shape
    return width, height


def draw_text_into(image: np.ndarray, text: str, top_left_px: tuple[int, int], *, size_px: int,
                   rgb: RGB) -> None:
    """``text`` blended into ``image`` by its coverage, its box's top-left at ``top_left_px``
    (clipped at the image's edges)."""
    mask = text_mask(text, size_px)
    blend_into(image, mask, top_left_px, rgb)


def blend_into(image: np.ndarray, coverage: np.ndarray, top_left_px: tuple[int, int],
               rgb: RGB) -> None:
    """``rgb`` blended into ``image`` with per-pixel weights ``coverage`` (h, w) in [0, 1]."""
    x0, y0 = top_left_px
    h, w = coverage.shape
    ix0, iy0 = max(x0, 0), max(y0, 0)
    ix1, iy1 = min(x0 + w, image.shape[1]), min(y0 + h, image.shape[0])
    if ix1 <= ix0 or iy1 <= iy0:
        return
    weight = coverage[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0, None]
    region = image[iy0:iy1, ix0:ix1].astype(np.float32)
    colour = np.asarray(rgb, dtype=np.float32)
    image[iy0:iy1, ix0:ix1] = np.rint(region + (colour - region) * weight).astype(np.uint8)


@functools.lru_cache(maxsize=64)
def _blend_table(rgb: tuple[float, ...], opacity: float) -> np.ndarray:
    """(1, 256, 3) uint8: each channel's value 0-255 blended with ``rgb`` at ``opacity``, in
    float32 and rounded half to even as :func:`blend_into` rounds."""
    levels = np.arange(256, dtype=np.float32)[:, None]
    colour = np.asarray(rgb, dtype=np.float32)[None, :]
    table = np.rint(levels + (colour - levels) * np.float32(opacity)).astype(np.uint8)
    table.flags.writeable = False
    return table[None]


def fill_box_into(image: np.ndarray, box: Box, rgb: RGB, opacity: float) -> None:
    """The rectangle ``box`` blended with ``rgb`` at ``opacity`` (clipped at the edges).

    One opacity over the whole box, so each output value depends on the input value alone:
    a lookup table (OpenCV's LUT), several times faster than the arithmetic on a panel-sized
    box, with the same result."""
    x0, y0, x1, y1 = box
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, image.shape[1]), min(y1, image.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    table = _blend_table(tuple(float(c) for c in rgb), float(opacity))
    region = image[y0:y1, x0:x1]
    region[...] = cv2.LUT(np.ascontiguousarray(region), table)


def label_box(lines: Sequence[tuple[str, RGB]], anchor_px: Point, image_shape: tuple[int, ...],
              *, size_px: int, pad_px: int, h_align: str = "left",
              v_align: str = "middle") -> Box:
    """Where :func:`draw_label_into` puts its box: ``anchor_px`` is the box's left edge, right
    edge or centre (``h_align``) and top, bottom or middle (``v_align``); the box is then moved
    inside the image when it fits."""
    sizes = [text_size(text, size_px) for text, _ in lines]
    width = max(w for w, _ in sizes) + 2 * pad_px
    height = sum(h for _, h in sizes) + 2 * pad_px
    ax, ay = pixel(anchor_px)
    x0 = {"left": ax, "right": ax - width, "centre": ax - width // 2}[h_align]
    y0 = {"top": ay, "bottom": ay - height, "middle": ay - height // 2}[v_align]
    x0 = min(max(x0, 0), max(image_shape[1] - width, 0))
    y0 = min(max(y0, 0), max(image_shape[0] - height, 0))
    return x0, y0, x0 + width, y0 + height


def draw_label_into(image: np.ndarray, lines: Sequence[tuple[str, RGB]], anchor_px: Point, *,
                    size_px: int, pad_px: int, opacity: float, h_align: str = "left",
                    v_align: str = "middle") -> Box | None:
    """Lines of text (each ``(text, rgb)``, left-aligned, one under the other) on one dark
    backing box placed by :func:`label_box`; returns the box (None when there is no text or the
    anchor is not finite)."""
    lines = [(text, rgb) for text, rgb in lines if text]
    if not lines or not finite(anchor_px):
        return None
    box = label_box(lines, anchor_px, image.shape, size_px=size_px, pad_px=pad_px,
                    h_align=h_align, v_align=v_align)
    fill_box_into(image, box, BACKING_RGB, opacity)
    y = box[1] + pad_px
    for text, rgb in lines:
        draw_text_into(image, text, (box[0] + pad_px, y), size_px=size_px, rgb=rgb)
        y += text_size(text, size_px)[1]
    return box


# ---- lines and arcs ------------------------------------------------------------------------------

def cased_line_into(image: np.ndarray, p0: Point, p1: Point, rgb: RGB, *, thickness_px: int,
                    casing_px: int, line_type: int = AA) -> None:
    """A line in ``rgb`` over a dark line ``casing_px`` wider on each side."""
    if not finite(p0, p1):
        return
    a, b = pixel(p0), pixel(p1)
    if casing_px > 0:
        cv2.line(image, a, b, BACKING_RGB, thickness_px + 2 * casing_px, line_type)
    cv2.line(image, a, b, rgb, thickness_px, line_type)


def dash_segments(p0: Point, p1: Point, dash_px: int) -> list[tuple[Point, Point]]:
    """The dashes of a dashed line p0 -> p1: ``dash_px`` on, ``dash_px`` off, starting at p0."""
    length = distance(p0, p1)
    if length == 0:
        return []
    ux, uy = (p1[0] - p0[0]) / length, (p1[1] - p0[1]) / length
    out = []
    start = 0.0
    while start < length:
        stop = min(start + dash_px, length)
        out.append(((p0[0] + ux * start, p0[1] + uy * start),
                    (p0[0] + ux * stop, p0[1] + uy * stop)))
        start += 2 * dash_px
    return out


def dashed_line_into(image: np.ndarray, p0: Point, p1: Point, rgb: RGB, *, thickness_px: int,
                     casing_px: int, dash_px: int, line_type: int = AA) -> None:
    """A dashed line (see :func:`dash_segments`), cased like :func:`cased_line_into` (all the
    casing first, so a dash's casing never covers its neighbour)."""
    if not finite(p0, p1):
        return
    segments = dash_segments(p0, p1, dash_px)
    if casing_px > 0:
        for a, b in segments:
            cv2.line(image, pixel(a), pixel(b), BACKING_RGB, thickness_px + 2 * casing_px,
                     line_type)
    for a, b in segments:
        cv2.line(image, pixel(a), pixel(b), rgb, thickness_px, line_type)


def arc_span(from_deg: float, to_deg: float) -> tuple[float, float]:
    """(start, end) degrees, end >= start, of the shorter arc between two image directions."""
    turn = (to_deg - from_deg + 540.0) % 360.0 - 180.0
    start = from_deg if turn >= 0 else from_deg + turn
    return start, start + abs(turn)


def arc_into(image: np.ndarray, centre: Point, radius_px: float, from_deg: float, to_deg: float,
             rgb: RGB, *, thickness_px: int, casing_px: int, line_type: int = AA) -> None:
    """The shorter circular arc between two image directions (:func:`direction_deg`) around
    ``centre``, cased like :func:`cased_line_into`."""
    if not finite(centre) or not (math.isfinite(from_deg) and math.isfinite(to_deg)):
        return
    radius = round(radius_px)
    if radius < 1:
        return
    start, end = arc_span(from_deg, to_deg)
    c = pixel(centre)
    if casing_px > 0:
        cv2.ellipse(image, c, (radius, radius), 0.0, start, end, BACKING_RGB,
                    thickness_px + 2 * casing_px, line_type)
    cv2.ellipse(image, c, (radius, radius), 0.0, start, end, rgb, thickness_px, line_type)


def wedge_into(image: np.ndarray, centre: Point, radius_px: float, from_deg: float,
               to_deg: float, rgb: RGB, *, opacity: float, line_type: int = AA) -> None:
    """The circular sector of the shorter arc between two image directions, filled with
    ``rgb`` blended at ``opacity`` (drawn into a mask of the sector's square only)."""
    if not finite(centre) or not (math.isfinite(from_deg) and math.isfinite(to_deg)):
        return
    radius = round(radius_px)
    if radius < 1:
        return
    cx, cy = pixel(centre)
    x0, y0 = cx - radius - 1, cy - radius - 1
    mask = np.zeros((2 * radius + 3, 2 * radius + 3), dtype=np.uint8)
    start, end = arc_span(from_deg, to_deg)
    cv2.ellipse(mask, (cx - x0, cy - y0), (radius, radius), 0.0, start, end, 255, -1, line_type)
    blend_into(image, mask.astype(np.float32) * (opacity / 255.0), (x0, y0), rgb)
