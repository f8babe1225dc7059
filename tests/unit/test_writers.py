"""gkparse.export.writers: the format registry, format_for and each writer."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
from typing import ClassVar

import pytest

import gkparse
from gkparse.batch import convert
from gkparse.batch.run import Result, process_job
from gkparse.batch.sources import Job
from gkparse.export import writers
from gkparse.export.schema import CELLS, ISSUES
from gkparse.export.writers import (
    ISSUE_WRITERS,
    WRITERS,
    CellsCsvWriter,
    CellsJsonlWriter,
    CellsParquetWriter,
    CellsXlsxWriter,
    IssuesCsvWriter,
    IssuesJsonlWriter,
    IssuesParquetWriter,
    IssuesXlsxWriter,
    JsonlWriter,
    check_options,
    format_for,
    issues_format_for,
    open_writer,
    register,
)
from tests.support.warc import NOT_A_REPORT, PINGYANG


@pytest.fixture(scope="module")
def results() -> list[Result]:
    return [
        process_job(Job(PINGYANG.read_bytes(), str(PINGYANG)), rows=True),
        process_job(Job(NOT_A_REPORT, "guide.html"), rows=True),
    ]


def test_registry_and_format_for():
    assert {name: (f.writer, f.suffixes[0], f.compressible) for name, f in WRITERS.items()} == {
        "jsonl": (JsonlWriter, ".jsonl", True),
        "cells-csv": (CellsCsvWriter, ".csv", True),
        "cells-parquet": (CellsParquetWriter, ".parquet", False),
        "cells-jsonl": (CellsJsonlWriter, ".cells.jsonl", True),
        "cells-xlsx": (CellsXlsxWriter, ".xlsx", False),
    }
    assert {name: (f.writer, f.suffixes[0], f.compressible) for name, f in ISSUE_WRITERS.items()} == {
        "issues-csv": (IssuesCsvWriter, ".csv", True),
        "issues-parquet": (IssuesParquetWriter, ".parquet", False),
        "issues-jsonl": (IssuesJsonlWriter, ".jsonl", True),
        "issues-xlsx": (IssuesXlsxWriter, ".xlsx", False),
    }
    assert format_for("a/b.jsonl") == format_for("b.NDJSON") == format_for("-") == "jsonl"
    assert format_for("cells.csv") == "cells-csv" and format_for("c.pq") == "cells-parquet"
    assert format_for("whatever.txt", "cells-csv") == "cells-csv"  # an explicit format wins
    assert format_for("c.Cells.JSONL") == "cells-jsonl" and format_for("c.xlsx") == "cells-xlsx"  # the longest suffix wins
    assert format_for("r.jsonl.gz") == "jsonl" and format_for("c.CSV.GZ") == "cells-csv"
    assert format_for("c.cells.jsonl.gz") == "cells-jsonl"
    assert issues_format_for("i.csv") == "issues-csv" and issues_format_for("i.PQ") == "issues-parquet"
    assert issues_format_for("i.ndjson.gz") == "issues-jsonl" and issues_format_for("i.xlsx") == "issues-xlsx"


def test_unknown_suffix_or_format_is_a_clear_error():
    with pytest.raises(gkparse.GkparseError) as unknown:
        format_for("out/cells.xml")
    message = str(unknown.value)
    assert message.startswith("out/cells.xml: ") and "'.xml'" in message
    assert ".jsonl" in message and ".parquet" in message and ".xlsx" in message and "cells-csv" in message
    with pytest.raises(gkparse.GkparseError, match="has no suffix"):
        format_for("reports")
    with pytest.raises(gkparse.GkparseError, match="unknown format 'xml'"):
        format_for("a.jsonl", "xml")
    with pytest.raises(gkparse.GkparseError, match=r"^out/x.txt.gz: the suffix '.txt.gz' names no output format"):
        format_for("out/x.txt.gz")


@pytest.mark.parametrize("name", ["cells.parquet.gz", "cells.XLSX.gz"])
def test_a_format_compressed_inside_refuses_gz(name):
    with pytest.raises(gkparse.GkparseError, match=rf"^{name}: the cells-\w+ format is compressed inside: name it without .gz"):
        format_for(name)
    with pytest.raises(gkparse.GkparseError, match="compressed inside"):
        format_for(name, "cells-parquet")  # an explicit format does not make it compressible
    with pytest.raises(gkparse.GkparseError, match="compressed inside"):
        issues_format_for(name.replace("cells", "issues"))


def test_the_issue_table_format_by_suffix_and_its_errors():
    with pytest.raises(gkparse.GkparseError, match=r"^issues.txt: the suffix '.txt' names no issue table format: use one of "
                                                   r"\.csv, \.parquet, \.pq, \.jsonl, \.ndjson, \.xlsx"):
        issues_format_for("issues.txt")
    with pytest.raises(gkparse.GkparseError, match="written to a file, not to standard output"):
        issues_format_for("-")
    with pytest.raises(gkparse.GkparseError, match="unknown format 'cells-csv'"):
        issues_format_for("i.csv", "cells-csv")


def test_writer_options_reach_the_writers_that_take_them(tmp_path, results):
    check_options({"bom": False})
    check_options(None)
    with pytest.raises(gkparse.GkparseError, match="unknown writer option 'bon' \\(writers take bom\\)"):
        check_options({"bon": False})
    plain = open_writer(CellsCsvWriter, tmp_path / "plain.csv", options={"bom": False})
    plain.write(results[0])
    plain.close()
    assert (tmp_path / "plain.csv").read_bytes().startswith(b"report_id,")
    lines = open_writer(JsonlWriter, tmp_path / "o.jsonl", options={"bom": False})  # not an option of JSON Lines: not passed
    lines.close()


def test_a_writer_registered_by_suffix_is_used_by_convert(tmp_path):
    @register("source-list", suffixes=(".sources.txt",))
    class SourceList:
        """One source per line, failed inputs included."""

        needs_rows: ClassVar[bool] = False
        appendable: ClassVar[bool] = False

        def __init__(self, target, *, append=False):
            self.fh = open(target, "w", encoding="utf-8")

        def write(self, result):
            self.fh.write(f"{result.source} {'ok' if result.ok else 'failed'}\n")

        def close(self):
            self.fh.close()

    try:
        assert format_for("run.sources.txt") == "source-list"
        assert format_for("run.txt", "source-list") == "source-list"
        guide = tmp_path / "guide.html"
        guide.write_bytes(NOT_A_REPORT)
        out = tmp_path / "run.sources.txt"
        stats = convert([str(PINGYANG), str(guide)], str(out), workers=1)
        assert out.read_text(encoding="utf-8") == f"{PINGYANG} ok\n{guide} failed\n"
        assert (stats.parsed, stats.failed) == (1, 1)
        with pytest.raises(gkparse.GkparseError, match="JSON Lines output only"):
            convert([str(PINGYANG)], str(out), resume=True, workers=1)
        with pytest.raises(ValueError, match="already registered"):
            register("source-list", suffixes=(".other",))(SourceList)
        with pytest.raises(ValueError, match="already selects"):
            register("other", suffixes=(".csv",))(SourceList)
    finally:
        del WRITERS["source-list"]
    assert "other" not in WRITERS


def test_jsonl_writer_path_and_stream(tmp_path, results):
    out = tmp_path / "o.jsonl"
    writer = JsonlWriter(out)
    for result in results:
        writer.write(result)
    writer.close()
    assert out.read_text(encoding="utf-8") == "".join(r.line + "\n" for r in results)
    appended = JsonlWriter(out, append=True)
    appended.write(results[0])
    appended.close()
    assert out.read_text(encoding="utf-8").count("\n") == 3
    stream = io.BytesIO()
    borrowed = JsonlWriter(stream)
    borrowed.write(results[1])
    borrowed.close()
    assert not stream.closed and stream.getvalue() == results[1].line.encode("utf-8") + b"\n"


def test_table_writers_take_rows_of_parsed_results_only(tmp_path, results):
    cells, issues = tmp_path / "cells.csv", tmp_path / "issues.csv"
    for cls, path in ((CellsCsvWriter, cells), (IssuesCsvWriter, issues)):
        writer = cls(path)
        for result in results:
            writer.write(result)
        writer.close()
    with open(cells, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(results[0].cells) and {r["source"] for r in rows} == {str(PINGYANG)}
    with open(issues, encoding="utf-8-sig", newline="") as fh:
        assert [r["rule"] for r in csv.DictReader(fh)] == ["R2", "R2"]
    for cls in (CellsCsvWriter, CellsParquetWriter, CellsJsonlWriter, CellsXlsxWriter, IssuesXlsxWriter):
        with pytest.raises(gkparse.GkparseError, match="cannot be appended"):
            cls(tmp_path / "x.out", append=True)
    assert not (tmp_path / "x.out").exists()


def test_csv_has_a_byte_order_mark_floats_and_missing_values_as_the_schema_says(tmp_path, results):
    """What changed in the cell CSV: a UTF-8 byte-order mark (Excel and WPS read the file as
    UTF-8), every value a float (``4.0``), empty text a missing value like None."""
    out = tmp_path / "cells.csv"
    writer = CellsCsvWriter(out)
    writer.write(results[0])
    writer.close()
    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"report_id,source,date,agency,year,template,table,row,column,value,unit,raw,state\r\n")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    new = next(r for r in rows if (r["table"], r["row"], r["column"]) == ("requests", "new", "natural_person"))
    assert (new["value"], new["raw"], new["year"], new["template"]) == ("4.0", "4", "2020", "2019")
    raw = CELLS.names.index("raw")
    blank = [n for n, cell in enumerate(results[0].cells) if cell[raw] in ("", None)]  # absent cells
    assert blank and all(rows[n]["raw"] == rows[n]["value"] == "" for n in blank)
    plain = tmp_path / "plain.csv"
    writer = IssuesCsvWriter(plain, bom=False)
    writer.write(results[0])
    writer.close()
    assert plain.read_bytes().startswith(b"report_id,source,rule,severity,message,cells,expected,actual\r\n")
    assert b",0.0,4.0\r\n" in plain.read_bytes()  # expected, actual: floats


@pytest.mark.parametrize(("bom", "marked"), [(None, False), (True, True), (False, False)])
def test_csv_on_a_stream_has_no_byte_order_mark_unless_asked(results, bom, marked):
    """``-o -``: a program reads the pipe, and would take the mark for part of ``report_id``."""
    stream = io.BytesIO()
    writer = CellsCsvWriter(stream, bom=bom)
    writer.write(results[0])
    writer.close()
    assert not stream.closed and stream.getvalue().startswith(codecs.BOM_UTF8) is marked
    assert stream.getvalue().removeprefix(codecs.BOM_UTF8).startswith(b"report_id,source,")


def test_cells_jsonl_one_object_per_cell(tmp_path, results):
    out = tmp_path / "c.cells.jsonl"
    writer = CellsJsonlWriter(out)
    for result in results:
        writer.write(result)
    writer.close()
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(records) == len(results[0].cells) and all(tuple(r) == CELLS.names for r in records)
    new = next(r for r in records if (r["table"], r["row"], r["column"]) == ("requests", "new", "natural_person"))
    assert new["value"] == 4.0 and isinstance(new["value"], float) and new["template"] == "2019" and new["year"] == 2020
    assert "平阳县" in out.read_text("utf-8")  # UTF-8, not \\u escapes


def test_a_required_value_missing_is_an_error(tmp_path):
    row = (None, "s", None, None, None, None, "requests", "new", "total", 1, None, "1", "printed")
    writer = CellsJsonlWriter(tmp_path / "c.cells.jsonl")
    with pytest.raises(gkparse.GkparseError, match="the column 'report_id' needs a value in every row"):
        writer.write(Result("s", "", "", ok=True, cells=[row]))
    writer.close()


def test_compressed_outputs_are_gzip_of_the_plain_bytes(tmp_path, results):
    for cls, name in ((CellsCsvWriter, "cells.csv"), (CellsJsonlWriter, "c.cells.jsonl"), (IssuesJsonlWriter, "i.jsonl"),
                      (JsonlWriter, "r.jsonl")):
        for path in (tmp_path / name, tmp_path / f"{name}.gz"):
            writer = cls(path)
            for result in results:
                writer.write(result)
            writer.close()
        packed = (tmp_path / f"{name}.gz").read_bytes()
        assert packed[:2] == b"\x1f\x8b" and gzip.decompress(packed) == (tmp_path / name).read_bytes()
        assert len(packed) < len((tmp_path / name).read_bytes())
    appended = JsonlWriter(tmp_path / "r.jsonl.gz", append=True)  # --resume: one more member
    appended.write(results[1])
    appended.close()
    lines = gzip.decompress((tmp_path / "r.jsonl.gz").read_bytes()).decode().splitlines()
    assert lines == [r.line for r in results] + [results[1].line]
    with pytest.raises(gkparse.GkparseError, match="compressed inside"):
        CellsParquetWriter(tmp_path / "cells.parquet.gz")
    assert not (tmp_path / "cells.parquet.gz").exists()


def test_parquet_writer(tmp_path, results, monkeypatch):
    import pandas as pd  # test extra: the README's analysis path

    out = tmp_path / "cells.parquet"
    import pyarrow.parquet as pq

    monkeypatch.setattr(writers, "PARQUET_ROW_GROUP", 10)  # a row group per report
    writer = CellsParquetWriter(out)
    for result in [*results, results[0]]:
        writer.write(result)
    writer.close()
    parquet = pq.ParquetFile(out)
    assert parquet.num_row_groups == 2
    assert parquet.schema_arrow == CELLS.arrow() and not parquet.schema_arrow.field("report_id").nullable
    group = parquet.metadata.row_group(0)
    for i, name in enumerate(CELLS.names):
        assert ("RLE_DICTIONARY" in group.column(i).encodings) == (name in CELLS.dictionary), name
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(CELLS.names) and len(frame) == 2 * len(results[0].cells)
    value = frame.query("table == 'requests' and row == 'new' and column == 'natural_person'")["value"]
    assert value.tolist() == [4.0, 4.0]
    assert frame["template"].tolist()[:1] == ["2019"] and frame["report_id"].dtype != "category"
    assert frame["source"].tolist() == [str(PINGYANG)] * len(frame)  # the input's order, report by report


def test_issue_table_in_parquet_and_xlsx(tmp_path, results):
    import openpyxl
    import pyarrow.parquet as pq

    for cls, name in ((IssuesParquetWriter, "issues.parquet"), (IssuesXlsxWriter, "issues.xlsx")):
        writer = cls(tmp_path / name)
        for result in results:
            writer.write(result)
        writer.close()
    table = pq.read_table(tmp_path / "issues.parquet")
    assert table.schema == ISSUES.arrow() and table.column("rule").to_pylist() == ["R2", "R2"]
    assert table.column("expected").to_pylist() == [0.0, 4.0]
    sheet = openpyxl.load_workbook(tmp_path / "issues.xlsx", read_only=True)["issues"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ISSUES.names and [r[2] for r in rows[1:]] == ["R2", "R2"]


def test_xlsx_needs_xlsxwriter_before_the_file_is_made(tmp_path, monkeypatch):
    def missing() -> None:
        raise gkparse.GkparseError("xlsx output needs XlsxWriter: install gkparse[xlsx]")

    monkeypatch.setattr(writers, "_require_xlsxwriter", missing)
    with pytest.raises(gkparse.GkparseError, match="needs XlsxWriter"):
        CellsXlsxWriter(tmp_path / "cells.xlsx")
    assert not (tmp_path / "cells.xlsx").exists()


def test_an_issue_table_that_cannot_be_written_stops_convert_before_out_is_touched(tmp_path, monkeypatch):
    def missing() -> None:
        raise gkparse.GkparseError("xlsx output needs XlsxWriter: install gkparse[xlsx]")

    monkeypatch.setattr(writers, "_require_xlsxwriter", missing)
    out = tmp_path / "reports.jsonl"
    out.write_bytes(b"kept\n")
    with pytest.raises(gkparse.GkparseError, match="needs XlsxWriter"):
        convert([str(PINGYANG)], str(out), issues=str(tmp_path / "issues.xlsx"), workers=1)
    assert out.read_bytes() == b"kept\n" and not (tmp_path / "issues.xlsx").exists()


def test_convert_writes_the_issue_table_in_the_format_of_its_suffix(tmp_path):
    import pyarrow.parquet as pq

    stats = convert([str(PINGYANG)], str(tmp_path / "cells.cells.jsonl.gz"), issues=str(tmp_path / "issues.parquet"), workers=1)
    assert stats.parsed == 1 and pq.read_table(tmp_path / "issues.parquet").column("rule").to_pylist() == ["R2", "R2"]
    with gzip.open(tmp_path / "cells.cells.jsonl.gz", "rt", encoding="utf-8") as fh:
        assert all(json.loads(line)["report_id"] for line in fh)
    with pytest.raises(gkparse.GkparseError, match="names no issue table format"):
        convert([str(PINGYANG)], str(tmp_path / "r.jsonl"), issues=str(tmp_path / "issues.txt"), workers=1)
    with pytest.raises(gkparse.GkparseError, match="unknown writer option"):
        convert([str(PINGYANG)], str(tmp_path / "r.jsonl"), options={"bommm": False}, workers=1)
    assert not (tmp_path / "r.jsonl").exists()
    convert([str(PINGYANG)], str(tmp_path / "c.csv"), issues=str(tmp_path / "i.csv"), options={"bom": False}, workers=1)
    assert (tmp_path / "c.csv").read_bytes()[:9] == (tmp_path / "i.csv").read_bytes()[:9] == b"report_id"


def test_xlsx_text_that_looks_like_markup_stays_text(tmp_path):
    """XlsxWriter's constant-memory mode writes a text shaped ``<r>…</r>`` as raw XML: the
    writer wraps it so the sheet stays valid and the text comes back as it was."""
    import openpyxl

    texts = ["<r>&</r>", "<r><t>x</t></r>", "=1+1", "000003"]
    rows = [("a" * 64, None, None, None, None, None, "requests", "new", "total", None, None, t, "unreadable") for t in texts]
    writer = CellsXlsxWriter(tmp_path / "cells.xlsx")
    writer.write(Result("s", "a" * 64, "", ok=True, cells=rows))
    writer.close()
    sheet = openpyxl.load_workbook(tmp_path / "cells.xlsx", read_only=True)["cells"]
    raw = CELLS.names.index("raw")
    assert [r[raw] for r in list(sheet.iter_rows(values_only=True))[1:]] == texts


# --- the output lock -------------------------------------------------------------------------


def test_output_lock_is_exclusive_and_creates_nothing_it_does_not_keep(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_bytes(b"kept\n")
    with writers.OutputLock(str(out), "OUT"):
        with pytest.raises(gkparse.GkparseError, match=f"cannot write OUT: {out} is locked by another gkparse run"):
            writers.OutputLock(str(out), "OUT")
    assert out.read_bytes() == b"kept\n"
    writers.OutputLock(str(out), "OUT").release()  # free again once released

    new = tmp_path / "new.jsonl"
    lock = writers.OutputLock(str(new), "OUT")
    assert new.exists() and lock.created
    lock.release(discard=True)
    assert not new.exists()


def test_output_lock_follows_a_file_renamed_over_the_locked_one(tmp_path):
    out, new = tmp_path / "o.jsonl", tmp_path / "o.new"
    out.write_bytes(b"old\n")
    new.write_bytes(b"new\n")
    with writers.OutputLock(str(out), "OUT") as lock:
        lock.replace(str(new))
        assert out.read_bytes() == b"new\n" and not new.exists()
        with pytest.raises(gkparse.GkparseError, match="is locked"):
            writers.OutputLock(str(out), "OUT")


def test_output_lock_on_a_path_that_cannot_be_opened(tmp_path):
    with pytest.raises(gkparse.GkparseError, match="cannot write OUT"):
        writers.OutputLock(str(tmp_path / "no" / "o.jsonl"), "OUT")


def test_jsonl_lines_with_a_lone_surrogate_stay_utf8_and_json(tmp_path):
    result = process_job(Job(b"", "a\udcff.txt"))
    out = tmp_path / "o.jsonl"
    writer = JsonlWriter(str(out))
    writer.write(result)
    writer.close()
    assert json.loads(out.read_bytes().decode("utf-8"))["source"] == "a\udcff.txt"


def test_output_lock_leaves_devices_alone():
    with writers.OutputLock(os.devnull, "OUT"), writers.OutputLock(os.devnull, "OUT"):
        pass  # two runs writing /dev/null are no conflict


def test_rows_travel_as_tuples_and_write_as_the_dicts_did(tmp_path, results):
    """The cell table is sent as tuples (no dict per cell pickled back); the CSV is byte for
    byte what csv.DictWriter writes from the dicts of ``cell_rows`` made schema values."""
    from gkparse.export.rows import cell_rows

    out = tmp_path / "cells.csv"
    writer = CellsCsvWriter(out)
    writer.write(results[0])
    writer.close()
    expected = io.StringIO(newline="")
    dict_writer = csv.DictWriter(expected, fieldnames=list(CELLS.names), extrasaction="ignore")
    dict_writer.writeheader()
    for row in cell_rows(gkparse.parse(PINGYANG.read_bytes(), origin=str(PINGYANG))):
        dict_writer.writerow(dict(zip(CELLS.names, CELLS.values(tuple(row.values())))))
    assert out.read_bytes() == codecs.BOM_UTF8 + expected.getvalue().encode("utf-8")
    assert all(isinstance(row, tuple) and len(row) == len(CELLS.names) for row in results[0].cells)
