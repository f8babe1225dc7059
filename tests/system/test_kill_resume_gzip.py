"""A conversion into ``reports.jsonl.gz`` killed for real (SIGKILL) midway, then resumed,
holds what an uninterrupted run holds: the kill leaves a gzip member without its end, whose
flushed lines ``--resume`` keeps (rewriting them as a whole member) before it appends."""

from __future__ import annotations

import gzip
from pathlib import Path

from gkparse.export.compression import Decompressed
from tests.support import FIXTURES
from tests.support.kill import kill_when, start_convert

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

    full = tmp_path / "full.jsonl.gz"
    assert start_convert(inputs, full, "--issues", str(tmp_path / "full.csv")).wait(timeout=300) == 0

    killed = tmp_path / "killed.jsonl.gz"
    process = start_convert(inputs, killed, "--issues", str(tmp_path / "killed.csv"))
    kill_when(process, lambda: _lines(killed) >= 20)
    cut = Decompressed(killed)
    assert 20 <= sum(1 for _ in cut.lines()) < INPUTS and not cut.complete  # a member without its end

    assert start_convert(inputs, killed, "--resume", "--issues", str(tmp_path / "killed.csv")).wait(timeout=300) == 0
    assert gzip.decompress(killed.read_bytes()) == gzip.decompress(full.read_bytes())  # a valid gzip file, every line once
    assert (tmp_path / "killed.csv").read_bytes() == (tmp_path / "full.csv").read_bytes()
