"""The teaching video and the key frames, written in one decoding pass.

:func:`write_teaching_video` draws on every frame of the clip the runner's skeleton and the
panel (time, the latest foot strike's numbers, the clip's verdicts), and at each foot strike
its marks (:mod:`posecheck.annotate.compose`). The video keeps the input's frames and their
timestamps, so it has the input's frame count and duration. With ``coach_mode`` each strike is
held still twice, ``freeze_s`` (1.0 s) at contact and ``freeze_s`` at mid-stance, long enough
to read its marks: that adds ``round(freeze_s * fps)`` copies of the frame at each moment in
:attr:`Timeline.starts <posecheck.annotate.compose.Timeline>` (the panel then says "held"),
and nothing else (:func:`coach_mode_extra_frames` gives the count); later frames are shifted
by the time added.

The video may be made smaller than the clip (``short_side_px``; ``posecheck analyze`` makes it
at most 720 px on its short side, ``--video-size``): each frame is decoded to that size (scaled
in its colour conversion, :func:`posecheck.video.iter_frames`) and drawn on as a clip of that
size is, so a 1080p or 4K phone clip gives the teaching video a 720p one would. Drawing and
H.264 encoding cost in proportion to the pixels (at 1080p 7.4 and 13.0 core-ms a frame,
``benchmarks/speed.py``): most of the video pass at 1080p and more. The key frames are cut
from the frames as filmed, decoded at full size as well.

:func:`write_key_frames` writes only the stills (one per strike, ``strike_01_left.jpg``, and
``contact_sheet.jpg``), decoding the clip only as far as the last strike.

Frames are matched to events by index: the gait may run on a real-time clock that differs from
the video's (a slow-motion clip), and each event carries its frame. Frames past the end of the
pose, or where the runner was not found, are written with what is known (the panel, no marks).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import cv2
import numpy as np

from posecheck.allocator import release_freed_memory
from posecheck.annotate.compose import NONE, TeachingPainter, Timeline
from posecheck.annotate.draw import VERDICT_RGB
from posecheck.annotate.stills import (
    PackedTile,
    caption_text,
    contact_sheet,
    sheet_tile,
    still_image,
    strike_pair,
)
from posecheck.annotate.strikes import Reading, Strike, clip_readings, strikes_from_analysis
from posecheck.errors import PosecheckError
from posecheck.overlay import near_side
from posecheck.progress import Progress
from posecheck.result import Analysis
from posecheck.video import BackgroundVideoWriter, even_px, iter_frames

HOLD_S = 0.4  # real seconds a strike's marks stay up at most (see posecheck.annotate.compose)
FREEZE_S = 1.0  # coach mode: each moment held this long, time to read three or four numbers
JPEG_QUALITY = 90  # stills: no visible artefacts around the thin lines and small text
CONTACT_SHEET = "contact_sheet.jpg"
# The contact sheet shows at most this many strikes, evenly spread over a longer clip: 12 rows
# of 4 tiles, about 4000 px high; a 10-minute clip's 1,800 strikes would make a sheet of
# 80,000 px, over JPEG's 65,535 and 700 MB in memory.
SHEET_MAX_STRIKES = 48


@dataclasses.dataclass(frozen=True)
class KeyFrame:
    """One foot strike's still: its ``number``, the contact ``frame_index`` and its video
    ``time_s``, the ``foot``, the file ``path`` and a one-line ``caption``."""

    number: int
    frame_index: int
    time_s: float
    foot: str
    path: Path
    caption: str


@dataclasses.dataclass(frozen=True, eq=False)
class TeachingPlan:
    """What the teaching video shows, computed once from an analysis: the strikes, their
    timeline over the clip's frames, the clip's readings, each frame's near side and the notice
    shown when no strike can be drawn (empty when there are strikes)."""

    analysis: Analysis
    strikes: tuple[Strike, ...]
    timeline: Timeline
    clip: tuple[Reading, ...]
    sides: np.ndarray
    notice: str
    scale_xy: tuple[float, float] = (1.0, 1.0)  # drawing px per clip px (:meth:`resized`)

    @classmethod
    def from_analysis(cls, analysis: Analysis, *, hold_s: float = HOLD_S) -> TeachingPlan:
        strikes = strikes_from_analysis(analysis)
        pose = analysis.pose
        n_frames = max(pose.n_frames, int(analysis.info.n_frames or 0))
        real_fps = analysis.gait.forward.fps if analysis.gait is not None else pose.fps
        timeline = Timeline.build(strikes, n_frames, hold_frames=round(hold_s * real_fps))
        notice = ""
        if analysis.gait is None:
            notice = f"no foot strikes: {_short(analysis.gait_error or 'the gait stage failed')}"
        elif not strikes:
            notice = "no foot strikes were found"
        elif analysis.findings and all(f.verdict == "unknown" for f in analysis.findings):
            notice = f"not judged: {_short(analysis.findings[0].reason)}"
        gait = analysis.gait
        # the gait layer has found the near side already (on the mirrored copy, which keeps
        # every landmark's name and depth); without a gait it is found here
        sides = gait.near if gait is not None and len(gait.near) == pose.n_frames else \
            near_side(pose)
        return cls(analysis, strikes, timeline, clip_readings(analysis.findings), sides, notice)

    def resized(self, width_px: int, height_px: int) -> TeachingPlan:
        """The plan for drawing on the clip's frames resized to ``width_px`` x ``height_px``:
        every point and length scaled with them."""
        pose = self.analysis.pose
        sx, sy = width_px / pose.width, height_px / pose.height
        if (sx, sy) == (1.0, 1.0):
            return self
        strikes = tuple(s.mapped(lambda p: (p[0] * sx, p[1] * sy), min(sx, sy))
                        for s in self.strikes)
        return dataclasses.replace(self, strikes=strikes, scale_xy=(sx, sy))

    def keypoints(self, frame: int) -> np.ndarray | None:
        pose = self.analysis.pose
        if not 0 <= frame < pose.n_frames:
            return None
        points = pose.keypoints_px[frame]
        return points if self.scale_xy == (1.0, 1.0) else points * np.asarray(self.scale_xy)

    def side(self, frame: int) -> str:
        return str(self.sides[frame]) if 0 <= frame < len(self.sides) else "unknown"

    def paint(self, painter: TeachingPainter, frame_rgb: np.ndarray, index: int,
              time_s: float, *, held: bool = False) -> np.ndarray:
        """One frame of the teaching video (``held``: as coach mode holds it still)."""
        out = painter.skeleton(frame_rgb, self.keypoints(index), self.side(index))
        shown, phase, latest = self.timeline.at(index)
        if shown >= 0 and phase != NONE:
            painter.marks_into(out, self.strikes[shown], phase)
        painter.panel_into(out, time_s=time_s,
                           latest=self.strikes[latest] if latest >= 0 else None, clip=self.clip,
                           phase=phase if shown >= 0 else NONE, held=held)
        if self.notice:
            painter.notice_into(out, self.notice)
        return out


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "\u2026"


def coach_mode_extra_frames(analysis: Analysis, *, freeze_s: float = FREEZE_S,
                            hold_s: float = HOLD_S) -> int:
    """How many frames coach mode adds to ``analysis``'s teaching video: ``round(freeze_s *
    fps)`` at each moment a strike's contact or stance marks first appear."""
    plan = TeachingPlan.from_analysis(analysis, hold_s=hold_s)
    return len(plan.timeline.starts) * _freeze_frames(analysis.pose.fps, freeze_s)


