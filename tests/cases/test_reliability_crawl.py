"""The crawler's repros of fixtures/cases/reliability/ (issue 14): 05 a stacked-gzip bomb,
23 redirects and links to private addresses, 24 a server dripping its body, 25 a huge
robots.txt Crawl-delay, 31 a list page of ten thousand links, 32 a wrong Content-Type.

Each runs against a site on 127.0.0.1 (nothing else is contacted: hosts other than the
start host are refused before any connection, or resolved to 127.0.0.1 by a patched
resolver, which the forked crawl process inherits) and asserts bounded work through what
the crawl recorded (failures and their reasons, skipped links, requests seen by the
server and logged by the crawl, the delays it set, memory traced around the decoder the
crawl runs), never through wall-clock thresholds.
"""

from __future__ import annotations

import gzip
import http.server
import socketserver
import threading
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from gkparse.batch import convert
from gkparse.cli import main
from gkparse.crawler import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_REPORTS,
    MAX_CRAWL_DELAY,
    attachment_links,
    crawl,
)
from gkparse.crawler import network as network_module
from gkparse.crawler.decoding import BodyError, decode_body
from tests.support import FIXTURES

RELIABILITY = FIXTURES / "cases" / "reliability"
TITLE = "某县2023年政府信息公开工作年度报告"
REPORT_PAGE = f"<html><head><title>{TITLE}</title></head><body><h1>{TITLE}</h1><p>申请人情况 本年新收 第二十条</p></body></html>"

Handler = Callable[[http.server.BaseHTTPRequestHandler], None]


# --------------------------------------------------------------------------- a loopback site


@dataclass
class Site:
    base: str
    routes: dict[str, Handler]
    seen: Counter[str] = field(default_factory=Counter)  # path -> requests received
    hosts: set[str] = field(default_factory=set)  # Host headers received
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return self.base + path


def send(h: http.server.BaseHTTPRequestHandler, status: int, body: bytes = b"",
         ctype: str = "text/html; charset=utf-8", headers: tuple[tuple[str, str], ...] = ()) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    for key, value in headers:
        h.send_header(key, value)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


def page(body: str = REPORT_PAGE, ctype: str = "text/html; charset=utf-8") -> Handler:
    return lambda h: send(h, 200, body.encode(), ctype)


def redirect(location: str) -> Handler:
    return lambda h: send(h, 302, headers=(("Location", location),))


