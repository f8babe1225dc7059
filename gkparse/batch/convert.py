"""Batch conversion: many inputs (files, folders, globs, stdin, WARC/ARC archives) → one output.

Every input item becomes a :class:`Job` (bytes, source name, capture date, charset). Jobs
are parsed in order, in-process or in a process pool with a bounded window of jobs in
flight, so memory stays flat and the output order equals the input order. A bad input
never stops the batch: it becomes an *error record* in the JSON Lines output::

    {"error": {"type": "NotAReportError", "reason": "..."}, "source": "...", "report_id": "<sha256>"}

From Python::

    stats = convert(["fixtures/pingyang_amr_2020.txt"], "out.jsonl", workers=1)
    stats.parsed  # 1
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Optional

from ..errors import GkparseError
from ..export.writers import CELL_COLUMNS, ISSUE_COLUMNS, CsvWriter, JsonlWriter, ParquetWriter, cell_rows, issue_rows

__all__ = [
    "Job",
    "Result",
    "Stats",
    "FORMATS",
    "ARCHIVE_SUFFIXES",
    "DOCUMENT_SUFFIXES",
    "format_for",
    "expand_inputs",
    "iter_jobs",
    "process_job",
    "run_jobs",
    "read_resume",
    "convert",
    "convert_paths",
]

FORMATS = ("jsonl", "cells-csv", "cells-parquet")
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
#: Files taken when walking a folder (files named explicitly are always taken).
DOCUMENT_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".txt", ".jsp", ".asp", ".aspx", ".php") + ARCHIVE_SUFFIXES
RELATION_RULES = frozenset({"R1", "R2", "R3", "R4"})

_MARKER_TEXTS = ("信息公开", "年度报告", "申请人情况", "第二十条", "政府信息")
MARKERS: tuple[bytes, ...] = tuple(
    dict.fromkeys(m.encode(enc) for m in _MARKER_TEXTS for enc in ("utf-8", "gb18030"))
)
_TEXT_TYPES = ("text/", "application/xhtml", "application/xml", "application/octet-stream")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


@dataclass
class Job:
    """One input item: the bytes to parse and where they came from."""

    data: bytes
    source: str
    date: Optional[str] = None
    encoding: Optional[str] = None
    #: (type, reason) when the item could not even be read (e.g. a truncated archive).
    error: Optional[tuple[str, str]] = None

    @property
    def report_id(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Result:
    """What became of one job: a JSON line and, on request, its cell and issue rows."""

    source: str
    report_id: str
    line: str
    ok: bool
    error: Optional[tuple[str, str]] = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    issue_count: int = 0
    relation_issue: bool = False


@dataclass
class Stats:
    """Counts of a batch run."""

    parsed: int = 0
    with_issues: int = 0
    relation_issues: int = 0
    failed: int = 0
    skipped: int = 0
    resumed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def done(self) -> int:
        return self.parsed + self.failed

    def line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        parts = [
            f"{self.parsed} parsed",
            f"{self.with_issues} with issues",
            f"{self.failed} failed",
            f"{self.skipped} skipped",
        ]
        if self.resumed:
            parts.append(f"{self.resumed} already done")
        return ", ".join(parts) + f" ({self.done / elapsed:.1f}/s)"


def format_for(out: str, fmt: Optional[str] = None) -> str:
    """The output format: ``fmt`` if given, else from OUT's suffix (``-`` → jsonl)."""
    if fmt:
        if fmt not in FORMATS:
            raise GkparseError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
        return fmt
    lower = out.lower()
    if out == "-" or lower.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    if lower.endswith(".csv"):
        return "cells-csv"
    if lower.endswith((".parquet", ".pq")):
        return "cells-parquet"
    raise GkparseError(f"cannot tell the format from {out!r}: use a .jsonl, .csv or .parquet name or --format")


# --- inputs --------------------------------------------------------------------------------


def _is_archive(path: str) -> bool:
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def expand_inputs(inputs: Iterable[str]) -> Iterator[str]:
    """Paths in a deterministic order: files as given, folders walked recursively (sorted,
    document suffixes only), globs expanded (sorted), ``-`` kept for stdin.

    Raises :class:`GkparseError` for an input that names nothing.
    """
    for item in inputs:
        item = str(item)
        if item == "-":
            yield item
            continue
        path = Path(item)
        if path.is_dir():
            found = sorted(
                (p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(DOCUMENT_SUFFIXES)
                 and not any(part.startswith(".") for part in p.relative_to(path).parts)),
                key=lambda p: p.relative_to(path).as_posix(),
            )
            yield from (str(p) for p in found)
        elif path.exists():
            yield item
        elif glob.has_magic(item):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise GkparseError("no file matches this pattern", source=item)
            for m in matches:
                yield from expand_inputs([m]) if Path(m).is_dir() else [m]
        else:
            raise GkparseError("no such file or folder", source=item)


