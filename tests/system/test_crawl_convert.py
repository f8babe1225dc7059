"""End to end: crawl a report column into a WARC, convert the WARC, get the fixtures' cells;
and ``gkparse crawl --parse``, whose exit status includes the conversion's."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from gkparse.batch import convert
from gkparse.cli.main import main

from ..support import FIXTURES
from ..support.site import COLUMN, REPORT_2022, REPORT_2023, fast_crawl, serve_site


def test_crawled_warc_converts_to_the_expected_cells(tmp_path: Path) -> None:
    with serve_site(tmp_path) as site:
        # Put two real reports behind the column's links: a whole UTF-8 TRS page, and an
        # article fragment served as a GBK page that declares gb2312.
        (site.root / REPORT_2023.lstrip("/")).write_bytes((FIXTURES / "pingtan_2024.page.html").read_bytes())
        fragment = (FIXTURES / "shanghai_govoffice_2019.html").read_text("utf-8")
        gbk_page = '<html><head><meta charset="gb2312"></head><body><div class="TRS_Editor">' + fragment + "</div></body></html>"
        (site.root / REPORT_2022.lstrip("/")).write_bytes(gbk_page.encode("gb18030"))
        warc = tmp_path / "column.warc.gz"
        result, _ = fast_crawl(site, [COLUMN], warc)
        assert {site.url(REPORT_2023), site.url(REPORT_2022)} <= set(result.reports)

        out = tmp_path / "reports.jsonl"
        stats = convert([str(warc)], str(out), workers=1)
        assert stats.failed == 0
        reports = {}
        for line in out.read_text("utf-8").splitlines():
            record = json.loads(line)
            if "error" not in record:
                reports[record["source"]["path"]] = record

    for url, expected_name in ((site.url(REPORT_2023), "pingtan_2024"), (site.url(REPORT_2022), "shanghai_govoffice_2019")):
        expected = json.loads((FIXTURES / f"{expected_name}.expected.json").read_text("utf-8"))
        record = reports[url]
        assert record["template"] == expected["template"] and record["year"] == expected["year"]
        for key, value in expected["cells"].items():
            table, row, column = key.split("/")
            node = record[table]
            for part in row.split("."):
                node = node[part]
            assert node[column]["value"] == value, (url, key)


def test_cli_crawl_parse_writes_the_reports(tmp_path: Path) -> None:
    with serve_site(tmp_path) as site:
        (site.root / REPORT_2023.lstrip("/")).write_bytes((FIXTURES / "pingtan_2024.page.html").read_bytes())
        warc = tmp_path / "cli.warc.gz"
        result = CliRunner().invoke(main, [
            "crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0", "--parse", "-j", "1",
        ])
    assert result.exit_code == 0, result.output
    out = tmp_path / "cli.jsonl"  # the default: the WARC's name with .jsonl
    [record] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    expected = json.loads((FIXTURES / "pingtan_2024.expected.json").read_text("utf-8"))
    assert record["source"]["path"] == site.url(REPORT_2023)
    assert record["year"] == expected["year"]
    # The crawl's warcinfo and request records are counted, not dropped.
    assert "1 parsed, 0 with issues, 0 failed, 2 skipped [2 not-a-response]" in result.stderr


def test_cli_crawl_parse_fails_when_a_report_does_not_parse(tmp_path: Path) -> None:
    with serve_site(tmp_path) as site:
        # A report URL answering with a page that passes the byte pre-filter (it names
        # 结果维持, a word of the report tables) but holds no report: the crawl archives it,
        # the conversion fails on it.
        site.overrides[REPORT_2023] = (
            200, "<html><body><p>本站政府信息公开指南已更新：行政复议结果维持的案例汇编，欢迎查阅。</p></body></html>".encode()
        )
        warc = tmp_path / "cli.warc.gz"
        out = tmp_path / "r.jsonl"
        result = CliRunner().invoke(main, [
            "crawl", site.url(REPORT_2023), "--warc", str(warc), "--delay", "0", "--parse", "-o", str(out), "-j", "1",
        ])
    assert result.exit_code == 1
    assert "0 failures" in result.stderr  # the crawl itself went fine
    assert f"failed to parse: {site.url(REPORT_2023)}" in result.stderr
    assert "0 parsed, 0 with issues, 1 failed" in result.stderr
    [record] = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert "error" in record


def test_cli_crawl_parse_refuses_an_unusable_output_before_crawling(tmp_path: Path) -> None:
    """An output name whose suffix names no format is a usage error found before anything is
    fetched (issue 16: a crawl of an hour must not end in it): one line, exit 2, no WARC."""
    with serve_site(tmp_path) as site:
        warc = tmp_path / "cli.warc.gz"
        result = CliRunner().invoke(main, [
            "crawl", site.url("/nb/report.html"), "--warc", str(warc), "--delay", "0",
            "--parse", "-o", str(tmp_path / "reports.unknown"),
        ])
        assert site.paths() == []  # not even robots.txt
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: ") and "'.unknown'" in result.stderr
    assert not warc.exists()


def test_a_page_and_its_pdf_attachment_are_one_report(tmp_path: Path) -> None:
    """A report page linking its PDF attachment (the same report printed): both are archived,
    both are read, and the attachment's record names the page as the same report."""
    from ..support.site import PDF_2023

    with serve_site(tmp_path) as site:
        page = (FIXTURES / "pingtan_2024.page.html").read_text("utf-8")
        link = f'</table><p>附件：<a href="{PDF_2023}">平潭综合实验区2024年度政府信息公开工作年度报告.pdf</a></p>'
        (site.root / REPORT_2023.lstrip("/")).write_text(page.replace("</table>", link, 1), "utf-8")  # in the article
        (site.root / PDF_2023.lstrip("/")).write_bytes((FIXTURES / "pdf" / "printed" / "pingtan_2024.page.libreoffice.pdf").read_bytes())
        warc = tmp_path / "attachment.warc.gz"
        fast_crawl(site, [REPORT_2023], warc)
        out = tmp_path / "reports.jsonl"
        stats = convert([str(warc)], str(out), workers=1)
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    forms = {r["source"]["path"]: r["source"]["form"] for r in records}
    assert forms == {site.url(REPORT_2023): "html", site.url(PDF_2023): "pdf"}, (stats.skipped_by, stats.line())
    assert stats.linked == 1 and stats.failed == 0
    pdf = next(r for r in records if r["source"]["form"] == "pdf")
    assert pdf["same_as"]["source"] == site.url(REPORT_2023) and pdf["same_as"]["disagreements"] == []


