"""One observation: an agency's report of one year, from every source it was read from.

An agency publishes its report as a page, and often as a PDF or Word attachment too; a
crawl or a folder may also hold a text dump of it. :func:`merge_sources` makes them one
observation. The source read with most certainty leads (its cells, its issues); a cell it
left open is settled by another source that read it with certainty, when that value is
among the leader's readings; readings two sources leave open are intersected. Every cell
on which the sources' certain values differ, or a certain value is none of another source's
readings, is ambiguous in the observation (each source's value a reading) and named in a
``sources-disagree`` issue: which source is right is for a reviewer, not for gkparse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Optional

from pydantic import BaseModel, Field

from ..model import KNOWN_STATES, Cell, CellState, Issue, Number, Report, Source
from .evidence import narrow, recheck

__all__ = ["FORM_ORDER", "Observation", "merge_sources", "SHOWN_DISAGREEMENTS"]

#: Which source leads when several are equally certain: a page prints every cell in its
#: own table cell; Word and PDF keep the table; a text dump is the likeliest to glue.
FORM_ORDER = ("html", "docx", "doc", "pdf", "text")
#: Disagreeing cells spelt out in the issue's message (all are in its ``cells``).
SHOWN_DISAGREEMENTS = 5


class Observation(BaseModel):
    """An agency's report of one year, merged from every source it was read from.

    ``report`` carries the merged cells, readings and issues (``sources-disagree``, and
    the cross-year R5/R6 once a panel has checked the neighbouring years); ``sources`` is
    every input it was read from, the leading source first.
    """

    agency: str = Field(description="The agency's display name (the alias table's, else its most used name).")
    agency_key: str = Field(description="The agency's comparison key (gkparse.agency.agency_key).")
    year: int
    template: Optional[str] = None
    report: Report
    sources: list[Source] = Field(default_factory=list)

    def values(self, *, uncertain: bool = False) -> dict[str, Optional[Number]]:
        """``{key: value}``, ambiguous cells as None unless ``uncertain`` (see :meth:`Report.values`)."""
        return self.report.values(uncertain=uncertain)


def _rank(report: Report) -> tuple[int, int, int]:
    open_ = sum(1 for _, c in report.cells() if c.state in (CellState.AMBIGUOUS, CellState.UNREADABLE, CellState.ABSENT))
    form = report.source.form
    return (0 if report.template else 1, open_, FORM_ORDER.index(form) if form in FORM_ORDER else len(FORM_ORDER))


#: A source as the merge reads it: its label and its cells by key.
_Cells = tuple[str, dict[str, Cell]]


def _compare(sources: Sequence[_Cells], key: str) -> Optional[list[tuple[str, Optional[Number]]]]:
    """The sources' values of ``key`` when they disagree, else None."""
    known: list[tuple[str, Optional[Number]]] = []
    possible: list[list[Optional[Number]]] = []
    shown: list[tuple[str, Optional[Number]]] = []
    for label, cells in sources:
        cell = cells.get(key)
        if cell is None:
            continue
        if cell.state in KNOWN_STATES:
            known.append((label, cell.value))
        elif cell.state is CellState.AMBIGUOUS:
            options = cell.readings
            possible.append(options)
            shown.extend((label, v) for v in options)
    values = list(dict.fromkeys(v for _, v in known))
    disagree = len(values) > 1 or (values and any(values[0] not in p for p in possible))
    if disagree or (not values and len(possible) > 1 and not set(possible[0]).intersection(*possible[1:])):
        return known + shown  # every value any source gives the cell: each a reading
    return None


def merge_sources(reports: Sequence[Report], *, agency: str, agency_key: str, copy: bool = True) -> Observation:
    """One observation from reports of one agency and year (see the module's text).

    ``reports`` must be non-empty. The reports are not changed unless ``copy`` is False
    (for a caller that owns them: the leading report then becomes the observation's).
    """
    if not reports:
        raise ValueError("merge_sources needs at least one report")
    ordered = sorted(reports, key=_rank)
    # A JSON round trip copies a report in a tenth of deepcopy's time.
    lead = Report.model_validate_json(ordered[0].model_dump_json()) if copy else ordered[0]
    others = ordered[1:]
    year = lead.year if lead.year is not None else 0
    observation = Observation(
        agency=agency, agency_key=agency_key, year=year, template=lead.template, report=lead,
        sources=[r.source for r in ordered],
    )
    if not others or lead.template is None:
        return observation
    lead_cells = dict(lead.cells(include_absent=True))
    other_cells = [(r.source.label, dict(r.cells(include_absent=True))) for r in others]
    sources = [(lead.source.label, lead_cells), *other_cells]
    disagree: dict[str, list[tuple[str, Optional[Number]]]] = {}
    for key in lead_cells:
        values = _compare(sources, key)
        if values is not None:
            disagree[key] = values
    # Evidence: the other sources' values, where they agree among themselves.
    allowed: dict[str, set[Optional[Number]]] = {}
    for key in lead_cells:
        if key in disagree:
            continue
        for _, cells in other_cells:
            cell = cells.get(key)
            if cell is None:
                continue
            if cell.state in KNOWN_STATES:
                allowed[key] = allowed.get(key, {cell.value}) & {cell.value}
            elif cell.state is CellState.AMBIGUOUS:
                readings = set(cell.readings)
                allowed[key] = allowed[key] & readings if key in allowed else readings

    def agrees(assignment: Mapping[str, Optional[Number]]) -> Optional[bool]:
        return all(assignment[k] in allowed[k] for k in assignment if k in allowed)

    names = ", ".join(label for label, _ in other_cells)
    narrow(lead, agrees, f"the same report read from {names}")
    _fill_lost(lead_cells, other_cells, disagree)
    for key, found in disagree.items():
        cell = lead_cells[key]
        options = list(dict.fromkeys(v for _, v in found))
        cell.state, cell.value, cell.alternatives = CellState.AMBIGUOUS, options[0], options[1:]
        cell.basis = "sources disagree: " + "; ".join(f"{v} in {s}" for s, v in found)
    recheck(lead)
    if disagree:
        shown = "; ".join(
            f"{k} ({', '.join(f'{v} in {s}' for s, v in vs)})" for k, vs in list(disagree.items())[:SHOWN_DISAGREEMENTS]
        )
        more = f" and {len(disagree) - SHOWN_DISAGREEMENTS} more" if len(disagree) > SHOWN_DISAGREEMENTS else ""
        lead.issues.append(Issue(
            rule="sources-disagree", severity="warning", cells=list(disagree),
            message=f"{len(disagree)} cells differ between the {len(ordered)} sources of this report: {shown}{more}",
        ))
    return observation


def _fill_lost(lead: dict[str, Cell], others: Sequence[_Cells], disagree: dict[str, list[tuple[str, Optional[Number]]]]) -> None:
    """A cell the leader lost (absent, unreadable) takes another source's certain reading."""
    for key, cell in lead.items():
        if key in disagree or cell.state not in (CellState.ABSENT, CellState.UNREADABLE):
            continue
        for label, cells in others:
            found = cells.get(key)
            if found is not None and found.state in KNOWN_STATES:
                basis = f"{found.state.value} in {label}"
                cell.value, cell.raw, cell.state = found.value, found.raw, found.state
                cell.alternatives, cell.unit = [], found.unit
                cell.basis = f"{found.basis}; {basis}" if found.basis else basis
                break
