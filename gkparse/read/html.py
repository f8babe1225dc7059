"""HTML document → :class:`~gkparse.read.page.Page`: body, title, metadata, table rows.

The page is decoded by :mod:`gkparse.read.decode` and handed to lxml as text; BeautifulSoup is
only a fallback for markup lxml refuses. The page is read as a browser shows it: content a
browser does not show is removed first (``<script>``, ``<style>``, ``<template>``,
``<noscript>``, comments; elements with ``display:none`` in their style attribute or the
``hidden`` attribute; the text of ``visibility:hidden`` elements), see :func:`drop_hidden`.
The article body is found with the site profiles of :mod:`gkparse.read.profiles`, tables are
expanded with :mod:`gkparse.read.tablegrid` and cut into the report's parts by their labels,
never by position. A table nested in a cell of a report table is part of that cell's text
(an editor's wrapper around a label); a report table nested in a layout table is read as
a table of its own.

The metadata lines handed on (:attr:`Page.meta_lines`) are the page's visible lines,
preceded by the label/value pairs of metadata tables (``索引号 | … | 分类 | …`` in
alternating cells) and followed by the standard ``<meta name="ArticleTitle|PubDate|
ContentSource|Url">`` tags, each as one ``label：value`` line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from lxml import etree

from .. import vocabulary as vocab
from ..errors import EmptyInputError, GkparseError, UnreadableDocumentError
from ..model.cells import Issue
from .grid import CUES, Segmenter
from .meta import label_value_lines, meta_field_label, page_title_pieces
from .page import Page, TableRows
from .profiles import body_xpaths
from .tablegrid import GridLimitError, expand_table, table_rows

__all__ = ["read_html", "looks_like_html", "drop_hidden", "drop_data_uris", "drop_tree", "parse_tree", "text_content"]

#: An XML declaration before the markup (``<?xml version="1.0" encoding="…"?>``; some
#: pages drop the ``?``): lxml refuses a str that carries one.
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
_HTML_HINT = re.compile(r"<(?:!doctype|html|head|body|table|p|div|meta|span|td|tr|br)\b", re.IGNORECASE)
_SKIP_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "svg", "select", "button")
_BLOCK = {
    "p", "div", "br", "li", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "section",
    "article", "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "header", "footer", "center",
    "form", "hr", "title",
}
_CELL = {"td", "th"}

#: How much of a document is looked at to tell markup from a text dump.
SNIFF_CHARS = 4096
#: A document not starting with ``<`` is markup when its head holds this many tags: a text
#: dump may carry a stray tag or two (a pasted ``<br>``), a page has many.
MIN_HTML_TAGS = 3
#: A title printed in the body is among its first lines.
TITLE_BODY_LINES = 6
#: Body candidates need at least this many report markers to beat the page's <body>.
MIN_BODY_MARKERS = 2


class _Anchors:
    """XPaths finding the report's tables in a page (tables holding a part 二 or part 三
    start cue of :data:`gkparse.read.grid.CUES`), rebuilt when the registry changes."""

    def __init__(self) -> None:
        self.key: tuple[int, ...] = ()

    def refresh(self) -> _Anchors:
        cues = CUES.refresh()
        if cues.key == self.key:
            return self
        self.key = cues.key
        anchors = [x for x in cues.starts["disclosure"] + cues.starts["requests"]]
        has_anchor = " or ".join(f"contains(., {_xpath_literal(a)})" for a in anchors)
        self.report_tables = etree.XPath(_descendant_form(f"//table[{has_anchor}]"))
        return self


def _descendant_form(xpath: str) -> str:
    """``//x[p]`` → ``descendant-or-self::x[p]``: the same elements when evaluated on a
    page's root element, found 1.2-3x faster (libxml2 expands ``//`` with a predicate into
    every node of the page, text nodes included, before testing them). Only for
    predicates without a position: ``//td[1]`` is every row's first cell, its descendant
    form the page's first cell.

    >>> _descendant_form("//td[@class]"), _descendant_form("ancestor::div")
    ('descendant-or-self::td[@class]', 'ancestor::div')
    """
    return "descendant-or-self::" + xpath[2:] if xpath.startswith("//") else xpath


def _xpath_literal(text: str) -> str:
    """``text`` as an XPath 1.0 string literal (which has no escapes: a text holding both
    quote marks is built with ``concat()``).

    >>> print(_xpath_literal("a"), _xpath_literal("it's"))
    'a' "it's"
    >>> print(_xpath_literal('it\\'s "x"'))
    concat('it', "'", 's "x"')
    """
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ", \"'\", ".join(f"'{part}'" for part in text.split("'")) + ")"


_ANCHORS = _Anchors()


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is markup rather than a text dump.

    >>> looks_like_html("<p>一、总体情况</p>"), looks_like_html("一、总体情况\\n规章 0 0 0")
    (True, False)
    """
    head = text[:SNIFF_CHARS]
    tags = len(_HTML_HINT.findall(head))
    return (tags > 0 and head.lstrip()[:1] == "<") or tags >= MIN_HTML_TAGS


#: What a browser shows as nothing and lxml refuses in a text written into a tree: the C0
#: control characters (a form feed is whitespace, :func:`_control`) and the noncharacters
#: U+FFFE and U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

#: libxml2 stops reading a page nested deeper than 256 elements (2048 with ``huge_tree``,
#: which the parser sets): CMS pages with unclosed ``<font>`` tags pass 256, no page passes
#: 2048 but a hostile one, which is refused rather than read with its rest cut off.
MAX_NESTING_DEPTH = 2048
# lxml's plain elements, not lxml.html's: the html classes look every element proxy up in
# Python (4x the cost of a walk over the tree). Comments and processing instructions are
# not shown by a browser: the parser leaves them out (their tail text stays).
_PARSER = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)


def _control(match: re.Match[str]) -> str:
    return " " if match.group() == "\x0c" else ""


#: An inline image (``src="data:image/png;base64,…"``): megabytes of text that hold no report.
_DATA_URI = re.compile(r"""(["'])data:[^"',]*,[^"']*\1""", re.IGNORECASE)


def drop_data_uris(text: str) -> str:
    """``text`` with every quoted ``data:`` URI emptied (images inlined by Word exports).

    >>> drop_data_uris('<img src="data:image/png;base64,iVBORw0KGgo=">')
    '<img src="">'
    """
    return _DATA_URI.sub(r"\1\1", text)


def parse_tree(text: str, source: str | None = None) -> etree._Element:
    """Decoded HTML → its lxml tree, as written (nothing removed): the one HTML parser of
    the package, shared by the reader and the crawler (:mod:`gkparse.crawler.links`).

    An XML declaration is dropped first; markup lxml refuses is repaired by BeautifulSoup.
    Raises :class:`~gkparse.errors.EmptyInputError` (naming ``source``) when neither yields
    a document.

    >>> parse_tree('<?xml version="1.0" encoding="utf-8"?><p>年报</p>').findtext(".//p")
    '年报'
    """
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = etree.fromstring(text, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        root = None
    cut = next((error for error in _PARSER.error_log if error.type_name == "ERR_RESOURCE_LIMIT"), None)
    if cut is not None:
        raise UnreadableDocumentError(
            f"line {cut.line}: the page nests elements more than {MAX_NESTING_DEPTH} deep; the HTML parser stops"
            " there and the rest of the page (its tables among it) would be lost",
            source=source,
        )
    if root is None or not len(root):
        from bs4 import BeautifulSoup  # lenient fallback, only for markup lxml refuses
        from bs4.exceptions import ParserRejectedMarkup

        try:
            root = etree.fromstring(str(BeautifulSoup(text, "html.parser")), _PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError, ParserRejectedMarkup):
            root = None
        if root is None or not len(root):
            raise EmptyInputError("the HTML has no content", source=source) from None
    return root


_STRING = etree.XPath("string()")


def text_content(element: etree._Element) -> str:
    """The text of ``element`` and its descendants, as lxml.html's ``text_content()``.

    >>> text_content(parse_tree("<p>年<b>报</b></p>").find(".//p"))
    '年报'
    """
    return str(_STRING(element))


def drop_tree(element: etree._Element) -> None:
    """Remove ``element`` with its descendants, keeping its tail text in place (as
    lxml.html's ``drop_tree()``)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + tail
        else:
            previous.tail = (previous.tail or "") + tail
    parent.remove(element)


# --- content a browser does not show ------------------------------------------------------

# Elements that may be hidden: a hidden attribute, or a style attribute naming display or
# visibility (a plain substring test, in the two cases pages write); the declarations are
# then read in Python. A translate() to lower case here costs more than the whole parse.
# Only a style naming a hiding value can hide (none, hidden, collapse): most style
# attributes (a CMS page has a thousand) are not even looked at. (A style spelt with
# character references, ``n&#111;ne``, is read as the parser decodes it.)


def _hiding_style(style: str) -> bool:
    """Whether a style attribute may hide its element: it names display or visibility and
    a hiding value (read exactly by :func:`_style`). A page may style a thousand elements:
    plain substring tests, in the two cases pages write."""
    return ("isplay" in style or "ISPLAY" in style or "isib" in style or "ISIB" in style) and (
        "one" in style or "ONE" in style or "idden" in style or "IDDEN" in style or "ollapse" in style or "OLLAPSE" in style
    )


_HIDE_VISIBILITY = ("hidden", "collapse")
#: Never hidden: a page hidden as a whole is one a script reveals (a loading curtain).
_NEVER_HIDDEN = ("html", "head", "body")
_HAS_TABLE = etree.XPath("boolean(self::table or .//table)")


def _style(element: etree._Element) -> dict[str, str]:
    """The declarations of an element's style attribute, lower-cased; a later declaration
    wins unless an earlier one is ``!important``."""
    found: dict[str, str] = {}
    important: set[str] = set()
    for declaration in (element.get("style") or "").split(";"):
        name, colon, value = declaration.partition(":")
        if not colon:
            continue
        name = name.strip().lower()
        value = " ".join(value.lower().split())
        is_important = value.endswith("!important")
        if is_important:
            value = value[: -len("!important")].strip()
        if name in important and not is_important:
            continue
        found[name] = value
        if is_important:
            important.add(name)
    return found


def _visibility_of(element: etree._Element, inherited: bool) -> bool:
    """Whether ``element``'s own content is invisible (visibility is inherited, and a
    descendant may declare ``visibility:visible`` again)."""
    style = element.get("style")
    if style and "visib" in style.lower():
        value = _style(element).get("visibility")
        if value is not None:
            return value in _HIDE_VISIBILITY
    return inherited


def _blank(element: etree._Element, hidden: bool) -> None:
    """Remove the text of a ``visibility:hidden`` subtree (its boxes stay: a hidden cell
    still takes its slot in the table)."""
    hidden = _visibility_of(element, hidden)
    if hidden:
        element.text = None
    for child in element:
        if isinstance(child.tag, str):
            _blank(child, hidden)
        if hidden:
            child.tail = None


def drop_hidden(root: etree._Element) -> None:
    """Remove what a browser does not show, as the page's own markup says it.

    * ``display:none`` in the style attribute (any case and spacing, ``!important``
      honoured) or the ``hidden`` attribute (unless the style attribute sets another
      display): the element is removed, its tail text stays. A hidden table cell is
      removed from its row, as a browser lays the row out without it.
    * ``visibility:hidden`` or ``collapse``: the element's text goes (a descendant with
      ``visibility:visible`` keeps its own), the element keeps its place.

    Not treated as hidden: ``aria-hidden="true"`` (hides from screen readers only, the
    text is on screen), class names and stylesheet rules (their effect depends on CSS
    this reader does not apply), ``<html>``/``<body>`` themselves. An element holding a
    report table is only removed when a report table remains outside every such element
    (a page that hides its article until a script shows it is read as shown).
    """
    candidates = _may_hide_elements(root)
    if candidates:
        # The report tables of the whole page, whatever part of it ``root`` is.
        reports = _ANCHORS.refresh().report_tables(root.getroottree().getroot())
        _drop_hidden(root, candidates, reports)


def _drop_hidden(
    root: etree._Element, candidates: list[etree._Element], reports: list[etree._Element]
) -> list[etree._Element]:
    """:func:`drop_hidden` on the elements that may hide (``candidates``), with the page's
    report tables as found before anything was hidden.

    Returns the blanked elements."""
    removed: list[etree._Element] = []
    blanked: list[etree._Element] = []
    for element in candidates:
        if element.tag in _NEVER_HIDDEN:
            continue
        style = _style(element)
        display = style.get("display")
        if display == "none" or (display is None and element.get("hidden") is not None):
            removed.append(element)
        elif style.get("visibility") in _HIDE_VISIBILITY:
            blanked.append(element)
    holding = [e for e in removed + blanked if _HAS_TABLE(e)]
    if holding:
        hidden_ids = {id(e) for e in holding}  # ids of live elements (holding keeps them)
        enclosing = {id(outer) for outer in reports if any(inner in reports for inner in outer.iterdescendants("table"))}
        visible_report = any(  # an innermost report table outside every hidden element
            id(table) not in enclosing
            and id(table) not in hidden_ids
            and not any(id(a) in hidden_ids for a in table.iterancestors())
            for table in reports
        )
        if not visible_report:
            removed = [e for e in removed if id(e) not in hidden_ids]
            blanked = [e for e in blanked if id(e) not in hidden_ids]
    for element in blanked:
        _blank(element, True)
    for element in removed:
        drop_tree(element)
    return blanked


def _ancestor_form(xpath: str) -> str:
    """``//*[p]`` → ``ancestor-or-self::*[p]``: the same test, on an anchor's ancestors only."""
    return "ancestor-or-self::" + xpath[2:] if xpath.startswith("//") else xpath


