"""The measured accuracy of each measure, published with every finding.

Each entry is the absolute error of the clip's median value against exact truth, measured end to
end (synthetic video -> MediaPipe -> cleaning -> gait -> checks) on the held-out half of the
synthetic technique matrix, which chose no threshold: ``python benchmarks/checks_accuracy.py``
prints the table these numbers are copied from. A measure missing here has not been measured,
and its findings say so (accuracy ``None``).
"""

from __future__ import annotations

from posecheck.checks.finding import Accuracy

SOURCE = ("synthetic technique matrix, held-out half, video end to end "
          "(benchmarks/checks_accuracy.py)")

#: measure id -> (median |error|, 90th percentile |error|) in the measure's unit.
MEASURED: dict[str, tuple[float, float]] = {}


def accuracy_of(measure_id: str) -> Accuracy | None:
    """The published accuracy of a measure, or None when it has not been measured."""
    if measure_id not in MEASURED:
        return None
    median, p90 = MEASURED[measure_id]
    return Accuracy(median, p90, SOURCE)
