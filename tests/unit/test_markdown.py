"""The pipe-table reader (gkparse/read/markdown.py): markdown and html2text tables read as
tables, in the shapes converters and language models print them. Each variant renders a
consistent report (R1–R4 hold) as markdown, reshapes it the way a converter would, and
parses it back: every cell printed and equal, nothing guessed."""

from __future__ import annotations

import re
from typing import Any

import pytest

import gkparse
from gkparse.read import markdown
from gkparse.read.page import Page
from gkparse.templates import TEMPLATES
from tests.support.render import fullwidth, render_markdown
from tests.support.tables import consistent_cells

AGENCY = "某某县交通运输局"


def _expected(name: str, seed: int) -> dict[str, Any]:
    return {"template": name, "agency": AGENCY, "year": 2023, "cells": consistent_cells(TEMPLATES[name], seed)}


def _check(text: str, expected: dict[str, Any]) -> gkparse.Report:
    report = gkparse.parse_text(text)
    assert report.template == expected["template"]
    wrong = {
        key: (want, report.cell(key).value, report.cell(key).state.value)
        for key, want in expected["cells"].items()
        if report.cell(key).value != want or report.cell(key).state.value != "printed"
    }
    assert not wrong, list(wrong.items())[:6]
    assert not [i for i in report.issues if i.severity != "info"], report.issues[:4]
    return report


def _table_lines(text: str) -> list[int]:
    return [i for i, line in enumerate(text.split("\n")) if line.startswith("|")]


def _label_row(lines: list[str], label: str) -> int:
    return next(i for i, line in enumerate(lines) if line.startswith("|") and fullwidth(label) in line)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
@pytest.mark.parametrize("seed", [1, 2])
def test_rendered_markdown_reads_back(name: str, seed: int) -> None:
    _check(render_markdown(_expected(name, seed)), _expected(name, seed))


def _aligned(match: re.Match[str]) -> str:
    marks = (":---", "---:", ":---:")
    return "|" + "|".join(marks[i % 3] for i in range(match.group(0).count("---"))) + "|"


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_github_alignment_rows(name: str) -> None:
    """``|:---|---:|:---:|`` separator rows are separators, whatever their alignment marks."""
    expected = _expected(name, 3)
    text = re.sub(r"^\|(?:---\|)+$", _aligned, render_markdown(expected), flags=re.M)
    assert ":---:" in text
    _check(text, expected)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_tables_without_outer_pipes(name: str) -> None:
    """``a | b`` rows and a ``---|---`` separator (no outer pipes) are a table too; a cell
    left empty at either end stays a cell."""
    expected = _expected(name, 4)
    lines = render_markdown(expected).split("\n")
    for i in _table_lines("\n".join(lines)):
        lines[i] = lines[i][1:-1].strip()
    _check("\n".join(lines), expected)


def test_labels_in_bold_lines_before_label_less_rows() -> None:
    """Labels printed as bold lines outside the table (a PDF conversion), their values later
    as label-less rows under a ``-`` placeholder header: the rows take the labels in order."""
    expected = _expected("2021", 5)
    tpl = TEMPLATES["2021"]
    lines = render_markdown(expected).split("\n")
    moved = [r for r in tpl.requests_rows if r.key.startswith("withheld.")][4:]  # 5.–8. of (三)
    rows = [lines[_label_row(lines, r.label)] for r in moved]
    values = ["| " + " | ".join(re.split(r"\s*\|\s*", row.strip("| "))[-len(tpl.requests_columns):]) + " |" for row in rows]
    at = lines.index(rows[0])
    for row in rows:
        lines.remove(row)
    width = len(tpl.requests_columns)
    # The table ends before 5.; the labels follow as bold lines, then the label-less rows
    # under a placeholder header; the rest of the table goes on as a table of its own.
    lines[at:at] = ["", *[f"**{fullwidth(r.label)}**" for r in moved], "", "| " + " | ".join(["-"] * width) + " |",
                    "|" + "---|" * width, *values, ""]
    report = _check("\n".join(lines), expected)
    assert report.cell(f"requests/{moved[0].key}/total").value == expected["cells"][f"requests/{moved[0].key}/total"]


def test_a_label_less_row_without_a_label_is_absent_not_empty() -> None:
    """A value row whose label was lost altogether fills no row: the row is missing (its
    cells absent, a missing-row issue), never read as another row or as blank."""
    expected = _expected("2021", 6)
    tpl = TEMPLATES["2021"]
    lines = render_markdown(expected).split("\n")
    target = next(r for r in tpl.requests_rows if r.key == "not_processed.duplicate")
    i = _label_row(lines, target.label)
    cells = re.split(r"\s*\|\s*", lines[i].strip("| "))
    lines[i] = "| " + " | ".join(cells[-len(tpl.requests_columns):]) + " |"
    report = gkparse.parse_text("\n".join(lines))
    assert report.cell("requests/not_processed.duplicate/total").state.value == "absent"
    assert any(issue.rule in ("missing-row", "missing-cells") for issue in report.issues)
    assert report.cell("requests/not_processed.excessive/total").value == expected["cells"]["requests/not_processed.excessive/total"]


def test_generic_headers_keep_the_template_order() -> None:
    """A header of generic names (数据1…) names no column: the template's order holds, and
    its 总计 cell is a header, not the total row."""
    expected = _expected("2021", 7)
    tpl = TEMPLATES["2021"]
    lines = render_markdown(expected).split("\n")
    at = _label_row(lines, tpl.requests_rows[-2].label)  # （七）总计
    width = len(tpl.requests_columns)
    generic = [f"x{i}" for i in range(1, width)] + [fullwidth(tpl.requests_columns[-1].label)]
    lines[at:at] = ["", "| " + " | ".join(["", "", *generic]) + " |", "|" + "---|" * (width + 2)]
    _check("\n".join(lines), expected)


def test_reader_pieces() -> None:
    assert markdown.is_separator("|:---|---:|:---:|")
    assert markdown.is_separator("---|---")
    assert not markdown.is_separator("| - | - | - |")
    assert markdown.split_cells("a | b \\| c |  | ") == ["a", "b | c", ""]
    assert markdown.strip_marks("> **x**") == "x"
    page = markdown.read_markdown("# **T**\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n**end**\n")
    assert isinstance(page, Page) and page.tables == []
    assert page.body.split("\n") == ["T", "", "", "end", ""]


def test_glued_dumps_keep_the_text_reader() -> None:
    """A dump with pipes but no separator line is not a markdown document."""
    assert not markdown.has_pipe_tables("规章 | 0 | 0 | 2\n行政许可 | 3")


def test_row_keys_use_each_tables_stems_once() -> None:
    """A row's stems are folded once (:attr:`Row.stem_keys`, kept on the template's row)
    and name the same rows as folding them on every lookup."""
    rows = TEMPLATES["2021"].table("requests").rows
    keys = [row.stem_keys for row in rows]
    assert all(row.stem_keys is kept for row, kept in zip(rows, keys))
    assert keys == [tuple(markdown.label_key(s) for s in row.stems) for row in rows]
    assert markdown._row_key(rows, "（三）不予公开 1.属于国家秘密") == "withheld.state_secret"


def test_cell_values_are_read_once() -> None:
    """``markdown.is_value`` is the cell grammar's (which keeps the answer per short text)."""
    from gkparse import grammar

    for text in ("121件", "1,268", "45.6万", "\\", "规章", "", "—", "-3"):
        assert markdown.is_value(text) is grammar.is_value(text)