#: A profile's XPath testing one attribute of any element: ``//*[@name][test of @name]``.
_ATTRIBUTE_XPATH = re.compile(r"//\*\[@([\w-]+)\]\[(.*)\]")
#: What such a test may hold besides string literals, for it to be read on the attribute
#: node instead (nothing that reads the element: no ``.``, no function of the context node).
_ATTRIBUTE_TEST_PARTS = re.compile(
    r"(?:\s+|@ATTR(?![\w.:-])|(?:contains|concat|starts-with|translate|normalize-space|not)\((?!\s*\))|[(),=]|!=|\b(?:or|and)\b)*"
)
_XPATH_LITERAL = re.compile(r"'[^']*'|\"[^\"]*\"")


def _attribute_form(xpath: str) -> str:
    """:func:`_descendant_form` of a profile's XPath, with a test of one attribute
    (``//*[@class][contains(@class, 'x')]``) made a test of the attribute nodes
    (``descendant-or-self::*/@class[contains(., 'x')]/..``): the same elements, in document
    order, found 1.5-3x faster (libxml2 builds a node-set for ``@class`` at every element).

    >>> _attribute_form("//*[@id][@id='zoom' or @id='Zoom']")
    "descendant-or-self::*/@id[.='zoom' or .='Zoom']/.."
    >>> _attribute_form("//*[@id][@id='zoom' or contains(., 'x')]"), _attribute_form("//article")
    ("descendant-or-self::*[@id][@id='zoom' or contains(., 'x')]", 'descendant-or-self::article')
    """
    match = _ATTRIBUTE_XPATH.fullmatch(xpath)
    if match is not None:
        name, test = match.groups()
        parts = _ATTRIBUTE_TEST_PARTS.pattern.replace("ATTR", re.escape(name))
        if re.fullmatch(parts, _XPATH_LITERAL.sub("", test)):
            own = re.sub(rf"@{re.escape(name)}(?![\w.:-])", ".", test)
            return f"descendant-or-self::*/@{name}[{own}]/.."
    return _descendant_form(xpath)


