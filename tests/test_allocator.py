"""Handing freed memory back to the system while a stage runs (posecheck.allocator)."""

from __future__ import annotations

import threading
import time

from posecheck import allocator


def test_freed_memory_is_released_on_every_tick_of_the_block_and_not_after(monkeypatch):
    calls = []
    ticked = threading.Event()

    def trim(pad: int) -> int:
        calls.append(pad)
        if len(calls) == 3:
            ticked.set()
        return 1

    monkeypatch.setattr(allocator, "_TRIM", trim)
    with allocator.releasing_freed_memory(every_s=0.01):
        assert ticked.wait(5.0)  # three releases while the block runs
    after = len(calls)
    time.sleep(0.05)
    assert len(calls) == after and set(calls) == {0}  # the thread stopped with the block
    assert not any(t.name == "posecheck-release-memory" for t in threading.enumerate())


def test_without_the_c_librarys_trim_the_block_just_runs(monkeypatch):
    monkeypatch.setattr(allocator, "_TRIM", None)
    with allocator.releasing_freed_memory(every_s=0.01):
        assert not any(t.name == "posecheck-release-memory" for t in threading.enumerate())
    allocator.release_freed_memory()  # nothing to call: no error


def test_the_command_line_loads_no_module_the_pose_stage_does_without():
    """scipy.signal, scipy.stats and scipy.interpolate (about 30 MB) and matplotlib load when
    the gait stage and the report first use them, not with the command line: the pose stage,
    whose two models make the process's peak, runs without them."""
    import subprocess
    import sys

    later = ("scipy.signal", "scipy.stats", "scipy.interpolate", "matplotlib")
    code = ("import sys, posecheck.cli, posecheck.analyze, posecheck.pose\n"
            f"print(sorted(m for m in sys.modules if m.startswith({later!r})))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"
