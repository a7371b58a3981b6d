"""One call from a pose sequence to the gait layer: direction, events, steps, CoM, slope, scale."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck import kinematics as kin
from posecheck.errors import PosecheckError
from posecheck.gait.com import CentreOfMass, centre_of_mass
from posecheck.gait.direction import Direction, detect_direction, mirror_to_forward
from posecheck.gait.events import GaitEvents, detect_events
from posecheck.gait.pan import PanView, at_pivot_depth, focal_px, pan_view, side_on
from posecheck.gait.parallax import (SideFit, estimate_parallax, estimate_turned_sides,
                                     flatten, turn_regressor, unturn)
from posecheck.gait.plausibility import (StepCheck, cadence_cross_check, check_steps,
                                         rhythm_cadence_spm, view_off_side_deg,
                                         view_off_side_frames_deg)
from posecheck.gait.running import GaitMode, classify_gait
from posecheck.gait.scale import Scale, estimate_scale
from posecheck.gait.slope import Slope, estimate_slope
from posecheck.gait.steps import StepTable, cadence_spm, step_table
from posecheck.landmarks import INDEX
from posecheck.overlay import near_side
from posecheck.sequence import PoseSequence, nearest_frames

CAMERAS = ("static", "pan", None)

#: A running stride (two steps at 170 steps/min), where no contact or rhythm gives one.
DEFAULT_STRIDE_S = 0.7

#: Ankle, heel and toe tip of both feet: the landmarks the foot events are read from.
FOOT_LANDMARKS = tuple(INDEX[f"{side}_{part}"] for side in ("left", "right")
                       for part in ("ankle", "heel", "foot_index"))


@dataclasses.dataclass(frozen=True, eq=False)
class GaitAnalysis:
    """Everything the metrics read. Image positions (``forward``, ``com``) are in the mirrored
    frame where forward is +x (``forward.meta["mirrored"]`` says whether x was flipped).

    ``cadence_spm`` is NaN when it cannot be trusted: ``cadence_issue`` gives a code
    (``cadence_mismatch``: contacts that disagree with the legs' rhythm; ``slow_motion``: a
    clip that looks slowed down) and ``cadence_note`` the reason in words;
    ``rhythm_cadence_spm`` is the cadence read from the legs' rhythm without events;
    ``step_check`` the plausibility of each contact's times; ``view_off_side_deg`` how far
    the camera is from side-on; ``near`` the runner's side facing the camera in each frame."""

    forward: PoseSequence
    direction: Direction
    events: GaitEvents
    steps: StepTable
    cadence_spm: float
    com: CentreOfMass
    slope: Slope
    scale: Scale
    mode: GaitMode
    step_check: StepCheck
    rhythm_cadence_spm: float
    view_off_side_deg: float
    near: np.ndarray  # (n,) the side facing the camera per frame, "left"/"right"
    cadence_issue: str = ""
    cadence_note: str = ""
    pan: PanView | None = None  # a turning camera's yaw per frame (posecheck.gait.pan)
    shot_starts_s: tuple[float, ...] = ()  # where the new shots of an edited clip begin
    view_frames_deg: np.ndarray | None = None  # (n,) off side-on per frame, over a stride

    @property
    def is_running(self) -> bool:
        return self.mode.mode == "running"

    def contact_view_deg(self) -> np.ndarray:
        """(k,) how far off side-on the runner was seen at each contact (``view_frames_deg`` at
        the frame nearest its IC; the clip's ``view_off_side_deg`` where that is unknown)."""
        ic_s = self.events.ic_s
        frames = self.view_frames_deg
        if frames is None or not len(ic_s) or not len(frames):
            return np.full(len(ic_s), self.view_off_side_deg)
        nearest = nearest_frames(self.forward.time_s, ic_s)
        return np.where(nearest >= 0, np.asarray(frames, dtype=float)[nearest], np.nan)

    def with_events(self, events: GaitEvents) -> GaitAnalysis:
        """A copy with other foot events (e.g. a synthetic clip's true ones), and the steps,
        cadence and running-or-walking that follow from them."""
        return dataclasses.replace(self, **_from_events(events, self.rhythm_cadence_spm,
                                                         self.shot_starts_s))

    def on_mid_plane(self) -> GaitAnalysis:
        """A copy whose positions (``forward``, ``com``) have both sides of the body on its
        mid-plane (:mod:`posecheck.gait.parallax`: a static camera's parallax where the runner
        crosses the picture; a turning camera's view of the sides apart), still in the
        picture's scale; this analysis itself when neither applies. Lines drawn across the
        body (the lean, the trunk) are drawn from these positions, so they make the angles the
        checks give."""
        forward = self._mid_plane_forward()
        if forward is self.forward:
            return self
        return dataclasses.replace(self, forward=forward,
                                   com=centre_of_mass(forward, sex=self.com.sex))

    def _mid_plane_forward(self) -> PoseSequence:
        """``forward`` with both sides of the body on its mid-plane (see :meth:`on_mid_plane`);
        ``forward`` itself when neither correction applies."""
        parallax = estimate_parallax(self.forward, self.near)
        sides = SideFit.none("no turning camera")
        turn = None
        if self.pan is not None and self.pan.applied:
            turn = turn_regressor(self.forward.time_s, self.pan.cos_yaw)
            sides = estimate_turned_sides(self.forward, self.near, turn)
        if not parallax.applied and not sides.applied:
            return self.forward
        keypoints = flatten(self.forward.keypoints_px, self.near, parallax,
                            self.forward.frame_size)
        if sides.applied:
            keypoints = unturn(keypoints, self.near, sides, turn)
        return self.forward.replace(keypoints_px=keypoints)

    def seen_side_on(self) -> GaitAnalysis:
        """A copy whose positions (``forward``, ``com``, and the scale read from them) are as
        seen side-on: both sides of the body on its mid-plane (:meth:`on_mid_plane`) and, when
        a turning camera saw the runner obliquely, as seen from the closest point
        (:func:`posecheck.gait.pan.side_on`); this analysis itself when none applies. What the
        checks measure; drawings on the video keep the picture's own positions."""
        panned = self.pan is not None and self.pan.applied
        forward = self._mid_plane_forward()
        if panned:  # the points ahead of and behind the hip to its depth (pan.at_pivot_depth)
            pivot = kin.hip_mid(forward.keypoints_px)
            focal = focal_px(self.pan, forward.time_s, forward.meta.get("footage"),
                             forward.frame_size)
            if math.isfinite(focal):
                forward = forward.replace(keypoints_px=at_pivot_depth(
                    forward.keypoints_px, pivot, self.pan, focal, forward.time_s,
                    forward.frame_size))
        if forward is self.forward and not panned:
            return self
        com = self.com if forward is self.forward else centre_of_mass(forward, sex=self.com.sex)
        if panned:
            forward = forward.replace(keypoints_px=side_on(forward.keypoints_px, pivot, self.pan))
            com = dataclasses.replace(
                com, com_px=side_on(com.com_px, pivot, self.pan),
                segments_px=side_on(com.segments_px, pivot, self.pan))
        height = self.scale.height_m if math.isfinite(self.scale.height_m) else None
        return dataclasses.replace(self, forward=forward, com=com,
                                   scale=estimate_scale(forward, height_m=height))

    @property
    def keypoints_image_px(self) -> np.ndarray:
        """(n, 33, 2) the landmarks of ``forward`` in the original image's pixels (mirrored
        back when the clip was)."""
        keypoints = self.forward.keypoints_px.copy()
        if self.forward.meta.get("mirrored"):
            keypoints[..., 0] = self.forward.width - keypoints[..., 0]
        return keypoints

    @property
    def com_image_px(self) -> np.ndarray:
        """(n, 2) CoM in the original image's pixels (mirrored back when the clip was)."""
        com = self.com.com_px.copy()
        if self.forward.meta.get("mirrored"):
            com[:, 0] = self.forward.width - com[:, 0]
        return com