# Compiled once. Body candidates are looked for among the ancestors of the first report
# table (a short axis) and over the whole page only when the page has no such table.
_BODY_XPATHS = tuple(etree.XPath(_attribute_form(x)) for x in body_xpaths())
_BODY_ANCESTOR_XPATHS = tuple(etree.XPath(_ancestor_form(x)) for x in body_xpaths())


def _in_tree(element: etree._Element, root: etree._Element) -> bool:
    """Whether ``element`` is still under ``root`` (not inside a removed subtree)."""
    top = element
    while (parent := top.getparent()) is not None:
        top = parent
    return top is root


def _visible(element: etree._Element) -> str:
    return "".join(text_content(element).split())  # whitespace is not a visible character


def _best_body(candidates: Iterable[etree._Element]) -> tuple[int, etree._Element] | None:
    """The candidate with the most report markers, among equals the first with the fewest
    visible characters; ``None`` when none has a marker."""
    best: tuple[int, int, etree._Element] | None = None
    seen: dict[int, etree._Element] = {}  # the elements are kept: an id is only unique while its proxy lives
    for element in candidates:
        if id(element) in seen or not isinstance(element.tag, str):
            continue
        seen[id(element)] = element
        visible = _visible(element)
        score = vocab.body_markers(visible, at_least=0)  # the visible text has no whitespace
        if score == 0:
            continue
        if best is None or (score, -len(visible)) > best[:2]:
            best = (score, -len(visible), element)
    return None if best is None else (best[0], best[2])


