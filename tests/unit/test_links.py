"""What pages link to (gkparse.crawler.links), the report titles the crawler goes by, and
the site profiles: offline, on the fixture site's files and small pages."""

from __future__ import annotations

import pytest

from gkparse.crawler import decode_html, is_report_title, lookalike_reason, title_year
from gkparse.crawler.links import (
    FormPage,
    attachment_links,
    discover_links,
    list_links,
    names_report,
    page_attachments,
    parse_page,
)
from gkparse.read.meta import find_title, report_year
from gkparse.read.profiles import GENERIC, PROFILES, FormPager, SiteProfile, body_xpaths, choose_profile

from ..support.site import COLUMN, COLUMN_2, MISSING_2019, PDF_2023, REPORT_2020, REPORT_2022, REPORT_2023, SITE_DIR

X = "http://x.gov.cn"

# --------------------------------------------------------------------------- titles

TITLES = [
    ("某某县交通运输局2023年政府信息公开工作年度报告", True),
    ("某某市人民政府2022年度政府信息公开年报", True),
    ("中共某某县委机构编制委员会办公室2023年政府信息公开工作年度报告", True),
    ("某某县统计局2021年政府信息公开工作年度报告", True),
    ("某某县人民政府二〇二二年政府信息公开工作年度报告", True),
    ("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", False),
    ("某某县政府信息公开工作年度报告制度", False),
    ("文字解读:某某县交通运输局2023年政府信息公开工作年度报告", False),
    ("图解：2022年政府信息公开工作年度报告", False),
    ("图解：某县2023年政府信息公开工作年度报告", False),
    ("某县2023年政府信息公开工作年度报告（样本）", False),
    ("2023年政府信息公开工作年度报告范文（模板）", False),
    ("2023年企业年报公示", False),
    ("我局召开2024年安全生产工作会议", False),
]


@pytest.mark.parametrize(("text", "expected"), TITLES)
def test_is_report_title(text: str, expected: bool) -> None:
    assert is_report_title(text) is expected


@pytest.mark.parametrize(
    ("title", "year", "reason"),
    [
        # The parser and the crawler agree on these (review F2): look-alikes for both,
        # and a year in Chinese numerals is that year for both.
        ("图解：某县2023年政府信息公开工作年度报告", 2023, "图解"),
        ("某县2023年政府信息公开工作年度报告（样本）", 2023, "样本"),
        ("某某县人民政府二〇二二年政府信息公开工作年度报告", 2022, None),
    ],
)
def test_crawler_and_parser_agree_on_titles(title: str, year: int, reason: str | None) -> None:
    page = parse_page(f"<html><head><title>{title}</title></head><body><p>x</p></body></html>", X + "/nb/1.html")
    assert lookalike_reason(title) == reason
    assert names_report(page) is (reason is None)
    assert title_year(title) == year
    # The parser's reading of the same title.
    assert (find_title([title]) is not None) is (reason is None)
    if reason is None:
        assert report_year(title, "") == year
    # On a list page the look-alikes are set apart, the report is a report of its year.
    links = discover_links(f'<a href="t20240308_1.htm">{title}</a>', X + "/zfxxgknb/index.html")
    assert [text for _, text in links.lookalikes] == ([title] if reason else [])
    assert [text for _, text in links.reports] == ([] if reason else [title])


def test_title_year() -> None:
    assert title_year("某某县2023年政府信息公开工作年度报告") == 2023
    assert title_year("２０２１年度政府信息公开年报") == 2021
    assert title_year("二〇二〇年政府信息公开工作年度报告") == 2020
    assert title_year("政府信息公开工作年度报告") is None
    assert lookalike_reason("某某县2023年政府信息公开工作年度报告") is None


# --------------------------------------------------------------------------- decoding and pages


def test_decode_html() -> None:
    text = "<html><head><meta charset='gb2312'></head><body>政府信息公开年报</body></html>"
    assert "政府信息公开年报" in decode_html(text.encode("gbk"))
    assert "年报" in decode_html("\ufeff<p>年报</p>".encode())
    assert "年报" in decode_html("<p>年报</p>".encode())
    assert "年报" in decode_html("<p>年报</p>".encode("gb18030"))  # undeclared GBK
    assert decode_html(b"") == ""  # rejected input still yields text
    assert decode_html(b"%PDF-1.4 \xff\xfe").startswith("%PDF")


