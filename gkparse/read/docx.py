"""Word documents → :class:`~gkparse.read.page.Page`: body, title, metadata lines, table rows.

``.docx`` (:func:`read_docx`) is opened with python-docx and read from its XML: the body's
children are walked in document order (``w:p`` paragraphs and ``w:tbl`` tables, through
content controls ``w:sdt`` and ``w:customXml`` wrappers), so that part headings, captions
and tables keep the order the Segmenter needs. The page has the HTML reader's contract:

* ``tables``: every table's rows as grid rows of :class:`~gkparse.read.tablegrid.GridCell`
  (as :func:`~gkparse.read.tablegrid.expand_table` gives them for HTML), fed in document
  order into one :class:`~gkparse.read.grid.Segmenter`. A logical cell is read once: a
  horizontal merge (``w:gridSpan``, or the legacy ``w:hMerge``) and a vertical one
  (``w:vMerge``: ``restart`` starts it, a bare ``w:vMerge`` or ``continue`` continues it)
  give repeated slots with the same ``cell_id``, ``origin=False`` on the covered ones.
  ``w:gridBefore`` / ``w:gridAfter`` leave uncovered slots (``cell_id == -1``). A table
  nested in a cell is part of that cell's text (its non-empty innermost cells are also
  kept apart in :attr:`GridCell.boxes`), except in a *layout* table (one whose nested tables
  are data tables holding report markers): its cells' content is read as the body is.
* ``body``: the paragraphs outside tables, one line each (a line break inside a paragraph
  starts a new line), ``"\\n"``-joined.
* ``meta_lines``: metadata tables' label/value pairs (``索引号 | … | 发布机构 | …``) as
  ``label:value`` lines, then every line in document order, a table row being its cells'
  text joined by spaces (the template detector and the metadata reader read these).
* ``title_candidates``: paragraphs in a Title or Heading style (or with an outline level)
  first, then the first non-empty body lines, then the package's core title (last: a
  report copied from last year's file often keeps last year's title there).

What Word does not show is not read: deleted revisions (``w:del``, ``w:moveFrom``), hidden
runs (``w:vanish``) and the fallback copies of drawings (``mc:Fallback``, which repeat a
text box's text).

``.doc`` (:func:`read_doc`, the legacy binary format) is converted by a program found on
``PATH``: LibreOffice (``soffice --headless --convert-to docx``, then :func:`read_docx`),
else ``antiword`` (plain text: a page with text lines and no tables, which the pipeline
reads as a text dump).

Every failure to open raises :class:`~gkparse.errors.UnreadableDocumentError` naming the
source and the reason; no other exception type leaves these functions.
"""

from __future__ import annotations

import io
import itertools
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from .. import vocabulary as vocab
from ..errors import UnreadableDocumentError
from ..model.cells import Issue
from .grid import Segmenter
from .meta import label_value_lines, page_title_pieces
from .page import Page
from .sniff import OLE_MAGIC, ZIP_MAGIC
from .tablegrid import MAX_COLSPAN, GridCell

__all__ = [
    "read_docx", "read_doc", "expand_docx_table", "is_docx", "is_ole2", "MAX_UNPACKED_BYTES", "MAX_DOCUMENT_XML_BYTES",
    "MAX_PARAGRAPHS",
    "MAX_TABLES", "MAX_TABLE_ROWS", "MAX_CELLS", "MAX_GRID_COLUMNS", "CONVERT_TIMEOUT_SECONDS", "SOFFICE_NAMES",
]

# --- limits ---------------------------------------------------------------------------------

