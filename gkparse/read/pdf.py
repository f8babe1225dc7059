"""PDF document → :class:`~gkparse.read.page.Page`: body lines, title, metadata lines, table rows.

Read with pdfplumber (on pdfminer.six). Each page is taken apart into its characters and
its ruling lines; tables are found from the rulings, cells from the boxes the rulings
enclose, and every character goes to the cell (or the text line) it stands in:

* **Rulings.** Stroked lines, stroked rectangles' sides and filled rectangles thinner than
  :data:`RULE_THICKNESS` (how many generators draw a rule) are the table's lines. A filled
  rectangle wider than that is shading (word processors put a white or tinted box behind
  every text line and caption row): it draws no line and is ignored, or every paragraph
  would read as a one-column table.
* **Open borders.** A table cut by a page break often has no rule along the cut: where two
  vertical rules or more end at the same height with no horizontal rule there, a closing
  rule is added (:func:`_closing_edges`), so the last row before the break is a row.
* **Grid.** pdfplumber's ``find_tables`` (explicit edges) gives the cell boxes; their
  distinct left/right and top/bottom bounds are the grid's column and row boundaries, a
  box covering several is a merged cell, spread over its slots as
  :func:`gkparse.read.tablegrid.expand_table` spreads a span (same ``cell_id``,
  ``origin=False`` on the covered slots). A cell's lines are joined without a space
  between CJK characters (a vertical label standing one character a line reads as one
  word) and with one between ASCII letters or digits.
* **Across pages.** All tables are fed, in document order, to one
  :class:`~gkparse.read.grid.Segmenter`, which continues the current part across tables
  unless a table starts a part of its own. A table's first rows that repeat the header of
  the part it continues are dropped. A merged label cell cut by the page break is joined:
  an empty label slot at the top of the continuing table takes the text of the cell above
  the break, and two halves whose joined text names a template row or group that neither
  half names (``（四）无`` + ``法提供``) both read as the joined text.
* **No rulings.** A page with no ruling line at all has its tables found from the words'
  positions (:func:`_word_tables`): runs of lines holding two values or more, split into
  columns at the value words' positions.

Text outside tables is the body, one line per visual line in reading order (top to
bottom), without the page numbers printed in the margins. The metadata lines are every
line in reading order, a table row as its cells' texts joined by spaces (preceded by its
``label:value`` pairs when the row is a metadata table's). Title candidates: page 1's
largest-font lines joined, then each of them, then the first lines.

Errors: :class:`~gkparse.errors.UnreadableDocumentError` for bytes that are not a readable
PDF (damaged, truncated, encrypted), :class:`~gkparse.errors.NoTextLayerError` for a PDF
whose pages hold no character at all (a scan). Nothing else escapes.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..errors import GkparseError, NoTextLayerError, UnreadableDocumentError
from ..grammar import is_value
from ..normalize import label_key
from ..templates import TABLE_KINDS, TEMPLATES, TableKind
from .grid import CUES, Segmenter, segment_to_rows, split_header, start_of
from .meta import label_value_lines
from .page import Page, Region, TableRows
from .tablegrid import GridCell

__all__ = ["read_pdf", "looks_like_pdf", "MAX_PAGES", "MAX_CHARS_PER_PAGE", "MAX_EDGES_PER_PAGE"]

Box = tuple[float, float, float, float]  # (x0, top, x1, bottom) in PDF points from the page's top-left
Char = dict[str, Any]  # a pdfplumber character: text, x0, x1, top, bottom, size, upright

#: Pages read at most: a report is a few pages; a longer PDF is a compendium or a scan
#: batch, and reading time grows with every page.
MAX_PAGES = 200
#: Characters read per page at most: a text page holds about 1,500; a page with far more is
#: a drawing's or a data dump's, and line and cell assignment grows with it.
MAX_CHARS_PER_PAGE = 20_000
#: Ruling segments per page at most: table finding is quadratic in them; a report page
#: has a few hundred, a page with more is a vector drawing (its rulings are not read).
MAX_EDGES_PER_PAGE = 4_000
#: Grid rows or columns of a table at most: a report table has 30 rows and 16 columns; a
#: denser "grid" is a hatching or a chart.
MAX_GRID_LINES = 400
#: Lines of a page looked at by the word-position fallback at most (a page has about 40).
MAX_FALLBACK_LINES = 300

#: A filled rectangle thinner than this (points) is a drawn rule; a thicker one is shading.
RULE_THICKNESS = 2.0
#: A segment whose ends differ by less than this across (points) is horizontal/vertical.
AXIS_TOLERANCE = 1.0
#: Vertical rules ending within this (points) of one another end at the same border.
EDGE_END_TOLERANCE = 2.0
#: A horizontal rule covering this share of a border's width already closes it.
CLOSED_SHARE = 0.9
#: Cell bounds within this (points) of one another are the same grid line (pdfplumber's
#: default snap tolerance).
GRID_TOLERANCE = 3.0
#: A gap wider than this share of the font size between two characters, one of them ASCII,
#: is a space (a space is about 0.25 em; CJK text is set without spaces).
SPACE_GAP = 0.2
#: ... and between two CJK characters a gap must be wider than this to be a space (justified
#: CJK text is letter-spaced).
CJK_SPACE_GAP = 1.0
#: Page numbers are printed in the top and bottom margins: this share of the page height.
MARGIN_SHARE = 0.08
#: Title candidates also include the first lines of page 1.
TITLE_LINES = 6
#: A title's lines are within this (points) of the largest font size on page 1.
TITLE_SIZE_TOLERANCE = 0.5
#: A line of the word-position fallback is a table row when it holds this many value words.
MIN_ROW_VALUES = 2
#: A word-position table has this many value rows at least (one row of numbers is a sentence).
MIN_FALLBACK_ROWS = 2
#: Words of a line with a gap this wide (em) between them stand in cells, not in a sentence.
CELL_GAP = 1.5

_PAGE_NUMBER = re.compile(r"^[\s\-\u2010-\u2015\u2212~(\uff08\[]*\d{1,4}[\s\-\u2010-\u2015\u2212~)\uff09\]]*$")
_ASCII_WORD = re.compile(r"[0-9A-Za-z%.,:/@_\-+]")
#: How the first bytes of a PDF read (the header may follow a few junk bytes).
_PDF_MAGIC = b"%PDF-"
#: Kangxi radicals and CJK radical supplements, which some PDF fonts map ideographs to
#: (Chromium's print of 二 is U+2F06 ⼆): read as the ideographs they stand for (NFKC).
_RADICALS = re.compile("[\u2e80-\u2fdf]")
#: A PDF ends with ``%%EOF``: where it is missing from the last KiB, the file was cut.
_EOF_MARK = b"%%EOF"
_EOF_WINDOW = 1024


# A library leaves logging to the application: without a handler of its own, pdfminer's
# warnings about fonts (one per character) would go to stderr through logging's last resort.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def _unradical(text: str) -> str:
    """Kangxi radicals → the ideographs they stand for.

    >>> _unradical("\u7b2c\u2f06\u2f17\u6761") == "\u7b2c\u4e8c\u5341\u6761"
    True
    """
    return _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text) if _RADICALS.search(text) else text


def looks_like_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF (its header in the first KiB, as readers accept it).

    >>> looks_like_pdf(b"%PDF-1.7\\n..."), looks_like_pdf(b"<html>")
    (True, False)
    """
    return _PDF_MAGIC in data[:1024]


