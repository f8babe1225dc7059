"""robots.txt as the fetcher obeys it (Protego, RFC 9309 as Scrapy reads it), on an
in-memory transport: the most specific rule wins, ``*`` and ``$`` patterns, user-agent
groups matched on the product token, and what a missing, guarded or broken robots.txt
means. Each rule case the stdlib parser read wrongly says so, so the table cannot pass
against it."""

from __future__ import annotations

import urllib.robotparser
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from protego import Protego

from gkparse.crawler.fetcher import Fetcher, Robots, robots_token
from gkparse.crawler.settings import MAX_CRAWL_DELAY, ROBOTS_MAX_BYTES, CrawlSettings
from gkparse.errors import FetchError
from tests.support.site import FakeClock

HOST = "http://www.example.gov.cn"


def _fetcher(robots: Callable[[httpx.Request], httpx.Response], log: list[str] | None = None,
             clock: FakeClock | None = None, **settings: Any) -> Fetcher:
    """A fetcher whose host serves ``robots`` at /robots.txt and a page everywhere else."""

    def serve(request: httpx.Request) -> httpx.Response:
        if log is not None:
            log.append(request.url.path)
        if request.url.path == "/robots.txt":
            return robots(request)
        return httpx.Response(200, content=b"<html>ok</html>", headers={"Content-Type": "text/html"})

    clock = clock or FakeClock(start=0.0)
    options: dict[str, Any] = {"delay": 0.0, "backoff": 1.0, "retries": 0}
    options.update(settings)
    return Fetcher(CrawlSettings(**options), clock=clock.clock, sleep=clock.sleep, transport=httpx.MockTransport(serve))


