"""A conversion into ``reports.jsonl.gz`` killed for real (SIGKILL) midway, then resumed,
holds what an uninterrupted run holds: the kill leaves a gzip member without its end, whose
flushed lines ``--resume`` keeps (rewriting them as a whole member) before it appends."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from gkparse.export.compression import Decompressed
from tests.support import FIXTURES

INPUTS = 200


def _lines(path: Path) -> int:
    """Whole lines readable in the (growing, unfinished) gzip file."""
    if not path.exists():
        return 0
    return sum(line.endswith(b"\n") for line in Decompressed(path).lines())


def test_sigkill_midway_then_resume_a_gzip_output(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    source = FIXTURES / "shanghai_govoffice_2019.html"
    for i in range(INPUTS):  # a distinct comment per copy: distinct report ids
        (inputs / f"{i:04d}.html").write_bytes(source.read_bytes() + f"\n<!-- copy {i} -->\n".encode())

    def convert(out: Path, *extra: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "gkparse", "convert", str(inputs), "-o", str(out), "--workers", "1", "--quiet", *extra],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )

    full = tmp_path / "full.jsonl.gz"
    assert convert(full, "--issues", str(tmp_path / "full.csv")).wait(timeout=300) == 0

    killed = tmp_path / "killed.jsonl.gz"
    process = convert(killed, "--issues", str(tmp_path / "killed.csv"))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if _lines(killed) >= 20:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.01)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "the conversion finished before it could be killed"
    cut = Decompressed(killed)
    assert 20 <= sum(1 for _ in cut.lines()) < INPUTS and not cut.complete  # a member without its end

    assert convert(killed, "--resume", "--issues", str(tmp_path / "killed.csv")).wait(timeout=300) == 0
    assert gzip.decompress(killed.read_bytes()) == gzip.decompress(full.read_bytes())  # a valid gzip file, every line once
    assert (tmp_path / "killed.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()
