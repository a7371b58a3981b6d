"""Steps as a table (one row per contact) and the clip's cadence.

Each step is one foot's contact followed by the flight to the next contact: IC and TO times,
contact time (TO - IC), flight time (next IC - TO; negative = double support, as in walking),
step time (next IC - IC). Every time carries the events' uncertainty, about one frame.
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import numpy as np

from posecheck.gait.events import GaitEvents


@dataclasses.dataclass(frozen=True, eq=False)
class StepTable:
    """Arrays (k,) per contact, seconds; NaN where the clip ends first."""

    foot: tuple[str, ...]
    ic_s: np.ndarray
    to_s: np.ndarray
    contact_s: np.ndarray
    flight_s: np.ndarray
    step_s: np.ndarray

    def __len__(self) -> int:
        return len(self.ic_s)

    def rows(self) -> list[dict[str, object]]:
        """One dict per step, for printing or JSON."""
        names = ("ic_s", "to_s", "contact_s", "flight_s", "step_s")
        return [{"step": k, "foot": self.foot[k],
                 **{n: float(getattr(self, n)[k]) for n in names}} for k in range(len(self))]

    def to_csv(self, path: str | Path) -> None:
        """Write the table, times to 1 ms, empty cells for NaN."""
        rows = self.rows()
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["step", "foot", "ic_s", "to_s", "contact_s", "flight_s", "step_s"])
            for row in rows:
                writer.writerow([f"{v:.3f}" if isinstance(v, float) and np.isfinite(v)
                                 else ("" if isinstance(v, float) else v) for v in row.values()])


def step_table(events: GaitEvents) -> StepTable:
    """The step table of detected events."""
    ic, to = events.ic_s, events.to_s
    next_ic = np.append(ic[1:], np.nan)
    return StepTable(events.foot, ic.copy(), to.copy(), to - ic, next_ic - to, next_ic - ic)


def cadence_spm(ic_s: np.ndarray, *,
                max_gap_steps: float = 1.6,  # a longer interval hides a missed contact
                ) -> float:
    """Steps per minute: steps counted over the time they span (no rounding to whole frames),
    ignoring intervals longer than ``max_gap_steps`` median steps. NaN with fewer than 3 ICs."""
    if len(ic_s) < 3:
        return float("nan")
    intervals = np.diff(np.sort(ic_s))
    regular = intervals[intervals <= max_gap_steps * np.median(intervals)]
    return float(60.0 * len(regular) / regular.sum())
