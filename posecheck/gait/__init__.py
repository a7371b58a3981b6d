"""The gait layer: direction of travel, foot events, steps and cadence, centre of mass, slope,
scale, and running vs walking, from a cleaned :class:`~posecheck.sequence.PoseSequence`.

Entry point: :func:`analyze_gait`. Each piece is also usable alone (see the modules).
"""

from posecheck.gait.analysis import GaitAnalysis, analyze_gait
from posecheck.gait.events import GaitEvents, detect_events

__all__ = ["GaitAnalysis", "GaitEvents", "analyze_gait", "detect_events"]
