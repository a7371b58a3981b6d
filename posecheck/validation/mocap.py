"""Motion capture with force plates as ground truth for the gait event detector.

Reads the Fukuchi et al. (2017, PeerJ 5:e3298) running data set as published (marker ``.txt``,
force ``.txt``, and ``.c3d`` files), takes the true initial contact (IC) and toe-off (TO) from the
vertical ground reaction force, places lower-limb joint centres from the static trial, and projects
them through a pinhole side camera into the :class:`~posecheck.sequence.PoseSequence` keypoints the
event detector consumes, at any frame rate.

Laboratory axes of these files (checked from the data: the ASIS markers are ahead of the PSIS
markers in +X, the right ASIS has the larger Z, gravity is along -Y): X forward (the runner faces
+X; the belt moves to -X), Y up, Z to the runner's right. Positions are in millimetres.

Shapes: time on axis 0. A marker trial holds ``xyz_mm`` (n, m, 3) for m named markers.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from posecheck import landmarks as lm
from posecheck.errors import PosecheckError
from posecheck.sequence import PoseSequence


@dataclasses.dataclass(frozen=True, eq=False)
class MarkerTrial:
    """Marker positions over time: ``time_s`` (n,), ``xyz_mm`` (n, m, 3), ``labels`` (m names)."""

    time_s: np.ndarray
    xyz_mm: np.ndarray
    labels: tuple[str, ...]
    rate_hz: float

    def marker(self, label: str) -> np.ndarray:
        """(n, 3) track of one marker in mm."""
        try:
            return self.xyz_mm[:, self.labels.index(label)]
        except ValueError:
            raise PosecheckError(f"marker {label!r} is not in this trial") from None


@dataclasses.dataclass(frozen=True, eq=False)
class ForceTrial:
    """Ground reaction force: ``time_s`` (n,), ``force_n`` (n, 3) in lab axes X, Y (up), Z."""

    time_s: np.ndarray
    force_n: np.ndarray
    rate_hz: float

    @property
    def vertical_n(self) -> np.ndarray:
        """(n,) vertical force in newtons, upward positive."""
        return self.force_n[:, 1]


@dataclasses.dataclass(frozen=True, eq=False)
class ContactTruth:
    """Force-plate events: per contact the initial contact and toe-off time (s) and the foot."""

    ic_s: np.ndarray
    to_s: np.ndarray
    foot: tuple[str, ...]  # "left" or "right" per contact


# ---- readers -----------------------------------------------------------------------------------
def _read_table(path: Path) -> tuple[list[str], np.ndarray]:
    try:
        with open(path) as handle:
            header = handle.readline().rstrip("\n").split("\t")
        values = np.loadtxt(path, skiprows=1, delimiter="\t", ndmin=2)
    except (OSError, ValueError) as exc:
        raise PosecheckError(f"{path}: not a tab-separated table with a header ({exc})") from exc
    if values.shape[1] != len(header):
        raise PosecheckError(f"{path}: {len(header)} column names but {values.shape[1]} columns")
    return header, values


def _fill_gaps(xyz: np.ndarray) -> np.ndarray:
    """Linearly interpolate NaN samples of each marker coordinate over time (edges held)."""
    out = xyz.copy()
    flat = out.reshape(len(out), -1)
    index = np.arange(len(out))
    for column in flat.T:
        bad = ~np.isfinite(column)
        if bad.any() and (~bad).sum() >= 2:
            column[bad] = np.interp(index[bad], index[~bad], column[~bad])
    return out


def read_markers_txt(path: str | Path) -> MarkerTrial:
    """Read a Fukuchi marker file: ``Time`` then ``<label>X``, ``<label>Y``, ``<label>Z`` in mm.

    Rare missing samples (NaN) are filled by linear interpolation. The rate is taken from the
    median time step.
    """
    header, values = _read_table(Path(path))
    if header[0] != "Time" or (len(header) - 1) % 3:
        raise PosecheckError(f"{path}: expected Time then X/Y/Z columns per marker")
    labels = tuple(name[:-1] for name in header[1::3])
    xyz = values[:, 1:].reshape(len(values), len(labels), 3)
    # the time column is rounded to 1 ms (7 ms steps at 150 Hz): take the rate over the whole
    # span, to a whole number of hertz as capture systems run
    span_s = float(values[-1, 0] - values[0, 0])
    if span_s <= 0:
        raise PosecheckError(f"{path}: the Time column does not increase")
    rate_hz = float(round((len(values) - 1) / span_s))
    return MarkerTrial(np.arange(len(values)) / rate_hz, _fill_gaps(xyz), labels, rate_hz)


def read_forces_txt(path: str | Path, *, rate_hz: float = 300.0) -> ForceTrial:
    """Read a Fukuchi force file (``Time`` is a 1-based sample index; Fx, Fy (vertical), Fz in N).

    ``rate_hz``: 300 Hz, the force rate stated for the data set; sample 1 is at t = 0 s, the same
    instant as the first marker sample.
    """
    header, values = _read_table(Path(path))
    try:
        columns = [header.index(name) for name in ("Fx", "Fy", "Fz")]
    except ValueError:
        raise PosecheckError(f"{path}: no Fx, Fy, Fz columns") from None
    time_s = (values[:, 0] - values[0, 0]) / rate_hz
    return ForceTrial(time_s, values[:, columns], float(rate_hz))


def read_c3d(path: str | Path) -> tuple[MarkerTrial, ForceTrial]:
    """Read markers and the force plate of a ``.c3d`` file (needs the ``c3d`` package).

    Markers: mm in the file's lab axes (the same as the ``.txt`` files); samples the file flags as
    missing become NaN and are interpolated. Force: the analog channels (with the file's SCALE and
    OFFSET applied) times FORCE_PLATFORM:CAL_MATRIX give the plate's Fx, Fy, Fz; the plate's z axis
    points down (type-4 plate; its Fz is negative under load), so the upward vertical force is
    -Fz. Its x and y are mapped to lab X and Z by the plate corners, which lie in the lab XZ plane.
    """
    try:
        import c3d
    except ImportError:
        raise PosecheckError("reading .c3d files needs the 'c3d' package: pip install "
                             "'posecheck[validation]'"
                             ) from None
    try:
        with open(path, "rb") as handle:
            reader = c3d.Reader(handle)
            labels = tuple(label.strip() for label in reader.point_labels)
            channels = [label.strip() for label in reader.analog_labels]
            cal = reader.get("FORCE_PLATFORM:CAL_MATRIX")
            cal_matrix = np.asarray(cal.float_array, dtype=float).reshape(6, 6)
            frames = [(points.copy(), analog.copy()) for _, points, analog in reader.read_frames()]
            point_rate, analog_rate = float(reader.point_rate), float(reader.analog_rate)
    except (OSError, ValueError, AssertionError, AttributeError) as exc:
        raise PosecheckError(f"{path}: cannot read as C3D ({exc})") from exc
    points = np.stack([p for p, _ in frames])  # (n, m, 5): x, y, z, residual, cameras
    xyz = points[:, :, :3].astype(float)
    # a negative residual marks a missing sample; this file also stores gaps as (0, 0, 0)
    missing = (points[:, :, 3] < 0) | np.all(points[:, :, :3] == 0, axis=2)
    xyz[missing] = np.nan
    markers = MarkerTrial(np.arange(len(xyz)) / point_rate, _fill_gaps(xyz), labels, point_rate)
    analog = np.concatenate([a.T for _, a in frames], axis=0).astype(float)  # (n_analog, channels)
    order = [channels.index(name) for name in ("F1X", "F1Y", "F1Z", "M1X", "M1Y", "M1Z")]
    # CAL_MATRIX is stored by column; symmetric here (diagonal), so the order does not matter
    plate = analog[:, order] @ cal_matrix.T
    force_lab = np.column_stack([plate[:, 0], -plate[:, 2], plate[:, 1]])
    forces = ForceTrial(np.arange(len(analog)) / analog_rate, force_lab, analog_rate)
    return markers, forces


# ---- force-plate truth -------------------------------------------------------------------------
def contact_truth(forces: ForceTrial, markers: MarkerTrial, *,
                  threshold_n: float = 20.0,  # the usual 20 N contact threshold on a treadmill
                  cutoff_hz: float = 50.0,    # removes plate noise, shifts edges by < 2 ms
                  min_contact_s: float = 0.10,  # running contacts last 0.15-0.35 s
                  min_flight_s: float = 0.02,   # shorter dips are noise within one contact
                  ) -> ContactTruth:
    """True IC and TO from the vertical force of a single plate (one foot on it at a time).

    The vertical force is low-passed with a zero-lag 4th-order Butterworth filter at ``cutoff_hz``;
    a contact is a run of samples above ``threshold_n``, with the crossing times interpolated
    linearly between samples. A contact under way when the recording starts is dropped; one
    still under way at the end keeps its IC with a NaN TO.
    The foot of each contact is the one whose lowest foot marker (heel bottom, first or fifth
    metatarsal head) is lower on average over the contact.
    """
    from scipy import signal  # here: ~30 MB the pose stage does without
    fz = forces.vertical_n
    b, a = signal.butter(4, cutoff_hz / (forces.rate_hz / 2))
    fz = signal.filtfilt(b, a, fz)
    above = fz > threshold_n
    edges = np.flatnonzero(np.diff(above.astype(int)))
    t = forces.time_s

    def crossing(i: int) -> float:
        f0, f1 = fz[i] - threshold_n, fz[i + 1] - threshold_n
        return float(t[i] + (t[i + 1] - t[i]) * f0 / (f0 - f1))

    rises = [crossing(i) for i in edges if not above[i]]
    falls = [crossing(i) for i in edges if above[i]]
    pairs: list[tuple[float, float]] = []
    for ic in rises:
        later = [to for to in falls if to > ic]
        to = later[0] if later else np.nan  # NaN: still in contact when the recording ends
        if pairs and ic - pairs[-1][1] < min_flight_s:
            pairs[-1] = (pairs[-1][0], to)  # merge a noise dip into the contact
        else:
            pairs.append((ic, to))
    pairs = [(ic, to) for ic, to in pairs if not to - ic < min_contact_s]
    ic_s = np.array([p[0] for p in pairs])
    to_s = np.array([p[1] for p in pairs])
    return ContactTruth(ic_s, to_s, tuple(_stance_foot(markers, ic_s, to_s)))


def _stance_foot(markers: MarkerTrial, ic_s: np.ndarray, to_s: np.ndarray) -> list[str]:
    lowest = {}
    for side, prefix in (("right", "R."), ("left", "L.")):
        heights = [markers.marker(prefix + name)[:, 1] for name in ("Heel.Bottom", "MT1", "MT5")]
        lowest[side] = np.min(heights, axis=0)
    feet = []
    for ic, to in zip(ic_s, to_s):
        end = to if np.isfinite(to) else ic + 0.1  # an open contact: its first 100 ms
        during = (markers.time_s >= ic) & (markers.time_s <= end)
        feet.append("right" if lowest["right"][during].mean() < lowest["left"][during].mean()
                    else "left")
    return feet


# ---- joint centres -----------------------------------------------------------------------------
CLUSTERS = {
    segment: tuple(f"{segment.title()}.{end}.{side}" for end in ("Top", "Bottom")
                   for side in ("Lateral", "Medial"))
    for segment in ("thigh", "shank")
}


def _rigid_fit(reference: np.ndarray, moving: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares rotation and translation (Soderkvist & Wedin 1993, by SVD) taking the
    reference cluster (m, 3) onto each frame of ``moving`` (n, m, 3).

    Returns R (n, 3, 3) and t (n, 3)."""
    ref_centre = reference.mean(axis=0)
    mov_centre = moving.mean(axis=1)
    cov = np.einsum("nmi,mj->nij", moving - mov_centre[:, None], reference - ref_centre)
    u, _, vt = np.linalg.svd(cov)
    d = np.sign(np.linalg.det(u @ vt))
    fix = np.ones((len(moving), 3))
    fix[:, 2] = d
    rotation = u @ (fix[:, :, None] * vt)
    translation = mov_centre - np.einsum("nij,j->ni", rotation, ref_centre)
    return rotation, translation


