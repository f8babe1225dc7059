"""Grids of table cells → the report's parts as :class:`~gkparse.read.page.TableRows`.

Shared by the readers of forms that have tables: HTML (:mod:`gkparse.read.html`, whose
grids come from :mod:`gkparse.read.tablegrid`) and markdown (:mod:`gkparse.read.markdown`,
whose grids come from pipe tables). A grid row is a list of :class:`GridCell` slots; what
happens to it here is the same for every form:

* **Parts.** :class:`Segmenter` walks the rows in document order and cuts them into the
  report's parts by their labels, never by position (:func:`start_of`): a row naming a
  part 二 caption (第二十条…) or the first header cell of a part 二 sub-table starts a part
  二 sub-table, part 三's note, applicant header or first row start part 三, part 四's
  header starts part 四. A caption row is the sub-table's caption, not one of its rows.
* **Header rows.** :func:`split_header`: the rows before the first data row (a row with
  a value, or naming a row of the template) are the header.
* **Columns.** :func:`header_columns`: the header's leaf row tells the label columns from
  the value columns (a cell spanning several slots is one column group); the text above
  each group, top down, names it (``行政复议/结果维持``). A first column whose header, in
  any header row, names a value column is no label column (part 四 has none), and label
  slots in which every data row prints a value, and no label, are value columns.
* **Rows.** :func:`labeled_rows`: each data row as a label and one token per column group.

The cues (starts, excludes, value headers, row stems) are those of every registered
template (:data:`CUES`, rebuilt when the registry changes).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..grammar import is_value
from ..normalize import label_key
from ..templates import TABLE_KINDS, TEMPLATES, TableKind
from .page import LabeledRow, TableRows, header_path
from .tablegrid import GridCell

__all__ = [
    "CUES", "Cues", "GridCell", "MIN_ROW_STEM", "Segmenter", "header_columns", "is_data_row", "labeled_rows",
    "names_value_column", "segment_to_rows", "split_header", "start_of", "text_label_cols",
]

#: Label stems shorter than this match inside unrelated words (其他, 总计) when deciding
#: whether a table row is a data row.
MIN_ROW_STEM = 3


class Cues:
    """What the registered templates print that locates the report's tables in a page.

    Built once per set of registered templates (a template registered later is seen)."""

    def __init__(self) -> None:
        self.key: tuple[int, ...] = ()

    def refresh(self) -> Cues:
        key = tuple(id(t) for t in TEMPLATES.values())
        if key == self.key:
            return self
        self.key = key
        tables = [t.table(kind) for t in TEMPLATES.values() for kind in TABLE_KINDS]

        def union(kind: str, attr: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(label_key(x) for t in tables if t.kind == kind for x in getattr(t, attr)))

        self.starts = {kind: union(kind, "starts") for kind in TABLE_KINDS}
        self.start_excludes = {kind: union(kind, "start_excludes") for kind in TABLE_KINDS}
        self.value_headers = {kind: union(kind, "value_header_stems") for kind in TABLE_KINDS}
        self.header_first = tuple(dict.fromkeys(label_key(t.header_first) for t in tables if t.header_first))
        # Part 四's row labels are its header words too (行政复议 heads a column group):
        # its header ends where the values start, not at a row label.
        self.row_stems = {
            kind: tuple(dict.fromkeys(s for t in tables if t.kind == kind for row in t.rows for s in row.stems if len(s) >= MIN_ROW_STEM))
            if kind != "appeals" else ()
            for kind in TABLE_KINDS
        }
        # Every row and column of each kind, with its stems (label_key forms), for naming a
        # label or a header cell by its longest stem.
        self.rows = {
            kind: tuple((row.key, tuple(label_key(s) for s in row.stems)) for t in tables if t.kind == kind for row in t.rows)
            for kind in TABLE_KINDS
        }
        self.columns = {
            kind: tuple((col.key, tuple(label_key(s) for s in col.stems)) for t in tables if t.kind == kind for col in t.columns)
            for kind in TABLE_KINDS
        }
        self.headings = {kind: tuple(dict.fromkeys(t.heading for t in tables if t.kind == kind)) for kind in TABLE_KINDS}
        self.captions = tuple(dict.fromkeys(t.caption for t in tables if t.caption))
        # Every text a start is told by, in one pattern: most rows (the data rows) hold none,
        # and one search tells so instead of a test per part and stem.
        cues = sorted({*self.header_first, *(s for kind in TABLE_KINDS for s in self.starts[kind])}, key=len, reverse=True)
        self.any_start = re.compile("|".join(map(re.escape, cues))) if cues else None
        # The row stems of each kind in one pattern too (part 三 has some 45): a header row
        # is told from a data row by one search, not a test per stem.
        self.row_stem_search = {kind: _search_any(self.row_stems[kind]) for kind in TABLE_KINDS}
        return self

    def row_key(self, kind: TableKind, text: str) -> str | None:
        """The key of ``kind``'s row with the longest stem inside ``text``, or None."""
        return _longest(self.rows[kind], label_key(text))

    def column_key(self, kind: TableKind, text: str) -> str | None:
        """The key of ``kind``'s column with the longest stem inside ``text``, or None."""
        return _longest(self.columns[kind], label_key(text))

    def opens(self, kind: TableKind, key: str) -> bool:
        """Whether a row's label key names a start of ``kind``'s table and none of its excludes."""
        return any(s in key for s in self.starts[kind]) and not any(x in key for x in self.start_excludes[kind])


