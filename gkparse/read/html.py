"""HTML document → :class:`~gkparse.document.Page`: body, title, metadata, table rows.

The page is decoded by :mod:`gkparse.decode` and handed to lxml as text; BeautifulSoup is
only a fallback for markup lxml refuses. The article body is found with the site profiles
of :mod:`gkparse.profiles`, tables are expanded with :mod:`gkparse.tablegrid` and cut into
the report's parts by their labels, never by position.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from .. import vocabulary as vocab
from ..errors import EmptyInputError
from ..grammar import is_value
from ..normalize import label_key
from ..templates import TEMPLATES, TableKind
from .page import LabeledRow, Page, TableRows
from .profiles import body_xpaths
from .tablegrid import GridCell, cell_text, expand_table

__all__ = ["read_html", "looks_like_html"]

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_HTML_HINT = re.compile(r"<(?:!doctype|html|head|body|table|p|div|meta|span|td|tr|br)\b", re.IGNORECASE)
_NO_SPACE = {ord(c): None for c in " \t\r\n\u3000\u00a0"}
_SKIP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button")
_BLOCK = {
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "header", "footer", "center",
    "form", "hr", "title",
}
_CELL = {"td", "th"}

#: How much of a document is looked at to tell markup from a text dump.
SNIFF_CHARS = 4096
#: Label stems shorter than this match inside unrelated words (其他, 总计) when deciding
#: whether a table row is a data row.
MIN_ROW_STEM = 3
#: A title printed in the body is among its first lines.
TITLE_BODY_LINES = 6
#: Body candidates need at least this many report markers to beat the page's <body>.
MIN_BODY_MARKERS = 2


class _Cues:
    """What the registered templates print that locates the report's tables in a page.

    Built once per set of registered templates (a template registered later is seen)."""

    def __init__(self) -> None:
        self.key: tuple[int, ...] = ()

    def refresh(self) -> _Cues:
        key = tuple(id(t) for t in TEMPLATES.values())
        if key == self.key:
            return self
        self.key = key
        tables = [t.table(kind) for t in TEMPLATES.values() for kind in ("disclosure", "requests", "appeals")]

        def union(kind: str, attr: str) -> tuple[str, ...]:
            return tuple(dict.fromkeys(label_key(x) for t in tables if t.kind == kind for x in getattr(t, attr)))

        self.starts = {kind: union(kind, "starts") for kind in ("disclosure", "requests", "appeals")}
        self.appeals_excludes = union("appeals", "start_excludes")
        self.value_headers = union("appeals", "value_header_stems")
        self.header_first = tuple(dict.fromkeys(label_key(t.header_first) for t in tables if t.header_first))
        self.row_stems = {
            kind: tuple(dict.fromkeys(s for t in tables if t.kind == kind for row in t.rows for s in row.stems if len(s) >= MIN_ROW_STEM))
            for kind in ("disclosure", "requests")
        }
        self.row_stems["appeals"] = ()
        anchors = [x for x in self.starts["disclosure"] + self.starts["requests"]]
        self.report_table = etree.XPath(
            "(//table[" + " or ".join(f"contains(., '{a}')" for a in anchors) + "])[1]"
        )
        return self


_CUES = _Cues()


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is markup rather than a text dump.

    >>> looks_like_html("<p>一、总体情况</p>"), looks_like_html("一、总体情况\\n规章 0 0 0")
    (True, False)
    """
    head = text[:SNIFF_CHARS]
    tags = len(_HTML_HINT.findall(head))
    return (tags >= 1 and head.lstrip()[:1] == "<") or tags >= 3


def _parse_tree(text: str, source: str | None) -> etree._Element:
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        root = None
    if root is None or not len(root):
        from bs4 import BeautifulSoup  # lenient fallback, only for markup lxml refuses

        repaired = str(BeautifulSoup(text, "html.parser"))
        try:
            root = lxml.html.document_fromstring(repaired)
        except (etree.ParserError, ValueError):
            raise EmptyInputError("the HTML has no content", source=source) from None
    for bad in root.xpath("//" + " | //".join(_SKIP_TAGS)):
        bad.drop_tree()
    for comment in root.xpath("//comment()"):
        parent = comment.getparent()
        if parent is not None:
            comment.drop_tree() if hasattr(comment, "drop_tree") else parent.remove(comment)
    return root


