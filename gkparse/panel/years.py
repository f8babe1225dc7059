"""Cross-year evidence and checks over one agency's observations.

Part 二 has no sums, so a glued row such as ``5821463`` (行政规范性文件 issued | repealed |
in force) keeps several readings inside one report; but R6 (in force = last year's in force
+ issued − repealed) and R5 (carried over = last year's carried forward) pick the reading
when the neighbouring year decides. :func:`link_years` applies that evidence to every
consecutive pair, then checks R5/R6 on the result (:func:`gkparse.checks.check_years`:
warnings on the later report).

The evidence is arc consistency over the years' open choices (a glued row's readings, an
ambiguous cell's values; :mod:`.evidence`): a reading is dropped when, at some place of
R5/R6 with a neighbouring year, no reading of the other open choices there makes the
relation hold. Repeated until nothing changes, so a chain of glued years settles as far
as the relations reach, in any order. Rules:

* a term a report does not settle (a lost cell, a blank or dash it prints) leaves the
  place undecided: nothing is dropped there;
* in a reading, a cell the glued run leaves blank counts as 0 (as blanks do beside numbers
  within a report);
* a choice is never emptied: when every reading of it would go, the relation is broken
  under every reading; the break is reported by the check, and no evidence is taken from
  any choice linked to that place through other places (an agency that does not keep the
  relation there is not taken to keep it next door);
* a cell is settled only when every reading left gives it one value; its ``basis`` names
  the relation and the other report (``R6 with 2023 (a.html): in_force(N) = …``); certain cells never change.

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
from .evidence import keep, known_values, open_choices
from .observe import Observation

__all__ = ["link_years", "MAX_YEAR_PASSES"]

#: Passes over the places before the evidence stops: each pass that changes anything drops
#: a reading, and a chain of years settles in about as many passes as it has years.
MAX_YEAR_PASSES = 50


@dataclass
class _Place:
    """One place of a cross-year relation between two years: its terms with the year each
    comes from, and the open choices holding some of them."""

    relation: str
    where: str
    text: str
    years: tuple[int, int]
    terms: list[tuple[int, Key, int, bool]]  # (absolute year, key, sign, on the left)
    choices: list[tuple[int, int]] = field(default_factory=list)  # (year, index of the choice)


def _source(report: Report) -> str:
    return report.source.path or report.source.form


def link_years(observations: Sequence[Observation]) -> None:
    """Apply cross-year evidence and checks to one agency's observations (any order; each
    year at most once), changing their reports in place."""
    by_year = {o.year: o.report for o in observations}
    known = {y: known_values(r) for y, r in by_year.items()}
    choices = {y: open_choices(r) for y, r in by_year.items()}
    owner: dict[tuple[int, str], tuple[int, int]] = {}
    for year, found in choices.items():
        for index, choice in enumerate(found):
            for position, key in enumerate(choice.keys):
                if key:
                    owner[(year, key)] = (index, position)
    places = _places(by_year, known, owner)
    alive = {(y, i): list(c.readings) for y, found in choices.items() for i, c in enumerate(found)}
    why: dict[tuple[int, int], dict[str, None]] = {}
    conflicts: set[int] = set()
    for _ in range(MAX_YEAR_PASSES):
        if not _pass(places, alive, known, owner, why, conflicts, by_year):
            break
    distrusted = _distrusted(places, conflicts)
    for (year, index), kept in alive.items():
        choice = choices[year][index]
        if len(kept) < len(choice.readings) and (year, index) not in distrusted:
            keep(by_year[year], choice, kept, "; ".join(why[(year, index)]))
    for year in sorted(by_year):
        if year - 1 in by_year:
            by_year[year].issues.extend(check_years(by_year[year - 1], by_year[year]))
    for number in sorted(conflicts):
        _report_conflict(places[number], by_year)


def _report_conflict(place: _Place, by_year: dict[int, Report]) -> None:
    """A place no joint reading of the years' open choices satisfies, as a warning on the
    later report (unless the pairwise check has already reported it)."""
    before, now = place.years
    report = by_year[now]
    if any(i.rule == place.relation and i.where == place.where for i in report.issues):
        return
    report.issues.append(Issue(
        rule=place.relation, severity="warning", where=place.where,
        message=(
            f"{place.relation} {place.where}: no reading of the glued rows of {before} and {now}, taken with their"
            f" neighbouring years, makes it hold ({place.text}); no cross-year evidence was used for these rows"
        ),
        cells=list(dict.fromkeys(str(k) for _, k, _, _ in place.terms)),
    ))


def _places(
    by_year: dict[int, Report], known: dict[int, dict[str, Optional[Number]]], owner: dict[tuple[int, str], tuple[int, int]]
) -> list[_Place]:
    places = []
    for year, report in sorted(by_year.items()):
        template = TEMPLATES.get(report.template or "")
        if year - 1 not in by_year or template is None or by_year[year - 1].template is None:
            continue
        for relation, where, terms in year_terms(template):
            place = _Place(relation.id, where, relation.text, (year - 1, year), [(year + y, k, s, left) for y, k, s, left in terms])
            decidable = True
            for term_year, key, _, _ in place.terms:
                name = str(key)
                if (term_year, name) in owner:
                    place.choices.append((term_year, owner[(term_year, name)][0]))
                elif known[term_year].get(name) is None:
                    decidable = False  # lost, blank or dash: the document does not settle it
            if decidable and place.choices:
                place.choices = list(dict.fromkeys(place.choices))
                places.append(place)
    return places


def _pass(
    places: list[_Place],
    alive: dict[tuple[int, int], list[list[Optional[Number]]]],
    known: dict[int, dict[str, Optional[Number]]],
    owner: dict[tuple[int, str], tuple[int, int]],
    why: dict[tuple[int, int], dict[str, None]],
    conflicts: set[int],
    by_year: dict[int, Report],
) -> bool:
    changed = False
    for number, place in enumerate(places):
        for target in place.choices:
            others = [c for c in place.choices if c != target]
            combinations = 1
            for other in others:
                combinations *= len(alive[other])
            if combinations > MAX_YEAR_READINGS:
                continue
            kept = [r for r in alive[target] if _supported(place, target, r, others, alive, known, owner)]
            if not kept:
                conflicts.add(number)
            elif len(kept) < len(alive[target]):
                alive[target] = kept
                other_year = place.years[0] if target[0] == place.years[1] else place.years[1]
                reason = f"{place.relation} with {other_year} ({_source(by_year[other_year])}): {place.text}"
                why.setdefault(target, {})[reason] = None
                changed = True
    return changed


def _distrusted(places: list[_Place], conflicts: set[int]) -> set[tuple[int, int]]:
    """The choices linked, through places, to a place where the relation breaks under
    every reading: an agency that does not keep the relation there is not taken to keep it
    next door, so no evidence from that chain is used."""
    links: dict[tuple[int, int], set[int]] = {}
    for number, place in enumerate(places):
        for choice in place.choices:
            links.setdefault(choice, set()).add(number)
    distrusted: set[tuple[int, int]] = set()
    todo = [c for number in conflicts for c in places[number].choices]
    while todo:
        choice = todo.pop()
        if choice in distrusted:
            continue
        distrusted.add(choice)
        for number in links.get(choice, ()):
            todo.extend(places[number].choices)
    return distrusted


def _supported(
    place: _Place,
    target: tuple[int, int],
    reading: list[Optional[Number]],
    others: list[tuple[int, int]],
    alive: dict[tuple[int, int], list[list[Optional[Number]]]],
    known: dict[int, dict[str, Optional[Number]]],
    owner: dict[tuple[int, str], tuple[int, int]],
) -> bool:
    """True when some readings of the other choices make the place hold (or undecided)."""
    for combination in product(*(alive[o] for o in others)):
        chosen = {target: reading, **dict(zip(others, combination))}

        def value(year: int, key: Key, chosen: dict[tuple[int, int], list[Optional[Number]]] = chosen) -> Optional[Number] | EllipsisType:
            where = owner.get((year, str(key)))
            if where is not None and (year, where[0]) in chosen:
                found = chosen[(year, where[0])][where[1]]
                return 0 if found is None else found  # a blank the glued run leaves
            return known[year].get(str(key), ...)

        # The place's terms carry absolute years; years_agree looks them up as given.
        if years_agree(place.terms, value) is not False:
            return True
    return False
