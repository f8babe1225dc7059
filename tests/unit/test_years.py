"""R5/R6 between consecutive years: the check (gkparse.checks.years) and the evidence a
neighbouring year gives a glued row (gkparse.panel.years), on generated series that are
consistent across years by construction, glued in one-line text."""

from __future__ import annotations

import functools
import random
from itertools import product
from typing import Any

import pytest

import gkparse
from gkparse.checks import check_years
from gkparse.model import CellState
from gkparse.panel import Panel
from gkparse.panel.observe import merge_sources
from gkparse.panel.years import link_years
from gkparse.templates import TEMPLATES
from tests.support import FIXTURES
from tests.support.render import render, render_html
from tests.support.series import consistent_series, expected
from tests.support.tables import consistent_cells

CERTAIN = (CellState.PRINTED, CellState.SPLIT, CellState.RESOLVED)
AGENCY = "某某县交通运输局"
YEARS = [2021, 2022, 2023]
#: Series parsed per test: a one-line glued report takes ~0.4 s to read.
SEEDS = range(3)


def _report(template: str, year: int, cells: dict) -> gkparse.Report:  # type: ignore[type-arg]
    return gkparse.parse_text(render_html({"template": template, "agency": AGENCY, "year": year, "cells": cells}))


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
    assert {i.rule for i in issues} == {"R5"}  # the two tables' carried cells are independent draws
    assert all(k.startswith("requests/carried_over/") for i in issues for k in i.cells)  # this year's cells only
    with pytest.raises(gkparse.GkparseError, match="not consecutive"):
        check_years(_report("2019", 2020, before), _report("2021", 2022, after))


def test_check_years_refuses_a_pair_without_a_year() -> None:
    report = _report("2021", 2022, consistent_cells(TEMPLATES["2021"], seed=3))
    undated = report.model_copy(update={"year": None})
    with pytest.raises(gkparse.GkparseError, match="has no year"):
        check_years(undated, report)


def test_a_break_over_ambiguous_terms_is_reported_only_when_no_reading_holds() -> None:
    """The real Pingtan dump of 2025 glues 行政规范性文件; the 2024 page prints 440 in force.
    No reading of 5845546 gives 440 + issued − repealed = in force: reported, nothing settled."""
    previous = gkparse.parse(FIXTURES / "pingtan_2024.page.html")
    current = gkparse.parse(FIXTURES / "pingtan_2025.page.txt")
    [r6] = [i for i in check_years(previous, current) if i.rule == "R6"]
    assert r6.where == "disclosure/normative_documents" and "under every reading" in r6.message
    observations = [merge_sources([r], agency="x", agency_key="x") for r in (previous, current)]
    link_years(observations)
    after = observations[1].report
    assert after.cell("disclosure/normative_documents/in_force").state is CellState.AMBIGUOUS
    assert [i.rule for i in after.issues if i.rule in ("R5", "R6")] == ["R6"]


@functools.lru_cache(maxsize=None)
def _glued(seed: int, broken: bool = False) -> tuple[dict[int, dict[str, Any]], tuple[gkparse.Report, ...]]:
    series = consistent_series(YEARS, seed)
    if broken:  # the middle year's in force is off: R6 breaks with both neighbours
        rng = random.Random(seed)
        series[YEARS[1]]["disclosure/normative_documents/in_force"] += rng.choice([1, 7, 20, 100])
    reports = tuple(
        gkparse.parse_text(render(expected(AGENCY, year, cells), "oneline"), origin=f"{seed}-{year}.txt")
        for year, cells in series.items()
    )
    return series, reports


def _silent(series: dict[int, dict[str, Any]], panel: Panel) -> list[str]:
    wrong = []
    for observation in panel.observations():
        truth = series[observation.year]
        for key, cell in observation.report.cells():
            if cell.state in CERTAIN and cell.value != truth.get(key):
                wrong.append(f"{observation.year} {key}: {cell.value} (true {truth.get(key)}; {cell.basis})")
            if cell.state is CellState.AMBIGUOUS:
                assert truth.get(key) in [cell.value, *cell.alternatives], key
    return wrong


