"""The polite fetcher on an in-memory transport: robots.txt, delays, retries, redirects,
size caps and conditional requests (no sockets; the loopback site tests are in
tests/system/test_crawl.py)."""

from __future__ import annotations

import gzip
import ipaddress
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from gkparse.crawler.decoding import INFLATE_STEP, BodyError, content_codings, decode_stream
from gkparse.crawler.fetcher import AlreadyFetched, Fetcher
from gkparse.crawler.network import Budget, address_kind, host_kind, host_names, refusal
from gkparse.crawler.settings import MAX_CRAWL_DELAY, CrawlSettings, default_user_agent
from gkparse.errors import CrawlError, FetchError
from gkparse.warc import Validators
from tests.support.site import FakeClock

HOST = "http://x.gov.cn"
ROBOTS = b"User-agent: *\nDisallow: /private/\n"

Route = Callable[[httpx.Request], httpx.Response]


@dataclass
class Server:
    """Routes by path; everything else is a 200 HTML page. Logs every request."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        route = self.routes.get(request.url.path)
        if route is not None:
            return route(request)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, content=ROBOTS)
        return httpx.Response(200, content=b"<html>ok</html>", headers={"Content-Type": "text/html"})

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


def _clock() -> FakeClock:
    """A fake clock that starts at 0, as these tests' expected sleeps assume."""
    return FakeClock(start=0.0)


def make_fetcher(server: Server, clock: FakeClock | None = None, validators: dict[str, Validators] | None = None,
                 trusted_hosts: tuple[str, ...] = (), **settings: Any) -> Fetcher:
    clock = clock or _clock()
    options: dict[str, Any] = {"delay": 0.0, "backoff": 1.0}
    options.update(settings)
    return Fetcher(
        CrawlSettings(**options), validators=validators, trusted_hosts=trusted_hosts,
        clock=clock.clock, sleep=clock.sleep, transport=httpx.MockTransport(server),
    )


