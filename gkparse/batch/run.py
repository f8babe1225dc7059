"""Running jobs: :func:`process_job` (Job → Result, never raises) and the executors.

An :class:`Executor` maps a picklable function over jobs and yields the results in job
order. :class:`SerialExecutor` runs in this process; :class:`ProcessExecutor` runs each job
in a worker process, with a bounded window of jobs in flight (memory stays flat on big
archives), a wall-clock budget per job (:data:`INPUT_TIMEOUT`) and a memory limit per
worker (:data:`WORKER_MEMORY_LIMIT`). A worker that dies (a signal, the out-of-memory
killer) or runs out of time costs its job only: the job becomes an error record
(:data:`WORKER_DIED` / :data:`TIMED_OUT`) and a fresh worker takes the next one. Workers
die with the process that started them. Another engine (Dask, Ray) is one more class with
a ``map`` method.

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

import ctypes
import gc
import json
import math
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from typing import Any, Optional, Protocol

from pydantic import BaseModel, Field

from ..api import parse
from ..checks import relation_rules
from ..errors import GkparseError
from ..export.rows import CellRow, cell_table, issue_rows
from ..templates import TEMPLATES, Template, register
from ..warc import clean_reason
from .link import Fingerprint, fingerprint, issues_end
from .sources import UNREADABLE, Job, read_job

__all__ = [
    "ErrorInfo",
    "ErrorRecord",
    "Result",
    "process_job",
    "release_freed_memory",
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "WINDOW_PER_WORKER",
    "INPUT_TIMEOUT",
    "WORKER_MEMORY_LIMIT",
    "WORKER_DIED",
    "TIMED_OUT",
    "RETRIED_ON_RESUME",
]

#: Jobs in flight per worker process: enough that no worker waits while the parent
#: writes, few enough that a big archive never sits in memory (each job holds its bytes).
WINDOW_PER_WORKER = 4
#: Wall-clock seconds one input may take in a worker before the worker is stopped and the
#: input becomes an error record: about 75 times the slowest fixture (a 4-page PDF, 1.6 s),
#: so a long real report fits and a hostile input costs two minutes, never the whole run.
INPUT_TIMEOUT = 120.0
#: Address space (``RLIMIT_AS``) a worker process may add to its size at start, in bytes:
#: about 25 times the peak of the largest fixture (84 MB), so a memory bomb fails alone as a
#: ``MemoryError`` record before the machine swaps or the out-of-memory killer picks a victim.
WORKER_MEMORY_LIMIT = 2 << 30
#: Seconds the workers get to exit once the batch is over, before they are killed: an idle
#: worker exits at once, so this only bounds a wedged one.
WORKER_EXIT_GRACE = 5.0
#: Seconds between a worker's checks that its parent still lives, where the system has no
#: parent-death signal (not Linux): an orphan lingers at most this long.
PARENT_CHECK_INTERVAL = 1.0
#: Linux ``prctl`` option: the signal a process gets when its parent dies.
_PR_SET_PDEATHSIG = 1
#: Results between two returns of the batch parent's freed memory to the system
#: (:func:`release_freed_memory`): its heap holds each report's JSON (~30 KB) a moment, among
#: what it keeps for the whole batch, and glibc returns little of it on its own (measured
#: with 2 workers: a parent peak of 75 MB at 5,000 inputs without, 67 MB with; a call takes
#: 0.6-4 ms).
RELEASE_EVERY = 500

#: The error type of an input whose worker process died while parsing it.
WORKER_DIED = "WorkerDiedError"
#: The error type of an input that took longer than the per-input budget.
TIMED_OUT = "InputTimeoutError"
#: Error types that say more about the circumstances than about the input's bytes (a file
#: that could not be read, a worker killed, time or memory run out): ``--resume`` drops
#: their error records and tries those inputs again. Every other error record is final.
RETRIED_ON_RESUME = frozenset({UNREADABLE, WORKER_DIED, TIMED_OUT, "MemoryError"})


class ErrorInfo(BaseModel):
    """Why an input gave no report: the exception's class name and its reason."""

    type: str = Field(
        description=(
            "The error class, e.g. NotAReportError, TruncatedArchiveError, DamagedArchiveError, ContentEncodingError, "
            "UnreadableInputError (the file could not be read), WorkerDiedError (the worker process parsing it died), "
            "InputTimeoutError (over the per-input time budget), MemoryError (over the worker memory limit)."
        )
    )
    reason: str = Field(description="What went wrong, without the source (which is its own field).")


