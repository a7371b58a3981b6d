"""Cleaning stages on synthetic tracks whose right answer is known in advance."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import signal

from posecheck import cleaning
from posecheck.errors import PosecheckError
from posecheck.landmarks import LEFT_HIP, LEFT_KNEE, LEG, MIRROR, N_LANDMARKS, NOSE, RIGHT_KNEE
from posecheck.sequence import PoseSequence


def make_seq(keypoints_px: np.ndarray, *, fps: float = 30.0) -> PoseSequence:
    """A sequence with the given (n, 33, 2) image track, visibility 1, world = pixels / 1000."""
    n = len(keypoints_px)
    world = np.concatenate([keypoints_px, np.zeros((n, N_LANDMARKS, 1))], axis=2) / 1000.0
    return PoseSequence(
        time_s=np.arange(n) / fps,
        keypoints_px=keypoints_px,
        visibility=np.where(np.isfinite(keypoints_px[..., 0]), 1.0, np.nan),
        world_m=world,
        fps=fps,
        frame_size=(1280, 720),
    )


def sine_track(n: int, *, freq_hz: float, fps: float, amplitude_px: float = 100.0) -> np.ndarray:
    """(n, 33, 2): every landmark's x is a sine about its own offset; y is constant per landmark."""
    t = np.arange(n) / fps
    base = np.stack([np.linspace(300, 900, N_LANDMARKS), np.linspace(100, 600, N_LANDMARKS)], 1)
    track = np.broadcast_to(base, (n, N_LANDMARKS, 2)).copy()
    track[:, :, 0] += amplitude_px * np.sin(2 * np.pi * freq_hz * t)[:, None]
    return track


def running_legs(n: int, *, fps: float = 30.0) -> np.ndarray:
    """(n, 33, 2): left and right legs swinging in antiphase at a 1.4 Hz stride, right leg 40 px
    lower so the two legs never occupy the same place (the labelling is then unambiguous)."""
    track = sine_track(n, freq_hz=0.0, fps=fps)
    t = np.arange(n) / fps
    swing = 150.0 * np.sin(2 * np.pi * 1.4 * t)
    for depth, (left, right) in enumerate(zip(LEG["left"], LEG["right"])):
        track[:, left] = np.stack([640 + swing, 400 + 60 * depth + 0 * t], axis=1)
        track[:, right] = np.stack([640 - swing, 440 + 60 * depth + 0 * t], axis=1)
    return track


# ---- low-pass ---------------------------------------------------------------------------------


@pytest.mark.parametrize("freq_hz", [2.0, 10.0, 25.0])
def test_lowpass_gain_follows_zero_phase_butterworth_response(freq_hz):
    fps, cutoff_hz, order = 120.0, 10.0, 2
    seq = make_seq(sine_track(1200, freq_hz=freq_hz, fps=fps), fps=fps)
    out = cleaning.lowpass(seq, cutoff_hz=cutoff_hz, order=order)
    middle = slice(300, 900)  # away from the edges, where the response has settled
    x_in = seq.keypoints_px[middle, NOSE, 0]
    x_out = out.keypoints_px[middle, NOSE, 0]
    gain = np.ptp(x_out) / np.ptp(x_in)
    # filtfilt applies the designed filter twice: its gain is |H(f)|^2
    sos = signal.butter(order, cutoff_hz, output="sos", fs=fps)
    expected = np.abs(signal.sosfreqz(sos, worN=[freq_hz], fs=fps)[1][0]) ** 2
    assert gain == pytest.approx(expected, rel=0.02, abs=0.001)
    if freq_hz == cutoff_hz:
        assert gain == pytest.approx(0.5, rel=0.02)  # the definition of a Butterworth cut-off


def test_lowpass_has_zero_lag():
    fps = 60.0
    track = sine_track(300, freq_hz=0.0, fps=fps)
    t = np.arange(300) / fps
    track[:, NOSE, 1] += 50.0 * np.exp(-0.5 * ((t - 2.5) / 0.05) ** 2)  # one pulse at 2.5 s
    out = cleaning.lowpass(make_seq(track, fps=fps), cutoff_hz=6.0)
    y_out = out.keypoints_px[:, NOSE, 1]
    assert np.argmax(y_out) == 150  # the pulse peak stays at 2.5 s
    assert y_out.max() - track[0, NOSE, 1] < 45.0  # while the pulse is smoothed
    np.testing.assert_allclose(y_out[140:161], y_out[160:139:-1])  # symmetric: no phase shift