def hip_centres(trial: MarkerTrial) -> dict[str, np.ndarray]:
    """(n, 3) hip joint centres per side from the ASIS and PSIS markers (Harrington et al. 2007,
    J Biomech 40:595, the regression on pelvis width and depth): in the pelvis frame (origin
    mid-ASIS; x forward, y up, z right) at x = -0.24 PD - 9.9 mm, y = -0.30 PW - 10.9 mm,
    z = +/-(0.33 PW + 7.3 mm), PW the inter-ASIS distance, PD the mid-ASIS to mid-PSIS distance."""
    r_asis, l_asis = trial.marker("R.ASIS"), trial.marker("L.ASIS")
    mid_psis = (trial.marker("R.PSIS") + trial.marker("L.PSIS")) / 2
    origin = (r_asis + l_asis) / 2
    z = r_asis - l_asis
    width = np.linalg.norm(z, axis=1, keepdims=True)
    z = z / width
    back = origin - mid_psis
    depth = np.linalg.norm(back, axis=1, keepdims=True)
    x = back - np.sum(back * z, axis=1, keepdims=True) * z
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = np.cross(z, x)
    along_x = -0.24 * depth - 9.9
    along_y = -0.30 * width - 10.9
    lateral = 0.33 * width + 7.3
    base = origin + along_x * x + along_y * y
    return {"right": base + lateral * z, "left": base - lateral * z}


