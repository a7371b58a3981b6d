"""Running or walking: running has a flight phase between contacts, walking has double support.

Two measures, the first that has enough steps decides:

1. flight time per step (next IC minus this TO; negative in walking): ``"running"`` when most
   measured steps have flight, ``"walking"`` when most have double support;
2. where TO is too noisy to find (a far, small walker), the other foot's toe at each IC: still
   on the ground (below ``grounded_legs`` above its own stance level) means double support.

A short clip (a tripod clip of a runner crossing the frame shows three or four contacts) has
fewer than ``min_steps`` flight times. It is still decided when the evidence is unanimous: at
least ``min_unanimous_steps`` flight times, all with flight (or all with double support), and
no other-foot reading against them (``"flight time, every step"``). Otherwise, with fewer than
``min_steps`` measured steps, the result is ``"unknown"``.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from posecheck.gait.events import GaitEvents
from posecheck.gait.steps import StepTable


@dataclasses.dataclass(frozen=True)
class GaitMode:
    """``mode``: ``"running"``, ``"walking"`` or ``"unknown"``; ``flight_fraction``: share of
    measured steps with a flight phase; ``n_steps`` measured; ``source``: ``"flight time"``,
    ``"other foot at IC"`` or ``""``."""

    mode: str
    flight_fraction: float
    n_steps: int
    source: str = ""


def classify_gait(steps: StepTable, events: GaitEvents | None = None, *,
                  min_steps: int = 4,  # two strides: one odd step cannot decide
                  min_unanimous_steps: int = 2,  # fewer, when none disagrees: one step is no rhythm
                  grounded_legs: float = 0.06,  # twice the toe-off rise: above pose jitter
                  ) -> GaitMode:
    """Running vs walking from flight times, else from the other foot at each IC, else from a
    few steps that all agree."""
    flight = steps.flight_s[np.isfinite(steps.flight_s)]
    if len(flight) >= min_steps:
        fraction = float(np.mean(flight > 0))
        return GaitMode("running" if fraction > 0.5 else "walking", fraction, len(flight),
                        "flight time")
    other = events.other_toe_legs if events is not None else None
    other = other[np.isfinite(other)] if other is not None else np.zeros(0)
    if len(other) >= min_steps:
        fraction = float(np.mean(other > grounded_legs))
        return GaitMode("running" if fraction > 0.5 else "walking", fraction, len(other),
                        "other foot at IC")
    if len(flight) >= min_unanimous_steps:
        airborne = other > grounded_legs
        if np.all(flight > 0) and np.all(airborne):
            return GaitMode("running", 1.0, len(flight), "flight time, every step")
        if np.all(flight <= 0) and not np.any(airborne):
            return GaitMode("walking", 0.0, len(flight), "flight time, every step")
    return GaitMode("unknown", float("nan"), len(flight))
