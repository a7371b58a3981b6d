"""The gait layer and the checks fed NaN-heavy and degenerate pose sequences (issue 11), drawn by
hypothesis: no exception but PosecheckError, no NumPy RuntimeWarning, and every check "unknown"
with its reason where nothing can be said.

The sequences are built directly (no video, no pose model): the synthetic runner's exact
landmarks (3 s, side-on, panning camera) damaged in the ways a pose file can be, or arrays that
hold no runner at all. Degenerations: every landmark missing; 0 to 5 frames; one pose held
still; runs of missing frames; one landmark, the feet or the world landmarks missing
throughout; a random share of the values missing; visibility zero; coordinates scaled to
micro-pixels or to a million times the frame; noise; frame rates from 1 to 32000 a second (a
video has 1 to 1000; a slow-motion clip's real-time pose, ``analyze.real_time``, up to 32
times that); a clock starting at a million seconds.
"""

from __future__ import annotations

import functools
import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from posecheck import landmarks as lm
from posecheck.checks.finding import VERDICTS
from posecheck.cleaning import clean
from posecheck.checks.registry import CHECKS, run_checks
from posecheck.errors import PosecheckError
from posecheck.gait import analyze_gait
from posecheck.gait.analysis import summarize
from posecheck.sequence import PoseSequence
from posecheck.synth.clip import ClipSpec, SyntheticClip
from posecheck.synth.presets import preset_params

FRAME = (640, 360)
#: fps the sequences are given: a video's range (1-1000) and a 32x slow-motion clip on the
#: real clock
FPS_CHOICES = (1.0, 2.0, 5.0, 24.0, 30.0, 60.0, 240.0, 1000.0, 32000.0)
FEET = (lm.LEFT_ANKLE, lm.RIGHT_ANKLE, lm.LEFT_HEEL, lm.RIGHT_HEEL, lm.LEFT_FOOT_INDEX,
        lm.RIGHT_FOOT_INDEX)
SETTINGS = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])


@functools.lru_cache(maxsize=None)
def _runner(fps: float) -> PoseSequence:
    """The synthetic runner's exact landmarks, with its 3D landmarks as the world landmarks."""
    clip = SyntheticClip(ClipSpec(gait=preset_params("level-good"), preset="level-good",
                                  camera="pan", direction="rtl", fps=fps, seconds=3.0,
                                  width=FRAME[0], height=FRAME[1]))
    return clip.exact_pose()


