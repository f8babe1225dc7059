"""Batch conversion: inputs, WARC reading and pre-filter, fault isolation, order, resume."""

from __future__ import annotations

import csv
import hashlib
import json
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import gkparse
from gkparse.batch.convert import Stats, convert, expand_inputs, iter_jobs, looks_like_report, read_resume
from gkparse.export import CELL_COLUMNS, cell_rows, issue_rows

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PINGYANG = FIXTURES / "pingyang_amr_2020.txt"
SHANGHAI = FIXTURES / "shanghai_govoffice_2019.html"
PINGTAN = FIXTURES / "pingtan_2022.page.html"

WEATHER = "<html><head><title>今日天气</title></head><body><p>晴，最高气温25度。</p></body></html>".encode()
# Mentions a marker, so it passes the pre-filter, but holds no report: an error record.
NOT_A_REPORT = "<html><body><p>本站政府信息公开指南已更新，欢迎查阅。</p></body></html>".encode()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 8


def _record(writer: WARCWriter, uri: str, payload: bytes, ctype: str | None = "text/html; charset=utf-8",
            status: str = "200 OK", date: str = "2024-05-01T10:00:00Z") -> None:
    headers = [("Content-Type", ctype)] if ctype else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        uri, "response", payload=BytesIO(payload), http_headers=http, warc_headers_dict={"WARC-Date": date},
    ))


def build_warc(path: Path) -> Path:
    """A gzipped WARC: 3 reports (one GB18030), and 5 records the pre-filter skips, and one non-report."""
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        _record(w, "http://example.gov.cn/pingyang.txt", PINGYANG.read_bytes(), "text/plain; charset=utf-8")
        _record(w, "http://example.gov.cn/weather.html", WEATHER)  # skipped: no marker
        _record(w, "http://example.gov.cn/report.pdf", PDF, "application/pdf")  # skipped: not text
        _record(w, "http://example.gov.cn/shanghai.html", SHANGHAI.read_bytes())
        _record(w, "http://example.gov.cn/empty.html", b"")  # skipped: no marker
        _record(w, "http://example.gov.cn/gone.html", PINGTAN.read_bytes(), status="404 Not Found")  # skipped
        _record(w, "http://example.gov.cn/guide.html", NOT_A_REPORT)  # error record
        _record(w, "http://example.gov.cn/pdf-as-html", PDF)  # skipped: binary without a marker
        gb = PINGYANG.read_text(encoding="utf-8").encode("gb18030")
        _record(w, "http://example.gov.cn/pingyang-gbk.txt", gb, "text/plain; charset=gbk", date="2024-05-02T00:00:00Z")
    return path


WARC_SOURCES = [
    "http://example.gov.cn/pingyang.txt",
    "http://example.gov.cn/shanghai.html",
    "http://example.gov.cn/guide.html",
    "http://example.gov.cn/pingyang-gbk.txt",
]


