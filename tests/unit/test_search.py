"""The reading search: real glued rows and their readings, one row per named strategy,
and the bounds that keep the search finite."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Sequence
from typing import Any

import pytest

import gkparse
from gkparse.cells import search
from gkparse.cells.align import AlignedRow, ColumnSpec, RowSum
from gkparse.cells.search import MAX_READINGS, MAX_READINGS_ALONE, STRATEGIES, NodeBudget, RowSearch, readings
from gkparse.model import CellState
from gkparse.read.page import blank_range, blank_run
from gkparse.templates.schema import Key, sums_agree

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total")
R3 = [RowSum("R3", [0, 1, 2, 3, 4, 5], 6)]


def requests_row(tokens: list[str], *, splittable: bool = True, truncated: bool = False, sums: list[RowSum] = R3) -> AlignedRow:
    """A part 三 line of seven cells (six applicant columns and the total) under R3."""
    columns = [ColumnSpec(Key("requests", "new", c)) for c in APPLICANTS]
    return AlignedRow("requests", columns, tokens, True, splittable=splittable, truncated=truncated, sums=sums)


def disclosure_row(tokens: list[str], columns: tuple[str, ...]) -> AlignedRow:
    """A part 二 line: no sums inside it."""
    return AlignedRow("disclosure", [ColumnSpec(Key("disclosure", "penalties", c)) for c in columns], tokens, True)


def appeals_row(tokens: list[str], *, splittable: bool = True) -> AlignedRow:
    """Part 四 as one line of fifteen cells: three groups of four outcomes and a total (R4)."""
    groups = ("review", "litigation_direct", "litigation_after_review")
    outcomes = ("upheld", "corrected", "other", "pending", "total")
    columns = [ColumnSpec(Key("appeals", g, c)) for g in groups for c in outcomes]
    sums = [RowSum("R4", [5 * g + i for i in range(4)], 5 * g + 4) for g in range(3)]
    return AlignedRow("appeals", columns, tokens, True, splittable=splittable, sums=sums)


def values(row: AlignedRow) -> list[list[object]]:
    return [[c.value for c in r] for r in readings(row)[0]]


# --- real glued rows and their readings -------------------------------------------------

#: (tokens of a part 三 line, every reading, where it came from)
REAL = [
    (["4", "00000", "4"], [[4, 0, 0, 0, 0, 0, 4]], "pingyang_amr_2020.txt 本年新收"),
    (["000003", "3"], [[0, 0, 0, 0, 0, 3, 3]], "pingyang_amr_2020.txt 危及三安全一稳定"),
    (["0000000"], [[0] * 7], "pingyang_amr_2020.txt, a row of zeros"),
    (["21710000218"], [[217, 1, 0, 0, 0, 0, 218]], "pingtan_2024.page.txt 本年新收"),
    (["370000037"], [[37, 0, 0, 0, 0, 0, 37]], "pingtan_2024.page.txt 予以公开"),
    (["723000075"], [[72, 3, 0, 0, 0, 0, 75]], "pingtan_2022.page.txt 总计"),
    (["713000074"], [[71, 3, 0, 0, 0, 0, 74]], "pingtan_2022.page.txt 本年新收"),
    (["597012069"], [[59, 7, 0, 1, 2, 0, 69]], "shared cases text 05, 本年新收"),
]


@pytest.mark.parametrize(("tokens", "expected", "origin"), REAL, ids=["".join(t) for t, _, _ in REAL])
def test_real_rows(tokens: list[str], expected: list[list[object]], origin: str) -> None:
    assert values(requests_row(tokens)) == expected


#: Rows whose text has several readings under R3: they must stay open, not be guessed.
AMBIGUOUS = [
    (["330000033"], [[3, 30, 0, 0, 0, 0, 33], [33, 0, 0, 0, 0, 0, 33]], "pingtan_2025.page.txt 予以公开"),
    # The exact reading first, then those that assume one vanished empty cell (MAX_VANISHED).
    (["14710000148"], [
        [147, 1, 0, 0, 0, 0, 148],
        [None, 1, 47, 100, 0, 0, 148],
        [1, None, 47, 100, 0, 0, 148],
        [1, 47, None, 100, 0, 0, 148],
        [1, 47, 100, None, 0, 0, 148],
        [1, 47, 100, 0, None, 0, 148],
        [1, 47, 100, 0, 0, None, 148],
    ], "pingtan_2025.page.txt 总计"),
]


@pytest.mark.parametrize(("tokens", "expected", "origin"), AMBIGUOUS, ids=["".join(t) for t, _, _ in AMBIGUOUS])
def test_ambiguous_rows_keep_every_reading(tokens: list[str], expected: list[list[object]], origin: str) -> None:
    assert values(requests_row(tokens)) == expected  # in rank order: the first is the value shown


def test_no_leading_zeros() -> None:
    """No cut starts a number with 0 ("01" is no cell): one exact reading, taken as printed."""
    row = AlignedRow("disclosure", [ColumnSpec(None)] * 3, ["0101"], True)
    assert values(row) == [[0, 10, 1]]


def test_a_part_two_run_may_have_lost_empty_cells() -> None:
    """render 'oneline' of pingyang_amr_2020 (六) 行政处罚: 569 | (blank) | 368 glued into
    one run. Its exact readings leave it open, so the readings assuming a vanished cell are
    listed too: the truth is among them."""
    row = AlignedRow("disclosure", [ColumnSpec(None)] * 3, ["569368"], True)
    readings = values(row)
    assert [569, None, 368] in readings
    assert all(None not in r for r in readings[: readings.index([None, 569, 368])])  # exact readings first


def test_pipe_cells_are_never_split() -> None:
    """A pipe row separates every cell (render 'dropped' of shanghai_govoffice_2019): a
    multi-digit cell is one number, and dropped empty cells make the row ambiguous rather
    than splitting digits to fill it."""
    found = values(requests_row(["252", "12", "1"], splittable=False))
    assert found and all({v for v in r} <= {252, 12, 1, None} for r in found)
    assert len(found) > 1


def test_blank_lines_moved_by_the_dump_stay_open() -> None:
    """'258 12 ∅ ∅ ∅ ∅ 11' (shanghai_govoffice_2019, percell render) breaks R3 as printed;
    '11' may be two glued cells with the blank lines moved: several readings."""
    found = values(requests_row(["258", "12", "", "", "", "", "11"]))
    assert len(found) > 1
    assert [258, 12, None, None, None, None, 11] in found


def test_vanished_empties_inside_a_glued_run() -> None:
    """'1818' in a one-line dump: 18 and 18 with five empty cells between, in any order."""
    found = values(requests_row(["1818"]))
    assert [None, None, None, None, None, 18, 18] in found
    assert [18, None, None, None, None, None, 18] in found
    assert all(r[6] == 18 for r in found)


def test_a_truncated_row_keeps_what_it_shows() -> None:
    """The document ends inside the row (fixtures/partial): the cells past the cut are absent."""
    found, complete = readings(requests_row(["3", "0"], truncated=True, splittable=False))
    assert complete and found
    assert all([c.how for c in r[2:]] == ["absent"] * 5 for r in found)


# --- the strategy ladder: each named strategy and a row it answers ----------------------


def answering(row: AlignedRow) -> str:
    """The name of the first strategy that returns readings for ``row``."""
    s = RowSearch(row)
    return next(strategy.__name__ for strategy in STRATEGIES if strategy(s) is not None)


#: (strategy, row, where it came from)
LADDER = [
    ("as_printed", requests_row(["1", "0", "0", "0", "0", "0", "1"], splittable=False), "a pipe row, one cell per token"),
    ("unsummed", disclosure_row(["2113"], ("decisions",)), "pingtan_2022.page.txt 行政处罚"),
    ("one_run", requests_row(["713000074"]), "pingtan_2022.page.txt 本年新收, the whole row one run"),
    ("exact", requests_row(["4", "00000", "4"]), "pingyang_amr_2020.txt 本年新收"),
    ("vanished", requests_row(["3", "3"], splittable=False), "partial/yueyang_nanhu_bureau_2019.txt 本年新收"),
    ("weak", requests_row(["3", blank_run(6, 12)]), "shanghai_govoffice_2019 percell render, 部分公开"),
    ("weak_replaced", requests_row(["258", "12", "", "", "", "", "11"]), "shanghai_govoffice_2019 percell render, 予以公开"),
    ("merged", requests_row(["4", "1", "6", "0", "1", "2", "0", "50"]), "cases html 13, 本年新收 (41 over two cells)"),
    ("unsummed", disclosure_row(["25"], ("prev_items", "change", "decisions")), "pingyang_amr_2020 oneline render, 行政强制"),
    ("most_assessed", appeals_row(["5", "2", "7", "8", "1", "9"], splittable=False),
     "shanghai_govoffice_2019 dropped render, part 四 (复议后起诉 blank)"),
    ("unbroken", requests_row(["443"]), "shanghai_govoffice_2019 oneline render, 无法提供 2.: 44 | 3 | … and the total blank"),
    ("unbroken", requests_row([]), "shanghai_govoffice_2019 oneline render, a row with no values"),
    ("last_resort", AlignedRow("disclosure", [ColumnSpec(Key("disclosure", "penalties", "decisions"))], ["1", "2"], True, splittable=False),
     "a pipe row with more values than cells"),
]


@pytest.mark.parametrize(("name", "row", "origin"), LADDER, ids=[f"{n}-{row.raw}" for n, row, _ in LADDER])
def test_strategy_that_answers(name: str, row: AlignedRow, origin: str) -> None:
    assert answering(row) == name


def test_every_strategy_is_named_and_documented() -> None:
    assert [s.__name__ for s in STRATEGIES] == [
        "as_printed", "unsummed", "one_run", "exact", "vanished", "weak", "weak_replaced", "merged", "most_assessed",
        "unbroken", "last_resort",
    ]
    assert all(s.__doc__ and s.__doc__.strip() for s in STRATEGIES)


def test_one_run_puts_exact_readings_before_vanished_ones() -> None:
    """'098600986': exact readings first, then those with vanished empty cells (commit 78fd492)."""
    found = readings(requests_row(["098600986"]))[0]
    assumed = [sum(c.assumed for c in r) for r in found]
    assert assumed == sorted(assumed) and assumed[0] == 0
    assert max(assumed) <= search.MAX_VANISHED


def test_vanished_is_not_tried_on_a_truncated_row() -> None:
    row = requests_row(["3", "3"], splittable=False, truncated=True)
    assert search.vanished(RowSearch(row)) is None


def test_weak_readings_break_the_sum_the_checks_then_report() -> None:
    """'3 ∅{6,12}': no reading assesses R3 (the total is blank); the text's own reading stands."""
    found = values(requests_row(["3", blank_run(6, 12)]))
    assert found[0] == [3, None, None, None, None, None, None]