def test_lowpass_keeps_gaps_and_leaves_short_runs_alone():
    fps = 30.0
    track = sine_track(200, freq_hz=1.0, fps=fps)
    noise = np.random.default_rng(0).normal(0, 5, track.shape)
    track = track + noise
    track[60:80] = np.nan  # a gap the filter must not bridge
    track[100:105] = np.nan  # leaves 100..104 NaN and an isolated run 105..109 of 5 frames
    track[110:130] = np.nan
    seq = make_seq(track, fps=fps)
    out = cleaning.lowpass(seq, cutoff_hz=6.0)
    np.testing.assert_array_equal(np.isnan(out.keypoints_px), np.isnan(track))
    np.testing.assert_array_equal(out.keypoints_px[105:110], track[105:110])  # too short: as is
    assert not np.allclose(out.keypoints_px[:60], track[:60])  # long runs are filtered
    # each long run is filtered on its own: the result matches filtering that run alone
    sos = signal.butter(2, 6.0, output="sos", fs=fps)
    alone = signal.sosfiltfilt(sos, track[:60, NOSE, 0], padlen=9)
    np.testing.assert_allclose(out.keypoints_px[:60, NOSE, 0], alone)


def test_lowpass_clamps_cutoff_below_nyquist():
    seq = make_seq(sine_track(100, freq_hz=1.0, fps=15.0), fps=15.0)
    out = cleaning.lowpass(seq, cutoff_hz=10.0)  # Nyquist is 7.5 Hz
    assert out.meta["cleaning"]["cutoff_hz"] == pytest.approx(0.8 * 7.5)
    assert np.isfinite(out.keypoints_px).all()


def test_lowpass_rejects_nonpositive_cutoff():
    seq = make_seq(sine_track(50, freq_hz=1.0, fps=30.0))
    with pytest.raises(PosecheckError, match="cutoff_hz"):
        cleaning.lowpass(seq, cutoff_hz=0.0)


# ---- gap filling ------------------------------------------------------------------------------


def test_fill_gaps_interpolates_short_gap_linearly():
    track = np.broadcast_to(np.arange(40.0)[:, None, None] * [2.0, -1.0], (40, N_LANDMARKS, 2))
    track = track.copy() + 500.0  # a straight line in time: linear interpolation is exact
    holed = track.copy()
    holed[10:13] = np.nan  # 3 frames = 0.1 s at 30 fps: filled
    out = cleaning.fill_gaps(make_seq(holed), max_gap_s=0.1)
    np.testing.assert_allclose(out.keypoints_px, track)
    assert out.meta["cleaning"]["keypoints_filled"] == 3 * N_LANDMARKS


def test_fill_gaps_leaves_long_and_edge_gaps():
    track = sine_track(40, freq_hz=1.0, fps=30.0)
    holed = track.copy()
    holed[10:14] = np.nan  # 4 frames = 0.133 s: longer than 0.1 s
    holed[:2] = np.nan  # at the start: nothing to interpolate from
    holed[-1] = np.nan
    out = cleaning.fill_gaps(make_seq(holed), max_gap_s=0.1)
    np.testing.assert_array_equal(out.keypoints_px, holed)


def test_fill_gaps_uses_time_not_frame_index():
    holed = sine_track(20, freq_hz=0.0, fps=30.0)
    holed[:, NOSE, 0] = [0.0] * 5 + [np.nan] + [30.0] * 14
    seq = make_seq(holed).replace(time_s=np.r_[np.arange(5), 5.5, 6 + np.arange(14)] / 30.0)
    out = cleaning.fill_gaps(seq, max_gap_s=0.1)
    # the missing frame sits 1.5/2 of the way from frame 4 (t=4/30) to frame 6 (t=6/30)
    assert out.keypoints_px[5, NOSE, 0] == pytest.approx(30.0 * 1.5 / 2)


# ---- outliers ---------------------------------------------------------------------------------


def test_reject_outliers_removes_injected_spike_and_nothing_else():
    fps = 30.0
    track = sine_track(90, freq_hz=1.4, fps=fps, amplitude_px=150.0)  # a running-like swing
    spiked = track.copy()
    spiked[45, LEFT_KNEE, 1] += 80.0  # one frame's knee jumps 80 px down
    out = cleaning.reject_outliers(make_seq(spiked, fps=fps))
    expected_nan = np.zeros((90, N_LANDMARKS), dtype=bool)
    expected_nan[45, LEFT_KNEE] = True
    np.testing.assert_array_equal(np.isnan(out.keypoints_px).any(axis=-1), expected_nan)
    assert np.isnan(out.world_m[45, LEFT_KNEE]).all() and np.isnan(out.visibility[45, LEFT_KNEE])
    assert out.meta["cleaning"]["outliers_removed"] == 1


