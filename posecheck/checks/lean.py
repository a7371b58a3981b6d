"""Lean from the ankles, not back and not at the waist.

Measures, per step at mid-stance (halfway between initial contact and toe-off):

- whole-body lean: the line from the stance foot's contact point (midway between heel and toe
  tip: :func:`posecheck.kinematics.midfoot`) to the centre of mass against vertical, forward
  positive (``whole_body_lean_deg``), and against the slope normal
  (``lean_vs_slope_normal_deg`` = lean + slope; on the level the two are equal);
- trunk angle (hip midpoint to shoulder midpoint against vertical), lower-body angle (stance
  ankle to hip midpoint) and waist bend (trunk minus lower body). Each girdle's midpoint is read
  at its near end (:func:`posecheck.kinematics.near_side_girdles`): in a side view the two ends
  lie on one line of sight, and the hidden far end is the pose model's worst guess. The near
  side is first brought to the body's mid-plane (:mod:`posecheck.gait.parallax`), or the near
  ends' lines would turn as the runner crosses a static camera's picture or a pan turns.

The lean turns steadily through stance as the body passes over the foot (by about the running
speed over the leg: 4-7 deg per frame at 30 fps), so a single frame is as noisy as the
difference between good and braking. Each angle is read from a straight line fitted over the
middle of the contact (its first and last ``trim`` share left out) and evaluated at mid-stance;
the event timing's share of the error is the line's slope times mid-stance's 95% uncertainty
(``timing_uncertainty`` of each measure).

Verdict, in this order: folding at the waist (waist bend above its thresholds; graded by the
worse of the fold and the whole-body line, :func:`judge`), else leaning
back (lean against the slope normal below the level reference by more than its thresholds),
else leaning from the ankles (good; far forward of the reference is "watch"). The reference is
the runner's own level run (``--baseline``) when given, else ``reference_level_deg``. The verdict
reads the lean against the slope normal, so the slope must be known: from a static camera, or
``--slope``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from posecheck import kinematics as kin
from posecheck.checks.bands import SEVERITY, Band, Bands, high_is_fault
from posecheck.checks.context import (Baseline, CheckContext, CheckInfo, counting_steps,
                                      evidence_frames, measure, too_few)
from posecheck.checks.finding import Finding
from posecheck.checks.steps import fit_at
from posecheck.landmarks import INDEX

INFO = CheckInfo(
    id="lean",
    name="Lean from the ankles",
    measures="whole-body lean (stance foot to centre of mass) at mid-stance against the slope "
             "normal, degrees, forward positive; with trunk angle and waist bend",
    why="Leaning back on a descent throws the foot out ahead onto the heel and brakes every "
        "step (at -9 deg braking force peaks rise 73%, Gottschall & Kram 2005); folding at the "
        "waist looks like a lean but leaves the hips behind the feet.",
    cues={"good": "Whole body tilted forward as one line from the ankles: keep it."},
    sources={
        "reference_level_deg": "4.4 deg: the level-running lean of this measure (midfoot to CoM "
                               "at mid-stance) of a self-selected upright trunk (trunk ~7 deg, "
                               "Teng & Powers 2014; the level-good synthetic preset reads 4.35); "
                               "replaced by the runner's own level run with --baseline",
        "watch_back_deg": "5 deg behind the reference: beyond the measure's error from video "
                          "(p90 2.8 deg on the tuning half of the synthetic presets) and the "
                          "2-deg spread of runners who follow the cue, so that none of those is "
                          "called back (chosen on that tuning half)",
        "fix_back_deg": "7 deg behind: half the 14-deg gap between a braking and a following "
                        "descent (synthetic presets), the size of the trunk change between cues "
                        "(Teng & Powers 2014: 7 deg)",
        "watch_forward_deg": "8 deg ahead of the reference: more forward than cued running "
                             "(+7 deg trunk, Teng & Powers 2014)",
        "watch_waist_deg": "10 deg waist bend: trunk more flexed than the lower body by more "
                           "than the self-selected spread (7.3 +/- 3.6 deg trunk, Teng & Powers)",
        "fix_waist_deg": "16 deg: beyond the cued-forward trunk (14.1 +/- 4.8 deg) over a "
                         "near-vertical lower body",
        "trim": "0.15: the ends of contact, where the foot is still settling or the heel rising",
        "min_steps": "2 steps: one contact is not a posture",
        "max_slope_uncertainty_deg": "3 deg (95% half-width of a slope read from the stance "
                                     "feet): a slope less sure than that moves the lean against "
                                     "the slope normal by more than the lean's own p90 error",
    },
)
PATTERN_CUES = {
    "waist": "Folding at the waist with the hips left behind: stand tall, push the hips "
             "forward, lean from the ankles as one line.",
    "back": "Leaning back against the hill: tilt the whole body forward from the ankles, "
            "perpendicular to the slope, and let gravity help.",
    "forward": "Leaning a long way forward: ease back towards perpendicular to the slope.",
}


def _stance_angles(ctx: CheckContext, trim: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per step, each angle at mid-stance and its rate (deg/s) from the stance-window fit."""
    seq, steps = ctx.gait.forward, ctx.steps
    t, kp, com = seq.time_s, seq.keypoints_px, ctx.gait.com.com_px
    girdles = kin.near_side_girdles(kp, ctx.gait.near)  # the far ends are the pose model's guesses
    hip, shoulder = kin.hip_mid(girdles), kin.shoulder_mid(girdles)
    trunk = kin.tilt_from_vertical_deg(hip, shoulder)
    names = ("whole_body_lean_deg", "lower_body_angle_deg", "trunk_angle_deg")
    out = {name: (np.full(len(steps), np.nan), np.full(len(steps), np.nan)) for name in names}
    for j, foot in enumerate(steps.foot):
        ic, to, mid = steps.ic_s[j], steps.to_s[j], steps.mid_s[j]
        if not np.isfinite(to):
            continue
        ankle = kp[:, INDEX[f"{foot}_ankle"]]
        series = {"whole_body_lean_deg": kin.tilt_from_vertical_deg(kin.midfoot(kp, foot), com),
                  "lower_body_angle_deg": kin.tilt_from_vertical_deg(ankle, hip),
                  "trunk_angle_deg": trunk}
        start, stop = ic + trim * (to - ic), to - trim * (to - ic)
        for name, values in series.items():
            out[name][0][j], out[name][1][j] = fit_at(values, t, start, stop, mid)
    return out


