"""gkparse.cluster without a cluster: shards, layouts, scheduler specs, the optional extra,
the Common Crawl index filter and the Spark partition function's item shapes."""

from __future__ import annotations

import subprocess
import sys
import time
from collections import Counter

import pytest

import gkparse.cluster as gc
from gkparse.batch.sources import Job
from gkparse.cluster import commoncrawl as cc
from gkparse.cluster.common import require_dask, require_distributed, require_fsspec
from gkparse.cluster.convert import _shard_of, _suffix, layout_for
from gkparse.cluster.shards import expand, relocate, shard_name
from gkparse.cluster.spark import shard_of
from gkparse.errors import GkparseError
from gkparse.export.writers import WRITERS
from tests.support.warc import PARTIAL, PINGYANG


def test_importing_gkparse_cluster_imports_no_dask():
    code = "import gkparse, gkparse.cluster, sys; print(sorted(m for m in ('dask', 'distributed') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("module, require", [("dask", require_dask), ("distributed", require_distributed), ("fsspec", require_fsspec)])
def test_a_missing_extra_is_named(monkeypatch, module, require):
    monkeypatch.setitem(sys.modules, module, None)
    with pytest.raises(gc.MissingExtraError, match=r"install gkparse\[dask\]"):
        require()


def test_shards_keep_the_input_order_and_put_archives_alone():
    shards = gc.group(["a.html", "b.txt", "c.html", "x.warc.gz", "d.pdf", "y.arc"], shard_files=2)
    assert [(s.name, s.inputs) for s in shards] == [
        ("part-00000", ("a.html", "b.txt")), ("part-00001", ("c.html",)), ("part-00002", ("x.warc.gz",)),
        ("part-00003", ("d.pdf",)), ("part-00004", ("y.arc",)),
    ]
    assert [s.inputs for s in shards[0].split()] == [("a.html",), ("b.txt",)]
    with pytest.raises(gc.ClusterError, match="at least one file"):
        gc.group(["a.html"], shard_files=0)
    assert shard_name(12) == "part-00012" and _shard_of(".part-00012.jsonl.0badc0de.tmp") == _shard_of("part-00012.csv.gz") == "part-00012"
    assert _shard_of(".DS_Store") is _shard_of("notes.txt") is None  # files no shard wrote are never removed


def test_plan_walks_folders_as_a_local_run_does():
    shards = gc.plan([str(PARTIAL), "file://" + str(PINGYANG)], shard_files=5)
    paths = [p for s in shards for p in s.inputs]
    assert paths == sorted(str(p) for p in PARTIAL.glob("*.txt")) + [str(PINGYANG)]
    assert [len(s.inputs) for s in shards] == [5, 5, 3]


def test_inputs_a_cluster_cannot_read_fail_before_anything_is_read(tmp_path):
    with pytest.raises(gc.ClusterError, match="standard input"):
        expand(["-"])
    with pytest.raises(GkparseError, match="no such file"):
        expand([str(tmp_path / "missing.html")])
    pytest.importorskip("fsspec")
    with pytest.raises(gc.ClusterError, match="no file matches"):
        expand([f"memory://{tmp_path.name}/*.warc.gz"])


@pytest.mark.parametrize("out, fmt, suffix", [
    ("reports.jsonl", "jsonl", ".jsonl"), ("reports.jsonl.gz", "jsonl", ".jsonl.gz"), ("cells.parquet", "cells-parquet", ".parquet"),
    ("c.cells.jsonl", "cells-jsonl", ".cells.jsonl"), ("cells.CSV", "cells-csv", ".csv"),
])
def test_the_folder_name_picks_the_format_and_the_shard_suffix(out, fmt, suffix):
    layout = layout_for(out)
    assert (layout.format, layout.suffix) == (fmt, suffix) == (fmt, _suffix(out, WRITERS[fmt]))


def test_bad_outputs_are_refused_naming_them():
    with pytest.raises(gc.ClusterError, match="not standard output"):
        layout_for("-")
    with pytest.raises(ValueError, match="names no output format"):
        layout_for("reports.txt")
    with pytest.raises(gc.ClusterError, match="same folder"):
        layout_for("x.jsonl", issues="x.jsonl")
    layout = layout_for("reports.jsonl", issues="issues.parquet")
    assert (layout.issues_format, layout.issues_suffix, layout.rows) == ("issues-parquet", ".parquet", True)
    assert not layout_for("reports.jsonl").rows


def test_an_existing_folder_is_not_overwritten_without_resume(tmp_path):
    out = tmp_path / "reports.jsonl"
    out.mkdir()
    (out / "part-00000.jsonl").write_text("{}\n")
    with pytest.raises(gc.ClusterError, match="holds the shards of an earlier run"):
        gc.convert_shards([], str(out), client=None)
    (tmp_path / "file.jsonl").write_text("")
    with pytest.raises(gc.ClusterError, match="is a file"):
        gc.convert_shards([], str(tmp_path / "file.jsonl"), client=None)


