"""The ``gkparse`` command line (click.testing.CliRunner)."""

from __future__ import annotations

import csv
import io
import json

from click.testing import CliRunner

import gkparse
from gkparse.batch import ErrorRecord
from gkparse.cli import main
from gkparse.cli.crawl import crawl_command
from gkparse.export import WRITERS
from tests.support import FIXTURES
from tests.support.warc import (
    PARTIAL,
    PINGTAN,
    PINGYANG,
    SHANGHAI,
    WARC_SKIPPED,
    WARC_SOURCES,
    WEATHER,
    build_truncated,
    build_warc,
    read_jsonl,
    source_of,
)


def run(*args: object, input: bytes | None = None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)


def test_commands_registered():
    assert set(main.commands) == {"parse", "convert", "panel", "schema", "crawl"}
    assert main.commands["crawl"] is crawl_command


def test_help_teaches():
    result = run("--help")
    assert result.exit_code == 0
    assert "convert" in result.output and "crawl" in result.output and "Examples" in result.output
    result = run("convert", "--help")
    assert result.exit_code == 0 and "--resume" in result.output and "gkparse convert fixtures" in result.output
    assert "--format [jsonl|cells-csv|cells-parquet|cells-jsonl|cells-xlsx]" in result.output and ".csv → cells-csv" in result.output


def test_parse_summary():
    result = run("parse", PINGYANG)
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("title:    平阳县市场监督管理局2020年政府信息公开工作报告\nagency:   平阳县市场监督管理局\n")
    assert "year:     2020" in out and "template: 2019" in out
    assert f"source:   {PINGYANG} (text, utf-8)" in out
    assert "\n[requests]\n" in out and " natural_person=4 " in out and "\n[appeals]\n" in out
    assert "  requests/withheld.prohibited_by_law/other_org = 3 [split] raw='000003'" in out
    assert out.rstrip().endswith(
        "issues: 2\n"
        "  R2 error: requests/natural_person: total = 4, but 0 expected (total = sum of the outcome rows (一)…(六))\n"
        "  R2 error: requests/other_org: total = 0, but 4 expected (total = sum of the outcome rows (一)…(六))"
    )


def test_parse_json_and_stdin():
    result = run("parse", SHANGHAI, "--json")
    assert result.exit_code == 0
    report = gkparse.Report.model_validate_json(result.stdout)
    assert report == gkparse.parse(SHANGHAI)
    result = run("parse", "-", "--json", input=PINGYANG.read_bytes())
    data = json.loads(result.stdout)
    assert data["source"]["path"] == "-" and data["requests"]["new"]["natural_person"]["value"] == 4


def test_parse_not_a_report_exits_1_and_a_missing_file_is_a_usage_error(tmp_path):
    page = tmp_path / "weather.html"
    page.write_bytes(WEATHER)
    result = run("parse", page)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {page}: ") and result.stdout == ""
    missing = run("parse", "no/such/pingyang_amr_2021.txt")  # a str is a path, never a document
    assert missing.exit_code == 2  # as convert's missing input (docs/cli.md: exit status 2)
    assert missing.stderr.startswith("Error: no/such/pingyang_amr_2021.txt: no such file") and len(missing.stderr.splitlines()) == 1


