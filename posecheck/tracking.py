"""Following one person through a clip when several are visible.

Detections are linked frame to frame into *tracks* by their hip midpoints (Hungarian assignment on
distance predicted with constant velocity, gated by the person's own torso length and size). A
track ends when its person is unseen for longer than ``max_gap_s``; a new detection that matches no
track starts a new one. Tracks are never joined, so two people are never spliced into one. A
side-on person faces one way (:func:`facing`): a fit that clearly faces the other way does not
continue a track, so where two runners going opposite ways cross and one hides the other, the
one still seen does not take over the hidden one's track.

Which track is the runner (the documented rule, :func:`choose_track`):

- ``"largest"``: the track with the largest *presence*, the sum over its frames of its torso length
  in pixels. A side-on clip is filmed for its runner, who is near the camera and in frame for
  most of the clip (treadmill, or a camera panning with the runner); a passer-by is smaller or
  briefly there.
- ``"sideways"``: the track whose hips travel farthest sideways in the image, in torso lengths
  (hip x smoothed over 0.5 s first, so the bob of each stride does not count).
- ``"auto"`` (default): presence x (1 + sideways travel / 4 torso lengths). Someone standing or
  running on a treadmill counts their presence once; a person crossing the frame from a tripod
  counts several times over, so an overground runner wins over a larger bystander who stays
  put. (In the park clip: the walker crossing the frame, not the man jumping off a box.) When
  the camera pans or follows (``camera_pans``, from :mod:`posecheck.footage`), the runner is the
  one it follows and stays in the picture while the scenery and everyone else slides across it:
  sideways travel is then no sign of the runner, and presence alone decides.
- an integer: that track id, as listed in ``people.json`` of an earlier run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np

from posecheck.errors import PosecheckError
from posecheck.landmarks import INDEX, MIRROR, NOSE
from posecheck.sequence import PoseSequence

RULES = ("auto", "largest", "sideways")
LEFT_EAR, RIGHT_EAR = INDEX["left_ear"], INDEX["right_ear"]
TOES = [INDEX["left_foot_index"], INDEX["right_foot_index"]]
HEELS = [INDEX["left_heel"], INDEX["right_heel"]]


@dataclasses.dataclass
class Track:
    """One person's detections: ``frames[k]`` is the frame index of ``detections[k]``."""

    id: int
    frames: list[int] = dataclasses.field(default_factory=list)
    detections: list = dataclasses.field(default_factory=list)

    @property
    def hip_px(self) -> np.ndarray:
        return np.array([d.hip_px for d in self.detections])

    @property
    def size_px(self) -> np.ndarray:
        return np.array([d.size_px for d in self.detections])

    @property
    def presence(self) -> float:
        """Sum of torso lengths (px) over the frames the person is seen."""
        return float(np.nansum(self.size_px))

    def sideways_travel(self, fps: float) -> float:
        """Total horizontal hip travel, in median torso lengths, hip x smoothed over 0.5 s.

        The hips are first placed on every frame from the track's first to its last (linear
        between detections), so the 0.5 s is 0.5 s of the clip also for a person seen only
        in some frames (a small runner found by a tile search every few frames)."""
        window = max(int(round(0.5 * fps)), 1)
        frames = np.arange(self.frames[0], self.frames[-1] + 1)
        if len(frames) <= window:
            return 0.0
        x = np.interp(frames, self.frames, self.hip_px[:, 0])
        x = np.convolve(x, np.ones(window) / window, mode="valid")
        return float(np.nansum(np.abs(np.diff(x))) / np.nanmedian(self.size_px))

    def score(self, fps: float) -> float:
        """The ``"auto"`` rule's score: presence x (1 + sideways travel / 4 torso lengths)."""
        return self.presence * (1.0 + self.sideways_travel(fps) / 4.0)

    def summary(self, time_s: np.ndarray, fps: float) -> dict:
        hip = np.nanmedian(self.hip_px, axis=0)
        return {
            "id": self.id,
            "first_time_s": round(float(time_s[self.frames[0]]), 3),
            "last_time_s": round(float(time_s[self.frames[-1]]), 3),
            "n_frames": len(self.frames),
            "median_hip_px": [round(float(v), 1) for v in hip],
            "median_torso_px": round(float(np.nanmedian(self.size_px)), 1),
            "presence": round(self.presence, 1),
            "sideways_travel_torsos": round(self.sideways_travel(fps), 2),
            "auto_score": round(self.score(fps), 1),
        }


