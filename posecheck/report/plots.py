"""The report's figures (matplotlib), each returned as a ``data:`` URI that the page carries.

- :func:`time_figure`: knee flexion, lean and foot offset through the clip with the foot strikes
  marked, and the cadence of each step, on one time axis (a clip over :data:`MAX_CURVES_S`:
  each step's values and their running median, see :func:`shows_curves`);
- :func:`per_step_figure`: one check's value per step against its verdict zones;
- :func:`knee_only_figure`: the knee angles alone, for a clip whose gait stage failed.

Figures are built on :class:`matplotlib.figure.Figure` without pyplot (no global state, no
interactive backend; PNGs render with Agg) and written as SVG with text kept as text, so they
stay sharp at any zoom and small. Colours: the legs as the annotated video draws them (left
orange, right blue), the verdict zones in the verdict colours.
"""

from __future__ import annotations

import base64
import io
import math
import warnings

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from posecheck.checks.context import Baseline
from posecheck.checks.finding import Finding
from posecheck.checks.registry import headline_bands
from posecheck.checks.steps import collect_steps
from posecheck.gait.analysis import GaitAnalysis
from posecheck.report.page import FOOT_RGB, VERDICT_RGB
from posecheck.report.signals import FEET, TimeSignals, knee_flexion_series
from posecheck.sequence import PoseSequence, nearest_frames

RC = {
    "svg.fonttype": "none",  # text stays text: sharp, searchable, and a tenth of the size
    "svg.hashsalt": "posecheck",  # the same figure gives the same file
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: the same layout everywhere
    "font.size": 9.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#9aa3ad",
    "axes.labelcolor": "#1d232b",
    "xtick.color": "#4a545e",
    "ytick.color": "#4a545e",
    "axes.grid": True,
    "grid.color": "#e6e9ed",
    "grid.linewidth": 0.8,
    "legend.frameon": False,
}
INK = "#1d232b"
GREY = "#9aa3ad"
#: A clip longer than this (seconds) gets each step's values and their running median in the
#: time plot instead of the curves and a line per foot strike: a minute of curves on a page's
#: width fills the panels solid (a step every 0.35 s is 170 lines a minute).
MAX_CURVES_S = 30.0
#: The running median's window in steps (about 5 s of running): a trend through the clip that
#: a single odd step does not move.
RUNNING_STEPS = 15


def _rgb(rgb: tuple[int, int, int]) -> tuple[float, float, float]:
    return tuple(c / 255 for c in rgb)  # type: ignore[return-value]


FOOT = {foot: _rgb(rgb) for foot, rgb in FOOT_RGB.items()}
VERDICT = {verdict: _rgb(rgb) for verdict, rgb in VERDICT_RGB.items()}


def data_uri(fig: Figure, *, fmt: str = "svg", dpi: float = 110.0) -> str:
    """The figure as a ``data:`` URI (``fmt`` ``"svg"`` or ``"png"``)."""
    buffer = io.BytesIO()
    with rc_context(RC):
        metadata = {"Date": None} if fmt == "svg" else None
        fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", metadata=metadata)
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(buffer.getvalue()).decode('ascii')}"


def _figure(width_in: float, height_in: float, rows: int = 1) -> tuple[Figure, list[Axes]]:
    with rc_context(RC):
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        axes = fig.subplots(rows, 1, sharex=True, squeeze=False)[:, 0]
    return fig, list(axes)


# ---- verdict zones -------------------------------------------------------------------------

def verdict_zones(finding: Finding, baseline: Baseline | None = None
                  ) -> list[tuple[float, float, str]]:
    """(low, high, verdict) bands of the headline value, for drawing: the check's own rule
    (:func:`posecheck.checks.registry.headline_bands`) under the finding's thresholds. Empty
    when the finding carries no thresholds. The verdict itself is the check's (the lean's waist
    bend, for one, is judged on another measure)."""
    bands = headline_bands(finding.check_id, finding.thresholds, baseline)
    return bands.as_tuples() if bands is not None else []


def _zone_limits(zones: list[tuple[float, float, str]]) -> list[float]:
    return [x for low, high, _ in zones for x in (low, high) if math.isfinite(x)]


def _draw_zones(ax: Axes, zones: list[tuple[float, float, str]], low: float, high: float,
                *, alpha: float = 0.13) -> None:
    for z_low, z_high, verdict in zones:
        a, b = max(z_low, low), min(z_high, high)
        if a < b:
            ax.axhspan(a, b, color=VERDICT[verdict], alpha=alpha, lw=0, zorder=0)


