"""The panel as a table: long (one row per agency × year × cell key) or wide (one row per
agency × year, a column per key), as Arrow, and written as Parquet, CSV or JSON Lines.

Long columns (:data:`LONG_SCHEMA`): ``agency``, ``agency_key``, ``year``, ``template``,
``key`` (``table/row/column``, see ``docs/keys.md``) and its ``table``, ``row``, ``column``;
``value`` (float64: counts and amounts share it; null unless the value is certain, or with
``uncertain`` the reading an ambiguous cell shows); ``state`` (printed, split, resolved,
ambiguous, empty, dash, unreadable, absent); ``unit`` (the money unit of an amount, else
null); ``basis`` (what settled a resolved cell, or why sources disagree); ``readings`` (an
ambiguous cell's values, the shown one first; null otherwise); ``issues`` (the rules of the
issues naming the cell: R1–R6, sources-disagree, ambiguous, …); ``sources`` (every input the
observation was read from).

Wide columns (:data:`WIDE_FIXED`): ``agency``, ``agency_key``, ``year``, ``template``,
``sources``, ``uncertain_cells`` (cells not certain for a reason other than a blank: ambiguous,
unreadable), ``issues`` (rules of the observation's issues), then one float64 column per key
(every key of every template, in template order), null where the value is not certain.

In CSV the list columns are JSON arrays (``["a.html", "a.txt"]``); Parquet and JSON Lines
keep them as lists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..errors import GkparseError
from ..export.writers import check_writable
from ..model import CERTAIN_STATES, Cell, CellState
from ..templates import TEMPLATES

if TYPE_CHECKING:
    from .build import Series

__all__ = ["LONG_COLUMNS", "WIDE_FIXED", "FORMATS", "long_schema", "wide_keys", "to_arrow", "write_table", "format_of"]

LONG_COLUMNS = (
    "agency", "agency_key", "year", "template", "key", "table", "row", "column",
    "value", "state", "unit", "basis", "readings", "issues", "sources",
)
WIDE_FIXED = ("agency", "agency_key", "year", "template", "sources", "uncertain_cells", "issues")
#: Output formats by suffix.
FORMATS = {".parquet": "parquet", ".csv": "csv", ".jsonl": "jsonl"}
#: Rows built before they are handed to Arrow as one record batch: bounds the Python
#: objects alive at once (about 300 bytes a row) for a panel of millions of rows.
BATCH_ROWS = 65_536

_NOT_A_VALUE = (CellState.AMBIGUOUS, CellState.UNREADABLE)


def _pa() -> Any:
    try:
        import pyarrow
    except ImportError:
        raise GkparseError("the panel needs pyarrow: pip install 'gkparse[panel]' (in a checkout: pip install '.[panel]')") from None
    return pyarrow


def long_schema() -> Any:
    """The Arrow schema of the long panel."""
    pa = _pa()
    return pa.schema([
        ("agency", pa.string()), ("agency_key", pa.string()), ("year", pa.int64()), ("template", pa.string()),
        ("key", pa.string()), ("table", pa.string()), ("row", pa.string()), ("column", pa.string()),
        ("value", pa.float64()), ("state", pa.string()), ("unit", pa.string()), ("basis", pa.string()),
        ("readings", pa.list_(pa.float64())), ("issues", pa.list_(pa.string())), ("sources", pa.list_(pa.string())),
    ])


def wide_keys() -> list[str]:
    """Every key of every registered template, newest template's order first."""
    keys: dict[str, None] = {}
    for template in reversed(list(TEMPLATES.values())):
        for key, declared in template.key_space():
            if declared:
                keys[str(key)] = None
    return list(keys)


def _float(value: Any) -> Optional[float]:
    return None if value is None else float(value)


def _value(cell: Cell, uncertain: bool) -> Optional[float]:
    """A cell's value in the panel: a certain one, or with ``uncertain`` the reading an
    ambiguous cell shows; else null."""
    shown = cell.state in CERTAIN_STATES or (uncertain and cell.state is CellState.AMBIGUOUS)
    return _float(cell.value) if shown else None