def _decided(readings: dict[int, list[list[Any]]], keys: list[str]) -> dict[tuple[int, str], set[Any]]:
    """Brute force, independent of the panel: every joint choice of one row's readings in
    each year for which R6 holds between every pair; the values each cell takes in them."""
    position = {k: i for i, k in enumerate(keys)}
    row = keys[0].rsplit("/", 1)[0]
    values: dict[tuple[int, str], set[Any]] = {}
    years = sorted(readings)
    for joint in product(*(readings[y] for y in years)):
        chosen = dict(zip(years, joint))
        ok = True
        for year in years[1:]:
            now, before = chosen[year], chosen[year - 1]
            issued, repealed, in_force = (now[position[f"{row}/{c}"]] or 0 for c in ("issued", "repealed", "in_force"))
            previous = before[position[f"{row}/in_force"]] or 0
            ok = ok and in_force == previous + issued - repealed
        if ok:
            for year in years:
                for key in keys:
                    values.setdefault((year, key), set()).add(chosen[year][position[key]])
    return values


@pytest.mark.parametrize("seed", SEEDS)
def test_glued_series_settle_by_R6_wherever_the_neighbouring_years_decide(seed: int) -> None:
    series, reports = _glued(seed)
    before = {
        (r.year, k) for r in reports for k, c in r.cells() if c.state is CellState.AMBIGUOUS and k.startswith("disclosure/")
    }
    assert before, "the one-line glue leaves part 二 rows ambiguous"
    panel = Panel.from_reports(reports)
    assert _silent(series, panel) == []
    after = {o.year: o.report for o in panel.observations()}
    for row in ("rules", "normative_documents"):
        keys = [f"disclosure/{row}/{c}" for c in ("issued", "repealed", "in_force")]
        readings: dict[int, list[list[Any]]] = {}
        for report in reports:
            found = [r for r in report.readings if r.cells == keys]
            values = [report.cell(k).value for k in keys]
            readings[report.year or 0] = found[0].readings if found else [values]
        decided = _decided(readings, keys)
        for (year, key), values in decided.items():
            cell = after[year].cell(key)
            if len(values) == 1:
                assert cell.state in CERTAIN and cell.value in values, (year, key, values, cell)
            else:
                assert cell.state is CellState.AMBIGUOUS, (year, key, values, cell)
    settled = [
        c.basis for o in panel.observations() for _, c in o.report.cells()
        if c.state is CellState.RESOLVED and " with 20" in (c.basis or "")
    ]
    assert settled and all(b.startswith(("R5 with", "R6 with")) or "; R" in b for b in settled)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_glued_series_with_a_break_gives_no_wrong_number(seed: int) -> None:
    """All years glued: no joint reading of the chain holds, so the break is reported and
    the chain gives no evidence (a pair alone may still hold under some readings)."""
    series, reports = _glued(seed, broken=True)
    panel = Panel.from_reports(reports)
    assert _silent(series, panel) == []
    reported = [i for o in panel.observations() for i in o.report.issues if i.rule == "R6" and i.where == "disclosure/normative_documents"]
    assert reported and all(i.severity == "warning" for i in reported)


@pytest.mark.parametrize("seed", SEEDS)
def test_a_year_that_breaks_R6_is_reported_not_fixed(seed: int) -> None:
    """The neighbours are pages (printed cells); the glued middle year breaks R6 with both."""
    series, reports = _glued(seed, broken=True)
    first, last = (gkparse.parse_text(render_html(expected(AGENCY, y, series[y])), origin=f"{y}.html") for y in (YEARS[0], YEARS[-1]))
    middle = reports[1]
    panel = Panel.from_reports([first, middle, last])
    assert _silent(series, panel) == []
    by_year = {o.year: o.report for o in panel.observations()}
    reported = [
        (year, i) for year, r in by_year.items() for i in r.issues if i.rule == "R6" and i.where == "disclosure/normative_documents"
    ]
    assert {year for year, _ in reported} == {YEARS[1], YEARS[2]}
    assert all(i.severity == "warning" for _, i in reported)
    row = [by_year[YEARS[1]].cell(f"disclosure/normative_documents/{c}") for c in ("issued", "repealed", "in_force")]
    assert not any(c.state is CellState.RESOLVED and " with 20" in (c.basis or "") for c in row), "nothing is fixed"


# --- what the evidence must never do (a second review's counterexamples) --------------------


def _page(year: int) -> gkparse.Report:
    return gkparse.parse(FIXTURES / f"pingtan_{year}.page.html")