# --- bounds ---------------------------------------------------------------------------


def test_the_node_budget_stops_a_long_run() -> None:
    row = requests_row(["1234567890" * 4])
    found, complete = readings(row, budget=2_000)
    assert not complete


def test_a_run_longer_than_its_cells_can_hold_costs_few_nodes() -> None:
    """60 digits in 7 cells of at most MAX_DIGITS: only cuts of 6 to 9 digits fill them, and
    the cuts that cannot are never walked (the plain walk spent the whole row budget)."""
    s = RowSearch(requests_row(["1234567890" * 6]))
    found = s.readings()
    assert found and s.complete
    assert search.DOCUMENT_NODE_BUDGET - s.shared.left < 2_000


def test_the_readings_cap_marks_the_search_incomplete() -> None:
    found, complete = readings(requests_row(["1818"]), limit=2)
    assert len(found) <= 2 and not complete


def test_sixty_digit_run_is_bounded() -> None:
    run = "1234567890" * 6
    start = time.process_time()
    report = gkparse.parse_text(
        "某某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        f"一、本年新收政府信息公开申请数量 {run}\n二、上年结转政府信息公开申请数量 0000000\n"
        "四、政府信息公开行政复议、行政诉讼情况 结果维持 总计 000000000000000\n"
    )
    elapsed = time.process_time() - start
    cell = report.cell("requests/new/total")
    assert cell.state in (CellState.AMBIGUOUS, CellState.ABSENT) or cell.value is None
    assert any(i.rule in ("unreadable-row", "search-limit", "ambiguous") for i in report.issues)
    assert elapsed < 30  # generous: the search has a node budget, this only guards a hang


