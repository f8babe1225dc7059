"""Polite HTTP: the :class:`Fetcher` obeys robots.txt, spaces requests to a host, retries
transient failures with backoff, follows redirects by hand, refuses non-public addresses
outside the start hosts (:mod:`~gkparse.crawler.network`), and bounds each response's
time and (decoded) size (:mod:`~gkparse.crawler.decoding`).

Every hop of a redirect chain comes back as a :class:`gkparse.warc.Exchange`, so the
crawler can archive the chain as it happened. Every request sent (robots.txt and retries
included) is logged as a :class:`FetchLogEntry`.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from ..errors import FetchError
from ..read.sniff import looks_binary, sniff_form
from ..warc import Exchange, Validators
from .decoding import BodyError, content_codings, decode_stream
from .network import (
    AddressRefused,
    Budget,
    GuardedBackend,
    env_proxied,
    guarded_transport,
    host_kind,
    refusal,
    resolve_host,
)
from .settings import MAX_CRAWL_DELAY, MAX_RETRY_AFTER, ROBOTS_MAX_BYTES, CrawlSettings
from .urls import host_of, normalize_url

__all__ = ["AlreadyFetched", "FetchLogEntry", "Fetched", "Fetcher", "Robots", "robots_token"]

log = logging.getLogger(__name__)

# Bytes looked at to tell what a body is: magic numbers, the doctype or first tag come first.
_SNIFF_BYTES = 1024
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Transient transport problems; UnsupportedProtocol and the like are not retried.
_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
    "Accept-Encoding": "gzip, deflate",  # the codings decoding.py undoes
}
# The product token a robots.txt group names (RFC 9309 section 2.2.1: letters, "_" and "-"),
# at the start of the User-Agent sent (``gkparse/0.1.0 (+https://…)``).
_PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")
# A robots.txt status that means "keep out of this host for now": a guarded file (401/403,
# as urllib.robotparser and this crawler always read it) or a broken server (5xx). Every
# other 4xx means "no robots.txt": everything is allowed (RFC 9309 section 2.3.1.3).
_ROBOTS_KEEP_OUT = frozenset({401, 403})
# A body that starts as markup does: a doctype, a comment or a tag (<html>, but also a
# bare fragment such as <ul> that a CMS serves as a list page).
_MARKUP_START = re.compile(rb"<(?:!doctype|!--|[a-z][a-z0-9]*[\s/>])")


@dataclass
class FetchLogEntry:
    """One HTTP request sent (retries and robots.txt included). ``at`` is the injected
    clock's time when the request started; ``status`` is None when no response came."""

    url: str
    at: float
    status: int | None
    error: str | None = None


@dataclass
class Fetched:
    """A fetched URL: every hop of its redirect chain, the final response last."""

    hops: list[Exchange]

    @property
    def final(self) -> Exchange:
        return self.hops[-1]

    @property
    def url(self) -> str:
        """The final (normalised) URL."""
        return self.final.url

    @property
    def not_modified(self) -> bool:
        return self.final.status == 304

    @property
    def is_html(self) -> bool:
        """Whether the final body is an HTML page: the body decides over the Content-Type
        (as for ``gkparse convert``, :func:`gkparse.read.sniff.sniff_form`): a PDF or an
        image is not one whatever its type, and a body that starts as markup is one even
        when served as ``image/png`` or ``application/pdf``."""
        content_type = self.final.header("content-type").lower()
        head = self.final.body[:_SNIFF_BYTES]
        if sniff_form(head, content_type) is not None or looks_binary(head):
            return False
        if "html" in content_type:
            return True
        return bool(_MARKUP_START.match(head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()))


def robots_token(agent: str) -> str:
    """The name robots.txt groups are matched against for the User-Agent ``agent``: its
    first product token, lower-cased (RFC 9309 section 2.2.1), so that the address in
    ``gkparse/0.1.0 (+https://pypi.org/project/gkparse/)`` never makes a ``User-agent: pypi``
    group apply.

    >>> robots_token("gkparse/0.1.0 (+https://pypi.org/project/gkparse/)"), robots_token("Probe-Bot/2")
    ('gkparse', 'probe-bot')
    """
    found = _PRODUCT_TOKEN.match(agent.strip())
    return (found.group() if found else agent.strip()).lower()


