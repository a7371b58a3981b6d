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
  range), ``n_steps``, ``accuracy``, ``cue``, ``reason``, ``borderline`` (the other verdicts
  within the measurement's typical error, :mod:`posecheck.checks.borderline`), the per-step
  values and the details;
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
from posecheck.gait.plausibility import SIDE_VIEW_LIMIT_DEG, feet_disagreement, pace_change
from posecheck.options import AnalysisOptions
from posecheck.sequence import PoseSequence, nearest_frames
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
                      "codec": self.info.codec,
                      "capture_fps": pose.meta.get("capture_fps"),
                      "slow_motion": float(pose.meta.get("slow_motion", 1.0)),
                      "footage": pose.meta.get("footage") or {}},
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
    ic_frame = nearest_frames(gait.forward.time_s, events.ic_s)
    to_frame = nearest_frames(gait.forward.time_s, events.to_s)
    rows = []
    for k in range(len(events)):
        ic, to = float(events.ic_s[k]), float(events.to_s[k])
        rows.append({
            "foot": events.foot[k],
            "ic_s": json_number(ic), "ic_frame": int(ic_frame[k]),
            "ic_uncertainty_s": json_number(float(events.ic_uncertainty_s[k])),
            "to_s": json_number(to),
            "to_frame": int(to_frame[k]) if to_frame[k] >= 0 else None,
            "to_uncertainty_s": json_number(float(events.to_uncertainty_s[k])),
        })
    return {**summarize(gait), "events": rows}


def collect_warnings(pose: PoseSequence, gait: GaitAnalysis | None, gait_error: str,
                     findings: tuple[Finding, ...], *,
                     min_detected: float = 0.9,  # a tenth of the clip missing: say so
                     max_left_out: float = 0.25,  # a quarter of the steps inconsistent
                     # at 80 px a leg, the toe's rise that marks toe-off (2.5% of a leg,
                     # posecheck.gait.events.detect_events) is 2 px: one pixel of pose
                     # jitter moves the event by a frame
                     min_leg_px: float = 80.0,
                     # steady running varies a few % step to step (CV 2-3%); on the synthetic
                     # matrix's steady runners the fitted change over a clip reached 8%
                     max_pace_change: float = 0.12,
                     ) -> tuple[Notice, ...]:
    """What a reader must know before trusting the numbers."""
    out = []
    detected = float(np.mean(pose.detected)) if pose.n_frames else 0.0
    if detected < min_detected:
        out.append(Notice("runner_often_lost", f"the runner was found in {detected:.0%} of the "
                          "frames; values come from the frames where they were seen"))
    out += footage_warnings(pose.meta.get("footage") or {}, pose.fps,
                            capture_fps=pose.meta.get("capture_fps"),
                            slow_motion=float(pose.meta.get("slow_motion", 1.0)))
    if gait is None:
        out.append(Notice("gait_failed", f"no foot events: {gait_error}"))
        return _merged(out)
    if gait.view_off_side_deg > SIDE_VIEW_LIMIT_DEG:
        with np.errstate(invalid="ignore"):
            oblique = int(np.sum(gait.contact_view_deg() > SIDE_VIEW_LIMIT_DEG))
        if oblique == len(gait.events):
            out.append(Notice("not_side_on", f"the camera films the runner about "
                              f"{gait.view_off_side_deg:.0f} deg away from side-on; the checks "
                              "need a side view and are not judged"))
        else:  # a long pan's ends: the steps seen side-on are judged (checks.steps)
            out.append(Notice("not_side_on", f"the camera films the runner about "
                              f"{gait.view_off_side_deg:.0f} deg away from side-on over the "
                              f"clip, more than {SIDE_VIEW_LIMIT_DEG:.0f} deg at {oblique} of "
                              f"{len(gait.events)} foot strikes (the ends of a pan, or an "
                              "oblique camera): the checks judge only the steps seen side-on"))
    leg_px = gait.scale.leg_length_px
    if math.isfinite(leg_px) and leg_px < min_leg_px:
        out.append(Notice("small_runner", f"the runner is small in the picture (leg "
                          f"{leg_px:.0f} px, under {min_leg_px:.0f}): foot events and angles are "
                          "less sure; film closer or zoom in"))
    if gait.cadence_issue:
        out.append(Notice(gait.cadence_issue, f"cadence unknown: {gait.cadence_note}"))
    trusted = np.array([p == "" for p in gait.step_check.problem], dtype=bool)
    change = pace_change(gait.steps, trusted)
    if math.isfinite(change) and abs(change) > max_pace_change:
        out.append(Notice("changing_pace", f"the cadence changes by {change:+.0%} through the "
                          "clip (the runner speeds up or slows down, or the shots differ): the "
                          "clip's cadence and the per-step values mix different paces"))
    disagreement = feet_disagreement(gait.steps, trusted)
    if disagreement:
        out.append(Notice("feet_disagree", disagreement))
    if gait.mode.mode == "walking":
        out.append(Notice("not_running", "the clip shows walking, not running; the running "
                          "checks are not judged"))
    elif gait.mode.mode != "running":  # too few steps, or none with both feet seen, to tell
        out.append(Notice("not_running", "the steps do not show whether this is running "
                          f"({len(gait.events)} foot contacts found); the running checks are "
                          "not judged"))
    if len(gait.events) < 4:
        out.append(Notice("few_steps", f"only {len(gait.events)} foot contacts were found, so "
                          "each verdict rests on one or two steps; film at least two strides "
                          "(four steps or more)"))
    if not math.isfinite(gait.slope.deg):
        why = gait.slope.note or "not estimated"
        out.append(Notice("slope_unknown", f"the slope is unknown ({why}); give --slope so the "
                          "lean can be judged against the slope normal"))
    inconsistent = _inconsistent_steps(findings)
    if len(gait.events) and inconsistent > max_left_out * len(gait.events):
        out.append(Notice("steps_left_out", f"{inconsistent} of {len(gait.events)} steps "
                          "have inconsistent events and were left out of the verdicts"))
    return _merged(out)


