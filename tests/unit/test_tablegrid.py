"""The HTML table algorithm on hand-made span cases."""

from __future__ import annotations

import lxml.html
import pytest

from gkparse.read.tablegrid import expand_table


def grid(markup: str) -> list[list[str]]:
    table = lxml.html.fragment_fromstring(markup)
    return [[slot.text for slot in row] for row in expand_table(table)]


CASES = [
    (
        "rowspan and colspan",
        "<table><tr><td rowspan=2>A</td><td colspan=2>B</td></tr><tr><td>1</td><td>2</td></tr></table>",
        [["A", "B", "B"], ["A", "1", "2"]],
    ),
    (
        "malformed colspan '2;'",
        '<table><tr><td colspan="2;">A</td><td>B</td></tr><tr><td>1</td><td>2</td><td>3</td></tr></table>',
        [["A", "A", "B"], ["1", "2", "3"]],
    ),
    (
        "rowspan beyond the table is clipped",
        "<table><tr><td rowspan=9>A</td><td>1</td></tr><tr><td>2</td></tr></table>",
        [["A", "1"], ["A", "2"]],
    ),
    (
        "rowspan=0 spans to the end",
        "<table><tr><td rowspan=0>A</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>",
        [["A", "1"], ["A", "2"], ["A", "3"]],
    ),
    (
        "short rows are padded",
        "<table><tr><td>A</td><td>B</td><td>C</td></tr><tr><td>1</td></tr></table>",
        [["A", "B", "C"], ["1", "", ""]],
    ),
    (
        "br and p inside cells become spaces",
        "<table><tr><td>本年新<br/>制作数量</td><td><p>商业</p><p>企业</p></td></tr></table>",
        [["本年新 制作数量", "商业 企业"]],
    ),
    (
        "nested table text stays out of the outer cell",
        "<table><tr><td>outer<table><tr><td>inner</td></tr></table></td><td>x</td></tr></table>",
        [["outer", "x"]],
    ),
    (
        "thead, tbody and th",
        "<table><thead><tr><th>H1</th><th>H2</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
        [["H1", "H2"], ["1", "2"]],
    ),
    (
        "the 2019 part 三 header: 3 label columns over 3 header rows",
        "<table><tr><td colspan=3 rowspan=3>note</td><td colspan=7>申请人情况</td></tr>"
        "<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr></table>",
        [
            ["note"] * 3 + ["申请人情况"] * 7,
            ["note"] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
            ["note"] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
        ],
    ),
]


@pytest.mark.parametrize(("name", "markup", "expected"), CASES, ids=[c[0] for c in CASES])
def test_expand(name: str, markup: str, expected: list[list[str]]) -> None:
    assert grid(markup) == expected


def test_origin_flags_mark_the_first_slot_only() -> None:
    table = lxml.html.fragment_fromstring("<table><tr><td colspan=3>4529</td></tr></table>")
    row = expand_table(table)[0]
    assert [slot.origin for slot in row] == [True, False, False]