def test_parse_page() -> None:
    page = parse_page('<?xml version="1.0" encoding="utf-8"?><html><body><a href="a.htm">a</a></body></html>',
                      "HTTP://X.gov.cn/zfxxgknb/index.html#top")
    assert page.url == X + "/zfxxgknb/index.html"
    assert page.tree is not None and page.profile is GENERIC
    empty = parse_page("  ", X + "/")
    assert empty.tree is None
    assert list_links(empty).reports == [] and page_attachments(empty) == [] and not names_report(empty)


def test_names_report_dated_and_undated() -> None:
    undated = parse_page("<title>某某县交通运输局政府信息公开工作年度报告</title>", X + "/nb/report.html")
    assert names_report(undated, dated=False) and not names_report(undated)
    column = parse_page("<title>政府信息公开年报_某某县交通运输局</title>", X + "/zfxxgknb/")
    assert not names_report(column)
    by_meta = parse_page('<meta name="ArticleTitle" content="某县2023年政府信息公开工作年度报告"><title>首页</title>', X + "/a")
    assert names_report(by_meta)


# --------------------------------------------------------------------------- list pages


def test_discover_links_on_gbk_page() -> None:
    html = decode_html((SITE_DIR / COLUMN_2.lstrip("/")).read_bytes())
    links = discover_links(html, X + COLUMN_2)
    assert [url for url, _ in links.reports] == [X + p for p in (REPORT_2022, REPORT_2020, MISSING_2019)]
    assert [url for url, _ in links.lookalikes] == [X + "/zwgk/zfxxgknb/202303/t20230316_60002.htm"]
    # 上一页 (index.html) is no further page, and the pager's page 1 is this very page.
    assert links.pages == []
    first = discover_links(decode_html((SITE_DIR / COLUMN.lstrip("/")).read_bytes()), X + COLUMN)
    assert first.pages == [X + COLUMN_2]
    assert X + REPORT_2023 in [url for url, _ in first.reports]


def test_discover_links_keeps_the_dated_text_of_a_doubly_linked_report() -> None:
    html = """<a href="/zfxxgknb/t20200301_1.htm"><img src="cover.jpg"></a>
    <a href="/zfxxgknb/t20200301_1.htm">某县2019年政府信息公开工作年度报告</a>"""
    links = discover_links(html, X + "/zfxxgknb/index.html")
    assert links.reports == [(X + "/zfxxgknb/t20200301_1.htm", "某县2019年政府信息公开工作年度报告")]


def test_discover_links_hanweb_script_datastore() -> None:
    html = """<html><body><div id="1234"><script type="text/xml"><datastore><recordset>
    <record><![CDATA[<li><a href="/art/2024/3/8/art_1229_88.html"
      title="某某市2023年政府信息公开工作年度报告">某某市2023年政府信息公开…</a></li>]]></record>
    <record><![CDATA[<li><a href="/art/2024/3/9/art_1229_89.html">某某市2023年政府信息公开工作年度报告解读</a></li>]]></record>
    </recordset></datastore></script></div>
    <a href="/col/col1229/index.html?uid=1&pageNum=2">2</a></body></html>"""
    links = discover_links(html, X + "/col/col1229/index.html")
    assert [u for u, _ in links.reports] == [X + "/art/2024/3/8/art_1229_88.html"]
    assert [u for u, _ in links.lookalikes] == [X + "/art/2024/3/9/art_1229_89.html"]
    assert links.pages == [X + "/col/col1229/index.html?uid=1&pageNum=2"]


@pytest.mark.parametrize("text", ["下一页", "下一页 >", "下页»", " 下一頁 ", "›", ">>"])
def test_next_page_texts(text: str) -> None:
    links = discover_links(f'<a href="/other/list_b.html">{text}</a>', X + "/zfxxgknb/index.html")
    assert links.pages == [X + "/other/list_b.html"]


