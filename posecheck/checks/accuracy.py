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
    "lean_vs_slope_normal_deg": (1.18, 2.94),  # n 44, bias -0.973
    "whole_body_lean_deg": (1.21, 3.04),  # n 48, bias -1.053
    "trunk_angle_deg": (1.15, 2.83),  # n 48, bias -0.904
    "waist_bend_deg": (2.16, 6.24),  # n 48, bias -1.594
    "knee_flexion_ic_deg": (2.43, 4.72),  # n 48, bias -0.356
    "foot_landing_from_com_leg": (0.016, 0.052),  # n 48, bias -0.008
    "foot_landing_from_com_m": (0.014, 0.045),  # n 48, bias -0.007
    "heel_landing_from_com_m": (0.019, 0.041),  # n 48, bias +0.013
    "shank_angle_ic_deg": (2.12, 3.66),  # n 48, bias +0.832
    "foot_strike_angle_deg": (2.03, 5.51),  # n 44, bias -0.640
    "shoulder_abduction_deg": (6.02, 10.3),  # n 48, bias +1.524
    "elbow_angle_sagittal_deg": (8.81, 15),  # n 48, bias +8.812
    "arm_swing_range_deg": (3.86, 8.44),  # n 48, bias -3.863
    "cadence_spm": (1.18, 4.98),  # n 48, bias +0.627
    "contact_time_s": (0.007, 0.019),  # n 48, bias +0.002
    "flight_time_s": (0.008, 0.026),  # n 48, bias -0.001
    "duty_factor": (0.011, 0.028),  # n 48, bias +0.000
    "com_vertical_oscillation_m": (0.007, 0.016),  # n 48, bias +0.006
}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
