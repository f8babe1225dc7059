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
        # html2text: no outer pipes; the last value stands before the next label
        ("| 3| 1| 0| 4  \n二、上年结转| ", {"row_per_line": True}, ["3", "1", "0", "4"]),
        ("  \n2| 1| 0| 1  \n  \n", {"row_per_line": True}, ["2", "1", "0", "1"]),
        # a value followed by text with more cells after it is no trailing value
        (" \\ | 0 \\ | x |", {}, []),
        ("5.5万元 / —", {}, ["5.5万元", "/", "—"]),
    ],
)
def test_tokenize(region: str, kwargs: dict, tokens: list[str]) -> None:  # type: ignore[type-arg]
    assert tokenize(region, **kwargs) == tokens


def test_a_blank_run_stands_for_a_range_of_empty_cells() -> None:
    [_, run, _] = tokenize("1\n\n\n\n2", baseline=2, exact_blanks=False)
    assert blank_range(run) == (1, 2)


HEADER_8 = (
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况\n"
    "自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n小计\n"
)


@pytest.mark.parametrize(
    ("header", "columns"),
    [
        (HEADER_8, ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "小计", "总计"]),
        # one level, the subtotal first among the organisations
        (HEADER_8.replace("法人或其他组织\n总计\n", "").replace("其他\n小计\n", "其他\n总计\n").replace("商业企业\n", "小计\n商业企业\n"),
         ["自然人", "小计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]),
        (HEADER_8.replace("小计\n", ""), None),  # the template's 7 columns: its order applies
        (HEADER_8.replace("自然人\n", ""), None),  # a column not named: not trusted
    ],
)
def test_part_three_header_with_a_subtotal_column(header: str, columns: list[str] | None) -> None:
    template = TEMPLATES["2021"]
    text = "三、收到和处理政府信息公开申请情况\n" + header + "一、本年新收政府信息公开申请数量\n41\n6\n0\n1\n2\n0\n9\n50\n"
    page = read_text(text)
    read_tables(page, template)
    requests = next(t for t in page.tables if t.kind == "requests")
    assert requests.columns == columns


@pytest.mark.parametrize(
    ("region", "tokens"),
    [
        # review of issue 9: a cell the grammar reads is a value, not the end of the row
        (" | 318件 | 130 | 379 |", ["318件", "130", "379"]),
        # text in a cell between cells, or the row's only cell: an unreadable cell, not a blank
        (" | 见附件 |", ["见附件"]),
        (" | 12 | 见附件 | 3 |", ["12", "见附件", "3"]),
        # text after the row's values, or on the next line, is a label: the values end
        (" | 1 | 2 | （三）不予公开 |", ["1", "2"]),
        (" | 11 | 11 | 119 |\n其他主动公开文件 | 56 | 45", ["11", "11", "119"]),
    ],
)
def test_pipe_cells_that_are_not_plain_numbers(region: str, tokens: list[str]) -> None:
    assert tokenize(region) == tokens


def test_text_where_cells_belong_is_never_read_as_blank_cells() -> None:
    import gkparse
    from tests.support.render import render

    template = TEMPLATES["2021"]
    cells = consistent_cells(template, seed=3)
    value = str(cells["disclosure/licensing/decisions"])
    pipe = render({"template": "2021", "agency": "某局", "year": 2022, "cells": cells}, "pipe")
    pipe = pipe.replace(f"| 行政许可 | {value} |", "| 行政许可 | 见附件 |", 1)
    cell = gkparse.parse_text(pipe).cell("disclosure/licensing/decisions")
    assert (cell.state.value, cell.raw) == ("unreadable", "见附件")
    lines = render({"template": "2021", "agency": "某局", "year": 2022, "cells": cells}, "percell")
    at = lines.index(value, lines.index("行政许可"))
    lines = lines[:at] + "见附件" + lines[at + len(value):]
    report = gkparse.parse_text(lines)
    assert report.cell("disclosure/licensing/decisions").state.value == "absent"
    assert any(i.rule == "missing-cells" and "disclosure/licensing/decisions" in i.cells for i in report.issues)


# --- issue 11 part 2: glued decimal amounts, prose evidence, labels as people type them ----


def _report_2019(seed: int = 7) -> dict:  # type: ignore[type-arg]
    cells = consistent_cells(TEMPLATES["2019"], seed=seed)
    cells["disclosure/procurement/items"] = 21
    cells["disclosure/procurement/amount"] = 6630187.45
    return {"template": "2019", "agency": "某局", "year": 2020, "cells": cells}


def test_a_count_glued_to_a_decimal_amount_in_a_one_line_dump() -> None:
    """A variant of shared cases 06/07: 21 | 6630187.45 元 printed ``216630187.45``. The
    text alone leaves the cut open, with the truth among the readings; a count stated in
    part 一 settles it, and the basis quotes the phrase."""
    import gkparse
    from gkparse import vocabulary as vocab

    expected = _report_2019()
    text = render(expected, "oneline")
    assert "216630187.45" in text
    report = gkparse.parse_text(text)
    items, amount = report.disclosure.procurement.items, report.disclosure.procurement.amount
    assert items.state.value == amount.state.value == "ambiguous"
    assert 21 in [items.value, *items.alternatives] and 6630187.45 in [amount.value, *amount.alternatives]

    row = TEMPLATES["2019"].table("disclosure").rows[-1]
    item_word = next(c for c in TEMPLATES["2019"].table("disclosure").columns if c.key == "items").prose[0]
    unit = vocab.PROSE_COUNT_UNITS[1]
    stated = f"{row.label}{item_word}21{unit}"
    part2 = TEMPLATES["2019"].table("disclosure").title
    report = gkparse.parse_text(text.replace(part2, f"{vocab.PROSE_TITLES['overview']}\n{stated}\n{part2}", 1))
    items, amount = report.disclosure.procurement.items, report.disclosure.procurement.amount
    assert (items.value, items.state.value, amount.value, amount.state.value) == (21, "resolved", 6630187.45, "resolved")
    assert items.basis == f'prose: "{stated}"'


@pytest.mark.parametrize("style", STYLES)
def test_a_row_label_with_a_character_missing_keeps_its_cells(style: str) -> None:
    """``2.其他法律行政止公开`` (real reports drop characters): no stem matches, the label
    sits between its matched neighbours within the edit bound, so it is read as the
    template's row, with a ``fuzzy-label`` issue; its cells never go to the row before."""
    import gkparse

    expected = _report_2019(seed=3)
    template = TEMPLATES["2019"]
    row = next(r for r in template.table("requests").rows if r.key == "withheld.prohibited_by_law")
    label = row.label[2:]  # without the leaf number
    typo = label[:6] + label[9:]
    text = render(expected, style)
    assert label in text
    report = gkparse.parse_text(text.replace(label, typo, 1))
    fuzzy = [i for i in report.issues if i.rule == "fuzzy-label"]
    assert [i.where for i in fuzzy] == ["requests/withheld.prohibited_by_law"]
    for key, cell in report.cells():
        if cell.certain:
            assert cell.value == expected["cells"].get(key), key


@pytest.mark.parametrize("style", STYLES)
def test_a_column_header_with_a_character_missing_keeps_its_cells(style: str) -> None:
    import gkparse

    expected = _report_2019(seed=4)
    header = TEMPLATES["2019"].table("disclosure").columns[-1].label
    text = render(expected, style)
    report = gkparse.parse_text(text.replace(header, header[:-1], 1))
    assert [i.where for i in report.issues if i.rule == "fuzzy-label"] == ["disclosure/amount"]
    for key, cell in report.cells():
        if cell.certain:
            assert cell.value == expected["cells"].get(key), key


def test_compact_runs_point_back_as_the_full_index_does() -> None:
    """The text reader's runs give each compact character the place the per-character
    index gives it, gaps of dropped characters and characters folded into several included."""
    import random

    from gkparse.normalize import compact_runs, compact_with_map
    from gkparse.read.text import _Compact

    rng = random.Random(9)
    alphabet = list("规章（一） \n\u3000“條12|") + ["㈠"]
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        c = _Compact(text, *compact_runs(text))
        compact, index = compact_with_map(text)
        assert c.compact == compact
        assert [c._at(i) for i in range(len(compact))] == index.tolist()


def test_layout_is_read_as_the_line_patterns_define_it() -> None:
    """The baseline, the exact-blanks test and the tokens of a line dump, found from their
    newlines (in C), are what the patterns over whole lines define."""
    import itertools
    import random
    import re
    from collections import Counter

    from gkparse.grammar import TOKEN
    from gkparse.read.page import blank_run
    from gkparse.read.text import _baseline, _exact_blanks, tokenize

    value_gap = re.compile(r"(?m)^[ \t]*[-\d./]+[ \t]*\n((?:[ \t\u3000]*\n)+)(?=[ \t]*[-\d./]+[ \t]*$)")

    def exact_blanks(text: str, baseline: int) -> bool:
        extras = (m.group(1).count("\n") + 1 - baseline for m in value_gap.finditer(text))
        return any(extra > 0 and extra % 2 == 1 for extra in extras)

    def baseline_of(text: str) -> int:
        runs = Counter(map(str.count, re.findall(r"(?:\n[ \t\u3000]*)+", text), itertools.repeat("\n")))
        return runs.most_common(1)[0][0] if runs else 1

    def tokens(region: str, baseline: int, exact: bool) -> list[str]:
        found: list[str] = []
        position = 0
        for match in TOKEN.finditer(region):
            extra = region[position:match.start()].count("\n") - baseline
            if extra > 0:
                found.append(blank_run(extra, extra) if exact else blank_run((extra + 1) // 2, extra))
            found.append(match.group())
            position = match.end()
        extra = region[position:].count("\n") - baseline
        if found and extra > 0:
            found.append(blank_run(extra, extra) if exact else blank_run((extra + 1) // 2, extra))
        return found

    rng = random.Random(12)
    pieces = ["1", "23", "\n", "\n\n", " ", "\t", "\u3000", "-", "/", ".", "5.", "件", "\n\n\n", "—", "无", "+3", "1,200", "万元"]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        baseline, exact = rng.choice([1, 2, 3]), rng.random() < 0.5
        assert _baseline(text) == baseline_of(text)
        assert _exact_blanks(text, baseline) == exact_blanks(text, baseline), text
        assert tokenize(text, baseline=baseline, exact_blanks=exact) == tokens(text, baseline, exact), text