# --- the inlined sum test is the one sum rule -------------------------------------------


def holds(row: AlignedRow, cells: Sequence[float | None], *, assessed: bool) -> bool:
    """Whether the search keeps a row filled with ``cells`` in order (each tested as it is
    filled, with the partial sums the walk keeps)."""
    s = RowSearch(row)
    plan = s._shape.plan([], False, True, assessed, frozenset())
    walk = search._Walk(plan, [], search.NODE_BUDGET, MAX_READINGS, s.shared)
    acc: tuple[object, ...] | None = s._shape.no_partials
    for value in cells:
        acc = walk.fill(search.Read(value, "num" if value is not None else "empty"), acc)  # type: ignore[arg-type]
        if acc is None:
            return False
    return True


@pytest.mark.parametrize("assessed", [False, True])
def test_inlined_sum_test_agrees_with_sums_agree(assessed: bool) -> None:
    """The walk's sum test inlines :func:`sums_agree` on partial sums: same verdict on every
    small row (a 3-cell row, total last, values blank/0/1/2/3)."""
    row = AlignedRow("appeals", [ColumnSpec(None)] * 3, [], True, sums=[RowSum("R4", [0, 1], 2)])
    for a, b, t in itertools.product([None, 0, 1, 2, 3], repeat=3):
        verdict = sums_agree([t], [a, b])
        expected = (not assessed) if verdict is None else verdict
        assert holds(row, (a, b, t), assessed=assessed) is expected, (a, b, t)


#: (addends, total, the verdict of the sum rule: True holds, False broken, None not assessable)
SUM_CASES = [
    ([1, 2, 3], 6, True),
    ([1, 2, 3], 7, False),
    ([None, None, None], None, None),  # all blank
    ([None, None, None], 0, None),  # blank addends, a total
    ([None, None, None], 5, None),
    ([1, 2, 3], None, None),  # a blank total
    ([0, 0, 0], None, None),
    ([None, 2, None], 2, True),  # mixed: blank addends count as 0
    ([None, 2, None], 3, False),
    ([0, None, 0], 0, True),
    ([4, None, 1], 4, False),
    ([0.1, 0.2, None], 0.3, True),  # amounts: float noise within the tolerance
    ([9116.36, 0.01, None], 9116.37, True),
    ([9116.36, 0.01, None], 9116.38, False),
]


@pytest.mark.parametrize("assessed", [False, True])
@pytest.mark.parametrize(("addends", "total", "verdict"), SUM_CASES, ids=[str(c[:2]) for c in SUM_CASES])
def test_inlined_sum_test_on_a_table_of_cases(
    addends: list[float | None], total: float | None, verdict: bool | None, assessed: bool
) -> None:
    """The inlined test keeps exactly the readings :func:`sums_agree` does not break
    (and, in an ``assessed`` pass, only those it finds holding)."""
    assert sums_agree([total], addends) is verdict
    n = len(addends)
    expected = (not assessed) if verdict is None else verdict
    for order in (list(range(n)), list(range(n))[::-1]):  # addends in line order, and not
        row = AlignedRow("appeals", [ColumnSpec(None)] * (n + 1), [], True, sums=[RowSum("R4", order, n)])
        assert holds(row, (*addends, total), assessed=assessed) is expected


# --- issue 10: signed runs, numbers over two cells, a subtotal column ------------------

SIGNED = [ColumnSpec(Key("disclosure", "penalties", c), kind) for c, kind in (
    ("prev_items", "count"), ("change", "signed"), ("decisions", "count"))]


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["27", "-2356"], [[27, -2, 356], [27, -23, 56], [27, -235, 6], [27, None, 2356]]),
        (["3417", "-26519"], [[3417, -2, 6519], [3417, -26, 519], [3417, -265, 19], [3417, -2651, 9], [3417, None, 26519]]),
        (["27", "-2", "356"], [[27, -2, 356]]),
        (["-2", "356"], [[None, 2, 356]]),  # a count cannot hold the sign: it is a dash there
    ],
)
def test_a_signed_run_starts_a_signed_cell_or_a_dash(tokens: list[str], expected: list[list[object]]) -> None:
    row = AlignedRow("disclosure", SIGNED, tokens, True)
    found = [[c.value for c in r] for r in readings(row)[0] if not any(c.how == "text" for c in r)]
    assert sorted(found, key=str) == sorted(expected, key=str)


def test_a_signed_run_is_read_whole_in_a_pipe_row() -> None:
    row = AlignedRow("disclosure", SIGNED, ["27", "-2356", "5"], True, splittable=False)
    assert values(row) == [[27, -2356, 5]]


def test_a_dash_glued_before_digits_is_a_cell() -> None:
    """'4-00004' in a one-line part 三: the ``-`` is a dash cell (no count is signed)."""
    found = values(requests_row(["4", "-00004"]))
    assert [4, None, 0, 0, 0, 0, 4] in found and all(r[1] is None for r in found)


def test_a_merge_needs_the_row_sums_to_hold() -> None:
    """One token too many, and no merge keeps R3: no reading (the row stays unreadable)."""
    assert values(requests_row(["4", "1", "6", "0", "1", "2", "0", "51"])) == []


def test_a_merge_never_makes_a_leading_zero() -> None:
    assert values(requests_row(["0", "5", "1", "0", "0", "0", "0", "6"])) == []


def test_a_subtotal_column_cuts_a_glued_row() -> None:
    """'4160120950' (cases html 12): 8 cells with the 小计 after 其他; R3 with the subtotal
    leaves one reading (7-cell readings kept R3 by accident)."""
    columns = [ColumnSpec(Key("requests", "new", c)) for c in APPLICANTS[:-1]]
    columns += [ColumnSpec(None), ColumnSpec(Key("requests", "new", "total"))]
    sums = [RowSum("R3", [0, 1, 2, 3, 4, 5], 7), RowSum("R3", [1, 2, 3, 4, 5], 6), RowSum("R3", [0, 6], 7)]
    row = AlignedRow("requests", columns, ["4160120950"], True, sums=sums)
    assert values(row) == [[41, 6, 0, 1, 2, 0, 9, 50]]


