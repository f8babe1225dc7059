"""Choosing among readings: numbers stated in part 一, and part 三's rows chosen together
under R1/R2, with the basis naming the relations that removed readings."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.cells import choose
from gkparse.cells.align import AlignedRow, ColumnSpec, RowSum
from gkparse.cells.choose import RowState, _basis, choose_across_rows, narrow_by_prose, prefer_unassumed, prose_evidence
from gkparse.cells.search import VANISHED, Read, readings
from gkparse.model import CellState
from gkparse.templates import TEMPLATES
from gkparse.templates.schema import Key
from tests.conftest import FIXTURES

T2021 = TEMPLATES["2021"]
APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")

# --- prose evidence -------------------------------------------------------------------

#: (text of part 一, the evidence read from it, where it came from)
PROSE = [
    (
        "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件",
        {"disclosure/normative_documents/in_force": {698}, "disclosure/normative_documents/issued": {88}},
        "pingtan_2022.page.txt 一、总体情况",
    ),
    ("本年废止规范性文件55件。", {"disclosure/normative_documents/repealed": {55}}, "the pingtan_2022 table, said in prose"),
    ("全年作出行政处罚决定2113件", {"disclosure/penalties/decisions": {2113}}, "pingtan_2022 行政处罚, said in prose"),
    ("规范性文件共计88", {}, "a number without a unit is no evidence"),
    ("现行有效698件；规范性文件清理", {}, "the row word in another clause"),
]


@pytest.mark.parametrize(("text", "expected", "origin"), PROSE, ids=[p[2] for p in PROSE])
def test_prose_evidence(text: str, expected: dict[str, set[float]], origin: str) -> None:
    assert {str(k): v for k, v in prose_evidence(text, T2021).items()} == expected


def test_prose_read_for_some_rows_is_what_the_whole_reading_says_of_them() -> None:
    """Read for a few rows, only the clauses that name them are searched: the numbers and
    phrases of those rows' cells are the whole reading's, at the text's start, after a
    digit that ends the clause before, past clauses that name no row, and a row named in
    two clauses."""
    clauses = [
        "698件现行有效行政规范性文件",
        "本年度制发的规范性文件7",
        "88件规范性文件制发",
        "无",
        "本年废止规范性文件55件",
        "全年作出行政处罚决定2113件",
        "",
        "规范性文件共计99",
        "行政处罚决定12件",
    ]
    text = "，".join(clauses[:3]) + "。" + "\n".join(clauses[3:6]) + "；" + "!".join(clauses[6:])
    whole = choose._stated(text, T2021)
    assert {str(k): set(v) for k, v in whole.items()} == {
        "disclosure/normative_documents/in_force": {698},
        "disclosure/normative_documents/issued": {88},
        "disclosure/normative_documents/repealed": {55},
        "disclosure/penalties/decisions": {2113, 12},
    }
    for row in ("normative_documents", "penalties"):
        wanted = {k for k in whole if k.row == row}
        assert choose._stated(text, T2021, {next(iter(wanted))}) == {k: v for k, v in whole.items() if k in wanted}
    assert choose._stated(text, T2021, {Key("disclosure", "procurement", "items")}) == {}


def _normative_row(tokens: list[str]) -> RowState:
    columns = [ColumnSpec(Key("disclosure", "normative_documents", c)) for c in ("issued", "repealed", "in_force")]
    row = AlignedRow("disclosure", columns, tokens, True)
    return RowState(row, readings(row)[0], True)


def test_prose_narrows_a_disclosure_row() -> None:
    """'8855698' (pingtan_2022.page.txt, 行政规范性文件) has several cuts; part 一 says 698 and 88."""
    state = _normative_row(["8855698"])
    assert len(state.options) > 1
    narrow_by_prose([state], "集中公开现行有效行政规范性文件698件，动态更新本年度制发的规范性文件88件", T2021)
    assert [[c.value for c in o] for o in state.options] == [[88, 55, 698]]
    assert state.basis == 'prose: "制发的规范性文件88件"; "现行有效行政规范性文件698件"'
    assert state.initial > 1


def test_prose_that_no_reading_agrees_with_changes_nothing() -> None:
    state = _normative_row(["8855698"])
    before = list(state.options)
    narrow_by_prose([state], "现行有效规范性文件12件", T2021)
    assert state.options == before and state.basis is None


def test_prose_evidence_breaks_a_disclosure_tie() -> None:
    report = gkparse.parse(FIXTURES / "pingtan_2022.page.txt")
    cells = report.disclosure.normative_documents
    assert (cells.issued.value, cells.repealed.value, cells.in_force.value) == (88, 55, 698)
    assert cells.in_force.state is CellState.RESOLVED
    assert cells.in_force.basis.startswith("prose")


# --- the cross-row choice -------------------------------------------------------------


def _requests_state(row_key: str, tokens: list[str]) -> RowState:
    row = AlignedRow(
        "requests", [ColumnSpec(Key("requests", row_key, c)) for c in APPLICANTS], tokens, True,
        sums=[RowSum("R3", [0, 1, 2, 3, 4, 5], 6)],
    )
    options, complete = readings(row)
    return RowState(row, options, complete)


#: Part 三 of pingtan_2025.page.txt, one glued run per row.
PINGTAN_2025 = [
    ("new", "15130000154"), ("carried_over", "0000000"), ("granted", "330000033"),
    ("partially_granted", "380000038"), ("withheld.state_secret", "0000000"),
    ("withheld.prohibited_by_law", "0000000"), ("withheld.security_stability", "0000000"),
    ("withheld.third_party_rights", "0000000"), ("withheld.internal_affairs", "3000003"),
    ("withheld.process_information", "2000002"), ("withheld.enforcement_files", "3000003"),
    ("withheld.administrative_query", "3000003"), ("unavailable.not_held", "491000050"),
    ("unavailable.needs_creation", "3000003"), ("unavailable.unclear", "0000000"),
    ("not_processed.complaint", "2000002"), ("not_processed.duplicate", "0000000"),
    ("not_processed.publication", "0000000"), ("not_processed.excessive", "0000000"),
    ("not_processed.confirmation", "0000000"), ("other.overdue_correction", "8000008"),
    ("other.overdue_fee", "2000002"), ("other.other", "1000001"), ("total", "14710000148"),
    ("carried_forward", "4200006"),
]


def _pingtan_2025_column() -> list[RowState]:
    return [_requests_state(key, [run]) for key, run in PINGTAN_2025]


def test_r1_and_r2_choose_across_rows_and_name_what_removed_readings() -> None:
    states = _pingtan_2025_column()
    granted, total = states[2], states[-2]
    assert len(granted.options) == 2 and len(total.options) == 7
    choose_across_rows(states, T2021)
    # new + carried_over = total + carried_forward (R1) alone leaves one reading of the
    # total row; the outcome rows summing to the total (R2) alone settles 33, not 3 + 30.
    assert [[c.value for c in o] for o in total.options] == [[147, 1, 0, 0, 0, 0, 148]]
    assert total.basis == "R1"
    assert [[c.value for c in o] for o in granted.options] == [[33, 0, 0, 0, 0, 0, 33]]
    assert granted.basis == "R2"


def test_no_joint_choice_leaves_every_row_its_own_readings() -> None:
    states = [_requests_state("granted", ["330000033"]), _requests_state("total", ["9000009"])]
    before = [list(s.options) for s in states]
    choose_across_rows(states, T2021)
    assert [s.options for s in states] == before and all(s.basis is None for s in states)


def test_too_many_joint_choices_rule_nothing_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(choose, "MAX_COMBINATIONS", 1)
    states = _pingtan_2025_column()
    before = [list(s.options) for s in states]
    choose_across_rows(states, T2021)
    assert [s.options for s in states] == before


def test_relation_choice_is_recorded_in_the_report() -> None:
    report = gkparse.parse(FIXTURES / "pingtan_2025.page.txt")
    granted = report.requests.granted
    assert (granted.natural_person.value, granted.commercial.value) == (33, 0)
    assert granted.natural_person.state is CellState.RESOLVED
    assert granted.natural_person.basis == "R2"
    assert report.requests.total.total.basis == "R1"


#: (relations broken by the joint choices using each reading, survivors, basis)
BASES = [
    ([{frozenset({"R2"})}, {frozenset()}], {1}, "R2"),
    ([{frozenset({"R1"})}, {frozenset()}], {1}, "R1"),
    ([{frozenset({"R1", "R2"})}, {frozenset()}], {1}, "R1"),
    ([{frozenset({"R1"}), frozenset({"R2"})}, {frozenset()}], {1}, "R1+R2"),
]


@pytest.mark.parametrize(("broken", "survivors", "basis"), BASES)
def test_basis_is_the_fewest_relations_that_remove_the_same_readings(
    broken: list[set[frozenset[str]]], survivors: set[int], basis: str
) -> None:
    assert _basis(["R1", "R2"], broken, survivors) == basis


#: Phrasings of part 一 that state part 二 numbers: (text, template, evidence).
PHRASINGS = [
    ("全年完成政府集中采购项目8个，采购信息均在平台公开", "2019", {"disclosure/procurement/items": {8}}),
    ("全年作出行政处罚决定904件", "2019", {"disclosure/penalties/decisions": {904}}),
    ("本年度制发的规范性文件77件", "2021", {"disclosure/normative_documents/issued": {77}}),
    ("政府集中采购总金额245310.50元", "2019", {"disclosure/procurement/amount": {245310.5}}),
    ("政府集中采购项目245310.50元", "2019", {}),  # money is no count, and no amount word
]


@pytest.mark.parametrize(("text", "name", "expected"), PHRASINGS, ids=[p[0][:12] for p in PHRASINGS])
def test_prose_phrasings(text: str, name: str, expected: dict[str, set[float]]) -> None:
    assert {str(k): v for k, v in prose_evidence(text, TEMPLATES[name]).items()} == expected


def test_the_table_text_of_a_one_line_dump_is_no_evidence() -> None:
    """shared case 07: the body holds the table itself (``采购总金额政府集中采购8245310.50元``),
    which must not be read as part 一 stating the amount."""
    report = gkparse.parse(FIXTURES / "cases" / "text" / "07-oneline-procurement-decimal-2019.txt")
    assert report.disclosure.procurement.amount.state is CellState.AMBIGUOUS
    report = gkparse.parse(FIXTURES / "cases" / "text" / "06-oneline-procurement-decimal-prose-2019.txt")
    cell = report.disclosure.procurement.items
    assert (cell.value, cell.state, cell.basis) == (8, CellState.RESOLVED, 'prose: "政府集中采购项目8个"')


# --- the reading that assumes no lost cell ------------------------------------------------


def _appeals_state(run: str) -> RowState:
    groups = ("review", "litigation_direct", "litigation_after_review")
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    row = AlignedRow(
        "appeals", [ColumnSpec(Key("appeals", g, c)) for g in groups for c in outcomes], [run], True,
        sums=[RowSum("R4", [5 * g + i for i in range(4)], 5 * g + 4) for g in range(3)],
    )
    options, complete = readings(row)
    return RowState(row, options, complete)


def test_a_part_four_run_with_one_exact_reading_is_read_so() -> None:
    """pingtan_2022 oneline render, part 四 '011021000100000': its one reading without a lost
    cell keeps all three R4 sums; the readings assuming lost empties go."""
    state = _appeals_state("011021000100000")
    assert len(state.options) > 1
    prefer_unassumed([state], T2021)
    assert [[c.value for c in o] for o in state.options] == [[0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]]
    assert state.basis == "R4 (no cell assumed lost)"


def test_exact_readings_that_break_a_column_relation_stay_open() -> None:
    """A part 三 row whose one exact reading breaks R2 with the settled total row keeps its
    readings (built by hand: one exact reading, one assuming a lost cell)."""
    def state(row_key: str, options: list[list[Read]]) -> RowState:
        row = AlignedRow("requests", [ColumnSpec(Key("requests", row_key, c)) for c in APPLICANTS], ["run"], True,
                         sums=[RowSum("R3", [0, 1, 2, 3, 4, 5], 6)])
        return RowState(row, [tuple(o) for o in options], True)

    num = [Read(v, "num", str(v), split=True) for v in range(10)]
    granted = state("granted", [[num[3]] + [num[0]] * 5 + [num[3]], [VANISHED] + [num[0]] * 5 + [num[0]]])
    total = state("total", [[num[9]] + [num[0]] * 5 + [num[9]]])
    before = list(granted.options)
    prefer_unassumed([granted, total], T2021)
    assert granted.options == before and granted.basis is None


def test_a_run_with_two_exact_readings_stays_open() -> None:
    state = _requests_state("granted", ["330000033"])  # 33 | … | 33 or 3 | 30 | … | 33
    before = list(state.options)
    prefer_unassumed([state], T2021)
    assert state.options == before
