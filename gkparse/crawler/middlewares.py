"""What gkparse adds to Scrapy's downloader: the protections a crawl of untrusted sites needs
where Scrapy has no setting for them, and the WARC writer.

In the order a request passes them (Scrapy's own middlewares in between: default headers,
User-Agent, cookies, proxies):

- :class:`Prepare`: the download slot of the request's host (``scheme://host[:port]``, so
  two ports are two hosts), the conditional headers of each hop, and the host's delay.
- :class:`AddressGuard`: refuses a hop whose host is a non-public IP literal or a
  ``localhost`` name outside the start hosts (:mod:`~gkparse.crawler.network`).
- :class:`RobotsGate`: robots.txt, fetched once per host through the engine, read by
  Protego with gkparse's reading of its status (:mod:`~gkparse.crawler.robots`); its
  Crawl-delay becomes the host's delay, up to ``MAX_CRAWL_DELAY``.
- :class:`BackoffRetry`: Scrapy's retry (``get_retry_request``) after an exponential
  backoff, honouring ``Retry-After`` up to ``MAX_RETRY_AFTER``; a spent time budget or a
  response over the size cap is not retried.
- :class:`Redirects`: Scrapy's redirects, with every hop kept for the WARC, the cap,
  loops and already-fetched targets named.
- :class:`BodyDecoder`: Content-Encoding undone within the size cap
  (:mod:`~gkparse.crawler.decoding`; Scrapy's decompression knows no stacked codings).

:class:`GuardedHandler` (Scrapy's HTTP/1.1 handler) logs every request as it is sent and
fails one without response headers within ``timeout``; Scrapy's ``DOWNLOAD_TIMEOUT`` is the
total time budget and ``DOWNLOAD_MAXSIZE`` the size cap on the wire.
:class:`GuardedResolver` resolves host names for Twisted and hands it only the addresses
it checked (DNS rebinding cannot slip a private address in). :class:`WarcPipeline`
writes each archived item's exchanges.
"""

from __future__ import annotations

import asyncio
import http.client
import logging
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from protego import Protego
from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.misc import load_object
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from zope.interface import implementer

from ..errors import FetchError
from ..warc import Exchange, WARCWriter, write_exchange
from . import network
from .decoding import BodyError, decode_body
from .robots import Robots, robots_from_answer, robots_token, robots_unavailable
from .settings import MAX_CRAWL_DELAY, MAX_RETRY_AFTER, ROBOTS_MAX_BYTES, software
from .urls import host_of, normalize_url
from .walk import CrawlResult, Failure, FetchLogEntry, Job

__all__ = [
    "ACCEPT_ENCODING",
    "AddressGuard",
    "AlreadyFetched",
    "BackoffRetry",
    "BodyDecoder",
    "CrawlState",
    "GuardedHandler",
    "GuardedResolver",
    "HeadersTimeout",
    "Prepare",
    "Redirects",
    "Refused",
    "RobotsGate",
    "WarcPipeline",
    "exchange_of",
    "host_name",
    "redirected",
    "start_of",
]

log = logging.getLogger(__name__)

# Request meta keys of gkparse (Scrapy's own: download_slot, download_maxsize, retry_times).
#: The normalised URL the crawl asked for (the start of a redirect chain).
URL = "gkparse_url"
#: The redirect hops so far, as :class:`~gkparse.warc.Exchange` (a tuple: a retry's copy
#: of the meta must not see the hops of another attempt).
HOPS = "gkparse_hops"
#: Set on robots.txt requests: they skip the robots gate and go in a slot of their own.
ROBOTS = "gkparse_robots"
#: Set when the request is conditional: each hop sends its URL's validators.
CONDITIONAL = "gkparse_conditional"

#: The codings asked for: the ones :mod:`~gkparse.crawler.decoding` undoes.
ACCEPT_ENCODING = "gzip, deflate"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


