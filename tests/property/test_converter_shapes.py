"""The converter shapes of issue 11 (``render.NEW_STYLES``): a consistent table rendered as
markdown (PDF→markdown converters, language models) and as html2text output, parsed back.

No cell is wrong and certain; with nothing glued, every cell is right. The shapes that once
failed are tests of their own below: a first value column blank in every row of its table
(a part 二 block ``| 行政许可 |  | -3 | 38 |``, part 三's 自然人, part 四's one value row
`` | 1 | 2 | …`` whose leading pipe html2text prints without fences), a header whose own
words hold a slash (``本年增/减``), rows blank but for one cell whose trailing blanks are
cells, and a part 二 block printing a column its template block lacks.

``HYPOTHESIS_PROFILE=thorough`` searches more tables per property than CI.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import gkparse
from gkparse.model import CellState
from gkparse.templates import TEMPLATES, standard_rows
from tests.property.strategies import report_table, sparse_table
from tests.support import FIXTURES
from tests.support.render import NEW_STYLES, render
from tests.support.tables import consistent_cells

CERTAIN = {CellState.PRINTED, CellState.SPLIT, CellState.RESOLVED}


def parse(template_name: str, cells: dict[str, Any], style: str) -> gkparse.Report:
    text = render({"template": template_name, "agency": "某某县交通运输局", "year": 2023, "cells": cells}, style)
    report = gkparse.parse_text(text)
    assert report.template == template_name
    return report


def outcomes(report: gkparse.Report, cells: dict[str, Any]) -> dict[str, list[tuple[str, Any, Any, str]]]:
    """Each cell as ``right`` (not ambiguous, the truth; certain unless the truth is empty),
    ``offered`` (ambiguous, the truth among the readings), ``missed`` (ambiguous, the truth
    not among them) or ``wrong`` (not ambiguous, not the truth: what the benchmark counts as
    a silent error)."""
    out: dict[str, list[tuple[str, Any, Any, str]]] = {"right": [], "offered": [], "missed": [], "wrong": []}
    for key, want in cells.items():
        cell = report.cell(key)
        if cell.state is CellState.AMBIGUOUS:
            kind = "offered" if want in [cell.value, *cell.alternatives] else "missed"
        elif cell.value == want and (want is None or cell.state in CERTAIN):
            kind = "right"
        else:
            kind = "wrong"
        out[kind].append((key, want, cell.value, cell.state.value))
    return out


def not_right(result: dict[str, list[tuple[str, Any, Any, str]]]) -> list[tuple[str, Any, Any, str]]:
    return result["offered"] + result["missed"] + result["wrong"]


# --- what must hold today --------------------------------------------------------------


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize("template_name", list(TEMPLATES))
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_never_wrong_and_certain(template_name: str, style: str, data: st.DataObject) -> None:
    """Signed and decimal part 二 rows, none, some, most or all zeros left blank (a table's
    first value column too, all the way down): no cell is wrong and certain."""
    cells = data.draw(sparse_table(template_name))
    result = outcomes(parse(template_name, cells, style), cells)
    if result["missed"]:
        event(f"{style}: an ambiguous cell without the truth among its readings")
    assert result["wrong"] == []


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize("template_name", list(TEMPLATES))
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_printed_cell_is_read_exactly(template_name: str, style: str, data: st.DataObject) -> None:
    """Nothing left blank (every cell printed, signed and decimal part 二 rows): every cell
    comes back certain and right — nothing is glued, nothing may be ambiguous."""
    cells = data.draw(report_table(template_name))
    assert not_right(outcomes(parse(template_name, cells, style), cells)) == []


def fixture_truths() -> list[Any]:
    out = []
    for path in sorted(FIXTURES.glob("*.expected.json")):
        name = path.name.removesuffix(".expected.json")
        expected = json.loads(path.read_text("utf-8"))
        out.append(pytest.param(expected, id=name))
    return out


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize("expected", fixture_truths())
def test_fixture_truths_are_never_wrong(expected: dict[str, Any], style: str) -> None:
    """Every fixture's true table (blank totals and rows: shanghai_govoffice_2019) in each
    converter shape: no cell wrong."""
    assert outcomes(gkparse.parse_text(render(expected, style)), expected["cells"])["wrong"] == []


def _blank(template_name: str, *keys: str) -> dict[str, Any]:
    """A consistent table with the cells ``keys`` blank and R1–R4 kept (a part 三 cell's value
    comes off its row's total; blanking a whole applicant column keeps R1/R2)."""
    template = TEMPLATES[template_name]
    cells: dict[str, Any] = consistent_cells(template, seed=3, high=4)
    total = template.requests_columns[-1].key
    for key in keys:
        table, row, _ = key.split("/")
        if table == "requests":
            cells[f"requests/{row}/{total}"] -= cells[key] or 0
        cells[key] = None
    review = [f"appeals/review/{c.key}" for c in template.appeals_columns]
    cells[review[-1]] = sum(cells[k] or 0 for k in review[:-1])
    return cells


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize("template_name", list(TEMPLATES))
def test_a_trailing_blank_group_in_part_four(template_name: str, style: str) -> None:
    """复议后起诉 left blank (as shanghai_govoffice_2019 prints it): its five cells empty, the
    rest right."""
    group = [f"appeals/litigation_after_review/{c.key}" for c in TEMPLATES[template_name].appeals_columns]
    cells = _blank(template_name, *group)
    assert not_right(outcomes(parse(template_name, cells, style), cells)) == []


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize(("template_name", "key"), [("2019", "disclosure/licensing/prev_items"), ("2021", "disclosure/rules/issued")])
def test_a_blank_first_value_cell_in_one_row(template_name: str, key: str, style: str) -> None:
    """One row of a part 二 block starts blank, the others do not: every cell right."""
    cells = _blank(template_name, key)
    assert not_right(outcomes(parse(template_name, cells, style), cells)) == []


BLANK_FIRST_COLUMNS = {
    "2019-part2": ("2019", ("disclosure/licensing/prev_items", "disclosure/other_services/prev_items")),
    "2021-part2": ("2021", ("disclosure/rules/issued", "disclosure/normative_documents/issued")),
    "2019-part4": ("2019", ("appeals/review/upheld",)),
    "2021-part4": ("2021", ("appeals/review/upheld",)),
    "2019-part3": ("2019", tuple(f"requests/{r.key}/natural_person" for r in standard_rows(TEMPLATES["2019"].requests_rows))),
    "2021-part3": ("2021", tuple(f"requests/{r.key}/natural_person" for r in standard_rows(TEMPLATES["2021"].requests_rows))),
}


@pytest.mark.parametrize(("case", "style"), [(case, style) for case in BLANK_FIRST_COLUMNS for style in NEW_STYLES])
def test_a_blank_first_value_column(case: str, style: str) -> None:
    """A table whose first value column is blank in every row (a part 二 block, part 三's
    自然人, part 四's one value row): every cell right."""
    template_name, keys = BLANK_FIRST_COLUMNS[case]
    cells = _blank(template_name, *keys)
    assert not_right(outcomes(parse(template_name, cells, style), cells)) == []


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize("template_name", list(TEMPLATES))
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_cell_right(template_name: str, style: str, data: st.DataObject) -> None:
    """The stronger check: zeros left blank anywhere, every cell right and certain."""
    cells = data.draw(sparse_table(template_name))
    assert not_right(outcomes(parse(template_name, cells, style), cells)) == []


@pytest.mark.parametrize("style", NEW_STYLES)
@pytest.mark.parametrize("template_name", list(TEMPLATES))
def test_a_part_three_blank_but_one_zero(template_name: str, style: str) -> None:
    """Part 三 all blank but 本年新收 | 自然人 = 0 (found by the thorough profile): every cell right."""
    cells = {k: None for k in _blank(template_name) if k.startswith("requests/")}
    cells |= {k: v for k, v in _blank(template_name).items() if not k.startswith("requests/")}
    cells[f"requests/new/{TEMPLATES[template_name].requests_columns[0].key}"] = 0
    assert not_right(outcomes(parse(template_name, cells, style), cells)) == []
