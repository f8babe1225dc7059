"""The shared vocabulary: one home for every Chinese word list, used alike by the parser
and the crawler (rows where they used to disagree are marked ``divergence``)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import gkparse
from gkparse import crawler, vocabulary
from gkparse.read.meta import find_title, report_year

PACKAGE = Path(gkparse.__file__).resolve().parent

#: (title, a report?, year, agency, where it came from)
TITLES = [
    ("某某县交通运输局2023年政府信息公开工作年度报告", True, 2023, "某某县交通运输局", "crawl doctest"),
    ("平潭综合实验区2022年度政府信息公开工作年度报告", True, 2022, "平潭综合实验区", "fixtures/pingtan_2022"),
    ("2019年上海市人民政府办公厅政府信息公开工作年度报告", True, 2019, "上海市人民政府办公厅", "fixtures/shanghai"),
    # divergence: the crawler read 2022, the parser gave no year and no agency
    ("某某县人民政府二〇二二年政府信息公开工作年度报告", True, 2022, "某某县人民政府", "issue 9"),
    ("某某县人民政府二O二一年度政府信息公开工作年度报告", True, 2021, "某某县人民政府", "letter O for 〇"),
    # divergence: titles to the parser, look-alikes to the crawler
    ("图解：某县2023年政府信息公开工作年度报告", False, 2023, None, "issue 9"),
    ("某县2023年政府信息公开工作年度报告（样本）", False, 2023, None, "issue 9"),
    ("文字解读:某某县2023年政府信息公开工作年度报告", False, 2023, None, "crawl doctest"),
    ("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", False, 2023, None, "tests/unit/test_api.py"),
]


@pytest.mark.parametrize(("title", "is_report", "year", "agency", "origin"), TITLES, ids=[t[0][:16] for t in TITLES])
def test_parser_and_crawler_agree_on_titles(title: str, is_report: bool, year: int, agency: str | None, origin: str) -> None:
    # The parser: a page titled so is a report (or not), of that year and agency.
    assert (find_title([title]) == title) is is_report
    assert vocabulary.title_year(title) == year
    if is_report:
        assert report_year(find_title([title]), "") == year
        assert vocabulary.agency_from_title(title) == agency
    # The crawler: a link so named on a report column is followed as a report (or kept
    # as a look-alike), through its own link discovery.
    page = f'<ul><li><a href="/zfxxgknb/t20240308_1.htm">{title}</a></li></ul>'
    found = crawler.discover_links(page, "http://x.gov.cn/zfxxgknb/index.html")
    assert ([t for _, t in found.reports] == [title]) is is_report
    assert ([t for _, t in found.lookalikes] == [title]) is (not is_report)


def test_a_page_whose_title_is_a_look_alike_is_no_report_title() -> None:
    page = "<html><head><title>图解：某县2023年政府信息公开工作年度报告</title></head><body><p>图</p></body></html>"
    report = gkparse.parse_text(page)
    assert report.title is None and report.template is None


def _string_literals(path: Path) -> list[tuple[int, str]]:
    """The str constants of a module that are not docstrings."""
    tree = ast.parse(path.read_text("utf-8"))
    docs = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docs.add(id(first.value))
    return [
        (n.lineno, n.value) for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
    ]


_OUTSIDE = [
    p for p in sorted(PACKAGE.rglob("*.py"))
    if "templates" not in p.relative_to(PACKAGE).parts and p.name != "vocabulary.py"
]
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


@pytest.mark.parametrize("path", _OUTSIDE, ids=[str(p.relative_to(PACKAGE)) for p in _OUTSIDE])
def test_no_chinese_literal_outside_the_vocabulary_and_templates(path: Path) -> None:
    """Every Chinese word or pattern lives in gkparse/vocabulary.py or gkparse/templates/."""
    found = [(line, text[:40]) for line, text in _string_literals(path) if _HAN.search(text)]
    assert found == []


@pytest.mark.parametrize("path", _OUTSIDE, ids=[str(p.relative_to(PACKAGE)) for p in _OUTSIDE])
def test_no_template_name_outside_the_template_data(path: Path) -> None:
    """No code branches on a template revision: names such as "2021" are data only."""
    names = set(gkparse.TEMPLATES)
    found = [(line, text) for line, text in _string_literals(path) if text in names]
    assert found == []
    assert "Literal[\"20" not in path.read_text("utf-8")


def test_traditional_fold_pairs_are_well_formed() -> None:
    pairs = vocabulary.TRADITIONAL_PAIRS
    assert len(pairs) % 2 == 0
    sources = pairs[0::2]
    assert len(set(sources)) == len(sources)  # no duplicate pair
    assert all(a != b for a, b in zip(pairs[0::2], pairs[1::2]))  # no self-pair


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("二〇二二年", "2022年"),
        ("二零二三年度", "2023年度"),
        ("二○二○年", "2020年"),
        ("第二十条", "第二十条"),  # not a year: left alone
    ],
)
def test_years_in_chinese_numerals(text: str, expected: str) -> None:
    assert vocabulary.arabic_years(text) == expected


def test_a_signature_line_the_pattern_matches_ends_with_date_end() -> None:
    """find_signature searches a last line only when it ends with DATE_END: the pattern
    must never match a line ending otherwise (a changed pattern would skip signatures)."""
    for line in ("平阳县市场监督管理局 2021年1月20日", "某某区人民政府办公室\u30002024年 3 月 5 日  "):
        assert vocabulary.AGENCY_AND_DATE.search(line) and line.strip().endswith(vocabulary.DATE_END)
    # The pattern ends with the date's last character, then only whitespace to the end.
    assert vocabulary.AGENCY_AND_DATE.pattern.endswith(vocabulary.DATE_END + r")\s*$")


def test_body_markers_hold_no_whitespace() -> None:
    """body_markers counts a marker found in the text as it stands: so none may hold
    whitespace (it would be found only once the whitespace is left out)."""
    assert all(marker == "".join(marker.split()) for marker in vocabulary.BODY_MARKERS)