def _search_any(words: tuple[str, ...]) -> Callable[[str], re.Match[str] | None] | None:
    """A search for any of ``words`` (None when there are none: nothing is found)."""
    return re.compile("|".join(map(re.escape, words))).search if words else None


def _longest(items: tuple[tuple[str, tuple[str, ...]], ...], key: str) -> str | None:
    best, best_len = None, 0
    for name, stems in items:
        for stem in stems:
            if stem in key and len(stem) > best_len:
                best, best_len = name, len(stem)
    return best


CUES = Cues()


def is_data_row(texts: list[str], row_stems: tuple[str, ...]) -> bool:
    """Whether a row of cell texts holds values or names a template row (not a header)."""
    return _is_data_row(texts, _search_any(row_stems))


def _is_data_row(texts: list[str], names_row: Callable[[str], re.Match[str] | None] | None) -> bool:
    """:func:`is_data_row` with the row stems as one search (a kind's is made once:
    :attr:`Cues.row_stem_search`)."""
    if any(is_value(t) for t in texts if t):
        return True
    return names_row is not None and names_row(label_key(" ".join(texts))) is not None


def names_value_column(kind: TableKind, text: str) -> bool:
    """Whether a header cell names one of ``kind``'s value columns (no label column then)."""
    key = label_key(text)
    return any(stem in key for stem in CUES.value_headers[kind])


def start_of(texts: list[str], current: TableKind | None, fresh: bool) -> TableKind | None:
    """The part a row starts, if any; ``fresh`` says the current part has no rows yet."""
    key = label_key(" ".join(texts))
    cues = CUES
    if cues.any_start is None or cues.any_start.search(key) is None:
        return None
    if cues.opens("disclosure", key):
        return "disclosure"
    if key.startswith(cues.header_first) and (current != "disclosure" or not fresh):
        return "disclosure"  # a part 二 sub-table printed without its caption row
    if current != "requests" and cues.opens("requests", key):
        return "requests"
    if current != "appeals" and cues.opens("appeals", key):
        return "appeals"
    return None


def is_caption(kind: TableKind, texts: list[str]) -> bool:
    """Whether a row starting part ``kind`` is a part 二 caption (not its header row)."""
    return kind == "disclosure" and not label_key(texts[0]).startswith(CUES.header_first)