@pytest.mark.parametrize("fps", [30.0, 120.0])
def test_reject_outliers_keeps_a_clean_running_swing(fps):
    seq = make_seq(sine_track(int(3 * fps), freq_hz=1.4, fps=fps, amplitude_px=300.0), fps=fps)
    out = cleaning.reject_outliers(seq)
    np.testing.assert_array_equal(out.keypoints_px, seq.keypoints_px)


# ---- swap repair ------------------------------------------------------------------------------


def swap_frames(track: np.ndarray, frames: list[int], points: tuple[int, ...]) -> np.ndarray:
    out = track.copy()
    left, right = list(points), [MIRROR[i] for i in points]
    out[np.ix_(frames, left + right)] = track[np.ix_(frames, right + left)]
    return out


def test_repair_swaps_restores_swapped_leg_frames_exactly():
    truth = make_seq(running_legs(120))
    frames = [7, 30, 31, 32, 33, 34, 35, 36, 37, 90]  # single frames and a run of 8
    swapped = swap_frames(truth.keypoints_px, frames, LEG["left"])
    seq = make_seq(swapped)
    out = cleaning.repair_swaps(seq)
    np.testing.assert_array_equal(out.keypoints_px, truth.keypoints_px)
    np.testing.assert_array_equal(out.world_m, truth.world_m)
    assert out.meta["cleaning"]["swapped_frames"] == {"legs": len(frames), "arms": 0}


def test_repair_swaps_moves_visibility_with_the_points():
    truth = make_seq(running_legs(60))
    visibility = truth.visibility.copy()
    visibility[:, list(LEG["left"])] = 0.9
    visibility[:, list(LEG["right"])] = 0.2
    truth = truth.replace(visibility=visibility)
    swapped_vis = visibility.copy()
    swapped_vis[20, list(LEG["left"])], swapped_vis[20, list(LEG["right"])] = 0.2, 0.9
    seq = truth.replace(keypoints_px=swap_frames(truth.keypoints_px, [20], LEG["left"]),
                        visibility=swapped_vis)  # fmt: skip
    out = cleaning.repair_swaps(seq)
    np.testing.assert_array_equal(out.visibility, visibility)


def test_repair_swaps_leaves_consistent_labels_unchanged():
    seq = make_seq(running_legs(90))
    out = cleaning.repair_swaps(seq)
    np.testing.assert_array_equal(out.keypoints_px, seq.keypoints_px)
    assert out.meta["cleaning"]["swapped_frames"] == {"legs": 0, "arms": 0}


def test_repair_swaps_rejects_unknown_group():
    with pytest.raises(PosecheckError, match="group"):
        cleaning.repair_swaps(make_seq(running_legs(10)), groups=("tail",))


def test_swap_labels_of_empty_track_is_empty():
    assert cleaning.swap_labels(np.zeros((0, N_LANDMARKS, 2)), (LEFT_KNEE,),
                                swap_penalty_px=1.0).shape == (0,)


@pytest.mark.parametrize("lag", [1, 2, 3])
def test_swap_labels_over_a_lag_finds_the_swapped_frames(lag):
    fps = 60.0
    truth = running_legs(240, fps=fps)
    frames = [50, 51, 52, 53, 54, 55, 150]  # 0.1 s swapped, and one frame
    swapped = swap_frames(truth, frames, LEG["left"])
    found = cleaning.swap_labels(swapped, cleaning.LEG_COST_POINTS, swap_penalty_px=15.0,
                                 lag=lag)
    np.testing.assert_array_equal(np.flatnonzero(found), frames)


def test_swap_labels_over_a_lag_labels_each_chain_of_frames_on_its_own():
    track = swap_frames(far_leg_snapping(300), [40, 41, 42, 200], LEG["left"])
    found = cleaning.swap_labels(track, cleaning.LEG_COST_POINTS, swap_penalty_px=15.0, lag=3)
    for start in range(3):
        alone = cleaning.swap_labels(track[start::3], cleaning.LEG_COST_POINTS,
                                     swap_penalty_px=15.0)
        np.testing.assert_array_equal(found[start::3], alone)


