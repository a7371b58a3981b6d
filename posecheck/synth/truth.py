"""Ground truth of a synthetic clip: the files written beside it and the reader.

For a clip ``run.mp4`` two files sit beside it:

``run.truth.npz`` (numpy arrays; n frames, time on axis 0)
    - ``time_s`` (n,) presentation time of each frame, seconds from the clip start
    - ``gait_time_s`` (n,) the steady gait's time each frame shows (:mod:`posecheck.synth.timing`;
      ``start_time_in_gait_s + time_s`` unless steps vary)
    - ``landmarks_px`` (n, 33, 2) image x right, y down, pixels (MediaPipe landmark order,
      :data:`posecheck.landmarks.NAMES`; same frame as ``PoseSequence.keypoints_px``)
    - ``landmarks_m`` (n, 33, 3) world metres: x forward along level ground, y up, z lateral
      towards the camera (the near side has z > 0); on a treadmill the belt frame
    - ``head_centre_m`` (n, 3), ``com_m`` (n, 3) and ``com_px`` (n, 2): the true whole-body centre
      of mass (de Leva segment masses)
    - ``in_contact`` (n, 2) bool, (left, right) foot on the ground
    - ``camera_position_m`` (n, 3), ``camera_yaw_deg`` (n,), ``camera_focal_px`` (n,): the
      pinhole camera of :mod:`posecheck.synth.camera` (level, no roll; ``direction`` in the JSON
      says whether image x grows with world x)

``run.truth.json``
    - ``preset``, ``seed``, ``fps``, ``width``, ``height``, ``n_frames``, ``direction`` ("ltr"
      or "rtl"), ``camera`` ("static" or "pan"), ``view`` ("front" or "behind": a clip filmed
      along the path; absent for the usual side view), ``slope_deg`` (negative downhill),
      ``treadmill``, ``near_side``, ``runner`` (height, sex, leg length), ``gait`` (every gait
      parameter), ``scene`` (background, noise, blur, camera distance, fill, and
      ``runner_height_fraction``: the runner's height in the image / the frame height)
    - ``events``: ``{"left": {"initial_contact": [...], "toe_off": [...]}, "right": ...}``, each
      item ``{"time_s": exact continuous time, "frame": nearest frame index}``; the exact time
      usually falls between frames. With step variability these are the true (varied) times.
    - ``steps``: one item per contact overlapping the clip, in time order: ``foot``, ``ic_s``,
      ``to_s`` (exact, seconds from the clip start; outside the clip for a contact it cuts),
      and that step's own ``contact_time_s``, ``step_time_s`` and ``flight_time_s`` (IC and
      toe-off to the next IC of the other foot)
    - ``metrics``: the true value of every metric in the domain brief (section 5), one value
      per clip, computed from the model's geometry at the exact event times;
      ``metric_definitions`` says how each is measured. Every step has the same geometry, so
      the spatial metrics are every step's values. When steps vary in time
      (``gait.step_time_cv > 0``), ``cadence_spm``, ``step_time_s``, ``contact_time_s``,
      ``flight_time_s``, ``duty_factor`` and ``speed_mps`` are the clip's nominal (steady)
      values and each step's own times are in ``steps``.

:func:`load_truth` reads both into a :class:`Truth`.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from posecheck.errors import PosecheckError
from posecheck.gait.events import GaitEvents
from posecheck.kinematics import angle_deg
from posecheck.landmarks import INDEX
from posecheck.synth.camera import world_in_camera_axes
from posecheck.synth.gait import SIDES, Gait, angle_from_down, angle_from_up
from posecheck.synth.timing import StepTiming
from posecheck.validation.mocap import ContactTruth

FORMAT_VERSION = 1

METRIC_DEFINITIONS = {
    "whole_body_lean_deg": "mid-contact: stance foot's contact point (midway between heel and "
    "toe tip) to CoM against vertical, forward positive",
    "lean_from_ankle_deg": "mid-contact: stance ankle to CoM against vertical (the gait's "
    "lean_deg)",
    "whole_body_lean_vs_slope_normal_deg": "the whole-body lean against the slope normal "
    "(lean + slope_deg); negative is behind perpendicular to the slope",
    "trunk_angle_deg": "mid-contact: hip midpoint to shoulder midpoint against vertical",
    "lower_body_angle_deg": "mid-contact: stance ankle to hip midpoint against vertical",
    "waist_bend_deg": "trunk angle minus lower-body angle at mid-contact",
    "knee_flexion_ic_deg": "180 minus the hip-knee-ankle angle at IC (0 = straight)",
    "knee_flexion_mid_stance_deg": "the same at mid-contact",
    "knee_flexion_peak_stance_deg": "largest stance knee flexion",
    "foot_landing_from_com_m": "IC: landing ankle x minus CoM x (horizontal, forward positive)",
    "heel_landing_from_com_m": "IC: landing heel x minus CoM x",
    "foot_landing_from_com_leg": "foot_landing_from_com_m / leg length (hip joint to ankle)",
    "shank_angle_ic_deg": "IC: knee to ankle against vertical, ankle ahead of knee positive",
    "foot_strike_angle_deg": "IC: heel to toe tip against the ground, toe up positive",
    "shoulder_abduction_deg": "upper arm's angle out of the trunk's sagittal plane (3D)",
    "elbow_angle_deg": "interior shoulder-elbow-wrist angle in 3D, 180 = straight",
    "elbow_angle_sagittal_deg": "the same angle in the side view (x, y), median over a stride",
    "arm_swing_range_deg": "range over a stride of the shoulder-to-elbow angle against vertical "
    "in the side view",
    "cadence_spm": "steps per minute (nominal when steps vary in time: see steps)",
    "step_time_s": "IC to the next IC of the other foot (nominal when steps vary in time)",
    "contact_time_s": "IC to toe-off of the same foot (nominal when steps vary in time)",
    "flight_time_s": "toe-off to the next IC of the other foot (nominal when steps vary)",
    "duty_factor": "contact time / stride time (nominal; each step keeps it in stance and flight "
    "shares only approximately)",
    "step_length_m": "distance along the ground between successive landings",
    "step_length_horizontal_m": "the same, horizontal component",
    "speed_mps": "along the ground (nominal: a step of the same length in a varied time "
    "changes the speed of that step)",
    "com_vertical_oscillation_m": "peak-to-peak CoM height over a stride, after removing the "
    "slope's steady descent",
}


@dataclasses.dataclass(frozen=True)
class Truth:
    """A synthetic clip's ground truth (see the module docstring for every field)."""

    info: dict[str, Any]  # the JSON file
    time_s: np.ndarray
    landmarks_px: np.ndarray
    landmarks_m: np.ndarray
    com_m: np.ndarray
    com_px: np.ndarray
    in_contact: np.ndarray
    arrays: dict[str, np.ndarray]  # every array in the .npz, the above included

    @property
    def metrics(self) -> dict[str, float]:
        return self.info["metrics"]

    @property
    def events(self) -> dict[str, dict[str, list[dict[str, float]]]]:
        return self.info["events"]

    def world_landmarks_m(self) -> np.ndarray:
        """(n, 33, 3) ``landmarks_m`` as MediaPipe gives its world landmarks (metres about the
        hip midpoint, x image right, y down, z away from the camera):
        :func:`posecheck.synth.camera.world_in_camera_axes`."""
        return world_in_camera_axes(self.landmarks_m, np.radians(self.arrays["camera_yaw_deg"]),
                                    1 if self.info["direction"] == "ltr" else -1)

    def event_times(self, side: str, kind: str) -> np.ndarray:
        """Exact times (s) of ``kind`` ("initial_contact" / "toe_off") of one foot."""
        return np.array([e["time_s"] for e in self.events[side][kind]])


