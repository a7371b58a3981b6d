"""The side-by-side video of a comparison, synchronised at foot strikes.

Run A on the left, run B on the right, each scaled to a common height under a label band (run
name, foot strikes so far). The output follows A's timeline frame by frame; the frame of B shown
at A's time ``t`` is B's frame nearest :class:`TimeMap` ``(t)``, a piecewise-linear map that
sends B's k-th matched foot strike onto A's k-th: between two strikes B is slowed or sped up to
land on A's next strike, before the first and after the last matched strike it runs at its own
speed, and when it runs out its first or last frame is held. Both clips are streamed (one frame
of each in memory), so length does not matter; different frame rates, sizes and portrait or
landscape clips are scaled into one picture.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path

import cv2
import numpy as np

from posecheck.compare import RunSummary, Strike
from posecheck.errors import PosecheckError
from posecheck.video import BackgroundVideoWriter, Frame, even_px, iter_frames, probe

STRIKE_RGB = (240, 228, 66)  # Okabe-Ito yellow: the counter lights up at each foot strike
LABEL_RGB = (255, 255, 255)
GAP_PX = 4  # black column between the two halves


def match_strikes(feet_a: Sequence[str], feet_b: Sequence[str]) -> list[tuple[int, int]]:
    """Pairs (index in A, index in B) of the strikes to align: A's k-th with B's k-th, or
    shifted by one strike (B's (k+1)-th, else A's (k+1)-th) when that pairs more strikes of the
    same foot; ties keep the unshifted pairing."""
    best: list[tuple[int, int]] = []
    best_same = -1
    for offset in (0, 1, -1):  # index in B = index in A + offset
        pairs = [(i, i + offset) for i in range(len(feet_a)) if 0 <= i + offset < len(feet_b)]
        same = sum(feet_a[i] == feet_b[j] for i, j in pairs)
        if same > best_same:
            best, best_same = pairs, same
    return best


@dataclasses.dataclass(frozen=True)
class TimeMap:
    """A's clock -> B's clock (seconds as each clip plays), piecewise linear through the knots
    (``a_s[k]`` -> ``b_s[k]``, both strictly increasing) and of slope 1 outside them; the
    identity without knots. Non-decreasing, so B can be streamed."""

    a_s: tuple[float, ...] = ()
    b_s: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        a, b = np.asarray(self.a_s, float), np.asarray(self.b_s, float)
        if a.shape != b.shape or np.any(np.diff(a) <= 0) or np.any(np.diff(b) <= 0):
            raise ValueError(f"TimeMap: knots must be two strictly increasing sequences of one "
                             f"length, got {self.a_s} and {self.b_s}")

    @classmethod
    def from_strikes(cls, strikes_a: Sequence[Strike], strikes_b: Sequence[Strike]) -> TimeMap:
        """Knots at the matched foot strikes (:func:`match_strikes`); a pair that would make
        the map go back in time (a strike missed in one run) is dropped."""
        pairs = match_strikes([s.foot for s in strikes_a], [s.foot for s in strikes_b])
        a_s: list[float] = []
        b_s: list[float] = []
        for i, j in pairs:
            ta, tb = strikes_a[i].time_s, strikes_b[j].time_s
            if not a_s or (ta > a_s[-1] and tb > b_s[-1]):
                a_s.append(ta)
                b_s.append(tb)
        return cls(tuple(a_s), tuple(b_s))

    def __call__(self, t_a_s: float | np.ndarray) -> np.ndarray:
        t = np.asarray(t_a_s, float)
        if not self.a_s:
            return t.copy()
        a, b = np.asarray(self.a_s), np.asarray(self.b_s)
        out = np.interp(t, a, b)
        out = np.where(t < a[0], b[0] + (t - a[0]), out)
        return np.where(t > a[-1], b[-1] + (t - a[-1]), out)


class _Follower:
    """B's frames streamed forward: the frame nearest each (non-decreasing) requested time."""

    def __init__(self, frames: Iterator[Frame]) -> None:
        self._frames = frames
        self.current = next(frames)
        self.following = next(frames, None)

    def at(self, time_s: float) -> Frame:
        while self.following is not None and self.following.time_s <= time_s:
            self.current, self.following = self.following, next(self._frames, None)
        if (self.following is not None
                and self.following.time_s - time_s < time_s - self.current.time_s):
            return self.following
        return self.current


