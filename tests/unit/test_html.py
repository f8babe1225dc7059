"""The HTML reader: tables found and cut into parts by their labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import gkparse
from tests.support import FIXTURES


def test_part_two_without_captions() -> None:
    """Sub-tables printed without their 第二十条 caption rows still map by their headers."""
    html = (
        '<div class="TRS_Editor"><p>某县2021年政府信息公开工作年度报告</p><table>'
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>"
        "<tr><td>行政规范性文件</td><td>2</td><td>1</td><td>9</td></tr>"
        '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
        '<tr><td>行政许可</td><td colspan="3">17</td></tr></table></div>'
    )
    report = gkparse.parse_text(html)
    assert report.template == "2021"
    assert report.disclosure.normative_documents.in_force.value == 9
    assert report.disclosure.licensing.decisions.value == 17
    assert {i.rule for i in report.issues} >= {"missing-table"}


def test_a_cell_with_a_counting_unit_is_its_number() -> None:
    """Issue 9's divergence: the HTML reader took `2件` for a value, the repair's grammar
    did not, and the cell came out empty. One grammar now reads it as 2."""
    html = (
        "<html><body><p>某县2021年政府信息公开工作年度报告</p><table>"
        "<tr><td colspan='2'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td>2件</td></tr></table></body></html>"
    )
    report = gkparse.parse_text(html)
    cell = report.cell("disclosure/licensing/decisions")
    assert (cell.value, cell.state, cell.raw) == (2, gkparse.CellState.PRINTED, "2件")


def test_text_in_a_value_cell_is_unreadable_not_empty() -> None:
    html = (
        "<html><body><p>某县2021年政府信息公开工作年度报告</p><table>"
        "<tr><td colspan='2'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td>见附件</td></tr></table></body></html>"
    )
    report = gkparse.parse_text(html)
    cell = report.cell("disclosure/licensing/decisions")
    assert (cell.value, cell.state, cell.raw) == (None, gkparse.CellState.UNREADABLE, "见附件")
    assert any(i.rule == "unreadable-cell" and i.cells == ["disclosure/licensing/decisions"] for i in report.issues)


# --- issue 10: pages read as browsers show them --------------------------------------------


VARIANTS = FIXTURES / "cases" / "variants"
TRUTH = json.loads((VARIANTS / "truth-2021.json").read_text("utf-8"))


def _every_cell_printed(report: gkparse.Report) -> list[tuple[str, object, object, str]]:
    """The cells that differ from the truth or are not read as printed."""
    wrong = []
    for key, value in TRUTH["cells"].items():
        cell = report.cell(key)
        if cell.value != value or cell.state is not gkparse.CellState.PRINTED:
            wrong.append((key, value, cell.value, cell.state.value))
    return wrong


@pytest.mark.parametrize(
    "name",
    [
        # thead with rowspan=0 header cells; a tfoot placed first in the markup (laid out last);
        # rowspan=0 group labels in tbodies that must stop at their tbody's end.
        "rowspan-zero-tbody-tfoot.html",
        # `style="DISPLAY: none"` in a value cell, a `<td hidden>` sort column in every part 三
        # row, a `display:none !important` stale row, visibility:hidden digits after a label,
        # a stale part 二 table in a `<div hidden>`, an aria-hidden icon.
        "hidden-uppercase-td-hidden.html",
        # labels wrapped in one-cell tables (the first data row of part 三, its header, the
        # first caption of part 二) and a value wrapped the same way, all inside a layout table.
        "nested-label-first-row-in-layout.html",
    ],
)
def test_variant_reads_every_cell_as_printed(name: str) -> None:
    report = gkparse.parse(VARIANTS / name)
    assert (report.template, report.year) == (TRUTH["template"], TRUTH["year"])
    assert _every_cell_printed(report) == []
    assert [i.rule for i in report.issues] == []


def _page(table: str) -> str:
    return (
        "<!DOCTYPE html><html><body><p>某县2021年政府信息公开工作年度报告</p>"
        f"<div class='content'>{table}</div></body></html>"
    )


def _licensing(cell: str) -> str:
    return _page(
        "<table><tr><td colspan='2'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        f"<tr><td>行政许可</td>{cell}</tr></table>"
    )


@pytest.mark.parametrize(
    ("cell", "value", "raw"),
    [
        ('<td><span style="display:none">9</span>41</td>', 41, "41"),
        ('<td><span style="Display : None ;color:red">9</span>41</td>', 41, "41"),
        ('<td><span hidden>9</span>41</td>', 41, "41"),
        ('<td><span hidden style="display:inline">9</span>41</td>', 941, "941"),  # the style overrides hidden
        ('<td><span style="display:none; display:inline">9</span>41</td>', 941, "941"),  # the later declaration wins
        ('<td><span style="display:none !important; display:inline">9</span>41</td>', 41, "41"),
        ('<td><span style="visibility:hidden">9</span>41</td>', 41, "41"),
        ('<td><span style="visibility:hidden">9<b style="visibility:visible">4</b></span>1</td>', 41, "41"),
        ('<td><span aria-hidden="true">9</span>41</td>', 941, "941"),  # on screen: aria-hidden is for screen readers
        ('<td><span class="sortkey">9</span>41</td>', 941, "941"),  # classes are not guessed at
        ("<td>4<script>document.write('9')</script>1</td>", 41, "41"),
        ('<td><table><tr><td>41</td></tr></table></td>', 41, "41"),  # a one-cell wrapper is the cell's text
        ("<td>4<!-- 9 -->1</td>", 41, "41"),  # a comment is not shown
        ("<td>\u2029 41 \u2028</td>", 41, "41"),  # the reader's own cell marks in the page: read cell by cell
    ],
)
def test_what_a_browser_shows_in_a_cell(cell: str, value: int, raw: str) -> None:
    found = gkparse.parse_text(_licensing(cell)).cell("disclosure/licensing/decisions")
    assert (found.value, found.raw, found.state) == (value, raw, gkparse.CellState.PRINTED)


def test_a_visibility_hidden_cell_keeps_its_slot() -> None:
    """visibility:hidden hides the text, not the box: the next cell stays in its column."""
    html = _page(
        "<table><tr><td colspan='4'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td style='visibility:hidden'>7</td><td>1</td><td>5</td></tr></table>"
    )
    report = gkparse.parse_text(html)
    issued, repealed, in_force = (report.cell(f"disclosure/rules/{c}") for c in ("issued", "repealed", "in_force"))
    assert (issued.state, repealed.value, in_force.value) == (gkparse.CellState.EMPTY, 1, 5)


def test_a_hidden_cell_leaves_the_row() -> None:
    """A display:none cell has no box: the row is laid out without it."""
    html = _page(
        "<table><tr><td colspan='4'>第二十条第（一）项</td></tr>"
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td hidden>7</td><td>2</td><td>1</td><td>5</td></tr></table>"
    )
    report = gkparse.parse_text(html)
    assert [report.cell(f"disclosure/rules/{c}").value for c in ("issued", "repealed", "in_force")] == [2, 1, 5]


def test_an_article_a_script_reveals_is_still_read() -> None:
    """A page that hides its article (or its body) until a script shows it is read as shown:
    an element holding the only report table is not dropped."""
    table = (
        "<table><tr><td colspan='2'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>17</td></tr></table>"
    )
    for html in (
        f"<html><body style='display:none'><p>某县2021年政府信息公开工作年度报告</p>{table}</body></html>",
        f"<html><body><p>某县2021年政府信息公开工作年度报告</p><div id='zoom' style='display:none'>{table}</div></body></html>",
    ):
        assert gkparse.parse_text(html).cell("disclosure/licensing/decisions").value == 17


def test_a_nested_table_of_several_numbers_is_not_a_certain_number() -> None:
    """Two numbers inside one cell's nested table never come back as one printed number."""
    cell = gkparse.parse_text(_licensing("<td><table><tr><td>4</td><td>1</td></tr><tr><td>2</td><td>3</td></tr></table></td>")).cell(
        "disclosure/licensing/decisions"
    )
    assert (cell.state, cell.raw) == (gkparse.CellState.UNREADABLE, "4 | 1 | 2 | 3")