def reference_deg(t: Mapping[str, float], baseline: Baseline | None = None
                  ) -> tuple[float, str]:
    """The lean a good descent keeps against the slope normal, and where it comes from: the
    runner's level run, else ``t["reference_level_deg"]``."""
    if baseline is not None and math.isfinite(baseline.lean_vs_slope_normal_deg):
        return baseline.lean_vs_slope_normal_deg, "the runner's level run"
    return t["reference_level_deg"], "default level reference"


def bands(t: Mapping[str, float], baseline: Baseline | None = None) -> Bands:
    """The verdict of the lean line by its lean against the slope normal (``t``: the thresholds
    of :func:`check`): behind the reference by more than ``watch_back_deg`` / ``fix_back_deg``,
    or ahead of it by more than ``watch_forward_deg``."""
    ref, _ = reference_deg(t, baseline)
    back_fix, back_watch = ref - t["fix_back_deg"], ref - t["watch_back_deg"]
    forward = ref + t["watch_forward_deg"]
    return Bands((Band(-math.inf, back_fix, "fix"), Band(back_fix, back_watch, "watch"),
                  Band(back_watch, forward, "good", closed_high=True),
                  Band(forward, math.inf, "watch", closed_low=False)))


def waist_bands(t: Mapping[str, float]) -> Bands:
    """The verdict by waist bend (``t``: the thresholds of :func:`check`)."""
    return high_is_fault(watch_above=t["watch_waist_deg"], fix_above=t["fix_waist_deg"])


def judge(lean_deg: float, waist_deg: float, t: Mapping[str, float],
          baseline: Baseline | None = None) -> tuple[str, str]:
    """(verdict, pattern) of a lean and a waist bend: folding at the waist first (``"waist"``),
    else leaning back (``"back"``) or far forward (``"forward"``), else good (``"ankles"``).

    A fold is graded by the worse of its waist bend and its whole-body line: a runner folded
    a little at the waist whose line from the feet is also far behind has both faults, and the
    fold (the cue that brings the hips forward) does not make the line's fix a watch."""
    line = bands(t, baseline)
    verdict = line.grade(lean_deg)
    at_waist = waist_bands(t).grade(waist_deg)
    if at_waist != "good":
        if verdict not in SEVERITY:  # the line is not known: the fold alone
            return at_waist, "waist"
        return max(at_waist, verdict, key=SEVERITY.index), "waist"
    if verdict == "good":
        return "good", "ankles"
    return verdict, "back" if lean_deg < line.good_range[0] else "forward"


