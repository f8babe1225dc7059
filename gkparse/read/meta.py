"""Page metadata, title, agency, year, signature and prose parts, from text lines.

Shared by the HTML and text readers: both hand over lines of text; labels are matched
with any whitespace between their characters (``索 引 号``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from .. import vocabulary as vocab
from ..model import Meta, Prose, Signature
from ..normalize import fold
from ..templates import TABLE_KINDS, TEMPLATES, Template
from ..templates.schema import per_template

__all__ = [
    "MetaFields", "read_meta", "find_title", "agency_from_title", "report_year", "find_signature", "split_prose", "iso_date",
    "label_value_lines", "meta_field_label", "page_title_pieces",
]

_LABELS = sorted(((label, name) for name, labels in vocab.META_FIELDS for label in labels), key=lambda x: -len(x[0]))


def _label_alternatives() -> str:
    """The labels as alternatives (any whitespace between their characters), longest first,
    grouped under their first character: where a label may start, only the labels starting
    with that character are tried (all of them: 2x slower), and the engine, seeing each
    alternative start with a character, passes over the others in C (without that, every
    alternative is tried at every character: 8x slower). Group ``l{i}`` holds the rest of
    ``_LABELS[i]``."""
    by_first: dict[str, list[str]] = {}
    for i, (label, _) in enumerate(_LABELS):
        rest = "".join(r"[ \t\u3000]*" + re.escape(ch) for ch in label[1:])
        by_first.setdefault(label[0], []).append(f"(?P<l{i}>{rest})")
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in by_first.items())


_LABEL_RE = re.compile("(?:" + _label_alternatives() + r")[ \t\u3000]*[:：]?")
_COLON = re.compile(r"[:：]")
_LINE_START_LABELS = frozenset(vocab.META_LINE_START_LABELS)
#: Every label, folded and without spaces (a label cell of a metadata table is one of them).
_LABEL_KEYS = frozenset(re.sub(r"\s+", "", fold(label)) for label, _ in _LABELS)
_FIELD_LABELS = {name: labels[0] for name, labels in vocab.META_FIELDS}
_LABEL_CELL_TRIM = " \t\u3000:\uff1a"
#: A metadata line is short: a longer line is prose that happens to hold a label word.
MAX_META_LINE = 240
#: A title is short: a longer candidate is a paragraph, not a heading.
MAX_TITLE_CHARS = 80
#: The reporting-period sentence sits in part 一, near the top: no need to fold the rest.
PERIOD_SEARCH_CHARS = 20_000
#: The signature is among the body's last lines.
SIGNATURE_LINES = 8
#: A signature's date line holds a date and little else (2021年12月31日 is 11 characters).
MAX_SIGNATURE_DATE_LINE = 20
#: A signature's agency line is a name: the longest agency names run to about 30 characters.
MAX_SIGNATURE_AGENCY_LINE = 40


@dataclass
class MetaFields:
    """The labelled fields of a metadata block: canonical ``fields`` and the ``extra``
    ones by their own label."""

    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        return self.fields.get("title")

    def meta(self) -> Meta:
        """The block as the report's :class:`~gkparse.model.Meta` (its title goes to the report)."""
        return Meta(**{k: v for k, v in self.fields.items() if k != "title"}, extra=dict(self.extra))


