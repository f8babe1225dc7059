"""The meeting point of the HTML and text readers: a page and its table rows.

Both :mod:`gkparse.read.html` and :mod:`gkparse.read.text` turn a document into a :class:`Page`;
everything after that (alignment, repair, checks, the model) is shared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model.cells import Issue
from ..model.report import DocumentForm
from ..templates.schema import TableKind

__all__ = [
    "LabeledRow", "TableRows", "Page", "Region", "TableKind", "blank_run", "blank_range", "is_blank", "HEADER_LEVELS",
    "header_path", "header_leaf", "shown_header",
]


_RUN = "\x00"
#: A blank-run token exactly: a NUL the document itself holds at a token's start is text.
_RUN_TOKEN = re.compile("\x00([0-9]+)-([0-9]+)\\Z")


def blank_run(low: int, high: int) -> str:
    """A token standing for ``low`` to ``high`` empty cells (a line dump's blank lines,
    whose count per empty cell varies between dumpers).

    >>> blank_range(blank_run(1, 2))
    (1, 2)
    """
    return "" if (low, high) == (1, 1) else f"{_RUN}{low}-{high}"


def blank_range(token: str) -> tuple[int, int] | None:
    """How many empty cells a token stands for: ``(1, 1)`` for ``""``, None for a value."""
    if token == "":
        return (1, 1)
    if token.startswith(_RUN):
        run = _RUN_TOKEN.match(token)
        if run is not None:
            return int(run.group(1)), int(run.group(2))
    return None


def is_blank(token: str) -> bool:
    r"""Whether a token stands for empty cells (``""`` or a :func:`blank_run`).

    >>> is_blank(""), is_blank(blank_run(1, 3)), is_blank("\x00123"), is_blank("4")
    (True, True, False, False)
    """
    return token == "" or (token.startswith(_RUN) and _RUN_TOKEN.match(token) is not None)


@dataclass
class LabeledRow:
    """A table row as read: its label text and its raw value tokens, in order.

    With ``glued=False`` (HTML) each token is exactly one cell, ``""`` being an empty cell.
    With ``glued=True`` (text) a token may hold several glued cells, empty cells may have
    vanished, and a :func:`blank_run` token may stand for a range of empty cells.
    """

    label: str
    tokens: list[str]
    glued: bool = False
    key: str | None = None  # set when the reader already matched the row to a template row
    truncated: bool = False  # the document ends inside this row: its tokens are a prefix
    splittable: bool = True  # False when the text separates every cell (pipe rows): no gluing
    # With no tokens: True when nothing at all stood between this label and the next (how a
    # one-line dump prints a row of empty cells); False when something stood there but no
    # cell could be read from it, so the row's cells were not found.
    bare_means_blank: bool = True


#: Joins the levels of a column's header path in :attr:`TableRows.columns`. A line break,
#: because a cell's text never holds one (it is one line, whitespace collapsed), while
#: headers do print ``/`` (``本年增/减``).
HEADER_LEVELS = "\n"


def header_path(levels: list[str]) -> str:
    """A column's header texts, top level first, as one path.

    >>> header_leaf(header_path(["第二十条第（五）项", "本年增/减"]))
    '本年增/减'
    """
    return HEADER_LEVELS.join(levels)


def header_leaf(path: str) -> str:
    """The lowest level of a header path: the text right above the column."""
    return path.rsplit(HEADER_LEVELS, 1)[-1]


def shown_header(path: str) -> str:
    """A header path as messages print it (``申请人情况/小计``)."""
    return path.replace(HEADER_LEVELS, "/")


@dataclass
class TableRows:
    """One table (or one captioned part 二 sub-table) as rows of labels and tokens.

    ``columns`` gives the header path above each value column (its levels joined by
    :data:`HEADER_LEVELS`: ``"行政复议\\n结果维持"``);
    None when the reader could not tell (text dumps), in which case the template's order
    applies. ``caption`` is the sub-table caption (``第二十条第(一)项``) for part 二.
    """

    kind: TableKind
    rows: list[LabeledRow] = field(default_factory=list)
    columns: list[str] | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Region:
    """Where a table of a PDF was read: the part its rows went to (None: not a report
    table), the page (1-based) and the table's box in PDF points, from the page's top-left
    corner: ``(x0, top, x1, bottom)``. A reviewer finds a cell in the original by it."""

    kind: TableKind | None
    page: int
    box: tuple[float, float, float, float]


@dataclass
class Page:
    """A document reduced to what the report needs.

    ``meta_lines`` are the page's text lines where a metadata block may sit (the whole page
    for HTML, the head of a text dump); ``body`` is the article text without tables.
    """

    form: DocumentForm
    title_candidates: list[str] = field(default_factory=list)
    meta_lines: list[str] = field(default_factory=list)
    body: str = ""
    tables: list[TableRows] = field(default_factory=list)
    regions: list[Region] = field(default_factory=list)  # PDF only: where each table was read
    #: What the reader met and could not read whole (a table past the grid limits, a page
    #: cut at the parser's nesting depth): issues of the report, never a silent loss.
    issues: list[Issue] = field(default_factory=list)