@dataclasses.dataclass(frozen=True)
class Label:
    """The text band above the pictures: ``line_px`` per line, one line (name left, counter
    right) or two (name above counter) when a half is too narrow for both on one line."""

    line_px: int
    rows: int = 1

    @property
    def band_px(self) -> int:
        return self.line_px * self.rows

    @property
    def font(self) -> tuple[int, float, int]:
        """Hershey face, scale (capitals about half the line) and stroke thickness."""
        return cv2.FONT_HERSHEY_SIMPLEX, self.line_px / 48, max(1, round(self.line_px / 24))

    @property
    def margin_px(self) -> int:
        return max(4, self.line_px // 4)

    def text_width(self, text: str) -> int:
        face, scale, thickness = self.font
        return cv2.getTextSize(text, face, scale, thickness)[0][0]

    def fits(self, width: int, name: str, counter: str) -> bool:
        """Name and counter side by side on one line in ``width`` pixels."""
        return self.text_width(name) + self.text_width(counter) + 3 * self.margin_px <= width

    def draw(self, canvas: np.ndarray, x0: int, width: int, name: str, counter: str,
             counter_rgb: tuple[int, int, int]) -> None:
        face, scale, thickness = self.font
        margin = self.margin_px
        name = name.encode("ascii", "replace").decode()  # Hershey fonts draw ASCII only
        room = width - 2 * margin - (self.text_width(counter) + margin if self.rows == 1 else 0)
        if self.text_width(name) > room:  # too long: cut the end
            while name and self.text_width(name + "...") > room:
                name = name[:-1]
            name += "..."
        baseline_y = int(self.line_px * 0.68)
        cv2.putText(canvas, name, (x0 + margin, baseline_y), face, scale, LABEL_RGB,
                    thickness, cv2.LINE_AA)
        if self.rows == 1:
            origin = (x0 + width - margin - self.text_width(counter), baseline_y)
        else:
            origin = (x0 + margin, baseline_y + self.line_px)
        cv2.putText(canvas, counter, origin, face, scale, counter_rgb, thickness, cv2.LINE_AA)


@dataclasses.dataclass(frozen=True)
class Half:
    """How one run is drawn: its scaled size, its name and its strikes (video clock)."""

    name: str
    width: int
    height: int
    strikes: tuple[Strike, ...]

    def counter(self, frame_index: int, *, held: bool = False) -> str:
        """"strike 3/8 left": the strikes up to this frame, the last one's foot."""
        done = [s for s in self.strikes if s.frame <= frame_index]
        text = f"strike {len(done)}/{len(self.strikes)}"
        if done:
            text += f" {done[-1].foot}"
        return f"held, {text}" if held else text

    def widest_counter(self) -> str:
        n = len(self.strikes)
        return f"held, strike {n}/{n} right"

    def draw(self, canvas: np.ndarray, x0: int, label: Label, frame: Frame, *,
             held: bool = False) -> None:
        """Scale ``frame`` into ``canvas`` at column ``x0`` under the label band and write the
        label (``held``: the clip has run out and this frame is held)."""
        rgb, top = frame.rgb, label.band_px
        shrink = rgb.shape[0] > self.height
        canvas[top:top + self.height, x0:x0 + self.width] = cv2.resize(
            rgb, (self.width, self.height),
            interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
        done = [s for s in self.strikes if s.frame <= frame.index]
        # lit from the strike frame for a tenth of a second, long enough to see
        lit = bool(done) and frame.time_s - done[-1].time_s < 0.1
        label.draw(canvas, x0, self.width, self.name, self.counter(frame.index, held=held),
                   STRIKE_RGB if lit else LABEL_RGB)


@dataclasses.dataclass(frozen=True)
class VideoSync:
    """What the side-by-side video shows: for each output frame (A's frames) the index of B's
    frame beside it, the time map, and the matched strikes as (A frame, B frame) pairs."""

    path: Path
    b_frames: tuple[int, ...]
    time_map: TimeMap
    strike_frames: tuple[tuple[int, int], ...]

    def as_dict(self) -> dict:
        return {"file": self.path.name, "frames": len(self.b_frames),
                "time_map": {"a_s": [round(t, 4) for t in self.time_map.a_s],
                             "b_s": [round(t, 4) for t in self.time_map.b_s]},
                "matched_strike_frames": [list(p) for p in self.strike_frames]}


def write_compare_video(a: RunSummary, b: RunSummary, out_path: str | Path, *,
                        height_px: int | None = None,
                        max_height_px: int = 720,  # two 720p halves: about 2560 px wide
                        ) -> VideoSync:
    """Write the side-by-side H.264 video of runs A and B (module docstring). ``height_px``:
    the common height of the two pictures (default: the smaller clip's height, at most
    ``max_height_px``)."""
    for label, run in (("A", a), ("B", b)):
        if run.video_path is None:
            raise PosecheckError(f"run {label} ({run.analysis_path.parent}): no annotated.mp4 "
                                 "and the source video is gone; give --no-video")
    info_a, info_b = probe(a.video_path), probe(b.video_path)
    height = even_px(height_px or min(info_a.height, info_b.height, max_height_px))
    half_a = Half(f"A: {a.name}", even_px(info_a.width * height / info_a.height), height,
                  a.strikes)
    half_b = Half(f"B: {b.name}", even_px(info_b.width * height / info_b.height), height,
                  b.strikes)
    label = Label(even_px(max(24, height * 0.07)))  # a line of text readable at half size
    if not all(label.fits(h.width, h.name, h.widest_counter()) for h in (half_a, half_b)):
        label = Label(label.line_px, rows=2)
    band_px = label.band_px
    time_map = TimeMap.from_strikes(a.strikes, b.strikes)
    width = half_a.width + GAP_PX + half_b.width
    out_path = Path(out_path)
    b_frames: list[int] = []
    frames_a, frames_b = iter_frames(a.video_path), iter_frames(b.video_path)
    try:
        follower = _Follower(frames_b)
        with BackgroundVideoWriter(out_path, fps=info_a.fps, width=width,
                                   height=band_px + height) as writer:
            for frame_a in frames_a:
                time_b = float(time_map(frame_a.time_s))
                frame_b = follower.at(time_b)
                canvas = np.zeros((band_px + height, width, 3), np.uint8)
                half_a.draw(canvas, 0, label, frame_a)
                half_b.draw(canvas, half_a.width + GAP_PX, label, frame_b,
                            held=abs(time_b - frame_b.time_s) > 1 / info_b.fps)
                writer.write(canvas, time_s=frame_a.time_s)
                b_frames.append(frame_b.index)
    finally:
        frames_a.close()
        frames_b.close()
    return VideoSync(out_path, tuple(b_frames), time_map, _matched_frames(a, b, time_map))


def _matched_frames(a: RunSummary, b: RunSummary, time_map: TimeMap) -> tuple[tuple[int, int],
                                                                               ...]:
    by_time_a = {s.time_s: s.frame for s in a.strikes}
    by_time_b = {s.time_s: s.frame for s in b.strikes}
    return tuple((by_time_a[ta], by_time_b[tb]) for ta, tb in zip(time_map.a_s, time_map.b_s))
