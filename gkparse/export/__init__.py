"""Export: reports as tidy rows (:mod:`.rows`) and the output formats of ``convert`` (:mod:`.writers`)."""

from __future__ import annotations

from .rows import CELL_COLUMNS, ISSUE_COLUMNS, CellRow, cell_rows, cell_table, issue_row, issue_rows
from .writers import (
    WRITERS,
    CellsCsvWriter,
    CellsParquetWriter,
    Format,
    IssuesCsvWriter,
    JsonlWriter,
    Writer,
    format_for,
    register,
)

__all__ = [
    "CELL_COLUMNS",
    "ISSUE_COLUMNS",
    "CellRow",
    "cell_rows",
    "cell_table",
    "issue_row",
    "issue_rows",
    "Writer",
    "Format",
    "WRITERS",
    "register",
    "format_for",
    "JsonlWriter",
    "CellsCsvWriter",
    "CellsParquetWriter",
    "IssuesCsvWriter",
]
