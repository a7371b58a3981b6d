"""A check's verdict by value: the bands of the real line that read good, watch or fix.

Each check module states its rule once, as ``bands(thresholds, baseline)`` over its headline
measure (the lean adds ``waist_bands``), and everything that shows a verdict reads it from
there: the check's own verdict, each step's colour on the teaching video
(:func:`posecheck.annotate.strikes.step_verdicts`), the report's verdict zones
(:func:`posecheck.report.plots.verdict_zones`) and the good range ``posecheck compare`` measures
changes against.

Where a value sits exactly on a threshold follows the rule's words: "below 15 deg" is a fault,
so 15 itself is good (the band ends open); "above 0.34 leg lengths" is a fault, so 0.34 itself
is good (the band ends closed).
"""

from __future__ import annotations

import dataclasses
import math


#: Verdicts from least to most severe ("unknown" is not a grade of a value).
SEVERITY = ("good", "watch", "fix")


@dataclasses.dataclass(frozen=True)
class Band:
    """Values from ``low`` to ``high`` read ``verdict``; ``closed_low`` / ``closed_high`` say
    whether each end belongs to the band."""

    low: float
    high: float
    verdict: str
    closed_low: bool = True
    closed_high: bool = False

    def holds(self, value: float) -> bool:
        above = value >= self.low if self.closed_low else value > self.low
        below = value <= self.high if self.closed_high else value < self.high
        return above and below


@dataclasses.dataclass(frozen=True)
class Bands:
    """Bands in increasing order that cover the real line once."""

    bands: tuple[Band, ...]

    def __post_init__(self) -> None:
        ends = [(b.low, b.high) for b in self.bands]
        if not self.bands or ends[0][0] != -math.inf or ends[-1][1] != math.inf or any(
                a[1] != b[0] for a, b in zip(ends, ends[1:])):
            raise ValueError(f"bands must run from -inf to inf without gaps, got {ends}")

    def grade(self, value: float) -> str:
        """The verdict of ``value`` ("unknown" for NaN)."""
        if not math.isfinite(value):
            return "unknown" if math.isnan(value) else self._end(value)
        return next(b.verdict for b in self.bands if b.holds(value))

    def _end(self, value: float) -> str:
        return self.bands[0].verdict if value < 0 else self.bands[-1].verdict

    @property
    def good_range(self) -> tuple[float, float]:
        """(low, high) of the good band."""
        good = next(b for b in self.bands if b.verdict == "good")
        return good.low, good.high

    @property
    def edges(self) -> list[tuple[float, str]]:
        """Each threshold with the verdict on its far side from the good band."""
        out = []
        good = next(i for i, b in enumerate(self.bands) if b.verdict == "good")
        for i, b in enumerate(self.bands):
            if i < good:
                out.append((b.high, b.verdict))
            elif i > good:
                out.append((b.low, b.verdict))
        return out

    def as_tuples(self) -> list[tuple[float, float, str]]:
        return [(b.low, b.high, b.verdict) for b in self.bands]


def low_is_fault(*, watch_below: float, fix_below: float) -> Bands:
    """Below ``fix_below`` fix, below ``watch_below`` watch, else good."""
    inf = math.inf
    return Bands((Band(-inf, fix_below, "fix"), Band(fix_below, watch_below, "watch"),
                  Band(watch_below, inf, "good")))


def high_is_fault(*, watch_above: float, fix_above: float) -> Bands:
    """Above ``fix_above`` fix, above ``watch_above`` watch, else good."""
    inf = math.inf
    return Bands((Band(-inf, watch_above, "good", closed_high=True),
                  Band(watch_above, fix_above, "watch", closed_low=False, closed_high=True),
                  Band(fix_above, inf, "fix", closed_low=False)))
