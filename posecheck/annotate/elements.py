"""The measures drawn on the body at a foot strike, one annotator per element.

Each annotator holds its style (keyword fields, sizes for a 720-px short side; ``for_frame``
scales them) and draws from plain numbers and image points, never from an analysis, so each is
testable on a tiny canvas. A missing point (NaN) draws nothing of the parts that need it; a
missing value draws the geometry with ``?`` in place of the number.

Directions: ``facing`` is +1 when the runner faces image right, -1 image left; angles are the
checks' own (forward positive), whatever way the runner goes. A label goes on the side of the
body where it collides least: lean and trunk behind the runner, the knee in front, the foot's
offset under the ground, the elbow outside its angle.
"""

from __future__ import annotations

import dataclasses
import math

import cv2
import numpy as np

from posecheck.annotate.draw import (
    BACKING_RGB,
    GROUND_RGB,
    NO_POINT,
    RGB,
    UNKNOWN_RGB,
    UNKNOWN_TEXT,
    WHITE,
    Annotator,
    Point,
    along,
    direction_deg,
    distance,
    draw_text_into,
    finite,
    fmt_deg,
    fmt_number,
    ground_direction_deg,
    pixel,
    text_size,
    up_tilted_deg,
)

#: Every annotator is a frozen dataclass whose style fields are keyword-only.
_ANNOTATOR = dataclasses.dataclass(frozen=True, kw_only=True)


def com_marker_into(image: np.ndarray, com_px: Point, radius_px: int, *, casing_px: int,
                    line_type: int) -> None:
    """The centre-of-mass symbol: a white disc with two opposite quarters dark, the symbol
    engineering drawings use, edged dark."""
    if not finite(com_px):
        return
    centre, r = pixel(com_px), radius_px
    cv2.circle(image, centre, r + casing_px, BACKING_RGB, -1, line_type)
    cv2.circle(image, centre, r, WHITE, -1, line_type)
    for start in (0, 180):
        cv2.ellipse(image, centre, (r, r), 0.0, start, start + 90, BACKING_RGB, -1, line_type)


def _behind(point: Point, facing: int, gap_px: float) -> tuple[Point, str]:
    """Anchor and horizontal alignment of a label just behind ``point``."""
    return (point[0] - facing * gap_px, point[1]), ("right" if facing > 0 else "left")


def _ahead(point: Point, facing: int, gap_px: float) -> tuple[Point, str]:
    """Anchor and horizontal alignment of a label just in front of ``point``."""
    return (point[0] + facing * gap_px, point[1]), ("left" if facing > 0 else "right")


@_ANNOTATOR
class GroundLineAnnotator(Annotator):
    """The ground under the contact foot at its slope, with the slope written under one end;
    an unknown slope is drawn level, dashed and grey, with ``slope ?``."""

    def draw_into(self, image: np.ndarray, foot_px: Point, *, ground_deg: float, slope_deg: float,
                  facing: int, half_length_px: float, label_end: str | None = "front") -> None:
        """``foot_px``: where the foot meets the ground; ``ground_deg``: the ground's angle in
        the image, forward-up positive (the slope plus the camera's roll; NaN: unknown);
        ``slope_deg``: the slope written (negative downhill); ``half_length_px``: how far the
        line reaches each side of the foot; ``label_end``: ``"front"`` or ``"back"``, the end
        the slope is written under, None for no label (where another label needs the room)."""
        if not finite(foot_px):
            return
        direction = ground_direction_deg(ground_deg, facing)
        front = along(foot_px, direction, half_length_px)
        back = along(foot_px, direction, -half_length_px)
        if math.isfinite(ground_deg):
            self.cased_line(image, back, front, GROUND_RGB)
            text, rgb = f"slope {fmt_deg(slope_deg)}", GROUND_RGB
        else:
            self.reference_line(image, back, front, UNKNOWN_RGB)
            text, rgb = f"slope {UNKNOWN_TEXT}", UNKNOWN_RGB
        if label_end is None:
            return
        end = front if label_end == "front" else back
        self.label(image, [(text, rgb)], (end[0], end[1] + self.gap_px), h_align="centre",
                   v_align="top")