def truth_paths(path: str | Path) -> tuple[Path, Path]:
    """(npz, json) truth paths for a clip path or either truth file's path."""
    path = Path(path)
    name = path.name
    for suffix in (".truth.json", ".truth.npz"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            break
    else:
        stem = path.stem
    return path.with_name(stem + ".truth.npz"), path.with_name(stem + ".truth.json")


def load_truth(path: str | Path) -> Truth:
    """Read the truth of a clip, given the clip (``run.mp4``) or one of its truth files."""
    npz_path, json_path = truth_paths(path)
    try:
        info = json.loads(json_path.read_text())
        with np.load(npz_path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in data.files}
    except (OSError, ValueError) as exc:
        raise PosecheckError(f"{path}: no readable synthetic truth beside it ({exc})") from exc
    try:
        return Truth(info, arrays["time_s"], arrays["landmarks_px"], arrays["landmarks_m"],
                     arrays["com_m"], arrays["com_px"], arrays["in_contact"], arrays)  # fmt: skip
    except KeyError as exc:
        raise PosecheckError(f"{npz_path}: truth array {exc} is missing") from exc


def write_truth(clip_path: str | Path, info: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Write ``<clip>.truth.json`` and ``<clip>.truth.npz``."""
    npz_path, json_path = truth_paths(clip_path)
    np.savez_compressed(npz_path, **arrays)
    info = {"format_version": FORMAT_VERSION, **info, "metric_definitions": METRIC_DEFINITIONS}
    json_path.write_text(json.dumps(info, indent=1, sort_keys=False) + "\n")


# ---- events -----------------------------------------------------------------------------------


def clip_events(gait: Gait, time_s: np.ndarray, fps: float, *,
                timing: StepTiming | None = None) -> dict[str, dict[str, list]]:
    """Initial contacts and toe-offs of each foot inside the clip's time span. ``time_s`` is
    the clip clock of each frame (the steady gait's time when ``timing`` is None or steady)."""
    timing = timing or StepTiming.steady(gait)
    t0, t1 = float(time_s[0]), float(time_s[-1])
    events: dict[str, dict[str, list]] = {s: {"initial_contact": [], "toe_off": []} for s in SIDES}
    for k in timing.steps_between(t0 - gait.step_time_s, t1 + gait.step_time_s):
        side = gait.side_of_step(k)
        for kind, t in (("initial_contact", timing.ic_time(k)),
                        ("toe_off", timing.to_time(k))):  # fmt: skip
            if t0 <= t <= t1:
                frame = int(round((t - t0) * fps))
                events[side][kind].append({"time_s": t - t0, "frame": frame})
    return events


def clip_steps(gait: Gait, time_s: np.ndarray, timing: StepTiming) -> list[dict[str, Any]]:
    """One item per contact overlapping the clip's time span, in time order: ``foot``,
    ``ic_s`` and ``to_s`` (exact, from the clip's first frame; outside the clip for a contact it
    cuts), and that step's own ``contact_time_s`` (IC to toe-off), ``step_time_s`` and
    ``flight_time_s`` (IC and toe-off to the next IC of the other foot). Every other metric of a
    step equals the clip's nominal value (the timing warp keeps each stance's geometry)."""
    t0, t1 = float(time_s[0]), float(time_s[-1])
    steps = []
    for k in timing.steps_between(t0, t1):
        ic, to, next_ic = timing.ic_time(k), timing.to_time(k), timing.ic_time(k + 1)
        steps.append({"foot": gait.side_of_step(k), "ic_s": ic - t0, "to_s": to - t0,
                      "contact_time_s": to - ic, "step_time_s": next_ic - ic,
                      "flight_time_s": next_ic - to})  # fmt: skip
    return steps


# ---- metrics ----------------------------------------------------------------------------------


def realised_step_metrics(steps: list[dict[str, Any]], duration_s: float) -> dict[str, float]:
    """The clip's own timing metrics, as a clip-level summary of its steps (over the steps whose
    contact and next contact both fall inside the clip, 0..``duration_s``: cadence the steps
    counted over their time, step time their mean, the others the median): what a
    perfect detector would report for this clip. With step-to-step variability they differ from
    the nominal values of :func:`true_metrics` by the luck of the few steps a clip holds."""
    inside = [s for s in steps if 0.0 <= s["ic_s"] and s["ic_s"] + s["step_time_s"] <= duration_s]
    if not inside:
        return {}
    step = np.array([s["step_time_s"] for s in inside])
    contact = np.array([s["contact_time_s"] for s in inside])
    following = {round(s["ic_s"], 9): s["step_time_s"] for s in steps}
    stride = np.array([s["step_time_s"] + following.get(round(s["ic_s"] + s["step_time_s"], 9),
                                                         math.nan) for s in inside])
    duty = contact / stride
    return {
        "cadence_spm": float(60.0 * len(step) / step.sum()),  # the steps over their time
        "step_time_s": float(np.mean(step)),
        "contact_time_s": float(np.median(contact)),
        "flight_time_s": float(np.median([s["flight_time_s"] for s in inside])),
        "duty_factor": float(np.nanmedian(duty)) if np.isfinite(duty).any() else math.nan,
    }


def true_metrics(gait: Gait) -> dict[str, float]:
    """Every metric of the domain brief, measured on the model at exact times (step 0, the right
    foot; all steps are equal)."""
    b = gait.body
    tc, ts_ = gait.contact_time_s, gait.step_time_s
    ic, mid = gait.pose_overground(0.0), gait.pose_overground(0.5 * tc)

    def point(pose, name: str) -> np.ndarray:
        return pose.landmarks_m[INDEX[name]]

    def mid2(pose, name: str) -> np.ndarray:
        return 0.5 * (point(pose, f"left_{name}") + point(pose, f"right_{name}"))[:2]

    ankle_mid = point(mid, "right_ankle")[:2]
    contact = 0.5 * (point(mid, "right_heel") + point(mid, "right_foot_index"))[:2]
    lean = math.degrees(angle_from_up(mid.com_m[:2] - contact))
    trunk = math.degrees(angle_from_up(mid2(mid, "shoulder") - mid2(mid, "hip")))
    lower = math.degrees(angle_from_up(mid2(mid, "hip") - ankle_mid))

    def knee_flexion(pose) -> float:
        return 180.0 - angle_deg(point(pose, "right_hip"), point(pose, "right_knee"),
                                  point(pose, "right_ankle"))  # fmt: skip

    stance = [gait.pose_overground(u * tc) for u in np.linspace(0, 1, 201)]
    landing = float(point(ic, "right_ankle")[0] - ic.com_m[0])
    shank = point(ic, "right_ankle")[:2] - point(ic, "right_knee")[:2]
    sole = point(ic, "right_foot_index")[:2] - point(ic, "right_heel")[:2]
    strike = math.degrees(math.atan2(sole[1], sole[0])) - gait.params.slope_deg

    stride = [gait.pose_overground(t) for t in np.linspace(0, 2 * ts_, 721)[:-1]]
    upper = np.array([point(p, "right_elbow") - point(p, "right_shoulder") for p in stride])
    swing = np.degrees(np.arctan2(upper[:, 0], -upper[:, 1]))
    lateral = upper[:, 2] / np.linalg.norm(upper, axis=1) * gait.side_z("right")
    # the arm's angle out of the sagittal plane: the plane holds the trunk axis and x, so its
    # normal is z and the angle is asin of the unit upper arm's z component
    abduction = np.degrees(np.arcsin(lateral))
    elbow3d = [angle_deg(point(p, "right_shoulder"), point(p, "right_elbow"),
                          point(p, "right_wrist")) for p in stride]  # fmt: skip
    elbow2d = [angle_deg(point(p, "right_shoulder")[:2], point(p, "right_elbow")[:2],
                          point(p, "right_wrist")[:2]) for p in stride]  # fmt: skip
    com_y = np.array([p.com_m[1] for p in stride])
    times = np.linspace(0, 2 * ts_, 721)[:-1]
    oscillation = float(np.ptp(com_y - gait.velocity[1] * times))
    heels = [gait.contact_points(k)["heel"] for k in (0, 1)]
    step = heels[1] - heels[0]
    return {
        "whole_body_lean_deg": lean,
        "lean_from_ankle_deg": math.degrees(angle_from_up(mid.com_m[:2] - ankle_mid)),
        "whole_body_lean_vs_slope_normal_deg": lean + gait.params.slope_deg,
        "trunk_angle_deg": trunk,
        "lower_body_angle_deg": lower,
        "waist_bend_deg": trunk - lower,
        "knee_flexion_ic_deg": knee_flexion(ic),
        "knee_flexion_mid_stance_deg": knee_flexion(mid),
        "knee_flexion_peak_stance_deg": max(knee_flexion(p) for p in stance),
        "foot_landing_from_com_m": landing,
        "heel_landing_from_com_m": float(point(ic, "right_heel")[0] - ic.com_m[0]),
        "foot_landing_from_com_leg": landing / b.leg_length_m,
        "shank_angle_ic_deg": math.degrees(angle_from_down(shank)),
        "foot_strike_angle_deg": strike,
        "shoulder_abduction_deg": float(np.median(abduction)),
        "elbow_angle_deg": float(np.median(elbow3d)),
        "elbow_angle_sagittal_deg": float(np.median(elbow2d)),
        "arm_swing_range_deg": float(np.ptp(swing)),
        "cadence_spm": 60.0 / ts_,
        "step_time_s": ts_,
        "contact_time_s": tc,
        "flight_time_s": ts_ - tc,
        "duty_factor": tc / (2 * ts_),
        "step_length_m": float(np.hypot(*step)),
        "step_length_horizontal_m": float(step[0]),
        "speed_mps": gait.params.speed_mps,
        "com_vertical_oscillation_m": oscillation,
    }


def contact_truth(events: dict[str, dict[str, list]]) -> ContactTruth:
    """A clip's true events (``Truth.events`` or ``SyntheticClip.events()``) as contacts in time
    order: each initial contact with the same foot's next toe-off (NaN past the clip's end), the
    form :func:`posecheck.validation.mocap.score_events` scores detections against."""
    rows = []
    for side in SIDES:
        tos = np.array(sorted(e["time_s"] for e in events[side]["toe_off"]))
        for ic in sorted(e["time_s"] for e in events[side]["initial_contact"]):
            later = tos[tos > ic]
            rows.append((ic, later[0] if len(later) else np.nan, side))
    rows.sort()
    return ContactTruth(np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
                        tuple(r[2] for r in rows))


def true_gait_events(events: dict[str, dict[str, list]], fps: float) -> GaitEvents:
    """A clip's true events as the detector's result type (zero uncertainty), to measure what
    reads the events without the detector's error: ``gait.with_events(true_gait_events(...))``.
    """
    truth = contact_truth(events)
    exact = np.zeros(len(truth.ic_s))
    return GaitEvents(truth.ic_s, truth.to_s, truth.foot, exact, exact.copy(), fps)


def px_per_m(landmarks_px: np.ndarray, landmarks_m: np.ndarray) -> np.ndarray:
    """(n,) image scale at the body, pixels per metre, from the pelvis-to-ankle distances of
    both legs in the image (n, 33, 2) and in the world (n, 33, 3): turns an image error into
    metres at the runner."""
    pairs = [(INDEX["left_hip"], INDEX["left_ankle"]), (INDEX["right_hip"], INDEX["right_ankle"])]
    px = sum(np.linalg.norm(landmarks_px[:, a] - landmarks_px[:, b], axis=1) for a, b in pairs)
    m = sum(np.linalg.norm(landmarks_m[:, a] - landmarks_m[:, b], axis=1) for a, b in pairs)
    return px / m