# --- a count glued to a decimal amount (the glue grammar, grammar.amount_starts) ---------


def _procurement(tokens: list[str]) -> AlignedRow:
    columns = [
        ColumnSpec(Key("disclosure", "procurement", "items")),
        ColumnSpec(Key("disclosure", "procurement", "amount"), "amount", "元"),
    ]
    return AlignedRow("disclosure", columns, tokens, True)


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        # shared cases 06/07: 8 | 245310.50 元 glued (or the count left blank: it vanished).
        (["8245310.50元"], {(8245, 310.5), (82453, 10.5), (824, 5310.5), (824531, 0.5), (82, 45310.5), (8, 245310.5),
                           (None, 8245310.5)}),
        # a variant: 21 | 6630187.45 元, with a zero inside the amount (no leading zero cut).
        (["216630187.45元"], None),
        # full-width digits read as ASCII.
        (["８２４５.５"], {(8, 245.5), (82, 45.5), (824, 5.5), (None, 8245.5)}),
        # already spaced: one reading.
        (["8", "245310.50元"], {(8, 245310.5)}),
    ],
)
def test_a_count_glued_to_a_decimal_amount(tokens: list[str], expected: set[tuple[object, ...]] | None) -> None:
    found = {tuple(c.value for c in r) for r in readings(_procurement(tokens))[0]}
    if expected is None:
        # 21 | 6630187.45: every cut before the amount's digits, the amount never with a leading zero.
        assert (21, 6630187.45) in found
        assert all(not str(amount).startswith("0") or str(amount).startswith("0.") for _, amount in found)
        assert all(isinstance(count, int) or count is None for count, _ in found)  # None: the count vanished
        return
    assert found == expected


def test_a_decimal_amount_is_cut_only_where_a_count_column_comes_first() -> None:
    row = AlignedRow("disclosure", [ColumnSpec(Key("disclosure", "fees", "amount"), "amount", "万元")], ["1235.5"], True)
    assert [[c.value for c in r] for r in readings(row)[0]] == [[1235.5]]


# --- part 四 with most of its cells lost -------------------------------------------------

#: shanghai_govoffice_2019: 5 _ _ 2 7 | 8 _ _ 1 9 | _ _ _ _ _ (复议后起诉 left blank).
SHANGHAI_APPEALS = [5, None, None, 2, 7, 8, None, None, 1, 9, None, None, None, None, None]


@pytest.mark.parametrize(
    "tokens", [["5", "2", "7", "8", "1", "9"], ["527819"]], ids=["blanks dropped from a pipe row", "one-line run"]
)
def test_a_part_four_that_lost_its_blanks_offers_its_truth(tokens: list[str]) -> None:
    """No reading can assess all three R4 sums: the readings that keep the two sums the
    document printed are all kept (every cell ambiguous, the truth among the readings)."""
    found, complete = readings(appeals_row(tokens, splittable=len(tokens) == 1), limit=MAX_READINGS_ALONE)
    assert SHANGHAI_APPEALS in [[c.value for c in r] for r in found]
    assert complete
    assert len({r[0].value for r in found}) > 1  # nothing certain: many placements keep the sums


def test_a_row_printed_with_its_total_blank_offers_its_truth() -> None:
    """shanghai_govoffice_2019 prints part 三's totals blank; glued into one line, '443' is
    44 | 3 | (blank) x 5. No reading assesses R3, so every reading that breaks no sum is
    offered (never one with a total of 3 or 43: those break R3)."""
    found = values(requests_row(["443"]))
    assert [44, 3, None, None, None, None, None] in found
    assert all(r[-1] is None or all(v is None for v in r[:-1]) or r[-1] == sum(v for v in r[:-1] if v is not None) for r in found)


def test_readings_past_the_cap_still_widen_the_alternatives() -> None:
    """shanghai_govoffice_2019 oneline render, 予以公开 '2581211' (258 | 12 | _ | _ | 1 | 1 | _,
    total blank): hundreds of readings keep R3; the first 64 are the row's options (too many
    for the joint choice to try more), the rest stay as alternatives of its open cells."""
    search = RowSearch(requests_row(["2581211"]))
    options = search.readings()
    assert len(options) == MAX_READINGS and not search.complete
    truth = [258, 12, None, None, 1, 1, None]
    assert truth not in [[c.value for c in r] for r in options]
    assert truth in [[c.value for c in r] for r in search.unranked]


# --- the pruned walk takes the plain walk's readings, in at most its nodes -----------------


