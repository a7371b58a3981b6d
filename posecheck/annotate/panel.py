"""The panel in a corner of the teaching video: the clip time, then one row per check with the
latest foot strike's value, the clip's value and the verdict in words.

The verdict is written out (``good``, ``watch``, ``fix``) as well as coloured, so it reads in
greyscale and for any colour vision; an unknown verdict is a plain ``?``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from posecheck.annotate.draw import (
    BACKING_RGB,
    RGB,
    UNKNOWN_RGB,
    UNKNOWN_TEXT,
    VERDICT_RGB,
    WHITE,
    Annotator,
    draw_text_into,
    fill_box_into,
    text_size,
)

VERDICT_WORDS = {"good": "good", "watch": "watch", "fix": "fix", "unknown": UNKNOWN_TEXT}


@dataclasses.dataclass(frozen=True)
class PanelRow:
    """One check in the panel: its ``name``, the latest strike's value (``strike_text`` in
    ``strike_rgb``), the clip's value (``clip_text``) and the clip's ``verdict``."""

    name: str
    strike_text: str
    strike_rgb: RGB
    clip_text: str
    verdict: str

    @property
    def verdict_rgb(self) -> RGB:
        return VERDICT_RGB.get(self.verdict, UNKNOWN_RGB)


@dataclasses.dataclass(frozen=True, kw_only=True)
class PanelAnnotator(Annotator):
    """A table on a dark box in the top-left corner: a header line, a line of column titles,
    then the rows (name in white, strike value in its verdict colour, clip value and verdict
    word in the clip verdict's colour)."""

    margin_px: int = 10  # from the frame's corner, like the skeleton's time label
    column_gap_px: int = 14  # between columns: about a letter's width at the default size

    def draw_into(self, image: np.ndarray, *, header: str, columns: tuple[str, str],
                  rows: Sequence[PanelRow]) -> None:
        """``header``: the first line (e.g. the time); ``columns``: titles of the strike and
        clip value columns; ``rows``: one per check."""
        cells = [[(header, WHITE)],
                 [("", WHITE), (columns[0], UNKNOWN_RGB), (columns[1], UNKNOWN_RGB)]]
        for row in rows:
            cells.append([(row.name, WHITE), (row.strike_text, row.strike_rgb),
                          (row.clip_text, row.verdict_rgb),
                          (VERDICT_WORDS.get(row.verdict, UNKNOWN_TEXT), row.verdict_rgb)])
        widths = self._column_widths(cells[1:])
        line_height = text_size("Ag", self.text_px)[1]
        table_width = sum(widths) + self.column_gap_px * (len(widths) - 1)
        width = max(table_width, text_size(header, self.text_px)[0]) + 2 * self.pad_px
        height = len(cells) * line_height + 2 * self.pad_px
        x0, y0 = self.margin_px, self.margin_px
        fill_box_into(image, (x0, y0, x0 + width, y0 + height), BACKING_RGB, self.backing_opacity)
        y = y0 + self.pad_px
        for line in cells:
            x = x0 + self.pad_px
            for column, (text, rgb) in enumerate(line):
                if text:
                    draw_text_into(image, text, (x, y), size_px=self.text_px, rgb=rgb)
                if len(line) > 1:
                    x += widths[column] + self.column_gap_px
            y += line_height

    def _column_widths(self, lines: list[list[tuple[str, RGB]]]) -> list[int]:
        count = max(len(line) for line in lines)
        widths = [0] * count
        for line in lines:
            for column, (text, _) in enumerate(line):
                widths[column] = max(widths[column], text_size(text, self.text_px)[0])
        return widths
