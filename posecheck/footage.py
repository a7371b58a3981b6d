"""Footage-level facts that need the pixels, not the pose: scene cuts, held frames, camera motion.

Issue 8: a number measured on footage that breaks an assumption of the analysis must carry a
warning instead of being shown as right. Three such breaks show only in the pixels:

- **scene cuts**: a new shot starts; tracks, steps and events must not be joined across it.
- **held frames**: slow motion made by repeating each image (e.g. 3 output frames per image); times
  between events are stretched and quantised to the hold, so step and contact times are wrong.
- **camera motion**: a panning or following camera moves the ground in the image, so image speeds
  (a planted foot "still", the runner's forward speed) are not ground speeds.

:class:`FootageMonitor` is fed every decoded frame once, ``update(rgb, time_s)``, by the loop that
already decodes the clip. It keeps the previous frame as a small grayscale copy (long side 160 px)
with its spectra, plus a few scalars per frame: memory grows by bytes per frame, never by frames.
``result()`` turns the scalars into a :class:`Footage`. :func:`capture_fps` reads a phone's capture
frame rate from the container (slow-motion phone clips) without decoding. :func:`scan_footage`
decodes a clip only for these signals (tests, benchmarks).

What is measured, on the small frame against the previous one:

- **change**: the largest mean absolute difference over 8x8-pixel blocks. A repeated image differs
  from its predecessor by compression noise (1-2 grey levels per block), a new image by motion
  somewhere (about 4 grey levels or more where something moved). A shot in which nothing at all
  moves cannot be told from a repeat and counts as held.
- **camera motion**: the picture (the frame without the bars of one colour an editor puts round a
  pillarboxed or letterboxed clip, :func:`picture_bounds`) is cut into bands of 16 rows, and each
  band into a left and a right tile (the outer thirds); the middle third, where a following
  camera or a treadmill shot keeps the runner, is left out. Phase correlation gives each tile's
  shift. A tile moves when its horizontal shift exceeds a fraction of the picture's height per
  frame (a tile is textured when its edges are strong enough for its brightness: a picture
  darker than a quarter of white asks for weaker edges in proportion). The camera moves when a
  large share of the textured tiles moves, on both sides, the
  same way: a following camera's ground fills the frame from the feet to the horizon, while a
  treadmill belt is one band and a runner crossing a static shot is on one side at a time. The
  frame's shift is the median over the moving tiles (the camera's motion over the ground), else
  over the still ones (about 0).
- **cuts**: a frame whose coarse appearance (a thumbnail, 1/8 of the small frame) jumps far more
  than its neighbours' do and that its predecessor does not predict (its tiles' phase-correlation
  peaks are low). The first alone fires on sun flare through leaves, the second alone on motion
  blur; a new shot does both. Gradual transitions (fades, dissolves) are not looked for.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import cv2
import numpy as np

from posecheck.video import _open, iter_frames


SMALL_LONG_SIDE_PX = 160  # small frame's long side: the same cost for landscape and portrait
BAND_ROWS = 16  # small-frame rows per band of tiles: 5 bands at 16:9, 10 at 9:16
SIDE_SHARE = 1 / 3  # a tile's share of the width (left and right thirds; the middle is left out)
BLOCK_PX = 8  # held-frame test block, small-frame px
THUMB_FACTOR = 8  # the cut test's thumbnail: the small frame / 8 (20 x 11 px at 16:9)

# Container keys that carry the capture frame rate of a slow-motion phone clip; first match wins.
CAPTURE_FPS_KEYS = (
    # Android writes a slow-motion recording's capture rate (MediaFormat KEY_CAPTURE_RATE) as this
    # 'mdta' float32 key; ExoPlayer/media3 read it as MdtaMetadataEntry.KEY_ANDROID_CAPTURE_FPS.
    "com.android.capture.fps",
    # Named by an iPhone probe tool; not in Apple's published QuickTime key list (unverified).
    "com.apple.quicktime.capture-fps",
)
# Any other tag named like a capture rate (e.g. a vendor's copy of the Android key).
CAPTURE_FPS_PATTERN = re.compile(r"capture[._-]?(fps|frame[._-]?rate|rate)$", re.IGNORECASE)


@dataclasses.dataclass(frozen=True, eq=False)
class Footage:
    """Per-frame signals and the clip-level facts derived from them.

    Entry i of a per-frame array compares frame i with frame i - 1 (with the first copy of the
    image, for a run of repeats); entry 0 has nothing to compare with and holds NaN, 0 or False.
    """

    width: int  # full (upright) frame, px
    height: int
    time_s: np.ndarray  # (n,) presentation times
    change: np.ndarray  # (n,) largest 8x8-block mean |difference|, grey levels of the small frame
    held: np.ndarray  # (n,) bool: the frame repeats the previous image
    shift_x_px: np.ndarray  # (n,) image motion of the camera's view, full-frame px per frame
    shift_y_px: np.ndarray  # (n,) (+x right, +y down); about 0 when the camera is still
    shift_response: np.ndarray  # (n,) median phase-correlation peak (0-1) of the tiles behind it
    moving_share: np.ndarray  # (n,) share of textured tiles moving more than the pan threshold
    camera_moving: np.ndarray  # (n,) bool: enough tiles moved, on both sides, the same way
    match: np.ndarray  # (n,) median tile phase-correlation peak: how well frame i-1 predicts i
    thumb_change: np.ndarray  # (n,) mean |difference| of the thumbnails, exposure change removed
    scene_cuts: tuple[int, ...]  # first frames of new shots
    held_share: float  # share of frames after the first that repeat the previous image
    distinct_images_per_s: float  # new images per second of playback (= fps with no repeats)
    frame_rate_fps: float  # playback frame rate from the frame times
    panning: bool  # the camera pans or follows over a sustained share of the clip
    panning_share: float  # share of compared frames (not first, held or cut) with camera_moving
    median_abs_shift_px: float  # median |shift| per frame over the compared frames

    @property
    def n_frames(self) -> int:
        return int(self.time_s.size)

    def summary(self) -> dict:
        """The clip-level facts as plain JSON values (kept in the pose sequence's ``meta``)."""
        return {"scene_cuts": [int(c) for c in self.scene_cuts],
                "held_share": round(float(self.held_share), 4),
                "distinct_images_per_s": round(float(self.distinct_images_per_s), 3),
                "panning": bool(self.panning),
                "panning_share": round(float(self.panning_share), 4),
                "median_abs_shift_px": round(float(self.median_abs_shift_px), 3)
                if np.isfinite(self.median_abs_shift_px) else None}


@dataclasses.dataclass(frozen=True)
class _Layout:
    """Sizes fixed by the first frame."""

    shape: tuple[int, int]  # full (height, width)
    small: tuple[int, int]  # small (height, width)
    band_top: int  # first row of the first band (the bands are centred vertically)
    n_bands: int
    tile_cols: int
    window: np.ndarray  # (BAND_ROWS, tile_cols) 2-D Hann

    @classmethod
    def for_shape(cls, shape: tuple[int, int]) -> _Layout:
        height, width = shape
        scale = SMALL_LONG_SIDE_PX / max(height, width)
        small_h = max(BAND_ROWS, round(height * scale))
        small_w = max(3 * BLOCK_PX, round(width * scale))
        n_bands = small_h // BAND_ROWS
        tile_cols = _fast_fft_len(round(small_w * SIDE_SHARE))
        window = np.outer(_hann(BAND_ROWS), _hann(tile_cols)).astype(np.float32)
        return cls(shape=(height, width), small=(small_h, small_w),
                   band_top=(small_h - n_bands * BAND_ROWS) // 2, n_bands=n_bands,
                   tile_cols=tile_cols, window=window)

    @property
    def px_per_small(self) -> float:
        return self.shape[1] / self.small[1]

    def tiles(self, small: np.ndarray) -> np.ndarray:
        """(n_bands, 2, BAND_ROWS, tile_cols): the left and right tile of each band."""
        bands = small[self.band_top: self.band_top + self.n_bands * BAND_ROWS]
        bands = bands.reshape(self.n_bands, BAND_ROWS, self.small[1])
        return np.stack([bands[:, :, : self.tile_cols], bands[:, :, -self.tile_cols:]], axis=1)


def _fast_fft_len(n: int) -> int:
    """The largest length <= n that FFTs quickly (a 5-smooth number): a third of 160 px is 53, a
    prime, whose FFT costs 3 times that of 50. The FFTs are NumPy's: scipy.fft would add 16 MB
    to the pose stage, whose peak sets the memory of a run (README, speed section)."""
    while cv2.getOptimalDFTSize(n) != n:
        n -= 1
    return n


def _hann(n: int) -> np.ndarray:
    """Hann window without its zero end points."""
    return np.hanning(n + 2)[1:-1]


@dataclasses.dataclass(frozen=True)
class _Seen:
    """What the monitor keeps of the last new image."""

    small: np.ndarray  # small grayscale frame, float32
    spectra: np.ndarray  # (n_bands, 2, BAND_ROWS, tile_cols // 2 + 1) windowed tile spectra
    texture: np.ndarray  # (n_bands, 2) mean |horizontal gradient| per tile, grey levels per px
    thumb: np.ndarray


class FootageMonitor:
    """Streams over a clip's frames keeping per-frame scalars; see the module docstring.

    Thresholds are grey levels of the small 8-bit frame, shares, or fractions of the frame height
    per frame; each comment says what it was set from ("shared clips": the 8 clips in
    ../shared/data/clips; "synthetic": posecheck.synth runners, static and pan cameras, 4
    backgrounds, landscape and portrait). ``result()`` takes the clip-level thresholds.
    """

    def __init__(
        self,
        *,
        # grey levels: repeats reach 1.0 in track_sprint and 2.2 in a noisy synthetic texture
        # encoded at x264 crf 23 (the encoder refines a repeated frame); new images of the shared
        # clips 3.8 or more (field-pan's still first second: broadcast noise, a crouched athlete)
        held_change: float = 3.0,
        # fraction of the frame height per frame. Still tiles of the shared clips move about
        # 0.1 % (median), the following clips' ground 1.6-5 %. A runner half the frame high
        # jogging at 3 m/s moves the ground ~1.4 % per frame at 60 fps, walking ~0.7 %.
        pan_min_height_share: float = 0.005,
        # mean |horizontal gradient| of a tile, grey levels per small px: below it a tile shows no
        # horizontal motion (sky, a plain wall, a horizon line). 1.0 drops the synthetic plain
        # backgrounds' noise-only tiles; grass_barefoot's blurred grass tiles are 0.7-2.4
        min_texture: float = 1.0,
        # mean grey level of the small frame below which min_texture scales with it: a dim
        # picture's edges are as much weaker as its light (the riverside following clip at a
        # fifth of its light, benchmarks/footage_variants.py's dim copy: mean grey 84 -> 16,
        # median tile texture 2.74 -> 0.58, the camera's move unseen). The shared clips' frames
        # average 81-152, so this leaves them as they were. Not below a fifth of min_texture
        # (mean grey 13): a picture darker than that is mostly sensor noise (no clip here is).
        dark_grey: float = 64.0,
        # phase-correlation peak: two unrelated noise tiles peak at 0.14 (16 x 50 px) to 0.16
        # (16 x 30) in median; grass_barefoot's moving ground often peaks at only 0.2-0.3
        min_tile_peak: float = 0.15,
        # share of textured tiles moving: the following clips' frames 0.3-0.7, the broadcast pan
        # 0.6-0.8; a treadmill belt or a crossing runner moves few tiles, and on one side only
        min_moving_share: float = 0.3,
    ) -> None:
        self.held_change = held_change
        self.pan_min_height_share = pan_min_height_share
        self.min_texture = min_texture
        self.dark_grey = dark_grey
        self.min_tile_peak = min_tile_peak
        self.min_moving_share = min_moving_share
        self._layout: _Layout | None = None
        self._frame_shape: tuple[int, int] | None = None
        self._picture: tuple[slice, slice] = (slice(None), slice(None))
        self._seen: _Seen | None = None
        self._rows: dict[str, list[float]] = {key: [] for key in _ROW_KEYS}

    def update(self, rgb: np.ndarray, time_s: float) -> None:
        """Take one decoded frame: (height, width, 3) uint8 RGB, upright, shown at ``time_s``."""
        if self._layout is None:
            self._frame_shape = rgb.shape[:2]
            self._picture = picture_bounds(rgb)
            self._layout = _Layout.for_shape(rgb[self._picture].shape[:2])
        elif rgb.shape[:2] != self._frame_shape:
            raise ValueError(f"frame size changed from {self._frame_shape} to {rgb.shape[:2]}")
        small = _downscale(rgb[self._picture], self._layout)
        if self._seen is None:
            row = dict(_FIRST_ROW)
            self._seen = self._describe(small)
        else:
            change = _block_change(self._seen.small, small)
            if change < self.held_change:  # a repeat: the first copy stays the reference
                row = dict(_HELD_ROW)
            else:
                current = self._describe(small)
                row = self._compare(self._seen, current)
                self._seen = current
            row["change"] = change
        row["time_s"] = float(time_s)
        for key in _ROW_KEYS:
            self._rows[key].append(row[key])

    def drop_first(self, n_frames: int) -> None:
        """Forget the first ``n_frames`` frames' signals (a worker's warm-up on frames another
        worker gives); the reference frame stays."""
        for key in _ROW_KEYS:
            del self._rows[key][:n_frames]

    def extend(self, later: FootageMonitor) -> None:
        """Append the signals of ``later``, a monitor fed the frames that follow this one's
        (one worker's part of the clip, warmed up on the frames before it)."""
        if self._layout is None:
            self._layout, self._frame_shape = later._layout, later._frame_shape
            self._picture = later._picture
        for key in _ROW_KEYS:
            self._rows[key].extend(later._rows[key])
        self._seen = later._seen

    def _describe(self, small: np.ndarray) -> _Seen:
        layout = self._layout
        tiles = layout.tiles(small)
        texture = np.abs(np.diff(tiles, axis=3)).mean(axis=(2, 3))
        centred = tiles - tiles.mean(axis=(2, 3), keepdims=True)
        spectra = np.fft.rfft2(centred * layout.window)
        thumb_size = (max(1, layout.small[1] // THUMB_FACTOR),
                      max(1, layout.small[0] // THUMB_FACTOR))
        thumb = cv2.resize(small, thumb_size, interpolation=cv2.INTER_AREA)
        return _Seen(small=small, spectra=spectra, texture=texture, thumb=thumb)

    def _compare(self, before: _Seen, after: _Seen) -> dict[str, float]:
        layout = self._layout
        shifts, peaks = _tile_shifts(before.spectra, after.spectra, layout.tile_cols)
        shifts_px = shifts * layout.px_per_small  # (n_bands, 2 sides, (x, y))
        light = min(float(before.small.mean()), float(after.small.mean())) / self.dark_grey
        textured = (np.minimum(before.texture, after.texture)
                    >= self.min_texture * min(1.0, max(light, 0.2)))
        usable = textured & (peaks >= self.min_tile_peak)
        moving = usable & (np.abs(shifts_px[..., 0]) >= self.pan_min_height_share * layout.shape[0])
        n_usable = int(usable.sum())
        moving_share = moving.sum() / n_usable if n_usable else np.nan
        camera_moving = bool(n_usable and moving_share >= self.min_moving_share
                             and _both_sides_agree(shifts_px[..., 0], moving))
        chosen = moving if camera_moving else usable & ~moving
        if chosen.any():
            shift = _median(shifts_px[chosen])
            response = float(_median(peaks[chosen]))
        else:
            shift, response = np.zeros(2), np.nan
        thumb_diff = after.thumb - before.thumb
        return dict(
            shift_x_px=float(shift[0]), shift_y_px=float(shift[1]), shift_response=response,
            moving_share=float(moving_share), camera_moving=float(camera_moving),
            match=float(_median(peaks[textured])) if textured.any() else np.nan,
            thumb_change=float(np.abs(thumb_diff - _median(thumb_diff.ravel())).mean()),
        )

    def result(
        self,
        *,
        # thumbnail change / its median over the compared frames within 5 either side:
        # grass_barefoot's 4 cuts score 3.7-7.6, every other frame of the shared clips at most 2.1
        # except sun flare through leaves in park_walking (up to 13; its tiles still match)
        cut_ratio: float = 3.0,
        cut_window: int = 5,
        # median tile peak: grass_barefoot's cuts 0.16-0.22; park_walking's flare frames 0.96+
        cut_max_match: float = 0.4,
        # grey levels: grass_barefoot's cuts change the thumbnail by 11-16, frames of the static
        # shared clips by 4.4 at most; stops a ratio over a near-still stretch firing alone
        cut_min_change: float = 6.0,
        # share of compared frames with the camera moving: the 3 following/panning shared clips
        # 0.6-0.8 (field-pan is still for its first second), the 5 static ones 0.0
        min_panning_share: float = 0.3,
    ) -> Footage:
        """The clip's :class:`Footage` from the frames seen so far."""
        if self._layout is None:
            raise ValueError("no frames were given to the monitor")
        rows = {key: np.asarray(values, dtype=float) for key, values in self._rows.items()}
        n = rows["time_s"].size
        held = np.zeros(n, bool)
        held[1:] = rows["change"][1:] < self.held_change
        cuts = _scene_cuts(rows["thumb_change"], rows["match"], held, ratio=cut_ratio,
                           window=cut_window, max_match=cut_max_match, min_change=cut_min_change)
        camera_moving = rows["camera_moving"] > 0
        compared = ~held
        compared[0] = False
        compared[list(cuts)] = False
        speed_px = np.hypot(rows["shift_x_px"], rows["shift_y_px"])
        panning_share = float(camera_moving[compared].mean()) if compared.any() else 0.0
        duration_s = _duration_s(rows["time_s"])
        height, width = self._frame_shape
        return Footage(
            width=width, height=height, time_s=rows["time_s"], change=rows["change"], held=held,
            shift_x_px=rows["shift_x_px"], shift_y_px=rows["shift_y_px"],
            shift_response=rows["shift_response"], moving_share=rows["moving_share"],
            camera_moving=camera_moving, match=rows["match"], thumb_change=rows["thumb_change"],
            scene_cuts=cuts,
            held_share=float(held[1:].mean()) if n > 1 else 0.0,
            distinct_images_per_s=float((n - held.sum()) / duration_s) if duration_s else np.nan,
            frame_rate_fps=float(n / duration_s) if duration_s else np.nan,
            panning=panning_share >= min_panning_share, panning_share=panning_share,
            median_abs_shift_px=float(np.median(speed_px[compared])) if compared.any() else 0.0,
        )


_ROW_KEYS = ("time_s", "change", "shift_x_px", "shift_y_px", "shift_response", "moving_share",
             "camera_moving", "match", "thumb_change")
_FIRST_ROW = dict(change=np.nan, shift_x_px=0.0, shift_y_px=0.0, shift_response=np.nan,
                  moving_share=np.nan, camera_moving=0.0, match=np.nan, thumb_change=np.nan)
# a repeated image: nothing moved and the previous image predicts it exactly
_HELD_ROW = dict(shift_x_px=0.0, shift_y_px=0.0, shift_response=1.0, moving_share=0.0,
                 camera_moving=0.0, match=1.0, thumb_change=0.0)


def picture_bounds(rgb: np.ndarray, *,
                   # grey levels: a bar of one colour, after compression, varies by 1-2 along
                   # its length and from its first line to its last; a picture's line, even of
                   # sky or a wall, by more
                   max_bar_std: float = 3.0,
                   min_bar_share: float = 0.02,  # thinner edges are kept (a border, a crop seam)
                   max_asymmetry: float = 0.03,  # of the frame: an export centres its picture
                   min_picture_share: float = 0.2,  # less left: a dark or blank first frame
                   ) -> tuple[slice, slice]:
    """Rows and columns of the picture inside the bars an editor adds around it (a portrait clip
    pillarboxed into a landscape export, a letterboxed one): the edge lines of one colour (grey
    levels varying by at most ``max_bar_std`` along each line and across the bar) found on both
    sides, equally wide within ``max_asymmetry`` of the frame. The camera-motion tiles are the
    picture's outer thirds (module notes), so without this a pillarboxed pan's tiles hold only
    the bars and the pan goes unseen. A plain background beside a runner to one side is not a
    bar (one side only, or unequal). The whole frame along an axis whose bars are thinner than
    ``min_bar_share`` of it or would leave less than ``min_picture_share``."""
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)
    bounds = []
    for axis in (0, 1):  # rows (their spread along each row), then columns
        lines = grey if axis == 0 else grey.T
        n = len(lines)
        flat = lines.std(axis=1) <= max_bar_std
        before = int(np.argmin(flat)) if not flat.all() else n
        after = int(np.argmin(flat[::-1])) if not flat.all() else n
        first, last = before, n - after
        bars = np.concatenate([lines[:first], lines[last:]]) if first < last else lines
        if (min(before, after) < min_bar_share * n or abs(before - after) > max_asymmetry * n
                or last - first < min_picture_share * n or bars.std() > max_bar_std):
            first, last = 0, n
        bounds.append(slice(first, last))
    return bounds[0], bounds[1]


def _downscale(rgb: np.ndarray, layout: _Layout) -> np.ndarray:
    """Grayscale float32 small frame: INTER_LINEAR to twice the small size, then INTER_AREA
    halves it (each small pixel averages 16 bilinear samples). 0.1-0.2 ms for any frame size on
    the 2-core benchmark machine; INTER_AREA straight from the frame costs 0.3-2.6 ms (its fast
    path needs an integer ratio) and gave the same signals on the shared clips."""
    small_h, small_w = layout.small
    twice = cv2.resize(rgb, (2 * small_w, 2 * small_h), interpolation=cv2.INTER_LINEAR)
    small = cv2.resize(twice, (small_w, small_h), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(small, cv2.COLOR_RGB2GRAY).astype(np.float32)


def _block_change(before: np.ndarray, after: np.ndarray) -> float:
    """Largest mean |difference| over BLOCK_PX x BLOCK_PX blocks, grey levels."""
    diff = cv2.absdiff(before, after)
    rows, cols = max(1, diff.shape[0] // BLOCK_PX), max(1, diff.shape[1] // BLOCK_PX)
    blocks = cv2.resize(diff[: rows * BLOCK_PX, : cols * BLOCK_PX], (cols, rows),
                        interpolation=cv2.INTER_AREA)
    return float(blocks.max())


def _tile_shifts(before: np.ndarray, after: np.ndarray, cols: int) -> tuple[np.ndarray, np.ndarray]:
    """Phase correlation of each tile from its spectra: (..., 2) shift (x, y) in small px that
    moves the earlier tile onto the later one, and (...) peak heights (1: the same picture)."""
    cross = after * np.conj(before)
    cross /= np.abs(cross) + 1e-12
    surface = np.fft.irfft2(cross, s=(BAND_ROWS, cols))
    lead = surface.shape[:-2]
    surface = surface.reshape(-1, BAND_ROWS, cols)
    tile = np.arange(surface.shape[0])
    best = surface.reshape(tile.size, -1).argmax(axis=1)
    row, col = np.unravel_index(best, (BAND_ROWS, cols))
    peak = surface[tile, row, col]
    dx = _subpixel(surface[tile, row, (col - 1) % cols], peak,
                   surface[tile, row, (col + 1) % cols])
    dy = _subpixel(surface[tile, (row - 1) % BAND_ROWS, col], peak,
                   surface[tile, (row + 1) % BAND_ROWS, col])
    x = np.where(col > cols // 2, col - cols, col) + dx
    y = np.where(row > BAND_ROWS // 2, row - BAND_ROWS, row) + dy
    return np.stack([x, y], axis=-1).reshape(*lead, 2), np.clip(peak, 0.0, 1.0).reshape(lead)


def _subpixel(left: np.ndarray, centre: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Sub-pixel offset of a phase-correlation peak from its two neighbours, in [-0.5, 0.5].

    Foroosh, Zerubia & Berthod (2002, IEEE TIP 11(3)): the peak's side lobe over the peak plus
    side lobe. On a synthetic texture shifted 0.5-9 px (median over the tiles) it was within
    0.05 px at 1280 x 720, 0.09 px at 720 x 1280 and 0.13 px at 320 x 180; a parabola through the
    three samples was off by up to 1.1 px at 1280 x 720.
    """
    left, right = np.maximum(left, 0.0), np.maximum(right, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(right >= left, right / (right + centre), -left / (left + centre))
    return np.clip(np.nan_to_num(offset), -0.5, 0.5)


def _both_sides_agree(shift_x: np.ndarray, moving: np.ndarray) -> bool:
    """Moving tiles on the left and on the right, shifting the same way: the whole view moves."""
    left, right = moving[:, 0], moving[:, 1]
    if not (left.any() and right.any()):
        return False
    return np.sign(_median(shift_x[:, 0][left])) == np.sign(_median(shift_x[:, 1][right]))


def _median(values: np.ndarray) -> np.ndarray:
    """np.median along the first axis, without its ~30 us overhead on a handful of values."""
    ordered = np.sort(values, axis=0)
    n = ordered.shape[0]
    return 0.5 * (ordered[(n - 1) // 2] + ordered[n // 2])


def _duration_s(time_s: np.ndarray) -> float:
    """Playback duration: last minus first time plus one typical frame interval."""
    if time_s.size < 2:
        return 0.0
    return float(time_s[-1] - time_s[0] + np.median(np.diff(time_s)))


def _scene_cuts(thumb_change: np.ndarray, match: np.ndarray, held: np.ndarray, *, ratio: float,
                window: int, max_match: float, min_change: float) -> tuple[int, ...]:
    """First frames of new shots; FootageMonitor.result describes the thresholds."""
    compared = ~held & np.isfinite(thumb_change)
    compared[0] = False
    cuts = []
    for i in np.flatnonzero(compared):
        if thumb_change[i] < min_change or not match[i] <= max_match:
            continue
        around = [j for j in range(max(1, i - window), min(held.size, i + window + 1))
                  if j != i and compared[j]]
        typical = float(np.median(thumb_change[around])) if around else 0.0
        if thumb_change[i] >= ratio * max(typical, 1.0):  # 1 grey level: compression noise
            cuts.append(int(i))
    return tuple(cuts)


# ---- container metadata -------------------------------------------------------------------------
def capture_fps(path: str | Path) -> float | None:
    """The capture frame rate a phone wrote into the file, or None when it wrote none.

    A slow-motion phone clip is captured at e.g. 120 or 240 fps and stored to play at 30: its
    frame times are then stretched by capture / playback. Reads the container's and the video
    stream's tags only; nothing is decoded.
    """
    container = _open(path)
    try:
        tag_sets = [dict(container.metadata), dict(container.streams.video[0].metadata)]
    finally:
        container.close()
    for key in CAPTURE_FPS_KEYS:
        for tags in tag_sets:
            fps = _positive_float(tags.get(key))
            if fps is not None:
                return fps
    for tags in tag_sets:
        for key, value in tags.items():
            fps = _positive_float(value) if CAPTURE_FPS_PATTERN.search(key) else None
            if fps is not None:
                return fps
    return None


def slow_motion_factor(capture: float | None, fps: float, *,
                       min_ratio: float = 1.2,  # frame-rate metadata jitters by a few percent
                       ) -> float:
    """How many times slower than real time a clip filmed at ``capture`` fps plays at ``fps``:
    1 when the file gives no capture rate or it is not clearly above the playback rate."""
    if capture is None or fps <= 0 or capture < min_ratio * fps:
        return 1.0
    return float(capture / fps)


def _positive_float(value: object) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) and number > 0 else None


_RESULT_KEYS = ("cut_ratio", "cut_window", "cut_max_match", "cut_min_change", "min_panning_share")


def scan_footage(video_path: str | Path, **thresholds: float) -> Footage:
    """Decode a clip and return its :class:`Footage` (the pose loop feeds its own monitor).

    ``thresholds`` are the keyword arguments of :class:`FootageMonitor` and of its ``result``.
    """
    monitor = FootageMonitor(**{k: v for k, v in thresholds.items() if k not in _RESULT_KEYS})
    for frame in iter_frames(video_path):
        monitor.update(frame.rgb, frame.time_s)
    return monitor.result(**{k: v for k, v in thresholds.items() if k in _RESULT_KEYS})