def _analyse(seq: PoseSequence, **options):
    """analyze_gait, summarize and run_checks as the pipeline runs them; (gait, findings), or
    (None, ()) when the gait was refused with a PosecheckError. Fails the test on any other
    exception (by letting it through) and on any RuntimeWarning."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            gait = analyze_gait(seq, **options)
        except PosecheckError as exc:
            assert str(exc) and "\n" not in str(exc)
            gait, findings = None, ()
            _event(f"gait refused: {str(exc)[:40]}")
        else:
            json.dumps(summarize(gait), allow_nan=False)
            findings = run_checks(gait)
            _event(f"checks ran, {sum(f.verdict != 'unknown' for f in findings)} judged")
    runtime = [f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})"
               for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not runtime, runtime
    if gait is not None:
        assert [f.check_id for f in findings] == [m.INFO.id for m in CHECKS]
        for finding in findings:
            assert finding.verdict in VERDICTS
            if finding.verdict == "unknown":
                assert finding.reason, finding.check_id
    return gait, findings


def _event(text: str) -> None:
    """What an example came to, for ``--hypothesis-show-statistics``."""
    if currently_in_test_context():
        event(text)


def _all_unknown(findings) -> None:
    """Nothing can be said: every check unknown, each with its reason (or the gait refused)."""
    for finding in findings:
        assert finding.verdict == "unknown", (finding.check_id, finding.verdict)
        assert finding.reason


def _with_arrays(seq: PoseSequence, **arrays) -> PoseSequence:
    return seq.replace(**{k: np.asarray(v, float) for k, v in arrays.items()})


def _retimed(seq: PoseSequence, fps: float, *, start_s: float = 0.0) -> PoseSequence:
    return seq.replace(time_s=start_s + np.arange(seq.n_frames) / fps, fps=fps)


# ---- nothing to be said -------------------------------------------------------------------


@SETTINGS
@given(n=st.integers(0, 400), fps=st.sampled_from(FPS_CHOICES),
       world=st.sampled_from(("nan", "runner")))
def test_all_nan_gives_unknown(n, fps, world):
    seq = PoseSequence.empty(np.arange(n) / fps, fps=fps, frame_size=FRAME)
    if world == "runner" and n:  # the 3D landmarks alone, the image ones all missing
        world_m = _runner(60.0).world_m
        seq = _with_arrays(seq, world_m=world_m[np.arange(n) % len(world_m)])
    _gait, findings = _analyse(seq)
    _all_unknown(findings)


@SETTINGS
@given(n=st.integers(0, 5), start=st.integers(0, 150), fps=st.sampled_from(FPS_CHOICES))
def test_a_few_frames_give_unknown(n, start, fps):
    runner = _runner(60.0)
    seq = _retimed(_with_arrays(
        runner, time_s=runner.time_s[start:start + n],
        keypoints_px=runner.keypoints_px[start:start + n],
        visibility=runner.visibility[start:start + n], world_m=runner.world_m[start:start + n]),
        fps)
    _gait, findings = _analyse(seq)
    _all_unknown(findings)


@SETTINGS
@given(frame=st.integers(0, 179), n=st.integers(2, 400), fps=st.sampled_from(FPS_CHOICES),
       jitter_px=st.sampled_from((0.0, 1e-9, 0.5)))
def test_a_pose_held_still_gives_unknown(frame, n, fps, jitter_px):
    """One frame's pose in every frame (a photo, a runner standing), optionally with a little
    noise: no steps, so nothing to judge."""
    runner = _runner(60.0)
    keypoints = np.repeat(runner.keypoints_px[frame:frame + 1], n, axis=0)
    keypoints = keypoints + np.random.default_rng(frame).normal(0, jitter_px, keypoints.shape)
    seq = _retimed(_with_arrays(
        runner, time_s=np.zeros(n), keypoints_px=keypoints,
        visibility=np.ones((n, lm.N_LANDMARKS)),
        world_m=np.repeat(runner.world_m[frame:frame + 1], n, axis=0)), fps)
    _gait, findings = _analyse(seq)
    _all_unknown(findings)


def test_degenerate_helpers_can_fail(monkeypatch):
    """The helpers catch what they are there to catch: another exception than PosecheckError
    goes through, a RuntimeWarning fails, a judged verdict is not "unknown"."""
    with pytest.raises(AssertionError):
        _all_unknown(run_checks(analyze_gait(_runner(60.0), slope_deg=0.0)))
    with pytest.raises(AttributeError):
        _analyse(object())  # no PoseSequence: not the PosecheckError path

    def warns(seq, **options):
        np.nanmedian(np.full(3, np.nan))  # "All-NaN slice encountered"
        raise PosecheckError("refused after the warning")

    monkeypatch.setattr(__import__(__name__), "analyze_gait", warns)
    with pytest.raises(AssertionError, match="RuntimeWarning"):
        _analyse(_runner(60.0))


# ---- damaged runners ----------------------------------------------------------------------

DAMAGES = ("nan_runs", "landmark", "feet", "world", "random_nan", "visibility", "scale",
           "noise", "fps", "late_clock", "hips")


@st.composite
def damaged_runner(draw) -> PoseSequence:
    """The synthetic runner with 1-3 damages drawn from ``DAMAGES``."""
    seq = _runner(draw(st.sampled_from((30.0, 60.0, 240.0))))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = seq.n_frames
    for damage in draw(st.lists(st.sampled_from(DAMAGES), min_size=1, max_size=3)):
        kp, world, vis = seq.keypoints_px.copy(), seq.world_m.copy(), seq.visibility.copy()
        if damage == "nan_runs":
            for _ in range(draw(st.integers(1, 6))):
                start = draw(st.integers(0, n - 1))
                stop = start + draw(st.integers(1, n))
                columns = draw(st.sampled_from((slice(None), list(FEET), [lm.LEFT_HIP])))
                kp[start:stop, columns] = np.nan
                world[start:stop, columns] = np.nan
        elif damage == "landmark":
            kp[:, draw(st.integers(0, lm.N_LANDMARKS - 1))] = np.nan
        elif damage == "feet":
            kp[:, list(FEET)] = np.nan
        elif damage == "hips":
            kp[:, [lm.LEFT_HIP, lm.RIGHT_HIP]] = np.nan
        elif damage == "world":
            world[:] = np.nan
        elif damage == "random_nan":
            share = draw(st.sampled_from((0.3, 0.7, 0.9, 0.99)))
            kp[rng.random(kp.shape[:2]) < share] = np.nan
        elif damage == "visibility":
            vis[:] = draw(st.sampled_from((0.0, np.nan)))
        elif damage == "scale":
            factor = draw(st.sampled_from((1e-6, 1e-3, 1e3, 1e6)))
            kp = kp * factor
            world = world * factor
        elif damage == "noise":
            kp = kp + rng.normal(0.0, draw(st.sampled_from((1.0, 10.0, 100.0))), kp.shape)
        elif damage == "fps":
            seq = _retimed(seq, draw(st.sampled_from(FPS_CHOICES)))
        elif damage == "late_clock":
            seq = seq.replace(time_s=seq.time_s + 1e6)
        seq = _with_arrays(seq, keypoints_px=kp, world_m=world, visibility=vis)
    return seq


@SETTINGS
@given(seq=damaged_runner(), cleaned=st.booleans(), slope=st.sampled_from((None, 0.0, -8.0)),
       camera=st.sampled_from((None, "static", "pan")), height=st.sampled_from((None, 1.75)))
def test_damaged_runner_never_crashes(seq, cleaned, slope, camera, height):
    """Also through the cleaning stage (swap repair, outliers, gap filling, low-pass), as
    ``posecheck analyze`` and ``posecheck gait`` run it before the gait."""
    if cleaned:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            seq = clean(seq)
        runtime = [f"{w.message} ({w.filename}:{w.lineno})" for w in caught
                   if issubclass(w.category, RuntimeWarning)]
        assert not runtime, runtime
    _analyse(seq, slope_deg=slope, camera=camera, height_m=height)


@SETTINGS
@given(fps=st.sampled_from(FPS_CHOICES), n=st.integers(0, 300),
       fill=st.sampled_from((0.0, 1e-300, 1e300, -1e300)))
def test_constant_arrays_never_crash(fps, n, fill):
    """Every coordinate the same number (zeros, denormal-small, near float's largest)."""
    seq = PoseSequence(time_s=np.arange(n) / fps,
                       keypoints_px=np.full((n, lm.N_LANDMARKS, 2), fill),
                       visibility=np.ones((n, lm.N_LANDMARKS)),
                       world_m=np.full((n, lm.N_LANDMARKS, 3), fill), fps=fps, frame_size=FRAME)
    _gait, findings = _analyse(seq)
    _all_unknown(findings)


def test_the_runner_itself_is_judged():
    """The undamaged runner gets judged verdicts: the damage is what makes the others unknown."""
    _gait, findings = _analyse(_runner(60.0), slope_deg=0.0)
    judged = [f.check_id for f in findings if f.verdict != "unknown"]
    assert judged, [(f.check_id, f.reason) for f in findings]
    assert not math.isnan(_gait.cadence_spm)
