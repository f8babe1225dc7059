"""gkparse.export.writers: the format registry, format_for and each writer."""

from __future__ import annotations

import csv
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
from gkparse.export.writers import (
    WRITERS,
    CellsCsvWriter,
    CellsParquetWriter,
    IssuesCsvWriter,
    JsonlWriter,
    format_for,
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
    assert {name: (f.writer, f.suffixes[0]) for name, f in WRITERS.items()} == {
        "jsonl": (JsonlWriter, ".jsonl"),
        "cells-csv": (CellsCsvWriter, ".csv"),
        "cells-parquet": (CellsParquetWriter, ".parquet"),
    }
    assert format_for("a/b.jsonl") == format_for("b.NDJSON") == format_for("-") == "jsonl"
    assert format_for("cells.csv") == "cells-csv" and format_for("c.pq") == "cells-parquet"
    assert format_for("whatever.txt", "cells-csv") == "cells-csv"  # an explicit format wins


def test_unknown_suffix_or_format_is_a_clear_error():
    with pytest.raises(gkparse.GkparseError) as unknown:
        format_for("out/cells.xlsx")
    message = str(unknown.value)
    assert message.startswith("out/cells.xlsx: ") and "'.xlsx'" in message
    assert ".jsonl" in message and ".parquet" in message and "cells-csv" in message
    with pytest.raises(gkparse.GkparseError, match="has no suffix"):
        format_for("reports")
    with pytest.raises(gkparse.GkparseError, match="unknown format 'xml'"):
        format_for("a.jsonl", "xml")


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
    with open(cells, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(results[0].cells) and {r["source"] for r in rows} == {str(PINGYANG)}
    with open(issues, encoding="utf-8", newline="") as fh:
        assert [r["rule"] for r in csv.DictReader(fh)] == ["R2", "R2"]
    with pytest.raises(gkparse.GkparseError, match="cannot be appended"):
        CellsCsvWriter(tmp_path / "x.csv", append=True)
    assert not (tmp_path / "x.csv").exists()


def test_parquet_writer(tmp_path, results, monkeypatch):
    import pandas as pd  # test extra: the README's analysis path

    out = tmp_path / "cells.parquet"
    import pyarrow.parquet as pq

    monkeypatch.setattr(writers, "PARQUET_ROW_GROUP", 10)  # a row group per report
    writer = CellsParquetWriter(out)
    for result in [*results, results[0]]:
        writer.write(result)
    writer.close()
    assert pq.ParquetFile(out).num_row_groups == 2
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(writers.CELL_COLUMNS) and len(frame) == 2 * len(results[0].cells)
    value = frame.query("table == 'requests' and row == 'new' and column == 'natural_person'")["value"]
    assert value.tolist() == [4.0, 4.0]


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
    byte what csv.DictWriter wrote from the dicts of ``cell_rows``."""
    from gkparse.export.rows import cell_rows

    out = tmp_path / "cells.csv"
    writer = CellsCsvWriter(out)
    writer.write(results[0])
    writer.close()
    expected = io.StringIO(newline="")
    dict_writer = csv.DictWriter(expected, fieldnames=list(writers.CELL_COLUMNS), extrasaction="ignore")
    dict_writer.writeheader()
    dict_writer.writerows(cell_rows(gkparse.parse(PINGYANG.read_bytes(), origin=str(PINGYANG))))
    assert out.read_bytes() == expected.getvalue().encode("utf-8")
    assert all(isinstance(row, tuple) and len(row) == len(writers.CELL_COLUMNS) for row in results[0].cells)