def joint_centres(static: MarkerTrial, trial: MarkerTrial) -> dict[str, np.ndarray]:
    """Lower-limb joint centres and foot points over the trial, (n, 3) mm each, keyed by
    MediaPipe landmark name (``left_hip`` ... ``right_foot_index``).

    - hip: :func:`hip_centres` (Harrington 2007) from the trial's pelvis markers;
    - knee: midpoint of the femoral epicondyle markers (``Knee``, ``Knee.Medial``) of the static
      trial, carried onto the thigh cluster by a rigid fit per frame;
    - ankle: midpoint of the malleoli (``Ankle``, ``Ankle.Medial``) of the static trial, carried
      onto the shank cluster;
    - heel: the ``Heel.Bottom`` marker; foot_index: midpoint of the ``MT1`` and ``MT5`` markers
      (the metatarsal heads; MediaPipe's foot_index is the toe tip, a few cm further forward).
    """
    out: dict[str, np.ndarray] = {}
    hips = hip_centres(trial)
    for side, p in (("right", "R."), ("left", "L.")):
        out[f"{side}_hip"] = hips[side]
        for joint, cluster, anatomy in (("knee", "thigh", ("Knee", "Knee.Medial")),
                                        ("ankle", "shank", ("Ankle", "Ankle.Medial"))):
            names = [p + m for m in CLUSTERS[cluster]]
            reference = np.stack([static.marker(n).mean(axis=0) for n in names])
            centre = np.mean([static.marker(p + a).mean(axis=0) for a in anatomy], axis=0)
            moving = np.stack([trial.marker(n) for n in names], axis=1)
            rotation, translation = _rigid_fit(reference, moving)
            out[f"{side}_{joint}"] = np.einsum("nij,j->ni", rotation, centre) + translation
        out[f"{side}_heel"] = trial.marker(p + "Heel.Bottom")
        out[f"{side}_foot_index"] = (trial.marker(p + "MT1") + trial.marker(p + "MT5")) / 2
    return out


