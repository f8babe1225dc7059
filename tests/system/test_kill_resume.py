"""A conversion killed for real (SIGKILL) midway, then resumed, equals an uninterrupted run:
the JSON Lines output and the --issues CSV alike."""

from __future__ import annotations

from pathlib import Path

from tests.support import FIXTURES
from tests.support.kill import kill_when, start_convert


def test_sigkill_midway_then_resume(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    sources = [FIXTURES / "pingyang_amr_2020.txt", FIXTURES / "shanghai_govoffice_2019.html"]
    for i in range(300):
        source = sources[i % 2]
        # A distinct comment per copy: distinct bytes, so distinct report ids.
        extra = f"\n<!-- copy {i} -->\n" if source.suffix == ".html" else f"\n（第{i}份）\n"
        (inputs / f"{i:04d}{source.suffix}").write_bytes(source.read_bytes() + extra.encode("utf-8"))

    full = tmp_path / "full.jsonl"
    assert start_convert(inputs, full, "--issues", str(tmp_path / "full.csv")).wait(timeout=300) == 0

    killed = tmp_path / "killed.jsonl"
    process = start_convert(inputs, killed, "--issues", str(tmp_path / "killed.csv"))
    kill_when(process, lambda: killed.exists() and killed.read_bytes().count(b"\n") >= 20)
    written = killed.read_bytes().count(b"\n")
    assert 20 <= written < 300

    assert start_convert(inputs, killed, "--resume", "--issues", str(tmp_path / "killed.csv")).wait(timeout=300) == 0
    assert killed.read_bytes() == full.read_bytes()
    issues = (tmp_path / "full.csv").read_bytes()
    assert issues.count(b"\n") > 300 and (tmp_path / "killed.csv").read_bytes() == issues
