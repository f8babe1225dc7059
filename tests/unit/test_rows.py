"""gkparse.export.rows: the tidy cell table and the issue table."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.export import CELL_COLUMNS, CELLS, ISSUE_COLUMNS, ISSUES, TYPES, cell_rows, issue_rows
from tests.support.warc import PINGYANG


def test_cell_rows_one_per_cell_in_template_order():
    report = gkparse.parse(PINGYANG)
    rows = cell_rows(report)
    assert all(tuple(r) == CELL_COLUMNS for r in rows)
    assert [(r["table"], r["row"], r["column"]) for r in rows] == [tuple(str(k).split("/")) for k, _ in report.cells()]
    row = next(r for r in rows if (r["table"], r["row"], r["column"]) == ("requests", "new", "natural_person"))
    assert row["value"] == 4 and row["state"] == "printed" and row["raw"] == "4"
    assert row["report_id"] == report.source.sha256 and row["year"] == 2020 and row["template"] == "2019"
    assert row["source"] == str(PINGYANG) and row["date"] is None
    split = next(r for r in rows if (r["row"], r["column"]) == ("withheld.prohibited_by_law", "other_org"))
    assert (split["value"], split["raw"], split["state"]) == (3, "000003", "split")


def test_issue_rows_join_cells():
    report = gkparse.parse(PINGYANG)
    issues = issue_rows(report)
    assert [tuple(r) for r in issues] == [ISSUE_COLUMNS] * len(report.issues)
    assert [r["rule"] for r in issues] == ["R2", "R2"]
    first = report.issues[0]
    assert issues[0]["cells"] == ";".join(str(c) for c in first.cells) and ";" in issues[0]["cells"]
    assert (issues[0]["expected"], issues[0]["actual"]) == (first.expected, first.actual)


def test_the_columns_are_the_schema_s():
    """One declaration: the rows' columns are the schema's, in its order."""
    assert CELL_COLUMNS == CELLS.names and ISSUE_COLUMNS == ISSUES.names
    report = gkparse.parse(PINGYANG)
    assert tuple(issue_rows(report)[0]) == ISSUES.names


def test_schema_values_are_written_as_declared():
    value, year, raw, state = (CELLS.columns[CELLS.names.index(n)] for n in ("value", "year", "raw", "state"))
    assert [value.value(v) for v in (4, 9116.36, None, "")] == [4.0, 9116.36, None, None]
    assert isinstance(value.value(4), float) and year.value(2020) == 2020 and year.value(None) is None
    assert [raw.value(t) for t in ("000003", "", None, " ")] == ["000003", None, None, " "]
    with pytest.raises(gkparse.GkparseError, match="'state' needs a value"):
        state.value(None)
    assert TYPES["float64"].duckdb == "DOUBLE" and CELLS.duckdb_types()["template"] == "VARCHAR"