def test_a_cell_the_sources_disagree_on_is_never_settled_by_a_neighbouring_year() -> None:
    """2025 read twice: the page prints 546 in force, a copy 453 (= 440 + 58 − 45, what R6
    with 2024 wants). Which source is right is for a reviewer: R6 must not pick 453."""
    copy = _page(2025)
    cell = copy.cell("disclosure/normative_documents/in_force")
    cell.value, cell.raw = 453, "453"
    copy.source.path, copy.source.sha256 = "copy.pdf", "0" * 64
    observations = [
        merge_sources([_page(2024)], agency="x", agency_key="x"), merge_sources([_page(2025), copy], agency="x", agency_key="x"),
    ]
    link_years(observations)
    settled = observations[1].report.cell("disclosure/normative_documents/in_force")
    assert settled.state is CellState.AMBIGUOUS and {settled.value, *settled.alternatives} == {546, 453}
    assert observations[1].values()["disclosure/normative_documents/in_force"] is None


def _open_row(report: gkparse.Report, row: str, readings: list[list[int]], *, complete: bool = True) -> None:
    """Make a part 三 row of ``report`` a glued row with ``readings`` (one value per column)."""
    columns = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
    keys = [f"requests/{row}/{c}" for c in columns]
    for i, key in enumerate(keys):
        cell = report.cell(key)
        values = list(dict.fromkeys(r[i] for r in readings))
        cell.state, cell.value, cell.alternatives, cell.raw = CellState.AMBIGUOUS, values[0], values[1:], "glued"
    report.readings.append(gkparse.RowReadings(table="requests", cells=keys, raw="glued", readings=readings, complete=complete))


def test_the_columns_of_R5_between_two_glued_rows_are_judged_together() -> None:
    """Each column alone has a reading that agrees; no one pair of readings agrees in all
    columns: nothing is settled, and the break is reported."""
    before, after = _page(2024), _page(2025)
    _open_row(before, "carried_forward", [[1, 2, 5, 0, 0, 0, 8], [2, 1, 5, 0, 0, 0, 8]])
    _open_row(after, "carried_over", [[3, 3, 7, 0, 0, 0, 13], [1, 1, 5, 0, 0, 0, 7], [2, 2, 5, 0, 0, 0, 9]])
    observations = [merge_sources([r], agency="x", agency_key="x") for r in (before, after)]
    link_years(observations)
    report = observations[1].report
    assert report.cell("requests/carried_over/research").state is CellState.AMBIGUOUS
    assert any(i.rule == "R5" for i in report.issues)


def test_a_row_whose_search_stopped_at_a_limit_gives_and_takes_no_evidence() -> None:
    before, after = _page(2024), _page(2025)
    _open_row(after, "carried_over", [[0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 1]], complete=False)
    observations = [merge_sources([r], agency="x", agency_key="x") for r in (before, after)]
    link_years(observations)
    assert observations[1].report.cell("requests/carried_over/natural_person").state is CellState.AMBIGUOUS


def test_a_narrowed_row_says_how_many_readings_remain_and_a_blank_is_settled_as_empty() -> None:
    before, after = _page(2024), _page(2025)
    # carried over from 2024: 0 in every column; readings: all blank, or 1 in the first column
    _open_row(after, "carried_over", [[None, None, None, None, None, None, None], [1, 0, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 0, 2]])  # type: ignore[list-item]
    after.issues.append(gkparse.Issue(rule="ambiguous", severity="warning", message="'二、上年结转': 3 readings of 'glued' remain",
                                      cells=[k for k, _ in after.cells() if k.startswith("requests/carried_over/")]))
    observations = [merge_sources([r], agency="x", agency_key="x") for r in (before, after)]
    link_years(observations)
    cell = observations[1].report.cell("requests/carried_over/natural_person")
    assert (cell.state, cell.value) == (CellState.EMPTY, None) and "R5 with 2024" in (cell.basis or "")


def test_a_row_narrowed_but_open_says_how_many_readings_remain() -> None:
    before, after = _page(2024), _page(2025)
    readings = [[None] * 7, [0] * 7, [1, 0, 0, 0, 0, 0, 1]]
    _open_row(after, "carried_over", readings)  # type: ignore[arg-type]
    keys = [k for k, _ in after.cells() if k.startswith("requests/carried_over/")]
    message = "'二、上年结转': 3 readings of 'glued' remain"
    after.issues.append(gkparse.Issue(rule="ambiguous", severity="warning", message=message, cells=keys))
    observations = [merge_sources([r], agency="x", agency_key="x") for r in (before, after)]
    link_years(observations)
    [issue] = [i for i in observations[1].report.issues if i.rule == "ambiguous"]
    assert issue.message.startswith("'二、上年结转': 2 readings of 'glued' remain (after R5 with 2024")
