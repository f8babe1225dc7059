"""Relations between consecutive years of one agency: R5 (carried over = last year's
carried forward) and R6 (in force = last year's in force + issued − repealed).

Both are template data (:class:`~gkparse.templates.CrossYearRelation`, ``cross_year`` of
the later report's template). :func:`years_agree` is the one evaluator, used by
:func:`check_years` (a break is a warning on the later report) and by the panel, which
uses the neighbouring year as evidence for a glued row's readings
(:mod:`gkparse.panel.years`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import product
from types import EllipsisType
from typing import Optional

from ..errors import GkparseError
from ..model import CERTAIN_STATES, Cell, CellState, Issue, Number, Report
from ..templates import TEMPLATES, CrossYearRelation, Key, Template, sums_agree

__all__ = ["check_years", "year_terms", "years_agree", "YearTerm", "MAX_YEAR_READINGS"]

#: Combinations of ambiguous terms' readings tried before a place is left unassessed (a
#: part 二 row glued into one run has at most a few dozen readings per cell).
MAX_YEAR_READINGS = 4096

#: One term of a cross-year relation at one place: (year offset 0 or -1, key, sign), on
#: the left (True) or right side.
YearTerm = tuple[int, Key, int, bool]
#: A term's value: a number, None for a blank, or ... when it is not known.
Lookup = Callable[[int, Key], "Optional[Number] | EllipsisType"]


def year_terms(template: Template) -> Iterator[tuple[CrossYearRelation, str, list[YearTerm]]]:
    """Every place of ``template``'s cross-year relations: ``(relation, where, terms)``."""
    for relation in template.cross_year:
        for where, left_keys, right_keys in template.places(relation):
            terms: list[YearTerm] = [(t.year, k, t.sign, True) for t, k in zip(relation.left, left_keys)]
            terms += [(t.year, k, t.sign, False) for t, k in zip(relation.right, right_keys)]
            yield relation, where, terms


def years_agree(terms: list[YearTerm], value: Lookup) -> Optional[bool]:
    """Whether one place of a cross-year relation holds: None when a term is unknown
    (``value`` gives ``...``) or blank (None). ``value(year, key)`` looks each term up by
    the year as the terms give it (an offset or an absolute year: the caller's choice)."""
    left: list[Number] = []
    right: list[Number] = []
    for year, key, sign, on_left in terms:
        found = value(year, key)
        if found is None or found is Ellipsis:
            return None
        (left if on_left else right).append(sign * found)  # type: ignore[operator]
    return sums_agree(left, right)




def _options(report: Report, key: Key) -> list[Optional[Number]] | None:
    """A term's possible values: one for a certain cell, its readings for an ambiguous
    one, None when it is not a number (blank, dash, lost) or the report lacks it."""
    try:
        cell: Cell = report.cell(key)
    except KeyError:
        return None
    if cell.state in CERTAIN_STATES and cell.value is not None:
        return [cell.value]
    if cell.state is CellState.AMBIGUOUS:
        # A reading that leaves the cell blank counts it 0 beside the other terms' numbers
        # (the panel's evidence judges readings the same way).
        return list(dict.fromkeys(0 if v is None else v for v in cell.readings))
    return None


def check_years(previous: Report, current: Report) -> list[Issue]:
    """Cross-year relations (R5, R6 of ``current``'s template) between two reports of one
    agency in consecutive years, as warnings on ``current``.

    A place is assessed where every term is a number in both reports; a term that is
    ambiguous takes each of its values (a blank one as 0), and the place is broken only when
    no combination holds. The terms' values are combined freely: a break visible only in a
    glued row's joint readings is found by the panel (:mod:`gkparse.panel.years`). The
    issue names the current report's cells; the message gives last year's value.

    Raises :class:`~gkparse.errors.GkparseError` when a report has no year or the years are
    not consecutive: a mismatched pair is the caller's mistake, not a finding.
    """
    if previous.year is None or current.year is None:
        which, report = ("previous", previous) if previous.year is None else ("current", current)
        raise GkparseError(f"check_years: the {which} report has no year", source=report.source.path)
    if current.year != previous.year + 1:
        raise GkparseError(
            f"check_years: years {previous.year} and {current.year} are not consecutive (previous, then current)",
            source=current.source.path,
        )
    issues: list[Issue] = []
    template = TEMPLATES.get(current.template or "")
    if template is None or previous.template is None:
        return issues
    for relation, where, terms in year_terms(template):
        options = []
        for year, key, _, _ in terms:
            found = _options(previous if year == -1 else current, key)
            if found is None:
                break
            options.append(found)
        else:
            issue = _assess(relation, where, terms, options, previous.year, current.year)
            if issue is not None:
                issues.append(issue)
    return issues


def _assess(
    relation: CrossYearRelation, where: str, terms: list[YearTerm], options: list[list[Optional[Number]]], before: int, now: int
) -> Optional[Issue]:
    shown = [o[0] for o in options]

    def lookup_from(values: tuple[Optional[Number], ...] | list[Optional[Number]]) -> Lookup:
        by_term = {(y, k): v for (y, k, _, _), v in zip(terms, values)}
        return lambda year, key: by_term[(year, key)]

    if years_agree(terms, lookup_from(shown)) is not False:
        return None
    combinations = 1
    for o in options:
        combinations *= len(o)
    if combinations > MAX_YEAR_READINGS:
        return None
    if combinations > 1 and any(years_agree(terms, lookup_from(c)) is not False for c in product(*options)):
        return None
    actual = sum(s * v for (_, _, s, left), v in zip(terms, shown) if left and v is not None)
    expected = sum(s * v for (_, _, s, left), v in zip(terms, shown) if not left and v is not None)
    every = " under every reading" if combinations > 1 else ""
    return Issue(
        rule=relation.id, severity="warning", where=where,
        message=f"{relation.id} {where}: {actual} in {now}, but {expected} expected from {before}{every} ({relation.text})",
        cells=list(dict.fromkeys(str(k) for y, k, _, _ in terms if y == 0)), expected=expected, actual=actual,
    )
