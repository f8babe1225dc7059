"""The typed report model (Pydantic v2): cells and issues, table models generated from
the template data, and the report. Every stage produces these types; :mod:`gkparse.api`
assembles the report at the end of the pipeline.

The generated table classes live in :mod:`gkparse.model.generated` (where pickle finds
them), and ``generated.pyi`` declares them for type checkers; :mod:`gkparse.model.stubs`
writes that stub from the template data.
"""

from __future__ import annotations

from .cells import CERTAIN_STATES, KNOWN_STATES, Cell, CellState, Issue, Number, RowReadings, Severity
from .report import DocumentForm, Meta, Prose, Report, SameReport, Signature, Source, TableRegion
from .tables import TableModel, new_table, table_model

__all__ = [
    "Cell",
    "CellState",
    "CERTAIN_STATES",
    "KNOWN_STATES",
    "Issue",
    "Number",
    "RowReadings",
    "Severity",
    "Meta",
    "Prose",
    "Report",
    "Signature",
    "Source",
    "DocumentForm",
    "SameReport",
    "TableRegion",
    "TableModel",
    "new_table",
    "table_model",
]
