"""Per foot strike, what the teaching video draws: where (image points at the frames shown) and
what (the values the checks reported for that step, with a verdict for that step).

A strike is drawn at two moments, as the checks measure it: at **contact** (the frame nearest
initial contact: the knee's flexion, the foot's offset from the centre of mass, the arm) and at
**mid-stance** (the frame nearest halfway through the contact: the whole-body lean, the trunk
and the waist). The points are the pose at those frames, so the lines sit on the body in the
picture; the numbers are the checks' own per-step values (read at the interpolated event time,
or from a line fitted over the stance), so the picture and the report agree to the number. The
drawn angle and the written one can differ by the motion of half a frame.

A step's verdict is its check's rule (the check's thresholds, as the finding records them)
applied to that step's value alone; it is ``unknown`` when the check gave no verdict for the
clip or left the step out (a far leg, inconsistent events). Image points are in the original
(unmirrored) frame; ``facing`` says which way the runner looks.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

from posecheck import kinematics as kin
from posecheck.annotate.draw import NO_POINT, Point, fmt_deg, fmt_number
from posecheck.checks import lean
from posecheck.checks.context import Baseline
from posecheck.checks.finding import Finding
from posecheck.checks.registry import BY_ID, CHECKS, default_thresholds, headline_bands
from posecheck.checks.steps import collect_steps
from posecheck.landmarks import INDEX
from posecheck.result import Analysis

#: The checks in the panel, in report order.
CHECK_IDS: tuple[str, ...] = tuple(module.INFO.id for module in CHECKS)


@dataclasses.dataclass(frozen=True)
class Reading:
    """One check's value as written (``text``, ``?`` when unknown) and its ``verdict``."""

    check_id: str
    text: str
    verdict: str


@dataclasses.dataclass(frozen=True)
class ContactMarks:
    """What is drawn at the contact frame (``frame``): the landing leg, the camera-side arm, the
    centre of mass and the ground contact point (image pixels), with the step's knee flexion,
    foot offset (leg lengths; metres with the runner's height) and arm angles, and their
    verdicts."""

    frame: int
    foot_px: Point
    hip_px: Point
    knee_px: Point
    ankle_px: Point
    com_px: Point
    shoulder_px: Point
    elbow_px: Point
    wrist_px: Point
    knee_flexion_deg: float
    knee_verdict: str
    landing_leg: float
    landing_m: float
    landing_verdict: str
    elbow_deg: float
    abduction_deg: float
    arm_verdict: str
    body_min_px: Point = NO_POINT  # the body's box at the frame (labels go outside it)
    body_max_px: Point = NO_POINT


@dataclasses.dataclass(frozen=True)
class StanceMarks:
    """What is drawn at the mid-stance frame (``frame``): the stance foot (``foot_px`` where it
    meets the ground, ``contact_px`` midway between heel and toe tip, where the lean line
    stands) and ankle, the centre of
    mass, the hip and the shoulder as the lean check reads them (each girdle's end on the
    camera's side: :func:`posecheck.kinematics.near_side_girdles`), with the step's lean against the
    vertical and the slope normal, trunk angle and waist bend, and their verdicts (the lean
    line's: leaning back or far forward; the waist's: folding at the waist)."""

    frame: int
    foot_px: Point
    contact_px: Point
    ankle_px: Point
    com_px: Point
    hip_px: Point
    shoulder_px: Point
    lean_vertical_deg: float
    lean_slope_deg: float
    lean_verdict: str
    trunk_deg: float
    waist_deg: float
    waist_verdict: str
    body_min_px: Point = NO_POINT  # the body's box at the frame (labels go outside it)
    body_max_px: Point = NO_POINT