#: Hosts the resolver refused in this process, and why (host name -> refusal). Scrapy
#: builds the resolver for the whole process, before any crawler or spider exists, so
#: this is kept per process; a crawl process runs one crawl (see :func:`engine.run`).
REFUSED: dict[str, network.AddressRefused] = {}


class CrawlState:
    """The crawl's shared state, kept in the spider's ``state`` (saved in ``JOBDIR`` between
    runs): the :class:`~gkparse.crawler.walk.CrawlResult` being filled, the URLs queued or
    fetched and the columns being walked."""

    def __init__(self, job: Job) -> None:
        self.result = CrawlResult(warc_path=job.warc_path)
        self.seen: set[str] = set()  # queued or fetched
        self.fetched: set[str] = set()  # every URL a page response came from
        #: column key -> [list pages queued, report links taken, links found?, list pages pending]
        self.columns: dict[str, list[int]] = {}


def state_of(crawler: Crawler) -> CrawlState:
    """The running crawl's :class:`CrawlState` (on the spider)."""
    state: CrawlState = crawler.spider.st  # type: ignore[union-attr]
    return state


def job_of(crawler: Crawler) -> Job:
    """The :class:`~gkparse.crawler.walk.Job` being crawled (from the Scrapy settings)."""
    return job_of_settings(crawler.settings)


class Refused(IgnoreRequest):
    """A request the crawl will not make or take, with the ``reason`` the failure gives."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class AlreadyFetched(IgnoreRequest):
    """A redirect led to a URL fetched before: not fetched again, not a failure."""


class HeadersTimeout(Exception):
    """No connection and response headers within ``timeout`` seconds (retried)."""


def start_of(request: Request) -> str:
    """The URL the crawl asked for, before any redirect."""
    return str(request.meta.get(URL, request.url))


def redirected(request: Request, reason: str) -> str:
    """``reason``, prefixed with ``redirected to URL:`` when ``request`` is a redirect hop."""
    try:
        here = normalize_url(request.url)
    except FetchError:
        here = request.url
    return reason if here == start_of(request) else f"redirected to {here}: {reason}"


def exchange_of(response: Response, request: Request) -> Exchange:
    """One hop as the WARC stores it: the ``request`` sent (method, headers and body) and
    the ``response``, its body decoded."""
    parts = urlsplit(request.url)
    sent = [("Host", parts.netloc)] + [
        (k.decode("latin-1"), v.decode("latin-1")) for k, values in request.headers.items() for v in values
    ]
    received = [(k.decode("latin-1"), v.decode("latin-1")) for k, values in response.headers.items() for v in values]
    return Exchange(
        url=normalize_url(response.url),
        request_headers=sent,
        status=response.status,
        reason=http.client.responses.get(response.status, ""),
        http_version=response.protocol or "HTTP/1.1",
        headers=received,
        body=response.body,
        date=datetime.now(timezone.utc),
        method=request.method,
        request_body=request.body,
    )


async def _pause(seconds: float) -> None:
    """Wait ``seconds`` on the running reactor."""
    from twisted.internet import reactor
    from twisted.internet.task import deferLater

    await maybe_deferred_to_future(deferLater(reactor, seconds))  # type: ignore[arg-type]


# --------------------------------------------------------------------------- per hop


class Prepare:
    """The download slot per host (``scheme://host[:port]``: Scrapy's default is the host
    name alone, so two ports would share one), robots.txt in a slot of its own (it does
    not cost the host a delay), the validators of the hop's URL on conditional requests,
    and the host's delay (robots.txt's Crawl-delay) set on its slot as the request
    reaches it."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        crawler.signals.connect(self._reached, signal=signals.request_reached_downloader)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Prepare:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        origin = host_of(request.url)
        request.meta["download_slot"] = f"{origin} robots.txt" if request.meta.get(ROBOTS) else origin
        for name in ("If-None-Match", "If-Modified-Since"):
            request.headers.pop(name, None)
        if request.meta.get(CONDITIONAL):
            try:
                validators = job_of(self.crawler).validators.get(normalize_url(request.url))
            except FetchError:
                validators = None
            if validators and validators.etag:
                request.headers["If-None-Match"] = validators.etag
            if validators and validators.last_modified:
                request.headers["If-Modified-Since"] = validators.last_modified

    def _reached(self, request: Request, spider: Any) -> None:
        delay = state_of(self.crawler).result.delays.get(host_of(request.url))
        slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot", ""))  # type: ignore[union-attr]
        if delay is not None and slot is not None and not request.meta.get(ROBOTS):
            slot.delay = delay