def _slope(forward: PoseSequence, events: GaitEvents, direction: Direction, scale: Scale, *,
           slope_deg: float | None, camera: str | None, camera_roll_deg: float) -> Slope:
    if slope_deg is not None:
        return Slope(float(slope_deg), 0.0, "user")
    if camera == "pan":
        return Slope(math.nan, math.nan, "unknown", note="panning camera: give the slope")
    if camera is None and direction.travel == 0:
        return Slope(math.nan, math.nan, "unknown",
                     note="the runner stays in frame (treadmill or pan): give the slope")
    return estimate_slope(forward, events, leg_px=scale.leg_length_px,
                          camera_roll_deg=camera_roll_deg)


def analyze_gait(seq: PoseSequence, *, height_m: float | None = None,
                 slope_deg: float | None = None, camera: str | None = None,
                 camera_roll_deg: float = 0.0, sex: str = "male") -> GaitAnalysis:
    """Run the gait layer on a cleaned pose sequence.

    ``height_m``: the runner's height (else lengths are in leg lengths); ``slope_deg``: the ground
    slope, negative downhill (else estimated when the camera is static); ``camera``: ``"static"``,
    ``"pan"`` or None (unknown: a runner crossing the frame implies a static camera; toe-off
    takes the ground as still in the picture unless ``"pan"``);
    ``camera_roll_deg``: the angle level ground makes in the image, forward-up positive;
    ``sex``: the de Leva table for the CoM.
    """
    if camera not in CAMERAS:
        raise PosecheckError(f"camera must be 'static' or 'pan', got {camera!r}")
    direction = detect_direction(seq)
    forward = mirror_to_forward(seq, direction)
    moves = camera == "pan"  # given, or the background moves (posecheck.analyze)
    events = detect_events(forward, camera_moves=moves)
    scale = estimate_scale(forward, height_m=height_m)
    slope = _slope(forward, events, direction, scale, slope_deg=slope_deg, camera=camera,
                   camera_roll_deg=camera_roll_deg)
    if math.isfinite(slope.deg) and slope.deg != 0:
        # toe-off is read along the ground normal: redo it with the slope as seen in the image
        events = detect_events(forward, ground_slope_deg=slope.deg + camera_roll_deg,
                               camera_moves=moves)
    rhythm = rhythm_cadence_spm(forward)
    shots = shot_starts_s(seq)
    steps = np.diff(events.ic_s)
    stride_s = (2 * float(np.median(steps)) if len(steps)
                else 120.0 / rhythm if rhythm > 0 else math.nan)
    pan = None
    if moves:  # not a treadmill
        pan = pan_view(forward, stride_s=stride_s)
    view_window_s = stride_s if math.isfinite(stride_s) else DEFAULT_STRIDE_S
    return GaitAnalysis(
        pan=pan, shot_starts_s=shots,
        view_frames_deg=view_off_side_frames_deg(forward, window_s=view_window_s),
        forward=forward, direction=direction, com=centre_of_mass(forward, sex=sex),
        near=near_side(forward),
        slope=slope, scale=scale, rhythm_cadence_spm=rhythm,
        view_off_side_deg=view_off_side_deg(forward), **_from_events(events, rhythm, shots))