def test_a_report_listed_on_a_post_page_converts_and_post_list_pages_are_skipped(tmp_path: Path) -> None:
    """A Hanweb report listed only on the 3rd group of its column (a POST to dataproxy.jsp)
    is crawled and parsed; with --keep-list-pages the column page and the POST answers
    are in the WARC (their request records saying GET and POST) and convert skips them as
    it skips list pages: the same reports parse as from the WARC without them."""
    from ..support.site import HANWEB_RECORDS, hanweb_column

    kept, plain = tmp_path / "kept.warc.gz", tmp_path / "plain.warc.gz"
    with serve_site(tmp_path) as site:
        report = HANWEB_RECORDS["1229"][2][4][0]  # records 5-6: the 2nd POST group
        (site.root / report.lstrip("/")).parent.mkdir(parents=True)
        (site.root / report.lstrip("/")).write_bytes((FIXTURES / "pingtan_2024.page.html").read_bytes())
        result, _ = fast_crawl(site, [hanweb_column("1229")], kept, keep_list_pages=True, attachments=False)
        assert site.url(report) in result.reports and len(result.list_pages) == 4
        fast_crawl(site, [hanweb_column("1229")], plain, attachments=False)

    stats = {}
    for name, warc in (("kept", kept), ("plain", plain)):
        out = tmp_path / f"{name}.jsonl"
        stats[name] = convert([str(warc)], str(out), workers=1)
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        parsed = {r["source"]["path"]: r for r in records if "error" not in r}
        expected = json.loads((FIXTURES / "pingtan_2024.expected.json").read_text("utf-8"))
        assert parsed[site.url(report)]["year"] == expected["year"], name
    kept_stats, plain_stats = stats["kept"], stats["plain"]
    assert (kept_stats.parsed, kept_stats.failed) == (plain_stats.parsed, plain_stats.failed)
    # Four more exchanges: four more request records, and four list pages skipped as any
    # page without a report marker is.
    more = kept_stats.skipped_by - plain_stats.skipped_by
    assert more == Counter({"not-a-response": 4, "no-report-marker": 4}), (kept_stats.skipped_by, plain_stats.skipped_by)
