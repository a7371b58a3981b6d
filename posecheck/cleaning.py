"""Cleaning a raw MediaPipe :class:`~posecheck.sequence.PoseSequence` before any metric is measured.

Five stages, each a public function that returns a new sequence (the input is never edited), run
by :func:`clean` in this order, on one working copy of the arrays that the stages edit in place
(each stage's ``_..._in_place`` form), so a long clip holds the raw pose and one copy, not a copy
per stage:

1. :func:`repair_swaps`: undo frames where the model labelled the left leg (or arm) as the right.
2. :func:`reject_outliers`: a keypoint that jumps away from its neighbours in time becomes NaN.
3. :func:`repair_foot_jumps`: a foot that jumps off the shank's smooth motion for a few frames is
   put back where the shank carries it.
4. :func:`fill_gaps`: short NaN gaps are interpolated linearly in time; long ones stay NaN.
5. :func:`lowpass`: zero-lag Butterworth low-pass of the pixel and world coordinates.

Shapes follow :mod:`posecheck.sequence`: time on axis 0, landmark on axis 1, NaN for missing.
Each stage adds a record of what it did under ``seq.meta["cleaning"]``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from posecheck.errors import PosecheckError
from posecheck.kinematics import leg_length_px
from posecheck.landmarks import (
    ARM,
    INDEX,
    LEFT_ANKLE,
    LEFT_ELBOW,
    LEFT_FOOT_INDEX,
    LEFT_HEEL,
    LEFT_KNEE,
    LEFT_WRIST,
    LEG,
    MIRROR,
)
from posecheck.sequence import PoseSequence

# Default cut-off: running kinematics are usually low-passed at 6-12 Hz. Foot-strike detection
# looks for the sharp deceleration of the heel at contact, which a lower cut-off spreads over more
# frames, so we take the upper part of that range. 10 Hz also stays below the 15 Hz Nyquist
# frequency of 30 fps video, the lowest frame rate we expect (the clamp below handles lower).
DEFAULT_CUTOFF_HZ = 10.0
# 2nd order run forwards and backwards: 4th-order roll-off, the usual choice for kinematics
# (Winter, Biomechanics and Motor Control of Human Movement).
DEFAULT_ORDER = 2
# The cut-off's clamp, as a fraction of Nyquist: a cut-off at or past Nyquist is no filter.
MAX_FRACTION_OF_NYQUIST = 0.8

# Default longest gap to bridge: 0.1 s is under half of a running ground contact (about 0.2-0.3 s)
# and under a third of a step at 170-180 steps/min (0.33-0.35 s), so a straight line across it
# cannot invent or erase a foot strike. That is 3 frames at 30 fps, 12 at 120 fps.
DEFAULT_MAX_GAP_S = 0.1

#: Landmarks whose motion decides whether a frame's legs are swapped (the hips are left out:
#: in a side view the two hips nearly coincide, so they say little about the labelling).
LEG_COST_POINTS = (LEFT_KNEE, LEFT_ANKLE, LEFT_HEEL, LEFT_FOOT_INDEX)
#: Landmarks whose motion decides whether a frame's arms are swapped.
ARM_COST_POINTS = (LEFT_ELBOW, LEFT_WRIST)
#: Left-side landmarks exchanged with their right counterparts when a frame's legs are swapped.
LEG_SWAP_POINTS = LEG["left"]
#: Left-side landmarks exchanged when a frame's arms are swapped (the hand points go with the arm).
ARM_SWAP_POINTS = (*ARM["left"], INDEX["left_pinky"], INDEX["left_index"], INDEX["left_thumb"])


def clean(
    seq: PoseSequence,
    *,
    max_gap_s: float = DEFAULT_MAX_GAP_S,  # reason at DEFAULT_MAX_GAP_S
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,  # reason at DEFAULT_CUTOFF_HZ
    swap_penalty_leg: float = 0.15,  # see repair_swaps
    outlier_window_s: float = 0.1,  # see reject_outliers
    outlier_n_sigmas: float = 3.0,  # see reject_outliers
    outlier_min_deviation_leg: float = 0.1,  # see reject_outliers
    foot_jump_window_s: float = 0.2,  # see repair_foot_jumps
    foot_jump_min_deviation_leg: float = 0.15,  # see repair_foot_jumps
    repair_arms: bool = True,  # arms swap independently of legs, so they get their own pass
) -> PoseSequence:
    """Swap repair, outlier rejection, foot-jump repair, gap filling and low-pass, in that order.

    Swap repair comes first because a swapped frame looks like a large jump that outlier rejection
    would otherwise delete; the low-pass comes last so it smooths the repaired, filled track.

    The stages edit one copy of ``seq``'s arrays in place, one after the other; the result is
    the one each public stage function would give run in turn on the last one's output. Every
    stage's copy of a whole sequence alive at once used to cost the cleaning of a 10-minute 60 fps
    clip some 180 MB (three sequences of 57 MB while a stage ran).
    """
    groups = ("legs", "arms") if repair_arms else ("legs",)
    work = _working_copy(seq)
    record: dict[str, Any] = {}
    record["swapped_frames"] = _repair_swaps_in_place(work, groups=groups,
                                                      swap_penalty_leg=swap_penalty_leg)
    record["outliers_removed"] = _reject_outliers_in_place(
        work, window_s=outlier_window_s, n_sigmas=outlier_n_sigmas,
        min_deviation_leg=outlier_min_deviation_leg)
    record["foot_jumps_repaired"] = _repair_foot_jumps_in_place(
        work, window_s=foot_jump_window_s, n_sigmas=FOOT_JUMP_N_SIGMAS,
        min_deviation_leg=foot_jump_min_deviation_leg, max_gap_s=max_gap_s,
        passes=FOOT_JUMP_PASSES)
    record["keypoints_filled"] = _fill_gaps_in_place(work, max_gap_s=max_gap_s)
    record["cutoff_hz"] = _lowpass_in_place(work, cutoff_hz=cutoff_hz)
    meta = dict(seq.meta)
    meta["cleaning"] = {**meta.get("cleaning", {}), **record}
    return work.replace(meta=meta)


def _working_copy(seq: PoseSequence) -> PoseSequence:
    """``seq`` with its own copies of the landmark arrays: the object the ``_..._in_place``
    stages edit. It is private to the function that made it until that function returns it."""
    return seq.replace(keypoints_px=seq.keypoints_px.copy(), visibility=seq.visibility.copy(),
                       world_m=seq.world_m.copy())


# ---- left/right swap repair ----------------------------------------------------------------------


def repair_swaps(
    seq: PoseSequence,
    *,
    groups: tuple[str, ...] = ("legs", "arms"),  # repaired separately: the model may swap legs only
    swap_penalty_leg: float = 0.13,  # cost of relabelling one frame, in leg lengths; see below
) -> PoseSequence:
    """Relabel frames where the model swapped left and right, by continuity of motion.

    For each limb group a two-state dynamic programme (state: this frame as labelled / swapped)
    chooses the labelling of every frame that makes the cost points (knee, ankle, heel, toe for
    legs; elbow, wrist for arms) move most smoothly, judged over consecutive frames (see
    :func:`swap_labels`), so one mislabelled frame is fixed alone rather than flipping everything
    after it. Missing points add nothing. Swaps are applied to ``keypoints_px``, ``visibility`` and
    ``world_m`` together.

    Relabelling a frame costs ``swap_penalty_leg`` leg lengths
    (:func:`posecheck.kinematics.leg_length_px`). The price was measured as 0.15 of the median
    hip-to-ankle distance, which is 0.88 of that leg length on the treadmill clip in ../shared
    (268 px against 304 px), hence 0.13.

    Inside a run of relabelled frames the two limbs' motion is as smooth either way,
    so only the jumps at the run's two ends argue for it; without a price per frame, noise on the
    half-hidden far leg where the legs cross is enough to flip whole strides. On the treadmill
    clip in ../shared (30 fps) a near-zero price flipped 94 of 360 frames in runs of up to 28
    frames, and the legs' labels then disagreed with those one stride (21 frames) later in 132
    frames; 0.15 relabels 7 frames (alone or in pairs) and the disagreement falls from 13 frames
    (as detected) to 8. The price also bounds what is undone: a run of k frames is
    relabelled only when its end jumps cost more than k times the price.

    Limits: a clip labelled wrongly in most frames stays wrong (the majority labelling is kept),
    and across a gap where every cost point is missing the labelling is not linked to the frames
    before it.

    ``meta["cleaning"]["swapped_frames"]`` records, per group, how many frames were swapped.
    """
    work = _working_copy(seq)
    counts = _repair_swaps_in_place(work, groups=groups, swap_penalty_leg=swap_penalty_leg)
    return _with_record(work, "swapped_frames", counts)


def _repair_swaps_in_place(work: PoseSequence, *, groups: tuple[str, ...],
                           swap_penalty_leg: float) -> dict[str, int]:
    """:func:`repair_swaps` on ``work``'s arrays, in place; returns the swapped frames per group.
    Every group's labelling is judged on the arrays as they came in, before any exchange."""
    tables = {"legs": (LEG_COST_POINTS, LEG_SWAP_POINTS),
              "arms": (ARM_COST_POINTS, ARM_SWAP_POINTS)}  # fmt: skip
    unknown = set(groups) - set(tables)
    if unknown:
        raise PosecheckError(f"repair_swaps: unknown group {sorted(unknown)}; use 'legs', 'arms'")
    penalty_px = swap_penalty_leg * _leg_unit_px(work)
    swapped = {group: swap_labels(work.keypoints_px, tables[group][0],
                                  swap_penalty_px=penalty_px) for group in groups}  # fmt: skip
    for group, frames in swapped.items():
        for array in (work.keypoints_px, work.visibility, work.world_m):
            _exchange(array, frames, tables[group][1])
    return {group: int(frames.sum()) for group, frames in swapped.items()}