class ErrorRecord(BaseModel):
    """The JSON Lines record written in place of a report for an input that failed."""

    error: ErrorInfo
    source: str = Field(description="File path, WARC target URI, archive path or '-' (stdin).")
    report_id: str = Field(
        description=(
            "SHA-256 of the input bytes (of the whole file for a damaged archive; "
            "of 'unreadable:' and the path for a file that could not be read)."
        )
    )
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
    """What became of one job: its JSON line and, on request, its cell and issue rows.

    This is what a worker sends back to the parent, so it holds no report: the line is the
    report serialised once, in the worker, by the model (the JSON Lines writer writes it as
    it is); ``cells`` are the cell table's rows as tuples in
    :data:`~gkparse.export.rows.CELL_COLUMNS` order (:func:`~gkparse.export.rows.cell_table`),
    ``issues`` one dict per issue (:func:`~gkparse.export.rows.issue_rows`). ``issues_end``
    is where the line's ``issues`` array closes, for adding a link to it
    (:func:`~.link.splice`). ``skipped``: the skip reason of a deferred job whose file is
    in a form gkparse does not read (:func:`~.sources.read_job`); such a result is counted
    as a skip and writes nothing.
    """

    source: str
    report_id: str
    line: str
    ok: bool
    error: Optional[ErrorRecord] = None
    cells: list[CellRow] = field(default_factory=list)
    issues: list[dict[str, Any]] = field(default_factory=list)
    issue_count: int = 0
    relation_issue: bool = False
    fingerprint: Optional[Fingerprint] = None  # to recognise the same report from another source
    form: Optional[str] = None  # the form the report was read from (html, text, pdf, docx, doc)
    issues_end: Optional[int] = None
    skipped: Optional[str] = None


def _failed(job: Job, type_: str, reason: str) -> Result:
    report_id = job.identity()
    record = ErrorRecord(
        error=ErrorInfo(type=type_, reason=reason), source=job.source, report_id=report_id,
        archive=job.archive, offset=job.offset,
    )
    return Result(job.source, report_id, record.line(), ok=False, error=record)


def _unexpected(job: Job, exc: BaseException) -> Result:
    return _failed(job, type(exc).__name__, clean_reason(str(exc) or repr(exc)))


def process_job(job: Job, rows: bool = False) -> Result:
    """Parse one job (a deferred one read first: :func:`~.sources.read_job`); never raises.
    ``rows`` adds the cell and issue rows to the result."""
    try:
        read = read_job(job)
    except Exception as exc:  # noqa: BLE001 - e.g. a file larger than the worker's memory limit
        return _unexpected(job, exc)
    if isinstance(read, str):
        return Result(job.source, "", "", ok=False, skipped=read)
    job = read
    if job.error is not None:
        return _failed(job, *job.error)
    try:
        report = parse(job.data, origin=job.source, encoding=job.encoding, captured=job.date, sha256=job.report_id)
        relations = relation_rules(report.template)
        line = report.model_dump_json()
        print_ = fingerprint(report, job.report_id)
        return Result(
            job.source,
            job.report_id,
            line,
            ok=True,
            cells=cell_table(report) if rows else [],
            issues=issue_rows(report) if rows else [],
            issue_count=len(report.issues),
            relation_issue=any(i.rule in relations for i in report.issues),
            fingerprint=print_,
            form=report.source.form,
            issues_end=issues_end(line, report) if print_ is not None else None,
        )
    except GkparseError as exc:
        return _failed(job, type(exc).__name__, exc.reason)
    except Exception as exc:  # noqa: BLE001 - fault isolation: one bad input never stops the batch
        return _unexpected(job, exc)


