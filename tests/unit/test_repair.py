"""gkparse.cells.repair: a printed row's cells read as the cell grammar reads them."""

from __future__ import annotations

import pytest

from gkparse.cells.align import AlignedRow, ColumnSpec
from gkparse.cells.repair import _read
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
