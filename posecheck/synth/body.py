"""The synthetic runner's body: segment lengths from height, de Leva segment masses, the true CoM.

Lengths are fractions of standing height from the classic anthropometric proportions (Drillis &
Contini 1966, as tabulated in Winter, *Biomechanics and Motor Control of Human Movement*): hip
joint at 0.530 H, knee 0.285 H, ankle 0.039 H, shoulder 0.818 H, upper arm 0.186 H, forearm
0.146 H, hand 0.108 H, foot length 0.152 H. Masses and the position of each segment's centre of
mass along it follow de Leva (1996, J Biomech 29:1223), male or female, as listed in the domain
brief (docs/running-form.md, section 4).

Every position array is (..., 3) in metres in the synthetic world frame: x forward, y up, z lateral
(towards the camera positive).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from posecheck.anthropometry import SEGMENT_COM_FRACTION, SEGMENT_MASS_PCT
from posecheck.errors import PosecheckError
from posecheck.landmarks import INDEX


@dataclasses.dataclass(frozen=True)
class Body:
    """Segment lengths (m) of one runner. Build it with :meth:`from_height`."""

    height_m: float
    sex: str  # "male" or "female": chooses the de Leva column
    thigh_m: float  # hip joint to knee
    shank_m: float  # knee to ankle
    ankle_height_m: float  # ankle above the sole
    heel_back_m: float  # ankle to the back of the heel, along the sole
    toe_forward_m: float  # ankle to the toe tip, along the sole
    ball_forward_m: float  # ankle to the ball of the foot (the toe joint), along the sole
    trunk_m: float  # hip midpoint to shoulder midpoint
    neck_m: float  # shoulder midpoint to the head centre
    head_radius_m: float
    upper_arm_m: float
    forearm_m: float
    hand_m: float  # wrist to knuckles (the index landmark)
    hip_half_width_m: float  # hip joint centre to the body's mid-plane
    shoulder_half_width_m: float

    @classmethod
    def from_height(cls, height_m: float = 1.75, sex: str = "male") -> Body:
        """Proportions of an adult of ``height_m`` metres."""
        if not 1.0 <= height_m <= 2.3:
            raise PosecheckError(f"runner height must be 1.0-2.3 m, got {height_m}")
        if sex not in ("male", "female"):
            raise PosecheckError(f"sex must be 'male' or 'female', got {sex!r}")
        h = float(height_m)
        foot = 0.152 * h
        return cls(
            height_m=h,
            sex=sex,
            thigh_m=0.245 * h,  # hip joint 0.530 H to knee 0.285 H
            shank_m=0.246 * h,  # knee 0.285 H to ankle 0.039 H
            ankle_height_m=0.039 * h,
            heel_back_m=0.25 * foot,  # the ankle sits about a quarter of the foot from the heel
            toe_forward_m=0.75 * foot,
            ball_forward_m=0.48 * foot,  # ball at about 73 % of the foot length from the heel
            trunk_m=0.288 * h,  # shoulder joint 0.818 H minus hip joint 0.530 H
            neck_m=0.118 * h,  # head centre about 0.936 H (chin 0.870 H, vertex 1.0 H)
            head_radius_m=0.058 * h,
            upper_arm_m=0.186 * h,
            forearm_m=0.146 * h,
            hand_m=0.6 * 0.108 * h,  # knuckles at about 60 % of the hand length
            hip_half_width_m=0.05 * h,  # hip joint centres about 0.10 H apart
            shoulder_half_width_m=0.10 * h,  # shoulder joints about 0.20 H apart
        )

    @property
    def leg_length_m(self) -> float:
        """Hip joint to ankle with the knee straight: the unit of "fraction of leg length"."""
        return self.thigh_m + self.shank_m

    def knee_distance_m(self, flexion_deg: np.ndarray | float) -> np.ndarray:
        """Hip-to-ankle distance (m) for a knee flexion (0 = straight), by the law of cosines."""
        flex = np.radians(flexion_deg)
        a, b = self.thigh_m, self.shank_m
        return np.sqrt(a * a + b * b + 2 * a * b * np.cos(flex))

    def center_of_mass(self, landmarks_m: np.ndarray, head_centre_m: np.ndarray) -> np.ndarray:
        """Whole-body CoM (..., 3) from the 33 landmarks (..., 33, 3) and head centre (..., 3)."""
        col = 0 if self.sex == "male" else 1
        p = landmarks_m
        shoulders = p[..., INDEX["left_shoulder"], :] + p[..., INDEX["right_shoulder"], :]
        shoulder_mid = 0.5 * shoulders
        hip_mid = 0.5 * (p[..., INDEX["left_hip"], :] + p[..., INDEX["right_hip"], :])
        total = SEGMENT_MASS_PCT["head"][col] * head_centre_m
        total = total + SEGMENT_MASS_PCT["trunk"][col] * _along(
            shoulder_mid, hip_mid, SEGMENT_COM_FRACTION["trunk"][col])
        for side in ("left", "right"):
            for segment, start, end in (
                ("upper_arm", "shoulder", "elbow"), ("forearm", "elbow", "wrist"),
                ("hand", "wrist", "index"), ("thigh", "hip", "knee"), ("shank", "knee", "ankle"),
                ("foot", "heel", "foot_index"),
            ):  # fmt: skip
                a = p[..., INDEX[f"{side}_{start}"], :]
                b = p[..., INDEX[f"{side}_{end}"], :]
                mass = SEGMENT_MASS_PCT[segment][col]
                total = total + mass * _along(a, b, SEGMENT_COM_FRACTION[segment][col])
        return total / 100.0


def _along(a: np.ndarray, b: np.ndarray, fraction: float) -> np.ndarray:
    return a + fraction * (b - a)