class Executor(Protocol):
    """Runs a function over jobs; results come back in job order, one per job."""

    def map(self, func: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]: ...


class SerialExecutor:
    """Every job in this process, one after the other: no isolation, no time budget (a job
    that hangs or exhausts memory stops the batch; :class:`ProcessExecutor` does not)."""

    def map(self, func: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]:
        for job in jobs:
            yield func(job)


def _register_templates(templates: tuple[Template, ...]) -> None:
    """Worker set-up: the parent's templates, registered in a worker process."""
    for template in templates:
        if TEMPLATES.get(template.name) != template:
            register(template)


# --- the worker process --------------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    """Exit this process as soon as it is no longer the child of ``parent``."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_INTERVAL)
    os._exit(1)


def _die_with_parent(parent: Optional[int]) -> None:
    """Make this worker die when the process that started it dies, even by SIGKILL: the
    kernel's parent-death signal on Linux, else a thread watching ``os.getppid()``.
    ``parent`` is the expected parent's pid (None when a fork server started us). Linux
    sends the signal when the *thread* that started the worker ends: the batch's loop
    should run in one thread from start to end (as ``convert`` does)."""
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if parent is not None and os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)
    if not armed:
        threading.Thread(target=_watch_parent, args=(os.getppid(),), name="gkparse-parent-watch", daemon=True).start()


def release_freed_memory() -> bool:
    """Return the memory this process has freed to the system (glibc's ``malloc_trim``):
    a long batch's parent otherwise grows with the fragments its heap keeps. Whether it
    could (False where the C library has no such call)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return False
    trim(0)
    return True


def _address_space() -> int:
    """This process's address space in bytes now (Linux; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _limit_memory(limit: Optional[int]) -> None:
    """Let this process's address space grow by at most ``limit`` bytes beyond its size now
    (a forked worker starts with its parent's; never above the hard limit)."""
    if not limit:
        return
    try:
        import resource
    except ImportError:  # not POSIX: no limit
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space() + limit
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            cap = min(cap, bound)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):  # a system that refuses: parse without the cap rather than not at all
        pass


