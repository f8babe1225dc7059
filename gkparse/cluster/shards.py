"""Inputs cut into shards, and the work of one shard: read its inputs, parse each item.

A *shard* is the unit a cluster schedules: one WARC/ARC archive, or up to
:data:`SHARD_FILES` consecutive document files of the input list (a folder's files in the
order :func:`gkparse.batch.expand_inputs` walks them). Shards keep the input order: their
results, one shard after the other, are the results of a local ``convert`` in its order.

A worker reads its shard's bytes itself (:meth:`FileShard.jobs`), local paths from a file
system the workers share, URLs (``s3://``, ``gs://``, ``https://``) through fsspec, and runs
:func:`parse_shard`: :func:`gkparse.batch.process_job` on each item, the function a local
batch runs. The client ships names, never bytes.

>>> [s.inputs for s in group(["a.html", "b.txt", "c.warc.gz", "d.html"], shard_files=2)]
[('a.html', 'b.txt'), ('c.warc.gz',), ('d.html',)]
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import glob
import io
import os
import shutil
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any, Optional, Protocol

from ..batch.link import Fingerprint
from ..batch.run import Result, _register_templates, process_job
from ..batch.sources import (
    ARCHIVE_SUFFIXES,
    STDIN,
    WALKED_SUFFIXES,
    Job,
    display_path,
    expand_inputs,
    is_archive,
    iter_archive,
    iter_file,
    unreadable_id,
)
from ..errors import GkparseError
from ..templates import TEMPLATES, Template
from .common import ClusterError, is_remote, require_fsspec

__all__ = [
    "SHARD_FILES",
    "COPY_CHUNK",
    "Shard",
    "FileShard",
    "ShardParsed",
    "ShardSummary",
    "expand",
    "group",
    "plan",
    "parse_shard",
    "summarize",
    "relocate",
    "skip_counter",
    "strip_file_scheme",
]

#: Document files per shard: a task of one second to a minute (a text or HTML report parses
#: in 10-100 ms, a PDF in up to 2 s), so scheduling costs little, the last shards leave few
#: workers idle and a lost worker costs little; a shard's results wait in worker memory
#: (about 100 KB a report) until written. It is part of a run's layout: resume with the same.
SHARD_FILES = 100
#: Bytes copied at a time when a worker fetches a remote archive to its local disk.
COPY_CHUNK = 1 << 22
#: Seconds between the input-budget watchdog's looks at the clock (:func:`parse_shard`):
#: an input over its budget is stopped at most this much late.
WATCH_INTERVAL = 0.5
#: Exit status of a worker ended because one input overran its time budget.
OVER_BUDGET_EXIT = 75
#: Prefix of shard names (``part-00012``): sorted names are the input order.
SHARD_PREFIX = "part-"
#: Digits of a shard's number: 100,000 shards of 200 files are 20 million inputs.
SHARD_DIGITS = 5


class Shard(Protocol):
    """What a cluster schedules: a name (``part-00012``), the inputs it covers (what a
    resumed run compares) and the jobs of its items, read where it runs."""

    @property
    def name(self) -> str: ...

    @property
    def inputs(self) -> tuple[str, ...]: ...

    def jobs(self, on_skip: Callable[[str, str], None]) -> Iterator[Job]: ...

    def split(self) -> list[Shard]:
        """One shard per input, in order (a shard whose task keeps failing is parsed so)."""
        ...


def shard_name(index: int) -> str:
    """``part-00012`` for shard 12."""
    return f"{SHARD_PREFIX}{index:0{SHARD_DIGITS}d}"


# --- inputs -----------------------------------------------------------------------------------


def strip_file_scheme(item: str) -> str:
    """``file:///data/a.html`` as the local path ``/data/a.html`` (anything else unchanged)."""
    return item[len("file://"):] if item.lower().startswith("file://") else item


def _remote_expand(item: str) -> list[str]:
    """The files a URL names: itself (``https://``: HTTP has no listing), the files matching
    a glob, or the files of a bucket folder (walked like a local folder, sorted)."""
    scheme = item.split("://", 1)[0].lower()
    if scheme in ("http", "https"):
        return [item]
    fsspec = require_fsspec()
    fs, path = fsspec.core.url_to_fs(item)

    def url(p: str) -> str:
        return fs.unstrip_protocol(p)

    try:
        if glob.has_magic(path):
            found = sorted(fs.glob(path))
            if not found:
                raise ClusterError("no file matches this pattern", source=item)
            return [url(p) for p in found]
        if fs.isdir(path):
            names = sorted(
                p for p in fs.find(path)
                if p.lower().endswith(WALKED_SUFFIXES)
                and not any(part.startswith(".") for part in PurePosixPath(p[len(path.rstrip("/")):]).parts)
            )
            return [url(p) for p in names]
        if not fs.exists(path):
            raise ClusterError("no such file or folder", source=item)
    except GkparseError:
        raise
    except Exception as exc:  # noqa: BLE001 - a storage error (credentials, network) names the input
        raise ClusterError(f"cannot list it: {type(exc).__name__}: {exc}", source=item) from None
    return [item]