def _leg_unit_px(seq: PoseSequence) -> float:
    """The leg length (:func:`posecheck.kinematics.leg_length_px`) that scales the cleaning
    thresholds; a quarter of the frame height when no whole leg is ever seen."""
    leg_px = leg_length_px(seq)
    return leg_px if np.isfinite(leg_px) and leg_px > 0 else 0.25 * seq.height


def swap_labels(
    keypoints_px: np.ndarray,
    cost_points: tuple[int, ...],
    *,
    swap_penalty_px: float,  # price of relabelling one frame (see repair_swaps)
    lag: int = 1,  # frames between the positions compared
) -> np.ndarray:
    """(n,) bool: frames whose left/right labels of ``cost_points`` should be exchanged.

    ``keypoints_px`` is (n, 33, 2); ``cost_points`` are left-side landmark indices (their right
    counterparts are found through :data:`posecheck.landmarks.MIRROR`). The cost of a labelling is
    ``swap_penalty_px`` per relabelled frame plus the summed acceleration
    ``|p[t] - 2 p[t-L] + p[t-2L]|`` (mean over the points, L = ``lag``) of the relabelled
    tracks: a change of velocity, not of position, so two legs passing each other mid-swing (same
    place, opposite velocities) are not mistaken for a swap. Where a point is missing in frame
    t-2L, its displacement from t-L to t stands in. With ``lag`` L > 1 the frames fall into L
    chains (t, t+L, t+2L, ...), each labelled on its own. :func:`repair_swaps` compares
    consecutive frames; ``benchmarks/swap_accuracy.py`` measures longer lags against it.
    """
    if lag < 1:
        raise PosecheckError(f"swap_labels: lag must be a whole number of frames >= 1, got {lag}")
    if lag > 1:
        out = np.zeros(len(keypoints_px), dtype=bool)
        for start in range(min(lag, len(keypoints_px))):
            out[start::lag] = swap_labels(keypoints_px[start::lag], cost_points,
                                          swap_penalty_px=swap_penalty_px)
        return out
    n = len(keypoints_px)
    if n < 3:
        return np.zeros(n, dtype=bool)
    left = keypoints_px[:, list(cost_points)]
    right = keypoints_px[:, [MIRROR[i] for i in cost_points]]
    tracks = (np.stack([left, right]), np.stack([right, left]))  # tracks[state]: (2, n, P, 2)
    # step[t-2, a, b, c]: cost of states a, b, c in frames t-2, t-1, t
    step = np.empty((n - 2, 2, 2, 2))
    for a, b, c in np.ndindex(2, 2, 2):
        p0, p1, p2 = tracks[a][:, :-2], tracks[b][:, 1:-1], tracks[c][:, 2:]
        acceleration = np.linalg.norm(p2 - 2 * p1 + p0, axis=-1)
        displacement = np.linalg.norm(p2 - p1, axis=-1)
        per_point = np.where(np.isfinite(acceleration), acceleration, displacement)
        step[:, a, b, c] = _finite_mean(per_point)
    return _viterbi_pairs(step, np.array([0.0, swap_penalty_px]))


