"""A parametric running gait: every landmark, the CoM and the contact events at any instant.

The gait is steady: step k (k = 0, 1, 2, ...; even k the right foot, odd k the left) starts with
initial contact (IC) at ``t = k * step_time_s`` and is a copy of step 0 moved one step length down
the ground. (Step-to-step timing variability, ``step_time_cv``, is added by a clip as a warp of
this gait's time: :mod:`posecheck.synth.timing`.) Within a step:

- **Stance** (``contact_time_s``): the foot lands at ``foot_strike_deg`` (sole against the ground,
  toe up positive), rolls about the fixed heel (or toe, for a forefoot strike) until flat, stays
  flat, then the heel rises about the ball of the foot while the toes stay flat on the ground.
  Points touching the ground never move, so the feet do not slide.
- **Pelvis**: moves forward at constant speed. In stance its height is whatever puts the hip at
  the distance from the ankle that the knee-flexion profile asks for (exactly
  ``knee_flexion_ic_deg``, ``knee_flexion_mid_deg`` and ``knee_flexion_to_deg`` at IC, mid-stance
  and toe-off); the heel rise at toe-off is solved so that over stance the hip rises or falls only
  by the slope's share. In flight a cubic Hermite curve joins toe-off to the next IC.
- **Swing**: the ankle follows a smooth path from its toe-off position to the next landing spot,
  lifted ``swing_lift_m`` above the ground early in swing (heel kick) and coming down onto the spot
  from above; thigh and knee follow by inverse kinematics. Its progress along the ground is a
  cubic Hermite curve (monotone unless the landing pace is negative) that starts at
  ``SWING_START_PACE`` of the swing's average pace and ends at ``landing_foot_speed_fraction``
  of the running speed: late in swing the foot moves forward more slowly than the hips, so its
  reach ahead of the hips peaks some tens of ms before IC and it lands while being pulled back
  (swing-leg retraction), as real feet do. The knee extends no further than a flexion that
  moves from the toe-off value to the IC value over the swing: in terminal swing a foot out of
  reach trails on a leg bent at the IC flexion, so the knee is least flexed at IC and bends
  after it (it never folds again just before landing), and the foot comes down onto the ground
  a little faster than ``landing_foot_speed_fraction`` says (up to 0.12 of running speed more
  on the presets). The hips come down into each landing (the flight curve arrives level or
  falling).

**Walking** (``duty_factor`` above 0.5, e.g. :data:`WALKING`): contacts overlap, so each step
starts with double support (both feet planted, ``contact_time_s - step_time_s`` long) instead of
ending with flight. The hips come from the leg that landed last, as in running stance, through
double support too (the trailing leg, still planted, reaches them by inverse kinematics); from
mid-stance to the next IC they are lowered smoothly by the difference between where that leg's
knee profile and the next leg's IC flexion put them, so every IC has exactly
``knee_flexion_ic_deg`` (the stance knee bends a little more late in stance, as a walker's
does). The heel rise is solved so that the trailing knee is bent ``knee_flexion_to_deg`` at
its toe-off, and the swing follows as in running. ``knee_flexion_to_deg`` may then exceed the
mid-stance flexion (a walker's knee bends most at toe-off). Step-to-step timing variability
needs a flight phase and is refused for a walk.

Two more things are solved numerically so the truth equals the preset: where the foot lands relative
to the pelvis (it sets the whole-body lean at mid-stance) and the trunk angle (it sets the waist
bend). Everything else that the domain brief measures (landing distance, shank angle, CoM
oscillation, ...) follows from the geometry and is reported in the truth file.

World frame: metres, x forward along level ground, y up, z lateral towards the camera. Ground:
``y = x * tan(slope)``. The runner's near side has z > 0. ``treadmill=True`` moves everything back
at the belt speed, so the pelvis stays put and a stance foot travels backwards with the belt.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from posecheck.errors import PosecheckError
from posecheck.landmarks import INDEX, N_LANDMARKS
from posecheck.synth.body import Body

SIDES = ("right", "left")  # step 0 (and every even step) is the right foot's

# Stance foot phases, as fractions of contact time. Heel-to-flat in the first 15 % and heel rise
# from mid-stance on are typical of rearfoot running (Novacheck 1998, Gait Posture 7:77).
FLAT_FROM = 0.15
RISE_FROM = 0.5
TOE_OFF_LIMITS_DEG = (-70.0, 0.0)  # rear-foot angle at toe-off searched in this range
SWING_START_PACE = 0.6  # ankle speed along the ground just after toe-off, in swing-average units
# (the landing pace is GaitParams.landing_foot_speed_fraction)
FOOT_SET_AT = 0.85  # fraction of swing by which the foot has its landing angle
TOES_RELAX = (0.1, 0.5)  # fraction of swing over which the toes straighten after toe-off
# Walking duty factors: each foot is down ~60-62 % of the stride at a usual pace (Perry &
# Burnfield, Gait Analysis, 2010), more when slow; above 0.5 both feet are down at once. The
# lower end keeps double support a few frames long at 30 fps.
WALKING_DUTY = (0.52, 0.75)

#: GaitParams overrides for a level walk at a usual pace (``posecheck synth --walk``): 1.4 m/s
#: at 110 steps/min (a 0.76 m step), each foot down 60 % of the stride; a heel strike with the
#: toe 15 deg up on a nearly straight knee (5 deg), the thigh about 25 deg ahead of vertical;
#: the hips passing over the ankle about a third into stance, so that at mid-stance (by time)
#: the CoM is 8 deg ahead of the ankle; a low swing (ankle ~10 cm up) and nearly straight arms
#: swinging ~30 deg (Perry & Burnfield, Gait Analysis, 2010; Winter, Biomechanics and Motor
#: Control of Human Movement). The knee is 20 deg at mid-stance and, with the heel risen about
#: 60 deg, 10 deg at toe-off: this model bends it most late in single support (~35 deg) rather
#: than at toe-off; the pelvis rises and falls about 5 cm, as a walker's does.
WALKING: dict[str, float] = dict(
    speed_mps=1.4, cadence_spm=110.0, duty_factor=0.60, lean_deg=8.0, waist_bend_deg=1.0,
    knee_flexion_ic_deg=5.0, knee_flexion_mid_deg=20.0, knee_flexion_to_deg=10.0,
    swing_lift_m=0.10, foot_strike_deg=15.0, shoulder_abduction_deg=5.0, elbow_deg=150.0,
    arm_swing_deg=30.0, arm_mean_deg=-5.0, head_pitch_deg=0.0,
    landing_foot_speed_fraction=0.3,
)


@dataclasses.dataclass(frozen=True)
class GaitParams:
    """The technique and scene of one synthetic run. Angles in degrees."""

    speed_mps: float = 3.5  # along the ground; 3.4 m/s is Teng & Powers' (2014) test speed
    cadence_spm: float = 170.0  # steps/min; ~170 is Lieberman's (2015) optimum at 3 m/s
    duty_factor: float = 0.33  # contact / stride time; 0.3-0.37 is usual for distance running
    slope_deg: float = 0.0  # ground angle, negative downhill
    lean_deg: float = 4.0  # whole-body lean (stance ankle to CoM vs vertical) at mid-stance
    waist_bend_deg: float = 4.0  # trunk angle minus lower-body angle at mid-stance
    knee_flexion_ic_deg: float = 20.0  # 15-25 deg typical on the level (brief section 5.2)
    knee_flexion_mid_deg: float = 45.0  # at mid-stance, near the stance peak, 36-43 deg level
    knee_flexion_to_deg: float = 18.0  # at toe-off
    swing_lift_m: float = 0.30  # extra ankle height early in swing (heel kick)
    foot_strike_deg: float = 8.0  # sole vs ground at IC, toe up positive (heel strike)
    shoulder_abduction_deg: float = 8.0  # upper arm out of the trunk's sagittal plane
    elbow_deg: float = 90.0  # interior elbow angle, 180 = straight
    arm_swing_deg: float = 50.0  # peak-to-peak range of the upper arm's sagittal angle
    arm_mean_deg: float = -8.0  # mean upper-arm angle against the trunk, negative = behind
    head_pitch_deg: float = 5.0  # looking down, positive
    treadmill: bool = False
    # ankle's forward speed over the ground at IC / running speed; negative: moving back. Set
    # from the one real runner at hand, since the measurement wins over the literature's "near
    # zero": on RBDS001's markers (treadmill, 2.5 and 3.5 m/s, force-plate IC, ~80 contacts each)
    # the heel moves back relative to the hips at ~0.4-0.5 of the speed at IC, i.e. still
    # ~0.5-0.6 forward over the belt, reaching belt speed ~20 ms later; 0.55 is that middle.
    # (This model's stance foot cannot slide, so the last 20 ms are not copied.) The technique
    # matrix draws it over 0.15-0.6 so the events also meet harder landings.
    landing_foot_speed_fraction: float = 0.55
    # coefficient of variation of step time (IC to the next IC), applied by the clip as a seeded
    # time warp (posecheck.synth.timing); 0 = every step identical. ~0.02-0.03 is typical of
    # healthy runners (the value the technique matrix uses, REALISTIC_STEP_TIME_CV).
    step_time_cv: float = 0.0

    @property
    def walking(self) -> bool:
        """A walk: each foot is on the ground more than half the stride (double support)."""
        return self.duty_factor > 0.5

    def check(self) -> None:
        """Raise PosecheckError for values the gait cannot produce."""
        if not 0.5 <= self.speed_mps <= 10:
            raise PosecheckError(f"speed must be 0.5-10 m/s, got {self.speed_mps}")
        if not 100 <= self.cadence_spm <= 240:
            raise PosecheckError(f"cadence must be 100-240 steps/min, got {self.cadence_spm}")
        if not (0.15 <= self.duty_factor < 0.48 or WALKING_DUTY[0] <= self.duty_factor
                <= WALKING_DUTY[1]):
            raise PosecheckError(
                "duty factor must be 0.15-0.48 (running has a flight phase) or "
                f"{WALKING_DUTY[0]:g}-{WALKING_DUTY[1]:g} (walking has double support), got "
                f"{self.duty_factor}"
            )
        if self.walking and self.step_time_cv > 0:
            raise PosecheckError("step time variability needs a flight phase: a walk "
                                 "(duty factor above 0.5) has none, set step_time_cv to 0")
        if not -15 <= self.lean_deg <= 30:
            raise PosecheckError(f"whole-body lean must be -15 to 30 deg, got {self.lean_deg}")
        if not -15 <= self.waist_bend_deg <= 45:
            raise PosecheckError(f"waist bend must be -15 to 45 deg, got {self.waist_bend_deg}")
        if not -25 <= self.slope_deg <= 25:
            raise PosecheckError(f"slope must be -25 to 25 deg, got {self.slope_deg}")
        if not 0 <= self.knee_flexion_ic_deg <= 60:
            raise PosecheckError(
                f"knee flexion at IC must be 0-60 deg, got {self.knee_flexion_ic_deg}"
            )
        # a walker's knee bends most at toe-off: only the IC flexion must be under mid-stance's
        ends = (self.knee_flexion_ic_deg if self.walking
                else max(self.knee_flexion_ic_deg, self.knee_flexion_to_deg))
        if not ends < self.knee_flexion_mid_deg <= 90:
            raise PosecheckError(
                "mid-stance knee flexion must exceed the flexion at IC and toe-off and be <= 90 "
                f"deg, got {self.knee_flexion_mid_deg}"
            )
        if self.walking and not self.knee_flexion_to_deg <= 70:
            raise PosecheckError(
                f"knee flexion at toe-off must be <= 70 deg, got {self.knee_flexion_to_deg}")
        if not 60 <= self.elbow_deg <= 180:
            raise PosecheckError(f"elbow angle must be 60-180 deg, got {self.elbow_deg}")
        if not 0 <= self.shoulder_abduction_deg <= 60:
            raise PosecheckError(
                f"shoulder abduction must be 0-60 deg, got {self.shoulder_abduction_deg}"
            )
        if not -30 <= self.foot_strike_deg <= 35:
            raise PosecheckError(
                f"foot strike angle must be -30 to 35 deg, got {self.foot_strike_deg}"
            )
        if not -0.3 <= self.landing_foot_speed_fraction <= 1.0:
            raise PosecheckError(
                "landing foot speed must be -0.3 to 1 times the running speed, got "
                f"{self.landing_foot_speed_fraction}"
            )
        if not 0 <= self.step_time_cv <= 0.1:
            raise PosecheckError(f"step time CV must be 0-0.1, got {self.step_time_cv}")


@dataclasses.dataclass(frozen=True)
class Pose:
    """The runner at one instant (world metres)."""

    landmarks_m: np.ndarray  # (33, 3) MediaPipe landmark order
    head_centre_m: np.ndarray  # (3,)
    com_m: np.ndarray  # (3,)
    in_contact: tuple[bool, bool]  # (left, right) foot on the ground


def smoothstep(u: np.ndarray | float) -> np.ndarray | float:
    """0 to 1 with zero slope at both ends, for u in [0, 1] (clipped outside)."""
    u = np.clip(u, 0.0, 1.0)
    return u * u * (3.0 - 2.0 * u)


def hermite_progress(s: float, start_pace: float, end_pace: float) -> float:
    """Cubic Hermite curve from 0 to 1 over s in [0, 1] with slopes ``start_pace`` at s = 0 and
    ``end_pace`` at s = 1 (paces in units of the average, 1 = uniform progress). Monotone for
    paces in [0, 3]; a negative end pace overshoots 1 slightly and comes back."""
    s2, s3 = s * s, s * s * s
    return (-2 * s3 + 3 * s2) + start_pace * (s3 - 2 * s2 + s) + end_pace * (s3 - s2)


def rot2(angle_rad: float, vec: tuple[float, float]) -> np.ndarray:
    """Rotate a 2D (x, y) vector counter-clockwise (forward-up positive) by ``angle_rad``."""
    c, s = math.cos(angle_rad), math.sin(angle_rad)
    return np.array([c * vec[0] - s * vec[1], s * vec[0] + c * vec[1]])


def angle_from_down(vec: np.ndarray) -> float:
    """Angle (rad) of a 2D (x, y) vector from straight down, forward (+x) positive."""
    return math.atan2(vec[0], -vec[1])


class Gait:
    """A steady running gait of ``body`` with ``params``; query it with :meth:`pose`."""

    def __init__(self, body: Body, params: GaitParams, *, near_side: str = "right") -> None:
        params.check()
        if near_side not in SIDES:
            raise PosecheckError(f"near side must be 'left' or 'right', got {near_side!r}")
        self.body, self.params, self.near_side = body, params, near_side
        self.step_time_s = 60.0 / params.cadence_spm
        self.stride_time_s = 2.0 * self.step_time_s
        self.contact_time_s = params.duty_factor * self.stride_time_s
        self.flight_time_s = self.step_time_s - self.contact_time_s
        self.step_length_m = params.speed_mps * self.step_time_s  # along the ground
        self.slope_rad = math.radians(params.slope_deg)
        self.ground_dir = np.array([math.cos(self.slope_rad), math.sin(self.slope_rad)])
        self.velocity = params.speed_mps * self.ground_dir  # pelvis (x, y) trend, m/s
        self._foot_length = body.heel_back_m + body.toe_forward_m
        # placeholders until solved
        self.heel_arc_m = 0.0  # heel position (arc length along the ground) of step 0 when flat
        self.trunk_deg = params.lean_deg + params.waist_bend_deg
        self.toe_off_foot_deg = -35.0  # rear-foot sole vs ground at toe-off, solved
        self._solve()

    # ---- side and lateral offsets -------------------------------------------------------------
    def side_z(self, side: str) -> float:
        return 1.0 if side == self.near_side else -1.0

    @staticmethod
    def side_of_step(k: int) -> str:
        return SIDES[k % 2]

    # ---- stance ------------------------------------------------------------------------------
    def foot_stance(self, u: float) -> tuple[float, str]:
        """(rear-foot sole angle vs ground in deg, pivot "heel"/"toe"/"ball") at stance fraction u.

        During the rise the rear foot turns about the ball while the toes stay flat on the ground.
        """
        p = self.params
        if u >= RISE_FROM:
            w = (u - RISE_FROM) / (1.0 - RISE_FROM)
            return self.toe_off_foot_deg * w * w, "ball"  # eases in from flat
        if p.foot_strike_deg == 0 or u >= FLAT_FROM:
            return 0.0, "ball"
        angle = p.foot_strike_deg * (1.0 - smoothstep(u / FLAT_FROM))
        return angle, ("heel" if p.foot_strike_deg > 0 else "toe")

    def contact_points(self, k: int) -> dict[str, np.ndarray]:
        """World (x, y) of the heel, ball and toe-tip ground contacts of step k (foot flat)."""
        b = self.body
        heel_arc = self.heel_arc_m + k * self.step_length_m
        return {
            "heel": heel_arc * self.ground_dir,
            "ball": (heel_arc + b.heel_back_m + b.ball_forward_m) * self.ground_dir,
            "toe": (heel_arc + b.heel_back_m + b.toe_forward_m) * self.ground_dir,
        }

    def stance_foot(self, k: int, u: float) -> tuple[np.ndarray, float, float]:
        """(ankle (x, y), rear-foot sole angle in world rad, toe bend rad), step k, fraction u."""
        b = self.body
        beta_deg, pivot = self.foot_stance(u)
        angle = self.slope_rad + math.radians(beta_deg)
        contact = self.contact_points(k)[pivot]
        offset = {"heel": (b.heel_back_m, b.ankle_height_m),
                  "ball": (-b.ball_forward_m, b.ankle_height_m),
                  "toe": (-b.toe_forward_m, b.ankle_height_m)}[pivot]  # fmt: skip
        bend = -math.radians(beta_deg) if pivot == "ball" else 0.0  # toes stay on the ground
        return contact + rot2(angle, offset), angle, bend

    def pelvis_x(self, t: float) -> float:
        return self.velocity[0] * t

    def knee_stance_deg(self, u: float) -> float:
        """Knee flexion at stance fraction u in [0, 1]: exactly the preset at IC, mid-stance and
        toe-off (a parabola through the three in u, smooth and single-peaked for usual values)."""
        p = self.params
        ic, mid, to = p.knee_flexion_ic_deg, p.knee_flexion_mid_deg, p.knee_flexion_to_deg
        return ic * (1 - u) * (1 - 2 * u) + 4 * mid * u * (1 - u) + to * u * (2 * u - 1)

    def _pelvis_y_stance(self, k: int, tau: float) -> float:
        """Hip height that puts the hip ``knee_distance`` from step k's ankle (NaN beyond reach)."""
        u = tau / self.contact_time_s
        ankle, _, _ = self.stance_foot(k, u)
        reach = float(self.body.knee_distance_m(self.knee_stance_deg(u)))
        dx = ankle[0] - self.pelvis_x(k * self.step_time_s + tau)
        return ankle[1] + math.sqrt(reach * reach - dx * dx) if reach > abs(dx) else math.nan

    def pelvis_y(self, t: float) -> float:
        """Hip midpoint height (m) at time t (overground frame): from the stance leg in contact,
        a cubic Hermite curve (position and velocity continuous) in flight."""
        k = math.floor(t / self.step_time_s)
        tau = t - k * self.step_time_s
        tc = self.contact_time_s
        if self.params.walking:
            return self._pelvis_y_walking(k, tau)
        if tau <= tc:
            return self._pelvis_y_stance(k, tau)
        h = 1e-6  # s, finite-difference step for the boundary velocities
        y0 = self._pelvis_y_stance(k, tc)
        v0 = (y0 - self._pelvis_y_stance(k, tc - h)) / h
        y1 = self._pelvis_y_stance(k + 1, 0.0)
        v1 = (self._pelvis_y_stance(k + 1, h) - y1) / h
        # The stance hips may rise just after IC (the hip passes over a foot landed ahead);
        # arriving with that upward velocity would make the flight curve dip below the landing
        # height and fold the swing knee past its IC flexion just before contact. Hips come
        # down into a landing: arrive level or falling.
        v1 = min(v1, 0.0)
        span = self.flight_time_s
        s = (tau - tc) / span
        h00, h10 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s
        h01, h11 = -2 * s**3 + 3 * s**2, s**3 - s**2
        return h00 * y0 + h10 * span * v0 + h01 * y1 + h11 * span * v1

    def _pelvis_y_walking(self, k: int, tau: float) -> float:
        """Hip height in step k of a walk at local time tau in [0, step time): from step k's leg
        (the leg that landed last), lowered (or raised) from mid-stance on by a smoothstep that
        reaches, at the next IC, the height that gives step k + 1's leg its IC flexion."""
        y = self._pelvis_y_stance(k, tau)
        lower_from = 0.5 * self.contact_time_s  # mid-stance: its knee flexion stays exact
        if tau <= lower_from:
            return y
        end = self.step_time_s
        gap = self._pelvis_y_stance(k + 1, 0.0) - self._pelvis_y_stance(k, end)
        return y + gap * smoothstep((tau - lower_from) / (end - lower_from))

    # ---- leg joint angles ----------------------------------------------------------------------
    def leg_ik(self, hip: np.ndarray, ankle: np.ndarray) -> tuple[float, float]:
        """(thigh angle from down, knee flexion) in rad for a knee bending forward.

        A hip further from the ankle than the straight leg gives NaN (the foot would slide)."""
        b = self.body
        d_vec = ankle - hip
        d = float(np.hypot(*d_vec))
        if d > b.leg_length_m:
            return math.nan, math.nan
        cos_hip = (b.thigh_m**2 + d * d - b.shank_m**2) / (2 * b.thigh_m * d)
        hip_angle = math.acos(min(1.0, max(-1.0, cos_hip)))
        thigh = angle_from_down(d_vec) + hip_angle
        knee = ankle - hip - b.thigh_m * np.array([math.sin(thigh), -math.cos(thigh)])
        shank = angle_from_down(knee)
        return thigh, thigh - shank

    def stance_leg(self, k: int, tau: float) -> tuple[float, float]:
        """(thigh rad, knee flexion rad) in stance of step k at local time tau."""
        ankle, _, _ = self.stance_foot(k, tau / self.contact_time_s)
        t = k * self.step_time_s + tau
        return self.leg_ik(np.array([self.pelvis_x(t), self.pelvis_y(t)]), ankle)

    def _swing_foot(self, k: int, s: float) -> tuple[np.ndarray, float, float]:
        """(ankle target (x, y), rear-foot sole angle in world rad, toe bend rad) at swing fraction
        s of the swing that follows step k's toe-off and ends at step k + 2's IC."""
        p = self.params
        start, _, _ = self.stance_foot(k, 1.0)
        end, _, _ = self.stance_foot(k + 2, 0.0)
        normal = np.array([-self.ground_dir[1], self.ground_dir[0]])
        arc0, arc1 = float(start @ self.ground_dir), float(end @ self.ground_dir)
        lift0, lift1 = float(start @ normal), float(end @ normal)
        swing_pace = (arc1 - arc0) / (self.stride_time_s - self.contact_time_s)  # m/s, average
        end_pace = p.landing_foot_speed_fraction * p.speed_mps / swing_pace
        progress = hermite_progress(s, SWING_START_PACE, end_pace)
        kick = 6.75 * s * (1 - s) ** 2  # peaks at 1 when s = 1/3, leaves the ground steeply
        height = lift0 + (lift1 - lift0) * smoothstep(s) + p.swing_lift_m * kick
        ankle = (arc0 + (arc1 - arc0) * progress) * self.ground_dir + height * normal
        sole_deg = (self.toe_off_foot_deg
                    + (p.foot_strike_deg - self.toe_off_foot_deg) * smoothstep(s / FOOT_SET_AT))
        relax = smoothstep((s - TOES_RELAX[0]) / (TOES_RELAX[1] - TOES_RELAX[0]))
        bend = -math.radians(self.toe_off_foot_deg) * (1 - relax)
        return ankle, self.slope_rad + math.radians(sole_deg), bend

    def _leg(self, side: str, t: float) -> tuple[np.ndarray, np.ndarray, float, float, bool]:
        """(knee, ankle, rear-foot sole angle, toe bend, in stance) of one leg at t (2D points)."""
        b = self.body
        first = 0 if side == "right" else 1
        k = first + 2 * math.floor((t - first * self.step_time_s) / self.stride_time_s)
        tau = t - k * self.step_time_s
        hip = np.array([self.pelvis_x(t), self.pelvis_y(t)])
        in_stance = tau <= self.contact_time_s
        if in_stance:
            ankle, sole, bend = self.stance_foot(k, tau / self.contact_time_s)
        else:
            s = (tau - self.contact_time_s) / (self.stride_time_s - self.contact_time_s)
            ankle, sole, bend = self._swing_foot(k, s)
            # the swing knee extends no further than toe-off and landing ask: a foot out of
            # reach trails on a leg bent from the toe-off flexion towards the IC flexion, so
            # the knee's least flexion around IC is the designed IC value (terminal swing,
            # not a locked straight leg)
            p = self.params
            least_deg = p.knee_flexion_to_deg + (
                p.knee_flexion_ic_deg - p.knee_flexion_to_deg) * smoothstep(s)
            reach = float(b.knee_distance_m(least_deg)) * (1 - 1e-9)
            offset = ankle - hip
            if np.hypot(*offset) > reach:
                ankle = hip + offset * (reach / np.hypot(*offset))
        thigh, _ = self.leg_ik(hip, ankle)
        knee = hip + b.thigh_m * np.array([math.sin(thigh), -math.cos(thigh)])
        return knee, ankle, sole, bend, in_stance

    # ---- the whole body -----------------------------------------------------------------------
    def pose_overground(self, t: float) -> Pose:
        """The pose at time t in the ground's frame (feet still in stance, pelvis moving)."""
        b = self.body
        lm = np.zeros((N_LANDMARKS, 3))
        pelvis = np.array([self.pelvis_x(t), self.pelvis_y(t), 0.0])
        contact = {}
        for side in SIDES:
            z = self.side_z(side) * b.hip_half_width_m
            knee, ankle, sole, bend, contact[side] = self._leg(side, t)
            heel = ankle + rot2(sole, (-b.heel_back_m, -b.ankle_height_m))
            ball = ankle + rot2(sole, (b.ball_forward_m, -b.ankle_height_m))
            toe = ball + rot2(sole + bend, (b.toe_forward_m - b.ball_forward_m, 0.0))
            lm[INDEX[f"{side}_hip"]] = pelvis + (0, 0, z)
            for name, point in (("knee", knee), ("ankle", ankle), ("heel", heel),
                                ("foot_index", toe)):  # fmt: skip
                lm[INDEX[f"{side}_{name}"]] = (point[0], point[1], z)
        trunk = math.radians(self.trunk_deg)
        up = np.array([math.sin(trunk), math.cos(trunk), 0.0])
        forward = np.array([math.cos(trunk), -math.sin(trunk), 0.0])
        shoulder_mid = pelvis + b.trunk_m * up
        for side in SIDES:
            self._arm(lm, side, t, shoulder_mid, up, forward)
        neck = math.radians(0.4 * self.trunk_deg)  # the neck leans less than the trunk
        head = shoulder_mid + b.neck_m * np.array([math.sin(neck), math.cos(neck), 0.0])
        self._face(lm, head)
        com = b.center_of_mass(lm, head)
        return Pose(lm, head, com, (contact["left"], contact["right"]))

    def pose(self, t: float) -> Pose:
        """Every landmark, the head centre and the CoM at time t (seconds).

        On a treadmill everything moves back at the belt speed (the pelvis stays near x = 0)."""
        pose = self.pose_overground(t)
        if not self.params.treadmill:
            return pose
        shift = np.array([*(self.velocity * t), 0.0])
        return Pose(pose.landmarks_m - shift, pose.head_centre_m - shift, pose.com_m - shift,
                    pose.in_contact)

    def _arm(self, lm: np.ndarray, side: str, t: float, shoulder_mid: np.ndarray,
             up: np.ndarray, forward: np.ndarray) -> None:
        b, p = self.body, self.params
        zs = self.side_z(side)
        lateral = np.array([0.0, 0.0, zs])
        shoulder = shoulder_mid + b.shoulder_half_width_m * lateral
        # the arm is furthest forward when the opposite foot lands
        t_forward = self.step_time_s if side == "right" else 0.0
        swing = math.radians(p.arm_mean_deg) + 0.5 * math.radians(p.arm_swing_deg) * math.cos(
            2 * math.pi * (t - t_forward) / self.stride_time_s)
        abd = math.radians(p.shoulder_abduction_deg)
        upper = (math.sin(swing) * math.cos(abd) * forward - math.cos(swing) * math.cos(abd) * up
                 + math.sin(abd) * lateral)  # fmt: skip
        perp = forward - np.dot(forward, upper) * upper
        perp /= np.linalg.norm(perp)
        bend = math.radians(180.0 - p.elbow_deg)
        fore = math.cos(bend) * upper + math.sin(bend) * perp
        elbow = shoulder + b.upper_arm_m * upper
        wrist = elbow + b.forearm_m * fore
        hand = b.hand_m
        lm[INDEX[f"{side}_shoulder"]] = shoulder
        lm[INDEX[f"{side}_elbow"]] = elbow
        lm[INDEX[f"{side}_wrist"]] = wrist
        lm[INDEX[f"{side}_index"]] = wrist + hand * fore + 0.15 * hand * perp
        lm[INDEX[f"{side}_pinky"]] = wrist + 0.9 * hand * fore - 0.2 * hand * perp
        lm[INDEX[f"{side}_thumb"]] = wrist + 0.45 * hand * fore + 0.35 * hand * perp

    def _face(self, lm: np.ndarray, head: np.ndarray) -> None:
        r = self.body.head_radius_m
        pitch = math.radians(-self.params.head_pitch_deg)
        offsets = {  # (forward, up, lateral) in head radii, lateral towards the named side
            "nose": (1.05, -0.10, 0.0),
            "eye_inner": (0.88, 0.22, 0.17), "eye": (0.82, 0.25, 0.33),
            "eye_outer": (0.72, 0.25, 0.48), "ear": (-0.05, 0.05, 0.95),
            "mouth": (0.85, -0.45, 0.25),
        }  # fmt: skip
        for part, (fwd, upw, lat) in offsets.items():
            xy = rot2(pitch, (fwd * r, upw * r))
            if part == "nose":
                lm[INDEX["nose"]] = head + (xy[0], xy[1], 0.0)
                continue
            for side in SIDES:
                name = f"mouth_{side}" if part == "mouth" else f"{side}_{part}"
                lm[INDEX[name]] = head + (xy[0], xy[1], self.side_z(side) * lat * r)

    # ---- solving foot placement, toe-off and trunk angle ----------------------------------------
    def _fit_stance(self) -> None:
        """Heel rise at toe-off that makes the hip's height change over stance the slope's share
        for that time (none on the level), so flight carries the rest: a hop, not a fall."""
        if self.params.walking:
            self._fit_toe_off_walking()
            return
        tc = self.contact_time_s

        def height_error(foot_deg: float) -> float:
            self.toe_off_foot_deg = foot_deg
            change = self._pelvis_y_stance(0, tc) - self._pelvis_y_stance(0, 0.0)
            return change - self.velocity[1] * tc if math.isfinite(change) else 1.0

        from scipy import optimize  # here: not loaded by the command line
        low, high = height_error(TOE_OFF_LIMITS_DEG[0]), height_error(TOE_OFF_LIMITS_DEG[1])
        if low * high < 0:
            self.toe_off_foot_deg = optimize.brentq(height_error, *TOE_OFF_LIMITS_DEG, xtol=1e-10)
        else:  # no heel rise matches: keep the closer end (the flight then climbs or drops more)
            self.toe_off_foot_deg = TOE_OFF_LIMITS_DEG[int(abs(high) < abs(low))]

    def _fit_toe_off_walking(self) -> None:
        """A walk's heel rise at toe-off: the one that leaves the trailing knee bent
        ``knee_flexion_to_deg`` when it leaves the ground (the hips there are held by the leading
        leg, which the heel rise does not move)."""
        tc = self.contact_time_s
        reach = float(self.body.knee_distance_m(self.params.knee_flexion_to_deg))
        hip = np.array([self.pelvis_x(tc), self.pelvis_y(tc)])

        def reach_error(foot_deg: float) -> float:
            self.toe_off_foot_deg = foot_deg
            ankle, _, _ = self.stance_foot(0, 1.0)
            return float(np.hypot(*(ankle - hip))) - reach

        from scipy import optimize  # here: not loaded by the command line
        low, high = reach_error(TOE_OFF_LIMITS_DEG[0]), reach_error(TOE_OFF_LIMITS_DEG[1])
        if low * high < 0:
            self.toe_off_foot_deg = optimize.brentq(reach_error, *TOE_OFF_LIMITS_DEG, xtol=1e-10)
        else:  # no heel rise reaches: keep the closer end (the knee then differs at toe-off)
            self.toe_off_foot_deg = TOE_OFF_LIMITS_DEG[int(abs(high) < abs(low))]

    def mid_stance_angles(self) -> tuple[float, float]:
        """(whole-body lean, waist bend) in deg at the middle of step 0's contact (overground)."""
        pose = self.pose_overground(0.5 * self.contact_time_s)
        ankle = pose.landmarks_m[INDEX["right_ankle"], :2]
        hip_mid = 0.5 * (pose.landmarks_m[INDEX["left_hip"], :2]
                         + pose.landmarks_m[INDEX["right_hip"], :2])  # fmt: skip
        lean = math.degrees(angle_from_up(pose.com_m[:2] - ankle))
        lower = math.degrees(angle_from_up(hip_mid - ankle))
        return lean, self.trunk_deg - lower

    def _solve(self) -> None:
        p, b = self.params, self.body
        com_height = 0.55 * b.height_m  # first guess only
        ankle_x = (self.velocity[0] * 0.5 * self.contact_time_s
                   - com_height * math.tan(math.radians(p.lean_deg)))  # fmt: skip
        x0 = np.array([(ankle_x - b.heel_back_m) / self.ground_dir[0],
                       p.lean_deg + p.waist_bend_deg])  # fmt: skip

        def residual(x: np.ndarray) -> np.ndarray:
            self.heel_arc_m, self.trunk_deg = float(x[0]), float(x[1])
            self._fit_stance()
            lean, waist = self.mid_stance_angles()
            return np.array([lean - p.lean_deg, waist - p.waist_bend_deg])

        from scipy import optimize  # here: not loaded by the command line
        solution, _, ok, _ = optimize.fsolve(residual, x0, full_output=True, xtol=1e-12)
        final = residual(solution)
        knees = [self.stance_leg(0, u * self.contact_time_s)[1] for u in np.linspace(0, 1, 41)]
        if ok != 1 or not np.all(np.abs(final) < 1e-6) or not np.all(np.isfinite(knees)):
            raise PosecheckError(
                f"no gait reaches lean {p.lean_deg} deg, waist bend {p.waist_bend_deg} deg, knee "
                f"flexion {p.knee_flexion_ic_deg} deg at IC and {p.knee_flexion_to_deg} deg at "
                "toe-off with these settings (try other speed, duty factor or oscillation)"
            )


def angle_from_up(vec: np.ndarray) -> float:
    """Angle (rad) of a 2D (x, y) vector from straight up, forward (+x) positive."""
    return math.atan2(vec[0], vec[1])