@_ANNOTATOR
class LeanAnnotator(Annotator):
    """The whole-body lean: a line from the stance foot's contact point (midfoot) through the
    centre of mass, the vertical (white) and the slope normal (purple) from the same point,
    dashed, the wedge from the reference the verdict reads (the slope normal; the vertical when
    the slope is unknown) to the lean, and the angles against the slope normal and against the
    vertical."""

    reach: float = 1.15  # the line runs on just past the CoM, clear of the trunk line above it
    wedge_fraction: float = 0.45  # wedge radius as a share of the foot-CoM distance
    marker_radius_px: int = 7  # the CoM symbol, a little wider than a joint dot

    def draw_into(self, image: np.ndarray, foot_px: Point, com_px: Point, *,
                  lean_vertical_deg: float, lean_slope_deg: float, slope_deg: float, facing: int,
                  rgb: RGB, label_px: Point = NO_POINT) -> None:
        """``lean_vertical_deg`` / ``lean_slope_deg``: the lean against the vertical and the
        slope normal (forward positive); ``slope_deg``: the ground's slope (negative downhill,
        NaN unknown: no normal drawn); ``rgb``: the verdict colour; ``label_px``: where the
        label's body-side edge goes (default: just behind the line's top)."""
        if not finite(foot_px, com_px) or distance(foot_px, com_px) < 1:
            return
        length = distance(foot_px, com_px) * self.reach
        lean_dir = direction_deg(foot_px, com_px)
        reference = vertical = up_tilted_deg(0.0, facing)
        self.reference_line(image, foot_px, along(foot_px, vertical, length))
        if math.isfinite(slope_deg):
            reference = up_tilted_deg(-slope_deg, facing)
            if slope_deg != 0:
                self.reference_line(image, foot_px, along(foot_px, reference, length),
                                    GROUND_RGB)
        top = along(foot_px, lean_dir, length)
        self.wedge(image, foot_px, self.wedge_fraction * length / self.reach, reference,
                   lean_dir, rgb)
        self.cased_line(image, foot_px, top, rgb)
        com_marker_into(image, com_px, self.marker_radius_px, casing_px=self.casing_px,
                        line_type=self.line_type)
        anchor, h_align = _behind(top, facing, self.gap_px)
        lines = [(f"lean {fmt_deg(lean_slope_deg, signed=True)} vs slope", rgb),
                 (f"{fmt_deg(lean_vertical_deg, signed=True)} vs vertical", WHITE)]
        if not math.isfinite(slope_deg):
            lines = [(f"lean {fmt_deg(lean_vertical_deg, signed=True)} vs vertical", rgb),
                     (f"slope {UNKNOWN_TEXT}", UNKNOWN_RGB)]
        self.label(image, lines, label_px if finite(label_px) else anchor, h_align=h_align)