# ---- side-view projection ----------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class SideCamera:
    """A level pinhole camera beside the runner, looking across the direction of travel.

    ``side``: the runner's side the camera stands on. Defaults: 5 m away at 1.0 m height with a
    1663 px focal length on a 1920x1080 frame (60 deg horizontal field of view, a phone at 1080p),
    so a 1.75 m runner is about 580 px tall.
    """

    side: str = "left"
    distance_mm: float = 5000.0
    height_mm: float = 1000.0
    focal_px: float = 1663.0
    frame_size: tuple[int, int] = (1920, 1080)


def project(points_mm: np.ndarray, camera: SideCamera, camera_x_mm: np.ndarray,
            centre_z_mm: float) -> np.ndarray:
    """Project lab points (n, k, 3) to image pixels (n, k, 2), x right, y down.

    The camera sits at lab X = ``camera_x_mm`` (n,) (constant for a tripod, following the runner
    for a pan), Y = ``camera.height_mm``, and ``camera.distance_mm`` to the ``camera.side`` of the
    line Z = ``centre_z_mm``, looking at that line.
    """
    if camera.side not in ("left", "right"):
        raise PosecheckError(f"camera side must be 'left' or 'right', got {camera.side!r}")
    toward = 1.0 if camera.side == "left" else -1.0  # the camera looks along +Z from the left
    depth = toward * (points_mm[..., 2] - centre_z_mm) + camera.distance_mm
    # image right = look direction x up: -X from the left, +X from the right
    right = -toward * (points_mm[..., 0] - camera_x_mm[:, None])
    down = camera.height_mm - points_mm[..., 1]
    w, h = camera.frame_size
    return np.stack([w / 2 + camera.focal_px * right / depth,
                     h / 2 + camera.focal_px * down / depth], axis=-1)


