"""The coaching checks: lean, knee at foot strike, foot landing, arm carriage, cadence.

Each check reads the gait analysis and returns a :class:`~posecheck.checks.finding.Finding`
(per-step values, median, spread, verdict, cue, accuracy). Entry point:
:func:`~posecheck.checks.registry.run_checks`; the list: :data:`~posecheck.checks.registry.CHECKS`.
"""

from posecheck.checks.finding import VERDICTS, Accuracy, Finding, Measure

__all__ = ["VERDICTS", "Accuracy", "Finding", "Measure"]