def _finite_mean(per_point: np.ndarray) -> np.ndarray:
    """(n,) mean of (2, n, P) over limbs (axis 0) and points (axis 2); NaN ignored, 0 if none."""
    finite = np.isfinite(per_point)
    total = np.where(finite, per_point, 0.0).sum(axis=(0, 2))
    return total / np.maximum(finite.sum(axis=(0, 2)), 1)


def _viterbi_pairs(step: np.ndarray, unary: np.ndarray) -> np.ndarray:
    """(n,) bool: the two-state path of least total ``step[t-2, a, b, c]`` + ``unary[state]``.

    A second-order chain solved as a first-order one over pairs (state in frame t-1, in frame t).
    """
    n = len(step) + 2
    best = unary[:, None] + unary[None, :]  # best[a, b]: frames 0 and 1
    back = np.zeros((n, 2, 2), dtype=np.int8)  # back[t, b, c]: best state a of frame t-2
    for t in range(2, n):
        totals = best[:, :, None] + step[t - 2]  # [a, b, c]
        back[t] = np.argmin(totals, axis=0)
        best = np.min(totals, axis=0) + unary[None, :]
    path = np.zeros(n, dtype=bool)
    b, c = np.unravel_index(int(np.argmin(best)), (2, 2))
    path[n - 1], path[n - 2] = bool(c), bool(b)
    for t in range(n - 1, 1, -1):
        a = int(back[t, b, c])
        path[t - 2] = bool(a)
        b, c = a, b
    return path


