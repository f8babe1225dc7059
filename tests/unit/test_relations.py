"""Relations R1–R4 with the one sum rule (R5/R6: test_years.py)."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.checks import check_relations
from gkparse.templates import TEMPLATES, Key
from tests.support import FIXTURES
from tests.support.render import render_html


def test_relation_issue_carries_cells_expected_and_actual() -> None:
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    issue = next(i for i in report.issues if i.rule == "R2" and "natural_person" in i.message)
    assert issue.actual == 4 and issue.expected == 0
    assert "requests/total/natural_person" in issue.cells


def _report(template: str, year: int, cells: dict) -> gkparse.Report:  # type: ignore[type-arg]
    return gkparse.parse_text(render_html({"template": template, "agency": "某某县交通运输局", "year": year, "cells": cells}))


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
