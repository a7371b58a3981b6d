"""The teaching video's drawing: each annotator against the same picture drawn with plain calls
(OpenCV primitives, the font's own rendering, or pixels set by hand) on a small canvas; and the
per-strike geometry and values from a synthetic runner whose landmarks are exact."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from posecheck import kinematics as kin
from posecheck.annotate import draw as d
from posecheck.annotate.compose import CONTACT, NONE, STANCE, TeachingPainter, Timeline
from posecheck.annotate.elements import (
    ArmAngleAnnotator,
    GroundLineAnnotator,
    KneeAngleAnnotator,
    LeanAnnotator,
    PlumbLineAnnotator,
    TrunkAnnotator,
    UnknownMarkAnnotator,
    com_marker_into,
)
from posecheck.annotate.panel import PanelAnnotator, PanelRow
from posecheck.annotate.strikes import (
    FORMATS,
    ContactMarks,
    StanceMarks,
    Strike,
    step_verdicts,
    strikes_from_analysis,
)
from posecheck.checks.finding import Finding, Measure
from posecheck.errors import PosecheckError
from posecheck.landmarks import INDEX
from posecheck.result import Analysis
from support.analyses import analysis_from_truth

GREEN, YELLOW, GREY = d.GOOD_RGB, d.WATCH_RGB, d.UNKNOWN_RGB
WHITE, BLACK, PURPLE = d.WHITE, d.BACKING_RGB, d.GROUND_RGB
NAN = (math.nan, math.nan)
#: A small style: sizes that fit a 120 x 80 canvas.
SMALL = {"line_px": 2, "casing_px": 1, "reference_px": 1, "dash_px": 4, "text_px": 10,
         "pad_px": 2, "gap_px": 4}


def blank(height: int = 80, width: int = 120, value: int = 40) -> np.ndarray:
    return np.full((height, width, 3), value, dtype=np.uint8)


def label(image, lines, anchor, *, h_align="left", v_align="middle", style=SMALL) -> None:
    d.draw_label_into(image, lines, anchor, size_px=style["text_px"], pad_px=style["pad_px"],
                      opacity=0.65, h_align=h_align, v_align=v_align)


def line(image, p0, p1, rgb, style=SMALL) -> None:
    d.cased_line_into(image, p0, p1, rgb, thickness_px=style["line_px"],
                      casing_px=style["casing_px"])


def dashed(image, p0, p1, rgb=WHITE, style=SMALL) -> None:
    d.dashed_line_into(image, p0, p1, rgb, thickness_px=style["reference_px"],
                       casing_px=style["casing_px"], dash_px=style["dash_px"])


def wedge(image, centre, radius, start, end, rgb, style=SMALL) -> None:
    d.wedge_into(image, centre, radius, start, end, rgb, opacity=0.4)
    d.arc_into(image, centre, radius, start, end, rgb, thickness_px=style["line_px"] - 1,
               casing_px=style["casing_px"])


# ---- primitives ----------------------------------------------------------------------------------

def test_text_is_the_fonts_own_rendering():
    face = ImageFont.truetype(str(d.FONT_PATH), 14)
    ascent, descent = face.getmetrics()
    canvas = Image.new("L", (math.ceil(face.getlength("knee 19°")), ascent + descent), 0)
    ImageDraw.Draw(canvas).text((0, 0), "knee 19°", font=face, fill=255)
    np.testing.assert_array_equal(d.text_mask("knee 19°", 14),
                                  np.asarray(canvas, dtype=np.float32) / 255)


def test_the_font_is_matplotlibs_found_without_importing_it():
    import matplotlib

    assert d.FONT_PATH == Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans-Bold.ttf"
    assert d.FONT_PATH.is_file()
    # the analysis, which draws before it plots, does not load matplotlib until the report
    probe = ("import sys, posecheck.analyze; "
             "sys.exit('matplotlib' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", probe], timeout=120).returncode == 0


def test_label_is_text_on_a_blended_dark_box():
    out = blank()
    box = d.draw_label_into(out, [("lean", GREEN)], (10, 30), size_px=12, pad_px=3,
                            opacity=0.5, h_align="left", v_align="middle")
    mask = d.text_mask("lean", 12)
    h, w = mask.shape[0] + 6, mask.shape[1] + 6
    assert box == (10, 30 - h // 2, 10 + w, 30 - h // 2 + h)
    expected = blank().astype(np.float32)
    expected[box[1]:box[3], box[0]:box[2]] = 20.0  # 40 blended half-way to black
    patch = expected[box[1] + 3:box[1] + 3 + mask.shape[0], 13:13 + mask.shape[1]]
    patch += (np.array(GREEN, np.float32) - patch) * mask[..., None]
    np.testing.assert_array_equal(out, np.rint(expected).astype(np.uint8))


def test_label_is_kept_inside_the_frame():
    out = blank()
    box = d.draw_label_into(out, [("a long label", WHITE)], (115, 2), size_px=10, pad_px=2,
                            opacity=0.65)
    assert box[0] >= 0 and box[1] >= 0 and box[2] <= 120 and box[3] <= 80


def test_cased_line_is_a_dark_line_under_a_coloured_one():
    out = blank()
    d.cased_line_into(out, (10.4, 10), (100, 60.6), YELLOW, thickness_px=3, casing_px=2)
    expected = blank()
    cv2.line(expected, (10, 10), (100, 61), BLACK, 7, cv2.LINE_AA)
    cv2.line(expected, (10, 10), (100, 61), YELLOW, 3, cv2.LINE_AA)
    np.testing.assert_array_equal(out, expected)


def test_dashed_vertical_line_set_by_hand():
    out = blank()
    d.dashed_line_into(out, (5, 10), (5, 30), WHITE, thickness_px=1, casing_px=0, dash_px=3,
                       line_type=cv2.LINE_8)
    expected = blank()
    for start, stop in ((10, 13), (16, 19), (22, 25), (28, 30)):  # 3 on, 3 off from y = 10
        expected[start:stop + 1, 5] = WHITE
    np.testing.assert_array_equal(out, expected)


def test_arc_span_takes_the_shorter_way_round():
    assert d.arc_span(-90, -60) == (-90, -60)
    assert d.arc_span(-60, -90) == (-90, -60)
    assert d.arc_span(170, -170) == (170, 190)


def test_wedge_is_a_blended_filled_sector():
    out = blank()
    d.wedge_into(out, (60, 40), 20, -90, -45, FIX_RGB := d.FIX_RGB, opacity=0.5)
    mask = np.zeros((43, 43), np.uint8)
    cv2.ellipse(mask, (21, 21), (20, 20), 0.0, -90, -45, 255, -1, cv2.LINE_AA)
    expected = blank().astype(np.float32)
    region = expected[19:62, 39:82]
    region += (np.array(FIX_RGB, np.float32) - region) * (mask[..., None] * (0.5 / 255))
    np.testing.assert_array_equal(out, np.rint(expected).astype(np.uint8))


def test_numbers_are_whole_degrees_with_a_real_minus_and_a_plain_unknown_mark():
    assert d.fmt_deg(19.4) == "19°"
    assert d.fmt_deg(7.2, signed=True) == "+7°"
    assert d.fmt_deg(-5.4, signed=True) == "\u22125°"
    assert d.fmt_deg(-0.3) == "0°" and d.fmt_deg(0.2, signed=True) == "0°"
    assert d.fmt_deg(math.nan) == "?"
    assert d.fmt_number(0.134, "+.2f", " leg") == "+0.13 leg"
    assert d.fmt_number(math.inf, ".0f") == "?"


def test_style_scales_sizes_with_the_short_side_only():
    assert d.Style.for_frame(1280, 720) == d.Style()
    assert d.Style.for_frame(720, 1280) == d.Style()  # portrait reads like landscape
    big = d.Style.for_frame(1920, 1080)
    assert (big.text_px, big.line_px) == (30, 4)  # 20 and 3 scaled by 1.5
    assert big.backing_opacity == d.Style().backing_opacity
    assert d.Style.for_frame(3840, 2160, line_px=2).line_px == 2


def test_verdict_colours_keep_clear_of_the_left_limbs_orange():
    from posecheck.overlay import OKABE_ITO_ORANGE

    assert OKABE_ITO_ORANGE not in d.VERDICT_RGB.values()
    assert d.VERDICT_RGB == {"good": (0, 158, 115), "watch": (240, 228, 66),
                             "fix": (213, 94, 0), "unknown": (160, 160, 160)}


# ---- annotators ----------------------------------------------------------------------------------

def test_ground_line_through_the_foot_at_the_slope():
    out = GroundLineAnnotator(**SMALL).draw(blank(), (60, 50), ground_deg=-8.0, slope_deg=-8.0,
                                            facing=-1, half_length_px=40)
    expected = blank()
    direction = 180 - 8  # forward is image left; downhill: the ground drops going forward
    front, back = d.along((60, 50), direction, 40), d.along((60, 50), direction, -40)
    assert front[0] < 60 and front[1] > 50
    line(expected, back, front, PURPLE)
    label(expected, [("slope \u22128°", PURPLE)], (front[0], front[1] + 4), h_align="centre",
          v_align="top")
    np.testing.assert_array_equal(out, expected)


def test_slope_can_be_written_under_the_back_end():
    out = GroundLineAnnotator(**SMALL).draw(blank(), (60, 50), ground_deg=0.0, slope_deg=0.0,
                                            facing=1, half_length_px=40, label_end="back")
    expected = blank()
    line(expected, (20, 50), (100, 50), PURPLE)
    label(expected, [("slope 0°", PURPLE)], (20, 54), h_align="centre", v_align="top")
    np.testing.assert_array_equal(out, expected)


def test_ground_line_without_its_label():
    out = GroundLineAnnotator(**SMALL).draw(blank(), (60, 50), ground_deg=0.0, slope_deg=0.0,
                                            facing=1, half_length_px=40, label_end=None)
    expected = blank()
    line(expected, (20, 50), (100, 50), PURPLE)
    np.testing.assert_array_equal(out, expected)


def test_unknown_slope_is_a_grey_level_dashed_line_with_a_question_mark():
    out = GroundLineAnnotator(**SMALL).draw(blank(), (60, 50), ground_deg=math.nan,
                                            slope_deg=math.nan, facing=1, half_length_px=40)
    expected = blank()
    dashed(expected, (20, 50), (100, 50), GREY)
    label(expected, [("slope ?", GREY)], (100, 54), h_align="centre", v_align="top")
    np.testing.assert_array_equal(out, expected)


def test_lean_line_from_ankle_through_com_with_its_references_and_angles():
    ankle, com = (50, 70), (56, 30)  # leaning forward (image right) about 8.5 deg
    out = LeanAnnotator(**SMALL).draw(blank(), ankle, com, lean_vertical_deg=8.6,
                                      lean_slope_deg=1.2, slope_deg=-8.0, facing=1, rgb=GREEN)
    expected = blank()
    length = d.distance(ankle, com) * 1.15
    lean_dir = d.direction_deg(ankle, com)
    dashed(expected, ankle, d.along(ankle, -90, length))  # the vertical
    dashed(expected, ankle, d.along(ankle, -90 + 8, length), PURPLE)  # the slope normal
    top = d.along(ankle, lean_dir, length)
    wedge(expected, ankle, 0.45 * length / 1.15, -90 + 8, lean_dir, GREEN)
    line(expected, ankle, top, GREEN)
    com_marker_into(expected, com, 7, casing_px=1, line_type=cv2.LINE_AA)
    label(expected, [("lean +1° vs slope", GREEN), ("+9° vs vertical", WHITE)],
          (top[0] - 4, top[1]), h_align="right")
    np.testing.assert_array_equal(out, expected)


def test_lean_label_goes_where_it_is_told_and_says_when_the_slope_is_unknown():
    ankle, com = (50, 70), (56, 30)
    out = LeanAnnotator(**SMALL).draw(blank(), ankle, com, lean_vertical_deg=8.6,
                                      lean_slope_deg=math.nan, slope_deg=math.nan, facing=-1,
                                      rgb=GREY, label_px=(70, 20))
    expected = blank()
    length = d.distance(ankle, com) * 1.15
    lean_dir = d.direction_deg(ankle, com)
    dashed(expected, ankle, d.along(ankle, -90, length))
    wedge(expected, ankle, 0.45 * length / 1.15, -90, lean_dir, GREY)  # from the vertical
    line(expected, ankle, d.along(ankle, lean_dir, length), GREY)
    com_marker_into(expected, com, 7, casing_px=1, line_type=cv2.LINE_AA)
    label(expected, [("lean +9° vs vertical", GREY), ("slope ?", GREY)], (70, 20))
    np.testing.assert_array_equal(out, expected)


def test_trunk_line_and_waist_wedge():
    hip, shoulder, ankle = (60, 45), (56, 15), (64, 78)
    out = TrunkAnnotator(**SMALL).draw(blank(), hip, shoulder, ankle, trunk_deg=-7.6,
                                       waist_deg=-14.5, facing=-1, rgb=YELLOW)
    expected = blank()
    trunk = d.distance(hip, shoulder)
    leg_dir, trunk_dir = d.direction_deg(ankle, hip), d.direction_deg(hip, shoulder)
    dashed(expected, hip, d.along(hip, leg_dir, 0.7 * trunk))
    wedge(expected, hip, 0.45 * trunk, leg_dir, trunk_dir, YELLOW)
    line(expected, hip, d.along(hip, trunk_dir, 1.1 * trunk), YELLOW)
    label(expected, [("waist \u221214°", YELLOW), ("trunk \u22128°", WHITE)], (64, 45))
    np.testing.assert_array_equal(out, expected)


def test_knee_wedge_from_the_straight_leg_to_the_shank():
    hip, knee, ankle = (40, 10), (40, 40), (58, 64)  # shank 30 px, bent forward
    out = KneeAngleAnnotator(**SMALL).draw(blank(), hip, knee, ankle, flexion_deg=36.9,
                                           facing=1, rgb=d.FIX_RGB)
    expected = blank()
    dashed(expected, knee, (40, 64))  # the thigh carried on: 0.8 of the shank
    wedge(expected, knee, 18, 90, d.direction_deg(knee, ankle), d.FIX_RGB)
    label(expected, [("knee 37°", d.FIX_RGB)], (40 + 4 + 9, 40))
    np.testing.assert_array_equal(out, expected)


def test_plumb_line_set_by_hand():
    """A crisp 1-px style: the plumb line's dashes are a column of pixels below the CoM."""
    style = dict(SMALL, casing_px=0, antialias=False, dash_px=3)
    out = PlumbLineAnnotator(**style, marker_radius_px=3).draw(
        blank(), (30, 20), (50, 41), ground_deg=0.0, facing=1, offset_leg=math.nan,
        offset_m=math.nan, rgb=GREEN)
    expected = blank()
    for start in range(20, 42, 6):  # 3 on, 3 off, from the CoM down to the ground at y = 41
        expected[start:min(start + 3, 41) + 1, 30] = WHITE
    cv2.circle(expected, (30, 20), 3, BLACK, -1, cv2.LINE_8)
    cv2.circle(expected, (30, 20), 3, WHITE, -1, cv2.LINE_8)
    for start in (0, 180):
        cv2.ellipse(expected, (30, 20), (3, 3), 0.0, start, start + 90, BLACK, -1, cv2.LINE_8)
    np.testing.assert_array_equal(out, expected)