def _exchange(array: np.ndarray, frames: np.ndarray, left_points: tuple[int, ...]) -> None:
    """Exchange left and right landmarks of ``array`` (n, 33, ...) in ``frames``, in place."""
    left = list(left_points)
    right = [MIRROR[i] for i in left_points]
    rows = np.flatnonzero(frames)[:, None]
    array[rows, left + right] = array[rows, right + left]


# ---- outlier rejection ---------------------------------------------------------------------------


def reject_outliers(
    seq: PoseSequence,
    *,
    window_s: float = 0.1,  # +-0.05 s: short against a 0.7 s running stride, so the local
    # median follows real motion; 2 neighbours each side at 30 fps, 6 at 120 fps
    n_sigmas: float = 3.0,  # the usual Hampel threshold: 3 robust standard deviations
    min_deviation_leg: float = 0.088,  # in leg lengths (kinematics.leg_length_px); see below
) -> PoseSequence:
    """Set to NaN each image keypoint that jumps away from its neighbours in time (Hampel test).

    For each landmark coordinate, the value at frame t is compared with the median of the frames
    within ``window_s / 2`` of it; it is an outlier when the difference exceeds ``n_sigmas``
    robust standard deviations (1.4826 x the median absolute deviation in the window), and at
    least ``min_deviation_leg`` leg lengths. (The floors below were measured in median
    hip-to-ankle distances, 0.88 of a leg length on that clip: 0.1 of those is 0.088.)
    The floor matters because five samples (the window
    at 30 fps) give a small, unsteady deviation: on the treadmill clip in ../shared a heel's real
    turn at ground contact stood 0.05 leg lengths off its window median and was flagged under a
    floor of 0.05. Under 0.1 the clip loses 95 of 11,880 points (0.1-0.55 leg lengths off, median
    0.14), mostly far-side feet and hands; the near-leg ones fall on frames where the legs cross
    and the model's labels waver. A keypoint flagged in x or y is removed in ``keypoints_px``,
    ``visibility`` and ``world_m`` (the model's world estimate of that point is as suspect);
    :func:`fill_gaps` refills it when the gap is short. Frames with fewer than 3 finite values in
    the window are not tested.
    """
    work = _working_copy(seq)
    removed = _reject_outliers_in_place(work, window_s=window_s, n_sigmas=n_sigmas,
                                        min_deviation_leg=min_deviation_leg)
    return _with_record(work, "outliers_removed", removed)