# --- characters → text ------------------------------------------------------------------


def _is_cjk(ch: str) -> bool:
    """Whether ``ch`` is set without spaces around it (CJK ideographs, kana, full-width forms).

    >>> _is_cjk("年"), _is_cjk("（"), _is_cjk("7")
    (True, True, False)
    """
    return bool(ch) and (ord(ch[0]) >= 0x2E80)


def _join_chars(chars: Sequence[Char]) -> str:
    """Characters of one visual line, left to right → its text: a space where the PDF has
    one or where a gap is wide enough (:data:`SPACE_GAP`, :data:`CJK_SPACE_GAP`); runs of
    whitespace collapse."""
    out: list[str] = []
    prev: Char | None = None
    for ch in chars:
        text = ch["text"]
        if prev is not None and text.strip() and out and out[-1] != " ":
            gap = float(ch["x0"]) - float(prev["x1"])
            size = max(float(ch.get("size") or 0.0), 1.0)
            both_cjk = _is_cjk(prev["text"]) and _is_cjk(text)
            if gap > size * (CJK_SPACE_GAP if both_cjk else SPACE_GAP):
                out.append(" ")
        if text.strip():
            out.append(text)
            prev = ch
        elif out and out[-1] != " ":
            out.append(" ")
    return _unradical("".join(out).strip())


def _join_lines(lines: Iterable[str]) -> str:
    """The lines of one cell → one text: no space between CJK ends (a wrapped label, a
    vertical label one character a line), one space otherwise.

    >>> _join_lines(["三、", "本", "年"]), _join_lines(["商业企", "业"]), _join_lines(["12", "34"])
    ('三、本年', '商业企业', '12 34')
    """
    text = ""
    for line in lines:
        if not line:
            continue
        if text and not (_is_cjk(text[-1]) or _is_cjk(line[0])):
            text += " "
        text += line
    return text


