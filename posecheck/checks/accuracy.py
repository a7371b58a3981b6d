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
    "lean_vs_slope_normal_deg": (1.01, 2.4),  # n 45, bias -0.795
    "whole_body_lean_deg": (1.02, 2.52),  # n 48, bias -0.833
    "trunk_angle_deg": (2.05, 3.44),  # n 48, bias -2.053
    "waist_bend_deg": (2.22, 4.11),  # n 48, bias -2.022
    "knee_flexion_ic_deg": (2.14, 4.38),  # n 48, bias -0.895
    "knee_flexion_ic_near_leg_deg": (2.35, 4.95),  # n 48, bias -0.307
    "knee_flexion_ic_far_leg_deg": (2.35, 4.82),  # n 48, bias -1.044
    "foot_landing_from_com_leg": (0.015, 0.037),  # n 48, bias -0.001
    "foot_landing_from_com_m": (0.013, 0.032),  # n 48, bias -0.001
    "heel_landing_from_com_m": (0.024, 0.044),  # n 48, bias +0.021
    "shank_angle_ic_deg": (2, 4.38),  # n 48, bias +0.847
    "foot_strike_angle_deg": (1.71, 4.2),  # n 45, bias -0.593
    "shoulder_abduction_deg": (6.02, 9.98),  # n 48, bias +1.915
    "elbow_angle_sagittal_deg": (9.16, 15.08),  # n 48, bias +9.157
    "arm_swing_range_deg": (3.79, 7.88),  # n 48, bias -3.795
    "cadence_spm": (1.16, 3.61),  # n 48, bias +0.660
    "contact_time_s": (0.007, 0.021),  # n 48, bias +0.003
    "flight_time_s": (0.008, 0.026),  # n 48, bias -0.004
    "duty_factor": (0.011, 0.031),  # n 48, bias +0.005
    "com_vertical_oscillation_m": (0.007, 0.014),  # n 48, bias +0.006
}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
