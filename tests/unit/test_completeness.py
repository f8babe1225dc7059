"""Completeness: what the template has and the document does not is named, never zero."""

from __future__ import annotations

import gkparse
from gkparse.templates import TEMPLATES
from tests.support.render import render
from tests.support.tables import consistent_cells


def _without(text: str, label: str) -> str:
    return "\n".join(line for line in text.split("\n") if label not in line)


def test_a_missing_row_is_an_error_and_its_cells_absent() -> None:
    cells = consistent_cells(TEMPLATES["2021"], seed=11)
    text = render({"template": "2021", "agency": "某局", "year": 2022, "cells": cells}, "pipe")
    report = gkparse.parse_text(_without(text, "重复申请"))
    missing = [i for i in report.issues if i.rule == "missing-row"]
    assert [i.cells for i in missing] == [["requests/not_processed.duplicate"]]
    assert report.cell("requests/not_processed.duplicate/total").state is gkparse.CellState.ABSENT
    assert report.cell("requests/not_processed.duplicate/total").value is None


def test_a_missing_part_two_row_lists_its_cells() -> None:
    cells = consistent_cells(TEMPLATES["2019"], seed=12)
    text = render({"template": "2019", "agency": "某局", "year": 2020, "cells": cells}, "pipe")
    report = gkparse.parse_text(_without(text, "行政强制"))
    missing = [i for i in report.issues if i.rule == "missing-cells" and i.where == "disclosure"]
    assert missing and set(missing[0].cells) == {
        "disclosure/coercive_measures/prev_items", "disclosure/coercive_measures/change", "disclosure/coercive_measures/decisions",
    }


def test_a_missing_table_is_named() -> None:
    cells = consistent_cells(TEMPLATES["2021"], seed=13)
    text = render({"template": "2021", "agency": "某局", "year": 2022, "cells": cells}, "pipe")
    cut = text[: text.index("四、政府信息公开行政复议")]
    report = gkparse.parse_text(cut + "\n五、存在的主要问题及改进情况\n无。\n")
    assert [(i.rule, i.where) for i in report.issues if i.rule == "missing-table"] == [("missing-table", "appeals")]
    assert report.appeals is None


def test_a_part_two_cell_a_printed_row_lacks_is_missing() -> None:
    """A part 二 row found with one of its block's cells not found: that cell is named
    ``missing-cells`` (absent, never empty)."""
    from gkparse.checks.completeness import check_completeness
    from gkparse.model import Cell, CellState
    from gkparse.templates import TEMPLATES
    from gkparse.templates.schema import Key

    template = TEMPLATES["2019"]
    placed = {
        Key("disclosure", "procurement", "items"): Cell(value=8, state=CellState.PRINTED),
        Key("disclosure", "procurement", "amount"): Cell(state=CellState.ABSENT),
    }
    issues = [i for i in check_completeness(template, placed, {"disclosure"}) if i.rule == "missing-cells"]
    assert "disclosure/procurement/amount" in issues[0].cells
    assert "disclosure/procurement/items" not in issues[0].cells
