"""Tests of gkparse.crawl and the ``crawl`` CLI command against a loopback fixture site.

:func:`serve_site` serves ``tests/crawl_site/`` plus a few dynamic routes (see
``DYNAMIC``) and logs every request; other tests may reuse it to crawl the site and
convert the WARC (``from tests.test_crawl import serve_site, fast_crawl, COLUMN``).
"""

from __future__ import annotations

import hashlib
import http.server
import shutil
import sys
import threading
import time
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from gkparse.cli.crawl import crawl_command
from gkparse.crawl import (
    CrawlError,
    CrawlResult,
    attachment_links,
    crawl,
    decode_html,
    default_user_agent,
    discover_links,
    is_report_title,
    lookalike_reason,
    normalize_url,
    title_year,
)
from gkparse.errors import GkparseError
from gkparse.read.profiles import GENERIC, PROFILES, body_xpaths, choose_profile

SITE_DIR = Path(__file__).parent / "crawl_site"

COLUMN = "/zwgk/zfxxgknb/index.html"
COLUMN_2 = "/zwgk/zfxxgknb/index_1.html"
REPORT_2023 = "/zwgk/zfxxgknb/202403/t20240308_87885.htm"  # UTF-8, PDF attachment
PDF_2023 = "/zwgk/zfxxgknb/202403/P020240308512345678901.pdf"
REPORT_2022 = "/zwgk/zfxxgknb/202303/t20230315_60001.htm"  # GBK, XLS attachment
XLS_2022 = "/files/P020230315_fb.xls"
OLD_2021 = "/old/nb2021.htm"  # 301 → REPORT_2021
REPORT_2021 = "/zwgk/zfxxgknb/202201/t20220125_70001.htm"
REPORT_2020 = "/zwgk/zfxxgknb/202103/t20210320_50001.htm"  # 500 on the first request
MISSING_2019 = "/zwgk/zfxxgknb/202003/t20200320_40001.htm"  # 404
PRIVATE = "/private/t20240101_9.htm"  # robots.txt disallows
LOOKALIKES = (
    "/zwgk/zfxxgknb/202403/t20240310_87900.htm",
    "/zwgk/zfxxgknb/202312/t20231201_80001.htm",
    "/zwgk/zfxxgknb/202311/t20231120_79999.htm",
    "/zwgk/zd/t20190101_1.htm",
    "/zwgk/zfxxgknb/202303/t20230316_60002.htm",
)
GUIDE_PDF = "/files/guide.pdf"  # linked from a report page's footer, outside the body

CONTENT_TYPES = {
    ".html": "text/html",  # no charset on purpose: pages declare it in <meta>
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".xls": "application/vnd.ms-excel",
    ".txt": "text/plain",
}
LAST_MODIFIED = "Fri, 08 Mar 2024 02:30:00 GMT"

# Dynamic routes: path -> what the handler does.
DYNAMIC = {
    OLD_2021: "301 to the 2021 report",
    REPORT_2020: "500 on the first request, then the file",
    "/slow.htm": "sleeps 1.5 s before answering",
    "/always500.htm": "always 500",
    "/huge.pdf": "5000 bytes with Content-Length",
    "/stream-huge.pdf": "5000 bytes without Content-Length",
    "/loop/N": "302 to /loop/N+1",
}


@dataclass
class LoggedRequest:
    path: str
    headers: dict[str, str]
    status: int = 0


@dataclass
class Site:
    """A running fixture site: its base URL, files, request log and knobs."""

    base: str
    root: Path
    requests: list[LoggedRequest] = field(default_factory=list)
    #: path -> (status, body) served instead of the file
    overrides: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    flaky_served: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


