"""The native-stderr silence is one shared state: overlapping entries restore it once."""

from __future__ import annotations

import os
import sys
import threading

from posecheck import quiet


def _fd2_target() -> tuple[int, int]:
    st = os.fstat(2)
    return st.st_dev, st.st_ino


def test_nested_and_concurrent_entries_restore_the_real_stderr_once():
    before_stream, before_fd = sys.stderr, _fd2_target()
    devnull = os.stat(os.devnull)
    inside, release = threading.Barrier(3), threading.Event()
    errors: list[BaseException] = []

    def worker():
        try:
            with quiet.native_stderr_silenced():
                inside.wait(timeout=10)
                release.wait(timeout=10)
                print("worker message", file=sys.stderr)
        except BaseException as exc:  # reported below, so a thread's failure fails the test
            errors.append(exc)

    with quiet.native_stderr_silenced():
        assert _fd2_target() == (devnull.st_dev, devnull.st_ino)
        outer_stream = sys.stderr
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        inside.wait(timeout=10)  # both workers are inside the silence with the outer one
        release.set()
        for thread in threads:
            thread.join(timeout=10)
        # The workers left first (in either order); the outer silence and its stream still hold.
        assert sys.stderr is outer_stream and not outer_stream.closed
        assert _fd2_target() == (devnull.st_dev, devnull.st_ino)
        print("outer message", file=sys.stderr)
    assert errors == []
    assert sys.stderr is before_stream
    assert _fd2_target() == before_fd
    assert outer_stream.closed


def test_a_closed_stderr_is_left_alone(monkeypatch):
    closed = open(os.devnull, "w")
    closed.close()
    monkeypatch.setattr(sys, "stderr", closed)
    before_fd = _fd2_target()
    with quiet.native_stderr_silenced():
        assert sys.stderr is closed
    assert sys.stderr is closed and _fd2_target() == before_fd
