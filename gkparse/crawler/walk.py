"""Collect annual reports from government sites into a WARC file.

Start from a report column (年报栏目: a list page, possibly paginated) or from single
report URLs. :func:`crawl` finds the report links on the list pages, follows the
pagination, fetches every report page and its attachments (PDF, Word, Excel, WPS, OFD)
and writes each HTTP exchange as a request/response record pair to a gzipped WARC file,
which ``gkparse convert`` reads.

The crawl is polite by default: robots.txt is obeyed, requests to one host are spaced
by ``delay`` seconds and sent one at a time, and the User-Agent names gkparse. Errors
never stop the crawl: each one is recorded in :attr:`CrawlResult.failures`.

>>> normalize_url("HTTP://Www.Example.gov.cn:80/zfxxgknb/index.html#top")
'http://www.example.gov.cn/zfxxgknb/index.html'
>>> title_year("某某县交通运输局2023年政府信息公开工作年度报告")
2023
>>> is_report_title("关于做好2023年政府信息公开工作年度报告编制发布工作的通知")
False
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import logging
import re
import sys
import time
import unicodedata
import urllib.robotparser
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from os import PathLike
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

import httpx
import lxml.html
from lxml import etree
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from ..read.decode import decode_bytes
from ..errors import CrawlError, FetchError, GkparseError
from ..read.profiles import (
    ATTACHMENT_EXTENSIONS,
    GENERIC,
    LOOKALIKE_TEXT_PATTERNS,
    NEXT_PAGE_TEXTS,
    PROFILES,
    REPORT_TEXT_PATTERNS,
    SiteProfile,
    choose_profile,
)

__all__ = [
    "crawl",
    "CrawlResult",
    "Failure",
    "Skipped",
    "FetchLogEntry",
    "ListLinks",
    "CrawlError",
    "FetchError",
    "discover_links",
    "attachment_links",
    "normalize_url",
    "title_year",
    "is_report_title",
    "lookalike_reason",
    "decode_html",
    "default_user_agent",
    "DEFAULT_DELAY",
    "DEFAULT_TIMEOUT",
    "DEFAULT_RETRIES",
    "DEFAULT_BACKOFF",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_PAGES",
]

log = logging.getLogger(__name__)
# A library stays silent unless the application configures logging.
log.addHandler(logging.NullHandler())

DEFAULT_DELAY = 1.0
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
DEFAULT_BACKOFF = 1.0
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_REDIRECTS = 5
DEFAULT_MAX_PAGES = 20
_ROBOTS_MAX_BYTES = 512 * 1024
# A Retry-After longer than this is not worth waiting for inside one crawl.
_MAX_RETRY_AFTER = 60.0
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Transient transport problems; UnsupportedProtocol and the like are not retried.
_RETRYABLE = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
_ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8"


@dataclass
class Failure:
    """A URL that could not be fetched, and why (``status`` is the HTTP status, if any)."""

    url: str
    reason: str
    status: int | None = None


@dataclass
class Skipped:
    """A link deliberately not fetched: a look-alike, older than ``since``, or a list page
    beyond ``max_pages``. ``text`` is the link text."""

    url: str
    reason: str
    text: str = ""


@dataclass
class FetchLogEntry:
    """One HTTP request sent (retries and robots.txt included). ``at`` is the injected
    clock's time when the request started; ``status`` is None when no response came."""

    url: str
    at: float
    status: int | None
    error: str | None = None


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


@dataclass
class ListLinks:
    """Links found on a list page: ``reports`` and ``lookalikes`` as (url, text) pairs,
    ``pages`` as further list-page URLs. All URLs absolute and normalised."""

    reports: list[tuple[str, str]] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    lookalikes: list[tuple[str, str]] = field(default_factory=list)


# --------------------------------------------------------------------------- helpers


def _version() -> str:
    try:
        return importlib.metadata.version("gkparse")
    except importlib.metadata.PackageNotFoundError:
        # Running from a source tree that was never installed.
        return str(getattr(sys.modules.get("gkparse"), "__version__", "0+unknown"))


