"""``Analysis``: the whole result of one clip as objects, its warnings, and ``analysis.json``.

``analysis.json`` (``SCHEMA_VERSION``; JSON Schema: ``posecheck/schema/analysis.schema.json``):

- ``schema_version``, ``posecheck_version``, ``versions`` (Python and the libraries that shape
  the numbers), ``video`` (path, frames, fps, frame size, duration, codec), ``settings``
  (:meth:`~posecheck.options.AnalysisOptions.as_dict`: height, slope, camera, thresholds, ...);
- ``runner``: the followed person's id, how many people were seen, the share of frames where
  the runner was found;
- ``gait``: running or walking, cadence, facing, slope and scale with their sources, ``events``
  (one per contact: foot, IC and TO time and frame, each with its 95% uncertainty) and ``steps``
  (contact, flight and step times), or ``null`` when the gait stage failed;
- ``checks``: one item per check (:meth:`posecheck.checks.finding.Finding.as_dict`): ``id``,
  ``verdict`` (good / watch / fix / unknown), ``value``, ``unit``, ``spread`` (interquartile
  range), ``n_steps``, ``accuracy``, ``cue``, ``reason``, the per-step values and the details;
- ``warnings``: ``{"code", "message"}`` items, for a person reading the report;
- ``timing``: seconds spent.

NaN is written as ``null``.
"""

from __future__ import annotations

import dataclasses
import math
import platform
from importlib import metadata
from pathlib import Path

import numpy as np

from posecheck import __version__
from posecheck.checks.finding import Finding
from posecheck.gait.analysis import GaitAnalysis, json_number, summarize
from posecheck.options import AnalysisOptions
from posecheck.sequence import PoseSequence
from posecheck.video import VideoInfo

SCHEMA_VERSION = "1.0"
SCHEMA_PATH = Path(__file__).parent / "schema" / "analysis.schema.json"


@dataclasses.dataclass(frozen=True)
class Notice:
    """A warning for the reader: a stable ``code`` and a plain ``message``."""

    code: str
    message: str


@dataclasses.dataclass(frozen=True, eq=False)
class Analysis:
    """One clip analysed: the pose (raw and cleaned), the gait (None when that stage failed,
    ``gait_error`` says why), the findings, the warnings, and what was asked."""

    video: Path
    info: VideoInfo
    options: AnalysisOptions
    raw: PoseSequence
    pose: PoseSequence
    person_id: int
    people: list[dict]
    gait: GaitAnalysis | None
    gait_error: str
    findings: tuple[Finding, ...]
    warnings: tuple[Notice, ...]
    pose_seconds: float
    total_seconds: float

    @property
    def detected_fraction(self) -> float:
        return float(np.mean(self.pose.detected)) if self.pose.n_frames else 0.0

    def to_json(self) -> dict:
        """The ``analysis.json`` document (see the module docstring)."""
        pose = self.pose
        duration = float(pose.time_s[-1] - pose.time_s[0] + 1 / pose.fps) if pose.n_frames else 0.0
        return {
            "schema_version": SCHEMA_VERSION,
            "posecheck_version": __version__,
            "versions": versions(),
            "video": {"path": str(self.video), "frames": pose.n_frames, "fps": pose.fps,
                      "frame_size": list(pose.frame_size), "duration_s": round(duration, 3),
                      "codec": self.info.codec},
            "settings": self.options.as_dict(),
            "runner": {"person_id": self.person_id, "people_seen": len(self.people),
                       "detected_fraction": round(self.detected_fraction, 4)},
            "gait": gait_json(self.gait) if self.gait is not None else None,
            "checks": [f.as_dict() for f in self.findings],
            "warnings": [dataclasses.asdict(w) for w in self.warnings],
            "timing": {"pose_seconds": round(self.pose_seconds, 2),
                       "total_seconds": round(self.total_seconds, 2),
                       "pose_stage_fps": round(pose.n_frames / self.pose_seconds, 2)
                       if self.pose_seconds > 0 else None},
            "cleaning": pose.meta.get("cleaning", {}),
        }


def gait_json(gait: GaitAnalysis) -> dict:
    """The gait part of ``analysis.json``: :func:`~posecheck.gait.analysis.summarize` plus the
    events with their uncertainty."""
    events = gait.events
    t = gait.forward.time_s
    rows = []
    for k in range(len(events)):
        ic, to = float(events.ic_s[k]), float(events.to_s[k])
        rows.append({
            "foot": events.foot[k],
            "ic_s": json_number(ic), "ic_frame": int(np.argmin(np.abs(t - ic))),
            "ic_uncertainty_s": json_number(float(events.ic_uncertainty_s[k])),
            "to_s": json_number(to),
            "to_frame": int(np.argmin(np.abs(t - to))) if math.isfinite(to) else None,
            "to_uncertainty_s": json_number(float(events.to_uncertainty_s[k])),
        })
    return {**summarize(gait), "events": rows}


def collect_warnings(pose: PoseSequence, gait: GaitAnalysis | None, gait_error: str,
                     findings: tuple[Finding, ...], *,
                     min_detected: float = 0.9,  # a tenth of the clip missing: say so
                     max_left_out: float = 0.25,  # a quarter of the steps inconsistent
                     ) -> tuple[Notice, ...]:
    """What a reader must know before trusting the numbers."""
    out = []
    detected = float(np.mean(pose.detected)) if pose.n_frames else 0.0
    if detected < min_detected:
        out.append(Notice("runner_often_lost", f"the runner was found in {detected:.0%} of the "
                          "frames; values come from the frames where they were seen"))
    if gait is None:
        out.append(Notice("gait_failed", f"no foot events: {gait_error}"))
        return tuple(out)
    if gait.mode.mode != "running":
        out.append(Notice("not_running", f"the clip does not show running ({gait.mode.mode}); "
                          "the running checks are not judged"))
    if len(gait.events) < 4:
        out.append(Notice("few_steps", f"only {len(gait.events)} foot contacts were found; "
                          "a clip with at least two strides (four steps) is needed"))
    if not math.isfinite(gait.slope.deg):
        why = gait.slope.note or "not estimated"
        out.append(Notice("slope_unknown", f"the slope is unknown ({why}); give --slope so the "
                          "lean can be judged against the slope normal"))
    inconsistent = _inconsistent_steps(findings)
    if len(gait.events) and inconsistent > max_left_out * len(gait.events):
        out.append(Notice("steps_left_out", f"{inconsistent} of {len(gait.events)} steps "
                          "have inconsistent events and were left out of the verdicts"))
    return tuple(out)


def _inconsistent_steps(findings: tuple[Finding, ...]) -> int:
    """Steps the cadence check left out for inconsistent events (its own reason, a missing next
    contact, is not an inconsistency)."""
    cadence = [f for f in findings if f.check_id == "cadence"]
    if not cadence:
        return 0
    return sum(count for reason, count in cadence[0].left_out.items()
               if reason != "no next contact")


def versions() -> dict[str, str]:
    """Python and the library versions that shape posecheck's numbers."""
    out = {"python": platform.python_version()}
    for name in ("mediapipe", "numpy", "scipy", "av"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out
