"""Site profiles of the common government CMS families, as data.

A profile says how to recognise a site family's pages, where the article body sits
(read by :mod:`gkparse.html` to cut the report out of the site chrome) and how its
report columns link to reports and to further list pages (read by :mod:`gkparse.crawl`).
The generic profile comes last and matches every page.

>>> choose_profile("https://www.example.gov.cn/zfxxgk/zfxxgknb/202403/t20240308_87885.htm").name
'trs'
>>> choose_profile("https://www.example.gov.cn/art/2021/1/28/art_1229_123.html").name
'hanweb'
>>> choose_profile("https://www.example.gov.cn/xxgk/nb/").name
'generic'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "SiteProfile",
    "PROFILES",
    "GENERIC",
    "body_xpaths",
    "choose_profile",
    "REPORT_TEXT_PATTERNS",
    "LOOKALIKE_TEXT_PATTERNS",
    "NEXT_PAGE_TEXTS",
    "ATTACHMENT_EXTENSIONS",
]

#: Link texts (or titles) that name an annual report.
REPORT_TEXT_PATTERNS: tuple[str, ...] = (
    r"年度报告",
    r"年报",
    r"信息公开.{0,8}工作.{0,4}报告",
)

#: Link texts that mention annual reports but are not one: notices about compiling them,
#: the reporting rules, interpretations, templates, and other kinds of 年报.
LOOKALIKE_TEXT_PATTERNS: tuple[str, ...] = (
    r"通知",
    r"(?:报告|年报)制度",
    r"解读",
    r"图解",
    r"范文",
    r"模板",
    r"样本",
    r"样表",
    r"(?:报告|年报)的?(?:编制|撰写|填报|报送|格式)",
    r"编制(?:发布|工作|要求)",
    r"参考格式",
    r"征求意见",
    r"培训",
    r"统计年报",
    r"企业年报",
    r"年报公示",
)

#: Anchor texts of "next page" links.
NEXT_PAGE_TEXTS: tuple[str, ...] = ("下一页", "下页", "后一页", "下一頁", ">", ">>", "›", "»")

#: File extensions of report attachments.
ATTACHMENT_EXTENSIONS: tuple[str, ...] = (
    ".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ofd",
)


@dataclass(frozen=True)
class SiteProfile:
    """One CMS family.

    ``body_xpaths`` are tried in order; the first that yields an element holding a report
    table or heading wins. All ``*_patterns`` are regular expressions, searched
    case-insensitively:

    - ``url_patterns`` recognise the family from a URL; ``html_markers`` from a page's HTML
      (used when no URL pattern matches, e.g. on list pages).
    - ``article_url_patterns``: URLs of single article pages, so a start URL matching one
      is fetched as a report rather than a list.
    - ``report_link_patterns``: absolute URLs that are annual reports on their own (a
      report column's directory name), whatever the link text says.
    - ``pagination_patterns``: absolute URLs of further pages of the same list.
    - ``page_count_patterns``: scripts that build the pager client-side; named groups
      ``count`` (number of pages) and optionally ``prefix`` / ``ext`` fill
      ``page_url_template`` for pages ``1 .. count-1``, relative to the list page.
    """

    name: str
    url_patterns: tuple[str, ...] = ()
    body_xpaths: tuple[str, ...] = ()
    report_link_patterns: tuple[str, ...] = ()
    pagination_patterns: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    html_markers: tuple[str, ...] = ()
    article_url_patterns: tuple[str, ...] = ()
    page_count_patterns: tuple[str, ...] = ()
    page_url_template: str = ""


PROFILES: tuple[SiteProfile, ...] = (
    SiteProfile(
        name="trs",
        notes="TRS WCM pages: t20240308_87885.htm, body in .TRS_Editor; "
        "list pages index.html, index_1.html … built by createPageHTML()",
        url_patterns=(r"/t\d{8}_\d+(?:_\w+)?\.s?html?$",),
        body_xpaths=(
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' trs_editor_view ')]",
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
        ),
        html_markers=(r"createPageHTML\s*\(", r"TRS_Editor", r"TRS_UEDITOR"),
        article_url_patterns=(r"/t\d{8}_\d+(?:_\w+)?\.s?html?$",),
        pagination_patterns=(r"/index_\d+\.s?html?$",),
        page_count_patterns=(
            r"createPageHTML\s*\(\s*(?P<count>\d+)\s*,\s*\d+\s*,\s*[\"'](?P<prefix>\w+)[\"']"
            r"\s*,\s*[\"'](?P<ext>\w+)[\"']",
        ),
        page_url_template="{prefix}_{n}.{ext}",
    ),
    SiteProfile(
        name="hanweb",
        notes="Hanweb (大汉) pages: art/2021/1/28/art_1229_123.html, body in #zoom; list "
        "pages col/col1229/index.html keep their records in a <script> datastore",
        url_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", r"/col/col\d+/"),
        body_xpaths=("//*[@id='zoom']", "//*[@id='Zoom']", "//*[@class='zoom']"),
        html_markers=(r"<datastore>", r"/module/web/jpage/", r"hanweb"),
        article_url_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",),
        pagination_patterns=(r"[?&](?:pageIndex|currpage|page|pageNum)=\d+",),
    ),
    SiteProfile(
        name="annual-report-module",
        notes="annual-report modules: xxgkAnnualReport.jsp and similar",
        url_patterns=(r"AnnualReport", r"annualReport"),
        body_xpaths=("//*[@id='annualReport']", "//*[contains(@class,'annual-report')]"),
        html_markers=(r"AnnualReport",),
        report_link_patterns=(r"AnnualReport\w*\.(?:jsp|do)\?.*\b(?:id|reportId|nbid)=",),
        pagination_patterns=(r"[?&](?:pageIndex|page|pageNo)=\d+",),
    ),
    SiteProfile(
        name="generic",
        notes="any other site: common article-body containers",
        body_xpaths=(
            "//*[@id='zoom' or @id='Zoom' or @id='content' or @id='Content' or @id='article']",
            "//*[contains(@class,'article-content') or contains(@class,'art_con')"
            " or contains(@class,'view-content') or contains(@class,'TRS_Editor')"
            " or contains(@class,'content') or contains(@class,'article')]",
            "//article",
        ),
        report_link_patterns=(r"zfxxgknb", r"xxgknb", r"ndbg", r"gknb"),
        pagination_patterns=(
            r"/index_\d+\.s?html?$",
            r"[?&](?:page|pageNum|pageNo|pageIndex|currentPage|curpage)=\d+",
        ),
    ),
)

GENERIC = PROFILES[-1]


def body_xpaths() -> tuple[str, ...]:
    """All article-body XPaths, most specific family first, generic last."""
    return tuple(x for profile in PROFILES for x in profile.body_xpaths)


def choose_profile(url: str, html: str | None = None) -> SiteProfile:
    """The profile whose ``url_patterns`` match ``url``, else whose ``html_markers`` match
    ``html``, else :data:`GENERIC`."""
    for profile in PROFILES:
        if any(re.search(p, url, re.I) for p in profile.url_patterns):
            return profile
    if html:
        for profile in PROFILES:
            if any(re.search(p, html, re.I) for p in profile.html_markers):
                return profile
    return GENERIC