def side_view_sequence(centres: dict[str, np.ndarray], time_s: np.ndarray, *, fps: float,
                       camera: SideCamera = SideCamera(),
                       speed_m_s: float = 0.0,  # 0: treadmill; the belt speed: overground
                       pan: bool = False,       # False: tripod; True: camera follows the pelvis
                       start_s: float = 0.0,
                       duration_s: float | None = None,
                       ground_tilt_deg: float = 0.0) -> PoseSequence:
    """Sample marker-derived joint centres at ``fps`` and project them into a PoseSequence.

    ``centres`` (from :func:`joint_centres`) are sampled at ``time_s`` (n,); frames are at
    ``start_s + k / fps``, interpolated with a cubic spline. ``speed_m_s`` > 0 turns the treadmill
    trial into overground running by adding the belt speed to X (the stance foot then stands still,
    exact for a constant belt speed). With ``pan`` the camera's X follows the pelvis (smoothed over
    one second, as a camera operator would), else it stays at the pelvis' mean X over the clip.
    ``ground_tilt_deg`` rotates the whole scene about the lateral axis (negative: forward goes
    down), so stance feet land on a line of that slope. Gravity turns with it: this tests the
    geometry of a slope estimate, it is not a downhill runner's gait.

    Only the 10 lower-body landmarks (hips, knees, ankles, heels, foot_index) are filled; the
    upper body is NaN. Visibility is 1 on the near side and 0.5 on the far side (the positions of
    the far side are exact: no occlusion is simulated). ``world_m`` holds the same points in metres
    in camera axes (x image right, y down, z away), centred on the hip midpoint.
    """
    from scipy.interpolate import CubicSpline  # here: ~30 MB the pose stage does without
    end_s = time_s[-1] if duration_s is None else min(time_s[-1], start_s + duration_s)
    frame_t = start_s + np.arange(int(np.floor((end_s - start_s) * fps + 1e-9)) + 1) / fps
    names = list(centres)
    stack = np.stack([centres[n] for n in names], axis=1).astype(float)  # (n, k, 3)
    stack[..., 0] += speed_m_s * 1000.0 * time_s[:, None]
    points = CubicSpline(time_s, stack, axis=0)(frame_t)
    if ground_tilt_deg:
        tilt = np.radians(ground_tilt_deg)
        pivot = points[0].mean(axis=0)
        dx, dy = points[..., 0] - pivot[0], points[..., 1] - pivot[1]
        points[..., 0] = pivot[0] + dx * np.cos(tilt) - dy * np.sin(tilt)
        points[..., 1] = pivot[1] + dx * np.sin(tilt) + dy * np.cos(tilt)
    pelvis_x = (points[:, names.index("left_hip"), 0] + points[:, names.index("right_hip"), 0]) / 2
    if pan:
        width = max(1, int(round(fps)))  # a one-second moving average
        padded = np.pad(pelvis_x, width // 2, mode="edge")
        smooth = np.convolve(padded, np.ones(width) / width, mode="same")
        camera_x = smooth[width // 2:][:len(pelvis_x)]
    else:
        camera_x = np.full(len(frame_t), pelvis_x.mean())
    centre_z = float(np.mean([centres["left_hip"][:, 2], centres["right_hip"][:, 2]]))
    pixels = project(points, camera, camera_x, centre_z)
    seq = PoseSequence.empty(frame_t - frame_t[0], fps=fps, frame_size=camera.frame_size,
                             meta={"source": "mocap", "camera_side": camera.side,
                                   "speed_m_s": speed_m_s, "pan": pan, "start_s": start_s,
                                   "ground_tilt_deg": ground_tilt_deg})
    keypoints, visibility = seq.keypoints_px.copy(), seq.visibility.copy()
    world = seq.world_m.copy()
    hip_mid = (points[:, names.index("left_hip")] + points[:, names.index("right_hip")]) / 2
    toward = 1.0 if camera.side == "left" else -1.0
    for k, name in enumerate(names):
        index = lm.INDEX[name]
        keypoints[:, index] = pixels[:, k]
        visibility[:, index] = 1.0 if name.startswith(camera.side) else 0.5
        rel = (points[:, k] - hip_mid) / 1000.0
        world[:, index] = np.column_stack([-toward * rel[:, 0], -rel[:, 1], toward * rel[:, 2]])
    return seq.replace(keypoints_px=keypoints, visibility=visibility, world_m=world)


# ---- the Fukuchi RBDS001 trials ----------------------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class Trial:
    """One running trial ready for validation: joint centres, their times, the truth, the speed."""

    name: str
    speed_m_s: float
    time_s: np.ndarray
    centres: dict[str, np.ndarray]
    truth: ContactTruth


def load_fukuchi_trial(folder: str | Path, speed: str) -> Trial:
    """Load ``RBDS001runT25`` (``speed="25"``, marker and force .txt) or ``RBDS001runT35``
    (``"35"``, .c3d) from ``folder`` with the static trial ``RBDS001static.txt``."""
    folder = Path(folder)
    static = read_markers_txt(folder / "RBDS001static.txt")
    if speed == "25":
        markers = read_markers_txt(folder / "RBDS001runT25markers.txt")
        forces = read_forces_txt(folder / "RBDS001runT25forces.txt")
    elif speed == "35":
        markers, forces = read_c3d(folder / "RBDS001runT35.c3d")
    else:
        raise PosecheckError(f"unknown trial speed {speed!r}: use '25' or '35'")
    truth = contact_truth(forces, markers)
    return Trial(f"RBDS001runT{speed}", int(speed) / 10, markers.time_s,
                 joint_centres(static, markers), truth)


# ---- scoring detected events against the truth -------------------------------------------------
@dataclasses.dataclass(frozen=True, eq=False)
class EventScore:
    """Detected events against force-plate truth. ``ic_error_s`` / ``to_error_s`` (matched,):
    detected minus true (NaN where a TO was not found); ``missed``: true contacts with no
    detection within the tolerance; ``extra``: detections matching no true contact;
    ``wrong_foot``: matched contacts given the other foot; ``to_missed``: true TOs inside the
    span with no detected TO (the contact was missed, or its TO was not found)."""

    ic_error_s: np.ndarray
    to_error_s: np.ndarray
    missed: int
    extra: int
    wrong_foot: int
    to_missed: int = 0


def score_events(truth: ContactTruth, ic_s: np.ndarray, to_s: np.ndarray, foot: tuple[str, ...],
                 *, start_s: float, end_s: float,
                 margin_s: float = 0.15,    # contacts this near a clip edge may be cut: not scored
                 tolerance_s: float = 0.1,  # under a third of a step: a match, not a neighbour
                 ) -> EventScore:
    """Match detections (clip time) to true contacts whose IC falls inside
    [``start_s`` + ``margin_s``, ``end_s`` - ``margin_s``] (trial time; the clip starts at
    ``start_s``); a TO past that span is not scored. Detections outside the span are neither
    matched nor counted as extra."""
    lo, hi = start_s + margin_s, end_s - margin_s
    keep = (truth.ic_s >= lo) & (truth.ic_s <= hi)
    true_ic, true_to = truth.ic_s[keep] - start_s, truth.to_s[keep] - start_s
    true_foot = [f for f, k in zip(truth.foot, keep) if k]
    used: set[int] = set()
    ic_err, to_err, wrong, missed, to_missed = [], [], 0, 0, 0
    for ic, to, side in zip(true_ic, true_to, true_foot):
        to_scored = to <= hi - start_s  # NaN <= x is False
        gaps = np.abs(ic_s - ic)
        gaps[list(used)] = np.inf
        j = int(np.argmin(gaps)) if len(gaps) else -1
        if j < 0 or gaps[j] > tolerance_s:
            missed += 1
            to_missed += bool(to_scored)
            continue
        used.add(j)
        ic_err.append(ic_s[j] - ic)
        to_err.append(to_s[j] - to if to_scored else np.nan)
        to_missed += bool(to_scored and not np.isfinite(to_s[j]))
        wrong += foot[j] != side
    inside = (ic_s >= lo - start_s) & (ic_s <= hi - start_s)
    all_true = truth.ic_s - start_s  # a detection of a contact just outside the span is not extra
    extra = int(sum(1 for j in np.flatnonzero(inside)
                    if j not in used and np.min(np.abs(all_true - ic_s[j])) > tolerance_s))
    return EventScore(np.array(ic_err), np.array(to_err), missed, extra, wrong, to_missed)