def test_next_page_on_another_host_is_not_followed() -> None:
    links = discover_links('<a href="http://elsewhere.cn/list.html">下一页</a>', X + "/zfxxgknb/index.html")
    assert links.pages == []


def test_report_column_urls_need_no_report_text() -> None:
    html = """<a href="/zfxxgknb/202403/t20240308_1.htm">查看详情</a>
    <a href="/zfxxgknb/">返回</a><a href="/news/t20240308_2.htm">查看详情</a>"""
    links = discover_links(html, X + "/zwgk/index.html")
    assert links.reports == [(X + "/zfxxgknb/202403/t20240308_1.htm", "查看详情")]


def test_pager_script_pages_are_capped() -> None:
    html = '<script>createPageHTML(5000, 0, "index", "shtml");</script><a href="t20240308_1.htm">某县2023年年度报告</a>'
    links = discover_links(html, X + "/zfxxgknb/index.shtml")
    assert links.pages[:2] == [X + "/zfxxgknb/index_1.shtml", X + "/zfxxgknb/index_2.shtml"]
    assert len(links.pages) == 999  # the first page is this one; a pager past 1000 is broken


# --------------------------------------------------------------------------- attachments


def test_attachment_links_only_in_body() -> None:
    html = (SITE_DIR / REPORT_2023.lstrip("/")).read_text("utf-8")
    assert attachment_links(html, X + REPORT_2023) == [X + PDF_2023]
    page = '<div id="zoom"><a href="/module/download/downfile.jsp?filename=nb.pdf&id=3">下载</a></div>'
    assert attachment_links(page, X + "/art/2021/1/28/art_1_2.html") == [
        X + "/module/download/downfile.jsp?filename=nb.pdf&id=3"
    ]


def test_attachments_embedded_named_and_based() -> None:
    html = """<html><head><base href="http://files.x.gov.cn/nb/"></head><body><div class="TRS_Editor">
    <iframe src="viewer/nb.pdf"></iframe><object data="nb.ofd"></object>
    <a href="get.jsp?id=7">统计表.XLS</a><a href="nb.pdf">again</a><a href="#top">top</a></div>
    <div class="footer"><a href="/guide.pdf">guide</a></div></body></html>"""
    assert attachment_links(html, X + "/zfxxgknb/t20240308_1.htm") == [
        "http://files.x.gov.cn/nb/get.jsp?id=7",  # links first, named by their text
        "http://files.x.gov.cn/nb/nb.pdf",
        "http://files.x.gov.cn/nb/viewer/nb.pdf",  # then embeds
        "http://files.x.gov.cn/nb/nb.ofd",
    ]


def test_attachments_of_a_page_without_a_body_container() -> None:
    html = '<html><body><p>附件</p><a href="nb.docx">附件1</a><a href="index.html">返回</a></body></html>'
    assert attachment_links(html, X + "/nb/report.html") == [X + "/nb/nb.docx"]


# --------------------------------------------------------------------------- profiles


def test_profiles() -> None:
    assert choose_profile(X + "/zfxxgknb/202403/t20240308_87885.htm").name == "trs"
    assert choose_profile(X + "/art/2021/1/28/art_1229_123.html").name == "hanweb"
    assert choose_profile(X + "/xxgk/xxgkAnnualReport.jsp?id=3").name == "annual-report-module"
    assert choose_profile(X + "/zfxxgknb/", '<script>createPageHTML(3,0,"index","html")</script>').name == "trs"
    assert choose_profile(X + "/other/") is GENERIC is PROFILES[-1]
    xpaths = body_xpaths()
    assert xpaths[0].endswith("' TRS_Editor ')]") and "//article" in xpaths
    # Profiles are data in English; the Chinese words live in gkparse.vocabulary.
    assert all(ch < "\u2e80" for profile in PROFILES for ch in profile.notes)


# --------------------------------------------------------------------------- issue 18: Hanweb POST pages, unnamed links


