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


def step_table(events: GaitEvents, *, shot_starts_s: tuple[float, ...] = ()) -> StepTable:
    """The step table of detected events. A contact whose next contact is in another shot
    (``shot_starts_s``: the times where new shots of an edited clip begin) has no flight or
    step time: the time between two shots is not running."""
    ic, to = events.ic_s, events.to_s
    next_ic = np.append(ic[1:], np.nan)
    shot = shot_index(ic, shot_starts_s)
    next_ic[:-1][shot[1:] != shot[:-1]] = np.nan
    return StepTable(events.foot, ic.copy(), to.copy(), to - ic, next_ic - to, next_ic - ic)


def shot_index(time_s: np.ndarray, shot_starts_s: tuple[float, ...]) -> np.ndarray:
    """(k,) int: the shot each time falls in, 0 before the first start in ``shot_starts_s``."""
    return np.searchsorted(np.sort(np.asarray(shot_starts_s, dtype=float)),
                           np.asarray(time_s, dtype=float), side="right")


def cadence_spm(ic_s: np.ndarray, *, shot_starts_s: tuple[float, ...] = (),
                max_missed: int = 2,  # a longer gap: the runner was lost, not a contact
                ) -> float:
    """Steps per minute: the steps counted over the time they span, within each shot
    (``shot_starts_s``; an interval across a cut is no step) and pooled as steps over time, as
    a coach counts them (no rounding to whole frames). An interval of k median steps (rounded,
    k >= 2) hides k - 1 missed contacts and counts as k steps, up to ``max_missed``; a longer
    one is left out with its time. NaN with fewer than 3 ICs."""
    if len(ic_s) < 3:
        return float("nan")
    ic = np.sort(np.asarray(ic_s, dtype=float))
    shot = shot_index(ic, shot_starts_s)
    intervals = np.diff(ic)[shot[1:] == shot[:-1]]
    if not len(intervals):
        return float("nan")
    steps = np.maximum(np.rint(intervals / np.median(intervals)), 1.0)
    counted = steps <= max_missed + 1
    if not counted.any():
        return float("nan")
    return float(60.0 * steps[counted].sum() / intervals[counted].sum())
