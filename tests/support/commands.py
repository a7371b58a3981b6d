"""Running ``posecheck`` as a user does, in a subprocess, offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support.paths import PACKAGE_ROOT

# Blocks every socket the Python side could open; the network namespace (below) blocks native code.
NO_SOCKETS = (
    "import socket, sys\n"
    "def _refuse(*a, **k): raise OSError('network access attempted')\n"
    "socket.socket = _refuse; socket.create_connection = _refuse; socket.getaddrinfo = _refuse\n"
    "from posecheck.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def offline_command(*args: str) -> list[str]:
    """The command line of ``posecheck ARGS`` with Python's sockets refused and, where a network
    namespace can be made, no network interface at all."""
    command = [sys.executable, "-c", NO_SOCKETS, *args]
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n", *command]  # no network interface at all, not even for C++ code
    return command


def posecheck_env(**extra: str) -> dict[str, str]:
    """The environment of a posecheck subprocess: this one's, with the posecheck under test
    first on PYTHONPATH (then what PYTHONPATH held: the tests' start-up hook among it)."""
    path = os.pathsep.join(p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def run_posecheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``posecheck ARGS`` offline, finished (at most 10 minutes), output captured as text."""
    return subprocess.run(offline_command(*args), capture_output=True, text=True, cwd=cwd,
                          timeout=600, env=posecheck_env())
