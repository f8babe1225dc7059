"""The HTML table algorithm: rows of cells with rowspan/colspan → a rectangular grid.

Implements the slot-assignment part of the WHATWG "forming a table" algorithm
(https://html.spec.whatwg.org/multipage/tables.html#forming-a-table), as browsers render it:

* **Row groups.** Each ``<thead>`` and ``<tbody>``, and each run of ``<tr>`` children directly
  under ``<table>`` (an implied tbody), is a row group, taken in tree order; every ``<tfoot>``
  comes last (the spec's "pending tfoot elements"), wherever it stands in the markup. Rows
  nested deeper (``<table><form><tr>``) or in a nested table are not rows of this table.
* **Spans.** ``colspan`` and ``rowspan`` are read by the "rules for parsing non-negative
  integers" (ASCII whitespace, an optional ``+``, ASCII digits; anything after the digits is
  ignored, so ``colspan="2;"`` is 2); a missing or unparsable value is 1, ``colspan="0"`` is
  1, and the caps are 1000 columns and 65534 rows. ``rowspan="0"`` makes the cell grow
  downward to the end of its row group. A rowspan reaching past the end of its row group
  is clipped there, as browsers render it (the spec would add rows without ``<tr>`` that
  hold nothing but the spanning cells).
* **Overlaps.** A slot already covered (a rowspan from above running into a later colspan)
  keeps the cell that covered it first.

Deliberate differences from the spec: ``<col>``/``<colgroup>`` do not add columns (they
would only add slots that no cell covers), and ``rowspan="0"`` grows downward in quirks-mode
documents too (the spec then reads it as 1; an author who writes 0 means "to the end of
the group", which is also how Chromium-based browsers show it).

Cell text is what a browser shows in the cell: text of nested elements included (a nested
table's cells too, separated by spaces), ``<br>``, ``<p>`` and other blocks read as spaces.
Content a browser would not show (scripts, ``display:none``) is removed by the caller
(:func:`gkparse.read.html.read_html` does) before the grid is formed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from lxml import etree

__all__ = [
    "GridCell", "GridLimitError", "expand_table", "cell_text", "parse_span", "row_groups", "table_rows",
    "MAX_COLSPAN", "MAX_ROWSPAN", "MAX_GRID_WIDTH", "MAX_GRID_SLOTS",
]

# "Rules for parsing non-negative integers": leading ASCII whitespace, an optional sign,
# then ASCII digits (never \d: it matches full-width and other Unicode digits).
_SPAN = re.compile(r"[\t\n\f\r ]*([+-]?)([0-9]+)")
#: The caps the WHATWG HTML standard puts on colspan and rowspan ("rules for parsing
#: non-negative integers", then clamped), so a span bomb expands no wider than a browser's.
MAX_COLSPAN = 1000
MAX_ROWSPAN = 65534
#: Columns a grid may have. A report table has at most about 20 (part 四: 15 counts and the
#: labels); a span reaching past this is clipped to it, a cell starting past it stops the grid.
MAX_GRID_WIDTH = 100
#: Slots a grid may hold (a report table has a few hundred, a long layout table some
#: thousands): a span bomb (rowspan 65534 × colspan 1000 in 40 KB) stops here, in bounded
#: time and memory, instead of filling gigabytes.
MAX_GRID_SLOTS = 100_000
#: Elements whose boundaries read as a space inside a cell (blocks, and a nested table's
#: rows and cells).
_BREAK_TAGS = (
    "p", "div", "br", "li", "tr", "td", "th", "table", "caption", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "section", "article", "center", "hr",
)
_GROUP_TAGS = ("thead", "tbody", "tfoot")
_CELL_TAGS = ("td", "th")


class GridLimitError(ValueError):
    """A table past :data:`MAX_GRID_WIDTH` or :data:`MAX_GRID_SLOTS`: not expanded (the
    reader reports it as an issue)."""


class GridCell(NamedTuple):
    """A grid slot: the text of the cell covering it, and whether this is its origin slot.

    ``boxes`` is set when the cell's content sits in several boxes of a nested table (two
    non-empty nested cells or more): their texts, each on its own. ``text`` then joins them
    with spaces, which reads well as a label but would glue separate numbers into one.

    A named tuple (immutable, built in C): a report page has hundreds of slots."""

    text: str
    origin: bool
    cell_id: int
    boxes: tuple[str, ...] = ()


#: Builds a :class:`GridCell` from a tuple of its fields in C (the named tuple's own
#: ``__new__`` is a Python function, called for every slot of every table).
_new_cell = tuple.__new__
#: The plain span values, looked up instead of parsed (a report table has dozens of spanning
#: cells); up to the grid width, past which a span is clipped anyway.
_SPANS = {str(n): n for n in range(1, MAX_GRID_WIDTH + 1)}


def parse_span(value: str | None, limit: int) -> int:
    """A span attribute as browsers read it: leading ASCII digits, 1 when missing or
    unparsable, capped at ``limit``. Zero stays 0 (the caller decides what it means).

    >>> parse_span("2;", 1000), parse_span(None, 1000), parse_span("x", 1000), parse_span("0", 10)
    (2, 1, 1, 0)
    >>> parse_span(" +3", 1000), parse_span("-2", 1000), parse_span("２", 1000), parse_span("99999", 1000)
    (3, 1, 1, 1000)
    """
    if value is None:
        return 1
    number = _SPANS.get(value)
    if number is not None:
        return min(number, limit)
    match = _SPAN.match(value)
    if not match:
        return 1
    number = int(match.group(2))
    if match.group(1) == "-" and number != 0:
        return 1  # negative: not a non-negative integer
    return min(number, limit)


def row_groups(table: etree._Element) -> list[list[etree._Element]]:
    """The table's row groups, in the order the table model takes them: thead, tbody and
    runs of ``<tr>`` directly under the table in tree order, then every tfoot.

    >>> import lxml.html
    >>> t = lxml.html.fragment_fromstring(
    ...     "<table><tfoot><tr><td>F</td></tr></tfoot><tr><td>A</td></tr><tbody><tr><td>B</td></tr></tbody></table>")
    >>> [[r.text_content() for r in g] for g in row_groups(t)]
    [['A'], ['B'], ['F']]
    """
    groups: list[list[etree._Element]] = []
    feet: list[list[etree._Element]] = []
    run: list[etree._Element] = []
    for child in table:
        tag = child.tag  # a comment's tag is a function: equal to no tag name
        if tag == "tr":
            run.append(child)
        elif tag in _GROUP_TAGS:
            if run:
                groups.append(run)
                run = []
            rows = [r for r in child if r.tag == "tr"]
            (feet if tag == "tfoot" else groups).append(rows)
    if run:
        groups.append(run)
    return [g for g in groups + feet if g]


def table_rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not a nested table's), in table-model order."""
    return [row for group in row_groups(table) for row in group]