def _reject_outliers_in_place(work: PoseSequence, *, window_s: float, n_sigmas: float,
                              min_deviation_leg: float) -> int:
    """:func:`reject_outliers` on ``work``'s arrays, in place; returns the points removed."""
    min_deviation_px = min_deviation_leg * _leg_unit_px(work)
    half = max(1, int(round(window_s / 2 * work.fps)))
    flagged = hampel_flags(work.keypoints_px, half_window=half, n_sigmas=n_sigmas,
                           min_deviation=min_deviation_px).any(axis=-1)  # fmt: skip
    for array in (work.keypoints_px, work.visibility, work.world_m):
        array[flagged] = np.nan
    return int(flagged.sum())


def hampel_flags(
    values: np.ndarray, *, half_window: int, n_sigmas: float, min_deviation: float,
    block_frames: int = 2048,
) -> np.ndarray:
    """Bool array shaped like ``values`` (time on axis 0): True where the Hampel test fails.

    The window is ``half_window`` frames each side; NaN values are ignored and never flagged.
    Computed ``block_frames`` frames at a time: the medians work on copies of every window,
    some 25 kB a frame for 33 landmarks at 60 fps, which for a whole 3-minute clip at once
    took 240 MB.
    """
    n = len(values)
    if n == 0:
        return np.zeros(values.shape, dtype=bool)
    pad = np.full((half_window, *values.shape[1:]), np.nan)
    padded = np.concatenate([pad, values, pad])
    flags = np.empty(values.shape, dtype=bool)
    for start in range(0, n, block_frames):
        stop = min(n, start + block_frames)
        flags[start:stop] = _hampel_block(padded[start:stop + 2 * half_window], values[start:stop],
                                          half_window=half_window, n_sigmas=n_sigmas,
                                          min_deviation=min_deviation)
    return flags


def _hampel_block(padded: np.ndarray, values: np.ndarray, *, half_window: int, n_sigmas: float,
                  min_deviation: float) -> np.ndarray:
    """:func:`hampel_flags` of ``values``, given with ``half_window`` frames either side
    (``padded``)."""
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half_window + 1, axis=0)
    # windows[t, ..., k] is values[t - half_window + k]: shape (*values.shape, 2h+1)
    enough = np.isfinite(windows).sum(axis=-1) >= 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows are expected
        median = np.nanmedian(windows, axis=-1)
        sigma = 1.4826 * np.nanmedian(np.abs(windows - median[..., None]), axis=-1)
    limit = np.maximum(n_sigmas * sigma, min_deviation)
    deviation = np.abs(values - median)
    return enough & np.isfinite(deviation) & (deviation > limit)


# ---- foot jumps ----------------------------------------------------------------------------------

#: The points of a foot, tested against the same side's knee.
FOOT_POINTS = {side: tuple(INDEX[f"{side}_{name}"] for name in ("ankle", "heel", "foot_index"))
               for side in ("left", "right")}


#: Robust standard deviations off the shank's line that make a foot point a jump (the usual 3).
FOOT_JUMP_N_SIGMAS = 3.0
#: Passes of the foot-jump test (see :func:`repair_foot_jumps`).
FOOT_JUMP_PASSES = 2


