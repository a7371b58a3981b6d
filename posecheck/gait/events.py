"""Initial contact (IC), toe-off (TO) and mid-stance of each foot from side-view keypoints.

Methods (chosen by measuring against force plates, see ``benchmarks/events_accuracy.py``):

- **IC**: the front heel's forward reach relative to the hip midpoint peaks shortly before the
  foot lands; the swing foot is then pulled back, and lands while moving back relative to the
  hips at about two thirds of the speed it has once planted (running speed). IC is the first
  time after the peak that the heel's backward speed (the five-point derivative) reaches that
  fraction of its own planted speed and holds it for 30 ms (the median over 40-100 ms after
  the IC estimate, re-estimated as the estimate moves).
  The reach peaks are found on the envelope of both feet (the front foot at each frame), so a
  left/right label swap in the pose does not move them, and a hip-relative horizontal signal is
  the same on a treadmill, overground, with a static or a panning camera, and on a slope.
- **TO**: the toe rises above its own stance level (where it sat during that contact) by
  ``toe_rise_legs`` leg lengths, measured along the ground's normal when the slope is known and
  after removing the drift of a grounded toe in the image (a camera following the runner down a
  slope moves the ground in the image). The reference is the same contact's, so the ground's
  height does not matter.
- **Rhythm**: running steps are regular, so an IC (or TO) that lies off the line through its
  neighbours by more than any real step does is a pose glitch; it is replaced by that line's
  value, and the others are averaged with it (:func:`repair_rhythm`). Clips whose steps are
  not regular are left as detected.
- **Mid-stance**: halfway between IC and TO.

Foot identity comes from the pose labels at each IC and is then repaired from the alternation of
contacts (left, right, left, ...): the alternating labelling that agrees with most raw labels wins.

Rejected after measurement: a fixed lead time after the reach peak (25 ms on the force-plate
runner, 50-60 ms on the synthetic one: it does not carry between runners); peaks of heel
vertical acceleration (Handsaker et al. 2016), 40-55 ms late on these filtered marker tracks and
unstable at 30 fps; foot-height and foot vertical-velocity thresholds for IC, scattered by
+/- 40 ms because the heel comes down slowly and obliquely; the toe's hip-relative backward
extreme (Zeni et al. 2008), about 110 ms after TO; the toe's backward speed falling below a
fraction of stance speed for TO, 20-70 ms late on the force plates.

Thresholds are tuned on one set and scored on another (``benchmarks/events_sweep.py`` prints
both): tuned on force-plate trial T25 (projected markers at 30 and 60 fps, through the same
cleaning as video) and the synthetic runner's tuning half (rendered, MediaPipe, cleaned); scored
on trial T35, T35 perturbed like pose-model output, the synthetic held-out half and the real
clips' hand labels. The runners land differently, so a threshold unbiased on one is biased on
the other; each threshold sits where the larger of the two tuning biases is smallest.

The first IC design normalised the landing speed by the clip's stance speed instead of each
contact's planted speed; it left IC 15-26 ms early on MediaPipe output (synthetic and the real
treadmill clip) while 5 ms late on the force plates. Rejected as well: the heel joining its
stance line (within a distance; 40-50 ms late on real pose noise) and a hinge fitted to the
heel's path (50 ms late on the force-plate heel marker).

Inputs are a :class:`~posecheck.sequence.PoseSequence` already mirrored so forward is +x.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from posecheck import landmarks as lm
from posecheck.kinematics import leg_length_px
from posecheck.sequence import PoseSequence

FEET = ("left", "right")

# Force-plate accuracy of the method on projected marker data (Fukuchi RBDS001, 2.5 and 3.5 m/s,
# 30-120 fps, both camera sides, treadmill, overground, pan, tilted ground): the largest 95th
# percentile absolute error of any row of benchmarks/events_accuracy.py, rounded up (IC 14.4 ms
# on the -10 deg tilted ground at 30 fps, TO 11.7 ms; 2026-12-05, after the five-point speed).
# It is the method's share of each event's uncertainty; half a frame is added for the frame
# grid. Pose-model noise comes on top of it and is not in these numbers (the pose-perturbed rows
# of benchmarks/events_sweep.py: IC p95 19 ms, TO p95 30 ms at 30 fps).
IC_METHOD_ERROR_S = 0.015
TO_METHOD_ERROR_S = 0.012


@dataclasses.dataclass(frozen=True, eq=False)
class GaitEvents:
    """Contacts in time order; arrays (k,) for k contacts. ``to_s`` is NaN when the clip ends
    before the foot leaves (or the toe is not seen to leave). ``*_uncertainty_s`` are 95%
    half-widths. ``relabelled`` counts contacts whose foot the alternation repair changed.
    ``other_toe_legs``: at each IC the other foot's toe height above its last stance level, in
    leg lengths (about 0 when both feet are down, as in walking)."""

    ic_s: np.ndarray
    to_s: np.ndarray
    foot: tuple[str, ...]
    ic_uncertainty_s: np.ndarray
    to_uncertainty_s: np.ndarray
    fps: float
    relabelled: int = 0
    other_toe_legs: np.ndarray | None = None  # (k,) see detect_events; NaN when unknown
    rhythm_repaired: int = 0  # IC and TO times replaced by the step rhythm (repair_rhythm)

    @property
    def mid_stance_s(self) -> np.ndarray:
        return (self.ic_s + self.to_s) / 2

    @property
    def ic_uncertainty_frames(self) -> np.ndarray:
        return self.ic_uncertainty_s * self.fps

    @property
    def to_uncertainty_frames(self) -> np.ndarray:
        return self.to_uncertainty_s * self.fps

    def __len__(self) -> int:
        return len(self.ic_s)


def _fill_nan(values: np.ndarray) -> np.ndarray:
    """Linear interpolation over NaN (edges held); all-NaN stays NaN."""
    good = np.isfinite(values)
    if good.sum() < 2:
        return values.copy()
    index = np.arange(len(values))
    return np.interp(index, index[good], values[good])


def heel_reach(seq: PoseSequence, leg_px: float) -> np.ndarray:
    """(n, 2) forward distance of the left and right heel ahead of the hip midpoint, in leg
    lengths (positive = ahead)."""
    kp = seq.keypoints_px
    hip_x = (kp[:, lm.LEFT_HIP, 0] + kp[:, lm.RIGHT_HIP, 0]) / 2
    return np.stack([(kp[:, lm.LEFT_HEEL, 0] - hip_x) / leg_px,
                     (kp[:, lm.RIGHT_HEEL, 0] - hip_x) / leg_px], axis=1)


def _refine_peak(values: np.ndarray, k: int) -> float:
    """Sub-frame peak position by a parabola through frames k-1, k, k+1."""
    if k <= 0 or k >= len(values) - 1 or not np.isfinite(values[k - 1:k + 2]).all():
        return float(k)
    y0, y1, y2 = values[k - 1:k + 2]
    curvature = y0 - 2 * y1 + y2
    if curvature >= 0:
        return float(k)
    return k + 0.5 * (y0 - y2) / curvature


def _first_rise(values: np.ndarray, time_s: np.ndarray, start: int, end_s: float,
                level: float, *, hold_s: float = 0.0) -> float:
    """First time at or after frame ``start`` (and before ``end_s``) that ``values`` rises
    through ``level`` and stays at or above it for ``hold_s`` after (and in the next frame at
    least), interpolated linearly between frames; NaN if it does not."""
    for i in range(start, len(values) - 1):
        if time_s[i] > end_s:
            break
        v0, v1 = values[i], values[i + 1]
        if not v0 < level <= v1:
            continue
        if hold_s > 0:
            stop = max(i + 3, int(np.searchsorted(time_s, time_s[i + 1] + hold_s, side="right")))
            if np.any(values[i + 1:stop] < level):
                continue  # a blip through the level, not the landing
        return float(time_s[i] + (time_s[i + 1] - time_s[i]) * (level - v0) / (v1 - v0))
    return float("nan")


def speed(values: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Time derivative of ``values`` (n,) or (n, m) along the first axis, per second: the slope
    of a cubic fitted to five frames (``scipy.signal.savgol_filter``, the five-point
    derivative), or the central difference for fewer than five frames. The central difference
    passes ``sin(x) / x`` of a component (x = 2 pi f / fps): 83% of 5 Hz at 30 fps, so the sharp
    rise of the heel's speed at landing is read low and its crossing late (force-plate IC +7 ms
    at 30 fps against +3 ms at 60 fps); the five-point derivative passes 96% of it and,
    unlike a spline's, nothing at the Nyquist frequency, where the pose noise is. Both are taken
    per frame and divided by the time's own rate per frame (the chain rule), so a phone's
    unevenly spaced frames are timed as they were filmed."""
    from scipy import signal  # here: ~30 MB the pose stage does without
    if len(values) < 5:
        return np.gradient(values, time_s, axis=0)
    per_frame = signal.savgol_filter(values, 5, 3, deriv=1, axis=0)
    step_s = signal.savgol_filter(np.asarray(time_s, dtype=float), 5, 3, deriv=1)
    return per_frame / (step_s[:, None] if per_frame.ndim > 1 else step_s)


