"""The measured accuracy of each measure, published with every finding.

Each entry is the absolute error of the clip's value against exact truth, measured end to end
(synthetic video -> MediaPipe -> cleaning -> gait -> checks) on held-out synthetic clips, which
chose nothing: the odd seeds of the technique matrix and the odd rounds of the
designed-technique clips, pooled, of both held-out sets (96 clips; the second was rendered
after the first had been studied clip by clip; it chose nothing but the fix of a contact
counted twice, found on one of its clips: README, "Accuracy of the checks").
``python benchmarks/checks_accuracy.py`` prints the table these numbers are copied from (its
last, "the published accuracy"; 2026-12-06). A measure missing here has not been measured, and
its findings say so (accuracy ``None``).
"""

from __future__ import annotations

from posecheck.checks.finding import Accuracy

SOURCE = ("synthetic clips held out from tuning (technique matrix and designed techniques, 96 "
          "clips), video end to end (benchmarks/checks_accuracy.py)")

#: measure id -> (median |error|, 90th percentile |error|) in the measure's unit, from the
#: held-out clips (96; n: clips where the measure had a value; bias: median signed error).
#: Copied from ``python benchmarks/checks_accuracy.py`` (its "published accuracy" table).
MEASURED: dict[str, tuple[float, float]] = {
    "lean_vs_slope_normal_deg": (1.41, 2.56),  # n 88, bias -1.004
    "whole_body_lean_deg": (1.41, 2.63),  # n 96, bias -1.036
    "trunk_angle_deg": (1.95, 3.53),  # n 96, bias -1.937
    "waist_bend_deg": (1.94, 4.58),  # n 96, bias -1.546
    "knee_flexion_ic_deg": (1.89, 4.51),  # n 96, bias -0.498
    "knee_flexion_ic_near_leg_deg": (2.16, 4.71),  # n 96, bias -0.076
    "knee_flexion_ic_far_leg_deg": (2.43, 4.95),  # n 96, bias -0.791
    "foot_landing_from_com_leg": (0.014, 0.036),  # n 96, bias +0.002
    "foot_landing_from_com_m": (0.012, 0.031),  # n 96, bias +0.002
    "heel_landing_from_com_m": (0.024, 0.046),  # n 96, bias +0.021
    "shank_angle_ic_deg": (1.49, 3.7),  # n 96, bias +0.847
    "foot_strike_angle_deg": (1.62, 5.4),  # n 88, bias -0.616
    "shoulder_abduction_deg": (5.88, 10.32),  # n 96, bias +1.433
    "elbow_angle_sagittal_deg": (9.44, 15.04),  # n 96, bias +9.438
    "arm_swing_range_deg": (3.93, 8.52),  # n 95, bias -3.880
    "cadence_spm": (1.05, 4.31),  # n 96, bias +0.425
    "contact_time_s": (0.007, 0.021),  # n 96, bias +0.004
    "flight_time_s": (0.008, 0.022),  # n 96, bias -0.005
    "duty_factor": (0.012, 0.037),  # n 96, bias +0.010
    "com_vertical_oscillation_m": (0.007, 0.015),  # n 96, bias +0.005
}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