def shot_starts_s(seq: PoseSequence) -> tuple[float, ...]:
    """The times where new shots begin in an edited clip: halfway between the last frame of a
    shot and the first of the next (the scene cuts :mod:`posecheck.footage` found, frame
    indices in ``seq.meta["footage"]``); empty for one shot."""
    cuts = (seq.meta.get("footage") or {}).get("scene_cuts") or ()
    t = seq.time_s
    return tuple(float(t[c - 1] + t[c]) / 2 for c in cuts if 0 < c < len(t))


def feet_out_of_view_share(seq: PoseSequence) -> float:
    """The share of the frames where the runner was found in which a foot landmark
    (``FOOT_LANDMARKS``) lies outside the picture: there the pose model guessed the foot."""
    width, height = seq.frame_size
    found = seq.detected
    if not width or not height or not found.any():
        return 0.0
    xy = seq.keypoints_px[found][:, FOOT_LANDMARKS]
    with np.errstate(invalid="ignore"):
        outside = ((xy[..., 0] < 0) | (xy[..., 0] > width)
                   | (xy[..., 1] < 0) | (xy[..., 1] > height))
    return float(outside.any(axis=1).mean())


def check_feet_in_view(seq: PoseSequence, *, max_out_share: float = 0.5) -> None:
    """Raise :class:`PosecheckError` when the feet are out of the picture in more than
    ``max_out_share`` of the frames (the frame cuts the runner at the shins): a foot strike is
    the foot meeting the ground, and events read from the pose model's guesses of unseen feet
    (it places every landmark, in the picture or not) are invented. Half: a foot that swings
    out of the picture now and then leaves most contacts in view, and its steps are judged
    one by one (:mod:`posecheck.gait.plausibility`).

    For a pose from video (``posecheck analyze``, ``posecheck gait``); :func:`analyze_gait`
    does not ask, since exact landmarks projected by a virtual camera (motion capture, the
    synthetic runner) are true wherever they fall."""
    share = feet_out_of_view_share(seq)
    if share > max_out_share:
        raise PosecheckError(f"the feet are out of the picture in {share:.0%} of the frames "
                             "where the runner was found: the foot strikes cannot be seen "
                             "(film the whole body, feet included)")