class PlainWalk:
    """The reading search's DFS as it was before any pruning or memo (commit 88abc60): every
    node walked. The pruned walk must find the same readings in the same order and end the
    same way in at most its nodes, so that no budget cuts it where this one went on."""

    def __init__(self, row: AlignedRow, tokens: list[str], *, gaps: bool, check_sums: bool, assessed: bool,
                 must: frozenset[int], budget: int, cap: int) -> None:
        self.row, self.tokens, self.n = row, tokens, len(row.columns)
        self.gaps, self.check_sums, self.assessed, self.must = gaps, check_sums, assessed, must
        self.budget, self.cap = budget, cap
        self.totals = {s.total for s in row.sums}
        self.groups_of: dict[int, list[tuple[list[int], int]]] = {}
        self.sums_at: dict[int, list[tuple[list[int], int]]] = {}
        for _, addends, total in row.sums:
            for a in addends:
                self.groups_of.setdefault(a, []).append((addends, total))
            self.sums_at.setdefault(max(addends + [total]), []).append((addends, total))
        self.amount_after = [
            any(c.kind == "amount" for c in row.columns[i + 1:]) and row.columns[i].kind != "amount" for i in range(self.n)
        ]
        self.amounts = row.splittable and any(self.amount_after) and any(search._amount_run(t) for t in row.tokens)
        self.signed = row.splittable and any(search._signed_run(t) for t in row.tokens)
        self.digits_after = [sum(len(t) for t in tokens[i + 1:] if blank_range(t) is None) for i in range(len(tokens))]
        self.blanks_after = [sum((blank_range(t) or (0, 0))[1] for t in tokens[i + 1:]) for i in range(len(tokens))]
        self.cells: list[search.Read] = []
        self.found: list[search.Reading] = []
        self.nodes, self.done = 0, True

    def sums_ok(self, index: int) -> bool:
        if not self.check_sums:
            return True
        for addends, total in self.sums_at.get(index, ()):
            t = self.cells[total].value
            parts = [self.cells[a].value for a in addends]
            if t is None or all(p is None for p in parts):
                if self.assessed or total in self.must:
                    return False
                continue
            if abs(sum(p for p in parts if p is not None) - t) >= search._SUM_TOLERANCE:
                return False
        return True

    def outgrown(self, slot: int, digits_left: int, free_cells: int) -> bool:
        if not self.assessed:
            return False
        others = max(0, self.n - slot - 2 - free_cells)
        for addends, total in self.groups_of.get(slot, ()):
            if total > slot:
                partial = sum(self.cells[a].value or 0 for a in addends if a <= slot)
                if len(str(partial)) > digits_left - others:
                    return True
        return False

    def forced_total(self, slot: int) -> int | None:
        for addends, total in self.sums_at.get(slot, ()):
            if total == slot and all(a < slot for a in addends):
                parts = [self.cells[a].value for a in addends]
                if any(v is not None for v in parts):
                    return int(sum(v for v in parts if v is not None))
        return None

    def try_cell(self, read: search.Read, ti: int, offset: int, gaps_left: int) -> None:
        self.cells.append(read)
        if self.sums_ok(len(self.cells) - 1):
            self.dfs(ti, offset, gaps_left)
        self.cells.pop()

    def dfs(self, ti: int, offset: int, gaps_left: int) -> None:  # noqa: C901 - the plain walk, one piece
        self.nodes += 1
        if self.nodes > self.budget or len(self.found) >= self.cap:
            self.done = False
            return
        cells, tokens, n = self.cells, self.tokens, self.n
        slot = len(cells)
        if slot == n:
            if ti == len(tokens):
                self.found.append(tuple(cells))
            return
        if ti == len(tokens):
            if self.row.truncated and slot > 0:
                self.found.append(tuple(cells) + (search.CUT,) * (n - slot))
            elif self.gaps and gaps_left >= n - slot:
                self.try_cell(search.VANISHED, ti, 0, gaps_left - 1)
            return
        token = tokens[ti]
        rest = token[offset:]
        span = blank_range(token) if offset == 0 else None
        if span is not None and span != (1, 1):
            for count in range(span[0], min(span[1], n - slot) + 1):
                added = 0
                while added < count:
                    cells.append(search.EMPTY)
                    added += 1
                    if not self.sums_ok(slot + added - 1):
                        break
                else:
                    self.dfs(ti + 1, 0, gaps_left)
                del cells[len(cells) - added:]
            return
        if self.gaps and gaps_left > 0 and not ((self.assessed and slot in self.totals) or slot in self.must):
            self.try_cell(search.VANISHED, ti, offset, gaps_left - 1)
        column = self.row.columns[slot]
        options: list[tuple[search.Read, int, int]] = []  # the read, the next token and offset
        if offset == 0 and self.signed and search._signed_run(token):
            options.append((search.read_token(token, column), ti + 1, 0))
            more = n - slot - 1 >= 1
            if search.read_token(token[0], column).how == "dash" and more:
                options.append((search.Read(None, "dash", token, split=True), ti, 1))
            if column.kind == "signed" and more:
                for length in range(1, 2 if token[1] == "0" else min(len(token) - 2, search.MAX_DIGITS) + 1):
                    value = search.read_token(token[: 1 + length], column).value
                    options.append((search.Read(value, "num", token, split=True), ti, 1 + length))
        elif self.amounts and search._amount_run(token):
            text = search.clean(token)
            if self.amount_after[slot]:
                for start in (i for i in search.amount_starts(text) if i > offset):
                    if text[offset] == "0" and start > offset + 1:
                        break
                    options.append((search.Read(int(text[offset:start]), "num", token, split=True), ti, start))
            if offset in search.amount_starts(text) or (offset == 0 and not options):
                whole = search.read_token(text[offset:], column)
                options.append((search.Read(whole.value, whole.how, token, split=offset > 0), ti + 1, 0))
        elif offset == 0 and not (self.row.splittable and search._splittable(token)):
            self.try_cell(search.read_token(token, column), ti + 1, 0, gaps_left)
            return
        else:
            lengths = [1] if rest[0] == "0" else list(range(1, min(len(rest), search.MAX_DIGITS) + 1))
            needed = self.forced_total(slot) if self.check_sums and rest[0] != "0" else None
            if needed is not None:
                lengths = [len(str(needed))] if len(str(needed)) in lengths else []
            for length in lengths:
                next_ti, next_offset = (ti + 1, 0) if length == len(rest) else (ti, offset + length)
                if length < len(rest) and n - slot - 1 < 1:
                    continue
                cells.append(search.Read(int(rest[:length]), "num", token, split=length < len(token)))
                if self.sums_ok(slot) and not self.outgrown(
                    slot, len(rest) - length + self.digits_after[ti], gaps_left + self.blanks_after[ti]
                ):
                    self.dfs(next_ti, next_offset, gaps_left)
                cells.pop()
                if not self.done:
                    return
            return
        for read, next_ti, next_offset in options:
            self.try_cell(read, next_ti, next_offset, gaps_left)
            if not self.done:
                return


