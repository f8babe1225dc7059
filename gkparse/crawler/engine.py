"""The crawl on Scrapy: :func:`scrapy_settings` turns a :class:`~gkparse.crawler.walk.Job`
into Scrapy settings, :func:`run` crawls it in this process.

What Scrapy does with its own settings: concurrency over hosts (``CONCURRENT_REQUESTS``)
and per host (``CONCURRENT_REQUESTS_PER_DOMAIN``, slots keyed ``scheme://host[:port]`` by
:class:`~gkparse.crawler.middlewares.Prepare`), the delay per host (``DOWNLOAD_DELAY``,
no jitter, so it is a floor), a scheduler that takes hosts in turn
(``DownloaderAwarePriorityQueue``) and FIFO within one, the total time per response
(``DOWNLOAD_TIMEOUT`` = ``max_time``), the size on the wire (``DOWNLOAD_MAXSIZE`` =
``max_bytes``, announced by Content-Length or counted as it streams), redirects
(``REDIRECT_MAX_TIMES``), retries (``RETRY_TIMES``, ``RETRY_EXCEPTIONS``), the
User-Agent, cookies and environment proxies, and pause and resume (``JOBDIR``).

:func:`run` starts Twisted's reactor, which cannot be started again in the same process:
:func:`gkparse.crawler.crawl` calls it in a child process.
"""

from __future__ import annotations

import logging
from typing import Any

from ..errors import CrawlError
from .walk import NO_ENGINE, CrawlResult, Job

__all__ = ["DEFAULT_HEADERS", "run", "scrapy_settings"]

#: Headers sent with every request (Accept-Encoding is set by the body decoder).
DEFAULT_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/pdf;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9",
}

_MW = "gkparse.crawler.middlewares."
_SCRAPY_MW = "scrapy.downloadermiddlewares."
# Loggers of the engine, quiet in the crawl process: what matters is reported in the result
# and on the gkparse.crawler logger.
_QUIET = ("scrapy", "twisted", "protego", "filelock", "asyncio", "py.warnings")


def scrapy_settings(job: Job) -> dict[str, Any]:
    """The Scrapy settings of ``job`` (see the module's description)."""
    s = job.settings
    settings: dict[str, Any] = {
        "GKPARSE_JOB": job,
        "BOT_NAME": "gkparse",
        "USER_AGENT": s.agent,
        "DEFAULT_REQUEST_HEADERS": DEFAULT_HEADERS,
        "ROBOTSTXT_OBEY": False,  # RobotsGate: Protego, with gkparse's reading of the status
        "CONCURRENT_REQUESTS": s.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": s.per_host,
        "CONCURRENT_REQUESTS_PER_IP": 0,
        "DOWNLOAD_DELAY": s.delay,
        "DOWNLOAD_DELAY_JITTER": 0,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "DOWNLOAD_TIMEOUT": s.max_time,
        "DOWNLOAD_MAXSIZE": s.max_bytes,
        "DOWNLOAD_WARNSIZE": 0,
        "RETRY_TIMES": s.retries,
        # The cap and its message are Redirects'; Scrapy's own count stays above it.
        "REDIRECT_MAX_TIMES": s.max_redirects + 1,
        "METAREFRESH_ENABLED": False,
        "AUTOTHROTTLE_ENABLED": False,
        "HTTPCACHE_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_ENABLED": False,
        "LOG_INSTALL_ROOT_HANDLER": False,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "TWISTED_DNS_RESOLVER": _MW + "GuardedResolver",
        "DOWNLOAD_HANDLERS": {"http": _MW + "GuardedHandler", "https": _MW + "GuardedHandler"},
        "DOWNLOADER_MIDDLEWARES": {
            _SCRAPY_MW + "robotstxt.RobotsTxtMiddleware": None,
            _SCRAPY_MW + "retry.RetryMiddleware": None,
            _SCRAPY_MW + "redirect.RedirectMiddleware": None,
            _SCRAPY_MW + "redirect.MetaRefreshMiddleware": None,
            _SCRAPY_MW + "httpcompression.HttpCompressionMiddleware": None,
            _MW + "Prepare": 10,
            _MW + "AddressGuard": 20,
            _MW + "RobotsGate": 30,
            _MW + "BackoffRetry": 550,
            _MW + "Redirects": 600,
            _MW + "BodyDecoder": 890,
        },
        # Every status reaches the spider, which records it (HttpErrorMiddleware would drop it).
        "SPIDER_MIDDLEWARES": {"scrapy.spidermiddlewares.httperror.HttpErrorMiddleware": None},
        "ITEM_PIPELINES": {_MW + "WarcPipeline": 100},
    }
    if job.jobdir is not None:
        settings["JOBDIR"] = str(job.jobdir)
    return settings


def run(job: Job) -> CrawlResult:
    """Crawl ``job`` in this process and return what was done. Starts Twisted's reactor:
    callable once per process. Raises :class:`CrawlError` when Scrapy is missing."""
    try:
        from scrapy.crawler import CrawlerProcess
    except ImportError:
        raise CrawlError(NO_ENGINE) from None
    from scrapy import signals

    from .spider import ReportSpider

    process = CrawlerProcess(scrapy_settings(job))
    # After CrawlerProcess: its logging set-up (dictConfig) gives the "scrapy" logger back its
    # propagation, and with no root handler Python's last resort printed Scrapy's errors
    # ("Gave up retrying …") on stderr.
    for name in _QUIET:
        quiet = logging.getLogger(name)
        quiet.handlers[:] = [logging.NullHandler()]
        quiet.propagate = False
    crawler = process.create_crawler(ReportSpider)
    closed: list[str] = []

    def spider_closed(spider: Any, reason: str) -> None:
        closed.append(reason)

    crawler.signals.connect(spider_closed, signal=signals.spider_closed)
    process.crawl(crawler)
    process.start()
    spider = crawler.spider
    state = getattr(spider, "crawl_state", None)
    if state is None:  # stopped (Ctrl-C) before the spider opened: nothing was done
        return CrawlResult(warc_path=job.warc_path, interrupted=True)
    result: CrawlResult = state.result
    result.interrupted = bool(closed) and closed[0] != "finished"
    return result