def _long_rows(series: Iterable[Series], uncertain: bool) -> Iterator[dict[str, Any]]:
    for one in series:
        for obs in one.observations:
            report = obs.report
            sources = [s.label for s in obs.sources]
            by_cell: dict[str, list[str]] = {}
            for issue in report.issues:
                for key in issue.cells:
                    by_cell.setdefault(key, []).append(issue.rule)
            for key, cell in report.cells():
                table, row, column = key.split("/")
                ambiguous = cell.state is CellState.AMBIGUOUS
                yield {
                    "agency": obs.agency, "agency_key": obs.agency_key, "year": obs.year, "template": obs.template,
                    "key": key, "table": table, "row": row, "column": column,
                    "value": _value(cell, uncertain),
                    "state": cell.state.value, "unit": cell.unit, "basis": cell.basis,
                    "readings": [_float(v) for v in cell.readings] if ambiguous else None,
                    "issues": list(dict.fromkeys(by_cell.get(key, []))),
                    "sources": sources,
                }


def _wide_rows(series: Iterable[Series], uncertain: bool, keys: list[str]) -> Iterator[dict[str, Any]]:
    for one in series:
        for obs in one.observations:
            report = obs.report
            row: dict[str, Any] = {
                "agency": obs.agency, "agency_key": obs.agency_key, "year": obs.year, "template": obs.template,
                "sources": [s.label for s in obs.sources],
                "uncertain_cells": 0, "issues": sorted({i.rule for i in report.issues}),
            }
            values = dict.fromkeys(keys)
            for key, cell in report.cells():
                if cell.state in _NOT_A_VALUE:
                    row["uncertain_cells"] += 1
                values[key] = _value(cell, uncertain)
            row.update(values)
            yield row


def _wide_schema(keys: list[str]) -> Any:
    pa = _pa()
    fixed = [
        ("agency", pa.string()), ("agency_key", pa.string()), ("year", pa.int64()), ("template", pa.string()),
        ("sources", pa.list_(pa.string())), ("uncertain_cells", pa.int64()), ("issues", pa.list_(pa.string())),
    ]
    return pa.schema(fixed + [(k, pa.float64()) for k in keys])


def to_arrow(series: Iterable[Series], *, wide: bool = False, uncertain: bool = False) -> Any:
    """The panel of ``series`` as a ``pyarrow.Table`` (see the module's text for the columns)."""
    pa = _pa()
    if wide:
        keys = wide_keys()
        schema = _wide_schema(keys)
        rows: Iterator[dict[str, Any]] = _wide_rows(series, uncertain, keys)
    else:
        schema = long_schema()
        rows = _long_rows(series, uncertain)
    batches = []
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= BATCH_ROWS:
            batches.append(pa.RecordBatch.from_pylist(chunk, schema=schema))
            chunk = []
    if chunk or not batches:
        batches.append(pa.RecordBatch.from_pylist(chunk, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def format_of(out: Path, format: Optional[str] = None) -> str:
    """``parquet``, ``csv`` or ``jsonl``: ``format`` if given, else from ``out``'s suffix."""
    if format is not None:
        if format not in FORMATS.values():
            raise GkparseError(f"unknown panel format {format!r} (known: {', '.join(FORMATS.values())})")
        return format
    found = FORMATS.get(out.suffix.lower())
    if found is None:
        raise GkparseError(f"cannot tell the panel format from {out.name!r}: name it .parquet, .csv or .jsonl", source=str(out))
    return found


def write_table(table: Any, out: Path, *, format: Optional[str] = None) -> int:
    """Write ``table`` to ``out``; the number of rows written."""
    fmt = format_of(out, format)
    check_writable(str(out), "the panel")
    pa = _pa()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, out)
    elif fmt == "csv":
        import pyarrow.csv as pacsv

        columns = []
        for column in table.columns:
            if pa.types.is_list(column.type):
                column = pa.array([None if v is None else json.dumps(v, ensure_ascii=False) for v in column.to_pylist()], pa.string())
            columns.append(column)
        pacsv.write_csv(pa.table(dict(zip(table.column_names, columns))), out)
    else:
        with open(out, "w", encoding="utf-8") as stream:
            for batch in table.to_batches():
                for row in batch.to_pylist():
                    stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return int(table.num_rows)
