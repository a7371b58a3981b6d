"""Verdicts within reach of the measurement error: how sure a coach can be of a verdict.

A clip's value lies some distance from its check's thresholds; the measure's published
accuracy (:mod:`posecheck.checks.accuracy`) says how far a clip's value typically is from the
truth. Where moving the value (or, for the lean, the lean and the waist bend) by that typical
error, the median |error| of held-out clips, would give another verdict, that verdict is "within
reach" and the finding is borderline: a knee read 14.0 deg is a watch (below 15), and with a
typical error of 1.9 deg the truth may well be a good knee.

Over the designed techniques' tuning rounds and both held-out sets (96 clips), every verdict
that missed its design (8, all knees) was marked so, and of the right verdicts in the held-out
sets 10 of 60 knees, 3 of 64 leans and 6 of 64 landings (``benchmarks/checks_accuracy.py``
prints the counts, right and missed, per check).
A borderline verdict is still the verdict: it tells the coach to look at the steps and the
video before telling the runner.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping

from posecheck.checks.bands import SEVERITY
from posecheck.checks.finding import Finding, Measure

#: A check's verdict from the values of the measures it reads (measure id -> clip value).
VerdictOf = Callable[[Mapping[str, float]], str]


def within_reach(finding: Finding, judged: tuple[Measure, ...],
                 verdict_of: VerdictOf) -> tuple[str, ...]:
    """The verdicts other than ``finding.verdict`` that ``verdict_of`` gives when each measure
    in ``judged`` moves by its typical error (its accuracy's median |error|), alone or
    together, in either direction; in order of severity. Empty for an unknown verdict, for
    measures without a value or a measured accuracy, and where ``verdict_of`` does not give the
    finding's own verdict on the values as read (its rule is not the one that judged)."""
    if finding.verdict not in SEVERITY:
        return ()
    values = {m.id: m.value for m in judged}
    margins = {m.id: m.accuracy.median_abs_error for m in judged if m.accuracy is not None}
    if (len(margins) != len(judged) or not all(map(math.isfinite, values.values()))
            or verdict_of(values) != finding.verdict):
        return ()
    reached = set()
    for signs in itertools.product((-1, 0, 1), repeat=len(judged)):
        moved = {k: v + s * margins[k] for (k, v), s in zip(values.items(), signs)}
        reached.add(verdict_of(moved))
    return tuple(v for v in SEVERITY if v in reached and v != finding.verdict)
