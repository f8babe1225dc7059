"""End to end: crawl a report column into a WARC, convert the WARC, get the fixtures' cells."""

from __future__ import annotations

import json
from pathlib import Path

from gkparse.batch import convert

from .test_crawl import COLUMN, REPORT_2022, REPORT_2023, fast_crawl, serve_site

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


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