def repair_foot_jumps(
    seq: PoseSequence,
    *,
    window_s: float = 0.2,  # +-0.1 s: a shank's swing is close to a straight line over it
    n_sigmas: float = FOOT_JUMP_N_SIGMAS,  # the usual robust threshold
    min_deviation_leg: float = 0.15,  # in leg lengths; see below
    max_gap_s: float = DEFAULT_MAX_GAP_S,  # longest run of frames put back
    passes: int = FOOT_JUMP_PASSES,  # why two: below
) -> PoseSequence:
    """Put back a foot that jumps off the shank's motion for a few frames.

    Around foot strike the pose model sometimes throws a whole foot (ankle, heel and toe
    together) a third to a whole leg length away for one to three frames, with full visibility,
    while the knee stays put. :func:`reject_outliers` cannot see it: the foot itself moves fast
    just before contact and stops dead at it, so its window median and spread are those of real
    motion. Seen from the knee, though, the foot swings on a smooth arc with no corner at
    contact, so each foot point's offset from its knee (x and y apart) is compared with a
    robust straight line (Siegel's repeated median, which half the window's points can not
    move) through the ``window_s`` around it. A point off that line by ``n_sigmas`` robust
    standard deviations of the window and by at least ``min_deviation_leg`` leg lengths jumped;
    when two of a foot's three points jumped in a frame, the whole foot did. Each jumped point
    is replaced by its knee plus its offset from the knee interpolated in time across the run
    (runs of at most ``max_gap_s``; longer runs become NaN), so the foot follows the shank
    through contact instead of being smeared by the low-pass. The test runs ``passes`` times,
    each on the offsets with the jumps found so far bridged: in a 7-frame window (30 fps) a
    two-frame jump inflates the spread enough to hide its second frame until the first is gone.

    Measured on the static synthetic clips of ``benchmarks/checks_accuracy.py`` (about 120
    near-leg foot strikes, exact truth; nothing was tuned on them): before this stage 7.4% of
    the near ankles at the frame of contact were more than 0.1 leg lengths off after cleaning,
    after it 5.7%; in the raw output 44% of near-leg strikes had the ankle more than 0.15 leg
    lengths off in some frame within two of contact. The floor:
    half a shank's frame-to-frame swing at 30 fps, so a fast real swing the line follows
    loosely is not taken for a jump. Frames whose window holds fewer than 5 finite offsets are
    not tested. ``meta["cleaning"]["foot_jumps_repaired"]`` counts the points replaced.
    """
    work = _working_copy(seq)
    repaired = _repair_foot_jumps_in_place(work, window_s=window_s, n_sigmas=n_sigmas,
                                           min_deviation_leg=min_deviation_leg,
                                           max_gap_s=max_gap_s, passes=passes)
    return _with_record(work, "foot_jumps_repaired", repaired)


def _repair_foot_jumps_in_place(work: PoseSequence, *, window_s: float, n_sigmas: float,
                                min_deviation_leg: float, max_gap_s: float,
                                passes: int) -> int:
    """:func:`repair_foot_jumps` on ``work``'s arrays, in place; returns the points replaced.
    Only foot points are written, and each side reads only its own foot and knee."""
    floor_px = min_deviation_leg * _leg_unit_px(work)
    half = max(3, int(round(window_s / 2 * work.fps)))
    max_frames = int(np.floor(max_gap_s * work.fps + 1e-9))
    keypoints, world = work.keypoints_px, work.world_m
    repaired = 0
    for side, points in FOOT_POINTS.items():
        knee = keypoints[:, INDEX[f"{side}_knee"]]
        offsets = keypoints[:, points] - knee[:, None]  # (n, 3, 2)
        jumped = np.zeros(offsets.shape[:2], dtype=bool)
        for _ in range(passes):  # a second pass sees a jump's other frames without the first's
            bridged = _bridge(offsets, jumped, work.time_s, max_frames)
            found = np.zeros_like(jumped)
            for k in range(len(points)):
                for axis in (0, 1):
                    residual, sigma = line_residuals(bridged[:, k, axis], half_window=half)
                    with np.errstate(invalid="ignore"):
                        found[:, k] |= np.abs(residual) > np.maximum(n_sigmas * sigma, floor_px)
            found[found.sum(axis=1) >= 2] = True
            if not (found & ~jumped).any():
                break
            jumped |= found
        bridged = _bridge(offsets, jumped, work.time_s, max_frames)
        for k, point in enumerate(points):
            frames = jumped[:, k]
            keypoints[frames, point] = knee[frames] + bridged[frames, k]
            world[frames, point] = np.nan  # the model's depth of a jumped point is as suspect
        repaired += int(jumped.sum())
    return repaired


def _bridge(offsets: np.ndarray, jumped: np.ndarray, time_s: np.ndarray,
            max_frames: int) -> np.ndarray:
    """``offsets`` (n, k, 2) with the ``jumped`` (n, k) entries interpolated in time across
    runs of at most ``max_frames`` (NaN across longer ones)."""
    out = offsets.copy()
    out[jumped] = np.nan
    out[jumped] = fill_short_gaps(out, time_s, max_frames=max_frames)[jumped]
    return out