class AddressGuard:
    """Refuses a hop whose host is a non-public IP literal (any spelling) or a ``localhost``
    name, unless it is a start host or ``allow_private`` is set; behind a proxy from the
    environment (which connects in our place), host names are resolved and checked here."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.proxied = network.env_proxied()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AddressGuard:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        job = job_of(self.crawler)
        host = (urlsplit(request.url).hostname or "").rstrip(".")
        if job.settings.allow_private or host in job.trusted:
            return
        kind = network.host_kind(host)
        refused: network.AddressRefused | None = None
        if kind is not None:
            refused = network.AddressRefused(host, kind)
        elif self.proxied:
            try:
                _, refused = network.refusal(host, network.resolve_host(host, 0))
            except OSError:
                refused = None  # the proxy may know the name
        if refused is not None:
            raise Refused(redirected(request, refused.reason))


class RobotsGate:
    """robots.txt, fetched once per host before its first request (through the engine:
    the same guards, retries and redirects as any request, within ``ROBOTS_MAX_BYTES``),
    obeyed with gkparse's reading (:func:`~gkparse.crawler.robots.robots_from_answer`).
    Requests to the host wait for it; a URL kept out fails with the reason."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.token = robots_token(str(crawler.settings.get("USER_AGENT")))
        self._robots: dict[str, Robots] = {}
        self._waiting: dict[str, list[Deferred[Robots]]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RobotsGate:
        return cls(crawler)

    async def process_request(self, request: Request) -> None:
        if request.meta.get(ROBOTS):
            return
        robots = await self._robots_for(host_of(request.url), request)
        if not robots.allows(request.url, self.token):
            raise Refused(redirected(request, robots.unavailable or "disallowed by robots.txt"))

    async def _robots_for(self, origin: str, request: Request) -> Robots:
        found = self._robots.get(origin)
        if found is not None:
            return found
        waiting = self._waiting.get(origin)
        if waiting is not None:
            later: Deferred[Robots] = Deferred()
            waiting.append(later)
            return await maybe_deferred_to_future(later)
        self._waiting[origin] = []
        try:
            robots = await self._fetch(origin, request)
        except BaseException as exc:
            # Cancelled (the crawl is closing) or broken: the requests waiting for this
            # host's robots.txt must not wait for ever (the crawl would never end); the
            # next request to the host asks again.
            for later in self._waiting.pop(origin, []):
                later.errback(exc)
            raise
        self._robots[origin] = robots
        for later in self._waiting.pop(origin):
            later.callback(robots)
        return robots

    async def _fetch(self, origin: str, request: Request) -> Robots:
        engine = self.crawler.engine
        assert engine is not None
        probe = Request(
            origin + "/robots.txt", dont_filter=True, priority=request.priority + 1,
            meta={ROBOTS: True, URL: origin + "/robots.txt", "download_maxsize": ROBOTS_MAX_BYTES},
        )
        try:
            response = await engine.download_async(probe)
        except Refused as exc:
            robots = robots_unavailable(exc.reason)
        except CannotResolveHostError as exc:
            refused = REFUSED.get((urlsplit(origin).hostname or "").rstrip(".").lower())
            # The host itself is refused: say so, not "robots.txt unavailable".
            robots = Robots(Protego.parse(""), refused.reason) if refused else robots_unavailable(describe(exc))
        except Exception as exc:  # noqa: BLE001 - any failure to get it keeps the host out
            robots = robots_unavailable(describe(exc))
        else:
            robots = robots_from_answer(response.status, response.body)
        self._set_delay(origin, robots)
        return robots

    def _set_delay(self, origin: str, robots: Robots) -> None:
        state, job = state_of(self.crawler), job_of(self.crawler)
        crawl_delay = robots.crawl_delay(self.token) or 0.0
        if crawl_delay > MAX_CRAWL_DELAY:
            note = f"{origin}: robots.txt Crawl-delay {crawl_delay:g} s capped at {MAX_CRAWL_DELAY:g} s"
            state.result.notes.append(note)
            log.warning("%s", note)
        state.result.delays[origin] = max(job.settings.delay, min(crawl_delay, MAX_CRAWL_DELAY))


class BackoffRetry:
    """Retries timeouts, transport errors and 5xx ``retries`` times through Scrapy's
    :func:`~scrapy.downloadermiddlewares.retry.get_retry_request`, after ``backoff * 2**n``
    seconds (a ``Retry-After`` in seconds, up to ``MAX_RETRY_AFTER``, when longer). A spent
    time budget (``DownloadTimeoutError``), a response over the size cap and refusals are
    not retried; 4xx neither."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        settings = crawler.settings
        self.retries = settings.getint("RETRY_TIMES")
        self.backoff = float(job_of(crawler).settings.backoff)
        self.retryable = tuple(load_object(x) if isinstance(x, str) else x for x in settings.getlist("RETRY_EXCEPTIONS"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetry:
        return cls(crawler)

    def _pause(self, request: Request, retry_after: str = "") -> float:
        pause = self.backoff * 2 ** request.meta.get("retry_times", 0)
        if retry_after.isdigit():
            pause = max(pause, min(float(retry_after), MAX_RETRY_AFTER))
        return pause

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if response.status < 500:
            return response
        again = get_retry_request(request, spider=self.crawler.spider, reason=f"HTTP {response.status}",  # type: ignore[arg-type]
                                  max_retry_times=self.retries)
        if again is None:
            return response
        await _pause(self._pause(request, (response.headers.get("Retry-After") or b"").decode("latin-1").strip()))
        return again

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if isinstance(exception, (IgnoreRequest, DownloadTimeoutError, DownloadCancelledError)):
            return None
        if isinstance(exception, CannotResolveHostError) and host_name(request) in REFUSED:
            return None
        if not isinstance(exception, self.retryable + (HeadersTimeout,)):
            return None
        again = get_retry_request(request, spider=self.crawler.spider, reason=type(exception).__name__,  # type: ignore[arg-type]
                                  max_retry_times=self.retries)
        if again is None:
            return None
        await _pause(self._pause(request))
        return again


def job_of_settings(settings: Any) -> Job:
    """The :class:`~gkparse.crawler.walk.Job` the engine put in the Scrapy settings."""
    job: Job = settings["GKPARSE_JOB"]
    return job


def host_name(request: Request) -> str:
    """The host name of ``request``'s URL as the resolver sees it (lower case, no final dot,
    an IPv6 literal without brackets): the key of :data:`REFUSED`."""
    return (urlsplit(request.url).hostname or "").rstrip(".").lower()


class Redirects(RedirectMiddleware):
    """Scrapy's redirects, each hop kept (``HOPS``) so the WARC holds the chain as it
    happened: more than ``max_redirects`` hops, a loop, or a target that is no http(s) URL
    fail with their reason; a target fetched before is not fetched again."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Request | Response:
        location = response.headers.get("Location")
        if response.status not in _REDIRECT_STATUSES or not location:
            return response
        job = job_of(self.crawler)
        hops: tuple[Exchange, ...] = request.meta.get(HOPS, ()) + (exchange_of(response, request),)
        if len(hops) > job.settings.max_redirects:
            raise Refused(f"more than {job.settings.max_redirects} redirects", response.status)
        text = location.decode("latin-1")
        try:
            target = normalize_url(urljoin(request.url, text))
        except FetchError:
            raise Refused(f"redirect to an unusable URL: {text}", response.status) from None
        if target in (hop.url for hop in hops):
            raise Refused(f"redirect loop at {target}", response.status)
        if not request.meta.get(ROBOTS) and target in state_of(self.crawler).fetched:
            raise AlreadyFetched(target)
        following = super().process_response(request, response)
        if isinstance(following, Request):
            following = following.replace(url=target)
            following.meta[HOPS] = hops
        return following


