"""Relations (勾稽关系) within a report: R1–R4 (R5/R6, between years, are :mod:`.years`).

Every relation is template data (:class:`~gkparse.templates.Relation`,
:class:`~gkparse.templates.CrossYearRelation`) and every sum is judged by the one rule,
:func:`gkparse.templates.sums_agree`: not assessable when a side is all blank, otherwise
blanks count as 0 and the issue says which did. A broken relation is reported, never fixed.
A relation that does not hold while it involves cells the reader lost (absent, unreadable,
or of a row no reading fills) is not the document's violation: an ``unassessed`` info
issue names it and the lost cells.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Optional

from ..model import Cell, CellState, Issue, Number
from ..templates import Key, Relation, Template, sums_agree
from ..templates.schema import per_template

__all__ = ["check_relations", "MAX_SUMS"]

Lookup = Callable[[Key], Optional[Cell]]

#: Distinct partial sums tracked when ambiguous cells are involved; past it a relation is
#: left undecided rather than searched (a row of 7 cells with 64 readings each stays under it).
MAX_SUMS = 4096


def _candidates(cell: Cell | None) -> list[Optional[Number]]:
    if cell is None:
        return [None]
    if cell.state is CellState.AMBIGUOUS:
        return cell.readings
    return [cell.value]


def _possible_sums(cells: list[Cell | None]) -> set[Number] | None:
    """Every sum the cells can take over their readings (blank = 0); None past the cap."""
    sums: set[Number] = {0}
    for cell in cells:
        options = {v or 0 for v in _candidates(cell)}
        sums = {s + o for s in sums for o in options}
        if len(sums) > MAX_SUMS:
            return None
    return sums


def _lost(cell: Cell | None) -> bool:
    """A cell whose number the reader lost: not found (absent), text that is not a number
    (unreadable), or a cell of a row no reading fills (ambiguous with no value to offer).
    Its value is unknown, not blank: a relation it takes part in cannot be judged."""
    if cell is None or cell.state in (CellState.ABSENT, CellState.UNREADABLE):
        return True
    return cell.state is CellState.AMBIGUOUS and cell.value is None and not cell.alternatives


def _unassessed(relation: Relation, where: str, keys: list[Key], cells: list[Cell | None]) -> Issue:
    lost = [str(k) for k, c in zip(keys, cells) if _lost(c)]
    message = (
        f"{relation.id} {where}: not assessed, the reader lost {len(lost)} of its cells"
        f" ({', '.join(lost)}); ({relation.text})"
    )
    return Issue(rule="unassessed", severity="info", where=where, message=message, cells=lost)


def _judge(
    relation: Relation, where: str, left_keys: list[Key], right_keys: list[Key], left: list[Cell | None], right: list[Cell | None]
) -> Issue | None:
    """The issue of a place whose shown values break ``relation`` (``left``, ``right``: the
    cells at its keys), if its cells' other readings or lost cells do not excuse it."""
    if any(c is not None and c.state is CellState.AMBIGUOUS for c in left + right):
        # The values shown are one reading among several: the relation is broken only
        # if no reading satisfies it (and undecided if there are too many to tell).
        lefts = _possible_sums(left)
        rights = _possible_sums(right)
        if lefts is None or rights is None or lefts & rights:
            return None
    if any(map(_lost, left + right)):
        # The sums disagree, but a cell the reader lost may hold the difference: the
        # document is not shown to break the relation.
        return _unassessed(relation, where, left_keys + right_keys, left + right)
    actual = sum(c.value for c in left if c is not None and c.value is not None)
    expected = sum(c.value for c in right if c is not None and c.value is not None)
    keys = left_keys + right_keys
    return Issue(
        rule=relation.id,
        severity="error",
        where=where,
        message=f"{relation.id} {where}: {' + '.join(relation.left)} = {actual}, but {expected} expected ({relation.text})",
        cells=[str(k) for k in keys],
        expected=expected,
        actual=actual,
        empty_as_zero=[str(k) for k, c in zip(keys, left + right) if c is None or c.value is None],
    )


def _stand_in(template: Template, keys: list[Key], lookup: Lookup) -> list[Key]:
    """``keys`` with a group row's cell in place of its leaves' where the report prints the
    group row and none of the leaves (keys.md: (六)其他处理 as one row in a 2021 report)."""
    groups, leaf_rows = template.stand_in_groups
    if not any((k.table, k.row) in leaf_rows for k in keys):
        return keys  # most places name no group's leaf
    for kind, group_key, stands_for in groups:
        leaves = [k for k in keys if k.table == kind and k.row in stands_for]
        if not leaves or len({k.column for k in leaves}) != 1:
            continue
        stand_in = Key(leaves[0].table, group_key, leaves[0].column)
        if stand_in in keys or _lost(lookup(stand_in)) or not all(_lost(lookup(k)) for k in leaves):
            continue
        keys = [k for k in keys if k not in leaves] + [stand_in]
    return keys


#: One place of a relation: ``(relation, where, left keys, right keys)``, and whether each
#: side names a leaf of a group row that may stand in for it (:func:`_stand_in`).
_Place = tuple[Relation, str, list[Key], list[Key], bool, bool]


@per_template
def _places(template: Template) -> tuple[_Place, ...]:
    _, leaf_rows = template.stand_in_groups

    def names_leaf(keys: list[Key]) -> bool:
        return any((k.table, k.row) in leaf_rows for k in keys)

    return tuple(
        (relation, where, left, right, names_leaf(left), names_leaf(right))
        for relation in template.relations for where, left, right in template.places(relation)
    )


def check_relations(template: Template, lookup: Lookup) -> list[Issue]:
    """Evaluate the template's within-report relations with ``lookup(key) -> Cell | None``."""
    issues: list[Issue] = []
    for relation, where, left, right, left_leaf, right_leaf in _places(template):
        if left_leaf:
            left = _stand_in(template, left, lookup)
        if right_leaf:
            right = _stand_in(template, right, lookup)
        left_cells = [lookup(k) for k in left]
        right_cells = [lookup(k) for k in right]
        # Most places hold: only a broken one is looked at further (its cells' readings).
        holds = sums_agree([c.value for c in left_cells if c is not None], [c.value for c in right_cells if c is not None])
        if holds is False:
            issue = _judge(relation, where, left, right, left_cells, right_cells)
            if issue:
                issues.append(issue)
    return issues