def always(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Route:
    return lambda request: httpx.Response(status, content=body, headers=headers or {})


# --------------------------------------------------------------------------- settings


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
    assert (settings.max_time, settings.max_reports, settings.max_attachments, settings.allow_private) == (
        300.0, 500, 50, False
    )


# --------------------------------------------------------------------------- robots.txt


def test_robots_is_read_once_per_host_and_obeyed() -> None:
    server = Server()
    fetcher = make_fetcher(server)
    fetcher.fetch(HOST + "/a.htm")
    fetcher.fetch(HOST + "/b.htm")
    with pytest.raises(FetchError, match="disallowed by robots.txt"):
        fetcher.fetch(HOST + "/private/c.htm")
    fetcher.fetch("http://other.gov.cn/d.htm")
    assert server.paths() == ["/robots.txt", "/a.htm", "/b.htm", "/robots.txt", "/d.htm"]
    assert [r.url.host for r in server.requests if r.url.path == "/robots.txt"] == ["x.gov.cn", "other.gov.cn"]
    assert len(fetcher.log) == 5
    assert {r.headers["User-Agent"] for r in server.requests} == {default_user_agent()}


@pytest.mark.parametrize(("status", "allowed"), [(404, True), (410, True), (401, False), (403, False), (500, False)])
def test_robots_status_decides(status: int, allowed: bool) -> None:
    server = Server(routes={"/robots.txt": always(status)})
    fetcher = make_fetcher(server, retries=0)
    if allowed:
        assert fetcher.fetch(HOST + "/private/a.htm").final.status == 200
    else:
        with pytest.raises(FetchError, match=rf"robots.txt unavailable \(HTTP {status}\)"):
            fetcher.fetch(HOST + "/a.htm")
        assert server.paths() == ["/robots.txt"]


def test_unreachable_robots_keeps_out() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    fetcher = make_fetcher(Server(routes={"/robots.txt": refuse}), retries=0)
    with pytest.raises(FetchError, match="robots.txt unavailable .*ConnectError"):
        fetcher.fetch(HOST + "/a.htm")


def test_redirect_into_a_disallowed_path_names_the_target() -> None:
    server = Server(routes={"/a.htm": always(302, headers={"Location": "/private/b.htm"})})
    with pytest.raises(FetchError, match="redirected to http://x.gov.cn/private/b.htm: disallowed"):
        make_fetcher(server).fetch(HOST + "/a.htm")


# --------------------------------------------------------------------------- delays and retries


def test_delay_per_host_and_robots_crawl_delay() -> None:
    clock = _clock()
    server = Server(routes={"/robots.txt": always(200, b"User-agent: *\nCrawl-delay: 3\n")})
    fetcher = make_fetcher(server, clock, delay=2.0)
    fetcher.fetch(HOST + "/a.htm")  # robots.txt, then a.htm 3 s later
    fetcher.fetch(HOST + "/b.htm")
    assert clock.sleeps == [3.0, 3.0]
    starts = [entry.at for entry in fetcher.log]
    assert starts == [0.0, 3.0, 6.0]


def test_5xx_is_retried_with_exponential_backoff() -> None:
    clock = _clock()
    server = Server(routes={"/a.htm": always(503)})
    fetcher = make_fetcher(server, clock, retries=2, backoff=0.5)
    with pytest.raises(FetchError, match=r"HTTP 503 Service Unavailable \(after 3 attempts\)") as caught:
        fetcher.fetch(HOST + "/a.htm")
    assert caught.value.status == 503
    assert clock.sleeps == [0.5, 1.0]
    assert server.paths().count("/a.htm") == 3


def test_retry_after_is_honoured_up_to_a_cap() -> None:
    clock = _clock()
    answers = iter([
        httpx.Response(503, headers={"Retry-After": "5"}),
        httpx.Response(503, headers={"Retry-After": "3600"}),
        httpx.Response(200, content=b"<html>ok</html>"),
    ])
    server = Server(routes={"/a.htm": lambda request: next(answers)})
    fetched = make_fetcher(server, clock, retries=2).fetch(HOST + "/a.htm")
    assert fetched.final.status == 200
    assert clock.sleeps == [5.0, 60.0]


def test_4xx_is_not_retried() -> None:
    server = Server(routes={"/a.htm": always(404)})
    with pytest.raises(FetchError, match="HTTP 404") as caught:
        make_fetcher(server).fetch(HOST + "/a.htm")
    assert caught.value.status == 404
    assert server.paths() == ["/robots.txt", "/a.htm"]


def test_transport_errors_are_retried_then_reported() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    clock = _clock()
    fetcher = make_fetcher(Server(routes={"/a.htm": refuse}), clock, retries=1)
    with pytest.raises(FetchError, match=r"ConnectError: refused \(after 2 attempts\)"):
        fetcher.fetch(HOST + "/a.htm")
    assert [e.error for e in fetcher.log if e.url.endswith("/a.htm")] == ["ConnectError: refused"] * 2
    assert clock.sleeps == [1.0]


# --------------------------------------------------------------------------- redirects and sizes


def test_redirect_hops_are_returned() -> None:
    server = Server(routes={"/old.htm": always(301, b"moved", {"Location": "/new.htm"})})
    fetcher = make_fetcher(server)
    fetched = fetcher.fetch(HOST + "/old.htm")
    assert [(hop.url, hop.status) for hop in fetched.hops] == [(HOST + "/old.htm", 301), (HOST + "/new.htm", 200)]
    assert fetched.url == HOST + "/new.htm"
    assert fetcher.fetched == {HOST + "/old.htm", HOST + "/new.htm"}
    # A second chain onto the same page is not fetched again.
    server.routes["/other.htm"] = always(302, headers={"Location": "/new.htm"})
    with pytest.raises(AlreadyFetched):
        fetcher.fetch(HOST + "/other.htm")
    assert server.paths().count("/new.htm") == 1


def test_redirect_cap_and_loop() -> None:
    server = Server(routes={f"/hop{n}": always(302, headers={"Location": f"/hop{n + 1}"}) for n in range(10)})
    server.routes["/loop"] = always(302, headers={"Location": "/loop"})
    fetcher = make_fetcher(server, max_redirects=2)
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetcher.fetch(HOST + "/hop0")
    assert [p for p in server.paths() if p.startswith("/hop")] == ["/hop0", "/hop1", "/hop2"]
    with pytest.raises(FetchError, match="redirect loop"):
        fetcher.fetch(HOST + "/loop")


def test_redirect_without_location_fails() -> None:
    server = Server(routes={"/a.htm": always(302)})
    with pytest.raises(FetchError, match="HTTP 302 without a Location header"):
        make_fetcher(server).fetch(HOST + "/a.htm")


def test_size_cap_by_header_and_by_stream() -> None:
    def streamed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"x" * 600, b"x" * 600]))  # no Content-Length

    server = Server(routes={"/big.pdf": always(200, b"x" * 2000), "/stream.pdf": streamed})
    fetcher = make_fetcher(server, max_bytes=1000)
    with pytest.raises(FetchError, match=r"too large \(2000 bytes > 1000\)"):
        fetcher.fetch(HOST + "/big.pdf")
    with pytest.raises(FetchError, match="more than 1000 bytes"):
        fetcher.fetch(HOST + "/stream.pdf")
    assert fetcher.fetch(HOST + "/small.htm").final.body == b"<html>ok</html>"


