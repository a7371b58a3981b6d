"""Arms a little wider for balance on the descent.

Measures, per step (from this contact to the next):

- shoulder abduction: the upper arm's angle out of the trunk's sagittal plane, from MediaPipe's
  3D world landmarks (the plane holds the trunk axis; its normal is the shoulder line made
  perpendicular to the trunk), outward positive, median over the step, near arm;
- elbow angle in the side view (shoulder-elbow-wrist, 180 = straight), median over the step;
- arm swing range: the range over a stride of the upper arm's angle against vertical in the side
  view.

A side view cannot see the frontal plane: abduction rests on the model's depth estimate, its
least accurate axis. Its accuracy is measured on synthetic clips of known abduction
(:mod:`posecheck.checks.accuracy`), and the verdict is withheld ("unknown", with the measured
error) unless that error is within ``max_error_deg``. The cue is for descents: on ground less
steep than ``min_descent_deg`` the values are reported without a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from posecheck import kinematics as kin
from posecheck.checks.accuracy import accuracy_of
from posecheck.checks.bands import Bands, low_is_fault
from posecheck.checks.context import (Baseline, CheckContext, CheckInfo, counting_steps,
                                      evidence_frames, measure, too_few)
from posecheck.checks.finding import Finding
from posecheck.landmarks import INDEX

INFO = CheckInfo(
    id="arms",
    name="Arms wider for balance",
    measures="shoulder abduction (upper arm out of the trunk's sagittal plane, 3D), degrees, "
             "near arm; with elbow angle and arm swing range from the side view",
    why="On steep or technical descents the arms held a little wider act like a tightrope "
        "walker's pole; arms clamped tight are one of the responses to fear that go with "
        "leaning back.",
    cues={
        "good": "Arms held a little wide for balance: keep them loose.",
        "watch": "Arms close to the body: let the elbows drift out a little for balance.",
        "fix": "Arms clamped tight: open them out from the shoulders, like carrying a pole.",
    },
    sources={
        "watch_below_deg": "10 deg: wider than the ~8 deg of level running (synthetic level "
                           "preset); 'a little' wider, domain brief 1.4",
        "fix_below_deg": "5 deg: arms held against the body",
        "max_error_deg": "4 deg: a verdict needs the measure's median error under the 5-deg gap "
                         "between the watch and fix thresholds",
        "min_descent_deg": "3 deg (5%): below it the ground is near level, and the cue is for "
                           "descents",
        "min_steps": "2 steps",
    },
)


def _abduction_deg(world: np.ndarray, side: str) -> np.ndarray:
    """(n,) the ``side`` upper arm's angle out of the trunk's sagittal plane, outward positive."""
    trunk = kin.shoulder_mid(world) - kin.hip_mid(world)
    lateral = world[:, INDEX["left_shoulder"]] - world[:, INDEX["right_shoulder"]]
    with np.errstate(invalid="ignore", divide="ignore"):
        axis = trunk / np.linalg.norm(trunk, axis=1, keepdims=True)
        lateral = lateral - (lateral * axis).sum(axis=1, keepdims=True) * axis
        lateral /= np.linalg.norm(lateral, axis=1, keepdims=True)
        upper = world[:, INDEX[f"{side}_elbow"]] - world[:, INDEX[f"{side}_shoulder"]]
        upper /= np.linalg.norm(upper, axis=1, keepdims=True)
    outward = 1.0 if side == "left" else -1.0
    return np.degrees(np.arcsin(np.clip(outward * (upper * lateral).sum(axis=1), -1, 1)))


def _median_of_finite(values: np.ndarray) -> float:
    """Median of the finite values; NaN when there are none."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if len(finite) else math.nan


