"""The technique matrix: deterministic, every spec valid, ranges spanned, the split disjoint; the
designed-technique clips: a full factorial per round, and their designed verdicts.

No frame is drawn: constructing a SyntheticClip solves the gait and computes the poses only."""

from __future__ import annotations

import pytest

from posecheck.checks.registry import run_checks
from posecheck.gait import analyze_gait
from posecheck.synth.body import Body
from posecheck.synth.clip import SyntheticClip
from posecheck.synth.gait import Gait
from posecheck.synth.matrix import (PRESET_DOWNHILL_DEG, PRESET_JITTER, RANGES, preset_matrix,
                                    split, technique_matrix)
from posecheck.synth.presets import DESIGNED_VERDICTS, PRESETS
from posecheck.synth.timing import REALISTIC_STEP_TIME_CV
from posecheck.synth.truth import true_gait_events, true_metrics

N_CLIPS = 16


@pytest.fixture(scope="module")
def specs():
    return technique_matrix(N_CLIPS, seed=0)


def test_matrix_is_deterministic(specs):
    assert technique_matrix(N_CLIPS, seed=0) == specs
    assert technique_matrix(N_CLIPS, seed=1) != specs
    assert technique_matrix(0) == []


def test_every_spec_is_valid_and_varies_its_steps(specs):
    assert len(specs) == N_CLIPS
    assert [s.seed for s in specs] == list(range(N_CLIPS))
    for spec in specs:
        clip = SyntheticClip(spec)  # raises if the gait or the framing is impossible
        assert (spec.width, spec.height) == (1280, 720)
        assert spec.gait.step_time_cv == REALISTIC_STEP_TIME_CV
        assert spec.seconds == 3.0 if spec.camera == "pan" else spec.seconds < 2.0
        step_times = [s["step_time_s"] for s in clip.steps()]
        assert max(step_times) > min(step_times)


def test_values_span_the_ranges(specs):
    # a Latin hypercube puts one clip in each 1/N_CLIPS stratum of every range
    margin = 2.0 / N_CLIPS
    for field, (low, high) in RANGES.items():
        values = [getattr(s.gait, field) for s in specs]
        assert all(low <= v <= high for v in values), field
        if field == "slope_deg":
            assert 0.0 in values and min(values) < low + margin * (high - low)
            continue
        assert min(values) < low + margin * (high - low), field
        assert max(values) > high - margin * (high - low), field


def test_split_is_disjoint_and_each_half_has_every_scene(specs):
    tuning, held_out = split(specs)
    assert {s.seed for s in tuning}.isdisjoint({s.seed for s in held_out})
    assert len(tuning) + len(held_out) == len(specs)
    assert all(s.seed % 2 == 0 for s in tuning) and all(s.seed % 2 == 1 for s in held_out)
    for half in (tuning, held_out):
        scenes = {(s.camera, s.direction, s.fps) for s in half}
        assert len(scenes) == 8  # static/pan x ltr/rtl x 30/60 fps


def test_matrix_techniques_reach_the_truth(specs):
    body = Body.from_height(1.75)
    for spec in specs[:4]:
        metrics = true_metrics(Gait(body, spec.gait))
        assert metrics["lean_from_ankle_deg"] == pytest.approx(spec.gait.lean_deg, abs=1e-6)
        assert metrics["knee_flexion_ic_deg"] == pytest.approx(spec.gait.knee_flexion_ic_deg,
                                                               abs=1e-6)  # fmt: skip


# ---- the designed-technique clips ---------------------------------------------------------

def test_preset_matrix_is_a_full_factorial_split_by_round():
    specs = preset_matrix(2)
    assert preset_matrix(2) == specs and len(specs) == 64
    assert len({s.seed for s in specs}) == 64
    tuning, held_out = split(specs)
    assert len(tuning) == len(held_out) == 32
    for half in (tuning, held_out):
        scenes = {(s.preset, s.camera, s.direction, s.fps) for s in half}
        assert len(scenes) == 32  # every preset in every scene once per round
    for spec in specs:
        base = PRESETS[spec.preset]
        assert abs(spec.gait.knee_flexion_ic_deg - base.get("knee_flexion_ic_deg", 20.0)) <= 3.0
        if base["slope_deg"] < 0:
            assert PRESET_DOWNHILL_DEG[0] <= spec.gait.slope_deg <= PRESET_DOWNHILL_DEG[1]
            # the lean turns with the slope: its lean against the slope normal is the preset's
            normal = spec.gait.lean_deg + spec.gait.slope_deg
            assert abs(normal - (base["lean_deg"] + base["slope_deg"])) <= PRESET_JITTER["lean_deg"]
        else:
            assert spec.gait.slope_deg == 0.0


def test_preset_clips_get_their_designed_verdicts_from_exact_landmarks():
    """The design is what the thresholds read: on each clip's exact landmarks at its true foot
    events, every check gets the verdict (and for the lean, the pattern) its preset is
    designed to get. What video loses against this is benchmarks/checks_accuracy.py's to say."""
    for spec in preset_matrix(1):
        clip = SyntheticClip(spec)
        seq = clip.exact_pose()
        gait = analyze_gait(seq, slope_deg=spec.gait.slope_deg, camera=spec.camera,
                            height_m=spec.height_m)
        gait = gait.with_events(true_gait_events(clip.events(), seq.fps))
        findings = {f.check_id: f for f in run_checks(gait)}
        for check, (verdict, pattern) in DESIGNED_VERDICTS[spec.preset].items():
            assert findings[check].verdict == verdict, (spec.seed, spec.preset, check)
            if pattern:
                assert findings[check].pattern == pattern, (spec.seed, spec.preset)
