"""gkparse.export.rows: the tidy cell table and the issue table."""

from __future__ import annotations

import gkparse
from gkparse.export import CELL_COLUMNS, ISSUE_COLUMNS, cell_rows, issue_rows
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