def _best_ancestor_body(table: etree._Element) -> tuple[int, etree._Element] | None:
    """:func:`_best_body` of the profiles' candidates among ``table``'s ancestors, reading
    few of them: the candidates nest, so an outer one holds every marker of an inner one
    and at least as many characters. The winner is the innermost with the most markers
    (the outermost's count, or every marker there is), or among those as short as it the
    first in the profiles' order."""
    order: dict[etree._Element, int] = {}
    for xpath in _BODY_ANCESTOR_XPATHS:
        for element in xpath(table):
            if isinstance(element.tag, str) and element not in order:
                order[element] = len(order)
    if not order:
        return None
    chain = [a for a in table.iterancestors() if a in order]  # innermost first
    if table in order:
        chain.insert(0, table)
    most = score = vocab.body_markers(text_content(chain[0]))
    if most < len(vocab.BODY_MARKERS) and len(chain) > 1:
        most = vocab.body_markers(text_content(chain[-1]))
    if most == 0:
        return None
    at = 0
    while score < most:
        at += 1
        score = vocab.body_markers(text_content(chain[at]))
    best = chain[at]
    for outer in chain[at + 1:]:
        if order[outer] > order[best]:
            continue  # loses a tie: its length does not matter
        if _shows_more(outer, best):
            break  # longer, and so is every candidate around it
        best = outer
    return most, best


def _shows_more(outer: etree._Element, inner: etree._Element) -> bool:
    """Whether ``outer`` shows a character outside ``inner``, one of its descendants: its
    :func:`_visible` text is then the longer. Only the text around ``inner`` is read (a
    wrapper holds little besides the article, which may be a long one).

    >>> page = parse_tree("<div>\u3000<div> <p>年报</p> </div><b> </b></div><span>x</span>")
    >>> outer, inner, p = page.find(".//div"), page.find(".//div/div"), page.find(".//p")
    >>> _shows_more(outer, p), _shows_more(outer, inner), _shows_more(page, p)
    (False, False, True)
    """
    child = inner
    while child is not outer:
        parent = child.getparent()
        if parent is None:
            return False
        pieces = [parent.text]
        for sibling in parent:
            if sibling is not child and isinstance(sibling.tag, str):
                pieces.append(text_content(sibling))
            pieces.append(sibling.tail)
        if any(piece and not piece.isspace() for piece in pieces):
            return True
        child = parent
    return False