def test_swap_labels_rejects_a_lag_under_one_frame():
    with pytest.raises(PosecheckError, match="lag"):
        cleaning.swap_labels(running_legs(10), cleaning.LEG_COST_POINTS, swap_penalty_px=1.0,
                             lag=0)


# ---- the whole pipeline -----------------------------------------------------------------------


def test_clean_repairs_swaps_before_removing_outliers():
    fps = 60.0
    truth = make_seq(running_legs(240, fps=fps), fps=fps)
    raw = swap_frames(truth.keypoints_px, [50, 51, 52, 150], LEG["left"])
    raw[100, RIGHT_KNEE, 1] += 120.0  # a spike
    raw[180:183] = np.nan  # 3 frames = 0.05 s: filled
    out = cleaning.clean(make_seq(raw, fps=fps))
    error = np.abs(out.keypoints_px - truth.keypoints_px).max(axis=(1, 2))
    gap = slice(179, 184)
    # across the filled gap a straight chord replaces the 150 px, 1.4 Hz swing: it can be off by
    # at most A w^2 h^2 / 2 for a half-span h of 2 frames
    chord_px = 150.0 * (2 * np.pi * 1.4) ** 2 * (2 / fps) ** 2 / 2
    assert error[gap].max() < chord_px
    error[gap] = 0.0
    assert error.max() < 1.0  # everywhere else back within a pixel of the truth
    assert out.meta["cleaning"]["swapped_frames"]["legs"] == 4
    assert out.meta["cleaning"]["outliers_removed"] == 1


def test_clean_does_not_modify_its_input():
    raw = swap_frames(running_legs(90), [40], LEG["left"])
    raw[10:12] = np.nan
    seq = make_seq(raw)
    before = {name: getattr(seq, name).copy() for name in ("keypoints_px", "visibility", "world_m")}
    cleaning.clean(seq)
    for name, array in before.items():
        np.testing.assert_array_equal(getattr(seq, name), array)
    assert seq.meta == {}


def legs_to_repair(fps: float) -> np.ndarray:
    """Running legs with a leg swap, an arm swap, a spike and a short gap."""
    raw = swap_frames(running_legs(240, fps=fps), [50, 51, 150], LEG["left"])
    raw = swap_frames(raw, [90], cleaning.ARM_SWAP_POINTS)
    raw[100, RIGHT_KNEE, 1] += 120.0
    raw[180:183] = np.nan
    return raw


def foot_to_repair(fps: float) -> np.ndarray:
    """A striding leg whose foot is thrown for two frames, and a short gap."""
    raw = striding_leg(240, fps=fps)
    start = int(round(fps / 2.8))
    raw[start:start + 2, list(cleaning.FOOT_POINTS["left"])] += [-120.0, -60.0]
    raw[180:183] = np.nan
    return raw


@pytest.mark.parametrize("make, worked", [
    (legs_to_repair, ("swapped_frames", "outliers_removed", "keypoints_filled")),
    (foot_to_repair, ("foot_jumps_repaired", "keypoints_filled")),
])
def test_clean_gives_what_its_stages_give_run_one_after_another(make, worked):
    # clean edits one working copy in place; each public stage returns a new sequence
    fps = 60.0
    seq = make_seq(make(fps), fps=fps)
    out = cleaning.clean(seq)
    step = cleaning.repair_swaps(seq, groups=("legs", "arms"), swap_penalty_leg=0.15)
    step = cleaning.reject_outliers(step, window_s=0.1, n_sigmas=3.0, min_deviation_leg=0.1)
    step = cleaning.repair_foot_jumps(step, window_s=0.2, min_deviation_leg=0.15,
                                      max_gap_s=cleaning.DEFAULT_MAX_GAP_S)
    step = cleaning.fill_gaps(step, max_gap_s=cleaning.DEFAULT_MAX_GAP_S)
    step = cleaning.lowpass(step, cutoff_hz=cleaning.DEFAULT_CUTOFF_HZ)
    for name in ("keypoints_px", "visibility", "world_m"):
        np.testing.assert_array_equal(getattr(out, name), getattr(step, name))
    assert out.meta == step.meta
    record = out.meta["cleaning"]
    for key in worked:  # the stage had work to do here
        assert (sum(record[key].values()) if key == "swapped_frames" else record[key]) > 0, key
    assert not np.shares_memory(out.keypoints_px, seq.keypoints_px)


def test_the_in_place_stages_refuse_an_array_they_could_not_edit_in_place():
    values = np.zeros((10, 4, 2))[:, ::2]  # every other landmark: a view, not contiguous
    with pytest.raises(ValueError, match="C-contiguous"):
        cleaning._fill_short_gaps_in_place(values, np.arange(10.0), max_frames=3)