#: python-docx unpacks every part of the package into memory: a zip bomb is refused here.
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
#: The text part (word/document.xml) read at most: a report's is under 2 MiB (images are parts
#: of their own), and lxml holds some ten times the XML's size as a tree: 100 KB of zip can
#: unpack to a million paragraphs.
MAX_DOCUMENT_XML_BYTES = 16 * 1024 * 1024
#: A report is a few hundred paragraphs; paragraphs beyond this (a generated appendix) are not read.
MAX_PARAGRAPHS = 20_000
#: A report has about ten tables; later tables of a longer document (a data appendix) are not read.
MAX_TABLES = 200
#: Part 三, the longest report table, has about 30 rows; rows beyond this are not read.
MAX_TABLE_ROWS = 2_000
#: Bounds the grid work (and what the later stages get) over all tables together.
MAX_CELLS = 100_000
#: A row is never wider than HTML's widest colspan (a gridSpan bomb is clipped there).
MAX_GRID_COLUMNS = MAX_COLSPAN
#: A converter that has not finished a report-sized .doc in this time is stuck (a dialog, a loop).
CONVERT_TIMEOUT_SECONDS = 120
#: The names LibreOffice's command line is installed under.
SOFFICE_NAMES = ("soffice", "libreoffice")
#: Title candidates taken from the first body lines: more than HTML's six, as a Word file has no
#: <h1> and one saved from a web page keeps the site's navigation lines ahead of the title.
TITLE_BODY_LINES = 60
#: How a core title saved from a web page's <title> separates the article from the site's name.

# --- containers -----------------------------------------------------------------------------

#: An encrypted .docx is an OLE2 container with an ``EncryptedPackage`` stream (the
#: directory entry's name is UTF-16LE).
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_DOCUMENT_PART = "word/document.xml"


#: What zipfile raises on a damaged archive: a bad directory (BadZipFile, ValueError,
#: EOFError, OSError), an entry needing a newer zip version or a compression it lacks
#: (NotImplementedError), an encrypted entry (RuntimeError).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError)


def is_ole2(data: bytes) -> bool:
    """Whether ``data`` is an OLE2 compound file (a legacy .doc, or an encrypted .docx).

    >>> is_ole2(b"\\xd0\\xcf\\x11\\xe0\\xa1\\xb1\\x1a\\xe1" + bytes(8)), is_ole2(b"PK\\x03\\x04")
    (True, False)
    """
    return data[:8] == OLE_MAGIC


def is_docx(data: bytes) -> bool:
    """Whether ``data`` is a zip whose names include the main part of a Word document.

    Reads the zip's directory only (no part is unpacked).

    >>> buffer = io.BytesIO()
    >>> with zipfile.ZipFile(buffer, "w") as z:
    ...     z.writestr("word/document.xml", "<x/>")
    >>> is_docx(buffer.getvalue()), is_docx(b"PK\\x03\\x04 not a zip"), is_docx(b"<html>")
    (True, False, False)
    """
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _DOCUMENT_PART in archive.namelist()
    except _ZIP_ERRORS:
        return False


def _is_encrypted(data: bytes) -> bool:
    return is_ole2(data) and _ENCRYPTED_STREAM in data


# --- WordprocessingML -------------------------------------------------------------------------

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
}
_W = "{" + _NS["w"] + "}"
_P, _TBL, _TR, _TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
_T = _W + "t"
#: Elements whose children are read as if they stood in the element's place (content
#: controls and custom XML around paragraphs, tables, rows or cells).
_WRAPPERS = (_W + "sdt", _W + "sdtContent", _W + "customXml")
_VAL = _W + "val"

# The text nodes of an element, in document order, with the paragraph boundaries between
# them: run text, tabs and breaks (w:tab also names tab stops in w:pPr: only a run's counts).
# Deleted revisions, hidden runs (w:vanish) and the fallback copy of a drawing are what Word
# does not show.
_TEXT_NODES = etree.XPath(
    ".//w:p[not(ancestor::mc:Fallback)]"
    " | .//w:r[not(ancestor::w:del or ancestor::w:moveFrom or ancestor::mc:Fallback)]"
    "[not(w:rPr/w:vanish[not(@w:val='0' or @w:val='false')])]/*"
    "[self::w:t or self::w:tab or self::w:br or self::w:cr or self::w:noBreakHyphen]",
    namespaces=_NS,
)
_NESTED_TABLE = etree.XPath("boolean(.//w:tbl)", namespaces=_NS)
_NESTED_TABLES = etree.XPath(".//w:tbl", namespaces=_NS)
# The innermost cells of the tables nested in a cell (cells holding no cell).
_INNER_CELLS = etree.XPath(".//w:tbl//w:tc[not(.//w:tc)]", namespaces=_NS)


