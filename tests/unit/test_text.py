"""The text reader: rows of a dump found by the template's label stems, in every layout."""

from __future__ import annotations

import pytest

from gkparse.read.page import blank_range
from gkparse.read.text import read_tables, read_text, tokenize
from gkparse.templates import TEMPLATES
from tests.support.render import STYLES, render
from tests.support.tables import consistent_cells


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("name", ["2019", "2021"])
def test_every_row_of_every_table_is_found(name: str, style: str) -> None:
    template = TEMPLATES[name]
    text = render({"template": name, "agency": "某局", "year": 2022, "cells": consistent_cells(template, seed=5)}, style)
    page = read_text(text)
    read_tables(page, template)
    kinds = [t.kind for t in page.tables]
    assert kinds.count("disclosure") == len(template.table("disclosure").blocks)
    assert kinds[-2:] == ["requests", "appeals"]
    requests = next(t for t in page.tables if t.kind == "requests")
    assert [r.key for r in requests.rows] == [r.key for r in template.table("requests").rows]
    captions = [t.caption for t in page.tables if t.kind == "disclosure"]
    assert all(c and "(" in c or "（" in c for c in captions)


def test_part_two_columns_follow_the_header() -> None:
    template = TEMPLATES["2021"]
    text = render({"template": "2021", "agency": "某局", "year": 2022, "cells": consistent_cells(template, seed=6)}, "pipe")
    page = read_text(text)
    read_tables(page, template)
    first = page.tables[0]
    assert first.columns is not None and len(first.columns) == 3


@pytest.mark.parametrize(
    ("region", "kwargs", "tokens"),
    [
        (" | 58 | 7 |  | 66 | ||", {}, ["58", "7", "", "66", "", ""]),
        ("713000074", {}, ["713000074"]),
        ("\n\n569\n\n\n368\n\n", {"baseline": 2}, ["569", "", "368"]),
        (" 3417 -26519 ", {}, ["3417", "-26519"]),
        ("5.5万元 / —", {}, ["5.5万元", "/", "—"]),
    ],
)
def test_tokenize(region: str, kwargs: dict, tokens: list[str]) -> None:  # type: ignore[type-arg]
    assert tokenize(region, **kwargs) == tokens


def test_a_blank_run_stands_for_a_range_of_empty_cells() -> None:
    [_, run, _] = tokenize("1\n\n\n\n2", baseline=2, exact_blanks=False)
    assert blank_range(run) == (1, 2)
