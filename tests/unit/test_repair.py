"""gkparse.cells.repair: a printed row's cells read as the cell grammar reads them."""

from __future__ import annotations

import re

import pytest

from gkparse.cells.align import AlignedRow, ColumnSpec
from gkparse.cells.repair import _cut_runs, _read
from gkparse.cells.search import NodeBudget, read_token
from gkparse.templates import TEMPLATES

#: Every way a printed cell's text comes: blank, digits (leading zeros, the longest number
#: the grammar reads and one digit more), with units, decimals, signs, dashes and words.
TOKENS = [
    "", "0", "7", "007", "0123", "1268", "9" * 18, "9" * 19, "1,268", "1268件", "12.50", "-3", "+4", "—", "-", "无",
    "规章", "１２", "٣",
]
#: Every kind and unit of column the registered templates have.
COLUMNS = sorted(
    {(c.kind, c.unit) for t in TEMPLATES.values() for table in t.tables for c in table.columns} | {("signed", None)},
    key=str,
)


@pytest.mark.parametrize(("kind", "unit"), COLUMNS)
def test_a_printed_row_reads_every_token_as_read_token_does(kind: str, unit: str | None) -> None:
    """The printed row's shortcut for blanks and plain digits gives the grammar's reading."""
    column = ColumnSpec(None, kind, unit)  # type: ignore[arg-type]
    row = AlignedRow("requests", [column] * len(TOKENS), list(TOKENS), False)
    [reading] = _read(row, [], False, NodeBudget()).options
    assert list(reading) == [read_token(token, column) for token in TOKENS]


CUT_TEXTS = [
    ("规章 3 | 4 规章3 4", "规章", ["3", "4"]),
    ("行政许可\u3000\t|12行政许可 1行政许可12", "行政许可", ["12"]),
    ("aaab b", "aa", ["b", "b"]),
    ("收费 | 1.5 万元 收费1.5万元", "收费", ["1.5", "万元"]),
    ("规章 | 3", "规章", [" 3"]),
    ("没有 规章", "规章", ["3"]),
]


@pytest.mark.parametrize(("text", "label", "values"), CUT_TEXTS)
def test_a_part_two_rows_text_is_cut_as_the_pattern_cuts_it(text: str, label: str, values: list[str]) -> None:
    pattern = re.escape(label) + "".join(r"[\s|]*" + re.escape(t) for t in values)
    assert _cut_runs(text, label, values) == re.sub(pattern, "\n", text)