def _freeze_frames(fps: float, freeze_s: float) -> int:
    return max(0, round(freeze_s * fps))


def video_size(width_px: int, height_px: int, short_side_px: int | None) -> tuple[int, int]:
    """The teaching video's frame size for a clip of ``width_px`` x ``height_px``: the clip's
    own when ``short_side_px`` is None or the clip's short side is no longer, else scaled to
    that short side, the aspect kept and each side rounded to an even number of pixels
    (:func:`posecheck.video.even_px`)."""
    short = min(width_px, height_px)
    if short_side_px is None or short <= short_side_px:
        return width_px, height_px
    scale = short_side_px / short
    return even_px(width_px * scale), even_px(height_px * scale)


def write_teaching_video(analysis: Analysis, out_path: str | Path, *, coach_mode: bool = False,
                         key_frames_dir: str | Path | None = None,
                         show_progress: bool | None = None, hold_s: float = HOLD_S,
                         freeze_s: float = FREEZE_S,
                         short_side_px: int | None = None) -> list[KeyFrame]:
    """Write the teaching video (H.264 MP4) of ``analysis`` to ``out_path`` and, with
    ``key_frames_dir``, its stills and contact sheet, in one pass over the clip; returns the
    key frames written (empty without ``key_frames_dir``). ``short_side_px``: the video's
    short side at most (None: the clip's size; :func:`video_size`). See the module
    docstring."""
    plan = TeachingPlan.from_analysis(analysis, hold_s=hold_s)
    pose = analysis.pose
    width, height = video_size(pose.width, pose.height, short_side_px)
    drawn_plan = plan.resized(width, height)
    painter = TeachingPainter(width, height)
    stills = _StillMaker(plan, Path(key_frames_dir)) if key_frames_dir is not None else None
    freeze = _freeze_frames(pose.fps, freeze_s) if coach_mode else 0
    starts = set(plan.timeline.starts)
    progress = Progress("video", max(pose.n_frames, analysis.info.n_frames or 0),
                        enabled=show_progress)
    shift_s = 0.0
    with BackgroundVideoWriter(out_path, fps=pose.fps, width=width, height=height) as writer:
        # decoded to the video's size; the stills' frames as filmed as well
        scaled = (width, height) != (pose.width, pose.height)
        for frame in iter_frames(analysis.video, size=(width, height) if scaled else None,
                                 full_size_at=stills.wanted if stills is not None else ()):
            rgb = frame.rgb
            drawn = drawn_plan.paint(painter, rgb, frame.index, frame.time_s)
            writer.write(drawn, time_s=frame.time_s + shift_s)
            if freeze and frame.index in starts:
                still = drawn_plan.paint(painter, rgb, frame.index, frame.time_s, held=True)
                for copy in range(1, freeze + 1):
                    writer.write(still, time_s=frame.time_s + shift_s + copy / pose.fps)
                shift_s += freeze / pose.fps
            if stills is not None:
                stills.offer(frame.index, frame.rgb if frame.full_rgb is None else frame.full_rgb)
            progress.update()
    progress.close()
    release_freed_memory()  # the decoder's and the encoder's, before the contact sheet is made
    return stills.finish() if stills is not None else []


