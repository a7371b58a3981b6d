"""Key frames: one still per foot strike and a contact sheet of them all.

A strike's still is two pictures side by side, cropped around the runner with the same box and
resized to ``panel_height_px``: the contact frame with the knee, the foot's offset from the
centre of mass and the arm, and the mid-stance frame with the lean, the trunk and the waist. A
caption under them says which strike it is and gives its numbers in their verdict colours. The
marks are drawn after cropping, at the still's own scale, so a small runner in a 4K frame gets
the same legible labels as a large one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from posecheck.annotate.compose import CONTACT, STANCE, TeachingPainter
from posecheck.annotate.draw import (
    BACKING_RGB,
    RGB,
    VERDICT_RGB,
    WHITE,
    Point,
    draw_text_into,
    fmt_deg,
    fmt_number,
    text_size,
)
from posecheck.annotate.strikes import Strike

CAPTION_BACKGROUND: RGB = (24, 24, 24)


def crop_box(point_sets: Sequence[np.ndarray], width_px: int, height_px: int, *,
             side_pad: float = 0.45,  # each side, in body heights: room for the labels
             top_pad: float = 0.12,  # over the head: the lean line's label
             bottom_pad: float = 0.2,  # under the feet: the ground line and the offset label
             ) -> tuple[int, int, int, int] | None:
    """(x0, y0, x1, y1) around every finite point of ``point_sets`` (arrays (..., 2) of image
    pixels), padded by shares of the points' height, kept inside the frame; None when no point
    is finite."""
    points = np.concatenate([np.asarray(p, dtype=float).reshape(-1, 2) for p in point_sets])
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) == 0:
        return None
    (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
    body = max(y1 - y0, 1.0)
    box = [x0 - side_pad * body, y0 - top_pad * body, x1 + side_pad * body,
           y1 + bottom_pad * body]
    box = [math.floor(box[0]), math.floor(box[1]), math.ceil(box[2]), math.ceil(box[3])]
    return _inside(box, width_px, height_px)


def _inside(box: list[int], width_px: int, height_px: int) -> tuple[int, int, int, int]:
    """The box moved inside the frame (and cut to it where it is larger)."""
    x0, y0, x1, y1 = box
    w, h = min(x1 - x0, width_px), min(y1 - y0, height_px)
    x0 = min(max(x0, 0), width_px - w)
    y0 = min(max(y0, 0), height_px - h)
    return x0, y0, x0 + w, y0 + h


def _crop(frame_rgb: np.ndarray | None, box: tuple[int, int, int, int],
          scale: float) -> np.ndarray:
    """The box of ``frame_rgb`` resized by ``scale``; a dark picture when there is no frame."""
    x0, y0, x1, y1 = box
    size = (max(1, round((x1 - x0) * scale)), max(1, round((y1 - y0) * scale)))
    if frame_rgb is None:
        return np.full((size[1], size[0], 3), 32, dtype=np.uint8)
    crop = frame_rgb[y0:y1, x0:x1]
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    return np.ascontiguousarray(cv2.resize(crop, size, interpolation=interpolation))


def strike_pair(strike: Strike, contact_rgb: np.ndarray | None, stance_rgb: np.ndarray | None,
                keypoints: tuple[np.ndarray | None, np.ndarray | None],
                near_sides: tuple[str, str], *, panel_height_px: int = 640) -> np.ndarray:
    """The contact and mid-stance pictures of ``strike`` side by side (RGB). ``keypoints``:
    the (33, 2) pose at each of the two frames (None when unknown), ``near_sides`` the side
    facing the camera at each. A frame that is None is drawn dark with the unknown mark."""
    frame = contact_rgb if contact_rgb is not None else stance_rgb
    if frame is None:
        height, width = panel_height_px, panel_height_px
    else:
        height, width = frame.shape[:2]
    sets = [k for k in keypoints if k is not None]
    sets += [np.array([p]) for p in _strike_points(strike)]
    box = crop_box(sets, width, height) or (0, 0, width, height)
    scale = panel_height_px / (box[3] - box[1])

    def move(p: Point) -> Point:
        return (p[0] - box[0]) * scale, (p[1] - box[1]) * scale

    local = strike.mapped(move, scale)
    pictures = []
    for rgb, kp, side, phase in zip((contact_rgb, stance_rgb), keypoints, near_sides,
                                    (CONTACT, STANCE)):
        picture = _crop(rgb, box, scale)
        painter = TeachingPainter(picture.shape[1], picture.shape[0],
                                  factor=panel_height_px / 720.0)
        if rgb is None or (phase == STANCE and strike.stance is None):
            painter.unknown.draw_into(picture, (picture.shape[1] / 2, picture.shape[0] / 2))
        else:
            if kp is not None:
                moved = (np.asarray(kp, dtype=float) - np.array(box[:2])) * scale
                picture = painter.skeleton(picture, moved, side)
            painter.marks_into(picture, local, phase)
        pictures.append(picture)
    gap = np.full((panel_height_px, max(2, panel_height_px // 160), 3), BACKING_RGB,
                  dtype=np.uint8)
    return np.hstack([pictures[0], gap, pictures[1]])


def _strike_points(strike: Strike) -> list[Point]:
    marks = [strike.contact] + ([strike.stance] if strike.stance is not None else [])
    return [getattr(m, name) for m in marks for name in ("foot_px", "com_px")]


def caption_parts(strike: Strike) -> tuple[str, list[tuple[str, RGB]]]:
    """The caption of a strike's still: a title, and its numbers each in its verdict colour."""
    side = "" if strike.near else " (far side)"
    title = f"Strike {strike.number} \u00b7 {strike.foot} foot{side} \u00b7 " \
            f"{fmt_number(strike.time_s, '.2f', ' s')}"
    c, s = strike.contact, strike.stance
    parts = [(f"knee {fmt_deg(c.knee_flexion_deg)}", VERDICT_RGB[c.knee_verdict]),
             (f"foot {fmt_number(c.landing_leg, '+.2f', ' leg')}",
              VERDICT_RGB[c.landing_verdict])]
    if s is not None:
        parts += [(f"lean {fmt_deg(s.lean_slope_deg, signed=True)} vs slope",
                   VERDICT_RGB[s.lean_verdict]),
                  (f"waist {fmt_deg(s.waist_deg)}", VERDICT_RGB[s.waist_verdict])]
    return title, parts