def test_report_tables_in_a_layout_table_are_found() -> None:
    inner = (
        "<table border='1'><tr><td colspan='2'>第二十条第（五）项</td></tr>"
        "<tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>17</td></tr></table>"
    )
    html = (
        "<html><body><table class='layout'><tr><td>首页</td><td>导航</td></tr>"
        f"<tr><td>栏目</td><td><p>某县2021年政府信息公开工作年度报告</p>{inner}</td></tr></table></body></html>"
    )
    report = gkparse.parse_text(html)
    assert report.cell("disclosure/licensing/decisions").value == 17
    assert not any(i.rule == "unmatched-row" for i in report.issues)


def test_nested_tables_never_leak_an_index_error() -> None:
    """A label wrapped in a nested table on the first row of a table (and a nested table
    alone in a table's first cell) is read, not an IndexError."""
    for first in ("<table><tr><td>第二十条第（五）项</td></tr></table>", "<table></table>", "<table><tr></tr></table>"):
        html = _page(
            f"<table><tr><td colspan='2'>{first}</td></tr>"
            "<tr><td>信息内容</td><td>本年处理决定数量</td></tr><tr><td>行政许可</td><td>17</td></tr></table>"
        )
        try:
            gkparse.parse_text(html)
        except gkparse.GkparseError:
            pass


