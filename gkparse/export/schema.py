"""The schema of the tidy tables, once, as data: every writer derives what it writes from it.

:data:`CELLS` (one row per cell) and :data:`ISSUES` (one row per issue) list their columns:
name, logical type, whether a value may be missing, whether Parquet dictionary-encodes
it, and whether a reader that guesses types from text misreads it. From that one
declaration come the Arrow schema of the Parquet files (:meth:`TableSchema.arrow`), the
values the CSV, JSON Lines and ``.xlsx`` writers write (:meth:`TableSchema.values`) and the
type each analysis tool should give a column (:data:`TYPES`, :meth:`TableSchema.duckdb_types`).

>>> CELLS.names[:6]
('report_id', 'source', 'date', 'agency', 'year', 'template')
>>> CELLS.values(("ab12", "a.html", None, "X", 2020, "2019", "requests", "new", "total", 4, None, "", "printed"))
('ab12', 'a.html', None, 'X', 2020, '2019', 'requests', 'new', 'total', 4.0, None, None, 'printed')
>>> CELLS.misread
('date', 'template', 'raw')

Every value is float64 (counts and amounts share the column; the unit is in ``unit``),
``year`` an int64 and every other column text, ``template`` included (``"2019"``, as
``Report.template`` spells it). Empty text is written as a missing value: a CSV cannot
tell the two apart, and ``state`` already says why a cell has no text (``empty`` or
``absent``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ..errors import GkparseError

__all__ = ["LogicalType", "ToolTypes", "TYPES", "Column", "TableSchema", "CELLS", "ISSUES", "require_pyarrow"]

#: The logical types of the tables' columns.
LogicalType = Literal["string", "float64", "int64"]


@dataclass(frozen=True)
class ToolTypes:
    """How each tool names one logical type: a ``pyarrow`` type factory, a DuckDB SQL type,
    a polars data type (an attribute of ``polars``) and a pandas dtype (nullable)."""

    arrow: str
    duckdb: str
    polars: str
    pandas: str


#: Every logical type as the tools name it (to build the Arrow schema, and to cast what a
#: reader loaded to the declared schema).
TYPES: dict[str, ToolTypes] = {
    "string": ToolTypes("string", "VARCHAR", "String", "string"),
    "float64": ToolTypes("float64", "DOUBLE", "Float64", "float64"),
    "int64": ToolTypes("int64", "BIGINT", "Int64", "Int64"),
}


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``nullable``: whether a row may lack a value (a missing required value is a
    :class:`GkparseError` when written). ``dictionary``: Parquet stores the column
    dictionary-encoded, as its values repeat (a report's id and source on each of its 200
    cells, counts that are mostly 0); readers still get plain text and numbers, not
    categoricals. ``misread``: text that a
    reader guessing types from a CSV (pandas, polars, DuckDB) or JSON (pandas, DuckDB) takes
    for a number or a timestamp (``2019``, ``000003``, ``2024-05-01T08:00:00Z``) unless told
    it is text (``docs/analysis.md`` shows how).
    """

    name: str
    type: LogicalType
    doc: str
    nullable: bool = True
    dictionary: bool = False
    misread: bool = False

    def value(self, value: Any) -> Any:
        """``value`` as written: a float for float64, an int for int64, a str for string;
        None (and empty text) as None. Raises :class:`GkparseError` when a required column
        has no value."""
        if value is None or value == "":
            if not self.nullable:
                raise GkparseError(f"the column {self.name!r} needs a value in every row")
            return None
        if self.type == "float64":
            return float(value)
        if self.type == "int64":
            return int(value)
        return str(value)


@dataclass(frozen=True)
class TableSchema:
    """A table's columns, in order (see the module's doc)."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def misread(self) -> tuple[str, ...]:
        """The text columns a type-guessing reader misreads (:attr:`Column.misread`)."""
        return tuple(c.name for c in self.columns if c.misread)

    @property
    def dictionary(self) -> tuple[str, ...]:
        """The columns Parquet dictionary-encodes."""
        return tuple(c.name for c in self.columns if c.dictionary)

    def values(self, row: Sequence[Any]) -> tuple[Any, ...]:
        """One row (values in column order) as written (:meth:`Column.value`)."""
        return tuple(c.value(v) for c, v in zip(self.columns, row))

    def duckdb_types(self) -> dict[str, str]:
        """Column name → DuckDB SQL type, for ``read_csv(types=...)`` / ``read_json(columns=...)``."""
        return {c.name: TYPES[c.type].duckdb for c in self.columns}

    def arrow(self) -> Any:
        """The ``pyarrow.Schema`` (needs pyarrow: raises :class:`GkparseError` without it)."""
        pa = require_pyarrow()
        return pa.schema([pa.field(c.name, getattr(pa, TYPES[c.type].arrow)(), nullable=c.nullable) for c in self.columns])


def require_pyarrow() -> Any:
    """The ``pyarrow`` module (with ``pyarrow.parquet``); :class:`GkparseError` naming the
    extra to install when it is missing."""
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise GkparseError("Parquet output needs pyarrow: install gkparse[parquet]") from None
    return pyarrow


CELLS = TableSchema("cells", (
    Column("report_id", "string", "SHA-256 of the input bytes: the report id", nullable=False, dictionary=True),
    Column("source", "string", "the input's path or the WARC target URI", dictionary=True),
    Column("date", "string", "the WARC-Date of an archived copy, as the archive wrote it", dictionary=True, misread=True),
    Column("agency", "string", "the reporting agency", dictionary=True),
    Column("year", "int64", "the year reported on", dictionary=True),
    Column("template", "string", "the template revision: 2019 or 2021", dictionary=True, misread=True),
    Column("table", "string", "the table of the canonical key (docs/keys.md)", nullable=False, dictionary=True),
    Column("row", "string", "the row of the canonical key", nullable=False, dictionary=True),
    Column("column", "string", "the column of the canonical key", nullable=False, dictionary=True),
    Column("value", "float64", "the number (missing for an empty, dash, unreadable or absent cell)", dictionary=True),
    Column("unit", "string", "the money unit of an amount (yuan or 10,000 yuan, as printed), else missing", dictionary=True),
    Column("raw", "string", "the cell's text as printed", dictionary=True, misread=True),
    Column("state", "string", "printed, split, resolved, ambiguous, empty, dash, unreadable or absent",
           nullable=False, dictionary=True),
))

ISSUES = TableSchema("issues", (
    Column("report_id", "string", "SHA-256 of the input bytes: the report id", nullable=False, dictionary=True),
    Column("source", "string", "the input's path or the WARC target URI", dictionary=True),
    Column("rule", "string", "R1–R6, missing-row, ambiguous, …", nullable=False, dictionary=True),
    Column("severity", "string", "error, warning or info", nullable=False, dictionary=True),
    Column("message", "string", "what is wrong, naming the rule and the place", nullable=False),
    Column("cells", "string", "the keys of the cells concerned, joined by ';'", dictionary=True),
    Column("expected", "float64", "the value the rule expects", dictionary=True),
    Column("actual", "float64", "the value the document has", dictionary=True),
))