def default_user_agent() -> str:
    """The honest User-Agent sent with every request unless overridden.

    >>> default_user_agent().startswith("gkparse/")
    True
    """
    return f"gkparse/{_version()} (+https://pypi.org/project/gkparse/)"


def normalize_url(url: str) -> str:
    """Canonical form used for de-duplication: lower-case scheme and host, no default
    port, no fragment, an explicit ``/`` path, unsafe characters percent-encoded.

    Raises :class:`FetchError` for a URL that is not http(s).

    >>> normalize_url("https://example.gov.cn?page=2")
    'https://example.gov.cn/?page=2'
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError("not an http(s) URL", source=url)
    try:
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"bad port ({exc})", source=url) from None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit((scheme, host, path, query, ""))


_CN_DIGITS = str.maketrans("〇零○Ｏ一二三四五六七八九", "000012345678" + "9")
_YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_YEAR_RE = re.compile(r"([〇零○Ｏ一二三四五六七八九]{4})\s*年")


def _norm_text(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def title_year(text: str) -> int | None:
    """The 4-digit year before 年 in a report title (Chinese numerals too), or None.

    >>> title_year("二〇二二年度政府信息公开工作年度报告")
    2022
    """
    text = _norm_text(text)
    m = _YEAR_RE.search(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR_RE.search(text)
    return int(m.group(1).translate(_CN_DIGITS)) if m else None


def lookalike_reason(text: str) -> str | None:
    """The look-alike pattern a report-ish text matches (a notice, the reporting rules,
    an interpretation, a template…), or None.

    >>> lookalike_reason("文字解读:某某县2023年政府信息公开工作年度报告")
    '解读'
    """
    text = _norm_text(text)
    for pattern in LOOKALIKE_TEXT_PATTERNS:
        m = re.search(pattern, text)
        if m:
            return m.group(0)
    return None


def _mentions_report(text: str) -> bool:
    text = _norm_text(text)
    return any(re.search(p, text) for p in REPORT_TEXT_PATTERNS)


def is_report_title(text: str) -> bool:
    """True when ``text`` names an annual report and is no look-alike.

    >>> is_report_title("某某县交通运输局2023年政府信息公开工作年度报告")
    True
    """
    return _mentions_report(text) and lookalike_reason(text) is None


def decode_html(data: bytes) -> str:
    """Decode a fetched page for link discovery, never failing.

    Uses :func:`gkparse.decode.decode_bytes` (BOM, then the ``<meta>`` charset with any
    gb* label read as gb18030, then UTF-8, then detection) so the crawler reads pages as
    the parser will; bytes it rejects (empty, binary, undecodable) are read as gb18030
    with replacement characters. HTTP ``Content-Type`` charsets are not passed on:
    government servers often send a default that contradicts the page.

    >>> decode_html('<meta charset="gb2312">年报'.encode("gbk"))[-2:]
    '年报'
    """
    try:
        return decode_bytes(data).text
    except GkparseError:
        return data.decode("gb18030", errors="replace")


def _parse_html(text: str) -> etree._Element | None:
    # lxml refuses str input carrying an XML encoding declaration.
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        return None


def _base_url(doc: etree._Element, page_url: str) -> str:
    for base in doc.iter("base"):
        href = (base.get("href") or "").strip()
        if href:
            return urljoin(page_url, str(href))
    return page_url


def _anchors(doc: etree._Element, page_url: str) -> list[tuple[str, str]]:
    """(normalised absolute URL, text) of every http(s) link, including links kept in
    <script> blocks (Hanweb lists render their records from a script datastore)."""
    base = _base_url(doc, page_url)
    elements: list[etree._Element] = list(doc.iter("a"))
    for script in doc.iter("script"):
        source = script.text or ""
        if "<a" not in source:
            continue
        source = re.sub(r"<!\[CDATA\[|\]\]>", "", source)
        try:
            fragment = lxml.html.fragment_fromstring(source, create_parent="div")
        except (etree.ParserError, ValueError):
            continue
        elements.extend(fragment.iter("a"))
    out = []
    for a in elements:
        href = (a.get("href") or "").strip()
        if not href or href.startswith("#") or re.match(r"(?i)(javascript|mailto|tel):", href):
            continue
        try:
            url = normalize_url(urljoin(base, href))
        except FetchError:
            continue
        text = " ".join(a.text_content().split())
        title = " ".join((a.get("title") or "").split())
        # Lists often truncate long titles in the text and keep them whole in @title.
        if title and title not in text:
            text = f"{text} {title}".strip()
        out.append((url, text))
    return out


def _is_next_text(text: str) -> bool:
    return text in NEXT_PAGE_TEXTS or text.strip(" >»›") in NEXT_PAGE_TEXTS


def _directory(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path.rsplit('/', 1)[0]}/"


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


_INDEX_NAME = re.compile(r"(?i)^(?:index|default|list|main)(?:_\d+)?\.\w+$")


def _is_index_like(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith("/") or bool(_INDEX_NAME.match(path.rsplit("/", 1)[-1]))


def _profiles_for(profile: SiteProfile | None) -> tuple[SiteProfile, ...]:
    if profile is None or profile is GENERIC:
        return (GENERIC,)
    return (profile, GENERIC)


def _matches_any(patterns: Iterable[str], text: str) -> bool:
    return any(re.search(p, text, re.I) for p in patterns)


def discover_links(html: str, page_url: str, profile: SiteProfile | None = None) -> ListLinks:
    """Sort the links of a list page into report links, look-alikes and further pages.

    A report link's text (or title) names an annual report, or its URL sits in a report
    column (``report_link_patterns``, e.g. ``/zfxxgknb/``); look-alike texts (notices,
    rules, interpretations, templates) are set apart. Pages are "next page" links,
    same-directory URLs matching ``pagination_patterns``, and pages announced by a pager
    script (``page_count_patterns``). ``profile`` defaults to :func:`choose_profile`.

    >>> page = '''<ul><li><a href="t20240308_1.htm">某县2023年政府信息公开工作年度报告</a></li>
    ... <li><a href="t20231201_2.htm">关于做好2023年政府信息公开工作年度报告编制发布工作的通知</a></li>
    ... </ul><a href="index_1.html">下一页</a>'''
    >>> links = discover_links(page, "http://x.gov.cn/zfxxgknb/index.html")
    >>> links.reports, links.pages
    ([('http://x.gov.cn/zfxxgknb/t20240308_1.htm', '某县2023年政府信息公开工作年度报告')], ['http://x.gov.cn/zfxxgknb/index_1.html'])
    """
    page_url = normalize_url(page_url)
    profile = profile or choose_profile(page_url, html)
    profiles = _profiles_for(profile)
    result = ListLinks()
    doc = _parse_html(html)
    if doc is None:
        return result
    seen: set[str] = {page_url}
    page_dir, page_host = _directory(page_url), _host(page_url)
    pagination = [p for prof in profiles for p in prof.pagination_patterns]
    column = [p for prof in profiles for p in prof.report_link_patterns]

    found: dict[str, list[str]] = {}  # candidate report URL -> link texts

    def add_page(url: str) -> None:
        if url not in seen:
            seen.add(url)
            result.pages.append(url)

    for url, text in _anchors(doc, page_url):
        if url in seen:
            continue
        plain = _norm_text(text)
        if _is_next_text(plain) and _host(url) == page_host:
            add_page(url)
            continue
        report_text = _mentions_report(plain)
        is_page = (
            _directory(url) == page_dir
            and _matches_any(pagination, url)
            and not (report_text and title_year(plain))
        )
        if is_page:
            add_page(url)
            continue
        if report_text:
            # A column's own nav link ("政府信息公开年报" → ./) names no year.
            candidate = title_year(plain) is not None or not _is_index_like(url)
        else:
            candidate = _matches_any(column, url) and not _is_index_like(url)
        if candidate:
            found.setdefault(url, []).append(text)

    for pattern in profile.page_count_patterns:
        for m in re.finditer(pattern, html):
            groups = m.groupdict()
            # Pagers count the first page (index.html) too; cap absurd counts.
            for n in range(1, min(int(groups["count"]), 1000)):
                name = profile.page_url_template.format(
                    n=n, prefix=groups.get("prefix") or "index", ext=groups.get("ext") or "html"
                )
                add_page(normalize_url(urljoin(page_url, name)))

    for url, texts in found.items():
        if url in seen:  # turned out to be a list page
            continue
        # The same report is often linked twice (title and "查看", or an image): keep
        # the text that names the report and its year.
        text = max(texts, key=lambda t: (_mentions_report(t), title_year(t) is not None, len(t)))
        if lookalike_reason(text):
            result.lookalikes.append((url, text))
        else:
            result.reports.append((url, text))
    return result


def _is_attachment_url(url: str) -> bool:
    parts = urlsplit(url)
    path = parts.path.lower()
    if path.endswith(ATTACHMENT_EXTENSIONS):
        return True
    # Download scripts: downfile.jsp?filename=报告.pdf
    query = parts.query.lower()
    return any(re.search(re.escape(ext) + r"(?:&|$)", query) for ext in ATTACHMENT_EXTENSIONS)


def _body_elements(doc: etree._Element, profile: SiteProfile) -> list[etree._Element]:
    for prof in _profiles_for(profile):
        for xpath in prof.body_xpaths:
            try:
                found = doc.xpath(xpath)
            except etree.XPathError:
                continue
            if found:
                return [el for el in found if isinstance(el, etree._Element)]
    return [doc]


def attachment_links(html: str, page_url: str, profile: SiteProfile | None = None) -> list[str]:
    """Attachment URLs (.pdf .doc .docx .wps .xls .xlsx .et .ofd) linked or embedded in
    the article body of a report page (the whole page when no body is found).

    >>> attachment_links('<div class="TRS_Editor"><a href="P0.pdf">附件</a></div>',
    ...                  "http://x.gov.cn/a/t20240308_1.htm")
    ['http://x.gov.cn/a/P0.pdf']
    """
    page_url = normalize_url(page_url)
    doc = _parse_html(html)
    if doc is None:
        return []
    profile = profile or choose_profile(page_url, html)
    base = _base_url(doc, page_url)
    out: list[str] = []
    for body in _body_elements(doc, profile):
        candidates = [(a.get("href"), a.text_content()) for a in body.iter("a")]
        candidates += [(el.get("src"), "") for el in body.iter("iframe", "embed")]
        candidates += [(el.get("data"), "") for el in body.iter("object")]
        for href, text in candidates:
            href = (href or "").strip()
            if not href or href.startswith("#"):
                continue
            try:
                url = normalize_url(urljoin(base, href))
            except FetchError:
                continue
            named = text.strip().lower().endswith(ATTACHMENT_EXTENSIONS)
            if (named or _is_attachment_url(url)) and url not in out and url != page_url:
                out.append(url)
    return out


def _page_is_report(html: str, *, dated: bool = True) -> bool:
    """A page whose title or main heading names a report; with ``dated``, one year's
    report (a column page's title names no year)."""
    doc = _parse_html(html)
    if doc is None:
        return False
    titles = [str(t) for t in doc.xpath("//meta[@name='ArticleTitle']/@content")]
    for tag in ("title", "h1", "h2"):
        titles += [el.text_content() for el in list(doc.iter(tag))[:3]]
    return any(is_report_title(t) and (not dated or title_year(t) is not None) for t in titles)


def _is_html(content_type: str, body: bytes) -> bool:
    content_type = content_type.lower()
    if "html" in content_type:
        return True
    if content_type and not content_type.startswith("text/"):
        return False
    head = body[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype", b"<html", b"<head", b"<meta", b"<body", b"<div", b"<!--"))


def _payload_digest(body: bytes) -> str:
    # The same form warcio writes in WARC-Payload-Digest.
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


# --------------------------------------------------------------------------- fetching


@dataclass
class _Exchange:
    """One HTTP request and its response, body already decoded from Content-Encoding."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    date: datetime

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")


@dataclass
class _Fetched:
    hops: list[_Exchange]

    @property
    def final(self) -> _Exchange:
        return self.hops[-1]

    @property
    def url(self) -> str:
        return self.final.url

    @property
    def not_modified(self) -> bool:
        return self.final.status == 304

    @property
    def html(self) -> str | None:
        final = self.final
        if not _is_html(final.header("content-type"), final.body):
            return None
        return decode_html(final.body)


@dataclass
class _Previous:
    etag: str = ""
    last_modified: str = ""
    digest: str = ""


class _AlreadyFetched(Exception):
    """A redirect led to a URL this crawl already fetched."""


def _read_previous(paths: Sequence[str | PathLike[str]]) -> dict[str, _Previous]:
    """Validators (ETag, Last-Modified, payload digest) of the 2xx responses in older
    WARCs; later files and records win."""
    out: dict[str, _Previous] = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    if not record.http_headers.get_statuscode().startswith("2"):
                        continue
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    try:
                        key = normalize_url(uri)
                    except FetchError:
                        continue
                    out[key] = _Previous(
                        etag=record.http_headers.get_header("ETag") or "",
                        last_modified=record.http_headers.get_header("Last-Modified") or "",
                        digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
                    )
        except (OSError, ArchiveLoadFailed) as exc:
            raise CrawlError(f"cannot read previous WARC ({exc})", source=str(path)) from None
    return out


class _Crawler:
    def __init__(
        self,
        writer: WARCWriter,
        result: CrawlResult,
        *,
        max_pages: int,
        since: int | None,
        delay: float,
        timeout: float,
        retries: int,
        backoff: float,
        max_bytes: int,
        max_redirects: int,
        previous: dict[str, _Previous],
        attachments: bool,
        keep_list_pages: bool,
        agent: str,
        clock: Callable[[], float],
        sleep: Callable[[float], None],
        transport: httpx.BaseTransport | None,
    ) -> None:
        self.writer = writer
        self.result = result
        self.max_pages = max_pages
        self.since = since
        self.delay = delay
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.previous = previous
        self.attachments = attachments
        self.keep_list_pages = keep_list_pages
        self.agent = agent
        self.clock = clock
        self.sleep = sleep
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,  # followed by hand: cap, robots check and a record per hop
            headers={"User-Agent": agent, "Accept": _ACCEPT, "Accept-Language": "zh-CN,zh;q=0.9"},
            transport=transport,
        )
        self.seen: set[str] = set()  # queued or fetched
        self.fetched: set[str] = set()  # every URL a response came from
        self.last_request: dict[str, float] = {}
        self.robots: dict[str, tuple[urllib.robotparser.RobotFileParser, str]] = {}

    def close(self) -> None:
        self.client.close()

    # -- politeness -----------------------------------------------------------------

    def _wait_for_host(self, host: str) -> None:
        last = self.last_request.get(host)
        if last is None:
            return
        crawl_delay = 0.0
        if host in self.robots:
            crawl_delay = float(self.robots[host][0].crawl_delay(self.agent) or 0.0)
        wait = last + max(self.delay, crawl_delay) - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _robots_for(self, url: str) -> tuple[urllib.robotparser.RobotFileParser, str]:
        host = _host(url)
        if host in self.robots:
            return self.robots[host]
        parser = urllib.robotparser.RobotFileParser(host + "/robots.txt")
        why = ""
        rules: list[str] = []  # none: everything allowed
        try:
            hops = self._follow(host + "/robots.txt", max_bytes=_ROBOTS_MAX_BYTES)
            status = hops[-1].status
            if 200 <= status < 300:
                rules = hops[-1].body.decode("utf-8", errors="replace").splitlines()
            elif status in (401, 403) or status >= 500 or status in _REDIRECT_STATUSES:
                # A guarded or broken robots.txt: keep out, as urllib.robotparser does.
                why = f"robots.txt unavailable (HTTP {status})"
        except FetchError as exc:
            # Like the big crawlers: an unreachable robots.txt means "keep out for now".
            why = f"robots.txt unavailable ({exc.reason})"
        if why:
            rules = ["User-agent: *", "Disallow: /"]
        parser.parse(rules)  # also stamps the parser, without which can_fetch() says no
        self.robots[host] = (parser, why)
        return parser, why

    def _check_robots(self, url: str, requested: str) -> None:
        parser, why = self._robots_for(url)
        if not parser.can_fetch(self.agent, url):
            reason = why or "disallowed by robots.txt"
            if url != requested:
                reason = f"redirected to {url}: {reason}"
            raise FetchError(reason, source=requested)

    # -- HTTP -----------------------------------------------------------------------

    def _request_once(self, url: str, headers: dict[str, str], max_bytes: int) -> _Exchange:
        with self.client.stream("GET", url, headers=headers) as response:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    f"response too large ({length} bytes > {max_bytes})",
                    source=url,
                    status=response.status_code,
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > max_bytes:
                    raise FetchError(
                        f"response too large (more than {max_bytes} bytes)",
                        source=url,
                        status=response.status_code,
                    )
            return _Exchange(
                url=url,
                request_headers=[
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in response.request.headers.raw
                ],
                status=response.status_code,
                reason=response.reason_phrase,
                http_version=response.http_version,
                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
                body=bytes(body),
                date=datetime.now(timezone.utc),
            )

    def _request(self, url: str, headers: dict[str, str], max_bytes: int) -> _Exchange:
        """One URL, retried with exponential backoff on transport errors and 5xx."""
        host = _host(url)
        attempts = self.retries + 1
        for attempt in range(attempts):
            self._wait_for_host(host)
            entry = FetchLogEntry(url=url, at=self.clock(), status=None)
            self.result.log.append(entry)
            pause = self.backoff * 2**attempt
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
                    pause = max(pause, min(float(retry_after), _MAX_RETRY_AFTER))
            finally:
                self.last_request[host] = self.clock()
            log.info("retrying %s in %.1f s (%s)", url, pause, entry.error or entry.status)
            self.sleep(pause)
        raise AssertionError("unreachable")  # pragma: no cover

    def _follow(
        self,
        url: str,
        *,
        conditional: bool = False,
        robots: bool = False,
        max_bytes: int | None = None,
    ) -> list[_Exchange]:
        """Fetch ``url`` following at most ``max_redirects`` redirects, checking robots.txt
        and sending conditional headers per hop. Returns every hop."""
        hops: list[_Exchange] = []
        current = url
        while True:
            if robots:
                self._check_robots(current, url)
            headers: dict[str, str] = {}
            validators = self.previous.get(current) if conditional else None
            if validators:
                if validators.etag:
                    headers["If-None-Match"] = validators.etag
                if validators.last_modified:
                    headers["If-Modified-Since"] = validators.last_modified
            exchange = self._request(current, headers, max_bytes or self.max_bytes)
            hops.append(exchange)
            location = exchange.header("location")
            if exchange.status not in _REDIRECT_STATUSES or not location:
                return hops
            if len(hops) > self.max_redirects:
                raise FetchError(f"more than {self.max_redirects} redirects", source=url)
            try:
                target = normalize_url(urljoin(current, location))
            except FetchError:
                raise FetchError(f"redirect to an unusable URL: {location}", source=url) from None
            if target in (hop.url for hop in hops):
                raise FetchError(f"redirect loop at {target}", source=url)
            if robots and target in self.fetched:
                raise _AlreadyFetched(target)
            current = target

    def fetch(self, url: str, *, conditional: bool = False) -> _Fetched:
        """Fetch a page: a 2xx response, or (only when ``conditional``) a 304 Not
        Modified. Raises FetchError for anything else."""
        hops = self._follow(url, conditional=conditional, robots=True)
        for hop in hops:
            self.fetched.add(hop.url)
        final = hops[-1]
        if final.status == 304 and conditional:
            return _Fetched(hops)
        if not 200 <= final.status < 300:
            reason = f"HTTP {final.status} {final.reason}".strip()
            if final.status >= 500 and self.retries:
                reason += f" (after {self.retries + 1} attempts)"
            if final.status in _REDIRECT_STATUSES:
                reason = f"HTTP {final.status} without a Location header"
            raise FetchError(reason, source=url, status=final.status)
        return _Fetched(hops)

    # -- WARC -----------------------------------------------------------------------

    def write(self, fetched: _Fetched) -> None:
        for hop in fetched.hops:
            request, response = self._records(hop)
            self.writer.write_request_response_pair(request, response)
            self.result.records += 2

    def _records(self, hop: _Exchange) -> tuple[object, object]:
        date = datetime_to_iso_date(hop.date)
        parts = urlsplit(hop.url)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        request_http = StatusAndHeaders(
            f"GET {target} HTTP/1.1", hop.request_headers, is_http_request=True
        )
        request = self.writer.create_warc_record(
            hop.url, "request", payload=io.BytesIO(), length=0,
            http_headers=request_http, warc_headers_dict={"WARC-Date": date},
        )
        # The body was stored decoded, so the transfer headers describing the wire
        # format would make readers decode it twice.
        headers = [
            (k, v) for k, v in hop.headers
            if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
        ]
        headers.append(("Content-Length", str(len(hop.body))))
        response_http = StatusAndHeaders(
            f"{hop.status} {hop.reason}".strip(), headers, protocol=hop.http_version
        )
        response = self.writer.create_warc_record(
            hop.url, "response", payload=io.BytesIO(hop.body), length=len(hop.body),
            http_headers=response_http, warc_headers_dict={"WARC-Date": date},
        )
        return request, response

    # -- crawl logic ----------------------------------------------------------------

    def _fail(self, url: str, exc: FetchError) -> None:
        log.warning("failed %s: %s", url, exc.reason)
        self.result.failures.append(Failure(url=url, reason=exc.reason, status=exc.status))

    def _unchanged(self, fetched: _Fetched) -> bool:
        if fetched.not_modified:
            return True
        previous = self.previous.get(fetched.url)
        return bool(previous and previous.digest and previous.digest == _payload_digest(fetched.final.body))

    def start(self, raw_url: str) -> None:
        try:
            url = normalize_url(raw_url)
        except FetchError as exc:
            self._fail(raw_url, exc)
            return
        if url in self.seen:
            return
        self.seen.add(url)
        if _is_attachment_url(url) or any(
            _matches_any(p.article_url_patterns, url) for p in PROFILES
        ):
            self.report(url)
            return
        try:
            fetched = self.fetch(url)
        except _AlreadyFetched:
            return
        except FetchError as exc:
            self._fail(url, exc)
            return
        html = fetched.html
        if html is None or _page_is_report(html):
            self.report(url, fetched)
            return
        links = discover_links(html, fetched.url)
        if not (links.reports or links.lookalikes or links.pages) and _page_is_report(html, dated=False):
            # An undated report title and nothing to follow: the page is the report.
            self.report(url, fetched)
        else:
            self.column(fetched, html)

    def column(self, first: _Fetched, first_html: str) -> None:
        """Walk a report column's list pages, then fetch the reports found."""
        queue: deque[str] = deque([first.url])
        reports: dict[str, str] = {}
        pages = 0
        found_any = False
        while queue:
            page_url = queue.popleft()
            if pages >= self.max_pages:
                self.result.skipped.append(Skipped(page_url, f"beyond max_pages={self.max_pages}"))
                continue
            if page_url == first.url:
                fetched, html = first, first_html
            else:
                try:
                    got = self.fetch(page_url)
                except _AlreadyFetched:
                    continue
                except FetchError as exc:
                    self._fail(page_url, exc)
                    continue
                fetched, html = got, got.html or ""
            pages += 1
            self.result.list_pages.append(fetched.url)
            if self.keep_list_pages:
                self.write(fetched)
            links = discover_links(html, fetched.url)
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
                if self.since is not None and year is not None and year < self.since:
                    self.result.skipped.append(Skipped(url, f"{year} is before since={self.since}", text))
                    continue
                reports[url] = text
        if not found_any:
            self._fail(first.url, FetchError("no annual-report links found on this list page"))
        for url in reports:
            self.report(url)

    def report(self, url: str, fetched: _Fetched | None = None) -> None:
        """Fetch (unless given) and archive one report and its attachments."""
        if fetched is None:
            if url in self.fetched:
                return
            fetched = self._fetch_or_record(url)
        if fetched is None or not self._archive(fetched, self.result.reports):
            return
        html = fetched.html
        if not self.attachments or html is None:
            return
        for link in attachment_links(html, fetched.url):
            if link in self.seen or link in self.fetched:
                continue
            self.seen.add(link)
            got = self._fetch_or_record(link)
            if got is not None:
                self._archive(got, self.result.attachments)

    def _fetch_or_record(self, url: str) -> _Fetched | None:
        """A conditional fetch; a failure is recorded and gives None, as does a repeat."""
        try:
            return self.fetch(url, conditional=True)
        except _AlreadyFetched:
            return None
        except FetchError as exc:
            self._fail(url, exc)
            return None

    def _archive(self, fetched: _Fetched, into: list[str]) -> bool:
        """Write a fetched page unless it is unchanged since the previous crawl."""
        if self._unchanged(fetched):
            self.result.unchanged.append(fetched.url)
            return False
        self.write(fetched)
        into.append(fetched.url)
        return True


def _describe(exc: httpx.HTTPError) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    detail = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {detail}"


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
    (or the robots.txt Crawl-delay, if longer), timeouts / transport errors / 5xx are
    retried ``retries`` times after ``backoff * 2**n`` seconds, 4xx are not retried,
    responses over ``max_bytes`` and chains over ``max_redirects`` fail.

    ``previous`` names older WARC(s): their ETag / Last-Modified are sent as
    If-None-Match / If-Modified-Since; a 304, or a body identical to the old one, counts
    as unchanged and is not written (see :attr:`CrawlResult.unchanged`).

    Failures are collected in the result, never raised; :class:`CrawlError` is raised
    only for bad arguments or an unreadable ``previous`` file. ``clock``/``sleep`` are
    injectable for tests, and so is the httpx ``transport``.
    """
    urls = [urls] if isinstance(urls, str) else list(urls)
    if not urls:
        raise CrawlError("no URLs to crawl")
    for name, value, low in (
        ("max_pages", max_pages, 1), ("delay", delay, 0), ("timeout", timeout, 0),
        ("retries", retries, 0), ("backoff", backoff, 0), ("max_bytes", max_bytes, 1),
        ("max_redirects", max_redirects, 0),
    ):
        if value < low:
            raise CrawlError(f"{name} must be at least {low}, got {value}")
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
    agent = user_agent or default_user_agent()
    try:
        fh: BinaryIO = open(path, "wb")
    except OSError as exc:
        raise CrawlError(f"cannot write WARC ({exc})", source=str(path)) from None
    with fh:
        writer = WARCWriter(fh, gzip=not path.name.endswith(".warc"))
        writer.write_record(
            writer.create_warcinfo_record(
                path.name,
                {
                    "software": f"gkparse/{_version()}",
                    "http-header-user-agent": agent,
                    "robots": "obey",
                    "description": "government information-disclosure annual reports",
                    "format": "WARC File Format 1.0",
                },
            )
        )
        result.records += 1
        crawler = _Crawler(
            writer, result, max_pages=max_pages, since=since, delay=delay, timeout=timeout,
            retries=retries, backoff=backoff, max_bytes=max_bytes, max_redirects=max_redirects,
            previous=validators, attachments=attachments, keep_list_pages=keep_list_pages,
            agent=agent, clock=clock, sleep=sleep, transport=transport,
        )
        try:
            for url in urls:
                crawler.start(url)
        finally:
            crawler.close()
    return result
