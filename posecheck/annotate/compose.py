"""Which foot strike is drawn on which frame (:class:`Timeline`), and the painter that draws one
frame of the teaching video from the element annotators (:class:`TeachingPainter`).

A strike's marks appear at its contact frame and stay, frozen where they were drawn, until the
next strike or for ``hold_s`` of real time, whichever comes first (``hold_s`` 0.4 s: a little
longer than a running step, 0.3-0.4 s, so the marks stay up the whole step and are gone before
a gap in the strikes could make them stale). Within that hold the contact marks (knee, foot
offset, arm) show from contact to mid-stance and the stance marks (lean, trunk, waist) from
mid-stance on, so the picture never shows two moments at once. The panel keeps the latest
strike's numbers until the next one, so they can be read at normal speed.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck.annotate.draw import VERDICT_RGB, Point, Style
from posecheck.annotate.elements import (
    ArmAngleAnnotator,
    GroundLineAnnotator,
    KneeAngleAnnotator,
    LeanAnnotator,
    PlumbLineAnnotator,
    TrunkAnnotator,
    UnknownMarkAnnotator,
)
from posecheck.annotate.panel import PanelAnnotator, PanelRow
from posecheck.annotate.strikes import CHECK_IDS, Reading, Strike
from posecheck.overlay import SkeletonAnnotator

NONE, CONTACT, STANCE = 0, 1, 2
MOMENTS = {CONTACT: "contact", STANCE: "mid-stance"}


@dataclasses.dataclass(frozen=True, eq=False)
class Timeline:
    """Per frame (n,): ``strike`` the index of the strike whose marks are drawn (-1 none),
    ``phase`` which of its moments (:data:`CONTACT`, :data:`STANCE`, :data:`NONE`), ``latest``
    the index of the latest strike at or before the frame (-1 before the first); ``starts``
    the frames where a strike's contact or stance marks first appear, in order."""

    strike: np.ndarray
    phase: np.ndarray
    latest: np.ndarray
    starts: tuple[int, ...]

    @classmethod
    def build(cls, strikes: tuple[Strike, ...], n_frames: int, *,
              hold_frames: int) -> Timeline:
        """The timeline of ``strikes`` (time order) over ``n_frames`` frames, each held at most
        ``hold_frames`` frames."""
        strike = np.full(n_frames, -1, dtype=int)
        phase = np.full(n_frames, NONE, dtype=np.int8)
        starts = []
        for k, s in enumerate(strikes):
            ic = s.ic_frame
            following = strikes[k + 1].ic_frame if k + 1 < len(strikes) else n_frames
            end = min(following, ic + max(hold_frames, 1), n_frames)
            if not 0 <= ic < end:
                continue
            mid = s.mid_frame if ic < s.mid_frame < end else end
            strike[ic:end] = k
            phase[ic:mid] = CONTACT
            phase[mid:end] = STANCE
            starts += [ic] + ([mid] if mid < end else [])
        ics = np.array([s.ic_frame for s in strikes], dtype=int)
        latest = np.searchsorted(ics, np.arange(n_frames), side="right") - 1
        return cls(strike, phase, latest, tuple(starts))

    def at(self, frame: int) -> tuple[int, int, int]:
        """(strike index, phase, latest strike index) at ``frame``; nothing past the end."""
        if not 0 <= frame < len(self.strike):
            return -1, NONE, (int(self.latest[-1]) if len(self.latest) else -1)
        return int(self.strike[frame]), int(self.phase[frame]), int(self.latest[frame])


