"""The HTML table algorithm: rows of cells with rowspan/colspan → a rectangular grid.

Implements the occupancy-grid part of the WHATWG "forming a table" algorithm, tolerant
of what CMS editors emit: malformed spans (``colspan="2;"``, ``rowspan="0"``), rows of
unequal length, nested tables (their text stays out of the outer cell) and ``<br>``/``<p>``
inside cells.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

__all__ = ["GridCell", "expand_table", "cell_text", "parse_span"]

_SPAN = re.compile(r"\s*(\d+)")
#: The caps the WHATWG HTML standard puts on colspan and rowspan ("rules for parsing
#: non-negative integers", then clamped), so a span bomb expands no wider than a browser's.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
_BLOCK_TAGS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class GridCell:
    """A grid slot: the text of the cell covering it, and whether this is its origin slot."""

    text: str
    origin: bool
    cell_id: int


def parse_span(value: str | None, limit: int) -> int:
    """A span attribute as browsers read it: leading digits, at least 1, capped.

    >>> parse_span("2;", 1000), parse_span(None, 1000), parse_span("x", 1000), parse_span("0", 10)
    (2, 1, 1, 0)
    """
    if value is None:
        return 1
    match = _SPAN.match(value)
    if not match:
        return 1
    return min(int(match.group(1)), limit)


def cell_text(cell: etree._Element) -> str:
    """The visible text of a cell, with block breaks as single spaces, nested tables left out.

    Block elements inside the cell get a space before and after them (whitespace only), so
    that lxml's C serialiser can produce the text.
    """
    if not any(True for _ in cell.iterdescendants("table")):
        for block in cell.iterdescendants(*_BLOCK_TAGS):
            block.tail = " " + (block.tail or "")
            block.text = " " + (block.text or "")
        return " ".join(etree.tostring(cell, method="text", encoding="unicode", with_tail=False).split())
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "table":
                if child.tail:
                    parts.append(child.tail)
                continue
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            if tag not in ("script", "style") and child.text and isinstance(child.tag, str):
                parts.append(child.text)
            walk(child)
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            if child.tail:
                parts.append(child.tail)

    if cell.text:
        parts.append(cell.text)
    walk(cell)
    return " ".join("".join(parts).split())


def _rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(r for r in child if isinstance(r.tag, str) and r.tag == "tr")
    return rows


def expand_table(table: etree._Element, text_of: Callable[[etree._Element], str] = cell_text) -> list[list[GridCell]]:
    """Expand ``table`` into a grid: one list per row, every row of the same width.

    A slot not covered by any cell (a short row) is an empty non-origin slot. ``text_of``
    reads a cell's text (a faster reader may be given when line breaks are already marked).
    """
    rows = _rows(table)
    grid: dict[tuple[int, int], GridCell] = {}
    width = 0
    next_id = 0
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            tag = cell.tag if isinstance(cell.tag, str) else ""
            if tag not in ("td", "th"):
                continue
            while (r, c) in grid:
                c += 1
            colspan = max(1, parse_span(cell.get("colspan"), MAX_COLSPAN))
            rowspan = parse_span(cell.get("rowspan"), MAX_ROWSPAN)
            if rowspan == 0:  # "to the end of the row group"
                rowspan = len(rows) - r
            rowspan = max(1, min(rowspan, len(rows) - r))
            text = text_of(cell)
            for dr in range(rowspan):
                for dc in range(colspan):
                    # An earlier rowspan may already hold this slot (overlapping spans): keep it.
                    grid.setdefault(
                        (r + dr, c + dc),
                        GridCell(text, dr == 0 and dc == 0, next_id),
                    )
            next_id += 1
            c += colspan
            width = max(width, c)
    empty = GridCell("", False, -1)
    return [[grid.get((r, c), empty) for c in range(width)] for r in range(len(rows))]
