"""convert() end to end: archives, fault isolation, order, executors, resume and the tables."""

from __future__ import annotations

import csv
import hashlib

import pytest

import gkparse
from gkparse.batch import ErrorRecord, ProcessExecutor, SerialExecutor, convert, read_resume
from gkparse.export import CELL_COLUMNS
from tests.support.warc import (
    NOT_A_REPORT,
    PARTIAL,
    PINGYANG,
    SHANGHAI,
    WARC_SKIPPED,
    WARC_SKIPPED_BY,
    WARC_SOURCES,
    build_damaged,
    build_truncated,
    build_warc,
    read_jsonl,
    source_of,
)


def test_convert_warc_to_jsonl(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    out = tmp_path / "out.jsonl"
    stats = convert([str(warc)], str(out), workers=1)
    assert (stats.parsed, stats.failed, stats.skipped, stats.resumed) == (3, 1, WARC_SKIPPED, 0)
    assert dict(stats.skipped_by) == WARC_SKIPPED_BY
    records = read_jsonl(out)
    assert [source_of(r) for r in records] == WARC_SOURCES
    error = ErrorRecord.model_validate(records[2])
    assert error.error.type == "NotAReportError"
    assert error.archive == str(warc) and error.offset is not None  # where the failed record is
    assert error.report_id == hashlib.sha256(NOT_A_REPORT).hexdigest()
    assert records[0]["source"]["date"] == "2024-05-01T10:00:00Z"
    assert records[0]["source"]["sha256"] == hashlib.sha256(PINGYANG.read_bytes()).hexdigest()
    assert records[3]["source"]["encoding"] in ("gbk", "gb18030")
    assert records[3]["requests"]["new"]["natural_person"]["value"] == 4


def test_truncated_warc_is_one_error_record_and_batch_goes_on(tmp_path):
    cut = build_truncated(tmp_path / "cut.warc.gz")
    out = tmp_path / "out.jsonl"
    stats = convert([str(cut), str(PINGYANG)], str(out), workers=1)
    records = read_jsonl(out)
    assert [source_of(r) for r in records] == ["http://cut.gov.cn/a.txt", str(cut), str(PINGYANG)]
    error = ErrorRecord.model_validate(records[1])
    assert error.error.type == "TruncatedArchiveError"
    assert error.report_id == hashlib.sha256(cut.read_bytes()).hexdigest()
    assert (stats.parsed, stats.failed) == (2, 1)


def test_damaged_warc_is_one_error_record_and_batch_goes_on(tmp_path):
    bad = build_damaged(tmp_path / "bad.warc.gz")
    out = tmp_path / "out.jsonl"
    stats = convert([str(bad), str(SHANGHAI)], str(out), workers=2)
    records = read_jsonl(out)
    assert [source_of(r) for r in records] == ["http://bad.gov.cn/a.txt", str(bad), str(SHANGHAI)]
    error = ErrorRecord.model_validate(records[1])
    assert error.error.type == "DamagedArchiveError" and error.error.reason.startswith("corrupt gzip member at offset ")
    assert error.archive == str(bad) and error.offset is not None and error.offset > 0
    assert (stats.parsed, stats.failed) == (2, 1)


def test_every_input_is_counted(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    cut = build_truncated(tmp_path / "cut.warc.gz")
    stats = convert([str(PARTIAL), str(warc), str(cut)], str(tmp_path / "o.jsonl"), workers=1)
    lines = (tmp_path / "o.jsonl").read_bytes().count(b"\n")
    assert stats.done == lines == 12 + 4 + 2
    assert stats.skipped == WARC_SKIPPED


def test_output_identical_whatever_the_executor(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    inputs = [str(PARTIAL), str(warc), str(SHANGHAI)]
    outputs = []
    for name, options in [
        ("workers1", {"workers": 1}),
        ("workers2", {"workers": 2}),
        ("serial", {"executor": SerialExecutor()}),
        ("window1", {"executor": ProcessExecutor(2, window=1)}),
    ]:
        out = tmp_path / f"{name}.jsonl"
        convert(inputs, str(out), **options)
        outputs.append(out.read_bytes())
    assert len(outputs[0].splitlines()) == 12 + 4 + 1
    assert all(o == outputs[0] for o in outputs)


def test_resume_after_kill_equals_uninterrupted(tmp_path):
    warc = build_warc(tmp_path / "crawl.warc.gz")
    inputs = [str(PINGYANG), str(warc), str(PARTIAL)]
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


def test_resume_skips_an_input_as_many_times_as_it_is_done(tmp_path):
    out = tmp_path / "o.jsonl"
    convert([str(PINGYANG)], str(out), workers=1)
    stats = convert([str(PINGYANG), str(PINGYANG)], str(out), workers=1, resume=True)
    assert (stats.resumed, stats.parsed) == (1, 1)
    assert len(read_jsonl(out)) == 2


def test_read_resume_truncates_invalid_last_line(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_bytes(b'{"report_id": "a", "error": {}}\n{"source": {"sha256": "b"}}\n{"report_id": "c"')
    done = read_resume(str(out))
    assert dict(done) == {"a": 1, "b": 1}
    assert out.read_bytes() == b'{"report_id": "a", "error": {}}\n{"source": {"sha256": "b"}}\n'
    assert read_resume(str(tmp_path / "missing.jsonl")) == {}


def test_read_resume_drops_the_error_records_it_retries_and_keeps_the_rest(tmp_path):
    out = tmp_path / "o.jsonl"
    lines = [
        b'{"source": {"sha256": "a"}}\n',
        b'{"report_id": "b", "error": {"type": "WorkerDiedError", "reason": "worker died: signal 9"}}\n',
        b'{"report_id": "c", "error": {"type": "NotAReportError", "reason": "final"}}\n',
        b'{"report_id": "d", "error": {"type": "InputTimeoutError", "reason": "slow"}}\n',
        b'{"report_id": "e", "error": {"type": "UnreadableInputError", "reason": "gone"}}\n',
        b'{"report_id": "f", "error": {"type": "MemoryError", "reason": ""}}\n',
        b'{"source": {"sha256": "g"}}\n',
    ]
    out.write_bytes(b"".join(lines) + b'{"report_id": "h"')
    out.chmod(0o640)
    done = read_resume(str(out))
    assert dict(done) == {"a": 1, "c": 1, "g": 1}
    assert out.read_bytes() == lines[0] + lines[2] + lines[6]  # rewritten whole, the half line gone too
    assert out.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["o.jsonl"]  # no temporary file left


def test_a_writer_that_cannot_start_leaves_no_file_and_issues_untouched(tmp_path, monkeypatch):
    from gkparse.export import writers

    def missing() -> None:
        raise gkparse.GkparseError("Parquet output needs pyarrow: install gkparse[parquet]")

    monkeypatch.setattr(writers, "_require_pyarrow", missing)
    issues = tmp_path / "issues.csv"
    issues.write_bytes(b"kept\n")
    with pytest.raises(gkparse.GkparseError, match="needs pyarrow"):
        convert([str(PINGYANG)], str(tmp_path / "cells.parquet"), issues=str(issues), workers=1)
    assert not (tmp_path / "cells.parquet").exists() and issues.read_bytes() == b"kept\n"


def test_resume_rejected_for_tables_and_stdout(tmp_path):
    with pytest.raises(gkparse.GkparseError, match="JSON Lines output only"):
        convert([str(PINGYANG)], str(tmp_path / "c.csv"), resume=True, workers=1)
    with pytest.raises(gkparse.GkparseError, match="not stdout"):
        convert([str(PINGYANG)], "-", resume=True, workers=1)
    assert not (tmp_path / "c.csv").exists()


def test_cells_csv_and_issues_csv(tmp_path):
    out, issues = tmp_path / "cells.csv", tmp_path / "issues.csv"
    guide = tmp_path / "guide.html"
    guide.write_bytes(NOT_A_REPORT)
    stats = convert([str(PINGYANG), str(guide), str(SHANGHAI)], str(out), issues=str(issues), workers=1)
    assert (stats.parsed, stats.failed, stats.relation_issues) == (2, 1, 1)
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CELL_COLUMNS
    assert [s for s in dict.fromkeys(r["source"] for r in rows)] == [str(PINGYANG), str(SHANGHAI)]
    hit = [r for r in rows if r["source"] == str(PINGYANG) and r["table"] == "requests"
           and r["row"] == "new" and r["column"] == "natural_person"]
    assert [r["value"] for r in hit] == ["4.0"]
    with open(issues, encoding="utf-8-sig", newline="") as fh:
        issue_list = list(csv.DictReader(fh))
    assert [(r["source"], r["rule"]) for r in issue_list] == [(str(PINGYANG), "R2")] * 2


def test_cells_parquet(tmp_path):
    import pandas as pd  # test extra: the README's analysis path

    out = tmp_path / "cells.parquet"
    convert([str(PINGYANG)], str(out), workers=1)
    cells = pd.read_parquet(out)
    assert list(cells.columns) == list(CELL_COLUMNS)
    value = cells.query("table == 'requests' and row == 'new' and column == 'natural_person'")["value"]
    assert value.tolist() == [4.0]
