"""The measured accuracy of each measure, published with every finding.

Each entry is the absolute error of the clip's value against exact truth, measured end to end
(synthetic video -> MediaPipe -> cleaning -> gait -> checks) on held-out synthetic clips, which
chose nothing: the odd seeds of the technique matrix and the odd rounds of the
designed-technique clips, pooled (48 clips). ``python benchmarks/checks_accuracy.py`` prints
the table these numbers are copied from (its last, "both sets pooled"). A measure missing here
has not been measured, and its findings say so (accuracy ``None``).
"""

from __future__ import annotations

from posecheck.checks.finding import Accuracy

SOURCE = ("synthetic clips held out from tuning (technique matrix and designed techniques, 48 "
          "clips), video end to end (benchmarks/checks_accuracy.py)")

#: measure id -> (median |error|, 90th percentile |error|) in the measure's unit, from the
#: held-out clips (48; n: clips where the measure had a value; bias: median signed error).
#: Copied from ``python benchmarks/checks_accuracy.py`` (its "both sets pooled" table).
MEASURED: dict[str, tuple[float, float]] = {
    "lean_vs_slope_normal_deg": (1.33, 2.57),  # n 45, bias -1.043
    "whole_body_lean_deg": (1.26, 2.59),  # n 48, bias -1.036
    "trunk_angle_deg": (2.02, 3.48),  # n 48, bias -2.018
    "waist_bend_deg": (2.13, 4.44),  # n 48, bias -1.924
    "knee_flexion_ic_deg": (1.99, 4.3),  # n 48, bias -0.759
    "knee_flexion_ic_near_leg_deg": (2.29, 4.91),  # n 48, bias -0.232
    "knee_flexion_ic_far_leg_deg": (2.14, 4.77),  # n 48, bias -0.928
    "foot_landing_from_com_leg": (0.012, 0.033),  # n 48, bias +0.002
    "foot_landing_from_com_m": (0.01, 0.029),  # n 48, bias +0.002
    "heel_landing_from_com_m": (0.025, 0.041),  # n 48, bias +0.023
    "shank_angle_ic_deg": (1.44, 3.88),  # n 48, bias +0.889
    "foot_strike_angle_deg": (1.45, 4.08),  # n 45, bias -0.593
    "shoulder_abduction_deg": (6.02, 10.2),  # n 48, bias +1.538
    "elbow_angle_sagittal_deg": (9.16, 15.23),  # n 48, bias +9.157
    "arm_swing_range_deg": (4.05, 7.88),  # n 48, bias -4.055
    "cadence_spm": (1.12, 3.87),  # n 48, bias +0.701
    "contact_time_s": (0.007, 0.02),  # n 48, bias +0.002
    "flight_time_s": (0.007, 0.025),  # n 48, bias -0.004
    "duty_factor": (0.011, 0.034),  # n 48, bias +0.008
    "com_vertical_oscillation_m": (0.007, 0.014),  # n 48, bias +0.006
}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
