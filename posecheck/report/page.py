"""What the report and the index page share: the page shell with its inline style, the verdict
colours and badges, value formatting, and escaping.

Offline by construction: the style is inline, the fonts are the system's, and the page's
Content-Security-Policy lets it load nothing but what it carries (``data:`` images and video)
and a video file beside it; no script, font, style or image comes from elsewhere.

Every string from outside posecheck (file names, metadata, messages) goes through :func:`esc`.
"""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from urllib.parse import quote

VERDICT_LABELS = {"good": "Good", "watch": "Watch", "fix": "Fix", "unknown": "Unknown"}

#: Verdict colours, Okabe-Ito (distinguishable with the common colour-vision deficiencies); the
#: verdict is always written in words too, so colour is never the only signal.
VERDICT_RGB = {"good": (0, 158, 115), "watch": (230, 159, 0), "fix": (213, 94, 0),
               "unknown": (140, 140, 140)}

#: Legs as the annotated video draws them (posecheck.overlay): left orange, right blue.
FOOT_RGB = {"left": (230, 159, 0), "right": (0, 114, 178)}

#: How a unit is written after a value, and how many decimals it gets (None: 3 significant).
UNITS = {"deg": ("°", 1), "steps/min": (" steps/min", 0), "leg lengths": (" leg lengths", 2),
         "m": (" m", 2), "s": (" s", 3)}

# Who sees the page: only what it carries and a video file in its own folder ('self' when the
# page is served, file: when opened from disk).
CSP = ("default-src 'none'; img-src data:; media-src 'self' data: blob: file:; "
       "style-src 'unsafe-inline'; script-src 'unsafe-inline'")


def esc(value: object) -> str:
    """``value`` as text safe inside HTML elements and quoted attributes."""
    return html.escape(str(value), quote=True)