def reading_warnings(info: VideoInfo, time_s: np.ndarray) -> list[Notice]:
    """What reading the file said: it ended before its container's frame count (truncated, or
    a damaged tail), and the frames before the cut (``time_s``, the frames read) are all
    there is."""
    n_read = len(time_s)
    if not info.ends_early(n_read):
        return []
    covered = f"; the analysis covers its first {time_s[-1]:.1f} s" if n_read else ""
    return [Notice("truncated", f"the video ends early: only {n_read} of its {info.n_frames} "
                   f"frames could be read (the file is truncated or damaged){covered}")]


def footage_warnings(footage: dict, fps: float, *, capture_fps: float | None = None,
                     slow_motion: float = 1.0,
                     held_share: float = 0.3,  # a clip made by repeating frames repeats most
                     ) -> list[Notice]:
    """Warnings from the pixels (:class:`posecheck.footage.Footage`'s summary): cuts between
    shots, repeated frames or a capture rate (``capture_fps``, from the file's metadata) above
    the playback rate (slow motion), a camera that pans or follows. ``slow_motion``: the factor
    the analysis applied."""
    out = []
    cuts = footage.get("scene_cuts") or []
    if cuts:
        out.append(Notice("scene_cuts", f"the clip cuts to another shot at frame"
                          f"{'s' if len(cuts) > 1 else ''} {', '.join(map(str, cuts))}: its "
                          f"{len(cuts) + 1} shots are pooled; analyse one shot per clip for "
                          "values that belong together"))
    if footage.get("held_share", 0.0) >= held_share:
        out.append(Notice("slow_motion", f"the clip repeats frames (about "
                          f"{footage.get('distinct_images_per_s', math.nan):.0f} new images a "
                          f"second at {fps:.0f} fps): it was slowed down, and foot events fall "
                          "on the repeated images"))
    if capture_fps and capture_fps > 1.2 * fps:
        told = (f"times are on the real clock ({slow_motion:.3g} times faster than it plays)"
                if slow_motion > 1 else "times are as it plays (--slow-motion 1 was given)")
        out.append(Notice("slow_motion", f"the file says it was filmed at {capture_fps:.0f} fps "
                          f"and plays at {fps:.0f}: {told}"))
    if footage.get("panning"):
        out.append(Notice("camera_panning", "the camera pans or follows the runner (the "
                          f"background moves about {footage.get('median_abs_shift_px') or 0:.0f}"
                          " px a frame): the ground's slope cannot be read from the picture"))
    return out


def _merged(notices: list[Notice]) -> tuple[Notice, ...]:
    """One notice per code, in first-seen order; messages of a repeated code are joined."""
    by_code: dict[str, list[str]] = {}
    for notice in notices:
        by_code.setdefault(notice.code, []).append(notice.message)
    return tuple(Notice(code, "; ".join(messages)) for code, messages in by_code.items())


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
