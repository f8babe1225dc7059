"""A real ``gkparse convert`` in a subprocess, and a SIGKILL at a chosen moment of it: the
shape of the kill-and-resume tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

#: Seconds a conversion is given to reach the moment it is killed at.
KILL_WAIT = 120


def start_convert(inputs: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    """``gkparse convert INPUTS -o OUT --workers 1 --quiet EXTRA...``, running."""
    return subprocess.Popen(
        [sys.executable, "-m", "gkparse", "convert", str(inputs), "-o", str(out), "--workers", "1", "--quiet", *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )


def kill_when(process: subprocess.Popen[bytes], ready: Callable[[], bool]) -> None:
    """SIGKILL ``process`` as soon as ``ready()``; fails the test if it ended first."""
    deadline = time.monotonic() + KILL_WAIT
    while time.monotonic() < deadline and process.poll() is None:
        if ready():
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the conversion finished before it could be killed"