def hex_colour(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def verdict_badge(verdict: str, *, small: bool = False) -> str:
    """The verdict as a coloured word (unknown verdicts of any spelling show as unknown)."""
    verdict = verdict if verdict in VERDICT_LABELS else "unknown"
    size = " small" if small else ""
    return f'<span class="badge v-{verdict}{size}">{VERDICT_LABELS[verdict]}</span>'


def number(value: float | None, unit: str = "", *, signed: bool = False,
           bare: bool = False, extra_decimals: int = 0) -> str:
    """``value`` with its unit for a reader ("19.4°", "180 steps/min"; ``bare``: without the
    unit, for a column that names it; ``extra_decimals`` for a small difference such as a
    spread); an en dash when missing."""
    if value is None or not math.isfinite(value):
        return "–"
    suffix, decimals = UNITS.get(unit, (f" {unit}" if unit else "", None))
    if decimals is not None:
        decimals += extra_decimals
    sign = "+" if signed else ""
    text = f"{value:{sign}.{decimals}f}" if decimals is not None else f"{value:{sign}.3g}"
    return text if bare else text + suffix


def seconds_label(t: float) -> str:
    """A clip time for a button: "1.25 s"."""
    return f"{t:.2f} s" if math.isfinite(t) else "–"


def relative_href(target: Path, page: Path) -> str:
    """A link from ``page`` to ``target`` that survives moving the folder (relative, URL-quoted,
    HTML-escaped)."""
    relative = os.path.relpath(Path(target).resolve(), Path(page).resolve().parent)
    return esc(quote(Path(relative).as_posix()))


STYLE = """
:root { --good: #009e73; --watch: #e69f00; --fix: #d55e00; --unknown: #8c8c8c;
  --ink: #1d232b; --muted: #5b6570; --line: #dde2e7; --paper: #f5f6f8; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink); line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 0 20px 40px; }
header.top { background: #1d232b; color: #fff; padding: 18px 0 16px; margin-bottom: 18px; }
header.top .inner { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
header.top h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; word-break: break-all; }
header.top .brand { color: #aab4bf; font-size: 13px; letter-spacing: .04em;
  text-transform: uppercase; }
header.top .meta { color: #d7dde3; font-size: 14px; }
h2 { font-size: 19px; margin: 28px 0 10px; }
h3 { margin: 0; font-size: 17px; }
section { margin-bottom: 8px; }
.note { color: var(--muted); font-size: 13.5px; }
.badge { display: inline-block; padding: 3px 11px; border-radius: 999px; font-weight: 700;
  font-size: 13px; letter-spacing: .03em; color: #fff; text-transform: uppercase; }
.badge.small { padding: 1px 8px; font-size: 11.5px; }
.v-good { background: var(--good); } .v-watch { background: var(--watch); color: #1d232b; }
.v-fix { background: var(--fix); } .v-unknown { background: var(--unknown); }
.summary { display: flex; flex-wrap: wrap; gap: 10px; margin: 4px 0 6px; padding: 0;
  list-style: none; }
.summary li { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
  padding: 8px 12px; display: flex; gap: 10px; align-items: center; }
.summary a { color: inherit; text-decoration: none; font-weight: 600; }
.warnings { background: #fff7e6; border: 1px solid #f0d9a8; border-left: 6px solid var(--watch);
  border-radius: 8px; padding: 10px 16px; margin: 12px 0; }
.warnings h2 { margin: 4px 0 6px; font-size: 17px; }
.warnings ul { margin: 0; padding-left: 20px; }
.warnings li { margin: 4px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr));
  gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  border-top: 6px solid var(--unknown); padding: 14px 16px 12px; display: flex;
  flex-direction: column; gap: 6px; }
.card.v-good-card { border-top-color: var(--good); }
.card.v-watch-card { border-top-color: var(--watch); }
.card.v-fix-card { border-top-color: var(--fix); }
.card .head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.card .value { font-size: 28px; font-weight: 700; line-height: 1.15; }
.card .value-label { font-size: 13px; color: var(--muted); margin-top: -4px; }
.card .stats { font-size: 13px; color: var(--muted); }
.card .cue { font-size: 15.5px; font-weight: 600; margin: 2px 0; padding: 8px 10px;
  background: #f1f4f7; border-radius: 8px; }
.card .why, .card .reason, .card .borderline, .card .left-out, .card .accuracy {
  font-size: 13.5px; margin: 0; }
.card .reason.unknown { color: #6b4b00; }
.card img.plot { width: 100%; height: auto; display: block; }
.card details { font-size: 13px; }
.card details table { font-size: 12.5px; }
.seek { font: inherit; font-size: 12.5px; border: 1px solid var(--line); background: #fff;
  border-radius: 6px; padding: 2px 8px; cursor: pointer; color: var(--ink); }
.seek:hover, .seek:focus { border-color: #0072b2; outline: none; }
.media { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); gap: 14px;
  align-items: start; }
@media (max-width: 900px) { .media { grid-template-columns: 1fr; } }
video { display: block; width: auto; height: auto; max-width: 100%; max-height: 78vh;
  margin: 0 auto; background: #000; border-radius: 10px; }
.controls { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; align-items: center; }
.gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
  gap: 10px; }
.gallery figure { margin: 0; background: var(--card); border: 1px solid var(--line);
  border-radius: 10px; overflow: hidden; cursor: pointer; }
.gallery img { width: 100%; display: block; }
.gallery figcaption { padding: 6px 8px; font-size: 12.5px; }
.panel { background: var(--card); border: 1px solid var(--line); border-radius: 12px;
  padding: 12px; }
.panel img.plot { width: 100%; height: auto; display: block; }
table.data { border-collapse: collapse; width: 100%; background: var(--card); font-size: 13.5px; }
table.data th, table.data td { border-bottom: 1px solid var(--line); padding: 5px 8px;
  text-align: right; white-space: nowrap; }
table.data th { background: #eef1f4; font-weight: 600; position: sticky; top: 0; }
table.data td.text, table.data th.text { text-align: left; white-space: normal; }
table.data tr.out td { color: #8a939c; }
table.data tr[data-seek] { cursor: pointer; }
table.data tr[data-seek]:hover td, table.data tr[data-seek]:focus td { background: #eaf3fb; }
td.off { text-decoration: line-through; }
.foot-left { color: #a86f00; font-weight: 600; } .foot-right { color: #0072b2; font-weight: 600; }
.scroll { overflow-x: auto; border: 1px solid var(--line); border-radius: 10px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0;
  font-size: 13.5px; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; word-break: break-word; }
.twocol { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
@media (max-width: 800px) { .twocol { grid-template-columns: 1fr; } }
footer { color: var(--muted); font-size: 12.5px; margin-top: 30px; }
a { color: #0061a0; }
@media print { header.top { background: none; color: #000; } video, .controls { display: none; }
  .card { break-inside: avoid; } }
"""


def page(title: str, body: str, *, script: str = "") -> str:
    """A whole HTML document: ``title`` is escaped here, ``body`` and ``script`` are trusted
    markup built by this package."""
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<meta name=\"referrer\" content=\"no-referrer\"><title>{esc(title)}</title>"
        f"<style>{STYLE}</style></head>\n<body>\n{body}\n{script_tag}</body></html>\n"
    )
