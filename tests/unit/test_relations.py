"""Relations R1–R6 with the one sum rule."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.checks import check_relations, check_years
from gkparse.templates import TEMPLATES, Key
from tests.support import FIXTURES
from tests.support.render import render_html
from tests.support.tables import consistent_cells


def test_relation_issue_carries_cells_expected_and_actual() -> None:
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    issue = next(i for i in report.issues if i.rule == "R2" and "natural_person" in i.message)
    assert issue.actual == 4 and issue.expected == 0
    assert "requests/total/natural_person" in issue.cells


def _report(template: str, year: int, cells: dict) -> gkparse.Report:  # type: ignore[type-arg]
    return gkparse.parse_text(render_html({"template": template, "agency": "某某县交通运输局", "year": year, "cells": cells}))


def test_cross_year_relations_come_from_template_data() -> None:
    before = consistent_cells(TEMPLATES["2021"], seed=1)
    after = consistent_cells(TEMPLATES["2021"], seed=2)
    # R5: carried over this year = carried forward last year, in every column
    for column in ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"):
        after[f"requests/carried_over/{column}"] = before[f"requests/carried_forward/{column}"]
    # R6: in force = in force last year + issued - repealed, for rules and normative documents
    for row in ("rules", "normative_documents"):
        after[f"disclosure/{row}/in_force"] = (
            before[f"disclosure/{row}/in_force"] + after[f"disclosure/{row}/issued"] - after[f"disclosure/{row}/repealed"]
        )
    # R5/R6 are consistent here; R1 within the later report need not be (not checked here)
    previous, current = _report("2021", 2022, before), _report("2021", 2023, after)
    assert check_years(previous, current) == []
    after["disclosure/rules/in_force"] += 5
    after["requests/carried_over/natural_person"] += 1
    broken = check_years(previous, _report("2021", 2023, after))
    assert {(i.rule, i.where) for i in broken} == {("R6", "disclosure/rules"), ("R5", "requests/natural_person")}
    assert all(i.severity == "warning" for i in broken)
    r6 = next(i for i in broken if i.rule == "R6")
    assert r6.actual == r6.expected + 5


def test_cross_year_terms_a_report_lacks_are_not_assessed() -> None:
    """A 2019 report has no in_force column: R6 is not assessed, R5 still is."""
    before = consistent_cells(TEMPLATES["2019"], seed=4)
    after = consistent_cells(TEMPLATES["2021"], seed=5)
    issues = check_years(_report("2019", 2020, before), _report("2021", 2021, after))
    assert {i.rule for i in issues} <= {"R5"}
    assert check_years(_report("2019", 2020, before), _report("2021", 2022, after)) == []  # not consecutive


def test_a_relation_over_ambiguous_cells_breaks_only_if_no_reading_holds() -> None:
    template = TEMPLATES["2021"]
    cells = {
        Key("appeals", "review", "upheld"): gkparse.Cell(value=1, state=gkparse.CellState.AMBIGUOUS, alternatives=[10]),
        Key("appeals", "review", "total"): gkparse.Cell(value=10, state=gkparse.CellState.PRINTED),
    }
    for column in ("corrected", "other", "pending"):
        cells[Key("appeals", "review", column)] = gkparse.Cell(state=gkparse.CellState.EMPTY)
    assert [i for i in check_relations(template, cells.get) if i.rule == "R4"] == []
    cells[Key("appeals", "review", "total")] = gkparse.Cell(value=7, state=gkparse.CellState.PRINTED)
    broken = [i for i in check_relations(template, cells.get) if i.rule == "R4"]
    assert [(i.where, i.empty_as_zero[:1]) for i in broken] == [("appeals/review", ["appeals/review/corrected"])]


LOST = [
    (None, "a cell the reader never placed"),
    (gkparse.Cell(state=gkparse.CellState.ABSENT), "absent"),
    (gkparse.Cell(raw="见附件", state=gkparse.CellState.UNREADABLE), "unreadable text"),
    (gkparse.Cell(raw="1818", state=gkparse.CellState.AMBIGUOUS), "a cell of a row no reading fills"),
]


@pytest.mark.parametrize(("lost", "what"), LOST, ids=[x[1] for x in LOST])
def test_a_relation_over_lost_cells_is_unassessed_not_broken(lost: gkparse.Cell | None, what: str) -> None:
    """R4 with a cell the reader lost does not hold on the cells found: the document is
    not shown to break it; an ``unassessed`` info issue names the relation and the cell."""
    template = TEMPLATES["2021"]
    cells: dict[Key, gkparse.Cell] = {
        Key("appeals", "review", c): gkparse.Cell(value=v, state=gkparse.CellState.PRINTED)
        for c, v in (("upheld", 1), ("corrected", 2), ("other", 0), ("total", 7))
    }
    if lost is not None:
        cells[Key("appeals", "review", "pending")] = lost
    issues = [i for i in check_relations(template, cells.get) if i.where == "appeals/review"]
    assert [(i.rule, i.severity, i.cells) for i in issues] == [("unassessed", "info", ["appeals/review/pending"])]
    assert "R4" in issues[0].message
    # A relation that holds on the cells found stays quiet.
    cells[Key("appeals", "review", "total")] = gkparse.Cell(value=3, state=gkparse.CellState.PRINTED)
    assert [i for i in check_relations(template, cells.get) if i.where == "appeals/review"] == []
