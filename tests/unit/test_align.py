"""Label and header matching: table rows → aligned rows keyed by :class:`Key`."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.cells.align import AlignedRow, RowSum, align
from gkparse.model import CellState
from gkparse.read.page import LabeledRow, Page, TableRows
from gkparse.templates import TEMPLATES
from gkparse.templates.schema import Key

T2021 = TEMPLATES["2021"]
T2019 = TEMPLATES["2019"]

#: The part 三 headers of pingtan_2024.page.html, as the HTML reader gives them.
PINGTAN_2024_HEADERS = [
    "申请人情况\n自然人", "申请人情况\n法人或其他组织\n商业 企业", "申请人情况\n法人或其他组织\n科研 机构",
    "申请人情况\n法人或其他组织\n社会 公益 组织", "申请人情况\n法人或其他组织\n法律 服务 机构",
    "申请人情况\n法人或其他组织\n其他", "申请人情况\n总计",
]
APPLICANTS = ["natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org", "total"]


def aligned(*tables: TableRows, template=T2021) -> tuple[list[AlignedRow], list[str]]:  # type: ignore[no-untyped-def]
    rows, issues = align(Page("html", tables=list(tables)), template)
    return rows, [i.rule for i in issues]


#: (row label as printed, template, row key, where it came from)
LABELS = [
    ("一、本年新收政府信息公开申请数量", T2021, "new", "pingtan_2024.page.html"),
    ("二、上年结转政府信息公开申请数量", T2021, "carried_over", "pingtan_2024.page.html"),
    ("3.危及“三安全一稳定”", T2021, "withheld.security_stability", "every 2021 report"),
    ("（三） 不予公开  3.危及“三安全一稳定”", T2021, "withheld.security_stability", "a group label glued to the row's"),
    ("1.本机关不掌握相关政府信息", T2021, "unavailable.not_held", "every 2021 report"),
    ("四、结转下年度继续办理", T2021, "carried_forward", "every report"),
    ("1.本機關不掌握相關政府信息", T2021, "unavailable.not_held", "a traditional-character mirror"),
]


@pytest.mark.parametrize(("label", "template", "row_key", "origin"), LABELS, ids=[x[0] for x in LABELS])
def test_row_labels_match_template_rows(label: str, template, row_key: str, origin: str) -> None:  # type: ignore[no-untyped-def]
    table = TableRows("requests", [LabeledRow(label, ["1", "0", "0", "0", "0", "0", "1"])], PINGTAN_2024_HEADERS)
    rows, issues = aligned(table, template=template)
    assert [k.row if k else None for k in rows[0].keys] == [row_key] * 7
    assert issues == []


def test_columns_by_header() -> None:
    """pingtan_2024.page.html: headers give every column its key, in the page's order."""
    line = LabeledRow("一、本年新收政府信息公开申请数量", ["217", "1", "0", "0", "0", "0", "218"])
    rows, _ = aligned(TableRows("requests", [line], PINGTAN_2024_HEADERS))
    assert rows[0].keys == [Key("requests", "new", c) for c in APPLICANTS]
    assert rows[0].sums == [RowSum("R3", [0, 1, 2, 3, 4, 5], 6)]


def test_columns_in_another_order_follow_their_headers() -> None:
    headers = [PINGTAN_2024_HEADERS[-1], *PINGTAN_2024_HEADERS[:-1]]  # 总计 first
    table = TableRows("requests", [LabeledRow("一、本年新收政府信息公开申请数量", ["218", "217", "1", "0", "0", "0", "0"])], headers)
    rows, _ = aligned(table)
    assert [k.column for k in rows[0].keys if k] == ["total", *APPLICANTS[:-1]]
    assert rows[0].sums == [RowSum("R3", [1, 2, 3, 4, 5, 6], 0)]


def test_a_subtotal_column_is_dropped() -> None:
    """A 法人或其他组织 小计 column (some county sites) sums other columns: no cell of its own."""
    headers = PINGTAN_2024_HEADERS[:1] + ["申请人情况\n法人或其他组织\n小计"] + PINGTAN_2024_HEADERS[1:]
    table = TableRows("requests", [LabeledRow("一、本年新收政府信息公开申请数量", ["217", "1", "1", "0", "0", "0", "0", "218"])], headers)
    rows, issues = aligned(table)
    assert rows[0].keys[1] is None
    assert [k.column for k in rows[0].keys if k] == APPLICANTS
    # The subtotal is evidence: it sums its five members, and the total is 自然人 + it.
    assert rows[0].sums == [
        RowSum("R3", [0, 2, 3, 4, 5, 6], 7), RowSum("R3", [2, 3, 4, 5, 6], 1), RowSum("R3", [0, 1], 7),
    ]
    assert issues == ["unknown-column"]


def test_two_subtotal_columns_add_no_sums() -> None:
    """Which columns each of two subtotals sums is not known: only R3 itself is kept."""
    headers = PINGTAN_2024_HEADERS[:1] + ["申请人情况\n法人或其他组织\n小计"] + PINGTAN_2024_HEADERS[1:-1]
    headers += ["申请人情况\n商业企业小计", PINGTAN_2024_HEADERS[-1]]
    tokens = ["217", "1", "1", "0", "0", "0", "0", "1", "218"]
    rows, _ = aligned(TableRows("requests", [LabeledRow("一、本年新收政府信息公开申请数量", tokens)], headers))
    assert rows[0].sums == [RowSum("R3", [0, 2, 3, 4, 5, 6], 8)]


