"""Reports as flat rows: the tidy cell table and the issue table.

One row per cell (:func:`cell_rows`) and one row per issue (:func:`issue_rows`), ready for
pandas, a spreadsheet or a database:

>>> import gkparse
>>> from importlib.resources import files
>>> report = gkparse.parse(files("gkparse") / "examples" / "pingyang_amr_2020.txt")
>>> first = next(r for r in cell_rows(report) if r["table"] == "requests")
>>> first["row"], first["column"], first["value"], first["state"]
('new', 'natural_person', 4, 'printed')

The batch moves the cell table as :func:`cell_table` tuples (the values in
:data:`CELL_COLUMNS` order): a worker sends a report's 200 rows to the parent without 200
dicts of 13 keys each, and the writers take them as they are. The rows hold the model's
values (a count is an int); the writers write them as the schema declares
(:mod:`.schema`: every value a float64, empty text missing).
"""

from __future__ import annotations

from typing import Any, Optional

from ..model import Issue, Report
from .schema import CELLS, ISSUES

__all__ = [
    "CELL_COLUMNS", "ISSUE_COLUMNS", "ISSUE_CELL_SEPARATOR", "CellRow", "cell_rows", "cell_table", "issue_row", "issue_rows",
]

#: The cell table's columns, in order (declared with their types in :data:`~.schema.CELLS`).
CELL_COLUMNS = CELLS.names
#: The issue table's columns, in order (declared with their types in :data:`~.schema.ISSUES`).
ISSUE_COLUMNS = ISSUES.names
#: Joins an issue's cell keys in one table cell (keys hold `/` and `.`, never `;`).
ISSUE_CELL_SEPARATOR = ";"

#: One row of the cell table: its values in :data:`CELL_COLUMNS` order.
CellRow = tuple[Any, ...]


def cell_table(report: Report) -> list[CellRow]:
    """The tidy cell table of ``report`` as tuples: one per cell of ``report.cells()``,
    values in :data:`CELL_COLUMNS` order."""
    src = report.source
    base = (src.sha256, src.path, src.date, report.agency, report.year, report.template)
    rows = []
    for key, cell in report.cells():
        table, row, column = str(key).split("/")
        rows.append((*base, table, row, column, cell.value, cell.unit, cell.raw, cell.state.value))
    return rows


def cell_rows(report: Report) -> list[dict[str, Any]]:
    """The tidy cell table of ``report``: one dict per cell of ``report.cells()``, columns
    :data:`CELL_COLUMNS`."""
    return [dict(zip(CELL_COLUMNS, row)) for row in cell_table(report)]


def issue_row(report_id: Optional[str], source: Optional[str], issue: Issue) -> dict[str, Any]:
    """The row of one issue of the report ``report_id`` read from ``source``, columns
    :data:`ISSUE_COLUMNS` (cell keys joined with :data:`ISSUE_CELL_SEPARATOR`)."""
    return {
        "report_id": report_id,
        "source": source,
        "rule": issue.rule,
        "severity": issue.severity,
        "message": issue.message,
        "cells": ISSUE_CELL_SEPARATOR.join(str(c) for c in issue.cells),
        "expected": issue.expected,
        "actual": issue.actual,
    }


def issue_rows(report: Report) -> list[dict[str, Any]]:
    """One dict per issue of ``report``, columns :data:`ISSUE_COLUMNS` (:func:`issue_row`)."""
    return [issue_row(report.source.sha256, report.source.path, issue) for issue in report.issues]
