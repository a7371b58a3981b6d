"""Whole-body centre of mass (CoM) per frame from the 33 landmarks, by the de Leva segment model.

de Leva P (1996) "Adjustments to Zatsiorsky-Seluyanov's segment inertia parameters", J Biomech
29:1223-1230: segment masses (% body mass) and CoM positions along each segment (% of its length
from the proximal end), male / female. Landmark stand-ins for de Leva's end points:

- head and neck: the CoM is taken at the midpoint of the ears (the head's centre in a side view);
- trunk: shoulder midpoint to hip midpoint, CoM 51.38% (m) / 49.64% (f) from the shoulders
  (de Leva's values measured from the suprasternale, which sits near shoulder height);
- upper arm shoulder-elbow, forearm elbow-wrist, hand wrist to the index/pinky midpoint;
- thigh hip-knee, shank knee-ankle, foot heel-toe (foot_index).

Far side: in a side view the far limbs are partly hidden and the pose model guesses them. Their
segments still count (dropping them would move the CoM towards the near side's limbs), but the
result reports, per frame, the fraction of body mass that rests on low-visibility landmarks
(``hidden_mass``), so a verdict can refuse to rest on guesses. A midpoint end (the trunk's
shoulders and hips, the head's ears) counts as seen when either side is. Segments with a
missing landmark are left out and the rest rescaled; when more than ``max_missing_mass`` is
missing the frame's CoM is NaN.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from posecheck import landmarks as lm
from posecheck.anthropometry import SEGMENT_COM_FRACTION, SEGMENT_MASS_PCT
from posecheck.errors import PosecheckError
from posecheck.sequence import PoseSequence

_I = lm.INDEX


@dataclasses.dataclass(frozen=True)
class Segment:
    """One body segment: end points (tuples of landmark indices, averaged), mass fraction of the
    body and CoM fraction from the proximal end, each as (male, female)."""

    name: str
    proximal: tuple[int, ...]
    distal: tuple[int, ...]
    mass: tuple[float, float]
    com: tuple[float, float]


# limb segments: (name, proximal end, distal ends); masses and CoM positions from the table
LIMB_ENDS = (
    ("upper_arm", "shoulder", ("elbow",)),
    ("forearm", "elbow", ("wrist",)),
    ("hand", "wrist", ("index", "pinky")),
    ("thigh", "hip", ("knee",)),
    ("shank", "knee", ("ankle",)),
    ("foot", "heel", ("foot_index",)),
)


def _mass(name: str) -> tuple[float, float]:
    """Mass fraction of the body, (male, female)."""
    male, female = SEGMENT_MASS_PCT[name]
    return male / 100.0, female / 100.0


def _limbs(side: str) -> list[Segment]:
    return [Segment(f"{side}_{name}", (_I[f"{side}_{near}"],),
                    tuple(_I[f"{side}_{d}"] for d in far), _mass(name), SEGMENT_COM_FRACTION[name])
            for name, near, far in LIMB_ENDS]


SEGMENTS: tuple[Segment, ...] = (
    Segment("head", (_I["left_ear"], _I["right_ear"]), (_I["left_ear"], _I["right_ear"]),
            _mass("head"), (0.0, 0.0)),
    Segment("trunk", (lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER), (lm.LEFT_HIP, lm.RIGHT_HIP),
            _mass("trunk"), SEGMENT_COM_FRACTION["trunk"]),
    *_limbs("left"), *_limbs("right"),
)


@dataclasses.dataclass(frozen=True, eq=False)
class CentreOfMass:
    """``com_px`` (n, 2) image pixels; ``missing_mass`` (n,) fraction of body mass left out
    (missing landmarks); ``hidden_mass`` (n,) fraction resting on landmarks with visibility
    below the threshold (far-side guesses); ``segments_px`` (n, s, 2) each segment's CoM."""

    com_px: np.ndarray
    missing_mass: np.ndarray
    hidden_mass: np.ndarray
    segments_px: np.ndarray
    sex: str


def _point(keypoints: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    return keypoints[:, list(indices)].mean(axis=1)


def _end_visibility(visibility: np.ndarray, indices: tuple[int, ...]) -> np.ndarray:
    values = visibility[:, list(indices)]
    return np.where(np.isfinite(values), values, 0.0).max(axis=1)


def centre_of_mass(seq: PoseSequence, *, sex: str = "male",
                   min_visibility: float = 0.5,   # MediaPipe's own cut for a "visible" landmark
                   max_missing_mass: float = 0.15,  # more is more than a whole far arm and leg
                   ) -> CentreOfMass:
    """CoM per frame (image pixels) from the de Leva model; see the module docstring."""
    if sex not in ("male", "female"):
        raise PosecheckError(f"sex must be 'male' or 'female', got {sex!r}")
    col = 0 if sex == "male" else 1
    kp, vis = seq.keypoints_px, seq.visibility
    n = seq.n_frames
    seg_px = np.full((n, len(SEGMENTS), 2), np.nan)
    mass = np.array([s.mass[col] for s in SEGMENTS])
    hidden = np.zeros((n, len(SEGMENTS)), dtype=bool)
    for j, segment in enumerate(SEGMENTS):
        a, b = _point(kp, segment.proximal), _point(kp, segment.distal)
        seg_px[:, j] = a + segment.com[col] * (b - a)
        # an end seen through any of its points (a midpoint needs one side) counts as seen
        seen = np.minimum(_end_visibility(vis, segment.proximal),
                          _end_visibility(vis, segment.distal))
        hidden[:, j] = seen < min_visibility
    present = np.isfinite(seg_px).all(axis=2)
    weights = np.where(present, mass, 0.0)
    total = weights.sum(axis=1)
    missing = 1.0 - total / mass.sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        com = np.nansum(seg_px * weights[:, :, None], axis=1) / total[:, None]
    com[missing > max_missing_mass] = np.nan
    hidden_mass = (np.where(present & hidden, mass, 0.0)).sum(axis=1) / mass.sum()
    return CentreOfMass(com, missing, hidden_mass, seg_px, sex)
