"""Batch conversion: many inputs (files, folders, globs, stdin, WARC/ARC archives) → one output.

:func:`convert` expands the inputs (:mod:`.sources`), drops the ones a resumed output
already holds, runs :func:`~.run.process_job` on an executor (:mod:`.run`) and hands each
result, in input order, to the writer of the output format
(:mod:`gkparse.export.writers`). A bad input never stops the batch: it becomes an
*error record* in the JSON Lines output::

    {"error": {"type": "NotAReportError", "reason": "..."}, "source": "...", "report_id": "<sha256>"}

From Python::

    stats = convert(["fixtures/pingyang_amr_2020.txt"], "out.jsonl", workers=1)
    stats.parsed  # 1
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Optional

from ..errors import GkparseError
from ..export import issue_rows
from ..export.writers import STDOUT, WRITERS, IssuesCsvWriter, Writer, check_writable, format_for
from ..model import Report
from .link import Linker, fingerprint
from .run import Executor, ProcessExecutor, Result, SerialExecutor, process_job
from .sources import Job, expand_inputs, iter_jobs

__all__ = ["Stats", "convert", "read_resume"]

#: A clock interval shorter than any real run: the rate of an instant run stays finite.
_MIN_ELAPSED = 1e-9


@dataclass
class Stats:
    """Counts of a batch run. Every input item (a file, an archive record, damage in an
    archive) is counted once: parsed, failed, skipped (with a named reason, counted by
    kind in ``skipped_by``: ``http-404``, ``no-report-marker``, ``image``, …) or resumed
    (already in the output). ``parsed_by`` counts the parsed reports by the form they were
    read from (``html``, ``text``, ``pdf``, ``docx``, ``doc``)."""

    parsed: int = 0
    with_issues: int = 0
    relation_issues: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    linked: int = 0
    parsed_by: Counter[str] = field(default_factory=Counter)
    skipped_by: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.parsed + self.failed

    def count(self, result: Result) -> None:
        """Add one result."""
        if result.ok:
            self.parsed += 1
            self.parsed_by[result.form or "unknown"] += 1
            self.with_issues += bool(result.issue_count)
            self.relation_issues += result.relation_issue
        else:
            self.failed += 1

    def skip(self, source: str = "", reason: str = "skipped") -> None:
        """Count one input item left out, under its reason."""
        self.skipped += 1
        self.skipped_by[reason] += 1

    def skipped_line(self) -> str:
        """The skips by kind, most first: ``3 not-a-response, 2 http-404, 1 pdf``."""
        kinds = sorted(self.skipped_by.items(), key=lambda kv: (-kv[1], kv[0]))
        return ", ".join(f"{n} {reason}" for reason, n in kinds)

    def forms_line(self) -> str:
        """The reports parsed by the form they were read from, most first:
        ``parsed by form: 17 html, 3 pdf, 1 docx``."""
        kinds = sorted(self.parsed_by.items(), key=lambda kv: (-kv[1], kv[0]))
        return "parsed by form: " + ", ".join(f"{n} {form}" for form, n in kinds)

    def line(self) -> str:
        """``3 parsed, 1 with issues, 1 failed, 4 skipped [3 not-a-response, 1 pdf] (30.1/s)``."""
        elapsed = max(time.monotonic() - self.started, _MIN_ELAPSED)
        skipped = f"{self.skipped} skipped" + (f" [{self.skipped_line()}]" if self.skipped else "")
        parts = [
            f"{self.parsed} parsed",
            f"{self.with_issues} with issues",
            f"{self.failed} failed",
            skipped,
        ]
        if self.resumed:
            parts.append(f"{self.resumed} already done")
        if self.linked:
            parts.append(f"{self.linked} the same report as an earlier input")
        return ", ".join(parts) + f" ({self.done / elapsed:.1f}/s)"


# --- resume --------------------------------------------------------------------------------


def read_resume(out: str, linker: Optional[Linker] = None) -> Counter[str]:
    """Report ids already in the JSON Lines file ``out`` (with their counts).

    A last line cut short (no newline, or not valid JSON) is truncated away so it is redone.
    ``linker`` is shown the reports already written, so that a resumed run links the rest
    to them as an uninterrupted run would.
    """
    done: Counter[str] = Counter()
    path = Path(out)
    if not path.exists():
        return done
    keep = 0
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            rid = None
            if isinstance(record, dict):
                rid = record.get("report_id")
                if rid is None and isinstance(record.get("source"), dict):
                    rid = record["source"].get("sha256")
            if rid:
                done[rid] += 1
                if linker is not None and "error" not in record:
                    written = fingerprint(Report.model_validate(record), rid)
                    if written is not None:
                        linker.match(written)
            keep += len(raw)
    if keep != path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(keep)
    return done


def _not_done(jobs: Iterable[Job], done: Counter[str], stats: Stats) -> Iterator[Job]:
    """``jobs`` less those already in the output (each id as many times as it is there)."""
    for job in jobs:
        if done[job.report_id] > 0:
            done[job.report_id] -= 1
            stats.resumed += 1
            continue
        yield job


# --- the whole batch -----------------------------------------------------------------------


def _linked(result: Result, report: Report, rows: bool) -> None:
    """``result`` with the report that names its earlier source (and its issue rows with
    the new ``sources-disagree`` issue)."""
    result.line = report.model_dump_json()
    result.issue_count = len(report.issues)
    if rows:
        result.issues = issue_rows(report)


def _executor(workers: Optional[int]) -> Executor:
    workers = workers or os.cpu_count() or 1
    return SerialExecutor() if workers <= 1 else ProcessExecutor(workers)


def convert(
    inputs: Iterable[str],
    out: str,
    *,
    format: Optional[str] = None,
    issues: Optional[str] = None,
    workers: Optional[int] = None,
    resume: bool = False,
    executor: Optional[Executor] = None,
    on_result: Optional[Callable[[Result, Stats], None]] = None,
    stdin: Optional[IO[bytes]] = None,
    stdout: Optional[IO[bytes]] = None,
) -> Stats:
    """Parse ``inputs`` into ``out`` and return the counts.

    ``format`` names an output format of :data:`gkparse.export.WRITERS` (``jsonl``: full
    reports and error records, one per line; ``cells-csv``/``cells-parquet``: the tidy cell
    table); default from OUT's suffix, ``-`` is stdout (``stdout`` if given). ``issues``
    names an extra CSV of every issue. ``resume`` (JSON Lines only) skips inputs whose
    report id is already in OUT. ``executor`` runs the jobs (default: in this process for
    ``workers=1``, else a pool of ``workers`` processes, default one per CPU).
    ``on_result`` is called after each result is written.

    Raises :class:`GkparseError` for unusable arguments, before any output is written.
    """
    out = str(out)
    spec = WRITERS[format_for(out, format)]
    if resume and not spec.writer.appendable:
        raise GkparseError(
            f"--resume works with JSON Lines output only (the {spec.name} output is rewritten whole)"
        )
    if resume and out == STDOUT:
        raise GkparseError("--resume needs an output file, not stdout")
    check_writable(out, "OUT")
    if issues is not None:
        check_writable(issues, "--issues")  # before OUT is opened (and truncated)
    paths = expand_inputs(inputs)  # the one walk; fails here on inputs that name nothing
    stats = Stats()
    linker = Linker()
    done = read_resume(out, linker) if resume else Counter[str]()
    jobs: Iterable[Job] = iter_jobs(paths, on_skip=stats.skip, stdin=stdin)
    if done:
        jobs = _not_done(jobs, done, stats)

    target: str | IO[bytes] = out
    if out == STDOUT:
        target = stdout if stdout is not None else sys.stdout.buffer
    with contextlib.ExitStack() as stack:
        writers: list[Writer] = [spec.writer(target, append=resume)]
        stack.callback(writers[0].close)
        if issues is not None:
            writers.append(IssuesCsvWriter(issues))
            stack.callback(writers[-1].close)
        rows = any(w.needs_rows for w in writers)
        run = executor if executor is not None else _executor(workers)
        for result in run.map(partial(process_job, rows=rows), jobs):
            if result.fingerprint is not None:
                amended = linker.amend(result.line, result.fingerprint)
                if amended is not None:
                    _linked(result, amended, rows)
                    stats.linked += 1
            stats.count(result)
            for writer in writers:
                writer.write(result)
            if on_result is not None:
                on_result(result, stats)
    return stats
