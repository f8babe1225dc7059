"""Collect annual reports from government sites into a WARC file: :func:`crawl` and what it
returns.

Start from report columns (年报栏目: list pages, possibly paginated) or from single report
URLs, on any number of hosts. The crawl runs on Scrapy (:mod:`gkparse.crawler.engine`,
the ``gkparse[crawl]`` extra): :class:`gkparse.crawler.spider.ReportSpider` knows which
links are reports, Scrapy fetches them concurrently across hosts and politely per host,
and every HTTP exchange of a report or attachment is written as a request/response record
pair to a WARC file (:mod:`gkparse.warc`), which ``gkparse convert`` reads. Errors never
stop the crawl: each one is recorded in :attr:`CrawlResult.failures`.

Twisted's reactor, under Scrapy, cannot be started twice in one process, so :func:`crawl`
runs each crawl in a child process (forked where the platform can, so the caller's
configuration and patches carry over) and gets the :class:`CrawlResult` and the log
records back through a pipe: :func:`crawl` can be called any number of times.

This module needs no Scrapy: ``import gkparse.crawler`` works without the extra, and
:func:`crawl` says which extra to install when it is missing.
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from os import PathLike
from pathlib import Path
from typing import Any

from ..errors import CrawlError, FetchError, GkparseError
from ..warc import Validators, read_validators
from .network import host_names
from .settings import (
    DEFAULT_BACKOFF,
    DEFAULT_CONCURRENCY,
    DEFAULT_DELAY,
    DEFAULT_MAX_ATTACHMENTS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPORTS,
    DEFAULT_MAX_TIME,
    DEFAULT_PER_HOST,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    CrawlSettings,
)
from .urls import normalize_url

__all__ = ["CrawlResult", "Failure", "FetchLogEntry", "Job", "Skipped", "crawl"]

log = logging.getLogger(__name__)

#: The extra that installs the crawl engine, named when Scrapy is missing.
CRAWL_EXTRA = "gkparse[crawl]"
#: What a crawl without Scrapy says (the CLI, crawl() and the crawl process alike).
NO_ENGINE = f"crawling needs Scrapy: pip install '{CRAWL_EXTRA}'"


@dataclass
class FetchLogEntry:
    """One HTTP request sent (retries and robots.txt included). ``at`` is when it was sent
    (``time.time()`` seconds since the epoch, taken as the download starts, after the
    host's delay); ``status`` is None when no response came, ``error`` then says why."""

    url: str
    at: float
    status: int | None = None
    error: str | None = None


@dataclass
class Failure:
    """A URL that could not be fetched, and why (``status`` is the HTTP status, if any)."""

    url: str
    reason: str
    status: int | None = None


@dataclass
class Skipped:
    """A link deliberately not fetched: a look-alike, older than ``since``, a list page
    beyond ``max_pages``, a report beyond ``max_reports`` or an attachment beyond
    ``max_attachments``. ``text`` is the link text (for a list page asked for by a form
    POST, the form body: many columns POST to one URL)."""

    url: str
    reason: str
    text: str = ""


@dataclass
class CrawlResult:
    """What :func:`crawl` did. URLs are normalised final URLs (after redirects)."""

    warc_path: Path
    reports: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    list_pages: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    log: list[FetchLogEntry] = field(default_factory=list)
    #: Limits applied that change what the crawl did (a robots.txt Crawl-delay capped …).
    notes: list[str] = field(default_factory=list)
    #: Seconds between two requests to a host (``scheme://host[:port]``), for every host
    #: whose robots.txt was read: ``delay``, or its Crawl-delay when longer (capped).
    delays: dict[str, float] = field(default_factory=dict)
    records: int = 0
    #: True when the crawl was stopped before its end (Ctrl-C, a signal); with a
    #: ``jobdir`` it resumes where it stopped when run again.
    interrupted: bool = False

    @property
    def counts(self) -> dict[str, int]:
        """Counts by kind, e.g. for a summary line."""
        return {
            "list_pages": len(self.list_pages),
            "reports": len(self.reports),
            "attachments": len(self.attachments),
            "unchanged": len(self.unchanged),
            "skipped": len(self.skipped),
            "failures": len(self.failures),
            "requests": len(self.log),
            "records": self.records,
        }

    @property
    def ok(self) -> bool:
        """True when nothing failed."""
        return not self.failures


@dataclass
class Job:
    """Everything the crawl process needs: the start ``urls`` as given, the ``settings``,
    the ``validators`` of previous WARCs by normalised URL, the ``trusted`` start hosts
    (which may be private), the WARC path and the Scrapy ``jobdir`` (None: no pause and
    resume)."""

    urls: list[str]
    settings: CrawlSettings
    warc_path: Path
    validators: dict[str, Validators]
    trusted: set[str]
    jobdir: Path | None = None


def _read_previous(paths: Sequence[str | PathLike[str]]) -> dict[str, Validators]:
    """Validators of the 2xx responses in older WARCs, by normalised URL (for one target
    URI the later file and record win); a target URI that is not http(s) is left out."""

    def key(uri: str) -> str | None:
        try:
            return normalize_url(uri)
        except FetchError:
            return None

    try:
        return read_validators(paths, key=key)
    except GkparseError as exc:
        raise CrawlError(exc.reason, source=exc.source) from None


def engine_available() -> bool:
    """Whether the crawl engine (Scrapy, the ``gkparse[crawl]`` extra) is installed."""
    return importlib.util.find_spec("scrapy") is not None


class _PipeHandler(logging.Handler):
    """In the crawl process: log records of ``gkparse.crawler`` sent to the caller."""

    def __init__(self, conn: Connection) -> None:
        super().__init__()
        self.conn = conn

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.conn.send(("log", record.name, record.levelno, record.getMessage()))
        except (OSError, ValueError):
            pass  # the caller is gone: nothing to tell


def _stop_when_orphaned() -> None:
    """In the crawl process: when the caller's process ends without stopping the crawl
    (killed, or crashed), stop gracefully as on SIGTERM rather than crawl on unseen (and
    race a second crawl of the same WARC and ``jobdir``). A daemon thread waits on the
    parent's sentinel, so it never keeps the process alive."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return
    try:
        sentinel = parent.sentinel
    except ValueError:  # no sentinel to wait on
        return

    def watch() -> None:
        multiprocessing.connection.wait([sentinel])
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="gkparse-crawl-orphan-watch", daemon=True).start()


def _child(job: Job, conn: Connection, level: int) -> None:
    """The crawl process: run the engine once, send the result (or the error) back."""
    _stop_when_orphaned()
    logger = logging.getLogger("gkparse.crawler")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)  # the caller's handlers write to the caller's streams
    logger.addHandler(_PipeHandler(conn))
    logger.setLevel(level)
    logger.propagate = False
    try:
        from .engine import run

        result = run(job)
    except GkparseError as exc:
        conn.send(("error", exc.reason, exc.source))
    except BaseException:  # noqa: BLE001 - anything else is reported to the caller, not lost
        conn.send(("error", "the crawl process failed: " + traceback.format_exc(limit=5).strip(), None))
    else:
        conn.send(("result", result))
    finally:
        conn.close()


def _context() -> Any:
    """Fork where the platform has it (the child starts at once and inherits the caller's
    configuration); spawn elsewhere."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _forward_sigterm(process: multiprocessing.process.BaseProcess, seen: list[int]) -> Callable[[], None]:
    """While the crawl runs, a SIGTERM to this process (a service manager stopping the
    command, ``timeout``) is passed to the crawl process, which stops gracefully as on
    Ctrl-C (a terminal sends that one to both), and noted in ``seen``. Returns what puts
    the previous handler back. Signal handlers belong to the main thread: from another
    thread nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def forward(signum: int, frame: Any) -> None:
        seen.append(signum)
        if process.pid is not None and process.is_alive():
            os.kill(process.pid, signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, forward)

    def restore() -> None:
        # None: a handler installed outside Python, which cannot be put back from here.
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)

    return restore


def _run_in_child(job: Job) -> CrawlResult:
    """Run ``job`` in a child process; the child's log records are re-logged here as they
    come. A Ctrl-C reaches the child too, and a SIGTERM is passed on to it (it stops
    gracefully, keeping its ``jobdir``); the result then comes back with ``interrupted``
    set. When this side fails while reading, the child is stopped (and its pipe closed,
    so it never blocks writing to it) before the error goes on."""
    receive, send = multiprocessing.Pipe(duplex=False)
    level = logging.getLogger("gkparse.crawler").getEffectiveLevel()
    process = _context().Process(target=_child, args=(job, send, level), name="gkparse-crawl")
    process.start()
    send.close()
    reply: tuple[Any, ...] | None = None
    interrupted = False
    terminated: list[int] = []
    restore = _forward_sigterm(process, terminated)
    try:
        while reply is None:
            try:
                message = receive.recv()
            except EOFError:
                break
            except KeyboardInterrupt:
                interrupted = True  # the child got it too and is closing; wait for it
                continue
            if message[0] == "log":
                _, name, levelno, text = message
                logging.getLogger(name).log(levelno, "%s", text)
            else:
                reply = message
    except BaseException:
        receive.close()
        if process.is_alive():
            process.terminate()
        raise
    finally:
        try:
            while process.is_alive():
                try:
                    process.join()
                except KeyboardInterrupt:
                    interrupted = True
        finally:
            receive.close()
            restore()
    interrupted = interrupted or bool(terminated)
    if reply is None:
        raise CrawlError(f"the crawl process ended without a result (exit code {process.exitcode})",
                         source=str(job.warc_path))
    if reply[0] == "error":
        raise CrawlError(reply[1], source=reply[2])
    result: CrawlResult = reply[1]
    result.interrupted = result.interrupted or interrupted
    return result


def crawl(
    urls: Iterable[str],
    warc_path: str | PathLike[str],
    *,
    max_pages: int = DEFAULT_MAX_PAGES,
    since: int | None = None,
    delay: float = DEFAULT_DELAY,
    timeout: float = DEFAULT_TIMEOUT,
    retries: int = DEFAULT_RETRIES,
    backoff: float = DEFAULT_BACKOFF,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_redirects: int = DEFAULT_MAX_REDIRECTS,
    max_time: float = DEFAULT_MAX_TIME,
    max_reports: int = DEFAULT_MAX_REPORTS,
    max_attachments: int = DEFAULT_MAX_ATTACHMENTS,
    allow_private: bool = False,
    previous: str | PathLike[str] | Sequence[str | PathLike[str]] | None = None,
    attachments: bool = True,
    keep_list_pages: bool = False,
    user_agent: str | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    per_host: int = DEFAULT_PER_HOST,
    jobdir: str | PathLike[str] | None = None,
) -> CrawlResult:
    """Crawl report columns and report URLs into a WARC file at ``warc_path``.

    Each URL is a report page or file (fetched as a report) or a list page, whose
    report links are collected over at most ``max_pages`` list pages. Reports whose
    link text names a year older than ``since`` are skipped. Reports and their
    attachments (unless ``attachments=False``) are written as request/response record
    pairs, redirect hops included; list pages only with ``keep_list_pages``. The file is
    gzipped unless its name ends in ``.warc``.

    Concurrency and politeness: up to ``concurrency`` requests are in flight over all
    hosts, at most ``per_host`` to one host (``scheme://host[:port]``), and requests to one
    host start ``delay`` seconds apart (or the robots.txt Crawl-delay, if longer, up to
    :data:`~gkparse.crawler.settings.MAX_CRAWL_DELAY`; a cap applied is listed in
    :attr:`CrawlResult.notes`). robots.txt is obeyed (fetched once per host; 4xx = allow
    all; 401/403, 5xx or unreachable = disallow). Timeouts (``timeout`` seconds without a
    connection and response headers), transport errors and 5xx are retried ``retries``
    times after ``backoff * 2**n`` seconds (or the ``Retry-After``, up to
    :data:`~gkparse.crawler.settings.MAX_RETRY_AFTER`); 4xx are not retried.

    Limits: a response over ``max_bytes`` (on the wire, and again after undoing its
    Content-Encoding, checked as it inflates), taking more than ``max_time`` seconds in
    all, or ending a chain of more than ``max_redirects`` redirects fails; at most
    ``max_reports`` report links are taken per column and ``max_attachments``
    attachments per report, the rest listed in :attr:`CrawlResult.skipped`. Hosts that are
    or resolve to loopback, private, link-local, shared (CGNAT) or reserved addresses are
    refused (a failure, never archived), on every redirect hop and at connect time,
    except the hosts of the start URLs and unless ``allow_private``.

    ``previous`` names older WARC(s): their ETag / Last-Modified are sent as
    If-None-Match / If-Modified-Since; a 304, or a body identical to the old one, counts
    as unchanged and is not written (see :attr:`CrawlResult.unchanged`).

    ``jobdir`` keeps the crawl's queue and state on disk (Scrapy's ``JOBDIR``): a crawl
    stopped by Ctrl-C or SIGTERM (``result.interrupted``) goes on where it stopped when
    called again with the same ``jobdir`` and ``warc_path``, appending to the WARC.

    The crawl runs in a child process (Scrapy's reactor cannot restart in one process),
    so this function may be called any number of times. Failures are collected in the
    result, never raised; :class:`CrawlError` is raised for bad arguments, an unreadable
    ``previous`` file, a WARC that cannot be written, or Scrapy missing (install
    ``gkparse[crawl]``). The options are those of
    :class:`~gkparse.crawler.settings.CrawlSettings`.
    """
    urls = [urls] if isinstance(urls, str) else list(urls)
    if not urls:
        raise CrawlError("no URLs to crawl")
    settings = CrawlSettings(
        max_pages=max_pages, since=since, delay=delay, timeout=timeout, retries=retries,
        backoff=backoff, max_bytes=max_bytes, max_redirects=max_redirects, max_time=max_time,
        max_reports=max_reports, max_attachments=max_attachments, allow_private=allow_private,
        attachments=attachments, keep_list_pages=keep_list_pages, user_agent=user_agent,
        concurrency=concurrency, per_host=per_host,
    )
    if not engine_available():
        raise CrawlError(NO_ENGINE)
    # The hosts the user named may be local (a test site, an intranet mirror).
    trusted = {name for url in urls for name in host_names(url.strip())}
    if previous is None:
        previous_paths: list[str | PathLike[str]] = []
    elif isinstance(previous, (str, PathLike)):
        previous_paths = [previous]
    else:
        previous_paths = list(previous)
    # Read before the output is touched: previous may be the very file about to be rewritten.
    validators = _read_previous(previous_paths)

    path = Path(warc_path)
    job_path = Path(jobdir) if jobdir is not None else None
    resuming = job_path is not None and (job_path / "spider.state").exists()
    try:
        with open(path, "ab" if resuming else "wb"):
            pass
    except OSError as exc:
        raise CrawlError(f"cannot write WARC ({exc})", source=str(path)) from None
    job = Job(urls=urls, settings=settings, warc_path=path, validators=validators, trusted=trusted, jobdir=job_path)
    log.debug("crawl process for %d start URLs (pid %d)", len(urls), os.getpid())
    return _run_in_child(job)
