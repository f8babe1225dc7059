"""Table rows → aligned rows: each token sequence paired with the cells it fills.

The only place where labels become canonical keys. Rows are matched to template rows by
label stems (the longest stem wins), columns by their header labels, so an extra
法人或其他组织 subtotal column, a missing column or the seed's three-column 第(九)项 map
to the right keys instead of shifting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Optional, TypeVar, Union, cast

from .. import vocabulary as vocab
from ..model import Issue
from ..normalize import label_key
from ..read.page import LabeledRow, Page, TableKind, TableRows, blank_range, header_leaf, is_blank, shown_header
from ..templates import Column, DisclosureBlock, Relation, Row, Template
from ..templates.schema import Key, ValueKind, per_template

__all__ = ["AlignedRow", "CHARS_PER_EDIT", "ColumnSpec", "MAX_LABEL_EDITS", "RowSum", "align", "label_edits"]

#: Edits (a character dropped, added or replaced) by which a printed row label or column
#: header may differ from the template's label in its place and still be read as it, when
#: no stem matches. Real reports drop a word (``2.其他法律行政止公开``: 法规禁, three) or
#: swap a character (``三类内容事务``); more would let a label that merely shares its
#: group's wording (属于…信息) stand for a neighbour.
MAX_LABEL_EDITS = 3
#: At most one edit per this many characters of the template label: a short label
#: (规章, 自然人) is never read as another short label.
CHARS_PER_EDIT = 4
#: Tails of a printed label compared with the template's (a label read from a table has its
#: spanning group cells joined in front: three or four parts at most).
MAX_LABEL_TAILS = 8

_SUBTOTALS = tuple(label_key(h) for h in vocab.SUBTOTAL_HEADERS)
_SUBTOTAL_SUFFIX = label_key(vocab.SUBTOTAL_SUFFIX)


@dataclass(frozen=True)
class ColumnSpec:
    """One value position of a table line: the cell it fills and how its text reads.

    ``key`` is None for a column gkparse does not keep (a subtotal) or a cell an earlier
    line already filled; ``kind`` and ``unit`` still say how its text reads.
    """

    key: Key | None
    kind: ValueKind = "count"
    unit: str | None = None


class RowSum(NamedTuple):
    """A sum that holds inside one line: ``tokens[total] == sum(tokens[addends])`` (R3, R4)."""

    relation: str
    addends: list[int]
    total: int


#: A row sum made per table line without the named tuple's Python-level ``__new__``.
_new_sum = tuple.__new__


@dataclass
class AlignedRow:
    """Tokens of one table line and the cells they fill, with the sums that hold inside it."""

    table: TableKind
    columns: list[ColumnSpec]
    tokens: list[str]
    glued: bool
    label: str = ""
    truncated: bool = False
    splittable: bool = True
    sums: list[RowSum] = field(default_factory=list)

    @property
    def keys(self) -> list[Key | None]:
        return [c.key for c in self.columns]

    @property
    def where(self) -> str:
        """Where the line sits, for its issues: ``table/row``, or the table alone when the
        line fills several rows (part 四 printed on one line) or none.

        >>> AlignedRow("requests", [ColumnSpec(Key("requests", "new", "total")), ColumnSpec(None)], [], True).where
        'requests/new'
        """
        rows = dict.fromkeys(k.row for k in self.keys if k)
        return f"{self.table}/{next(iter(rows))}" if len(rows) == 1 else self.table

    @property
    def raw(self) -> str:
        r"""The tokens as one string, blank tokens shown as ``∅`` (``∅{1,2}`` for a run).

        >>> AlignedRow("requests", [], ["4", "", "\x001-2", "7"], True).raw
        '4 ∅ ∅{1,2} 7'
        """

        def show(token: str) -> str:
            span = blank_range(token)
            if span is None:
                return token
            return "∅" if span == (1, 1) else f"∅{{{span[0]},{span[1]}}}"

        return " ".join(map(show, self.tokens))


_Item = TypeVar("_Item", Row, Column)


#: Stems in the order :func:`_best` decides between them: longest first, then by candidate
#: and stem order (the first candidate with a longest stem inside the label wins).
_StemOrder = tuple[tuple[str, Union[Row, Column]], ...]


def _stem_order(candidates: Sequence[Row | Column]) -> _StemOrder:
    ranked = sorted(
        ((-len(stem_key), i, j, stem_key, item) for i, item in enumerate(candidates) for j, stem_key in enumerate(item.stem_keys)),
        key=lambda x: x[:3],
    )
    return tuple((stem_key, item) for length, _, _, stem_key, item in ranked if length < 0)


@per_template
def _stem_orders(template: Template) -> dict[int, tuple[Sequence[Row | Column], _StemOrder]]:
    """The stem order of each of the template's row and column tuples, by the tuple's
    identity (the tables are looked up with the template's own tuples)."""
    orders: dict[int, tuple[Sequence[Row | Column], _StemOrder]] = {}
    for table in template.tables:
        groups: list[Sequence[Row | Column]] = [table.rows, table.columns]
        groups += [b.rows for b in table.blocks] + [b.columns for b in table.blocks]
        for items in groups:
            orders[id(items)] = (items, _stem_order(items))
    return orders


def _best(label: str, candidates: Sequence[_Item], template: Template | None = None) -> _Item | None:
    """The candidate with the longest stem inside ``label`` (the first such candidate when
    several stems are as long). ``template``, when ``candidates`` are one of its row or
    column tuples, has their stems ranked once.

    >>> from gkparse.templates import TEMPLATES
    >>> _best("其中：法律服务机构", TEMPLATES["2021"].requests_columns).key
    'legal_services'
    """
    key = label_key(label)
    best: Row | Column | None = None
    found = _stem_orders(template).get(id(candidates)) if template is not None else None
    if found is not None and found[0] is candidates:
        for stem_key, item in found[1]:
            if stem_key in key:
                best = item
                break
    else:
        best_len = 0
        for item in candidates:
            for stem_key in item.stem_keys:
                if stem_key in key and len(stem_key) > best_len:
                    best, best_len = item, len(stem_key)
    if isinstance(best, Row) and best.stands_for:
        # A group's label beside one of its own rows' labels names that row.
        leaves = [c for c in candidates if isinstance(c, Row) and c.key in best.stands_for]
        return cast("_Item", _best(label, leaves) or best)
    return cast("Optional[_Item]", best)


def label_edits(printed: str, label: str) -> int:
    """The edit distance (Levenshtein) between two labels, compared as label keys.

    >>> label_edits("2.其他法律行政止公开", "2.其他法律行政法规禁止公开")
    3
    """
    a, b = label_key(printed), label_key(label)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


_LEAF_NUMBER = re.compile(r"^\d+[.、．]")


def _forms(item: Row | Column) -> list[str]:
    """The ways a template label may be printed: whole, without its leaf number, after its
    group label."""
    forms = [item.label, _LEAF_NUMBER.sub("", label_key(item.label))]
    if isinstance(item, Row) and item.group:
        forms.append(item.group + item.label)
    return forms


def _near(printed: str, candidates: Sequence[_Item]) -> tuple[_Item, int] | None:
    """The one candidate whose label ``printed`` is within the edit bound of
    (:data:`MAX_LABEL_EDITS`, :data:`CHARS_PER_EDIT`), nearest first; None when none is, or
    two are equally near.

    >>> from gkparse.templates import TEMPLATES
    >>> rows = TEMPLATES["2021"].requests_rows
    >>> found = _near("2.其他法律行政止公开", rows[5:7])
    >>> found[0].key, found[1]
    ('withheld.prohibited_by_law', 3)
    """
    text = label_key(printed)
    if not text:
        return None
    # A label read from a table joins its spanning group cells in front ("三、本年度办理结果
    # （三）不予公开 2.…"): each tail of its parts is compared too.
    parts = printed.split()
    first = max(1, len(parts) - MAX_LABEL_TAILS)
    texts = dict.fromkeys([text] + [label_key(" ".join(parts[i:])) for i in range(first, len(parts))])
    scored: list[tuple[int, _Item]] = []
    for item in candidates:
        # Texts whose length differs from a form's by more than the edit bound cannot be
        # within it: they are not compared (a long text costs its length times the form's).
        best = min(
            (
                (label_edits(tail, form), form) for form in _forms(item) for tail in texts
                if abs(len(tail) - len(label_key(form))) <= MAX_LABEL_EDITS
            ),
            default=None,
        )
        if best is not None and best[0] <= min(MAX_LABEL_EDITS, len(label_key(best[1])) // CHARS_PER_EDIT):
            scored.append((best[0], item))
    scored.sort(key=lambda x: x[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1], scored[0][0]


def _fuzzy_issue(part: str, what: str, printed: str, item: Row | Column, edits: int, where: str) -> Issue:
    message = (
        f"part {part} {what} {printed!r} matches no stem; read as the template's {item.label!r} in its place"
        f" ({edits} character edit{'s' if edits != 1 else ''})"
    )
    return Issue(rule="fuzzy-label", severity="warning", where=where, message=message)


def _subtotal(header: str) -> bool:
    leaf = label_key(header_leaf(header))
    return leaf in _SUBTOTALS or leaf.endswith(_SUBTOTAL_SUFFIX)


def _caption_item(caption: str, template: Template) -> str | None:
    """The block numeral a part 二 caption names: the template's caption pattern, else the
    first caption numeral (a bare ``（五）``).

    >>> from gkparse.templates import TEMPLATES
    >>> _caption_item("第二十条第（六）项", TEMPLATES["2021"]), _caption_item("（五）", TEMPLATES["2021"])
    ('六', '五')
    """
    match = re.search(template.table("disclosure").caption, label_key(caption))
    if match:
        return match.group(1)
    return next((ch for ch in caption if ch in vocab.CAPTION_ITEM_NUMERALS), None)


def _disclosure_columns(
    table: TableRows, template: Template, block: DisclosureBlock | None, issues: list[Issue]
) -> list[Column | None]:
    """The template column of each value column of a part 二 sub-table whose caption names
    ``block``."""
    if table.columns is None:
        return list(block.columns) if block else []
    part = vocab.PART_NUMERALS["disclosure"]
    columns: list[Column | None] = [_best(header, template.disclosure_columns, template) for header in table.columns]
    _fuzzy_columns(part, table.columns, columns, list(block.columns if block else template.disclosure_columns), "disclosure", issues)
    for header, column in zip(table.columns, columns):
        if column is None:
            message = f"part {part} column {shown_header(header)!r} is not a template column; its cells are not kept"
            issues.append(Issue(rule="unknown-column", severity="info", message=message))
    return columns


def _fuzzy_columns(
    part: str, headers: list[str], columns: list[Column | None], candidates: list[Column], table: str, issues: list[Issue]
) -> None:
    """Headers no stem matches, read as the one template column not yet matched whose label
    they are within the edit bound of (:func:`_near`); each such match is a ``fuzzy-label``
    issue."""
    for i, (header, column) in enumerate(zip(headers, columns)):
        if column is not None or not label_key(header):
            continue
        free = [c for c in candidates if c not in columns]
        near = _near(header_leaf(header), free)
        if near is not None:
            columns[i] = near[0]
            issues.append(_fuzzy_issue(part, "column", shown_header(header), near[0], near[1], f"{table}/{near[0].key}"))


def _request_columns(table: TableRows, template: Template, subtotal: list[bool], issues: list[Issue]) -> list[Column | None]:
    """The template column of each value column of part 三 (``subtotal``: which headers
    are subtotal columns, never kept)."""
    if table.columns is None:
        return list(template.requests_columns)
    part = vocab.PART_NUMERALS["requests"]
    columns: list[Column | None] = [
        None if sub else _best(header_leaf(header), template.requests_columns, template)
        for header, sub in zip(table.columns, subtotal)
    ]
    plain = [h for h, sub in zip(table.columns, subtotal) if not sub]
    kept = [c for c, sub in zip(columns, subtotal) if not sub]
    _fuzzy_columns(part, plain, kept, list(template.requests_columns), "requests", issues)
    found = iter(kept)
    for i, (header, sub) in enumerate(zip(table.columns, subtotal)):
        shown = shown_header(header)
        if sub:
            issues.append(Issue(rule="unknown-column", severity="info", message=f"part {part} subtotal column {shown!r} is not kept"))
            continue
        columns[i] = next(found)
        if columns[i] is None:
            issues.append(Issue(rule="unknown-column", severity="info", message=f"part {part} column {shown!r} is not a template column"))
    return columns


def _appeal_keys(table: TableRows, template: Template) -> list[tuple[Row, Column] | None]:
    if table.columns is None:
        return [(row, col) for row in template.appeals_rows for col in template.appeals_columns]
    keys: list[tuple[Row, Column] | None] = []
    columns: dict[str, Column | None] = {}  # each group repeats the column headers
    for header in table.columns:
        row = _best(header, template.appeals_rows, template)
        leaf = header_leaf(header)
        col = columns[leaf] if leaf in columns else columns.setdefault(leaf, _best(leaf, template.appeals_columns, template))
        keys.append((row, col) if row is not None and col is not None else None)
    return keys


#: A table's row relations, each with its places by row (None for a relation whose left
#: side is not one total column: an error, raised when a line of its table is aligned).
_RowRelations = dict[str, list[tuple[Relation, Optional[dict[str, tuple[Key, list[Key]]]]]]]


@per_template
def _row_relations(template: Template) -> _RowRelations:
    found: _RowRelations = {}
    for relation in template.relations:
        if relation.along == "row":
            places = template.row_places(relation) if len(relation.left) == 1 else None
            found.setdefault(relation.table, []).append((relation, places))
    return found


#: Per table: whether one of its row relations has no places by row (an error), and per
#: row key the relations that hold in the row, in relation order, as the relation's id, its
#: total column and its addend columns.
_RowColumns = dict[str, tuple[bool, dict[str, list[tuple[str, str, tuple[str, ...]]]]]]


@per_template
def _row_columns(template: Template) -> _RowColumns:
    found: _RowColumns = {}
    for table, relations in _row_relations(template).items():
        by_row: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
        for relation, places in relations:
            for row, (total, addends) in (places or {}).items():
                by_row.setdefault(row, []).append((relation.id, total.column, tuple(k.column for k in addends)))
        found[table] = (any(places is None for _, places in relations), by_row)
    return found


def _row_sums(template: Template, table: TableKind, keys: list[Key | None], row: str | None = None) -> list[RowSum]:
    """The row relations (R3, R4) whose total and addends all sit in ``keys``, rows in
    the order they appear on the line. ``row``, when every key is of that one row, finds
    them by column.

    >>> from gkparse.templates import TEMPLATES
    >>> keys = [Key("appeals", "review", c) for c in ("upheld", "corrected", "other", "pending", "total")]
    >>> _row_sums(TEMPLATES["2021"], "appeals", keys)
    [RowSum(relation='R4', addends=[0, 1, 2, 3], total=4)]
    >>> _row_sums(TEMPLATES["2021"], "appeals", keys, "review")
    [RowSum(relation='R4', addends=[0, 1, 2, 3], total=4)]
    """
    found = _row_columns(template).get(table)
    if row is not None and found is not None and not found[0]:
        # A line of one row (parts 二 and 三): its keys differ by column alone.
        in_row = found[1].get(row)
        if not in_row:
            return []
        at = {k.column: i for i, k in enumerate(keys) if k}
        sums = []
        for relation_id, total_column, addend_columns in in_row:
            total = at.get(total_column)
            if total is None:
                continue
            addends = [at.get(c) for c in addend_columns]
            if None not in addends:
                sums.append(_new_sum(RowSum, (relation_id, addends, total)))
        return sums
    relations = _row_relations(template).get(table)
    if not relations:
        return []
    position = {k: i for i, k in enumerate(keys) if k}
    first: dict[str, int] = {}
    for k, i in position.items():
        first.setdefault(k.row, i)
    rows = list(first) if len(first) == 1 else sorted(first, key=first.__getitem__)
    sums = []
    for relation, places in relations:
        if places is None:
            # The reading search (cells/search.py) tests a line's sums as one total cell
            # against its addends.
            raise ValueError(
                f"template {template.name}: row relation {relation.id} has {len(relation.left)} terms on its left side;"
                " a row relation's left side must be its one total column"
            )
        for row in rows:
            place = places.get(row)
            if place is None:
                continue
            total = position.get(place[0])
            if total is None:
                continue
            addends = [position.get(k) for k in place[1]]
            if None not in addends:
                sums.append(_new_sum(RowSum, (relation.id, addends, total)))
    return sums


@per_template
def _subtotal_members(template: Template) -> set[str]:
    """The part 三 columns a subtotal column adds up (:data:`~gkparse.vocabulary.SUBTOTAL_MEMBERS`)."""
    return {c.key for c in (_best(m, template.requests_columns) for m in vocab.SUBTOTAL_MEMBERS) if c}


def _subtotal_sums(template: Template, keys: list[Key | None], sums: list[RowSum], subtotals: list[int]) -> list[RowSum]:
    """The sums a part 三 subtotal column adds to a line's R3: the subtotal is the sum of
    its members (:data:`~gkparse.vocabulary.SUBTOTAL_MEMBERS`), and the total is the other
    applicant columns plus the subtotal. The subtotal is no kept cell, but it is evidence.

    >>> from gkparse.templates import TEMPLATES
    >>> cols = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
    >>> keys = [Key("requests", "new", c) for c in cols] + [None, Key("requests", "new", "total")]
    >>> sums = _row_sums(TEMPLATES["2021"], "requests", keys)
    >>> _subtotal_sums(TEMPLATES["2021"], keys, sums, [6])
    [RowSum(relation='R3', addends=[1, 2, 3, 4, 5], total=6), RowSum(relation='R3', addends=[0, 6], total=7)]
    """
    members = _subtotal_members(template)
    extra = []
    for relation, addends, total in sums:
        inside = [a for a in addends if (k := keys[a]) is not None and k.column in members]
        if len(subtotals) != 1 or keys[total] is None or len(inside) != len(members):
            continue
        outside = [a for a in addends if a not in inside]
        extra += [RowSum(relation, inside, subtotals[0]), RowSum(relation, sorted(outside + subtotals), total)]
    return extra


@per_template
def _rows_by_key(template: Template) -> dict[int, tuple[tuple[Row, ...], dict[str, Row]]]:
    """Each of the template's row tuples by identity, with its rows by key (the first of a key)."""
    found: dict[int, tuple[tuple[Row, ...], dict[str, Row]]] = {}
    for table in template.tables:
        for rows in (table.rows, *(b.rows for b in table.blocks)):
            by_key: dict[str, Row] = {}
            for row in rows:
                by_key.setdefault(row.key, row)
            found[id(rows)] = (rows, by_key)
    return found


def _row_key(row: LabeledRow, candidates: tuple[Row, ...], template: Template) -> Row | None:
    if row.key is not None:
        known = _rows_by_key(template).get(id(candidates))
        if known is not None and known[0] is candidates:
            return known[1].get(row.key)
        return next((r for r in candidates if r.key == row.key), None)
    return _best(row.label, candidates, template)


def _row_keys(
    table: TableRows, template: Template, candidates: tuple[Row, ...], part: str, issues: list[Issue],
    pool: tuple[Row, ...] | None = None,
) -> list[Row | None]:
    """Each row's template row: by the reader's key or the longest stem; a row no stem
    matches, by its label's nearness (:func:`_near`) to the one template row not yet
    matched that lies between its matched neighbours (a ``fuzzy-label`` issue)."""
    found = [_row_key(row, candidates, template) for row in table.rows]
    if all(found):
        return found
    order = {r.key: i for i, r in enumerate(candidates)}
    for i, row in enumerate(table.rows):
        if found[i] is not None or not label_key(row.label):
            continue
        before = max((order[r.key] for r in found[:i] if r is not None), default=-1)
        after = min((order[r.key] for r in found[i + 1:] if r is not None), default=len(candidates))
        taken = {r.key for r in found if r is not None}
        between = [r for r in candidates[before + 1:after] if r.key not in taken and (pool is None or r in pool)]
        near = _near(row.label, between)
        if near is not None:
            found[i] = near[0]
            issues.append(_fuzzy_issue(part, "row", row.label, near[0], near[1], f"{table.kind}/{near[0].key}"))
    return found


def _unmatched(part: str, row: LabeledRow) -> Issue:
    return Issue(rule="unmatched-row", severity="warning", message=f"part {part} row {row.label!r} matches no template row")


#: The position of a column gkparse does not keep.
_NO_COLUMN = ColumnSpec(None)


class _Specs(NamedTuple):
    """A template's column specs, made once: per table and row key, the spec of each of its
    cells by the column's identity; per column, its spec without a key (a cell an earlier
    line filled)."""

    cells: dict[str, dict[str, dict[int, ColumnSpec]]]
    bare: dict[int, ColumnSpec]


@per_template
def _specs(template: Template) -> _Specs:
    cells: dict[str, dict[str, dict[int, ColumnSpec]]] = {}
    bare: dict[int, ColumnSpec] = {}
    for table in template.tables:
        columns = list(dict.fromkeys([*table.columns, *(c for b in table.blocks for c in b.columns)]))
        for column in columns:
            bare[id(column)] = ColumnSpec(None, column.kind, column.unit)
        cells[table.kind] = {
            row.key: {id(c): ColumnSpec(Key(table.kind, row.key, c.key), c.kind, c.unit) for c in columns}
            for row in table.rows
        }
    return _Specs(cells, bare)


def _bare(column: Column | None, specs: _Specs) -> ColumnSpec:
    """The spec of a position of ``column`` that fills no cell."""
    if column is None:
        return _NO_COLUMN
    found = specs.bare.get(id(column))
    return found if found is not None else ColumnSpec(None, column.kind, column.unit)


def _line_specs(table: TableKind, row_key: str, columns: list[Column | None], specs: _Specs) -> list[ColumnSpec]:
    """The spec of each position of a line of template row ``row_key`` (the template's, made once)."""
    get = specs.cells.get(table, {}).get(row_key, {}).get
    return [
        _NO_COLUMN if column is None
        else get(id(column)) or ColumnSpec(Key(table, row_key, column.key), column.kind, column.unit)
        for column in columns
    ]


def align(page: Page, template: Template) -> tuple[list[AlignedRow], list[Issue]]:
    """Pair every token run of ``page`` with cell addresses of ``template``."""
    aligned: list[AlignedRow] = []
    issues: list[Issue] = []
    seen: set[Key] = set()
    specs = _specs(template)

    def add(
        table: TableKind, fresh: list[ColumnSpec], bare: list[ColumnSpec], row: LabeledRow, row_key: str | None,
        subtotals: list[int] | None = None,
    ) -> None:
        # A cell filled by an earlier line keeps that line's value (a repeated row).
        keys = [s.key for s in fresh]
        if seen.isdisjoint(keys):
            columns = list(fresh)
        else:
            columns = [s if s.key is None or s.key not in seen else b for s, b in zip(fresh, bare)]
            keys = [c.key for c in columns]
        seen.update(filter(None, keys))
        if keys and not any(keys):
            return
        tokens = list(row.tokens)
        if not tokens and row.glued and not row.bare_means_blank:
            return  # text stood where the cells belong, but none could be read: not found
        if len(tokens) > len(keys):
            # Blank cells past the row's width are layout (a wider table's padding).
            while len(tokens) > len(keys) and is_blank(tokens[-1]):
                tokens.pop()
            if row.glued and tokens and is_blank(tokens[-1]) and not all(map(is_blank, tokens)):
                # The empty markers run on past the row's width: the dump moved the empty
                # cells to the end, so their positions say nothing. Let the repairer place them.
                tokens = [t for t in tokens if not is_blank(t)]
        sums = _row_sums(template, table, keys, row_key)
        if subtotals:
            sums += _subtotal_sums(template, keys, sums, subtotals)
        aligned.append(AlignedRow(table, columns, tokens, row.glued, row.label, row.truncated, row.glued and row.splittable, sums=sums))

    for table in page.tables:
        part = vocab.PART_NUMERALS[table.kind]
        if table.kind == "disclosure":
            item = _caption_item(table.caption or "", template)
            block = next((b for b in template.disclosure if b.item == item), None)
            columns = _disclosure_columns(table, template, block, issues)
            bare = [_bare(c, specs) for c in columns]
            pool = block.rows if block else None
            for row, found in zip(table.rows, _row_keys(table, template, template.disclosure_rows, part, issues, pool)):
                if found is None:
                    issues.append(_unmatched(part, row))
                    continue
                fresh = _line_specs("disclosure", found.key, columns, specs)
                add("disclosure", fresh, bare, row, found.key)
        elif table.kind == "requests":
            subtotal = [_subtotal(header) for header in table.columns or []]
            columns = _request_columns(table, template, subtotal, issues)
            bare = [_bare(c, specs) for c in columns]
            subtotals = [i for i, sub in enumerate(subtotal) if sub]
            found_rows = _row_keys(table, template, template.requests_rows, part, issues)
            matched = {r.key for r in found_rows if r is not None}
            for row, found in zip(table.rows, found_rows):
                if found is None:
                    if row.label and any(t for t in row.tokens):
                        issues.append(_unmatched(part, row))
                    continue
                if set(found.stands_for) & matched and all(is_blank(t) for t in row.tokens):
                    continue  # a group's label over its own rows, not a row of its own
                fresh = _line_specs("requests", found.key, columns, specs)
                add("requests", fresh, bare, row, found.key, subtotals)
        else:
            pairs = _appeal_keys(table, template)
            fresh = [_line_specs("appeals", p[0].key, [p[1]], specs)[0] if p else _NO_COLUMN for p in pairs]
            bare = [_bare(p[1] if p else None, specs) for p in pairs]
            for row in table.rows:
                add("appeals", fresh, bare, row, None)
    return aligned, issues
