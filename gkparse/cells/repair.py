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


#: A printed number's read made without the named tuple's Python-level ``__new__``.
_new_read = tuple.__new__


def _plain() -> dict[str, Read]:
    """The printed tokens read whatever their column (blanks and plain digits), as found."""
    return {"": _BLANK}


def _read(
    row: AlignedRow, issues: list[Issue], alone: bool, budget: NodeBudget, plain: dict[str, Read] | None = None
) -> RowState:
    if not row.glued:
        # Most printed cells are blank or plain digits: read here as the cell grammar reads
        # them, whatever the column, each distinct token once per document (``plain``).
        if plain is None:
            plain = _plain()
        reads = []
        for token, column in zip(row.tokens, row.columns):
            read = plain.get(token)
            if read is None:
                if token.isascii() and token.isdigit() and len(token) <= MAX_NUMBER_DIGITS:
                    read = plain[token] = _new_read(Read, (int(token), "num", token, False, False, False))
                else:
                    read = read_token(token, column)
            reads.append(read)
        reading = tuple(reads)
        # A printed row shorter than its columns ends where the document does.
        return RowState(row, [reading + (CUT,) * (len(row.columns) - len(reading))], True)
    search = RowSearch(row, limit=MAX_READINGS_ALONE if alone else MAX_READINGS, shared=budget)
    options, complete = search.readings(), search.complete
    if not options or not complete:
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
            continue  # (the run opens with the label: without it, there is none)
        values = [t for t in row.tokens if not is_blank(t)]
        if values:
            text = _cut_runs(text, label, values)
    return text


def _gap(char: str) -> bool:
    """What may stand between a table row's label and values in a dump: space or a pipe."""
    return char.isspace() or char == "|"


def _cut_runs(text: str, label: str, values: list[str]) -> str:
    r"""``text`` with each run of ``label`` then ``values`` (each after spaces and pipes, if
    any) replaced by a line break, from the left; the pattern
    ``label([\s|]*value)…`` as :func:`re.sub` replaces it, found with ``str.find``."""
    if any(_gap(value[0]) for value in values):
        # A value that opens with a gap character is matched by backtracking: the pattern.
        pattern = re.escape(label) + "".join(r"[\s|]*" + re.escape(t) for t in values)
        return re.sub(pattern, "\n", text)
    parts = []
    start = 0
    size = len(text)
    at = text.find(label)
    while at >= 0:
        end = at + len(label)
        for value in values:
            while end < size and _gap(text[end]):
                end += 1
            if not text.startswith(value, end):
                break
            end += len(value)
        else:
            parts += [text[start:at], "\n"]
            start = end
            at = text.find(label, end)
            continue
        at = text.find(label, at + 1)
    if not parts:
        return text
    parts.append(text[start:])
    return "".join(parts)


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
    plain = _plain()
    states = [_read(row, issues, row.table not in joint, budget, plain) for row in rows]
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