def iso_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD``.

    >>> iso_date("生成日期 2021-01-28"), iso_date("2021年1月8日"), iso_date("无")
    ('2021-01-28', '2021-01-08', None)
    """
    m = vocab.DATE.search(fold(text))
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


_HINTS = re.compile(f"{vocab.META_LABEL_HINT.pattern}|{vocab.META_LABEL_HINT_ADDED.pattern}")
#: The characters a label starts with, and a label's last character before a colon: a line
#: that neither starts with a label nor holds one before a colon has no labels
#: (:func:`_line_labels`), and its words are never looked for.
_LABEL_FIRSTS = frozenset(label[0] for label, _ in _LABELS)
_LABEL_COLON = re.compile("[" + re.escape("".join(sorted({label[-1] for label, _ in _LABELS}))) + r"][ \t\u3000]*[:：]")


def _hinted(lines: list[str]) -> list[str]:
    """The lines of at most :data:`MAX_META_LINE` characters that may hold labels (a label
    at their start or one before a colon) and hold a label hint, in order."""
    # Tests in C, the cheapest first: the prose of a long report is passed over line by line
    # without the label pattern.
    return [
        line for line in lines
        if len(line) <= MAX_META_LINE
        and (line.lstrip()[:1] in _LABEL_FIRSTS or ((":" in line or "：" in line) and _LABEL_COLON.search(line)))
        and _HINTS.search(line)
    ]


def _line_labels(line: str) -> list[tuple[re.Match[str], int]]:
    """The labels of a metadata line with their index in ``_LABELS``, in order; ``[]`` when
    the line's first label sits in the middle of a sentence (``…来源于…``, no colon after
    it): prose, whose other label words are then never looked for (a long report holds
    hundreds of such lines)."""
    if ":" not in line and "：" not in line:
        # Without a colon only a label at the line's start makes it a metadata line: the
        # search over the rest of the line (every label tried at every label character) is
        # left out.
        start = len(line) - len(line.lstrip())
        if _LABEL_RE.match(line, start) is None:
            return []
    matches: list[tuple[re.Match[str], int]] = []
    for m in _LABEL_RE.finditer(line):
        label_index = int(str(m.lastgroup)[1:])
        before = line[:m.start()].strip()
        if before and _LABELS[label_index][0] in _LINE_START_LABELS:
            if not (line[m.start() - 1].isspace() and _COLON.search(m.group(0))):
                continue  # an ordinary word inside the line (not "… 单位：…" after a space)
        if not matches and before and not _COLON.search(line[m.start():m.end() + 1]):
            return []
        matches.append((m, label_index))
    return matches


def read_meta(lines: list[str]) -> MetaFields:
    """Labelled fields of a metadata block, by canonical name (first occurrence wins).

    >>> read_meta(["索引号 001008003008067/2021-98380 主题分类 政务公开", "生成日期 2021-01-28"]).fields
    {'index_no': '001008003008067/2021-98380', 'topic': '政务公开', 'published': '2021-01-28'}
    """
    found = MetaFields()
    # A line met again adds nothing (the first occurrence of each field wins): each
    # distinct line is read once, in the order of its first occurrence (a page's chrome
    # and a CMS's repeated blocks print the same lines many times).
    for line in _hinted(list(dict.fromkeys(lines))):
        matches = _line_labels(line)
        for i, (m, label_index) in enumerate(matches):
            label, name = _LABELS[label_index]
            end = matches[i + 1][0].start() if i + 1 < len(matches) else len(line)
            value = line[m.end():end].strip(" \t\u3000:：|")
            if not value:
                continue
            if name == "publisher" and vocab.URL_VALUE.match(value):
                name = "source_url"  # 来源：http://… names where the page came from, not who published it
            if name in ("published", "captured"):
                value = iso_date(value) or ""
                if not value:
                    continue
            if name == "extra":
                found.extra.setdefault(label.replace(" ", ""), value)
                continue
            found.fields.setdefault(name, value)
    return found


#: What a web page's ``<title>`` puts between the article's title and the column and site
#: names (``某县2023年…年度报告_年报_某县人民政府``); a dash only between spaces, or at the
#: title's start before one (``- 某县…``).
_TITLE_SEPARATORS = re.compile(r"\s*[_|\uff5c]\s*|(?:^|\s+)-\s+")
#: A page title is a line: past this many characters the rest is not cut into pieces (the
#: separator pattern costs the square of a run of whitespace; a hostile <title> held one of
#: 100,000 characters).
MAX_PAGE_TITLE_CHARS = 1000


def page_title_pieces(title: str) -> list[str]:
    """A page's ``<title>`` cut at its separators (the pieces, empty ones included).

    >>> page_title_pieces("某县2023年政府信息公开工作年度报告_年报 | 某县人民政府")
    ['某县2023年政府信息公开工作年度报告', '年报', '某县人民政府']
    >>> page_title_pieces("- 某县2023年政府信息公开工作年度报告"), page_title_pieces("2023-2024年度报告")
    (['', '某县2023年政府信息公开工作年度报告'], ['2023-2024年度报告'])
    """
    return _TITLE_SEPARATORS.split(title[:MAX_PAGE_TITLE_CHARS])


def meta_field_label(name: str) -> str:
    """The label a metadata field is read under (its first label in
    :data:`gkparse.vocabulary.META_FIELDS`), for lines made from other markup."""
    return _FIELD_LABELS[name]


def _is_label_cell(text: str) -> bool:
    return re.sub(r"\s+", "", fold(text)).strip(_LABEL_CELL_TRIM) in _LABEL_KEYS


def label_value_lines(cells: list[str]) -> list[str]:
    """A metadata table row with labels and values in alternating cells (``索引号 | … |
    分类 | …``) as one ``label：value`` line per pair; ``[]`` for any other row. A label
    followed by another label (an empty value cell left out) or by nothing has no value.

    >>> label_value_lines(["索引号", "0012/2023-01", "分类", "", "发布机构", "县府办"])
    ['索引号:0012/2023-01', '发布机构:县府办']
    >>> label_value_lines(["规章", "0", "0", "3"])
    []
    """
    lines: list[str] = []
    i = 0
    while i < len(cells):
        if not _is_label_cell(cells[i]):
            i += 1
            continue
        value = cells[i + 1] if i + 1 < len(cells) else ""
        if value and not _is_label_cell(value):
            lines.append(re.sub(r"\s+", "", cells[i]).strip(_LABEL_CELL_TRIM) + ":" + value)
            i += 2
        else:
            i += 1 if value else 2
    return lines


#: Markdown's marks around a title line in a text dump (``# 标题``, ``**标题**``).
_TITLE_MARKS = re.compile(r"^\s{0,3}#{1,6}\s+|^\s*>+\s*|\*\*|__")
#: Whitespace inside a spaced-out title (the year's gap is
#: :data:`gkparse.vocabulary.TITLE_YEAR_GAP`): between CJK characters when the title is
#: letter-spaced.
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uff08\uff09])\s+(?=[\u3400-\u9fff\uff08\uff09\d])|(?<=\d)\s+(?=\d)")
#: A title is letter-spaced when this many gaps sit between its characters.
MIN_SPACED_GAPS = 3


def _title_text(raw: str) -> str:
    """A title candidate as text: one line, without markdown's marks, a title label or the
    gaps of a spaced-out title.

    >>> _title_text("## **2024 年某某局政府信息公开工作年度报告**")
    '2024年某某局政府信息公开工作年度报告'
    >>> _title_text("2 0 2 4 年 某 某 局 政 务 公 开 年 度 报 告")
    '2024年某某局政务公开年度报告'
    """
    text = vocab.TITLE_LABEL.sub("", " ".join(_TITLE_MARKS.sub("", raw).split()))
    text = vocab.TITLE_YEAR_GAP.sub("", text)
    if len(_CJK_GAP.findall(text)) >= MIN_SPACED_GAPS:
        text = _CJK_GAP.sub("", text)
    return text


def _title_of(text: str, strict: bool) -> bool:
    if not text or len(text) > MAX_TITLE_CHARS or vocab.lookalike_reason(text):
        return False
    compact = vocab.compact_title(text)
    if strict:
        return vocab.REPORT_TITLE.match(compact) is not None
    return vocab.LOOSE_REPORT_TITLE.search(compact) is not None


#: Characters a title label (``信息名称：``) takes at most: removed by :func:`_title_text`.
_LABEL_CHARS = 16


def _too_long_for_a_title(raw: str) -> bool:
    """Whether ``raw`` keeps more than :data:`MAX_TITLE_CHARS` characters whatever
    :func:`_title_text` removes (whitespace, markdown marks, a label): no title, alone or
    joined with a neighbour, and not worth the patterns (a one-line dump's body is one
    candidate of thousands of characters).

    >>> _too_long_for_a_title("年" * 200), _too_long_for_a_title("**" * 200), _too_long_for_a_title("某县年度报告")
    (True, False, False)
    """
    if len(raw) <= MAX_TITLE_CHARS:
        return False
    removable = 2 * (raw.count("**") + raw.count("__")) + raw.count(">") + raw.count("#") + _LABEL_CHARS
    return len("".join(raw.split())) - removable > MAX_TITLE_CHARS


#: The character every report word holds (:data:`~gkparse.vocabulary.REPORT_WORDS`), which
#: every title pattern needs too (:data:`~gkparse.vocabulary.REPORT_TITLE`,
#: :data:`~gkparse.vocabulary.LOOSE_REPORT_TITLE`; test_no_title_without_the_report_word).
(_REPORT_WORD,) = set.intersection(*map(set, vocab.REPORT_WORDS))


def find_title(candidates: list[str]) -> str | None:
    """The first candidate that reads as an annual-report title (not a look-alike such as
    a notice about reports, an interpretation, a graphic or a sample). Markdown's marks and
    a spaced-out title's gaps are no part of it; a title a dump broke over two lines is
    read from the two candidates joined, when no candidate alone is a title.

    >>> find_title(["图解：某县2023年政府信息公开工作年度报告", "某县2023年政府信息公开工作年度报告"])
    '某县2023年政府信息公开工作年度报告'
    >>> find_title(["# 2024 年某某局政府信息公开工作", "年度报告", "一、总体情况"])
    '2024年某某局政府信息公开工作年度报告'
    """
    texts: dict[int, str] = {}
    named: dict[int, bool] = {}

    def text_of(i: int) -> str:
        # Each candidate read once, when first needed: the title is mostly the first.
        if i not in texts:
            raw = candidates[i]
            texts[i] = "" if _too_long_for_a_title(raw) else _title_text(raw)
        return texts[i]

    def names_report(i: int) -> bool:
        # A candidate without the word (a page's chrome, a metadata line) is no title,
        # whatever is cut from it: it is not read.
        if i not in named:
            raw = candidates[i]
            named[i] = not _too_long_for_a_title(raw) and _REPORT_WORD in fold(raw)
        return named[i]

    for strict in (True, False):
        for i in range(len(candidates)):
            if names_report(i) and _title_of(text := text_of(i), strict):
                return text
    lines = [text_of(i) for i in range(len(candidates))]
    for first, second in zip(lines, lines[1:]):
        joined = first + second
        if first and second and not vocab.SENTENCE_MARKS.search(first) and _title_of(joined, True):
            return joined
    return None


def agency_from_title(title: str) -> str | None:
    """The reporting agency named in a title (see :func:`gkparse.vocabulary.agency_from_title`).

    >>> agency_from_title("平潭综合实验区2022年度政府信息公开工作年度报告")
    '平潭综合实验区'
    """
    return vocab.agency_from_title(title)


def report_year(title: str | None, body: str) -> int | None:
    """The year reported on: from the title (digits or Chinese numerals), else the
    统计期限 sentence of the body."""
    if title:
        m = vocab.REPORT_TITLE.match(vocab.compact_title(title))
        if m:
            return int(m.group("y"))
        year = vocab.title_year(title)
        if year is not None:
            return year
    m = vocab.PERIOD.search(fold(body[:PERIOD_SEARCH_CHARS]))
    if m:
        return int(m.group(1))
    return None


#: A signature at the end of a line (agency, spaces, date) is short: it is looked for in the
#: line's last characters (a one-line dump's body is one line of thousands).
SIGNATURE_TAIL_CHARS = 256


def _agency_and_date(line: str) -> regex.Match[str] | None:
    """:data:`~gkparse.vocabulary.AGENCY_AND_DATE` in ``line``, searched in its tail: the
    same match as over the whole line unless the match could reach past the tail (it starts
    the tail, or the tail holds a long run of spaces), when the whole line is searched."""
    tail = line[-SIGNATURE_TAIL_CHARS:]
    found = vocab.AGENCY_AND_DATE.search(tail)
    if len(tail) == len(line):
        return found
    if (found is not None and found.start() == 0) or (found is None and _LONG_SPACE.search(tail)):
        return vocab.AGENCY_AND_DATE.search(line)
    return found


_LONG_SPACE = re.compile(r"\s{32}")  # a match longer than the tail needs a run of at least 32


def _last_lines(body: str, count: int) -> list[str]:
    """The last ``count`` non-blank lines of ``body``, stripped, in order: read from the
    end, so that a long body is not split whole."""
    lines: list[str] = []
    end = len(body)
    while len(lines) < count and end >= 0:
        start = body.rfind("\n", 0, end) + 1
        line = body[start:end].strip()
        if line:
            lines.append(line)
        end = start - 1
    lines.reverse()
    return lines


def find_signature(body: str) -> Signature:
    """The closing 落款 (agency line, then a date line) among the last lines of the body."""
    lines = _last_lines(body, SIGNATURE_LINES)
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if len(line) <= MAX_SIGNATURE_DATE_LINE and vocab.SIGNATURE_DATE.fullmatch(line):
            date = iso_date(line)
            agency = None
            if i > 0 and len(lines[i - 1]) <= MAX_SIGNATURE_AGENCY_LINE and not vocab.SENTENCE_MARKS.search(lines[i - 1]):
                agency = lines[i - 1]
            return Signature(agency=agency, date=date)
        # A stripped line the pattern matches ends with the date's last character (nothing
        # after it but whitespace): any other last line is not searched.
        m = _agency_and_date(line) if i == len(lines) - 1 and line.endswith(vocab.DATE_END) else None
        if m and not vocab.PROSE_CLAUSE_BREAKS.search(m.group(1)):
            return Signature(agency=m.group(1), date=iso_date(m.group(2)))
    return Signature()


def _table_headings(template: Template | None) -> list[tuple[str, re.Pattern[str]]]:
    """The part headings of the tables (二, 三, 四) as the template prints them; with no
    template known, any registered template's heading of each table."""
    # A template's are built once (the patterns are joined and looked up for every report).
    return _template_headings(template) if template is not None else _headings(list(TEMPLATES.values()))