def random_row(rng: random.Random) -> AlignedRow:
    """A glued row of one of the shapes the search meets, with random tokens."""
    shape = rng.choice(["requests", "requests", "appeals", "disclosure", "signed", "amount", "unordered", "total first"])
    columns = [ColumnSpec(None)] * 7
    sums = R3
    if shape == "appeals":
        columns = [ColumnSpec(None)] * 15
        sums = [RowSum("R4", [5 * g + i for i in range(4)], 5 * g + 4) for g in range(3)]
    elif shape == "disclosure":
        columns, sums = [ColumnSpec(None)] * 3, []
    elif shape == "signed":
        columns, sums = SIGNED, []
    elif shape == "amount":
        columns = [ColumnSpec(None), ColumnSpec(None, "amount", "元"), ColumnSpec(None), ColumnSpec(None, "amount", "元")]
        sums = [RowSum("R9", [0, 2], 3)]
    elif shape == "unordered":
        sums = [RowSum("R3", [3, 0, 5, 1, 4, 2], 6)]
    elif shape == "total first":
        sums = [RowSum("R3", [1, 2, 3, 4, 5, 6], 0)]

    def piece() -> str:
        kind = rng.random()
        if kind < 0.55:
            return "".join(rng.choice("0000123456789") for _ in range(rng.randint(1, 12)))
        if kind < 0.7:
            return rng.choice(["", blank_run(1, 2), blank_run(2, 4), blank_run(1, 1)])
        if kind < 0.8:  # a signed run (not ``-0`` alone, which the search cannot cut: a known fault)
            return "-" + rng.choice(["", "0"]) + str(rng.randint(1, 9999))
        if kind < 0.92:
            return f"{rng.randint(0, 99999)}.{rng.randint(0, 99):02d}" + rng.choice(["", "元"])
        return rng.choice(["见附件", "/", "12件", "4.5"])

    tokens = [piece() for _ in range(rng.choice([1, 1, 1, 2, 3, 5, 8]))]
    return AlignedRow("requests", columns, tokens, True, truncated=rng.random() < 0.1, splittable=rng.random() < 0.85,
                      sums=sums)


@pytest.mark.parametrize("seed", range(40))
def test_the_pruned_walk_takes_the_plain_walks_readings(seed: int) -> None:
    """Random rows and passes, budgets small enough to cut some: at most the plain walk's
    nodes, and its readings in its order, then (where its budget cut the plain walk) perhaps
    more; the same readings and end wherever the budget did not cut it. On a fresh search,
    and again on one whose document already walked the row (memo and replayed passes)."""
    rng = random.Random(seed)
    budget = NodeBudget()
    for _ in range(25):
        row = random_row(rng)
        check_sums = rng.random() < 0.7
        totals = sorted({s.total for s in row.sums})
        kwargs = {
            "gaps": rng.random() < 0.6, "check_sums": check_sums, "assessed": check_sums and rng.random() < 0.5,
            "max_gaps": rng.choice([None, 1, 2]), "limit": rng.choice([2, 64, 1024]),
            "must": frozenset(rng.sample(totals, min(1, len(totals)))) if rng.random() < 0.2 else frozenset(),
        }
        tokens = rng.choice([row.tokens, [t for t in row.tokens if not search.is_blank(t)]])
        nodes = rng.choice([40, 400, 4000, search.NODE_BUDGET])
        plain = PlainWalk(row, tokens, gaps=kwargs["gaps"], check_sums=check_sums, assessed=kwargs["assessed"],
                          must=kwargs["must"], budget=nodes, cap=kwargs["limit"])
        gaps_left = (plain.n if kwargs["max_gaps"] is None else kwargs["max_gaps"]) if kwargs["gaps"] else 0
        plain.dfs(0, 0, gaps_left)
        for shared in (NodeBudget(), budget, budget):  # fresh, then twice in one document
            walked = RowSearch(row, budget=nodes, shared=shared)
            found, done = walked.run(tokens, **kwargs)  # type: ignore[arg-type]
            assert walked._nodes <= plain.nodes, (row.tokens, kwargs, nodes)
            assert found[: len(plain.found)] == plain.found, (row.tokens, kwargs, nodes)
            if plain.nodes <= nodes:  # the budget did not cut the plain walk
                assert (found, done) == (plain.found, plain.done), (row.tokens, kwargs, nodes)


def digit_row(rng: random.Random) -> AlignedRow:
    """A glued row whose tokens are runs of digits and blank lines only (_Tokens.tight)."""
    columns, sums = [ColumnSpec(None)] * 7, R3
    shape = rng.choice(["requests", "appeals", "unordered", "total first"])
    if shape == "appeals":
        columns = [ColumnSpec(None)] * 15
        sums = [RowSum("R4", [5 * g + i for i in range(4)], 5 * g + 4) for g in range(3)]
    elif shape == "unordered":
        sums = [RowSum("R3", [3, 0, 5, 1, 4, 2], 6)]
    elif shape == "total first":
        sums = [RowSum("R3", [1, 2, 3, 4, 5, 6], 0)]

    def piece() -> str:
        if rng.random() < 0.8:
            return "".join(rng.choice("00000123456789") for _ in range(rng.randint(1, 14)))
        return rng.choice(["", blank_run(1, 2), blank_run(2, 4)])

    return AlignedRow("requests", columns, [piece() for _ in range(rng.choice([1, 1, 1, 2, 3]))], True, sums=sums)


@pytest.mark.parametrize("seed", range(12))
def test_a_tight_walk_ends_as_the_plain_walk_at_the_cap(seed: int) -> None:
    """Runs of digits only, where a node counts no more vanished cells than the run leaves
    room for: the plain walk's readings and end, with the cap at (or one below) the number
    of readings, where whether the plain walk enters one more node decides the end."""
    rng = random.Random(seed)
    for _ in range(25):
        row = digit_row(rng)
        gaps, max_gaps = rng.random() < 0.8, rng.choice([None, 1, 2, 3])
        assessed = rng.random() < 0.8
        walk = {"gaps": gaps, "check_sums": True, "assessed": assessed, "must": frozenset()}
        full = PlainWalk(row, row.tokens, **walk, budget=4000, cap=MAX_READINGS_ALONE)  # type: ignore[arg-type]
        gaps_left = (full.n if max_gaps is None else max_gaps) if gaps else 0
        full.dfs(0, 0, gaps_left)
        if not full.done:
            continue  # (a long run: the budget, not the cap, ends it)
        limit = max(1, len(full.found) - rng.choice([0, 0, 1]))
        plain = PlainWalk(row, row.tokens, **walk, budget=4000, cap=limit)  # type: ignore[arg-type]
        plain.dfs(0, 0, gaps_left)
        for shared in (NodeBudget(), NodeBudget()):
            walked = RowSearch(row, shared=shared)
            found, done = walked.run(row.tokens, **walk, max_gaps=max_gaps, limit=limit)  # type: ignore[arg-type]
            assert walked._nodes <= plain.nodes and (found, done) == (plain.found, plain.done), (row.tokens, walk, limit)