def upright(det, *, crouch_torsos: float = 0.7) -> bool:
    """Whether a fit stands the right way up: its shoulder midpoint above the hip midpoint, or
    at most ``crouch_torsos`` torso lengths below it (image y down).

    An upside-down skeleton is a mis-fit (MediaPipe fits one to a person's shadow or a tumbling
    body) that would otherwise hijack a track: its shoulders lie about a whole torso length below
    its hips. A sprinter in a 3-point stance has the torso near level, the shoulders ahead of
    and a little below the hips (0.37-0.42 torso lengths in the closer fits of the shared
    40-yard dash clip's stance, 0.56 in one tile's fit) and the head lower than the hips, which
    the earlier rule (nose and shoulders above the hips) rejected. ``crouch_torsos`` 0.7 (44
    degrees below level, about halfway to upside down) keeps that start and still rejects the
    upside-down fits.
    """
    hip_y = det.hip_px[1]
    shoulder_y = det.keypoints_px[11:13, 1].mean()
    return bool(shoulder_y - hip_y <= crouch_torsos * det.size_px)


def facing(det, *, min_score_torsos: float = 0.15) -> int:
    """Which way a fit faces in the image: +1 right, -1 left, 0 not clear.

    Side-on, the nose lies ahead of the ears' midpoint and each toe ahead of its heel. The score
    is the nose's offset plus the mean of the two feet's (toe minus heel), horizontal, in torso
    lengths; "clear" from ``min_score_torsos``. Measured on two runners crossing (the synthetic
    corpus clip) and the shared 40-yard dash: a runner's own fits scored 0.2-0.5 their way, and
    0.0-0.12 in a few frames (a sprinter in the blocks with the head down, a blurred foot); the
    other way, never. Filmed from the front or behind the offsets are small and say nothing.
    Which ear or foot MediaPipe calls left does not matter: both count alike."""
    kp = det.keypoints_px
    size = max(det.size_px, 1.0)
    nose = (kp[NOSE, 0] - (kp[LEFT_EAR, 0] + kp[RIGHT_EAR, 0]) / 2) / size
    feet = (kp[TOES, 0] - kp[HEELS, 0]) / size
    parts = [v for v in (nose, np.nanmean(feet) if np.isfinite(feet).any() else np.nan)
             if np.isfinite(v)]
    score = float(sum(parts))
    if not parts or abs(score) < min_score_torsos:
        return 0
    return 1 if score > 0 else -1


def track_facing(track: Track, *, recent: int = 15, min_agreement: float = 0.6,
                 way_of: Callable[[object], int] = facing) -> int:
    """The way a track's person faces: the clear majority of its last ``recent`` fits that face
    one way (their mean facing at least ``min_agreement`` in size), else 0. ``way_of``: each
    fit's :func:`facing` (a :class:`_Facings` remembers them)."""
    ways = [w for w in (way_of(d) for d in track.detections[-recent:]) if w]
    if not ways:
        return 0
    mean = float(np.mean(ways))
    return int(np.sign(mean)) if abs(mean) >= min_agreement else 0


class _Facings:
    """:func:`facing` of each fit, worked out once: :func:`link_tracks` asks for a track's way
    (its last 15 fits) in every frame. Fits are known by identity, so an instance serves one
    linking, while the fits it has seen are alive."""

    def __init__(self) -> None:
        self._ways: dict[int, int] = {}

    def __call__(self, det) -> int:
        key = id(det)
        if key not in self._ways:
            self._ways[key] = facing(det)
        return self._ways[key]


def same_person(a, b, *, same_person_torsos: float = 0.5) -> bool:
    """Two fits of one body: their landmarks lie on average within ``same_person_torsos`` torso
    lengths of each other (MediaPipe asked for several poses can fit one person twice, and a
    crop finds again a person the whole frame found)."""
    return _mean_landmark_distance(a, b) <= same_person_torsos * max(b.size_px, 1.0)


def _without_duplicates(detections: list, *, same_person_torsos: float) -> list:
    """Keep one fit per body (:func:`same_person`); the more visible fit is kept."""
    kept = []
    for det in sorted(detections, key=lambda d: -float(np.mean(d.visibility))):
        if not any(same_person(det, k, same_person_torsos=same_person_torsos) for k in kept):
            kept.append(det)
    return kept


