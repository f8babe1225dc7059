"""Aligned rows → cells: read each row, narrow by the report's own evidence, then map.

A printed row has one reading, read token by token with the cell grammar. A glued row has
every reading :mod:`~gkparse.cells.search` finds; :mod:`~gkparse.cells.choose` narrows
part 二's rows by the numbers part 一 states and part 三's rows by the column relations
(R1, R2); :mod:`~gkparse.cells.policy` turns what remains into cells. Whatever is still
open stays *ambiguous*: one value, the others listed, never presented as certain.
"""

from __future__ import annotations

import re

from ..grammar import MAX_NUMBER_DIGITS
from ..model import Cell, Issue, RowReadings
from ..read.page import is_blank
from ..templates import Template
from ..templates.schema import Key
from .align import AlignedRow
from .choose import RowState, choose_across_rows, narrow_by_prose, prefer_unassumed
from .policy import CellData, cells_of, row_data
from .search import CUT, MAX_READINGS, MAX_READINGS_ALONE, NodeBudget, Read, RowSearch, read_token

__all__ = ["repair"]

#: A blank printed cell, as :func:`~gkparse.cells.search.read_token` reads it.
_BLANK = Read(None, "empty", "")


def _read(row: AlignedRow, issues: list[Issue], alone: bool, budget: NodeBudget) -> RowState:
    if not row.glued:
        # Most printed cells are blank or plain digits: read here as the cell grammar reads
        # them, whatever the column.
        reads = []
        for token, column in zip(row.tokens, row.columns):
            if not token:
                reads.append(_BLANK)
            elif token.isascii() and token.isdigit() and len(token) <= MAX_NUMBER_DIGITS:
                reads.append(Read(int(token), "num", token))
            else:
                reads.append(read_token(token, column))
        reading = tuple(reads)
        # A printed row shorter than its columns ends where the document does.
        return RowState(row, [reading + (CUT,) * (len(row.columns) - len(reading))], True)
    search = RowSearch(row, limit=MAX_READINGS_ALONE if alone else MAX_READINGS, shared=budget)
    options, complete = search.readings(), search.complete
    keys = [str(k) for k in row.keys if k]
    name = row.label or row.table
    if not options:
        message = f"{name!r}: no reading of {row.raw!r} fills its {len(row.columns)} cells"
        issues.append(Issue(rule="unreadable-row", severity="warning", where=row.where, message=message, cells=keys))
    if not complete:
        message = f"{name!r}: the readings of {row.raw!r} were not all enumerated (search budget)"
        issues.append(Issue(rule="search-limit", severity="warning", where=row.where, message=message, cells=keys))
    return RowState(row, options, complete, unranked=search.unranked)


def _without_table_text(text: str, rows: list[AlignedRow]) -> str:
    """``text`` with each part 二 row's own label and values cut out: a one-line dump holds
    the tables inside the body (``…采购总金额政府集中采购8245310.50元三、…``), and a table's
    own text is no evidence for its cells."""
    for row in rows:
        label = row.label.strip()
        if row.table != "disclosure" or not label or label not in text:
            continue  # (the pattern opens with the label: without it, it cannot match)
        values = [t for t in row.tokens if not is_blank(t)]
        if not values:
            continue
        pattern = re.escape(label) + "".join(r"[\s|]*" + re.escape(t) for t in values)
        text = re.sub(pattern, "\n", text)
    return text


def repair(
    rows: list[AlignedRow], template: Template, evidence_text: str = ""
) -> tuple[dict[Key, Cell], list[RowReadings], list[Issue]]:
    """Turn aligned rows into cells: the cells by key, the rows still open, the issues.

    ``evidence_text`` is prose whose stated numbers may settle part 二's open rows (the
    caller chooses: part 一, or the whole body).
    """
    issues: list[Issue] = []
    # Rows of a table without column relations never enter a joint choice (part 四).
    joint = {r.table for r in template.relations if r.along == "column"}
    budget = NodeBudget()  # one search budget for the whole document
    states = [_read(row, issues, row.table not in joint, budget) for row in rows]
    # The prose is read only for a part 二 row left open (cutting the rows' own text out
    # of it is a pattern search per row).
    prose_needed = evidence_text and any(s.row.table == "disclosure" and len(s.options) > 1 for s in states)
    narrow_by_prose(states, _without_table_text(evidence_text, rows) if prose_needed else "", template)
    choose_across_rows(states, template)
    prefer_unassumed(states, template)
    data: dict[Key, CellData] = {}
    open_readings: list[RowReadings] = []
    for state in states:
        row_cells, open_row, row_issues = row_data(state)
        data.update(row_cells)
        if open_row is not None:
            open_readings.append(open_row)
        issues.extend(row_issues)
    return dict(zip(data, cells_of(list(data.values())))), open_readings, issues
