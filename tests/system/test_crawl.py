"""The crawler against the loopback fixture site (``tests/support/site.py``): the walk,
politeness, robustness, re-crawls and the ``gkparse crawl`` command. Each crawl runs on
Scrapy in a child process; times are read from the crawl's own log of requests sent."""

from __future__ import annotations

import dataclasses
import hashlib
import inspect
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from gkparse.cli.crawl import crawl_command
from gkparse.cli.main import main
from gkparse.crawler import (
    CrawlError,
    CrawlSettings,
    crawl,
    decode_html,
    default_user_agent,
)
from gkparse.crawler import links as links_module
from gkparse.crawler import spider as spider_module
from gkparse.errors import GkparseError
from gkparse.warc import Exchange, WARCWriter, write_exchange

from ..support.site import (
    COLUMN,
    COLUMN_2,
    GUIDE_PDF,
    HANWEB_GROUP,
    HANWEB_PER_PAGE,
    HANWEB_PROXY,
    HANWEB_RECORDS,
    LAST_MODIFIED,
    LOOKALIKES,
    MISSING_2019,
    OLD_2021,
    PDF_2023,
    PRIVATE,
    REPORT_2020,
    REPORT_2021,
    REPORT_2022,
    REPORT_2023,
    XLS_2022,
    LoggedRequest,
    Site,
    fast_crawl,
    hanweb_column,
    responses,
    serve_site,
    warc_records,
)


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    with serve_site(tmp_path) as s:
        yield s


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
    result, gaps = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz", delay=0.3, backoff=0.5)
    starts = [entry for entry in result.log if not entry.url.endswith("/robots.txt")]
    assert len(starts) > 10
    # robots.txt goes in a slot of its own; the host's pages are spaced by the delay.
    assert min(b.at - a.at for a, b in zip(starts, starts[1:])) >= 0.3 - 0.01
    # The flaky page: retried after the 0.5 s backoff, and after the host's delay.
    flaky = [e for e in result.log if e.url == site.url(REPORT_2020)]
    assert [e.status for e in flaky] == [500, 200]
    assert flaky[1].at - flaky[0].at >= 0.5


def test_robots_crawl_delay_is_honoured(site: Site, tmp_path: Path) -> None:
    site.overrides["/robots.txt"] = (200, b"User-agent: *\nCrawl-delay: 1\nDisallow: /private/\n")
    result, _ = fast_crawl(site, [REPORT_2023], tmp_path / "out.warc.gz", delay=0.05)
    assert [e.url for e in result.log] == [site.url("/robots.txt"), site.url(REPORT_2023), site.url(PDF_2023)]
    report, attachment = result.log[1:]
    assert attachment.at - report.at >= 1.0 - 0.01  # the Crawl-delay, not the 0.05 s delay
    assert result.delays == {site.base: 1.0}
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
    result, _ = fast_crawl(site, ["/always500.htm"], warc, delay=0.0, retries=3, backoff=0.1)
    assert site.count("/always500.htm") == 4
    tries = [e.at for e in result.log if e.url.endswith("/always500.htm")]
    gaps = [b - a for a, b in zip(tries, tries[1:])]
    assert [gap >= pause for gap, pause in zip(gaps, [0.1, 0.2, 0.4])] == [True, True, True], gaps
    assert gaps[2] > gaps[0]  # it grows
    [failure] = result.failures
    assert failure.status == 500
    assert "HTTP 500" in failure.reason and "4 attempts" in failure.reason
    assert [kind for kind, *_ in warc_records(warc)] == ["warcinfo"]


def test_timeout_is_retried_then_recorded(site: Site, tmp_path: Path) -> None:
    result, _ = fast_crawl(site, ["/slow.htm"], tmp_path / "out.warc.gz", delay=0.0,
                           timeout=0.5, retries=1, backoff=0.25)
    [failure] = result.failures
    assert "timed out" in failure.reason and "2 attempts" in failure.reason
    assert site.count("/slow.htm") == 2
    tries = [e for e in result.log if e.url.endswith("/slow.htm")]
    assert [e.error is not None for e in tries] == [True, True]
    # Given up after the timeout and retried after the backoff, not after the 1.5 s answer.
    assert 0.5 + 0.25 - 0.01 <= tries[1].at - tries[0].at < 1.5


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
                   retries=0, timeout=2.0)
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