def _text(element: etree._Element, *, breaks: str) -> str:
    """The text Word shows in ``element``: run text, tabs as spaces, line breaks and the
    boundaries of nested paragraphs as ``breaks``."""
    parts: list[str] = []
    for node in _TEXT_NODES(element):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _P or tag.endswith("}br") or tag.endswith("}cr"):
            parts.append(breaks)
        elif tag.endswith("}noBreakHyphen"):
            parts.append("-")
        else:  # a tab
            parts.append(" ")
    return "".join(parts)


def _squash(text: str) -> str:
    """Whitespace collapsed to single spaces, ends stripped (as HTML cell text is).

    >>> _squash(" 商业\\n 企业\\u3000 ")
    '商业 企业'
    """
    return " ".join(text.split())


def _paragraph_lines(p: etree._Element) -> list[str]:
    """A body paragraph's non-empty lines (a line break inside it starts a new one)."""
    return [line for line in (_squash(raw) for raw in _text(p, breaks="\n").split("\n")) if line]


def _cell_text(tc: etree._Element) -> str:
    """A cell's text on one line: its paragraphs (a nested table's too) separated by spaces."""
    return _squash(_text(tc, breaks=" "))


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """``parent``'s children named ``tag``, in order, looking through wrapper elements."""
    stack = [iter(parent)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            stack.append(iter(child))


def _blocks(parent: etree._Element) -> Iterator[etree._Element]:
    """``parent``'s paragraphs and tables in document order, looking through wrappers."""
    stack = [iter(parent)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag in (_P, _TBL):
            yield child
        elif child.tag in _WRAPPERS:
            stack.append(iter(child))


def _number(element: etree._Element | None, default: int) -> int:
    """An element's ``w:val`` as a non-negative integer; ``default`` when absent or not one.

    >>> from lxml import etree
    >>> _number(etree.fromstring(f'<x xmlns:w="{_NS["w"]}" w:val="3"/>'), 1), _number(None, 1)
    (3, 1)
    >>> _number(etree.fromstring(f'<x xmlns:w="{_NS["w"]}" w:val="-2"/>'), 1)
    1
    """
    if element is None:
        return default
    value = (element.get(_VAL) or "").strip()
    return int(value) if value.isdigit() else default


def _property(element: etree._Element, props: str, name: str) -> etree._Element | None:
    """``element/w:<props>/w:<name>`` (a cell's tcPr or a row's trPr child), or None."""
    holder = element.find(_W + props)
    return holder.find(_W + name) if holder is not None else None


def _merge(tc: etree._Element, name: str) -> str | None:
    """A cell's ``w:vMerge`` or ``w:hMerge``: ``"restart"``, ``"continue"`` (a bare
    element continues) or None."""
    element = _property(tc, "tcPr", name)
    if element is None:
        return None
    return "restart" if element.get(_VAL) == "restart" else "continue"


_EMPTY = GridCell("", False, -1)


def _boxes(tc: etree._Element) -> tuple[str, ...]:
    """The non-empty innermost cells of the tables nested in ``tc`` when there are several
    (see :attr:`GridCell.boxes`)."""
    texts = [text for inner in _INNER_CELLS(tc) for text in (_cell_text(inner),) if text]
    return tuple(texts) if len(texts) > 1 else ()


class _Budget:
    """What is left of the limits while one document is read."""

    def __init__(self) -> None:
        self.paragraphs = MAX_PARAGRAPHS
        self.tables = MAX_TABLES
        self.cells = MAX_CELLS
        self.cut: dict[str, None] = {}  # the limits reached: what was not read

    def reached(self, limit: str) -> None:
        self.cut[limit] = None


def expand_docx_table(tbl: etree._Element, ids: Iterator[int], budget: _Budget | None = None) -> list[list[GridCell]]:
    """A ``w:tbl`` as a grid: one list of :class:`GridCell` per row, every row as wide as the
    widest (slots no cell covers are ``GridCell("", False, -1)``).

    A cell spanning ``w:gridSpan`` columns fills that many slots; a ``w:vMerge`` continuing
    a merge open in the same column of the row above repeats that merge's slots (its own
    content, which Word does not show, is ignored); a ``w:vMerge`` with no merge above
    starts one. Cell ids come from ``ids`` (one counter per document keeps them unique
    across tables).
    """
    budget = budget or _Budget()
    grid: list[list[GridCell]] = []
    open_merges: dict[int, GridCell] = {}  # grid column → the covering slot of a vertical merge open there
    rows = _children(tbl, _TR)
    for number, tr in enumerate(rows):
        if number >= MAX_TABLE_ROWS:
            budget.reached(f"rows past {MAX_TABLE_ROWS:,} in a table (MAX_TABLE_ROWS)")
            break
        if budget.cells <= 0:
            budget.reached(f"table cells past {MAX_CELLS:,} (MAX_CELLS)")
            break
        row: list[GridCell] = [_EMPTY] * min(_number(_property(tr, "trPr", "gridBefore"), 0), MAX_GRID_COLUMNS)
        still_open: dict[int, GridCell] = {}
        last: GridCell | None = None  # the covering slot of this row's previous cell (for hMerge)
        for tc in _children(tr, _TC):
            x = len(row)
            span = min(max(_number(_property(tc, "tcPr", "gridSpan"), 1), 1), MAX_GRID_COLUMNS - x)
            if span <= 0:
                break
            budget.cells -= span
            vmerge = _merge(tc, "vMerge")
            above = open_merges.get(x)
            if vmerge == "continue" and above is not None:
                row.extend([above] * span)
                still_open[x] = last = above
                continue
            if _merge(tc, "hMerge") == "continue" and last is not None:
                row.extend([last] * span)  # legacy horizontal merge: part of the previous cell
                continue
            boxes = _boxes(tc) if _NESTED_TABLE(tc) else ()
            origin = GridCell(_cell_text(tc), True, next(ids), boxes)
            last = origin._replace(origin=False)
            row.append(origin)
            row.extend([last] * (span - 1))
            if vmerge is not None:  # restart, or a continue with nothing open above: a merge starts here
                still_open[x] = last
        row.extend([_EMPTY] * min(_number(_property(tr, "trPr", "gridAfter"), 0), MAX_GRID_COLUMNS - len(row)))
        open_merges = still_open
        grid.append(row)
    width = max((len(row) for row in grid), default=0)
    return [row + [_EMPTY] * (width - len(row)) for row in grid]


def _is_data_table(tbl: etree._Element) -> bool:
    """Whether a table has the shape of a data table (two rows or more, one of two cells
    or more) rather than of a wrapper around a cell's text."""
    rows = list(_children(tbl, _TR))
    return len(rows) >= 2 and any(sum(1 for _ in _children(row, _TC)) >= 2 for row in rows)


def _has_markers(element: etree._Element) -> bool:
    return vocab.body_markers(_text(element, breaks="")) > 0


def _is_layout(tbl: etree._Element) -> bool:
    """Whether ``tbl`` only lays out the document: a table nested in it is a data table
    holding report markers (then that table is read as a table of its own)."""
    return any(_is_data_table(inner) and _has_markers(inner) for inner in _NESTED_TABLES(tbl))


# --- the document -----------------------------------------------------------------------------


class _Reader:
    """One walk of a document's body, filling the page's parts in document order."""

    def __init__(self, heading_styles: frozenset[str]) -> None:
        self.heading_styles = heading_styles
        self.segmenter = Segmenter()
        self.ids = itertools.count()
        self.budget = _Budget()
        self.body: list[str] = []
        self.lines: list[str] = []
        self.pairs: list[str] = []
        self.headings: list[str] = []

    def walk(self, parent: etree._Element) -> None:
        for block in _blocks(parent):
            if block.tag == _P:
                self.paragraph(block)
            elif _is_layout(block):
                for tr in _children(block, _TR):  # a layout table's cells are read as the body is
                    for tc in _children(tr, _TC):
                        self.walk(tc)
            else:
                self.table(block)

    def paragraph(self, p: etree._Element) -> None:
        if self.budget.paragraphs <= 0:
            self.budget.reached(f"paragraphs past {MAX_PARAGRAPHS:,} (MAX_PARAGRAPHS)")
            return
        self.budget.paragraphs -= 1
        lines = _paragraph_lines(p)
        self.body.extend(lines)
        self.lines.extend(lines)
        if lines and self.is_heading(p):
            self.headings.append(" ".join(lines))

    def is_heading(self, p: etree._Element) -> bool:
        """A paragraph in a Title or Heading style, or with an outline level of its own."""
        if _property(p, "pPr", "outlineLvl") is not None:
            return True
        style = _property(p, "pPr", "pStyle")
        return style is not None and style.get(_VAL) in self.heading_styles

    def table(self, tbl: etree._Element) -> None:
        if self.budget.tables <= 0:
            self.budget.reached(f"tables past {MAX_TABLES:,} (MAX_TABLES)")
            return
        self.budget.tables -= 1
        for row in expand_docx_table(tbl, self.ids, self.budget):
            self.segmenter.row(row)
            texts = [slot.text for slot in row if slot.origin]
            line = " ".join(t for t in texts if t)
            if line:
                self.lines.append(line)
                self.pairs.extend(label_value_lines(texts))


def _heading_styles(document: object) -> frozenset[str]:
    """The style ids of the document's title and heading styles: named ``Title`` or
    ``heading N`` (Word writes built-in names in English whatever the UI language), or
    giving their paragraphs an outline level."""
    found: set[str] = set()
    styles = getattr(document, "styles", None)
    root = getattr(styles, "element", None)
    if root is None:
        return frozenset()
    for style in root.iterchildren(_W + "style"):
        style_id = style.get(_W + "styleId")
        name_element = style.find(_W + "name")
        name = (name_element.get(_VAL) or "").lower() if name_element is not None else ""
        if style_id and (name in ("title", "subtitle") or name.startswith("heading") or _property(style, "pPr", "outlineLvl") is not None):
            found.add(style_id)
    return frozenset(found)


def _open_docx(data: bytes, source: str | None) -> object:
    """The python-docx ``Document`` of ``data``; :class:`UnreadableDocumentError` for
    anything that is not an intact, unencrypted .docx."""
    if _is_encrypted(data):
        raise UnreadableDocumentError("the Word document is encrypted (password-protected): save a copy without a password", source=source)
    if is_ole2(data):
        raise UnreadableDocumentError("a legacy Word (.doc) file, not .docx: read it with read_doc", source=source)
    if not data.startswith(ZIP_MAGIC):
        raise UnreadableDocumentError("not a .docx file (no zip container)", source=source)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except _ZIP_ERRORS as exc:
        raise UnreadableDocumentError(f"damaged .docx: the zip cannot be read ({exc})", source=source) from None
    if _DOCUMENT_PART not in {info.filename for info in infos}:
        raise UnreadableDocumentError(f"not a Word document: the zip holds no {_DOCUMENT_PART}", source=source)
    document_xml = next(info.file_size for info in infos if info.filename == _DOCUMENT_PART)
    if document_xml > MAX_DOCUMENT_XML_BYTES:
        raise UnreadableDocumentError(
            f"the .docx's {_DOCUMENT_PART} unpacks to {document_xml:,} bytes, over the limit of"
            f" {MAX_DOCUMENT_XML_BYTES:,} (MAX_DOCUMENT_XML_BYTES)",
            source=source,
        )
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableDocumentError(
            f"the .docx unpacks to {unpacked} bytes, over the limit of {MAX_UNPACKED_BYTES}", source=source
        )
    import docx  # python-docx, imported when a Word document is read

    try:
        return docx.Document(io.BytesIO(data))
    except MemoryError:
        raise  # the batch records it as such (and --resume tries again)
    except Exception as exc:  # python-docx lets through whatever a damaged part raises (KeyError, XMLSyntaxError, …)
        # (a .docm or .dotx, whose main part has another content type, is refused here too)
        raise UnreadableDocumentError(f"cannot be read as .docx ({type(exc).__name__}: {exc})", source=source) from None


def _core_title_candidates(core_title: str) -> list[str]:
    """The package's core title as title candidates: its pieces when it is a web page's
    ``<title>`` (article, column and site names), then the whole.

    >>> _core_title_candidates("某县2023年政府信息公开工作年度报告_年报_某县人民政府")
    ['某县2023年政府信息公开工作年度报告', '年报', '某县人民政府', '某县2023年政府信息公开工作年度报告_年报_某县人民政府']
    >>> _core_title_candidates(" ")
    []
    """
    whole = _squash(core_title)
    if not whole:
        return []
    pieces = [piece for piece in page_title_pieces(whole) if piece]
    return (pieces if len(pieces) > 1 else []) + [whole]


def read_docx(data: bytes, *, source: str | None = None) -> Page:
    """Read a .docx document's bytes into a :class:`Page` (``form="docx"``); see the module
    docstring for what each field holds.

    Raises :class:`~gkparse.errors.UnreadableDocumentError` (naming ``source`` and the
    reason) for bytes that are not an intact, unencrypted .docx: not a zip, a damaged zip
    or part, no ``word/document.xml``, an OLE2 file (a legacy .doc, or an encrypted .docx),
    or a package unpacking to more than :data:`MAX_UNPACKED_BYTES`.
    """
    document = _open_docx(data, source)
    try:
        body = document.element.body  # type: ignore[attr-defined]
        styles = _heading_styles(document)
        core_title = document.core_properties.title or ""  # type: ignore[attr-defined]
    except MemoryError:
        raise  # the batch records it as such (and --resume tries again)
    except Exception as exc:  # a damaged styles or core-properties part is parsed only here
        raise UnreadableDocumentError(f"damaged .docx ({type(exc).__name__}: {exc})", source=source) from None
    reader = _Reader(styles)
    reader.walk(body)
    page = Page(form="docx")
    page.tables = reader.segmenter.finish()
    page.body = "\n".join(reader.body)
    page.meta_lines = reader.pairs + reader.lines
    page.title_candidates = reader.headings + reader.body[:TITLE_BODY_LINES] + _core_title_candidates(core_title)
    if reader.budget.cut:
        page.issues.append(Issue(
            rule="document-cut", severity="warning",
            message="the .docx was not read whole: " + "; ".join(reader.budget.cut) + " were not read",
        ))
    return page


# --- legacy .doc ---------------------------------------------------------------------------------


class _ConversionFailed(Exception):
    """A converter ran but gave nothing usable (the reason is the message)."""


def _run(command: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    """Run ``command`` in a session of its own; on timeout the whole session is killed (a
    LibreOffice wrapper leaves its worker process behind otherwise)."""
    try:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True
        )
    except OSError as exc:
        raise _ConversionFailed(f"{Path(command[0]).name} could not be started ({exc.strerror})") from None
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()
        process.communicate()
        raise _ConversionFailed(f"{Path(command[0]).name} did not finish within {timeout} s") from None
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def _soffice_to_docx(soffice: str, data: bytes) -> bytes:
    """``data`` (a .doc) converted to .docx bytes by LibreOffice, in a temporary directory
    with a profile of its own (a user's running LibreOffice would otherwise take the job)."""
    with tempfile.TemporaryDirectory(prefix="gkparse-doc-") as tmp:
        folder = Path(tmp)
        source = folder / "input.doc"
        source.write_bytes(data)
        command = [
            soffice, "--headless", "--norestore", "--nolockcheck", f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--convert-to", "docx", "--outdir", str(folder / "out"), str(source),
        ]
        done = _run(command, CONVERT_TIMEOUT_SECONDS)
        converted = folder / "out" / "input.docx"
        if not converted.is_file():
            reason = _squash(done.stderr.decode("utf-8", "replace"))[:200] or f"exit status {done.returncode}"
            raise _ConversionFailed(f"LibreOffice did not convert it ({reason})")
        return converted.read_bytes()


def _antiword_text(antiword: str, data: bytes) -> str:
    """``data`` (a .doc) as UTF-8 text by antiword, paragraphs unwrapped (``-w 0``)."""
    with tempfile.TemporaryDirectory(prefix="gkparse-doc-") as tmp:
        source = Path(tmp) / "input.doc"
        source.write_bytes(data)
        done = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(source)], CONVERT_TIMEOUT_SECONDS)
    text = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0 or not text.strip():
        reason = _squash(done.stderr.decode("utf-8", "replace"))[:200] or f"exit status {done.returncode}"
        raise _ConversionFailed(f"antiword read no text ({reason})")
    return text