def split_header(kind: TableKind, grid: list[list[GridCell]], header_rows: int = 0) -> int:
    """How many rows of ``grid`` are its header: the rows before the first data row. The
    first ``header_rows`` rows are header rows by the form's own structure (a markdown
    table's first line) unless they hold a value."""
    count = 0
    names_row = CUES.row_stem_search[kind]
    for i, row in enumerate(grid):
        texts = [slot.text for slot in row if slot.origin]
        if i < header_rows:
            if any(is_value(t) for t in texts if t):
                break
        elif _is_data_row(texts, names_row):
            break
        count += 1
    return count


def _label_slots(data: list[list[GridCell]], label_cols: int) -> int:
    """The label slots of ``data`` rows under a header whose label cell spans ``label_cols``
    slots: the last label slots in which no data row holds a label, only values, hold
    values (a "label" that is a value is a value: a header read one slot too wide).

    >>> row = [GridCell("0", True, 1), GridCell("1", True, 2)]
    >>> _label_slots([row], 1), _label_slots([[GridCell("x", True, 3), *row]], 1)
    (0, 1)
    """
    while label_cols > 0:
        texts = [row[label_cols - 1].text for row in data if label_cols - 1 < len(row) and row[label_cols - 1].origin]
        texts = [t for t in texts if t]
        if not texts or not all(is_value(t) for t in texts):
            break
        label_cols -= 1
    return label_cols


def header_columns(
    kind: TableKind, header: list[list[GridCell]], width: int, data: list[list[GridCell]] | None = None
) -> tuple[int, list[list[int]], list[str]]:
    """The label column count, the value column groups (slot indexes) and each group's
    header text, from ``header`` rows (not empty) and, when given, the ``data`` rows under
    them (label slots holding values in every data row are value slots)."""
    # Header rows narrower than the table (a part whose tables differ in width across pages)
    # are padded with empty slots, so that every column has a header slot.
    header = [row + [GridCell("", False, -1)] * (width - len(row)) for row in header]
    leaf = header[-1]
    first = leaf[0]
    label_cols = 0
    # A header cell naming a value column is never a label column, whichever header row it
    # stands in (a header cut by a page break leaves only a cell's last line in the leaf row).
    if not any(names_value_column(kind, hrow[0].text) for hrow in header):
        while label_cols < width and leaf[label_cols].cell_id == first.cell_id:
            label_cols += 1
        if label_cols == width:  # a caption-like row: not a real header
            label_cols = 1
    spanned = label_cols
    label_cols = _label_slots(data or [], label_cols)
    groups: list[list[int]] = []
    for c in range(label_cols, width):
        # a slot taken back from the label cell is a column of its own, not a group with its neighbours
        if groups and c >= spanned and leaf[c].cell_id == leaf[groups[-1][0]].cell_id and leaf[c].cell_id != -1:
            groups[-1].append(c)
        else:
            groups.append([c])
    columns = []
    for group in groups:
        stack: list[str] = []
        for hrow in header:
            text = hrow[group[0]].text
            is_label = label_cols > 0 and hrow[group[0]].cell_id == first.cell_id
            if text and (not stack or stack[-1] != text) and not is_label:
                stack.append(text)
        columns.append(header_path(stack))
    return label_cols, groups, columns


def text_label_cols(data: list[list[GridCell]]) -> int:
    """The label columns of rows without a header: the most leading text cells of a row."""
    label_cols = 0
    for row in data:
        n = 0
        while n < len(row) and row[n].text and not is_value(row[n].text):
            n += 1
        label_cols = max(label_cols, n)
    return label_cols


