"""Keep MediaPipe's and LiteRT's native start-up chatter off the user's terminal.

The pose model's C++ code logs dozens of lines to file descriptor 2 each time a model loads.
Python cannot filter those, so while the model is in use fd 2 points at /dev/null and
``sys.stderr`` is re-pointed at a duplicate of the real stderr: posecheck's own messages and
progress bar still reach the terminal; the native lines do not.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

# Read by MediaPipe's logging (glog/absl) and TFLite when they start; set before mediapipe loads.
os.environ.setdefault("GLOG_minloglevel", "3")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send fd 2 to /dev/null for the duration; Python's ``sys.stderr`` keeps working."""
    try:
        sys.stderr.flush()
        real_fd = os.dup(2)
    except (OSError, ValueError):  # no usable stderr (e.g. closed): nothing to protect
        yield
        return
    python_stderr = sys.stderr
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(os.dup(real_fd), "w", buffering=1, errors="replace")
    try:
        yield
    finally:
        sys.stderr.flush()
        sys.stderr.close()
        sys.stderr = python_stderr
        os.dup2(real_fd, 2)
        os.close(real_fd)
