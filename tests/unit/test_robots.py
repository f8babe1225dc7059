"""robots.txt as the crawl obeys it (Protego, RFC 9309 as Scrapy reads it), on a loopback
site: the most specific rule wins, ``*`` and ``$`` patterns, user-agent groups matched on
the product token, and what a missing, guarded or broken robots.txt means. Each rule case
the stdlib parser read wrongly says so, so the table cannot pass against it. The crawls
run on Scrapy (one per robots.txt, all its paths at once); what the middleware decides is
read from the crawl's failures and from the requests the site saw."""

from __future__ import annotations

import http.server
import threading
import urllib.robotparser
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from protego import Protego

from gkparse.crawler import crawl
from gkparse.crawler.robots import Robots, robots_token
from gkparse.crawler.settings import MAX_CRAWL_DELAY, ROBOTS_MAX_BYTES, default_user_agent

HOST = "http://www.example.gov.cn"


@contextmanager
def robots_site(robots: bytes, status: int = 200, redirect: str | None = None) -> Iterator[tuple[str, list[str]]]:
    """A loopback site answering ``/robots.txt`` with ``status`` and ``robots`` (or a 301 to
    ``redirect``, which serves the rules) and a report page everywhere else. Yields the base
    URL and the log of paths asked for."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            if self.path == "/robots.txt" and redirect is not None:
                self._send(301, b"", {"Location": redirect})
            elif self.path in ("/robots.txt", redirect):
                self._send(status, robots, {"Content-Type": "text/plain"})
            else:
                self._send(200, "<title>某县2023年政府信息公开工作年度报告</title>".encode(), {"Content-Type": "text/html"})

        def _send(self, code: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(code)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", asked
    finally:
        server.shutdown()
        server.server_close()


def allowed_paths(tmp_path: Path, robots: str | bytes, paths: list[str], status: int = 200,
                  **options: Any) -> tuple[dict[str, bool], list[str], Any]:
    """Crawl ``paths`` (as single reports) against ``robots``: which were allowed (a
    failure naming robots.txt = kept out), the paths the site saw and the result."""
    body = robots.encode("utf-8") if isinstance(robots, str) else robots
    with robots_site(body, status) as (base, asked):
        result = crawl([base + p for p in paths], tmp_path / "r.warc.gz", delay=0, retries=0, **options)
    kept_out = {f.url[len(base):]: f.reason for f in result.failures}
    for reason in kept_out.values():
        assert "robots.txt" in reason, reason
    return {p: p not in kept_out for p in paths}, list(asked), result


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


ROBOTS_FILES = sorted({rule[0] for rule in RULES})


@pytest.mark.parametrize("robots", ROBOTS_FILES, ids=[f"file{i}" for i in range(len(ROBOTS_FILES))])
def test_rules(robots: str, tmp_path: Path) -> None:
    rules = [r for r in RULES if r[0] == robots]
    # Paths are made unique per rule (a query tag keeps each its own report URL) only
    # where two rules of one file share a path; here they never do.
    paths = [r[1] for r in rules]
    assert len(set(paths)) == len(paths)
    # Every path is given as a report URL: article-shaped or not, each is fetched or kept out.
    got, _, _ = allowed_paths(tmp_path, robots, paths)
    for _, path, allowed, what, stdlib_wrong in rules:
        assert got[path] is allowed, what
        if stdlib_wrong:  # the case the stdlib parser read wrongly (the reason for Protego)
            assert _stdlib_allows(robots, path, default_user_agent()) is not allowed, what


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


def test_the_group_of_our_product_token_applies_not_the_catch_all(tmp_path: Path) -> None:
    got, _, _ = allowed_paths(tmp_path, GROUPS, ["/zwgk/nb.htm", "/private/a.htm"])
    # `*` says Disallow: /, our group (named with another, any case) does not.
    assert got == {"/zwgk/nb.htm": True, "/private/a.htm": False}
    # The default User-Agent holds pypi.org: matching on the whole header would take the `pypi` group.
    assert "pypi" in default_user_agent() and robots_token(default_user_agent()) == "gkparse"


def test_another_agent_gets_the_catch_all_group(tmp_path: Path) -> None:
    agent = "ProbeBot/1.0 (+mailto:x@example.org)"
    assert robots_token(agent) == "probebot"
    got, _, _ = allowed_paths(tmp_path, GROUPS, ["/zwgk/nb.htm"], user_agent=agent)
    assert got == {"/zwgk/nb.htm": False}


def test_a_group_that_names_someone_else_is_not_ours(tmp_path: Path) -> None:
    got, _, _ = allowed_paths(tmp_path, "User-agent: gkparse-beta\nDisallow: /\n\nUser-agent: *\nDisallow: /tmp/\n",
                              ["/zwgk/nb.htm", "/tmp/a.htm"])
    assert got == {"/zwgk/nb.htm": True, "/tmp/a.htm": False}


def test_crawl_delay_comes_from_our_group(tmp_path: Path) -> None:
    _, _, result = allowed_paths(tmp_path, GROUPS, ["/zwgk/nb.htm"])
    [base] = result.delays
    assert result.delays == {base: 4.0}  # our group's Crawl-delay, not the catch-all's none


def test_a_huge_crawl_delay_is_capped_and_noted(tmp_path: Path) -> None:
    _, _, result = allowed_paths(tmp_path, "User-agent: *\nCrawl-delay: 3600\n", ["/a.htm"])
    [base] = result.delays
    assert result.delays == {base: MAX_CRAWL_DELAY}
    assert result.notes == [f"{base}: robots.txt Crawl-delay 3600 s capped at {MAX_CRAWL_DELAY:g} s"]


def test_robots_token_and_an_unavailable_file() -> None:
    assert robots_token("gkparse/0.1.0 (+https://pypi.org/project/gkparse/)") == "gkparse"
    assert robots_token(" Probe_Bot/2.1") == "probe_bot"
    anything = Protego.parse("User-agent: *\nAllow: /\n")
    assert Robots(anything).allows(HOST + "/a.htm", "gkparse")
    assert not Robots(anything, unavailable="robots.txt unavailable (HTTP 503)").allows(HOST + "/a.htm", "gkparse")


# --------------------------------------------------------------------------- a robots.txt that is not there


@pytest.mark.parametrize("status", [404, 410, 400, 429])
def test_a_missing_robots_allows_everything(status: int, tmp_path: Path) -> None:
    """Any 4xx but 401/403 means "no robots.txt" (RFC 9309 2.3.1.3): everything allowed,
    its body (an error page) never read as rules."""
    got, _, _ = allowed_paths(tmp_path, "User-agent: *\nDisallow: /\n", ["/private/a.htm"], status=status)
    assert got == {"/private/a.htm": True}


@pytest.mark.parametrize("status", [401, 403, 500, 503])
def test_a_guarded_or_broken_robots_keeps_the_host_out(status: int, tmp_path: Path) -> None:
    """401/403 (kept from the stdlib parser's reading: a guarded file is no invitation;
    RFC 9309 would allow) and 5xx (RFC 9309 2.3.1.4: complete disallow) keep the host out,
    after the retries for a 5xx; the page is never asked for."""
    with robots_site(b"", status) as (base, asked):
        result = crawl([base + "/a.htm"], tmp_path / "r.warc.gz", delay=0, retries=1, backoff=0.01)
    [failure] = result.failures
    assert failure.reason == f"robots.txt unavailable (HTTP {status})"
    assert asked == ["/robots.txt"] * (2 if status >= 500 else 1)


def test_a_robots_over_the_size_cap_keeps_the_host_out(tmp_path: Path) -> None:
    got, asked, result = allowed_paths(tmp_path, b"#" * (ROBOTS_MAX_BYTES + 1), ["/a.htm"])
    assert got == {"/a.htm": False} and "too large" in result.failures[0].reason
    assert asked == ["/robots.txt"]


def test_a_redirected_robots_is_followed(tmp_path: Path) -> None:
    with robots_site(b"User-agent: *\nDisallow: /private/\n", redirect="/robots-real.txt") as (base, asked):
        result = crawl([base + "/a.htm", base + "/private/a.htm"], tmp_path / "r.warc.gz", delay=0, retries=0)
    assert [f.url for f in result.failures] == [base + "/private/a.htm"]
    assert "disallowed by robots.txt" in result.failures[0].reason
    assert asked.count("/robots-real.txt") == 1 and "/private/a.htm" not in asked


def test_an_unreachable_robots_keeps_the_host_out(tmp_path: Path) -> None:
    # Port 1 on loopback: nothing listens, the connection is refused.
    result = crawl(["http://127.0.0.1:1/a.htm"], tmp_path / "r.warc.gz", delay=0, retries=0)
    [failure] = result.failures
    assert failure.reason.startswith("robots.txt unavailable (") and "Refused" in failure.reason