def test_plumb_line_meets_a_sloping_ground_and_marks_the_foot_offset():
    com, foot, ankle = (40, 20), (70, 60), (72, 55)
    out = PlumbLineAnnotator(**SMALL).draw(blank(), com, foot, ankle, ground_deg=-10.0,
                                           facing=1, offset_leg=0.3, offset_m=0.25, rgb=YELLOW)
    expected = blank()
    ground_y = 60 - math.tan(math.radians(-10.0)) * (40 - 70)  # downhill ahead: higher behind
    assert ground_y < 60
    below = (40, ground_y)
    dashed(expected, com, below)
    line(expected, below, (72, ground_y), YELLOW)
    for x in (40, 72):
        line(expected, (x, ground_y - 8), (x, ground_y + 8), YELLOW)
    label(expected, [("foot +0.30 leg  +25 cm", YELLOW)], (56, ground_y + 12),
          h_align="centre", v_align="top")
    com_marker_into(expected, com, 7, casing_px=1, line_type=cv2.LINE_AA)
    np.testing.assert_array_equal(out, expected)


def test_arm_wedge_at_the_elbow_with_the_label_outside_the_angle():
    shoulder, elbow, wrist = (50, 10), (40, 35), (65, 45)
    out = ArmAngleAnnotator(**SMALL).draw(blank(), shoulder, elbow, wrist, elbow_deg=90.0,
                                          abduction_deg=12.0, rgb=GREY)
    expected = blank()
    radius = 0.35 * min(d.distance(elbow, shoulder), d.distance(elbow, wrist))
    wedge(expected, elbow, radius, d.direction_deg(elbow, shoulder),
          d.direction_deg(elbow, wrist), GREY)
    outward = d.direction_deg((57.5, 27.5), elbow)  # from between shoulder and wrist
    label(expected, [("elbow 90°", WHITE), ("arm out 12°", GREY)],
          d.along(elbow, outward, radius + 4), h_align="right")
    np.testing.assert_array_equal(out, expected)


