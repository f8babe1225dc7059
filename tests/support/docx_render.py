"""Render a fixture's truth (its expected cells) as a Word .docx, laid out as the official
templates print the report's tables: the reading of :mod:`gkparse.read.docx` is tested on
documents whose every cell is known.

The labels, rows and columns are :mod:`tests.support.render`'s (the same truths as text,
markdown and HTML); what is Word's own is the merging:

* part 二: one table per 第二十条 block, its caption row one cell spanning the table
  (``w:gridSpan``), then ``信息内容`` and the block's columns;
* part 三: one table with the official three header rows — the note (本列数据的勾稽关系…)
  spanning the three label columns and the three header rows, ``申请人情况`` spanning the
  seven applicant columns, ``自然人`` and ``总计`` merged down two rows (``w:vMerge``) beside
  ``法人或其他组织`` spanning its five sub-columns — then the rows: ``一、``/``二、``/``四、``
  rows with their label across the three label columns, ``三、本年度办理结果`` merged down
  its outcome rows (（一）…（七）总计), each group label (（三）不予公开 …) merged down its
  numbered sub-rows, an ungrouped outcome's label spanning the two inner label columns;
* part 四: ``行政复议`` spanning 5 columns and ``行政诉讼`` 10, then the review's result
  columns merged down two rows beside ``未经复议直接起诉`` / ``复议后起诉`` spanning 5 each,
  then the litigation result columns, then the 15 values.

Empty (null) cells are empty table cells. ``render_docx(expected)`` takes the fixture's
dict (``template``, ``agency``, ``year``, ``cells``) and returns the .docx bytes.
"""

from __future__ import annotations

import io
from typing import Any

import docx
from docx.table import Table

from gkparse.templates import standard_rows
from tests.support.render import (
    CLOSING,
    CLOSING_TEXT,
    OVERVIEW,
    OVERVIEW_TEXT,
    REQUEST_HEADER,
    REQUEST_NOTE,
    _appeals_heads,
    _present,
    _request_rows,
    fmt,
    fullwidth,
    template_of,
    title,
)

OTHER = "六、其他需要报告的事项"
OTHER_TEXT = "无。"
#: The label above the outcome rows (一)…(七) of part 三.
OUTCOMES = "三、本年度办理结果"
#: Part 三's label columns: 一、/三、 heads, the group (（三）不予公开), the row label.
REQUEST_LABEL_COLS = 3
#: Part 三's header rows (note / applicants, natural person / organisations / total, organisation kinds).
REQUEST_HEADER_ROWS = 3


def _span(table: Table, top: int, left: int, bottom: int, right: int, text: str) -> None:
    """Merge the cells from (top, left) to (bottom, right) and write ``text`` in the result."""
    cell = table.cell(top, left)
    if (bottom, right) != (top, left):
        cell = cell.merge(table.cell(bottom, right))
    cell.text = text


def _put(table: Table, row: int, values: list[str], start: int = 0) -> None:
    """Write ``values`` into one row's cells from column ``start`` (empty strings stay empty cells)."""
    cells = table.rows[row].cells
    for offset, value in enumerate(values):
        if value:
            cells[start + offset].text = value


def _disclosure(document: Any, expected: dict[str, Any]) -> None:
    tpl = template_of(expected)
    cells = expected["cells"]
    disclosure = tpl.table("disclosure")
    col_by_key = {c.key: c for c in disclosure.columns}
    for block in disclosure.blocks:
        present = _present(tpl, block, cells)
        table = document.add_table(rows=2 + len(block.rows), cols=1 + len(present))
        table.style = "Table Grid"
        _span(table, 0, 0, 0, len(present), fullwidth(block.caption))
        _put(table, 1, [disclosure.header_first] + [fullwidth(col_by_key[c.key].label) for c in present])
        for i, r in enumerate(block.rows):
            _put(table, 2 + i, [fullwidth(r.label)] + [fmt(cells.get(f"disclosure/{r.key}/{c.key}")) for c in present])


