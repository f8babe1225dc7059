"""The one cell grammar, as a table of cell texts met in real pages and dumps."""

from __future__ import annotations

import pytest

from gkparse.grammar import TOKEN, clean, is_value, read_cell

#: (text, column kind, column unit, value, how, where it came from)
CELLS = [
    ("52023", "count", None, 52023, "num", "pingtan_2024 html"),
    ("0", "count", None, 0, "num", "every fixture"),
    ("", "count", None, None, "empty", "shanghai_2019 html"),
    (" \u00a0 ", "count", None, None, "empty", "nbsp-only cells"),
    ("/", "count", None, None, "dash", "shared cases html 03"),
    ("—", "count", None, None, "dash", "shared cases html 03"),
    ("－－", "count", None, None, "dash", "full-width dashes"),
    ("无", "count", None, None, "dash", "shared cases html 03"),
    ("無", "count", None, None, "dash", "traditional characters on mirror sites"),
    ("2件", "count", None, 2, "num", "issue 9: was read as empty"),
    ("1,268件", "count", None, 1268, "num", "shared cases html 08"),
    ("50件", "count", None, 50, "num", "shared cases html 08"),
    ("4起", "count", None, 4, "num", "shared cases html 08"),
    ("２１７", "count", None, 217, "num", "full-width digits"),
    ("2\u200b17", "count", None, 217, "num", "reliability case 33: zero-width space"),
    ("-417", "signed", None, -417, "num", "本年增/减, seed"),
    ("−26", "signed", None, -26, "num", "unicode minus"),
    ("-417", "count", None, None, "text", "a sign in a count column"),
    ("9116.36", "amount", "万元", 9116.36, "num", "pingtan_2022 fee amount"),
    ("45.6万", "amount", "万元", 45.6, "num", "shared cases html 08"),
    ("45.6万", "amount", "元", 456000, "num", "万 of 元"),
    ("160.5964万元", "amount", "元", 1605964, "num", "keys.md procurement"),
    ("1605964元", "amount", "万元", 160.5964, "num", "元 in a 万元 column"),
    ("5元", "count", None, None, "text", "money in a count column"),
    ("12,34", "count", None, None, "text", "a misplaced separator is no number"),
    ("4 1", "count", None, None, "text", "two numbers in one cell (4<br>1): never 41"),
    ("1 268", "count", None, None, "text", "a space is no thousands separator here"),
    ("50 件", "count", None, 50, "num", "a space before the unit"),
    ("约20", "count", None, None, "text", "prose in a cell"),
    ("见附件", "count", None, None, "text", "prose in a cell"),
]


@pytest.mark.parametrize(
    ("text", "kind", "unit", "value", "how", "origin"), CELLS, ids=[f"{c[0]!r}-{c[1]}" for c in CELLS]
)
def test_read_cell(text: str, kind: str, unit: str | None, value: float | None, how: str, origin: str) -> None:
    read = read_cell(text, kind=kind, unit=unit)
    assert (read.value, read.how) == (value, how)
    assert type(read.value) is type(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1,268件", True), ("—", True), ("-3", True), ("45.6万元", True), ("规章", False), ("", False)],
)
def test_is_value(text: str, expected: bool) -> None:
    assert is_value(text) is expected


def test_tokens_of_a_glued_dump() -> None:
    assert TOKEN.findall("规章713000074 / 5.5万元 －－ 无") == ["713000074", "/", "5.5万元", "－－", "无"]


def test_clean_drops_what_a_browser_does_not_show() -> None:
    assert clean("\ufeff２\u200d１\u2060７ ") == "217"