#: The measures the verdict reads (see :func:`verdict_of`).
JUDGED = ("lean_vs_slope_normal_deg", "waist_bend_deg")


def verdict_of(values: Mapping[str, float], t: Mapping[str, float],
               baseline: Baseline | None = None) -> str:
    """The verdict of the lean and the waist bend in ``values`` (measure id -> clip value) by
    :func:`judge`: how :mod:`posecheck.checks.borderline` asks what a value off by its typical
    error would read."""
    return judge(values["lean_vs_slope_normal_deg"], values["waist_bend_deg"], t, baseline)[0]


def check(ctx: CheckContext, *, reference_level_deg: float = 4.4, watch_back_deg: float = 5.0,
          fix_back_deg: float = 7.0, watch_forward_deg: float = 8.0,
          watch_waist_deg: float = 10.0, fix_waist_deg: float = 16.0, trim: float = 0.15,
          min_steps: int = 2, max_slope_uncertainty_deg: float = 3.0) -> Finding:
    steps, events = ctx.steps, ctx.gait.events
    angles = _stance_angles(ctx, trim)
    lean, lean_rate = angles["whole_body_lean_deg"]
    mid_uncertainty_s = np.hypot(events.ic_uncertainty_s, events.to_uncertainty_s) / 2
    used, left_out = counting_steps(steps, (np.isfinite(steps.to_s), "no toe-off"),
                                    (np.isfinite(lean), "stance foot or body not found"))

    def make(name: str, values: np.ndarray, rate: np.ndarray, description: str):
        timing = float(np.nanmedian(np.abs(rate) * mid_uncertainty_s)) if used.any() else math.nan
        return measure(name, "deg", values, used, description, timing_uncertainty=timing)

    slope = ctx.gait.slope.deg
    trunk, trunk_rate = angles["trunk_angle_deg"]
    lower, lower_rate = angles["lower_body_angle_deg"]
    details = (
        make("whole_body_lean_deg", lean, lean_rate, "stance foot (midfoot) to CoM against "
             "vertical"),
        make("trunk_angle_deg", trunk, trunk_rate, "hip midpoint to shoulder midpoint "
             "against vertical"),
        make("lower_body_angle_deg", lower, lower_rate, "stance ankle to hip midpoint "
             "against vertical"),
        make("waist_bend_deg", trunk - lower, trunk_rate - lower_rate,
             "trunk angle minus lower-body angle"),
    )
    m = make("lean_vs_slope_normal_deg", lean + slope, lean_rate,
             f"whole-body lean against the slope normal (slope {slope:g} deg, "
             f"{ctx.gait.slope.source})" if math.isfinite(slope) else
             "whole-body lean against the slope normal (slope unknown)")
    reason = ctx.not_running or too_few(details[0], min_steps)
    if not reason and not math.isfinite(slope):
        reason = (f"the slope is unknown ({ctx.gait.slope.note or ctx.gait.slope.source}): "
                  "give --slope to judge the lean against the slope normal")
    if not reason and ctx.gait.slope.uncertainty_deg > max_slope_uncertainty_deg:
        reason = (f"the slope read from the stance feet ({slope:+.1f} deg) is only sure to "
                  f"+/- {ctx.gait.slope.uncertainty_deg:.1f} deg: give --slope to judge the "
                  "lean against the slope normal")
    if reason:
        return INFO.finding("unknown", m, reason, details=details, left_out=left_out)
    t = {"reference_level_deg": reference_level_deg, "watch_back_deg": watch_back_deg,
         "fix_back_deg": fix_back_deg, "watch_forward_deg": watch_forward_deg,
         "watch_waist_deg": watch_waist_deg, "fix_waist_deg": fix_waist_deg}
    reference, ref_source = reference_deg(t, ctx.baseline)
    waist = details[3].value
    behind = reference - m.value
    verdict, pattern = judge(m.value, waist, t, ctx.baseline)
    reason = (f"lean {m.value:+.1f} deg against the slope normal, {-behind:+.1f} deg from "
              f"{ref_source} ({reference:.1f} deg); waist bend {waist:.1f} deg; "
              f"{m.n_steps} steps")
    cue = INFO.cues["good"] if verdict == "good" else PATTERN_CUES[pattern]
    return INFO.finding(verdict, m, reason, cue=cue, details=details, left_out=left_out,
                        evidence_frames=evidence_frames(m, steps.mid_frame), pattern=pattern)
