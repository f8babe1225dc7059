"""PDF document → :class:`~gkparse.read.page.Page`: body lines, title, metadata lines, table rows.

Read with pdfplumber (on pdfminer.six). Each page is taken apart into its characters and
its ruling lines; tables are found from the rulings, cells from the boxes the rulings
enclose, and every character goes to the cell (or the text line) it stands in:

* **Rulings.** Stroked lines, stroked rectangles' sides and filled rectangles thinner than
  :data:`RULE_THICKNESS` (how many generators draw a rule) are the table's lines. A filled
  rectangle wider than that is shading (word processors put a white or tinted box behind
  every text line and caption row): it draws no line and is ignored, or every paragraph
  would read as a one-column table. A horizontal segment just under characters whose ends
  meet no vertical rule is an underline, not a rule (:func:`_decorations`: LibreOffice
  underlines every line of a wrapped cell, which would cut it into one row per line).
  Collinear pieces of one line are one rule (:func:`_joined`: Chromium draws a merged
  cell's sides one piece per row).
* **Open borders.** A table cut by a page break often has no rule along the cut: where two
  vertical rules or more end at the same height with no horizontal rule there, a closing
  rule is added (:func:`_closing_edges`), so the last row before the break is a row. Where
  two horizontal rules or more end at the same x and no vertical rule runs there at all
  (Chromium leaves out the right side of a table reaching the margin), a vertical one.
* **Grid.** pdfplumber's ``find_tables`` (explicit edges) gives the cell boxes; their
  distinct left/right and top/bottom bounds are the grid's column and row boundaries, a
  box covering several is a merged cell, spread over its slots as
  :func:`gkparse.read.tablegrid.expand_table` spreads a span (same ``cell_id``,
  ``origin=False`` on the covered slots). A cell's lines are joined without a space
  between CJK characters (a vertical label standing one character a line reads as one
  word) and with one between ASCII letters or digits. A row all of whose value slots are
  covered by the row above's cells has no values of its own: it joins the row above, its
  label cells' texts joined to theirs (:func:`_join_covered_rows`). A one-row grid of
  values, or of a label and its values, is a table (a table's last row alone after a page
  break, a one-value-column table's too).
* **Across pages.** All tables are fed, in document order, to one
  :class:`~gkparse.read.grid.Segmenter`, which continues the current part across tables
  unless a table starts a part of its own. A table's first rows that repeat the header of
  the part it continues are dropped. A merged label cell cut by the page break is joined:
  an empty label slot at the top of the continuing table takes the text of the cell above
  the break, and two halves whose joined text names a template row, group or column by a
  longer stem than either half does (``（四）无`` + ``法提供``, a header's ``结果维`` +
  ``持`` or ``其他`` + ``结果``) both read as the joined text. A part's rows from
  tables with different column lines (a page where a merged cell hides one) are put on the
  union of their tables' column bounds, matched by x-position (:func:`_rectangular`).
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
from ..model.cells import Issue
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
#: A horizontal segment ending this close (points) to a vertical rule meets it: drawn rules
#: reach or overlap the rules they join (by half a line width); text decoration stops short.
RULE_REACH = 1.0
#: A horizontal segment within this share of the font size below a character's bottom is
#: that character's underline (an underline sits about 0.1 em under the glyphs' box).
UNDERLINE_GAP = 0.3
#: Page numbers are printed in the top and bottom margins: this share of the page height.
MARGIN_SHARE = 0.08
#: Title candidates also include the first lines of page 1.
TITLE_LINES = 6
#: Pages looked at for the title: a web page printed to PDF opens with its site's chrome
#: (link lists, a search box), which may fill a page or two before the article.
TITLE_PAGES = 3
#: ... and the document's first lines (a title in body type after the chrome), as the HTML
#: reader takes the first lines of the article.
TITLE_SCAN_LINES = 60
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
#: Kangxi radicals, which some PDF fonts map ideographs to (Chromium's print of 二 is U+2F06
#: ⼆): read as the ideographs they stand for (NFKC folds the whole block).
_RADICALS = re.compile("[\u2f00-\u2fdf]")
#: CJK Radicals Supplement U+2E81…U+2EF3 → the ideographs they stand for (Unicode's
#: EquivalentUnifiedIdeograph.txt; 0: U+2E9A is unassigned). Chromium maps 民 to U+2EA0, 长
#: to U+2ED3 …, and NFKC folds only two of them: a table, as code points.
_SUPPLEMENT_FIRST = 0x2E81
_SUPPLEMENT = (
    0x5382, 0x4E5B, 0x4E5A, 0x4E59, 0x4EBB, 0x5182, 0x20628, 0x5200, 0x5202, 0x535C, 0x353E, 0x5C0F, 0x5C0F, 0x5140, 0x5C23, 0x5C22,
    0x21BC2, 0x5DF3, 0x5E7A, 0x5F51, 0x2B739, 0x5FC4, 0x5FC3, 0x624C, 0x6535, 0x0000, 0x65E1, 0x65E5, 0x6708, 0x6B7A, 0x6BCD, 0x6C11,
    0x6C35, 0x6C3A, 0x706C, 0x722B, 0x722B, 0x4E2C, 0x725B, 0x72AD, 0x738B, 0x24D14, 0x76EE, 0x793A, 0x793B, 0x25AD7, 0x7CF9, 0x7E9F,
    0x7F53, 0x7F52, 0x34C1, 0x5197, 0x2626B, 0x7F8A, 0x2634C, 0x2634B, 0x8002, 0x8080, 0x807F, 0x8089, 0x26951, 0x8279, 0x8279, 0x8279,
    0x864E, 0x8864, 0x8980, 0x897F, 0x89C1, 0x89D2, 0x278B2, 0x8BA0, 0x8D1D, 0x27FB7, 0x8F66, 0x8FB6, 0x8FB6, 0x8FB6, 0x9091, 0x9485,
    0x9577, 0x9578, 0x957F, 0x95E8, 0x28E0F, 0x961D, 0x96E8, 0x9752, 0x97E6, 0x9875, 0x98CE, 0x98DE, 0x98DF, 0x2967F, 0x98E0, 0x9963,
    0x29810, 0x9A6C, 0x9AA8, 0x9B3C, 0x9C7C, 0x9E1F, 0x5364, 0x9EA6, 0x9EC4, 0x9EFE, 0x6589, 0x9F50, 0x6B6F, 0x9F7F, 0x7ADC, 0x9F99,
    0x9F9C, 0x4E80, 0x9F9F,
)
_SUPPLEMENT_FOLD = {_SUPPLEMENT_FIRST + i: ideograph for i, ideograph in enumerate(_SUPPLEMENT) if ideograph}
#: A PDF ends with ``%%EOF``: where it is missing from the last KiB, the file was cut.
_EOF_MARK = b"%%EOF"
_EOF_WINDOW = 1024


# A library leaves logging to the application: without a handler of its own, pdfminer's
# warnings about fonts (one per character) would go to stderr through logging's last resort.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def _unradical(text: str) -> str:
    """Kangxi radicals and radical supplements → the ideographs they stand for.

    >>> _unradical("\u7b2c\u2f06\u2f17\u6761") == "\u7b2c\u4e8c\u5341\u6761"
    True
    >>> _unradical("\u4eba\u2ea0\u653f\u5e9c") == "\u4eba\u6c11\u653f\u5e9c"
    True
    """
    text = text.translate(_SUPPLEMENT_FOLD)
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


def _decorations(edges: Sequence[dict[str, Any]], chars: Sequence[Char]) -> list[dict[str, Any]]:
    """The horizontal segments that underline text rather than rule a table: a segment lying
    just beneath characters (:data:`UNDERLINE_GAP`) whose ends meet no vertical rule
    (:data:`RULE_REACH`). LibreOffice underlines each line of a wrapped cell this way; read as
    rules, they would cut the cell into one row per line.

    >>> v = [_edge(10, 0, 10, 50), _edge(60, 0, 60, 50)]
    >>> under = _edge(12, 20, 58, 20)
    >>> chars = [{"text": "a", "x0": 12.0, "x1": 20.0, "top": 10.0, "bottom": 19.0, "size": 9.0}]
    >>> _decorations(v + [under, _edge(10, 50, 60, 50)], chars) == [under]
    True
    """
    verticals = [e for e in edges if e["orientation"] == "v"]
    found = []
    for e in edges:
        if e["orientation"] != "h":
            continue
        y = float(e["top"])
        ends = (float(e["x0"]), float(e["x1"]))
        meets = any(
            abs(float(v["x0"]) - x) <= RULE_REACH and float(v["top"]) - RULE_REACH <= y <= float(v["bottom"]) + RULE_REACH
            for v in verticals for x in ends
        )
        if meets:
            continue
        if any(
            ends[0] <= (float(c["x0"]) + float(c["x1"])) / 2 <= ends[1]
            and 0.0 <= y - float(c["bottom"]) <= UNDERLINE_GAP * max(float(c.get("size") or 0.0), 1.0)
            for c in chars
        ):
            found.append(e)
    return found


#: Per orientation of a rule: its position across, and its start and end along.
_AXES = {"v": ("x0", "top", "bottom"), "h": ("top", "x0", "x1")}


def _along(orientation: str, pos: float, lo: float, hi: float) -> dict[str, Any]:
    """A rule of ``orientation`` at ``pos`` across, from ``lo`` to ``hi`` along."""
    return _edge(pos, lo, pos, hi) if orientation == "v" else _edge(lo, pos, hi, pos)


def _covered(rules: Sequence[dict[str, Any]], orientation: str, at: float, lo: float, hi: float) -> bool:
    """Whether ``rules`` of ``orientation`` at ``at`` across cover :data:`CLOSED_SHARE` of ``lo``…``hi``."""
    pos, start, end = _AXES[orientation]
    spans = sorted(
        (max(lo, float(e[start])), min(hi, float(e[end]))) for e in rules
        if abs(float(e[pos]) - at) <= GRID_TOLERANCE and float(e[end]) > lo and float(e[start]) < hi
    )
    covered, reach = 0.0, lo
    for a, b in spans:
        if b > reach:
            covered += b - max(a, reach)
            reach = b
    return covered >= CLOSED_SHARE * (hi - lo)


def _joined(rules: Sequence[dict[str, Any]], orientation: str) -> list[dict[str, Any]]:
    """Rules of ``orientation`` with the pieces of one line joined: Chromium draws a cell's
    sides one piece per cell, so a merged cell's side ends at every row boundary it crosses;
    only where the joined line ends does a border end.

    >>> [(e["top"], e["bottom"]) for e in _joined([_edge(10, 0, 10, 20), _edge(10, 20.5, 10, 50), _edge(60, 0, 60, 50)], "v")]
    [(0.0, 50.0), (0.0, 50.0)]
    """
    pos, start, end = _AXES[orientation]
    lines: list[list[dict[str, Any]]] = []
    for e in sorted(rules, key=lambda e: float(e[pos])):
        if lines and float(e[pos]) - float(lines[-1][-1][pos]) < AXIS_TOLERANCE:
            lines[-1].append(e)
        else:
            lines.append([e])
    joined: list[dict[str, Any]] = []
    for line in lines:
        at = float(line[0][pos])
        lo = hi = None
        for e in sorted(line, key=lambda e: float(e[start])):
            if lo is None or hi is None or float(e[start]) > hi + EDGE_END_TOLERANCE:
                if lo is not None and hi is not None:
                    joined.append(_along(orientation, at, lo, hi))
                lo, hi = float(e[start]), float(e[end])
            else:
                hi = max(hi, float(e[end]))
        if lo is not None and hi is not None:
            joined.append(_along(orientation, at, lo, hi))
    return joined


def _closing_edges(edges: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules closing a table left open: wherever two vertical rules or more end (or start)
    at the same height and no horizontal rule runs there (a page break cut the table), a
    horizontal one from the leftmost of them to the rightmost; and wherever two horizontal
    rules or more end (or start) at the same x and no vertical rule runs there (Chromium
    leaves out the right border of a table reaching the page's margin), a vertical one from
    the topmost to the bottommost.

    >>> v = [_edge(10, 0, 10, 50), _edge(60, 0, 60, 50)]
    >>> [(e["x0"], e["top"], e["x1"]) for e in _closing_edges(v)]
    [(10.0, 0.0, 60.0), (10.0, 50.0, 60.0)]
    >>> _closing_edges(v + [_edge(10, 50, 60, 50), _edge(10, 0, 60, 0)])
    []
    >>> h = [_edge(10, 0, 60, 0), _edge(10, 50, 60, 50), _edge(10, 0, 10, 50)]
    >>> [(e["x0"], e["top"], e["bottom"]) for e in _closing_edges(h)]
    [(60.0, 0.0, 50.0)]
    """
    added: list[dict[str, Any]] = []
    for orientation, across in (("v", "h"), ("h", "v")):
        rules = _joined([e for e in edges if e["orientation"] == orientation], orientation)
        others = [e for e in edges if e["orientation"] == across]
        pos, start, end = _AXES[orientation]
        for side in (start, end):
            groups: list[list[dict[str, Any]]] = []
            for e in sorted(rules, key=lambda e: float(e[side])):
                if groups and float(e[side]) - float(groups[-1][-1][side]) <= EDGE_END_TOLERANCE:
                    groups[-1].append(e)
                else:
                    groups.append([e])
            for group in groups:
                if len(group) < 2:
                    continue
                at = float(group[-1][side] if side == end else group[0][side])
                lo, hi = float(min(e[pos] for e in group)), float(max(e[pos] for e in group))
                if hi - lo <= GRID_TOLERANCE:
                    continue
                # A page break leaves a table's bottom open where its column rules stop; a
                # missing side is missing whole: where a side rule runs part of the way, the
                # rows ending there end at a merged cell, which no closing rule may cut.
                if orientation == "v" and not _covered(others, across, at, lo, hi):
                    added.append(_along(across, at, lo, hi))
                elif orientation == "h" and not any(
                    abs(float(e["x0"]) - at) <= GRID_TOLERANCE and float(e["bottom"]) > lo and float(e["top"]) < hi for e in others
                ):
                    added.append(_along(across, at, lo, hi))
    return added


