"""Truncated search-engine excerpts: they parse, keep the cells they show, list what is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

import gkparse
from gkparse.model import CellState
from tests.support import FIXTURES

PARTIAL = FIXTURES / "partial"
FILES = sorted(PARTIAL.glob("*.txt"))
#: The template of each excerpt, from its full page (SOURCES.tsv).
TEMPLATE_OF = {
    line.split("\t")[0]: line.split("\t")[3]
    for line in (PARTIAL / "SOURCES.tsv").read_text("utf-8").splitlines()[1:]
    if line.strip()
}

# Cells read off the excerpts by eye: (file, key, value).
VISIBLE = [
    ("ankang_bureau_2019.txt", "disclosure/normative_documents/new_made", 30),
    ("ankang_bureau_2019.txt", "disclosure/procurement/items", 8),
    ("ankang_bureau_2019.txt", "disclosure/procurement/amount", 1605964),  # 160.5964万元 in 元
    ("changchun_js_styjrswj_2023.txt", "requests/new/total", 3),
    ("changchun_js_styjrswj_2023.txt", "requests/carried_over/total", 0),
    ("lg_gov_cn_qzfgzbm_dept_2024.txt", "disclosure/normative_documents/in_force", 25),
    ("lg_gov_cn_qzfgzbm_dept_2024.txt", "requests/new/commercial", 7),
    ("lg_gov_cn_qzfgzbm_dept_2024.txt", "requests/new/total", 66),
    ("lg_gov_cn_qzfgzbm_dept_2024.txt", "requests/partially_granted/natural_person", 16),
    ("ip61_150_65_235_district_tongjiju_2023.txt", "requests/new/total", 0),
]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_excerpt_parses_and_lists_what_is_missing(path: Path) -> None:
    report = gkparse.parse(path)
    assert report.template == TEMPLATE_OF[path.name]
    rules = {i.rule for i in report.issues}
    assert rules & {"missing-table", "missing-row", "missing-cells"}
    assert any(c.value is not None for _, c in report.cells())


@pytest.mark.parametrize(("name", "key", "value"), VISIBLE)
def test_visible_cells(name: str, key: str, value: int) -> None:
    cell = gkparse.parse(PARTIAL / name).cell(key)
    assert cell.value == value and cell.certain


def test_cells_past_the_cut_are_absent_not_empty() -> None:
    report = gkparse.parse(PARTIAL / "lg_gov_cn_qzfgzbm_dept_2024.txt")
    # The excerpt stops inside 7.属于行政执法案卷 after six of its seven cells.
    row = report.requests.withheld.enforcement_files
    assert row.natural_person.state is CellState.PRINTED
    assert row.total.state is CellState.ABSENT
    assert report.requests.carried_forward.total.state is CellState.ABSENT
    missing = next(i for i in report.issues if i.rule == "missing-row")
    assert "requests/carried_forward" in missing.cells


def test_moved_empty_cells_are_not_given_positions() -> None:
    """A dump that moves empty cells to the row's end loses their positions: ambiguous, not guessed."""
    report = gkparse.parse(PARTIAL / "yueyang_nanhu_bureau_2019.txt")
    cells = report.requests.new
    assert all(c.state is CellState.AMBIGUOUS for c in (cells.natural_person, cells.commercial, cells.other_org))
    # "3 3" in a row whose total must be the sum: every reading that assesses R3 has total 3.
    assert (cells.total.value, cells.total.state) == (3, CellState.RESOLVED)
