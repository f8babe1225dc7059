"""The HTML reader: tables found and cut into parts by their labels."""

from __future__ import annotations

import gkparse


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
