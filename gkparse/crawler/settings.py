"""The options of a crawl, in one place: :class:`CrawlSettings` and its defaults.

:func:`gkparse.crawler.crawl` takes them as keywords, the ``gkparse crawl`` command as
options; :mod:`gkparse.crawler.engine` turns them into Scrapy settings and the spider and
middlewares read them from here.

>>> CrawlSettings(since=2021).max_pages
20
>>> CrawlSettings(delay=-1)
Traceback (most recent call last):
...
gkparse.errors.CrawlError: delay must be at least 0, got -1
"""

from __future__ import annotations

import importlib.metadata
import sys
from dataclasses import dataclass

from ..errors import CrawlError

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_DELAY",
    "DEFAULT_MAX_ATTACHMENTS",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_PAGES",
    "DEFAULT_MAX_REDIRECTS",
    "DEFAULT_MAX_REPORTS",
    "DEFAULT_MAX_TIME",
    "DEFAULT_PER_HOST",
    "DEFAULT_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_CONTENT_CODINGS",
    "MAX_CRAWL_DELAY",
    "MAX_RETRY_AFTER",
    "ROBOTS_MAX_BYTES",
    "CrawlSettings",
    "default_user_agent",
]

#: Seconds between two requests to one host: small county servers share one machine
#: with the whole site, and one request a second is the usual polite rate.
DEFAULT_DELAY = 1.0
#: Seconds to wait for a connection and for the response headers; slow government servers
#: often need more than 10 s to start sending a large PDF, and more than 30 s means a hung server.
DEFAULT_TIMEOUT = 30.0
#: Retries after a timeout, a network error or a 5xx: overloaded servers usually answer
#: on the second or third try, and four tries at most keep a dead host from stalling the crawl.
DEFAULT_RETRIES = 3
#: First backoff in seconds; doubled on every retry (1, 2, 4 s).
DEFAULT_BACKOFF = 1.0
#: Largest response accepted: scanned report PDFs run to a few MiB, so 20 MiB keeps every
#: report while refusing video and archive files linked as "attachments".
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
#: Redirects followed per URL: CMS migrations chain two or three, more is a loop.
DEFAULT_MAX_REDIRECTS = 5
#: List pages read per report column: a column lists 10-20 links a page and the yearly
#: reports began in 2008, so 20 pages reach the oldest even among look-alikes, while a
#: runaway pager (a whole news section mistaken for a column) stops early.
DEFAULT_MAX_PAGES = 20
#: Seconds one response may take in all (connect, headers and body): 20 MiB at 70 KiB/s,
#: so a slow but working server still delivers, while one dripping a byte a second
#: cannot hold its host's queue for more than five minutes a URL.
DEFAULT_MAX_TIME = 300.0
#: Requests in flight at once over all hosts: a province's agencies sit on hundreds of
#: hosts, and 16 connections keep one machine's bandwidth busy without a connection storm.
DEFAULT_CONCURRENCY = 16
#: Requests in flight at once to one host: small county servers share one machine with the
#: whole site, so one at a time (spaced by the delay) is the polite rate.
DEFAULT_PER_HOST = 1
#: Report links taken per report column (all its list pages): a real column lists
#: 10-20 reports a year, so 500 is decades of them; more is a whole news section or
#: a hostile page, and each link would cost a request.
DEFAULT_MAX_REPORTS = 500
#: Attachments fetched per report: a report links its PDF and a few tables; dozens of
#: files are a download library the body happens to link.
DEFAULT_MAX_ATTACHMENTS = 50

# Fixed limits (not options): each bounds what one hostile or broken server can cost.

#: Longest robots.txt Crawl-delay honoured, in seconds (like Retry-After): a delay of a
#: day would stall the whole crawl; longer ones are capped and noted in the result.
MAX_CRAWL_DELAY = 60.0
#: Longest Retry-After honoured between retries, in seconds: longer is not worth waiting
#: for inside one crawl.
MAX_RETRY_AFTER = 60.0
#: Largest robots.txt read: real ones are a few KiB; a bigger one is a catch-all page.
ROBOTS_MAX_BYTES = 512 * 1024
#: Content-Encodings stacked on one response (``gzip, gzip``): servers apply one, a
#: misconfigured proxy two; more only multiplies a decompression bomb's work.
MAX_CONTENT_CODINGS = 2


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


def software() -> str:
    """``gkparse/<version>``, as named in the WARC's warcinfo record."""
    return f"gkparse/{_version()}"


@dataclass(frozen=True)
class CrawlSettings:
    """Every option of a crawl (see :func:`gkparse.crawler.crawl` for what each does).

    Checked on construction: a value out of range raises :class:`CrawlError`.
    """

    max_pages: int = DEFAULT_MAX_PAGES
    since: int | None = None
    delay: float = DEFAULT_DELAY
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    max_time: float = DEFAULT_MAX_TIME
    max_reports: int = DEFAULT_MAX_REPORTS
    max_attachments: int = DEFAULT_MAX_ATTACHMENTS
    allow_private: bool = False
    attachments: bool = True
    keep_list_pages: bool = False
    user_agent: str | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    per_host: int = DEFAULT_PER_HOST

    def __post_init__(self) -> None:
        for name, low in (
            ("max_pages", 1), ("delay", 0), ("timeout", 0), ("retries", 0),
            ("backoff", 0), ("max_bytes", 1), ("max_redirects", 0),
            ("max_reports", 0), ("max_attachments", 0), ("concurrency", 1), ("per_host", 1),
        ):
            value = getattr(self, name)
            if value < low:
                raise CrawlError(f"{name} must be at least {low}, got {value}")
        for name in ("timeout", "max_time"):
            if not getattr(self, name) > 0:
                raise CrawlError(f"{name} must be more than 0, got {getattr(self, name)}")

    @property
    def agent(self) -> str:
        """The User-Agent sent: ``user_agent`` or :func:`default_user_agent`."""
        return self.user_agent or default_user_agent()
