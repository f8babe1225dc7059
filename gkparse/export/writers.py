"""Flat exports of reports: the tidy cell table, the issue table and their writers.

One row per cell (``cell_rows``) and one row per issue (``issue_rows``), ready for
pandas, a spreadsheet or a database:

>>> import gkparse
>>> from importlib.resources import files
>>> report = gkparse.parse(files("gkparse") / "examples" / "pingyang_amr_2020.txt")
>>> first = next(r for r in cell_rows(report) if r["table"] == "requests")
>>> first["row"], first["column"], first["value"], first["state"]
('new', 'natural_person', 4, 'printed')

Writers: :class:`JsonlWriter` (one full report per line), :class:`CsvWriter` (stdlib csv,
UTF-8, header row) and :class:`ParquetWriter` (needs pyarrow: ``pip install gkparse[parquet]``).
"""

from __future__ import annotations

import csv
import io
from typing import IO, Any, Iterable, Optional

from ..errors import GkparseError
from ..model.report import Report

__all__ = [
    "CELL_COLUMNS",
    "ISSUE_COLUMNS",
    "cell_rows",
    "issue_rows",
    "JsonlWriter",
    "CsvWriter",
    "ParquetWriter",
    "write_csv",
]

CELL_COLUMNS = (
    "report_id", "source", "date", "agency", "year", "template",
    "table", "row", "column", "value", "unit", "raw", "state",
)
ISSUE_COLUMNS = ("report_id", "source", "rule", "severity", "message", "cells", "expected", "actual")


def cell_rows(report: Report) -> list[dict[str, Any]]:
    """The tidy cell table of ``report``: one dict per cell, columns :data:`CELL_COLUMNS`."""
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
        table, row, column = key.split("/")
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
    """One dict per issue of ``report``, columns :data:`ISSUE_COLUMNS` (cells joined with ``;``)."""
    return [
        {
            "report_id": report.source.sha256,
            "source": report.source.path,
            "rule": issue.rule,
            "severity": issue.severity,
            "message": issue.message,
            "cells": ";".join(issue.cells),
            "expected": issue.expected,
            "actual": issue.actual,
        }
        for issue in report.issues
    ]


class JsonlWriter:
    """Writes one JSON document per line to a binary stream; each line is written whole and flushed."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream

    def write_line(self, line: str) -> None:
        self.stream.write(line.encode("utf-8") + b"\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class CsvWriter:
    """CSV with a header row (UTF-8, ``\\r\\n`` line ends as the csv module writes them)."""

    def __init__(self, stream: IO[bytes], columns: Iterable[str]) -> None:
        self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.DictWriter(self._text, fieldnames=list(columns), extrasaction="ignore")
        self._writer.writeheader()

    def write_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        self._writer.writerows(rows)
        self._text.flush()

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


def _require_pyarrow() -> Any:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise GkparseError("Parquet output needs pyarrow: install gkparse[parquet]") from None
    return pyarrow


class ParquetWriter:
    """Cell (or issue) rows to a Parquet file, written in row groups of ``batch`` rows."""

    def __init__(self, stream: IO[bytes], columns: Iterable[str], batch: int = 50_000) -> None:
        pa = _require_pyarrow()
        import pyarrow.parquet as pq

        self._pa = pa
        self.columns = list(columns)
        types = {"year": pa.int64(), "value": pa.float64(), "expected": pa.float64(), "actual": pa.float64()}
        self.schema = pa.schema([(c, types.get(c, pa.string())) for c in self.columns])
        self._writer = pq.ParquetWriter(stream, self.schema)
        self._pending: list[dict[str, Any]] = []
        self._batch = batch

    def write_rows(self, rows: Iterable[dict[str, Any]]) -> None:
        self._pending.extend(rows)
        if len(self._pending) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            table = self._pa.Table.from_pylist(
                [{c: _arrow_value(c, r.get(c)) for c in self.columns} for r in self._pending], schema=self.schema
            )
            self._writer.write_table(table)
            self._pending = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def _arrow_value(column: str, value: Any) -> Any:
    if column in ("value", "expected", "actual") and value is not None:
        return float(value)
    return value


def write_csv(rows: Iterable[dict[str, Any]], path: str, columns: Optional[Iterable[str]] = None) -> None:
    """Write ``rows`` to a UTF-8 CSV file at ``path`` (columns: ``columns`` or the first row's keys)."""
    rows = list(rows)
    cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    with open(path, "wb") as fh:
        writer = CsvWriter(fh, cols)
        writer.write_rows(rows)
        writer.close()
