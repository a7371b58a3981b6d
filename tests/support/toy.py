"""A hand-made runner whose foot events are known exactly (``tests/test_gait_events.py`` and
``tests/test_gait_cli.py``): heels whose reach is a cosine and toes on the ground from each
initial contact (IC) to its toe-off (TO), placed so that :func:`posecheck.gait.events.detect_events`
with its defaults finds IC and TO at known times."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq

from posecheck import landmarks as lm
from posecheck.gait.events import detect_events
from posecheck.sequence import PoseSequence

LEG_PX = 300.0
STEP_S = 0.35
CONTACT_S = 0.20
# The toy heel's reach is a cosine, so its backward speed is a sine rising through the landing;
# IC, where the speed reaches ic_speed_fraction of its planted speed (the median over
# planted_window_s after IC: the sine at the window's middle, where it is still rising), comes
# LEAD_S after the reach peak (detect_events' defaults).
DEFAULTS = detect_events.__kwdefaults__
OMEGA = 2 * np.pi / (2 * 0.35)
_MIDDLE_S = sum(DEFAULTS["planted_window_s"]) / 2
LEAD_S = float(brentq(lambda lead: np.sin(OMEGA * lead) - DEFAULTS["ic_speed_fraction"]
                      * np.sin(OMEGA * (lead + _MIDDLE_S)), 0.0, 0.1))
TOE_RISE_PX = DEFAULTS["toe_rise_legs"] * LEG_PX  # detect_events' default toe rise
LIFT_PX_PER_S = 250.0  # toe rise after TO: crosses the threshold > 1 frame after TO at 30 fps


def toy_runner(fps: float, *, n_steps: int = 12, facing: int = 1, width: int = 1920,
               swap_frames: tuple[int, ...] = ()) -> tuple[PoseSequence, np.ndarray, np.ndarray]:
    """A runner on a treadmill, facing image right (or left), with heels whose hip-relative reach
    peaks LEAD_S before each IC and toes on the ground from IC to TO, rising linearly after.
    Returns the sequence and the true IC and TO times (steps alternate right, left, ...)."""
    ic = 0.2 + STEP_S * np.arange(n_steps)
    to = ic + CONTACT_S
    # end before the next heel-reach peak (at ic[-1] + STEP_S - LEAD_S) but after the last TO
    t = np.arange(0, ic[-1] + 0.32, 1 / fps)
    seq = PoseSequence.empty(t, fps=fps, frame_size=(width, 1080))
    kp = seq.keypoints_px.copy()
    ground_y, hip = 900.0, np.array([960.0, 900.0 - LEG_PX])
    for side, first in (("right", 0), ("left", 1)):
        mine_ic, mine_to = ic[first::2], to[first::2]
        stride = 2 * STEP_S
        # heel reach: a cosine peaking LEAD_S before this foot's ICs, 0.5 leg amplitude
        reach = 0.5 * LEG_PX * np.cos(OMEGA * (t - (mine_ic[0] - LEAD_S)))
        assert stride == pytest.approx(2 * np.pi / OMEGA)
        heel = np.column_stack([hip[0] + reach, np.full_like(t, ground_y - 20)])
        toe_height = np.full_like(t, 100.0)
        for a, b in zip(mine_ic, mine_to):
            toe_height[(t >= a - 0.05) & (t <= b)] = 0.0
            after = (t > b) & (t < b + 0.15)
            toe_height[after] = LIFT_PX_PER_S * (t[after] - b)
        toe = np.column_stack([heel[:, 0] + 60, ground_y - toe_height])
        names = {f"{side}_hip": np.tile(hip, (len(t), 1)),
                 f"{side}_knee": np.tile(hip + [0, LEG_PX / 2], (len(t), 1)),
                 f"{side}_ankle": np.tile(hip + [0, LEG_PX], (len(t), 1)),
                 f"{side}_heel": heel, f"{side}_foot_index": toe}
        for name, track in names.items():
            kp[:, lm.INDEX[name]] = track
    if swap_frames:
        rows = np.array(swap_frames)
        left, right = list(lm.LEG["left"]), list(lm.LEG["right"])
        kp[np.ix_(rows, left + right)] = kp[np.ix_(rows, right + left)]
    if facing < 0:
        kp[..., 0] = width - kp[..., 0]
    return seq.replace(keypoints_px=kp), ic, to