@dataclasses.dataclass(frozen=True)
class Strike:
    """One foot strike: ``number`` (1-based, time order), ``step`` (its index in the checks'
    per-step values), the ``foot`` and whether it is on the camera's side (``near``), the video
    time of its contact frame, the runner's ``facing`` (+1 image right), the slope (negative
    downhill) and the ground's angle in the image (slope plus camera roll; NaN unknown), the
    leg length in pixels, the two moments drawn (``stance`` is None when the clip ends before
    the foot leaves) and the step's ``readings`` for the panel, in report order."""

    number: int
    step: int
    foot: str
    near: bool
    time_s: float
    facing: int
    slope_deg: float
    ground_deg: float
    leg_px: float
    contact: ContactMarks
    stance: StanceMarks | None
    readings: tuple[Reading, ...]

    @property
    def ic_frame(self) -> int:
        return self.contact.frame

    @property
    def mid_frame(self) -> int:
        return self.stance.frame if self.stance is not None else -1

    def mapped(self, transform: Callable[[Point], Point], scale: float) -> Strike:
        """A copy with every image point passed through ``transform`` and lengths multiplied
        by ``scale`` (for drawing on a crop of the frame resized by ``scale``)."""
        def move(marks):
            if marks is None:
                return None
            return dataclasses.replace(marks, **{
                f.name: transform(getattr(marks, f.name))
                for f in dataclasses.fields(marks) if f.name.endswith("_px")})

        return dataclasses.replace(self, contact=move(self.contact), stance=move(self.stance),
                                   leg_px=self.leg_px * scale)


# ---- per-step verdicts ---------------------------------------------------------------------------

def _thresholds(finding: Finding) -> dict[str, float]:
    return finding.thresholds or default_thresholds(BY_ID[finding.check_id])


def _detail(finding: Finding | None, measure_id: str, k: int) -> np.ndarray:
    """(k,) per-step values of the finding's measure ``measure_id`` (headline or detail); NaN
    when absent."""
    if finding is not None:
        for m in (finding.measure, *finding.details):
            if m.id == measure_id and len(m.per_step) == k:
                return m.per_step
    return np.full(k, np.nan)


def _judged(finding: Finding | None, k: int) -> np.ndarray:
    """(k,) True where a step counts towards a verdict the check gave."""
    if finding is None or finding.verdict == "unknown" or len(finding.measure.used) != k:
        return np.zeros(k, dtype=bool)
    return finding.measure.used


def step_verdicts(finding: Finding | None, k: int, *,
                  baseline: Baseline | None = None) -> dict[str, tuple[str, ...]]:
    """Each of ``k`` steps' verdicts by the check's rule (its ``bands``, under the finding's
    thresholds), keyed by what is drawn: ``"step"`` for every check, and for the lean check
    also ``"line"`` (leaning back or far forward) and ``"waist"`` (folding at the waist);
    ``unknown`` where the step is not judged."""
    if finding is None:
        return {"step": ("unknown",) * k}
    judged = _judged(finding, k)
    if finding.check_id == "lean":
        return _lean_verdicts(finding, k, judged, baseline)
    bands = headline_bands(finding.check_id, _thresholds(finding), baseline)
    if bands is None:
        return {"step": ("unknown",) * k}
    values = finding.measure.per_step if len(finding.measure.per_step) == k else np.full(k, np.nan)
    return {"step": tuple(bands.grade(float(v)) if ok else "unknown"
                          for v, ok in zip(values, judged))}


def _lean_verdicts(finding: Finding, k: int, judged: np.ndarray,
                   baseline: Baseline | None) -> dict[str, tuple[str, ...]]:
    """The lean check's rule per step (:func:`posecheck.checks.lean.judge`): a fold at the
    waist first (graded by the worse of the fold and the line), then leaning back, then far
    forward."""
    t = _thresholds(finding)
    line_bands, waist_bands = lean.bands(t, baseline), lean.waist_bands(t)
    lean_deg = _detail(finding, "lean_vs_slope_normal_deg", k)
    waist = _detail(finding, "waist_bend_deg", k)
    line, folded, step = [], [], []
    for j in range(k):
        if not judged[j]:
            line.append("unknown"), folded.append("unknown"), step.append("unknown")
            continue
        line.append(line_bands.grade(float(lean_deg[j])))
        folded.append(waist_bands.grade(float(waist[j])))
        step.append(lean.judge(float(lean_deg[j]), float(waist[j]), t, baseline)[0])
    return {"step": tuple(step), "line": tuple(line), "waist": tuple(folded)}


# ---- readings ------------------------------------------------------------------------------------