@_ANNOTATOR
class TrunkAnnotator(Annotator):
    """The trunk (hip to shoulder), the lower body's line (stance ankle to hip) carried on past
    the hip (dashed), the waist's bend between them as a wedge, and the trunk angle and the
    waist bend."""

    reach: float = 1.1  # the trunk line ends just past the shoulders
    leg_line_fraction: float = 0.7  # the dashed lower-body line, as a share of the trunk length
    wedge_fraction: float = 0.45  # wedge radius as a share of the trunk length

    def draw_into(self, image: np.ndarray, hip_px: Point, shoulder_px: Point,
                  ankle_px: Point = NO_POINT, *, trunk_deg: float, waist_deg: float, facing: int,
                  rgb: RGB, label_px: Point = NO_POINT) -> None:
        """``hip_px`` / ``shoulder_px``: the girdles as the lean check reads them; ``ankle_px``:
        the stance ankle (NaN: no lower-body line or wedge); ``trunk_deg``: trunk against
        vertical, forward positive; ``waist_deg``: trunk minus lower body; ``rgb``: the waist
        verdict colour; ``label_px``: where the label's body-side edge goes (default: just
        behind the hip)."""
        if not finite(hip_px, shoulder_px) or distance(hip_px, shoulder_px) < 1:
            return
        trunk_length = distance(hip_px, shoulder_px)
        trunk_dir = direction_deg(hip_px, shoulder_px)
        if finite(ankle_px) and distance(ankle_px, hip_px) >= 1:
            leg_dir = direction_deg(ankle_px, hip_px)
            self.reference_line(image, hip_px,
                                along(hip_px, leg_dir, self.leg_line_fraction * trunk_length))
            self.wedge(image, hip_px, self.wedge_fraction * trunk_length, leg_dir, trunk_dir, rgb)
        self.cased_line(image, hip_px, along(hip_px, trunk_dir, self.reach * trunk_length), rgb)
        anchor, h_align = _behind(hip_px, facing, self.gap_px)
        self.label(image, [(f"waist {fmt_deg(waist_deg)}", rgb),
                           (f"trunk {fmt_deg(trunk_deg, signed=True)}", WHITE)],
                   label_px if finite(label_px) else anchor, h_align=h_align)


@_ANNOTATOR
class KneeAngleAnnotator(Annotator):
    """Knee flexion: the thigh carried on past the knee (dashed: a straight leg), the wedge from
    it to the shank, and the flexion in degrees (0 = straight)."""

    straight_fraction: float = 0.8  # the dashed straight leg, as a share of the shank length
    wedge_fraction: float = 0.6  # wedge radius as a share of the shank: a 10-deg bend still shows

    def draw_into(self, image: np.ndarray, hip_px: Point, knee_px: Point, ankle_px: Point, *,
                  flexion_deg: float, facing: int, rgb: RGB) -> None:
        """The landing leg's hip, knee and ankle; ``flexion_deg``: 180 minus the hip-knee-ankle
        angle; ``rgb``: the verdict colour."""
        if not finite(hip_px, knee_px, ankle_px):
            return
        shank = distance(knee_px, ankle_px)
        if shank < 1 or distance(hip_px, knee_px) < 1:
            return
        straight = direction_deg(hip_px, knee_px)
        self.reference_line(image, knee_px,
                            along(knee_px, straight, self.straight_fraction * shank))
        self.wedge(image, knee_px, self.wedge_fraction * shank, straight,
                   direction_deg(knee_px, ankle_px), rgb)
        anchor, h_align = _ahead(knee_px, facing, self.gap_px + 0.3 * shank)
        self.label(image, [(f"knee {fmt_deg(flexion_deg)}", rgb)], anchor, h_align=h_align)


@_ANNOTATOR
class PlumbLineAnnotator(Annotator):
    """The centre of mass (the quartered-disc symbol), a plumb line from it to the ground, and
    the landing foot's horizontal offset from it: a bar along the ground to under the ankle,
    labelled in leg lengths (and centimetres when the runner's height is known)."""

    marker_radius_px: int = 7  # the CoM symbol, a little wider than a joint dot
    tick_px: int = 8  # the end marks of the offset bar

    def draw_into(self, image: np.ndarray, com_px: Point, foot_px: Point,
                  ankle_px: Point = NO_POINT, *, ground_deg: float, facing: int,
                  offset_leg: float, offset_m: float, rgb: RGB) -> None:
        """``foot_px``: where the foot meets the ground (the ground line passes through it at
        ``ground_deg``, forward-up positive, NaN level); ``ankle_px``: the landing ankle (NaN:
        no bar); ``offset_leg`` / ``offset_m``: the ankle ahead of the CoM; ``rgb``: the
        verdict colour."""
        if not finite(com_px):
            return
        if finite(foot_px):
            g = math.radians(ground_deg if math.isfinite(ground_deg) else 0.0)
            ground_y = foot_px[1] - facing * math.tan(g) * (com_px[0] - foot_px[0])
            below = (com_px[0], max(ground_y, com_px[1]))
            self.reference_line(image, com_px, below)
            if finite(ankle_px):
                self._offset_bar(image, below, ankle_px[0], offset_leg, offset_m, rgb)
        com_marker_into(image, com_px, self.marker_radius_px, casing_px=self.casing_px,
                        line_type=self.line_type)

    def _offset_bar(self, image: np.ndarray, plumb_foot: Point, ankle_x: float,
                    offset_leg: float, offset_m: float, rgb: RGB) -> None:
        y = plumb_foot[1]
        end = (ankle_x, y)
        self.cased_line(image, plumb_foot, end, rgb)
        for x in (plumb_foot[0], ankle_x):
            self.cased_line(image, (x, y - self.tick_px), (x, y + self.tick_px), rgb)
        text = f"foot {fmt_number(offset_leg, '+.2f', ' leg')}"
        if math.isfinite(offset_m):
            text += f"  {fmt_number(100 * offset_m, '+.0f', ' cm')}"
        middle = ((plumb_foot[0] + ankle_x) / 2, y + self.tick_px + self.gap_px)
        self.label(image, [(text, rgb)], middle, h_align="centre", v_align="top")


