"""Crawling report columns of agency sites politely into WARC archives.

The package in layers: :mod:`~gkparse.crawler.urls` (URL normal form and shapes),
:mod:`~gkparse.crawler.links` (what a page links to), :mod:`~gkparse.crawler.network`
(which addresses may be reached), :mod:`~gkparse.crawler.robots` (what robots.txt
allows), :mod:`~gkparse.crawler.decoding` (Content-Encoding undone within the size cap),
:mod:`~gkparse.crawler.settings` (the options and limits) and
:mod:`~gkparse.crawler.walk` (:func:`crawl` and its result) need no Scrapy; the engine
(the ``gkparse[crawl]`` extra) is :mod:`~gkparse.crawler.spider` (the walk as a Scrapy
spider), :mod:`~gkparse.crawler.middlewares` (the protections and the WARC writer) and
:mod:`~gkparse.crawler.engine` (the Scrapy settings and the run).

>>> normalize_url("HTTP://Www.Example.gov.cn:80/zfxxgknb/index.html#top")
'http://www.example.gov.cn/zfxxgknb/index.html'
>>> title_year("某某县交通运输局2023年政府信息公开工作年度报告")
2023
>>> is_report_title("关于做好2023年政府信息公开工作年度报告编制发布工作的通知")
False
"""

from __future__ import annotations

import logging

from ..errors import CrawlError, FetchError
from ..vocabulary import is_report_title, lookalike_reason, title_year
from .links import ListLinks, attachment_links, decode_html, discover_links
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
    MAX_CONTENT_CODINGS,
    MAX_CRAWL_DELAY,
    MAX_RETRY_AFTER,
    ROBOTS_MAX_BYTES,
    CrawlSettings,
    default_user_agent,
)
from .urls import normalize_url
from .walk import CRAWL_EXTRA, CrawlResult, Failure, FetchLogEntry, Skipped, crawl, engine_available

__all__ = [
    "CRAWL_EXTRA",
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
    "CrawlError",
    "CrawlResult",
    "CrawlSettings",
    "Failure",
    "FetchError",
    "FetchLogEntry",
    "ListLinks",
    "Skipped",
    "attachment_links",
    "crawl",
    "decode_html",
    "default_user_agent",
    "discover_links",
    "engine_available",
    "is_report_title",
    "lookalike_reason",
    "normalize_url",
    "title_year",
]

# A library stays silent unless the application configures logging.
logging.getLogger(__name__).addHandler(logging.NullHandler())
