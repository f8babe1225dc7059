"""The one policy from a row's remaining readings to cells and their states.

Printed rows (one token per cell) and glued rows go through the same rules:

=================================================  ==============
what the readings say about a cell                 state
=================================================  ==============
no reading fills the row                           ambiguous (absent when the row has no text)
the readings differ, or the search was cut off     ambiguous: one value, the others as alternatives
past the end of a truncated document               absent
a blank among values the text shows no trace of    absent
blank / dash                                       empty / dash
text that is not a number                          unreadable (raw kept, ``unreadable-cell`` issue)
a whole token, the only reading                    printed
a number, after readings were removed              resolved (``basis`` says by what)
a number cut out of a token, the only reading      split
a row read with a number merged over two tokens    resolved (``basis``: the row sums that chose)
=================================================  ==============
"""

from __future__ import annotations

import operator
from typing import Any

from pydantic import TypeAdapter

from ..grammar import Number
from ..model import Cell, CellState, Issue, RowReadings
from ..read.page import is_blank
from ..templates.schema import Key
from .align import ColumnSpec
from .choose import RowState
from .search import Read

__all__ = ["CellData", "cells_of", "row_cells", "row_data"]

_BLANK_STATES = {"empty": CellState.EMPTY, "dash": CellState.DASH}
# Bound once: the loop over a row's cells reads them for every cell of every report.
_PRINTED = CellState.PRINTED
_SPLIT = CellState.SPLIT
_MERGED = operator.attrgetter("merged")

#: A cell as plain data: the fields it is built with (so that the cell built from it is the
#: one ``Cell(**data)`` builds, down to the fields it says were set).
CellData = dict[str, Any]

#: A report's cells are built in one validation of their data: a third faster than one
#: ``Cell(...)`` call per cell.
_CELLS = TypeAdapter(list[Cell])


def cells_of(data: list[CellData]) -> list[Cell]:
    """The cells ``data`` describe, in order."""
    return _CELLS.validate_python(data)


def _raw(state: RowState, read: Read) -> str:
    """The text a cell was read from. A blank or dash in a glued row has no text of its
    own that can be trusted to be this cell's (a blank run stands for several cells, a
    vanished one for none): it points at the row's text."""
    if state.row.glued and read.how in _BLANK_STATES:
        return state.row.raw
    return read.raw


def row_cells(state: RowState) -> tuple[dict[Key, Cell], RowReadings | None, list[Issue]]:
    """The cells of one row by key, its readings if several remain, and the issues."""
    data, readings, issues = row_data(state)
    return dict(zip(data, cells_of(list(data.values())))), readings, issues