def _text_page(text: str) -> Page:
    """antiword's text as a page without tables: the pipeline reads its body as a text dump
    (blank lines kept: a dump's blank lines may stand for empty cells)."""
    raw = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [_squash(line) for line in raw if line.strip()]
    return Page(form="doc", title_candidates=lines[:TITLE_BODY_LINES], meta_lines=lines, body="\n".join(raw).strip("\n"))


def _which(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def read_doc(data: bytes, *, source: str | None = None) -> Page:
    """Read a legacy binary Word (.doc) document into a :class:`Page` (``form="doc"``).

    With LibreOffice on ``PATH`` (:data:`SOFFICE_NAMES`) the document is converted to .docx
    and read by :func:`read_docx` (tables included); else with ``antiword`` it is read as
    text (a page of lines, no tables). A .docx named ``.doc`` is read as the .docx it is.

    Raises :class:`~gkparse.errors.UnreadableDocumentError` (naming ``source``) when the
    bytes are no OLE2 file, the file is encrypted, no converter is installed (the message
    says to install LibreOffice or antiword), or every installed converter fails or takes
    longer than :data:`CONVERT_TIMEOUT_SECONDS`.
    """
    if is_docx(data):
        return read_docx(data, source=source)
    if _is_encrypted(data):
        raise UnreadableDocumentError("the Word document is encrypted (password-protected): save a copy without a password", source=source)
    if not is_ole2(data):
        raise UnreadableDocumentError("not a Word .doc file (no OLE2 container)", source=source)
    soffice, antiword = _which(SOFFICE_NAMES), shutil.which("antiword")
    if soffice is None and antiword is None:
        raise UnreadableDocumentError(
            "a legacy Word .doc file needs a converter on PATH: install LibreOffice (soffice) or antiword", source=source
        )
    failures: list[str] = []
    if soffice is not None:
        try:
            converted = _soffice_to_docx(soffice, data)
        except _ConversionFailed as exc:
            failures.append(str(exc))
        else:
            page = read_docx(converted, source=source)
            page.form = "doc"
            return page
    if antiword is not None:
        try:
            return _text_page(_antiword_text(antiword, data))
        except _ConversionFailed as exc:
            failures.append(str(exc))
    raise UnreadableDocumentError("the .doc could not be converted: " + "; ".join(failures), source=source)
