"""Test-only start-up hook (``tests/support/model_watch.py``): every posecheck pose model
(``posecheck.pose.PoseDetector``) this Python process builds adds a line to the file named by
``POSECHECK_TEST_MODEL_LOG``.

The tests put this folder on PYTHONPATH, so every Python process they start (``posecheck
analyze`` in a subprocess, a session's worker processes, the pose stage's) runs it at start-up.
It changes nothing until ``posecheck.pose`` is imported, and then only wraps the detector's
``__init__``.
"""

import os
import sys

LOG_ENV = "POSECHECK_TEST_MODEL_LOG"


def record() -> None:
    """One line for one pose model built, in the log the environment names now."""
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")


def watch(module) -> None:
    """Wrap ``module.PoseDetector.__init__`` (``module`` is ``posecheck.pose``) to record each
    model it builds; once only."""
    detector = module.PoseDetector
    if getattr(detector.__init__, "posecheck_watched", False):
        return
    build = detector.__init__

    def __init__(self, *args, **kwargs):
        build(self, *args, **kwargs)
        record()  # built: a model that failed to load is not counted

    __init__.posecheck_watched = True
    __init__.__doc__ = build.__doc__
    detector.__init__ = __init__


class _WatchPoseModule:
    """Finds ``posecheck.pose`` with the other finders and watches it once it has run."""

    def find_spec(self, name, path=None, target=None):
        if name != "posecheck.pose":
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None:
                run = spec.loader.exec_module

                def exec_module(module, run=run):
                    run(module)
                    watch(module)

                spec.loader.exec_module = exec_module
                return spec
        return None


def _run_the_next_sitecustomize() -> None:
    """This file hides any other ``sitecustomize`` (Debian's Python has one): run the next one
    on the path, as Python would have without this folder on PYTHONPATH."""
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        folder = os.path.abspath(entry or os.curdir)
        candidate = os.path.join(folder, "sitecustomize.py")
        if folder != here and os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_posecheck_next_sitecustomize",
                                                          candidate)
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
            return


if __name__ == "sitecustomize":  # run at start-up (tests/support/model_watch.py imports it too)
    if os.environ.get(LOG_ENV):
        sys.meta_path.insert(0, _WatchPoseModule())
    _run_the_next_sitecustomize()