# --- tables ------------------------------------------------------------------------------


@dataclass
class _Table:
    """A table read from a page: its 1-based page, box, grid, each cell's box and its
    column bounds (``xs``: the grid's vertical lines, left to right; empty when the table
    was found from word positions)."""

    page: int
    box: Box
    grid: list[list[GridCell]]
    cell_boxes: dict[int, Box] = field(default_factory=dict)
    xs: list[float] = field(default_factory=list)

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


def _grid_of(boxes: Sequence[Box], chars: Sequence[Char], ids: _Ids) -> tuple[list[list[GridCell]], dict[int, Box], list[float]] | None:
    """Cell boxes and the characters inside the table → the grid, each cell's box and the
    column bounds (None when the boxes make no grid within :data:`MAX_GRID_LINES`)."""
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
    return grid, cell_boxes, xs


def _is_grid(grid: list[list[GridCell]]) -> bool:
    """Whether a grid has a data table's shape (two rows or more with text, one of them of
    two cells or more with text; or one row of :data:`MIN_ROW_VALUES` values or more, or of
    a label and its values: the last row of a table, alone on the page after a break, a
    one-value-column table's as well) rather than a frame around a paragraph.

    >>> row = lambda *texts: [GridCell(t, True, i) for i, t in enumerate(texts)]
    >>> _is_grid([row("收费", "4166.24")]), _is_grid([row("1", "2")]), _is_grid([row("联系", "电话")]), _is_grid([row("7")])
    (True, True, False, False)
    """
    rows = [[s.text for s in row if s.origin and s.text] for row in grid]
    rows = [r for r in rows if r]
    if any(sum(1 for t in r if is_value(t)) >= MIN_ROW_VALUES for r in rows):
        return True
    if any(len(r) >= 2 and all(is_value(t) for t in r[1:]) for r in rows):
        return True  # a label and its values
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
            table = _Table(number, box, *made)
            _join_covered_rows(table)
            tables.append(table)
    return sorted(tables, key=lambda t: (t.box[1], t.box[0]))