def _charset(content_type: Optional[str]) -> Optional[str]:
    if not content_type:
        return None
    m = _CHARSET.search(content_type)
    return m.group(1) if m else None


def looks_like_report(payload: bytes) -> bool:
    """Cheap byte-level pre-filter: does the payload hold a report marker (UTF-8 or GB18030)?"""
    return any(m in payload for m in MARKERS)


def iter_archive(path: str, stats: Optional[Stats] = None, stream: Optional[IO[bytes]] = None) -> Iterator[Job]:
    """Jobs for the report-like response records of a WARC/ARC file.

    Records that are not 200 responses with a text content type, or whose payload has no
    report marker, are counted as skipped. A damaged archive (e.g. gzip cut mid-record)
    ends with an error job for the file.
    """
    from warcio.archiveiterator import ArchiveIterator

    try:
        fh = stream if stream is not None else open(path, "rb")
    except OSError as exc:
        yield Job(b"", path, error=("GkparseError", f"cannot read the file: {exc.strerror}"))
        return
    try:
        for record in ArchiveIterator(fh, arc2warc=True):
            if record.rec_type != "response":
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or path
            date = record.rec_headers.get_header("WARC-Date")
            http = record.http_headers
            content_type = None
            if http is not None:
                status = http.get_statuscode()
                content_type = http.get_header("Content-Type")
                if status and str(status) != "200":
                    _drain(record, uri)
                    _skip(stats)
                    continue
            if content_type and not content_type.strip().lower().startswith(_TEXT_TYPES):
                _drain(record, uri)
                _skip(stats)
                continue
            payload = record.content_stream().read()
            _drain(record, uri)
            if not looks_like_report(payload):
                _skip(stats)
                continue
            yield Job(payload, uri, date=date, encoding=_charset(content_type))
    except Exception as exc:  # damaged archive: one error record for the file, then go on
        data = b""
        with contextlib.suppress(OSError):
            data = Path(path).read_bytes() if stream is None else b""
        yield Job(data, path, error=(type(exc).__name__, f"damaged archive: {exc}" if str(exc) else "damaged archive"))
    finally:
        if stream is None:
            fh.close()


class TruncatedArchiveError(EOFError):
    """The archive ends in the middle of a record."""


def _drain(record: Any, uri: str) -> None:
    """Read the rest of a record and check it was all there (warcio does not notice a cut)."""
    raw = record.raw_stream
    while raw.read(1 << 16):
        pass
    if getattr(raw, "limit", 0) > 0:
        raise TruncatedArchiveError(f"the archive is cut short in the record of {uri}")


def _skip(stats: Optional[Stats]) -> None:
    if stats is not None:
        stats.skipped += 1


def iter_jobs(inputs: Iterable[str], stats: Optional[Stats] = None, stdin: Optional[IO[bytes]] = None) -> Iterator[Job]:
    """Every job of ``inputs`` in order (see :func:`expand_inputs` and :func:`iter_archive`)."""
    for path in expand_inputs(inputs):
        if path == "-":
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Job(stream.read(), "-")
        elif _is_archive(path):
            yield from iter_archive(path, stats)
        else:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                yield Job(b"", path, error=("GkparseError", f"cannot read the file: {exc.strerror}"))
                continue
            yield Job(data, path)


# --- parsing -------------------------------------------------------------------------------


def error_line(source: str, report_id: str, type_: str, reason: str) -> str:
    return json.dumps(
        {"error": {"type": type_, "reason": reason}, "source": source, "report_id": report_id}, ensure_ascii=False
    )


def process_job(job: Job, rows: bool = False) -> Result:
    """Parse one job; never raises. ``rows`` adds the cell and issue rows to the result."""
    from ..api import parse

    report_id = job.report_id
    error = job.error
    if error is None:
        try:
            report = parse(job.data, origin=job.source, encoding=job.encoding)
            report.source.date = job.date
        except GkparseError as exc:
            error = (type(exc).__name__, exc.reason)
        except Exception as exc:  # noqa: BLE001 - fault isolation: one bad input never stops the batch
            error = (type(exc).__name__, str(exc) or repr(exc))
    if error is not None:
        return Result(job.source, report_id, error_line(job.source, report_id, *error), ok=False, error=error)
    return Result(
        job.source,
        report_id,
        report.model_dump_json(),
        ok=True,
        cells=cell_rows(report) if rows else [],
        issues=issue_rows(report) if rows else [],
        issue_count=len(report.issues),
        relation_issue=any(i.rule in RELATION_RULES for i in report.issues),
    )