def _make_handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                  *, length: bool = True) -> None:
            self.logged.status = status
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            path = unquote(urlsplit(self.path).path)
            self.logged = LoggedRequest(path, dict(self.headers.items()))
            with site.lock:
                site.requests.append(self.logged)
            try:
                self._route(path)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def _route(self, path: str) -> None:
            if path in site.overrides:
                status, body = site.overrides[path]
                self._send(status, body, {"Content-Type": "text/plain"})
                return
            if path == OLD_2021:
                self._send(301, b"moved", {"Location": REPORT_2021})
                return
            if path.startswith("/loop/"):
                n = int(path.rsplit("/", 1)[1])
                self._send(302, b"", {"Location": f"/loop/{n + 1}"})
                return
            if path == "/slow.htm":
                time.sleep(1.5)
                self._send(200, b"<html>late</html>", {"Content-Type": "text/html"})
                return
            if path == "/always500.htm":
                self._send(500, b"server error", {"Content-Type": "text/plain"})
                return
            if path == "/huge.pdf":
                self._send(200, b"%PDF" + b"0" * 4996, {"Content-Type": "application/pdf"})
                return
            if path == "/stream-huge.pdf":
                # HTTP/1.0 without Content-Length: the body ends when the connection closes.
                self._send(200, b"%PDF" + b"0" * 4996, {"Content-Type": "application/pdf"},
                           length=False)
                return
            if path == REPORT_2020 and path not in site.flaky_served:
                site.flaky_served.add(path)
                self._send(500, b"try again", {"Content-Type": "text/plain"})
                return
            file = (site.root / path.lstrip("/")).resolve()
            if not file.is_file() or site.root.resolve() not in file.parents:
                self._send(404, b"not found", {"Content-Type": "text/html"})
                return
            body = file.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers = {
                "Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                "ETag": etag,
                "Last-Modified": LAST_MODIFIED,
            }
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag}, length=False)
                return
            self._send(200, body, headers)

    return Handler