def test_at_the_cap_a_cut_outgrown_only_by_the_tight_count_is_entered() -> None:
    """``4004 | 00`` in four cells (the third and first summing to the fourth), one reading
    wanted: the plain walk, counting the two vanished cells the pass allows, enters one more
    cut after the reading and stops there (incomplete); the walk that counts the vanished
    cells the run leaves room for prunes that cut as outgrown, but not at the cap."""
    columns = [ColumnSpec(None), ColumnSpec(None, "amount", "元"), ColumnSpec(None), ColumnSpec(None, "amount", "元")]
    row = AlignedRow("requests", columns, ["4004", "00"], True, sums=[RowSum("R9", [0, 2], 3)])
    plain = PlainWalk(row, row.tokens, gaps=True, check_sums=True, assessed=True, must=frozenset(), budget=400, cap=1)
    plain.dfs(0, 0, 2)
    found, done = RowSearch(row, budget=400).run(row.tokens, gaps=True, check_sums=True, assessed=True, max_gaps=2, limit=1)
    assert (found, done) == (plain.found, plain.done) and not done


ROWS_OF_ONE_SHAPE = [
    (requests_row(["21710000218"]), MAX_READINGS),
    (requests_row(["0000000"]), MAX_READINGS),
    (requests_row(["14710000148"]), MAX_READINGS),
    (appeals_row(["21317000001324019"]), MAX_READINGS_ALONE),
    (appeals_row(["527819"]), MAX_READINGS_ALONE),
]


@pytest.mark.parametrize(("row", "limit"), ROWS_OF_ONE_SHAPE, ids=[r.raw for r, _ in ROWS_OF_ONE_SHAPE])
def test_a_row_of_a_shape_met_before_reads_as_a_fresh_search(row: AlignedRow, limit: int) -> None:
    """The document's cache (NodeBudget.shapes): a row whose shape the document already
    read takes the same readings, completeness, unranked readings and nodes as a search of
    its own, whichever row of that shape came first (another table's keys, say)."""
    fresh = RowSearch(row, limit=limit)
    expected = (fresh.readings(), fresh.complete, fresh.unranked, search.DOCUMENT_NODE_BUDGET - fresh.shared.left)
    assert expected[3] > 0
    document = NodeBudget(3 * search.DOCUMENT_NODE_BUDGET)  # room for each of the three reads below
    twin = AlignedRow("appeals", [ColumnSpec(Key("appeals", "review", str(i))) for i in range(len(row.columns))], row.tokens, True,
                      sums=row.sums)
    for first in (twin, row):
        RowSearch(first, limit=limit, shared=document).readings()
    left = document.left
    again = RowSearch(row, limit=limit, shared=document)
    assert (again.readings(), again.complete, again.unranked, left - document.left) == expected


def test_a_row_read_before_is_searched_again_when_its_nodes_no_longer_fit() -> None:
    """A row is taken from the cache only within the nodes the document has left: with
    fewer, it is searched (and cut) as a search of its own would be."""
    row = requests_row(["21710000218"])
    document = NodeBudget()
    RowSearch(row, shared=document).readings()
    document.left = 60  # less than the row took
    cut = RowSearch(row, shared=document)
    alone = RowSearch(row, shared=NodeBudget(60))
    assert (cut.readings(), cut.complete) == (alone.readings(), alone.complete)
    assert not cut.complete and document.left == alone.shared.left


