"""The gait layer on the synthetic runner's exact image landmarks (no video, no pose model).

The synthetic gait (posecheck.synth) is a second runner model, independent of the force-plate
runner the methods were tuned on: events, CoM and slope are known exactly.
"""

from __future__ import annotations

import numpy as np
import pytest

from posecheck.gait import analyze_gait
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params


def run(preset: str, camera: str, fps: float, direction: str):
    # a tripod clip of 2.5 s holds six stances and more: the slope needs four
    spec = ClipSpec(gait=preset_params(preset), preset=preset, camera=camera, fps=fps,
                    direction=direction, seconds=2.5 if camera == "static" else 3.0)
    clip = SyntheticClip(spec)
    gait = analyze_gait(clip.exact_pose(), camera=camera, sex=spec.sex)
    return clip, gait, clip.events()


def contacts(events: dict, end_s: float) -> tuple[np.ndarray, np.ndarray]:
    """True (IC, TO) of contacts whose IC is clear of the clip edges; TO is NaN past the end."""
    ic_all, to_all = [], []
    for side in ("left", "right"):
        tos = np.array([e["time_s"] for e in events[side]["toe_off"]])
        for e in events[side]["initial_contact"]:
            ic = e["time_s"]
            if 0.15 < ic < end_s - 0.15:
                later = tos[tos > ic]
                ic_all.append(ic)
                to_all.append(later[0] if len(later) and later[0] < end_s - 0.15 else np.nan)
    return np.array(ic_all), np.array(to_all)


def nearest_frames(detected: np.ndarray, true_s: np.ndarray, fps: float) -> np.ndarray:
    true_s = true_s[np.isfinite(true_s)]
    return np.array([np.nanmin(np.abs(detected - t)) * fps for t in true_s])


@pytest.mark.parametrize("preset, camera, fps, direction", [
    ("level-good", "pan", 30.0, "ltr"),
    ("downhill-braking", "pan", 60.0, "rtl"),
    ("downhill-good", "static", 30.0, "rtl"),
    ("downhill-waist-bend", "static", 60.0, "ltr"),
])
def test_events_com_and_slope_on_exact_landmarks(preset, camera, fps, direction):
    clip, gait, events = run(preset, camera, fps, direction)
    end_s = float(clip.time_s[-1])
    true_ic, true_to = contacts(events, end_s)
    inside = gait.events.ic_s[(gait.events.ic_s > 0.15 + 1 / fps)
                              & (gait.events.ic_s < end_s - 0.15 - 1 / fps)]
    window = (true_ic > 0.15 + 1 / fps) & (true_ic < end_s - 0.15 - 1 / fps)
    assert abs(len(inside) - int(window.sum())) <= 1  # none missed or invented (an edge may
    # fall either side of the window)
    assert np.all(nearest_frames(true_ic, inside, fps) <= 1.0)  # no extra contacts
    for kind, detected, true_s in (("IC", gait.events.ic_s, true_ic),
                                   ("TO", gait.events.to_s, true_to)):
        errors = nearest_frames(detected, true_s, fps)
        assert len(errors) >= 2
        assert np.all(errors <= 1.0), (kind, errors)
    # CoM: the target is 2% of height (median); exact landmarks leave only the model
    # stand-ins (head at the ears, trunk from the shoulders)
    px_per_m = np.linalg.norm(clip.landmarks_px[:, 23] - clip.landmarks_px[:, 27], axis=1) / \
        np.linalg.norm(clip.landmarks_m[:, 23] - clip.landmarks_m[:, 27], axis=1)
    error_m = np.linalg.norm(gait.com_image_px - clip.com_px, axis=1) / px_per_m
    assert np.median(error_m) / clip.spec.height_m < 0.02
    if camera == "static":
        assert gait.slope.source == "stance feet"
        assert gait.slope.deg == pytest.approx(clip.spec.gait.slope_deg, abs=1.5)
    else:
        assert gait.slope.source == "unknown"
        assert gait.is_running
