"""Overlay drawing, checked against the same picture drawn with plain cv2 calls on a canvas."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from posecheck import overlay
from posecheck.errors import PosecheckError
from posecheck.landmarks import (
    ARM,
    LEFT_ELBOW,
    LEFT_HIP,
    LEFT_SHOULDER,
    LEG,
    N_LANDMARKS,
    RIGHT_ANKLE,
    RIGHT_HIP,
    RIGHT_KNEE,
)
from posecheck.sequence import PoseSequence

ORANGE, BLUE, WHITE = (230, 159, 0), (0, 114, 178), (255, 255, 255)
AA = cv2.LINE_AA


def blank(height: int = 60, width: int = 80, value: int = 40) -> np.ndarray:
    return np.full((height, width, 3), value, dtype=np.uint8)


def keypoints(points: dict[int, tuple[float, float]]) -> np.ndarray:
    """(33, 2) all NaN except the given landmarks (index: (x, y))."""
    out = np.full((N_LANDMARKS, 2), np.nan)
    for index, xy in points.items():
        out[index] = xy
    return out


def test_annotate_draws_near_bold_centre_medium_far_faint():
    points = keypoints({LEFT_SHOULDER: (10, 10), LEFT_ELBOW: (30, 12), LEFT_HIP: (12, 40),
                        RIGHT_HIP: (20, 40), RIGHT_KNEE: (40, 50), RIGHT_ANKLE: (70, 50)})
    frame = blank()
    out = overlay.SkeletonAnnotator().annotate(frame, points, time_s=None, near_side="left")

    expected = blank()
    far = expected.copy()  # the right side, thin, then blended half-way into the frame
    cv2.line(far, (20, 40), (40, 50), BLUE, 1, AA)  # hip-knee
    cv2.line(far, (40, 50), (70, 50), BLUE, 1, AA)  # knee-ankle
    for xy in [(20, 40), (40, 50), (70, 50)]:
        cv2.circle(far, xy, 4, BLUE, -1, AA)
    expected = cv2.addWeighted(far, 0.5, expected, 0.5, 0.0)
    cv2.line(expected, (12, 40), (20, 40), WHITE, 2, AA)  # hip girdle
    cv2.line(expected, (10, 10), (30, 12), ORANGE, 4, AA)  # shoulder-elbow
    cv2.line(expected, (10, 10), (12, 40), ORANGE, 4, AA)  # shoulder-hip
    for xy in [(10, 10), (30, 12), (12, 40)]:  # dots in landmark order: shoulder, elbow, hip
        cv2.circle(expected, xy, 4, ORANGE, -1, AA)
    np.testing.assert_array_equal(out, expected)


def test_far_side_is_blended_not_opaque():
    points = keypoints({RIGHT_KNEE: (10, 30), RIGHT_ANKLE: (70, 30)})

    def far_bone(opacity: float) -> np.ndarray:
        annotator = overlay.SkeletonAnnotator(far_opacity=opacity)
        out = annotator.annotate(blank(value=0), points, time_s=None, near_side="left")
        return out[30, 40].astype(float)  # on the far bone, away from the joint dots

    opaque, faint = far_bone(1.0), far_bone(0.25)
    assert opaque[2] > 0 and opaque[0] == 0  # blue on black
    np.testing.assert_allclose(faint, 0.25 * opaque, atol=1.0)


def test_far_side_blend_near_the_frame_edge_matches_a_whole_frame_blend():
    """The far limbs are blended within their own box only; a limb reaching past the frame's
    edge gives the picture a whole-frame blend gives."""
    points = keypoints({RIGHT_HIP: (-6, 20), RIGHT_KNEE: (30, 58), RIGHT_ANKLE: (79, 70)})
    out = overlay.SkeletonAnnotator().annotate(blank(), points, time_s=None, near_side="left")
    far = blank()
    cv2.line(far, (-6, 20), (30, 58), BLUE, 1, AA)
    cv2.line(far, (30, 58), (79, 70), BLUE, 1, AA)
    for xy in [(-6, 20), (30, 58), (79, 70)]:
        cv2.circle(far, xy, 4, BLUE, -1, AA)
    np.testing.assert_array_equal(out, cv2.addWeighted(far, 0.5, blank(), 0.5, 0.0))


def test_near_side_choice_swaps_which_limbs_are_bold():
    points = keypoints({RIGHT_KNEE: (10, 30), RIGHT_ANKLE: (70, 30)})
    annotator = overlay.SkeletonAnnotator(joint_radius_px=0)
    as_near = annotator.annotate(blank(value=0), points, time_s=None, near_side="right")
    as_far = annotator.annotate(blank(value=0), points, time_s=None, near_side="left")
    expected = blank(value=0)
    cv2.line(expected, (10, 30), (70, 30), BLUE, 4, AA)
    cv2.circle(expected, (10, 30), 0, BLUE, -1, AA)
    cv2.circle(expected, (70, 30), 0, BLUE, -1, AA)
    np.testing.assert_array_equal(as_near, expected)
    assert (as_far > 0).any(axis=2).sum() < (as_near > 0).any(axis=2).sum()  # thinner when far


def test_missing_points_and_their_bones_are_not_drawn():
    frame = blank()
    annotator = overlay.SkeletonAnnotator()
    all_missing = np.full((N_LANDMARKS, 2), np.nan)
    np.testing.assert_array_equal(
        annotator.annotate(frame, all_missing, time_s=None, near_side="left"), frame
    )
    points = keypoints({LEFT_SHOULDER: (20, 20), LEFT_ELBOW: (np.nan, 40)})  # elbow half-missing
    expected = blank()
    cv2.circle(expected, (20, 20), 4, ORANGE, -1, AA)  # the shoulder dot only, no bone
    out = annotator.annotate(frame, points, time_s=None, near_side="left")
    np.testing.assert_array_equal(out, expected)


def test_time_label_in_top_left_corner():
    frame = blank(120, 240)
    out = overlay.SkeletonAnnotator(text_scale=0.8).annotate(
        frame, np.full((N_LANDMARKS, 2), np.nan), time_s=3.4712, near_side="left"
    )
    expected = blank(120, 240)
    (_, height), _ = cv2.getTextSize("t = 3.47 s", cv2.FONT_HERSHEY_SIMPLEX, 0.8, 2)
    for colour, thickness in (((0, 0, 0), 4), (WHITE, 2)):
        cv2.putText(expected, "t = 3.47 s", (10, 10 + height), cv2.FONT_HERSHEY_SIMPLEX, 0.8,
                    colour, thickness, AA)  # fmt: skip
    np.testing.assert_array_equal(out, expected)
    changed = (out != frame).any(axis=2)
    assert changed[:60, :160].any() and not changed[60:].any()


def test_time_label_grows_with_the_frame():
    def label_rows(height: int) -> int:
        frame = blank(height, height)
        out = overlay.SkeletonAnnotator().annotate(
            frame, np.full((N_LANDMARKS, 2), np.nan), time_s=3.47, near_side="left"
        )
        rows = np.flatnonzero((out != frame).any(axis=(1, 2)))
        return rows[-1] - rows[0] + 1

    small, large = label_rows(720), label_rows(1440)
    assert large / small == pytest.approx(2.0, rel=0.1)


def test_annotate_leaves_the_input_frame_alone():
    frame = blank()
    before = frame.copy()
    points = keypoints({LEFT_SHOULDER: (10, 10), LEFT_ELBOW: (30, 12), RIGHT_KNEE: (40, 50),
                        RIGHT_ANKLE: (70, 50)})
    out = overlay.SkeletonAnnotator().annotate(frame, points, time_s=1.0, near_side="left")
    np.testing.assert_array_equal(frame, before)
    assert out is not frame and not np.array_equal(out, frame)


@pytest.mark.parametrize(
    ("frame", "points", "side", "message"),
    [
        (np.zeros((10, 10), np.uint8), np.zeros((33, 2)), "left", "frame_rgb"),
        (np.zeros((10, 10, 3), np.float32), np.zeros((33, 2)), "left", "frame_rgb"),
        (np.zeros((10, 10, 3), np.uint8), np.zeros((17, 2)), "left", "keypoints_px"),
        (np.zeros((10, 10, 3), np.uint8), np.zeros((33, 2)), "front", "near_side"),
    ],
)
def test_annotate_rejects_bad_input(frame, points, side, message):
    with pytest.raises(PosecheckError, match=message):
        overlay.SkeletonAnnotator().annotate(frame, points, time_s=None, near_side=side)


# ---- near_side -----------------------------------------------------------------------------------


def side_seq(left_z: np.ndarray, *, fps: float = 30.0, visibility=None) -> PoseSequence:
    """World z of the left limbs per frame is ``left_z``, the right limbs' is its negative."""
    n = len(left_z)
    world = np.zeros((n, N_LANDMARKS, 3))
    left = [*LEG["left"], *ARM["left"]]
    right = [*LEG["right"], *ARM["right"]]
    world[:, left, 2] = left_z[:, None]
    world[:, right, 2] = -left_z[:, None]
    return PoseSequence(
        time_s=np.arange(n) / fps,
        keypoints_px=np.zeros((n, N_LANDMARKS, 2)),
        visibility=np.ones((n, N_LANDMARKS)) if visibility is None else visibility,
        world_m=world,
        fps=fps,
        frame_size=(640, 480),
    )