@per_template
def _template_headings(template: Template) -> list[tuple[str, re.Pattern[str]]]:
    return _headings([template])


def _headings(templates: list[Template]) -> list[tuple[str, re.Pattern[str]]]:
    headings: list[tuple[str, re.Pattern[str]]] = []
    for kind in TABLE_KINDS:
        patterns = dict.fromkeys(t.table(kind).heading for t in templates)
        headings.append((kind, re.compile("|".join(f"(?:{p})" for p in patterns))))
    return headings


def split_prose(body: str, signature: Signature | None = None, template: Template | None = None) -> Prose:
    """Cut the body at the six part headings; return the prose of parts 一, 五 and 六.

    Parts 一, 五 and 六 are found by :data:`gkparse.vocabulary.PROSE_HEADINGS`, parts 二–四
    by the tables' headings of ``template`` (of every registered template when None)."""
    prose = dict(vocab.PROSE_HEADINGS)
    headings = [("overview", prose["overview"]), *_table_headings(template), ("problems", prose["problems"]), ("other", prose["other"])]
    positions: dict[str, tuple[int, int]] = {}
    cursor = 0
    for name, pattern in headings:
        m = pattern.search(body, cursor)
        if m:
            positions[name] = (m.start(), m.end())
            cursor = m.end()
    starts = sorted(start for start, _ in positions.values())

    def text_of(name: str) -> str | None:
        if name not in positions:
            return None
        start = positions[name][1]
        end = next((s for s in starts if s > start), len(body))
        chunk = body[start:end].strip()
        if name == "other" and signature and signature.agency:
            tail = chunk.rfind(signature.agency)
            if tail > 0:
                chunk = chunk[:tail].strip()
        return chunk or None

    return Prose(overview=text_of("overview"), problems=text_of("problems"), other=text_of("other"))
