"""The helpers of benchmarks/swap_accuracy.py, on known answers."""

from __future__ import annotations

import numpy as np

from posecheck.landmarks import LEG, MIRROR, N_LANDMARKS
from support.paths import load_benchmark

swaps = load_benchmark("swap_accuracy")


def legs(n: int) -> np.ndarray:
    """(n, 33, 2): the left leg's points at x = 100 + t, the right's at x = 300 + t."""
    kp = np.zeros((n, N_LANDMARKS, 2))
    for depth, left in enumerate(LEG["left"]):
        kp[:, left] = np.stack([100.0 + np.arange(n), np.full(n, 400.0 + 50 * depth)], axis=1)
        kp[:, MIRROR[left]] = kp[:, left] + [200.0, 0.0]
    return kp


def test_label_states_against_the_exact_legs():
    exact = legs(6)
    raw = swaps.relabelled(exact, np.array([0, 1, 0, 0, 1, 0], dtype=bool))
    raw[5, list(LEG["left"])] = raw[5, [MIRROR[i] for i in LEG["left"]]]  # both legs on one place
    states = swaps.label_states(raw, exact, leg_px=100.0)
    np.testing.assert_array_equal(states, [0, 1, 0, 0, 1, -1])


def test_wrong_frames_counts_decided_frames_only():
    states = np.array([0, 1, 1, -1, 0])
    repaired = np.array([0, 1, 0, 1, 1], dtype=bool)
    assert swaps.wrong_frames(repaired, states) == 2  # frames 2 and 4; frame 3 is undecided


def test_stride_disagreements():
    kp = np.tile(legs(1), (12, 1, 1))  # a runner standing still: every frame alike
    assert swaps.stride_disagreements(kp, 4) == 0
    crossed = swaps.relabelled(kp, np.isin(np.arange(12), [5, 6]))
    # pairs (t, t + 4) with one frame swapped: (1, 5), (2, 6), (5, 9), (6, 10)
    assert swaps.stride_disagreements(crossed, 4) == 4
    assert swaps.stride_disagreements(kp, 12) == 0  # no frame a stride later


def test_rules_round_the_lags_to_frames():
    assert swaps.rules(60.0, 0.15, [0.1, 0.067]) == [("consecutive frames", 1), ("0.1 s", 6),
                                                      ("0.067 s", 4)]
    assert swaps.rules(30.0, 0.15, [0.01]) == [("consecutive frames", 1), ("0.01 s", 1)]
