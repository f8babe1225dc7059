"""gkparse.batch.run: process_job (never raises), the error record model and the executors."""

from __future__ import annotations

import hashlib
import json
from functools import partial

import pytest

import gkparse
from gkparse.batch import run
from gkparse.batch.run import ErrorRecord, ProcessExecutor, SerialExecutor, process_job
from gkparse.batch.sources import Job
from gkparse.export.rows import CELL_COLUMNS, cell_rows
from tests.support.warc import NOT_A_REPORT, PARTIAL, PINGYANG, SHANGHAI


def test_process_job_passes_the_job_id_and_provenance_to_parse():
    job = Job(PINGYANG.read_bytes(), "http://x.gov.cn/a.txt", date="2024-05-01T10:00:00Z", report_id="a" * 64)
    result = process_job(job)
    assert result.ok and result.error is None and result.report_id == "a" * 64
    report = gkparse.Report.model_validate_json(result.line)
    # The id given with the job, not a digest recomputed from the bytes.
    assert report.source.sha256 == "a" * 64
    assert report.source.path == "http://x.gov.cn/a.txt" and report.source.date == "2024-05-01T10:00:00Z"
    assert result.issue_count == 2 and result.relation_issue
    assert result.cells == [] and result.issues == []


def test_process_job_rows_on_request():
    result = process_job(Job(SHANGHAI.read_bytes(), str(SHANGHAI)), rows=True)
    assert result.ok and not result.relation_issue
    assert len(result.cells) > 100 and result.cells[0][0] == hashlib.sha256(SHANGHAI.read_bytes()).hexdigest()
    # Tuples in the column order, the same rows as the public dicts: nothing else is pickled back.
    report = gkparse.parse(SHANGHAI.read_bytes(), origin=str(SHANGHAI))
    assert [dict(zip(CELL_COLUMNS, row)) for row in result.cells] == cell_rows(report)
    assert len(result.issues) == result.issue_count


def test_error_record_validates_and_keeps_the_line_format():
    job = Job(NOT_A_REPORT, "guide.html")
    result = process_job(job)
    assert not result.ok and result.error is not None
    record = ErrorRecord.model_validate_json(result.line)
    assert record == result.error
    assert (record.error.type, record.source, record.report_id) == ("NotAReportError", "guide.html", job.report_id)
    assert record.error.reason.startswith("no annual report found")
    # Byte for byte what convert wrote before the model existed.
    expected = {"error": {"type": "NotAReportError", "reason": record.error.reason},
                "source": "guide.html", "report_id": job.report_id}
    assert result.line == json.dumps(expected, ensure_ascii=False)


def test_read_error_of_a_job_becomes_its_error_record():
    job = Job(b"", "cut.warc.gz", error=("TruncatedArchiveError", "damaged archive: cut"), report_id="b" * 64)
    result = process_job(job)
    assert result.error == ErrorRecord.model_validate(
        {"error": {"type": "TruncatedArchiveError", "reason": "damaged archive: cut"},
         "source": "cut.warc.gz", "report_id": "b" * 64}
    )


