"""Text dump → :class:`~gkparse.read.page.Page`.

Text dumps lose the table structure: cells sit one per line, on pipe rows, or glued on a
single line (``…国家秘密00000002.其他法律…``). Rows are found by the template's label stems,
in template order, on a compact copy of the text (folded, no whitespace) that maps back
to the original; what lies between two labels is the row's raw value text, tokenised
here and split into cells later by the cells stage (:mod:`gkparse.cells.search`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections import Counter
from dataclasses import dataclass

from .. import vocabulary as vocab
from ..grammar import TOKEN as _TOKEN
from ..grammar import read_cell
from ..normalize import compact_runs, label_key
from ..templates import TABLE_KINDS, Column, Row, Template
from ..templates.schema import per_template
from .page import LabeledRow, Page, TableRows, blank_run

__all__ = ["read_text", "read_tables", "tokenize"]

_VALUE_CHARS = set("0123456789/|-—–.+")
#: A text dump's metadata block sits in its first lines; a report's body starts after.
META_LINES = 60
#: The title is among the first non-blank lines of a dump.
TITLE_LINES = 12
_PROBLEMS_HEADING = dict(vocab.PROSE_HEADINGS)["problems"]


#: Heading and caption patterns kept compiled: three a template, so room for a score of
#: registered templates before one is compiled again.
PATTERN_CACHE = 64


@functools.lru_cache(maxsize=PATTERN_CACHE)
def _pattern(text: str) -> re.Pattern[str]:
    """A template's heading or caption pattern, compiled once."""
    return re.compile(text)


@dataclass
class _Compact:
    """A text, its compact form and where each compact character came from, as the runs
    of :func:`~gkparse.normalize.compact_runs`."""

    text: str
    compact: str
    starts: list[int]
    origins: list[int]

    def _at(self, i: int) -> int:
        """The index in the text of compact character ``i``."""
        run = bisect.bisect_right(self.starts, i) - 1
        return self.origins[run] + i - self.starts[run]

    def original(self, start: int, end: int) -> str:
        """Original text between compact positions ``start`` and ``end``."""
        if start >= end:
            return ""
        size = len(self.compact)
        o_start = self._at(start) if start < size else len(self.text)
        o_end = self._at(end - 1) + 1 if end - 1 < size else len(self.text)
        return self.text[o_start:o_end]

    def original_between(self, start: int, end: int) -> str:
        """Original text from after compact char ``start - 1`` up to compact char ``end``
        (keeps the whitespace around the span, which carries empty cells)."""
        size = len(self.compact)
        o_start = self._at(start - 1) + 1 if 0 < start <= size else (0 if start == 0 else len(self.text))
        o_end = self._at(end) if end < size else len(self.text)
        return self.text[o_start:o_end]


