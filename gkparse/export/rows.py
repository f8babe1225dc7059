"""Reports as flat rows: the tidy cell table and the issue table.

One row per cell (:func:`cell_rows`) and one row per issue (:func:`issue_rows`), ready for
pandas, a spreadsheet or a database:

>>> import gkparse
>>> from importlib.resources import files
>>> report = gkparse.parse(files("gkparse") / "examples" / "pingyang_amr_2020.txt")
>>> first = next(r for r in cell_rows(report) if r["table"] == "requests")
>>> first["row"], first["column"], first["value"], first["state"]
('new', 'natural_person', 4, 'printed')
"""

from __future__ import annotations

from typing import Any

from ..model import Report

__all__ = ["CELL_COLUMNS", "ISSUE_COLUMNS", "ISSUE_CELL_SEPARATOR", "cell_rows", "issue_rows"]

CELL_COLUMNS = (
    "report_id", "source", "date", "agency", "year", "template",
    "table", "row", "column", "value", "unit", "raw", "state",
)
ISSUE_COLUMNS = ("report_id", "source", "rule", "severity", "message", "cells", "expected", "actual")
#: Joins an issue's cell keys in one table cell (keys hold `/` and `.`, never `;`).
ISSUE_CELL_SEPARATOR = ";"


def cell_rows(report: Report) -> list[dict[str, Any]]:
    """The tidy cell table of ``report``: one dict per cell of ``report.cells()``, columns
    :data:`CELL_COLUMNS`."""
    src = report.source
    base = {
        "report_id": src.sha256,
        "source": src.path,
        "date": src.date,
        "agency": report.agency,
        "year": report.year,
        "template": report.template,
    }
    rows = []
    for key, cell in report.cells():
        table, row, column = str(key).split("/")
        rows.append({
            **base,
            "table": table,
            "row": row,
            "column": column,
            "value": cell.value,
            "unit": cell.unit,
            "raw": cell.raw,
            "state": cell.state.value,
        })
    return rows


def issue_rows(report: Report) -> list[dict[str, Any]]:
    """One dict per issue of ``report``, columns :data:`ISSUE_COLUMNS` (cell keys joined
    with :data:`ISSUE_CELL_SEPARATOR`)."""
    return [
        {
            "report_id": report.source.sha256,
            "source": report.source.path,
            "rule": issue.rule,
            "severity": issue.severity,
            "message": issue.message,
            "cells": ISSUE_CELL_SEPARATOR.join(str(c) for c in issue.cells),
            "expected": issue.expected,
            "actual": issue.actual,
        }
        for issue in report.issues
    ]
