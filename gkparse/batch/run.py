"""Running jobs: :func:`process_job` (Job → Result, never raises) and the executors.

An :class:`Executor` maps a picklable function over jobs and yields the results in job
order. :class:`SerialExecutor` runs in this process; :class:`ProcessExecutor` uses a
process pool with a bounded window of jobs in flight, so memory stays flat on big
archives. Another engine (Dask, Ray) is one more class with a ``map`` method.

An input that cannot be parsed becomes an :class:`ErrorRecord`, the line written in its
place in the JSON Lines output:

>>> from gkparse.batch.sources import Job
>>> result = process_job(Job(b"", "empty.txt"))
>>> result.ok, result.error.error.type
(False, 'EmptyInputError')
>>> print(result.line)  # doctest: +ELLIPSIS
{"error": {"type": "EmptyInputError", "reason": "the input is empty"}, "source": "empty.txt", "report_id": "e3b0c442..."}
"""

from __future__ import annotations

import json
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Optional, Protocol

from pydantic import BaseModel, Field

from ..api import parse
from ..checks import relation_rules
from ..errors import GkparseError
from ..export.rows import cell_rows, issue_rows
from ..templates import TEMPLATES, Template, register
from ..warc import clean_reason
from .link import Fingerprint, fingerprint
from .sources import Job

__all__ = [
    "ErrorInfo",
    "ErrorRecord",
    "Result",
    "process_job",
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "WINDOW_PER_WORKER",
]

#: Jobs in flight per worker process: enough that no worker waits while the parent
#: writes, few enough that a big archive never sits in memory (each job holds its bytes).
WINDOW_PER_WORKER = 4


class ErrorInfo(BaseModel):
    """Why an input gave no report: the exception's class name and its reason."""

    type: str = Field(
        description="The error class, e.g. NotAReportError, TruncatedArchiveError, DamagedArchiveError, ContentEncodingError."
    )
    reason: str = Field(description="What went wrong, without the source (which is its own field).")


class ErrorRecord(BaseModel):
    """The JSON Lines record written in place of a report for an input that failed."""

    error: ErrorInfo
    source: str = Field(description="File path, WARC target URI, archive path or '-' (stdin).")
    report_id: str = Field(description="SHA-256 of the input bytes (of the whole file for a damaged archive).")
    archive: Optional[str] = Field(None, description="For a record of a WARC/ARC archive or damage in one: the archive's path.")
    offset: Optional[int] = Field(
        None, description="With archive: the byte offset of the record (of its gzip member) or of the damage."
    )

    def line(self) -> str:
        """The record as one JSON line (``json.dumps`` spacing, non-ASCII kept; ``archive``
        and ``offset`` only for an item of an archive)."""
        return json.dumps(self.model_dump(exclude_none=True), ensure_ascii=False)


@dataclass
class Result:
    """What became of one job: its JSON line and, on request, its cell and issue rows."""

    source: str
    report_id: str
    line: str
    ok: bool
    error: Optional[ErrorRecord] = None
    cells: list[dict[str, Any]] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    issue_count: int = 0
    relation_issue: bool = False
    fingerprint: Optional[Fingerprint] = None  # to recognise the same report from another source
    form: Optional[str] = None  # the form the report was read from (html, text, pdf, docx, doc)


def _failed(job: Job, type_: str, reason: str) -> Result:
    record = ErrorRecord(
        error=ErrorInfo(type=type_, reason=reason), source=job.source, report_id=job.report_id,
        archive=job.archive, offset=job.offset,
    )
    return Result(job.source, job.report_id, record.line(), ok=False, error=record)


def process_job(job: Job, rows: bool = False) -> Result:
    """Parse one job; never raises. ``rows`` adds the cell and issue rows to the result."""
    if job.error is not None:
        return _failed(job, *job.error)
    try:
        report = parse(job.data, origin=job.source, encoding=job.encoding, captured=job.date, sha256=job.report_id)
        relations = relation_rules(report.template)
        return Result(
            job.source,
            job.report_id,
            report.model_dump_json(),
            ok=True,
            cells=cell_rows(report) if rows else [],
            issues=issue_rows(report) if rows else [],
            issue_count=len(report.issues),
            relation_issue=any(i.rule in relations for i in report.issues),
            fingerprint=fingerprint(report, job.report_id),
            form=report.source.form,
        )
    except GkparseError as exc:
        return _failed(job, type(exc).__name__, exc.reason)
    except Exception as exc:  # noqa: BLE001 - fault isolation: one bad input never stops the batch
        return _failed(job, type(exc).__name__, clean_reason(str(exc) or repr(exc)))


class Executor(Protocol):
    """Runs a function over jobs; results come back in job order, one per job."""

    def map(self, func: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]: ...


class SerialExecutor:
    """Every job in this process, one after the other."""

    def map(self, func: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]:
        for job in jobs:
            yield func(job)


def _register_templates(templates: tuple[Template, ...]) -> None:
    """Pool initializer: the parent's templates, registered in a worker process."""
    for template in templates:
        if TEMPLATES.get(template.name) != template:
            register(template)


class ProcessExecutor:
    """A pool of ``workers`` processes with at most ``window`` jobs in flight
    (default :data:`WINDOW_PER_WORKER` × workers). ``func`` must be picklable."""

    def __init__(self, workers: int, window: Optional[int] = None, *, start_method: Optional[str] = None) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.window = window or WINDOW_PER_WORKER * workers
        #: multiprocessing's start method (fork, spawn, forkserver); None: the platform's default.
        self.start_method = start_method

    def map(self, func: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]:
        # A worker that does not fork (spawn, forkserver) imports gkparse afresh and knows
        # only the built-in templates: hand it those the parent registered.
        context = multiprocessing.get_context(self.start_method) if self.start_method else None
        with ProcessPoolExecutor(
            max_workers=self.workers, mp_context=context,
            initializer=_register_templates, initargs=(tuple(TEMPLATES.values()),),
        ) as pool:
            pending: deque[Future[Result]] = deque()
            for job in jobs:
                pending.append(pool.submit(func, job))
                while len(pending) >= self.window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
