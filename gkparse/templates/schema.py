"""The shape of a template description (data only; see :mod:`gkparse.templates.official`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, Optional, Union

__all__ = [
    "Key",
    "TableKind",
    "TABLE_KINDS",
    "sums_agree",
    "SUM_TOLERANCE",
    "Column",
    "Row",
    "DisclosureBlock",
    "Relation",
    "CrossYearRelation",
    "Template",
    "ValueKind",
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
    left = list(left)
    right = list(right)
    if all(v is None for v in left) or all(v is None for v in right):
        return None
    return abs(sum(v for v in left if v is not None) - sum(v for v in right if v is not None)) < SUM_TOLERANCE


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


@dataclass(frozen=True)
class Row:
    """A data row: canonical ``key`` (``withheld.state_secret``), label, matching stems.

    ``number`` is the leaf's printed number (``1.`` … ``8.``), which in text dumps may be glued
    to the previous row's digits. ``group`` is the label of the row-spanning group, if any.
    """

    key: str
    label: str
    stems: tuple[str, ...]
    number: int | None = None
    group: str | None = None
    prose: tuple[str, ...] = ()


@dataclass(frozen=True)
class DisclosureBlock:
    """One captioned sub-table of part 二 (第二十条第(X)项)."""

    item: str
    caption: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]


@dataclass(frozen=True)
class Relation:
    """``sum(left) == sum(right)`` along one axis of a table.

    With ``along="column"`` the names are row keys and the relation holds in each column;
    with ``along="row"`` they are column keys and it holds in each row.
    """

    id: str
    table: Literal["requests", "appeals"]
    along: Literal["column", "row"]
    left: tuple[str, ...]
    right: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class CrossYearRelation:
    """A relation between two reports of the same agency in consecutive years (a warning)."""

    id: str
    text: str
    table: str
    current: tuple[str, ...]
    previous: tuple[str, ...]
    tolerance: float = 0.0


@dataclass(frozen=True)
class Template:
    """Everything gkparse knows about one State Council template."""

    name: Literal["2019", "2021"]
    notice: str
    cues: tuple[str, ...]
    disclosure: tuple[DisclosureBlock, ...]
    disclosure_columns: tuple[Column, ...]
    requests_rows: tuple[Row, ...]
    requests_columns: tuple[Column, ...]
    appeals_rows: tuple[Row, ...]
    appeals_columns: tuple[Column, ...]
    relations: tuple[Relation, ...]
    cross_year: tuple[CrossYearRelation, ...] = field(default=())

    @property
    def disclosure_rows(self) -> tuple[Row, ...]:
        return tuple(row for block in self.disclosure for row in block.rows)

    def disclosure_column(self, key: str) -> Column:
        return next(c for c in self.disclosure_columns if c.key == key)

    def block_of(self, row_key: str) -> DisclosureBlock:
        return next(b for b in self.disclosure if any(r.key == row_key for r in b.rows))