def cell_text(cell: etree._Element) -> str:
    """The text a browser shows in a cell, whitespace collapsed, block and nested-table
    boundaries as single spaces.

    Break elements inside the cell get a space before and after them (whitespace only), so
    that lxml's C serialiser produces the text.
    """
    for block in cell.iterdescendants(*_BREAK_TAGS):
        block.tail = " " + (block.tail or "")
        block.text = " " + (block.text or "")
    return " ".join(etree.tostring(cell, method="text", encoding="unicode", with_tail=False).split())


def _boxes(cell: etree._Element, text_of: Callable[[etree._Element], str]) -> tuple[str, ...]:
    """The non-empty innermost cells of the tables nested in ``cell``, when there are
    several (see :attr:`GridCell.boxes`)."""
    texts = [
        text
        for inner in cell.iterdescendants(*_CELL_TAGS)
        if inner.find(".//td") is None and inner.find(".//th") is None
        for text in (text_of(inner),)
        if text
    ]
    return tuple(texts) if len(texts) > 1 else ()


def _cover(rows: list[list[GridCell | None]], x: int, colspan: int, slot: GridCell) -> tuple[int, bool]:
    """Put ``slot`` in columns ``x`` to ``x + colspan`` of ``rows`` where no cell is yet.
    Returns the slots it took and whether a row was padded past an uncovered slot."""
    right = x + colspan
    taken = 0
    holes = False
    for row in rows:
        have = len(row)
        if have <= x:  # nothing covers these slots yet (the common span): one extend
            if have < x:
                holes = True
                row.extend([None] * (x - have))
            row.extend([slot] * colspan)
            taken += colspan
            continue
        if have < right:
            row.extend([None] * (right - have))
        for c in range(x, right):
            # An earlier rowspan may already hold this slot (overlapping spans): keep it.
            if row[c] is None:
                row[c] = slot
                taken += 1
    return taken, holes


