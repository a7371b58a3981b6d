"""Knee at foot strike: land under a slightly bent knee, not at the end of a straight leg.

Measures: knee flexion at initial contact (180 minus the hip-knee-ankle angle in the side view;
0 is a straight leg) of the landing leg, per step.

Both legs count, each at its own foot strike, and each leg's median is reported beside the
verdict's. Over a whole clip the pose model guesses the far leg more (2D knee angle error p90 22
deg on the far side against 13 deg on the near side, synthetic clips,
``benchmarks/pose_accuracy.py``), but most of that is where the legs cross in mid-stance; at its
own foot strike the far leg is out in front, clear of the near one, and read about as well:
per-step |error| against the exact landmarks at the same instant, tuning halves of
``benchmarks/checks_accuracy.py``, near / far leg median and p90, designed techniques 2.4 / 6.1
and 2.5 / 6.6 deg, technique matrix 2.3 / 6.8 and 3.4 / 6.5 deg. A clip's three or four
near-leg landings leave its median at the mercy of one misread step; with the far leg's the
clip knee's median |error| against truth on the tuning halves went from 2.07 to 1.61 deg (p90
7.3 -> 5.1) on the matrix and 1.52 to 1.60 (p90 4.3 -> 3.5) on the designed clips, knee
verdicts right 88% either way.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from posecheck.checks.bands import Bands, low_is_fault
from posecheck.checks.context import (Baseline, CheckContext, CheckInfo, counting_steps,
                                      evidence_frames, measure, too_few)
from posecheck.checks.finding import Finding
from posecheck.kinematics import flexion_deg
from posecheck.landmarks import INDEX

INFO = CheckInfo(
    id="knee",
    name="Knee at foot strike",
    measures="knee flexion at initial contact of the landing leg (both legs), degrees, "
             "0 = straight",
    why="A straight knee at landing sends the impact up a stiff leg; runners land straighter "
        "downhill (17.0 vs 20.9 deg at 9% downhill), the habit this cue targets.",
    cues={
        "good": "Knee already bent as the foot lands: keep landing soft.",
        "watch": "Knee nearly straight at landing: let the knee bend as the foot comes down, "
                 "drop the hips an inch.",
        "fix": "Landing on a straight leg: bend the knee before the foot touches, drop the hips, "
               "land under the body.",
    },
    sources={
        "watch_below_deg": "15 deg: the low end of typical level running, 15-25 deg (domain "
                           "brief 5.2); below it the knee is straighter than usual",
        "fix_below_deg": "10 deg: 5 deg under the typical range, beyond the 3-8 deg a trained "
                         "human marking the angle disagrees with themself (Damsted et al. 2015)",
        "max_landing_deg": "45 deg: more than any runner lands on (15-25 deg typical, 17 deg "
                           "downhill, domain brief 5.2; crouched landings stay under 40): a "
                           "knee bent further at a detected foot strike means the strike was "
                           "placed in swing, and the step is left out",
        "min_steps": "2 steps: one landing is not a habit",
    },
)


def knee_flexion_at_ic(ctx: CheckContext) -> np.ndarray:
    """(k,) knee flexion (deg) of each contact's landing leg at its initial contact, read one
    frame before it, or where the knee is already loaded there, at its least flexion in the
    frame before (:func:`posecheck.checks.steps.knee_read_s`)."""
    kp = ctx.steps.keypoints_knee  # the leg as it lands, before it is loaded
    out = np.full(len(ctx.steps), np.nan)
    for j, foot in enumerate(ctx.steps.foot):
        hip, knee, ankle = (kp[j, INDEX[f"{foot}_{n}"]] for n in ("hip", "knee", "ankle"))
        out[j] = flexion_deg(hip, knee, ankle)
    return out


def bands(t: Mapping[str, float], baseline: Baseline | None = None) -> Bands:
    """The verdict by knee flexion (``t``: the thresholds of :func:`check`)."""
    return low_is_fault(watch_below=t["watch_below_deg"], fix_below=t["fix_below_deg"])


def check(ctx: CheckContext, *, watch_below_deg: float = 15.0, fix_below_deg: float = 10.0,
          max_landing_deg: float = 45.0, min_steps: int = 2) -> Finding:
    values = knee_flexion_at_ic(ctx)
    with np.errstate(invalid="ignore"):
        landing_like = ~(values > max_landing_deg)
    used, left_out = counting_steps(
        ctx.steps, (np.isfinite(values), "knee not found"),
        (landing_like, f"knee bent more than {max_landing_deg:g} deg: not a landing (the foot "
                       "strike is likely misplaced)"))
    m = measure("knee_flexion_ic_deg", "deg", values, used, INFO.measures)
    near = np.asarray(ctx.steps.near, dtype=bool)
    details = tuple(measure(f"knee_flexion_ic_{leg}_leg_deg", "deg", values, used & on_leg,
                            f"knee flexion at IC of the {leg} leg's landings")
                    for leg, on_leg in (("near", near), ("far", ~near)))
    reason = ctx.not_running or too_few(m, min_steps)
    if reason:
        return INFO.finding("unknown", m, reason, details=details, left_out=left_out)
    verdict = bands({"watch_below_deg": watch_below_deg,
                     "fix_below_deg": fix_below_deg}).grade(m.value)
    legs = ", ".join(f"{leg} leg {d.value:.1f} over {d.n_steps}"
                     for leg, d in zip(("near", "far"), details) if d.n_steps)
    return INFO.finding(verdict, m, f"median {m.value:.1f} deg over {m.n_steps} landings ({legs})",
                        details=details, left_out=left_out,
                        evidence_frames=evidence_frames(m, ctx.steps.ic_frame))