@pytest.mark.parametrize("spec, message", [
    ("local:0", "at least one worker"), ("local:x", "not a scheduler"), ("10.0.0.5:8786", "not a scheduler"),
    ("http://h:8786", "not a scheduler"),
])
def test_bad_scheduler_specs_are_named(spec, message):
    with pytest.raises(gc.ClusterError, match=message) as err:
        gc.parse_scheduler(spec)
    assert spec in str(err.value)


def test_a_job_of_a_local_copy_is_told_as_read_from_its_url():
    copy = "/tmp/x/archive.warc.gz"
    job = Job(b"", copy, error=("DamagedArchiveError", "bad"), report_id="r", archive=copy, offset=7)
    moved = relocate(job, "/tmp/x/archive.warc.gz", "s3://b/c.warc.gz", 1000)
    assert (moved.source, moved.archive, moved.offset) == ("s3://b/c.warc.gz", "s3://b/c.warc.gz", 1007)
    record = Job(b"x", "http://a.gov.cn/p.html", archive="/tmp/x/archive.warc.gz", offset=0)
    assert relocate(record, "/tmp/x/archive.warc.gz", "s3://b/c.warc.gz").source == "http://a.gov.cn/p.html"


@pytest.mark.parametrize("url, status, mime, reason", [
    ("http://x.gov.cn/zfxxgknb/202401/t20240115_1.html", 200, "text/html", None),
    ("http://x.gov.cn/xxgk/ndbg/report.pdf", 200, "application/pdf", None),
    ("http://x.gov.cn/col/AnnualReport.jsp?id=3", 200, "application/xhtml+xml", None),
    ("http://x.gov.cn/gknb/report.docx", 200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", None),
    ("http://x.gov.cn/gknb/data.xlsx", 200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "excel"),
    ("http://x.gov.cn/news/t20240115_1.html", 200, "text/html", "not-a-report-column"),
    ("http://x.gov.cn/zfxxgknb/", 301, "text/html", "http-301"),
    ("http://x.gov.cn/zfxxgknb/a.png", 200, "image/png", "image"),
])
def test_index_rows_are_judged_by_status_column_and_type(url, status, mime, reason):
    assert cc.is_candidate(url, status, mime) == reason


def test_candidates_become_range_shards_by_warc_in_offset_order():
    scan = cc.IndexScan(rows=4, candidates=[
        cc.Candidate("u1", "b.warc.gz", 500, 10), cc.Candidate("u2", "a.warc.gz", 90, 5),
        cc.Candidate("u3", "b.warc.gz", 100, 20), cc.Candidate("u4", "b.warc.gz", 900, 30),
    ], skipped_by=Counter())
    shards = cc.shards(scan, base="https://data.example.org/", records=2)
    assert [(s.name, s.warc, s.ranges) for s in shards] == [
        ("part-00000", "https://data.example.org/a.warc.gz", ((90, 5),)),
        ("part-00001", "https://data.example.org/b.warc.gz", ((100, 20), (500, 10))),
        ("part-00002", "https://data.example.org/b.warc.gz", ((900, 30),)),
    ]
    assert shards[1].inputs == ("https://data.example.org/b.warc.gz#100", "https://data.example.org/b.warc.gz#500")
    assert [s.ranges for s in shards[1].split()] == [((100, 20),), ((500, 10),)]


def test_spark_items_are_paths_or_index_rows():
    class Row:  # the shape of a pyspark.sql.Row
        def __init__(self, **kw):
            self.kw = kw

        def asDict(self):  # noqa: N802 - pyspark's name
            return self.kw

    assert shard_of("s3://commoncrawl/x.warc.gz").inputs == ("s3://commoncrawl/x.warc.gz",)
    shard = shard_of(Row(warc_filename="crawl-data/x.warc.gz", warc_record_offset=10, warc_record_length=5), base="s3://commoncrawl")
    assert (shard.warc, shard.ranges) == ("s3://commoncrawl/crawl-data/x.warc.gz", ((10, 5),))
    with pytest.raises(TypeError, match="not a path"):
        shard_of(42)


def test_the_input_budget_watchdog_times_items_but_not_archive_copies():
    from gkparse.cluster import shards

    parsed = shards.parse_shard(gc.FileShard("part-00000", (str(PINGYANG),)), timeout=60)
    assert [r.ok for r in parsed.results] == [True]
    watchdog = shards._Watchdog(60)
    try:
        shards._THREAD.watchdog = watchdog
        watchdog.deadline = time.monotonic() + 1000  # an item that started reading
        with shards.unbudgeted():
            assert watchdog.deadline is None  # a copy of a whole archive: no item's time
        assert watchdog.deadline is not None and watchdog.deadline <= time.monotonic() + 60  # the next item's budget
    finally:
        watchdog.deadline = None
        watchdog.done.set()
        shards._THREAD.watchdog = None