def _find_body(root: etree._Element, reports: list[etree._Element], blanked: list[etree._Element]) -> etree._Element:
    """The article body: the candidate of the site profiles with the most report markers,
    among equals the one with the fewest visible characters (least chrome). Candidates are
    the ancestors of the first report table still shown (``reports``, found in the page as
    written: a cue may run across cells written without a space), else the page's
    elements matching a profile."""
    shown = [
        table for table in reports
        if _in_tree(table, root) and not any(b is table or b in table.iterancestors() for b in blanked)
    ]
    if not shown:
        best = _best_body((e for xpath in _BODY_XPATHS for e in xpath(root)))
    else:
        best = _best_ancestor_body(shown[0])
    if best is not None and best[0] >= MIN_BODY_MARKERS:
        return best[1]
    body = root.find("body")
    return body if body is not None else root


#: Elements whose text is a title candidate, in document order: the page's top headings and
#: any element with "title" in its class.
_HEADINGS = etree.XPath(
    "descendant-or-self::h1 | descendant-or-self::h2 | descendant-or-self::*/@class[contains(., 'title')]/.."
)
#: Every ``style`` and ``hidden`` attribute of the page, in document order, each with its
#: element (lxml's attribute results know their parent). Read as strings and tested in
#: Python (:func:`_hiding_style`): an XPath test of the values costs 3-4x as much, libxml2
#: copying a value for every ``contains()`` it applies.
_HIDING_ATTRIBUTES = etree.XPath("descendant-or-self::*/@style | descendant-or-self::*/@hidden")
_NO_TEXT_MARK = ("br", "hr")


def _may_hide_elements(root: etree._Element) -> list[etree._Element]:
    """The elements that may be hidden, in document order: a ``hidden`` attribute, or a
    :func:`_hiding_style`."""
    found: list[etree._Element] = []
    for value in _HIDING_ATTRIBUTES(root):
        if value.attrname == "hidden" or _hiding_style(value):
            element = value.getparent()
            if not found or found[-1] is not element:  # both attributes of one element
                found.append(element)
    return found


def _lines_stylesheet() -> etree.XSLT:
    """The page's visible text with a line break at the start and the end of every block
    element (after ``<br>`` and ``<hr>``) and a space after every cell, by libxslt in C.
    (libxslt nests a template call per element, up to 3,000: above the parser's
    :data:`MAX_NESTING_DEPTH`.)"""
    blocks = "|".join(sorted(_BLOCK - set(_NO_TEXT_MARK)))
    return etree.XSLT(etree.XML(
        '<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:output method="text" encoding="UTF-8"/>'
        # Only the element handed over: lxml hands libxslt the whole document for its root,
        # and libxml2 puts what follows </html> (scripts, hidden parts) beside the root.
        '<xsl:template match="/"><xsl:apply-templates select="*[1]"/></xsl:template>'
        f'<xsl:template match="{blocks}"><xsl:text>&#10;</xsl:text><xsl:apply-templates/>'
        "<xsl:text>&#10;</xsl:text></xsl:template>"
        f'<xsl:template match="{"|".join(_NO_TEXT_MARK)}"><xsl:text>&#10;</xsl:text></xsl:template>'
        f'<xsl:template match="{"|".join(sorted(_CELL))}"><xsl:apply-templates/><xsl:text> </xsl:text></xsl:template>'
        "</xsl:stylesheet>"
    ))


_LINES = _lines_stylesheet()


def _lines(element: etree._Element) -> list[str]:
    """The element's visible text as lines (whitespace collapsed, blank lines left out), its
    tail left out. (Measured: 5-10x cheaper than writing the line breaks into the tree from
    Python for lxml's text serialiser.)

    >>> _lines(parse_tree("<div> a <b>b</b><p>c\u3000 d</p><br>  <td>1</td><td>2</td></div>"))
    ['a b', 'c d', '1 2']
    """
    return _split_lines(bytes(_LINES(element)).decode("utf-8"))


def _split_lines(text: str) -> list[str]:
    # Most pieces are the blank runs between blocks: they are passed over in C. (Collapsing
    # the whitespace of the whole text at once costs more: str methods are slow on text with
    # CJK characters.)
    return [" ".join(raw.split()) for raw in text.split("\n") if raw and not raw.isspace()]


#: What :func:`_serialise` writes into the page's text around the article body and around
#: each table cut out of it for the one serialisation of the page: Unicode noncharacters,
#: which a page does not hold (one that does is serialised twice, :func:`_page_lines`).
_BODY_START, _BODY_END, _CUT_START, _CUT_END = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3"
#: The C0 controls of :data:`_CONTROLS` in UTF-8: single bytes no other character's encoding
#: holds, each looked for in the serialisation with one ``memchr``; the two noncharacters
#: are looked for once it is decoded (a search for a 3-byte sequence in UTF-8 CJK text is
#: 5x slower).
_CONTROL_BYTES = bytes(i for i in range(0x80) if _CONTROLS.match(chr(i)))


