"""The shape of a template description (data only; see :mod:`gkparse.templates.official`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Column",
    "Row",
    "DisclosureBlock",
    "Relation",
    "CrossYearRelation",
    "Template",
    "ValueKind",
]

ValueKind = Literal["count", "signed", "amount"]


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
