"""Labelled rows and part starts from grid rows (gkparse.read.grid)."""

from __future__ import annotations

from gkparse.read.grid import CUES, labeled_rows, start_of
from gkparse.read.tablegrid import GridCell


def cells(*texts: str) -> list[GridCell]:
    return [GridCell(text, True, i) for i, text in enumerate(texts)]


def test_tokens_one_per_column_and_per_column_group() -> None:
    row = [*cells("label", "1", "2"), GridCell("2", False, 2), GridCell("", False, -1)]
    single = labeled_rows([row], 1, [[1], [2], [3], [4]])
    grouped = labeled_rows([row], 1, [[1], [2, 3], [4]])
    assert [(r.label, r.tokens) for r in single] == [("label", ["1", "2", "", ""])]
    assert [(r.label, r.tokens) for r in grouped] == [("label", ["1", "2", ""])]


def test_a_short_row_has_empty_tokens_and_boxes_stay_apart() -> None:
    boxed = GridCell("4 1", True, 5, ("4", "1"))
    rows = labeled_rows([cells("a", "1"), [GridCell("b", True, 3), boxed]], 1, [[1], [2]])
    assert [(r.label, r.tokens) for r in rows] == [("a", ["1", ""]), ("b", ["4 | 1", ""])]


def test_label_columns_join_distinct_texts_and_empty_rows_are_left_out() -> None:
    spanned = [GridCell("三、结果", True, 0), GridCell("三、结果", False, 0), *cells("", "7")[1:]]
    rows = labeled_rows([spanned, cells("", "", "")], 2, [[2]])
    assert [(r.label, r.tokens) for r in rows] == [("三、结果", ["7"])]


def test_a_data_row_starts_no_part() -> None:
    CUES.refresh()
    assert start_of(["（一）予以公开", "71", "0"], "requests", fresh=False) is None
    assert start_of(["第二十条第（一）项"], None, fresh=True) == "disclosure"
    assert start_of(["行政复议", "行政诉讼"], "requests", fresh=False) == "appeals"