def labeled_rows(data: list[list[GridCell]], label_cols: int, groups: list[list[int]]) -> list[LabeledRow]:
    """Data rows → labelled rows with one token per column group (rows with neither a
    label nor a value are left out)."""
    rows: list[LabeledRow] = []
    # The common table: one slot per column, the value columns one run after the labels.
    # Its rows wide enough take their tokens from a slice, not group by group.
    first = groups[0][0] if groups else label_cols
    singles = all(len(group) == 1 and group[0] == first + i for i, group in enumerate(groups))
    end = first + len(groups)
    for row in data:
        if label_cols == 1 and row:
            label = row[0].text
        else:
            label_parts: list[str] = []
            for slot in row[:label_cols]:
                if slot.text and (not label_parts or label_parts[-1] != slot.text):
                    label_parts.append(slot.text)
            label = " ".join(label_parts)
        if singles and len(row) >= end:
            # a single slot's token: its text, or its nested boxes kept apart (never one glued number)
            tokens = [(" | ".join(slot.boxes) if slot.boxes else slot.text) if slot.origin else "" for slot in row[first:end]]
        else:
            tokens = [_group_token(row, group) for group in groups]
        if not label and not any(tokens):
            continue
        rows.append(LabeledRow(label, tokens, False))
    return rows


def _group_token(row: list[GridCell], group: list[int]) -> str:
    """The token of one column group of ``row``: the texts of the cells it holds."""
    seen: set[int] = set()
    texts = []
    for c in group:
        if c < len(row):
            slot = row[c]
            if slot.origin and slot.cell_id not in seen:
                seen.add(slot.cell_id)
                if slot.boxes:  # separate boxes of a nested table: never one glued number
                    texts.append(" | ".join(slot.boxes))
                elif slot.text:
                    texts.append(slot.text)
    return " ".join(texts)


def segment_to_rows(kind: TableKind, grid: list[list[GridCell]], caption: str | None) -> TableRows:
    """One part's grid rows → labelled rows with one token per logical column (the HTML
    reading: spans tell label columns and column groups)."""
    width = max((len(r) for r in grid), default=0)
    header_count = split_header(kind, grid)
    header, data = grid[:header_count], grid[header_count:]
    if kind == "disclosure" and header and not data:
        return TableRows(kind, [], None, caption)
    columns: list[str] | None
    if header:
        label_cols, groups, columns = header_columns(kind, header, width, data)
    else:
        label_cols = text_label_cols(data)
        groups = [[c] for c in range(label_cols, width)]
        columns = None
    return TableRows(kind, labeled_rows(data, label_cols, groups), columns, caption)


SegmentReader = Callable[[TableKind, list[list[GridCell]], str | None], TableRows]


class Segmenter:
    """Cuts grid rows, in document order, into the report's parts (see the module doc).

    Rows before the first start belong to no part and are dropped. ``to_rows`` turns one
    part's rows into :class:`TableRows` (:func:`segment_to_rows` by default)."""

    def __init__(self, to_rows: SegmentReader = segment_to_rows) -> None:
        CUES.refresh()
        self.to_rows = to_rows
        self.parts: list[TableRows] = []
        self.current: TableKind | None = None
        self.segment: list[list[GridCell]] = []
        self.caption: str | None = None

    def close(self) -> None:
        """End the current segment (its rows become a :class:`TableRows`); the part goes on."""
        if self.current is not None and self.segment:
            self.parts.append(self.to_rows(self.current, self.segment, self.caption))
        self.segment = []

    def start(self, kind: TableKind | None, caption: str | None = None) -> None:
        """Start part ``kind`` (None: outside every part) with ``caption``."""
        self.close()
        self.current, self.caption = kind, caption

    def row(self, row: list[GridCell]) -> None:
        """One grid row: it may start a part, be a part 二 caption, or be a row of the current part."""
        texts = [slot.text for slot in row if slot.origin]
        if not any(texts):
            return
        start = start_of(texts, self.current, fresh=not self.segment)
        if start is not None:
            caption = is_caption(start, texts)
            self.start(start, " ".join(t for t in texts if t) if caption else None)
            if caption:
                return  # the caption row is not part of the grid
        if self.current is not None:
            self.segment.append(row)

    def finish(self) -> list[TableRows]:
        self.close()
        return self.parts
