"""Round trips of generated tables: a consistent table (R1–R4 hold), rendered in each glue
style the benchmarks measure, parsed back. Every cell comes back with its value, or marked
ambiguous with the value among its alternatives: never a wrong number presented as certain.

``HYPOTHESIS_PROFILE=thorough`` searches 300 tables per style instead of CI's 20.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkparse
from gkparse.model import CellState
from gkparse.templates import TEMPLATES
from tests.support.render import STYLES, render

small = st.integers(min_value=0, max_value=40)
count = st.one_of(st.just(0), st.just(0), small, st.integers(min_value=41, max_value=3000))


@st.composite
def consistent_table(draw: st.DrawFn, template_name: str) -> dict[str, object]:
    template = TEMPLATES[template_name]
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
@pytest.mark.parametrize("template_name", list(TEMPLATES))
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_tables_round_trip(template_name: str, style: str, data: st.DataObject) -> None:
    """Render a consistent table in a glue style and parse it back: every cell is either the
    original value or marked ambiguous with the original among its alternatives."""
    _check(template_name, data.draw(consistent_table(template_name)), style)
