"""Round trips of generated tables: a consistent table (R1–R4 hold), rendered in each glue
style the benchmarks measure, parsed back. Every cell comes back with its value, or marked
ambiguous with the value among its alternatives: never a wrong number presented as certain.
2019 part 二 rows with negative 本年增/减 and two-decimal 采购总金额 go through the same check.
The converter shapes (markdown, html2text) are tested in ``test_converter_shapes.py``.

``HYPOTHESIS_PROFILE=thorough`` searches 300 tables per style instead of CI's 20.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gkparse
from gkparse.model import CellState
from gkparse.templates import TEMPLATES
from tests.property.strategies import consistent_table, disclosure_rows
from tests.support.render import STYLES, render
from tests.support.tables import consistent_cells


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


# --- part 二 with signed changes and decimal amounts (2019) ---------------------------------


PROCUREMENT = frozenset({"disclosure/procurement/items", "disclosure/procurement/amount"})


@pytest.mark.parametrize("style", STYLES)
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_signed_and_decimal_rows_round_trip(style: str, data: st.DataObject) -> None:
    """2019 part 二 with negative 本年增/减 and two-decimal 采购总金额: in every glue style each
    cell comes back, or ambiguous with the truth among its readings."""
    cells = data.draw(consistent_table("2019"))
    cells.update(data.draw(disclosure_rows("2019")))
    _check("2019", cells, style)


def _procurement_offered(items: int, amount: float, style: str) -> list[tuple[str, object, object, str, list[object]]]:
    """The procurement cells whose truth is not offered: neither the certain value nor among
    an ambiguous cell's readings."""
    cells = {**consistent_cells(TEMPLATES["2019"], seed=4, high=4),
             "disclosure/procurement/items": items, "disclosure/procurement/amount": amount}
    report = gkparse.parse_text(render({"template": "2019", "agency": "某局", "year": 2020, "cells": cells}, style))
    bad = []
    for key in sorted(PROCUREMENT):
        cell, want = report.cell(key), cells[key]
        offered = [cell.value, *cell.alternatives] if cell.state is CellState.AMBIGUOUS else [cell.value]
        if want not in offered:
            bad.append((key, want, cell.value, cell.state.value, cell.alternatives))
    return bad


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("items", "amount"), [(0, 0.01), (0, 1.01), (0, 12.34), (0, 245310.57), (7, 0.5)])
def test_a_count_glued_to_a_decimal_amount_is_offered(items: int, amount: float, style: str) -> None:
    """采购项目数量 | 采购总金额 with a count of 0 or an amount under 1 (``00.01``, ``01.01`` in a
    one-line dump): the truth is the value or among the readings."""
    assert _procurement_offered(items, amount, style) == []
