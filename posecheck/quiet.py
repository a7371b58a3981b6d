"""Keep MediaPipe's and LiteRT's native start-up chatter off the user's terminal.

The pose model's C++ code logs dozens of lines to file descriptor 2 each time a model loads.
Python cannot filter those, so while the model is in use fd 2 points at /dev/null and
``sys.stderr`` is re-pointed at a duplicate of the real stderr: posecheck's own messages and
progress bar still reach the terminal; the native lines do not.

fd 2 and ``sys.stderr`` belong to the whole process, so the silence is one shared state: the
first entry (from any thread) redirects, nested and concurrent entries only count, and the
last exit restores. (Each pose worker thread loads its own model inside the analysis's own
silence; were every entry to redirect and restore, the threads would close one another's
streams.)
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

# Read by MediaPipe's logging (glog/absl) and TFLite when they start; set before mediapipe loads.
os.environ.setdefault("GLOG_minloglevel", "3")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_lock = threading.Lock()
_depth = 0
# While silenced: the duplicate of the real fd 2 and the sys.stderr to put back.
_saved: tuple[int, TextIO] | None = None


def _silence() -> tuple[int, TextIO] | None:
    try:
        sys.stderr.flush()
        real_fd = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable stderr: nothing to protect
        return None
    python_stderr = sys.stderr
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(real_fd), "w", buffering=1, errors="replace")
    return real_fd, python_stderr


def _restore(saved: tuple[int, TextIO]) -> None:
    real_fd, python_stderr = saved
    ours = sys.stderr
    sys.stderr = python_stderr
    try:
        ours.flush()
        ours.close()
    except (OSError, ValueError):  # already closed by someone else: nothing left to flush
        pass
    os.dup2(real_fd, 2)
    os.close(real_fd)


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send fd 2 to /dev/null for the duration; Python's ``sys.stderr`` keeps working.

    Reentrant and thread-safe: only the outermost of overlapping entries redirects and restores.
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = _silence()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                saved, _saved = _saved, None
                _restore(saved)
