"""Export: reports as tidy rows (:mod:`.rows`), the tables' one schema (:mod:`.schema`), the
output formats of ``convert`` (:mod:`.writers`) and gzip-compressed outputs (:mod:`.compression`)."""

from __future__ import annotations

from .rows import CELL_COLUMNS, ISSUE_COLUMNS, CellRow, cell_rows, cell_table, issue_row, issue_rows
from .schema import CELLS, ISSUES, TYPES, Column, TableSchema
from .writers import (
    ISSUE_WRITERS,
    WRITERS,
    CellsCsvWriter,
    CellsJsonlWriter,
    CellsParquetWriter,
    CellsXlsxWriter,
    Format,
    IssuesCsvWriter,
    IssuesJsonlWriter,
    IssuesParquetWriter,
    IssuesXlsxWriter,
    JsonlWriter,
    Writer,
    format_for,
    issues_format_for,
    open_writer,
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
    "CELLS",
    "ISSUES",
    "TYPES",
    "Column",
    "TableSchema",
    "Writer",
    "Format",
    "WRITERS",
    "ISSUE_WRITERS",
    "register",
    "format_for",
    "issues_format_for",
    "open_writer",
    "JsonlWriter",
    "CellsCsvWriter",
    "CellsJsonlWriter",
    "CellsParquetWriter",
    "CellsXlsxWriter",
    "IssuesCsvWriter",
    "IssuesJsonlWriter",
    "IssuesParquetWriter",
    "IssuesXlsxWriter",
]
