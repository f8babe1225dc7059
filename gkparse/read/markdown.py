"""Markdown (and other pipe-table text) → :class:`~gkparse.read.page.Page`.

Most reports reach analysts as text made by converters: PDF→markdown conversions,
html2text output, markdown written by language models. Their tables are pipe tables, so
every cell is known (one token per cell, ``glued=False``, as for HTML): this reader turns
them into grids and hands them to the segmentation HTML tables go through
(:mod:`gkparse.read.grid`). What is markdown's own:

* **Tables.** A run of lines holding a ``|`` is a table; separator lines (``|---|:---:|``)
  are not rows, the lines above the first separator are header rows unless they hold a
  value. Outer pipes are optional, decided per table (most of its lines start with one);
  in a table without them (html2text) a line starting with a pipe has an empty first cell.
  A row of ``-`` placeholders (what converters print for an empty header) is no row when
  it heads a table or when the whole table is such rows.
* **Parts.** Headings and plain lines outside the tables take part too: a line naming a
  table's part heading (``## 三、收到和处理…``) starts that part, a part 二 caption line
  (``第二十条第（一）项``) starts a sub-table, a prose heading (五、…) ends the tables.
  Each table is a segment of its own (its header names its own columns).
* **Labels outside tables.** A line outside the tables naming a row of the current part
  (``5.属于三类内部事务信息``, a ``###`` heading) waits for a value row without a label:
  label-less rows take the waiting labels in document order. A labelled row of the same
  template row ends the wait (an outcome heading over its own small table).
* **Columns.** A header names the columns when each of its column texts names a distinct
  column of the part and there are as many as the rows have values; otherwise (generic
  ``数据1``…, a header in pieces, a header copied from elsewhere) the template's order
  applies; a header flattened from spanned cells still says how many value columns there
  are (the template columns its texts name), so a column blank in every row is kept.
  Value cells are the last cells of a row (labels may take several cells, or fewer than
  other rows); trailing columns empty in every row are padding unless the header names
  them, and a row shorter than the values has its last cells absent, never empty.
"""

from __future__ import annotations

import functools
import re
from itertools import count

from .. import vocabulary as vocab
from ..grammar import is_value
from ..normalize import label_key
from ..templates import Row, TableKind, Template
from .grid import CUES, MIN_ROW_STEM, GridCell, Segmenter, header_columns, labeled_rows, split_header
from .page import Page, TableRows, header_leaf

__all__ = ["read_markdown", "read_tables", "has_pipe_tables", "is_separator", "split_cells", "strip_marks"]

_SEPARATOR_CELL = re.compile(r"\s*:?-{2,}:?\s*")
_SEPARATOR_LINE = re.compile(r"^[ \t]*(?:\|[ \t]*)?:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)+(?:\|[ \t]*)?$", re.MULTILINE)
_PIPE = re.compile(r"(?<!\\)\|")
_HEADING_MARK = re.compile(r"^\s{0,3}(?:#{1,6}|>+)\s*")
_EMPHASIS = re.compile(r"\*\*|__")
_PLACEHOLDERS = frozenset({"-"})
#: A metadata block sits among a document's first lines; the title among the very first.
META_LINES = 60
TITLE_LINES = 12
#: A part 二 caption line is short (第二十条第（一）项 and a little more).
MAX_CAPTION_LINE = 30
#: A row label outside a table is a line, not a paragraph.
MAX_LABEL_LINE = 60
#: A heading of a part is short.
MAX_HEADING_LINE = 60


def is_separator(line: str) -> bool:
    """Whether a line is a pipe table's separator row (any alignment, outer pipes optional).

    >>> is_separator("|---|:---:|"), is_separator("---|---"), is_separator("| - | - |"), is_separator("---")
    (True, True, False, False)
    """
    return _SEPARATOR_LINE.match(line) is not None


def has_pipe_tables(text: str) -> bool:
    """Whether ``text`` holds a pipe table: a separator line of two columns or more.

    >>> has_pipe_tables("a | b\\n---|---\\n1 | 2"), has_pipe_tables("规章 | 0 | 0 | 2")
    (True, False)
    """
    # A separator cell holds "--": text without one is passed over in C (the pattern, which
    # starts at a line's start, is tried at every character).
    return "--" in text and _SEPARATOR_LINE.search(text) is not None


def strip_marks(line: str) -> str:
    """A line without markdown's block marks (``#`` headings, ``>`` quotes) and emphasis.

    >>> strip_marks("## **二、主动公开政府信息情况**")
    '二、主动公开政府信息情况'
    """
    if "#" not in line and ">" not in line and "**" not in line and "__" not in line:
        return line.strip()  # no mark to remove (most lines): the patterns are left out
    return _EMPHASIS.sub("", _HEADING_MARK.sub("", line)).strip()