def _limits(values: list[float], *, pad_share: float = 0.12) -> tuple[float, float]:
    values = [v for v in values if math.isfinite(v)]
    if not values:
        return 0.0, 1.0
    low, high = min(values), max(values)
    pad = (high - low) * pad_share or max(abs(high) * 0.1, 1.0)
    return low - pad, high + pad


def _unit_label(unit: str) -> str:
    return {"deg": "degrees"}.get(unit, unit)


# ---- per-step values of one check ----------------------------------------------------------

def per_step_figure(finding: Finding, feet: tuple[str, ...], *,
                    baseline: Baseline | None = None) -> Figure | None:
    """One check's headline value per step (filled: counted, in the landing foot's colour;
    hollow grey: left out), its median (dashed) and its verdict zones. None without any
    measured step."""
    m = finding.measure
    values = m.per_step
    if not np.isfinite(values).any():
        return None
    steps = np.arange(1, len(values) + 1)
    zones = verdict_zones(finding, baseline)
    used = m.used
    low, high = _limits([*values[np.isfinite(values)], *_zone_limits(zones)])
    fig, (ax,) = _figure(3.8, 1.4)
    with rc_context(RC):
        _draw_zones(ax, zones, low, high)
        _dots(ax, steps, values, feet, used, filled={"ms": 7, "mew": 0.7, "mec": INK},
              hollow={"ms": 6.5, "mew": 1.3, "mec": GREY}, zorder=3)
        if math.isfinite(m.value):
            ax.axhline(m.value, color=INK, lw=1.1, ls="--", zorder=2)
        ax.set_ylim(low, high)
        ax.set_xlim(0.4, len(values) + 0.6)
        ax.set_xticks(steps if len(steps) <= 16 else steps[:: math.ceil(len(steps) / 16)])
        ax.set_xlabel("step", labelpad=1)
        ax.set_ylabel(_unit_label(m.unit))
        ax.grid(axis="x", visible=False)
    return fig


# ---- the clip over time --------------------------------------------------------------------

def _foot_strikes(ax: Axes, gait: GaitAnalysis) -> None:
    """A full-height line at each foot strike in the foot's colour (one collection for all: a
    long clip has thousands, and a line object each took 30 MB and 13 s for 3 minutes)."""
    ic = np.asarray(gait.events.ic_s, dtype=float)
    shown = np.isfinite(ic)
    colours = [FOOT.get(foot, GREY) for foot, keep in zip(gait.events.foot, shown) if keep]
    if shown.any():
        ax.vlines(ic[shown], 0, 1, transform=ax.get_xaxis_transform(), colors=colours, lw=1.0,
                  alpha=0.55, zorder=1)


