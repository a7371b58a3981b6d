"""Foot landing under the body, not out ahead of it (over-striding).

Measures, per step at initial contact, of the landing foot:

- landing offset: horizontal distance from the centre of mass to the ankle, forward positive,
  in leg lengths (``foot_landing_from_com_leg``) and in metres with ``--height``
  (``foot_landing_from_com_m``); the same for the heel (``heel_landing_from_com_m``/``_leg``);
- shank angle: knee to ankle against vertical, ankle ahead of the knee positive;
- foot strike angle: heel to toe against the ground (the slope as seen by a level camera),
  toe up positive (heel first).

The verdict reads the ankle's offset in leg lengths, so it needs no height. Each leg is
summarised on its own (:func:`judged_leg`): the near (camera-side) leg, or the far leg when it
has enough landings and lands further ahead, since over-striding is often one-sided and a coach
wants the leg that reaches, or when the near leg has too few (a tripod clip's three or four
contacts). The shank and foot strike angles stay on the near leg:
they need the far knee and toe, which the side view hides (see :mod:`posecheck.checks.knee`);
the far ankle at its own foot strike is out in front, clear of the near leg.

Why the worse leg, measured (``benchmarks/checks_accuracy.py``, median / p90 |error| of the
clip's value against truth, in leg lengths), on the tuning halves, where it was chosen: technique
matrix 0.028 / 0.068 with the near leg alone and 0.028 / 0.068 judging the leg that lands further
ahead; designed techniques 0.016 / 0.069 and 0.012 / 0.045, their landing verdicts right 94% and
97%. Held out: matrix 0.032 / 0.070 and 0.027 / 0.066; designed 0.011 / 0.030 and 0.012 / 0.030
(verdicts 97% both). The pose model places the near ankle a little behind (median signed error
-0.017 on the held-out matrix), the far one not. Judging the far leg also where the near leg
has too few landings: tuning matrix half unchanged (0.028 / 0.068; landing verdicts against the
exact-landmark ones 8 of 14 judged clips -> 9 of 16), designed clips unchanged (their near legs
have enough); held out, matrix 0.027 / 0.066 -> 0.021 / 0.048, verdicts 75% -> 88% of 16.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from posecheck import kinematics as kin
from posecheck.checks.bands import Bands, high_is_fault
from posecheck.checks.context import (Baseline, CheckContext, CheckInfo, counting_steps,
                                      evidence_frames, measure, too_few)
from posecheck.checks.finding import Finding
from posecheck.landmarks import INDEX

INFO = CheckInfo(
    id="landing",
    name="Foot lands under the body",
    measures="horizontal distance from the centre of mass to the landing ankle at initial "
             "contact, leg lengths, forward positive; with shank and foot strike angles",
    why="Braking grows with how far ahead of the body the foot lands (Lieberman et al. 2015); "
        "heel-to-CoM distance, foot angle and knee angle at landing predict loading (Wille et "
        "al. 2014). A landing closer under the body with quicker steps cuts braking (Heiderscheit "
        "et al. 2011).",
    cues={
        "good": "Foot lands close under the body: keep the quick, short steps.",
        "watch": "Foot landing a little ahead of the body: shorten the step and quicken it.",
        "fix": "Reaching out ahead onto the heel: take shorter, quicker steps and land with the "
               "foot under the hips.",
    },
    sources={
        "watch_above_leg": "0.34 leg lengths: beyond the good and level synthetic presets "
                           "(0.11-0.29, exact truth) by the measure's error; set from the "
                           "presets, not tuned on the matrix",
        "fix_above_leg": "0.40 leg lengths: between those and the braking preset (0.48)",
        "min_steps": "2 steps: one landing is not a habit; each leg needs as many to be judged",
    },
)


def landing_values(ctx: CheckContext) -> dict[str, np.ndarray]:
    """Per step at IC: ankle and heel offsets from the CoM (px), shank and foot strike angles."""
    steps = ctx.steps
    kp, com, landing = steps.keypoints_ic, steps.com_ic, steps.keypoints_landing
    out = {name: np.full(len(steps), np.nan)
           for name in ("ankle_px", "heel_px", "shank_deg", "strike_deg")}
    slope = ctx.gait.slope.deg
    for j, foot in enumerate(steps.foot):
        ankle, heel = (kp[j, INDEX[f"{foot}_{n}"]] for n in ("ankle", "heel"))
        out["ankle_px"][j] = ankle[0] - com[j, 0]  # positions: at the IC time
        out["heel_px"][j] = heel[0] - com[j, 0]
        # angles: as the leg lands, before the load turns shank and foot
        # (posecheck.checks.steps.landing_frame)
        knee, ankle, heel, toe = (landing[j, INDEX[f"{foot}_{n}"]]
                                  for n in ("knee", "ankle", "heel", "foot_index"))
        out["shank_deg"][j] = kin.hang_from_vertical_deg(knee, ankle)
        sole = toe - heel
        out["strike_deg"][j] = math.degrees(math.atan2(-sole[1], sole[0])) - slope
    return out


def bands(t: Mapping[str, float], baseline: Baseline | None = None) -> Bands:
    """The verdict by the ankle's landing offset in leg lengths (``t``: the thresholds of
    :func:`check`)."""
    return high_is_fault(watch_above=t["watch_above_leg"], fix_above=t["fix_above_leg"])


def judged_leg(per_step: np.ndarray, near: np.ndarray, used: np.ndarray, *,
               min_steps: int) -> str:
    """``"near"`` or ``"far"``: the leg the verdict reads. The far leg when it has at least
    ``min_steps`` counted landings (``used``) and either lands further ahead (its median;
    ``per_step``: offsets, forward positive) or the near leg has fewer than ``min_steps``;
    else the near leg."""
    near_values, far_values = per_step[used & near], per_step[used & ~near]
    if len(far_values) < min_steps:
        return "near"
    if len(near_values) < min_steps:
        return "far"
    return "far" if np.median(far_values) > np.median(near_values) else "near"


def check(ctx: CheckContext, *, watch_above_leg: float = 0.34, fix_above_leg: float = 0.40,
          min_steps: int = 2) -> Finding:
    steps, scale = ctx.steps, ctx.gait.scale
    values = landing_values(ctx)
    near = np.asarray(steps.near, dtype=bool)
    leg_px, m_per_px = scale.leg_length_px, scale.metres_per_px
    offsets_leg = values["ankle_px"] / leg_px
    found, _ = counting_steps(steps, (np.isfinite(offsets_leg), "foot or body not found"))
    leg = judged_leg(offsets_leg, near, found, min_steps=min_steps)
    on_leg = near if leg == "near" else ~near
    other = "far" if leg == "near" else "near"
    other_m = measure(f"foot_landing_from_com_{other}_leg", "leg lengths", offsets_leg,
                      found & ~on_leg, f"the {other} leg's landing ankle ahead of the CoM")
    if leg == "near" and other_m.n_steps < min_steps:
        why_not = f"far leg (hidden side; fewer than {min_steps} of its landings found)"
    elif leg == "far" and other_m.n_steps < min_steps:
        why_not = f"near leg (fewer than {min_steps} of its landings found)"
    else:
        why_not = (f"{other} leg (lands no further ahead: "
                   f"{other_m.value:.2f} leg lengths)")
    used, left_out = counting_steps(steps, (on_leg, why_not),
                                    (np.isfinite(offsets_leg), "foot or body not found"))
    near_used = found & near  # the angles need the near knee and toe
    m = measure("foot_landing_from_com_leg", "leg lengths", offsets_leg, used, INFO.measures)
    details = (
        measure("foot_landing_from_com_m", "m", values["ankle_px"] * m_per_px, used,
                "landing ankle ahead of the CoM (needs --height)"),
        measure("heel_landing_from_com_leg", "leg lengths", values["heel_px"] / leg_px, used,
                "landing heel ahead of the CoM"),
        measure("heel_landing_from_com_m", "m", values["heel_px"] * m_per_px, used,
                "landing heel ahead of the CoM (needs --height)"),
        measure("shank_angle_ic_deg", "deg", values["shank_deg"], near_used,
                "knee to ankle against vertical at IC, ankle ahead positive (near leg)"),
        measure("foot_strike_angle_deg", "deg", values["strike_deg"], near_used,
                "heel to toe against the ground at IC, toe up (heel first) positive (near leg)"),
        other_m,
    )
    reason = ctx.not_running or too_few(m, min_steps)
    if reason:
        return INFO.finding("unknown", m, reason, details=details, left_out=left_out)
    verdict = bands({"watch_above_leg": watch_above_leg,
                     "fix_above_leg": fix_above_leg}).grade(m.value)
    metres = details[0].value
    where = f" ({metres * 100:.0f} cm)" if math.isfinite(metres) else ""
    sides = sorted({steps.foot[j] for j in np.flatnonzero(m.used)})
    foot = f"{sides[0]} ({leg})" if len(sides) == 1 else leg
    reason = (f"{foot} ankle lands {m.value:.2f} leg lengths{where} ahead of the centre of mass "
              f"over {m.n_steps} landings")
    if other_m.n_steps:
        reason += f", the {other} leg's {other_m.value:.2f}"
    if details[3].n_steps:
        reason += f"; shank {details[3].value:+.0f} deg"
    return INFO.finding(verdict, m, reason, details=details, left_out=left_out,
                        evidence_frames=evidence_frames(m, steps.ic_frame))
