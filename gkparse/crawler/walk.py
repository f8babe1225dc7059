"""Collect annual reports from government sites into a WARC file: the walk.

Start from a report column (年报栏目: a list page, possibly paginated) or from single
report URLs. :func:`crawl` finds the report links on the list pages
(:mod:`~gkparse.crawler.links`), follows the pagination, fetches every report page and its
attachments (PDF, Word, Excel, WPS, OFD) through the polite
:class:`~gkparse.crawler.fetcher.Fetcher` and writes each HTTP exchange as a
request/response record pair to a gzipped WARC file (:mod:`gkparse.warc`), which
``gkparse convert`` reads. Errors never stop the crawl: each one is recorded in
:attr:`CrawlResult.failures`.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path

import httpx

from ..errors import CrawlError, FetchError, GkparseError
from ..vocabulary import lookalike_reason, title_year
from ..warc import (
    Validators,
    WARCWriter,
    payload_digest,
    read_validators,
    write_exchange,
)
from .fetcher import AlreadyFetched, Fetched, Fetcher, FetchLogEntry
from .links import (
    ListLinks,
    Page,
    decode_html,
    list_links,
    names_report,
    page_attachments,
    parse_page,
)
from .network import host_names
from .settings import (
    DEFAULT_BACKOFF,
    DEFAULT_DELAY,
    DEFAULT_MAX_ATTACHMENTS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPORTS,
    DEFAULT_MAX_TIME,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    CrawlSettings,
    software,
)
from .urls import is_article_url, is_attachment_url, normalize_url

__all__ = ["CrawlResult", "Failure", "Skipped", "crawl"]

log = logging.getLogger(__name__)


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
    ``max_attachments``. ``text`` is the link text."""

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
    records: int = 0

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


