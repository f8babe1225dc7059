"""When two labels are "the same": NFKC, traditional → simplified, no spaces or quotes."""

from __future__ import annotations

import pytest

from gkparse.normalize import compact_with_map, fold, label_key


@pytest.mark.parametrize(
    ("printed", "template"),
    [
        ("（三）不予公开 3.危及“三安全一稳定”", "(三)不予公开3.危及三安全一稳定"),  # full-width brackets, quotes
        ("商业\n企业", "商业企业"),  # a label broken over two lines in a cell
        ("第二十條第（一）項", "第二十条第(一)项"),  # traditional characters on a mirror site
        ("本年收费金额（单位：万元）", "本年收费金额(单位:万元)"),
        ("行\u3000政\u00a0许\u200b可", "行政许可"),  # ideographic space, nbsp, zero-width space
    ],
)
def test_label_key(printed: str, template: str) -> None:
    assert label_key(printed) == label_key(template) == template


def test_fold_keeps_whitespace() -> None:
    assert fold("規章 （一）") == "规章 (一)"


def test_long_labels_are_folded_the_same_way() -> None:
    text = "（三）不予公开" * 20
    assert label_key(text) == "(三)不予公开" * 20


def test_compact_with_map_points_back_into_the_text() -> None:
    text = "规 章（一）\n 行政许可"
    compact, index = compact_with_map(text)
    assert compact == "规章(一)行政许可"
    assert [text[i] for i in index][:2] == ["规", "章"]
    assert len(index) == len(compact)