def expand(inputs: Iterable[str]) -> list[str]:
    """The paths and URLs to read, in order: local inputs as :func:`gkparse.batch.expand_inputs`
    expands them (folders walked, globs expanded), URLs through fsspec (a glob or a bucket
    folder listed, sorted; an ``https://`` URL taken as it is). Raises :class:`ClusterError`
    for ``-`` (a cluster cannot read this process's stdin) and :class:`GkparseError` for an
    input that names nothing, before anything is read."""
    paths: list[str] = []
    for raw in inputs:
        item = strip_file_scheme(str(raw))
        if item == STDIN:
            raise ClusterError("standard input cannot be read on a cluster: give files, folders or URLs", source=STDIN)
        paths.extend(_remote_expand(item) if is_remote(item) else expand_inputs([item]))
    return paths


def group(paths: Sequence[str], *, shard_files: int = SHARD_FILES) -> list[FileShard]:
    """``paths`` cut into shards, in order: an archive alone, runs of document files by
    ``shard_files``."""
    if shard_files < 1:
        raise ClusterError(f"a shard holds at least one file, not {shard_files}")
    shards: list[FileShard] = []
    run: list[str] = []

    def close_run() -> None:
        if run:
            shards.append(FileShard(shard_name(len(shards)), tuple(run)))
            run.clear()

    for path in paths:
        if is_archive(path):
            close_run()
            shards.append(FileShard(shard_name(len(shards)), (path,)))
        else:
            run.append(path)
            if len(run) == shard_files:
                close_run()
    close_run()
    return shards


def plan(inputs: Iterable[str], *, shard_files: int = SHARD_FILES) -> list[FileShard]:
    """The shards of ``inputs``: :func:`expand`, then :func:`group`."""
    return group(expand(inputs), shard_files=shard_files)


# --- reading on a worker ----------------------------------------------------------------------


def _fetch_failure(exc: BaseException) -> tuple[int, str]:
    """A remote file's failure (a missing object, an HTTP error, no credentials): its errno
    and the reason an unreadable-input error record gives."""
    if isinstance(exc, FileNotFoundError):
        return errno.ENOENT, "no such file"
    return errno.EIO, f"cannot fetch it: {type(exc).__name__}: {exc}"


def _fetch(path: str) -> IO[bytes]:
    """The bytes of a remote file (fsspec), whole in memory as a document is; any failure as
    :func:`_fetch_failure`, which :func:`gkparse.batch.sources.iter_file` turns into an
    unreadable-input error record."""
    fsspec = require_fsspec()
    try:
        with fsspec.open(path, "rb") as fh:
            return io.BytesIO(fh.read())
    except Exception as exc:  # noqa: BLE001 - every storage failure is this input's, never the shard's
        raise OSError(*_fetch_failure(exc)) from None


def relocate(job: Job, local: str, name: str, base_offset: int = 0) -> Job:
    """``job`` read from the local copy ``local`` of the archive ``name`` (a URL), told as
    if read from ``name``: the archive, and the source of damage, become ``name``; offsets
    move by ``base_offset`` (where the copy's first byte sits in ``name``)."""
    shown = display_path(local)
    changes: dict[str, Any] = {}
    if job.archive == shown:
        changes["archive"] = name
        if job.offset is not None:
            changes["offset"] = job.offset + base_offset
    if job.source == shown:
        changes["source"] = name
    return dataclasses.replace(job, **changes) if changes else job


def _archive_suffix(name: str) -> str:
    lower = name.lower()
    return next((s for s in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True) if lower.endswith(s)), ".warc")


def _remote_archive(url: str, on_skip: Callable[[str, str], None]) -> Iterator[Job]:
    """The jobs of a remote archive: copied to this worker's disk in chunks (never whole in
    memory), read by :func:`gkparse.batch.iter_archive`, then told as read from ``url``."""
    fsspec = require_fsspec()
    with tempfile.TemporaryDirectory(prefix="gkparse-") as folder:
        local = os.path.join(folder, "archive" + _archive_suffix(url))
        try:
            with unbudgeted(), fsspec.open(url, "rb") as src, open(local, "wb") as dst:
                shutil.copyfileobj(src, dst, COPY_CHUNK)
        except Exception as exc:  # noqa: BLE001 - the archive's failure, never the shard's
            _, reason = _fetch_failure(exc)
            yield Job(b"", url, error=("UnreadableInputError", reason), report_id=unreadable_id(url))
            return
        for job in iter_archive(local, on_skip):
            yield relocate(job, local, url)


