"""docs/analysis.md runs as printed: the tables written by ``gkparse convert`` in every
format, loaded in pandas, polars and DuckDB, in a scratch folder holding the Pingtan and
Pingyang reports (as the guide says); and its schema tables are the declared schema."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gkparse.export import CELLS, ISSUES, TableSchema
from tests.support import FIXTURES
from tests.system.test_readme import ROOT, _run_blocks

GUIDE = "docs/analysis.md"


def test_the_analysis_guide_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reports").mkdir()
    for path in [*FIXTURES.glob("pingtan_20*.page.*"), FIXTURES / "pingyang_amr_2020.txt"]:
        shutil.copy(path, tmp_path / "reports" / path.name)
    monkeypatch.chdir(tmp_path)
    assert _run_blocks(GUIDE) >= 8
    for made in ("cells.parquet", "cells.csv", "cells.cells.jsonl", "cells.xlsx", "cells.csv.gz",
                 "issues.csv", "issues.parquet", "issues.jsonl", "issues.xlsx"):
        assert (tmp_path / made).stat().st_size > 500, made


def _documented(schema: TableSchema) -> list[tuple[str, str, bool]]:
    """The rows of the guide's table of ``schema`` (column, type, may be missing)."""
    text = (ROOT / GUIDE).read_text("utf-8")
    section = text.split(f"(`gkparse.export.{schema.name.upper()}`):", 1)[1].split("\n\n", 2)[1]
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (yes|no) \|", section, re.M)
    return [(name, type_, missing == "yes") for name, type_, missing in rows]


@pytest.mark.parametrize("schema", [CELLS, ISSUES], ids=["cells", "issues"])
def test_the_guide_lists_the_declared_schema(schema: TableSchema) -> None:
    assert _documented(schema) == [(c.name, c.type, c.nullable) for c in schema.columns]
