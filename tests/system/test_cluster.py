"""convert on a Dask LocalCluster (2 worker processes): the records of a local run, resume,
the bag and the DataFrames, inputs read over HTTP on the workers."""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

pytest.importorskip("distributed")
pytest.importorskip("fsspec")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import gkparse.cluster as gc  # noqa: E402
from gkparse.batch import convert  # noqa: E402
from gkparse.cluster.commoncrawl import RangeShard  # noqa: E402
from gkparse.export.schema import CELLS, ISSUES  # noqa: E402
from tests.support import FIXTURES  # noqa: E402
from tests.support.warc import NOT_A_REPORT, PINGTAN, PINGYANG, SHANGHAI, build_damaged, build_truncated, build_warc  # noqa: E402

#: Tries of a task before Dask gives up on it (its default, 3, costs 4 worker restarts).
ALLOWED_FAILURES = 1


@pytest.fixture(scope="module")
def client():
    import dask

    with dask.config.set({"distributed.scheduler.allowed-failures": ALLOWED_FAILURES}):
        with gc.connect("local:2") as c:
            yield c


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Reports as text and HTML (one report as a page and as its text dump: linked), a page
    that is no report, a damaged PDF, a WARC, a cut and a damaged WARC."""
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "guide.html").write_bytes(NOT_A_REPORT)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 64)
    return [
        str(PINGYANG), str(SHANGHAI), str(PINGTAN), str(folder / "guide.html"), str(folder / "broken.pdf"),
        str(FIXTURES / "pingtan_2022.page.txt"),
        str(build_warc(folder / "crawl.warc.gz")), str(build_truncated(folder / "cut.warc.gz")),
        str(build_damaged(folder / "bad.warc.gz")), str(FIXTURES / "partial"),
    ]


def _lines(folder: Path, suffix: str = ".jsonl") -> list[str]:
    return [line for part in sorted(folder.glob(f"part-*{suffix}")) for line in part.read_text(encoding="utf-8").splitlines()]


def _by_id(lines: list[str]) -> list[tuple[str, str]]:
    def rid(line: str) -> str:
        record = json.loads(line)
        return record["report_id"] if "error" in record else record["source"]["sha256"]

    return sorted((rid(line), line) for line in lines)


@pytest.fixture(scope="module")
def local_run(inputs, tmp_path_factory):
    out = tmp_path_factory.mktemp("local")
    stats = convert(inputs, str(out / "reports.jsonl"), workers=1, issues=str(out / "issues.jsonl"))
    convert(inputs, str(out / "cells.parquet"), workers=1)
    return out, stats


def test_cluster_writes_the_records_of_a_local_run(client, inputs, local_run, tmp_path):
    local, local_stats = local_run
    out = tmp_path / "reports.jsonl"
    stats = gc.convert(inputs, str(out), client=client, shard_files=2, issues=str(tmp_path / "issues.jsonl"))
    expected = (local / "reports.jsonl").read_text(encoding="utf-8").splitlines()
    got = _lines(out)
    assert _by_id(got) == _by_id(expected)
    assert got == expected  # the shards in name order are the input order
    assert any('"same_as":{' in line for line in got)  # a page linked to its text dump, across shards
    assert sum('"error":' in line for line in got) == local_stats.failed >= 4
    assert (stats.parsed, stats.failed, stats.skipped, stats.linked) == (
        local_stats.parsed, local_stats.failed, local_stats.skipped, local_stats.linked)
    assert stats.skipped_by == local_stats.skipped_by and stats.failed_by == local_stats.failed_by
    issues = _lines(tmp_path / "issues.jsonl")
    assert sorted(issues) == sorted((local / "issues.jsonl").read_text(encoding="utf-8").splitlines())
    markers = sorted(p.name for p in (out / "_shards").glob("*.json"))
    assert markers == sorted(p.name.replace(".jsonl", ".json") for p in out.glob("part-*.jsonl"))


def test_cluster_parquet_dataset_by_year_holds_the_local_cells(client, inputs, local_run, tmp_path):
    local, _ = local_run
    out = tmp_path / "cells.parquet"
    gc.convert(inputs, "file://" + str(out), client=client, shard_files=3)  # a file:// URL is the local folder
    years = sorted(p.name for p in out.iterdir() if p.name.startswith("year="))
    assert "year=2020" in years and all(p.split("=")[1].isdigit() or p == "year=__HIVE_DEFAULT_PARTITION__" for p in years)
    table = gc.read_cells(str(out)).to_table()
    assert table.schema == CELLS.arrow()
    assert None in table.column("year").to_pylist()  # year=__HIVE_DEFAULT_PARTITION__ reads as missing
    expected = pq.read_table(local / "cells.parquet")
    key = [(c, "ascending") for c in CELLS.names]
    assert table.sort_by(key).to_pylist() == expected.sort_by(key).to_pylist()


def test_resume_skips_complete_shards_and_redoes_the_rest(client, inputs, tmp_path):
    out = tmp_path / "reports.jsonl"
    first = gc.convert(inputs, str(out), client=client, shard_files=2)
    before = _lines(out)
    with pytest.raises(gc.ClusterError, match="holds the shards of an earlier run"):
        gc.convert(inputs, str(out), client=client, shard_files=2)
    # a run killed while writing part-00001 and before part-00003's marker
    (out / "_shards" / "part-00001.json").unlink()
    (out / "part-00001.jsonl").write_text('{"half', encoding="utf-8")
    (out / "_shards" / "part-00003.json").unlink()
    (out / ".part-00003.jsonl.0badc0de.tmp").write_text("{", encoding="utf-8")
    (out / "README.txt").write_text("a note of the user's", encoding="utf-8")
    again = gc.convert(inputs, str(out), client=client, shard_files=2, resume=True)
    assert _lines(out) == before
    assert not list(out.glob(".*.tmp")) and (out / "README.txt").exists()
    assert again.resumed + again.parsed + again.failed == first.parsed + first.failed
    assert 0 < again.parsed + again.failed < first.parsed + first.failed
    assert again.linked + first.linked and again.skipped == first.skipped
    with pytest.raises(gc.ClusterError, match="written from other inputs"):
        gc.convert(list(reversed(inputs)), str(out), client=client, shard_files=2, resume=True)


def test_bag_and_dataframes_are_the_local_results(client, inputs, local_run):
    local, local_stats = local_run
    results = gc.results(inputs, shard_files=4).compute()
    assert len(results) == local_stats.parsed + local_stats.failed
    expected = [json.loads(line) for line in (local / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r.report_id for r in results] == [e.get("report_id") or e["source"]["sha256"] for e in expected]
    cells = gc.cells(inputs, shard_files=4)
    assert list(cells.columns) == list(CELLS.names)
    frame = cells.compute()
    table = pa.Table.from_pandas(frame, preserve_index=False)
    assert [f.type for f in table.schema] == [f.type for f in CELLS.arrow()]
    assert len(frame) == pq.read_metadata(local / "cells.parquet").num_rows
    issues = gc.issues(inputs, shard_files=4).compute()
    assert list(issues.columns) == list(ISSUES.names) and len(issues) > 0


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def served(inputs):
    """The folder of the inputs' WARC served over loopback HTTP."""
    folder = Path(inputs[6]).parent
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_remote_inputs_are_read_on_the_workers(client, served, tmp_path):
    folder, base = served
    out = tmp_path / "reports.jsonl"
    stats = gc.convert([f"{base}/crawl.warc.gz", f"{base}/guide.html", f"{base}/missing.html"], str(out), client=client)
    local = tmp_path / "local.jsonl"
    local_stats = convert([str(folder / "crawl.warc.gz"), str(folder / "guide.html")], str(local), workers=1)
    got = [json.loads(line) for line in _lines(out)]
    want = [json.loads(line) for line in local.read_text(encoding="utf-8").splitlines()]
    assert len(got) == len(want) + 1
    for g, w in zip(got, want):
        if "error" in w:
            assert (g["error"], g["report_id"]) == (w["error"], w["report_id"])
            assert g.get("archive", "").startswith(base) or g["source"].startswith(base)
        else:
            assert g["source"]["sha256"] == w["source"]["sha256"] and g["requests"] == w["requests"]
    missing = got[-1]
    assert missing["error"]["type"] == "UnreadableInputError" and missing["source"] == f"{base}/missing.html"
    assert (stats.parsed, stats.failed, stats.skipped_by) == (local_stats.parsed, local_stats.failed + 1, local_stats.skipped_by)