@dataclass(frozen=True)
class FileShard:
    """Files and archives, local (on a file system every worker sees) or URLs."""

    name: str
    inputs: tuple[str, ...]

    def jobs(self, on_skip: Callable[[str, str], None]) -> Iterator[Job]:
        """The jobs of every input in order, read here (on the worker); skips go to ``on_skip``."""
        for path in self.inputs:
            if is_archive(path):
                yield from (_remote_archive(path, on_skip) if is_remote(path) else iter_archive(path, on_skip))
            elif is_remote(path):
                yield from iter_file(path, on_skip, opener=_fetch)
            else:
                yield from iter_file(path, on_skip)

    def split(self) -> list[Shard]:
        return [FileShard(f"{self.name}.{i}", (path,)) for i, path in enumerate(self.inputs)]


# --- the work of a shard ----------------------------------------------------------------------


@dataclass
class ShardParsed:
    """The results of one shard, in input order, and its skips by reason."""

    name: str
    inputs: tuple[str, ...]
    results: list[Result]
    skipped_by: Counter[str] = field(default_factory=Counter)


@dataclass(frozen=True)
class ShardSummary:
    """What the client needs of a parsed shard to link it: each result's fingerprint (None
    for an error record or a report without year or template), in order, and the skips."""

    name: str
    prints: tuple[Optional[Fingerprint], ...]
    skipped_by: Counter[str]


def skip_counter(counts: Counter[str]) -> Callable[[str, str], None]:
    """An ``on_skip(source, reason)`` that counts ``reason`` in ``counts``."""

    def skip(source: str, reason: str) -> None:
        counts[reason] += 1

    return skip


class _Watchdog:
    """Ends this process when one input overruns its time budget: a thread cannot be stopped,
    so the Dask worker running it goes, as a local worker process is killed; Dask restarts the
    worker and the client parses the shard again one input at a time, the input that overruns
    again becoming a ``WorkerDiedError`` record (:mod:`.convert`)."""

    def __init__(self, budget: float) -> None:
        self.budget = budget
        self.deadline: Optional[float] = None
        self.done = threading.Event()
        threading.Thread(target=self._watch, name="gkparse-input-budget", daemon=True).start()

    def _watch(self) -> None:
        while not self.done.wait(WATCH_INTERVAL):
            deadline = self.deadline
            if deadline is not None and time.monotonic() > deadline:
                os._exit(OVER_BUDGET_EXIT)

    def parse(self, jobs: Iterator[Job], rows: bool) -> list[Result]:
        """Each job read and parsed within the budget (reading included: a fetch that hangs
        counts; copying a whole remote archive does not, see :func:`unbudgeted`), in order."""
        results: list[Result] = []
        _THREAD.watchdog = self
        try:
            while True:
                self.deadline = time.monotonic() + self.budget
                job = next(jobs, None)
                if job is None:
                    return results
                results.append(process_job(job, rows=rows))
        finally:
            self.deadline = None
            self.done.set()
            _THREAD.watchdog = None


#: The watchdog of the shard this thread parses, if any.
_THREAD = threading.local()


@contextlib.contextmanager
def unbudgeted() -> Iterator[None]:
    """Time spent inside is no item's (copying a whole remote archive to disk): the current
    watchdog, if any, waits, and the next item's budget starts afresh after."""
    watchdog: Optional[_Watchdog] = getattr(_THREAD, "watchdog", None)
    if watchdog is None:
        yield
        return
    watchdog.deadline = None
    try:
        yield
    finally:
        watchdog.deadline = time.monotonic() + watchdog.budget


def parse_shard(
    shard: Shard, rows: bool = False, templates: Optional[tuple[Template, ...]] = None, timeout: Optional[float] = None,
) -> ShardParsed:
    """Read and parse every item of ``shard`` here: :func:`gkparse.batch.process_job` on each
    job, the function a local batch runs (it never raises: a failure is an error record).
    ``rows`` adds the cell and issue rows; ``templates`` (the client's
    :data:`gkparse.templates.TEMPLATES`) are registered first, so a template registered at
    run time on the client is known on the worker. ``timeout`` (seconds per item, read and
    parsed; meant for a Dask worker only) ends **this process** with exit status
    :data:`OVER_BUDGET_EXIT` when one item overruns it (:class:`_Watchdog`)."""
    if templates:
        _register_templates(templates)
    skipped: Counter[str] = Counter()
    jobs = iter(shard.jobs(skip_counter(skipped)))
    if not timeout:
        results = [process_job(job, rows=rows) for job in jobs]
    else:
        results = _Watchdog(timeout).parse(jobs, rows)
    return ShardParsed(shard.name, tuple(shard.inputs), results, skipped)


def summarize(parsed: ShardParsed) -> ShardSummary:
    """The :class:`ShardSummary` of a parsed shard (small: it travels to the client)."""
    return ShardSummary(parsed.name, tuple(r.fingerprint for r in parsed.results), parsed.skipped_by)


def client_templates() -> tuple[Template, ...]:
    """The templates registered in this process, for :func:`parse_shard`."""
    return tuple(TEMPLATES.values())
