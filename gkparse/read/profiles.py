"""Site profiles of the common government CMS families, as data.

A profile says how to recognise a site family's pages, where the article body sits
(read by :mod:`gkparse.read.html` to cut the report out of the site chrome) and how its
report columns link to reports and to further list pages (read by :mod:`gkparse.crawler`).
The generic profile comes last and matches every page. What link texts name a report or
a look-alike is not a site's business: those words are in :mod:`gkparse.vocabulary`.

>>> choose_profile("https://www.example.gov.cn/zfxxgk/zfxxgknb/202403/t20240308_87885.htm").name
'trs'
>>> choose_profile("https://www.example.gov.cn/art/2021/1/28/art_1229_123.html").name
'hanweb'
>>> choose_profile("https://www.example.gov.cn/xxgk/nb/").name
'generic'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "GENERIC",
    "PROFILES",
    "FormPager",
    "SiteProfile",
    "body_xpaths",
    "choose_profile",
]


@dataclass(frozen=True)
class FormPager:
    """How a family's list page asks for its further groups of records with a form POST
    (Hanweb's jpage module posting to ``dataproxy.jsp``), as data. Patterns are regular
    expressions searched case-insensitively in the page's text; the first match wins.

    - ``link_patterns``: named group ``url``, the proxy's URL (relative to the page) whose
      query holds the column's parameters, sent as the form body (Hanweb: the
      ``<nextgroup>`` link of the page's ``<datastore>``). No match: no form pages.
    - ``count_patterns``: named group ``count``, the number of records in the column.
      No match: no form pages.
    - ``per_page_patterns`` / ``group_size_patterns``: named group ``n``, the records shown
      per page and the pages per group (one request fetches a group); ``per_page`` /
      ``group_size`` when none matches. The page itself holds the first group.
    - ``range_fields``: query fields of the link that name one request's range, not the
      column: left out of the form body.
    - ``query``: the query of one group's request, a :meth:`str.format` template of
      ``start`` and ``end`` (record numbers, 1-based and inclusive) and ``per_page``.
    """

    link_patterns: tuple[str, ...]
    count_patterns: tuple[str, ...]
    query: str
    per_page_patterns: tuple[str, ...] = ()
    group_size_patterns: tuple[str, ...] = ()
    per_page: int = 1
    group_size: int = 1
    range_fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteProfile:
    """One CMS family.

    ``body_xpaths`` are tried in order; the first that yields an element holding a report
    table or heading wins. One that tests an attribute's value names the attribute first
    (``//*[@class][contains(@class, …)]``): libxml2 then tests the value only on the
    elements that have one, most of a page's elements having none (2–5× cheaper). All ``*_patterns`` are regular expressions, searched
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
    - ``form_pager``: how further groups of records are asked for with a form POST
      (:class:`FormPager`), None when the family has no such pager.
    - ``column_id_patterns`` / ``article_column_patterns``: named group ``id``, the id of
      the column a list-page URL is (``/col/col1229/``) and of the column an article URL
      belongs to (``art_1229_88.html``): an article of the column's id is one of its
      articles, wherever its directory.
    """

    name: str
    url_patterns: tuple[str, ...] = ()
    body_xpaths: tuple[str, ...] = ()
    report_link_patterns: tuple[str, ...] = ()
    pagination_patterns: tuple[str, ...] = ()
    notes: str = ""
    html_markers: tuple[str, ...] = ()
    article_url_patterns: tuple[str, ...] = ()
    page_count_patterns: tuple[str, ...] = ()
    page_url_template: str = ""
    form_pager: FormPager | None = None
    column_id_patterns: tuple[str, ...] = ()
    article_column_patterns: tuple[str, ...] = ()


PROFILES: tuple[SiteProfile, ...] = (
    SiteProfile(
        name="trs",
        notes="TRS WCM pages: t20240308_87885.htm, body in .TRS_Editor; "
        "list pages index.html, index_1.html … built by createPageHTML()",
        url_patterns=(r"/t\d{8}_\d+(?:_\w+)?\.s?html?$",),
        body_xpaths=(
            "//*[@class][contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
            "//*[@class][contains(concat(' ', normalize-space(@class), ' '), ' trs_editor_view ')]",
            "//*[@class][contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
        ),
        html_markers=(r"createPageHTML\s*\(", r"TRS_Editor", r"TRS_UEDITOR"),
        article_url_patterns=(r"/t\d{8}_\d+(?:_\w+)?\.s?html?$",),
        pagination_patterns=(r"/index_\d+\.s?html?$",),
        page_count_patterns=(
            (
                r"createPageHTML\s*\(\s*(?P<count>\d+)\s*,\s*\d+\s*,\s*[\"'](?P<prefix>\w+)[\"']"
                r"\s*,\s*[\"'](?P<ext>\w+)[\"']"
            ),
        ),
        page_url_template="{prefix}_{n}.{ext}",
    ),
    SiteProfile(
        name="hanweb",
        notes="Hanweb pages: art/2021/1/28/art_1229_123.html, body in #zoom; list "
        "pages col/col1229/index.html keep their records in a <script> datastore",
        url_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$", r"/col/col\d+/"),
        body_xpaths=("//*[@id][@id='zoom']", "//*[@id][@id='Zoom']", "//*[@class][@class='zoom']"),
        html_markers=(r"<datastore>", r"/module/web/jpage/", r"hanweb"),
        article_url_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",),
        pagination_patterns=(r"[?&](?:pageIndex|currpage|page|pageNum)=\d+",),
        # jpage shows perPage records a page and fetches groupSize pages per POST to
        # dataproxy.jsp (15 x 3 by default); the page's datastore holds the first group.
        form_pager=FormPager(
            link_patterns=(
                r"<nextgroup>\s*(?:<!\[CDATA\[)?\s*<a\s+href=[\"'](?P<url>[^\"']*dataproxy\.jsp[^\"']*)[\"']",
            ),
            count_patterns=(r"<totalrecord>\s*(?P<count>\d+)\s*</totalrecord>", r"totalRecord\s*[:=]\s*['\"]?(?P<count>\d+)"),
            per_page_patterns=(r"perPage\s*[:=]\s*['\"]?(?P<n>\d+)",),
            group_size_patterns=(r"groupSize\s*[:=]\s*['\"]?(?P<n>\d+)",),
            per_page=15,
            group_size=3,
            range_fields=("page", "startrecord", "endrecord", "perpage"),
            query="startrecord={start}&endrecord={end}&perpage={per_page}",
        ),
        column_id_patterns=(r"/col/col(?P<id>\d+)/",),
        article_column_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_(?P<id>\d+)_\d+\.html$",),
    ),
    SiteProfile(
        name="annual-report-module",
        notes="annual-report modules: xxgkAnnualReport.jsp and similar",
        url_patterns=(r"AnnualReport", r"annualReport"),
        body_xpaths=("//*[@id][@id='annualReport']", "//*[@class][contains(@class,'annual-report')]"),
        html_markers=(r"AnnualReport",),
        report_link_patterns=(r"AnnualReport\w*\.(?:jsp|do)\?.*\b(?:id|reportId|nbid)=",),
        pagination_patterns=(r"[?&](?:pageIndex|page|pageNo)=\d+",),
    ),
    SiteProfile(
        name="generic",
        notes="any other site: common article-body containers",
        body_xpaths=(
            "//*[@id][@id='zoom' or @id='Zoom' or @id='content' or @id='Content' or @id='article']",
            (
                "//*[@class][contains(@class,'article-content') or contains(@class,'art_con')"
                " or contains(@class,'view-content') or contains(@class,'TRS_Editor')"
                " or contains(@class,'content') or contains(@class,'article')]"
            ),
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
        if any(re.search(p, url, re.IGNORECASE) for p in profile.url_patterns):
            return profile
    if html:
        for profile in PROFILES:
            if any(re.search(p, html, re.IGNORECASE) for p in profile.html_markers):
                return profile
    return GENERIC