@dataclass(frozen=True)
class Robots:
    """A host's robots.txt as the fetcher obeys it: the rules (parsed by Protego, RFC 9309
    as Scrapy reads it: the most specific ``Allow``/``Disallow`` wins, ``*`` wildcards,
    the ``$`` end anchor, the group of the longest matching user-agent else ``*``), or
    ``unavailable``: why the whole host is kept out (HTTP 401/403 or 5xx, unreachable,
    larger than ``ROBOTS_MAX_BYTES``, a redirect chain that ends nowhere)."""

    rules: Protego
    unavailable: str = ""

    def allows(self, url: str, token: str) -> bool:
        """Whether the robot named ``token`` (see :func:`robots_token`) may fetch ``url``."""
        return not self.unavailable and self.rules.can_fetch(url, token)

    def crawl_delay(self, token: str) -> float | None:
        """The ``Crawl-delay`` of the group that applies to ``token``, in seconds, or None."""
        delay = self.rules.crawl_delay(token)
        return None if delay is None else float(delay)


class AlreadyFetched(Exception):
    """A redirect led to a URL this fetcher already fetched."""


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    detail = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {detail}"


def _raw_headers(pairs: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in pairs]


class Fetcher:
    """Fetches URLs one at a time, politely (see :class:`CrawlSettings` for the knobs).

    ``validators`` (keyed by normalised URL) are sent as If-None-Match /
    If-Modified-Since on conditional fetches. ``trusted_hosts`` (the start URLs' hosts)
    may be non-public addresses. ``clock``/``sleep`` and the httpx ``transport`` are
    injectable for tests. Call :meth:`close` when done.

    Addresses are checked on every hop when the host is an IP literal or a ``localhost``
    name, and at connect time for host names (the address resolved is the one connected
    to). A given ``transport`` connects as it likes, so only the per-hop check applies;
    behind an HTTP proxy from the environment the proxy connects, so host names are
    resolved and checked per hop instead (best effort: the proxy may resolve otherwise).
    """

    def __init__(
        self,
        settings: CrawlSettings,
        *,
        validators: Mapping[str, Validators] | None = None,
        trusted_hosts: Iterable[str] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.settings = settings
        self.validators = validators or {}
        self.trusted = {h.lower() for h in trusted_hosts}
        self.clock = clock
        self.sleep = sleep
        self.agent = settings.agent
        self.robots_name = robots_token(self.agent)
        self.budget = Budget()
        # Through a proxy (httpx honours the environment's only without a transport of
        # ours) the connection goes to the proxy: host names are checked per hop instead.
        self._resolve_per_hop = transport is None and env_proxied()
        if transport is None and not self._resolve_per_hop:
            backend = GuardedBackend(self.budget, trusted=self.trusted, allow_private=settings.allow_private)
            transport = guarded_transport(backend)
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,  # followed by hand: cap, robots check and a record per hop
            headers={"User-Agent": self.agent, **_HEADERS},
            transport=transport,
        )
        self.log: list[FetchLogEntry] = []
        self.notes: list[str] = []  # limits applied that the user should know of
        self.fetched: set[str] = set()  # every URL a page response came from
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, Robots] = {}

    def close(self) -> None:
        self.client.close()

    # -- politeness -----------------------------------------------------------------

    def _wait_for_host(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is None:
            return
        robots = self._robots.get(host)
        crawl_delay = (robots.crawl_delay(self.robots_name) if robots is not None else None) or 0.0
        wait = last + max(self.settings.delay, min(crawl_delay, MAX_CRAWL_DELAY)) - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _robots_for(self, url: str) -> Robots:
        """The robots.txt of ``url``'s host, fetched on first use (through the same guards,
        delays and retries as any request, within ``ROBOTS_MAX_BYTES``).

        A 2xx body is parsed (UTF-8, RFC 9309 section 2.3); any other 4xx but 401/403 means
        there is none (everything allowed); 401/403, 5xx (after the retries), an
        unreachable host, a body over the size cap or a redirect chain that ends without a
        file keep the host out. Raises :class:`AddressRefused` for a refused host.
        """
        host = host_of(url)
        found = self._robots.get(host)
        if found is not None:
            return found
        why = ""
        text = ""  # no rules: everything allowed
        try:
            hops = self._follow(host + "/robots.txt", max_bytes=ROBOTS_MAX_BYTES)
            status = hops[-1].status
            if 200 <= status < 300:
                text = hops[-1].body.decode("utf-8-sig", errors="replace")
            elif status in _ROBOTS_KEEP_OUT or status >= 500 or status in _REDIRECT_STATUSES:
                why = f"robots.txt unavailable (HTTP {status})"
        except AddressRefused:
            raise  # the host itself is refused: say so, not "robots.txt unavailable"
        except FetchError as exc:
            # Like the big crawlers: an unreachable robots.txt means "keep out for now".
            why = f"robots.txt unavailable ({exc.reason})"
        robots = self._robots[host] = Robots(Protego.parse(text), why)
        delay = robots.crawl_delay(self.robots_name)
        if delay is not None and delay > MAX_CRAWL_DELAY:
            note = f"{host}: robots.txt Crawl-delay {delay:g} s capped at {MAX_CRAWL_DELAY:g} s"
            log.warning("%s", note)
            self.notes.append(note)
        return robots

    def _check_robots(self, url: str, requested: str) -> None:
        robots = self._robots_for(url)
        if not robots.allows(url, self.robots_name):
            reason = robots.unavailable or "disallowed by robots.txt"
            if url != requested:
                reason = f"redirected to {url}: {reason}"
            raise FetchError(reason, source=requested)

    def _check_address(self, url: str) -> None:
        """Refuse a URL whose host is a non-public address, unless it is a start host or
        ``allow_private`` is set (raises :class:`AddressRefused`)."""
        host = (urlsplit(url).hostname or "").rstrip(".")
        if self.settings.allow_private or host in self.trusted:
            return
        kind = host_kind(host)
        if kind is not None:
            raise AddressRefused(host, kind)
        if self._resolve_per_hop:
            try:
                addresses = resolve_host(host, 0)
            except OSError:
                return  # the proxy may know the name
            _, refused = refusal(host, addresses)
            if refused is not None:
                raise refused

    # -- HTTP -----------------------------------------------------------------------

    def _too_slow(self, url: str, status: int | None = None) -> FetchError:
        return FetchError(
            f"too slow: no complete response within max_time={self.budget.seconds:g} s", source=url, status=status
        )

    def _request_once(self, url: str, headers: dict[str, str], max_bytes: int) -> Exchange:
        """One GET within the time budget, its body decoded within ``max_bytes``."""
        self.budget.start(self.settings.max_time)
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise FetchError(f"response too large ({length} bytes > {max_bytes})", source=url, status=status)
                body = bytearray()
                try:
                    if response.is_stream_consumed:
                        # Read (and decoded) by the transport already: a test's MockTransport.
                        codings, raw = [], iter([response.content])
                    else:
                        codings, raw = content_codings(response.headers.get_list("content-encoding")), response.iter_raw()
                    for chunk in decode_stream(raw, codings, max_bytes):
                        body += chunk
                        if self.budget.over():  # a transport not of ours: checked per chunk
                            raise self._too_slow(url, status)
                except BodyError as exc:
                    raise FetchError(exc.reason, source=url, status=status) from None
                return Exchange(
                    url=url,
                    request_headers=_raw_headers(response.request.headers.raw),
                    status=status,
                    reason=response.reason_phrase,
                    http_version=response.http_version,
                    headers=_raw_headers(response.headers.raw),
                    body=bytes(body),
                    date=datetime.now(timezone.utc),
                )
        except httpx.TimeoutException:
            if self.budget.spent or self.budget.over():
                raise self._too_slow(url) from None
            raise
        finally:
            self.budget.stop()

    def _request(self, url: str, headers: dict[str, str], max_bytes: int) -> Exchange:
        """One URL, retried with exponential backoff on transport errors and 5xx."""
        host = host_of(url)
        attempts = self.settings.retries + 1
        for attempt in range(attempts):
            self._wait_for_host(host)
            entry = FetchLogEntry(url=url, at=self.clock(), status=None)
            self.log.append(entry)
            pause = self.settings.backoff * 2**attempt
            try:
                exchange = self._request_once(url, headers, max_bytes)
            except FetchError as exc:
                entry.status, entry.error = exc.status, exc.reason
                raise
            except _RETRYABLE as exc:
                entry.error = _describe(exc)
                if attempt + 1 == attempts:
                    raise FetchError(f"{entry.error} (after {attempts} attempts)", source=url) from None
            except httpx.HTTPError as exc:
                entry.error = _describe(exc)
                raise FetchError(entry.error, source=url) from None
            except (httpx.InvalidURL, UnicodeError) as exc:  # e.g. a host IDNA rejects
                entry.error = f"invalid URL ({exc})"
                raise FetchError(entry.error, source=url) from None
            else:
                entry.status = exchange.status
                log.info("GET %s -> %s (%d bytes)", url, exchange.status, len(exchange.body))
                if exchange.status < 500 or attempt + 1 == attempts:
                    return exchange
                retry_after = exchange.header("retry-after")
                if retry_after.isdigit():
                    pause = max(pause, min(float(retry_after), MAX_RETRY_AFTER))
            finally:
                self._last_request[host] = self.clock()
            log.info("retrying %s in %.1f s (%s)", url, pause, entry.error or entry.status)
            self.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _conditional_headers(self, url: str) -> dict[str, str]:
        validators = self.validators.get(url)
        headers: dict[str, str] = {}
        if validators and validators.etag:
            headers["If-None-Match"] = validators.etag
        if validators and validators.last_modified:
            headers["If-Modified-Since"] = validators.last_modified
        return headers

    def _follow(
        self, url: str, *, conditional: bool = False, robots: bool = False, max_bytes: int | None = None
    ) -> list[Exchange]:
        """Fetch ``url`` following at most ``max_redirects`` redirects, checking robots.txt
        and sending conditional headers per hop. Returns every hop."""
        hops: list[Exchange] = []
        current = url
        while True:
            try:
                self._check_address(current)
                if robots:
                    self._check_robots(current, url)
                headers = self._conditional_headers(current) if conditional else {}
                exchange = self._request(current, headers, max_bytes or self.settings.max_bytes)
            except AddressRefused as exc:
                raise exc.at(url, redirected_to=None if current == url else current) from None
            hops.append(exchange)
            location = exchange.header("location")
            if exchange.status not in _REDIRECT_STATUSES or not location:
                return hops
            if len(hops) > self.settings.max_redirects:
                raise FetchError(f"more than {self.settings.max_redirects} redirects", source=url)
            try:
                target = normalize_url(urljoin(current, location))
            except FetchError:
                raise FetchError(f"redirect to an unusable URL: {location}", source=url) from None
            if target in (hop.url for hop in hops):
                raise FetchError(f"redirect loop at {target}", source=url)
            if robots and target in self.fetched:
                raise AlreadyFetched(target)
            current = target

    def fetch(self, url: str, *, conditional: bool = False) -> Fetched:
        """Fetch a page (``url`` normalised): a 2xx response, or (only when
        ``conditional``) a 304 Not Modified.

        Raises :class:`FetchError` for anything else, and :class:`AlreadyFetched` when a
        redirect leads to a URL fetched before.
        """
        hops = self._follow(url, conditional=conditional, robots=True)
        self.fetched.update(hop.url for hop in hops)
        final = hops[-1]
        if final.status == 304 and conditional:
            return Fetched(hops)
        if not 200 <= final.status < 300:
            reason = f"HTTP {final.status} {final.reason}".strip()
            if final.status >= 500 and self.settings.retries:
                reason += f" (after {self.settings.retries + 1} attempts)"
            if final.status in _REDIRECT_STATUSES:
                reason = f"HTTP {final.status} without a Location header"
            raise FetchError(reason, source=url, status=final.status)
        return Fetched(hops)