def _dots(ax: Axes, x: np.ndarray, y: np.ndarray, feet: tuple[str, ...], used: np.ndarray, *,
          filled: dict, hollow: dict, zorder: float) -> None:
    """Per-step values at (x, y): counted ones filled in the landing foot's colour with an
    ink edge, the others hollow with a grey edge (``filled`` / ``hollow``: marker size ``ms``
    and edge width ``mew`` in points). Two scatter collections, not a line object per dot."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    n = min(len(x), len(y))
    shown = np.isfinite(x[:n]) & np.isfinite(y[:n])
    counted = shown & np.asarray(used[:n], dtype=bool)
    for mask, style, face in ((counted, filled, None), (shown & ~counted, hollow, "white")):
        if not mask.any():
            continue
        index = np.flatnonzero(mask)
        faces = face or [FOOT.get(feet[j] if j < len(feet) else "", INK) for j in index]
        ax.scatter(x[index], y[index], s=style["ms"] ** 2, marker="o", c=faces,
                   edgecolors=style["mec"], linewidths=style["mew"], zorder=zorder)


def _step_marks(ax: Axes, times: np.ndarray, finding: Finding | None, feet: tuple[str, ...],
                *, label: str, ms: float = 6.5) -> list[Line2D]:
    """The check's per-step values at their instants: filled when counted, hollow when not
    (markers ``ms`` points across). Returns their legend entries."""
    if finding is None:
        return []
    m = finding.measure
    mew = 1.1 * ms / 6.5
    _dots(ax, times, m.per_step, feet, m.used, filled={"ms": ms, "mew": mew, "mec": INK},
          hollow={"ms": ms, "mew": mew, "mec": GREY}, zorder=4)
    shown = np.isfinite(m.per_step) & np.isfinite(times[: len(m.per_step)])
    handles = [Line2D([], [], ls="", marker="o", ms=6.5, mfc=GREY, mec=INK, label=label)]
    if (shown & ~m.used).any():
        handles.append(Line2D([], [], ls="", marker="o", ms=6.5, mfc="white", mec=GREY,
                              label="left out"))
    return handles


def threshold_edges(zones: list[tuple[float, float, str]]) -> list[tuple[float, str]]:
    """(value, verdict) of each finite boundary between verdict zones, ascending, named by the
    worse of the two verdicts it separates (the threshold of that verdict)."""
    rank = {"good": 0, "watch": 1, "fix": 2, "unknown": 3}
    edges: dict[float, str] = {}
    for low, high, verdict in zones:
        for edge in (low, high):
            if math.isfinite(edge):
                known = edges.get(edge, "good")
                edges[edge] = verdict if rank[verdict] > rank[known] else known
    return sorted(edges.items())


def _threshold_lines(ax: Axes, finding: Finding | None, baseline: Baseline | None) -> None:
    """Each threshold as a dashed line in its verdict's colour, named at the right end (labels
    alternate below and above their lines so neighbours do not collide)."""
    if finding is None:
        return
    for i, (edge, verdict) in enumerate(threshold_edges(verdict_zones(finding, baseline))):
        ax.axhline(edge, color=VERDICT[verdict], lw=1.1, ls=(0, (4, 3)), zorder=2)
        ax.annotate(verdict, (0.995, edge), xycoords=ax.get_yaxis_transform(),
                    xytext=(0, -2 if i % 2 == 0 else 2), textcoords="offset points",
                    ha="right", va="top" if i % 2 == 0 else "bottom", fontsize=7.5,
                    color=VERDICT[verdict], zorder=5)


def shows_curves(signals: TimeSignals, *, max_curves_s: float | None = None) -> bool:
    """Whether :func:`time_figure` draws the curves and the foot strikes (a clip of at most
    ``max_curves_s``, default :data:`MAX_CURVES_S`) or, for a longer one, each step's values
    and their running median."""
    limit = MAX_CURVES_S if max_curves_s is None else max_curves_s
    t = signals.time_s
    return len(t) < 2 or float(t[-1] - t[0]) <= limit


def running_median(values: np.ndarray, window: int = RUNNING_STEPS) -> np.ndarray:
    """The centred running median of ``values`` over ``window`` of them (an odd number; NaN
    values left out, fewer values at the two ends); NaN where a window holds none."""
    half = window // 2
    values = np.asarray(values, dtype=float)
    padded = np.concatenate([np.full(half, np.nan), values, np.full(half, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-NaN window gives NaN
        return np.nanmedian(windows, axis=1)


def _running_line(ax: Axes, times: np.ndarray, values: np.ndarray, *, colour: str = INK,
                  label: str = f"median of {RUNNING_STEPS} steps") -> None:
    """The running median of per-step ``values`` (NaN: left out) at their ``times``."""
    n = min(len(times), len(values))
    x, y = np.asarray(times[:n], dtype=float), np.asarray(values[:n], dtype=float)
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 2:
        return
    order = np.argsort(x[keep])
    ax.plot(x[keep][order], running_median(y[keep][order]), color=colour, lw=2.0, zorder=5,
            label=label)


def _counted(finding: Finding | None) -> np.ndarray:
    """The per-step values of ``finding`` that count toward its verdict (NaN for the rest)."""
    if finding is None:
        return np.array([])
    m = finding.measure
    return np.where(np.asarray(m.used, dtype=bool), m.per_step, np.nan)


def _at_steps(time_s: np.ndarray, series: np.ndarray, step_s: np.ndarray) -> np.ndarray:
    """``series`` (one value a frame) at each step's time ``step_s``, from the nearest frame;
    NaN where a step has no time."""
    step_s = np.asarray(step_s, dtype=float)
    out = np.full(len(step_s), np.nan)
    finite = np.isfinite(step_s)
    if len(time_s) and finite.any():
        out[finite] = np.asarray(series, dtype=float)[nearest_frames(time_s, step_s[finite])]
    return out


def time_figure(signals: TimeSignals, gait: GaitAnalysis, findings: dict[str, Finding], *,
                baseline: Baseline | None = None, max_curves_s: float | None = None) -> Figure:
    """Four panels on one time axis: knee flexion of each leg, the whole-body lean in stance
    with the trunk angle, each ankle ahead of the centre of mass, and each step's cadence.
    Vertical lines mark the foot strikes (left orange, right blue); dots are the values the
    checks read (filled: counted; hollow: left out); dashed lines the watch and fix
    thresholds. A clip longer than ``max_curves_s`` (:func:`shows_curves`) keeps the dots and
    the thresholds and shows the running median of the counted steps in place of the curves
    and the foot strikes."""
    fig, axes = _figure(10.5, 8.4, rows=4)
    t = signals.time_s
    events = gait.events
    feet = events.foot
    curves = shows_curves(signals, max_curves_s=max_curves_s)
    steps = collect_steps(gait)
    with rc_context(RC):
        knee, lean, offset, cadence = axes
        for foot in FEET if curves else ():
            knee.plot(t, signals.knee_flexion_deg[foot], color=FOOT[foot], lw=1.6,
                      label=f"{foot} knee")
        # where the knee check read it: about a frame before the strike (checks.steps)
        ms = 6.5 if curves else 4.0  # minutes of steps: smaller dots
        marks = {knee: _step_marks(knee, steps.knee_s, findings.get("knee"), feet,
                                   label="as the foot lands", ms=ms)}
        _threshold_lines(knee, findings.get("knee"), baseline)
        knee.set_ylabel("knee flexion (°)")
        knee.set_title("Knee bend (0° = straight leg)", loc="left", fontsize=10.5,
                       fontweight="bold")

        if curves:
            lean.plot(t, signals.trunk_deg, color=GREY, lw=1.2, label="trunk")
            lean.plot(t, signals.lean_deg, color=INK, lw=2.0, label="whole body (in stance)")
        marks[lean] = _step_marks(lean, events.mid_stance_s, findings.get("lean"), feet,
                                  label="mid-stance", ms=ms)
        _threshold_lines(lean, findings.get("lean"), baseline)
        lean.set_ylabel("lean (°)")
        lean.set_title(f"Forward lean against the {signals.lean_reference}", loc="left",
                       fontsize=10.5, fontweight="bold")

        for foot in FEET if curves else ():
            offset.plot(t, signals.foot_offset_leg[foot], color=FOOT[foot], lw=1.6,
                        label=f"{foot} ankle")
        offset.axhline(0, color=INK, lw=0.8)
        marks[offset] = _step_marks(offset, events.ic_s, findings.get("landing"), feet,
                                    label="at foot strike", ms=ms)
        _threshold_lines(offset, findings.get("landing"), baseline)
        offset.set_ylabel("leg lengths")
        offset.set_title("Ankle ahead of the centre of mass", loc="left", fontsize=10.5,
                         fontweight="bold")

        found = findings.get("cadence")
        if found is not None and np.isfinite(found.measure.per_step).any():
            marks[cadence] = _step_marks(cadence, events.ic_s, found, feet, label="step", ms=ms)
            if math.isfinite(found.value):
                cadence.axhline(found.value, color=INK, lw=1.1, ls="--", label="median")
            _threshold_lines(cadence, found, baseline)
        else:
            cadence.text(0.5, 0.5, "no cadence: too few steps", transform=cadence.transAxes,
                         ha="center", va="center", color=GREY)
        if math.isfinite(gait.rhythm_cadence_spm):
            cadence.axhline(gait.rhythm_cadence_spm, color=GREY, lw=1.0, ls=":",
                            label="legs' rhythm")
        cadence.set_ylabel("steps/min")
        cadence.set_title("Cadence, step by step", loc="left", fontsize=10.5, fontweight="bold")
        cadence.set_xlabel("time (s)")
        if not curves:
            for ax, key, times in ((knee, "knee", steps.knee_s), (offset, "landing", events.ic_s),
                                   (cadence, "cadence", events.ic_s)):
                _running_line(ax, times, _counted(findings.get(key)))
            # the lean panel's lines, as the curves show them, read at each mid-stance
            mid = events.mid_stance_s
            _running_line(lean, mid, _at_steps(t, signals.trunk_deg, mid), colour=GREY,
                          label=f"trunk, median of {RUNNING_STEPS} steps")
            _running_line(lean, mid, _at_steps(t, signals.lean_deg, mid),
                          label=f"whole body, median of {RUNNING_STEPS} steps")
        for ax in axes:
            if curves:
                _foot_strikes(ax, gait)
            handles = ax.get_legend_handles_labels()[0] + marks.get(ax, [])
            if handles:
                ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0),
                          fontsize=8.5)
        if len(t):
            cadence.set_xlim(t[0], t[-1])
    return fig


def knee_only_figure(pose: PoseSequence) -> Figure:
    """The knee angles through the clip without foot events (the gait stage failed)."""
    fig, (ax,) = _figure(10.5, 2.4)
    flexion = knee_flexion_series(pose)
    with rc_context(RC):
        for foot in FEET:
            ax.plot(pose.time_s, flexion[foot], color=FOOT[foot], lw=1.6, label=f"{foot} knee")
        ax.set_ylabel("knee flexion (°)")
        ax.set_xlabel("time (s)")
        ax.set_title("Knee bend (0° = straight leg); no foot strikes found", loc="left",
                     fontsize=10.5, fontweight="bold")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    return fig
