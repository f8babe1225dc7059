"""Progress of a batch: a tqdm bar with the total when it is known, nothing when not asked
or not on a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from gkparse.batch import convert
from tests.support import FIXTURES

INPUTS = [str(FIXTURES / n) for n in ("pingyang_amr_2020.txt", "shanghai_govoffice_2019.html", "pingtan_2024.page.txt")]


def test_the_bar_counts_inputs_of_a_known_total(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    convert(INPUTS, str(tmp_path / "r.jsonl"), workers=1, progress=True)
    err = capsys.readouterr().err
    assert "3/3" in err and "input" in err and "100%" in err


def test_an_archive_leaves_the_total_unknown(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.support.warc import build_warc

    warc = build_warc(tmp_path / "a.warc.gz")
    convert([str(warc), INPUTS[0]], str(tmp_path / "r.jsonl"), workers=1, progress=True)
    err = capsys.readouterr().err
    assert "input" in err and "%" not in err  # a count and a rate, no percentage nor time left


def test_no_bar_unless_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    convert(INPUTS, str(tmp_path / "r.jsonl"), workers=1)
    assert capsys.readouterr().err == ""


def _run(args: list[str], *, terminal: bool) -> str:
    command = [sys.executable, "-m", "gkparse", *args]
    if not terminal:
        return subprocess.run(command, capture_output=True, text=True, check=False).stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a terminal has a size
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_the_cli_shows_the_bar_on_a_terminal_only(tmp_path: Path) -> None:
    args = ["convert", *INPUTS, "-o", str(tmp_path / "r.jsonl"), "-j", "1"]
    on_terminal = _run(args, terminal=True)
    assert "3/3" in on_terminal and "100%" in on_terminal
    piped = _run(args, terminal=False)
    assert "3/3" not in piped and "%|" not in piped
    assert "3 parsed" in piped  # the summary stays


def test_a_folder_walk_reads_saved_pages_and_gzipped_documents(tmp_path: Path) -> None:
    """issue 16: .mhtml/.mht and gzip-compressed documents are inputs of a folder; another
    gzip file named as an input (an archive of files) is counted as a skipped compressed file."""
    import gzip
    import json
    import shutil

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "saved" / "pingtan_2024.page.mhtml", folder / "a.mhtml")
    (folder / "b.txt.gz").write_bytes(gzip.compress((FIXTURES / "pingyang_amr_2020.txt").read_bytes()))
    other = tmp_path / "c.tar.gz"  # not walked in a folder (no document suffix); named, it is counted
    other.write_bytes(gzip.compress(b"not a document"))
    out = tmp_path / "r.jsonl"
    stats = convert([str(folder), str(other)], str(out), workers=1)
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(r["source"]["path"].rsplit("/", 1)[-1], r["year"]) for r in records] == [("a.mhtml", 2024), ("b.txt.gz", 2020)]
    assert stats.parsed == 2 and stats.skipped_by == {"compressed": 1}