class TeachingPainter:
    """The annotators of one frame size, and how they compose: the skeleton on every frame,
    the marks of the strike shown, the panel with the latest strike and the clip's verdicts,
    and a plain unknown mark with the reason when there are no strikes to show."""

    def __init__(self, width_px: int, height_px: int, *, factor: float | None = None) -> None:
        """``factor``: the style's scale (default: the frame's short side over 720 px)."""
        self.width_px, self.height_px = int(width_px), int(height_px)
        self.factor = factor if factor is not None else min(width_px, height_px) / 720.0
        self.skeleton_annotator = SkeletonAnnotator.for_frame(width_px, height_px)
        scaled = self._scaled
        self.ground, self.lean = scaled(GroundLineAnnotator()), scaled(LeanAnnotator())
        self.trunk, self.knee = scaled(TrunkAnnotator()), scaled(KneeAngleAnnotator())
        self.plumb, self.arm = scaled(PlumbLineAnnotator()), scaled(ArmAngleAnnotator())
        self.panel, self.unknown = scaled(PanelAnnotator()), scaled(UnknownMarkAnnotator())

    def _scaled(self, annotator: Style):
        return annotator.scaled(self.factor)

    def skeleton(self, frame_rgb: np.ndarray, keypoints_px: np.ndarray | None,
                 near_side: str) -> np.ndarray:
        """A new frame: ``frame_rgb`` with the skeleton (no time label: the panel carries it),
        or a plain copy when there is no pose for the frame."""
        if keypoints_px is None:
            return frame_rgb.copy()
        return self.skeleton_annotator.annotate(frame_rgb, keypoints_px, time_s=None,
                                                near_side=near_side)

    def marks_into(self, image: np.ndarray, strike: Strike, phase: int) -> None:
        """The strike's contact or stance marks, in place."""
        half = 0.6 * strike.leg_px if math.isfinite(strike.leg_px) else 0.15 * self.height_px
        if phase == CONTACT:
            c = strike.contact
            self.ground.draw_into(image, c.foot_px, ground_deg=strike.ground_deg,
                                  slope_deg=strike.slope_deg, facing=strike.facing,
                                  half_length_px=half, label_end=None)  # the foot's label there
            self.plumb.draw_into(image, c.com_px, c.foot_px, c.ankle_px,
                                 ground_deg=strike.ground_deg, facing=strike.facing,
                                 offset_leg=c.landing_leg, offset_m=c.landing_m,
                                 rgb=VERDICT_RGB[c.landing_verdict])
            self.arm.draw_into(image, c.shoulder_px, c.elbow_px, c.wrist_px,
                               elbow_deg=c.elbow_deg, abduction_deg=c.abduction_deg,
                               rgb=VERDICT_RGB[c.arm_verdict])
            self.knee.draw_into(image, c.hip_px, c.knee_px, c.ankle_px,
                                flexion_deg=c.knee_flexion_deg, facing=strike.facing,
                                rgb=VERDICT_RGB[c.knee_verdict])
        elif phase == STANCE and strike.stance is not None:
            s = strike.stance
            self.ground.draw_into(image, s.foot_px, ground_deg=strike.ground_deg,
                                  slope_deg=strike.slope_deg, facing=strike.facing,
                                  half_length_px=half)
            behind = self._behind_x(s.body_min_px, s.body_max_px, strike.facing)
            self.trunk.draw_into(image, s.hip_px, s.shoulder_px, s.ankle_px,
                                 trunk_deg=s.trunk_deg, waist_deg=s.waist_deg,
                                 facing=strike.facing, rgb=VERDICT_RGB[s.waist_verdict],
                                 label_px=(behind, s.shoulder_px[1]))
            self.lean.draw_into(image, s.contact_px, s.com_px,
                                lean_vertical_deg=s.lean_vertical_deg,
                                lean_slope_deg=s.lean_slope_deg, slope_deg=strike.slope_deg,
                                facing=strike.facing, rgb=VERDICT_RGB[s.lean_verdict],
                                label_px=(behind, s.com_px[1]))

    def _behind_x(self, body_min: Point, body_max: Point, facing: int) -> float:
        """Just behind the body's box: the column where the stance labels go, clear of the
        body (NaN when the box is unknown: each label then sits beside its own line)."""
        edge = body_min[0] if facing > 0 else body_max[0]
        return edge - facing * self.lean.gap_px

    def panel_into(self, image: np.ndarray, *, time_s: float, latest: Strike | None,
                   clip: tuple[Reading, ...], phase: int = NONE, held: bool = False) -> None:
        """The panel: the time (with the moment drawn, ``phase``, and whether the picture is
        held still), then per check the latest strike's value and the clip's."""
        by_id = {r.check_id: r for r in clip}
        rows = []
        for check_id in CHECK_IDS:
            mine = next((r for r in latest.readings if r.check_id == check_id), None) \
                if latest is not None else None
            clip_reading = by_id.get(check_id, Reading(check_id, "?", "unknown"))
            rows.append(PanelRow(
                name=check_id, strike_text=mine.text if mine else "\u2013",
                strike_rgb=VERDICT_RGB[mine.verdict] if mine else VERDICT_RGB["unknown"],
                clip_text=clip_reading.text, verdict=clip_reading.verdict))
        column = "strike"
        if latest is not None:
            column = f"strike {latest.number} {latest.foot}" + ("" if latest.near else " (far)")
        header = f"t = {time_s:.2f} s" if math.isfinite(time_s) else "t = ?"
        if phase != NONE:
            header += f" \u00b7 {MOMENTS[phase]}"
        if held:
            header += " \u00b7 held"
        self.panel.draw_into(image, header=header, columns=(column, "clip"), rows=rows)

    def notice_into(self, image: np.ndarray, text: str) -> None:
        """The unknown mark with ``text``, near the bottom of the frame."""
        at = (self.unknown.text_px * 1.5, self.height_px - self.unknown.text_px * 2.0)
        self.unknown.draw_into(image, at, text=text)