class _ControlCharacters(ValueError):
    """The page's text holds one of :data:`_CONTROLS` (a C0 control character or U+FFFE/
    U+FFFF): :func:`read_html` reads it again without them."""


class _Edits:
    """Text written into a tree for one serialisation, and taken out again."""

    def __init__(self) -> None:
        self.undo: list[tuple[etree._Element, bool, str | None]] = []

    def write(self, element: etree._Element, tail: bool, text: str, *, before: bool) -> None:
        old = element.tail if tail else element.text
        self.undo.append((element, tail, old))
        new = text + (old or "") if before else (old or "") + text
        if tail:
            element.tail = new
        else:
            element.text = new

    def write_before(self, element: etree._Element, text: str) -> None:
        """``text`` right before ``element`` (the end of its previous sibling's tail, or of
        its parent's text)."""
        previous = element.getprevious()
        if previous is not None:
            self.write(previous, True, text, before=False)
        else:
            parent = element.getparent()
            assert parent is not None, "only an element with a parent is cut out"
            self.write(parent, False, text, before=False)

    def write_at_end(self, element: etree._Element, text: str) -> None:
        """``text`` at the end of ``element``'s content."""
        if len(element):
            self.write(element[-1], True, text, before=False)
        else:
            self.write(element, False, text, before=False)

    def undo_all(self) -> None:
        for element, tail, old in reversed(self.undo):
            if tail:
                element.tail = old
            else:
                element.text = old


def _cut_tables(body: etree._Element) -> list[etree._Element]:
    """The tables of ``body`` left out of its text: those not inside another of its tables."""
    cut = []
    for table in body.iterdescendants("table"):
        ancestor = table.getparent()
        while ancestor is not None and ancestor is not body and ancestor.tag != "table":
            ancestor = ancestor.getparent()
        if ancestor is body:
            cut.append(table)
    return cut


def _serialise(root: etree._Element, body: etree._Element, cut: list[etree._Element]) -> str | None:
    """The page's visible text (:data:`_LINES`) with the body and the ``cut`` tables marked
    in it (:data:`_BODY_START` ...; the tree is left as it was); ``None`` when the page's own
    text holds a marker (then the markers cannot be told from it).

    Raises :class:`_ControlCharacters` when the text holds one of :data:`_CONTROLS` (written
    raw or as a character reference), and ValueError when lxml refuses to write a marker
    next to one."""
    edits = _Edits()
    try:
        edits.write(body, False, _BODY_START, before=True)
        edits.write_at_end(body, _BODY_END)
        for table in cut:
            edits.write_before(table, _CUT_START)
            edits.write(table, True, _CUT_END, before=True)
        serialised = bytes(_LINES(root))
    finally:
        edits.undo_all()
    if any(byte in serialised for byte in _CONTROL_BYTES):
        raise _ControlCharacters("a control character in the page's text")
    decoded = serialised.decode("utf-8")
    if "\ufffe" in decoded or "\uffff" in decoded:
        raise _ControlCharacters("a noncharacter in the page's text")
    counts = tuple(decoded.count(marker) for marker in (_BODY_START, _BODY_END, _CUT_START, _CUT_END))
    return decoded if counts == (1, 1, len(cut), len(cut)) else None


def _page_lines(
    serialised: str | None, root: etree._Element, body: etree._Element, cut: list[etree._Element]
) -> tuple[list[str], list[str]]:
    """The page's visible lines, and the article body's without the ``cut`` tables (each
    cut out with its text; its tail text starts a line), from :func:`_serialise`'s text
    (when it is ``None``, from two serialisations). The cut tables are then dropped from the
    tree, their tails kept (the body too when it is a table: no title is looked for in a
    report table)."""
    dropped = cut + ([body] if body.tag == "table" else [])
    if serialised is None:
        page_lines = _lines(root)
        _drop_cut(dropped)
        return page_lines, _lines(body)
    _drop_cut(dropped)
    start = serialised.index(_BODY_START)
    end = serialised.index(_BODY_END, start)
    first, *tables = serialised[start + 1:end].split(_CUT_START)
    page, article = [serialised[:start], first], [first]
    for piece in tables:  # a table's text, its end marker, the text up to the next table
        at = piece.index(_CUT_END)
        page += (piece[:at], piece[at + 1:])
        article += ("\n", piece[at + 1:])  # a table's tail text starts a line
    page.append(serialised[end + 1:])
    return _split_lines("".join(page)), _split_lines("".join(article))


def _drop_cut(tables: list[etree._Element]) -> None:
    for table in tables:
        table.tail = "\n" + (table.tail or "")  # its tail text starts a line
        drop_tree(table)


def _drop_controls(root: etree._Element) -> None:
    """Remove :data:`_CONTROLS` from every text of the tree (a form feed is a space):
    those the page wrote as character references."""
    for element in root.iter():
        for tail in (False, True):
            text = element.tail if tail else element.text
            if text and _CONTROLS.search(text):
                if tail:
                    element.tail = _CONTROLS.sub(_control, text)
                else:
                    element.text = _CONTROLS.sub(_control, text)