def build_truncated(path: Path) -> Path:
    full = path.with_name("full-" + path.name)
    with open(full, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        _record(w, "http://cut.gov.cn/a.txt", PINGYANG.read_bytes(), "text/plain")
        _record(w, "http://cut.gov.cn/b.html", PINGTAN.read_bytes())
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_marker_prefilter_checks_both_encodings():
    assert looks_like_report("政府信息公开工作年度报告".encode("gb18030"))
    assert looks_like_report("申请人情况".encode("utf-8"))
    assert not looks_like_report(WEATHER)
    assert not looks_like_report(PDF)


def test_warc_jobs_and_skips(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    stats = Stats()
    jobs = list(iter_jobs([str(warc)], stats))
    assert [j.source for j in jobs] == WARC_SOURCES
    assert stats.skipped == 5
    assert jobs[0].date == "2024-05-01T10:00:00Z"
    assert jobs[3].encoding == "gbk"


def test_convert_warc_to_jsonl(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    out = tmp_path / "out.jsonl"
    stats = convert([str(warc)], str(out), workers=1)
    assert (stats.parsed, stats.failed, stats.skipped) == (3, 1, 5)
    records = read_jsonl(out)
    assert len(records) == 4
    sources = [r["source"] if "error" in r else r["source"]["path"] for r in records]
    assert sources == WARC_SOURCES
    error = records[2]
    assert error["error"]["type"] == "NotAReportError"
    assert error["report_id"] == hashlib.sha256(NOT_A_REPORT).hexdigest()
    assert records[0]["source"]["date"] == "2024-05-01T10:00:00Z"
    assert records[3]["source"]["encoding"] in ("gbk", "gb18030")
    assert records[3]["requests"]["new"]["natural_person"]["value"] == 4


def test_truncated_warc_is_an_error_record_and_batch_goes_on(tmp_path):
    cut = build_truncated(tmp_path / "cut.warc.gz")
    out = tmp_path / "out.jsonl"
    stats = convert([str(cut), str(PINGYANG)], str(out), workers=1)
    records = read_jsonl(out)
    assert "error" in records[-2] and records[-2]["source"] == str(cut)
    assert records[-2]["report_id"] == hashlib.sha256(cut.read_bytes()).hexdigest()
    assert records[-1]["source"]["path"] == str(PINGYANG)
    assert stats.failed == 1 and stats.parsed == len(records) - 1


def test_workers_two_identical_to_one(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    inputs = [str(FIXTURES / "partial"), str(warc), str(SHANGHAI)]
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    convert(inputs, str(one), workers=1)
    convert(inputs, str(two), workers=2)
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_bytes().splitlines()) == 12 + 4 + 1


def test_resume_after_kill_equals_uninterrupted(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    inputs = [str(PINGYANG), str(warc), str(FIXTURES / "partial")]
    full = tmp_path / "full.jsonl"
    convert(inputs, str(full), workers=1)
    lines = full.read_bytes().splitlines(keepends=True)
    assert len(lines) == 1 + 4 + 12
    killed = tmp_path / "killed.jsonl"
    killed.write_bytes(b"".join(lines[:6]) + lines[6][: len(lines[6]) // 2])
    stats = convert(inputs, str(killed), workers=1, resume=True)
    assert stats.resumed == 6
    assert stats.parsed + stats.failed == len(lines) - 6
    assert killed.read_bytes() == full.read_bytes()
    # Resuming a complete file does nothing.
    again = convert(inputs, str(killed), workers=1, resume=True)
    assert again.resumed == len(lines) and again.done == 0
    assert killed.read_bytes() == full.read_bytes()


def test_read_resume_truncates_invalid_last_line(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_bytes(b'{"report_id": "a", "error": {}}\n{"source": {"sha256": "b"}}\n{"report_id": "c"')
    done = read_resume(str(out))
    assert dict(done) == {"a": 1, "b": 1}
    assert out.read_bytes().endswith(b'"b"}}\n')
    assert read_resume(str(tmp_path / "missing.jsonl")) == {}


def test_resume_rejected_for_csv(tmp_path):
    with pytest.raises(gkparse.GkparseError, match="JSON Lines"):
        convert([str(PINGYANG)], str(tmp_path / "c.csv"), resume=True, workers=1)


def test_expand_inputs_folder_glob_missing(tmp_path):
    found = list(expand_inputs([str(FIXTURES / "partial")]))
    assert found == sorted(found) and len(found) == 12 and all(f.endswith(".txt") for f in found)
    assert list(expand_inputs([str(FIXTURES / "pingtan_202*.page.html")])) == [
        str(FIXTURES / f"pingtan_{y}.page.html") for y in (2022, 2024, 2025)
    ]
    with pytest.raises(gkparse.GkparseError):
        list(expand_inputs([str(tmp_path / "nope.txt")]))


def test_cell_and_issue_rows():
    report = gkparse.parse(PINGYANG)
    rows = cell_rows(report)
    assert all(tuple(r) == CELL_COLUMNS for r in rows)
    row = next(r for r in rows if (r["table"], r["row"], r["column"]) == ("requests", "new", "natural_person"))
    assert row["value"] == 4 and row["state"] == "printed"
    assert row["report_id"] == report.source.sha256 and row["year"] == 2020
    issues = issue_rows(report)
    assert len(issues) == len(report.issues) and issues[0]["rule"] == "R2"


def test_cells_csv_and_issues_csv(tmp_path):
    out, issues = tmp_path / "cells.csv", tmp_path / "issues.csv"
    stats = convert([str(PINGYANG), str(SHANGHAI)], str(out), issues=str(issues), workers=1)
    assert stats.parsed == 2 and stats.relation_issues == 1
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CELL_COLUMNS
    hit = [r for r in rows if r["source"] == str(PINGYANG) and r["table"] == "requests"
           and r["row"] == "new" and r["column"] == "natural_person"]
    assert [r["value"] for r in hit] == ["4"]
    with open(issues, encoding="utf-8", newline="") as fh:
        issue_list = list(csv.DictReader(fh))
    assert {r["rule"] for r in issue_list} == {"R2"}


def test_cells_parquet(tmp_path):
    import pandas as pd  # test extra: the README's analysis path
    out = tmp_path / "cells.parquet"
    convert([str(PINGYANG)], str(out), workers=1)
    cells = pd.read_parquet(out)
    assert list(cells.columns) == list(CELL_COLUMNS)
    value = cells.query("table == 'requests' and row == 'new' and column == 'natural_person'")["value"]
    assert value.tolist() == [4.0]