def _join_covered_rows(table: _Table) -> None:
    """Rows that hold no value cell of their own join the row above: when every slot of a
    row from the first value of the row above on is covered by that row's cells (the value
    cells span both), the rule between them cuts only label cells: the lines of one wrapped
    label (a generator that rules its lines) or a label printed over two rows of one value.
    Either way the row's values are the row above's; read as a row of its own, its blank
    slots would read as empty cells."""
    grid = table.grid
    r = 1
    while r < len(grid):
        above, row = grid[r - 1], grid[r]
        labels = _label_columns(table, r - 1)
        values = range(labels, min(len(row), len(above)))
        if labels == 0 or not values or not all(
            not row[c].origin and row[c].cell_id >= 0 and row[c].cell_id == above[c].cell_id for c in values
        ):
            r += 1
            continue
        for c in range(min(labels, len(row))):
            slot, top = row[c], above[c]
            if not slot.origin or slot.cell_id < 0 or slot.cell_id == top.cell_id:
                continue
            if top.cell_id < 0:  # no cell above: this one takes the slot above
                above[c] = slot
                continue
            text = _join_lines([top.text, slot.text])
            merged = GridCell(text, False, top.cell_id)
            for other in grid:
                for k, s in enumerate(other):
                    if s.cell_id == top.cell_id:
                        other[k] = s._replace(text=text)
                    elif s.cell_id == slot.cell_id:
                        other[k] = merged
            a, b = table.cell_boxes.get(top.cell_id), table.cell_boxes.pop(slot.cell_id, None)
            if a is not None and b is not None:
                table.cell_boxes[top.cell_id] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
        del grid[r]


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
    decorations = {id(e) for e in _decorations(edges, chars)}
    if decorations:
        edges = [e for e in edges if id(e) not in decorations]
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
    """The label keys of ``kind``'s rows, row groups and columns in every registered
    template (a cut cell is a row label or a header cell)."""
    kinds = TABLE_KINDS if kind is None else (kind,)
    found: dict[str, None] = {}
    for template in TEMPLATES.values():
        for k in kinds:
            table = template.table(k)
            for row in table.rows:
                for stem in row.stems:
                    found.setdefault(label_key(stem), None)
                if row.group:
                    found.setdefault(label_key(row.group), None)
            for column in table.columns:
                for stem in column.stems:
                    found.setdefault(label_key(stem), None)
    return tuple(n for n in found if n)


