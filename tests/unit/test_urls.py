"""URL normal form and URL shapes (gkparse.crawler.urls)."""

from __future__ import annotations

import pytest

from gkparse.crawler.urls import (
    directory_of,
    host_of,
    is_article_url,
    is_attachment_url,
    is_index_like,
    normalize_url,
)
from gkparse.errors import FetchError


@pytest.mark.parametrize(
    ("url", "normal"),
    [
        ("HTTPS://Example.GOV.cn:443/a/b.htm#x", "https://example.gov.cn/a/b.htm"),
        ("http://example.gov.cn", "http://example.gov.cn/"),
        ("http://example.gov.cn:80/", "http://example.gov.cn/"),
        ("http://x.cn:8080/年报 1.htm?a=1", "http://x.cn:8080/%E5%B9%B4%E6%8A%A5%201.htm?a=1"),
        ("http://x.cn/%E5%B9%B4.htm", "http://x.cn/%E5%B9%B4.htm"),  # escapes are kept, not doubled
        ("  http://x.cn/a?b=1&c=年#top ", "http://x.cn/a?b=1&c=%E5%B9%B4"),
        ("http://[::1]:8000/a", "http://[::1]:8000/a"),
    ],
)
def test_normalize_url(url: str, normal: str) -> None:
    assert normalize_url(url) == normal
    assert normalize_url(normal) == normal  # idempotent


@pytest.mark.parametrize(("url", "reason"), [
    ("ftp://example.gov.cn/x", r"not an http\(s\) URL"),
    ("mailto:jtj@example.gov.cn", r"not an http\(s\) URL"),
    ("/relative/path.htm", r"not an http\(s\) URL"),
    ("http://x.cn:99999/", "bad port"),
])
def test_normalize_url_rejects(url: str, reason: str) -> None:
    with pytest.raises(FetchError, match=reason) as caught:
        normalize_url(url)
    assert caught.value.source == url


def test_host_and_directory() -> None:
    assert host_of("http://x.gov.cn:8080/a/b.htm?p=1") == "http://x.gov.cn:8080"
    assert directory_of("http://x.gov.cn/zwgk/nb/index_1.html?p=1") == "http://x.gov.cn/zwgk/nb/"
    assert directory_of("http://x.gov.cn/zwgk/nb/") == "http://x.gov.cn/zwgk/nb/"


@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("http://x.gov.cn/zfxxgknb/", True),
        ("http://x.gov.cn/zfxxgknb/index.html", True),
        ("http://x.gov.cn/zfxxgknb/INDEX_3.shtml", True),
        ("http://x.gov.cn/zfxxgknb/default.htm", True),
        ("http://x.gov.cn/zfxxgknb/list_2.html", True),
        ("http://x.gov.cn/zfxxgknb/t20240308_87885.htm", False),
        ("http://x.gov.cn/zfxxgknb/indexes.html", False),
    ],
)
def test_is_index_like(url: str, index: bool) -> None:
    assert is_index_like(url) is index


@pytest.mark.parametrize(
    ("url", "attachment"),
    [
        ("http://x.gov.cn/P020240308512345678901.pdf", True),
        ("http://x.gov.cn/files/fb.XLSX", True),
        ("http://x.gov.cn/nb.ofd", True),
        ("http://x.gov.cn/module/download/downfile.jsp?filename=nb.pdf&id=3", True),
        ("http://x.gov.cn/down.jsp?id=3&name=nb.wps", True),
        ("http://x.gov.cn/pdf/index.html", False),
        ("http://x.gov.cn/down.jsp?name=nb.pdfx", False),
        ("http://x.gov.cn/nb.html", False),
    ],
)
def test_is_attachment_url(url: str, attachment: bool) -> None:
    assert is_attachment_url(url) is attachment


@pytest.mark.parametrize(
    ("url", "article"),
    [
        ("http://x.gov.cn/zfxxgknb/202403/t20240308_87885.htm", True),
        ("http://x.gov.cn/zfxxgknb/202403/t20240308_87885_1.shtml", True),
        ("http://x.gov.cn/art/2021/1/28/art_1229_123.html", True),
        ("http://x.gov.cn/col/col1229/index.html", False),
        ("http://x.gov.cn/zfxxgknb/index.html", False),
        ("http://x.gov.cn/old/nb2021.htm", False),
    ],
)
def test_is_article_url(url: str, article: bool) -> None:
    assert is_article_url(url) is article