# --------------------------------------------------------------------------- conditional requests


def test_validators_are_sent_only_on_conditional_fetches() -> None:
    validators = {HOST + "/a.htm": Validators(etag='"v1"', last_modified="Fri, 08 Mar 2024 02:30:00 GMT")}

    def conditional(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, content=b"<html>new</html>")

    server = Server(routes={"/a.htm": conditional})
    fetcher = make_fetcher(server, validators=validators)
    assert fetcher.fetch(HOST + "/a.htm").final.status == 200
    fetched = fetcher.fetch(HOST + "/a.htm", conditional=True)
    assert fetched.not_modified
    sent = [r for r in server.requests if r.url.path == "/a.htm"]
    assert "If-None-Match" not in sent[0].headers
    assert sent[1].headers["If-Modified-Since"] == "Fri, 08 Mar 2024 02:30:00 GMT"


def test_a_304_without_asking_is_a_failure() -> None:
    with pytest.raises(FetchError, match="HTTP 304"):
        make_fetcher(Server(routes={"/a.htm": always(304)})).fetch(HOST + "/a.htm")


# --------------------------------------------------------------------------- what came back


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
    headers = {"Content-Type": content_type} if content_type else {}
    server = Server(routes={"/a": always(200, body, headers)})
    assert make_fetcher(server).fetch(HOST + "/a").is_html is html


# --------------------------------------------------------------------------- limits (issue 14)


def test_crawl_delay_is_capped_and_noted() -> None:
    clock = _clock()
    server = Server(routes={"/robots.txt": always(200, b"User-agent: *\nCrawl-delay: 86400\n")})
    fetcher = make_fetcher(server, clock, delay=2.0)
    fetcher.fetch(HOST + "/a.htm")
    fetcher.fetch(HOST + "/b.htm")
    assert clock.sleeps == [MAX_CRAWL_DELAY, MAX_CRAWL_DELAY]
    assert fetcher.notes == [f"{HOST}: robots.txt Crawl-delay 86400 s capped at 60 s"]


def gzipped(data: bytes, times: int = 1) -> bytes:
    for _ in range(times):
        data = gzip.compress(data)
    return data