def test_a_record_fetched_short_is_an_error_record(client, tmp_path, served):
    _, base = served  # this server ignores Range: the whole file comes back
    short = RangeShard("part-00000", f"{base}/crawl.warc.gz", ((0, 10**9),))
    out = tmp_path / "reports.jsonl"
    stats = gc.convert_shards([short], str(out), client=client)
    (record,) = [json.loads(line) for line in _lines(out)]
    assert record["error"]["type"] == "UnreadableInputError" and "got" in record["error"]["reason"]
    assert record["archive"] == f"{base}/crawl.warc.gz" and record["offset"] == 0
    assert stats.failed == 1


@dataclass(frozen=True)
class _Deadly:
    """A shard whose input named ``…die`` kills the worker reading it (as a segfault in a C
    extension or the out-of-memory killer would)."""

    name: str
    inputs: tuple[str, ...]

    def jobs(self, on_skip):
        for path in self.inputs:
            if path.endswith("die"):
                os._exit(1)
            if path.endswith("hang"):
                time.sleep(60)
            yield from gc.FileShard(self.name, (path,)).jobs(on_skip)

    def split(self):
        return [_Deadly(f"{self.name}.{i}", (p,)) for i, p in enumerate(self.inputs)]


def test_a_shard_whose_worker_dies_is_parsed_input_by_input(client, tmp_path):
    shard = _Deadly("part-00000", (str(PINGYANG), "/nowhere/die"))
    out = tmp_path / "reports.jsonl"
    stats = gc.convert_shards([shard], str(out), client=client)
    first, second = [json.loads(line) for line in _lines(out)]
    assert first["source"]["path"] == str(PINGYANG)
    assert second["error"]["type"] == "WorkerDiedError" and second["source"] == "/nowhere/die"
    assert (stats.parsed, stats.failed) == (1, 1)
    assert json.loads((out / "_shards" / "part-00000.json").read_text())["retry"] is True