def repair_alternation(foot: list[str], ic_s: np.ndarray, *,
                       max_gap_steps: float = 1.6,  # a longer gap means a contact was missed
                       phase_change_cost: float = 2.5,  # see below
                       ) -> tuple[list[str], int]:
    """Relabel contacts so they alternate left/right within each run of regular steps, keeping
    the phase that agrees with more of the given labels. A gap longer than ``max_gap_steps``
    median steps starts a new run, so one missed contact does not flip the rest.

    The phase may also change inside a run, where the given labels keep to the other phase for
    long enough: a change costs ``phase_change_cost`` disagreeing labels (the phase sequence of
    least cost wins, :func:`_alternation_phases`). The labels are those of the pose, and the
    steps are read on the pose's legs by those labels; where the pose's left and right trade
    places for good (after a scene cut, or a runner lost and found again) the contacts must
    follow, or every reading of that stretch is taken on the swinging leg. At 2.5, a stretch of
    three or more contacts at either end of a run, or six or more inside it, changes phase;
    one or two contacts labelled against the rhythm (a brief swap at the reach peak) do not.
    Returns the labels and how many changed."""
    if not foot:
        return [], 0
    step_s = float(np.median(np.diff(ic_s))) if len(ic_s) > 1 else np.inf
    breaks = [0, *(np.flatnonzero(np.diff(ic_s) > max_gap_steps * step_s) + 1), len(foot)]
    out: list[str] = []
    for a, b in zip(breaks[:-1], breaks[1:]):
        phases = _alternation_phases(foot[a:b], phase_change_cost)
        out += [FEET[(i + phase) % 2] for i, phase in enumerate(phases)]
    return out, sum(x != y for x, y in zip(out, foot))


