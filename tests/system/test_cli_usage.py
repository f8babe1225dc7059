"""The command line as a user meets it (issue 16): a usage error is one line on stderr and
exit status 2, whatever its cause; output formats follow the suffix and an unknown one is
refused before anything is written; Ctrl-C ends ``convert`` with status 130, its outputs
flushed and whole, and ``--resume`` goes on from there."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gkparse.cli import main
from tests.support import FIXTURES

PINGYANG = FIXTURES / "pingyang_amr_2020.txt"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="gkparse", catch_exceptions=False)


def _one_line_usage_error(result, *needles: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)


# --------------------------------------------------------------------------- one line, exit 2


@pytest.mark.parametrize(("args", "needles"), [
    (["convert", PINGYANG, "-o", "{tmp}/nope/out.jsonl"], ["cannot write OUT: no folder"]),
    (["convert", PINGYANG, "-o", "{tmp}/out.jsonl", "--issues", "{tmp}/nope/issues.csv"], ["cannot write --issues"]),
    (["convert", PINGYANG, "-o", "{tmp}/out.xml"], ["'.xml' names no output format"]),
    (["convert", "{tmp}/missing.txt", "-o", "{tmp}/out.jsonl"], ["no such file or folder"]),
    (["convert", PINGYANG, "-o", "{tmp}/out.jsonl", "--bogus"], ["No such option", "(see 'gkparse convert --help')"]),
    (["convert", PINGYANG, "-o", "{tmp}/out.jsonl", "-j", "0"], ["'-j' / '--workers'", "(see 'gkparse convert --help')"]),
    (["convert", PINGYANG], ["Missing option '-o'"]),
    (["nosuchcommand"], ["No such command 'nosuchcommand'", "(see 'gkparse --help')"]),
    (["panel", PINGYANG, "-o", "{tmp}/nope/panel.parquet"], ["cannot write the panel: no folder"]),
    (["panel", PINGYANG, "-o", "{tmp}/panel.xlsx"], ["name it .parquet, .csv or .jsonl"]),
    (["panel", PINGYANG, "-o", "{tmp}/panel.csv", "--aliases", "{tmp}/aliases.xlsx"], ["read from .csv or .json only"]),
    (["crawl", "http://www.example.gov.cn/nb/", "--warc", "{tmp}/nope/c.warc.gz"], ["cannot write the WARC: no folder"]),
    (["crawl", "http://www.example.gov.cn/nb/", "--warc", "{tmp}/c.zip"], ["name the WARC .warc.gz or .warc"]),
    (["crawl", "http://www.example.gov.cn/nb/", "--warc", "{tmp}/c.warc.gz", "--parse", "-o", "{tmp}/r.xml"],
     ["'.xml' names no output format"]),
])
def test_a_usage_error_is_one_line_and_writes_nothing(args: list[object], needles: list[str], tmp_path: Path) -> None:
    """Nothing is fetched, read into an output or created: the folder stays empty (a crawl's
    URL is never asked for: the checks come first, and example.gov.cn is not reachable here)."""
    result = run(*(str(a).replace("{tmp}", str(tmp_path)) for a in args))
    _one_line_usage_error(result, *needles)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("issues", "needle"), [
    ("issues.txt", "'.txt' names no issue table format"), ("issues", "has no suffix"), ("-", "not to standard output"),
    ("issues.parquet.gz", "compressed inside"),
])
def test_issues_takes_a_suffix_of_an_issue_format(issues: str, needle: str, tmp_path: Path) -> None:
    result = run("convert", PINGYANG, "-o", tmp_path / "out.jsonl", "--issues", issues if issues == "-" else tmp_path / issues)
    _one_line_usage_error(result, "--issues" if issues == "-" else issues, needle)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("issues", ["issues.parquet", "issues.xlsx", "issues.jsonl.gz"])
def test_issues_in_other_formats(issues: str, tmp_path: Path) -> None:
    result = run("convert", PINGYANG, "-o", tmp_path / "out.jsonl", "--issues", tmp_path / issues, "-j", "1", "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / issues).stat().st_size > 100


def test_issues_takes_csv_in_any_case(tmp_path: Path) -> None:
    result = run("convert", PINGYANG, "-o", tmp_path / "out.jsonl", "--issues", tmp_path / "ISSUES.CSV", "-j", "1", "-q")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((tmp_path / "ISSUES.CSV").read_text("utf-8").splitlines()))
    assert [r["rule"] for r in rows] == ["R2", "R2"]


# --------------------------------------------------------------------------- Ctrl-C


#: Inputs of the interrupted run: enough that a parse in one worker takes seconds, so the
#: signal lands mid-run on any machine.
INPUTS = 300


def _folder(root: Path) -> Path:
    """``INPUTS`` text reports, each with bytes of its own (a report id of its own)."""
    folder = root / "inputs"
    folder.mkdir()
    sources = [PINGYANG, *sorted((FIXTURES / "partial").glob("*.txt")), *sorted(FIXTURES.glob("pingtan_*.page.txt"))]
    texts = [p.read_bytes() for p in sources]
    for n in range(INPUTS):
        (folder / f"{n:04d}.txt").write_bytes(texts[n % len(texts)] + b"\n" * (n // len(texts) + 1))
    return folder


def _interrupt(args: list[str], watch: Path, lines: int) -> subprocess.CompletedProcess[str]:
    """Run ``gkparse ARGS``, send it SIGINT once ``watch`` holds ``lines`` lines, and wait."""
    process = subprocess.Popen([sys.executable, "-m", "gkparse", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    deadline = time.monotonic() + 120
    while not (watch.exists() and watch.read_bytes().count(b"\n") >= lines):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "no progress"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def test_ctrl_c_exits_130_with_what_was_written_whole_and_resume_goes_on(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    out, issues = tmp_path / "reports.jsonl", tmp_path / "issues.csv"
    result = _interrupt(["convert", str(folder), "-o", str(out), "--issues", str(issues), "-j", "1", "-q"], out, 5)
    assert result.returncode == 130, result.stderr
    assert "Traceback" not in result.stderr and "Aborted" not in result.stderr
    [line] = [line for line in result.stderr.splitlines() if line]
    assert line.startswith("interrupted: ") and f"{out} holds what was written, --resume goes on" in line
    data = out.read_bytes()
    assert data.endswith(b"\n")  # flushed: no half line
    records = [json.loads(line) for line in data.splitlines()]
    assert 5 <= len(records) < INPUTS
    assert [Path(r["source"]["path"]).name for r in records] == [f"{n:04d}.txt" for n in range(len(records))]
    rows = list(csv.DictReader(issues.read_text("utf-8-sig").splitlines()))
    assert {r["report_id"] for r in rows} <= {r["source"]["sha256"] for r in records}

    resumed = subprocess.run([sys.executable, "-m", "gkparse", "convert", str(folder), "-o", str(out), "--issues", str(issues),
                              "-j", "2", "-q", "--resume"], capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    names = [Path(json.loads(line)["source"]["path"]).name for line in out.read_text("utf-8").splitlines()]
    assert names == [f"{n:04d}.txt" for n in range(INPUTS)]  # every input once, in order


def test_ctrl_c_leaves_a_finished_parquet_file(tmp_path: Path) -> None:
    """A Parquet file is written whole at the end: an interrupted run still closes it, so it
    holds the rows of every report done, readable."""
    pq = pytest.importorskip("pyarrow.parquet")
    folder = _folder(tmp_path)
    out, issues = tmp_path / "cells.parquet", tmp_path / "issues.csv"
    result = _interrupt(["convert", str(folder), "-o", str(out), "--issues", str(issues), "-j", "1", "-q"], issues, 10)
    assert result.returncode == 130, result.stderr
    assert "--resume" not in result.stderr  # a Parquet output cannot be resumed: not offered
    table = pq.read_table(out)
    reports = set(table.column("report_id").to_pylist())
    assert 0 < len(reports) < INPUTS
