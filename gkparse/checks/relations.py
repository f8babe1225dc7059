"""Consistency relations (勾稽关系) R1–R4 on a report's cells, and R5/R6 across years.

A relation whose total is empty, or whose addends are all empty, is not assessable and
yields nothing; otherwise empty addends count as 0 and the issue says which did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Optional

from ..model.report import Cell, CellState, Issue, Report
from ..templates import TEMPLATES, Relation, Template

__all__ = ["check_relations", "check_years"]

Lookup = Callable[[str], Optional[Cell]]


_MAX_SUMS = 4096  # distinct partial sums tracked when ambiguous cells are involved


def _candidates(cell: Cell | None) -> list[float | None]:
    if cell is None:
        return [None]
    if cell.state is CellState.AMBIGUOUS:
        return list(dict.fromkeys([cell.value, *cell.alternatives]))
    return [cell.value]


def _possible_sums(cells: list[Cell | None]) -> set[float] | None:
    """Every sum the cells can take over their readings (empty = 0); None past the cap."""
    sums: set[float] = {0}
    for cell in cells:
        options = {v or 0 for v in _candidates(cell)}
        sums = {s + o for s in sums for o in options}
        if len(sums) > _MAX_SUMS:
            return None
    return sums


def _assess(relation: Relation, keys_left: list[str], keys_right: list[str], lookup: Lookup, where: str) -> Issue | None:
    left = [(k, lookup(k)) for k in keys_left]
    right = [(k, lookup(k)) for k in keys_right]
    if all(c is None or c.value is None for _, c in left) or all(c is None or c.value is None for _, c in right):
        return None
    actual = sum(c.value for _, c in left if c is not None and c.value is not None)
    expected = sum(c.value for _, c in right if c is not None and c.value is not None)
    if abs(actual - expected) < 1e-9:
        return None
    if any(c is not None and c.state is CellState.AMBIGUOUS for _, c in left + right):
        # The values shown are one reading among several: the relation is broken only
        # if no reading satisfies it (and undecided if there are too many to tell).
        lefts = _possible_sums([c for _, c in left])
        rights = _possible_sums([c for _, c in right])
        if lefts is None or rights is None or lefts & rights:
            return None
    empties = [k for k, c in left + right if c is None or c.value is None]
    return Issue(
        rule=relation.id,
        severity="error",
        message=f"{relation.id} {where}: {' + '.join(relation.left)} = {actual}, but {expected} expected ({relation.text})",
        cells=keys_left + keys_right,
        expected=expected,
        actual=actual,
        empty_as_zero=empties,
    )


def check_relations(template: Template, lookup: Lookup) -> list[Issue]:
    """Evaluate the template's R1–R4 with ``lookup(key) -> Cell | None``."""
    issues: list[Issue] = []
    rows = {"requests": [r.key for r in template.requests_rows], "appeals": [r.key for r in template.appeals_rows]}
    columns = {"requests": [c.key for c in template.requests_columns], "appeals": [c.key for c in template.appeals_columns]}
    for relation in template.relations:
        t = relation.table
        # A column relation names rows and holds in every column; a row relation the reverse.
        along_column = relation.along == "column"

        def key(name: str, other: str) -> str:
            return f"{t}/{name}/{other}" if along_column else f"{t}/{other}/{name}"  # noqa: B023

        for other in columns[t] if along_column else rows[t]:
            issue = _assess(
                relation,
                [key(k, other) for k in relation.left],
                [key(k, other) for k in relation.right],
                lookup,
                f"{t}/{other}",
            )
            if issue:
                issues.append(issue)
    return issues


def check_years(previous: Report, current: Report) -> list[Issue]:
    """Cross-year relations (R5, R6) between two reports of the same agency (warnings)."""
    issues: list[Issue] = []
    if previous.year is None or current.year is None or current.year != previous.year + 1:
        return issues
    template = TEMPLATES.get(current.template or "")
    if template is None or previous.template is None:
        return issues

    def value(report: Report, key: str) -> Optional[float]:
        try:
            return report.cell(key).value
        except KeyError:
            return None

    for relation in template.cross_year:
        if relation.id == "R5":
            for column in template.requests_columns:
                now = value(current, f"requests/carried_over/{column.key}")
                before = value(previous, f"requests/carried_forward/{column.key}")
                if now is not None and before is not None and now != before:
                    issues.append(Issue(
                        rule="R5", severity="warning",
                        message=f"R5 requests/{column.key}: carried_over {now} in {current.year}, carried_forward {before} in {previous.year}",
                        cells=[f"requests/carried_over/{column.key}"], expected=before, actual=now,
                    ))
        elif relation.id == "R6" and previous.template == "2021":
            for row in ("rules", "normative_documents"):
                now = value(current, f"disclosure/{row}/in_force")
                before = value(previous, f"disclosure/{row}/in_force")
                issued = value(current, f"disclosure/{row}/issued")
                repealed = value(current, f"disclosure/{row}/repealed")
                if None in (now, before, issued, repealed):
                    continue
                expected = before + issued - repealed  # type: ignore[operator]
                if now != expected:
                    issues.append(Issue(
                        rule="R6", severity="warning",
                        message=f"R6 disclosure/{row}: in_force {now}, but {before} + {issued} - {repealed} = {expected} expected",
                        cells=[f"disclosure/{row}/in_force"], expected=expected, actual=now,
                    ))
    return issues

