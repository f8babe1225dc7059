"""Crawling report columns of agency sites politely into WARC archives."""

from __future__ import annotations
from .crawler import crawl, CrawlResult, Failure, Skipped, FetchLogEntry, ListLinks, CrawlError, FetchError, discover_links, attachment_links, normalize_url, title_year, is_report_title, lookalike_reason, decode_html, default_user_agent, DEFAULT_DELAY, DEFAULT_TIMEOUT, DEFAULT_RETRIES, DEFAULT_BACKOFF, DEFAULT_MAX_BYTES, DEFAULT_MAX_REDIRECTS, DEFAULT_MAX_PAGES

__all__ = ["crawl", "CrawlResult", "Failure", "Skipped", "FetchLogEntry", "ListLinks", "CrawlError", "FetchError", "discover_links", "attachment_links", "normalize_url", "title_year", "is_report_title", "lookalike_reason", "decode_html", "default_user_agent", "DEFAULT_DELAY", "DEFAULT_TIMEOUT", "DEFAULT_RETRIES", "DEFAULT_BACKOFF", "DEFAULT_MAX_BYTES", "DEFAULT_MAX_REDIRECTS", "DEFAULT_MAX_PAGES"]
