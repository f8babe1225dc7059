"""``gkparse schema`` describes both records ``convert`` writes: every line of a real
``gkparse convert`` run (reports of both templates and three forms, a linked duplicate, an
input that is no report, a cut archive) validates against it with jsonschema, and ``{}``,
a report missing a field or an error record missing its id do not."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from gkparse.cli import main
from gkparse.cli.schema import JSON_SCHEMA_DIALECT, record_schema
from tests.support import FIXTURES
from tests.support.warc import NOT_A_REPORT, PDF, build_truncated

INPUTS = [
    FIXTURES / "pingyang_amr_2020.txt",
    FIXTURES / "shanghai_govoffice_2019.html",
    FIXTURES / "pingtan_2024.page.html",
    FIXTURES / "pingtan_2024.page.txt",  # the same report as the page: its record names it in same_as
    FIXTURES / "pdf" / "huaian_hongze_district_2023.pdf",
    FIXTURES / "partial" / "ankang_bureau_2019.txt",
]


def _gkparse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gkparse", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The lines of a real `gkparse convert` over a folder with good and bad inputs."""
    folder = tmp_path_factory.mktemp("inputs")
    for path in INPUTS:
        shutil.copy(path, folder / path.name)
    (folder / "guide.html").write_bytes(NOT_A_REPORT)  # mentions 政府信息公开, holds no report
    (folder / "damaged.pdf").write_bytes(PDF)  # a PDF header, then noise
    build_truncated(folder / "cut.warc.gz")  # its last record is cut: an error record with archive and offset
    out = folder.parent / "reports.jsonl"
    result = _gkparse("convert", str(folder), "-o", str(out), "-j", "1", "-q")
    assert result.returncode == 1, result.stderr  # some input failed
    return [json.loads(line) for line in out.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    result = _gkparse("schema")
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(found)
    assert found["$schema"] == JSON_SCHEMA_DIALECT
    return found


def _errors(schema: dict[str, Any], record: Any) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(record)]


def test_every_line_convert_writes_is_valid(written: list[dict[str, Any]], schema: dict[str, Any]) -> None:
    reports = [r for r in written if "error" not in r]
    failures = [r for r in written if "error" in r]
    assert {r["template"] for r in reports} == {"2019", "2021"} and {r["source"]["form"] for r in reports} == {"text", "html", "pdf"}
    assert any(r["same_as"] for r in reports)  # a linked record
    assert {"TruncatedArchiveError", "UnreadableDocumentError"} <= {f["error"]["type"] for f in failures}
    assert any("archive" in f and "offset" in f for f in failures) and any("archive" not in f for f in failures)
    for record in written:
        assert _errors(schema, record) == [], record.get("source")


def test_the_report_and_the_error_record_schemas_alone(written: list[dict[str, Any]]) -> None:
    report, error = (json.loads(CliRunner().invoke(main, ["schema", option]).stdout) for option in ("--report", "--error-record"))
    for record in written:
        mine, other = (error, report) if "error" in record else (report, error)
        assert _errors(mine, record) == [] and _errors(other, record) != []


def test_what_is_no_record_is_rejected(written: list[dict[str, Any]], schema: dict[str, Any]) -> None:
    assert _errors(schema, {}) != []
    report = next(r for r in written if "error" not in r and r["requests"] is not None)
    failure = next(r for r in written if "error" in r)
    for field in ("title", "issues", "requests", "same_as", "source"):  # every field of a report is written
        assert _errors(schema, {k: v for k, v in report.items() if k != field}) != [], field
    cell = dict(report["requests"]["new"]["total"])
    del cell["state"]
    assert _errors(schema, {**report, "requests": {**report["requests"], "new": {**report["requests"]["new"], "total": cell}}})
    assert _errors(schema, {**report, "requests": {**report["requests"], "totl": {}}})  # a table holds its template's rows only
    for field in ("error", "source", "report_id"):
        assert _errors(schema, {k: v for k, v in failure.items() if k != field}) != [], field
    assert _errors(schema, {**failure, "error": {"type": "NotAReportError"}})  # no reason
    assert _errors(schema, {**report, "error": failure["error"]})  # a record is one kind or the other


def test_the_schema_is_what_the_command_prints() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0 and json.loads(result.stdout) == record_schema()


def test_report_and_error_record_exclude_each_other() -> None:
    result = CliRunner().invoke(main, ["schema", "--report", "--error-record"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --report and --error-record exclude each other (neither: the schema of both)\n"


def test_the_report_schema_requires_every_field(tmp_path: Path) -> None:
    """`gkparse schema --report > report.schema.json` as the docs show it: one JSON document."""
    result = _gkparse("schema", "--report")
    assert result.returncode == 0
    path = tmp_path / "report.schema.json"
    path.write_text(result.stdout, "utf-8")
    loaded = json.loads(path.read_text("utf-8"))
    assert set(loaded["required"]) == set(loaded["properties"])  # every field of a report is written