def line_residuals(values: np.ndarray, *, half_window: int, min_points: int = 5,
                   max_side_points: int = 6,
                   block_values: int = 1 << 18) -> tuple[np.ndarray, np.ndarray]:
    """For each frame of ``values`` (n,): its residual from Siegel's repeated-median line
    through the ``half_window`` frames either side of it, and the robust standard deviation
    (1.4826 x the median absolute residual) of that window. NaN values are ignored; NaN where
    a window has fewer than ``min_points`` finite values. A window wider than
    ``max_side_points`` frames a side is sampled every few frames so that it holds at most that
    many a side (the line's cost grows with the square of its points: at 240 fps a 0.2 s window
    would hold 49). Computed in blocks whose pairwise slope arrays hold about ``block_values``
    numbers."""
    step = max(1, -(-half_window // max_side_points))
    side = half_window // step
    half_window = side * step
    n, width = len(values), 2 * side + 1
    x = np.arange(-side, side + 1, dtype=float) * step
    dx = x[None, :] - x[:, None]
    np.fill_diagonal(dx, np.nan)
    padded = np.concatenate([np.full(half_window, np.nan), values, np.full(half_window, np.nan)])
    residual, sigma = np.full(n, np.nan), np.full(n, np.nan)
    block = max(1, block_values // (width * width))
    for start in range(0, n, block):
        stop = min(n, start + block)
        windows = np.lib.stride_tricks.sliding_window_view(
            padded[start:stop + 2 * half_window], 2 * half_window + 1, axis=0)[:, ::step]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows are expected
            slopes = (windows[:, None, :] - windows[:, :, None]) / dx
            slope = np.nanmedian(np.nanmedian(slopes, axis=2), axis=1)
            offset = np.nanmedian(windows - slope[:, None] * x, axis=1)
            off_line = windows - offset[:, None] - slope[:, None] * x
            spread = 1.4826 * np.nanmedian(np.abs(off_line), axis=1)
        enough = np.isfinite(windows).sum(axis=1) >= min_points
        residual[start:stop] = np.where(enough, off_line[:, side], np.nan)
        sigma[start:stop] = np.where(enough, spread, np.nan)
    return residual, sigma


# ---- gap filling ---------------------------------------------------------------------------------


def fill_gaps(
    seq: PoseSequence,
    *,
    max_gap_s: float = DEFAULT_MAX_GAP_S,  # reason at DEFAULT_MAX_GAP_S
) -> PoseSequence:
    """Interpolate, linearly in ``time_s``, interior NaN gaps of at most ``max_gap_s``.

    A gap of k missing frames lasts k / fps seconds. Longer gaps, and gaps at the start or end of
    the clip (nothing to interpolate towards), stay NaN. Applied to each coordinate of
    ``keypoints_px`` and ``world_m`` and to ``visibility``.
    """
    work = _working_copy(seq)
    return _with_record(work, "keypoints_filled", _fill_gaps_in_place(work, max_gap_s=max_gap_s))


def _fill_gaps_in_place(work: PoseSequence, *, max_gap_s: float) -> int:
    """:func:`fill_gaps` on ``work``'s arrays, in place; returns the keypoints filled."""
    if max_gap_s < 0:
        raise PosecheckError(f"fill_gaps: max_gap_s must be >= 0, got {max_gap_s}")
    max_frames = int(np.floor(max_gap_s * work.fps + 1e-9))
    was_missing = np.isnan(work.keypoints_px[..., 0])
    for array in (work.keypoints_px, work.visibility, work.world_m):
        _fill_short_gaps_in_place(array, work.time_s, max_frames=max_frames)
    return int(np.sum(was_missing & np.isfinite(work.keypoints_px[..., 0])))


def fill_short_gaps(values: np.ndarray, time_s: np.ndarray, *, max_frames: int) -> np.ndarray:
    """Copy of ``values`` (time on axis 0, any trailing shape) with interior NaN runs of at most
    ``max_frames`` frames linearly interpolated against ``time_s`` (n,)."""
    out = np.array(values, dtype=float, copy=True)
    _fill_short_gaps_in_place(out, time_s, max_frames=max_frames)
    return out


def _fill_short_gaps_in_place(out: np.ndarray, time_s: np.ndarray, *, max_frames: int) -> None:
    """:func:`fill_short_gaps` on ``out`` (a C-contiguous float array), in place."""
    columns = _columns(out)
    if max_frames < 1:
        return
    for j in range(columns.shape[1]):
        column = columns[:, j]
        for start, stop in nan_runs(column):
            if start > 0 and stop < len(column) and stop - start <= max_frames:
                span = [start - 1, stop]
                column[start:stop] = np.interp(time_s[start:stop], time_s[span], column[span])


def _columns(values: np.ndarray) -> np.ndarray:
    """(n, m) view of ``values`` (time on axis 0): one column per coordinate. Refuses an array
    that cannot be viewed so (not C-contiguous), since writes to a copy would be lost."""
    if not values.flags.c_contiguous:
        raise ValueError("cleaning edits C-contiguous arrays in place; this one is not")
    return values.reshape(len(values), int(np.prod(values.shape[1:])))


def nan_runs(column: np.ndarray) -> list[tuple[int, int]]:
    """``[(start, stop), ...]`` of each run of NaN in a 1-D array (stop exclusive)."""
    return _runs(np.isnan(column))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


# ---- low-pass ------------------------------------------------------------------------------------


def lowpass(
    seq: PoseSequence,
    *,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,  # reason at DEFAULT_CUTOFF_HZ
    order: int = DEFAULT_ORDER,  # reason at DEFAULT_ORDER
    max_fraction_of_nyquist: float = MAX_FRACTION_OF_NYQUIST,  # reason there
) -> PoseSequence:
    """Zero-lag Butterworth low-pass of ``keypoints_px`` and ``world_m`` (visibility untouched).

    The filter (``scipy.signal.butter(..., output="sos")``) runs forwards and backwards
    (``sosfiltfilt``), so peaks keep their time and the amplitude response is the designed
    filter's squared: one half at the cut-off, close to ``1 / (1 + (f / cutoff_hz) ** (2 * order))``
    well below Nyquist. Each run of finite values is filtered on its own and NaN gaps stay NaN;
    runs not longer than the edge padding, ``3 * (2 * sections + 1)`` frames (9 for the default
    order, 0.3 s at 30 fps), are left unfiltered because filtfilt cannot settle in them. The
    cut-off is clamped to ``max_fraction_of_nyquist * fps / 2``; the one used is recorded as
    ``meta["cleaning"]["cutoff_hz"]``.
    """
    work = _working_copy(seq)
    used_hz = _lowpass_in_place(work, cutoff_hz=cutoff_hz, order=order,
                                max_fraction_of_nyquist=max_fraction_of_nyquist)
    return _with_record(work, "cutoff_hz", used_hz)


def _lowpass_in_place(work: PoseSequence, *, cutoff_hz: float, order: int = DEFAULT_ORDER,
                      max_fraction_of_nyquist: float = MAX_FRACTION_OF_NYQUIST) -> float:
    """:func:`lowpass` on ``work``'s arrays, in place; returns the cut-off used."""
    from scipy import signal  # here: ~30 MB the pose stage does without
    if cutoff_hz <= 0 or order < 1:
        raise PosecheckError(f"lowpass: cutoff_hz > 0 and order >= 1, got {cutoff_hz}, {order}")
    used_hz = min(cutoff_hz, max_fraction_of_nyquist * work.fps / 2)
    sos = signal.butter(order, used_hz, btype="lowpass", output="sos", fs=work.fps)
    for array in (work.keypoints_px, work.world_m):
        _filter_finite_runs_in_place(array, sos)
    return float(used_hz)


def _filter_finite_runs_in_place(out: np.ndarray, sos: np.ndarray) -> None:
    """Each finite run of each column of ``out`` (time on axis 0, C-contiguous) passed through
    ``sosfiltfilt``, in place; NaN stays NaN and runs too short for the edge padding stay as
    they are."""
    from scipy import signal  # here: ~30 MB the pose stage does without
    padlen = 3 * (2 * len(sos) + 1)
    columns = _columns(out)
    for j in range(columns.shape[1]):
        column = columns[:, j]
        for start, stop in _runs(np.isfinite(column)):
            if stop - start > padlen:
                column[start:stop] = signal.sosfiltfilt(sos, column[start:stop], padlen=padlen)


# ---- shared --------------------------------------------------------------------------------------


def _with_record(seq: PoseSequence, key: str, value: Any) -> PoseSequence:
    """Copy of ``seq`` whose ``meta["cleaning"][key]`` is ``value`` (meta is copied, not edited)."""
    meta = dict(seq.meta)
    meta["cleaning"] = {**meta.get("cleaning", {}), key: value}
    return seq.replace(meta=meta)