#: How each check's headline value is written, per step and for the clip.
FORMATS: dict[str, Callable[[float], str]] = {
    "lean": lambda v: fmt_deg(v, signed=True),
    "knee": fmt_deg,
    "landing": lambda v: fmt_number(v, "+.2f", " leg"),
    "arms": fmt_deg,
    "cadence": lambda v: fmt_number(v, ".0f", "/min"),
}


def clip_readings(findings: tuple[Finding, ...]) -> tuple[Reading, ...]:
    """Each check's clip value (the median) and verdict, in report order; a check with no
    finding (the gait failed) is ``?``."""
    by_id = {f.check_id: f for f in findings}
    out = []
    for check_id in CHECK_IDS:
        finding = by_id.get(check_id)
        value = finding.value if finding is not None else math.nan
        out.append(Reading(check_id, FORMATS[check_id](value),
                           finding.verdict if finding is not None else "unknown"))
    return tuple(out)


# ---- strikes from an analysis --------------------------------------------------------------------

def _point(points: np.ndarray, frame: int, index: int | None = None) -> Point:
    """Image point of landmark ``index`` (or of a (n, 2) series) at ``frame``; NaN outside."""
    if frame < 0 or frame >= len(points):
        return NO_POINT
    xy = points[frame] if index is None else points[frame, index]
    return float(xy[0]), float(xy[1])


def _body_box(keypoints: np.ndarray, frame: int) -> tuple[Point, Point]:
    """(min, max) corners of the finite keypoints at ``frame``; NaN when there are none."""
    if not 0 <= frame < len(keypoints):
        return NO_POINT, NO_POINT
    points = keypoints[frame]
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) == 0:
        return NO_POINT, NO_POINT
    low, high = points.min(axis=0), points.max(axis=0)
    return (float(low[0]), float(low[1])), (float(high[0]), float(high[1]))


def _ground_contact(keypoints: np.ndarray, frame: int, foot: str) -> Point:
    """Where the foot meets the ground: the lower (larger y) of heel and toe, else the ankle."""
    candidates = [_point(keypoints, frame, INDEX[f"{foot}_{part}"])
                  for part in ("heel", "foot_index")]
    candidates = [p for p in candidates if math.isfinite(p[0]) and math.isfinite(p[1])]
    if candidates:
        return max(candidates, key=lambda p: p[1])
    return _point(keypoints, frame, INDEX[f"{foot}_ankle"])


def strikes_from_analysis(analysis: Analysis) -> tuple[Strike, ...]:
    """Every foot strike of ``analysis`` (none when the gait stage failed)."""
    gait = analysis.gait
    if gait is None or len(gait.events) == 0:
        return ()
    steps = collect_steps(gait)
    k = len(steps)
    by_id = {f.check_id: f for f in analysis.findings}
    baseline = analysis.options.baseline
    verdicts = {check_id: step_verdicts(by_id.get(check_id), k, baseline=baseline)
                for check_id in CHECK_IDS}
    values = {
        "lean": _detail(by_id.get("lean"), "lean_vs_slope_normal_deg", k),
        "lean_vertical": _detail(by_id.get("lean"), "whole_body_lean_deg", k),
        "trunk": _detail(by_id.get("lean"), "trunk_angle_deg", k),
        "waist": _detail(by_id.get("lean"), "waist_bend_deg", k),
        "knee": _detail(by_id.get("knee"), "knee_flexion_ic_deg", k),
        "landing": _detail(by_id.get("landing"), "foot_landing_from_com_leg", k),
        "landing_m": _detail(by_id.get("landing"), "foot_landing_from_com_m", k),
        "arms": _detail(by_id.get("arms"), "shoulder_abduction_deg", k),
        "elbow": _detail(by_id.get("arms"), "elbow_angle_sagittal_deg", k),
        "cadence": _detail(by_id.get("cadence"), "cadence_spm", k),
    }
    pose, com = analysis.pose, gait.com_image_px
    mid_plane = gait.on_mid_plane()  # the lines across the body, as the checks measure them
    across, across_com = mid_plane.keypoints_image_px, mid_plane.com_image_px
    slope = gait.slope.deg
    ground = slope + analysis.options.camera_roll_deg if math.isfinite(slope) else math.nan
    out = []
    for j in range(k):
        foot = steps.foot[j]
        ic, mid = int(steps.ic_frame[j]), int(steps.mid_frame[j])
        arm_side = foot if steps.near[j] else ("left" if foot == "right" else "right")
        contact = _contact(pose.keypoints_px, com, ic, foot, arm_side, j, values, verdicts)
        stance = (_stance(pose.keypoints_px, across, across_com, gait.near, mid, foot, j,
                          values, verdicts) if mid >= 0 else None)
        readings = tuple(Reading(c, FORMATS[c](values[c][j]), verdicts[c]["step"][j])
                         for c in CHECK_IDS)
        time_s = float(pose.time_s[ic]) if 0 <= ic < pose.n_frames else math.nan
        out.append(Strike(number=j + 1, step=j, foot=foot, near=bool(steps.near[j]),
                          time_s=time_s, facing=int(gait.direction.facing), slope_deg=slope,
                          ground_deg=ground, leg_px=float(gait.scale.leg_length_px),
                          contact=contact, stance=stance, readings=readings))
    return tuple(out)