def arm_values(ctx: CheckContext) -> dict[str, np.ndarray]:
    """Per step: near arm's abduction and elbow angle (medians over the step), swing range over
    the stride that starts there."""
    seq, steps = ctx.gait.forward, ctx.steps
    t, kp = seq.time_s, seq.keypoints_px
    step_s = np.nanmedian(np.diff(steps.ic_s)) if len(steps) > 1 else math.nan
    out = {name: np.full(len(steps), np.nan) for name in ("abduction", "elbow", "swing")}
    series = {}
    for side in ("left", "right"):
        shoulder, elbow, wrist = (kp[:, INDEX[f"{side}_{n}"]]
                                  for n in ("shoulder", "elbow", "wrist"))
        series[side] = (_abduction_deg(seq.world_m, side), kin.angle_deg(shoulder, elbow, wrist),
                        kin.hang_from_vertical_deg(shoulder, elbow))
    for j, foot in enumerate(steps.foot):
        near = foot if steps.near[j] else ("left" if foot == "right" else "right")
        abduction, elbow, hang = series[near]
        ic = steps.ic_s[j]
        step = (steps.ic_s[j + 1] - ic) if j + 1 < len(steps) else step_s
        in_step = (t >= ic) & (t < ic + step)
        in_stride = (t >= ic) & (t < ic + 2 * step)
        if in_step.sum() >= 2:
            out["abduction"][j] = _median_of_finite(abduction[in_step])
            out["elbow"][j] = _median_of_finite(elbow[in_step])
        if t[-1] >= ic + 2 * step and np.isfinite(hang[in_stride]).sum() >= 4:
            out["swing"][j] = np.nanmax(hang[in_stride]) - np.nanmin(hang[in_stride])
    return out


def bands(t: Mapping[str, float], baseline: Baseline | None = None) -> Bands:
    """The verdict by shoulder abduction (``t``: the thresholds of :func:`check`)."""
    return low_is_fault(watch_below=t["watch_below_deg"], fix_below=t["fix_below_deg"])


def check(ctx: CheckContext, *, watch_below_deg: float = 10.0, fix_below_deg: float = 5.0,
          max_error_deg: float = 4.0, min_descent_deg: float = 3.0,
          min_steps: int = 2) -> Finding:
    steps = ctx.steps
    values = arm_values(ctx)
    used, left_out = counting_steps(steps, (np.isfinite(values["abduction"]),
                                            "arm not found in 3D"))
    m = measure("shoulder_abduction_deg", "deg", values["abduction"], used, INFO.measures)
    details = (
        measure("elbow_angle_sagittal_deg", "deg", values["elbow"], used,
                "shoulder-elbow-wrist in the side view, 180 = straight"),
        measure("arm_swing_range_deg", "deg", values["swing"], used,
                "range over a stride of the upper arm's angle in the side view"),
    )
    slope = ctx.gait.slope.deg
    accuracy = accuracy_of(m.id)
    reason = ctx.not_running or too_few(m, min_steps)
    if not reason and accuracy is None:
        reason = "the accuracy of shoulder abduction from a side view has not been measured"
    if not reason and accuracy.median_abs_error > max_error_deg:
        reason = (f"shoulder abduction from a side view is not accurate enough for a verdict: "
                  f"median error {accuracy.median_abs_error:.1f} deg (p90 "
                  f"{accuracy.p90_abs_error:.1f}) on synthetic clips of known abduction, over "
                  f"the {max_error_deg:g} deg a verdict needs")
    if not reason and not math.isfinite(slope):
        reason = "the slope is unknown: the arm cue is for descents (give --slope)"
    if not reason and slope > -min_descent_deg:
        reason = (f"the ground is near level ({slope:+.1f} deg): the arms-wider cue is for "
                  "descents")
    if reason:
        return INFO.finding("unknown", m, reason, details=details, left_out=left_out)
    verdict = bands({"watch_below_deg": watch_below_deg,
                     "fix_below_deg": fix_below_deg}).grade(m.value)
    return INFO.finding(verdict, m, f"abduction {m.value:.1f} deg over {m.n_steps} steps",
                        details=details, left_out=left_out,
                        evidence_frames=evidence_frames(m, steps.ic_frame))