def zeros_gzipped(mib: int) -> bytes:
    """``mib`` MiB of zeros gzipped twice, compressed a MiB at a time."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    once = b"".join(compressor.compress(bytes(1024 * 1024)) for _ in range(mib)) + compressor.flush()
    return gzip.compress(once)


def encoded(body: bytes, coding: str) -> Route:
    """A streamed response (so the fetcher reads it raw) with a Content-Encoding."""
    return lambda request: httpx.Response(200, content=iter([body[:7], body[7:]]),
                                          headers={"Content-Encoding": coding, "Content-Type": "text/html"})


def test_content_encodings_are_decoded_while_streaming_within_the_cap() -> None:
    page = b"<html>" + b"report " * 500 + b"</html>"
    server = Server(routes={
        "/gzip": encoded(gzipped(page), "gzip"),
        "/twice": encoded(gzipped(page, 2), "gzip, gzip"),
        "/deflate": encoded(zlib.compress(page), "deflate"),
        "/raw-deflate": encoded(zlib.compress(page, wbits=-15)[:], "deflate"),
        "/members": encoded(gzipped(page[:100]) + gzipped(page[100:]), "gzip"),
        "/bomb": encoded(zeros_gzipped(8), "gzip, gzip"),
        "/thrice": encoded(gzipped(page, 3), "gzip, gzip, gzip"),
        "/broken": encoded(b"not gzip at all", "gzip"),
    })
    fetcher = make_fetcher(server, max_bytes=len(page))
    for path in ("/gzip", "/twice", "/deflate", "/raw-deflate", "/members"):
        assert fetcher.fetch(HOST + path).final.body == page, path
    with pytest.raises(FetchError, match=rf"more than {len(page)} bytes once decoded from gzip, gzip"):
        fetcher.fetch(HOST + "/bomb")
    with pytest.raises(FetchError, match=r"3 stacked Content-Encodings \(at most 2 are decoded\)"):
        fetcher.fetch(HOST + "/thrice")
    with pytest.raises(FetchError, match="cannot decode Content-Encoding gzip"):
        fetcher.fetch(HOST + "/broken")
    # The codings asked for are the ones decoded.
    assert {r.headers["Accept-Encoding"] for r in server.requests} == {"gzip, deflate"}


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


def slow_stream(chunks: int, pause: float) -> Iterator[bytes]:
    for _ in range(chunks):
        time.sleep(pause)
        yield b"x"


def test_time_budget_ends_a_dripping_response_without_retry() -> None:
    server = Server(routes={"/drip": lambda request: httpx.Response(200, content=slow_stream(1000, 0.01))})
    fetcher = make_fetcher(server, max_time=0.05, retries=3)
    with pytest.raises(FetchError, match=r"too slow: no complete response within max_time=0.05 s") as caught:
        fetcher.fetch(HOST + "/drip")
    assert caught.value.status == 200
    assert server.paths().count("/drip") == 1


def test_budget_clamps_timeouts_to_what_is_left() -> None:
    budget = Budget()
    assert budget.clamp(5.0) == (5.0, False)  # no response under way
    budget.start(1.0)
    limit, cut = budget.clamp(5.0)
    assert cut and limit is not None and 0 < limit <= 1.0
    assert budget.clamp(0.5) == (0.5, False)
    budget.start(0.0)
    with pytest.raises(Exception, match="time budget of 0 s spent"):
        budget.clamp(5.0)
    assert budget.spent and budget.over()


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
    public, refused = refusal("mixed.test", ["10.0.0.1", "1.2.3.4"])
    assert public == ["1.2.3.4"] and refused is None
    public, refused = refusal("inside.test", ["10.0.0.1", "127.0.0.1"])
    assert public == [] and refused is not None
    assert refused.reason == "refused: inside.test resolves to 10.0.0.1, a private address (allow with --allow-private)"


def test_private_addresses_are_refused_per_hop_unless_trusted_or_allowed() -> None:
    server = Server(routes={
        "/go": always(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
        "/local": always(302, headers={"Location": "http://localhost:8000/admin"}),
    })
    fetcher = make_fetcher(server)
    with pytest.raises(FetchError, match=r"^http://x.gov.cn/go: redirected to http://169.254.169.254/latest/meta-data/: "
                                         r"refused: 169.254.169.254 is a link-local address"):
        fetcher.fetch(HOST + "/go")
    with pytest.raises(FetchError, match="redirected to http://localhost:8000/admin: refused: localhost is a loopback"):
        fetcher.fetch(HOST + "/local")
    with pytest.raises(FetchError, match=r"^http://10.1.2.3/a.htm: refused: 10.1.2.3 is a private address"):
        fetcher.fetch("http://10.1.2.3/a.htm")
    # Nothing was asked of a refused host, robots.txt included; no request is logged for it.
    assert {r.url.host for r in server.requests} == {"x.gov.cn"}
    assert all("10.1.2.3" not in entry.url for entry in fetcher.log)

    trusted = make_fetcher(server, trusted_hosts=("10.1.2.3",))
    assert trusted.fetch("http://10.1.2.3/a.htm").final.status == 200
    allowed = make_fetcher(server, allow_private=True)
    assert allowed.fetch(HOST + "/go").url == "http://169.254.169.254/latest/meta-data/"
