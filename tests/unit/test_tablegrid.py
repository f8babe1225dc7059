"""The HTML table algorithm on hand-made span cases."""

from __future__ import annotations

import lxml.html
import pytest

from gkparse.read.tablegrid import MAX_GRID_WIDTH, GridLimitError, expand_table, row_groups


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
        "rowspan=0 spans to the end of the implied tbody",
        "<table><tr><td rowspan=0>A</td><td>1</td></tr><tr><td>2</td></tr><tr><td>3</td></tr></table>",
        [["A", "1"], ["A", "2"], ["A", "3"]],
    ),
    (
        "rowspan=0 in thead stops at the end of the thead",
        "<table><thead><tr><th rowspan=0>H</th><th>a</th></tr><tr><th>b</th></tr></thead>"
        "<tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
        [["H", "a"], ["H", "b"], ["1", "2"]],
    ),
    (
        "rowspan=0 in one tbody does not reach the next tbody",
        "<table><tbody><tr><td rowspan=0>G</td><td>1</td></tr><tr><td>2</td></tr></tbody>"
        "<tbody><tr><td>x</td><td>3</td></tr></tbody></table>",
        [["G", "1"], ["G", "2"], ["x", "3"]],
    ),
    (
        "rowspan=0 in a tfoot; the tfoot is laid out last wherever it stands",
        "<table><tfoot><tr><td rowspan=0>F</td><td>8</td></tr><tr><td>9</td></tr></tfoot>"
        "<tbody><tr><td>b</td><td>1</td></tr></tbody></table>",
        [["b", "1"], ["F", "8"], ["F", "9"]],
    ),
    (
        "rows directly under the table: each run is a row group of its own",
        "<table><tr><td rowspan=0>R</td><td>1</td></tr><tbody><tr><td>t</td><td>2</td></tr></tbody>"
        "<tr><td>s</td><td>3</td></tr></table>",
        [["R", "1"], ["t", "2"], ["s", "3"]],
    ),
    (
        "a rowspan is clipped at the end of its row group",
        "<table><thead><tr><th rowspan=5>H</th><th>a</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
        [["H", "a"], ["1", "2"]],
    ),
    (
        "colspan=0 is 1",
        "<table><tr><td colspan=0>A</td><td>B</td></tr><tr><td>1</td><td>2</td></tr></table>",
        [["A", "B"], ["1", "2"]],
    ),
    (
        "spans by the rules for non-negative integers: '+2', ' 2', but not '２' or '-2'",
        "<table><tr><td colspan='+2'>A</td><td colspan=' 2 '>B</td></tr><tr><td colspan='２'>C</td>"
        "<td colspan='-2'>D</td><td>E</td><td>F</td></tr></table>",
        [["A", "A", "B", "B"], ["C", "D", "E", "F"]],
    ),
    (
        "a rowspan=0 cell and a later colspan compete for a slot: the first keeps it",
        "<table><tr><td>a</td><td rowspan=0>Z</td></tr><tr><td colspan=2>w</td></tr></table>",
        [["a", "Z"], ["w", "Z"]],
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
        "a nested table's text is part of the outer cell, as a browser shows it",
        "<table><tr><td>outer<table><tr><td>inner</td><td>2</td></tr></table>tail</td><td>x</td></tr></table>",
        [["outer inner 2 tail", "x"]],
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


def test_a_slot_no_cell_covers_before_a_spanned_one_is_empty() -> None:
    """A row whose cells end before a rowspan from above: the slots between are empty
    non-origin slots, and every slot of a cell carries the cell's id."""
    table = lxml.html.fragment_fromstring(
        "<table><tr><td>a</td><td>b</td><td rowspan=2 colspan=2>S</td></tr><tr><td>c</td></tr>"
        "<tr><td>d</td><td>e</td><td>f</td><td>g</td><td>h</td></tr></table>"
    )
    rows = expand_table(table)
    assert [[slot.text for slot in row] for row in rows] == [
        ["a", "b", "S", "S", ""], ["c", "", "S", "S", ""], ["d", "e", "f", "g", "h"],
    ]
    assert [(slot.origin, slot.cell_id) for slot in rows[1]] == [(True, 3), (False, -1), (False, 2), (False, 2), (False, -1)]


def test_caps_as_browsers_apply_them_then_the_grid_width() -> None:
    table = lxml.html.fragment_fromstring("<table><tr><td colspan=5000>A</td></tr><tr><td rowspan=99999>B</td></tr></table>")
    grid_rows = expand_table(table)
    assert len(grid_rows[0]) == MAX_GRID_WIDTH  # colspan capped at 1000 as browsers do, then at the grid width
    assert len(grid_rows) == 2  # rowspan capped, then clipped at the group's end


# Span bombs (fixtures/cases/reliability/02-grid-bomb.*): bounded work, a clear refusal.
@pytest.mark.parametrize(("html", "message"), [
    ("<table><tr>" + '<td colspan="1000">1</td>' * 100 + "</tr>" + "<tr></tr>" * 999 + "</table>", "wider than 100 columns"),
    ('<table><tr><td rowspan="65534" colspan="1000">1</td></tr>' + "<tr>" * 10_000 + "</table>", "more than 100,000 slots"),
    ("<table>" + "<tr>" + "<td>1</td>" * 90 + "</tr>" + "<tr><td>2</td></tr>" * 5000 + "</table>", "more than 100,000 slots"),
])
def test_a_grid_past_the_limits_is_refused_in_bounded_work(html: str, message: str) -> None:
    table = lxml.html.fragment_fromstring(html)
    with pytest.raises(GridLimitError, match=message):
        expand_table(table)


def test_boxes_of_a_nested_table_with_several_cells() -> None:
    """A cell holding a nested table of several non-empty cells keeps them apart (the
    HTML reader never glues them into one number)."""
    table = lxml.html.fragment_fromstring(
        "<table><tr><td><table><tr><td>4</td><td></td><td>1</td></tr></table></td>"
        "<td><table><tr><td>label</td></tr></table></td></tr></table>"
    )
    first, second = expand_table(table)[0]
    assert (first.text, first.boxes) == ("4 1", ("4", "1"))
    assert (second.text, second.boxes) == ("label", ())


def test_row_groups_order() -> None:
    table = lxml.html.fragment_fromstring(
        "<table><caption>c</caption><tr><td>1</td></tr><tfoot><tr><td>f</td></tr></tfoot>"
        "<thead><tr><td>h</td></tr></thead><tr><td>2</td></tr><tbody></tbody></table>"
    )
    assert [[r.text_content() for r in g] for g in row_groups(table)] == [["1"], ["h"], ["2"], ["f"]]
