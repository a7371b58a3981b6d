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
    """scipy (40 MB of RSS with scipy.optimize, which the tracking and the synthetic runner use,
    28 MB more with scipy.signal, stats and interpolate) and matplotlib (13 MB) load when the
    tracking, the gait stage and the report first use them, not with the command line: the pose
    stage, whose two models make the process's peak, runs without them (its frame-change
    signals use NumPy's FFT)."""
    import subprocess
    import sys

    later = ("scipy", "matplotlib")
    code = ("import sys, posecheck.cli, posecheck.analyze, posecheck.pose\n"
            f"print(sorted(m for m in sys.modules if m.startswith({later!r})))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "[]"


_COUNT_HEAPS = """
import ctypes, os, sys, tempfile, threading
from posecheck import allocator
if sys.argv[1] != "default":
    allocator.limit_arenas(int(sys.argv[1]))
start = threading.Barrier(6)
def allocate():
    start.wait()  # all six allocate at the same time: glibc would give each a heap
    blocks = [ctypes.create_string_buffer(4096) for _ in range(2000)]
    start.wait()
threads = [threading.Thread(target=allocate) for _ in range(6)]
for t in threads: t.start()
for t in threads: t.join()
libc = ctypes.CDLL(None)
libc.fopen.restype = ctypes.c_void_p
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "info.xml")
    f = libc.fopen(path.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(f))
    libc.fclose(ctypes.c_void_p(f))
    print(open(path).read().count("<heap nr="))
"""


def test_limit_arenas_caps_the_heaps_threads_allocate_from():
    """Six threads allocating at once get heaps of their own from glibc unless the limit caps
    them (glibc's ``malloc_info`` lists one ``<heap>`` per arena)."""
    import platform
    import subprocess
    import sys

    import pytest

    if platform.libc_ver()[0] != "glibc":
        pytest.skip("not glibc: posecheck.allocator.limit_arenas does nothing here")

    def heaps(limit: str) -> int:
        return int(subprocess.run([sys.executable, "-c", _COUNT_HEAPS, limit], check=True,
                                  capture_output=True, text=True).stdout)

    assert heaps("2") == 2
    assert heaps("1") == 1
    assert heaps("default") > 2