def _alternation_phases(run: list[str], change_cost: float) -> list[int]:
    """Per contact of ``run``, the phase (0: ``FEET[i % 2]``, 1: the other) of the alternating
    labelling of least cost: one per label it contradicts and ``change_cost`` per change of
    phase (a two-state Viterbi; ties keep the phase, then phase 0)."""
    n = len(run)
    disagree = np.array([[FEET[(i + phase) % 2] != run[i] for phase in (0, 1)]
                         for i in range(n)], dtype=float)
    cost = disagree[0].copy()
    came_from = np.zeros((n, 2), dtype=int)
    for i in range(1, n):
        new = np.empty(2)
        for phase in (0, 1):
            stay, change = cost[phase], cost[1 - phase] + change_cost
            came_from[i, phase] = phase if stay <= change else 1 - phase
            new[phase] = min(stay, change) + disagree[i, phase]
        cost = new
    phases = [int(np.argmin(cost))]
    for i in range(n - 1, 0, -1):
        phases.append(int(came_from[i, phases[-1]]))
    return phases[::-1]


def _regular_runs(times_s: np.ndarray, max_gap_steps: float) -> list[tuple[int, int]]:
    """[start, stop) index ranges of contacts without a missed step between them."""
    finite = times_s[np.isfinite(times_s)]
    if len(finite) < 2:
        return [(0, len(times_s))]
    step_s = float(np.median(np.diff(finite)))
    gaps = np.diff(times_s)
    breaks = [0, *(np.flatnonzero(gaps > max_gap_steps * step_s) + 1), len(times_s)]
    return list(zip(breaks[:-1], breaks[1:]))


def _rhythm_prediction(times_s: np.ndarray, k: int, neighbours: int) -> float:
    """Time of event ``k`` predicted by a line (event index to time) through the
    ``2 * neighbours`` finite events nearest to it in index (both sides when it has them, one
    side at a run's end); NaN with fewer than three of them."""
    index = []  # nearest first, the earlier of two as near; walked out from k, not sorted
    for distance in range(1, len(times_s)):  # (a long clip has thousands of events)
        for i in (k - distance, k + distance):
            if 0 <= i < len(times_s) and np.isfinite(times_s[i]) and len(index) < 2 * neighbours:
                index.append(i)
        if len(index) == 2 * neighbours or (k - distance < 0 and k + distance >= len(times_s)):
            break
    if len(index) < 3:
        return float("nan")
    slope, offset = np.polyfit(index, times_s[index], 1)
    return float(slope * k + offset)