@_ANNOTATOR
class ArmAngleAnnotator(Annotator):
    """The arm: the elbow's angle as a wedge between upper arm and forearm, with the elbow angle
    (side view) and the shoulder abduction (the judged measure, from the 3D landmarks)."""

    wedge_fraction: float = 0.35  # wedge radius as a share of the shorter arm segment

    def draw_into(self, image: np.ndarray, shoulder_px: Point, elbow_px: Point, wrist_px: Point,
                  *, elbow_deg: float, abduction_deg: float, rgb: RGB) -> None:
        """The camera-side arm's shoulder, elbow and wrist; ``elbow_deg``: shoulder-elbow-wrist
        (180 = straight); ``abduction_deg``: the arm out from the body; ``rgb``: the arm
        verdict colour."""
        if not finite(shoulder_px, elbow_px, wrist_px):
            return
        upper, fore = distance(elbow_px, shoulder_px), distance(elbow_px, wrist_px)
        if min(upper, fore) < 1:
            return
        radius = self.wedge_fraction * min(upper, fore)
        self.wedge(image, elbow_px, radius, direction_deg(elbow_px, shoulder_px),
                   direction_deg(elbow_px, wrist_px), rgb)
        inside = ((shoulder_px[0] + wrist_px[0]) / 2, (shoulder_px[1] + wrist_px[1]) / 2)
        outward = direction_deg(inside, elbow_px) if distance(inside, elbow_px) > 0 else 90.0
        anchor = along(elbow_px, outward, radius + self.gap_px)
        h_align = "left" if math.cos(math.radians(outward)) >= 0 else "right"
        self.label(image, [(f"elbow {fmt_deg(elbow_deg)}", WHITE),
                           (f"arm out {fmt_deg(abduction_deg)}", rgb)], anchor, h_align=h_align)


@_ANNOTATOR
class UnknownMarkAnnotator(Annotator):
    """The plain mark of something unknown: a grey disc with ``?``, and beside it the reason on
    a backing box (e.g. no foot strikes were found)."""

    def draw_into(self, image: np.ndarray, at_px: Point, *, text: str = "") -> None:
        """The disc centred at ``at_px``; ``text`` (optional) starts just right of it."""
        if not finite(at_px):
            return
        radius = round(0.75 * self.text_px)
        centre = pixel(at_px)
        cv2.circle(image, centre, radius + self.casing_px, BACKING_RGB, -1, self.line_type)
        cv2.circle(image, centre, radius, UNKNOWN_RGB, -1, self.line_type)
        width, height = text_size(UNKNOWN_TEXT, self.text_px)
        draw_text_into(image, UNKNOWN_TEXT, (centre[0] - width // 2, centre[1] - height // 2),
                       size_px=self.text_px, rgb=BACKING_RGB)
        if text:
            self.label(image, [(text, WHITE)], (at_px[0] + radius + self.gap_px, at_px[1]))