def test_variants_folder_has_its_truth() -> None:
    assert sorted(p.name for p in Path(VARIANTS).glob("*.html")) == sorted(
        [
            "hidden-uppercase-td-hidden.html", "meta-archive-wrapper-one-line.html", "meta-archive-wrapper.html",
            "meta-colon-lines-and-meta-tags.html", "meta-label-value-table.html", "nested-label-first-row-in-layout.html",
            "rowspan-zero-tbody-tfoot.html",
        ]
    )


def test_start_excludes_and_value_headers_hold_for_the_table_that_declares_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table's ``start_excludes`` and ``value_header_stems`` are its own, whatever its kind."""
    import dataclasses

    from gkparse.normalize import label_key
    from gkparse.read import grid as reader
    from gkparse.templates import TEMPLATES

    new_row = label_key("一、本年新收政府信息公开申请数量")
    assert reader.CUES.refresh().opens("requests", new_row)
    assert not reader.names_value_column("requests", "自然人")
    base = TEMPLATES["2021"]
    requests = dataclasses.replace(base.table("requests"), start_excludes=("新收",), value_header_stems=("自然人",))
    variant = dataclasses.replace(base, name="variant", tables=tuple(requests if t.kind == "requests" else t for t in base.tables))
    monkeypatch.setitem(TEMPLATES, "variant", variant)
    cues = reader.CUES.refresh()
    assert not cues.opens("requests", new_row)
    assert cues.opens("requests", label_key("申请人情况"))
    assert reader.names_value_column("requests", "自然人")
    assert not reader.names_value_column("disclosure", "自然人")


@pytest.mark.parametrize(
    ("old", "new"), [(b"<p", b"\x0c<p"), (b"</script>", b"</script>\x0b"), (b"<table", b"\x1b<table")],
    ids=["form feed before p", "vertical tab after script", "escape before table"],
)
def test_control_characters_read_as_browsers_show_them(old: bytes, new: bytes) -> None:
    """Reliability case 06: a C0 control character next to a tag (Word- and Excel-exported
    pages) made lxml refuse the text gkparse hands it (a bare ValueError). It reads as its
    clean twin."""
    clean = (FIXTURES / "pingtan_2024.page.html").read_bytes()
    assert old in clean
    assert gkparse.parse(clean.replace(old, new)).values() == gkparse.parse(clean).values()