def test_unknown_mark_is_a_grey_disc_with_a_question_mark():
    out = UnknownMarkAnnotator(**SMALL).draw(blank(), (15, 40), text="no foot strikes")
    expected = blank()
    cv2.circle(expected, (15, 40), 9, BLACK, -1, cv2.LINE_AA)
    cv2.circle(expected, (15, 40), 8, GREY, -1, cv2.LINE_AA)
    w, h = d.text_size("?", 10)
    d.draw_text_into(expected, "?", (15 - w // 2, 40 - h // 2), size_px=10, rgb=BLACK)
    label(expected, [("no foot strikes", WHITE)], (15 + 8 + 4, 40))
    np.testing.assert_array_equal(out, expected)


def test_panel_is_a_table_on_a_dark_box():
    rows = [PanelRow("knee", "19°", GREEN, "8°", "fix"),
            PanelRow("arms", "?", GREY, "?", "unknown")]
    out = PanelAnnotator(**SMALL, margin_px=5, column_gap_px=6).draw(
        blank(100, 200), header="t = 1.60 s", columns=("strike 4", "clip"), rows=rows)
    size = 10

    def width(*texts):
        return max(d.text_size(t, size)[0] for t in texts)

    columns = [width("", "knee", "arms"), width("strike 4", "19°", "?"), width("clip", "8°", "?"),
               width("fix", "?")]
    line_h = d.text_size("Ag", size)[1]
    expected = blank(100, 200)
    box_w = max(sum(columns) + 3 * 6, width("t = 1.60 s")) + 4
    d.fill_box_into(expected, (5, 5, 5 + box_w, 5 + 4 * line_h + 4), BLACK, 0.65)
    cells = [[("t = 1.60 s", WHITE)], [("", WHITE), ("strike 4", GREY), ("clip", GREY)],
             [("knee", WHITE), ("19°", GREEN), ("8°", d.FIX_RGB), ("fix", d.FIX_RGB)],
             [("arms", WHITE), ("?", GREY), ("?", GREY), ("?", GREY)]]
    for row, cell_row in enumerate(cells):
        x = 7
        for column, (text, rgb) in enumerate(cell_row):
            if text:
                d.draw_text_into(expected, text, (x, 7 + row * line_h), size_px=size, rgb=rgb)
            x += columns[column] + 6
    np.testing.assert_array_equal(out, expected)


ANNOTATOR_CALLS = {
    "ground": lambda f: GroundLineAnnotator(**SMALL).draw(
        f, NAN, ground_deg=0.0, slope_deg=0.0, facing=1, half_length_px=30),
    "lean": lambda f: LeanAnnotator(**SMALL).draw(
        f, (50, 70), NAN, lean_vertical_deg=5.0, lean_slope_deg=5.0, slope_deg=0.0, facing=1,
        rgb=GREEN),
    "trunk": lambda f: TrunkAnnotator(**SMALL).draw(
        f, NAN, (50, 10), (50, 70), trunk_deg=5.0, waist_deg=1.0, facing=1, rgb=GREEN),
    "knee": lambda f: KneeAngleAnnotator(**SMALL).draw(
        f, (40, 10), (40, math.nan), (50, 60), flexion_deg=20.0, facing=1, rgb=GREEN),
    "plumb": lambda f: PlumbLineAnnotator(**SMALL).draw(
        f, NAN, (40, 60), (45, 55), ground_deg=0.0, facing=1, offset_leg=0.2, offset_m=0.1,
        rgb=GREEN),
    "arm": lambda f: ArmAngleAnnotator(**SMALL).draw(
        f, (50, 10), NAN, (60, 40), elbow_deg=90.0, abduction_deg=10.0, rgb=GREEN),
    "unknown": lambda f: UnknownMarkAnnotator(**SMALL).draw(f, NAN, text="?"),
}


@pytest.mark.parametrize("name", sorted(ANNOTATOR_CALLS))
def test_a_missing_point_draws_nothing(name):
    frame = blank()
    np.testing.assert_array_equal(ANNOTATOR_CALLS[name](frame), frame)


def test_unknown_values_draw_the_geometry_with_a_question_mark():
    out = KneeAngleAnnotator(**SMALL).draw(blank(), (40, 10), (40, 40), (58, 64),
                                           flexion_deg=math.nan, facing=1, rgb=GREY)
    expected = blank()
    dashed(expected, (40, 40), (40, 64))
    wedge(expected, (40, 40), 18, 90, d.direction_deg((40, 40), (58, 64)), GREY)
    label(expected, [("knee ?", GREY)], (53, 40))
    np.testing.assert_array_equal(out, expected)


def test_draw_leaves_its_input_alone_and_names_a_bad_frame():
    frame = blank()
    before = frame.copy()
    out = KneeAngleAnnotator(**SMALL).draw(frame, (40, 10), (40, 40), (58, 64), flexion_deg=30,
                                           facing=1, rgb=GREEN)
    np.testing.assert_array_equal(frame, before)
    assert not np.array_equal(out, frame)
    with pytest.raises(PosecheckError, match="frame_rgb"):
        KneeAngleAnnotator().draw(np.zeros((10, 10), np.uint8), (1, 1), (2, 2), (3, 3),
                                  flexion_deg=1, facing=1, rgb=GREEN)


# ---- composition ---------------------------------------------------------------------------------

def drawn_strike() -> Strike:
    """A strike facing image right with every point on a 240 x 160 canvas."""
    contact = ContactMarks(
        frame=3, foot_px=(120, 150), hip_px=(100, 70), knee_px=(120, 105), ankle_px=(125, 140),
        com_px=(100, 65), shoulder_px=(105, 30), elbow_px=(95, 55), wrist_px=(115, 60),
        knee_flexion_deg=22.0, knee_verdict="good", landing_leg=0.3, landing_m=math.nan,
        landing_verdict="watch", elbow_deg=80.0, abduction_deg=9.0, arm_verdict="unknown",
        body_min_px=(90, 10), body_max_px=(130, 150))
    stance = StanceMarks(
        frame=6, foot_px=(110, 150), contact_px=(113, 148), ankle_px=(110, 142), com_px=(115, 65),
        hip_px=(112, 70),
        shoulder_px=(118, 30), lean_vertical_deg=4.0, lean_slope_deg=4.0, lean_verdict="fix",
        trunk_deg=9.0, waist_deg=7.0, waist_verdict="good", body_min_px=(95, 10),
        body_max_px=(135, 150))
    return Strike(2, 1, "left", True, 0.1, 1, 0.0, 0.0, 130.0, contact, stance, ())


def test_a_strikes_marks_are_its_annotators_drawn_in_turn():
    painter = TeachingPainter(240, 160)
    strike = drawn_strike()
    c, s = strike.contact, strike.stance
    out = blank(160, 240)
    painter.marks_into(out, strike, CONTACT)
    expected = painter.ground.draw(blank(160, 240), c.foot_px, ground_deg=0.0, slope_deg=0.0,
                                   facing=1, half_length_px=0.6 * 130, label_end=None)
    expected = painter.plumb.draw(expected, c.com_px, c.foot_px, c.ankle_px, ground_deg=0.0,
                                  facing=1, offset_leg=0.3, offset_m=math.nan, rgb=YELLOW)
    expected = painter.arm.draw(expected, c.shoulder_px, c.elbow_px, c.wrist_px, elbow_deg=80.0,
                                abduction_deg=9.0, rgb=GREY)
    expected = painter.knee.draw(expected, c.hip_px, c.knee_px, c.ankle_px, flexion_deg=22.0,
                                 facing=1, rgb=GREEN)
    np.testing.assert_array_equal(out, expected)

    out = blank(160, 240)
    painter.marks_into(out, strike, STANCE)
    behind = 95 - painter.lean.gap_px  # the column just behind the body
    expected = painter.ground.draw(blank(160, 240), s.foot_px, ground_deg=0.0, slope_deg=0.0,
                                   facing=1, half_length_px=0.6 * 130)
    expected = painter.trunk.draw(expected, s.hip_px, s.shoulder_px, s.ankle_px, trunk_deg=9.0,
                                  waist_deg=7.0, facing=1, rgb=GREEN, label_px=(behind, 30))
    expected = painter.lean.draw(expected, s.contact_px, s.com_px, lean_vertical_deg=4.0,
                                 lean_slope_deg=4.0, slope_deg=0.0, facing=1, rgb=d.FIX_RGB,
                                 label_px=(behind, 65))
    np.testing.assert_array_equal(out, expected)


# ---- the timeline --------------------------------------------------------------------------------

def stub_strike(number: int, ic: int, mid: int) -> Strike:
    """A strike with its frames only (no points, no values)."""
    contact = ContactMarks(ic, *(NAN,) * 8, math.nan, "unknown", math.nan, math.nan, "unknown",
                           math.nan, math.nan, "unknown")
    stance = (StanceMarks(mid, *(NAN,) * 6, math.nan, math.nan, "unknown", math.nan, math.nan,
                          "unknown") if mid >= 0 else None)
    return Strike(number, number - 1, "left", True, ic / 30, 1, 0.0, 0.0, 100.0, contact,
                  stance, ())


def test_timeline_shows_contact_then_stance_until_the_next_strike_or_the_hold():
    strikes = (stub_strike(1, 5, 8), stub_strike(2, 15, 18), stub_strike(3, 40, -1))
    timeline = Timeline.build(strikes, 60, hold_frames=12)
    assert [timeline.at(i)[:2] for i in (4, 5, 7, 8, 14)] == [
        (-1, NONE), (0, CONTACT), (0, CONTACT), (0, STANCE), (0, STANCE)]
    assert timeline.at(15)[:2] == (1, CONTACT) and timeline.at(18)[:2] == (1, STANCE)
    assert timeline.at(26)[:2] == (1, STANCE) and timeline.at(27)[:2] == (-1, NONE)  # held 12
    assert timeline.at(40)[:2] == (2, CONTACT) and timeline.at(51)[:2] == (2, CONTACT)
    assert timeline.at(52)[:2] == (-1, NONE)  # no mid-stance: contact marks for the hold
    assert timeline.starts == (5, 8, 15, 18, 40)
    assert [timeline.at(i)[2] for i in (0, 5, 30, 59, 99)] == [-1, 0, 1, 2, 2]


# ---- per-strike geometry and values --------------------------------------------------------------

@pytest.fixture(scope="module")
def downhill():
    analysis = analysis_from_truth("downhill-good_pan_rtl", slope_deg=-8.0, camera="pan")
    return analysis, strikes_from_analysis(analysis)


def _per_step(analysis: Analysis, check_id: str, measure_id: str) -> np.ndarray:
    finding = next(f for f in analysis.findings if f.check_id == check_id)
    return next(m for m in (finding.measure, *finding.details) if m.id == measure_id).per_step


def test_one_strike_per_contact_at_its_frames(downhill):
    analysis, strikes = downhill
    events, pose = analysis.gait.events, analysis.pose
    assert [s.number for s in strikes] == list(range(1, len(events) + 1))
    assert tuple(s.foot for s in strikes) == events.foot
    for s, ic_s in zip(strikes, events.ic_s):
        assert s.ic_frame == int(np.argmin(np.abs(pose.time_s - ic_s)))
        assert s.time_s == pose.time_s[s.ic_frame]
        assert s.facing == -1 and s.slope_deg == -8.0  # right to left, downhill
    assert strikes[-1].stance is None or strikes[-1].mid_frame > strikes[-1].ic_frame


def test_points_are_the_pose_at_the_frame_shown_in_the_original_image(downhill):
    analysis, strikes = downhill
    kp = analysis.pose.keypoints_px
    for s in strikes:
        c = s.contact
        np.testing.assert_array_equal(c.ankle_px, kp[s.ic_frame, INDEX[f"{s.foot}_ankle"]])
        np.testing.assert_array_equal(c.com_px, analysis.gait.com_image_px[s.ic_frame])
        assert c.body_min_px[0] <= c.ankle_px[0] <= c.body_max_px[0]


def test_drawn_angles_are_the_ones_written(downhill):
    """The lines drawn at a strike make the angles its labels give: the labels are the checks'
    per-step values (read at the event's exact time, or from a line fitted over the stance), the
    lines are the pose at the nearest frame, so they agree within the motion of half a frame.
    The clip pans: the lines are drawn where the picture shows the body (the lines across it,
    lean and trunk, between both sides brought to the body's mid-plane, as the checks read
    them), seen obliquely towards the ends of the pan, and the values are as seen side-on
    (posecheck.gait.pan), so the lines' angles are compared once their horizontal extent is
    stretched by the same 1 / cos(yaw)."""
    analysis, strikes = downhill
    knee = _per_step(analysis, "knee", "knee_flexion_ic_deg")
    lean = _per_step(analysis, "lean", "whole_body_lean_deg")
    trunk = _per_step(analysis, "lean", "trunk_angle_deg")
    cos_yaw = analysis.gait.pan.cos_yaw
    assert analysis.gait.pan.applied and cos_yaw.min() < 0.85

    def side_on(frame: int, *points) -> list[np.ndarray]:
        return [np.array(p) * np.array([1.0 / cos_yaw[frame], 1.0]) for p in points]

    for s in strikes:
        c = s.contact
        drawn_knee = kin.flexion_deg(*side_on(s.ic_frame, c.hip_px, c.knee_px, c.ankle_px))
        assert c.knee_flexion_deg == knee[s.step]
        assert drawn_knee == pytest.approx(knee[s.step], abs=3.0)
        if s.stance is None:
            continue
        st, mirror = s.stance, np.array([-1.0, 1.0])  # forward is image left: mirror x
        foot, com, hip, shoulder = side_on(st.frame, st.contact_px, st.com_px, st.hip_px,
                                           st.shoulder_px)
        drawn_lean = kin.tilt_from_vertical_deg(foot * mirror, com * mirror)
        drawn_trunk = kin.tilt_from_vertical_deg(hip * mirror, shoulder * mirror)
        assert st.lean_vertical_deg == lean[s.step]
        assert st.lean_slope_deg == pytest.approx(lean[s.step] - 8.0)
        assert drawn_lean == pytest.approx(lean[s.step], abs=3.0)
        assert drawn_trunk == pytest.approx(trunk[s.step], abs=3.0)


def test_readings_are_the_checks_per_step_values_and_verdicts(downhill):
    analysis, strikes = downhill
    cadence = _per_step(analysis, "cadence", "cadence_spm")
    knee = next(f for f in analysis.findings if f.check_id == "knee")
    for s in strikes:
        readings = {r.check_id: r for r in s.readings}
        assert list(readings) == ["lean", "knee", "landing", "arms", "cadence"]
        assert readings["cadence"].text == FORMATS["cadence"](cadence[s.step])
        if knee.measure.used[s.step]:
            assert readings["knee"].verdict == s.contact.knee_verdict == "good"
        else:  # the far leg: shown, not judged
            assert readings["knee"].verdict == "unknown"
        assert readings["arms"].verdict == "unknown"  # the arm verdict is withheld


def knee_finding(values, *, verdict="good", used=None) -> Finding:
    values = np.asarray(values, dtype=float)
    used = np.ones(len(values), bool) if used is None else np.asarray(used)
    measure = Measure("knee_flexion_ic_deg", "deg", values, used)
    return Finding("knee", "Knee", verdict, measure, cue="", why="",
                   reason="x" if verdict == "unknown" else "")


def test_a_steps_verdict_is_its_checks_rule_on_that_step():
    finding = knee_finding([20, 12, 8, math.nan, 25], used=[1, 1, 1, 1, 0])
    assert step_verdicts(finding, 5)["step"] == ("good", "watch", "fix", "unknown", "unknown")
    thresholds = dataclasses.replace(finding, thresholds={"watch_below_deg": 22.0,
                                                          "fix_below_deg": 10.0})
    assert step_verdicts(thresholds, 5)["step"][0] == "watch"
    unknown = knee_finding([20, 20], verdict="unknown")
    assert step_verdicts(unknown, 2)["step"] == ("unknown", "unknown")
    assert step_verdicts(None, 3)["step"] == ("unknown",) * 3


def test_the_lean_rule_per_step_reads_the_waist_first():
    lean = Measure("lean_vs_slope_normal_deg", "deg", np.array([4.4, -3.6, 4.4, 15.4]),
                   np.ones(4, bool))
    waist = Measure("waist_bend_deg", "deg", np.array([0.0, 0.0, 18.0, 0.0]), np.ones(4, bool))
    finding = Finding("lean", "Lean", "good", lean, cue="", why="", reason="", details=(waist,))
    parts = step_verdicts(finding, 4)
    assert parts["line"] == ("good", "fix", "good", "watch")  # 8 deg back; 11 deg forward
    assert parts["waist"] == ("good", "good", "fix", "good")
    assert parts["step"] == ("good", "fix", "fix", "watch")


def test_mapped_moves_every_point_and_scales_lengths(downhill):
    _, strikes = downhill
    s = strikes[1]
    moved = s.mapped(lambda p: (2 * p[0] + 1, 2 * p[1] - 1), 2.0)
    assert moved.contact.knee_px == (2 * s.contact.knee_px[0] + 1, 2 * s.contact.knee_px[1] - 1)
    assert moved.stance.com_px == (2 * s.stance.com_px[0] + 1, 2 * s.stance.com_px[1] - 1)
    assert moved.leg_px == 2 * s.leg_px and moved.contact.knee_flexion_deg == \
        s.contact.knee_flexion_deg


def test_no_gait_no_strikes(downhill):
    analysis, _ = downhill
    failed = dataclasses.replace(analysis, gait=None, gait_error="no heel", findings=())
    assert strikes_from_analysis(failed) == ()


@pytest.mark.parametrize("opacity", [0.0, 0.35, 0.5, 0.65, 1.0])
def test_a_filled_box_is_the_blend_of_every_pixel_with_the_colour(opacity):
    rng = np.random.default_rng(3)
    image = rng.integers(0, 256, (40, 60, 3), dtype=np.uint8)
    for rgb, box in (((0, 0, 0), (5, 5, 30, 20)), ((240, 30, 120), (-10, 12, 25, 55)),
                     ((255, 255, 255), (50, -3, 80, 10))):
        expected = image.copy()
        x0, y0 = max(box[0], 0), max(box[1], 0)
        x1, y1 = min(box[2], 60), min(box[3], 40)
        # the per-pixel float32 arithmetic the lookup table replaced, rounded half to even
        region = expected[y0:y1, x0:x1].astype(np.float32)
        colour = np.asarray(rgb, dtype=np.float32)
        expected[y0:y1, x0:x1] = np.rint(region + (colour - region) * opacity).astype(np.uint8)
        out = image.copy()
        d.fill_box_into(out, box, rgb, opacity)
        assert (out == expected).all()
        assert (out[:y0] == image[:y0]).all() and (out[y1:] == image[y1:]).all()
        assert (out[:, :x0] == image[:, :x0]).all() and (out[:, x1:] == image[:, x1:]).all()
        image = out


def test_contact_sheet_puts_each_tile_in_its_cell_under_the_header():
    from posecheck.annotate.stills import caption_bar, contact_sheet
    heights = (30, 40, 25, 35, 20)  # five tiles, 10 px wide, three columns: two rows of 40 px
    tiles = [np.full((h, 10, 3), 10 + k, np.uint8) for k, h in enumerate(heights)]
    sheet = contact_sheet(tiles, title="t", summary=[], columns=3, gutter_px=2)
    header = caption_bar(34, "t", [], text_px=14)  # 3 x (10 + 2) - 2 wide; text 11 px x 1.3
    top = header.shape[0]
    assert sheet.shape == (top + 2 * (40 + 2), 34, 3)
    assert np.array_equal(sheet[:top], header)
    expected = np.zeros((2 * 42, 34, 3), np.uint8)  # the dark backing
    for k, tile in enumerate(tiles):
        y, x = (k // 3) * 42 + 2, (k % 3) * 12
        expected[y:y + tile.shape[0], x:x + 10] = tile
    assert np.array_equal(sheet[top:], expected)


def test_a_packed_tile_unpacks_to_its_pixels_and_fills_the_sheet_alike():
    from posecheck.annotate.stills import PackedTile, contact_sheet
    rng = np.random.default_rng(3)
    tiles = [rng.integers(0, 256, (h, 12, 3), dtype=np.uint8) for h in (9, 14, 11)]
    packed = [PackedTile(tile) for tile in tiles]
    assert [p.shape for p in packed] == [t.shape for t in tiles]
    assert all(np.array_equal(np.asarray(p), t) for p, t in zip(packed, tiles))
    assert np.array_equal(contact_sheet(packed, title="t", summary=[]),
                          contact_sheet(tiles, title="t", summary=[]))