@contextmanager
def serve_site(tmp_path: Path) -> Iterator[Site]:
    """Serve a copy of ``tests/crawl_site`` (editable by the test) on 127.0.0.1."""
    root = tmp_path / "site"
    shutil.copytree(SITE_DIR, root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    site = Site(base=f"http://127.0.0.1:{server.server_address[1]}", root=root)
    server.RequestHandlerClass = _make_handler(site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class FakeClock:
    """Clock and sleep for crawl(): sleeping advances the clock, nothing really waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with serve_site(tmp_path) as s:
        yield s


def fast_crawl(site: Site, paths: list[str], warc: Path, **kwargs: object) -> tuple[CrawlResult, FakeClock]:
    fake = FakeClock()
    options: dict[str, object] = dict(delay=1.0, timeout=5.0, backoff=0.5, clock=fake.clock, sleep=fake.sleep)
    options.update(kwargs)
    result = crawl([site.url(p) for p in paths], warc, **options)  # type: ignore[arg-type]
    return result, fake


def warc_records(path: Path) -> list[tuple[str, str, str | None, bytes]]:
    """(record type, target URI, HTTP status, payload) of every record."""
    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            status = None
            if record.rec_type == "response" and record.http_headers:
                status = record.http_headers.get_statuscode()
            out.append((
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI") or "",
                status,
                record.content_stream().read(),
            ))
    return out


def responses(path: Path) -> dict[str, tuple[str | None, bytes]]:
    return {uri: (status, body) for kind, uri, status, body in warc_records(path) if kind == "response"}


# --------------------------------------------------------------------------- full crawl


def test_column_crawl_archives_reports_and_attachments(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "out.warc.gz"
    result, _ = fast_crawl(site, [COLUMN], warc)
    u = site.url

    assert result.list_pages == [u(COLUMN), u(COLUMN_2)]
    assert sorted(result.reports) == sorted(u(p) for p in (REPORT_2023, REPORT_2022, REPORT_2021, REPORT_2020))
    assert sorted(result.attachments) == sorted([u(PDF_2023), u(XLS_2022)])
    failed = {f.url: f for f in result.failures}
    assert set(failed) == {u(PRIVATE), u(MISSING_2019)}
    assert "robots.txt" in failed[u(PRIVATE)].reason
    assert failed[u(MISSING_2019)].status == 404
    assert {s.url for s in result.skipped if s.reason.startswith("look-alike")} == {u(p) for p in LOOKALIKES}

    records = warc_records(warc)
    assert records[0][0] == "warcinfo"
    kinds = [r[0] for r in records[1:]]
    assert kinds.count("request") == kinds.count("response") == (len(records) - 1) // 2
    assert result.records == len(records)
    got = responses(warc)
    # List pages are not archived by default; redirect hops are.
    assert set(got) == {u(p) for p in (REPORT_2023, PDF_2023, REPORT_2022, XLS_2022, OLD_2021, REPORT_2021, REPORT_2020)}
    assert got[u(OLD_2021)][0] == "301"
    assert got[u(REPORT_2020)][0] == "200"  # the 500 before the retry is not archived
    assert got[u(PDF_2023)][1] == (site.root / PDF_2023.lstrip("/")).read_bytes()
    # Payloads are the bytes served, GBK included.
    gbk = (site.root / REPORT_2022.lstrip("/")).read_bytes()
    assert got[u(REPORT_2022)][1] == gbk
    assert "某某县交通运输局2022年" in decode_html(gbk)
    requests = {uri for kind, uri, _, _ in records if kind == "request"}
    assert requests == set(got)


def test_column_crawl_politeness(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz")

    assert site.count("/robots.txt") == 1
    assert site.count(PRIVATE) == 0  # disallowed by robots.txt
    for path in LOOKALIKES:
        assert site.count(path) == 0, path
    assert site.count(GUIDE_PDF) == 0  # outside the report body
    assert site.count("/xwzx/202403/t20240301_5.htm") == 0  # unrelated news
    assert site.count(REPORT_2023) == 1  # linked twice (#top), fetched once
    assert site.count(COLUMN_2) == 1  # found by the script pager and by 下一页
    assert site.count(REPORT_2020) == 2  # 500, then retried
    assert site.count(MISSING_2019) == 1  # 4xx is not retried
    agents = {r.headers.get("User-Agent", "") for r in site.requests}
    assert agents == {default_user_agent()}
    assert default_user_agent().startswith("gkparse/")
    assert "(+https://pypi.org/project/gkparse/)" in default_user_agent()
    assert len(result.log) == len(site.requests)


def test_delay_between_requests_to_a_host(site: Site, tmp_path: Path) -> None:
    result, fake = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz", delay=2.0, backoff=0.5)
    starts = [entry.at for entry in result.log]
    assert len(starts) > 10
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 2.0 - 1e-9
    # The flaky page: a 0.5 s backoff, then the rest of the 2 s host delay.
    assert 0.5 in fake.sleeps and 1.5 in fake.sleeps
    assert set(fake.sleeps) <= {2.0, 0.5, 1.5}


def test_robots_crawl_delay_is_honoured(site: Site, tmp_path: Path) -> None:
    site.overrides["/robots.txt"] = (200, b"User-agent: *\nCrawl-delay: 7\nDisallow: /private/\n")
    result, fake = fast_crawl(site, [REPORT_2023], tmp_path / "out.warc.gz", delay=1.0)
    assert fake.sleeps == [7.0, 7.0]  # robots.txt → report → attachment
    assert result.reports == [site.url(REPORT_2023)]


def test_since_skips_older_reports(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz", since=2022)
    assert sorted(result.reports) == sorted(site.url(p) for p in (REPORT_2023, REPORT_2022))
    for path in (OLD_2021, REPORT_2021, REPORT_2020, MISSING_2019):
        assert site.count(path) == 0, path
    skipped = {s.url: s.reason for s in result.skipped}
    assert "before since=2022" in skipped[site.url(OLD_2021)]
    assert "2019" in skipped[site.url(MISSING_2019)]


def test_max_pages_limits_list_pages(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz", max_pages=1)
    assert result.list_pages == [site.url(COLUMN)]
    assert site.count(COLUMN_2) == 0
    assert any(s.url == site.url(COLUMN_2) and "max_pages" in s.reason for s in result.skipped)
    assert site.url(REPORT_2022) not in result.reports


def test_keep_list_pages(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "out.warc.gz"
    fast_crawl(site, [COLUMN], warc, since=2023, keep_list_pages=True, attachments=False)
    assert set(responses(warc)) == {site.url(p) for p in (COLUMN, COLUMN_2, REPORT_2023)}
    assert site.count(PDF_2023) == 0


# --------------------------------------------------------------------------- robustness


def test_retry_backoff_is_exponential(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "out.warc.gz"
    result, fake = fast_crawl(site, ["/always500.htm"], warc, delay=0.0, retries=3, backoff=0.5)
    assert site.count("/always500.htm") == 4
    assert fake.sleeps == [0.5, 1.0, 2.0]
    [failure] = result.failures
    assert failure.status == 500
    assert "HTTP 500" in failure.reason and "4 attempts" in failure.reason
    assert [kind for kind, *_ in warc_records(warc)] == ["warcinfo"]


def test_timeout_is_retried_then_recorded(site: Site, tmp_path: Path) -> None:
    started = time.monotonic()
    result, fake = fast_crawl(site, ["/slow.htm"], tmp_path / "out.warc.gz", delay=0.0,
                              timeout=0.5, retries=1, backoff=0.25)
    assert time.monotonic() - started < 3.0
    [failure] = result.failures
    assert "timed out" in failure.reason and "2 attempts" in failure.reason
    assert site.count("/slow.htm") == 2
    assert fake.sleeps == [0.25]
    assert [e.error is not None for e in result.log if e.url.endswith("/slow.htm")] == [True, True]


def test_redirect_cap(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, ["/loop/0"], tmp_path / "out.warc.gz", max_redirects=3)
    [failure] = result.failures
    assert "more than 3 redirects" in failure.reason
    assert [p for p in site.paths() if p.startswith("/loop/")] == ["/loop/0", "/loop/1", "/loop/2", "/loop/3"]


def test_size_cap(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "out.warc.gz"
    result, _ = fast_crawl(site, ["/huge.pdf", "/stream-huge.pdf"], warc, max_bytes=1000)
    reasons = {f.url: f.reason for f in result.failures}
    assert "too large" in reasons[site.url("/huge.pdf")]
    assert "too large" in reasons[site.url("/stream-huge.pdf")]
    assert result.reports == []
    assert [kind for kind, *_ in warc_records(warc)] == ["warcinfo"]


def test_missing_robots_allows_all(site: Site, tmp_path: Path) -> None:
    site.overrides["/robots.txt"] = (404, b"not found")
    result, _ = fast_crawl(site, [PRIVATE], tmp_path / "out.warc.gz")
    assert site.count(PRIVATE) == 1
    assert result.failures[0].status == 404  # the page itself does not exist


def test_broken_robots_disallows_all(site: Site, tmp_path: Path) -> None:
    site.overrides["/robots.txt"] = (503, b"busy")
    result, _ = fast_crawl(site, [REPORT_2023], tmp_path / "out.warc.gz", retries=1)
    assert site.count(REPORT_2023) == 0
    assert site.count("/robots.txt") == 2
    [failure] = result.failures
    assert "robots.txt unavailable" in failure.reason


def test_list_page_without_reports_is_a_failure(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, ["/zwgk/empty/index.html"], tmp_path / "out.warc.gz")
    [failure] = result.failures
    assert "no annual-report links" in failure.reason
    assert site.count("/zwgk/empty/t20240301_1.htm") == 0


def test_bad_urls_are_recorded(site: Site, tmp_path: Path) -> None:
    result = crawl(["ftp://example.gov.cn/x", "http://127.0.0.1:1/nothing.htm"], tmp_path / "o.warc.gz",
                   retries=0, timeout=2.0, sleep=lambda s: None)
    assert [f.url for f in result.failures] == ["ftp://example.gov.cn/x", "http://127.0.0.1:1/nothing.htm"]
    assert "not an http(s) URL" in result.failures[0].reason


def test_invalid_arguments_raise(tmp_path: Path) -> None:
    with pytest.raises(CrawlError):
        crawl([], tmp_path / "o.warc.gz")
    with pytest.raises(GkparseError):
        crawl(["http://127.0.0.1/"], tmp_path / "o.warc.gz", delay=-1)
    with pytest.raises(CrawlError, match="cannot read previous"):
        crawl(["http://127.0.0.1/"], tmp_path / "o.warc.gz", previous=tmp_path / "missing.warc.gz")


# --------------------------------------------------------------------------- single reports


def test_single_report_url_is_fetched_as_report(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "out.warc.gz"
    result, _ = fast_crawl(site, [REPORT_2023], warc)
    assert result.reports == [site.url(REPORT_2023)]
    assert result.attachments == [site.url(PDF_2023)]
    assert result.list_pages == [] and result.failures == []
    assert set(responses(warc)) == {site.url(REPORT_2023), site.url(PDF_2023)}


def test_report_recognised_by_title_after_redirect(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "out.warc.gz"
    result, _ = fast_crawl(site, [OLD_2021], warc)  # no article-shaped URL: sniffed by title
    assert result.reports == [site.url(REPORT_2021)]
    got = responses(warc)
    assert got[site.url(OLD_2021)][0] == "301" and got[site.url(REPORT_2021)][0] == "200"


def test_undated_report_page_without_links_is_a_report(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, ["/nb/report.html"], tmp_path / "out.warc.gz")
    assert result.reports == [site.url("/nb/report.html")]
    assert result.attachments == [site.url(XLS_2022)]
    assert result.failures == [] and result.list_pages == []


def test_gbk_report_given_directly(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, [REPORT_2022], tmp_path / "out.warc.gz")
    assert result.reports == [site.url(REPORT_2022)]
    assert result.attachments == [site.url(XLS_2022)]


# --------------------------------------------------------------------------- re-crawl


def test_recrawl_with_previous_skips_unchanged(site: Site, tmp_path: Path) -> None:
    first = tmp_path / "first.warc.gz"
    fast_crawl(site, [COLUMN], first)
    report = site.root / REPORT_2022.lstrip("/")
    report.write_bytes(report.read_bytes().replace("112条".encode("gbk"), "113条".encode("gbk")))
    site.clear()

    second = tmp_path / "second.warc.gz"
    result, _ = fast_crawl(site, [COLUMN], second, previous=first)
    u = site.url
    assert result.reports == [u(REPORT_2022)]
    assert sorted(result.unchanged) == sorted(u(p) for p in (REPORT_2023, REPORT_2021, REPORT_2020, XLS_2022))
    assert set(responses(second)) == {u(REPORT_2022)}
    sent = {r.path: r for r in site.requests}
    assert sent[REPORT_2023].headers.get("If-None-Match", "").startswith('"')
    assert sent[REPORT_2023].headers.get("If-Modified-Since") == LAST_MODIFIED
    assert sent[REPORT_2023].status == 304
    assert "If-None-Match" not in sent[COLUMN].headers  # list pages are always re-read
    assert site.count(PDF_2023) == 0  # an unchanged report's attachments are not re-checked


def test_recrawl_detects_identical_body_without_304(site: Site, tmp_path: Path) -> None:
    first = tmp_path / "first.warc.gz"
    fast_crawl(site, [OLD_2021], first)
    # Not article-shaped, so fetched without validators; the body digest still matches.
    result, _ = fast_crawl(site, [OLD_2021], tmp_path / "second.warc.gz", previous=[first])
    assert result.unchanged == [site.url(REPORT_2021)]
    assert result.reports == []


# --------------------------------------------------------------------------- units


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("某某县交通运输局2023年政府信息公开工作年度报告", True),
        ("某某市人民政府2022年度政府信息公开年报", True),
        ("中共某某县委机构编制委员会办公室2023年政府信息公开工作年度报告", True),
        ("某某县统计局2021年政府信息公开工作年度报告", True),
        ("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", False),
        ("某某县政府信息公开工作年度报告制度", False),
        ("文字解读:某某县交通运输局2023年政府信息公开工作年度报告", False),
        ("图解：2022年政府信息公开工作年度报告", False),
        ("2023年政府信息公开工作年度报告范文（模板）", False),
        ("2023年企业年报公示", False),
        ("我局召开2024年安全生产工作会议", False),
    ],
)
def test_is_report_title(text: str, expected: bool) -> None:
    assert is_report_title(text) is expected


def test_title_year() -> None:
    assert title_year("某某县2023年政府信息公开工作年度报告") == 2023
    assert title_year("２０２１年度政府信息公开年报") == 2021
    assert title_year("二〇二〇年政府信息公开工作年度报告") == 2020
    assert title_year("政府信息公开工作年度报告") is None
    assert lookalike_reason("某某县2023年政府信息公开工作年度报告") is None


def test_normalize_url() -> None:
    assert normalize_url("HTTPS://Example.GOV.cn:443/a/b.htm#x") == "https://example.gov.cn/a/b.htm"
    assert normalize_url("http://example.gov.cn") == "http://example.gov.cn/"
    assert normalize_url("http://x.cn:8080/年报 1.htm?a=1") == "http://x.cn:8080/%E5%B9%B4%E6%8A%A5%201.htm?a=1"


def test_decode_html() -> None:
    text = "<html><head><meta charset='gb2312'></head><body>政府信息公开年报</body></html>"
    assert "政府信息公开年报" in decode_html(text.encode("gbk"))
    assert "年报" in decode_html("\ufeff<p>年报</p>".encode("utf-8"))
    assert "年报" in decode_html("<p>年报</p>".encode("utf-8"))
    assert "年报" in decode_html("<p>年报</p>".encode("gb18030"))  # undeclared GBK
    assert decode_html(b"") == ""  # rejected input still yields text
    assert decode_html(b"%PDF-1.4 \xff\xfe").startswith("%PDF")


def test_discover_links_on_gbk_page() -> None:
    html = decode_html((SITE_DIR / COLUMN_2.lstrip("/")).read_bytes())
    base = "http://x.gov.cn" + COLUMN_2
    links = discover_links(html, base)
    assert [url for url, _ in links.reports] == [
        "http://x.gov.cn" + p for p in (REPORT_2022, REPORT_2020, MISSING_2019)
    ]
    assert [url for url, _ in links.lookalikes] == ["http://x.gov.cn/zwgk/zfxxgknb/202303/t20230316_60002.htm"]
    # 上一页 (index.html) is no further page, and the pager's page 1 is this very page.
    assert links.pages == []
    first = discover_links(decode_html((SITE_DIR / COLUMN.lstrip("/")).read_bytes()), "http://x.gov.cn" + COLUMN)
    assert first.pages == ["http://x.gov.cn" + COLUMN_2]


def test_discover_links_keeps_the_dated_text_of_a_doubly_linked_report() -> None:
    html = """<a href="/zfxxgknb/t20200301_1.htm"><img src="cover.jpg"></a>
    <a href="/zfxxgknb/t20200301_1.htm">某县2019年政府信息公开工作年度报告</a>"""
    links = discover_links(html, "http://x.gov.cn/zfxxgknb/index.html")
    assert links.reports == [("http://x.gov.cn/zfxxgknb/t20200301_1.htm", "某县2019年政府信息公开工作年度报告")]


def test_discover_links_hanweb_script_datastore() -> None:
    html = """<html><body><div id="1234"><script type="text/xml"><datastore><recordset>
    <record><![CDATA[<li><a href="/art/2024/3/8/art_1229_88.html" title="某某市2023年政府信息公开工作年度报告">某某市2023年政府信息公开…</a></li>]]></record>
    <record><![CDATA[<li><a href="/art/2024/3/9/art_1229_89.html">某某市2023年政府信息公开工作年度报告解读</a></li>]]></record>
    </recordset></datastore></script></div>
    <a href="/col/col1229/index.html?uid=1&pageNum=2">2</a></body></html>"""
    links = discover_links(html, "http://x.gov.cn/col/col1229/index.html")
    assert [u for u, _ in links.reports] == ["http://x.gov.cn/art/2024/3/8/art_1229_88.html"]
    assert [u for u, _ in links.lookalikes] == ["http://x.gov.cn/art/2024/3/9/art_1229_89.html"]
    assert links.pages == ["http://x.gov.cn/col/col1229/index.html?uid=1&pageNum=2"]


def test_attachment_links_only_in_body() -> None:
    html = (SITE_DIR / REPORT_2023.lstrip("/")).read_text("utf-8")
    assert attachment_links(html, "http://x.gov.cn" + REPORT_2023) == ["http://x.gov.cn" + PDF_2023]
    page = '<div id="zoom"><a href="/module/download/downfile.jsp?filename=nb.pdf&id=3">下载</a></div>'
    assert attachment_links(page, "http://x.gov.cn/art/2021/1/28/art_1_2.html") == [
        "http://x.gov.cn/module/download/downfile.jsp?filename=nb.pdf&id=3"
    ]


def test_profiles() -> None:
    assert choose_profile("http://x.gov.cn/zfxxgknb/202403/t20240308_87885.htm").name == "trs"
    assert choose_profile("http://x.gov.cn/art/2021/1/28/art_1229_123.html").name == "hanweb"
    assert choose_profile("http://x.gov.cn/xxgk/xxgkAnnualReport.jsp?id=3").name == "annual-report-module"
    assert choose_profile("http://x.gov.cn/zfxxgknb/", '<script>createPageHTML(3,0,"index","html")</script>').name == "trs"
    assert choose_profile("http://x.gov.cn/other/") is GENERIC is PROFILES[-1]
    xpaths = body_xpaths()
    assert xpaths[0].endswith("' TRS_Editor ')]") and "//article" in xpaths


# --------------------------------------------------------------------------- CLI


def _cli() -> click.Group:
    @click.group()
    def g() -> None:
        pass

    g.add_command(crawl_command, "crawl")
    return g


def test_cli_crawl_single_report(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(_cli(), ["crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 report" in result.stderr and "1 attachment" in result.stderr
    assert str(warc) in result.stderr
    assert set(responses(warc)) == {site.url(REPORT_2023), site.url(PDF_2023)}


def test_cli_crawl_reports_failures(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(_cli(), [
        "crawl", site.url(COLUMN), "--warc", str(warc), "--delay", "0", "--retries", "0",
        "--since", "2021", "--max-pages", "2",
    ])
    assert result.exit_code == 1
    assert site.url(PRIVATE) in result.stderr and "robots.txt" in result.stderr
    assert site.url(REPORT_2020) not in result.stderr  # skipped by --since before any 500
    assert site.count(REPORT_2020) == 0


def test_cli_parse_calls_batch(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[Path], Path]] = []
    fake = types.ModuleType("gkparse.batch")
    fake.convert_paths = lambda paths, out: calls.append((list(paths), out))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gkparse.batch", fake)
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(_cli(), ["crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0", "--parse"])
    assert result.exit_code == 0, result.output
    assert calls == [([warc], tmp_path / "cli.jsonl")]


def test_cli_parse_without_batch(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gkparse.batch", None)  # import raises ImportError
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(_cli(), ["crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0",
                                         "--parse", "-o", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 1
    assert "gkparse convert" in result.stderr
    assert warc.exists()


def test_cli_verbose_logs_fetches(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(_cli(), ["crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0", "-v"])
    assert result.exit_code == 0, result.output
    assert f"GET {site.url(REPORT_2023)} -> 200" in result.stderr


def test_cli_requires_warc() -> None:
    result = CliRunner().invoke(_cli(), ["crawl", "http://127.0.0.1/"])
    assert result.exit_code == 2
    assert "--warc" in result.output