def _serving(text: str | bytes, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    body = text.encode("utf-8") if isinstance(text, str) else text
    return lambda request: httpx.Response(status, content=body, headers={"Content-Type": "text/plain"})


def _allowed(fetcher: Fetcher, path: str) -> bool:
    try:
        fetcher.fetch(HOST + path)
    except FetchError as exc:
        assert "robots.txt" in exc.reason, exc.reason
        return False
    return True


def _stdlib_allows(robots: str, path: str, agent: str) -> bool:
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(robots.splitlines())
    return parser.can_fetch(agent, HOST + path)


# (robots.txt, path, allowed, what it shows, whether the stdlib parser got it wrong)
ALLOW_UNDER_DISALLOW = "User-agent: *\nDisallow: /zwgk/\nAllow: /zwgk/zfxxgknb/\n"
XLS_ANCHORED = "User-agent: *\nDisallow: /*.xls$\n"
RULES = [
    (ALLOW_UNDER_DISALLOW, "/zwgk/zfxxgknb/index.htm", True, "an Allow permits a column under a broader Disallow", True),
    (ALLOW_UNDER_DISALLOW, "/zwgk/zfxxgknb/", True, "the column itself", True),
    (ALLOW_UNDER_DISALLOW, "/zwgk/tzgg/index.htm", False, "the rest of the Disallow stands", False),
    ("User-agent: *\nAllow: /zwgk/zfxxgknb/\nDisallow: /zwgk/\n", "/zwgk/zfxxgknb/a.htm", True, "order does not matter", False),
    ("User-agent: *\nDisallow: /zwgk/zfxxgknb/\nAllow: /zwgk/\n", "/zwgk/zfxxgknb/a.htm", False,
     "the longer Disallow wins over a shorter Allow listed after it", False),
    ("User-agent: *\nDisallow: /a.htm\nAllow: /a.htm\n", "/a.htm", True, "a tie goes to Allow (least restrictive)", True),
    (XLS_ANCHORED, "/files/report.xls", False, "$ anchors the pattern at the end", True),
    (XLS_ANCHORED, "/files/report.xlsx", True, "a longer name does not end in .xls", False),
    (XLS_ANCHORED, "/files/report.xls?download=1", True, "a query after .xls: the URL does not end there", False),
    ("User-agent: *\nDisallow: /*/print/\n", "/zwgk/print/1.htm", False, "* matches any characters", True),
    ("User-agent: *\nDisallow: /*/print/\n", "/print/1.htm", True, "* then / needs a segment before", False),
    ("User-agent: *\nDisallow: /*?keyword=\n", "/search/index.htm?keyword=nb", False, "a wildcard reaching into the query", True),
    ("User-agent: *\nDisallow: /zwgk/*.pdf\n", "/zwgk/nb/2024.pdf", False, "a wildcard inside a path", True),
    ("User-agent: *\nDisallow: /信息公开/\n", "/%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80/a.htm", False,
     "a rule in UTF-8 matches the percent-encoded URL", False),
    ("\ufeffUser-agent: *\nDisallow: /private/\n", "/private/a.htm", False, "a byte-order mark before the first line", True),
    ("User-agent: *\nDisallow:\n", "/anything.htm", True, "an empty Disallow allows all", False),
]


@pytest.mark.parametrize(("robots", "path", "allowed", "what", "stdlib_wrong"), RULES, ids=[r[3] for r in RULES])
def test_rules(robots: str, path: str, allowed: bool, what: str, stdlib_wrong: bool) -> None:
    fetcher = _fetcher(_serving(robots))
    assert _allowed(fetcher, path) is allowed, what
    if stdlib_wrong:  # the case the stdlib parser read wrongly (the reason for Protego)
        assert _stdlib_allows(robots, path, fetcher.agent) is not allowed


GROUPS = """\
User-agent: *
Disallow: /

User-agent: otherbot
User-agent: GKParse
Disallow: /private/
Crawl-delay: 4

User-agent: pypi
Allow: /
"""


def test_the_group_of_our_product_token_applies_not_the_catch_all() -> None:
    fetcher = _fetcher(_serving(GROUPS))
    assert _allowed(fetcher, "/zwgk/nb.htm")  # `*` says Disallow: /, our group (named with another, any case) does not
    assert not _allowed(fetcher, "/private/a.htm")
    # The default User-Agent holds pypi.org: matching on the whole header would take the `pypi` group.
    assert "pypi" in fetcher.agent and fetcher.robots_name == "gkparse"


def test_another_agent_gets_the_catch_all_group() -> None:
    fetcher = _fetcher(_serving(GROUPS), user_agent="ProbeBot/1.0 (+mailto:x@example.org)")
    assert fetcher.robots_name == "probebot"
    assert not _allowed(fetcher, "/zwgk/nb.htm")


def test_a_group_that_names_someone_else_is_not_ours() -> None:
    fetcher = _fetcher(_serving("User-agent: gkparse-beta\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n"))
    assert _allowed(fetcher, "/zwgk/nb.htm") and not _allowed(fetcher, "/tmp/a.htm")


def test_crawl_delay_comes_from_our_group() -> None:
    clock = FakeClock(start=0.0)
    fetcher = _fetcher(_serving(GROUPS), clock=clock)
    fetcher.fetch(HOST + "/a.htm")
    fetcher.fetch(HOST + "/b.htm")
    assert clock.sleeps == [4.0, 4.0]  # robots.txt → a.htm → b.htm


def test_a_huge_crawl_delay_is_capped_and_noted() -> None:
    clock = FakeClock(start=0.0)
    fetcher = _fetcher(_serving("User-agent: *\nCrawl-delay: 3600\n"), clock=clock)
    fetcher.fetch(HOST + "/a.htm")
    assert clock.sleeps == [MAX_CRAWL_DELAY]
    assert fetcher.notes == [f"{HOST}: robots.txt Crawl-delay 3600 s capped at {MAX_CRAWL_DELAY:g} s"]


def test_robots_token_and_an_unavailable_file() -> None:
    assert robots_token("gkparse/0.1.0 (+https://pypi.org/project/gkparse/)") == "gkparse"
    assert robots_token(" Probe_Bot/2.1") == "probe_bot"
    anything = Protego.parse("User-agent: *\nAllow: /\n")
    assert Robots(anything).allows(HOST + "/a.htm", "gkparse")
    assert not Robots(anything, unavailable="robots.txt unavailable (HTTP 503)").allows(HOST + "/a.htm", "gkparse")


# --------------------------------------------------------------------------- a robots.txt that is not there


@pytest.mark.parametrize("status", [404, 410, 400, 429])
def test_a_missing_robots_allows_everything(status: int) -> None:
    """Any 4xx but 401/403 means "no robots.txt" (RFC 9309 2.3.1.3): everything allowed,
    its body (an error page) never read as rules."""
    fetcher = _fetcher(_serving("User-agent: *\nDisallow: /\n", status=status))
    assert _allowed(fetcher, "/private/a.htm")


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_a_guarded_or_broken_robots_keeps_the_host_out(status: int) -> None:
    """401/403 (kept from the stdlib parser's reading: a guarded file is no invitation;
    RFC 9309 would allow) and 5xx (RFC 9309 2.3.1.4: complete disallow) keep the host out,
    after the retries for a 5xx; the page is never asked for."""
    log: list[str] = []
    fetcher = _fetcher(_serving("", status=status), log=log, retries=1)
    with pytest.raises(FetchError, match=rf"robots.txt unavailable \(HTTP {status}\)"):
        fetcher.fetch(HOST + "/a.htm")
    assert log == ["/robots.txt"] * (2 if status >= 500 else 1)


def test_a_robots_over_the_size_cap_keeps_the_host_out() -> None:
    log: list[str] = []
    fetcher = _fetcher(_serving(b"#" * (ROBOTS_MAX_BYTES + 1)), log=log)
    with pytest.raises(FetchError, match="robots.txt unavailable .*too large"):
        fetcher.fetch(HOST + "/a.htm")
    assert log == ["/robots.txt"]


def test_a_redirected_robots_is_followed() -> None:
    def robots(request: httpx.Request) -> httpx.Response:
        return httpx.Response(301, headers={"Location": "/robots-real.txt"})

    def serve(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots-real.txt":
            return httpx.Response(200, content=b"User-agent: *\nDisallow: /private/\n")
        if request.url.path == "/robots.txt":
            return robots(request)
        return httpx.Response(200, content=b"<html>ok</html>", headers={"Content-Type": "text/html"})

    clock = FakeClock(start=0.0)
    fetcher = Fetcher(CrawlSettings(delay=0.0), clock=clock.clock, sleep=clock.sleep, transport=httpx.MockTransport(serve))
    assert _allowed(fetcher, "/a.htm") and not _allowed(fetcher, "/private/a.htm")


def test_an_unreachable_robots_keeps_the_host_out() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(FetchError, match=r"robots.txt unavailable \(ConnectError"):
        _fetcher(refuse).fetch(HOST + "/a.htm")