def test_an_input_over_its_time_budget_ends_its_worker_and_fails_alone(client, tmp_path):
    shard = _Deadly("part-00000", ("/nowhere/hang", str(SHANGHAI)))
    out = tmp_path / "reports.jsonl"
    started = time.monotonic()
    stats = gc.convert_shards([shard], str(out), client=client, timeout=1)
    assert time.monotonic() - started < 40  # never the 60 s the input would take
    first, second = [json.loads(line) for line in _lines(out)]
    assert first["error"]["type"] == "WorkerDiedError" and "time budget" in first["error"]["reason"]
    assert second["source"]["path"] == str(SHANGHAI)
    assert (stats.parsed, stats.failed) == (1, 1)


@pytest.mark.parametrize("name, issues", [
    ("cells.csv", "issues.parquet"), ("c.cells.jsonl.gz", "issues.csv"), ("cells.xlsx", "issues.xlsx"),
])
def test_every_format_writes_the_local_rows_in_shards(client, tmp_path, name, issues):
    import pandas as pd

    inputs = [str(PINGYANG), str(SHANGHAI), str(PINGTAN), str(FIXTURES / "pingtan_2022.page.txt")]
    convert(inputs, str(tmp_path / ("local-" + name)), issues=str(tmp_path / ("local-" + issues)), workers=1)
    gc.convert(inputs, str(tmp_path / name), client=client, issues=str(tmp_path / issues), shard_files=2)

    def read(path: Path) -> pd.DataFrame:
        text = ".cells.jsonl" in path.name
        reader = {".csv": pd.read_csv, ".parquet": pd.read_parquet, ".xlsx": pd.read_excel}
        return pd.read_json(path, lines=True) if text else reader[path.suffix](path)

    for what in (name, issues):
        parts = sorted((tmp_path / what).glob("part-*"))
        assert [p.name.split(".", 1)[0] for p in parts] == ["part-00000", "part-00001"]
        ours = pd.concat([read(p) for p in parts], ignore_index=True)
        theirs = read(tmp_path / ("local-" + what))
        assert len(ours) == len(theirs) > 0 and list(ours.columns) == list(theirs.columns)
