"""Site profiles of the CMS families, as data."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from gkparse.read.profiles import GENERIC, PROFILES, body_xpaths, choose_profile


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.example.gov.cn/zfxxgk/zfxxgknb/202403/t20240308_87885.htm", "trs"),
        ("https://www.example.gov.cn/art/2021/1/28/art_1229_123.html", "hanweb"),
        ("https://www.example.gov.cn/col/col1229/index.html", "hanweb"),
        ("https://www.example.gov.cn/xxgkAnnualReport.jsp?id=3", "annual-report-module"),
        ("https://www.example.gov.cn/xxgk/nb/", "generic"),
    ],
)
def test_a_profile_is_chosen_by_url(url: str, name: str) -> None:
    assert choose_profile(url).name == name


def test_a_list_page_is_recognised_by_its_markup() -> None:
    assert choose_profile("https://www.example.gov.cn/xxgk/", "<script>createPageHTML(5, 0, 'index', 'html')</script>").name == "trs"


def test_the_generic_profile_comes_last_and_every_pattern_compiles() -> None:
    assert PROFILES[-1] is GENERIC
    for profile in PROFILES:
        for pattern in (*profile.url_patterns, *profile.report_link_patterns, *profile.pagination_patterns,
                        *profile.html_markers, *profile.article_url_patterns, *profile.page_count_patterns):
            re.compile(pattern)
    for xpath in body_xpaths():
        etree.XPath(xpath)


def test_form_pager_and_column_id_patterns_have_their_named_groups() -> None:
    # The crawler reads these by group name (gkparse.crawler.links): a pattern without its
    # group would fail on the first page that matches it.
    pagers = [p.form_pager for p in PROFILES if p.form_pager is not None]
    assert pagers, "no profile pages by form POSTs"
    for pager in pagers:
        groups = [(pager.link_patterns, "url"), (pager.count_patterns, "count"),
                  (pager.per_page_patterns, "n"), (pager.group_size_patterns, "n")]
        for patterns, group in groups:
            for pattern in patterns:
                assert group in re.compile(pattern).groupindex, pattern
        assert set(re.findall(r"{(\w+)}", pager.query)) <= {"start", "end", "per_page"}
        assert pager.per_page * pager.group_size > 0
    for profile in PROFILES:
        for pattern in (*profile.column_id_patterns, *profile.article_column_patterns):
            assert "id" in re.compile(pattern).groupindex, pattern
