"""The walk as a Scrapy spider: start URL → list pages → reports → attachments.

What is gkparse's own lives here and in :mod:`~gkparse.crawler.links`: whether a start URL
is a report or a column, which links on a column page are reports, look-alikes or further
pages (Hanweb ``dataproxy.jsp`` POSTs included), the limits per column and per report,
the years (``since``), and what is archived. Fetching, scheduling, politeness, retries
and redirects are Scrapy's (see :mod:`~gkparse.crawler.engine`); the protections it lacks
are :mod:`~gkparse.crawler.middlewares`.

The spider's progress (:class:`~gkparse.crawler.middlewares.CrawlState`) is kept in its
``state``, which Scrapy saves in the ``JOBDIR`` of a paused crawl, so a resumed crawl
goes on with the same result, seen URLs and column counters.
"""

from __future__ import annotations

import http.client
import logging
import pickle
from collections.abc import AsyncIterator, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure as TwistedFailure

from ..errors import FetchError
from ..vocabulary import lookalike_reason, title_year
from ..warc import Exchange, payload_digest
from .links import (
    FormPage,
    ListLinks,
    Page,
    decode_html,
    is_html,
    list_links,
    names_report,
    page_attachments,
    parse_page,
)
from .middlewares import (
    CONDITIONAL,
    HOPS,
    REFUSED,
    URL,
    AlreadyFetched,
    CrawlState,
    Refused,
    describe,
    exchange_of,
    host_name,
    job_of,
    redirected,
    start_of,
)
from .urls import is_article_url, is_attachment_url, normalize_url
from .walk import Failure, Job, Skipped

__all__ = ["Archive", "ReportSpider"]

log = logging.getLogger(__name__)

# What a request is for (request meta ``gkparse_kind``).
START, LIST, REPORT, ATTACHMENT = "start", "list", "report", "attachment"
KIND = "gkparse_kind"
#: The column a list page or report belongs to (its first page's URL).
COLUMN = "gkparse_column"
#: Set on the answer to a form POST (Hanweb's dataproxy.jsp): records of its column's
#: page, in CDATA sections.
FORM = "gkparse_form"
# Where Scrapy's SpiderState extension keeps the spider's state in JOBDIR.
_STATE_FILE = "spider.state"
# List pages go before reports, so a column's pages (and its limits) are known early.
_LIST_PRIORITY = 1

# A column's counters (CrawlState.columns[key]); _REPORT: 1 when the column is a report
# column (its form POST answers, which have no title, read their links as its).
_QUEUED, _TAKEN, _FOUND, _PENDING, _REPORT = range(5)


@dataclass
class Archive:
    """An item for the WARC pipeline: the exchanges of one fetched URL, redirect hops first."""

    hops: tuple[Exchange, ...]


