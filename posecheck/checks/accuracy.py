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
    "lean_vs_slope_normal_deg": (1.07, 2.52),  # n 45, bias -0.988
    "whole_body_lean_deg": (1.08, 2.83),  # n 48, bias -1.033
    "trunk_angle_deg": (1.11, 2.46),  # n 48, bias -0.914
    "waist_bend_deg": (2.24, 6.09),  # n 48, bias -1.719
    "knee_flexion_ic_deg": (2.43, 5.04),  # n 48, bias -0.177
    "foot_landing_from_com_leg": (0.015, 0.043),  # n 48, bias -0.006
    "foot_landing_from_com_m": (0.013, 0.037),  # n 48, bias -0.005
    "heel_landing_from_com_m": (0.018, 0.038),  # n 48, bias +0.014
    "shank_angle_ic_deg": (1.64, 3.66),  # n 48, bias +0.731
    "foot_strike_angle_deg": (1.92, 5.17),  # n 45, bias -0.616
    "shoulder_abduction_deg": (6.09, 10.3),  # n 48, bias +1.524
    "elbow_angle_sagittal_deg": (9.02, 15),  # n 48, bias +9.020
    "arm_swing_range_deg": (4.63, 8.44),  # n 48, bias -4.209
    "cadence_spm": (1.0, 3.83),  # n 48, bias +0.648
    "contact_time_s": (0.007, 0.023),  # n 48, bias -0.001
    "flight_time_s": (0.008, 0.021),  # n 48, bias +0.000
    "duty_factor": (0.012, 0.035),  # n 48, bias -0.001
    "com_vertical_oscillation_m": (0.007, 0.017),  # n 48, bias +0.006
}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
