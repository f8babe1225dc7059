"""A conversion killed for real (SIGKILL) midway, then resumed, equals an uninterrupted run:
the JSON Lines output and the --issues CSV alike."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support import FIXTURES


def test_sigkill_midway_then_resume(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    sources = [FIXTURES / "pingyang_amr_2020.txt", FIXTURES / "shanghai_govoffice_2019.html"]
    for i in range(300):
        source = sources[i % 2]
        # A distinct comment per copy: distinct bytes, so distinct report ids.
        extra = f"\n<!-- copy {i} -->\n" if source.suffix == ".html" else f"\n（第{i}份）\n"
        (inputs / f"{i:04d}{source.suffix}").write_bytes(source.read_bytes() + extra.encode("utf-8"))

    def convert(out: Path, *extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "gkparse", "convert", str(inputs), "-o", str(out), "--workers", "1", "--quiet", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    full = tmp_path / "full.jsonl"
    assert convert(full, "--issues", str(tmp_path / "full.csv")).wait(timeout=300) == 0

    killed = tmp_path / "killed.jsonl"
    process = convert(killed, "--issues", str(tmp_path / "killed.csv"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if killed.exists() and killed.read_bytes().count(b"\n") >= 20:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(timeout=60)
    written = killed.read_bytes().count(b"\n")
    assert process.returncode == -signal.SIGKILL, "the conversion finished before it could be killed"
    assert 20 <= written < 300

    assert convert(killed, "--resume", "--issues", str(tmp_path / "killed.csv")).wait(timeout=300) == 0
    assert killed.read_bytes() == full.read_bytes()
    issues = (tmp_path / "full.csv").read_bytes()
    assert issues.count(b"\n") > 300 and (tmp_path / "killed.csv").read_bytes() == issues