def test_nested_body_candidates_rank_as_when_each_is_read() -> None:
    """The body among a report table's nested candidates, read from both ends, is the one
    ranking every candidate (markers, then fewest visible characters, then the profiles'
    order) would choose: random nests of profile containers, texts holding markers or only
    whitespace between them."""
    import random

    from gkparse.read.html import _BODY_ANCESTOR_XPATHS, _best_ancestor_body, _best_body, parse_tree
    from gkparse.vocabulary import BODY_MARKERS

    rng = random.Random(1509)
    containers = ['id="zoom"', 'class="TRS_Editor"', 'class="content"', 'id="content"', 'class="article"', "", 'class="x"']
    texts = ["", "  \n ", "正文", *BODY_MARKERS]
    for _ in range(400):
        depth = rng.randint(1, 6)
        markup = '<table id="t"><tr><td>' + rng.choice(texts) + "</td></tr></table>"
        for _ in range(depth):
            tag = rng.choice(["div", "section", "article"])
            markup = f"<{tag} {rng.choice(containers)}>{rng.choice(texts)}{markup}{rng.choice(texts)}</{tag}>"
        table = parse_tree(f"<html><body>{markup}</body></html>").find(".//table")
        candidates = [e for xpath in _BODY_ANCESTOR_XPATHS for e in xpath(table)]
        assert _best_ancestor_body(table) == _best_body(candidates), markup


def test_drop_hidden_on_part_of_a_page_weighs_the_whole_pages_report_tables() -> None:
    """A hidden element holding a report table is removed when a report table stays shown
    anywhere in the page, whatever part of the page drop_hidden is given."""
    from gkparse.read.html import drop_hidden, parse_tree

    table = "<table><tr><td>申请人情况</td></tr></table>"
    root = parse_tree(f"<body><div id='a'><p>x</p><div style='display:none'>{table}</div></div>{table}</body>")
    part = root.find(".//div")
    drop_hidden(part)
    assert len(root.findall(".//table")) == 1 and part.find(".//table") is None


def test_profile_xpaths_on_attribute_nodes_find_the_same_elements() -> None:
    """The profiles' body XPaths, rewritten to test attribute nodes, find the elements the
    XPaths as written find, in the same order."""
    from lxml import etree

    from gkparse.read.html import _attribute_form, _descendant_form, parse_tree
    from gkparse.read.profiles import body_xpaths

    names = ("pingtan_2024.page.html", "shanghai_govoffice_2019.html")
    pages = [parse_tree((FIXTURES / name).read_text(encoding="utf-8")) for name in names]
    pages.append(parse_tree(
        "<html><body><div class=' TRS_Editor  x'><p id='zoom' class='zoom'>a</p><article class='art_con'>b</article>"
        "<div id='Content' class='annual-report view-content'>c</div></div><div class='TRS_Editor2'></div></body></html>"
    ))
    for xpath in body_xpaths():
        as_written, rewritten = etree.XPath(_descendant_form(xpath)), etree.XPath(_attribute_form(xpath))
        for page in pages:
            assert rewritten(page) == as_written(page), xpath


# --- issue 15: the page's lines from one serialisation ----------------------------------------

_ARTICLE = (
    "<html><head><title>某县2021年政府信息公开工作年度报告</title></head><body>"
    '<div class="nav"><a>首页</a><a>政务公开</a></div>'
    '<div class="zoom"><p>一、总体情况</p>前言<table><tr><td>a</td><td>b<p>c</p></td></tr>'
    "<tr><td>d</td><td>e</td></tr></table>表后的文字<span>同一行</span>"
    "<table><tr><td>f</td><td>g</td></tr></table><p>二、主动公开政府信息情况</p></div>"
    '<div class="foot">版权所有</div></body></html>'
)


def _read(page: str) -> tuple[list[str], list[str]]:
    from gkparse.read.html import read_html

    read = read_html(page)
    return read.meta_lines, read.body.split("\n")


def test_page_lines_and_the_body_without_its_tables() -> None:
    """The page's lines keep the tables; the body's leave them out, the text after a table
    starting a line of its own and the text before it ending one."""
    meta_lines, body = _read(_ARTICLE)
    assert meta_lines[:9] == [
        "某县2021年政府信息公开工作年度报告", "首页政务公开", "一、总体情况", "前言", "a b", "c",
        "d e", "表后的文字同一行", "f g",
    ]
    assert body == ["一、总体情况", "前言", "表后的文字同一行", "二、主动公开政府信息情况"]


def test_a_page_holding_the_marker_characters_reads_the_same() -> None:
    """A page that holds the noncharacters the one-pass serialisation marks the body with is
    read in two serialisations, to the same lines (the character kept where it stands)."""
    meta_lines, body = _read(_ARTICLE)
    marked = _ARTICLE.replace("版权所有", "版权\ufdd0所有")
    meta_lines2, body2 = _read(marked)
    assert body2 == body
    assert meta_lines2 == [line.replace("版权所有", "版权\ufdd0所有") for line in meta_lines]