def _requests(document: Any, expected: dict[str, Any]) -> None:
    tpl = template_of(expected)
    columns = tpl.table("requests").columns
    # The template's own layout (as render.py's): not the group rows some reports print in
    # place of their leaves.
    template_rows = standard_rows(tpl.requests_rows)
    rows = _request_rows(expected)
    assert len(rows) == len(template_rows)
    keys = [r.key for r in template_rows]
    width = REQUEST_LABEL_COLS + len(columns)
    table = document.add_table(rows=REQUEST_HEADER_ROWS + len(rows), cols=width)
    table.style = "Table Grid"
    last = width - 1
    _span(table, 0, 0, REQUEST_HEADER_ROWS - 1, REQUEST_LABEL_COLS - 1, REQUEST_NOTE)
    _span(table, 0, REQUEST_LABEL_COLS, 0, last, REQUEST_HEADER[0])
    _span(table, 1, REQUEST_LABEL_COLS, 2, REQUEST_LABEL_COLS, fullwidth(columns[0].label))
    _span(table, 1, REQUEST_LABEL_COLS + 1, 1, last - 1, REQUEST_HEADER[2])
    _span(table, 1, last, 2, last, fullwidth(columns[-1].label))
    _put(table, 2, [fullwidth(c.label) for c in columns[1:-1]], REQUEST_LABEL_COLS + 1)
    # The outcome rows (一)…(七) sit under 三、本年度办理结果; a group's rows under its label.
    first, final = keys.index("granted"), keys.index("total")
    y = REQUEST_HEADER_ROWS
    _span(table, y + first, 0, y + final, 0, OUTCOMES)
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(template_rows):
        if r.group:
            groups.setdefault(r.group, []).append(i)
    for group, members in groups.items():
        _span(table, y + members[0], 1, y + members[-1], 1, fullwidth(group))
    for i, (labels, _, values) in enumerate(rows):
        label = labels[-1]
        if template_rows[i].group:
            _span(table, y + i, 2, y + i, 2, label)
        elif first <= i <= final:
            _span(table, y + i, 1, y + i, 2, label)
        else:
            _span(table, y + i, 0, y + i, 2, label)
        _put(table, y + i, [fmt(v) for v in values], REQUEST_LABEL_COLS)


def _appeals(document: Any, expected: dict[str, Any]) -> None:
    tpl = template_of(expected)
    cells = expected["cells"]
    n = len(tpl.appeals_columns)
    (review, litigation), second, third = _appeals_heads(tpl)
    table = document.add_table(rows=4, cols=3 * n)
    table.style = "Table Grid"
    _span(table, 0, 0, 0, n - 1, review)
    _span(table, 0, n, 0, 3 * n - 1, litigation)
    for c in range(n):
        _span(table, 1, c, 2, c, second[c])
    _span(table, 1, n, 1, 2 * n - 1, second[n])
    _span(table, 1, 2 * n, 1, 3 * n - 1, second[n + 1])
    _put(table, 2, third, n)
    _put(table, 3, [fmt(cells.get(f"appeals/{r.key}/{c.key}")) for r in tpl.appeals_rows for c in tpl.appeals_columns])


def render_docx(expected: dict[str, Any]) -> bytes:
    """A fixture's truth as a .docx report (see the module docstring for the layout)."""
    tpl = template_of(expected)
    document = docx.Document()
    document.core_properties.title = title(expected)
    document.add_heading(title(expected), level=0)
    document.add_heading(OVERVIEW, level=1)
    document.add_paragraph(OVERVIEW_TEXT)
    document.add_heading(tpl.table("disclosure").title, level=1)
    _disclosure(document, expected)
    document.add_heading(tpl.table("requests").title, level=1)
    _requests(document, expected)
    document.add_heading(tpl.table("appeals").title, level=1)
    _appeals(document, expected)
    document.add_heading(CLOSING, level=1)
    document.add_paragraph(CLOSING_TEXT)
    document.add_heading(OTHER, level=1)
    document.add_paragraph(OTHER_TEXT)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
