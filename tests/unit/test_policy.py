"""The one state policy: a row's remaining readings → cells, printed and glued rows alike."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.cells.align import AlignedRow, ColumnSpec, RowSum
from gkparse.cells.choose import RowState
from gkparse.cells.policy import row_cells
from gkparse.cells.repair import repair
from gkparse.cells.search import CUT, EMPTY, Read, read_token, readings
from gkparse.model import CellState
from gkparse.templates import TEMPLATES
from gkparse.templates.schema import Key
from tests.conftest import FIXTURES

KEY = Key("disclosure", "penalties", "decisions")
DECISIONS = ColumnSpec(KEY)
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")


def printed(token: str, column: ColumnSpec = DECISIONS) -> RowState:
    """An HTML cell: one token, one cell."""
    row = AlignedRow(KEY.table, [column], [token], False)
    return RowState(row, [(read_token(token, column),)], True)


#: (cell text in an HTML table, column, value, state, where it came from)
PRINTED = [
    ("2113", ColumnSpec(KEY), 2113, CellState.PRINTED, "pingtan_2022.page.html 行政处罚"),
    ("2件", ColumnSpec(KEY), 2, CellState.PRINTED, "issue 9: a count with its unit was read as empty"),
    ("1,268件", ColumnSpec(KEY), 1268, CellState.PRINTED, "shared cases html 08"),
    ("45.6万", ColumnSpec(Key("disclosure", "fees", "amount"), "amount", "万元"), 45.6, CellState.PRINTED, "shared cases html 08"),
    ("", ColumnSpec(KEY), None, CellState.EMPTY, "shanghai_govoffice_2019.html"),
    ("/", ColumnSpec(KEY), None, CellState.DASH, "shared cases html 03"),
    ("见附件", ColumnSpec(KEY), None, CellState.UNREADABLE, "prose in a cell"),
    ("-417", ColumnSpec(KEY), None, CellState.UNREADABLE, "a sign in a count column"),
]


@pytest.mark.parametrize(("token", "column", "value", "state", "origin"), PRINTED, ids=[p[0] or "blank" for p in PRINTED])
def test_printed_cells(token: str, column: ColumnSpec, value: float | None, state: CellState, origin: str) -> None:
    cells, open_row, _ = row_cells(printed(token, column))
    cell = cells[column.key]  # type: ignore[index]
    assert (cell.value, cell.state, cell.raw) == (value, state, token)
    assert open_row is None


@pytest.mark.parametrize("token", ["见附件", "约20", "12,34"])
def test_unreadable_text_on_a_printed_row_is_never_empty(token: str) -> None:
    cells, _, issues = row_cells(printed(token))
    assert cells[KEY].state is CellState.UNREADABLE and cells[KEY].raw == token
    assert [(i.rule, i.cells) for i in issues] == [("unreadable-cell", [str(KEY)])]


def test_unreadable_text_on_a_glued_row_is_never_empty() -> None:
    """'27 -2356' (shared cases html 10, 2019 行政处罚): the signed token sits where the
    count column is the only place left for it; the text is kept, and said."""
    columns = [ColumnSpec(Key("disclosure", "penalties", c), kind) for c, kind in (
        ("prev_items", "count"), ("change", "signed"), ("decisions", "count"))]
    row = AlignedRow("disclosure", columns, ["27", "-2356"], True)
    options, complete = readings(row)
    cells, _, issues = row_cells(RowState(row, options, complete))
    decisions = cells[Key("disclosure", "penalties", "decisions")]
    assert (decisions.state, decisions.raw) == (CellState.UNREADABLE, "-2356")
    assert [(i.rule, i.cells) for i in issues] == [("unreadable-cell", ["disclosure/penalties/decisions"])]


def _glued(tokens: list[str], options: list[tuple[Read, ...]], *, complete: bool = True, initial: int | None = None,
           basis: str | None = None) -> RowState:
    columns = [ColumnSpec(Key("requests", "new", c)) for c in APPLICANTS[:2]]
    state = RowState(AlignedRow("requests", columns, tokens, True), options, complete, basis)
    if initial is not None:
        state.initial = initial
    return state


def num(value: int, raw: str, split: bool = True) -> Read:
    return Read(value, "num", raw, split=split)


#: (row state, expected (value, state, raw, alternatives, basis) per cell, what it shows)
GLUED = [
    (_glued(["12"], [(num(1, "12"), num(2, "12"))]),
     [(1, CellState.SPLIT, "12", [], None), (2, CellState.SPLIT, "12", [], None)], "the only cut of a run: split"),
    (_glued(["1", "2"], [(num(1, "1", False), num(2, "2", False))]),
     [(1, CellState.PRINTED, "1", [], None), (2, CellState.PRINTED, "2", [], None)], "whole tokens, the only reading"),
    (_glued(["12"], [(num(1, "12"), num(2, "12"))], initial=3, basis="R2"),
     [(1, CellState.RESOLVED, "12", [], "R2"), (2, CellState.RESOLVED, "12", [], "R2")], "readings removed by R2"),
    (_glued(["112"], [(num(1, "112"), num(12, "112")), (num(11, "112"), num(2, "112"))]),
     [(1, CellState.AMBIGUOUS, "112", [11], None), (12, CellState.AMBIGUOUS, "112", [2], None)], "two cuts remain"),
    (_glued(["12"], [(num(1, "12"), num(2, "12"))], complete=False),
     [(1, CellState.AMBIGUOUS, "12", [], None), (2, CellState.AMBIGUOUS, "12", [], None)], "search cut off"),
    (_glued(["4", ""], [(num(4, "4", False), EMPTY)]),
     [(4, CellState.PRINTED, "4", [], None), (None, CellState.EMPTY, "4 ∅", [], None)], "a blank points at the row's text"),
    (_glued(["4"], [(num(4, "4", False), CUT)]),
     [(4, CellState.PRINTED, "4", [], None), (None, CellState.ABSENT, None, [], None)], "past a truncated document's end"),
    (_glued(["4", "x"], [(num(4, "4", False), EMPTY), (num(4, "4", False), Read(None, "text", "x"))]),
     # The 4 is the same in both readings: "resolved" (kept from before the split; nothing
     # chose it, so it has no basis).
     [(4, CellState.RESOLVED, "4", [], None), (None, CellState.AMBIGUOUS, "4 x", [], None)], "blank or text: not the same"),
    (_glued(["1818"], []),
     [(None, CellState.AMBIGUOUS, "1818", [], None)] * 2, "no reading fills the row"),
    (_glued([], []),
     [(None, CellState.ABSENT, "", [], None)] * 2, "no text at all"),
]


@pytest.mark.parametrize(("state", "expected", "what"), GLUED, ids=[g[2] for g in GLUED])
def test_glued_cells(state: RowState, expected: list[tuple[object, ...]], what: str) -> None:
    cells, _, _ = row_cells(state)
    got = [(c.value, c.state, c.raw, c.alternatives, c.basis) for c in cells.values()]
    assert got == expected


def test_open_rows_are_listed_with_an_issue() -> None:
    state = _glued(["112"], [(num(1, "112"), num(12, "112")), (num(11, "112"), num(2, "112"))])
    _, open_row, issues = row_cells(state)
    assert open_row is not None and open_row.readings == [[1, 12], [11, 2]]
    assert open_row.cells == ["requests/new/natural_person", "requests/new/commercial"]
    assert [i.rule for i in issues] == ["ambiguous"]


def test_a_column_not_kept_gets_no_cell() -> None:
    columns = [ColumnSpec(Key("requests", "new", "natural_person")), ColumnSpec(None)]
    row = AlignedRow("requests", columns, ["4", "4"], False)
    cells, _, _ = row_cells(RowState(row, [(read_token("4", columns[0]), read_token("4", columns[1]))], True))
    assert list(cells) == [Key("requests", "new", "natural_person")]


def test_repair_keys_cells_by_key_and_flags_unreadable_cells() -> None:
    columns = [ColumnSpec(Key("requests", "new", c)) for c in APPLICANTS]
    rows = [AlignedRow("requests", columns, ["4", "见附件", "0", "0", "0", "0", "4"], False,
                       sums=[RowSum("R3", [0, 1, 2, 3, 4, 5], 6)])]
    cells, open_rows, issues = repair(rows, TEMPLATES["2021"])
    assert all(isinstance(k, Key) for k in cells)
    assert cells[Key("requests", "new", "commercial")].state is CellState.UNREADABLE
    assert [i.rule for i in issues] == ["unreadable-cell"] and open_rows == []


def test_seed_row_provenance() -> None:
    """pingyang_amr_2020.txt '4 00000 4': the run is cut into five zeros, the only reading."""
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    cell = report.requests.new.commercial
    assert (cell.value, cell.state, cell.raw) == (0, CellState.SPLIT, "00000")
