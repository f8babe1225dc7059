"""Evidence from outside a report narrows its open readings: another source of the same
report, or a neighbouring year's report through R5/R6.

A glued row's readings are joint (:class:`~gkparse.model.RowReadings`): one reading gives
every cell of the run its value, so evidence is applied to whole readings, never to one
cell alone. :func:`narrow` keeps the readings a test does not reject; a cell whose value is
the same in every reading left is settled (``resolved``, with the evidence as ``basis``).
Evidence never overrides a certain cell and never leaves a row without a reading: when the
test rejects every reading, the row is left as it was (the caller reports the conflict).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Optional

from ..checks import check_relations, relation_rules
from ..model import KNOWN_STATES, Cell, CellState, Number, Report, RowReadings
from ..templates import TEMPLATES, Key

__all__ = ["Assignment", "Choice", "keep", "known_values", "narrow", "open_choices", "recheck"]


#: A candidate value for each of some cells, by key.
Assignment = Mapping[str, Optional[Number]]
#: A test of an assignment: False rejects it, True or None (cannot tell) keep it.
Test = Callable[[Assignment], Optional[bool]]


def known_values(report: Report) -> dict[str, Optional[Number]]:
    """``{key: value}`` for the cells whose value the document settles (blank and dash as None)."""
    return {key: cell.value for key, cell in report.cells() if cell.state in KNOWN_STATES}


@dataclass
class Choice:
    """One open choice of a report: a glued row's cells and its readings still standing
    (``row`` is the report's :class:`RowReadings`), or one ambiguous cell no row covers
    (``row`` None; one reading per value)."""

    keys: list[str]
    readings: list[list[Optional[Number]]]
    row: Optional[RowReadings] = None

    @property
    def complete(self) -> bool:
        """False when the row's search stopped at a limit: the truth may be none of the readings."""
        return self.row is None or self.row.complete


def open_choices(report: Report) -> list[Choice]:
    """The report's open choices: each glued row, then each ambiguous cell no row covers."""
    choices: list[Choice] = []
    covered: set[str] = set()
    for row in report.readings:
        choices.append(Choice(list(row.cells), row.readings, row))
        covered.update(row.cells)
    for key, cell in report.cells():
        if cell.state is CellState.AMBIGUOUS and key not in covered:
            choices.append(Choice([key], [[v] for v in cell.readings]))
    return choices


def keep(report: Report, choice: Choice, kept: list[list[Optional[Number]]], basis: str) -> list[str]:
    """Narrow ``choice`` to the readings ``kept`` (a non-empty subset of its readings); the
    keys this settles: ``resolved`` with ``basis``, or ``empty`` where every reading left
    has the cell blank. A choice whose search stopped at a limit is left as it is (its true
    reading may be none of those listed)."""
    if not kept:
        raise ValueError("keep: a choice cannot be left without a reading")
    if len(kept) == len(choice.readings) or not choice.complete:
        return []
    settled = []
    for i, key in enumerate(choice.keys):
        if not key:
            continue
        try:
            cell: Cell = report.cell(key)
        except KeyError:
            continue
        if cell.state is not CellState.AMBIGUOUS:
            continue
        values = list(dict.fromkeys(r[i] for r in kept))
        if len(values) == 1:
            cell.value, cell.alternatives = values[0], []
            cell.state = CellState.RESOLVED if values[0] is not None else CellState.EMPTY
            cell.basis = f"{cell.basis}; {basis}" if cell.basis else basis
            settled.append(key)
        else:
            cell.value, cell.alternatives = values[0], values[1:]
    if choice.row is not None:
        if len(kept) == 1:
            report.readings.remove(choice.row)
        else:
            choice.row.readings = kept
            _recount(report, choice.row, basis)
    choice.readings = kept
    if settled:
        _retire_ambiguous_issues(report)
    return settled


def narrow(report: Report, test: Test, basis: str) -> list[str]:
    """Keep, in each open choice of ``report``, the readings ``test`` does not reject; the
    keys settled (now ``resolved`` with ``basis``).

    ``test`` sees the reading's values over the report's known values. A choice whose every
    reading the test rejects is left as it is (the evidence conflicts with the document:
    the caller has found it as a disagreement).
    """
    known = known_values(report)
    settled: list[str] = []
    for choice in open_choices(report):
        kept = []
        for reading in choice.readings:
            assignment = dict(known)
            assignment.update((k, v) for k, v in zip(choice.keys, reading) if k)
            if test(assignment) is not False:
                kept.append(reading)
        if kept:
            settled += keep(report, choice, kept, basis)
    return settled


_COUNT = re.compile(r"\b\d+ readings of ")


def _recount(report: Report, row: RowReadings, basis: str) -> None:
    """The ``ambiguous`` issue of a row narrowed but still open says how many readings remain."""
    keys = [k for k in row.cells if k]
    for issue in report.issues:
        if issue.rule == "ambiguous" and issue.cells == keys:
            issue.message = _COUNT.sub(f"{len(row.readings)} readings of ", issue.message, count=1)
            issue.message += f" (after {basis})"


def recheck(report: Report) -> None:
    """The within-report relations again, on the report's cells as they are now (evidence
    settled some: they may now break or satisfy a relation the report alone could not
    judge). Other issues are kept."""
    template = TEMPLATES.get(report.template or "")
    if template is None:
        return
    cells = dict(report.cells(include_absent=True))
    rules = relation_rules(report.template) | {"unassessed"}
    kept = [i for i in report.issues if i.rule not in rules]

    def lookup(key: Key) -> Optional[Cell]:
        return cells.get(str(key))

    report.issues = kept + check_relations(template, lookup)


def _retire_ambiguous_issues(report: Report) -> None:
    """Drop ``ambiguous`` issues whose cells are all settled now."""
    open_keys = {k for k, c in report.cells() if c.state is CellState.AMBIGUOUS}
    report.issues = [
        i for i in report.issues if i.rule != "ambiguous" or any(k in open_keys for k in i.cells)
    ]
