"""Exact keypoints (force-plate markers, the synthetic runner) made to look like pose-model output.

The sizes come from MediaPipe on the synthetic runner (the 32-clip technique matrix of
:func:`posecheck.synth.matrix.technique_matrix`, rendered, posed, compared with the exact
landmarks):

- frame-to-frame jitter per landmark, as white noise of the same second difference (the
  standard deviation of (e[i+1] - 2 e[i] + e[i-1]) / sqrt(6) of the error e, swapped frames
  left out): hip 0.015, knee 0.019, ankle 0.018, heel 0.020, toe 0.023 leg lengths;
- left/right leg swaps in 6.6% of frames (mean over clips; up to 16%);
- the runner not found in 4.4% of frames (mean; more when the runner is small).

Off-frame points (feet cut by the frame's bottom edge for a moment, as when a hand-held camera
tilts) are added as NaN feet in one stretch of the clip.
"""

from __future__ import annotations

import numpy as np

from posecheck import landmarks as lm
from posecheck.kinematics import leg_length_px
from posecheck.sequence import PoseSequence

#: Frame-to-frame jitter (leg lengths, standard deviation per image axis) by landmark name
#: (the left and right ones alike); landmarks not named get ``OTHER_JITTER_LEGS``.
JITTER_LEGS = {"hip": 0.015, "knee": 0.019, "ankle": 0.018, "heel": 0.020, "foot_index": 0.023}
OTHER_JITTER_LEGS = 0.015
SWAP_SHARE = 0.066
MISSING_SHARE = 0.044
FEET = ("ankle", "heel", "foot_index")


def _runs(n_frames: int, share: float, rng: np.random.Generator, max_frames: int) -> np.ndarray:
    """(n,) bool: runs of 1 to ``max_frames`` frames covering about ``share`` of the frames."""
    mask = np.zeros(n_frames, dtype=bool)
    if share <= 0 or n_frames == 0:
        return mask
    while mask.mean() < share:
        start = int(rng.integers(0, n_frames))
        mask[start:start + int(rng.integers(1, max_frames + 1))] = True
    return mask


def perturb_like_pose(seq: PoseSequence, *, seed: int, jitter_scale: float = 1.0,
                      swap_share: float = SWAP_SHARE, missing_share: float = MISSING_SHARE,
                      max_run_frames: int = 3,  # MediaPipe's swaps and losses are brief
                      off_frame_s: float = 0.3,  # one stretch with the feet cut off
                      ) -> PoseSequence:
    """A copy of ``seq`` with pose-model-like errors (see the module docstring), reproducible
    from ``seed``: jitter on every landmark, left/right leg swaps and lost frames in runs of up
    to ``max_run_frames``, and the feet below the frame's edge (NaN) for ``off_frame_s`` in one
    random place (the lowest 40% of foot heights there)."""
    rng = np.random.default_rng(seed)
    leg_px = leg_length_px(seq)
    keypoints = seq.keypoints_px.copy()
    n = seq.n_frames
    sd = np.full(lm.N_LANDMARKS, OTHER_JITTER_LEGS)
    for name, value in JITTER_LEGS.items():
        sd[[lm.INDEX[f"left_{name}"], lm.INDEX[f"right_{name}"]]] = value
    keypoints += rng.normal(size=keypoints.shape) * (sd * leg_px * jitter_scale)[None, :, None]
    swapped = _runs(n, swap_share, rng, max_run_frames)
    left, right = list(lm.LEG["left"]), list(lm.LEG["right"])
    keypoints[np.ix_(swapped, left + right)] = keypoints[np.ix_(swapped, right + left)]
    visibility = seq.visibility.copy()
    if off_frame_s > 0 and n:
        length = max(1, int(round(off_frame_s * seq.fps)))
        start = int(rng.integers(0, max(1, n - length)))
        feet = [lm.INDEX[f"{side}_{name}"] for side in ("left", "right") for name in FEET]
        window = keypoints[start:start + length][:, feet]
        edge = np.nanpercentile(window[..., 1], 60)  # image y grows downwards
        window[window[..., 1] > edge] = np.nan
        keypoints[start:start + length, feet] = window
    missing = _runs(n, missing_share, rng, max_run_frames)
    keypoints[missing] = np.nan
    visibility[missing] = 0.0
    world = seq.world_m.copy()
    world[missing] = np.nan
    return seq.replace(keypoints_px=keypoints, visibility=visibility, world_m=world)