def test_near_side_from_world_depth_outvotes_flicker():
    left_z = np.full(90, -0.1)  # left limbs 0.2 m closer to the camera
    left_z[[10, 11, 50, 70]] = 0.1  # a few frames where the model had it backwards
    sides = overlay.near_side(side_seq(left_z))
    assert sides.shape == (90,)
    assert (sides == "left").all()


def test_near_side_follows_a_turn():
    left_z = np.r_[np.full(60, -0.1), np.full(60, 0.1)]  # the runner turns round at frame 60
    sides = overlay.near_side(side_seq(left_z))
    np.testing.assert_array_equal(sides, ["left"] * 60 + ["right"] * 60)


def test_near_side_uses_visibility_without_depth():
    visibility = np.ones((40, N_LANDMARKS))
    visibility[:, [*LEG["left"], *ARM["left"]]] = 0.3  # the left limbs are hidden: right is near
    seq = side_seq(np.zeros(40), visibility=visibility)
    seq = seq.replace(world_m=np.full_like(seq.world_m, np.nan))
    assert (overlay.near_side(seq) == "right").all()


def test_near_side_fills_undecided_frames_from_the_nearest_decided():
    seq = side_seq(np.full(100, 0.1))  # right is near ...
    world = seq.world_m.copy()
    world[:70] = np.nan  # ... but only known from frame 70 on
    seq = seq.replace(world_m=world, visibility=np.full_like(seq.visibility, np.nan))
    assert (overlay.near_side(seq) == "right").all()


def test_near_side_unknown_without_any_evidence():
    seq = side_seq(np.zeros(5))
    seq = seq.replace(world_m=np.full_like(seq.world_m, np.nan))  # equal visibility, no depth
    np.testing.assert_array_equal(overlay.near_side(seq), ["unknown"] * 5)



def test_near_side_of_empty_clip_is_empty():
    assert overlay.near_side(side_seq(np.zeros(0))).shape == (0,)


def test_style_scales_with_frame_size_but_not_below_the_720p_defaults():
    from posecheck.overlay import SkeletonAnnotator

    small = SkeletonAnnotator.for_frame(640, 360)
    hd = SkeletonAnnotator.for_frame(1280, 720)
    uhd = SkeletonAnnotator.for_frame(3840, 2160)
    assert (small.near_thickness_px, hd.near_thickness_px, uhd.near_thickness_px) == (4, 4, 12)
    assert (hd.joint_radius_px, uhd.joint_radius_px) == (4, 12)
    assert SkeletonAnnotator.for_frame(3840, 2160, near_thickness_px=2).near_thickness_px == 2