def _mean_landmark_distance(a, b) -> float:
    """Mean distance between corresponding landmarks, or between ``a``'s and ``b``'s
    left-right mirrored landmarks if nearer: two fits of one side-on body often differ only in
    which leg and arm they call left (on the 40-yard dash clip such pairs lay 0.53-0.62 torso
    lengths apart unmirrored and 0.13-0.27 mirrored; kept as two people, they split the runner's
    track in two)."""
    direct = np.nanmean(np.linalg.norm(a.keypoints_px - b.keypoints_px, axis=1))
    mirrored = np.nanmean(np.linalg.norm(a.keypoints_px - b.keypoints_px[list(MIRROR)], axis=1))
    return float(min(direct, mirrored))


def _predict(track: Track, frame: int, *, window: int = 6) -> tuple[np.ndarray, float]:
    """Where the track's hips should be at ``frame`` (a straight-line fit through its last
    ``window`` hip positions) and its torso length (median of the last 3 * ``window``). Fitting
    several frames keeps one noisy fit (MediaPipe's hip estimate can jump half a torso in a
    blurred frame) from throwing the prediction off."""
    frames = np.asarray(track.frames[-window:], dtype=float)
    hips = np.array([d.hip_px for d in track.detections[-window:]])
    size = float(np.median([d.size_px for d in track.detections[-3 * window:]]))
    if len(frames) < 3:
        return hips[-1], size
    # the least-squares line, as np.polyfit(frames, hips, 1) gives it, without its overhead
    # (this runs for every track in every frame)
    x = frames - frames.mean()
    centre = hips.mean(axis=0)
    slope = (x @ (hips - centre)) / (x @ x)
    return centre + slope * (frame - frames.mean()), size


def _continues_chain(track: Track, det) -> bool:
    """Whether ``det`` is the next fit of the closer look whose last fit ends ``track``
    (:attr:`posecheck.pose.Detection.chain`)."""
    chain = getattr(det, "chain", None)
    return chain is not None and getattr(track.detections[-1], "chain", None) == chain


def _link_cost(active: list[Track], detections: list, frame: int, *, gate_torsos: float,
               gate_torsos_per_frame: float, max_size_ratio: float,
               by_facing: bool = True, way_of: Callable[[object], int] = facing) -> np.ndarray:
    """(tracks, detections) cost of continuing each active track with each detection: hip
    distance from the prediction in torso lengths; inf outside the gate and, ``by_facing``,
    for a fit clearly facing the other way from the track's person (see :func:`link_tracks`).
    A chain's next fit within the gate is forced onto the track holding its previous fit: cost
    0 there and inf for every other pairing of either; not when it faces the other way (a crop
    that followed one runner can slip onto another who passes close)."""
    cost = np.full((len(active), len(detections)), np.inf)
    forced = []
    ways = [way_of(det) if by_facing else 0 for det in detections]
    for a, track in enumerate(active):
        predicted, size = _predict(track, frame)
        way = track_facing(track, way_of=way_of) if by_facing else 0
        gap = frame - track.frames[-1]
        gate = (gate_torsos + gate_torsos_per_frame * (gap - 1)) * max(size, 1.0)
        for d, det in enumerate(detections):
            ratio = max(det.size_px, 1.0) / max(size, 1.0)
            distance = float(np.linalg.norm(det.hip_px - predicted))
            turned = way * ways[d] < 0  # clearly facing the other way: someone else
            if distance <= gate and 1 / max_size_ratio <= ratio <= max_size_ratio and not turned:
                cost[a, d] = distance / max(size, 1.0)
                if _continues_chain(track, det):
                    forced.append((a, d))
    for a, d in forced:
        cost[a, :] = np.inf
        cost[:, d] = np.inf
        cost[a, d] = 0.0
    return cost