class BodyDecoder:
    """Asks for ``gzip, deflate`` only and undoes the Content-Encoding of each response
    within the size cap (``download_maxsize`` of the request, else ``max_bytes``), stacked
    codings included (at most ``MAX_CONTENT_CODINGS``): Scrapy's own decompression stops at
    the first coding. The response goes on without Content-Encoding."""

    def __init__(self, crawler: Crawler) -> None:
        self.max_bytes = crawler.settings.getint("DOWNLOAD_MAXSIZE")

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BodyDecoder:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING

    def process_response(self, request: Request, response: Response) -> Response:
        values = [v.decode("latin-1") for v in response.headers.getlist("Content-Encoding")]
        if not values:
            return response
        limit = int(request.meta.get("download_maxsize", self.max_bytes))
        try:
            body = decode_body(response.body, values, limit)
        except BodyError as exc:
            raise Refused(exc.reason, response.status) from None
        headers = response.headers.copy()
        headers.pop("Content-Encoding", None)
        return response.replace(body=body, headers=headers)


# --------------------------------------------------------------------------- download and DNS


def describe(exc: BaseException, max_time: float | None = None, max_bytes: int | None = None) -> str:
    """A failure's reason, as :class:`~gkparse.crawler.walk.Failure` gives it."""
    if isinstance(exc, Refused):
        return exc.reason
    if isinstance(exc, DownloadTimeoutError):
        return f"too slow: no complete response within max_time={max_time:g} s" if max_time else f"too slow ({exc})"
    if isinstance(exc, DownloadCancelledError):
        return f"response too large (more than {max_bytes} bytes)" if max_bytes else f"response too large ({exc})"
    if isinstance(exc, HeadersTimeout):
        return f"timed out ({exc})"
    detail = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {detail}"