def split_cells(line: str, outer: bool = True) -> list[str]:
    r"""A pipe row's cells (``\|`` an escaped pipe), marks removed. With ``outer`` (the
    table's rows are fenced by pipes) a pipe at either end is a fence; without it (html2text
    prints no fences) a pipe at the start follows an empty first cell.

    >>> split_cells("| 规章 | 0 |  | **2** |"), split_cells("规章 | 0 | 2")
    (['规章', '0', '', '2'], ['规章', '0', '2'])
    >>> split_cells(" | 3 | 2", outer=False)
    ['', '3', '2']
    """
    text = line.strip()
    if outer and text.startswith("|"):
        text = text[1:]
    if outer and text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    if "**" not in text and "__" not in text and "\\|" not in text:
        return [cell.strip() for cell in _PIPE.split(text)]
    return [_EMPHASIS.sub("", cell).replace("\\|", "|").strip() for cell in _PIPE.split(text)]


def _fenced(lines: list[str]) -> bool:
    """Whether a table's rows are fenced by outer pipes (``| a | b |``): most of its lines
    start with one. In a table without fences (html2text) a row starting with a pipe has an
    empty first cell."""
    starts = [line.lstrip().startswith("|") for line in lines if line.strip()]
    return 2 * sum(starts) >= len(starts)


def _is_placeholder(cells: list[str]) -> bool:
    return any(cells) and all(c in _PLACEHOLDERS or not c for c in cells)


#: Heading and caption patterns kept compiled: three a template, so room for a score of
#: registered templates before one is compiled again.
PATTERN_CACHE = 64


@functools.lru_cache(maxsize=PATTERN_CACHE)
def _pattern(text: str) -> re.Pattern[str]:
    """A template's heading or caption pattern, compiled once (``re.match`` looks each up
    in the module's cache on every call)."""
    return re.compile(text)


def _heading_kind(line: str) -> TableKind | str | None:
    """The table part a heading line opens, ``"prose"`` for a prose part's heading, else None."""
    if len(line) > MAX_HEADING_LINE:
        return None
    for kind, patterns in CUES.headings.items():
        if any(_pattern(p).match(line) for p in patterns):
            return kind
    if any(pattern.match(line) for _, pattern in vocab.PROSE_HEADINGS):
        return "prose"
    return None


def _is_caption_line(line: str) -> bool:
    if len(line) > MAX_CAPTION_LINE:
        return False
    key = label_key(line)
    return any(_pattern(p).search(key) for p in CUES.captions)


