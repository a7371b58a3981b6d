"""Foot contacts labelled by hand from the frames of a real clip (``events.json`` beside it).

The label files record per contact the IC frame (first frame in contact), the TO frame (last frame
in contact), the foot, an uncertainty in frames, and whether the contact is cut by the clip's
start or end (``partial``). Some give sub-frame estimates (``ic_interp_s``, ``to_interp_s``,
interpolated by the labeller across a height threshold). Where they do not, the best continuous
estimate of a frame-level label is half a frame earlier for IC (contact began between the last
airborne frame and the first frame in contact) and half a frame later for TO.

Per clip the files also say whether the clip looks slowed down (``slow_motion``), where it cuts
between shots (``scene_cuts``) and whether the runner is accelerating (``accelerating``).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np

from posecheck.validation.mocap import ContactTruth, EventScore, score_events


@dataclasses.dataclass(frozen=True, eq=False)
class ClipLabels:
    """The complete contacts of a clip (IC and, where seen, TO inside it), in time order.

    ``ic_s`` / ``to_s``: continuous estimates (s, from the clip's first frame; ``to_s`` NaN where
    the clip ends in the contact); ``foot``: "left", "right" or "unknown"; ``segment``: the
    shot each contact is in (0 before the first scene cut); ``video``: the labelled clip."""

    name: str
    video: Path
    fps: float
    n_frames: int
    ic_s: np.ndarray
    to_s: np.ndarray
    foot: tuple[str, ...]
    segment: np.ndarray
    scene_cuts: tuple[int, ...]
    slow_motion: bool
    slow_motion_factor: float | None
    accelerating: bool

    def truth(self) -> ContactTruth:
        return ContactTruth(self.ic_s, self.to_s, self.foot)

    def cadence_spm(self) -> float:
        """The labelled cadence: over each shot's consecutive contacts, (n - 1) x 60 / (last IC -
        first IC), pooled over shots as total steps over total time; NaN below two contacts."""
        steps, seconds = 0, 0.0
        for segment in np.unique(self.segment):
            ic = self.ic_s[self.segment == segment]
            if len(ic) >= 2:
                steps += len(ic) - 1
                seconds += float(ic[-1] - ic[0])
        return 60.0 * steps / seconds if seconds > 0 else float("nan")

    def segment_cadences_spm(self) -> list[float]:
        """The cadence of each shot with two or more contacts."""
        out = []
        for segment in np.unique(self.segment):
            ic = self.ic_s[self.segment == segment]
            if len(ic) >= 2:
                out.append(60.0 * (len(ic) - 1) / float(ic[-1] - ic[0]))
        return out


def load_labels(path: str | Path) -> ClipLabels:
    """Read an ``events.json`` (its folder's name becomes the clip's name)."""
    path = Path(path)
    data = json.loads(path.read_text())
    fps = float(data["fps"])
    half_frame_s = 0.5 / fps
    cuts = tuple(int(c) for c in data.get("scene_cuts") or ())
    ic_s, to_s, foot, segment = [], [], [], []
    for contact in data["contacts"]:
        if contact.get("ic_frame") is None:
            continue  # the contact began before the clip: no IC to score
        ic = contact.get("ic_interp_s")
        ic_s.append(float(ic) if ic is not None else contact["ic_frame"] / fps - half_frame_s)
        to = contact.get("to_interp_s")
        if to is None and contact.get("to_frame") is not None:
            to = contact["to_frame"] / fps + half_frame_s
        to_s.append(float(to) if to is not None else np.nan)
        side = contact.get("side")
        foot.append(side if side in ("left", "right") else "unknown")
        segment.append(int(np.searchsorted(cuts, contact["ic_frame"], side="right")))
    slow = data.get("slow_motion") or {}
    order = np.argsort(ic_s)
    return ClipLabels(
        name=path.parent.name, video=path.parent / data["clip"], fps=fps,
        n_frames=int(data["frames"]),
        ic_s=np.asarray(ic_s)[order], to_s=np.asarray(to_s)[order],
        foot=tuple(foot[i] for i in order), segment=np.asarray(segment, dtype=int)[order],
        scene_cuts=cuts, slow_motion=bool(slow.get("suspected", False)),
        slow_motion_factor=slow.get("factor_estimate"),
        accelerating=bool(data.get("accelerating", False)))


def score_against_labels(labels: ClipLabels, ic_s: np.ndarray, to_s: np.ndarray,
                         foot: tuple[str, ...], *, tolerance_s: float = 0.1) -> EventScore:
    """Detected contacts (clip time) against every labelled complete contact; a detection
    matching no label is extra. ``wrong_foot`` is counted only when every label names its foot
    (else it is 0: the labeller could not tell the feet apart)."""
    score = score_events(labels.truth(), np.asarray(ic_s, dtype=float),
                         np.asarray(to_s, dtype=float), tuple(foot), start_s=0.0,
                         end_s=labels.n_frames / labels.fps, margin_s=0.0,
                         tolerance_s=tolerance_s)
    if "unknown" in labels.foot:
        score = dataclasses.replace(score, wrong_foot=0)
    return score