def _http11() -> type:
    from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

    handler: type = HTTP11DownloadHandler
    return handler


class GuardedHandler(_http11()):  # type: ignore[misc]
    """Scrapy's HTTP/1.1 download handler, logging every request as it is sent (a
    :class:`~gkparse.crawler.walk.FetchLogEntry`: after the host's delay, so the log shows
    the politeness kept) and failing one that gets no response headers within ``timeout``
    seconds (:class:`HeadersTimeout`, retried). The whole response's time is bounded by
    ``DOWNLOAD_TIMEOUT`` (``max_time``), its size by ``DOWNLOAD_MAXSIZE``."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.headers_timeout = job_of(crawler).settings.timeout
        self._timers: dict[int, asyncio.TimerHandle] = {}
        crawler.signals.connect(self._headers, signal=signals.headers_received)

    def _headers(self, headers: Any, body_length: Any, request: Request, spider: Any) -> None:
        timer = self._timers.pop(id(request), None)
        if timer is not None:
            timer.cancel()

    async def download_request(self, request: Request) -> Response:
        entry = FetchLogEntry(url=request.url, at=time.time())
        state_of(self._crawler).result.log.append(entry)
        task = asyncio.ensure_future(super().download_request(request))
        late: list[bool] = []

        def give_up() -> None:
            late.append(True)
            task.cancel()

        self._timers[id(request)] = asyncio.get_running_loop().call_later(self.headers_timeout, give_up)
        try:
            response: Response = await task
        except asyncio.CancelledError:
            if not late:
                raise
            entry.error = f"timed out (no response headers within timeout={self.headers_timeout:g} s)"
            raise HeadersTimeout(f"no response headers within timeout={self.headers_timeout:g} s") from None
        except Exception as exc:
            entry.error = describe(exc)
            log.info("%s %s -> %s", request.method, request.url, entry.error)
            raise
        finally:
            timer = self._timers.pop(id(request), None)
            if timer is not None:
                timer.cancel()
        entry.status = response.status
        log.info("%s %s -> %s (%d bytes)", request.method, request.url, response.status, len(response.body))
        return response


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:
        """Resolutions run to their end (in a thread); nothing to cancel."""


@implementer(IHostnameResolver)
class GuardedResolver:
    """Twisted's name resolver for the crawl: resolves with
    :func:`gkparse.crawler.network.resolve_host` (in the reactor's thread pool) and hands
    Twisted only the public addresses of a host that is not a start host (all of them
    with ``allow_private``), so the address connected to is an address checked. A host
    with none is recorded as refused and resolves to nothing (the request fails with the
    refusal)."""

    def __init__(self, reactor: Any, job: Job) -> None:
        self.reactor = reactor
        self.job = job

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> GuardedResolver:
        """Built by Scrapy's CrawlerProcess (passed as ``crawler``: only its settings exist yet)."""
        return cls(reactor, job_of_settings(crawler.settings))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(  # noqa: N802 - Twisted's interface
        self,
        resolutionReceiver: Any,  # noqa: N803 - an IResolutionReceiver (zope interfaces are untyped)
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> Any:
        from twisted.internet.threads import deferToThreadPool

        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        job = self.job
        host = hostName.rstrip(".").lower()

        def resolved(addresses: list[str]) -> None:
            try:
                if not (job.settings.allow_private or host in job.trusted):
                    addresses, refused = network.refusal(hostName, addresses)
                    if refused is not None:
                        REFUSED[host] = refused
                for address in addresses:
                    kind = IPv6Address if ":" in address else IPv4Address
                    if addressTypes is None or kind in addressTypes:
                        resolutionReceiver.addressResolved(kind("TCP", address, portNumber))
            finally:
                resolutionReceiver.resolutionComplete()

        def failed(_: Any) -> None:
            resolutionReceiver.resolutionComplete()

        pool = self.reactor.getThreadPool()
        deferToThreadPool(self.reactor, pool, network.resolve_host, hostName, portNumber).addCallbacks(resolved, failed)
        return resolution


# --------------------------------------------------------------------------- the WARC


class WarcPipeline:
    """Writes each archived item's exchanges (``item.hops``) as request/response record
    pairs (:func:`gkparse.warc.write_exchange`), after a ``warcinfo`` record on a fresh
    file; a resumed crawl appends. Counts the records in the result."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.job = job_of(crawler)
        self.fh: Any = None
        self.writer: WARCWriter | None = None
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcPipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        path = self.job.warc_path
        self.fh = open(path, "ab")
        self.writer = WARCWriter(self.fh, gzip=not path.name.endswith(".warc"))
        if self.fh.tell() == 0:
            self.writer.write_record(
                self.writer.create_warcinfo_record(
                    path.name,
                    {
                        "software": software(),
                        "http-header-user-agent": self.job.settings.agent,
                        "robots": "obey",
                        "description": "government information-disclosure annual reports",
                        "format": "WARC File Format 1.0",
                    },
                )
            )
            state_of(self.crawler).result.records += 1

    def close_spider(self) -> None:
        if self.fh is not None:
            self.fh.close()

    def process_item(self, item: Any) -> Any:
        assert self.writer is not None
        result = state_of(self.crawler).result
        try:
            for hop in item.hops:
                result.records += write_exchange(self.writer, hop)
            self.fh.flush()
        except OSError as exc:
            # A full disk or a lost mount: what was fetched is not archived, and every later
            # fetch would be lost the same way. The URL is a failure, and the crawl stops.
            url = item.hops[-1].url
            for taken in (result.reports, result.attachments, result.list_pages):
                if url in taken:
                    taken.remove(url)
            result.failures.append(Failure(url=url, reason=f"the WARC {self.job.warc_path} could not be written: {exc}"))
            spider, engine = self.crawler.spider, self.crawler.engine
            if not self.stopping and spider is not None and engine is not None:
                self.stopping = True
                engine.close_spider(spider, "warc-write-failed")
        return item
