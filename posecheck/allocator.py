"""Handing memory the process has freed back to the system (glibc's ``malloc_trim``), and
fewer heaps for its threads to keep freed memory in (:func:`limit_arenas`); on a C library
without them, nothing.

glibc keeps what a program frees for its next allocations, and the pose stage leaves it holding
much of it unused: on a 72 s 1080p clip (the 24 s treadmill clip of ``benchmarks/speed.py``
repeated), with two pose threads, the memory in use stayed at 250-262 MB while glibc's heaps
grew from 275 to 502 MB, most of the growth a single heap of free blocks the size of a video
frame (glibc's ``malloc_info``), and the process from 467 to 588-697 MB (three runs); with one
thread, the clip repeated to 3 minutes reached 528 MB a quarter of the way in and 651 MB half
way. Released once a second (:func:`releasing_freed_memory`), the 72 s pose stage peaked at
503-534 MB (two runs) at the same speed (52.9-53.0 frames/s against 51.2-52.8), and the
3-minute analysis with one worker was at 370 and 421 MB (``benchmarks/memory.py``).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _libc_function(name: str) -> Callable[..., int] | None:
    try:
        return getattr(ctypes.CDLL(None), name)  # the C library this process runs on
    except (OSError, AttributeError):
        return None


_TRIM = _libc_function("malloc_trim")
_MALLOPT = _libc_function("mallopt")
_M_ARENA_MAX = -8  # glibc's malloc.h


def limit_arenas(count: int) -> None:
    """Let glibc keep at most ``count`` heaps ("arenas") for the process's threads, from now
    on (it keeps up to eight a core, one for each thread that allocates at the same time as
    another). Each heap holds on to what its threads freed, so the decoding, drawing and
    encoding threads of the teaching video each left frames of their own behind. On the 24 s
    1080p clip of ``benchmarks/speed.py`` (``analyze`` with two pose threads, the process's RSS
    sampled every 20 ms): glibc's default, the teaching video peaked at
    458-538 MB (six runs), from 298-311 MB when it started; with two arenas 413-436 MB (six
    runs), from 246-271 MB; with one 421-429 MB, but the pose stage then peaked at 444-448 MB
    against 431-441 with two and 426-427 with the default. The same speed (53-60 s for the run
    either way). Nothing on a C library without ``mallopt``."""
    if _MALLOPT is not None:
        _MALLOPT(_M_ARENA_MAX, int(count))


def release_freed_memory() -> None:
    """Hand the memory freed so far back to the system, so that the next stage's peak does not
    sit on top of what glibc would otherwise keep (after the pose stage of a 24 s 1080p clip:
    55 MB; after the teaching video's encoder, before the contact sheet: 45 MB)."""
    if _TRIM is not None:
        _TRIM(0)


@contextmanager
def releasing_freed_memory(every_s: float = 1.0) -> Iterator[None]:
    """Release freed memory every ``every_s`` seconds, from a thread of its own, while the
    ``with`` block runs (module docstring: 1 s kept the two-thread pose stage flat with no
    loss of speed)."""
    if _TRIM is None:
        yield
        return
    with repeating(release_freed_memory, every_s, name="posecheck-release-memory"):
        yield


@contextmanager
def repeating(action: Callable[[], object], every_s: float, *, name: str) -> Iterator[None]:
    """``action()`` every ``every_s`` seconds from a thread of its own (called ``name``) while
    the ``with`` block runs; the thread is stopped and joined when the block ends."""
    done = threading.Event()

    def run() -> None:
        while not done.wait(every_s):
            action()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