def write_key_frames(analysis: Analysis, out_dir: str | Path) -> list[KeyFrame]:
    """One still per foot strike and the contact sheet in ``out_dir``, without a video: the
    clip is decoded only as far as the last frame a still needs."""
    plan = TeachingPlan.from_analysis(analysis)
    stills = _StillMaker(plan, Path(out_dir))
    for frame in iter_frames(analysis.video):
        if frame.index > stills.last_frame:
            break
        stills.offer(frame.index, frame.rgb)
    return stills.finish()


class _StillMaker:
    """Collects the frames each strike's still needs as the clip is decoded, writes each still
    as soon as its frames are in, and the contact sheet at the end."""

    def __init__(self, plan: TeachingPlan, out_dir: Path, *,
                 panel_height_px: int = 640,  # each picture of a still: about a phone's width
                 ) -> None:
        self.plan, self.out_dir = plan, out_dir
        self.panel_height_px = panel_height_px
        out_dir.mkdir(parents=True, exist_ok=True)
        self.wanted: dict[int, list[int]] = {}
        for k, strike in enumerate(plan.strikes):
            for frame in {strike.ic_frame, strike.mid_frame} - {-1}:
                self.wanted.setdefault(frame, []).append(k)
        self.frames: dict[int, np.ndarray] = {}
        self.pending = set(range(len(plan.strikes)))
        self.done: dict[int, KeyFrame] = {}
        self.tiles: dict[int, PackedTile] = {}  # contact-sheet tiles of the strikes it shows
        self.on_sheet = sheet_strikes(len(plan.strikes))
        self.digits = max(2, len(str(len(plan.strikes))))

    @property
    def last_frame(self) -> int:
        return max(self.wanted, default=-1)

    def offer(self, index: int, rgb: np.ndarray) -> None:
        if index not in self.wanted:
            return
        self.frames[index] = rgb.copy()
        for k in self.wanted[index]:
            strike = self.plan.strikes[k]
            if k in self.pending and all(f in self.frames for f in
                                         {strike.ic_frame, strike.mid_frame} - {-1}):
                self._write(k)

    def _write(self, k: int) -> None:
        strike = self.plan.strikes[k]
        frames = (strike.ic_frame, strike.mid_frame)
        pair = strike_pair(
            strike, *(self.frames.get(f) for f in frames),
            keypoints=tuple(self.plan.keypoints(f) for f in frames),
            near_sides=tuple(self.plan.side(f) for f in frames),
            panel_height_px=self.panel_height_px)
        path = self.out_dir / f"strike_{strike.number:0{self.digits}d}_{strike.foot}.jpg"
        _save_jpeg(path, still_image(strike, pair))
        record = KeyFrame(number=strike.number, frame_index=strike.ic_frame,
                          time_s=strike.time_s, foot=strike.foot, path=path,
                          caption=caption_text(strike))
        self.done[k] = record
        if k in self.on_sheet:
            self.tiles[k] = PackedTile(sheet_tile(strike, pair))
        self.pending.discard(k)
        for f in frames:  # drop frames no pending strike still needs
            if f in self.frames and not any(k2 in self.pending for k2 in self.wanted.get(f, [])):
                del self.frames[f]

    def finish(self) -> list[KeyFrame]:
        """Write the stills whose frames never came (a clip shorter than its pose) and the
        contact sheet; the key frames in strike order."""
        for k in sorted(self.pending):
            self._write(k)
        records = [self.done[k] for k in sorted(self.done)]
        analysis = self.plan.analysis
        summary = [(f"{r.check_id} {r.text} {r.verdict if r.verdict != 'unknown' else '?'}",
                    VERDICT_RGB[r.verdict]) for r in self.plan.clip]
        count = len(records)
        shown = (f"{len(self.tiles)} of " if len(self.tiles) < count else "")
        title = (f"{analysis.video.name} \u00b7 {shown}{count} foot "
                 f"strike{'s' if count != 1 else ''}"
                 + (f" \u00b7 {self.plan.notice}" if self.plan.notice else ""))
        sheet = contact_sheet([self.tiles.pop(k) for k in sorted(self.tiles)], title=title,
                              summary=summary)
        _save_jpeg(self.out_dir / CONTACT_SHEET, sheet, in_place=True)
        return records


def sheet_strikes(n_strikes: int, max_strikes: int = SHEET_MAX_STRIKES) -> set[int]:
    """The strikes (0-based) the contact sheet shows: all, or ``max_strikes`` evenly spread
    from the first to the last."""
    if n_strikes <= max_strikes:
        return set(range(n_strikes))
    return {int(k) for k in np.round(np.linspace(0, n_strikes - 1, max_strikes))}


def _save_jpeg(path: Path, rgb: np.ndarray, *, in_place: bool = False) -> None:
    """``in_place``: the caller gives ``rgb`` up, and it is turned into BGR where it lies
    instead of in a copy (48 strikes' contact sheet: 22 MB)."""
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR, dst=rgb if in_place else None)
    ok = cv2.imwrite(str(path), bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise PosecheckError(f"{path}: could not write the image")