def test_cli_crawl_single_report(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(main, ["crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "1 report" in result.stderr and "1 attachment" in result.stderr
    assert str(warc) in result.stderr
    assert set(responses(warc)) == {site.url(REPORT_2023), site.url(PDF_2023)}


def test_cli_crawl_reports_failures(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(main, [
        "crawl", site.url(COLUMN), "--warc", str(warc), "--delay", "0", "--retries", "0",
        "--since", "2021", "--max-pages", "2",
    ])
    assert result.exit_code == 1
    assert site.url(PRIVATE) in result.stderr and "robots.txt" in result.stderr
    assert site.url(REPORT_2020) not in result.stderr  # skipped by --since before any 500
    assert site.count(REPORT_2020) == 0


def test_cli_verbose_logs_fetches(site: Site, tmp_path: Path) -> None:
    warc = tmp_path / "cli.warc.gz"
    result = CliRunner().invoke(main, ["crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0", "-v"])
    assert result.exit_code == 0, result.output
    assert f"GET {site.url(REPORT_2023)} -> 200" in result.stderr


def test_cli_requires_warc() -> None:
    result = CliRunner().invoke(main, ["crawl", "http://127.0.0.1/"])
    assert result.exit_code == 2
    assert "--warc" in result.output


def test_main_group_registers_crawl() -> None:
    assert main.commands["crawl"] is crawl_command


def test_cli_options_are_the_crawl_settings() -> None:
    # The options passed through as **settings must be CrawlSettings fields, by name.
    cli_only = {"urls", "warc_path", "previous", "jobdir", "no_attachments", "parse_after", "output", "workers", "verbose"}
    passed = {p.name for p in crawl_command.params} - cli_only
    fields = {f.name for f in dataclasses.fields(CrawlSettings)}
    assert passed == fields - {"attachments", "backoff", "user_agent"}


def test_crawl_keywords_are_the_crawl_settings() -> None:
    not_settings = {"urls", "warc_path", "previous", "jobdir"}
    keywords = set(inspect.signature(crawl).parameters) - not_settings
    defaults = {name: p.default for name, p in inspect.signature(crawl).parameters.items() if name in keywords}
    settings = {f.name: f.default for f in dataclasses.fields(CrawlSettings)}
    assert defaults == settings


# --------------------------------------------------------------------------- one parse per page


def test_each_page_is_decoded_and_parsed_once(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The crawl runs in a forked child: the counting wrappers carry over and append to a
    # file the test reads back.
    calls = tmp_path / "calls.txt"
    real_parse_page, real_decode, real_tree = spider_module.parse_page, spider_module.decode_html, links_module._parse_html

    def note(line: str) -> None:
        with open(calls, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def count_parse_page(html: str, url: str, profile: object = None) -> links_module.Page:
        note("parse " + url)
        return real_parse_page(html, url)

    def count_decode(data: bytes) -> str:
        note("decode")
        return real_decode(data)

    def count_tree(text: str) -> object:
        note("tree")
        return real_tree(text)

    monkeypatch.setattr(spider_module, "parse_page", count_parse_page)
    monkeypatch.setattr(spider_module, "decode_html", count_decode)
    monkeypatch.setattr(links_module, "_parse_html", count_tree)
    result, _ = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz")
    lines = calls.read_text("utf-8").splitlines()
    parsed = Counter(line.split(" ", 1)[1] for line in lines if line.startswith("parse "))
    html_pages = [COLUMN, COLUMN_2, REPORT_2023, REPORT_2022, REPORT_2021, REPORT_2020]
    assert parsed == Counter({site.url(p): 1 for p in html_pages})
    assert lines.count("decode") == lines.count("tree") == len(html_pages)
    assert len(result.reports) == 4


# --------------------------------------------------------------------------- previous WARCs


def test_previous_warc_keys_are_normalised(site: Site, tmp_path: Path) -> None:
    # A WARC written by another tool may spell the target URI differently.
    body = (site.root / REPORT_2023.lstrip("/")).read_bytes()
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    old = tmp_path / "other-tool.warc.gz"
    with open(old, "wb") as fh:
        spelled = site.url(REPORT_2023) + "#main"  # a fragment: not the normal form
        write_exchange(WARCWriter(fh, gzip=True), Exchange(
            url=spelled, request_headers=[], status=200, reason="OK", http_version="HTTP/1.1",
            headers=[("ETag", etag), ("Content-Type", "text/html")], body=body,
            date=datetime(2024, 3, 8, tzinfo=timezone.utc),
        ))
    result, _ = fast_crawl(site, [REPORT_2023], tmp_path / "new.warc.gz", previous=old)
    assert result.unchanged == [site.url(REPORT_2023)]
    assert [r.headers.get("If-None-Match") for r in site.requests if r.path == REPORT_2023] == [etag]


# --------------------------------------------------------------------------- limits (issue 14)


def test_cli_prints_the_limits_applied(site: Site, tmp_path: Path) -> None:
    # One request after robots.txt (which has a slot of its own): the capped delay is
    # applied to the host but never waited for.
    site.overrides["/robots.txt"] = (200, b"User-agent: *\nCrawl-delay: 100000\n")
    result = CliRunner().invoke(main, ["crawl", site.url(REPORT_2023), "--warc", str(tmp_path / "o.warc.gz"),
                                       "--delay", "0", "--max-attachments", "0"])
    assert result.exit_code == 0, result.output
    assert f"note: {site.base}: robots.txt Crawl-delay 100000 s capped at 60 s" in result.stderr
    assert "1 report, 0 attachments, 1 skipped (1 beyond max_attachments)" in result.stderr
    assert site.count(PDF_2023) == 0


def test_a_start_host_is_trusted_by_name(site: Site, tmp_path: Path) -> None:
    # "localhost" named as the start host may be loopback: it is resolved, connected to
    # by address (::1 refused, then 127.0.0.1) and crawled with its attachment.
    localhost = site.base.replace("127.0.0.1", "localhost")
    result = crawl([localhost + REPORT_2023], tmp_path / "out.warc.gz", delay=0)
    assert result.failures == []
    assert result.reports == [localhost + REPORT_2023]
    assert result.attachments == [localhost + PDF_2023]


# --------------------------------------------------------------------------- many hosts at once (issue 18)


def test_many_hosts_are_crawled_concurrently_each_politely(tmp_path: Path) -> None:
    """Three sites (three ports: three hosts), each with a 0.2 s delay: the crawl takes about
    as long as the slowest site, not the sum, and each host's requests stay 0.2 s apart
    (all read from the crawl's own log of when each request was sent)."""
    delay = 0.2
    with serve_site(tmp_path / "a") as a, serve_site(tmp_path / "b") as b, serve_site(tmp_path / "c") as c:
        sites = (a, b, c)
        result = crawl([s.url(COLUMN) for s in sites], tmp_path / "many.warc.gz", delay=delay, backoff=0.05)
    assert len(result.reports) == 3 * 4 and len(result.attachments) == 3 * 2
    spans, firsts, lasts = [], [], []
    for s in sites:
        starts = [e.at for e in result.log if e.url.startswith(s.base + "/") and not e.url.endswith("/robots.txt")]
        assert len(starts) >= 10
        assert min(y - x for x, y in zip(starts, starts[1:])) >= delay - 0.01  # polite per host
        spans.append(starts[-1] - starts[0])
        firsts.append(starts[0])
        lasts.append(starts[-1])
    everything = [e.at for e in result.log]
    overall = max(everything) - min(everything)
    assert min(spans) >= 9 * delay  # each site alone takes its delays
    # Every site was under way before any had finished: the three ran at the same time (a
    # fact of the log's order, however slow the machine) ...
    assert max(firsts) < min(lasts), (firsts, lasts)
    # The log in order, to tell a late start from a late request when a margin below fails
    # (seen once in a full run on an idle machine: 3.33 s against spans of 2.0 s).
    timeline = [(round(e.at - min(everything), 3), e.url) for e in sorted(result.log, key=lambda e: e.at)]
    assert overall < 1.5 * max(spans), (overall, spans, timeline)  # ... so the whole takes about the slowest site
    assert overall < 0.6 * sum(spans), (overall, spans, timeline)  # ... far from the sum


def test_a_paused_crawl_resumes_from_its_jobdir(site: Site, tmp_path: Path) -> None:
    """Ctrl-C (SIGINT to the crawl process) when the 2022 report is asked for stops the
    crawl gracefully; the same call with the same jobdir does the rest, appending to the
    WARC: together, exactly the documents of an uninterrupted crawl, each fetched once."""

    def interrupt(path: str) -> None:
        if path == REPORT_2022:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGINT)

    warc, jobdir = tmp_path / "out.warc.gz", tmp_path / "job"
    site.on_request = interrupt
    first, _ = fast_crawl(site, [COLUMN], warc, jobdir=jobdir)
    site.on_request = None
    assert first.interrupted and len(first.reports) < 4
    second, _ = fast_crawl(site, [COLUMN], warc, jobdir=jobdir)
    assert not second.interrupted
    u = site.url
    assert sorted(second.reports) == sorted(u(p) for p in (REPORT_2023, REPORT_2022, REPORT_2021, REPORT_2020))
    pages = [p for p in site.paths() if p != "/robots.txt"]
    assert Counter(pages)[COLUMN] == 1 and pages.count(REPORT_2023) == 1
    records = warc_records(warc)
    assert [r[0] for r in records].count("warcinfo") == 1
    responses_seen = [uri for kind, uri, _, _ in records if kind == "response"]
    assert sorted(responses_seen) == sorted(set(responses_seen))  # nothing archived twice
    assert set(responses_seen) == {u(p) for p in (REPORT_2023, PDF_2023, REPORT_2022, XLS_2022, OLD_2021, REPORT_2021, REPORT_2020)}


# --------------------------------------------------------------------------- Hanweb POST pages (issue 18)


def _posts(site: Site) -> list[LoggedRequest]:
    return [r for r in site.requests if r.path == HANWEB_PROXY]


def _group(start: int) -> str:
    end = start + HANWEB_GROUP - 1
    return f"startrecord={start}&endrecord={end}&perpage={HANWEB_PER_PAGE}"


def test_hanweb_columns_are_paged_by_form_posts(site: Site, tmp_path: Path) -> None:
    """Two Hanweb columns whose further records come only from POSTs to the same
    dataproxy.jsp URLs: the reports listed on the 2nd-4th groups are crawled (one named by
    no report text, taken by its column id), each column's POSTs carry its own form body
    (what jpage sends: the <nextgroup> link's parameters, without its page), and both
    columns' POSTs are made although their URLs are the same."""
    warc = tmp_path / "hanweb.warc.gz"
    result, _ = fast_crawl(site, [hanweb_column("1229"), hanweb_column("1230")], warc)
    u = site.url
    records = {column: [path for path, _, _ in HANWEB_RECORDS[column][2]] for column in ("1229", "1230")}
    first = records["1229"]
    # 102 is a look-alike (解读), 108 names no report and is another column's article.
    wanted = [first[i] for i in (0, 2, 3, 4, 5, 6)] + records["1230"]
    assert sorted(result.reports) == sorted(u(p) for p in wanted)
    assert result.failures == []
    assert [s.url for s in result.skipped] == [u(first[1])]
    assert site.count(first[1]) == site.count(first[7]) == 0
    # Three groups after the first for column 1229 (8 records, 2 a group), one for 1230.
    posts = _posts(site)
    assert all(r.method == "POST" for r in posts) and len(posts) == 4
    sent = sorted((parse_qs(r.body.decode())["columnid"][0], r.query) for r in posts)
    assert sent == [("1229", _group(3)), ("1229", _group(5)), ("1229", _group(7)), ("1230", _group(3))]
    for r in posts:
        form = parse_qs(r.body.decode(), keep_blank_values=True)
        column = form["columnid"][0]
        assert r.headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert {k: v[0] for k, v in form.items()} == {
            "appid": "1", "webid": "1", "path": "/", "columnid": column, "unitid": HANWEB_RECORDS[column][1],
            "webname": "某某市人民政府", "permissiontype": "0",
        }
    # The reports of POST pages are fetched with GET, after the POST that listed them.
    order = site.paths()
    assert order.index(first[6]) > [i for i, r in enumerate(site.requests) if r.query == _group(7)][0]
    assert [r.method for r in site.requests if r.path != HANWEB_PROXY] == ["GET"] * (len(site.requests) - 4)
    assert result.list_pages.count(u(HANWEB_PROXY) + "?" + _group(3)) == 2


def test_max_pages_counts_form_post_pages(site: Site, tmp_path: Path) -> None:
    """max_pages=2: the column page and its first POST group; the two other groups are
    skipped (named by URL, with the form body sent), and the reports only they list are
    not fetched."""
    result, _ = fast_crawl(site, [hanweb_column("1229")], tmp_path / "out.warc.gz", max_pages=2)
    u = site.url
    first = [path for path, _, _ in HANWEB_RECORDS["1229"][2]]
    assert [r.query for r in _posts(site)] == [_group(3)]
    assert sorted(result.reports) == sorted(u(p) for p in (first[0], first[2], first[3]))
    beyond = [s for s in result.skipped if s.reason == "beyond max_pages=2"]
    assert [s.url for s in beyond] == [u(HANWEB_PROXY) + "?" + _group(5), u(HANWEB_PROXY) + "?" + _group(7)]
    assert all("columnid=1229" in s.text for s in beyond)
    for path in first[4:]:
        assert site.count(path) == 0, path


def test_a_post_list_page_is_archived_as_a_post(site: Site, tmp_path: Path) -> None:
    """With keep_list_pages, a POST page's request record holds the whole request: POST,
    the query, the form's Content-Type and Content-Length, and the body sent."""
    warc = tmp_path / "out.warc.gz"
    fast_crawl(site, [hanweb_column("1230")], warc, keep_list_pages=True, attachments=False)
    [post] = _posts(site)
    proxy = site.url(HANWEB_PROXY) + "?" + _group(3)
    with open(warc, "rb") as fh:
        requests = {
            r.rec_headers.get_header("WARC-Target-URI"): (r.http_headers, r.content_stream().read())
            for r in ArchiveIterator(fh) if r.rec_type == "request"
        }
    headers, body = requests[proxy]
    assert headers.protocol == "POST" and headers.statusline == f"{HANWEB_PROXY}?{_group(3)} HTTP/1.1"
    assert body == post.body
    assert headers.get_header("Content-Type") == "application/x-www-form-urlencoded"
    assert headers.get_header("Content-Length") == str(len(post.body))
    column_headers, column_body = requests[site.url(hanweb_column("1230"))]
    assert column_headers.protocol == "GET" and column_body == b""
    assert responses(warc)[proxy][1].startswith(b'<?xml version="1.0"')


def test_sigterm_to_the_caller_stops_the_crawl_gracefully(site: Site, tmp_path: Path) -> None:
    """A SIGTERM to the calling process (a service manager stopping ``gkparse crawl``) is
    passed to the crawl process, which stops as on Ctrl-C: the result comes back
    interrupted, and the caller's own SIGTERM handler is back in place afterwards."""
    got: list[int] = []

    def caller_handler(signum: int, frame: object) -> None:  # stands in for the default, which would end pytest
        got.append(signum)

    def terminate(path: str) -> None:
        if path == REPORT_2022:
            os.kill(os.getpid(), signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, caller_handler)
    try:
        site.on_request = terminate
        result, _ = fast_crawl(site, [COLUMN], tmp_path / "out.warc.gz", jobdir=tmp_path / "job")
        assert signal.getsignal(signal.SIGTERM) is caller_handler
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert result.interrupted and len(result.reports) < 4
    assert got == []  # the crawl took the signal, not the caller's handler


def test_a_warc_that_cannot_be_written_stops_the_crawl_and_says_so(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk: the URL whose records could not be written is a failure naming the WARC,
    not a report, and the crawl stops rather than fetch what it cannot keep. (The crawl
    process is forked: the patched writer is the one it runs.)"""
    from gkparse.crawler import middlewares

    def full_disk(writer: WARCWriter, exchange: Exchange) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(middlewares, "write_exchange", full_disk)
    warc = tmp_path / "out.warc.gz"
    result, _ = fast_crawl(site, [COLUMN], warc)
    written = [f for f in result.failures if "could not be written" in f.reason]
    assert written and all(str(warc) in f.reason and "No space left" in f.reason for f in written)
    assert not set(result.reports) & {f.url for f in written}
    assert len(result.reports) + len(result.attachments) < 4  # stopped before the column was done


def test_a_host_that_refuses_connections_is_a_failure_and_scrapy_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Scrapy's own log stays in the crawl process (its logging set-up once gave "Gave up
    retrying …" back to Python's last-resort handler, on stderr): the failure is in the
    result, nothing else is printed."""
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/zfxxgknb/"
    result = crawl([url], tmp_path / "out.warc.gz", delay=0.01, backoff=0.01, retries=1)
    assert [f.url for f in result.failures] == [url]
    captured = capfd.readouterr()
    assert "Gave up" not in captured.err and "Traceback" not in captured.err


def test_without_scrapy_the_crawl_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scrapy is an extra: a crawl without it is a usage error (exit 2) naming the extra,
    from the command and from crawl() alike, before any request."""
    from gkparse.crawler import walk

    monkeypatch.setattr(walk, "engine_available", lambda: False)
    result = CliRunner().invoke(main, ["crawl", "http://127.0.0.1:9/zfxxgknb/", "--warc", str(tmp_path / "o.warc.gz")])
    assert result.exit_code == 2 and "pip install 'gkparse[crawl]'" in result.stderr
    with pytest.raises(GkparseError, match=r"gkparse\[crawl\]"):
        crawl(["http://127.0.0.1:9/zfxxgknb/"], tmp_path / "p.warc.gz")
