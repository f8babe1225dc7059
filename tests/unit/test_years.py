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
    assert {i.rule for i in issues} <= {"R5"}
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