def test_the_dead_state_memo_changes_no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_DEAD_STATES no dead state is remembered: the same readings, more nodes."""
    rows = [requests_row(["21710000218"]), appeals_row(["21317000001324019"]), requests_row(["14710000148"])]

    def read_all() -> list[tuple[list[search.Reading], bool, int]]:
        out = []
        for row in rows:
            s = RowSearch(row)
            out.append((s.readings(), s.complete, search.DOCUMENT_NODE_BUDGET - s.shared.left))
        return out

    remembered = read_all()
    monkeypatch.setattr(search, "MAX_DEAD_STATES", 0)
    walked = read_all()
    assert [r[:2] for r in walked] == [r[:2] for r in remembered]
    assert all(w[2] >= r[2] for w, r in zip(walked, remembered)) and walked != remembered


def test_the_live_state_memo_changes_no_reading_and_no_node_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """A state whose subtree held readings, met again, is counted as walked, not walked: the
    same readings, completeness and nodes per pass as walking it, at any document budget
    (a replay the budget or the cap would cut is walked instead), in fewer steps."""
    rows = [
        requests_row(["21710000218"]), appeals_row(["21317000001324019"]), requests_row(["14710000148"]),
        requests_row(["330000033"]), appeals_row(["25380363300630003"]),
    ]
    steps = [0]  # nodes walked, not counted from the memo
    enter = search._Walk.enter

    def counted(walk: search._Walk, pos: int, slot: int, gaps_left: int, acc: Any) -> None:
        first = not walk.nodes  # a walk's first node: when it returns, the walk has ended
        enter(walk, pos, slot, gaps_left, acc)
        if first:
            steps[0] += walk.nodes - walk.replayed

    monkeypatch.setattr(search._Walk, "enter", counted)
    passes: list[tuple[int, bool]] = []  # per pass: the nodes it counted, whether it finished
    run = RowSearch.run

    def traced(s: RowSearch, *args: Any, **kwargs: Any) -> tuple[list[search.Reading], bool]:
        found, done = run(s, *args, **kwargs)
        passes.append((s._nodes, done))
        return found, done

    monkeypatch.setattr(RowSearch, "run", traced)

    def read_all(nodes: int, limit: int) -> list[object]:
        document = NodeBudget(nodes)
        passes.clear()
        out: list[object] = []
        for row in rows:
            s = RowSearch(row, limit=limit, shared=document)
            out.append((s.readings(), s.complete, s.unranked, document.left))
        return [out, list(passes)]

    saved = 0
    for nodes, limit in itertools.product([*range(10, 1_000, 29), search.DOCUMENT_NODE_BUDGET], (2, 3, MAX_READINGS)):
        steps[0] = 0
        remembered, replaying = read_all(nodes, limit), steps[0]
        monkeypatch.setattr(search, "MAX_LIVE_STATES", 0)
        steps[0] = 0
        walked, walking = read_all(nodes, limit), steps[0]
        monkeypatch.setattr(search, "MAX_LIVE_STATES", 50_000)
        assert remembered == walked, (nodes, limit)
        assert replaying <= walking
        saved += walking - replaying
    assert saved > 0


#: Rows read one after another in one document, and per row: its readings' count, whether
#: the search was complete, the nodes each pass counted, the document's nodes left after
#: it. The node accounting is a contract (the budgets, benchmarks/speed.py glued_runs):
#: these are the counts of the walk as of commit 728c870, before its nodes were made cheaper,
#: which a faster walk must keep, memo and replays included; but for the passes that allow
#: vanished cells over a run of digits (the first three rows', the part 四 rows'), whose
#: outgrown sums count no more vanished cells than the run leaves room for (_Tokens.tight):
#: 21710000218 96, 156 -> 77, 85; 14710000148 113, 177 -> 94, 113; the part 四 rows 106, 204 ->
#: 104, 195 and 137 -> 134 (the exact passes, and the rows without a sum to outgrow, alike).
PINNED_NODES: list[tuple[str, list[str], int, int, bool, list[int], int]] = [
    ("requests", ["21710000218"], 64, 1, True, [39, 77, 85], 399799),
    ("requests", ["14710000148"], 64, 7, True, [39, 94, 113], 399553),
    ("requests", ["330000033"], 2, 2, False, [15, 18], 399520),
    ("requests", ["4", "00000", "4"], 64, 1, True, [8], 399512),
    ("requests", ["12", "\n\n", "3", "15"], 64, 20, True, [1, 17, 41, 111, 107, 102, 97, 92], 398944),
    ("appeals", ["21317000001324019"], 1024, 1, True, [35, 104, 195], 398610),
    ("appeals", ["25380363300630003"], 1024, 1, True, [26, 59, 134], 398391),
    ("disclosure", ["8855698"], 1024, 36, True, [36, 74, 81], 398200),
    ("signed", ["27-2356"], 1024, 3, True, [1, 1, 9, 9], 398180),
    ("amount", ["38245310.50元"], 1024, 8, True, [15, 19, 19], 398127),
]


def test_the_nodes_each_pass_counts_are_pinned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pass of every strategy counts the nodes it always did (PINNED_NODES)."""
    passes: list[int] = []
    run = RowSearch.run

    def traced(s: RowSearch, *args: Any, **kwargs: Any) -> tuple[list[search.Reading], bool]:
        found = run(s, *args, **kwargs)
        passes.append(s._nodes)
        return found

    monkeypatch.setattr(RowSearch, "run", traced)
    document = NodeBudget()
    for kind, tokens, limit, count, complete, nodes, left in PINNED_NODES:
        if kind == "requests":
            row = requests_row(tokens)
        elif kind == "appeals":
            row = appeals_row(tokens)
        elif kind == "disclosure":
            row = disclosure_row(tokens, ("a", "b", "c"))
        elif kind == "signed":
            row = AlignedRow("disclosure", SIGNED, tokens, True)
        else:
            row = _procurement(tokens)
        passes.clear()
        s = RowSearch(row, limit=limit, shared=document)
        found = s.readings()
        assert (len(found), s.complete, passes, document.left) == (count, complete, nodes, left), tokens


def test_the_walk_counts_the_nodes_of_the_plain_walk_it_stands_for() -> None:
    """Random rows and small caps (a pass then ends at the cap, where the cuts the walk
    leaves out still count as the plain walk's do), each read twice in one document: the
    readings, end, unranked readings and nodes of a search of its own, from the memo too."""
    rng = random.Random(7)
    for _ in range(60):
        row = random_row(rng)
        limit = rng.choice([1, 2, 3, 64])
        fresh = RowSearch(row, limit=limit)
        expected = (fresh.readings(), fresh.complete, fresh.unranked, search.DOCUMENT_NODE_BUDGET - fresh.shared.left)
        document = NodeBudget(3 * search.DOCUMENT_NODE_BUDGET)
        for _ in range(2):
            left = document.left
            again = RowSearch(row, limit=limit, shared=document)
            assert (again.readings(), again.complete, again.unranked, left - document.left) == expected, row.tokens


def test_a_signed_zero_run_in_a_signed_column_is_read_not_a_crash() -> None:
    """``-0`` under 本年增/减 in a glued row once raised IndexError (the sign's digits were
    cut one past their end)."""
    from gkparse.cells.align import AlignedRow, ColumnSpec
    from gkparse.cells.search import readings

    columns = [ColumnSpec(None, "count"), ColumnSpec(None, "signed"), ColumnSpec(None, "count")]
    found, complete = readings(AlignedRow("disclosure", columns, ["27", "-0", "5"], True))
    assert complete and [[c.value for c in r] for r in found] == [[27, 0, 5]]


def test_tight_tokens_rest_on_digits_reading_as_their_number_in_every_column() -> None:
    """A row of ASCII digit runs is searched as tight (``_Tokens.tight``: a cell's value is
    never longer than its digits): so every column of every template reads such digits as
    the whole number they spell, an amount's unit kept beside the value, not applied."""
    from gkparse.grammar import read_cell
    from gkparse.templates import TABLE_KINDS, TEMPLATES

    columns = {(c.kind, c.unit) for t in TEMPLATES.values() for kind in TABLE_KINDS for c in t.table(kind).columns}
    assert ("amount", "万元") in columns
    for kind, unit in columns:
        for digits in ("0", "7", "0012", "130000", "9" * 9):
            read = read_cell(digits, kind=kind, unit=unit)
            assert (read.value, read.how) == (int(digits), "num"), (kind, unit, digits)