class ReportSpider(scrapy.Spider):
    """Crawls the :class:`~gkparse.crawler.walk.Job` in the Scrapy settings (``GKPARSE_JOB``)."""

    name = "gkparse"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.crawl_state: CrawlState | None = None
        self.resumed = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReportSpider:
        spider: ReportSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._closed, signal=signals.spider_closed)
        return spider

    @property
    def job(self) -> Job:
        return job_of(self.crawler)

    @property
    def st(self) -> CrawlState:
        """The crawl's state: the one saved in ``JOBDIR`` by a paused crawl, else a new one."""
        if self.crawl_state is None:
            saved = None
            jobdir = self.job.jobdir
            if jobdir is not None and (jobdir / _STATE_FILE).exists():
                with open(jobdir / _STATE_FILE, "rb") as fh:
                    saved = pickle.load(fh).get("crawl")
            self.resumed = isinstance(saved, CrawlState)
            self.crawl_state = saved if isinstance(saved, CrawlState) else CrawlState(self.job)
            self.crawl_state.result.interrupted = False
        return self.crawl_state

    def _closed(self, spider: Any, reason: str) -> None:
        # Scrapy's SpiderState extension saves the spider's ``state`` in JOBDIR when the
        # spider closes (after this handler: it was connected later, and it loads its own
        # copy on opening, so the state is put in at the end).
        if getattr(self, "state", None) is None:
            self.state: dict[str, Any] = {}
        self.state["crawl"] = self.st

    async def start(self) -> AsyncIterator[Any]:
        """The start URLs (none when resuming: the queue saved in ``JOBDIR`` holds the rest)."""
        self.st  # noqa: B018 - opens the state, and tells whether the crawl is resumed
        if self.resumed:
            return
        for raw in self.job.urls:
            try:
                url = normalize_url(raw)
            except FetchError as exc:
                self._fail(raw, exc.reason)
                continue
            if url in self.st.seen:
                continue
            self.st.seen.add(url)
            if is_attachment_url(url) or is_article_url(url):
                yield self._request(url, REPORT, conditional=True)
            else:
                yield self._request(url, START)

    # -- requests and failures ---------------------------------------------------------

    def _request(self, url: str, kind: str, *, column: str | None = None, conditional: bool = False,
                 form: FormPage | None = None) -> scrapy.Request:
        meta = {URL: url, KIND: kind, COLUMN: column, CONDITIONAL: conditional}
        priority = _LIST_PRIORITY if kind in (START, LIST) else 0
        if form is not None:
            meta[FORM] = True
            return scrapy.FormRequest(url, formdata=form.form, callback=self.parse, errback=self.failed,
                                      meta=meta, dont_filter=True, priority=priority)
        return scrapy.Request(url, callback=self.parse, errback=self.failed, meta=meta, dont_filter=True, priority=priority)

    def _fail(self, url: str, reason: str, status: int | None = None) -> None:
        log.warning("failed %s: %s", url, reason)
        self.st.result.failures.append(Failure(url=url, reason=reason, status=status))

    def failed(self, failure: TwistedFailure) -> None:
        """A request that ended without a response: record why (a repeat is no failure)."""
        request = failure.request  # type: ignore[attr-defined]
        exc = failure.value
        if not isinstance(exc, AlreadyFetched):
            settings = self.job.settings
            reason = describe(exc, settings.max_time, int(request.meta.get("download_maxsize", settings.max_bytes)))
            refused = REFUSED.get(host_name(request))
            if refused is not None and type(exc).__name__ == "CannotResolveHostError":
                reason = refused.reason
                if normalize_url(request.url) != start_of(request):
                    reason = f"redirected to {normalize_url(request.url)}: {reason}"
            else:
                if request.meta.get("retry_times") is not None or self._retried(exc):
                    reason += f" (after {request.meta.get('retry_times', 0) + 1} attempts)"
                if not isinstance(exc, Refused):  # a refusal's reason names the hop already
                    reason = redirected(request, reason)
            self._fail(start_of(request), reason, getattr(exc, "status", None))
        self._list_done(request.meta)

    def _retried(self, exc: BaseException) -> bool:
        """Whether a failure of this kind was retried (so its reason counts the attempts)."""
        name = type(exc).__name__
        return self.job.settings.retries > 0 and name not in (
            "Refused", "DownloadTimeoutError", "DownloadCancelledError", "IgnoreRequest", "CannotResolveHostError",
        )

    # -- responses ---------------------------------------------------------------------

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        """One final response (redirects followed): dispatch by what was asked for."""
        meta = response.meta
        url, kind = str(meta[URL]), str(meta[KIND])
        assert response.request is not None  # set by the engine before callbacks
        hops = tuple(meta.get(HOPS, ())) + (exchange_of(response, response.request),)
        self.st.fetched.update(hop.url for hop in hops)
        final = hops[-1]
        try:
            if final.status == 304 and meta.get(CONDITIONAL):
                self.st.result.unchanged.append(final.url)
                return
            if not 200 <= final.status < 300:
                self._fail(url, self._status_reason(response), final.status)
                return
            if kind == ATTACHMENT:
                yield from self._archive(hops, self.st.result.attachments)
                return
            page = self._page(response, final)
            if kind == REPORT:
                yield from self._report(hops, page)
            elif kind == LIST:
                yield from self._column_page(hops, page, str(meta[COLUMN]))
            else:
                yield from self._start(hops, page, meta)
        finally:
            self._list_done(meta)

    def _status_reason(self, response: Response) -> str:
        status = response.status
        reason = f"HTTP {status} {http.client.responses.get(status, '')}".strip()
        if status >= 500 and self.job.settings.retries:
            reason += f" (after {response.meta.get('retry_times', 0) + 1} attempts)"
        if 300 <= status < 400:
            reason = f"HTTP {status} without a Location header"
        return reason

    def _page(self, response: Response, final: Exchange) -> Page | None:
        """The page decoded and parsed (once), or None when it is not HTML. The answer to a
        form POST is read as part of its column's page (see :func:`list_links`)."""
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        if not is_html(final.body, content_type):
            return None
        html = decode_html(final.body)
        if response.meta.get(FORM):
            return parse_page(_without_cdata(html), str(response.meta[COLUMN]))
        return parse_page(html, final.url)

    def _start(self, hops: tuple[Exchange, ...], page: Page | None, meta: Any) -> Iterator[Any]:
        """A start URL that is no report by its shape: a report page, or a column."""
        if page is None or names_report(page):
            yield from self._report(hops, page)
            return
        links = list_links(page)
        if not (links.reports or links.lookalikes or links.pages or links.form_pages) and names_report(page, dated=False):
            # An undated report title and nothing to follow: the page is the report.
            yield from self._report(hops, page)
            return
        column = meta[COLUMN] = hops[-1].url
        self.st.columns[column] = [1, 0, 0, 1, int(links.report_column)]
        yield from self._column_page(hops, page, column, links=links)

    def _column_page(self, hops: tuple[Exchange, ...], page: Page | None, column: str, *,
                     links: ListLinks | None = None) -> Iterator[Any]:
        """A column's list page: queue its further pages (a form POST's by its URL and
        body) and its report links, within the column's limits; look-alikes and links
        over a limit are listed as skipped. With ``keep_list_pages`` the page is archived
        (a POST with its method and body)."""
        settings, st = self.job.settings, self.st
        counters = st.columns[column]
        if links is None:
            # A report column's further pages are too, titled or not (a POST's answer has no title).
            report_column = True if counters[_REPORT] else None
            links = list_links(page, report_column=report_column) if page is not None else ListLinks()
        final = hops[-1].url
        st.result.list_pages.append(final)
        if settings.keep_list_pages:
            yield Archive(hops)
        log.debug("%s: %d report links, %d look-alikes, %d pages",
                  final, len(links.reports), len(links.lookalikes), len(links.pages) + len(links.form_pages))
        further: list[tuple[str, FormPage | None]] = [(url, None) for url in links.pages]
        further += [(form.url, form) for form in links.form_pages]
        for url, form in further:
            key = url if form is None else form.key
            if key in st.seen:
                continue
            st.seen.add(key)
            if counters[_QUEUED] >= settings.max_pages:
                st.result.skipped.append(Skipped(url, f"beyond max_pages={settings.max_pages}", form.body if form else ""))
                continue
            counters[_QUEUED] += 1
            counters[_PENDING] += 1
            yield self._request(url, LIST, column=column, form=form)
        for url, text in links.lookalikes:
            counters[_FOUND] = 1
            if url not in st.seen:
                st.seen.add(url)
                st.result.skipped.append(Skipped(url, f"look-alike ({lookalike_reason(text)})", text))
        for url, text in links.reports:
            counters[_FOUND] = 1
            if url in st.seen or url in st.fetched:
                continue
            st.seen.add(url)
            year = title_year(text)
            if settings.since is not None and year is not None and year < settings.since:
                st.result.skipped.append(Skipped(url, f"{year} is before since={settings.since}", text))
                continue
            if counters[_TAKEN] >= settings.max_reports:
                st.result.skipped.append(Skipped(url, f"beyond max_reports={settings.max_reports}", text))
                continue
            counters[_TAKEN] += 1
            yield self._request(url, REPORT, column=column, conditional=True)

    def _list_done(self, meta: Any) -> None:
        """A column's list page is done (read or failed): when it was the column's last
        and no report link was found on any, the column fails."""
        counters = self.st.columns.get(str(meta.get(COLUMN)))
        if meta.get(KIND) not in (START, LIST) or counters is None:
            return
        counters[_PENDING] -= 1
        if counters[_PENDING] == 0 and not counters[_FOUND]:
            self._fail(str(meta.get(COLUMN)), "no annual-report links found on this list page")

    def _report(self, hops: tuple[Exchange, ...], page: Page | None) -> Iterator[Any]:
        """Archive a report (unless unchanged) and queue its attachments."""
        if not (yield from self._archive(hops, self.st.result.reports)):
            return
        settings, st = self.job.settings, self.st
        if not settings.attachments or page is None:
            return
        taken = 0
        for link in page_attachments(page):
            if link in st.seen or link in st.fetched:
                continue
            st.seen.add(link)
            if taken >= settings.max_attachments:
                st.result.skipped.append(Skipped(link, f"beyond max_attachments={settings.max_attachments}"))
                continue
            taken += 1
            yield self._request(link, ATTACHMENT, conditional=True)

    def _archive(self, hops: tuple[Exchange, ...], into: list[str]) -> Generator[Any, None, bool]:
        """Archive a fetched URL unless it is unchanged since the previous crawl (a body
        identical to the stored one); returns whether it was archived."""
        final = hops[-1]
        previous = self.job.validators.get(final.url)
        if previous and previous.digest and previous.digest == payload_digest(final.body):
            self.st.result.unchanged.append(final.url)
            return False
        into.append(final.url)
        yield Archive(hops)
        return True


def _without_cdata(text: str) -> str:
    """A Hanweb datastore answer with its CDATA markers removed, so its records parse as HTML."""
    return text.replace("<![CDATA[", "").replace("]]>", "")
