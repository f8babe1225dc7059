"""The typed report model (Pydantic v2): cells, issues, tables generated from the templates, the report."""

from __future__ import annotations
from .report import CellState, Cell, Issue, RowReadings, Meta, Signature, Source, Prose, Report, Number

__all__ = ["CellState", "Cell", "Issue", "RowReadings", "Meta", "Signature", "Source", "Prose", "Report", "Number"]