def link_tracks(people: list[list], time_s: np.ndarray, *, max_gap_s: float = 0.5,
                gate_torsos: float = 1.0, gate_torsos_per_frame: float = 0.3,
                max_size_ratio: float = 1.6, same_person_torsos: float = 0.5,
                max_hidden_s: float = 1.0, by_facing: bool = True) -> list[Track]:
    """Link per-frame detections into tracks.

    Gate: a detection may continue a track when its hips are within
    ``gate_torsos + gate_torsos_per_frame * (frames_since_seen - 1)`` torso lengths of the track's
    predicted position (:func:`_predict`) and its torso length is within ``max_size_ratio`` of
    the track's. A 5 m/s runner filmed side-on moves about 0.35 torso lengths per frame at 30 fps
    and MediaPipe's hip estimate scatters by up to half a torso in blurred frames, so one torso
    length covers both; two people closer than that are matched by the Hungarian assignment,
    nearest first. ``max_gap_s`` 0.5 s bridges a brief occlusion without handing a track to a
    newcomer; a person hidden for longer, up to ``max_hidden_s``, is joined up afterwards where
    nothing else could be them (:func:`_rejoin`).

    ``by_facing`` False leaves out the way people face (:func:`facing`) and the joining up: the
    pose stage's closer look plans its crops from such tracks
    (:func:`posecheck.pose.detect_people`), as it was measured (with facing there, the shared
    40-yard dash clip's runner was found in 88% of the frames instead of 97%; with it in the
    final linking only, 95.5%).

    A closer look (:func:`posecheck.pose.detect_people`) that followed one person in crops
    marks those fits as one chain; within the gate, a chain's next fit joins the track holding
    its previous one, whatever else is near (:func:`_link_cost`). On the 40-yard dash clip,
    whole-frame fits of the officials behind the small runner lay nearer the predicted hips than
    the runner's own closer fit and took the runner's track over.
    """
    # here, not at the top: scipy.optimize is 37 MB the pose stage's peak does without
    from scipy.optimize import linear_sum_assignment

    tracks: list[Track] = []
    active: list[Track] = []
    way_of = _Facings()
    for i, detections in enumerate(people):
        standing = [d for d in detections if upright(d)]
        detections = _without_duplicates(standing, same_person_torsos=same_person_torsos)
        active = [t for t in active if time_s[i] - time_s[t.frames[-1]] <= max_gap_s]
        cost = _link_cost(active, detections, i, gate_torsos=gate_torsos,
                          gate_torsos_per_frame=gate_torsos_per_frame,
                          max_size_ratio=max_size_ratio, by_facing=by_facing, way_of=way_of)
        matched = set()
        if cost.size:
            finite = np.where(np.isfinite(cost), cost, 1e9)
            for a, d in zip(*linear_sum_assignment(finite)):
                if np.isfinite(cost[a, d]):
                    active[a].frames.append(i)
                    active[a].detections.append(detections[d])
                    matched.add(d)
        for d, det in enumerate(detections):
            if d not in matched:
                track = Track(id=len(tracks), frames=[i], detections=[det])
                tracks.append(track)
                active.append(track)
    if not by_facing:
        return tracks
    return _rejoin(tracks, time_s, max_gap_s=max_gap_s, max_hidden_s=max_hidden_s,
                   gate_torsos=gate_torsos, gate_torsos_per_frame=gate_torsos_per_frame,
                   max_size_ratio=max_size_ratio)


def _rejoin(tracks: list[Track], time_s: np.ndarray, *, max_gap_s: float, max_hidden_s: float,
            gate_torsos: float, gate_torsos_per_frame: float, max_size_ratio: float,
            max_rejoin_torsos: float = 2.0) -> list[Track]:
    """Tracks of one person hidden for longer than ``max_gap_s`` (and up to ``max_hidden_s``)
    joined end to start: a track that starts after another ended, where that one's person
    should be (the gate of :func:`link_tracks`, at most ``max_rejoin_torsos``: a runner hidden
    behind someone passing keeps their pace, and the gate's growth per frame would otherwise
    span half the picture after a second), at their size, and facing the same clear way
    (:func:`facing`). Someone facing the other way is never joined, nor is a start that two
    ended tracks could claim; the nearest pairs join first. The joined track keeps the first
    one's id."""
    ends = {t.id: t for t in tracks}
    pairs = []
    for a in tracks:
        way = track_facing(a)
        if not way:
            continue
        for b in tracks:
            first = b.frames[0]
            gap_s = time_s[first] - time_s[a.frames[-1]]
            if b is a or not max_gap_s < gap_s <= max_hidden_s:
                continue
            if _opening_facing(b) != way:
                continue
            predicted, size = _predict_after_hiding(a, first)
            gap = first - a.frames[-1]
            gate = min(gate_torsos + gate_torsos_per_frame * (gap - 1),
                       max_rejoin_torsos) * max(size, 1.0)
            start = b.detections[0]
            ratio = max(start.size_px, 1.0) / max(size, 1.0)
            distance = float(np.linalg.norm(start.hip_px - predicted))
            if distance <= gate and 1 / max_size_ratio <= ratio <= max_size_ratio:
                pairs.append((distance / max(size, 1.0), a.id, b.id))
    claims: dict[int, int] = {}
    for _, _, b_id in pairs:
        claims[b_id] = claims.get(b_id, 0) + 1
    joined: dict[int, int] = {}  # later track id -> the id it joins
    taken = set()
    for _, a_id, b_id in sorted(pairs):
        if claims[b_id] > 1 or a_id in taken or b_id in joined:
            continue
        head = a_id
        while head in joined:
            head = joined[head]
        if ends[head].frames[-1] >= ends[b_id].frames[0]:
            continue
        joined[b_id] = head
        taken.add(a_id)
        ends[head].frames.extend(ends[b_id].frames)
        ends[head].detections.extend(ends[b_id].detections)
    return [t for t in tracks if t.id not in joined]


