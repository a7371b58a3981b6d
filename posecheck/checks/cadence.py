"""Short, quick strides: cadence, with step, contact and flight times, duty factor, step length
and the centre of mass's vertical oscillation.

Measures, per step: cadence (60 / step time, steps/min; the clip's cadence counts the steps
over the time they span, not the median step, so a contact timed a frame late, which lengthens
one step and shortens the next, cancels out), step time (this IC to the next; its mean),
contact time (IC to toe-off), flight time (toe-off to the next IC), duty factor (contact time
over the stride, this IC to the same foot's next), step length (between successive stance
ankles at mid-stance; needs a static camera, in metres with ``--height``), and the CoM's vertical
oscillation over the stride (peak to peak after removing the slope's steady descent). Every time
carries the events' uncertainty, about one frame each end.

Verdict on cadence. Runners naturally take fewer, longer steps downhill (Vernillo et al. 2017),
which the cue pushes against, so with ``--baseline`` (the runner's own level run) the verdict
reads the change from that run; without one it reads the cadence itself against the
population figures below, which say less about one runner.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from posecheck.checks.bands import Bands, low_is_fault
from posecheck.checks.context import (Baseline, CheckContext, CheckInfo, counting_steps,
                                      evidence_frames, measure, too_few)
from posecheck.checks.finding import Finding
from posecheck.checks.steps import EDGE_PROBLEM, at_time
from posecheck.landmarks import INDEX

INFO = CheckInfo(
    id="cadence",
    name="Short, quick strides",
    measures="cadence, steps per minute; with step, contact and flight times, duty factor, "
             "step length and vertical oscillation",
    why="Quicker steps land the foot closer under the body: +5-10% step rate reduced braking "
        "and the knee's energy absorption (Heiderscheit et al. 2011); +5 strides/min moved the "
        "landing 5.9% closer (Lieberman et al. 2015).",
    cues={
        "good": "Quick feet: keep the cadence up on the descent.",
        "watch": "Steps getting long and slow: quicken the feet a little, shorter steps.",
        "fix": "Long, heavy steps: aim for about 5-10% more steps per minute, short and light.",
    },
    sources={
        "watch_below_spm": "160 steps/min without a baseline: 6% under the ~170 metabolic "
                           "optimum at 3 m/s (Lieberman et al. 2015), within the +5-10% that "
                           "changed loading (Heiderscheit et al. 2011)",
        "fix_below_spm": "150 steps/min without a baseline: 12% under 170",
        "watch_drop_pct": "2% below the level baseline: twice the cadence's measurement error",
        "fix_drop_pct": "6% below the level baseline: a drop the size of the +5-10% cue",
        "min_steps": "3 steps",
        "max_gap_steps": "1.6 median steps: a longer interval between contacts hides a missed "
                         "contact (a step takes 1 +/- 0.1 median steps)",
    },
)


def _cadence_steps(steps, step_s: np.ndarray, *, max_gap_steps: float
                   ) -> tuple[np.ndarray, dict]:
    """The steps cadence counts: both contacts in the clip away from its edges and no contact
    missed in between. Unlike the other measures it keeps a step whose times look off its
    neighbours': a contact timed a frame late makes one step long and the next short, and the
    count over the time cancels that only when both steps count."""
    at_edge = np.array([p == EDGE_PROBLEM for p in steps.problem], dtype=bool)
    next_at_edge = np.append(at_edge[1:], False)
    finite = np.isfinite(step_s)
    median = float(np.median(step_s[finite])) if finite.any() else np.nan
    with np.errstate(invalid="ignore"):
        gap = step_s > max_gap_steps * median
    return counting_steps(steps, (finite, "no next contact"), (~at_edge, EDGE_PROBLEM),
                          (~next_at_edge, "next contact at the clip's edge"),
                          (~gap, "a contact missed before the next"), consistent=False)


def _step_lengths(ctx: CheckContext) -> np.ndarray:
    """(k,) px between this contact's ankle and the next one's, each at its own mid-stance;
    NaN unless the camera is static (a panning camera moves the ground in the image)."""
    steps, seq = ctx.steps, ctx.gait.forward
    out = np.full(len(steps), np.nan)
    static = ctx.gait.direction.travel != 0
    if not static:
        return out
    ankles = [at_time(seq.keypoints_px[:, INDEX[f"{foot}_ankle"]], seq.time_s, mid)
              for foot, mid in zip(steps.foot, steps.mid_s)]
    for j in range(len(steps) - 1):
        out[j] = float(np.linalg.norm(ankles[j + 1] - ankles[j]))
    return out


def _oscillation_px(ctx: CheckContext) -> np.ndarray:
    """(k,) CoM peak-to-peak height over the stride from each IC, after a straight line
    through it is removed (the steady descent, or a camera's drift)."""
    steps, t, com = ctx.steps, ctx.gait.forward.time_s, ctx.gait.com.com_px
    out = np.full(len(steps), np.nan)
    for j in range(len(steps) - 2):
        inside = (t >= steps.ic_s[j]) & (t <= steps.ic_s[j + 2]) & np.isfinite(com[:, 1])
        if inside.sum() >= 6:
            y = com[inside, 1]
            trend = np.polyval(np.polyfit(t[inside], y, 1), t[inside])
            out[j] = float(np.ptp(y - trend))
    return out


def bands(t: Mapping[str, float], baseline: Baseline | None = None) -> Bands:
    """The verdict by cadence in steps/min (``t``: the thresholds of :func:`check`): against the
    runner's level run when ``baseline`` has one (a drop of ``watch_drop_pct`` / ``fix_drop_pct``
    from it), else against the population figures."""
    if baseline is not None and math.isfinite(baseline.cadence_spm):
        return low_is_fault(watch_below=baseline.cadence_spm * (1 - t["watch_drop_pct"] / 100),
                            fix_below=baseline.cadence_spm * (1 - t["fix_drop_pct"] / 100))
    return low_is_fault(watch_below=t["watch_below_spm"], fix_below=t["fix_below_spm"])


def check(ctx: CheckContext, *, watch_below_spm: float = 160.0, fix_below_spm: float = 150.0,
          watch_drop_pct: float = 2.0, fix_drop_pct: float = 6.0,
          min_steps: int = 3, max_gap_steps: float = 1.6) -> Finding:
    steps, table, scale = ctx.steps, ctx.gait.steps, ctx.gait.scale
    used, left_out = counting_steps(steps, (np.isfinite(table.step_s), "no next contact"))
    counted, counted_out = _cadence_steps(steps, table.step_s, max_gap_steps=max_gap_steps)
    stride_s = table.step_s + np.append(table.step_s[1:], np.nan)  # this IC to the same foot's next
    m = measure("cadence_spm", "steps/min", 60.0 / table.step_s, counted, INFO.measures,
                summary="rate")
    leg_px, m_per_px = scale.leg_length_px, scale.metres_per_px
    length_px, oscillation_px = _step_lengths(ctx), _oscillation_px(ctx)
    details = (
        measure("step_time_s", "s", table.step_s, counted, "IC to the next IC",
                summary="mean"),
        measure("contact_time_s", "s", table.contact_s, used, "IC to toe-off, +/- a frame"),
        measure("flight_time_s", "s", table.flight_s, used, "toe-off to the next IC"),
        measure("duty_factor", "", table.contact_s / stride_s, used,
                "contact time over the stride"),
        measure("step_length_leg", "leg lengths", length_px / leg_px, used,
                "between successive stance ankles (static camera only)"),
        measure("step_length_m", "m", length_px * m_per_px, used,
                "between successive stance ankles (static camera and --height)"),
        measure("com_vertical_oscillation_leg", "leg lengths", oscillation_px / leg_px, used,
                "CoM peak to peak over a stride"),
        measure("com_vertical_oscillation_m", "m", oscillation_px * m_per_px, used,
                "CoM peak to peak over a stride (needs --height)"),
    )
    reason = ctx.not_running or ctx.gait.cadence_note or too_few(m, min_steps)
    if reason:
        return INFO.finding("unknown", m, reason, details=details, left_out=counted_out)
    verdict = bands({"watch_below_spm": watch_below_spm, "fix_below_spm": fix_below_spm,
                     "watch_drop_pct": watch_drop_pct, "fix_drop_pct": fix_drop_pct},
                    ctx.baseline).grade(m.value)
    if ctx.baseline is not None and math.isfinite(ctx.baseline.cadence_spm):
        change_pct = 100.0 * (m.value / ctx.baseline.cadence_spm - 1.0)
        reason = (f"{m.value:.1f} steps/min, {change_pct:+.1f}% against the level run "
                  f"({ctx.baseline.cadence_spm:.1f})")
    else:
        reason = f"{m.value:.1f} steps/min over {m.n_steps} steps (no level baseline given)"
    return INFO.finding(verdict, m, reason, details=details, left_out=counted_out,
                        evidence_frames=evidence_frames(m, steps.ic_frame))