def _named(text: str, names: tuple[str, ...]) -> int:
    """The length of the longest of ``names`` inside ``text`` (0: it names none)."""
    key = label_key(text)
    return max((len(n) for n in names if n in key), default=0) if key else 0


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
    (see the module doc); header cells too, when the break cuts the header (a row without
    values is all labels)."""
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
        if _named(joined, names) > max(_named(above.text, names), _named(slot.text, names)):
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


def _on_columns(row: list[GridCell], xs: Sequence[float], union: Sequence[float]) -> list[GridCell]:
    """A grid row whose columns are bounded by ``xs`` → the same row on the finer columns
    ``union`` (every bound of ``xs`` is one of them): a slot cut in several stays one cell,
    spanning them (its origin on the first), as a span does; a column outside ``xs`` is an
    empty slot.

    >>> a, b = GridCell("a", True, 1), GridCell("b", True, 2)
    >>> [(s.text, s.origin) for s in _on_columns([a, b], [0, 20, 40], [0, 10, 20, 40])]
    [('a', True), ('a', False), ('b', True)]
    """
    out: list[GridCell] = []
    previous = -1
    for left, right in zip(union, union[1:]):
        c = bisect_right(xs, (left + right) / 2) - 1
        if c < 0 or c >= min(len(row), len(xs) - 1):
            out.append(GridCell("", False, -1))
        else:
            slot = row[c]
            out.append(slot if c != previous else slot._replace(origin=False))
        previous = c
    return out


def _rectangular(kind: TableKind, grid: list[list[GridCell]], caption: str | None, columns: dict[int, list[float]]) -> TableRows:
    """:func:`~gkparse.read.grid.segment_to_rows` on a part's rows made one width: a part
    continued across pages may join tables whose rulings give different column counts
    (Chromium cuts a merged cell into rows, so a page may lack a column line another page
    has). Rows whose tables' column bounds are known (``columns``: a row's ``id`` → its
    table's ``xs``) are matched by x-position on the union of those bounds; otherwise the
    shorter rows get empty uncovered slots at their end."""
    bounds = [columns.get(id(row)) for row in grid]
    known = [xs for xs in bounds if xs]
    if known and len(known) == len(grid) and any(xs != known[0] for xs in known):
        union = _bounds(x for xs in known for x in xs)
        if len(union) <= MAX_GRID_LINES:
            grid = [_on_columns(row, xs, union) for row, xs in zip(grid, known)]
    width = max((len(row) for row in grid), default=0)
    empty = GridCell("", False, -1)
    return segment_to_rows(kind, [row + [empty] * (width - len(row)) if len(row) < width else row for row in grid], caption)


def _row_line(texts: list[str]) -> str:
    return " ".join(t for t in texts if t)


def _pages_of(data: bytes, source: str | None) -> tuple[list[_PageItems], int, int]:
    """Open the PDF and read every page (up to :data:`MAX_PAGES`): the pages' items, their
    characters and the PDF's page count. Every failure of the PDF stack becomes an
    :class:`UnreadableDocumentError`."""
    import pdfplumber  # deferred: pdfminer's import costs ~100 ms, and most inputs are HTML

    ids = _Ids()
    items: list[_PageItems] = []
    chars = 0
    total = 0
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages
            if not pages:
                raise UnreadableDocumentError("the PDF has no pages", source=source)
            total = len(pages)
            for number, page in enumerate(pages[:MAX_PAGES], 1):
                page_items, count = _read_page(page, number, ids)
                items.append(page_items)
                chars += count
                page.close()  # frees the page's parsed objects
    except GkparseError:
        raise
    except MemoryError:
        raise  # the batch records it as such (and --resume tries again)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises anything on broken input (see _reason)
        raise UnreadableDocumentError(f"the PDF cannot be read: {_reason(exc)}", source=source) from exc
    return items, chars, total


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
    items, chars, total = _pages_of(data, source)
    if chars == 0:
        raise NoTextLayerError(
            f"the PDF's {len(items)} page(s) read{f' (of {total})' if total > len(items) else ''} hold no text:"
            " a scan with no text layer, or pages with nothing on them."
            " Add one with OCR first (ocrmypdf --language chi_sim in.pdf out.pdf) and parse the result",
            source=source,
        )
    page = _assemble(items)
    if total > MAX_PAGES:
        page.issues.append(Issue(
            rule="pages-not-read", severity="warning",
            message=f"the PDF has {total} pages; pages {MAX_PAGES + 1}–{total} were not read (MAX_PAGES)",
        ))
    return page


def _assemble(items: list[_PageItems]) -> Page:
    """Pages' lines and tables → the :class:`Page` (tables through one segmenter)."""
    page = Page(form="pdf")
    columns: dict[int, list[float]] = {}  # a grid row's id → its table's column bounds
    segmenter = Segmenter(lambda kind, grid, caption: _rectangular(kind, grid, caption, columns))
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
                if table.xs:
                    columns[id(row)] = table.xs
                segmenter.row(row)
                if r == skip:
                    kind = segmenter.current
            box = (round(table.box[0], 2), round(table.box[1], 2), round(table.box[2], 2), round(table.box[3], 2))
            page.regions.append(Region(kind, table.page, box))  # hundredths of a point: enough to find a cell
            previous = table
    page.tables = segmenter.finish()
    page.body = "\n".join(body)
    page.meta_lines = [line for line in meta if line]
    # A printed web page puts its site's chrome first: the title may open page 2 or 3.
    candidates = [t for item in items[:TITLE_PAGES] for t in _title_candidates(item.lines)]
    page.title_candidates = list(dict.fromkeys(candidates + page.meta_lines[:TITLE_SCAN_LINES]))
    return page


def _title_candidates(lines: list[_Line]) -> list[str]:
    """A page's first run of lines in its largest font (the title), joined, then each, then
    the page's first :data:`TITLE_LINES` lines."""
    if not lines:
        return []
    largest = max(line.size for line in lines)  # anywhere on the page: site chrome may come first
    run: list[str] = []
    for line in lines:
        if line.size >= largest - TITLE_SIZE_TOLERANCE:
            run.append(line.text)
        elif run:
            break
    found = ([_join_lines(run)] if len(run) > 1 else []) + run + [line.text for line in lines[:TITLE_LINES]]
    return list(dict.fromkeys(found))
