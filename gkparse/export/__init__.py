"""Export: reports as tidy rows and the writers of each output format."""

from __future__ import annotations
from .writers import CELL_COLUMNS, ISSUE_COLUMNS, cell_rows, issue_rows, JsonlWriter, CsvWriter, ParquetWriter, write_csv

__all__ = ["CELL_COLUMNS", "ISSUE_COLUMNS", "cell_rows", "issue_rows", "JsonlWriter", "CsvWriter", "ParquetWriter", "write_csv"]
