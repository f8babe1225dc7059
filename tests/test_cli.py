"""The ``gkparse`` command line (click.testing.CliRunner)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

from gkparse.cli import main

from .test_batch import PINGYANG, SHANGHAI, PINGTAN, FIXTURES, WARC_SOURCES, WEATHER, build_truncated, build_warc


def run(*args: str, input: bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def test_help_teaches():
    result = run("--help")
    assert result.exit_code == 0
    assert "convert" in result.output and "Examples" in result.output
    result = run("convert", "--help")
    assert result.exit_code == 0 and "--resume" in result.output and "gkparse convert fixtures" in result.output


def test_parse_summary():
    result = run("parse", PINGYANG)
    assert result.exit_code == 0
    out = result.stdout
    assert "平阳县市场监督管理局" in out and "year:     2020" in out and "template: 2019" in out
    assert "[requests]" in out and "natural_person=4" in out
    assert "issues: 2" in out and "R2" in out


def test_parse_json_and_stdin():
    result = run("parse", SHANGHAI, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["template"] == "2019" and data["year"] == 2019
    result = run("parse", "-", "--json", input=PINGYANG.read_bytes())
    assert json.loads(result.stdout)["requests"]["new"]["natural_person"]["value"] == 4


def test_parse_not_a_report_exits_1(tmp_path):
    page = tmp_path / "weather.html"
    page.write_bytes(WEATHER)
    result = run("parse", page)
    assert result.exit_code == 1
    assert "error:" in result.stderr and result.stdout == ""


def test_convert_jsonl_exit_0(tmp_path):
    out = tmp_path / "reports.jsonl"
    result = run("convert", SHANGHAI, PINGTAN, PINGYANG, "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["source"]["path"] for x in lines] == [str(SHANGHAI), str(PINGTAN), str(PINGYANG)]
    assert "3 parsed" in result.stderr and "0 failed" in result.stderr


def test_convert_warc_failures_exit_1_and_skips(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    cut = build_truncated(tmp_path / "cut.warc.gz")
    out = tmp_path / "reports.jsonl"
    result = run("convert", warc, cut, "-o", out, "-j", "1")
    assert result.exit_code == 1
    records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    sources = [r["source"] if "error" in r else r["source"]["path"] for r in records]
    assert sources[:4] == WARC_SOURCES and sources[-1] == str(cut)
    errors = [r for r in records if "error" in r]
    assert [e["error"]["type"] for e in errors] == ["NotAReportError", "TruncatedArchiveError"]
    assert "5 skipped" in result.stderr and "2 failed" in result.stderr
    assert "failed: http://example.gov.cn/guide.html" in result.stderr
    quiet = run("convert", warc, "-o", tmp_path / "q.jsonl", "-j", "1", "--quiet")
    assert quiet.exit_code == 1 and quiet.stderr == ""


def test_convert_strict_exit_3(tmp_path):
    out = tmp_path / "r.jsonl"
    assert run("convert", PINGYANG, "-o", out, "-j", "1", "--strict", "-q").exit_code == 3
    assert run("convert", PINGYANG, "-o", out, "-j", "1", "-q").exit_code == 0
    assert run("convert", SHANGHAI, "-o", out, "-j", "1", "--strict", "-q").exit_code == 0
    # A failure wins over --strict.
    weather = tmp_path / "weather.html"
    weather.write_bytes(WEATHER)
    assert run("convert", PINGYANG, weather, "-o", out, "-j", "1", "--strict", "-q").exit_code == 1


def test_convert_cells_csv(tmp_path):
    out, issues = tmp_path / "cells.csv", tmp_path / "issues.csv"
    result = run("convert", PINGYANG, SHANGHAI, "-o", out, "--issues", issues, "-j", "1")
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    hit = [r for r in rows if r["source"] == str(PINGYANG) and r["table"] == "requests"
           and r["row"] == "new" and r["column"] == "natural_person"]
    assert len(hit) == 1 and hit[0]["value"] == "4" and hit[0]["year"] == "2020"
    assert issues.read_text(encoding="utf-8").startswith("report_id,source,rule")


def test_convert_to_stdout_only_data(tmp_path):
    result = run("convert", "-", "-o", "-", "-j", "1", input=PINGYANG.read_bytes())
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["year"] == 2020
    assert "parsed" in result.stderr and "parsed" not in result.stdout
    csv_out = run("convert", PINGYANG, "-o", "-", "--format", "cells-csv", "-j", "1", "-q")
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert rows and rows[0]["report_id"]


def test_convert_usage_errors(tmp_path):
    assert run("convert", PINGYANG, "-o", tmp_path / "c.csv", "--resume").exit_code == 2
    assert run("convert", tmp_path / "missing.txt", "-o", tmp_path / "x.jsonl").exit_code == 2
    assert run("convert", PINGYANG, "-o", tmp_path / "x.unknown").exit_code == 2
    assert run("convert", PINGYANG).exit_code == 2


def test_convert_resume_and_workers(tmp_path):
    inputs = [FIXTURES / "partial", PINGYANG]
    full = tmp_path / "full.jsonl"
    assert run("convert", *inputs, "-o", full, "-j", "1", "-q").exit_code == 0
    lines = full.read_bytes().splitlines(keepends=True)
    parallel = tmp_path / "parallel.jsonl"
    assert run("convert", *inputs, "-o", parallel, "-j", "2", "-q").exit_code == 0
    assert parallel.read_bytes() == full.read_bytes()
    killed = tmp_path / "killed.jsonl"
    killed.write_bytes(b"".join(lines[:3]) + lines[3][:100])
    result = run("convert", *inputs, "-o", killed, "-j", "1", "--resume")
    assert result.exit_code == 0 and "3 already done" in result.stderr
    assert killed.read_bytes() == full.read_bytes()


def test_schema():
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert "properties" in schema and "requests" in schema["properties"]


def test_crawl_registered():
    try:
        import gkparse.cli.crawl  # noqa: F401
    except ImportError:
        return
    assert "crawl" in main.commands
