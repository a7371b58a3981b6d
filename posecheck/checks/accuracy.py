"""The measured accuracy of each measure, published with every finding.

Each entry is the absolute error of the clip's median value against exact truth, measured end to
end (synthetic video -> MediaPipe -> cleaning -> gait -> checks) on the held-out half of the
synthetic technique matrix, which chose no threshold: ``python benchmarks/checks_accuracy.py``
prints the table these numbers are copied from. A measure missing here has not been measured,
and its findings say so (accuracy ``None``).
"""

from __future__ import annotations

from posecheck.checks.finding import Accuracy

SOURCE = ("synthetic technique matrix, held-out half, video end to end "
          "(benchmarks/checks_accuracy.py)")

#: measure id -> (median |error|, 90th percentile |error|) in the measure's unit, from the
#: held-out half (16 clips; n: clips where the measure had a value; bias: median signed error).
#: Copied from ``python benchmarks/checks_accuracy.py`` (its "held-out half" table).
MEASURED: dict[str, tuple[float, float]] = {
    "lean_vs_slope_normal_deg": (2.35, 4),  # n 15, bias -2.347
    "whole_body_lean_deg": (2.19, 4.1),  # n 16, bias -2.194
    "trunk_angle_deg": (1.36, 2.85),  # n 16, bias -0.649
    "waist_bend_deg": (2.48, 5.25),  # n 16, bias -1.532
    "knee_flexion_ic_deg": (2.12, 6.08),  # n 16, bias -0.915
    "foot_landing_from_com_leg": (0.032, 0.09),  # n 16, bias -0.020
    "foot_landing_from_com_m": (0.028, 0.077),  # n 16, bias -0.017
    "heel_landing_from_com_m": (0.02, 0.081),  # n 16, bias -0.001
    "shank_angle_ic_deg": (2.47, 7.85),  # n 16, bias -0.077
    "foot_strike_angle_deg": (2.04, 4.7),  # n 15, bias +0.359
    "shoulder_abduction_deg": (5.77, 10.5),  # n 16, bias -2.102
    "elbow_angle_sagittal_deg": (8.94, 15.3),  # n 16, bias +8.939
    "arm_swing_range_deg": (5.88, 9.17),  # n 15, bias -5.883
    "cadence_spm": (3, 14.6),  # n 16, bias +2.013
    "contact_time_s": (0.008, 0.026),  # n 16, bias -0.003
    "flight_time_s": (0.008, 0.041),  # n 16, bias +0.001
    "duty_factor": (0.009, 0.021),  # n 15, bias -0.007
    "com_vertical_oscillation_m": (0.007, 0.017),  # n 15, bias +0.007
}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