def row_data(state: RowState) -> tuple[dict[Key, CellData], RowReadings | None, list[Issue]]:
    """:func:`row_cells` with each cell as its data (:data:`CellData`), built later with
    the rest of the report's cells (:func:`cells_of`)."""
    row = state.row
    cells: dict[Key, CellData] = {}
    issues: list[Issue] = []
    if not state.options:
        # No reading fits: the values are unknown, so no cell may look certain.
        for key in row.keys:
            if key:
                cells[key] = {"raw": row.raw, "state": CellState.AMBIGUOUS if row.tokens else CellState.ABSENT}
        return cells, None, issues
    first = state.options[0]
    open_ = len(state.options) > 1 or not state.complete
    # A number printed over two tokens is read only because the row sums hold with it:
    # every cell of such a row owes its place to them.
    merged_basis = (
        state.basis or "+".join(dict.fromkeys(s.relation for s in row.sums))
        if (any(map(_MERGED, first)) if len(state.options) == 1 else any(any(map(_MERGED, o)) for o in state.options))
        else None
    )
    single = len(state.options) == 1
    complete = state.complete
    valued: bool | None = None  # whether the row shows any value (asked of assumed cells only)
    if single and complete and merged_basis is None and state.initial == 1:
        # A row with one reading, found whole (every printed row, most glued ones): most
        # cells are numbers, printed whole or split out of glued digits, the rest blanks.
        glued = row.glued
        row_raw = None  # a glued row's blanks point at its text, made once
        for column, read in zip(row.columns, first):
            key = column.key
            if key is None:
                continue
            value, how, raw, split, assumed, _ = read
            if how == "num" and not assumed:
                unit = column.unit if value is not None else None
                if split:
                    cells[key] = {"value": value, "raw": raw, "state": _SPLIT, "unit": unit, "basis": state.basis}
                else:
                    cells[key] = {"value": value, "raw": raw, "state": _PRINTED, "unit": unit}
            elif how in _BLANK_STATES and not assumed:
                if glued:
                    raw = row_raw = row.raw if row_raw is None else row_raw
                cells[key] = {"raw": raw, "state": _BLANK_STATES[how]}
            else:
                if assumed and valued is None:
                    valued = any(not is_blank(t) for t in row.tokens)
                cells[key] = _settled(state, key, column, read, merged_basis, bool(valued), issues)
        return cells, None, issues
    # Each cell's reads over the readings, each distinct read once in first-seen order (a
    # row may keep a thousand readings, which repeat a cell's few reads): what is drawn
    # from them below, in first-seen order, is the same as from every reading.
    by_column = [dict.fromkeys(reads) for reads in zip(*state.options)] if not single else []
    unranked = [dict.fromkeys(reads) for reads in zip(*state.unranked)] if not (single and complete) else []
    for i, (column, read) in enumerate(zip(row.columns, first)):
        key = column.key
        if key is None:
            continue
        if not single or not complete:
            # A blank, a dash and unreadable text are all "no value", but not the same
            # reading: the alternatives list the value of every other reading, a None too
            # when the shown value is None (text shown, a blank in another reading).
            alternatives: list[Number | None] = []
            readings_differ = False
            if not single:
                seen = list(dict.fromkeys((r.value, r.how) for r in by_column[i]))
                alternatives = list(dict.fromkeys(value for value, _ in seen[1:]))
                readings_differ = len(seen) > 1
            if readings_differ or not complete:
                shown = {read.value, *alternatives}
                if unranked:
                    alternatives += list(dict.fromkeys(r.value for r in unranked[i] if r.value not in shown))
                cells[key] = {
                    "value": read.value, "raw": row.raw, "state": CellState.AMBIGUOUS,
                    "unit": column.unit if read.value is not None else None, "alternatives": alternatives,
                }
                continue
        if read.assumed and valued is None:
            valued = any(not is_blank(t) for t in row.tokens)
        cells[key] = _settled(state, key, column, read, merged_basis, bool(valued), issues)
    if not open_:
        return cells, None, issues
    name = row.label or row.table
    readings = RowReadings(
        table=row.table,
        cells=[str(k) if k else "" for k in row.keys],
        raw=row.raw,
        readings=[[c.value for c in o] for o in state.options],
        basis=state.basis,
        complete=state.complete,
    )
    issues.append(
        Issue(
            rule="ambiguous", severity="warning", where=row.where,
            message=f"{name!r}: {len(state.options)} readings of {row.raw!r} remain" + ("" if state.complete else " (search incomplete)"),
            cells=[str(k) for k in row.keys if k],
        )
    )
    return cells, readings, issues


def _settled(
    state: RowState, key: Key, column: ColumnSpec, read: Read, merged_basis: str | None, valued: bool, issues: list[Issue]
) -> CellData:
    """The data of a cell all of whose row's readings read it as ``read`` (``valued``: the
    row shows a value, asked of an assumed cell only)."""
    how = read.how
    initial = state.initial
    unit = column.unit if read.value is not None else None
    if how == "absent" or (read.assumed and valued):
        # Past the end of the document, or a blank among the row's values that the text
        # shows no trace of: the reader did not find this cell (completeness names it
        # ``missing-cells``). A row printed with nothing after its label is blank.
        return {"state": CellState.ABSENT}
    if how in _BLANK_STATES:
        return {"raw": _raw(state, read), "state": _BLANK_STATES[how]}
    if how == "text":
        message = f"{key}: {read.raw!r} is not a number"
        issues.append(Issue(rule="unreadable-cell", severity="warning", where=str(key), message=message, cells=[str(key)]))
        return {"raw": read.raw, "state": CellState.UNREADABLE}
    if merged_basis is not None:
        return {"value": read.value, "raw": read.raw, "state": CellState.RESOLVED, "unit": unit, "basis": merged_basis}
    if not read.split and initial == 1:
        return {"value": read.value, "raw": read.raw, "state": _PRINTED, "unit": unit}
    if initial > 1:
        return {"value": read.value, "raw": read.raw, "state": CellState.RESOLVED, "unit": unit, "basis": state.basis}
    return {"value": read.value, "raw": read.raw, "state": _SPLIT, "unit": unit, "basis": state.basis}