def test_convert_jsonl_exit_0(tmp_path):
    out = tmp_path / "reports.jsonl"
    result = run("convert", SHANGHAI, PINGTAN, PINGYANG, "-o", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    assert [source_of(r) for r in read_jsonl(out)] == [str(SHANGHAI), str(PINGTAN), str(PINGYANG)]
    assert result.stderr.startswith("3 parsed, ") and " with issues, 0 failed, 0 skipped (" in result.stderr
    assert result.stderr.splitlines()[-1] == "parsed by form: 2 html, 1 text"


def test_convert_counts_pdf_and_word_reports_by_form(tmp_path):
    """A folder of a PDF and a Word file (issue 12): both read, counted by form."""
    folder = tmp_path / "attachments"
    folder.mkdir()
    (folder / "hongze_2024.pdf").write_bytes((FIXTURES / "pdf" / "huaian_hongze_district_2024.pdf").read_bytes())
    (folder / "pingtan_2024.docx").write_bytes((FIXTURES / "docx" / "printed" / "pingtan_2024.page.libreoffice.docx").read_bytes())
    result = run("convert", folder, "-o", tmp_path / "o.jsonl", "--workers", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("2 parsed, ") and result.stderr.splitlines()[-1] == "parsed by form: 1 docx, 1 pdf"


def test_convert_warc_failures_exit_1_and_skips(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    cut = build_truncated(tmp_path / "cut.warc.gz")
    out = tmp_path / "reports.jsonl"
    result = run("convert", warc, cut, "-o", out, "-j", "1")
    assert result.exit_code == 1
    records = read_jsonl(out)
    assert [source_of(r) for r in records] == [*WARC_SOURCES, "http://cut.gov.cn/a.txt", str(cut)]
    errors = [ErrorRecord.model_validate(r) for r in records if "error" in r]
    assert [e.error.type for e in errors] == ["NotAReportError", "TruncatedArchiveError"]
    assert f"{WARC_SKIPPED} skipped [2 image, 1 empty, 1 http-404, 1 no-report-marker], " in result.stderr
    assert "2 the same report as an earlier input (" in result.stderr  # the GB18030 copy, and the cut copy
    assert "2 failed" in result.stderr
    assert f"failed: http://example.gov.cn/guide.html ({warc} at offset " in result.stderr
    assert "): NotAReportError: " in result.stderr
    assert f"failed: {cut} at offset {errors[1].offset}: TruncatedArchiveError: the file ends inside the gzip member" in result.stderr
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
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    hit = [r for r in rows if r["source"] == str(PINGYANG) and r["table"] == "requests"
           and r["row"] == "new" and r["column"] == "natural_person"]
    assert len(hit) == 1 and hit[0]["value"] == "4.0" and hit[0]["year"] == "2020"
    assert issues.read_bytes().startswith(b"\xef\xbb\xbfreport_id,source,rule,severity,message,cells,expected,actual\r\n")


def test_convert_to_stdout_only_data(tmp_path):
    result = run("convert", "-", "-o", "-", "-j", "1", input=PINGYANG.read_bytes())
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["year"] == 2020
    assert "parsed" in result.stderr and "parsed" not in result.stdout
    csv_out = run("convert", PINGYANG, "-o", "-", "--format", "cells-csv", "-j", "1", "-q")
    rows = list(csv.DictReader(io.StringIO(csv_out.stdout)))
    assert len(rows) > 100 and {r["report_id"] for r in rows} == {gkparse.parse(PINGYANG).source.sha256}


def test_convert_usage_errors(tmp_path):
    resume_csv = run("convert", PINGYANG, "-o", tmp_path / "c.csv", "--resume")
    assert resume_csv.exit_code == 2 and "JSON Lines output only" in resume_csv.stderr
    missing = run("convert", tmp_path / "missing.txt", "-o", tmp_path / "x.jsonl")
    assert missing.exit_code == 2 and "no such file or folder" in missing.stderr
    unknown = run("convert", PINGYANG, "-o", tmp_path / "x.unknown")
    assert unknown.exit_code == 2 and "'.unknown'" in unknown.stderr
    assert run("convert", PINGYANG, "-o", tmp_path / "x.csv", "--format", "xml").exit_code == 2
    assert run("convert", PINGYANG).exit_code == 2
    assert not any(tmp_path.iterdir())  # nothing written on a usage error


def test_resume_into_a_pipe_is_a_usage_error_not_a_hang(tmp_path):
    import os

    fifo = tmp_path / "out.jsonl"
    os.mkfifo(fifo)
    result = run("convert", PINGYANG, "-o", fifo, "--resume")
    assert result.exit_code == 2 and "regular file" in result.stderr


def test_convert_resume_and_workers(tmp_path):
    inputs = [PARTIAL, PINGYANG]
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


def test_schema_is_a_report_or_an_error_record():
    """Issue 16: one schema for a line of convert's output (tests/unit/test_schema_cli.py
    validates real output against it)."""
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["oneOf"] == [
        {"$ref": "#/$defs/Report", "not": {"required": ["error"]}}, {"$ref": "#/$defs/ErrorRecord"},
    ]
    report = gkparse.Report.model_json_schema(mode="serialization")
    assert schema["$defs"]["Report"] == {k: v for k, v in report.items() if k != "$defs"}
    assert result.stdout.startswith('{\n "$schema": ')  # indented, non-ASCII kept
    assert "三、收到和处理政府信息公开申请情况" in result.stdout


def test_schema_of_the_error_record():
    result = run("schema", "--error-record")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema == {"$schema": "https://json-schema.org/draft/2020-12/schema", **ErrorRecord.model_json_schema()}
    assert schema["required"] == ["error", "source", "report_id"]


def test_format_option_lists_the_registry():
    option = next(p for p in main.commands["convert"].params if p.name == "fmt")
    assert list(option.type.choices) == list(WRITERS)  # type: ignore[attr-defined]


def test_an_unusable_output_is_a_usage_error_and_touches_nothing(tmp_path):
    """Reliability case 27: a bad --issues path emptied an existing OUT before failing with a
    traceback. Every output is checked before any is opened: exit 2, OUT untouched."""
    out = tmp_path / "reports.jsonl"
    out.write_text("kept\n", "utf-8")
    (tmp_path / "folder.jsonl").mkdir()
    for args in (["-o", out, "--issues", tmp_path / "missing" / "issues.csv"], ["-o", tmp_path / "folder.jsonl"],
                 ["-o", tmp_path / "nope" / "o.jsonl"]):
        result = run("convert", PINGYANG, *args)
        assert result.exit_code == 2 and "cannot write" in result.output and "Traceback" not in result.output
    assert out.read_text("utf-8") == "kept\n"
