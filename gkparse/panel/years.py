"""Cross-year evidence and checks over one agency's observations.

Part 二 has no sums, so a glued row such as ``5821463`` (行政规范性文件 issued | repealed |
in force) keeps several readings inside one report; but R6 (in force = last year's in force
+ issued − repealed) and R5 (carried over = last year's carried forward) pick the reading
when the neighbouring year decides. :func:`link_years` applies that evidence to every
consecutive pair, then checks R5/R6 on the result (:func:`gkparse.checks.check_years`:
warnings on the later report).

The evidence is arc consistency over the years' open choices (a glued row's readings, an
ambiguous cell's values; :mod:`.evidence`): a reading is dropped when, at some constraint
between two years, no readings of the other open choices there make it hold. The places
of R5/R6 that tie the same choices (R5's seven columns between two glued rows) are one
constraint, judged under one combination. Repeated until nothing changes, so a chain of
glued years settles as far as the relations reach, in any order. Rules:

* a term a report does not settle (a lost cell, a blank or dash it prints, a cell its
  sources disagree on, a row whose search stopped at a limit) decides nothing;
* in a reading, a cell the glued run leaves blank counts as 0 (as blanks do beside numbers
  within a report);
* a constraint that no combination of readings satisfies is broken: it is reported on the
  later report (R5/R6 warning), and the evidence is worked out again without any constraint
  on the two glued rows it ties (the break may lie in either: neither gives evidence to a
  third year), so a break costs only the rows it touches;
* a cell is settled only when every reading left gives it one value (``empty`` when that
  is a blank); its ``basis`` names the relation and the other report (``R6 with 2023
  (a.html): in_force(N) = …``); certain cells never change; the within-report relations
  are checked again on the settled cells.

The relations are the report's own arithmetic only where agencies keep it: a real report
can break R6 (documents repealed but not counted). If the true reading breaks it and
exactly one other reading happens to satisfy it, that reading is settled: the basis says
so, and ``docs/panel.md`` gives the rate measured on generated breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product
from types import EllipsisType
from typing import Optional

from ..checks import MAX_YEAR_READINGS, check_years, year_terms, years_agree
from ..model import Issue, Number, Report
from ..templates import TEMPLATES, Key
from .evidence import Choice, keep, known_values, open_choices, recheck
from .observe import Observation

__all__ = ["link_years", "MAX_YEAR_PASSES"]

#: Passes over the constraints before the evidence stops: each pass that changes anything
#: drops a reading, and a chain of years settles in about as many passes as it has years.
MAX_YEAR_PASSES = 50


@dataclass
class _Constraint:
    """The places of cross-year relations between two years that tie the same open choices:
    their terms (absolute year, key, sign, on the left), judged together."""

    years: tuple[int, int]
    choices: tuple[tuple[int, int], ...]  # (year, index of the choice)
    places: list[tuple[str, str, str, list[tuple[int, Key, int, bool]]]] = field(default_factory=list)  # id, where, text, terms

    def reason(self, other_year: int, source: str) -> str:
        """``R6 with 2023 (a.html): in_force(N) = …``: the basis of a cell it settles."""
        ids = "/".join(dict.fromkeys(p[0] for p in self.places))
        texts = "; ".join(dict.fromkeys(p[2] for p in self.places))
        return f"{ids} with {other_year} ({source}): {texts}"


def _frozen(report: Report) -> set[str]:
    """Cells the report's sources disagree on: no evidence settles them, none comes from them."""
    return {key for issue in report.issues if issue.rule == "sources-disagree" for key in issue.cells}


def link_years(observations: Sequence[Observation]) -> None:
    """Apply cross-year evidence and checks to one agency's observations (any order; each
    year at most once), changing their reports in place."""
    by_year = {o.year: o.report for o in observations}
    known = {y: known_values(r) for y, r in by_year.items()}
    choices: dict[int, list[Choice]] = {}
    owner: dict[tuple[int, str], tuple[int, int]] = {}
    for year, report in by_year.items():
        frozen = _frozen(report)
        for key in frozen:
            known[year].pop(key, None)
        choices[year] = [c for c in open_choices(report) if c.complete and not frozen.intersection(c.keys)]
        for index, choice in enumerate(choices[year]):
            for position, key in enumerate(choice.keys):
                if key:
                    owner[(year, key)] = (index, position)
    constraints = _constraints(by_year, known, owner)
    broken: list[_Constraint] = []
    while True:
        alive = {(y, i): list(c.readings) for y, found in choices.items() for i, c in enumerate(found)}
        why: dict[tuple[int, int], dict[str, None]] = {}
        conflict = _arc_consistency(constraints, alive, known, owner, why, by_year)
        if conflict is None:
            break
        # Worked out again without every constraint on the rows of the broken one: the break
        # may lie in either year's row, so neither gives evidence to any other year.
        broken.append(conflict)
        suspect = set(conflict.choices)
        constraints = [c for c in constraints if not suspect.intersection(c.choices)]
    changed = set()
    for (year, index), kept in alive.items():
        choice = choices[year][index]
        if len(kept) < len(choice.readings) and keep(by_year[year], choice, kept, "; ".join(why[(year, index)])):
            changed.add(year)
    for year in changed:
        recheck(by_year[year])
    for year in sorted(by_year):
        if year - 1 in by_year:
            by_year[year].issues.extend(check_years(by_year[year - 1], by_year[year]))
    for constraint in broken:
        _report_conflict(constraint, by_year)