def run_jobs(jobs: Iterable[Job], workers: int = 1, *, rows: bool = False, window: Optional[int] = None) -> Iterator[Result]:
    """Results in job order. ``workers`` > 1 uses a process pool with at most ``window``
    (default 4 × workers) jobs in flight; 1 parses in this process."""
    func = partial(process_job, rows=rows)
    if workers <= 1:
        for job in jobs:
            yield func(job)
        return
    window = window or 4 * workers
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending: deque[Future[Result]] = deque()
        for job in jobs:
            pending.append(pool.submit(func, job))
            while len(pending) >= window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


# --- resume --------------------------------------------------------------------------------


def read_resume(out: str) -> Counter[str]:
    """Report ids already in the JSON Lines file ``out`` (with their counts).

    A last line cut short (no newline, or not valid JSON) is truncated away so it is redone.
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
            keep += len(raw)
    if keep != path.stat().st_size:
        with open(path, "r+b") as fh:
            fh.truncate(keep)
    return done


# --- the whole batch -----------------------------------------------------------------------


@contextlib.contextmanager
def _open_out(out: str, mode: str, stdout: Optional[IO[bytes]]) -> Iterator[IO[bytes]]:
    if out == "-":
        stream = stdout if stdout is not None else sys.stdout.buffer
        yield stream
        stream.flush()
    else:
        with open(out, mode) as fh:
            yield fh


def convert(
    inputs: Iterable[str],
    out: str,
    *,
    format: Optional[str] = None,
    issues: Optional[str] = None,
    workers: Optional[int] = None,
    resume: bool = False,
    on_result: Optional[Callable[[Result, Stats], None]] = None,
    stdin: Optional[IO[bytes]] = None,
    stdout: Optional[IO[bytes]] = None,
) -> Stats:
    """Parse ``inputs`` into ``out`` and return the counts.

    ``format`` is ``jsonl`` (full reports and error records, one per line), ``cells-csv`` or
    ``cells-parquet`` (the tidy cell table); default from OUT's suffix. ``issues`` names an
    extra CSV of every issue. ``resume`` (JSON Lines only) skips inputs whose report id is
    already in OUT. Raises :class:`GkparseError` for unusable arguments.
    """
    out = str(out)
    fmt = format_for(out, format)
    workers = workers or os.cpu_count() or 1
    if resume and fmt != "jsonl":
        raise GkparseError("--resume works with JSON Lines output only (the cell CSV/Parquet are rewritten whole)")
    if resume and out == "-":
        raise GkparseError("--resume needs an output file, not stdout")
    if fmt == "cells-parquet":
        from ..export.writers import _require_pyarrow

        _require_pyarrow()
    inputs = list(inputs)
    list(expand_inputs(inputs))  # fail early on inputs that name nothing
    stats = Stats()
    done = read_resume(out) if resume else Counter()

    def jobs() -> Iterator[Job]:
        for job in iter_jobs(inputs, stats, stdin=stdin):
            if done:
                rid = job.report_id
                if done[rid] > 0:
                    done[rid] -= 1
                    stats.resumed += 1
                    continue
            yield job

    want_rows = fmt != "jsonl" or issues is not None
    mode = "ab" if resume else "wb"
    with contextlib.ExitStack() as stack:
        stream = stack.enter_context(_open_out(out, mode, stdout))
        issue_writer = None
        if issues is not None:
            issue_fh = stack.enter_context(open(issues, "wb"))
            issue_writer = CsvWriter(issue_fh, ISSUE_COLUMNS)
        writer: Any
        if fmt == "jsonl":
            writer = JsonlWriter(stream)
        elif fmt == "cells-csv":
            writer = CsvWriter(stream, CELL_COLUMNS)
        else:
            writer = ParquetWriter(stream, CELL_COLUMNS)
        for result in run_jobs(jobs(), workers, rows=want_rows):
            if result.ok:
                stats.parsed += 1
                stats.with_issues += bool(result.issue_count)
                stats.relation_issues += result.relation_issue
            else:
                stats.failed += 1
            if fmt == "jsonl":
                writer.write_line(result.line)
            elif result.ok:
                writer.write_rows(result.cells)
            if issue_writer is not None and result.ok:
                issue_writer.write_rows(result.issues)
            if on_result is not None:
                on_result(result, stats)
        writer.close()
        if issue_writer is not None:
            issue_writer.close()
    return stats


def convert_paths(paths: Iterable[os.PathLike | str], out: os.PathLike | str, **options: Any) -> Stats:
    """:func:`convert` for path objects (used by ``gkparse crawl --parse``)."""
    return convert([str(p) for p in paths], str(out), **options)