HANWEB_COLUMN = """<html><head><title>政府信息公开年报</title></head><body>
<div id="4236001"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid=1229\
&unitid=4236001&webname=x&permissiontype=0"></a>]]></nextgroup>
<recordset>
<record><![CDATA[<li><a href="/art/2024/3/8/art_1229_88.html">2023年度</a></li>]]></record>
<record><![CDATA[<li><a href="/art/2024/3/8/art_9999_1.html">2023年度</a></li>]]></record>
</recordset></datastore></script></div>
<script>$('#4236001').jpage({totalRecord: 100, perPage: 15, groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp'});</script>
</body></html>"""


def test_hanweb_dataproxy_groups_are_form_pages() -> None:
    links = discover_links(HANWEB_COLUMN, "http://x.gov.cn/col/col1229/index.html")
    assert [(p.url, dict(p.form)["columnid"]) for p in links.form_pages] == [
        ("http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=46&endrecord=90&perpage=15", "1229"),
        ("http://x.gov.cn/module/web/jpage/dataproxy.jsp?startrecord=91&endrecord=100&perpage=15", "1229"),
    ]
    assert "page" not in dict(links.form_pages[0].form)


def test_unnamed_links_in_a_report_column_are_reports() -> None:
    # "2023年度" names no report; on a report column, the column's own article is taken
    # (Hanweb: same column id), another column's is not.
    links = discover_links(HANWEB_COLUMN, "http://x.gov.cn/col/col1229/index.html")
    assert links.reports == [("http://x.gov.cn/art/2024/3/8/art_1229_88.html", "2023年度")]
    # On a page that is no report column, the same link is not followed.
    other = HANWEB_COLUMN.replace("政府信息公开年报", "通知公告")
    assert discover_links(other, "http://x.gov.cn/col/col1229/index.html").reports == []
    # Under the column's directory (TRS): an article-shaped link, text or not.
    page = '<title>政府信息公开年报</title><a href="202403/t20240308_1.htm">查看</a><a href="/xwzx/t20240301_5.htm">查看</a>'
    assert [u for u, _ in discover_links(page, "http://x.gov.cn/xxgk/nb/index.html").reports] == [
        "http://x.gov.cn/xxgk/nb/202403/t20240308_1.htm"
    ]


def test_form_pages_come_from_the_profile_data() -> None:
    # A made-up family whose pager posts to list.do with 10 records a request: the same
    # code reads it from its profile, nothing in the crawler names a CMS.
    pager = FormPager(
        link_patterns=(r"data-proxy=\"(?P<url>[^\"]+)\"",),
        count_patterns=(r"data-total=\"(?P<count>\d+)\"",),
        query="from={start}&to={end}&size={per_page}",
        per_page=10,
        range_fields=("offset",),
    )
    profile = SiteProfile(name="made-up", form_pager=pager)
    html = '<div data-proxy="/list.do?offset=0&channel=7" data-total="25"></div><a href="/a/1.html">某县2023年政府信息公开工作年度报告</a>'
    links = discover_links(html, X + "/nb/index.html", profile)
    assert [(p.url, p.form) for p in links.form_pages] == [
        (X + "/list.do?from=11&to=20&size=10", (("channel", "7"),)),
        (X + "/list.do?from=21&to=25&size=10", (("channel", "7"),)),
    ]
    assert links.form_pages[0].body == "channel=7"
    assert links.form_pages[0].key != FormPage(links.form_pages[0].url, (("channel", "8"),)).key


def test_a_form_answer_is_read_as_part_of_its_column() -> None:
    # The answer to a POST has no title and its URL is the proxy's: read with the column
    # page's URL and the column's report_column, it yields the column's unnamed articles.
    answer = ('<?xml version="1.0"?><datastore><recordset><record><li><a href="/art/2022/3/8/art_1229_104.html">2021年度</a>'
              '</li></record><record><li><a href="/art/2018/3/8/art_9999_1.html">2017年度</a></li></record></recordset></datastore>')
    column = "http://x.gov.cn/col/col1229/index.html"
    page = parse_page(answer, column)
    assert list_links(page, report_column=True).reports == [("http://x.gov.cn/art/2022/3/8/art_1229_104.html", "2021年度")]
    assert list_links(page).reports == [] and list_links(page).report_column is False