def test_a_row_relation_with_two_totals_is_refused_clearly() -> None:
    """A line's sums have one total cell: a row relation with more on its left is a template error."""
    import dataclasses

    from gkparse.templates import Relation

    bad = Relation("R9", "appeals", "row", ("total", "pending"), ("upheld", "corrected", "other"), "two totals")
    template = dataclasses.replace(T2021, relations=(*T2021.relations, bad))
    table = TableRows("appeals", [LabeledRow("行政复议", ["1", "0", "0", "0", "1"])], None)
    with pytest.raises(ValueError, match="row relation R9 has 2 terms on its left side"):
        align(Page("html", tables=[table]), template)


def test_issue_messages_name_the_part_by_its_numeral() -> None:
    table = TableRows("requests", [LabeledRow("一、本年新收政府信息公开申请数量", ["1", "1"])], ["申请人情况\n自然人", "申请人情况\n小计"])
    _, issues = align(Page("html", tables=[table]), T2021)
    assert [i.message for i in issues] == ["part 三 subtotal column '申请人情况/小计' is not kept"]


def test_a_text_dump_disclosure_block_takes_its_columns_from_the_caption() -> None:
    """Without headers, 第二十条第（一）项 names the block, so its columns (the caption's
    first numeral, 二 of 第二十条, used to name no block: such rows got no keys)."""
    table = TableRows("disclosure", [LabeledRow("行政规范性文件", ["8855698"], glued=True)], None, "第二十条第（一）项")
    rows, _ = aligned(table)
    assert [str(k) for k in rows[0].keys] == [
        "disclosure/normative_documents/issued", "disclosure/normative_documents/repealed",
        "disclosure/normative_documents/in_force",
    ]


def test_an_unknown_row_is_reported_not_guessed() -> None:
    table = TableRows("disclosure", [LabeledRow("行政奖励", ["3"])], ["本年处理决定数量"], "第二十条第（六）项")
    rows, issues = aligned(table)
    assert rows == [] and issues == ["unmatched-row"]


def test_a_repeated_row_keeps_the_first_line() -> None:
    lines = [LabeledRow("一、本年新收政府信息公开申请数量", ["1"] * 7), LabeledRow("一、本年新收政府信息公开申请数量", ["2"] * 7)]
    rows, _ = aligned(TableRows("requests", lines, PINGTAN_2024_HEADERS))
    assert len(rows) == 1 and rows[0].tokens == ["1"] * 7


def test_appeals_headers_give_row_and_column() -> None:
    """pingtan_2024.page.html part 四: one line of 15 cells over three groups."""
    headers = ["行政复议\n结果维持", "行政复议\n结果 纠正", "行政复议\n其他 结果", "行政复议\n尚未 审结", "行政复议\n总计"]
    rows, _ = aligned(TableRows("appeals", [LabeledRow("", ["2", "1", "3", "1", "7"])], headers))
    assert rows[0].keys == [Key("appeals", "review", c) for c in ("upheld", "corrected", "other", "pending", "total")]
    assert rows[0].sums == [RowSum("R4", [0, 1, 2, 3], 4)]


def test_amount_columns_carry_kind_and_unit() -> None:
    table = TableRows("disclosure", [LabeledRow("行政事业性收费", ["18651.06"])], ["本年收费金额（单位：万元）"], "第二十条第（八）项")
    rows, _ = aligned(table)
    assert (rows[0].columns[0].kind, rows[0].columns[0].unit) == ("amount", "万元")


def test_group_label_in_a_pipe_row_is_not_a_value() -> None:
    report = gkparse.parse_text(
        "某局2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
        "| 一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
        "| 8.属于行政查询事项 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "| （四）无法提供 | 1.本机关不掌握相关政府信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n"
    )
    assert report.requests.withheld.administrative_query.total.state is CellState.PRINTED
    assert report.requests.unavailable.not_held.natural_person.value == 1


def test_a_mistyped_row_label_between_its_neighbours_is_matched_and_said() -> None:
    """``2.其他法律行政止公开`` (three characters dropped) on an HTML row: matched to the
    template row in its place with a ``fuzzy-label`` issue, never dropped."""
    rows = [
        LabeledRow("1.属于国家秘密", ["0"] * 7),
        LabeledRow("2.其他法律行政止公开", ["1"] + ["0"] * 5 + ["1"]),
        LabeledRow("3.危及“三安全一稳定”", ["0"] * 7),
    ]
    aligned_rows, issues = aligned(TableRows("requests", rows))
    assert [r.keys[0].row for r in aligned_rows if r.keys[0]] == [
        "withheld.state_secret", "withheld.prohibited_by_law", "withheld.security_stability",
    ]
    assert issues == ["fuzzy-label"]


def test_a_label_too_far_from_every_free_row_stays_unmatched() -> None:
    rows = [LabeledRow("1.属于国家秘密", ["0"] * 7), LabeledRow("合计以上各项", ["0"] * 7)]
    _, issues = aligned(TableRows("requests", rows))
    assert issues == ["unmatched-row"]


def test_a_short_label_is_never_matched_by_edits() -> None:
    from gkparse.cells.align import CHARS_PER_EDIT, _near

    rows = TEMPLATES["2019"].table("disclosure").rows
    assert len("规章") < CHARS_PER_EDIT
    assert _near("规则", rows[:1]) is None


def test_ranked_stems_pick_what_the_plain_comparison_picks() -> None:
    """``_best`` with the template's stems ranked once picks, for every label, the candidate
    the plain longest-stem comparison picks (ties to the first candidate)."""
    from gkparse.cells.align import _best

    for template in TEMPLATES.values():
        for table in template.tables:
            groups = [table.rows, table.columns, *(b.rows for b in table.blocks), *(b.columns for b in table.blocks)]
            labels = [s for items in groups for item in items for s in (*item.stems, item.label)]
            labels += [a + b for a, b in zip(labels, reversed(labels))] + ["", "合计", "其他"]
            for items in groups:
                for label in labels:
                    assert _best(label, items, template) is _best(label, items), (template.name, label)
