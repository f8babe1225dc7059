"""The digit repairer: real glued rows, bounded search, and round trips of generated tables."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkparse
from gkparse.cells.align import AlignedRow
from gkparse.model import CellState
from gkparse.cells.repair import readings
from gkparse.templates import TEMPLATE_2019, TEMPLATE_2021

from tests.support.render import STYLES, render  # the glue styles the benchmarks measure too

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
R3 = [("R3", [0, 1, 2, 3, 4, 5], 6)]


def values(tokens: list[str], sums=R3, n: int = 7) -> list[list[object]]:
    row = AlignedRow("requests", [f"k{i}" for i in range(n)], tokens, True, sums=sums)
    return [[c.value for c in r] for r in readings(row)[0]]


# Real glued rows from the corpus, with their readings.
REAL = [
    (["4", "00000", "4"], [[4, 0, 0, 0, 0, 0, 4]]),
    (["000003", "3"], [[0, 0, 0, 0, 0, 3, 3]]),
    (["0000000"], [[0] * 7]),
    (["21710000218"], [[217, 1, 0, 0, 0, 0, 218]]),
    (["370000037"], [[37, 0, 0, 0, 0, 0, 37]]),
    (["723000075"], [[72, 3, 0, 0, 0, 0, 75]]),
]


@pytest.mark.parametrize(("tokens", "expected"), REAL, ids=["".join(t) for t, _ in REAL])
def test_real_rows(tokens: list[str], expected: list[list[object]]) -> None:
    assert values(tokens) == expected


# Rows whose text has several readings under R3: they must stay open, not be guessed.
AMBIGUOUS = [
    (["330000033"], [[33, 0, 0, 0, 0, 0, 33], [3, 30, 0, 0, 0, 0, 33]]),
]


@pytest.mark.parametrize(("tokens", "expected"), AMBIGUOUS, ids=["".join(t) for t, _ in AMBIGUOUS])
def test_ambiguous_rows_keep_every_reading(tokens: list[str], expected: list[list[object]]) -> None:
    assert sorted(values(tokens)) == sorted(expected)


def test_no_leading_zeros() -> None:
    assert values(["0101"], sums=[], n=3) == [[0, 10, 1]]


def test_sixty_digit_run_is_bounded() -> None:
    run = "1234567890" * 6
    start = time.process_time()
    report = gkparse.parse_text(
        "某某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        f"一、本年新收政府信息公开申请数量 {run}\n二、上年结转政府信息公开申请数量 0000000\n"
        "四、政府信息公开行政复议、行政诉讼情况 结果维持 总计 000000000000000\n"
    )
    elapsed = time.process_time() - start
    cell = report.cell("requests/new/total")
    assert cell.state in (CellState.AMBIGUOUS, CellState.ABSENT) or cell.value is None
    assert any(i.rule in ("unreadable-row", "search-limit", "ambiguous") for i in report.issues)
    assert elapsed < 30  # generous: the search has a node budget, this only guards a hang


def test_seed_row_provenance() -> None:
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    cell = report.requests.new.commercial
    assert (cell.value, cell.state, cell.raw) == (0, CellState.SPLIT, "00000")


def test_relation_choice_is_recorded() -> None:
    report = gkparse.parse(FIXTURES / "pingtan_2025.page.txt")
    granted = report.requests.granted
    assert (granted.natural_person.value, granted.commercial.value) == (33, 0)
    assert granted.natural_person.state is CellState.RESOLVED
    assert "R1" in granted.natural_person.basis


def test_prose_evidence_breaks_a_disclosure_tie() -> None:
    report = gkparse.parse(FIXTURES / "pingtan_2022.page.txt")
    cells = report.disclosure.normative_documents
    assert (cells.issued.value, cells.repealed.value, cells.in_force.value) == (88, 55, 698)
    assert cells.in_force.state is CellState.RESOLVED
    assert cells.in_force.basis.startswith("prose")


# --- generated tables ------------------------------------------------------------------

small = st.integers(min_value=0, max_value=40)
count = st.one_of(st.just(0), st.just(0), small, st.integers(min_value=41, max_value=3000))


@st.composite
def consistent_table(draw: st.DrawFn, template_name: str) -> dict[str, object]:
    template = TEMPLATE_2021 if template_name == "2021" else TEMPLATE_2019
    applicants = [c.key for c in template.requests_columns if c.key != "total"]
    cells: dict[str, object] = {}
    outcomes = [r.key for r in template.requests_rows if r.key not in ("new", "carried_over", "total", "carried_forward")]
    busy = draw(st.sampled_from(applicants[:2]))
    # Some agencies leave whole applicant columns blank (empty, not zero).
    blank = draw(st.sets(st.sampled_from(applicants[2:5]), max_size=2))
    for row in outcomes:
        for column in applicants:
            cells[f"requests/{row}/{column}"] = draw(count) if column == busy else draw(st.sampled_from([0, 0, 0, 1]))
    for column in applicants:
        if column in blank:
            for row in template.requests_rows:
                cells[f"requests/{row.key}/{column}"] = None
            continue
        total = sum(cells[f"requests/{row}/{column}"] for row in outcomes)  # type: ignore[misc]
        carried_forward = draw(st.sampled_from([0, 0, 1, 2, 5]))
        carried_over = draw(st.integers(min_value=0, max_value=total + carried_forward))
        cells[f"requests/total/{column}"] = total
        cells[f"requests/carried_forward/{column}"] = carried_forward
        cells[f"requests/carried_over/{column}"] = carried_over
        cells[f"requests/new/{column}"] = total + carried_forward - carried_over
    for row in template.requests_rows:
        cells[f"requests/{row.key}/total"] = sum(cells[f"requests/{row.key}/{c}"] or 0 for c in applicants)  # type: ignore[misc]
    for row in template.appeals_rows:
        parts = [draw(st.sampled_from([0, 0, 1, 2, 3, 12])) for _ in range(4)]
        for column, value in zip(("upheld", "corrected", "other", "pending"), parts):
            cells[f"appeals/{row.key}/{column}"] = value
        cells[f"appeals/{row.key}/total"] = sum(parts)
    for block in template.disclosure:
        for row in block.rows:
            for column in block.columns:
                cells[f"disclosure/{row.key}/{column.key}"] = draw(st.sampled_from([0, 1, 3, 12, 250]))
    return cells


def _check(template_name: str, cells: dict[str, object], style: str) -> None:
    text = render({"template": template_name, "agency": "某某县交通运输局", "year": 2023, "cells": cells}, style)
    report = gkparse.parse_text(text)
    assert report.template == template_name
    for key, expected in cells.items():
        cell = report.cell(key)
        if cell.state is CellState.AMBIGUOUS:
            assert expected == cell.value or expected in cell.alternatives, (style, key, expected, cell)
        else:
            assert cell.value == expected, (style, key, expected, cell, text)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("template_name", ["2019", "2021"])
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_tables_round_trip(template_name: str, style: str, data: st.DataObject) -> None:
    """Render a consistent table in a glue style and parse it back: every cell is either the
    original value or marked ambiguous with the original among its alternatives."""
    _check(template_name, data.draw(consistent_table(template_name)), style)


# --- regressions found by the glue-robustness benchmark ---------------------------------


def test_pipe_cells_are_never_split() -> None:
    """A pipe row separates every cell: a multi-digit cell is one number, and dropped empty
    cells make the row ambiguous rather than splitting digits to fill it."""
    row = AlignedRow("requests", [f"k{i}" for i in range(7)], ["252", "12", "1"], True, splittable=False, sums=R3)
    found, _ = readings(row)
    assert found and all({c.value for c in r} <= {252, 12, 1, None} for r in found)
    assert len(found) > 1


def test_blank_lines_moved_by_the_dump_stay_open() -> None:
    """'258 12 ∅ ∅ ∅ ∅ 11' breaks R3 as printed; '11' may be two glued cells with the blank
    lines moved: several readings, none certain."""
    row = AlignedRow("requests", [f"k{i}" for i in range(7)], ["258", "12", "", "", "", "", "11"], True, sums=R3)
    found, _ = readings(row)
    assert len(found) > 1


def test_vanished_empties_inside_a_glued_run() -> None:
    """'1818' in a one-line dump: 18 and 18 with five empty cells between, in any order."""
    found = values(["1818"])
    assert [None, None, None, None, None, 18, 18] in found
    assert [18, None, None, None, None, None, 18] in found
    assert all(r[6] == 18 for r in found)


def test_group_label_in_a_pipe_row_is_not_a_value() -> None:
    report = gkparse.parse_text(
        "某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "| 一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
        "| 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "| （四）无法提供 | 1.本机关不掌握相关政府信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    )
    assert report.requests.withheld.administrative_query.total.state is CellState.PRINTED
    assert report.requests.unavailable.not_held.natural_person.value == 1


def test_relations_are_not_reported_broken_on_an_unchosen_reading() -> None:
    """A relation over ambiguous cells is broken only if no reading satisfies it."""
    from gkparse.checks import check_relations
    from gkparse.model import Cell

    cells = {
        "appeals/review/upheld": Cell(value=1, state=CellState.AMBIGUOUS, alternatives=[2]),
        "appeals/review/corrected": Cell(value=0, state=CellState.PRINTED),
        "appeals/review/other": Cell(value=0, state=CellState.PRINTED),
        "appeals/review/pending": Cell(value=0, state=CellState.PRINTED),
        "appeals/review/total": Cell(value=2, state=CellState.PRINTED),
    }
    assert [i for i in check_relations(TEMPLATE_2021, cells.get) if i.rule == "R4"] == []
    cells["appeals/review/total"] = Cell(value=5, state=CellState.PRINTED)
    assert [i.rule for i in check_relations(TEMPLATE_2021, cells.get)] == ["R4"]