class _Line(NamedTuple):
    """One visual line: its vertical extent (points), largest font size and text."""

    top: float
    bottom: float
    size: float
    text: str


def _group_lines(chars: Sequence[Char]) -> list[list[Char]]:
    """Characters → visual lines, top to bottom, each left to right. A character joins the
    line whose vertical middle band its own middle falls in (a superscript or a larger
    character on the same baseline stays on the line)."""
    upright = [c for c in chars if c.get("upright", True)]
    rotated = [c for c in chars if not c.get("upright", True)]
    lines: list[list[Char]] = []
    bands: list[tuple[float, float]] = []
    for ch in sorted(upright, key=lambda c: (float(c["top"]), float(c["x0"]))):
        middle = (float(ch["top"]) + float(ch["bottom"])) / 2
        if bands and bands[-1][0] <= middle <= bands[-1][1]:
            lines[-1].append(ch)
            continue
        height = float(ch["bottom"]) - float(ch["top"])
        lines.append([ch])
        bands.append((float(ch["top"]) + height * 0.15, float(ch["bottom"]) - height * 0.15))
    result = [sorted(line, key=lambda c: float(c["x0"])) for line in lines]
    if rotated:  # rotated text (a vertical label set sideways): one line per column of characters, read downward
        columns: dict[int, list[Char]] = {}
        for ch in rotated:
            columns.setdefault(round(float(ch["x0"])), []).append(ch)
        result.extend(sorted(col, key=lambda c: float(c["top"])) for _, col in sorted(columns.items()))
    return result


def _lines_of(chars: Sequence[Char]) -> list[_Line]:
    """Characters → :class:`_Line` s, top to bottom (empty lines left out)."""
    lines = []
    for group in _group_lines(chars):
        text = _join_chars(group) if group[0].get("upright", True) else _unradical("".join(c["text"] for c in group).strip())
        if text:
            lines.append(_Line(
                min(float(c["top"]) for c in group), max(float(c["bottom"]) for c in group),
                max(float(c.get("size") or 0.0) for c in group), text,
            ))
    return lines


# --- rulings ---------------------------------------------------------------------------


def _edge(x0: float, top: float, x1: float, bottom: float) -> dict[str, Any]:
    """A ruling segment as pdfplumber's explicit edges take it."""
    horizontal = abs(bottom - top) < abs(x1 - x0)
    if horizontal:
        y = (top + bottom) / 2
        top = bottom = y
    else:
        x = (x0 + x1) / 2
        x0 = x1 = x
    return {
        "object_type": "line", "x0": x0, "x1": x1, "top": top, "bottom": bottom,
        "width": x1 - x0, "height": bottom - top, "orientation": "h" if horizontal else "v",
    }


def _segment(a: tuple[float, float], b: tuple[float, float]) -> dict[str, Any] | None:
    """A straight segment → an edge when it is horizontal or vertical."""
    (xa, ya), (xb, yb) = a, b
    if abs(ya - yb) < AXIS_TOLERANCE and abs(xa - xb) >= AXIS_TOLERANCE:
        return _edge(min(xa, xb), ya, max(xa, xb), ya)
    if abs(xa - xb) < AXIS_TOLERANCE and abs(ya - yb) >= AXIS_TOLERANCE:
        return _edge(xa, min(ya, yb), xa, max(ya, yb))
    return None


def _rulings(page: Any) -> list[dict[str, Any]]:
    """The visible ruling segments of a page (see the module doc: shading draws none)."""
    edges: list[dict[str, Any]] = []
    for line in page.lines:
        pts = line.get("pts") or [(line["x0"], line["top"]), (line["x1"], line["bottom"])]
        for a, b in zip(pts, pts[1:]):
            edge = _segment((float(a[0]), float(a[1])), (float(b[0]), float(b[1])))
            if edge is not None:
                edges.append(edge)
    for rect in page.rects + page.curves:
        x0, top, x1, bottom = (float(rect[k]) for k in ("x0", "top", "x1", "bottom"))
        if x1 - x0 <= RULE_THICKNESS or bottom - top <= RULE_THICKNESS:
            if rect.get("fill") or rect.get("stroke"):
                edges.append(_edge(x0, top, x1, bottom))  # a thin box is a rule, filled or outlined
            continue
        if not rect.get("stroke"):
            continue  # shading
        if rect["object_type"] == "rect":
            edges.extend((_edge(x0, top, x1, top), _edge(x0, bottom, x1, bottom), _edge(x0, top, x0, bottom), _edge(x1, top, x1, bottom)))
        else:
            pts = rect.get("pts") or []
            for a, b in zip(pts, pts[1:]):
                edge = _segment((float(a[0]), float(a[1])), (float(b[0]), float(b[1])))
                if edge is not None:
                    edges.append(edge)
    return edges