def _predict_after_hiding(track: Track, frame: int, *, window: int = 15
                          ) -> tuple[np.ndarray, float]:
    """Where the track's hips should be at ``frame`` after a long gap, and its torso length:
    the median velocity of its last ``window`` fits carried from their median place. The last
    fits before a person is hidden are often the worst (merged with the one passing in front),
    and a straight line through a few of them (:func:`_predict`) can point far off."""
    frames = np.asarray(track.frames[-window:], dtype=float)
    hips = np.array([d.hip_px for d in track.detections[-window:]])
    size = float(np.median([d.size_px for d in track.detections[-window:]]))
    if len(frames) < 3:
        return hips[-1], size
    velocity = np.median(np.diff(hips, axis=0) / np.diff(frames)[:, None], axis=0)
    place = np.median(hips - velocity * (frames - frames[-1])[:, None], axis=0)
    return place + velocity * (frame - frames[-1]), size


def _opening_facing(track: Track, *, first: int = 15) -> int:
    """The way a track's person faces over its first fits (as :func:`track_facing` over its
    last)."""
    return track_facing(Track(track.id, track.frames[:first], track.detections[:first]))


def choose_track(tracks: list[Track], person: str | int | None = None, *,
                 fps: float, camera_pans: bool = False) -> Track:
    """The runner's track by the rule in the module docstring (``camera_pans``: the camera
    follows the runner, so ``"auto"`` goes by presence alone)."""
    if not tracks:
        raise PosecheckError("no person was found in the video")
    if person is None:
        person = "auto"
    if isinstance(person, str) and person.isdigit():
        person = int(person)
    if isinstance(person, int):
        for track in tracks:
            if track.id == person:
                return track
        raise PosecheckError(
            f"--person {person}: no such person; this clip has ids 0 to {len(tracks) - 1}")
    if person == "auto":
        if camera_pans:
            return max(tracks, key=lambda t: t.presence)
        return max(tracks, key=lambda t: t.score(fps))
    if person == "largest":
        return max(tracks, key=lambda t: t.presence)
    if person == "sideways":
        return max(tracks, key=lambda t: t.sideways_travel(fps))
    raise PosecheckError(f"--person {person!r}: use one of {', '.join(RULES)} or a person id")


def track_to_sequence(track: Track, tracks: list[Track], frames) -> PoseSequence:
    """The chosen track as a PoseSequence over every frame of the clip (NaN where unseen)."""
    info = frames.info
    seq = PoseSequence.empty(
        frames.time_s, fps=info.fps, frame_size=(info.width, info.height),
        meta={
            "source": str(info.path.name),
            "model": frames.model,
            "person_id": track.id,
            "people": [t.summary(frames.time_s, info.fps) for t in tracks],
            "footage": frames.footage.summary() if frames.footage is not None else {},
        },
    )
    keypoints, visibility = seq.keypoints_px.copy(), seq.visibility.copy()
    world = seq.world_m.copy()
    for i, det in zip(track.frames, track.detections):
        keypoints[i], visibility[i], world[i] = det.keypoints_px, det.visibility, det.world_m
    return seq.replace(keypoints_px=keypoints, visibility=visibility, world_m=world)