def repair_rhythm(times_s: np.ndarray, *,
                  tolerance_steps: float = 0.06,  # twice the force-plate runner's largest (3%)
                  weight: float = 0.5,            # force plates: best of 0, 0.5, 0.67, 0.8
                  neighbours: int = 2,            # two steps each side: one stride
                  max_gap_steps: float = 1.6,     # a longer gap means a contact was missed
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Pull event times onto the step rhythm: replace the ones that break it, blend the rest.

    ``times_s`` (k,): one event per contact in time order (all ICs, or all TOs; NaN allowed).
    Running steps are regular: on the Fukuchi force plates a true IC lies within 11 ms (3% of a
    step, SD 1%) of the line through the two contacts before and the two after it, and a true
    TO within 9 ms (SD 4 ms, 3.5 m/s trial).

    1. A detection further than ``tolerance_steps`` median steps from that line is a detection
       error (a pose glitch at the landing), not a real step: it is replaced by the line's
       value (twice as far at a run's two ends, which are extrapolated from one side). The
       worst offender goes first and the predictions are redone after each replacement, so
       one bad contact does not condemn its neighbours. A missing (NaN) event with neighbours
       on both sides is filled the same way.
    2. Every other event but a run's two ends becomes ``(1 - weight)`` times its detection plus
       ``weight`` times the line's value (runs of five or more), since a detection's own error
       is larger than the step-to-step variation. On the force plates (30/60/120 fps,
       cleaned; treadmill, overground pan, tilted ground) a weight of 0.5 cut the median IC
       error from 5.2/3.8/3.5 ms to 4.4/2.9/2.6 ms and the 95th percentile TO error from
       7.9/7.3/6.5 ms to 7.1/6.5/6.2 ms; 0.67 and 0.8 made the TO error grow again.

    Runs split at missed contacts are repaired separately; runs of fewer than four events, and
    runs where more than a quarter of the events are off the line (no regular rhythm), are left
    alone. Returns the new times and a (k,) bool mask of the events replaced or filled in
    step 1.
    """
    out = np.array(times_s, dtype=float)
    repaired = np.zeros(len(out), dtype=bool)
    for a, b in _regular_runs(out, max_gap_steps):
        replaced = _replace_off_rhythm(out[a:b], tolerance_steps, neighbours)  # in place
        if replaced is None:  # no rhythm to lean on
            continue
        repaired[a:b] = replaced
        run = out[a:b]
        if np.isfinite(run).sum() >= 5 and weight > 0:
            predicted = np.array([_rhythm_prediction(run, k, neighbours)
                                  for k in range(len(run))])
            blend = np.isfinite(run) & np.isfinite(predicted) & ~repaired[a:b]
            blend[[0, -1]] = False  # a run's ends are extrapolated: see _replace_off_rhythm
            run[blend] = (1 - weight) * run[blend] + weight * predicted[blend]
    return out, repaired


def _replace_off_rhythm(run: np.ndarray, tolerance_steps: float, neighbours: int,
                        max_share: float = 0.25,  # glitches are rare; many misfits: no rhythm
                        ) -> np.ndarray | None:
    """Step 1 of :func:`repair_rhythm` on one run, editing ``run`` in place; returns the mask of
    replaced or filled events. When more than ``max_share`` of the run (at least one event)
    would have to be replaced, the steps are not regular (walking among other people, a change
    of pace, contacts missed or invented): the run is left as it was and None is returned."""
    replaced = np.zeros(len(run), dtype=bool)
    finite = run[np.isfinite(run)]
    if len(finite) < 4:
        return replaced
    original = run.copy()
    most = max(1, int(max_share * len(run)))
    limit_s = tolerance_steps * float(np.median(np.diff(finite)))
    for _ in range(len(run)):
        predicted = np.array([_rhythm_prediction(run, k, neighbours) for k in range(len(run))])
        fillable = np.isnan(run) & np.isfinite(predicted)
        fillable[[0, -1]] = False  # fill only between neighbours, never extrapolate a gap
        deviation = np.where(fillable, np.inf, np.abs(run - predicted))
        deviation = np.nan_to_num(deviation, nan=0.0, posinf=np.inf)
        # a run's first and last events are predicted by extrapolating four neighbours from
        # one side, which spreads their noise about 2.4 times wider than interpolating
        # between two on each side: they must deviate twice as far
        limits = np.full(len(run), limit_s)
        limits[[0, -1]] *= 2
        deviation[deviation <= limits] = 0.0
        worst = int(np.argmax(deviation))
        if deviation[worst] == 0.0:
            break
        if replaced.sum() == most:
            run[:] = original
            return None
        run[worst] = predicted[worst]
        replaced[worst] = True
    return replaced


def _planted_landing(front_speed: np.ndarray, foot_speed: np.ndarray, time_s: np.ndarray,
                     peak: int, end_s: float, guess_s: float, *, fraction: float,
                     window_s: tuple[float, float], hold_s: float,
                     iterations: int = 3) -> float:
    """IC as the first time after the reach peak (frame ``peak``) that the front heel's
    backward speed (``front_speed``, hip-relative; the envelope of both feet, which a label
    swap does not change) reaches ``fraction`` of the speed the landing foot has once planted:
    the median of ``foot_speed`` over ``window_s`` after the IC estimate, starting from
    ``guess_s`` and redone ``iterations`` times as the estimate moves; the speed must stay at
    that level for ``hold_s`` (:func:`_first_rise`). Returns ``guess_s`` when the planted speed
    is not seen."""
    estimate = guess_s
    for _ in range(iterations):
        inside = (time_s >= estimate + window_s[0]) & (time_s <= estimate + window_s[1])
        planted = foot_speed[inside]
        planted = planted[np.isfinite(planted)]
        if not len(planted) or np.median(planted) <= 0:
            break
        landing = _first_rise(front_speed, time_s, peak, end_s,
                              fraction * float(np.median(planted)), hold_s=hold_s)
        if not np.isfinite(landing):
            break
        estimate = landing
    return estimate


def one_per_landing(ic_s: np.ndarray, foot: list[str], *, same_s: float
                    ) -> tuple[np.ndarray, list[str]]:
    """The contacts with each landing once: where two reach peaks' searches end at the same
    crossing (within ``same_s``), the earlier peak's copy is dropped and the later peak's, the
    one just before the landing, is kept. A pose glitch between two steps (both heels read near
    the hips for a few frames) makes a spurious reach peak whose first landing is the next
    step's: counted twice, that contact made a step of 0 s (a synthetic clip read 200 steps/min
    against its legs' 171)."""
    ic_s = np.asarray(ic_s, dtype=float)
    if len(ic_s) < 2:
        return ic_s, list(foot)
    keep = np.append(~(np.abs(np.diff(ic_s)) <= same_s), True)
    return ic_s[keep], [f for f, k in zip(foot, keep) if k]


def detect_events(seq: PoseSequence, *,
                  ic_speed_fraction: float = 0.68,  # two runners' biases balanced (docstring)
                  planted_window_s: tuple[float, float] = (0.04, 0.1),  # after IC, before TO
                  landing_hold_s: float = 0.03,    # a stance lasts 0.2-0.3 s; a blip a frame
                  max_landing_s: float = 0.2,      # reach peak to IC: measured 25-60 ms
                  fallback_lead_s: float = 0.025,  # reach peak to IC on force plates (median)
                  toe_rise_legs: float = 0.025,    # force plates: median TO error ~0 (docstring)
                  min_step_s: float = 0.2,         # 300 steps/min, above any sprint cadence
                  prominence_legs: float = 0.1,    # a step moves the front heel ~0.5 leg
                  ground_slope_deg: float = 0.0,   # TO height is taken along the ground normal
                  camera_moves: bool = True,       # False: a static camera, no ground drift
                  rhythm_tolerance_steps: float = 0.06,  # see repair_rhythm; inf: no replacing
                  rhythm_weight: float = 0.5,            # see repair_rhythm; 0: no blending
                  contact_tolerance: float = 0.25,       # see _off_contact_time
                  ) -> GaitEvents:
    """Detect IC, TO and foot for every contact in a forward-is-+x sequence.

    IC: after each peak of the front heel's reach, the first time the heel moves back relative
    to the hips at ``ic_speed_fraction`` of its planted speed (:func:`_planted_landing`; a
    stance foot moves back at running speed relative to the hips, on a treadmill or overground,
    with any camera; ``planted_window_s`` after IC is in stance and before TO at any running
    speed). The first estimate, which places the planted window, is the crossing of that
    fraction of the clip's stance speed (the 75th percentile of the heels' backward speed).
    The speed is the five-point derivative (:func:`speed`), and a crossing counts only when the
    speed stays at the level for ``landing_hold_s`` (a one-frame blip of a small runner's noisy
    heel is not a landing). Median signed IC error (ms) against the fraction on the tuning set
    (force plate T25 at 30/60 fps; synthetic tuning half through MediaPipe),
    ``benchmarks/events_sweep.py``: 0.64 gives +2.3 and -8.9, 0.66 gives +3.3 and -6.9, 0.68
    gives +4.3 and -5.2, 0.70 gives +5.4 and -3.7, 0.72 gives +6.3 and -2.4; 0.68 balances the
    two (the larger bias is smallest). Held out at 0.68: force plate T35 (30 fps) +6.9 (median
    |error| 6.9, p95 12), pose-perturbed 7.1, synthetic odd seeds 7.2, real clips' labels 14.9
    (bias -8.0). With the central difference (before :func:`speed`) the same rule chose 0.66,
    and T35 read +8.8 (p95 14): the central difference reads the landing's sharp rise in speed
    late at 30 fps. (Before the cleaning put back feet thrown off the shank,
    :func:`posecheck.cleaning.repair_foot_jumps`, 0.70 was chosen.) A fixed lead after the
    reach peak (25 ms on the force-plate runner, 50-60 ms on the synthetic one) does not carry
    from runner to runner; it is kept only as the fallback when no crossing is found within
    ``max_landing_s``.

    TO: ``toe_rise_legs`` above the toe's stance level. Median signed TO error (ms) on the
    tuning set (force plate T25; synthetic tuning half), ``benchmarks/events_sweep.py``: 0.02
    gives -5.1 and -3.6, 0.025 gives +3.0 and -1.0, 0.03 gives +10.4 and +1.3; 0.025 (about
    22 mm on a 0.9 m leg) keeps both within 5 ms (as it did before ``camera_moves``, below).
    Against the real clips' hand labels it is early (a median of -9 ms, held out): no
    threshold fits all three.

    ICs and then TOs go through :func:`repair_rhythm` (off-rhythm detections replaced, the rest
    blended with the rhythm); ``rhythm_repaired`` counts the times it replaced or filled.

    ``ground_slope_deg``: the slope as it appears in the image (negative downhill); the toe's
    rise is measured along the ground's normal, since on a slope the toe lifts off the ground
    and not straight up the image.

    ``camera_moves``: a camera that follows the runner moves the ground in the picture, so the
    stance toe's steady drift is measured and taken off (:func:`_ground_drift`). A static
    camera's ground stays put (``camera_moves=False``): what that fit would measure there is
    the stance toe's own motion as the foot rolls (treadmill-side-male: -46 px/s, 0.15 leg/s,
    a contact's 0.25 s moves it 1.5 times the rise), not the ground's, and TO is read without
    it. ``benchmarks/events_sweep.py`` at ``toe_rise_legs`` 0.025 (with the IC of the time,
    before :func:`speed`), TO median |error| with the drift fitted for every camera / for
    moving cameras only: force plate T25 (tuning) 3.1 / 3.5 ms (bias +1.7 / +3.0), synthetic
    tuning half 10.4 / 10.4 (bias -3.6 / -1.4); held out T35 2.8 / 2.0, T35 pose-perturbed
    10.3 / 9.1, synthetic odd seeds 4.5 / 4.3, real clips' labels 21.1 / 16.2 ms (bias -14.7 /
    -9.8).

    ``other_toe_legs`` in the result: at each IC, how high (leg lengths) the other foot's toe is
    above where it stood in its own last contact; about 0 in walking (double support).

    Fewer than three frames or no legs give an empty result.
    """
    from scipy import signal  # here: ~30 MB the pose stage does without
    empty = GaitEvents(np.array([]), np.array([]), (), np.array([]), np.array([]), seq.fps)
    leg_px = leg_length_px(seq)
    if seq.n_frames < 3 or not np.isfinite(leg_px) or leg_px <= 0:
        return empty
    reach = heel_reach(seq, leg_px)
    # the front heel per frame; frames with neither heel are interpolated across
    front = _fill_nan(np.max(np.where(np.isfinite(reach), reach, -np.inf), axis=1))
    if not np.isfinite(front).all():  # fewer than two frames with a heel
        return empty
    t = seq.time_s
    peaks, _ = signal.find_peaks(front, prominence=prominence_legs,
                                 distance=max(1, int(np.floor(min_step_s * seq.fps))))
    backward = -speed(front, t)  # leg lengths / s, the front heel moving back
    per_foot = -speed(np.column_stack([_fill_nan(c) for c in reach.T]), t)
    stance_speed = float(np.nanpercentile(per_foot, 75)) if np.isfinite(per_foot).any() else 0.0
    ic_s, raw_foot = [], []
    for k in peaks:
        if not np.isfinite(reach[k]).any():
            continue
        side = int(np.nanargmax(reach[k]))
        peak_s = float(np.interp(_refine_peak(reach[:, side], k), np.arange(len(t)), t))
        landing = (_first_rise(backward, t, k, peak_s + max_landing_s,
                               ic_speed_fraction * stance_speed, hold_s=landing_hold_s)
                   if stance_speed > 0 else np.nan)
        if np.isfinite(landing):
            # the landing foot is the front one at the first estimate (a few frames after the
            # peak, so a brief label swap at the peak does not pick the other foot's speed)
            at = min(int(np.searchsorted(t, landing)), len(t) - 1)
            planted = int(np.nanargmax(reach[at])) if np.isfinite(reach[at]).any() else side
            landing = _planted_landing(backward, per_foot[:, planted], t, k,
                                       peak_s + max_landing_s, landing,
                                       fraction=ic_speed_fraction, window_s=planted_window_s,
                                       hold_s=landing_hold_s)
        ic_s.append(landing if np.isfinite(landing) else peak_s + fallback_lead_s)
        raw_foot.append(FEET[side])
    ic_s, raw_foot = one_per_landing(np.array(ic_s), raw_foot, same_s=0.5 / seq.fps)
    rhythm = dict(tolerance_steps=rhythm_tolerance_steps, weight=rhythm_weight)
    ic_s, ic_repaired = repair_rhythm(np.array(ic_s), **rhythm)
    foot, relabelled = repair_alternation(raw_foot, ic_s)
    to_s, other_toe_px = _toe_offs(seq, ic_s, foot, leg_px * toe_rise_legs, ground_slope_deg,
                                   camera_moves=camera_moves)
    off_contact = _off_contact_time(ic_s, to_s, tolerance=contact_tolerance)
    to_s = np.where(off_contact, np.nan, to_s)  # refilled from the rhythm where it can be
    to_s, to_repaired = repair_rhythm(to_s, **rhythm)
    to_repaired |= off_contact & np.isfinite(to_s)
    half_frame = 0.5 / seq.fps
    return GaitEvents(
        ic_s=ic_s, to_s=to_s, foot=tuple(foot),
        ic_uncertainty_s=np.full(len(ic_s), np.hypot(IC_METHOD_ERROR_S, half_frame)),
        to_uncertainty_s=np.where(np.isfinite(to_s), np.hypot(TO_METHOD_ERROR_S, half_frame),
                                  np.nan),
        fps=seq.fps, relabelled=relabelled, other_toe_legs=other_toe_px / leg_px,
        rhythm_repaired=int(ic_repaired.sum() + to_repaired.sum()))


def _off_contact_time(ic_s: np.ndarray, to_s: np.ndarray, *, tolerance: float,
                      neighbours: int = 4,
                      max_share: float = 0.25,  # as repair_rhythm: glitches are rare
                      ) -> np.ndarray:
    """(k,) bool: contacts whose contact time (TO - IC) is more than ``tolerance`` (a share)
    away from the median of the ``neighbours`` contacts each side (four: a wrong toe-off on
    every other contact still leaves a majority of right ones around each), the worst first and
    again without it. Contact times vary by a few percent from step to step (the near and far
    foot of the hand-labelled treadmill clip differ by 0.7 frame, 10%); a toe-off a quarter off
    is the toe seen late, e.g. hidden behind the other leg, and is taken as not found. When
    more than ``max_share`` of the contacts are off (e.g. TO read along the wrong ground normal
    on a slope), none is."""
    contact = to_s - ic_s
    out = np.zeros(len(contact), dtype=bool)
    for _ in range(len(contact)):  # the worst first, then again without it
        kept = np.where(out, np.nan, contact)
        deviation = np.zeros(len(contact))
        for k in np.flatnonzero(np.isfinite(kept)):
            around = np.delete(kept[max(0, k - neighbours):k + neighbours + 1],
                               min(k, neighbours))
            around = around[np.isfinite(around)]
            if len(around) >= 2:
                deviation[k] = abs(kept[k] / float(np.median(around)) - 1)
        worst = int(np.argmax(deviation))
        if deviation[worst] <= tolerance:
            break
        out[worst] = True
    if out.sum() > max_share * len(out):
        return np.zeros(len(out), dtype=bool)  # no common contact time to hold them to
    return out


def _normal_height(toe: np.ndarray, slope_deg: float) -> np.ndarray:
    """(n,) toe position along the ground's normal (px, up positive) of a forward-is-+x track."""
    angle = np.radians(slope_deg)
    normal = np.array([-np.sin(angle), np.cos(angle)])  # (forward, up) components
    return np.column_stack([toe[:, 0], -toe[:, 1]]) @ normal


def _stance_windows(time_s: np.ndarray, ic_s: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Per contact the frames (start, flat, settle, stop): IC, a sixth of a step later (the toe
    is down by then), half a step later (still in stance: contact is over 40% of a running step),
    and the next IC of the same foot (TO must come before it)."""
    n = len(time_s)
    step_s = float(np.median(np.diff(ic_s))) if len(ic_s) > 1 else 0.35  # 0.35 s: a typical step
    out = []
    for k, ic in enumerate(ic_s):
        step = ic_s[k + 1] - ic if k + 1 < len(ic_s) else step_s
        frame = [min(int(np.searchsorted(time_s, ic + step * f)), n - 1) for f in (0, 1 / 6, 0.5)]
        stop = int(np.searchsorted(time_s, ic_s[k + 2])) if k + 2 < len(ic_s) else n - 1
        out.append((*frame, min(stop, n - 1)))
    return out


def _ground_drift(heights: list[np.ndarray], time_s: np.ndarray,
                  windows: list[tuple[int, int, int, int]]) -> float:
    """How fast (px/s, along the normal) a toe on the ground moves in the image: the median over
    contacts of a line fitted to the stance toe from ``flat`` to ``settle``; not zero when a
    camera follows the runner down a slope. Used for moving cameras only: on a static camera's
    clip it measures the toe rolling (see ``camera_moves`` in :func:`detect_events`)."""
    rates = []
    for height, (_, flat, settle, _) in zip(heights, windows):
        t, h = time_s[flat:settle + 1], height[flat:settle + 1]
        good = np.isfinite(h)
        if good.sum() >= 3:
            rates.append(np.polyfit(t[good], h[good], 1)[0])
    return float(np.median(rates)) if rates else 0.0


def _toe_off(height: np.ndarray, time_s: np.ndarray, window: tuple[int, int, int, int],
             rise_px: float) -> float:
    """When the toe leaves the ground: it rises ``rise_px`` above its stance level.

    ``height`` (n,) px along the ground normal, with the ground's image drift removed. The stance
    level is the median from a sixth of a step after IC (the toe is down by then) to half a step
    (still in stance): a median is not pulled down by pose noise as a low percentile is (which
    then delays TO). Going forward from the lowest point, the first frame clearly in swing
    (twice ``rise_px`` up) is found, then TO is the last upward crossing of ``rise_px`` before
    it, so a noise spike in stance cannot end the contact. NaN when the toe is not seen
    to leave before the same foot's next IC.
    """
    start, flat, settle, stop = window
    stance = height[start:settle + 1]
    if np.isfinite(stance).sum() < 2 or not np.isfinite(height[flat:settle + 1]).any():
        return float("nan")  # the toe is not seen in stance: no level to rise from
    above = height - np.nanmedian(height[flat:settle + 1])
    lowest = start + int(np.nanargmin(stance))
    clear = [i for i in range(lowest, stop + 1) if above[i] >= 2 * rise_px]
    if not clear:
        return float("nan")
    for i in range(clear[0] - 1, lowest - 1, -1):
        h0, h1 = above[i], above[i + 1]
        if np.isfinite(h0) and np.isfinite(h1) and h0 < rise_px <= h1:
            return float(time_s[i] + (time_s[i + 1] - time_s[i]) * (rise_px - h0) / (h1 - h0))
    return float("nan")


def _toe_offs(seq: PoseSequence, ic_s: np.ndarray, foot: list[str], rise_px: float,
              slope_deg: float, *, camera_moves: bool) -> np.ndarray:
    """TO per contact, and the other toe's height at each IC (:func:`_other_toe_at_ic`).
    The stance toe is the contact's foot, unless the other foot's toe is the
    lower one half a step after IC (a label swap in the pose there). Its height is taken along
    the ground normal, less the ground's drift in the image (:func:`_ground_drift`).

    Following the toe by continuity instead of by label was tried and was worse: at 30 fps the
    swing toe passes within a frame's travel of the stance toe."""
    t = seq.time_s
    kp = seq.keypoints_px
    heights = {"left": _normal_height(kp[:, lm.LEFT_FOOT_INDEX], slope_deg),
               "right": _normal_height(kp[:, lm.RIGHT_FOOT_INDEX], slope_deg)}
    windows = _stance_windows(t, ic_s)
    stance = []
    for side, (_, _, settle, _) in zip(foot, windows):
        other = "left" if side == "right" else "right"
        if heights[other][settle] < heights[side][settle]:  # the other toe is lower: swapped
            side = other
        stance.append(heights[side])
    drift = _ground_drift(stance, t, windows) if camera_moves else 0.0
    to_s = np.array([_toe_off(h - drift * t, t, w, rise_px) for h, w in zip(stance, windows)])
    return to_s, _other_toe_at_ic(stance, t, windows, drift)


def _other_toe_at_ic(stance: list[np.ndarray], time_s: np.ndarray,
                     windows: list[tuple[int, int, int, int]], drift: float) -> np.ndarray:
    """(k,) px: at each IC, the height of the previous contact's toe (the other foot) above
    its own stance level. Near 0 means that foot is still down: double support, as in walking;
    in running it is in the air. NaN for the first contact."""
    out = np.full(len(windows), np.nan)
    for k in range(1, len(windows)):
        start_prev, _, settle_prev, _ = windows[k - 1]
        height = stance[k - 1] - drift * time_s
        level = height[start_prev:settle_prev + 1]
        if np.isfinite(level).sum() >= 2:
            out[k] = height[windows[k][0]] - np.nanpercentile(level, 25)
    return out
