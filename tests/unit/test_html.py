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