def _marker_score(text: str) -> int:
    key = text.translate(_NO_SPACE)
    return sum(marker in key for marker in vocab.BODY_MARKERS)


def _ancestor_form(xpath: str) -> str:
    """``//*[p]`` → ``ancestor-or-self::*[p]``: the same test, on an anchor's ancestors only."""
    return "ancestor-or-self::" + xpath[2:] if xpath.startswith("//") else xpath


# Compiled once. Body candidates are looked for among the ancestors of the first report
# table (a short axis) and over the whole page only when the page has no such table.
_BODY_XPATHS = tuple(etree.XPath(x) for x in body_xpaths())
_BODY_ANCESTOR_XPATHS = tuple(etree.XPath(_ancestor_form(x)) for x in body_xpaths())


def _find_body(root: etree._Element) -> etree._Element:
    anchor = _CUES.refresh().report_table(root)
    xpaths = _BODY_ANCESTOR_XPATHS if anchor else _BODY_XPATHS
    start = anchor[0] if anchor else root
    best: tuple[int, int, etree._Element] | None = None
    seen: set[int] = set()
    for xpath in xpaths:
        for element in xpath(start):
            if id(element) in seen or not isinstance(element.tag, str):
                continue
            seen.add(id(element))
            text = element.text_content()
            score = _marker_score(text)
            if score == 0:
                continue
            # More markers first; among equals the tightest element (least chrome).
            rank = (score, -len(text))
            if best is None or rank > best[:2]:
                best = (score, -len(text), element)
    if best is not None and best[0] >= MIN_BODY_MARKERS:
        return best[2]
    body = root.find("body")
    return body if body is not None else root


def _mark_breaks(root: etree._Element) -> None:
    """Give block elements and cells a line break / space in their tail, so that lxml's C
    text serialiser yields the page's visible lines (much faster than a Python walk)."""
    for element in root.iter(*_BLOCK):
        element.tail = "\n" + (element.tail or "")
        if element.tag in ("br", "hr"):
            continue
        element.text = "\n" + (element.text or "")
    for cell in root.iter(*_CELL):
        cell.tail = " " + (cell.tail or "")


_STRING = etree.XPath("string()")


def _marked_cell_text(cell: etree._Element) -> str:
    """A cell's text once :func:`_mark_breaks` has run (nested tables: the general reader)."""
    if cell.find(".//table") is not None:
        return cell_text(cell)
    return " ".join(_STRING(cell).split())


def _lines(element: etree._Element) -> list[str]:
    """The element's visible text as lines (after :func:`_mark_breaks`)."""
    text = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return [line for line in (" ".join(raw.split()) for raw in text.split("\n")) if line]


def _title_candidates(root: etree._Element, body_lines: list[str]) -> list[str]:
    found: list[str] = []
    for name in ("ArticleTitle", "articletitle", "title", "og:title", "DC.Title"):
        for value in root.xpath(f"//meta[@name='{name}' or @property='{name}']/@content"):
            found.append(str(value))
    for heading in root.xpath("//h1 | //h2 | //*[contains(@class,'title')]"):
        found.append(heading.text_content())
    title = root.find(".//title")
    if title is not None and title.text:
        found.append(title.text)
        found.extend(re.split(r"\s*[_|｜]\s*|\s+-\s+", title.text))
    found.extend(body_lines[:TITLE_BODY_LINES])
    return [" ".join(t.split()) for t in found if t and t.strip()]


# --- tables ----------------------------------------------------------------------------


def _is_data_row(texts: list[str], row_stems: tuple[str, ...]) -> bool:
    if any(is_value(t) for t in texts if t):
        return True
    key = label_key(" ".join(texts))
    return any(stem in key for stem in row_stems)


