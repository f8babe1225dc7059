"""The shape of a template description (data only; the revisions are ``y2019.py``, ``y2021.py``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Optional, TypeVar, Union

from ..normalize import label_key

__all__ = [
    "standard_rows",
    "Key",
    "TableKind",
    "TABLE_KINDS",
    "sums_agree",
    "SUM_TOLERANCE",
    "Column",
    "Row",
    "DisclosureBlock",
    "Table",
    "Relation",
    "CrossYearRelation",
    "Term",
    "Template",
    "ValueKind",
    "per_template",
]

ValueKind = Literal["count", "signed", "amount"]
TableKind = Literal["disclosure", "requests", "appeals"]
#: The report's tables, in report order (parts 二, 三, 四).
TABLE_KINDS: tuple[TableKind, ...] = ("disclosure", "requests", "appeals")
Number = Union[int, float]

#: Two sums of amounts printed with two decimals agree when they differ by less than
#: this (float addition of 9116.36-like values leaves ~1e-12 of noise, never more).
SUM_TOLERANCE = 1e-6


class Key(NamedTuple):
    """The canonical address of one cell: ``requests/withheld.state_secret/total``.

    >>> str(Key("requests", "withheld.state_secret", "total"))
    'requests/withheld.state_secret/total'
    >>> Key.parse("appeals/review/upheld").row
    'review'
    """

    table: TableKind
    row: str
    column: str

    def __str__(self) -> str:
        return f"{self.table}/{self.row}/{self.column}"

    @classmethod
    def parse(cls, text: str) -> Key:
        """The key written ``table/row/column``; ``KeyError`` for anything else."""
        parts = text.split("/")
        if len(parts) != 3 or parts[0] not in TABLE_KINDS:
            raise KeyError(f"{text!r} is not a table/row/column address")
        return cls(parts[0], parts[1], parts[2])  # type: ignore[arg-type]


def sums_agree(left: Iterable[Optional[Number]], right: Iterable[Optional[Number]]) -> Optional[bool]:
    """The one rule for whether a sum relation holds: ``sum(left) == sum(right)``.

    None (not assessable) when every cell of either side is blank; otherwise blanks count
    as 0 and the sums are compared within :data:`SUM_TOLERANCE`.

    >>> sums_agree([3], [1, 2]), sums_agree([3], [1, None]), sums_agree([None], [1, 2])
    (True, False, None)
    """
    # Called for every relation place of every report and every node of the reading
    # search: each side's sum is built-in sum() (compensated for floats since Python 3.12),
    # the other side not summed when one is blank.
    left_sum = _known_sum(left)
    if left_sum is None:
        return None
    right_sum = _known_sum(right)
    if right_sum is None:
        return None
    return abs(left_sum - right_sum) < SUM_TOLERANCE


def _known_sum(values: Iterable[Optional[Number]]) -> Optional[Number]:
    """The sum of the values that are not None; None when every value is."""
    known = [value for value in values if value is not None]
    return sum(known) if known else None


@dataclass(frozen=True)
class Column:
    """A numeric column: canonical ``key``, the template's ``label``, matching ``stems``.

    ``kind`` says what a cell may hold: a non-negative count, a signed count (本年增/减) or
    a decimal amount in ``unit``. ``prose`` are words that name the column in running text
    (used to read evidence for glued digits from part 一).
    """

    key: str
    label: str
    stems: tuple[str, ...]
    kind: ValueKind = "count"
    unit: str | None = None
    prose: tuple[str, ...] = ()

    @functools.cached_property
    def stem_keys(self) -> tuple[str, ...]:
        """The stems in the form labels are compared in (:func:`~gkparse.normalize.label_key`),
        folded once: the readers match every line against them."""
        return tuple(map(label_key, self.stems))


@dataclass(frozen=True)
class Row:
    """A data row: canonical ``key`` (``withheld.state_secret``), label, matching stems.

    ``number`` is the leaf's printed number (``1.`` … ``8.``), which in text dumps may be glued
    to the previous row's digits. ``group`` is the label of the row-spanning group, if any.
    ``stands_for`` makes this a group row that some reports print in place of the leaf rows
    it names (their sum): the leaves' stems win over its own where both match (a group label
    beside a leaf's), and the checks read it where the leaves are absent.
    """

    key: str
    label: str
    stems: tuple[str, ...]
    number: int | None = None
    group: str | None = None
    prose: tuple[str, ...] = ()
    stands_for: tuple[str, ...] = ()

    @functools.cached_property
    def stem_keys(self) -> tuple[str, ...]:
        """The stems in the form labels are compared in (:func:`~gkparse.normalize.label_key`),
        folded once: the readers match every line against them."""
        return tuple(map(label_key, self.stems))


def standard_rows(rows: tuple[Row, ...]) -> tuple[Row, ...]:
    """The rows of a table as its template lays them out: without the group rows some
    reports print in place of their leaves (:attr:`Row.stands_for`)."""
    return tuple(row for row in rows if not row.stands_for)


@dataclass(frozen=True)
class DisclosureBlock:
    """One captioned sub-table of part 二 (第二十条第(X)项): its ``item`` numeral, caption,
    rows and the columns the template prints for them."""

    item: str
    caption: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Table:
    """One of the report's tables as a template prints it.

    ``title`` is the part heading as printed (the model's title for the table);
    ``heading`` a pattern that finds the part heading in text (compared on folded text
    without whitespace). ``starts`` are label stems of the rows that open the table
    inside an HTML table (a caption row, the applicant header, the first group), and
    ``start_excludes`` words that stop such a row from opening it. ``header_stems`` are
    the header labels that stand before the values in a text dump of the table (part 四),
    ``value_header_stems`` header texts that name a value column rather than a label
    column. ``blocks`` are part 二's captioned sub-tables; ``caption`` the pattern of
    their captions, whose group 1 is the block's ``item`` numeral; ``header_first`` the
    first header cell of a sub-table printed without its caption row; ``note`` a remark
    printed between the part heading and the table (it ends the part before it).
    """

    kind: TableKind
    title: str
    heading: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    starts: tuple[str, ...] = ()
    start_excludes: tuple[str, ...] = ()
    header_stems: tuple[str, ...] = ()
    value_header_stems: tuple[str, ...] = ()
    blocks: tuple[DisclosureBlock, ...] = ()
    caption: str = ""
    header_first: str = ""
    note: str = ""

    def row(self, key: str) -> Row:
        """The row with canonical ``key``; ``KeyError`` if the table has none."""
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(f"{self.kind} has no row {key!r}")


@dataclass(frozen=True)
class Relation:
    """``sum(left) == sum(right)`` along one axis of a table.

    With ``along="column"`` the names are row keys and the relation holds in each column;
    with ``along="row"`` they are column keys and it holds in each row.
    """

    id: str
    table: TableKind
    along: Literal["column", "row"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Term:
    """One term of a cross-year relation: a row (or column) ``name`` of this year's
    report (``year=0``) or the previous year's (``year=-1``), added with ``sign``."""

    name: str
    year: Literal[0, -1] = 0
    sign: Literal[1, -1] = 1


@dataclass(frozen=True)
class CrossYearRelation:
    """``sum(left) == sum(right)`` between two reports of one agency in consecutive years.

    Like :class:`Relation`, ``along="column"`` names rows and the relation holds in each
    column, ``along="row"`` names columns and it holds in each row; ``scope`` limits the
    other axis (empty: all of the table's). It is assessed only where every term is a
    number in both reports, and a break is a warning on the later report.
    """

    id: str
    text: str
    table: TableKind
    along: Literal["column", "row"]
    left: tuple[Term, ...]
    right: tuple[Term, ...]
    scope: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    """Everything gkparse knows about one State Council template revision, as data.

    ``name`` is the revision's id (``"2021"``), ``notice`` the State Council notice that
    issued it. Detection: ``cues`` are labels only this revision prints (the template
    with most cues present wins); on a tie, the revisions whose ``tie_break`` labels are
    present win, then those that have none. ``tables`` are its three tables, in report
    order; ``relations`` hold within a report, ``cross_year`` between consecutive years.
    ``since`` is the first report year the revision was issued for (reports of earlier
    years than every template's ``since`` follow no template gkparse reads).
    """

    name: str
    notice: str
    cues: tuple[str, ...]
    tables: tuple[Table, ...]
    relations: tuple[Relation, ...]
    cross_year: tuple[CrossYearRelation, ...] = field(default=())
    tie_break: tuple[str, ...] = ()
    since: int = 0

    def table(self, kind: str) -> Table:
        """The table of ``kind`` (disclosure, requests, appeals); ``KeyError`` if none."""
        found = self._tables_by_kind.get(kind)
        if found is None:
            raise KeyError(f"template {self.name} has no {kind} table")
        return found

    @functools.cached_property
    def _tables_by_kind(self) -> dict[str, Table]:
        # The stages ask for a table by kind dozens of times per report.
        by_kind: dict[str, Table] = {}
        for table in self.tables:
            by_kind.setdefault(table.kind, table)
        return by_kind

    def places(self, relation: Relation | CrossYearRelation) -> Iterator[tuple[str, list[Key], list[Key]]]:
        """Each place ``relation`` holds: ``(where, left keys, right keys)``.

        A column relation names rows and holds in every column (``where`` is
        ``table/column``); a row relation names columns and holds in every row
        (``table/row``). A cross-year relation's ``scope`` limits the other axis.

        >>> from gkparse.templates import TEMPLATES
        >>> t = TEMPLATES["2021"]
        >>> where, left, right = next(t.places(t.relations[0]))
        >>> where, [str(k) for k in left]
        ('requests/natural_person', ['requests/new/natural_person', 'requests/carried_over/natural_person'])
        """
        cached = self._places.get(relation)
        if cached is not None:
            return iter(cached)
        return self._enumerate_places(relation)

    def row_places(self, relation: Relation) -> dict[str, tuple[Key, list[Key]]]:
        """A row relation's places by row: its one total key and its addend keys.

        >>> from gkparse.templates import TEMPLATES
        >>> t = TEMPLATES["2021"]
        >>> r3 = next(r for r in t.relations if r.id == "R3")
        >>> total, addends = t.row_places(r3)["new"]
        >>> str(total), len(addends)
        ('requests/new/total', 6)
        """
        return self._row_places[relation]

    @functools.cached_property
    def _row_places(self) -> dict[Relation, dict[str, tuple[Key, list[Key]]]]:
        # The aligner asks for them once per table line.
        return {
            r: {left[0].row: (left[0], right) for _, left, right in self.places(r)}
            for r in self.relations if r.along == "row" and len(r.left) == 1
        }

    @functools.cached_property
    def stand_in_groups(self) -> tuple[tuple[tuple[str, str, tuple[str, ...]], ...], frozenset[tuple[str, str]]]:
        """The group rows some reports print in place of their leaves
        (:attr:`Row.stands_for`) as (table kind, group row key, leaf row keys), and every
        (table kind, leaf row key) among them."""
        groups = tuple(
            (table.kind, row.key, row.stands_for) for table in self.tables for row in table.rows if row.stands_for
        )
        return groups, frozenset((kind, leaf) for kind, _, leaves in groups for leaf in leaves)

    @functools.cached_property
    def _places(self) -> dict[Relation | CrossYearRelation, tuple[tuple[str, list[Key], list[Key]], ...]]:
        # The readers ask for a relation's places once per table line: enumerate them once.
        relations: list[Relation | CrossYearRelation] = [*self.relations, *self.cross_year]
        return {r: tuple(self._enumerate_places(r)) for r in relations}

    def _enumerate_places(self, relation: Relation | CrossYearRelation) -> Iterator[tuple[str, list[Key], list[Key]]]:
        table = self.table(relation.table)
        along_column = relation.along == "column"
        others = [c.key for c in table.columns] if along_column else [r.key for r in table.rows]
        scope = relation.scope if isinstance(relation, CrossYearRelation) else ()
        for other in others:
            if scope and other not in scope:
                continue

            def key(name: str, other: str = other) -> Key:
                return Key(table.kind, name, other) if along_column else Key(table.kind, other, name)

            left = [key(t if isinstance(t, str) else t.name) for t in relation.left]
            right = [key(t if isinstance(t, str) else t.name) for t in relation.right]
            yield f"{table.kind}/{other}", left, right

    def key_space(self) -> Iterator[tuple[Key, bool]]:
        """Every cell address of the template, in template order, and whether the
        template declares it (a part 二 row has every disclosure column, but the template
        prints only its block's; a group row printed in place of its leaves is a variant).

        >>> from gkparse.templates import TEMPLATES
        >>> keys = [k for k, declared in TEMPLATES["2021"].key_space() if declared]
        >>> len(keys), str(keys[0])
        (200, 'disclosure/rules/issued')
        """
        for table in self.tables:
            if table.blocks:
                for block in table.blocks:
                    declared = {c.key for c in block.columns}
                    for row in block.rows:
                        for column in table.columns:
                            yield Key(table.kind, row.key, column.key), column.key in declared
                continue
            for row in table.rows:
                for column in table.columns:
                    # A stand-in group row is a variant some reports print, not the layout.
                    yield Key(table.kind, row.key, column.key), not row.stands_for

    # Shorthands for the tables' parts, used throughout the readers and the cells.

    @property
    def disclosure(self) -> tuple[DisclosureBlock, ...]:
        return self.table("disclosure").blocks

    @property
    def disclosure_rows(self) -> tuple[Row, ...]:
        return self.table("disclosure").rows

    @property
    def disclosure_columns(self) -> tuple[Column, ...]:
        return self.table("disclosure").columns

    @property
    def requests_rows(self) -> tuple[Row, ...]:
        return self.table("requests").rows

    @property
    def requests_columns(self) -> tuple[Column, ...]:
        return self.table("requests").columns

    @property
    def appeals_rows(self) -> tuple[Row, ...]:
        return self.table("appeals").rows

    @property
    def appeals_columns(self) -> tuple[Column, ...]:
        return self.table("appeals").columns


D = TypeVar("D")


def per_template(build: Callable[[Template], D]) -> Callable[[Template], D]:
    """``build(template)`` computed once per template: the tables a stage derives from the
    template data alone and reads for every report. Keyed by identity, as the table models
    are (a template registered again under its name is other data); a template is kept
    alive with its tables, so that its id is never another's."""
    built: dict[int, tuple[Template, D]] = {}

    @functools.wraps(build)
    def derived(template: Template) -> D:
        found = built.get(id(template))
        if found is None or found[0] is not template:
            found = built[id(template)] = (template, build(template))
        return found[1]

    return derived
