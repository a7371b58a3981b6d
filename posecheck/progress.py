"""A one-line progress bar on a terminal; silent when stderr is not a terminal (logs, CI)."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, label: str, total: int, *, enabled: bool | None = None,
                 unit: str = "frames") -> None:
        self.label = label
        self.unit = unit
        self.total = max(int(total), 0)
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._start = time.monotonic()
        self._last_draw = 0.0
        self.count = 0

    def update(self, count: int = 1) -> None:
        self.count += count
        now = time.monotonic()
        if self.enabled and (now - self._last_draw > 0.1 or self.count >= self.total):
            self._last_draw = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        width = 28
        done = min(self.count / self.total, 1.0) if self.total else 0.0
        bar = "#" * int(done * width) + "-" * (width - int(done * width))
        if self.unit == "frames":
            rate = self.count / max(now - self._start, 1e-9)
            tail = f"frames  {rate:5.1f} fps"
        else:
            tail = self.unit
        sys.stderr.write(f"\r{self.label:<14} [{bar}] {self.count}/{self.total or '?'} {tail}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            self._draw(time.monotonic())
            sys.stderr.write("\n")
            sys.stderr.flush()

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self._start