def _segment_to_rows(kind: TableKind, grid: list[list[GridCell]], caption: str | None) -> TableRows:
    """One part's grid rows → labelled rows with one token per logical column."""
    width = max((len(r) for r in grid), default=0)
    header_count = 0
    for row in grid:
        texts = [slot.text for slot in row if slot.origin]
        if _is_data_row(texts, _CUES.row_stems[kind]):
            break
        header_count += 1
    header, data = grid[:header_count], grid[header_count:]
    if kind == "disclosure" and header and not data:
        return TableRows(kind, [], None, caption)
    if header:
        leaf = header[-1]
        first = leaf[0]
        label_cols = 0
        if kind != "appeals" or not _names_value_column(first.text):
            while label_cols < width and leaf[label_cols].cell_id == first.cell_id:
                label_cols += 1
            if label_cols == width:  # a caption-like row: not a real header
                label_cols = 1
        groups: list[list[int]] = []
        for c in range(label_cols, width):
            if groups and leaf[c].cell_id == leaf[groups[-1][0]].cell_id and leaf[c].cell_id != -1:
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
            columns.append("/".join(stack))
    else:
        label_cols = 0
        for row in data:
            n = 0
            while n < len(row) and row[n].text and not is_value(row[n].text):
                n += 1
            label_cols = max(label_cols, n)
        groups = [[c] for c in range(label_cols, width)]
        columns = None
    rows: list[LabeledRow] = []
    for row in data:
        label_parts: list[str] = []
        for slot in row[:label_cols]:
            if slot.text and (not label_parts or label_parts[-1] != slot.text):
                label_parts.append(slot.text)
        tokens: list[str] = []
        for group in groups:
            seen: set[int] = set()
            texts = []
            for c in group:
                if c < len(row):
                    slot = row[c]
                    if slot.origin and slot.cell_id not in seen:
                        seen.add(slot.cell_id)
                        if slot.text:
                            texts.append(slot.text)
            tokens.append(" ".join(texts))
        if not label_parts and not any(tokens):
            continue
        rows.append(LabeledRow(" ".join(label_parts), tokens, glued=False))
    return TableRows(kind, rows, columns, caption)


def _names_value_column(text: str) -> bool:
    key = label_key(text)
    return any(stem in key for stem in _CUES.value_headers)


def _start_of(texts: list[str], current: TableKind | None, fresh: bool) -> TableKind | None:
    """The part a row starts, if any; ``fresh`` says the current part has no rows yet."""
    key = label_key(" ".join(texts))
    cues = _CUES
    if any(s in key for s in cues.starts["disclosure"]):
        return "disclosure"
    if key.startswith(cues.header_first) and (current != "disclosure" or not fresh):
        return "disclosure"  # a part 二 sub-table printed without its caption row
    if current != "requests" and any(s in key for s in cues.starts["requests"]):
        return "requests"
    if (
        current != "appeals"
        and any(s in key for s in cues.starts["appeals"])
        and not any(s in key for s in cues.appeals_excludes)
    ):
        return "appeals"
    return None


def _tables(body: etree._Element) -> list[TableRows]:
    tables = [
        t for t in body.iter("table")
        if not any(_marker_score(inner.text_content()) for inner in t.iterdescendants("table"))
    ]
    parts: list[TableRows] = []
    current: TableKind | None = None
    segment: list[list[GridCell]] = []
    caption: str | None = None

    def close() -> None:
        if current is not None and segment:
            parts.append(_segment_to_rows(current, segment, caption))

    for table in tables:
        grid = expand_table(table, _marked_cell_text)
        for row in grid:
            texts = [slot.text for slot in row if slot.origin]
            if not any(texts):
                continue
            start = _start_of(texts, current, fresh=not segment)
            if start is not None:
                close()
                current, segment = start, []
                is_caption = start == "disclosure" and not label_key(texts[0]).startswith(_CUES.header_first)
                caption = " ".join(t for t in texts if t) if is_caption else None
                if is_caption:
                    continue  # the caption row is not part of the grid
            if current is not None:
                segment.append(row)
        # A table boundary ends a part unless the next table has no start row of its own
        # (tables split across pages continue the current part).
    close()
    return parts


def read_html(text: str, *, source: str | None = None) -> Page:
    """Read decoded HTML into a :class:`Page`."""
    _CUES.refresh()
    root = _parse_tree(text, source)
    body = _find_body(root)
    page = Page(form="html")
    _mark_breaks(root)
    page.meta_lines = _lines(root)
    page.tables = _tables(body)
    for table in list(body.iter("table")):
        if table.getparent() is not None:
            table.drop_tree()  # keeps its tail text
    body_lines = _lines(body)
    page.body = "\n".join(body_lines)
    page.title_candidates = _title_candidates(root, body_lines)
    return page