def test_repair_swaps_repairs_arms_apart_from_legs():
    track = running_legs(90)
    t = np.arange(90) / 30.0
    for k, (left, right) in enumerate(zip(cleaning.ARM_SWAP_POINTS,
                                          [MIRROR[i] for i in cleaning.ARM_SWAP_POINTS])):
        track[:, left, 0] = 600 + 80 * np.sin(2 * np.pi * 1.4 * t) + 5 * k
        track[:, right, 0] = 600 - 80 * np.sin(2 * np.pi * 1.4 * t) + 5 * k
    truth = make_seq(track)
    raw = swap_frames(truth.keypoints_px, [20, 21, 60], cleaning.ARM_SWAP_POINTS)
    raw = swap_frames(raw, [45], LEG["left"])
    out = cleaning.repair_swaps(make_seq(raw))
    np.testing.assert_array_equal(out.keypoints_px, truth.keypoints_px)
    assert out.meta["cleaning"]["swapped_frames"] == {"legs": 1, "arms": 3}
    legs_only = cleaning.repair_swaps(make_seq(raw), groups=("legs",))
    np.testing.assert_array_equal(legs_only.keypoints_px[[20, 21, 60]], raw[[20, 21, 60]])


def test_repair_swaps_across_missing_frames():
    truth = make_seq(running_legs(90))
    raw = swap_frames(truth.keypoints_px, [40, 41], LEG["left"])
    raw[30:33] = np.nan
    raw[42, LEG["left"][1:]] = np.nan  # the model lost the left leg in one frame
    expected = truth.keypoints_px.copy()
    expected[np.isnan(raw)] = np.nan
    out = cleaning.repair_swaps(make_seq(raw))
    np.testing.assert_array_equal(out.keypoints_px, expected)


def test_fill_gaps_rejects_negative_max_gap():
    with pytest.raises(PosecheckError, match="max_gap_s"):
        cleaning.fill_gaps(make_seq(running_legs(10)), max_gap_s=-1.0)


def far_leg_snapping(n: int) -> np.ndarray:
    """Correctly labelled legs where, as the legs cross, the model puts the hidden far leg on top of
    the near one (+-5 px), as MediaPipe does in side views: nothing here should be relabelled."""
    track = running_legs(n)
    left, right = list(LEG["left"]), list(LEG["right"])
    crossing = np.abs(track[:, left[2], 0] - track[:, right[2], 0]) < 60  # ankles within 60 px
    noise = np.random.default_rng(1).normal(0.0, 5.0, (crossing.sum(), len(right), 2))
    track[np.ix_(crossing, right)] = track[np.ix_(crossing, left)] + noise
    return track


def test_repair_swaps_does_not_flip_strides_when_the_far_leg_snaps():
    out = cleaning.repair_swaps(make_seq(far_leg_snapping(300)))
    assert out.meta["cleaning"]["swapped_frames"]["legs"] == 0


def test_repair_swaps_price_per_frame_is_what_stops_the_flips():
    # the same track priced near zero: continuity alone relabels whole strides (the reason for the
    # default price), so the test above does not pass by accident
    out = cleaning.repair_swaps(make_seq(far_leg_snapping(300)), swap_penalty_leg=1e-6)
    assert out.meta["cleaning"]["swapped_frames"]["legs"] > 50


@pytest.mark.parametrize("n", [0, 1, 2])
def test_clean_of_empty_or_tiny_clip_keeps_its_length(n):
    track = running_legs(n)
    out = cleaning.clean(make_seq(track))
    assert out.n_frames == n
    np.testing.assert_array_equal(out.keypoints_px, track)  # too short to judge or to filter


def test_hampel_flags_in_blocks_equal_the_whole_clip_at_once():
    rng = np.random.default_rng(11)
    values = np.cumsum(rng.normal(0, 1, (500, 4, 2)), axis=0)
    values[rng.random(values.shape) < 0.05] = np.nan
    spikes = rng.random(values.shape) < 0.02
    values[spikes] += 40.0
    whole = cleaning.hampel_flags(values, half_window=3, n_sigmas=3.0, min_deviation=2.0,
                                  block_frames=10_000)
    assert whole[spikes & np.isfinite(values)].mean() > 0.9  # the spikes are found
    for block in (1, 7, 64, 499):
        np.testing.assert_array_equal(
            cleaning.hampel_flags(values, half_window=3, n_sigmas=3.0, min_deviation=2.0,
                                  block_frames=block), whole)