def tokenize(region: str, *, baseline: int = 1, row_per_line: bool = False, exact_blanks: bool = True) -> list[str]:
    """Raw value tokens of a row's value text; ``""`` marks an empty cell.

    Pipe rows: one token per cell between pipes (padding past the row's cells is dropped
    later, when the row's width is known). With ``row_per_line`` (``| a | 1 | 2 |`` lines)
    the line break between two pipes ends a row; otherwise (one ``x |`` cell per line) a
    bare ``|`` line is an empty cell.
    Line dumps: a run of newlines longer than ``baseline`` holds empty cells, one per extra
    newline with ``exact_blanks``, else a range (see :func:`_blank_lines`).

    >>> tokenize(" | 58 | 7 |  | 66 | ||")
    ['58', '7', '', '66', '', '']
    >>> tokenize(" | 569 | 368 |\\n| ", row_per_line=True)
    ['569', '368']
    >>> tokenize("| 3| 1| 4  \\nnext label| ", row_per_line=True)
    ['3', '1', '4']
    >>> tokenize("  \\n2| 1| 0  \\n", row_per_line=True)
    ['2', '1', '0']
    >>> tokenize("\\n\\n569\\n\\n\\n368\\n\\n", baseline=2)
    ['569', '', '368']
    >>> from gkparse.read.page import blank_range
    >>> blank_range(tokenize("1\\n\\n\\n\\n2", baseline=2, exact_blanks=False)[1])
    (1, 2)
    >>> tokenize("713000074")
    ['713000074']
    """
    if "|" in region:
        if row_per_line:
            region = re.sub(r"\|[ \t\u3000]*\n[ \t\u3000\n]*\|", "|", region)
        pieces = region.split("|")
        # Before the first pipe: the label's own cell boundary, or, in rows written without
        # outer pipes (html2text's ``label| 1| 2``), a first value that no pipe precedes.
        head = pieces.pop(0).split()
        tokens: list[str] = list(head) if head and all(map(_is_value_word, head)) else []
        if pieces and not pieces[-1].strip():
            pieces = pieces[:-1]  # the tail before the next label
        for i, piece in enumerate(pieces):
            words = piece.split()
            if not words:
                tokens.append("")
                continue
            values = list(itertools.takewhile(_is_value_word, words))
            if len(values) == len(words):
                tokens.extend(values)
                continue
            same_line = "\n" not in piece
            if not values and same_line and (not tokens and i == len(pieces) - 1 or _values_follow(pieces[i + 1:])):
                # Text in a cell between cells of the same line, or as the row's only cell
                # (``| 见附件 |``): a cell that holds no number. Kept whole, so it reads as
                # unreadable, never as a blank, and the cells after it keep their places.
                # Text after a line break is the next line's label.
                tokens.append(" ".join(words))
                continue
            if i == len(pieces) - 1:
                # Without a trailing pipe, the row's last value stands before the next
                # row's label (``| 4\nlabel``).
                tokens.extend(values)
            break  # label text (a group label, the next row's label) ends the values
        return tokens
    if region.count("\n") <= baseline:
        return _TOKEN.findall(region)  # no gap between values can hold an empty cell
    tokens = []
    position = 0
    count = region.count
    for match in _TOKEN.finditer(region):
        start = match.start()
        if count("\n", position, start) > baseline:
            _blank_lines(tokens, count("\n", position, start) - baseline, exact_blanks)
        tokens.append(match.group())
        position = match.end()
    if tokens:
        _blank_lines(tokens, count("\n", position) - baseline, exact_blanks)
    return tokens


def _is_value_word(word: str) -> bool:
    """A word of a pipe cell that is a value: a token of a glued dump, or a number the cell
    grammar reads (``121件``, ``1,268``, ``45.6万``; a lone ``\\`` stays markdown's escape)."""
    return _TOKEN.fullmatch(word) is not None or read_cell(word, kind="amount").how == "num"


def _values_follow(pieces: list[str]) -> bool:
    """Whether a value or an empty cell comes later in the row (so a text piece before it
    is a cell of the row, not a label after the row's values)."""
    return any(not p.split() or all(map(_is_value_word, p.split())) for p in pieces)


