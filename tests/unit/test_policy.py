"""The one state policy: a row's remaining readings → cells, printed and glued rows alike."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.cells.align import AlignedRow, ColumnSpec, RowSum
from gkparse.cells.choose import RowState
from gkparse.cells.policy import row_cells
from gkparse.cells.repair import repair
from gkparse.cells.search import CUT, EMPTY, VANISHED, Read, read_token, readings
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
    assert [(i.rule, i.cells, i.where) for i in issues] == [("unreadable-cell", [str(KEY)], str(KEY))]


PENALTIES = [ColumnSpec(Key("disclosure", "penalties", c), kind) for c, kind in (
    ("prev_items", "count"), ("change", "signed"), ("decisions", "count"))]


def test_a_signed_run_starts_a_signed_cell() -> None:
    """'27 -2356' (cases html 10, 2019 行政处罚): the sign starts 本年增/减 (or is a dash), so
    27 is 上一年项目数量 on every reading; the cut of -2356 stays open."""
    row = AlignedRow("disclosure", PENALTIES, ["27", "-2356"], True)
    options, complete = readings(row)
    cells, open_row, issues = row_cells(RowState(row, options, complete))
    prev = cells[Key("disclosure", "penalties", "prev_items")]
    assert (prev.value, prev.state) == (27, CellState.RESOLVED)
    assert open_row is not None and sorted(open_row.readings, key=str) == sorted(
        [[27, -2, 356], [27, -23, 56], [27, -235, 6], [27, None, 2356]], key=str
    )
    assert [i.rule for i in issues] == ["ambiguous"]


def test_unreadable_text_on_a_glued_row_is_never_empty() -> None:
    """A signed run where only a count column is left for it, and no cut of it fills the
    row: the text is kept, and said."""
    columns = [ColumnSpec(Key("disclosure", "rules", c)) for c in ("issued", "repealed")]
    row = AlignedRow("disclosure", columns, ["5", "-3"], True)
    options, complete = readings(row)
    cells, _, issues = row_cells(RowState(row, options, complete))
    repealed = cells[Key("disclosure", "rules", "repealed")]
    assert (repealed.state, repealed.raw) == (CellState.UNREADABLE, "-3")
    assert [(i.rule, i.cells) for i in issues] == [("unreadable-cell", ["disclosure/rules/repealed"])]


def test_a_number_over_two_cells_makes_the_row_resolved_by_r3() -> None:
    """'4 1 6 0 1 2 0 50' (cases html 13): every cell owes its place to R3."""
    columns = [ColumnSpec(Key("requests", "new", c)) for c in APPLICANTS]
    row = AlignedRow("requests", columns, ["4", "1", "6", "0", "1", "2", "0", "50"], True, sums=[RowSum("R3", [0, 1, 2, 3, 4, 5], 6)])
    options, complete = readings(row)
    cells, open_row, _ = row_cells(RowState(row, options, complete))
    assert open_row is None
    assert [(c.value, c.state, c.basis) for c in cells.values()] == [
        (v, CellState.RESOLVED, "R3") for v in (41, 6, 0, 1, 2, 0, 50)
    ]
    assert cells[Key("requests", "new", "natural_person")].raw == "4 1"


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
     # The second cell lists the other reading (a blank: None) beside the text shown.
     [(4, CellState.RESOLVED, "4", [], None), (None, CellState.AMBIGUOUS, "4 x", [None], None)], "blank or text: not the same"),
    (_glued(["4"], [(num(4, "4", False), VANISHED)]),
     [(4, CellState.PRINTED, "4", [], None), (None, CellState.ABSENT, None, [], None)], "a vanished blank was not found"),
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
    assert [(i.rule, i.where) for i in issues] == [("ambiguous", "requests/new")]


def test_row_issues_say_where_the_row_sits() -> None:
    """unreadable-row and search-limit name the line's table/row; a line over several rows
    (part 四 on one line) names its table."""
    columns = [ColumnSpec(Key("requests", "new", c)) for c in APPLICANTS]
    row = AlignedRow("requests", columns, ["4", "1", "6", "0", "1", "2", "0", "51"], True, sums=[RowSum("R3", [0, 1, 2, 3, 4, 5], 6)])
    _, _, issues = repair([row], TEMPLATES["2021"])
    assert [(i.rule, i.where) for i in issues] == [("unreadable-row", "requests/new")]
    appeals = AlignedRow("appeals", [ColumnSpec(Key("appeals", r, "total")) for r in ("review", "litigation_direct")], [], True)
    assert appeals.where == "appeals"


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


def test_unranked_readings_widen_open_cells_only() -> None:
    """Readings past the cap (RowSearch.unranked) add their values to the alternatives of a
    cell the options leave open, and never unsettle a cell the options agree on."""
    state = _glued(["1123"], [(num(1, "1123"), num(123, "1123")), (num(11, "1123"), num(23, "1123"))])
    state.unranked = [(num(112, "1123"), num(3, "1123")), (num(1, "1123"), num(99, "1123"))]
    cells, _, _ = row_cells(state)
    first, second = (cells[Key("requests", "new", c)] for c in APPLICANTS[:2])
    assert first.state is CellState.AMBIGUOUS and first.alternatives == [11, 112]
    assert second.alternatives == [23, 3, 99]
    settled = _glued(["12"], [(num(1, "12"), num(2, "12"))])
    settled.unranked = [(num(12, "12"), VANISHED)]
    cells, _, _ = row_cells(settled)
    assert cells[Key("requests", "new", "natural_person")].state is CellState.SPLIT


def test_cells_are_built_from_their_data_as_cell_would_build_them() -> None:
    """``row_data`` gives each cell as the fields ``Cell(...)`` takes: the cell built from
    it is the same, down to the fields it says were set."""
    from gkparse.cells.policy import cells_of, row_data
    from gkparse.model import Cell

    state = _glued(["1123"], [(num(1, "1123"), num(123, "1123")), (num(11, "1123"), num(23, "1123"))])
    data, _, _ = row_data(state)
    cells, _, _ = row_cells(state)
    built = cells_of(list(data.values()))
    for (key, fields), cell in zip(data.items(), built):
        assert cell == cells[key] == Cell(**fields)
        assert cell.model_fields_set == Cell(**fields).model_fields_set == set(fields)
