"""The crawl's pieces that need no network: its settings, the Content-Encoding decoder,
the address checks and the HTML test (the engine itself is tested on loopback sites in
tests/system/test_crawl.py, tests/cases/test_reliability_crawl.py and test_robots.py)."""

from __future__ import annotations

import gzip
import ipaddress
import zlib
from urllib.parse import urlsplit

import pytest

from gkparse.crawler.decoding import INFLATE_STEP, BodyError, content_codings, decode_body, decode_stream
from gkparse.crawler.links import is_html
from gkparse.crawler.network import address_kind, host_kind, host_names, refusal
from gkparse.crawler.settings import CrawlSettings, default_user_agent
from gkparse.errors import CrawlError


def test_settings_defaults_and_checks() -> None:
    settings = CrawlSettings()
    assert (settings.max_pages, settings.delay, settings.retries, settings.max_redirects) == (20, 1.0, 3, 5)
    assert settings.agent == default_user_agent()
    assert CrawlSettings(user_agent="probe/1").agent == "probe/1"
    with pytest.raises(CrawlError, match="max_bytes must be at least 1, got 0"):
        CrawlSettings(max_bytes=0)
    with pytest.raises(CrawlError, match="retries"):
        CrawlSettings(retries=-1)
    with pytest.raises(CrawlError, match="max_time must be more than 0, got 0"):
        CrawlSettings(max_time=0)
    with pytest.raises(CrawlError, match="per_host must be at least 1, got 0"):
        CrawlSettings(per_host=0)
    assert (settings.concurrency, settings.per_host) == (16, 1)
    assert (settings.max_time, settings.max_reports, settings.max_attachments, settings.allow_private) == (
        300.0, 500, 50, False
    )


@pytest.mark.parametrize(
    ("content_type", "body", "html"),
    [
        ("text/html; charset=gbk", b"anything", True),
        ("", b"\xef\xbb\xbf  <!DOCTYPE html><html>", True),
        ("text/plain", b"<html><body>", True),
        ("text/plain", b"just text", False),
        # The body decides over the Content-Type (case 32).
        ("application/pdf", b"<html>", True),
        ("image/png", b"<ul><li><a href='t1.htm'>", True),
        ("text/html", b"%PDF-1.4 ...", False),
        ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00", False),
        ("text/html", b"\x00\x01\x02<html>", False),
    ],
)
def test_is_html(content_type: str, body: bytes, html: bool) -> None:
    assert is_html(body, content_type) is html


def gzipped(data: bytes, times: int = 1) -> bytes:
    for _ in range(times):
        data = gzip.compress(data)
    return data


def zeros_gzipped(mib: int) -> bytes:
    """``mib`` MiB of zeros gzipped twice, compressed a MiB at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    once = b"".join(compressor.compress(bytes(1024 * 1024)) for _ in range(mib)) + compressor.flush()
    return gzip.compress(once)


def test_decode_stream_never_holds_more_than_a_step_past_the_cap() -> None:
    bomb = zeros_gzipped(64)  # about 600 bytes
    limit = 1024 * 1024
    sizes: list[int] = []
    with pytest.raises(BodyError, match="more than 1048576 bytes once decoded"):
        for chunk in decode_stream([bomb], ["gzip", "gzip"], limit):
            sizes.append(len(chunk))
    assert max(sizes) <= INFLATE_STEP
    assert sum(sizes) <= limit
    assert content_codings(["gzip", "identity, deflate"]) == ["gzip", "deflate"]
    with pytest.raises(BodyError, match="unsupported Content-Encoding: compress"):
        content_codings(["compress"])


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"), ("127.255.0.9", "loopback"), ("::1", "loopback"),
        ("10.0.0.1", "private"), ("172.16.5.4", "private"), ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"), ("fe80::1", "link-local"),
        ("100.64.0.1", "shared (CGNAT)"), ("100.127.255.254", "shared (CGNAT)"),
        ("fd12:3456::1", "unique-local"), ("0.0.0.0", "unspecified"), ("::", "unspecified"),
        ("224.0.0.1", "multicast"), ("240.0.0.1", "reserved"), ("192.0.2.1", "reserved"),
        ("::ffff:10.0.0.1", "private"),
        ("8.8.8.8", None), ("223.5.5.5", None), ("100.128.0.1", None), ("2400:3200::1", None),
    ],
)
def test_address_kinds(address: str, kind: str | None) -> None:
    assert address_kind(ipaddress.ip_address(address)) == kind


def test_host_kinds_and_refusal() -> None:
    assert host_kind("LOCALHOST.") == host_kind("a.localhost") == host_kind("2130706433") == "loopback"
    assert host_kind("0251.0376.0251.0376") == "link-local"  # 169.254.169.254 in octal
    assert host_kind("x.gov.cn") is host_kind("1.2.3.4") is None
    assert host_names("http://WWW.Example.gov.cn:8080/a") == {"www.example.gov.cn"}
    assert host_names("http://政府.cn/") == {"政府.cn", "xn--mxtq1m.cn"}
    assert host_names("http://[::1:8080/") == set() and host_names("file:///etc/passwd") == set()


@pytest.mark.parametrize("host", ["政府.cn", "例子。政府。cn", "Bücher.de", "faß.de", "ＥＸＡＭＰＬＥ.cn", "x.gov.cn", "[::1]", "a..b.cn"])
def test_host_names_include_the_host_a_request_names(host: str) -> None:
    # A start host is trusted by the name the crawl's requests carry (Scrapy's URL, through
    # w3lib) and the resolver is asked for: IDNA 2003 after NFKC, so faß.de is fass.de.
    scrapy = pytest.importorskip("scrapy")
    url = f"http://{host}:8080/zfxxgknb/"
    sent = urlsplit(scrapy.Request(url).url).hostname
    assert sent in host_names(url)
    public, refused = refusal("mixed.test", ["10.0.0.1", "1.2.3.4"])
    assert public == ["1.2.3.4"] and refused is None
    public, refused = refusal("inside.test", ["10.0.0.1", "127.0.0.1"])
    assert public == [] and refused is not None
    assert refused.reason == "refused: inside.test resolves to 10.0.0.1, a private address (allow with --allow-private)"



def test_content_encodings_are_decoded_within_the_cap() -> None:
    """What the crawl's BodyDecoder does to every response (decode_body)."""
    page = b"<html>" + b"report " * 500 + b"</html>"
    for body, coding in (
        (gzipped(page), "gzip"), (gzipped(page, 2), "gzip, gzip"), (zlib.compress(page), "deflate"),
        (zlib.compress(page, wbits=-15), "deflate"), (gzipped(page[:100]) + gzipped(page[100:]), "gzip"),
    ):
        assert decode_body(body, [coding], len(page)) == page, coding
    with pytest.raises(BodyError, match=rf"more than {len(page)} bytes once decoded from gzip, gzip"):
        decode_body(zeros_gzipped(8), ["gzip, gzip"], len(page))
    with pytest.raises(BodyError, match=r"3 stacked Content-Encodings \(at most 2 are decoded\)"):
        decode_body(gzipped(page, 3), ["gzip, gzip, gzip"], len(page))
    with pytest.raises(BodyError, match="cannot decode Content-Encoding gzip"):
        decode_body(b"not gzip at all", ["gzip"], len(page))