class _Crawler:
    """One crawl's walk: start URLs → list pages → reports → attachments → WARC."""

    def __init__(
        self,
        settings: CrawlSettings,
        fetcher: Fetcher,
        writer: WARCWriter,
        result: CrawlResult,
        previous: Mapping[str, Validators],
    ) -> None:
        self.settings = settings
        self.fetcher = fetcher
        self.writer = writer
        self.result = result
        self.previous = previous
        self.seen: set[str] = set()  # queued or fetched

    def _fail(self, url: str, exc: FetchError) -> None:
        log.warning("failed %s: %s", url, exc.reason)
        self.result.failures.append(Failure(url=url, reason=exc.reason, status=exc.status))

    def _fetch(self, url: str, *, conditional: bool = False) -> Fetched | None:
        """A fetch; a failure is recorded and gives None, as does a repeat."""
        try:
            return self.fetcher.fetch(url, conditional=conditional)
        except AlreadyFetched:
            return None
        except FetchError as exc:
            self._fail(url, exc)
            return None

    @staticmethod
    def _page(fetched: Fetched) -> Page | None:
        """The fetched page decoded and parsed (once), or None when it is not HTML."""
        if not fetched.is_html:
            return None
        return parse_page(decode_html(fetched.final.body), fetched.url)

    def start(self, raw_url: str) -> None:
        """Crawl one start URL: a report (by URL shape or by title) or a report column."""
        try:
            url = normalize_url(raw_url)
        except FetchError as exc:
            self._fail(raw_url, exc)
            return
        if url in self.seen:
            return
        self.seen.add(url)
        if is_attachment_url(url) or is_article_url(url):
            self.report(url)
            return
        fetched = self._fetch(url)
        if fetched is None:
            return
        page = self._page(fetched)
        if page is None or names_report(page):
            self.report(url, fetched, page)
            return
        links = list_links(page)
        if not (links.reports or links.lookalikes or links.pages) and names_report(page, dated=False):
            # An undated report title and nothing to follow: the page is the report.
            self.report(url, fetched, page)
        else:
            self.column(fetched, links)

    def column(self, first: Fetched, first_links: ListLinks) -> None:
        """Walk a report column's list pages, then fetch the reports found."""
        max_pages, since = self.settings.max_pages, self.settings.since
        queue: deque[str] = deque([first.url])
        reports: dict[str, str] = {}
        pages = 0
        found_any = False
        while queue:
            page_url = queue.popleft()
            if pages >= max_pages:
                self.result.skipped.append(Skipped(page_url, f"beyond max_pages={max_pages}"))
                continue
            if page_url == first.url:
                fetched, links = first, first_links
            else:
                got = self._fetch(page_url)
                if got is None:
                    continue
                page = self._page(got)
                fetched, links = got, list_links(page) if page else ListLinks()
            pages += 1
            self.result.list_pages.append(fetched.url)
            if self.settings.keep_list_pages:
                self._write(fetched)
            log.debug(
                "%s: %d report links, %d look-alikes, %d pages",
                fetched.url, len(links.reports), len(links.lookalikes), len(links.pages),
            )
            for url in links.pages:
                if url not in self.seen:
                    self.seen.add(url)
                    queue.append(url)
            for url, text in links.lookalikes:
                found_any = True
                if url not in self.seen:
                    self.seen.add(url)
                    self.result.skipped.append(Skipped(url, f"look-alike ({lookalike_reason(text)})", text))
            for url, text in links.reports:
                found_any = True
                if url in self.seen:
                    continue
                self.seen.add(url)
                year = title_year(text)
                if since is not None and year is not None and year < since:
                    self.result.skipped.append(Skipped(url, f"{year} is before since={since}", text))
                    continue
                if len(reports) >= self.settings.max_reports:
                    self.result.skipped.append(Skipped(url, f"beyond max_reports={self.settings.max_reports}", text))
                    continue
                reports[url] = text
        if not found_any:
            self._fail(first.url, FetchError("no annual-report links found on this list page"))
        for url in reports:
            self.report(url)

    def report(self, url: str, fetched: Fetched | None = None, page: Page | None = None) -> None:
        """Fetch (unless given) and archive one report and its attachments."""
        if fetched is None:
            if url in self.fetcher.fetched:
                return
            fetched = self._fetch(url, conditional=True)
            if fetched is None:
                return
            page = self._page(fetched)
        if not self._archive(fetched, self.result.reports):
            return
        if not self.settings.attachments or page is None:
            return
        taken = 0
        for link in page_attachments(page):
            if link in self.seen or link in self.fetcher.fetched:
                continue
            self.seen.add(link)
            if taken >= self.settings.max_attachments:
                self.result.skipped.append(Skipped(link, f"beyond max_attachments={self.settings.max_attachments}"))
                continue
            taken += 1
            got = self._fetch(link, conditional=True)
            if got is not None:
                self._archive(got, self.result.attachments)

    def _archive(self, fetched: Fetched, into: list[str]) -> bool:
        """Write a fetched page unless it is unchanged since the previous crawl."""
        if self._unchanged(fetched):
            self.result.unchanged.append(fetched.url)
            return False
        self._write(fetched)
        into.append(fetched.url)
        return True

    def _unchanged(self, fetched: Fetched) -> bool:
        if fetched.not_modified:
            return True
        previous = self.previous.get(fetched.url)
        return bool(previous and previous.digest and previous.digest == payload_digest(fetched.final.body))

    def _write(self, fetched: Fetched) -> None:
        for hop in fetched.hops:
            self.result.records += write_exchange(self.writer, hop)


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
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    transport: httpx.BaseTransport | None = None,
) -> CrawlResult:
    """Crawl report columns and report URLs into a WARC file at ``warc_path``.

    Each URL is a report page or file (fetched as a report) or a list page, whose
    report links are collected over at most ``max_pages`` list pages. Reports whose
    link text names a year older than ``since`` are skipped. Reports and their
    attachments (unless ``attachments=False``) are written as request/response record
    pairs, redirect hops included; list pages only with ``keep_list_pages``. The file is
    gzipped unless its name ends in ``.warc``.

    Politeness: robots.txt is obeyed (fetched once per host; 4xx = allow all; 401/403,
    5xx or unreachable = disallow), requests to one host are spaced by ``delay`` seconds
    (or the robots.txt Crawl-delay, if longer, up to
    :data:`~gkparse.crawler.settings.MAX_CRAWL_DELAY`; a cap applied is listed in
    :attr:`CrawlResult.notes`), timeouts / transport errors / 5xx are retried
    ``retries`` times after ``backoff * 2**n`` seconds, 4xx are not retried.

    Limits: a response over ``max_bytes`` (after undoing its Content-Encoding, checked as
    it streams), taking more than ``max_time`` seconds in all, or ending a chain of more
    than ``max_redirects`` redirects fails; at most ``max_reports`` report links are
    taken per column and ``max_attachments`` attachments per report, the rest listed in
    :attr:`CrawlResult.skipped`. Hosts that are or resolve to loopback, private,
    link-local, shared (CGNAT) or reserved addresses are refused (a failure, never
    archived), on every redirect hop and at connect time, except the hosts of the start
    URLs and unless ``allow_private``.

    ``previous`` names older WARC(s): their ETag / Last-Modified are sent as
    If-None-Match / If-Modified-Since; a 304, or a body identical to the old one, counts
    as unchanged and is not written (see :attr:`CrawlResult.unchanged`).

    Failures are collected in the result, never raised; :class:`CrawlError` is raised
    only for bad arguments or an unreadable ``previous`` file. ``clock``/``sleep`` are
    injectable for tests, and so is the httpx ``transport``. The options are those of
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
    )
    # The hosts the user named may be local (a test site, an intranet mirror).
    trusted = {name for url in urls for name in host_names(url.strip())}
    if previous is None:
        previous_paths: list[str | PathLike[str]] = []
    elif isinstance(previous, (str, PathLike)):
        previous_paths = [previous]
    else:
        previous_paths = list(previous)
    # Read before opening the output: previous may be the very file about to be rewritten.
    validators = _read_previous(previous_paths)

    path = Path(warc_path)
    result = CrawlResult(warc_path=path)
    with contextlib.ExitStack() as stack:
        try:
            fh = stack.enter_context(open(path, "wb"))
        except OSError as exc:
            raise CrawlError(f"cannot write WARC ({exc})", source=str(path)) from None
        fetcher = stack.enter_context(
            contextlib.closing(Fetcher(settings, validators=validators, trusted_hosts=trusted, clock=clock, sleep=sleep,
                                       transport=transport))
        )
        result.log = fetcher.log
        result.notes = fetcher.notes
        writer = WARCWriter(fh, gzip=not path.name.endswith(".warc"))
        writer.write_record(
            writer.create_warcinfo_record(
                path.name,
                {
                    "software": software(),
                    "http-header-user-agent": settings.agent,
                    "robots": "obey",
                    "description": "government information-disclosure annual reports",
                    "format": "WARC File Format 1.0",
                },
            )
        )
        result.records += 1
        crawler = _Crawler(settings, fetcher, writer, result, validators)
        for url in urls:
            crawler.start(url)
    return result