def _covered(horizontals: Sequence[dict[str, Any]], y: float, x0: float, x1: float) -> bool:
    """Whether horizontal rules at height ``y`` cover :data:`CLOSED_SHARE` of ``x0``…``x1``."""
    spans = sorted(
        (max(x0, e["x0"]), min(x1, e["x1"])) for e in horizontals
        if abs(e["top"] - y) <= GRID_TOLERANCE and e["x1"] > x0 and e["x0"] < x1
    )
    covered, reach = 0.0, x0
    for a, b in spans:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered >= CLOSED_SHARE * (x1 - x0)


def _closing_edges(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Horizontal rules closing a table where a page break left it open: wherever two
    vertical rules or more end (or start) at the same height and no horizontal rule runs
    there, one from the leftmost of them to the rightmost.

    >>> v = [_edge(10, 0, 10, 50), _edge(60, 0, 60, 50)]
    >>> [(e["x0"], e["top"], e["x1"]) for e in _closing_edges(v)]
    [(10.0, 0.0, 60.0), (10.0, 50.0, 60.0)]
    >>> _closing_edges(v + [_edge(10, 50, 60, 50), _edge(10, 0, 60, 0)])
    []
    """
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    added: list[dict[str, Any]] = []
    for end in ("top", "bottom"):
        ordered = sorted(verticals, key=lambda e: float(e[end]))
        groups: list[list[dict[str, Any]]] = []
        for e in ordered:
            if groups and float(e[end]) - float(groups[-1][-1][end]) <= EDGE_END_TOLERANCE:
                groups[-1].append(e)
            else:
                groups.append([e])
        for group in groups:
            if len(group) < 2:
                continue
            y = float(group[-1][end] if end == "bottom" else group[0][end])
            x0, x1 = float(min(e["x0"] for e in group)), float(max(e["x0"] for e in group))
            if x1 - x0 > GRID_TOLERANCE and not _covered(horizontals, y, x0, x1):
                added.append(_edge(x0, y, x1, y))
    return added


# --- tables ------------------------------------------------------------------------------


@dataclass
class _Table:
    """A table read from a page: its 1-based page, box, grid and each cell's box."""

    page: int
    box: Box
    grid: list[list[GridCell]]
    cell_boxes: dict[int, Box] = field(default_factory=dict)

    def row_texts(self, r: int) -> list[str]:
        return [slot.text for slot in self.grid[r] if slot.origin]


def _bounds(values: Iterable[float]) -> list[float]:
    """Sorted distinct values, those within :data:`GRID_TOLERANCE` of the previous one merged.

    >>> _bounds([10.0, 10.5, 30.0, 29.0, 50.0])
    [10.0, 29.0, 50.0]
    """
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > GRID_TOLERANCE:
            out.append(v)
    return out


def _index(bounds: Sequence[float], v: float) -> int:
    """The index of the grid line nearest ``v``."""
    i = bisect_right(bounds, v)
    if i == 0:
        return 0
    if i == len(bounds) or v - bounds[i - 1] <= bounds[i] - v:
        return i - 1
    return i


class _Ids:
    """Cell ids unique over the document (tables of several pages meet in one segmenter)."""

    def __init__(self) -> None:
        self.next = 0

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _grid_of(boxes: Sequence[Box], chars: Sequence[Char], ids: _Ids) -> tuple[list[list[GridCell]], dict[int, Box]] | None:
    """Cell boxes and the characters inside the table → the grid (None when the boxes make
    no grid within :data:`MAX_GRID_LINES`)."""
    xs = _bounds(v for b in boxes for v in (b[0], b[2]))
    ys = _bounds(v for b in boxes for v in (b[1], b[3]))
    if len(xs) < 2 or len(ys) < 2 or len(xs) > MAX_GRID_LINES or len(ys) > MAX_GRID_LINES:
        return None
    slots: dict[tuple[int, int], int] = {}
    cell_boxes: dict[int, Box] = {}
    spans: dict[int, tuple[int, int]] = {}  # cell id → its origin slot
    for box in sorted(boxes, key=lambda b: (b[1], b[0])):
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        if c1 <= c0 or r1 <= r0:
            continue
        cid = ids.take()
        cell_boxes[cid] = box
        spans[cid] = (r0, c0)
        for r in range(r0, r1):
            for c in range(c0, c1):
                slots.setdefault((r, c), cid)  # overlapping boxes: the first keeps the slot
    cell_chars: dict[int, list[Char]] = {}
    for ch in chars:
        cx = (float(ch["x0"]) + float(ch["x1"])) / 2
        cy = (float(ch["top"]) + float(ch["bottom"])) / 2
        c, r = bisect_right(xs, cx) - 1, bisect_right(ys, cy) - 1
        owner = slots.get((r, c))
        if owner is not None:
            cell_chars.setdefault(owner, []).append(ch)
    texts = {cid: _join_lines(line.text for line in _lines_of(found)) for cid, found in cell_chars.items()}
    empty = GridCell("", False, -1)
    grid: list[list[GridCell]] = []
    for r in range(len(ys) - 1):
        row = []
        for c in range(len(xs) - 1):
            slot = slots.get((r, c))
            if slot is None:
                row.append(empty)
            else:
                row.append(GridCell(texts.get(slot, ""), spans[slot] == (r, c), slot))
        grid.append(row)
    return grid, cell_boxes


def _is_grid(grid: list[list[GridCell]]) -> bool:
    """Whether a grid has a data table's shape (two rows or more with text, one of them of
    two cells or more with text) rather than a frame around a paragraph."""
    rows = [[s.text for s in row if s.origin and s.text] for row in grid]
    rows = [r for r in rows if r]
    return len(rows) >= 2 and any(len(r) >= 2 for r in rows)


def _inside(ch: Char, box: Box) -> bool:
    cx = (float(ch["x0"]) + float(ch["x1"])) / 2
    cy = (float(ch["top"]) + float(ch["bottom"])) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _ruled_tables(page: Any, edges: list[dict[str, Any]], chars: Sequence[Char], number: int, ids: _Ids) -> list[_Table]:
    """The page's tables found from its ruling ``edges`` (grid-shaped ones only), top to bottom."""
    if len(edges) > MAX_EDGES_PER_PAGE:
        return []
    edges = edges + _closing_edges(edges)
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    if len(vertical) < 2 or len(horizontal) < 2:
        return []
    settings = {
        "vertical_strategy": "explicit", "horizontal_strategy": "explicit",
        "explicit_vertical_lines": vertical, "explicit_horizontal_lines": horizontal,
    }
    tables = []
    for found in page.find_tables(settings):
        box: Box = tuple(float(v) for v in found.bbox)  # type: ignore[assignment]
        inside = [ch for ch in chars if _inside(ch, box)]
        made = _grid_of([tuple(float(v) for v in cell) for cell in found.cells], inside, ids)  # type: ignore[misc]
        if made is not None and _is_grid(made[0]):
            tables.append(_Table(number, box, made[0], made[1]))
    return sorted(tables, key=lambda t: (t.box[1], t.box[0]))


# --- tables from word positions (pages without rulings) ---------------------------------


class _Word(NamedTuple):
    x0: float
    x1: float
    text: str


def _words(chars: Sequence[Char]) -> list[_Word]:
    """A line's characters → words (split at spaces and wide gaps, see :func:`_join_chars`)."""
    words: list[_Word] = []
    current: list[Char] = []

    def flush() -> None:
        if current:
            words.append(_Word(float(current[0]["x0"]), float(current[-1]["x1"]), _join_chars(current)))
            current.clear()

    prev: Char | None = None
    for ch in chars:
        if not ch["text"].strip():
            flush()
            prev = None
            continue
        if prev is not None:
            gap = float(ch["x0"]) - float(prev["x1"])
            size = max(float(ch.get("size") or 0.0), 1.0)
            if gap > size * (CJK_SPACE_GAP if _is_cjk(prev["text"]) and _is_cjk(ch["text"]) else SPACE_GAP):
                flush()
        current.append(ch)
        prev = ch
    flush()
    return words


def _trailing_values(words: Sequence[_Word]) -> int:
    """How many words at the end of a line are values (a table row ends in its values;
    prose mixes numbers with words).

    >>> _trailing_values([_Word(0, 10, "abc"), _Word(20, 30, "1"), _Word(40, 50, "2")])
    2
    """
    n = 0
    for w in reversed(words):
        if not is_value(w.text):
            break
        n += 1
    return n


def _spread(words: Sequence[_Word], size: float) -> bool:
    """Whether a line's words stand apart as cells do (a gap of :data:`CELL_GAP` em or more)."""
    return any(b.x0 - a.x1 >= CELL_GAP * size for a, b in zip(words, words[1:]))


def _word_tables(line_chars: Sequence[list[Char]], number: int, ids: _Ids) -> tuple[list[_Table], set[int]]:
    """Tables of a page without rulings, from word positions.

    A line is a *value row* when it ends in :data:`MIN_ROW_VALUES` value words or more, a
    *header row* when its words stand apart as cells (:func:`_spread`) or it names a part's
    start cue (a caption, a header's first cell). A run of such lines holding
    :data:`MIN_FALLBACK_ROWS` value rows or more is a table; its columns are the value
    words' positions, clustered (:func:`_words_table`). Returns the tables and the indexes
    of the lines they took (those are no body lines)."""
    lines = list(line_chars[:MAX_FALLBACK_LINES])
    words = [_words(chars) for chars in lines]
    sizes = [max((float(c.get("size") or 0.0) for c in chars), default=1.0) for chars in lines]
    kinds: list[str] = []
    for ws, size in zip(words, sizes):
        text = " ".join(w.text for w in ws)
        if _trailing_values(ws) >= MIN_ROW_VALUES:
            kinds.append("value")
        elif ws and (_spread(ws, size) or start_of([text], None, True) is not None):
            kinds.append("header")
        else:
            kinds.append("")
    tables: list[_Table] = []
    taken: set[int] = set()
    i = 0
    while i < len(lines):
        if not kinds[i]:
            i += 1
            continue
        j = i
        while j < len(lines) and kinds[j]:
            j += 1
        if sum(1 for k in range(i, j) if kinds[k] == "value") >= MIN_FALLBACK_ROWS:
            tables.append(_words_table(words[i:j], lines[i:j], number, ids))
            taken.update(range(i, j))
        i = j
    return tables, taken


def _words_table(rows: list[list[_Word]], lines: list[list[Char]], number: int, ids: _Ids) -> _Table:
    """Lines of words → a table: a label column, then one column per cluster of the value
    rows' value words; a header word goes to the column it overlaps most (or nearest)."""
    values = [w for ws in rows if _trailing_values(ws) >= MIN_ROW_VALUES for w in ws[len(ws) - _trailing_values(ws):]]
    first = min(w.x0 for w in values)
    spans: list[list[float]] = []
    for w in sorted(values, key=lambda w: w.x0):  # columns: overlapping value spans merge
        if spans and w.x0 <= spans[-1][1] + GRID_TOLERANCE:
            spans[-1][1] = max(spans[-1][1], w.x1)
        else:
            spans.append([w.x0, w.x1])

    def column(w: _Word) -> int:
        middle = (w.x0 + w.x1) / 2
        return min(range(len(spans)), key=lambda n: max(spans[n][0] - middle, middle - spans[n][1], 0.0))

    grid: list[list[GridCell]] = []
    for ws in rows:
        label = " ".join(w.text for w in ws if (w.x0 + w.x1) / 2 < first - GRID_TOLERANCE)
        cells = [""] * len(spans)
        for w in ws:
            if (w.x0 + w.x1) / 2 >= first - GRID_TOLERANCE:
                k = column(w)
                cells[k] = (cells[k] + " " + w.text).strip()
        grid.append([GridCell(text, True, ids.take()) for text in [label, *cells]])
    all_chars = [c for line in lines for c in line]
    box: Box = (
        min(float(c["x0"]) for c in all_chars), min(float(c["top"]) for c in all_chars),
        max(float(c["x1"]) for c in all_chars), max(float(c["bottom"]) for c in all_chars),
    )
    return _Table(number, box, grid)


# --- one page ----------------------------------------------------------------------------


@dataclass
class _PageItems:
    """What one page holds, in reading order: body lines and tables, by their top."""

    lines: list[_Line]
    tables: list[_Table]
    order: list[tuple[float, int, int]]  # (top, 0 = line / 1 = table, index)


def _read_page(page: Any, number: int, ids: _Ids) -> tuple[_PageItems, int]:
    """One pdfplumber page → its body lines and tables; also how many characters it has."""
    try:
        page = page.dedupe_chars()  # bold set by printing a character twice
    except Exception:  # noqa: BLE001 - a damaged page is read as it is; dedupe is a nicety
        pass
    chars: list[Char] = [c for c in page.chars if c.get("text")][:MAX_CHARS_PER_PAGE]
    edges = _rulings(page)
    tables = _ruled_tables(page, edges, chars, number, ids)
    rest = [c for c in chars if not any(_inside(c, t.box) for t in tables)]
    grouped = _group_lines(rest)
    if not tables and not edges:
        found, taken = _word_tables(grouped, number, ids)
        tables = found
        grouped = [g for i, g in enumerate(grouped) if i not in taken]
    height = float(page.height or 0.0)
    lines = []
    for group in grouped:
        for line in _lines_of(group):
            in_margin = height and (line.bottom < height * MARGIN_SHARE or line.top > height * (1 - MARGIN_SHARE))
            if in_margin and _PAGE_NUMBER.match(line.text):
                continue  # a page number
            lines.append(line)
    order = sorted([(line.top, 0, i) for i, line in enumerate(lines)] + [(t.box[1], 1, i) for i, t in enumerate(tables)])
    return _PageItems(lines, tables, order), len(chars)


# --- across pages ----------------------------------------------------------------------------


def _names(kind: TableKind | None) -> tuple[str, ...]:
    """The label keys of ``kind``'s rows and row groups in every registered template."""
    kinds = TABLE_KINDS if kind is None else (kind,)
    found: dict[str, None] = {}
    for template in TEMPLATES.values():
        for k in kinds:
            for row in template.table(k).rows:
                for stem in row.stems:
                    found.setdefault(label_key(stem), None)
                if row.group:
                    found.setdefault(label_key(row.group), None)
    return tuple(n for n in found if n)


def _names_any(text: str, names: tuple[str, ...]) -> bool:
    key = label_key(text)
    return bool(key) and any(n in key for n in names)


def _label_columns(table: _Table, r: int) -> int:
    """How many leading slots of row ``r`` are label slots (before the first value)."""
    row = table.grid[r]
    for c, slot in enumerate(row):
        if slot.text and is_value(slot.text):
            return c
    return len(row)


def _same_column(a: Box, b: Box) -> bool:
    return abs(a[0] - b[0]) <= GRID_TOLERANCE and abs(a[2] - b[2]) <= GRID_TOLERANCE


def _retext(table: _Table, cid: int, text: str) -> None:
    for row in table.grid:
        for c, slot in enumerate(row):
            if slot.cell_id == cid:
                row[c] = slot._replace(text=text)


def _join_cut_cells(before: _Table, after: _Table, start: int, kind: TableKind | None) -> None:
    """Label cells cut by the page break between ``before`` (its last row) and ``after``
    (its row ``start``, the first after a repeated header) read as one cell on both sides
    (see the module doc)."""
    if not before.grid or start >= len(after.grid) or not before.cell_boxes or not after.cell_boxes:
        return
    names = _names(kind)
    last, first = before.grid[-1], after.grid[start]
    labels = min(_label_columns(before, len(before.grid) - 1), _label_columns(after, start))
    seen: set[int] = set()
    for slot in first[:labels]:
        if slot.cell_id in seen or slot.cell_id < 0:
            continue
        seen.add(slot.cell_id)
        box = after.cell_boxes[slot.cell_id]
        above = next((s for s in last if s.cell_id >= 0 and _same_column(before.cell_boxes[s.cell_id], box)), None)
        if above is None or not above.text:
            continue
        if not slot.text:
            _retext(after, slot.cell_id, above.text)
            continue
        joined = _join_lines([above.text, slot.text])
        if _names_any(joined, names) and not _names_any(above.text, names) and not _names_any(slot.text, names):
            _retext(before, above.cell_id, joined)
            _retext(after, slot.cell_id, joined)


def _repeats_header(segmenter: Segmenter, table: _Table) -> int:
    """How many first rows of ``table`` repeat the header of the part it continues (0 when
    the part has no data rows yet: its header may be printed after the page break)."""
    if segmenter.current is None or not segmenter.segment:
        return 0
    count = split_header(segmenter.current, segmenter.segment)
    if count == 0 or count == len(segmenter.segment):
        return 0
    header = [[" ".join(s.text.split()) for s in row if s.origin] for row in segmenter.segment[:count]]
    n = 0
    while n < min(count, len(table.grid)) and [" ".join(s.text.split()) for s in table.grid[n] if s.origin] == header[n]:
        n += 1
    return n


def _rectangular(kind: TableKind, grid: list[list[GridCell]], caption: str | None) -> TableRows:
    """:func:`~gkparse.read.grid.segment_to_rows` on a part's rows made one width: a part
    continued across pages may join tables whose rulings give different column counts
    (the shorter rows get empty uncovered slots at their end)."""
    width = max((len(row) for row in grid), default=0)
    empty = GridCell("", False, -1)
    return segment_to_rows(kind, [row + [empty] * (width - len(row)) if len(row) < width else row for row in grid], caption)


def _row_line(texts: list[str]) -> str:
    return " ".join(t for t in texts if t)


def _pages_of(data: bytes, source: str | None) -> tuple[list[_PageItems], int]:
    """Open the PDF and read every page (up to :data:`MAX_PAGES`); every failure of the PDF
    stack becomes an :class:`UnreadableDocumentError`."""
    import pdfplumber  # deferred: pdfminer's import costs ~100 ms, and most inputs are HTML

    ids = _Ids()
    items: list[_PageItems] = []
    chars = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages
            if not pages:
                raise UnreadableDocumentError("the PDF has no pages", source=source)
            for number, page in enumerate(pages[:MAX_PAGES], 1):
                page_items, count = _read_page(page, number, ids)
                items.append(page_items)
                chars += count
                page.close()  # frees the page's parsed objects
    except GkparseError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer raises anything on broken input (see _reason)
        raise UnreadableDocumentError(f"the PDF cannot be read: {_reason(exc)}", source=source) from exc
    return items, chars


def _reason(exc: BaseException) -> str:
    """What went wrong, in words, from pdfminer's and pdfplumber's exceptions (which wrap
    one another)."""
    chain: list[BaseException] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 8:
        chain.append(seen)
        inner = seen.args[0] if seen.args and isinstance(seen.args[0], BaseException) else None
        seen = inner or seen.__cause__ or seen.__context__
    names = " ".join(type(e).__name__ for e in chain)
    detail = next((str(e) for e in reversed(chain) if str(e)), type(exc).__name__)
    if "Password" in names or "Encrypt" in names:
        return "it is encrypted (password-protected): save or print an unprotected copy first"
    if "PSEOF" in names:
        return f"it is truncated ({detail or 'unexpected end of file'})"
    return f"it is damaged ({type(chain[-1]).__name__}: {detail})"


# --- the document ----------------------------------------------------------------------------


def read_pdf(data: bytes, *, source: str | None = None) -> Page:
    """Read a PDF's bytes into a :class:`Page` (``form="pdf"``, see the module doc).

    ``page.tables`` are the report's parts as :class:`~gkparse.read.page.TableRows`;
    ``page.regions`` gives, for every table read, the part its rows went to (None: no part),
    its 1-based page and its box in points ``(x0, top, x1, bottom)`` from the page's
    top-left corner.

    Raises :class:`~gkparse.errors.UnreadableDocumentError` (naming ``source``) when the
    bytes are no PDF, or a damaged, truncated or encrypted one, and
    :class:`~gkparse.errors.NoTextLayerError` when its pages hold no text (a scan).
    """
    if not looks_like_pdf(data):
        raise UnreadableDocumentError("not a PDF (no %PDF- header)", source=source)
    if _EOF_MARK not in data[-_EOF_WINDOW:]:
        raise UnreadableDocumentError("the PDF is truncated (no %%EOF at its end): the download or copy was cut", source=source)
    CUES.refresh()  # the fallback's start cues, for the templates registered now
    items, chars = _pages_of(data, source)
    if chars == 0:
        raise NoTextLayerError(
            f"the PDF's {len(items)} page(s) hold no text, only images: a scan with no text layer."
            " Add one with OCR first (ocrmypdf --language chi_sim in.pdf out.pdf) and parse the result",
            source=source,
        )
    return _assemble(items)


def _assemble(items: list[_PageItems]) -> Page:
    """Pages' lines and tables → the :class:`Page` (tables through one segmenter)."""
    page = Page(form="pdf")
    segmenter = Segmenter(_rectangular)
    body: list[str] = []
    meta: list[str] = []
    previous: _Table | None = None
    for page_items in items:
        for _, what, index in page_items.order:
            if what == 0:
                text = page_items.lines[index].text
                body.append(text)
                meta.append(text)
                continue
            table = page_items.tables[index]
            skip = _repeats_header(segmenter, table)
            if previous is not None and previous.page != table.page:
                _join_cut_cells(previous, table, skip, segmenter.current)
            kind: TableKind | None = None
            for r, row in enumerate(table.grid):
                texts = table.row_texts(r)
                meta.extend(label_value_lines(texts))
                meta.append(_row_line(texts))
                if r < skip:
                    continue
                segmenter.row(row)
                if r == skip:
                    kind = segmenter.current
            page.regions.append(Region(kind, table.page, table.box))
            previous = table
    page.tables = segmenter.finish()
    page.body = "\n".join(body)
    page.meta_lines = [line for line in meta if line]
    page.title_candidates = _title_candidates(items[0].lines if items else [])
    return page


def _title_candidates(lines: list[_Line]) -> list[str]:
    """Page 1's lines in the largest font (the title), joined, then each, then the first
    :data:`TITLE_LINES` lines."""
    if not lines:
        return []
    top = lines[:TITLE_LINES * 2]
    largest = max(line.size for line in top)
    run: list[str] = []
    for line in top:
        if line.size >= largest - TITLE_SIZE_TOLERANCE:
            run.append(line.text)
        elif run:
            break
    found = ([_join_lines(run)] if len(run) > 1 else []) + run + [line.text for line in lines[:TITLE_LINES]]
    return list(dict.fromkeys(found))