def caption_text(strike: Strike) -> str:
    """The caption as one plain line (for the key-frame records)."""
    title, parts = caption_parts(strike)
    return f"{title}: " + ", ".join(text for text, _ in parts)


def caption_bar(width_px: int, title: str, parts: Sequence[tuple[str, RGB]], *,
                text_px: int) -> np.ndarray:
    """A dark bar ``width_px`` wide: the title in white, then the parts in their colours,
    wrapped onto as many lines as they need."""
    gap = text_px
    pad = max(2, text_px // 3)
    lines: list[list[tuple[str, RGB]]] = [[(title, WHITE)], []]
    used = 0
    for text, rgb in parts:
        width = text_size(text, text_px)[0]
        if lines[-1] and used + gap + width > width_px - 2 * pad:
            lines.append([])
            used = 0
        lines[-1].append((text, rgb))
        used += width + gap
    lines = [line for line in lines if line]
    line_height = text_size("Ag", text_px)[1]
    bar = np.full((len(lines) * line_height + 2 * pad, width_px, 3), CAPTION_BACKGROUND,
                  dtype=np.uint8)
    y = pad
    for line in lines:
        x = pad
        for text, rgb in line:
            draw_text_into(bar, text, (x, y), size_px=text_px, rgb=rgb)
            x += text_size(text, text_px)[0] + gap
        y += line_height
    return bar


def still_image(strike: Strike, pair: np.ndarray) -> np.ndarray:
    """The saved still: the pair over its caption."""
    title, parts = caption_parts(strike)
    text_px = max(12, round(pair.shape[0] / 28))  # 23 px under a 640-px pair
    return np.vstack([pair, caption_bar(pair.shape[1], title, parts, text_px=text_px)])


def sheet_tile(strike: Strike, pair: np.ndarray, *, tile_width_px: int = 480) -> np.ndarray:
    """A strike's cell of the contact sheet: its pair resized to ``tile_width_px`` over its
    caption (text 1/30 of the width: 16 px on a 480-px tile, four tiles across a 1080p
    screen)."""
    scale = tile_width_px / pair.shape[1]
    small = cv2.resize(pair, (tile_width_px, max(1, round(pair.shape[0] * scale))),
                       interpolation=cv2.INTER_AREA)
    head, parts = caption_parts(strike)
    return np.vstack([small, caption_bar(tile_width_px, head, parts,
                                         text_px=_sheet_text_px(tile_width_px))])


class PackedTile:
    """A contact-sheet tile kept PNG-compressed (lossless, about a third of its pixels' size)
    until the sheet is made: it reads as an array (``np.asarray``), and ``shape`` is the
    image's. A long clip's sheet holds 48 tiles of about 0.5 MB each."""

    __slots__ = ("shape", "_png")

    def __init__(self, rgb: np.ndarray) -> None:
        ok, png = cv2.imencode(".png", rgb, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        if not ok:
            raise ValueError(f"a tile of shape {rgb.shape} could not be compressed")
        self.shape, self._png = rgb.shape, png

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        rgb = cv2.imdecode(self._png, cv2.IMREAD_UNCHANGED)  # the channels as they were given
        return rgb if dtype is None else rgb.astype(dtype)


def _sheet_text_px(tile_width_px: int) -> int:
    return max(11, tile_width_px // 30)


def contact_sheet(tiles: Sequence[np.ndarray | PackedTile], *, title: str,
                  summary: Sequence[tuple[str, RGB]], columns: int = 4,
                  gutter_px: int = 8) -> np.ndarray:
    """The tiles (:func:`sheet_tile`, one width) in a grid ``columns`` wide, ``gutter_px``
    apart, under a header with ``title`` and the clip's ``summary`` (text, colour) parts.
    :class:`PackedTile` tiles are unpacked one at a time, as each is put in place."""
    tile_width = tiles[0].shape[1] if len(tiles) else 480
    text_px = _sheet_text_px(tile_width)
    columns = max(1, min(columns, len(tiles)))
    stride = tile_width + gutter_px
    width = columns * stride - gutter_px
    header = caption_bar(width, title, summary, text_px=round(text_px * 1.3))
    if not len(tiles):
        return np.vstack([header, caption_bar(width, "no foot strikes to show", [],
                                              text_px=text_px)])
    cell_height = max(tile.shape[0] for tile in tiles)
    n_rows = -(-len(tiles) // columns)
    # one image filled in place: 48 tiles of a 1080p clip make a sheet of 22 MB, which rows
    # stacked afterwards would hold twice
    sheet = np.empty((header.shape[0] + n_rows * (cell_height + gutter_px), width, 3), np.uint8)
    sheet[: header.shape[0]] = header
    sheet[header.shape[0]:] = BACKING_RGB
    for k, tile in enumerate(tiles):
        top = header.shape[0] + (k // columns) * (cell_height + gutter_px) + gutter_px
        left = (k % columns) * stride
        sheet[top:top + tile.shape[0], left:left + tile_width] = tile
    return sheet