def _contact(keypoints: np.ndarray, com: np.ndarray, frame: int, foot: str, arm_side: str,
             j: int, values: dict, verdicts: dict) -> ContactMarks:
    def at(name: str) -> Point:
        return _point(keypoints, frame, INDEX[name])

    low, high = _body_box(keypoints, frame)
    return ContactMarks(
        frame=frame, foot_px=_ground_contact(keypoints, frame, foot),
        hip_px=at(f"{foot}_hip"), knee_px=at(f"{foot}_knee"), ankle_px=at(f"{foot}_ankle"),
        com_px=_point(com, frame), shoulder_px=at(f"{arm_side}_shoulder"),
        elbow_px=at(f"{arm_side}_elbow"), wrist_px=at(f"{arm_side}_wrist"),
        knee_flexion_deg=float(values["knee"][j]), knee_verdict=verdicts["knee"]["step"][j],
        landing_leg=float(values["landing"][j]), landing_m=float(values["landing_m"][j]),
        landing_verdict=verdicts["landing"]["step"][j],
        elbow_deg=float(values["elbow"][j]), abduction_deg=float(values["arms"][j]),
        arm_verdict=verdicts["arms"]["step"][j], body_min_px=low, body_max_px=high)


def _stance(keypoints: np.ndarray, across: np.ndarray, com: np.ndarray, near: np.ndarray,
            frame: int, foot: str, j: int, values: dict, verdicts: dict) -> StanceMarks:
    """The marks at mid-stance: the foot and ankle where the picture shows them
    (``keypoints``); the lean and trunk lines between the points the lean check reads, both
    sides of the body on its mid-plane (``across``, ``com``:
    :meth:`~posecheck.gait.analysis.GaitAnalysis.on_mid_plane`), so that they make its
    angles."""
    lean = verdicts["lean"]
    hip = shoulder = contact = NO_POINT
    if 0 <= frame < len(across):
        contact = tuple(float(v) for v in kin.midfoot(across[frame], foot))
        girdles = kin.near_side_girdles(across[frame:frame + 1], near[frame:frame + 1])
        hip = tuple(float(v) for v in kin.hip_mid(girdles)[0])
        shoulder = tuple(float(v) for v in kin.shoulder_mid(girdles)[0])
    low, high = _body_box(keypoints, frame)
    return StanceMarks(
        frame=frame, foot_px=_ground_contact(keypoints, frame, foot), contact_px=contact,
        ankle_px=_point(keypoints, frame, INDEX[f"{foot}_ankle"]), com_px=_point(com, frame),
        hip_px=hip, shoulder_px=shoulder,
        lean_vertical_deg=float(values["lean_vertical"][j]),
        lean_slope_deg=float(values["lean"][j]),
        lean_verdict=lean.get("line", lean["step"])[j],
        trunk_deg=float(values["trunk"][j]), waist_deg=float(values["waist"][j]),
        waist_verdict=lean.get("waist", lean["step"])[j], body_min_px=low, body_max_px=high)