def _mark(containers: Iterable[etree._Element]) -> None:
    """Give the block elements and cells inside each of ``containers`` a line break (a cell: a
    space) at the start of their text and tail, so that the text of a container read on its
    own (a cell, a heading) keeps its lines and cells apart, as :func:`_lines` does. A
    container nested in another is marked twice: whitespace, which every reader collapses."""
    block, cell = _BLOCK, _CELL
    for container in containers:
        if not len(container):
            continue  # text only, as most cells of older pages
        # No tag filter: lxml builds a matcher for the tags on every call, which costs more
        # than looking at the few elements of a cell.
        for element in container.iterdescendants():
            tag = element.tag
            if tag in cell:
                element.tail = " " + (element.tail or "")
            elif tag in block:
                element.tail = "\n" + (element.tail or "")
                if tag not in _NO_TEXT_MARK:
                    element.text = "\n" + (element.text or "")


def _marked_cell_text(cell: etree._Element) -> str:
    """A cell's text once :func:`_mark` has marked it (a nested table's cells included,
    separated by spaces, as a browser shows them inside the cell).

    Read by lxml's C text serialiser, cell by cell. (Measured: cheaper than the XPath
    ``string()``.) A cell of text only (no element in it, as older pages write their tables)
    is its own text."""
    if not len(cell):
        text = cell.text
        return " ".join(text.split()) if text else ""
    return " ".join(etree.tostring(cell, method="text", encoding=str, with_tail=False).split())


#: The ``<meta>`` names (or properties) whose content is a title candidate, in order.
_TITLE_META_NAMES = ("ArticleTitle", "articletitle", "title", "og:title", "DC.Title")


def _title_candidates(
    root: etree._Element, headings: list[etree._Element], metas: list[etree._Element], body_lines: list[str]
) -> list[str]:
    found: list[str] = []
    metas = [meta for meta in metas if _in_tree(meta, root)]  # not inside a dropped table
    named = [(meta.get("name"), meta.get("property"), meta.get("content")) for meta in metas]
    for name in _TITLE_META_NAMES:
        found.extend(value for own, prop, value in named if value is not None and (own == name or prop == name))
    for heading in headings:
        if _in_tree(heading, root):  # not hidden, nor inside a table of the body (dropped by now)
            found.append(text_content(heading))
    title = next(root.iterdescendants("title"), None)  # in C: find() walks the page in Python
    if title is not None and title.text:
        found.append(title.text)
        found.extend(page_title_pieces(title.text))
    found.extend(body_lines[:TITLE_BODY_LINES])
    return [" ".join(t.split()) for t in found if t and t.strip()]


# --- metadata -------------------------------------------------------------------------

#: A metadata label cell is short (the longest label, a colon and spaces).
MAX_LABEL_CELL = 12
#: ... and not shorter than the shortest label (分类, 文号).
MIN_LABEL_CELL = 2
# Label cells are found in C: not a number (most cells of a report page are its tables'
# counts: told first, they are never measured), and short.
_LABEL_CELL_TEST = (
    "[not(number(.) >= 0)]"
    f"[string-length(normalize-space()) <= {MAX_LABEL_CELL} and string-length(normalize-space()) >= {MIN_LABEL_CELL}]"
)
_SHORT_TDS = etree.XPath(_descendant_form("//td" + _LABEL_CELL_TEST))
# Each path of a union is a walk over the page: th cells are looked for only on a page with one.
_SHORT_CELLS = etree.XPath(f"{_descendant_form('//td' + _LABEL_CELL_TEST)} | {_descendant_form('//th' + _LABEL_CELL_TEST)}")


def _pair_lines(root: etree._Element) -> list[str]:
    """Metadata tables with labels and values in alternating cells (``索引号 | … | 分类 |
    …``, several pairs a row) as ``label：value`` lines, one per pair.

    Only rows with a short cell that holds a label word are looked at (found in C); a row
    is read once."""
    seen: dict[int, etree._Element] = {}  # the elements are kept: an id is only unique while its proxy lives
    lines: list[str] = []
    cells = _SHORT_TDS(root) if next(root.iter("th"), None) is None else _SHORT_CELLS(root)
    for cell in cells:
        row = cell.getparent()
        if row is None or id(row) in seen:
            continue
        text = etree.tostring(cell, method="text", encoding=str, with_tail=False)
        if not vocab.META_LABEL_HINT.search("".join(text.split())):
            continue  # a report table's number or label cell: no metadata label, no row to pair
        seen[id(row)] = row
        texts = [_marked_cell_text(c) for c in row if c.tag in ("td", "th")]
        lines.extend(label_value_lines(texts))
    return lines


def _meta_tag_lines(metas: list[etree._Element]) -> list[str]:
    """The standard article ``<meta name=…>`` tags of government CMS pages (ArticleTitle,
    PubDate, ContentSource, Url) as ``label：value`` lines under their field's label."""
    lines: list[str] = []
    for tag in metas:
        name, content = tag.get("name"), tag.get("content")
        if name is None or content is None:
            continue
        field = vocab.HTML_META_NAMES.get(name.strip().lower())
        value = " ".join(content.split())
        if field is not None and value:
            lines.append(f"{meta_field_label(field)}:{value}")
    return lines