@contextmanager
def serve(routes: dict[str, Handler]) -> Iterator[Site]:
    """Serve ``routes`` on 127.0.0.1 (robots.txt allows all unless routed); a path ending
    in ``*`` routes every path it begins."""

    class H(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            site.seen[path] += 1
            site.hosts.add(self.headers.get("Host", ""))
            route = routes.get(path) or next((r for p, r in routes.items() if p.endswith("*") and path.startswith(p[:-1])), None)
            try:
                if route is not None:
                    route(self)
                elif path == "/robots.txt":
                    send(self, 200, b"User-agent: *\nAllow: /\n", "text/plain")
                else:
                    send(self, 404, b"not found")
            except OSError:
                pass  # the crawler hung up (a refused or too slow response)

    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a connection the crawler dropped (a refused, too large or too slow response)

    server = S(("127.0.0.1", 0), H)
    site = Site(f"http://127.0.0.1:{server.server_address[1]}", routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()


def responses(warc: Path) -> list[str]:
    with open(warc, "rb") as fh:
        return [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh) if r.rec_type == "response"]


# --------------------------------------------------------------------------- 05


def test_05_stacked_gzip_bomb_fails_at_the_decoded_cap(tmp_path: Path) -> None:
    # 3,477 bytes: 2 GiB of zeros gzipped twice, served as Content-Encoding: gzip, gzip.
    bomb = (RELIABILITY / "05-crawl-gzip2-bomb.body").read_bytes()
    honest = gzip.compress(gzip.compress(REPORT_PAGE.encode()))
    routes = {
        "/zfxxgknb/t20240308_1.htm": lambda h: send(h, 200, bomb, headers=(("Content-Encoding", "gzip, gzip"),)),
        "/zfxxgknb/t20240308_2.htm": lambda h: send(h, 200, honest, headers=(("Content-Encoding", "gzip, gzip"),)),
        "/zfxxgknb/t20240308_3.htm": lambda h: send(h, 200, honest, headers=(("Content-Encoding", "gzip, gzip, gzip"),)),
        "/zfxxgknb/t20240308_4.htm": lambda h: send(h, 200, b"x", headers=(("Content-Encoding", "br"),)),
    }
    warc = tmp_path / "bomb.warc.gz"
    with serve(routes) as site:
        result = crawl([site.url(p) for p in routes], warc, delay=0, retries=0)
    # The crawl runs in a child process: the memory is traced here, around the very
    # decoding its BodyDecoder applies to each response.
    tracemalloc.start()
    try:
        with pytest.raises(BodyError, match="once decoded from gzip, gzip"):
            decode_body(bomb, ["gzip, gzip"], DEFAULT_MAX_BYTES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    reasons = {f.url.rsplit("/", 1)[1]: f.reason for f in result.failures}
    assert reasons == {
        "t20240308_1.htm": f"response too large (more than {DEFAULT_MAX_BYTES} bytes once decoded from gzip, gzip)",
        "t20240308_3.htm": "3 stacked Content-Encodings (at most 2 are decoded)",
        "t20240308_4.htm": "unsupported Content-Encoding: br",
    }
    # The cap applied while inflating: memory stayed a small multiple of it (expect.md:
    # < 200 MB at the default), not the 2 GiB the body inflates to.
    assert peak < 4 * DEFAULT_MAX_BYTES
    # A legitimately double-gzipped report is decoded and archived as the page it is.
    assert result.reports == [site.url("/zfxxgknb/t20240308_2.htm")]
    with open(warc, "rb") as fh:
        stored = [(r.content_stream().read(), r.http_headers.get_header("Content-Encoding"))
                  for r in ArchiveIterator(fh) if r.rec_type == "response"]
    assert stored == [(REPORT_PAGE.encode(), None)]


# --------------------------------------------------------------------------- 23


def test_23_redirect_to_the_metadata_address_is_refused_before_any_request(tmp_path: Path) -> None:
    routes = {
        "/go": redirect("http://169.254.169.254/latest/meta-data/iam/"),
        "/rfc1918": redirect("http://10.0.0.1/zfxxgknb/t20240308_1.htm"),
        "/cgnat": redirect("http://100.64.0.1/"),
        "/mapped": redirect("http://[::ffff:127.0.0.1]/"),
        "/decimal": redirect("http://2852039166/"),  # 169.254.169.254 spelled as one number
    }
    warc = tmp_path / "ssrf.warc.gz"
    with serve(routes) as site:
        result = crawl([site.url(p) for p in routes], warc, delay=0, retries=0)
    asked = [entry.url for entry in result.log if not entry.url.startswith(site.base + "/")]
    assert asked == []  # not even robots.txt
    reasons = {f.url.rsplit("/", 1)[1]: f.reason for f in result.failures}
    assert reasons["go"] == (
        "redirected to http://169.254.169.254/latest/meta-data/iam/: "
        "refused: 169.254.169.254 is a link-local address (allow with --allow-private)"
    )
    assert "10.0.0.1 is a private address" in reasons["rfc1918"]
    assert "100.64.0.1 is a shared (CGNAT) address" in reasons["cgnat"]
    assert "is a loopback address" in reasons["mapped"]
    assert "2852039166 is a link-local address" in reasons["decimal"]
    assert result.reports == [] and responses(warc) == []


def test_23_other_loopback_hosts_and_links_are_refused_the_start_host_is_not(tmp_path: Path) -> None:
    routes: dict[str, Handler] = {}
    with serve(routes) as site:
        port = site.base.rsplit(":", 1)[1]
        list_page = "".join(
            f'<li><a href="{href}">{TITLE}{i}</a></li>'
            for i, href in enumerate([
                "/zfxxgknb/t20240308_1.htm",  # the start host: fetched
                f"http://127.0.0.2:{port}/zfxxgknb/t20240308_2.htm",  # another loopback address
                f"http://localhost:{port}/zfxxgknb/t20240308_3.htm",  # a loopback name
            ])
        )
        routes["/zfxxgknb/index.html"] = page(f"<ul>{list_page}</ul>")
        routes["/zfxxgknb/t20240308_1.htm"] = page()
        routes["/old.htm"] = redirect(f"http://localhost:{port}/zfxxgknb/t20240308_1.htm")
        result = crawl([site.url("/zfxxgknb/index.html"), site.url("/old.htm")], tmp_path / "o.warc.gz",
                       delay=0, retries=0)
    assert result.reports == [site.url("/zfxxgknb/t20240308_1.htm")]
    reasons = {f.url: f.reason for f in result.failures}
    assert reasons == {
        f"http://127.0.0.2:{port}/zfxxgknb/t20240308_2.htm":
            "refused: 127.0.0.2 is a loopback address (allow with --allow-private)",
        f"http://localhost:{port}/zfxxgknb/t20240308_3.htm":
            "refused: localhost is a loopback address (allow with --allow-private)",
        site.url("/old.htm"): f"redirected to http://localhost:{port}/zfxxgknb/t20240308_1.htm: "
                              "refused: localhost is a loopback address (allow with --allow-private)",
    }
    assert site.hosts == {f"127.0.0.1:{port}"}  # nothing came in under another host name


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> None:
    """``rebind.test`` resolves to 127.0.0.1 (a public-looking name on a private address,
    as after DNS rebinding); other names resolve as usual."""
    real = network_module.resolve_host

    def resolve(host: str, port: int) -> list[str]:
        return ["127.0.0.1"] if host == "rebind.test" else real(host, port)

    monkeypatch.setattr(network_module, "resolve_host", resolve)


@pytest.mark.usefixtures("rebinding")
def test_23_a_name_resolving_to_a_private_address_is_refused_at_connect_time(tmp_path: Path) -> None:
    routes: dict[str, Handler] = {"/page.htm": page()}
    with serve(routes) as site:
        port = site.base.rsplit(":", 1)[1]
        routes["/go"] = redirect(f"http://rebind.test:{port}/page.htm")
        refused = crawl([site.url("/go")], tmp_path / "refused.warc.gz", delay=0, retries=0)
        assert site.seen["/page.htm"] == 0 and site.hosts == {f"127.0.0.1:{port}"}

        # Allowed by the option (library and command line), the same redirect is followed.
        allowed = crawl([site.url("/go")], tmp_path / "allowed.warc.gz", delay=0, retries=0,
                        allow_private=True)
        cli = CliRunner().invoke(main, ["crawl", site.url("/go"), "--warc", str(tmp_path / "cli.warc.gz"),
                                        "--delay", "0", "--allow-private"])
        without = CliRunner().invoke(main, ["crawl", site.url("/go"), "--warc", str(tmp_path / "cli2.warc.gz"),
                                            "--delay", "0"])
    [failure] = refused.failures
    assert failure.reason == (
        f"redirected to http://rebind.test:{port}/page.htm: "
        "refused: rebind.test resolves to 127.0.0.1, a loopback address (allow with --allow-private)"
    )
    assert refused.reports == [] and responses(tmp_path / "refused.warc.gz") == []
    assert allowed.failures == [] and allowed.reports == [f"http://rebind.test:{port}/page.htm"]
    assert cli.exit_code == 0, cli.output
    assert without.exit_code == 1 and "rebind.test resolves to 127.0.0.1" in without.stderr


# --------------------------------------------------------------------------- 24


def test_24_a_dripping_server_fails_as_too_slow_and_the_crawl_goes_on(tmp_path: Path) -> None:
    def drip(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        while not site.stop.is_set():
            h.wfile.write(b"x")
            h.wfile.flush()
            time.sleep(0.02)  # every byte well inside the 5 s read timeout

    def mute(h: http.server.BaseHTTPRequestHandler) -> None:
        site.stop.wait(10)  # accepts, never answers

    routes = {"/zfxxgknb/t20240308_1.htm": drip, "/zfxxgknb/t20240308_2.htm": mute, "/zfxxgknb/t20240308_3.htm": page()}
    with serve(routes) as site:
        result = crawl([site.url(p) for p in routes], tmp_path / "slow.warc.gz",
                       delay=0, timeout=5, retries=2, max_time=0.3)
        seen = dict(site.seen)
    reasons = {f.url.rsplit("/", 1)[1]: f.reason for f in result.failures}
    too_slow = "too slow: no complete response within max_time=0.3 s"
    assert reasons == {"t20240308_1.htm": too_slow, "t20240308_2.htm": too_slow}
    # The budget is spent, not retried: one request each; then the next URL is crawled.
    assert seen["/zfxxgknb/t20240308_1.htm"] == seen["/zfxxgknb/t20240308_2.htm"] == 1
    assert result.reports == [site.url("/zfxxgknb/t20240308_3.htm")]


# --------------------------------------------------------------------------- 25


def test_25_crawl_delay_is_honoured_up_to_the_cap_and_noted(tmp_path: Path) -> None:
    routes = {
        "/robots.txt": lambda h: send(h, 200, b"User-agent: *\nCrawl-delay: 100000\n", "text/plain"),
        "/zfxxgknb/t20240308_1.htm": page(),
    }
    with serve(routes) as site:
        # One page after robots.txt (which has a slot of its own): the host's delay is set,
        # but no second request waits for it (tests/system/test_crawl.py shows a Crawl-delay
        # of 1 s spacing real requests).
        result = crawl([site.url("/zfxxgknb/t20240308_1.htm")], tmp_path / "d.warc.gz")
    assert MAX_CRAWL_DELAY == 60.0
    assert result.delays == {site.base: 60.0}  # the delay Scrapy spaces this host's requests by
    assert result.notes == [f"{site.base}: robots.txt Crawl-delay 100000 s capped at 60 s"]
    assert len(result.reports) == 1 and result.failures == []


# --------------------------------------------------------------------------- 31


def test_31_report_links_per_column_are_capped_and_the_rest_listed(tmp_path: Path) -> None:
    links = "".join(f'<li><a href="/zfxxgknb/t20240308_{i}.htm">{TITLE}{i}</a></li>' for i in range(10_000))
    routes = {"/zfxxgknb/index.html": page(f"<ul>{links}</ul>"), "/zfxxgknb/t*": page()}
    with serve(routes) as site:
        result = crawl([site.url("/zfxxgknb/index.html")], tmp_path / "many.warc.gz",
                       delay=0, max_reports=5)
        cli = CliRunner().invoke(main, ["crawl", site.url("/zfxxgknb/index.html"), "--warc", str(tmp_path / "c.warc.gz"),
                                        "--delay", "0", "--max-reports", "3"])
        fetched = sum(n for path, n in site.seen.items() if path.startswith("/zfxxgknb/t"))
    assert DEFAULT_MAX_REPORTS == 500
    assert len(result.reports) == 5
    beyond = [s for s in result.skipped if s.reason == "beyond max_reports=5"]
    assert len(beyond) == 10_000 - 5  # counted and listed, never dropped silently
    assert fetched == 5 + 3  # the library crawl, then the command's
    assert cli.exit_code == 0, cli.output
    assert "3 reports" in cli.stderr and "9997 skipped (9997 beyond max_reports)" in cli.stderr


def test_31_attachments_are_linear_and_capped(tmp_path: Path) -> None:
    # attachment_links keeps the first of each URL, in order, through a set (it compared
    # against its output list: 20k links took seconds).
    body = "".join(f'<a href="/files/P{i % 20_000}.pdf">附件{i}.pdf</a>' for i in range(30_000))
    found = attachment_links(f'<div class="TRS_Editor">{body}</div>', "http://127.0.0.1/a/t20240308_1.htm")
    assert found == [f"http://127.0.0.1/files/P{i}.pdf" for i in range(20_000)]

    attachments = "".join(f'<a href="/files/P{i}.pdf">附件{i}.pdf</a>' for i in range(200))
    report = REPORT_PAGE.replace("</body>", f'<div class="TRS_Editor">{attachments}</div></body>')
    routes = {"/zfxxgknb/t20240308_1.htm": page(report), "/files/*": page("%PDF-1.4", "application/pdf")}
    with serve(routes) as site:
        result = crawl([site.url("/zfxxgknb/t20240308_1.htm")], tmp_path / "att.warc.gz",
                       delay=0, max_attachments=3)
        fetched = sum(n for path, n in site.seen.items() if path.startswith("/files/"))
    assert len(result.attachments) == fetched == 3
    assert sum(s.reason == "beyond max_attachments=3" for s in result.skipped) == 197


# --------------------------------------------------------------------------- 32


def test_32_the_body_decides_over_the_content_type(tmp_path: Path) -> None:
    links = "".join(f'<li><a href="/zfxxgknb/t20240308_{i}.htm">{TITLE}{i}</a></li>' for i in range(3))
    report_with_attachment = REPORT_PAGE.replace("</body>", '<div id="zoom"><a href="/files/nb.pdf">附件.pdf</a></div></body>')
    routes = {
        "/list": page(f"<ul>{links}</ul>", "image/png"),
        "/zfxxgknb/t20240308_0.htm": page(),
        "/zfxxgknb/t20240308_9.htm": page(report_with_attachment, "application/pdf"),
        "/files/nb.pdf": page("%PDF-1.4 <html>", "text/html"),
    }
    with serve(routes) as site:
        a = crawl([site.url("/list")], tmp_path / "a.warc.gz", delay=0, retries=0)
        b = crawl([site.url("/zfxxgknb/t20240308_9.htm")], tmp_path / "b.warc.gz", delay=0, retries=0)
        alone = crawl([site.url("/zfxxgknb/t20240308_9.htm")], tmp_path / "alone.warc.gz", delay=0, retries=0,
                      attachments=False)
    # (a) The list page served as image/png is read as the list it is, not archived as a report.
    assert a.list_pages == [site.url("/list")]
    assert a.reports == [site.url("/zfxxgknb/t20240308_0.htm")]
    assert sorted(f.status for f in a.failures) == [404, 404]  # _1 and _2 do not exist
    assert site.url("/list") not in responses(tmp_path / "a.warc.gz")
    # (b) The report served as application/pdf is read as HTML: its attachment is found
    # (and a PDF served as text/html is not searched for links) ...
    assert b.reports == [site.url("/zfxxgknb/t20240308_9.htm")]
    assert b.attachments == [site.url("/files/nb.pdf")]
    # ... and `gkparse convert` parses it.
    assert alone.reports == b.reports
    stats = convert([str(tmp_path / "alone.warc.gz")], str(tmp_path / "alone.jsonl"), workers=1)
    assert stats.parsed_by == Counter({"html": 1}) and stats.failed == 0