def _worker(
    conn: Connection, func: Callable[[Job], Result], templates: tuple[Template, ...],
    memory_limit: Optional[int], parent: Optional[int],
) -> None:
    """A worker process: receive a job, send its result, until told to stop (None) or the
    connection closes. Whatever ``func`` does, a result goes back for every job."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it
    _die_with_parent(parent)
    _limit_memory(memory_limit)
    _register_templates(templates)
    # What the imports left alive (~100,000 objects) is out of the garbage collector's sight:
    # parsing allocates fast, and each full collection would walk it all again.
    gc.freeze()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        try:
            result = func(job)
        except BaseException as exc:  # noqa: BLE001 - fault isolation, even for sys.exit in func
            result = _unexpected(job, exc)
        try:
            conn.send(result)
        except (OSError, EOFError):
            return
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent (pickled) fails alone
            conn.send(_unexpected(job, exc))


# --- the pool ------------------------------------------------------------------------------


def _death_reason(exitcode: Optional[int]) -> str:
    """``worker died: signal 9 (SIGKILL)`` or ``worker died: exit status 1``."""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = "unknown signal"
        hint = ", e.g. from the out-of-memory killer" if -exitcode == signal.SIGKILL else ""
        return f"worker died: signal {-exitcode} ({name}{hint})"
    return f"worker died: exit status {exitcode}"


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    seq: int = -1
    job: Optional[Job] = None
    deadline: Optional[float] = None


class _Busy:
    """What :func:`multiprocessing.connection.wait` on the busy workers' connections and
    sentinels returns, from one ``poll`` set kept up to date as workers take and end jobs:
    ``wait`` builds a selector and registers every object anew on each call, a cost the
    parent pays for every input, in the time it shares with the workers. Where there is no
    ``poll`` (Windows), ``wait`` itself."""

    def __init__(self) -> None:
        self.workers: list[_Worker] = []
        self._poll = select.poll() if hasattr(select, "poll") else None
        self._fds: dict[int, Any] = {}  # fd -> the connection or sentinel it is

    def __iter__(self) -> Iterator[_Worker]:
        return iter(list(self.workers))

    def __len__(self) -> int:
        return len(self.workers)

    def append(self, worker: _Worker) -> None:
        self.workers.append(worker)
        if self._poll is not None:
            for fd, handle in ((worker.conn.fileno(), worker.conn), (worker.process.sentinel, worker.process.sentinel)):
                self._fds[fd] = handle
                self._poll.register(fd, select.POLLIN)

    def remove(self, worker: _Worker) -> None:
        """Stop watching ``worker`` (before its connection is closed)."""
        self.workers.remove(worker)
        if self._poll is not None:
            for fd in (worker.conn.fileno(), worker.process.sentinel):
                del self._fds[fd]
                self._poll.unregister(fd)

    def wait(self, timeout: Optional[float]) -> set[Any]:
        """The connections and sentinels ready (readable, closed, or in error) within
        ``timeout`` seconds (None: no limit)."""
        if self._poll is None:
            return set(wait([w.conn for w in self.workers] + [w.process.sentinel for w in self.workers], timeout))
        ms = None if timeout is None else math.ceil(timeout * 1000)
        return {self._fds[fd] for fd, _ in self._poll.poll(ms)}


class _Pool:
    """The workers of one :meth:`ProcessExecutor.map`: started when needed, one job each at
    a time, replaced when they die or run out of time."""

    def __init__(self, owner: ProcessExecutor, func: Callable[[Job], Result]) -> None:
        self.owner = owner
        self.func = func
        self.context = multiprocessing.get_context(owner.start_method)
        # A worker that does not fork (spawn, forkserver) imports gkparse afresh and knows
        # only the built-in templates: hand it those the parent registered.
        self.templates = tuple(TEMPLATES.values())
        self.parent = None if self.context.get_start_method() == "forkserver" else os.getpid()
        self.idle: list[_Worker] = []
        self.busy = _Busy()

    def _start(self) -> _Worker:
        ours, theirs = self.context.Pipe(duplex=True)
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_worker, name="gkparse-worker", daemon=True,
            args=(theirs, self.func, self.templates, self.owner.memory_limit, self.parent),
        )
        process.start()
        theirs.close()
        return _Worker(process, ours)

    def assign(self, seq: int, job: Job) -> Optional[Result]:
        """Hand the job to an idle (or new) worker; its error result if that worker is dead."""
        worker = self.idle.pop() if self.idle else self._start()
        worker.seq, worker.job = seq, job
        timeout = self.owner.timeout
        worker.deadline = time.monotonic() + timeout if timeout else None
        try:
            worker.conn.send(job)
        except (OSError, EOFError):
            return self._reap(worker)
        except Exception as exc:  # noqa: BLE001 - a job that cannot be pickled fails alone; nothing was sent
            self.idle.append(worker)
            return _unexpected(job, exc)
        self.busy.append(worker)
        return None

    def _reap(self, worker: _Worker, type_: str = WORKER_DIED, reason: Optional[str] = None) -> Result:
        """The error result of the worker's job (by default: the worker died, and how); the
        worker is gone for good."""
        worker.conn.close()
        worker.process.join(WORKER_EXIT_GRACE)
        if worker.process.exitcode is None:  # its connection broke, yet it lives: end it
            worker.process.kill()
            worker.process.join()
        assert worker.job is not None
        return _failed(worker.job, type_, reason or _death_reason(worker.process.exitcode))

    def collect(self) -> list[tuple[int, Result]]:
        """Wait for the next result, death or deadline; what became of the jobs it ended."""
        now = time.monotonic()
        deadlines = [w.deadline for w in self.busy if w.deadline is not None]
        limit = max(0.0, min(deadlines) - now) if deadlines else None
        ready = self.busy.wait(limit)
        now = time.monotonic()
        ended: list[tuple[int, Result]] = []
        for worker in self.busy:
            result: Optional[Result] = None
            if worker.conn in ready or worker.process.sentinel in ready:
                try:  # a ready connection holds a result or is closed: no poll() (a wait() of its own)
                    result = worker.conn.recv() if worker.conn in ready or worker.conn.poll() else None
                except (EOFError, OSError):
                    result = None
                self.busy.remove(worker)
                if result is None:
                    result = self._reap(worker)
                elif worker.process.sentinel in ready:  # answered, then died: never hand it another job
                    worker.conn.close()
                    worker.process.join()
                else:
                    self.idle.append(worker)
            elif worker.deadline is not None and now >= worker.deadline:
                self.busy.remove(worker)
                worker.process.kill()
                budget = f"no result within {self.owner.timeout:g} s (the per-input time budget): the worker was stopped"
                result = self._reap(worker, TIMED_OUT, budget)
            if result is not None:
                ended.append((worker.seq, result))
        return ended

    def close(self) -> None:
        """Stop every worker: idle ones are told to exit, busy ones (an interrupted batch)
        are killed; any still there after :data:`WORKER_EXIT_GRACE` is killed too."""
        for worker in self.idle:
            try:
                worker.conn.send(None)
            except (OSError, EOFError):
                pass
        busy = list(self.busy)
        for worker in busy:
            self.busy.remove(worker)
            worker.process.kill()
        workers, self.idle = self.idle + busy, []
        end = time.monotonic() + WORKER_EXIT_GRACE
        for worker in workers:
            worker.process.join(max(0.0, end - time.monotonic()))
            if worker.process.exitcode is None:
                worker.process.kill()
                worker.process.join()
            worker.conn.close()


class ProcessExecutor:
    """A pool of ``workers`` processes with at most ``window`` jobs in flight (default
    :data:`WINDOW_PER_WORKER` × workers). ``func`` must be picklable (unless the start
    method is fork, the default on Linux).

    Each worker parses one job at a time. A job that runs longer than ``timeout`` seconds
    (default :data:`INPUT_TIMEOUT`; None: no budget) has its worker killed and becomes an
    :data:`TIMED_OUT` error record; a job whose worker dies (a signal, the out-of-memory
    killer) becomes a :data:`WORKER_DIED` error record; a fresh worker takes the next job.
    ``memory_limit`` caps how much address space a worker may add to its size at start
    (default :data:`WORKER_MEMORY_LIMIT`; None: no cap), so that a memory bomb is a
    ``MemoryError`` record. Workers exit when the batch ends, when it is interrupted, and when the process
    that started them dies (even by SIGKILL).
    """

    def __init__(
        self, workers: int, window: Optional[int] = None, *, start_method: Optional[str] = None,
        timeout: Optional[float] = INPUT_TIMEOUT, memory_limit: Optional[int] = WORKER_MEMORY_LIMIT,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        if timeout is not None and timeout < 0:
            raise ValueError(f"timeout must not be negative, not {timeout}")
        self.workers = workers
        self.window = window or WINDOW_PER_WORKER * workers
        #: multiprocessing's start method (fork, spawn, forkserver); None: the platform's default.
        self.start_method = start_method
        self.timeout = timeout or None
        self.memory_limit = memory_limit or None

    def map(self, func: Callable[[Job], Result], jobs: Iterable[Job]) -> Iterator[Result]:
        pool = _Pool(self, func)
        pending = iter(jobs)
        waiting: deque[tuple[int, Job]] = deque()
        finished: dict[int, Result] = {}
        read = written = 0  # jobs taken from ``jobs``, results yielded
        exhausted = False
        try:
            while True:
                while not exhausted and read - written < self.window:
                    try:
                        waiting.append((read, next(pending)))
                    except StopIteration:
                        exhausted = True
                        break
                    read += 1
                while waiting and (pool.idle or len(pool.busy) < self.workers):
                    seq, job = waiting.popleft()
                    lost = pool.assign(seq, job)
                    if lost is not None:
                        finished[seq] = lost
                if written in finished:
                    while written in finished:
                        yield finished.pop(written)
                        written += 1
                    continue
                if exhausted and written == read:
                    return
                finished.update(pool.collect())
        finally:
            pool.close()