def expand_table(table: etree._Element, text_of: Callable[[etree._Element], str] = cell_text) -> list[list[GridCell]]:
    """Expand ``table`` into a grid: one list per row, every row of the same width.

    A slot not covered by any cell (a short row) is an empty non-origin slot
    (``cell_id == -1``). ``text_of`` reads a cell's text (a faster reader may be given
    when line breaks are already marked). Spans are clipped at :data:`MAX_GRID_WIDTH`;
    raises :class:`GridLimitError` for a cell starting past it or a grid past
    :data:`MAX_GRID_SLOTS` slots.
    """
    # Rows are lists indexed by column (None: a slot no cell covers yet) and ``filled``
    # counts the covered slots: the common cell is one append, no (row, column) key.
    grid: list[list[GridCell | None]] = []
    filled = 0
    width = 0
    next_id = 0
    holes = False  # some row has an uncovered slot before its last covered one
    # Most report tables nest nothing: then no cell needs the (Python-level) nested-table search.
    nested = next(table.iterdescendants("table"), None) is not None
    for group in row_groups(table):
        y = len(grid)
        rows: list[list[GridCell | None]] = [[] for _ in group]
        grid.extend(rows)
        growing: list[tuple[GridCell, int, int]] = []  # rowspan=0 cells: (slot, x, colspan)
        for i, tr in enumerate(group):
            r = y + i
            row = rows[i]
            for slot, gx, gwidth in growing:  # "growing downward-growing cells"
                covered, gaps = _cover([row], gx, gwidth, slot)
                filled += covered
                holes = holes or gaps
            if filled > MAX_GRID_SLOTS or (r + 1) * width > MAX_GRID_SLOTS:
                raise GridLimitError(f"a table of more than {MAX_GRID_SLOTS:,} slots (row {r + 1}, {width} columns)")
            x = 0
            for cell in tr:
                if cell.tag not in _CELL_TAGS:
                    continue
                n = len(row)
                while x < n and row[x] is not None:
                    x += 1
                if x >= MAX_GRID_WIDTH:
                    raise GridLimitError(f"a table wider than {MAX_GRID_WIDTH} columns (row {r + 1})")
                text = text_of(cell)
                boxes = _boxes(cell, text_of) if nested and cell.find(".//table") is not None else ()
                origin = _new_cell(GridCell, (text, True, next_id, boxes))
                next_id += 1
                colspan_attr, rowspan_attr = cell.get("colspan"), cell.get("rowspan")
                if colspan_attr is None and rowspan_attr is None:  # the common cell: one slot
                    if x == n:
                        row.append(origin)
                    else:
                        row[x] = origin
                    filled += 1
                    x += 1
                    continue
                colspan = min(parse_span(colspan_attr, MAX_COLSPAN) or 1, MAX_GRID_WIDTH - x)
                rowspan = parse_span(rowspan_attr, MAX_ROWSPAN)
                grows = rowspan == 0
                rowspan = min(max(rowspan, 1), len(group) - i)  # clipped at the row group's end
                if filled + rowspan * colspan > MAX_GRID_SLOTS:
                    raise GridLimitError(
                        f"a table of more than {MAX_GRID_SLOTS:,} slots (a cell spanning {rowspan} rows × {colspan} columns, row {r + 1})"
                    )
                covering = _new_cell(GridCell, (text, False, origin.cell_id, boxes))
                covered, gaps = _cover(rows[i:i + rowspan], x, colspan, covering)
                filled += covered
                holes = holes or gaps
                right = x + colspan
                row[x] = origin
                if grows:
                    growing.append((covering, x, colspan))
                x = right
            if x > width:  # x only grows along a row
                width = x
    y = len(grid)
    if y * width > MAX_GRID_SLOTS:
        raise GridLimitError(f"a table of more than {MAX_GRID_SLOTS:,} slots ({y} rows × {width} columns)")
    empty = GridCell("", False, -1)
    if holes:
        return [[slot if slot is not None else empty for slot in row] + [empty] * (width - len(row)) for row in grid]
    return [row if len(row) == width else row + [empty] * (width - len(row)) for row in grid]  # type: ignore[misc]