def _blank_lines(tokens: list[str], extra: int, exact: bool) -> None:
    """``extra`` newlines beyond the separator hold empty cells: one per newline in some
    dumps (``"a\\n\\n\\nb"``), one per blank paragraph in others (``"a\\n\\n\\n\\nb"``).
    Unless the document showed which (``exact``), the count is a range."""
    if extra > 0:
        tokens.append(blank_run(extra, extra) if exact else blank_run((extra + 1) // 2, extra))


#: Blank lines between two lines (the line ending at the gap's first newline, the line the
#: lookahead reads) ...
_VALUE_GAP = re.compile(r"(?m)\n((?:[ \t\u3000]*\n)+)(?=[ \t]*[-\d./]+[ \t]*$)")
#: ... where both lines hold a value alone. (The gap is found from its first newline, which
#: the engine looks for in C; a pattern starting at the line before it, at ``^``, is tried
#: at every character: 5x slower over a dump.)
_VALUE_LINE = re.compile(r"[ \t]*[-\d./]+[ \t]*")


def _exact_blanks(text: str, baseline: int) -> bool:
    """Whether the dump writes one newline per empty cell: an odd number of extra
    newlines between two value lines cannot be blank paragraphs.

    >>> _exact_blanks("569\\n\\n\\n368", 2), _exact_blanks("1\\n\\n\\n\\n2", 2)
    (True, False)
    """
    for m in _VALUE_GAP.finditer(text):
        extra = m.group(1).count("\n") + 1 - baseline
        if extra > 0 and extra % 2 == 1 and _VALUE_LINE.fullmatch(text, text.rfind("\n", 0, m.start()) + 1, m.start()):
            return True
    return False


#: A newline, then any newlines and blanks (``(?:\n[ \t\u3000]*)+`` matches the same runs, but
#: its repeated group hides the leading newline from the engine, which then tries the
#: pattern at every character: 15x slower over a dump).
_NEWLINE_RUN = re.compile(r"\n[\n \t\u3000]*")


def _baseline(text: str) -> int:
    """The newline count that separates two cells in a one-cell-per-line dump: the most
    common number of newlines in a whitespace run (1 for plain lines, 2 with blank lines).

    >>> _baseline("a\\n\\nb\\n\\nc\\n\\n\\nd")
    2
    """
    # The runs are counted by their text (in C; a dump holds a handful of distinct runs),
    # then by their newlines, each count first met where its first run stands (ties go to it).
    newlines: Counter[int] = Counter()
    for run, count in Counter(_NEWLINE_RUN.findall(text)).items():
        newlines[run.count("\n")] += count
    return newlines.most_common(1)[0][0] if newlines else 1


#: A line holding a whole row has a label and at least one value between pipes
#: (``| label | 1 |``); a line holding one cell has one or two (``1 |``, ``| 1 |``).
MIN_ROW_PIPES = 3


def _pipe_rows(text: str) -> bool:
    """Whether pipe-separated text puts a whole row on each line (``| label | 1 | 2 |``)
    rather than one cell per line (``1 |``)."""
    if "|" not in text:
        return False
    wide = narrow = 0
    for line in text.split("\n"):
        if "|" not in line or not line.replace("|", "").strip():
            continue
        if line.count("|") >= MIN_ROW_PIPES:
            wide += 1
        else:
            narrow += 1
    return wide > narrow


def _find_stem(c: _Compact, keys: tuple[str, ...], start: int, end: int) -> tuple[int, int] | None:
    """The first place between ``start`` and ``end`` where one of the stems (their
    ``stem_keys``) stands."""
    best: tuple[int, int] | None = None
    for key in keys:
        pos = c.compact.find(key, start, end)
        if pos != -1 and (best is None or pos < best[0]):
            best = (pos, pos + len(key))
    return best


def _label_start(c: _Compact, stem_start: int, floor: int, number: int | None) -> int:
    """Walk back from a stem over label characters, taking a glued leaf number ``N.`` and
    any group label (``(四)无法提供``) in front of it."""
    i = stem_start
    while i > floor and c.compact[i - 1] not in _VALUE_CHARS:
        i -= 1
    if (
        number is not None
        and i - 2 >= floor
        and c.compact[i - 1] in ".、"
        and c.compact[i - 2] == str(number)
    ):
        i -= 2
        while i > floor and c.compact[i - 1] not in _VALUE_CHARS:
            i -= 1
    return i


def _label_end(c: _Compact, stem_end: int, ceiling: int) -> int:
    i = stem_end
    while i < ceiling and c.compact[i] not in _VALUE_CHARS:
        i += 1
    return i


@dataclass
class _Hit:
    row: Row | None  # None: label text no stem matched (the cells stage matches it, or not)
    start: int  # label start
    stem_end: int
    end: int = 0  # label end


def _stems_in(c: _Compact, rows: tuple[Row, ...], start: int, end: int) -> list[_Hit]:
    """Each row's first stem match after the previous row's, in template order."""
    hits: list[_Hit] = []
    cursor = start
    for row in rows:
        found = _find_stem(c, row.stem_keys, cursor, end)
        if found is not None:
            hits.append(_Hit(row, found[0], found[1]))
            cursor = found[1]
    return hits


#: Label characters in a row's values that may be a row label no stem matched
#: (``2.其他法律行政止公开`` for 2.其他法律行政法规禁止公开): at least this many in a run, so a
#: unit (元, 万元) between values is never taken for a label.
MIN_LABEL_RUN = 3


def _unstemmed_labels(c: _Compact, hits: list[_Hit], rows: tuple[Row, ...], end: int) -> list[_Hit]:
    """``hits`` with a hit added for each run of label text inside a row's values where the
    template has a row between the two found rows that no stem found: its label as
    printed (a wrong, missing or extra character), which the cells stage matches to the
    template's label in that place (:func:`gkparse.cells.align.align`), so that its
    values are never read as the row before's."""
    order = {row.key: i for i, row in enumerate(rows)}
    out: list[_Hit] = []
    for i, hit in enumerate(hits):
        out.append(hit)
        if hit.row is None or hit.row.key not in order:
            continue
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        missing = (order[nxt.row.key] if nxt and nxt.row and nxt.row.key in order else len(rows)) - order[hit.row.key] - 1
        if missing <= 0 or (nxt is None and end >= len(c.compact)):
            continue  # no row missing here, or the document is cut inside this table
        stop = nxt.start if nxt else end
        runs: list[list[int]] = []
        for m in _LABEL_RUN.finditer(c.compact, hit.end, stop):
            start = m.start()
            if start - 2 > hit.end and c.compact[start - 1] in ".、" and c.compact[start - 2].isdigit():
                start -= 2  # the leaf number glued in front (2.)
            if runs and _LABEL_JOIN.fullmatch(c.compact, runs[-1][1], start):
                runs[-1][1] = m.end()  # a group label, then the leaf's number and label
            else:
                runs.append([start, m.end()])
        groups = {label_key(row.group) for row in rows if row.group}
        labels = [r for r in runs if r[1] - r[0] >= MIN_LABEL_RUN and c.compact[r[0]:r[1]] not in groups]
        for start, stem_end in labels[:missing]:
            out.append(_Hit(None, start, stem_end, stem_end))
    return out


#: What may stand between a group label and its first leaf's label (a cell boundary).
_LABEL_JOIN = re.compile(r"\|*")
_LABEL_RUN = re.compile("[^" + re.escape("".join(sorted(_VALUE_CHARS))) + "]+")


def _extend_labels(c: _Compact, hits: list[_Hit], floor: int, end: int) -> None:
    for i, hit in enumerate(hits):
        if hit.row is None:
            continue
        hit.start = _label_start(c, hit.start, hits[i - 1].stem_end if i else floor, hit.row.number)
    for i, hit in enumerate(hits):
        if hit.row is None:
            continue
        ceiling = hits[i + 1].start if i + 1 < len(hits) else end
        hit.end = _label_end(c, hit.stem_end, ceiling)


@dataclass(frozen=True)
class _Layout:
    """How this dump lays out cells (see :func:`tokenize`)."""

    baseline: int
    row_per_line: bool
    exact_blanks: bool

    def tokens(self, region: str) -> list[str]:
        if "|" not in region and region.count("\n") <= self.baseline:
            return _TOKEN.findall(region)  # as tokenize reads it, without the call (most rows)
        return tokenize(region, baseline=self.baseline, row_per_line=self.row_per_line, exact_blanks=self.exact_blanks)


def _region_rows(c: _Compact, hits: list[_Hit], end: int, layout: _Layout) -> list[LabeledRow]:
    rows = []
    text, size = c.text, len(c.compact)
    # A row's label runs from its start to its end, its values from there to the next
    # label's start (:meth:`_Compact.original`, :meth:`_Compact.original_between`): each
    # place is looked up in the text once.
    label_start = c._at(hits[0].start) if hits else 0
    for i, hit in enumerate(hits):
        stop = hits[i + 1].start if i + 1 < len(hits) else end
        label_end = c._at(hit.end - 1) + 1
        next_start = c._at(stop) if stop < size else len(text)
        region = text[label_end:next_start]
        rows.append(
            LabeledRow(
                text[label_start:label_end], layout.tokens(region), glued=True,
                key=hit.row.key if hit.row else None, truncated=stop >= size, splittable="|" not in region,
                bare_means_blank=region == "",
            )
        )
        label_start = next_start
    return rows


def _header_columns(
    c: _Compact, columns: tuple[Column, ...], start: int, end: int, expected: int = 0, skip: str = ""
) -> tuple[list[str], int]:
    """The header labels between ``start`` and ``end`` in order, and where the last ends.

    When fewer than ``expected`` (the block's columns) are found by their stems, the other
    runs of label text there (but ``skip``, the label column's header) are given too, as
    printed (``采购总金`` for 采购总金额): the cells stage matches them to the template's
    columns or reports them, so that no column's cells shift onto another's.
    """
    found: list[tuple[int, int, Column | None]] = []
    for column in columns:
        hit = _find_stem(c, column.stem_keys, start, end)
        if hit is not None:
            found.append((hit[0], hit[1], column))
    found.sort(key=lambda f: f[0])
    kept: list[tuple[int, int, Column | None]] = []
    for item in found:  # overlapping matches name one header: keep the first
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    if len(kept) < expected:
        for m in _LABEL_RUN.finditer(c.compact, start, end):
            pieces = [(m.start(), m.end())]
            for s_, e_, _ in kept:  # the run's text outside the matched headers
                pieces = [p for a, b in pieces for p in ((a, min(b, s_)), (max(a, e_), b)) if p[1] - p[0] > 0]
            for a, b in pieces:
                text = c.compact[a:b]
                if skip and text.startswith(skip):
                    a, text = a + len(skip), text[len(skip):]
                if len(text) >= MIN_LABEL_RUN:
                    kept.append((a, b, None))
        kept.sort(key=lambda f: f[0])
    return [c.original(s, e) for s, e, _ in kept], (kept[-1][1] if kept else start)


_TOP_GROUP = label_key(vocab.REQUEST_HEADER_GROUP)
_GROUP = label_key(vocab.SUBTOTAL_GROUP)
_SUBTOTAL_WORDS = tuple(
    w for w in dict.fromkeys(label_key(x) for x in (*vocab.SUBTOTAL_HEADERS, vocab.SUBTOTAL_SUFFIX)) if w != _GROUP
)
_MEMBERS = frozenset(label_key(m) for m in vocab.SUBTOTAL_MEMBERS)


@per_template
def _header_words(template: Template) -> tuple[re.Pattern[str], dict[str, str]]:
    """The words of part 三's header (the group labels, the subtotal's words, the columns'
    stems), as one pattern of alternatives, longest first (so the group ``法人或其他组织`` is
    not read as ``其他``; the engine, seeing each start with a character, passes over the
    others in C), and the kind each word names (the first's, for a word named twice)."""
    words = [(_TOP_GROUP, "top"), (_GROUP, "group")] + [(w, "subtotal") for w in _SUBTOTAL_WORDS]
    words += [(label_key(stem), column.key) for column in template.requests_columns for stem in column.stems]
    words.sort(key=lambda w: -len(w[0]))
    kinds: dict[str, str] = {}
    for word, kind in words:
        if word:
            kinds.setdefault(word, kind)
    return re.compile("|".join(re.escape(word) for word in kinds)), kinds


def _request_header(c: _Compact, template: Template, start: int, end: int) -> list[str] | None:
    """Part 三's header cells in column order, when the header names a subtotal column
    (``小计``); None otherwise, and the template's order applies.

    The header is read left to right, the longest label at each place (so the group
    ``法人或其他组织`` is not read as ``其他``). A two-level header flattens to its first
    level, then the group's leaves: the columns are the cells before the group, the
    group's leaves (the subtotal's members and the subtotal, as printed), then the other
    cells after it. Each template column must be named exactly once.
    """
    pattern, kinds_of = _header_words(template)
    columns = template.requests_columns
    # (kind, header text), "top" dropped
    found = [
        (kinds_of[m.group()], c.original(m.start(), m.end()))
        for m in pattern.finditer(c.compact, start, end) if kinds_of[m.group()] != "top"
    ]
    kinds = [kind for kind, _ in found]
    if "subtotal" not in kinds or kinds.count("group") > 1 or any(kinds.count(col.key) != 1 for col in columns):
        return None

    def leaf(kind: str, text: str) -> bool:
        return kind == "subtotal" or label_key(text) in _MEMBERS

    # Without a group cell, the group's leaves start at its first leaf.
    split = kinds.index("group") if "group" in kinds else next(i for i, (k, t) in enumerate(found) if leaf(k, t))
    cells = [(kind, text) for kind, text in found if kind != "group"]
    before = [text for kind, text in found[:split] if kind != "group"]
    rest = [(kind, text) for kind, text in found[split:] if kind != "group"]
    ordered = before + [t for k, t in rest if leaf(k, t)] + [t for k, t in rest if not leaf(k, t)]
    return ordered if len(ordered) == len(cells) else None


def read_text(text: str) -> Page:
    """Read a text dump into a :class:`Page` without its tables (see :func:`read_tables`):
    the template is recognised from the text first."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    page = Page(form="text", body=text)
    # Only the first lines are kept: the rest of a long dump is not stripped line by line.
    lines = list(itertools.islice(filter(None, map(str.strip, text.split("\n"))), max(META_LINES, TITLE_LINES)))
    page.meta_lines = lines[:META_LINES]
    page.title_candidates = lines[:TITLE_LINES]
    return page


def read_tables(page: Page, template: Template) -> None:
    """Find ``template``'s tables in the page's text and add their rows to ``page``."""
    text = page.body
    c = _Compact(text, *compact_runs(text))
    compact = c.compact
    baseline = _baseline(text)
    layout = _Layout(baseline, _pipe_rows(text), _exact_blanks(text, baseline))

    disclosure, requests, appeals = (template.table(kind) for kind in TABLE_KINDS)
    requests_first = _find_stem(c, requests.rows[0].stem_keys, 0, len(compact))
    requests_anchor = requests_first[0] if requests_first else len(compact)
    part3 = _pattern(requests.heading).search(compact, 0, requests_anchor)
    # The note above part 三's table ends part 二 even where the heading is lost.
    note = compact.find(label_key(requests.note), 0, requests_anchor) if requests.note else -1
    disclosure_end = min(x for x in (part3.start() if part3 else None, note if note != -1 else None, requests_anchor) if x is not None)

    # Part 二: captioned sub-tables.
    captions = [m for m in _pattern(disclosure.caption).finditer(compact, 0, disclosure_end)]
    for i, caption in enumerate(captions):
        seg_end = captions[i + 1].start() if i + 1 < len(captions) else disclosure_end
        hits = _stems_in(c, disclosure.rows, caption.end(), seg_end)
        block = next((b for b in template.disclosure if b.item == caption.group(1)), None)
        header_end = hits[0].start if hits else seg_end
        columns, header_stop = _header_columns(
            c, disclosure.columns, caption.end(), header_end, len(block.columns) if block else 0,
            label_key(disclosure.header_first),
        )
        _extend_labels(c, hits, header_stop, seg_end)
        if block is not None:
            hits = _unstemmed_labels(c, hits, block.rows, seg_end)
        page.tables.append(
            TableRows("disclosure", _region_rows(c, hits, seg_end, layout), columns or None, c.original(caption.start(), caption.end()))
        )

    # Part 三: rows in template order up to the part 四 heading.
    part4 = _pattern(appeals.heading).search(compact, requests_anchor)
    requests_end = part4.start() if part4 else len(compact)
    if requests_first:
        hits = _stems_in(c, requests.rows, requests_anchor, requests_end)
        _extend_labels(c, hits, requests_anchor, requests_end)
        hits = _unstemmed_labels(c, hits, requests.rows, requests_end)
        header_start = note if note != -1 else (part3.end() if part3 else None)
        header_end = hits[0].start if hits else requests_anchor
        header = _request_header(c, template, header_start, header_end) if header_start is not None else None
        page.tables.append(TableRows("requests", _region_rows(c, hits, requests_end, layout), header))

    # Part 四: the header labels, then one run of 15 values.
    if part4:
        part5 = _PROBLEMS_HEADING.search(compact, part4.end())
        appeals_end = part5.start() if part5 else len(compact)
        last_label = part4.end()
        for stem in appeals.header_stems:
            pos = compact.rfind(stem, part4.end(), appeals_end)
            if pos != -1:
                last_label = max(last_label, pos + len(stem))
        region = c.original_between(last_label, appeals_end)
        tokens = layout.tokens(region)
        if tokens:
            page.tables.append(
                TableRows("appeals", [LabeledRow("", tokens, glued=True, splittable="|" not in region)])
            )
