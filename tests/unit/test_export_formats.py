"""Every format of the tidy tables loads in pandas, polars and DuckDB as one frame per library.

The tables are written once in each format (CSV, CSV.gz, Parquet, JSON Lines, JSON
Lines.gz, ``.xlsx``) from real reports and from rows made to trip readers (text that looks
like a number, a formula or markup; commas, quotes and line breaks; a value 4 long before a
9116.36; a WARC date; a missing year). Each library reads each file exactly as
``docs/analysis.md`` shows (every reader expression below is checked to be in it), the frame
is cast to the declared schema (:data:`gkparse.export.CELLS`), and every format must give
the frame the Parquet file gives.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pytest

from gkparse.batch.run import Result, process_job
from gkparse.batch.sources import Job
from gkparse.export import CELLS, ISSUES, TYPES, TableSchema, writers
from gkparse.export.writers import (
    CellsCsvWriter,
    CellsJsonlWriter,
    CellsParquetWriter,
    CellsXlsxWriter,
    IssuesCsvWriter,
    IssuesJsonlWriter,
    IssuesParquetWriter,
    IssuesXlsxWriter,
)
from tests.support import FIXTURES
from tests.support.warc import PINGYANG, SHANGHAI

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS = ROOT / "docs" / "analysis.md"

#: A small sheet, so the test tables run over into a second and third sheet as a table of
#: more than a million rows does in Excel.
SHEET_ROWS = 250

#: The file of each format of each table.
FILES = {
    "cells": {"csv": "cells.csv", "csv.gz": "cells.csv.gz", "parquet": "cells.parquet",
              "jsonl": "cells.cells.jsonl", "jsonl.gz": "cells.cells.jsonl.gz", "xlsx": "cells.xlsx"},
    "issues": {"csv": "issues.csv", "csv.gz": "issues.csv.gz", "parquet": "issues.parquet",
               "jsonl": "issues.jsonl", "jsonl.gz": "issues.jsonl.gz", "xlsx": "issues.xlsx"},
}
WRITERS_BY_TABLE = {
    "cells": {"csv": CellsCsvWriter, "csv.gz": CellsCsvWriter, "parquet": CellsParquetWriter,
              "jsonl": CellsJsonlWriter, "jsonl.gz": CellsJsonlWriter, "xlsx": CellsXlsxWriter},
    "issues": {"csv": IssuesCsvWriter, "csv.gz": IssuesCsvWriter, "parquet": IssuesParquetWriter,
               "jsonl": IssuesJsonlWriter, "jsonl.gz": IssuesJsonlWriter, "xlsx": IssuesXlsxWriter},
}

#: How each library reads each format: the expressions of docs/analysis.md, verbatim (a
#: ``.gz`` file is read by the same expression with its own name).
READERS: dict[str, dict[str, dict[str, str]]] = {
    "cells": {
        "pandas": {
            "csv": 'pd.read_csv("cells.csv", dtype={"template": str, "raw": str}, keep_default_na=False, na_values=[""])',
            "jsonl": 'pd.read_json("cells.cells.jsonl", lines=True, dtype=False)',
            "parquet": 'pd.read_parquet("cells.parquet")',
            "xlsx": 'pd.concat(pd.read_excel("cells.xlsx", sheet_name=None, dtype={"template": str, "raw": str}, '
                    'keep_default_na=False, na_values=[""]).values(), ignore_index=True)',
        },
        "polars": {
            "csv": 'pl.read_csv("cells.csv", schema_overrides={"template": pl.String, "raw": pl.String})',
            "jsonl": 'pl.read_ndjson("cells.cells.jsonl", infer_schema_length=None)',
            "parquet": 'pl.read_parquet("cells.parquet")',
            "xlsx": 'pl.concat(pl.read_excel("cells.xlsx", sheet_id=0).values(), how="vertical_relaxed")',
        },
        "duckdb": {
            "csv": "duckdb.sql(\"select * from read_csv('cells.csv', types={'date': 'VARCHAR', 'template': 'VARCHAR', "
                   "'raw': 'VARCHAR'})\")",
            "jsonl": 'duckdb.read_json("cells.cells.jsonl", columns=CELLS.duckdb_types())',
            "parquet": "duckdb.sql(\"select * from 'cells.parquet'\")",
        },
    },
    "issues": {
        "pandas": {
            "csv": 'pd.read_csv("issues.csv")',
            "jsonl": 'pd.read_json("issues.jsonl", lines=True, dtype=False)',
            "parquet": 'pd.read_parquet("issues.parquet")',
            "xlsx": 'pd.concat(pd.read_excel("issues.xlsx", sheet_name=None).values(), ignore_index=True)',
        },
        "polars": {
            "csv": 'pl.read_csv("issues.csv")',
            "jsonl": 'pl.read_ndjson("issues.jsonl", infer_schema_length=None)',
            "parquet": 'pl.read_parquet("issues.parquet")',
            "xlsx": 'pl.concat(pl.read_excel("issues.xlsx", sheet_id=0).values(), how="vertical_relaxed")',
        },
        "duckdb": {
            "csv": "duckdb.sql(\"select * from 'issues.csv'\")",
            "jsonl": "duckdb.sql(\"select * from 'issues.jsonl'\")",
            "parquet": "duckdb.sql(\"select * from 'issues.parquet'\")",
        },
    },
}
SCHEMAS = {"cells": CELLS, "issues": ISSUES}

#: A WARC capture date, as an archive writes it (DuckDB reads such text as a timestamp).
WARC_DATE = "2024-05-01T10:00:00Z"
#: Cell texts that readers guessing types would turn into something else.
TRICKY_RAW = ["000003", "N/A", "NA", "null", "=1+1", "<r>&amp;</r>", "<b>x</b>", " 4 ", "1e5", "-", "", None,
              '"quoted", and\na second line']
#: Values long after the first 100 rows of counts (the value column holds 4 first).
TRICKY_VALUES = [9116.36, 160.5964, 1e16, -3, 0.1, None, 1605964]


def _tricky() -> Result:
    rid = "f" * 64
    cells = []
    for n, raw in enumerate(TRICKY_RAW):
        value = TRICKY_VALUES[n % len(TRICKY_VALUES)]
        cells.append((rid, "http://example.gov.cn/a,b.html", WARC_DATE, 'Agency, "quoted"\nline', None if n % 2 else 2021,
                      "2021", "requests", f"row{n}", "total", value, "unit" if n % 3 == 0 else None, raw, "printed"))
    issues = [{"report_id": rid, "source": None, "rule": "R2", "severity": "error",
               "message": 'a, "quoted"\nmessage', "cells": "", "expected": None, "actual": 9116.36},
              {"report_id": rid, "source": "s", "rule": "fuzzy-label", "severity": "warning",
               "message": "=SUM(A1)", "cells": "requests/new/total;requests/total/total", "expected": 4, "actual": 1e16}]
    return Result("tricky", rid, "", ok=True, cells=cells, issues=issues)


@functools.cache
def _results() -> list[Result]:
    jobs = [
        Job(PINGYANG.read_bytes(), str(PINGYANG)),  # counts only: the value column starts with 4
        Job(SHANGHAI.read_bytes(), str(SHANGHAI)),
        Job((FIXTURES / "pingtan_2024.page.html").read_bytes(), "http://example.gov.cn/pingtan.html", date=WARC_DATE),
        Job(b"no report here", "failed.txt"),  # a failure: no rows
    ]
    return [*(process_job(job, rows=True) for job in jobs), _tricky()]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Both tables in every format, in one folder."""
    out = tmp_path_factory.mktemp("tables")
    results = _results()
    assert sum(len(r.cells) for r in results) > 2 * SHEET_ROWS  # three sheets
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "XLSX_SHEET_ROWS", SHEET_ROWS)
        for table, by_format in WRITERS_BY_TABLE.items():
            for fmt, cls in by_format.items():
                writer = cls(out / FILES[table][fmt])
                for result in results:
                    writer.write(result)
                writer.close()
    yield out