def test_a_table_as_the_body_leaves_its_nested_tables_out() -> None:
    page = (
        "<html><body><table class='zoom'><tr><td><p>一、总体情况</p>正文"
        "<table><tr><td>1</td><td>2</td></tr><tr><td>3</td><td>4</td></tr></table>尾"
        "<p>二、主动公开政府信息情况</p></td></tr></table></body></html>"
    )
    _, body = _read(page)
    assert body == ["一、总体情况", "正文", "尾", "二、主动公开政府信息情况"]


def test_a_heading_reads_its_lines_apart() -> None:
    """A title heading's inner blocks are kept apart as the page shows them."""
    from gkparse.read.html import read_html

    page = "<html><body><h1>某县<br>2021年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>"
    assert read_html(page).title_candidates[0] == "某县 2021年政府信息公开工作年度报告"


def test_lines_of_a_page_nested_as_deep_as_the_parser_allows() -> None:
    """libxslt's template depth (3,000) is above the parser's nesting limit."""
    from lxml import etree

    from gkparse.read.html import MAX_NESTING_DEPTH, _lines

    root = element = etree.Element("html")
    for depth in range(MAX_NESTING_DEPTH - 1):
        element = etree.SubElement(element, "div" if depth % 2 else "span")
    element.text = "最深处"
    assert _lines(root) == ["最深处"]


def test_what_follows_the_closing_html_tag_is_not_read_into_the_lines() -> None:
    """libxml2 puts what follows ``</html>`` beside the page's root: a script or a hidden
    part there is not the page's text (the lines are the root's)."""
    page = (
        "<html><body><p>正文</p></body></html><script>var a=1;</script>"
        '<div style="display:none">发布日期：2020-12-31</div>'
    )
    meta_lines, body = _read(page)
    assert (meta_lines, body) == (["正文"], ["正文"])


@pytest.mark.parametrize("written", ["\x01", "&#x1;", "&#1;", "\x1f", "&#xfffe;", "\ufffe", "&#xffff;"])
@pytest.mark.parametrize("where", ["paragraph", "cell", "after the body's last element"])
def test_a_control_character_is_shown_as_nothing_wherever_it_stands(written: str, where: str) -> None:
    """C0 controls and U+FFFE/U+FFFF, raw or as references, leave the page's text wherever
    they stand (a browser shows nothing), and never stop the read."""
    from gkparse.read.html import read_html

    cell = f"<p>规{written}章</p><p>第二行</p>" if where == "cell" else "规章"
    paragraph = f"本年度{written}依法公开" if where == "paragraph" else "本年度依法公开"
    tail = f"<span>附件</span>{written}" if where.startswith("after") else "<span>附件</span>"
    page = (
        f'<html><body><div id="zoom"><p>一、总体情况</p><p>{paragraph}</p>'
        f"<table><tr><td>{cell}</td><td>1</td></tr><tr><td>其他</td><td>2</td></tr></table>{tail}</div></body></html>"
    )
    read = read_html(page)
    assert read.body.split("\n") == ["一、总体情况", "本年度依法公开", "附件"]
    assert any(line.startswith("规章") for line in read.meta_lines)


def test_marker_characters_written_as_references_are_the_pages_text() -> None:
    """The noncharacters the one serialisation marks the body with, written by the page as
    character references, are read as its text: the body is whole."""
    meta_lines, body = _read(_ARTICLE.replace("前言", "前&#xFDD1;言"))
    assert body == ["一、总体情况", "前\ufdd1言", "表后的文字同一行", "二、主动公开政府信息情况"]
    assert "前\ufdd1言" in meta_lines


def test_a_title_opening_with_a_dash_is_cut_at_it() -> None:
    from gkparse.read.html import read_html

    page = "<html><head><title>- 某县2021年政府信息公开工作年度报告</title></head><body><p>正文</p></body></html>"
    assert "某县2021年政府信息公开工作年度报告" in read_html(page).title_candidates
