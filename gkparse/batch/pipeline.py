"""Batch conversion: many inputs (files, folders, globs, stdin, WARC/ARC archives) → one output.

:func:`convert` expands the inputs (:mod:`.sources`), drops the ones a resumed output
already holds, runs :func:`~.run.process_job` on an executor (:mod:`.run`) and hands each
result, in input order, to the writer of the output format
(:mod:`gkparse.export.writers`). A bad input never stops the batch: it becomes an
*error record* in the JSON Lines output::

    {"error": {"type": "NotAReportError", "reason": "..."}, "source": "...", "report_id": "<sha256>"}

and so does an input whose worker dies or runs out of time (:mod:`.run`). OUT and the
issues CSV are locked for the whole run (:class:`~gkparse.export.writers.OutputLock`).
``--resume`` keeps final records, retries the others and rebuilds the issues CSV from OUT:
nothing lost, nothing twice.

From Python::

    stats = convert(["fixtures/pingyang_amr_2020.txt"], "out.jsonl", workers=1)
    stats.parsed  # 1
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, Optional

from ..errors import GkparseError
from ..export import issue_row, issue_rows
from ..export.compression import Decompressed, compressing
from ..export.writers import (
    ISSUE_WRITERS,
    STDOUT,
    WRITERS,
    OutputLock,
    Writer,
    check_options,
    check_ready,
    check_writable,
    format_for,
    issues_format_for,
    open_writer,
)
from ..model import Report
from .link import Link, Linker, fingerprint, splice
from .run import (
    INPUT_TIMEOUT,
    RELEASE_EVERY,
    RETRIED_ON_RESUME,
    WORKER_MEMORY_LIMIT,
    Executor,
    ProcessExecutor,
    Result,
    process_job,
    release_freed_memory,
)
from .sources import STDIN, Job, expand_inputs, is_archive, iter_jobs

__all__ = ["Stats", "convert", "link_result", "read_resume"]

#: A clock interval shorter than any real run: the rate of an instant run stays finite.
_MIN_ELAPSED = 1e-9


@dataclass
class Stats:
    """Counts of a batch run. Every input item (a file, an archive record, damage in an
    archive) is counted once: parsed, failed, skipped (with a named reason, counted by
    kind in ``skipped_by``: ``http-404``, ``no-report-marker``, ``image``, …) or resumed
    (already in the output). ``parsed_by`` counts the parsed reports by the form they were
    read from (``html``, ``text``, ``pdf``, ``docx``, ``doc``), ``failed_by`` the failed
    inputs by error type (``NotAReportError``, ``WorkerDiedError``, ``InputTimeoutError``,
    …). ``retried``: error records a resumed run dropped from OUT to try their inputs again
    (:data:`~.run.RETRIED_ON_RESUME`); each of those inputs is counted again as it ends."""

    parsed: int = 0
    with_issues: int = 0
    relation_issues: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    retried: int = 0
    linked: int = 0
    parsed_by: Counter[str] = field(default_factory=Counter)
    skipped_by: Counter[str] = field(default_factory=Counter)
    failed_by: Counter[str] = field(default_factory=Counter)
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
            self.failed_by[result.error.error.type if result.error is not None else "unknown"] += 1

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
        if self.retried:
            parts.append(f"{self.retried} failed before, tried again")
        if self.linked:
            parts.append(f"{self.linked} the same report as an earlier input")
        return ", ".join(parts) + f" ({self.done / elapsed:.1f}/s)"


# --- resume --------------------------------------------------------------------------------


def _record_id(record: object) -> Optional[str]:
    if not isinstance(record, dict):
        return None
    rid = record.get("report_id")
    if rid is None and isinstance(record.get("source"), dict):
        rid = record["source"].get("sha256")
    return rid if isinstance(rid, str) and rid else None


def _retried(record: object) -> bool:
    """An error record of a failure :data:`~.run.RETRIED_ON_RESUME` tries again."""
    if not isinstance(record, dict) or not isinstance(record.get("error"), dict):
        return False
    return record["error"].get("type") in RETRIED_ON_RESUME


def _rewrite(source: Decompressed, keep: list[tuple[int, int]], lock: Optional[OutputLock]) -> None:
    """Replace the file of ``source`` by its byte ranges ``keep`` (of its decompressed bytes:
    a ``.gz`` OUT is written again compressed), atomically: a new file in the same folder,
    synced, then renamed over it (a run killed meanwhile leaves OUT whole)."""
    path = Path(source.path)
    fd, new = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".resume", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as dst:
            with compressing(dst, compress=source.compressed) as out:
                for piece in source.ranges(keep):
                    out.write(piece)
            dst.flush()
            os.fsync(dst.fileno())
        os.chmod(new, path.stat().st_mode & 0o7777)
        if lock is not None:
            lock.replace(new)
        else:
            os.replace(new, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(new)
        raise


def _scan_resume(
    out: str, linker: Optional[Linker], on_report: Optional[Callable[[Report], None]], lock: Optional[OutputLock],
) -> tuple[Counter[str], int]:
    """The ids in OUT and the number of error records dropped to be tried again."""
    done: Counter[str] = Counter()
    path = Path(out)
    if not path.exists():
        return done, 0
    keep: list[tuple[int, int]] = []  # byte ranges of the lines kept
    position = dropped = 0
    source = Decompressed(path)  # a .gz OUT is read decompressed, up to where a kill cut it
    with contextlib.closing(source.lines()) as lines:
        for raw in lines:
            if not raw.endswith(b"\n"):
                break
            try:
                record = json.loads(raw)
            except ValueError:
                break
            start, position = position, position + len(raw)
            if _retried(record):
                dropped += 1
                continue
            if keep and keep[-1][1] == start:
                keep[-1] = (keep[-1][0], position)
            else:
                keep.append((start, position))
            rid = _record_id(record)
            if rid is None:
                continue
            done[rid] += 1
            if "error" not in record and (linker is not None or on_report is not None):
                report = Report.model_validate(record)
                if linker is not None:
                    written = fingerprint(report, rid)
                    if written is not None:
                        linker.match(written)
                if on_report is not None:
                    on_report(report)
    if dropped or (source.compressed and not (source.complete and position == source.size)):
        _rewrite(source, keep, lock)  # a gzip stream cannot be cut short: it is written anew
    elif not source.compressed and position != path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(position)
    return done, dropped


def read_resume(
    out: str, linker: Optional[Linker] = None, *,
    on_report: Optional[Callable[[Report], None]] = None, lock: Optional[OutputLock] = None,
) -> Counter[str]:
    """Report ids already in the JSON Lines file ``out`` (with their counts).

    A last line cut short (no newline, or not valid JSON) is truncated away so it is redone.
    Error records of failures tried again (:data:`~.run.RETRIED_ON_RESUME`: an unreadable
    file, a dead worker, time or memory run out) are dropped from ``out`` (rewritten
    atomically, under ``lock`` when given) and their ids left out, so their inputs are
    redone; every other record is final. ``linker`` is shown the reports already written,
    so that a resumed run links the rest to them as an uninterrupted run would;
    ``on_report`` is called with each of them, in order (to rebuild ``--issues``).
    """
    return _scan_resume(out, linker, on_report, lock)[0]


def _not_done(jobs: Iterable[Job], done: Counter[str], stats: Stats, bar: Any = None) -> Iterator[Job]:
    """``jobs`` less those already in the output (each id as many times as it is there)."""
    for job in jobs:
        if done[job.report_id] > 0:
            done[job.report_id] -= 1
            stats.resumed += 1
            if bar is not None:
                bar.update(1)
            continue
        yield job


# --- the whole batch -----------------------------------------------------------------------


def link_result(result: Result, link: Link, rows: bool) -> None:
    """``result`` with ``link`` set: its line names the earlier source (and its issue rows
    hold the new ``sources-disagree`` issue). The line is spliced, not re-serialised
    (:func:`~.link.splice`), unless it is not laid out as the splice expects."""
    line = splice(result.line, result.issues_end, link)
    if line is None:
        report = link.apply(Report.model_validate_json(result.line))
        line = report.model_dump_json()
    result.line = line
    result.issues_end = None  # linked: no second link is added to it
    if link.issue is not None:
        result.issue_count += 1
        if rows:
            # The report's id and source, as every other issue row of the report names them.
            result.issues.append(issue_row(result.report_id, result.source, link.issue))


def _executor(workers: Optional[int], timeout: Optional[float], memory_limit: Optional[int]) -> Executor:
    """Worker processes, even for ``workers=1``: only a process of its own can be stopped
    when an input overruns its budget, or die without taking the batch with it."""
    return ProcessExecutor(workers or os.cpu_count() or 1, timeout=timeout, memory_limit=memory_limit)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)


def _lock_outputs(out: str, issues: Optional[str]) -> list[OutputLock]:
    """Locks on OUT and ISSUES (not stdout); on failure, none is held and no file is left
    that was not there before."""
    locks: list[OutputLock] = []
    try:
        for path, what in ((out, "OUT"), (issues, "--issues")):
            if path is not None and path != STDOUT:
                locks.append(OutputLock(path, what))
    except BaseException:
        for lock in locks:
            lock.release(discard=True)
        raise
    return locks


def _open(
    stack: contextlib.ExitStack, writer: type[Writer], target: str | IO[bytes], append: bool = False,
    options: Optional[Mapping[str, Any]] = None,
) -> Writer:
    """A writer on ``target`` (with those of ``options`` it takes), closed with ``stack``."""
    opened = open_writer(writer, target, append=append, options=options)
    stack.callback(opened.close)
    return opened


def _releaser(lock: OutputLock) -> Callable[..., bool]:
    """The exit callback of ``lock``: a run that fails leaves no empty file it created."""

    def release(exc_type: Optional[type[BaseException]], *_: object) -> bool:
        lock.release(discard=exc_type is not None)
        return False

    return release


def _issue_result(report: Report) -> Result:
    """A report already in OUT as a result for the ``--issues`` writer (its rows only)."""
    rid = report.source.sha256 or ""
    return Result(report.source.path or "", rid, "", ok=True, issues=issue_rows(report))


#: Seconds between redraws of the progress bar: live to the eye, cheap next to a parse.
PROGRESS_INTERVAL = 0.2


def _progress_bar(paths: list[str], *, enabled: bool) -> Any:
    """A tqdm bar over the input items (:func:`convert`'s ``progress``), disabled (every call
    a no-op) unless ``enabled``."""
    from tqdm.auto import tqdm  # a notebook widget under Jupyter, a text bar elsewhere

    known = not any(path == STDIN or is_archive(path) for path in paths)
    return tqdm(
        total=len(paths) if known else None, unit="input", disable=not enabled, file=sys.stderr,
        dynamic_ncols=True, mininterval=PROGRESS_INTERVAL,
    )


def convert(
    inputs: Iterable[str],
    out: str,
    *,
    format: Optional[str] = None,
    issues: Optional[str] = None,
    workers: Optional[int] = None,
    resume: bool = False,
    timeout: Optional[float] = INPUT_TIMEOUT,
    memory_limit: Optional[int] = WORKER_MEMORY_LIMIT,
    executor: Optional[Executor] = None,
    on_result: Optional[Callable[[Result, Stats], None]] = None,
    stdin: Optional[IO[bytes]] = None,
    stdout: Optional[IO[bytes]] = None,
    options: Optional[Mapping[str, Any]] = None,
    progress: bool = False,
) -> Stats:
    """Parse ``inputs`` into ``out`` and return the counts.

    ``format`` names an output format of :data:`gkparse.export.WRITERS` (``jsonl``: full
    reports and error records, one per line; ``cells-csv``, ``cells-parquet``,
    ``cells-jsonl``, ``cells-xlsx``: the tidy cell table); default from OUT's suffix, ``-``
    is stdout (``stdout`` if given). ``issues`` names an extra file of every issue, its
    format from its suffix (:data:`gkparse.export.ISSUE_WRITERS`: ``.csv``, ``.jsonl``,
    ``.parquet``, ``.xlsx``). A name ending in ``.gz`` compresses a CSV or JSON Lines
    output. ``options`` go to the writers that take them (``{"bom": False}``: CSV without a
    byte-order mark). ``resume`` (JSON Lines, ``.jsonl.gz`` included) skips inputs whose
    report id is already in OUT, tries again those whose failure is not final
    (:func:`read_resume`) and rebuilds ``issues`` from the reports in OUT before adding the
    new ones. ``executor`` runs the jobs (default: a pool of ``workers`` processes, default
    one per CPU, each input with a budget of ``timeout`` seconds and each worker with
    ``memory_limit`` bytes of address space; None: no budget, no limit; see
    :class:`~.run.ProcessExecutor`). ``on_result`` is called after each result is written.
    ``progress`` shows a progress bar (tqdm; a widget in a Jupyter notebook, a line on
    stderr elsewhere): inputs done of the total, rate and time left, the total being the
    number of files when no archive or stdin is among the inputs (an archive's records are
    not known before they are read: the bar then counts items without a total).

    OUT and ``issues`` are locked for the whole run: a second run writing either fails.
    Raises :class:`GkparseError` for unusable arguments or a locked output, before any
    output is written.
    """
    out = str(out)
    spec = WRITERS[format_for(out, format)]
    if resume and not spec.writer.appendable:
        raise GkparseError(
            f"--resume works with JSON Lines output only (the {spec.name} output is rewritten whole)"
        )
    if resume and out == STDOUT:
        raise GkparseError("--resume needs an output file, not stdout")
    if resume and os.path.exists(out) and not os.path.isfile(out):
        raise GkparseError(f"--resume needs OUT to be a regular file to read back: {out} is not one (a pipe, a device)")
    if timeout is not None and timeout < 0:
        raise GkparseError(f"the time budget per input must not be negative, not {timeout}")
    issue_writer = ISSUE_WRITERS[issues_format_for(issues)].writer if issues is not None else None
    check_options(options)
    for writer_class in (spec.writer, issue_writer):
        if writer_class is not None:
            check_ready(writer_class)  # a missing pyarrow or XlsxWriter, before any output is opened
    check_writable(out, "OUT")
    if issues is not None:
        check_writable(issues, "--issues")  # before OUT is opened (and truncated)
        if out != STDOUT and _same_file(out, issues):
            raise GkparseError(f"OUT and --issues name the same file: {issues}")
    paths = expand_inputs(inputs)  # the one walk; fails here on inputs that name nothing
    stats = Stats()
    linker = Linker()

    with contextlib.ExitStack() as stack:
        bar = stack.enter_context(_progress_bar(paths, enabled=progress))
        skip = stats.skip

        def counted_skip(source: str = "", reason: str = "skipped") -> None:
            skip(source, reason)
            bar.update(1)

        stats.skip = counted_skip  # type: ignore[method-assign]
        locks = _lock_outputs(out, issues)  # before anything is read, truncated or written
        for lock in locks:
            stack.push(_releaser(lock))
        target: str | IO[bytes] = out
        if out == STDOUT:
            target = stdout if stdout is not None else sys.stdout.buffer
        writers: list[Writer] = []
        done = Counter[str]()
        if resume:
            # --issues is rebuilt from the reports in OUT, then OUT is read (and rewritten when
            # it drops records to retry) before it is opened to append.
            rebuild: Optional[Callable[[Report], None]] = None
            if issue_writer is not None and issues is not None:
                issues_writer = _open(stack, issue_writer, issues, options=options)
                writers.append(issues_writer)

                def rebuild(report: Report) -> None:
                    issues_writer.write(_issue_result(report))

            done, stats.retried = _scan_resume(out, linker, rebuild, locks[0])  # OUT is a file: its lock is first
            writers.insert(0, _open(stack, spec.writer, target, append=True, options=options))
        else:  # OUT first: an OUT that cannot be opened leaves --issues as it was
            writers.append(_open(stack, spec.writer, target, options=options))
            if issue_writer is not None and issues is not None:
                writers.append(_open(stack, issue_writer, issues, options=options))
        run = executor if executor is not None else _executor(workers, timeout, memory_limit)
        # The pool's workers read and hash the files when there are several of them (as many
        # as the cores, by default: the parent's time is taken from theirs); one worker is
        # faster with the parent reading the next file meanwhile. Not when a resumed run
        # must know each input's id before it runs it, nor for another executor, which may
        # run where the files are not.
        deferred = isinstance(run, ProcessExecutor) and run.workers > 1 and not done
        jobs: Iterable[Job] = iter_jobs(paths, on_skip=stats.skip, stdin=stdin, deferred=deferred)
        if done:
            jobs = _not_done(jobs, done, stats, bar)
        rows = any(w.needs_rows for w in writers)
        results = run.map(partial(process_job, rows=rows), jobs)
        stack.callback(getattr(results, "close", lambda: None))  # workers stop before the outputs close
        for count, result in enumerate(results, 1):
            if count % RELEASE_EVERY == 0:
                release_freed_memory()
            if result.skipped is not None:  # a deferred file in a form gkparse does not read
                stats.skip(result.source, result.skipped)
                continue
            if result.fingerprint is not None:
                link = linker.link(result.fingerprint)
                if link is not None:
                    link_result(result, link, rows)
                    stats.linked += 1
            stats.count(result)
            bar.update(1)
            for writer in writers:
                writer.write(result)
            if on_result is not None:
                on_result(result, stats)
    return stats