def _read(expression: str, name: str, folder: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(folder)
    plain = name.removesuffix(".gz")
    return eval(expression.replace(f'"{plain}"', f'"{name}"').replace(f"'{plain}'", f"'{name}'"),  # noqa: S307
                {"pd": pd, "pl": pl, "duckdb": duckdb, "CELLS": CELLS})


def _pandas(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    assert list(frame.columns) == list(schema.names)
    return frame.astype({c.name: TYPES[c.type].pandas for c in schema.columns})


def _polars(frame: pl.DataFrame, schema: TableSchema) -> pl.DataFrame:
    assert frame.columns == list(schema.names)
    return frame.select(pl.col(c.name).cast(getattr(pl, TYPES[c.type].polars)) for c in schema.columns)


def _duckdb(relation: Any, schema: TableSchema) -> list[tuple[Any, ...]]:
    assert relation.columns == list(schema.names)
    return relation.project(", ".join(f'CAST("{c.name}" AS {TYPES[c.type].duckdb}) AS "{c.name}"' for c in schema.columns)).fetchall()


def _formats(table: str, library: str) -> list[str]:
    """The formats ``library`` reads (all but ``.xlsx`` for DuckDB, see docs/analysis.md),
    but Parquet: the frame the others are compared with."""
    readers = READERS[table][library]
    return [fmt for fmt in FILES[table] if fmt != "parquet" and fmt.removesuffix(".gz") in readers]


def _cases() -> list[tuple[str, str, str]]:
    return [(table, library, fmt) for table in READERS for library in READERS[table] for fmt in _formats(table, library)]


@pytest.mark.parametrize(("table", "library", "fmt"), _cases(), ids=["-".join(case) for case in _cases()])
def test_every_format_gives_the_parquet_frame(table: str, library: str, fmt: str, folder: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    schema = SCHEMAS[table]
    readers = READERS[table][library]
    cast = {"pandas": _pandas, "polars": _polars, "duckdb": _duckdb}[library]
    expected = cast(_read(readers["parquet"], FILES[table]["parquet"], folder, monkeypatch), schema)
    got = cast(_read(readers[fmt.removesuffix(".gz")], FILES[table][fmt], folder, monkeypatch), schema)
    if library == "pandas":
        pd.testing.assert_frame_equal(got, expected)
    elif library == "polars":
        assert got.equals(expected), (got, expected)
    else:
        assert got == expected
    assert len(expected) == sum(len(r.cells if table == "cells" else r.issues) for r in _results())


def test_the_parquet_frame_holds_the_values_written(folder: Path) -> None:
    """The reference frame itself: the tricky texts and numbers as written, empty text as missing."""
    frame = pl.read_parquet(folder / "cells.parquet")
    tricky = frame.filter(pl.col("report_id") == "f" * 64)
    assert tricky["raw"].to_list() == [None if raw == "" else raw for raw in TRICKY_RAW]
    assert tricky["value"].to_list()[:len(TRICKY_VALUES)] == [None if v is None else float(v) for v in TRICKY_VALUES]
    assert tricky["date"].unique().to_list() == [WARC_DATE] and tricky["template"].unique().to_list() == ["2021"]
    assert frame.schema["template"] == pl.String and frame.schema["value"] == pl.Float64 and frame.schema["year"] == pl.Int64
    first = frame.filter(pl.col("source") == str(PINGYANG))
    assert first["value"].drop_nulls()[0] == float(first["value"].drop_nulls()[0]) and first["template"][0] == "2019"


def test_every_reader_is_the_one_the_guide_shows() -> None:
    guide = ANALYSIS.read_text("utf-8")
    missing = [expression for by_library in READERS.values() for readers in by_library.values()
               for expression in readers.values() if expression not in guide]
    assert missing == []


def test_a_reader_told_the_misread_columns_needs_no_other_option(folder: Path) -> None:
    """The guide's options are exactly the schema's misread columns: the columns a reader
    that guesses types must be told are text."""
    assert CELLS.misread == ("date", "template", "raw") and ISSUES.misread == ()
    for expression in (READERS["cells"]["pandas"]["csv"], READERS["cells"]["polars"]["csv"]):
        assert all(f'"{c}"' in expression for c in ("template", "raw"))  # pandas and polars leave dates as text
    assert all(f"'{c}'" in READERS["cells"]["duckdb"]["csv"] for c in CELLS.misread)


def test_polars_reads_the_values_4_then_9116_36_without_type_options(folder: Path) -> None:
    """The issue: ``value`` held ``4`` in the first rows (an integer to polars) and ``9116.36``
    later. Written as floats (``4.0``), the column reads as Float64 with no option."""
    frame = pl.read_csv(folder / "cells.csv", columns=["table", "row", "column", "value", "unit", "state"])
    assert frame.schema["value"] == pl.Float64
    values = frame["value"].drop_nulls().to_list()
    assert all(v == int(v) for v in values[:100]) and values.index(9116.36) > 100  # whole numbers first
    with open(folder / "cells.csv", encoding="utf-8-sig", newline="") as fh:
        written = [row["value"] for row in csv.DictReader(fh) if row["value"]]
    assert written[:3] == ["0.0", "0.0", "0.0"] and "4.0" in written and all("." in v or "e" in v for v in written)


def test_xlsx_sheets_go_on_past_the_row_limit(folder: Path) -> None:
    import openpyxl

    book = openpyxl.load_workbook(folder / "cells.xlsx", read_only=True)
    assert book.sheetnames == ["cells", "cells 2", "cells 3"]
    rows = [list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets]
    assert [len(r) for r in rows[:2]] == [SHEET_ROWS, SHEET_ROWS]  # the header and SHEET_ROWS - 1 rows each
    assert all(r[0] == CELLS.names for r in rows)
    tricky = [row for sheet in rows for row in sheet[1:] if row[0] == "f" * 64]
    assert [row[CELLS.names.index("raw")] for row in tricky][:6] == ["000003", "N/A", "NA", "null", "=1+1", "<r>&amp;</r>"]
    assert tricky[0][CELLS.names.index("template")] == "2021"  # text, not the number 2021


def test_xlsx_control_characters_are_excel_escapes_openpyxl_leaves_as_they_are(tmp_path: Path) -> None:
    """XML cannot hold control characters: Excel writes them as ``_xHHHH_``. Excel, and polars
    (calamine), read the character back; openpyxl (pandas) leaves the escape, as
    docs/analysis.md says."""
    row = ("a" * 64, None, None, None, None, None, "requests", "new", "total", None, None, "\x01x\ty", "unreadable")
    writer = CellsXlsxWriter(tmp_path / "cells.xlsx")
    writer.write(Result("s", "a" * 64, "", ok=True, cells=[row]))
    writer.close()
    assert pl.read_excel(tmp_path / "cells.xlsx")["raw"].to_list() == ["\x01x\ty"]
    assert pd.read_excel(tmp_path / "cells.xlsx", dtype={"raw": str})["raw"].tolist() == ["_x0001_x\ty"]


def test_readers_left_to_guess_misread_the_text_columns(tmp_path: Path) -> None:
    """Why the guide tells each reader the misread columns: quoted or not, ``2019`` reads as an
    integer and ``000003`` as 3 (pandas, polars), and DuckDB takes a WARC date for a timestamp.
    Should a tool stop guessing so, this fails and the guide can drop its hint."""
    path = tmp_path / "t.csv"
    path.write_text(f'template,raw,date\n"2019","000003",{WARC_DATE}\n2021,4,{WARC_DATE}\n', encoding="utf-8")
    frame = pd.read_csv(path)
    assert str(frame["template"].dtype) == "int64" and frame["raw"].tolist() == [3, 4]
    polars = pl.read_csv(path)
    assert polars.schema["template"] == pl.Int64 and polars["raw"].to_list() == [3, 4]
    relation = duckdb.sql(f"select * from read_csv('{path}')")
    types = dict(zip(relation.columns, map(str, relation.dtypes)))
    assert types["template"] == "BIGINT" and types["date"].startswith("TIMESTAMP")