def test_process_job_never_raises(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(run, "parse", broken)
    result = process_job(Job(PINGYANG.read_bytes(), "a.txt"))
    assert not result.ok and result.error is not None
    assert (result.error.error.type, result.error.error.reason) == ("RuntimeError", "boom")
    monkeypatch.setattr(run, "parse", lambda *a, **k: (_ for _ in ()).throw(KeyError()))
    assert process_job(Job(b"x", "b.txt")).error.error.reason == "KeyError()"


def _jobs() -> list[Job]:
    paths = sorted(PARTIAL.iterdir()) + [PINGYANG, SHANGHAI]
    return [Job(p.read_bytes(), str(p)) for p in paths] + [Job(NOT_A_REPORT, "guide.html")]


@pytest.mark.parametrize("window", [1, None])
def test_serial_and_process_executors_give_identical_output(window):
    func = partial(process_job, rows=True)
    serial = list(SerialExecutor().map(func, _jobs()))
    parallel = list(ProcessExecutor(2, window=window).map(func, iter(_jobs())))
    assert [r.source for r in parallel] == [j.source for j in _jobs()]
    assert parallel == serial
    assert [r.ok for r in serial].count(False) == 1


def test_process_executor_window():
    assert ProcessExecutor(3).window == run.WINDOW_PER_WORKER * 3
    assert ProcessExecutor(3, window=5).window == 5
    with pytest.raises(ValueError):
        ProcessExecutor(0)


def test_error_record_of_an_archive_item_names_archive_and_offset():
    job = Job(b"", "http://x.gov.cn/a.txt", error=("ContentEncodingError", "Content-Encoding gzip: invalid data at byte 45"),
              report_id="c" * 64, archive="crawl.warc.gz", offset=1288)
    result = process_job(job)
    assert json.loads(result.line) == {
        "error": {"type": "ContentEncodingError", "reason": "Content-Encoding gzip: invalid data at byte 45"},
        "source": "http://x.gov.cn/a.txt", "report_id": "c" * 64, "archive": "crawl.warc.gz", "offset": 1288,
    }
    assert ErrorRecord.model_validate_json(result.line) == result.error
    # A file's error record keeps its three fields.
    assert set(json.loads(process_job(Job(b"", "a.txt")).line)) == {"error", "source", "report_id"}


def test_unexpected_error_reasons_hold_no_raw_bytes(monkeypatch):
    monkeypatch.setattr(run, "parse", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("bad \x1f\x8b\x00 " + "x" * 500)))
    reason = process_job(Job(b"x", "b.txt")).error.error.reason
    assert "\x1f" not in reason and "\\x1f" in reason and len(reason) <= 240