def _from_events(events: GaitEvents, rhythm_spm: float, shot_starts_s: tuple[float, ...]) -> dict:
    """The fields of :class:`GaitAnalysis` that follow from the foot events: the steps,
    running or walking, the cadence (or why it is not trusted) and each step's plausibility."""
    steps = step_table(events, shot_starts_s=shot_starts_s)
    mode = classify_gait(steps, events)
    cadence, issue, note = trusted_cadence(events, mode, rhythm_spm, shot_starts_s=shot_starts_s)
    return {"events": events, "steps": steps, "mode": mode, "cadence_spm": cadence,
            "cadence_issue": issue, "cadence_note": note,
            "step_check": check_steps(events, steps, running=mode.mode == "running")}


def trusted_cadence(events: GaitEvents, mode: GaitMode, rhythm_spm: float, *,
                    shot_starts_s: tuple[float, ...] = (),
                    slowest_running_spm: float = 130.0,  # runners step 140-200+ times a minute
                    ) -> tuple[float, str, str]:
    """The cadence from the contacts, or NaN with a code and the reason it cannot be trusted: it
    disagrees with the legs' rhythm (:func:`~posecheck.gait.plausibility.cadence_cross_check`),
    or a running clip steps slower than ``slowest_running_spm`` as played (a slowed-down
    clip; the real cadence needs ``--slow-motion``)."""
    cadence = cadence_spm(events.ic_s, shot_starts_s=shot_starts_s)
    note = cadence_cross_check(cadence, rhythm_spm)
    if note:
        return math.nan, "cadence_mismatch", note
    played = cadence if math.isfinite(cadence) else rhythm_spm
    if mode.mode == "running" and math.isfinite(played) and played < slowest_running_spm:
        return math.nan, "slow_motion", (
            f"the runner takes {played:.0f} steps/min as the clip plays, slower than any "
            "running: the clip looks slowed down (give --slow-motion FACTOR)")
    return cadence, "", ""


def summarize(gait: GaitAnalysis) -> dict:
    """The gait result as plain JSON-ready values (NaN becomes None): mode, cadence (with the
    legs' rhythm and why the cadence is unknown, if it is), facing, slope and scale with their
    sources, event uncertainty and the step table with each step's plausibility."""
    return {
        "mode": gait.mode.mode,
        "cadence_spm": json_number(gait.cadence_spm),
        "contacts": len(gait.events),
        "facing": "right" if gait.direction.facing > 0 else "left",
        "slope_deg": json_number(gait.slope.deg), "slope_source": gait.slope.source,
        "scale_source": gait.scale.source,
        "leg_length_px": json_number(gait.scale.leg_length_px),
        "event_uncertainty_frames": json_number(float(gait.events.ic_uncertainty_frames[0]))
        if len(gait.events) else None,
        "rhythm_cadence_spm": json_number(gait.rhythm_cadence_spm),
        "cadence_note": gait.cadence_note,
        "view_off_side_deg": json_number(gait.view_off_side_deg),
        "steps": [{**{k: json_number(v) if isinstance(v, float) else v for k, v in row.items()},
                   "problem": problem, "confidence": round(float(confidence), 3)}
                  for row, problem, confidence in zip(gait.steps.rows(), gait.step_check.problem,
                                                      gait.step_check.confidence)],
    }


def json_number(value: float) -> float | None:
    """A float for JSON: rounded to 4 decimals, None for NaN or infinity."""
    return round(float(value), 4) if math.isfinite(value) else None
