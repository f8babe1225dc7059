"""Site profiles of the common government CMS families, as data.

A profile says how to recognise a site family's pages, where the article body sits
(read by :mod:`gkparse.html` to cut the report out of the site chrome) and how its
report columns link to reports and to further list pages (read by :mod:`gkparse.crawl`).
The generic profile comes last and matches every page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["SiteProfile", "PROFILES", "GENERIC", "body_xpaths"]


@dataclass(frozen=True)
class SiteProfile:
    """One CMS family.

    ``body_xpaths`` are tried in order; the first that yields an element holding a report
    table or heading wins. ``report_link_patterns`` and ``pagination_patterns`` are regular
    expressions over absolute URLs; ``url_patterns`` recognise the family from a URL.
    """

    name: str
    url_patterns: tuple[str, ...] = ()
    body_xpaths: tuple[str, ...] = ()
    report_link_patterns: tuple[str, ...] = ()
    pagination_patterns: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)


PROFILES: tuple[SiteProfile, ...] = (
    SiteProfile(
        name="trs",
        notes="TRS WCM pages: t20240308_87885.htm, body in .TRS_Editor",
        url_patterns=(r"/t\d{8}_\d+(?:_\w+)?\.s?html?$",),
        body_xpaths=(
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_Editor ')]",
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' trs_editor_view ')]",
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' TRS_UEDITOR ')]",
        ),
        report_link_patterns=(r"/t\d{8}_\d+\.s?html?$",),
        pagination_patterns=(r"/index_\d+\.s?html?$",),
    ),
    SiteProfile(
        name="hanweb",
        notes="Hanweb (大汉) pages: art/2021/1/28/art_1229_123.html, body in #zoom",
        url_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",),
        body_xpaths=("//*[@id='zoom']", "//*[@id='Zoom']", "//*[@class='zoom']"),
        report_link_patterns=(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$",),
        pagination_patterns=(r"[?&](?:pageIndex|currpage|page)=\d+",),
    ),
    SiteProfile(
        name="annual-report-module",
        notes="annual-report modules: xxgkAnnualReport.jsp and similar",
        url_patterns=(r"AnnualReport", r"annualReport"),
        body_xpaths=("//*[@id='annualReport']", "//*[contains(@class,'annual-report')]"),
        report_link_patterns=(r"[Aa]nnualReport\w*\.(?:jsp|do)\?",),
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
        report_link_patterns=(r"zfxxgknb", r"xxgknb", r"ndbg"),
        pagination_patterns=(r"/index_\d+\.s?html?$", r"[?&]page=\d+"),
    ),
)

GENERIC = PROFILES[-1]


def body_xpaths() -> tuple[str, ...]:
    """All article-body XPaths, most specific family first, generic last."""
    return tuple(x for profile in PROFILES for x in profile.body_xpaths)