def test_templates_registered_in_the_parent_reach_spawned_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that does not fork knows only the built-in templates unless told."""
    import dataclasses

    import gkparse
    from gkparse.batch import ProcessExecutor, process_job
    from gkparse.batch.sources import Job
    from gkparse.templates import TEMPLATES
    from tests.support.render import render
    from tests.support.tables import consistent_cells

    local = dataclasses.replace(TEMPLATES["2021"], name="2021-local", cues=(*TEMPLATES["2021"].cues, "本地试点"))
    monkeypatch.setitem(TEMPLATES, local.name, local)
    text = render({"template": local, "agency": "某局", "year": 2023, "cells": consistent_cells(local, seed=2)}, "pipe")
    data = (text + "\n本地试点\n").encode()
    assert gkparse.parse(data).template == "2021-local"
    [result] = list(ProcessExecutor(workers=1, start_method="spawn").map(process_job, [Job(data, "local.txt")]))
    assert '"template":"2021-local"' in result.line


# --- the worker pool: deaths, budgets, odd functions -----------------------------------------


def _exits(job: Job) -> run.Result:
    raise SystemExit(3)


def _unpicklable(job: Job) -> run.Result:
    result = process_job(job)
    result.cells = [{"handle": lambda: None}]  # a lambda cannot be pickled back to the parent
    return result


def _exits_hard(job: Job) -> run.Result:
    import os

    os._exit(7)


def test_death_reasons():
    assert run._death_reason(-9) == "worker died: signal 9 (SIGKILL, e.g. from the out-of-memory killer)"
    assert run._death_reason(-11) == "worker died: signal 11 (SIGSEGV)"
    assert run._death_reason(7) == "worker died: exit status 7"


def test_whatever_the_function_does_each_job_gets_one_result_in_order():
    jobs = [Job(PINGYANG.read_bytes(), "a.txt"), Job(b"x", "b.txt")]
    exited = list(ProcessExecutor(1).map(_exits, jobs))
    assert [(r.source, r.error.error.type if r.error else None) for r in exited] == [("a.txt", "SystemExit"), ("b.txt", "SystemExit")]
    unsent = list(ProcessExecutor(1).map(_unpicklable, jobs[:1]))
    assert unsent[0].error is not None and unsent[0].source == "a.txt"  # the pickling error, as its error record
    dead = list(ProcessExecutor(2).map(_exits_hard, jobs))
    assert [r.error.error.reason if r.error else None for r in dead] == ["worker died: exit status 7"] * 2
    assert all(r.error is not None and r.error.error.type == run.WORKER_DIED for r in dead)


def test_process_executor_limits():
    default = ProcessExecutor(2)
    assert (default.timeout, default.memory_limit) == (run.INPUT_TIMEOUT, run.WORKER_MEMORY_LIMIT)
    none = ProcessExecutor(2, timeout=0, memory_limit=None)
    assert (none.timeout, none.memory_limit) == (None, None)
    with pytest.raises(ValueError, match="timeout"):
        ProcessExecutor(1, timeout=-1)
    assert run.RETRIED_ON_RESUME == {"UnreadableInputError", "WorkerDiedError", "InputTimeoutError", "MemoryError"}


# --- what a worker sends back ---------------------------------------------------------------


#: disclosure/rules/issued of the pingyang dump (0), and changed (9).
_RULES_ISSUED = "规章\n\n0\n".encode()
_RULES_CHANGED = "规章\n\n9\n".encode()


def _linked_pair() -> tuple[run.Result, run.Result]:
    page = PINGYANG.read_bytes()
    first = process_job(Job(page, "first.txt"), rows=True)
    # The same report with one cell changed: linked, with a sources-disagree issue.
    second = process_job(Job(page.replace(_RULES_ISSUED, _RULES_CHANGED, 1), "second.txt"), rows=True)
    return first, second


def test_a_link_is_spliced_into_the_line_byte_for_byte_as_the_model_writes_it():
    from gkparse.batch.link import Linker, issues_end, splice

    first, second = _linked_pair()
    assert first.fingerprint is not None and second.fingerprint is not None
    assert second.issues_end is not None and second.line[second.issues_end] == "]"
    linker = Linker()
    assert linker.link(first.fingerprint) is None
    link = linker.link(second.fingerprint)
    assert link is not None and link.issue is not None  # the cells differ
    whole = link.apply(gkparse.Report.model_validate_json(second.line)).model_dump_json()
    assert splice(second.line, second.issues_end, link) == whole
    # No issue before it, no issue added: both ends of the array.
    bare = gkparse.Report.model_validate_json(second.line)
    bare.issues = []
    line = bare.model_dump_json()
    end = issues_end(line, bare)
    assert end is not None and line[end - 1: end + 1] == "[]"
    quiet = type(link)(link.same_as, None)
    assert splice(line, end, quiet) == quiet.apply(gkparse.Report.model_validate_json(line)).model_dump_json()
    assert splice(line, end, link) == link.apply(gkparse.Report.model_validate_json(line)).model_dump_json()
    # A line not laid out as expected is not spliced (the batch re-serialises it).
    assert splice(line, end + 1, link) is None and splice(line, None, link) is None
    assert issues_end(line.replace('"same_as":null', '"same_as":null,"later":1'), bare) is None


def test_a_linked_batch_writes_what_it_wrote_before_the_splice(tmp_path, monkeypatch):
    """The splice and the parse-and-re-serialise it replaces give the same files."""
    from gkparse.batch import convert, pipeline

    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_bytes(PINGYANG.read_bytes())
    second.write_bytes(PINGYANG.read_bytes().replace(_RULES_ISSUED, _RULES_CHANGED, 1))
    outputs = {}
    for name, splicer in (("splice", pipeline.splice), ("reserialise", lambda *args: None)):
        monkeypatch.setattr(pipeline, "splice", splicer)
        out, issues = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.csv"
        stats = convert([str(first), str(second)], str(out), issues=str(issues), executor=SerialExecutor())
        assert stats.linked == 1
        outputs[name] = (out.read_bytes(), issues.read_bytes())
    assert outputs["splice"] == outputs["reserialise"]
    assert b"sources-disagree" in outputs["splice"][0] and b"sources-disagree" in outputs["splice"][1]


def test_results_pickle_without_the_report():
    import pickle

    _, second = _linked_pair()
    sent = pickle.loads(pickle.dumps(second))
    assert sent == second and all(isinstance(row, tuple) for row in sent.cells)
    assert b"gkparse.model" not in pickle.dumps(second)  # rows and a line: no model object travels


def test_a_deferred_job_is_read_where_it_runs(tmp_path):
    """The worker reads and hashes a file named by a deferred job: the result is the one of
    the job of its bytes; a file in a form not read is a skip, one that cannot be read its
    error record."""
    png = tmp_path / "chart.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    eager = process_job(Job(PINGYANG.read_bytes(), str(PINGYANG)), rows=True)
    assert process_job(Job(b"", str(PINGYANG), path=str(PINGYANG)), rows=True) == eager
    skipped = process_job(Job(b"", str(png), path=str(png)))
    assert (skipped.skipped, skipped.ok, skipped.line, skipped.error) == ("image", False, "", None)
    gone = process_job(Job(b"", "gone.txt", path=str(tmp_path / "gone.txt")))
    assert gone.error is not None and gone.error.error.type == "UnreadableInputError" and gone.skipped is None
    assert gone.report_id == hashlib.sha256(b"unreadable:" + str(tmp_path / "gone.txt").encode()).hexdigest()


def test_convert_defers_reading_to_several_workers_unless_resuming_records(tmp_path, monkeypatch):
    from gkparse.batch import convert, pipeline

    png = tmp_path / "chart.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    deferred: list[bool] = []

    def spy(*args, **kwargs):
        deferred.append(kwargs["deferred"])
        return pipeline_iter_jobs(*args, **kwargs)

    pipeline_iter_jobs = pipeline.iter_jobs
    monkeypatch.setattr(pipeline, "iter_jobs", spy)
    out = tmp_path / "out.jsonl"
    stats = convert([str(PINGYANG), str(png), str(SHANGHAI)], str(out), workers=2)
    assert (stats.parsed, stats.skipped, dict(stats.skipped_by)) == (2, 1, {"image": 1})
    assert [json.loads(line)["source"]["path"] for line in out.read_text().splitlines()] == [str(PINGYANG), str(SHANGHAI)]
    again = convert([str(PINGYANG), str(png), str(SHANGHAI)], str(out), workers=2, resume=True)
    assert (again.resumed, again.skipped, again.parsed) == (2, 1, 0)  # the ids come first: read here
    alone = convert([str(PINGYANG), str(png), str(SHANGHAI)], str(tmp_path / "one.jsonl"), workers=1)
    assert (alone.parsed, alone.skipped) == (2, 1)  # one worker: the parent reads the next file meanwhile
    assert (tmp_path / "one.jsonl").read_bytes() == out.read_bytes()
    assert deferred == [True, False, False]


def test_the_batch_parent_returns_freed_memory_every_so_many_results(tmp_path, monkeypatch):
    """A long batch's parent gives its freed heap back to the system as it goes (glibc keeps
    the fragments the reports' JSON leaves otherwise), every RELEASE_EVERY results."""
    import platform
    import sys

    from gkparse.batch import convert, pipeline, run

    if sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc":
        assert run.release_freed_memory() is True
    calls: list[int] = []
    monkeypatch.setattr(pipeline, "RELEASE_EVERY", 2)
    monkeypatch.setattr(pipeline, "release_freed_memory", lambda: calls.append(1) or True)
    stats = convert([str(PINGYANG), str(SHANGHAI), str(PINGYANG)], str(tmp_path / "out.jsonl"), workers=1)
    assert stats.parsed == 3 and len(calls) == 1