class _Reader:
    """One document's walk: text lines and tables, in document order."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.ids = count()
        self.headers: set[int] = set()  # ids of rows that are header rows by markdown's structure
        self.segmenter = Segmenter(self.segment_rows)
        self.waiting: list[str] = []  # row labels printed outside the tables, not yet given values
        # Group rows some reports print in place of their leaves (Row.stands_for), by key.
        self.stand_ins = {r.key: r.stands_for for kind in ("disclosure", "requests") for r in template.table(kind).rows if r.stands_for}

    # --- text lines --------------------------------------------------------------

    def line(self, line: str) -> None:
        kind = _heading_kind(line)
        if kind is not None:
            self.segmenter.start(kind if kind != "prose" else None)  # type: ignore[arg-type]
            self.waiting.clear()
            return
        if _is_caption_line(line):
            self.segmenter.start("disclosure", line)
            self.waiting.clear()
            return
        current = self.segmenter.current
        if current in ("disclosure", "requests") and len(line) <= MAX_LABEL_LINE and not any(map(is_value, line.split())):
            key = self.row_key(current, line)
            if key is None:
                return
            if self.waiting and key in self.stand_ins.get(self.row_key(current, self.waiting[-1]) or "", ()):
                self.waiting.pop()  # a group's label over its own rows' labels: not a row of its own
            self.waiting.append(line)

    def row_key(self, kind: TableKind, text: str) -> str | None:
        """The key of the template's row of ``kind`` whose longest stem (of three characters
        or more: shorter ones match inside other words) ``text`` holds."""
        return _row_key(self.template.table(kind).rows, text)

    # --- tables --------------------------------------------------------------------

    def table(self, lines: list[str]) -> None:
        rows: list[tuple[list[str], bool]] = []  # cells, header by structure
        separators = [is_separator(x) for x in lines]
        header = any(separators)
        outer = _fenced(lines)
        for line, separator in zip(lines, separators):
            if separator:
                header = False
                continue
            if _SEPARATOR_CELL.fullmatch(line.strip(" |")):
                continue  # a one-column separator (html2text's ``---`` under a caption)
            rows.append((split_cells(line, outer), header))
        if all(_is_placeholder(cells) for cells, _ in rows):
            return
        rows = [(cells, head) for cells, head in rows if not (head and _is_placeholder(cells))]
        width = max((len(cells) for cells, _ in rows), default=0)
        for cells, head in rows:
            self.segmenter.row(self.grid_row(self.labelled(cells, head, width), head))
        self.segmenter.close()  # each table is a segment of its own; the part goes on

    def labelled(self, cells: list[str], head: bool, width: int) -> list[str]:
        """A row with its waiting label put in front when it has none of its own."""
        current = self.segmenter.current
        if current not in ("disclosure", "requests") or not any(cells):
            return cells
        first = next(c for c in cells if c)
        if cells[0] and is_value(cells[0]):
            if not self.waiting:
                return cells
            cells = [self.waiting.pop(0), *cells]
            while len(cells) > width and not cells[-1]:
                cells.pop()  # the label takes the place of the row's padding
            return cells
        if not is_value(first) and self.waiting:
            key = self.row_key(current, " ".join(c for c in cells if c and not is_value(c)))
            keys = [self.row_key(current, w) for w in self.waiting]
            if key is not None and key in keys:
                del self.waiting[: keys.index(key) + 1]  # a heading over the row's own table
        return cells

    def grid_row(self, cells: list[str], head: bool) -> list[GridCell]:
        row = [GridCell(text, True, next(self.ids)) for text in cells]
        if head:
            self.headers.add(id(row))
        return row

    # --- one segment -------------------------------------------------------------

    def segment_rows(self, kind: TableKind, grid: list[list[GridCell]], caption: str | None) -> TableRows:
        forced = 0
        while forced < len(grid) and id(grid[forced]) in self.headers:
            forced += 1
        padded = max((len(r) for r in grid), default=0)
        while padded and all(len(r) < padded or not r[padded - 1].text for r in grid):
            padded -= 1  # a column empty in every row is padding ...
        header_count = split_header(kind, grid, forced)
        named = _named_count(kind, grid[:header_count])
        # ... unless the header names it: a row keeps its label cells and as many value
        # cells as the header names (html2text prints a row's trailing blanks as cells).
        firsts = [_first_value(r) for r in grid]
        grid = [r[: max(padded, _last_label(r, first) + named)] for r, first in zip(grid, firsts)]
        # A row cut short keeps its first value, or has none left.
        firsts = [min(first, len(r)) for r, first in zip(grid, firsts)]
        width = max((len(r) for r in grid), default=0)
        header, data = grid[:header_count], grid[header_count:]
        if kind == "disclosure" and header and not data:
            return TableRows(kind, [], None, caption)
        data_firsts = firsts[header_count:]
        values = max((len(r) - first for r, first in zip(data, data_firsts) if first < len(r)), default=0)
        columns: list[str] | None = None
        if header:
            label_cols, groups, names = header_columns(kind, _spanned(header, width), width)
            # A header naming the columns gives their count: a first value column blank in
            # every row is still a column (the rows' values alone would lose it).
            if all(len(g) == 1 for g in groups) and _names_columns(kind, names) and values <= len(names):
                columns, values = names, len(names)
            else:  # a header flattened from spans still names how many columns there are
                values = max(values, named)
        rows = []
        for row, first in zip(data, data_firsts):
            split = _split(row, values, first)
            rows.extend(labeled_rows([row], split, [[c] for c in range(split, min(split + values, len(row)))]))
        return TableRows(kind, rows, columns, caption)


def _row_key(rows: tuple[Row, ...], text: str) -> str | None:
    key = label_key(text)
    best, best_len = None, MIN_ROW_STEM - 1
    for row in rows:
        for stem in row.stem_keys:
            if stem in key and len(stem) > best_len:
                best, best_len = row.key, len(stem)
    return best


def _first_value(row: list[GridCell]) -> int:
    return next((i for i, slot in enumerate(row) if slot.text and is_value(slot.text)), len(row))


def _last_label(row: list[GridCell], first: int) -> int:
    """Where a row's text cells before its first value (at ``first``) end (0 for a row
    without a label)."""
    return max((i + 1 for i, slot in enumerate(row[:first]) if slot.text), default=0)


def _split(row: list[GridCell], values: int, first: int) -> int:
    """Where a row's label cells end: its last ``values`` cells are values, but a label
    text is never a value (a row shorter than the values has its last cells absent).
    ``first`` is where its first value stands."""
    if first == len(row):  # no value: a label row, or a row of text cells
        return max(len(row) - values, 1 if row and row[0].text else 0)
    return max(len(row) - values, _last_label(row, first))


def _spanned(header: list[list[GridCell]], width: int) -> list[list[GridCell]]:
    """Header rows with the spans a pipe table cannot print put back: an empty cell under
    a header cell continues it downward (a rowspan), else an empty cell after a header
    cell continues it rightward (a colspan)."""
    out: list[list[GridCell]] = []
    down: list[list[bool]] = []  # whether a slot is a header text or continues one downward
    for r, row in enumerate(header):
        slots: list[GridCell] = []
        marks: list[bool] = []
        for c in range(width):
            slot = row[c] if c < len(row) else GridCell("", True, -2 - c - r * width)
            if not slot.text and r and down[r - 1][c] and out[r - 1][c].text:
                above = out[r - 1][c]
                slot, mark = GridCell(above.text, False, above.cell_id), True
            elif not slot.text and slots and slots[-1].text:
                left = slots[-1]
                slot, mark = GridCell(left.text, False, left.cell_id), False
            else:
                mark = bool(slot.text)
            slots.append(slot)
            marks.append(mark)
        out.append(slots)
        down.append(marks)
    return out


def _names_columns(kind: TableKind, names: list[str]) -> bool:
    """Whether header texts name distinct columns of ``kind`` (a part 三 subtotal too)."""
    if not names:
        return False
    seen: set[tuple[str | None, str | None]] = set()
    subtotals = tuple(label_key(h) for h in vocab.SUBTOTAL_HEADERS)
    for name in names:
        leaf = label_key(header_leaf(name))
        if kind == "requests" and (leaf in subtotals or leaf.endswith(label_key(vocab.SUBTOTAL_SUFFIX))):
            continue
        row = CUES.row_key(kind, name) if kind == "appeals" else None
        column = CUES.column_key(kind, leaf)
        if column is None or (kind == "appeals" and row is None) or (row, column) in seen:
            return False
        seen.add((row, column))
    return True


def _named_count(kind: TableKind, header: list[list[GridCell]]) -> int:
    """How many value columns a header's texts name, wherever they stand: the distinct
    template columns named (in part 四, times the distinct row groups named). A header
    flattened from spanned cells (html2text prints each header row's cells side by side)
    still counts a column that is blank in every data row."""
    texts = [slot.text for row in header for slot in row if slot.origin and slot.text]
    columns = {CUES.column_key(kind, text) for text in texts} - {None}
    if kind != "appeals":
        return len(columns)
    groups = {CUES.row_key(kind, text) for text in texts} - {None}
    return len(columns) * max(len(groups), 1)


def _blocks(lines: list[str]) -> list[tuple[bool, list[str]]]:
    """Lines grouped into tables (runs of lines holding a pipe) and single text lines."""
    blocks: list[tuple[bool, list[str]]] = []
    for line in lines:
        # A separator line holds a pipe too (two columns at least): a line without one is text.
        is_row = "|" in line and (_PIPE.search(line) is not None or (is_separator(line) and bool(blocks) and blocks[-1][0]))
        if is_row and blocks and blocks[-1][0]:
            blocks[-1][1].append(line)
        elif is_row:
            blocks.append((True, [line]))
        else:
            blocks.append((False, [line]))
    return blocks


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_markdown(text: str) -> Page:
    """Read a document whose tables are pipe tables into a :class:`Page` without its
    tables (see :func:`read_tables`): the body is the text outside the tables, without
    markdown's marks."""
    body = [strip_marks(lines[0]) for is_table, lines in _blocks(_lines(text)) if not is_table]
    page = Page(form="text", body="\n".join(body))
    shown = [line for line in body if line]
    page.meta_lines = shown[:META_LINES]
    page.title_candidates = shown[:TITLE_LINES]
    return page


def read_tables(page: Page, text: str, template: Template) -> None:
    """Add the report's tables among ``text``'s pipe tables to ``page`` (labels outside
    the tables are named by ``template``'s rows)."""
    reader = _Reader(template)
    for is_table, lines in _blocks(_lines(text)):
        if is_table:
            reader.table(lines)
        else:
            line = strip_marks(lines[0])
            if line:
                reader.line(line)
    page.tables.extend(reader.segmenter.finish())