def _report_conflict(constraint: _Constraint, by_year: dict[int, Report]) -> None:
    """A constraint no joint reading of the years' open choices satisfies, as a warning on
    the later report (unless the pairwise check has already reported it)."""
    before, now = constraint.years
    report = by_year[now]
    for relation, where, text, terms in constraint.places:
        if any(i.rule == relation and i.where == where for i in report.issues):
            continue
        report.issues.append(Issue(
            rule=relation, severity="warning", where=where,
            message=(
                f"{relation} {where}: no reading of the glued rows of {before} and {now} makes it hold ({text});"
                " it gave no evidence"
            ),
            cells=list(dict.fromkeys(str(k) for y, k, _, _ in terms if y == now)),
        ))


def _constraints(
    by_year: dict[int, Report], known: dict[int, dict[str, Optional[Number]]], owner: dict[tuple[int, str], tuple[int, int]]
) -> list[_Constraint]:
    grouped: dict[tuple[tuple[int, int], tuple[tuple[int, int], ...]], _Constraint] = {}
    for year, report in sorted(by_year.items()):
        template = TEMPLATES.get(report.template or "")
        if year - 1 not in by_year or template is None or by_year[year - 1].template is None:
            continue
        for relation, where, terms in year_terms(template):
            absolute = [(year + y, k, s, left) for y, k, s, left in terms]
            tied: list[tuple[int, int]] = []
            decidable = True
            for term_year, key, _, _ in absolute:
                name = str(key)
                if (term_year, name) in owner:
                    tied.append((term_year, owner[(term_year, name)][0]))
                elif known[term_year].get(name) is None:
                    decidable = False  # lost, blank, dash or disputed: the documents do not settle it
            if decidable and tied:
                years = (year - 1, year)
                ties = tuple(sorted(set(tied)))
                constraint = grouped.setdefault((years, ties), _Constraint(years, ties))
                constraint.places.append((relation.id, where, relation.text, absolute))
    return list(grouped.values())


def _arc_consistency(
    constraints: list[_Constraint],
    alive: dict[tuple[int, int], list[list[Optional[Number]]]],
    known: dict[int, dict[str, Optional[Number]]],
    owner: dict[tuple[int, str], tuple[int, int]],
    why: dict[tuple[int, int], dict[str, None]],
    by_year: dict[int, Report],
) -> Optional[_Constraint]:
    """Drop unsupported readings until nothing changes; the first constraint found broken
    under every combination (then ``alive`` is to be thrown away), else None."""
    for _ in range(MAX_YEAR_PASSES):
        changed = False
        for constraint in constraints:
            for target in constraint.choices:
                others = [c for c in constraint.choices if c != target]
                combinations = 1
                for other in others:
                    combinations *= len(alive[other])
                if combinations > MAX_YEAR_READINGS:
                    continue
                kept = [r for r in alive[target] if _supported(constraint, target, r, others, alive, known, owner)]
                if not kept:
                    return constraint
                if len(kept) < len(alive[target]):
                    alive[target] = kept
                    other_year = constraint.years[0] if target[0] == constraint.years[1] else constraint.years[1]
                    why.setdefault(target, {})[constraint.reason(other_year, by_year[other_year].source.label)] = None
                    changed = True
        if not changed:
            break
    return None


def _supported(
    constraint: _Constraint,
    target: tuple[int, int],
    reading: list[Optional[Number]],
    others: list[tuple[int, int]],
    alive: dict[tuple[int, int], list[list[Optional[Number]]]],
    known: dict[int, dict[str, Optional[Number]]],
    owner: dict[tuple[int, str], tuple[int, int]],
) -> bool:
    """True when some readings of the other choices make every place of the constraint
    hold (or leave it undecided)."""
    for combination in product(*(alive[o] for o in others)):
        chosen = {target: reading, **dict(zip(others, combination))}

        def value(
            year: int, key: Key, chosen: dict[tuple[int, int], list[Optional[Number]]] = chosen
        ) -> Optional[Number] | EllipsisType:
            where = owner.get((year, str(key)))
            if where is not None and (year, where[0]) in chosen:
                found = chosen[(year, where[0])][where[1]]
                return 0 if found is None else found  # a blank the glued run leaves
            return known[year].get(str(key), ...)

        # The terms carry absolute years; years_agree looks them up as given.
        if all(years_agree(terms, value) is not False for _, _, _, terms in constraint.places):
            return True
    return False
