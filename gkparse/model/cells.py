"""A cell, its state, an issue, and the open readings of a glued row."""

from __future__ import annotations

import enum
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from ..grammar import Number

__all__ = ["CellState", "CERTAIN_STATES", "KNOWN_STATES", "Cell", "Issue", "RowReadings", "Severity", "Number", "WRITTEN_WHOLE"]

#: The configuration of every report model: a report is written whole (``model_dump_json``
#: writes every field, None included), so the JSON Schema of what is written
#: (``model_json_schema(mode="serialization")``) marks every field required; the schema of
#: what is read (the default, validation mode) keeps the defaults optional.
WRITTEN_WHOLE = ConfigDict(json_schema_serialization_defaults_required=True)


class CellState(str, enum.Enum):
    """How a cell's value was obtained. Only ``printed``, ``split`` and ``resolved`` are certain."""

    PRINTED = "printed"  #: one number, read as printed in its own cell
    SPLIT = "split"  #: split out of glued digits; the only reading of the text
    RESOLVED = "resolved"  #: split out of glued digits; several readings, one chosen by relations or prose
    AMBIGUOUS = "ambiguous"  #: several readings remain; ``value`` is one, ``alternatives`` the others
    EMPTY = "empty"  #: the cell is there but blank
    DASH = "dash"  #: the cell holds a dash or a word for "none"
    UNREADABLE = "unreadable"  #: the cell holds text that is not a number; ``raw`` keeps it
    ABSENT = "absent"  #: the document does not have this cell at all


#: The states whose value can be used without review.
CERTAIN_STATES = frozenset({CellState.PRINTED, CellState.SPLIT, CellState.RESOLVED})
#: The states whose value the document settles: certain, or a blank or dash it prints (no number).
KNOWN_STATES = CERTAIN_STATES | {CellState.EMPTY, CellState.DASH}


class Cell(BaseModel):
    """One numeric cell: its value, the raw text it came from and how sure we are."""

    model_config = WRITTEN_WHOLE

    value: Optional[Number] = Field(None, description="The number; None when empty, a dash, unreadable or absent.")
    raw: Optional[str] = Field(None, description="The text the value was read from (a whole glued run for split cells).")
    state: CellState = Field(CellState.ABSENT, description="How the value was obtained.")
    alternatives: list[Optional[Number]] = Field(
        default_factory=list, description="Other values this cell takes in the readings still standing (ambiguous cells)."
    )
    unit: Optional[str] = Field(None, description="Unit of an amount (the column's money unit); None for counts.")
    basis: Optional[str] = Field(None, description="What settled a resolved cell: relation ids or prose evidence.")

    @property
    def certain(self) -> bool:
        """True when the value can be used without review."""
        return self.state in CERTAIN_STATES

    @property
    def readings(self) -> list[Optional[Number]]:
        """Every value the cell takes in the readings still standing, the shown one first
        (one value for a cell that is not ambiguous)."""
        return list(dict.fromkeys([self.value, *self.alternatives]))


Severity = Literal["error", "warning", "info"]


class Issue(BaseModel):
    """A problem found in the document: a broken relation (``R1``–``R6``) or a parse problem."""

    model_config = WRITTEN_WHOLE

    rule: str = Field(description="R1–R6 for relations; missing-table, missing-row, unmatched-row, ambiguous, … for parse problems.")
    severity: Severity = "error"
    message: str
    where: Optional[str] = Field(
        None,
        description=(
            "Where the issue sits: the table/row or table/column a relation was assessed in (requests/natural_person),"
            " the table/row of a row's issue, the table/row/column of a cell's, or a table."
        ),
    )
    cells: list[str] = Field(default_factory=list, description="Canonical keys of the cells involved.")
    expected: Optional[Number] = Field(None, description="For relations: the value the left side should have (sum of the right side).")
    actual: Optional[Number] = Field(None, description="For relations: the value the left side has.")
    empty_as_zero: list[str] = Field(default_factory=list, description="Empty cells counted as 0 to assess the relation.")

    def __str__(self) -> str:
        """``rule severity: message``, the rule said once (a relation's message starts with it).

        >>> str(Issue(rule="R2", severity="error", message="R2 requests/total: total = 4, but 0 expected"))
        'R2 error: requests/total: total = 4, but 0 expected'
        """
        message = self.message.removeprefix(f"{self.rule} ")
        return f"{self.rule} {self.severity}: {message}"


class RowReadings(BaseModel):
    """The readings of one glued row (or run of rows) that are still standing."""

    model_config = WRITTEN_WHOLE

    table: str
    cells: list[str] = Field(description="Canonical keys, in reading order.")
    raw: str = Field(description="The text the row was read from.")
    readings: list[list[Optional[Number]]] = Field(description="Each reading gives one value per cell; the first is the one reported.")
    basis: Optional[str] = None
    complete: bool = Field(
        True, description="False when the search stopped at a limit: the true reading may be none of these."
    )