# --- tables ----------------------------------------------------------------------------


def _is_grid(table: etree._Element) -> bool:
    """Whether a table has the shape of a data table (two rows or more, and a row of two
    cells or more) rather than of a wrapper around a cell's text."""
    rows = table_rows(table)
    return len(rows) >= 2 and any(sum(1 for c in row if c.tag in ("td", "th")) >= 2 for row in rows)


def _grid_tables(body: etree._Element) -> list[etree._Element]:
    """The tables read as grids, in document order.

    A *layout* table (one holding, somewhere in its cells, a data-shaped table with report
    markers) is not read itself: the tables inside it are. A table nested in a cell of a
    table that is read is part of that cell's text, not a table of its own (editors wrap
    labels in one-cell tables).
    """
    tables = list(body.iter("table"))
    if len(tables) <= 1:
        return tables
    reported: dict[int, bool] = {}  # id → a data-shaped nested table with report markers

    def marked_grid(table: etree._Element) -> bool:
        key = id(table)
        if key not in reported:
            reported[key] = _is_grid(table) and vocab.body_markers(text_content(table), at_least=1) > 0
        return reported[key]

    chosen: list[etree._Element] = []
    chosen_ids: set[int] = set()
    for table in tables:
        if any(id(a) in chosen_ids for a in table.iterancestors("table")):
            continue  # a cell's content
        if any(marked_grid(inner) for inner in table.iterdescendants("table")):
            continue  # a layout table
        chosen.append(table)
        chosen_ids.add(id(table))
    return chosen


def _tables(body: etree._Element, issues: list[Issue]) -> list[TableRows]:
    # A table boundary does not end a part: tables split across pages continue the current
    # part unless the next table has a start row of its own.
    segmenter = Segmenter()
    for table in _grid_tables(body):
        try:
            rows = expand_table(table, _marked_cell_text)
        except GridLimitError as exc:
            issues.append(Issue(
                rule="table-too-large", severity="error",
                message=f"a table at line {table.sourceline} was not read: {exc}",
            ))
            continue
        for row in rows:
            segmenter.row(row)
    return segmenter.finish()


def read_html(text: str, *, source: str | None = None) -> Page:
    """Read decoded HTML into a :class:`Page`.

    C0 control characters are parse errors a browser shows as nothing (a form feed is
    whitespace), and so are the noncharacters U+FFFE and U+FFFF; lxml keeps them in text
    nodes but refuses them in any text it is handed back. A page whose text holds one
    (written raw or as a character reference) is read again without any. (Its visible text
    is checked once serialised: looking for them in the markup first would cost more than
    the rest of the read on a large page.)

    Raises :class:`~gkparse.errors.UnreadableDocumentError` when libxml2 gives up on the
    tree (an XPath over millions of nodes, a page nested past :data:`MAX_NESTING_DEPTH`)."""
    try:
        try:
            return _read_html(text, source, clean=False)
        except ValueError as exc:  # lxml refused a control character, or the text holds one
            if isinstance(exc, GkparseError):
                raise
        try:
            return _read_html(_CONTROLS.sub(_control, text), source, clean=True)
        except ValueError as exc:
            if isinstance(exc, GkparseError):
                raise
            raise UnreadableDocumentError(f"lxml refused a text of the page: {exc}", source=source) from None
    except etree.LxmlError as exc:  # XPathEvalError "unknown error" past libxml2's node-set limits
        raise UnreadableDocumentError(f"the HTML parser gave up: {type(exc).__name__}: {exc}", source=source) from None


def _read_html(text: str, source: str | None, *, clean: bool) -> Page:
    anchors = _ANCHORS.refresh()
    root = parse_tree(text, source)
    if clean:
        _drop_controls(root)  # the character references: the markup is clean of the rest
    etree.strip_elements(root, *_SKIP_TAGS, with_tail=False)  # in C; the tails stay
    reports = anchors.report_tables(root)
    hide = _may_hide_elements(root)
    blanked = _drop_hidden(root, hide, reports) if hide else []
    headings = _HEADINGS(root)
    metas = list(root.iter("meta"))
    body = _find_body(root, reports, blanked)
    cut = _cut_tables(body)
    serialised = _serialise(root, body, cut)
    _mark(root.iter("td", "th"))  # before any cell is read, _SHORT_CELLS' lengths included
    _mark(headings)
    page = Page(form="html")
    page.tables = _tables(body, page.issues)
    pairs = _pair_lines(root)
    page_lines, body_lines = _page_lines(serialised, root, body, cut)
    page.meta_lines = pairs + page_lines + _meta_tag_lines(metas)
    page.body = "\n".join(body_lines)
    page.title_candidates = _title_candidates(root, headings, metas, body_lines)
    return page