# ---- foot jumps -------------------------------------------------------------------------------


def striding_leg(n: int, *, fps: float, swing_deg: float = 60.0) -> np.ndarray:
    """(n, 33, 2): a left leg whose knee travels forward at 3 px a frame (at 30 fps) and whose
    foot (ankle, heel, toe) hangs 150 px below it on a shank swinging +-``swing_deg`` at a
    1.4 Hz stride; the other landmarks stand still. Seen from the knee, the foot moves on a
    smooth arc."""
    track = sine_track(n, freq_hz=0.0, fps=fps)
    t = np.arange(n) / fps
    knee = np.stack([200.0 + 90.0 * t, 400.0 + 10.0 * np.sin(2 * np.pi * 2.8 * t)], axis=1)
    angle = np.radians(swing_deg) * np.sin(2 * np.pi * 1.4 * t)
    track[:, LEFT_KNEE] = knee
    track[:, LEFT_HIP] = knee - [0.0, 160.0]  # a leg of about 310 px
    for point, (dx, dy) in zip(cleaning.FOOT_POINTS["left"], [(0, 0), (-15, 10), (40, 15)]):
        track[:, point, 0] = knee[:, 0] + 150.0 * np.sin(angle) + dx
        track[:, point, 1] = knee[:, 1] + 150.0 * np.cos(angle) + dy
    return track


@pytest.mark.parametrize("fps", [30.0, 120.0])
def test_repair_foot_jumps_puts_a_thrown_foot_back_on_the_shank(fps):
    truth = striding_leg(int(2 * fps), fps=fps)
    start = int(round(fps / 2.8))  # as the shank swings through vertical, at its fastest
    jump = slice(start, start + max(2, int(0.02 * fps)))  # 2 frames, or 20 ms
    thrown = truth.copy()
    for point in cleaning.FOOT_POINTS["left"]:
        thrown[jump, point] += [-120.0, -60.0]  # the whole foot thrown back and up
    out = cleaning.repair_foot_jumps(make_seq(thrown, fps=fps))
    n_jumped = (jump.stop - jump.start) * 3
    assert out.meta["cleaning"]["foot_jumps_repaired"] == n_jumped
    error = np.linalg.norm(out.keypoints_px - truth, axis=-1)
    # across the jump the foot follows the chord of the 150 px shank's arc instead: it can be off
    # by the chord's sagitta, the shank swinging at 60 deg x 2 pi x 1.4 Hz through the bridge
    span_rad = np.radians(60.0) * 2 * np.pi * 1.4 * (jump.stop - jump.start + 1) / fps
    assert error[jump].max() < 150.0 * (1 - np.cos(span_rad / 2))
    error[jump] = 0.0
    assert error.max() == 0.0  # nothing else moved
    assert np.isnan(out.world_m[jump][:, list(cleaning.FOOT_POINTS["left"])]).all()


@pytest.mark.parametrize("fps", [30.0, 60.0, 240.0])
def test_repair_foot_jumps_leaves_a_fast_clean_swing_alone(fps):
    seq = make_seq(striding_leg(int(3 * fps), fps=fps, swing_deg=60.0), fps=fps)
    out = cleaning.repair_foot_jumps(seq)
    np.testing.assert_array_equal(out.keypoints_px, seq.keypoints_px)
    assert out.meta["cleaning"]["foot_jumps_repaired"] == 0


def test_line_residuals_of_a_line_with_outliers():
    x = np.arange(40, dtype=float)
    values = 3.0 * x + 7.0
    values[[10, 11]] += 50.0  # 2 of the 7 points of their windows
    values[30] = np.nan
    residual, sigma = cleaning.line_residuals(values, half_window=3)
    np.testing.assert_allclose(residual[[10, 11]], 50.0)
    np.testing.assert_allclose(np.delete(residual, [0, 10, 11, 30, 39]), 0.0, atol=1e-9)
    assert np.isnan(residual[30])  # a missing value has no residual
    np.testing.assert_allclose(sigma[20:27], 0.0, atol=1e-9)  # a clean window: no spread
    # the first frame's window holds 4 values (3 are padding): fewer than 5, not tested
    assert np.isnan(residual[0]) and np.isfinite(residual[1])
    blocks = cleaning.line_residuals(values, half_window=3, block_values=49 * 5)
    np.testing.assert_array_equal(blocks[0], residual)
    np.testing.assert_array_equal(blocks[1], sigma)
