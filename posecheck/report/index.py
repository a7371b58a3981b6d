"""The index page of a coach's session: :func:`write_index`, one row per clip.

Each row links the clip's report (relative to the index, so the folder can be moved or copied
whole), shows each check's verdict and value, and the number of warnings; a clip that failed
shows its error instead. Like the report, the page is self-contained and escapes every string
from outside posecheck.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Iterable
from pathlib import Path

from posecheck import __version__
from posecheck.checks.registry import BY_ID
from posecheck.report.page import esc, number, page, relative_href, verdict_badge
from posecheck.result import Analysis


@dataclasses.dataclass(frozen=True)
class CheckSummary:
    """One check of one clip, as the index shows it: ``id``, ``name``, ``verdict`` and the
    headline ``value`` already written with its unit."""

    id: str
    name: str
    verdict: str
    value: str


@dataclasses.dataclass(frozen=True)
class IndexEntry:
    """One clip of the session: its name, its report (None when there is none), its checks,
    its warnings (messages) and, when it failed, the ``error`` that stopped it."""

    clip: str
    report: Path | None = None
    checks: tuple[CheckSummary, ...] = ()
    warnings: tuple[str, ...] = ()
    error: str = ""
    duration_s: float | None = None

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @classmethod
    def from_analysis(cls, analysis: Analysis, report: str | Path | None) -> IndexEntry:
        """The row of an analysed clip whose report was written to ``report``."""
        checks = tuple(CheckSummary(f.check_id, f.name, f.verdict,
                                    number(f.value, f.measure.unit))
                       for f in analysis.findings)
        pose = analysis.pose
        duration = (float(pose.time_s[-1] - pose.time_s[0] + 1 / pose.fps)
                    if pose.n_frames else None)
        return cls(clip=analysis.video.name, report=Path(report) if report else None,
                   checks=checks, warnings=tuple(w.message for w in analysis.warnings),
                   duration_s=duration)

    @classmethod
    def from_error(cls, clip: str | Path, error: str | BaseException) -> IndexEntry:
        """The row of a clip that could not be analysed (``clip``: its path or name)."""
        message = str(error) or type(error).__name__
        return cls(clip=Path(clip).name, error=message)


def _columns(entries: list[IndexEntry]) -> list[tuple[str, str]]:
    """(check id, name) of every check any clip has, in the registry's order first."""
    seen: dict[str, str] = {}
    for check_id, module in BY_ID.items():
        if any(c.id == check_id for e in entries for c in e.checks):
            seen[check_id] = module.INFO.name
    for entry in entries:
        for c in entry.checks:
            seen.setdefault(c.id, c.name)
    if not seen:
        seen = {check_id: module.INFO.name for check_id, module in BY_ID.items()}
    return list(seen.items())


def _row(entry: IndexEntry, columns: list[tuple[str, str]], path: Path) -> str:
    name = esc(entry.clip)
    if entry.report is not None:
        name = f'<a href="{relative_href(entry.report, path)}">{name}</a>'
    if entry.failed:
        return (f'<tr class="failed"><td class="text">{name}</td>'
                f'<td class="text" colspan="{len(columns) + 1}"><span class="badge v-fix small">'
                f'failed</span> {esc(entry.error)}</td></tr>')
    by_id = {c.id: c for c in entry.checks}
    cells = []
    for check_id, _ in columns:
        c = by_id.get(check_id)
        cells.append(f'<td class="text">{verdict_badge(c.verdict, small=True)} '
                     f'<span class="note">{esc(c.value)}</span></td>' if c is not None
                     else '<td class="text">–</td>')
    warnings = (f'<td title="{esc(" | ".join(entry.warnings))}">{len(entry.warnings)}</td>'
                if entry.warnings else "<td>0</td>")
    duration = (f' <span class="note">{entry.duration_s:.1f} s</span>'
                if entry.duration_s is not None else "")
    return f'<tr><td class="text">{name}{duration}</td>{"".join(cells)}{warnings}</tr>'


def write_index(entries: Iterable[IndexEntry], path: str | Path) -> Path:
    """Write the session's index page to ``path`` and return it: one row per entry, in the
    order given."""
    path = Path(path)
    entries = list(entries)
    columns = _columns(entries)
    failed = sum(e.failed for e in entries)
    head = ('<tr><th class="text">clip</th>'
            + "".join(f'<th class="text">{esc(name)}</th>' for _, name in columns)
            + '<th>warnings</th></tr>')
    rows = "".join(_row(e, columns, path) for e in entries)
    counts = f"{len(entries)} clip{'s' if len(entries) != 1 else ''}"
    if failed:
        counts += f", {failed} failed"
    written = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    body = (
        '<header class="top"><div class="inner">'
        '<div class="brand">posecheck · running form review</div>'
        f'<h1>Session: {esc(counts)}</h1></div></header><main>'
        '<div class="scroll"><table class="data" id="clips">'
        f'{head}{rows}</table></div>'
        '<p class="note">Click a clip to open its report. Hover the warnings count to read '
        'them; each report explains them.</p>'
        f'<footer>Written by posecheck {esc(__version__)} on {written}. This page is '
        'self-contained: it loads nothing from the network.</footer></main>'
    )
    path.write_text(page(f"posecheck session – {counts}", body), encoding="utf-8")
    return path
