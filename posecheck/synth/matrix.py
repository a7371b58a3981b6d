"""A technique matrix: synthetic clips spread over realistic technique ranges, not only the presets.

:func:`technique_matrix` draws ``n_clips`` specs with a Latin hypercube over :data:`RANGES` (each
range is cut into ``n_clips`` strata and every stratum is used once, so even a small matrix
spans every range), with steps varying in time as a real runner's do. The scene factors
(camera, direction, frame rate) follow the clip index as a full factorial design, so that every
combination appears among the even (tuning) and among the odd (held-out) clips alike:
:func:`split` divides a matrix by seed parity. Combinations the gait cannot reach (the
solver's PosecheckError) are redrawn, so the matrix always has ``n_clips`` valid specs; the
same ``n_clips`` and ``seed`` always give the same matrix.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from scipy.stats import qmc

from posecheck.errors import PosecheckError
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.gait import GaitParams
from posecheck.synth.presets import PRESETS, preset_params
from posecheck.synth.timing import REALISTIC_STEP_TIME_CV

#: GaitParams field -> (low, high) drawn uniformly (by strata). Sources: the domain brief
#: (docs/running-form.md, section 5) unless said otherwise.
RANGES: dict[str, tuple[float, float]] = {
    # 0 to -10 deg (an 18 % descent): the coaching model's downhills; LEVEL_SHARE of the clips
    # are level (a runner's baseline), see _slope_deg
    "slope_deg": (-10.0, 0.0),
    # leaning back (the braking fault) to clearly forward; trunk 7.3 +/- 3.6 deg self-selected
    # and 14.1 +/- 4.8 cued forward (Teng & Powers 2014); the whole-body line from the ankle at
    # mid-contact already reads a few degrees forward for an upright runner. The solver reached
    # every draw from -3 to 16 with the other ranges here (the downhill-braking preset is -1)
    "lean_deg": (-3.0, 16.0),
    # none to a marked fold at the hips (the downhill-waist-bend preset is 22)
    "waist_bend_deg": (0.0, 25.0),
    # nearly straight (over-striding, the downhill habit the cue targets) to well bent; 15-25
    # is typical on the level, 17.0 at 9 % downhill
    "knee_flexion_ic_deg": (3.0, 30.0),
    # mid-stance flexion above any IC/TO value drawn here; peak stance 36-43 level, more downhill
    "knee_flexion_mid_deg": (40.0, 52.0),
    # at toe-off: the presets use 18-42; kept below the mid-stance range
    "knee_flexion_to_deg": (12.0, 30.0),
    # toe down (forefoot strike) to a marked heel strike (the braking preset is 20)
    "foot_strike_deg": (-5.0, 22.0),
    # arms tight to held wide on a steep descent (the presets use 4-22)
    "shoulder_abduction_deg": (2.0, 30.0),
    # slow plodding to quick steps; ~170 is the optimum at 3 m/s (Lieberman 2015), downhill
    # runners drop cadence (Vernillo et al. 2017)
    "cadence_spm": (155.0, 190.0),
    # easy running to a brisk pace; Teng & Powers tested at 3.4 m/s
    "speed_mps": (2.8, 4.2),
    # contact / stride time: 0.3-0.37 is usual for distance running
    "duty_factor": (0.28, 0.36),
    # the foot's forward speed over the ground at landing / running speed: from a foot pulled
    # back almost to rest ("near zero", the literature) to the real force-plate runner's ~0.55
    # (see GaitParams.landing_foot_speed_fraction)
    "landing_foot_speed_fraction": (0.15, 0.6),
}
LEVEL_SHARE = 0.25  # of clips drawn exactly level: the baseline a downhill is compared with
CAMERAS, DIRECTIONS, FRAME_RATES = ("static", "pan"), ("ltr", "rtl"), (30.0, 60.0)
PAN_SECONDS = 3.0  # a panning camera keeps the runner framed: 8-10 steps
# A tripod must keep the whole path in view, so a longer clip shrinks the runner. 5 m of path
# (1.2-1.8 s, 3-5 steps over these ranges) keeps the runner ~45 % of the frame height at
# 1280x720 (the sample tripod clip: 1 s, ~60 %).
STATIC_PATH_M = 5.0
MAX_REDRAWS = 200  # per clip; a draw the solver cannot reach is rare (see RANGES)


def technique_matrix(n_clips: int, *, seed: int = 0) -> list[ClipSpec]:
    """``n_clips`` valid synthetic clip specs spread over :data:`RANGES`, steps varying in time
    (step time CV ``REALISTIC_STEP_TIME_CV``), 1280x720. Spec i has ``seed`` i (its scenery and
    step timing); ``seed`` here chooses the technique draw. Deterministic for (n_clips, seed)."""
    if n_clips < 0:
        raise PosecheckError(f"n_clips must be >= 0, got {n_clips}")
    rng = np.random.default_rng(seed)
    names = list(RANGES)
    strata = qmc.LatinHypercube(d=len(names), seed=rng).random(n_clips) if n_clips else []
    specs = []
    for i, unit in enumerate(strata):
        for _ in range(MAX_REDRAWS):
            spec = _spec(i, dict(zip(names, unit)))
            try:
                SyntheticClip(spec)  # solves the gait and frames the clip; draws no frame
            except PosecheckError:
                unit = rng.random(len(names))  # unreachable: redraw this clip's technique
                continue
            specs.append(spec)
            break
        else:
            raise PosecheckError(f"no reachable technique drawn for matrix clip {i}")
    return specs


#: GaitParams field -> half-width of the uniform jitter a preset clip gets around its preset
#: (:func:`preset_matrix`): runners following one technique still differ. Each stays clear of
#: the checks' thresholds for every preset (e.g. knee 20 +/- 3 deg against "watch" below 15,
#: braking 6 +/- 3 against "fix" below 10), so the designed verdict is not in doubt.
PRESET_JITTER: dict[str, float] = {
    "lean_deg": 2.0, "waist_bend_deg": 2.0, "knee_flexion_ic_deg": 3.0, "foot_strike_deg": 3.0,
    "cadence_spm": 4.0, "speed_mps": 0.2, "shoulder_abduction_deg": 3.0,
}
PRESET_DOWNHILL_DEG = (-10.0, -6.0)  # slopes drawn for the downhill presets
STATIC_PRESET_PATH_M = 9.0  # two strides and more in view of a tripod (5 m gives too few)


def preset_matrix(n_rounds: int, *, presets: tuple[str, ...] | None = None) -> list[ClipSpec]:
    """Clips of the named presets (:data:`posecheck.synth.presets.PRESETS` by default), each
    jittered by :data:`PRESET_JITTER` and, downhill, put on a slope drawn from
    :data:`PRESET_DOWNHILL_DEG` with the lean turned with it (the lean against the slope normal
    is the preset's). A round is the full factorial of presets x cameras x directions x frame
    rates (32 clips for the four presets). Seeds are unique over the matrix and share the round
    number's parity, so :func:`split` puts even rounds in the tuning half and odd rounds in the
    held-out half. Deterministic for (n_rounds, presets)."""
    names = tuple(presets or PRESETS)
    specs = []
    for r in range(n_rounds):
        rng = np.random.default_rng(1000 + r)
        for index in range(len(names) * 8):
            name = names[index % len(names)]
            combo = index // len(names)
            base = PRESETS[name]
            values = {k: v + rng.uniform(-PRESET_JITTER[k], PRESET_JITTER[k])
                      if k in PRESET_JITTER else v for k, v in base.items()}
            values.update({k: base.get(k, _default(k)) + rng.uniform(-w, w)
                           for k, w in PRESET_JITTER.items() if k not in base})
            if base["slope_deg"] < 0:
                slope = float(rng.uniform(*PRESET_DOWNHILL_DEG))
                values["lean_deg"] += base["slope_deg"] - slope  # same lean to the slope normal
                values["slope_deg"] = slope
            gait = preset_params(name, **values, step_time_cv=REALISTIC_STEP_TIME_CV)
            camera = CAMERAS[combo % 2]
            seconds = PAN_SECONDS if camera == "pan" else round(
                STATIC_PRESET_PATH_M / gait.speed_mps, 2)
            # seed: odd rounds odd, even rounds even, unique over the matrix
            seed = 2 * (index * n_rounds + r // 2) + r % 2
            specs.append(ClipSpec(gait=gait, preset=name, direction=DIRECTIONS[(combo >> 1) % 2],
                                  camera=camera, fps=FRAME_RATES[(combo >> 2) % 2], width=1280,
                                  height=720, seconds=seconds, seed=seed))
    return specs


def _default(field: str) -> float:
    return next(f.default for f in dataclasses.fields(GaitParams) if f.name == field)


def split(specs: list[ClipSpec]) -> tuple[list[ClipSpec], list[ClipSpec]]:
    """(tuning, held_out): the specs with even seeds and those with odd seeds."""
    return ([s for s in specs if s.seed % 2 == 0], [s for s in specs if s.seed % 2 == 1])


def _spec(index: int, unit: dict[str, float]) -> ClipSpec:
    """Clip ``index`` of the matrix from unit-interval draws, one per :data:`RANGES` field."""
    values = {name: float(low + unit[name] * (high - low))
              for name, (low, high) in RANGES.items()}  # fmt: skip
    values["slope_deg"] = _slope_deg(unit["slope_deg"])
    gait = GaitParams(**values, step_time_cv=REALISTIC_STEP_TIME_CV)
    # scene factors from the index bits above the parity bit: a full factorial in each half
    camera = CAMERAS[(index >> 1) % 2]
    seconds = PAN_SECONDS if camera == "pan" else round(STATIC_PATH_M / gait.speed_mps, 2)
    return ClipSpec(gait=gait, preset="matrix", direction=DIRECTIONS[(index >> 2) % 2],
                    camera=camera, fps=FRAME_RATES[(index >> 3) % 2], width=1280, height=720,
                    seconds=seconds, seed=index)  # fmt: skip


def _slope_deg(u: float) -> float:
    """Level for u < LEVEL_SHARE, else spread over the downhill range."""
    low, high = RANGES["slope_deg"]
    if u < LEVEL_SHARE:
        return 0.0
    return float(high + (low - high) * (u - LEVEL_SHARE) / (1.0 - LEVEL_SHARE))

