"""Named synthetic runners: the technique each preset shows and why its numbers were chosen.

Every value is a :class:`posecheck.synth.gait.GaitParams` field. Slopes are -8 deg (a 14 %
descent) for the downhill presets. The gait's ``lean_deg`` is the line from the stance ankle to
the CoM at mid-contact, so a level runner with a neutral trunk already "leans" several degrees
(the CoM has moved ahead of the ankle by mid-contact: level-good has 9 deg). "Good" downhill
running keeps that posture relative to the ground, turned with the slope: its lean against the
slope normal equals the level lean against gravity, which is what "perpendicular to the slope"
means for this measure. Leaning back and folding at the waist are judged against that
reference. The lean check reads the same line from the foot's contact point (midway between
heel and toe tip, a few centimetres ahead of the ankle): level-good reads 4.35 deg there, and
downhill-good 4.3 against the slope normal.
"""

from __future__ import annotations

import dataclasses

from posecheck.errors import PosecheckError
from posecheck.synth.gait import GaitParams

PRESETS: dict[str, dict[str, float]] = {
    # level, self-selected form at 3.5 m/s: knee 20 deg at IC (brief 5.2: 15-25), slight heel
    # strike, trunk ~9 deg (Teng & Powers 2014: 7.3 +/- 3.6)
    "level-good": dict(slope_deg=0.0, lean_deg=9.0, waist_bend_deg=4.0, duty_factor=0.31,
                       knee_flexion_ic_deg=20.0, knee_flexion_mid_deg=45.0,
                       foot_strike_deg=8.0, shoulder_abduction_deg=8.0),
    # downhill cues followed: the level posture turned with the slope (lean against the slope
    # normal 9 deg, as level-good's against gravity), bent knee, quick steps, arms wider
    "downhill-good": dict(slope_deg=-8.0, lean_deg=17.0, waist_bend_deg=2.0, cadence_spm=180.0,
                          duty_factor=0.30, knee_flexion_ic_deg=20.0, knee_flexion_mid_deg=48.0,
                          knee_flexion_to_deg=22.0, foot_strike_deg=4.0,
                          shoulder_abduction_deg=22.0, elbow_deg=100.0, arm_swing_deg=45.0),
    # the braking pattern: leaning back, straight knee, heel far ahead of the CoM, arms tight
    "downhill-braking": dict(slope_deg=-8.0, lean_deg=-1.0, waist_bend_deg=4.0, speed_mps=3.2,
                             cadence_spm=162.0, duty_factor=0.35, knee_flexion_ic_deg=6.0,
                             knee_flexion_mid_deg=52.0, knee_flexion_to_deg=42.0,
                             foot_strike_deg=20.0, shoulder_abduction_deg=4.0, elbow_deg=70.0,
                             arm_swing_deg=25.0),
    # folding forward at the waist, hips left behind: looks like a lean, is not one
    "downhill-waist-bend": dict(slope_deg=-8.0, lean_deg=8.0, waist_bend_deg=22.0,
                                cadence_spm=175.0, duty_factor=0.31, knee_flexion_mid_deg=48.0,
                                knee_flexion_to_deg=28.0, foot_strike_deg=10.0,
                                shoulder_abduction_deg=10.0),
}


#: The verdicts each preset is designed to get, per check (the checks' default thresholds; the
#: arm verdict is withheld from video and left out). ``"lean": ("fix", "waist")`` also asks the
#: lean finding's pattern: a fold at the waist told apart from a lean. Checks not listed are not
#: part of the preset's design (the braking runner's 162 steps/min is neither here nor there).
DESIGNED_VERDICTS: dict[str, dict[str, tuple[str, str | None]]] = {
    "level-good": {"lean": ("good", "ankles"), "knee": ("good", None),
                   "landing": ("good", None), "cadence": ("good", None)},
    "downhill-good": {"lean": ("good", "ankles"), "knee": ("good", None),
                      "landing": ("good", None), "cadence": ("good", None)},
    "downhill-braking": {"lean": ("fix", "back"), "knee": ("fix", None),
                         "landing": ("fix", None)},
    "downhill-waist-bend": {"lean": ("fix", "waist"), "knee": ("good", None),
                            "landing": ("good", None)},
}


def preset_params(name: str, **overrides: float | bool) -> GaitParams:
    """The preset's GaitParams with some fields replaced (None values are ignored)."""
    if name not in PRESETS:
        raise PosecheckError(f"unknown preset {name!r}; choose one of {', '.join(PRESETS)}")
    values = {**PRESETS[name], **{k: v for k, v in overrides.items() if v is not None}}
    fields = {f.name for f in dataclasses.fields(GaitParams)}
    unknown = set(values) - fields
    if unknown:
        raise PosecheckError(f"not a gait parameter: {', '.join(sorted(unknown))}")
    return GaitParams(**values)
