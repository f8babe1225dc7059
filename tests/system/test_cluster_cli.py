"""``gkparse convert --scheduler local:2``: the lines of a local run, in shard files; usage errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from gkparse.cli import main  # noqa: E402
from tests.support.warc import NOT_A_REPORT, PINGYANG, SHANGHAI, build_warc  # noqa: E402


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_convert_on_a_local_cluster_writes_the_local_lines(tmp_path):
    (tmp_path / "guide.html").write_bytes(NOT_A_REPORT)
    inputs = [PINGYANG, SHANGHAI, tmp_path / "guide.html", build_warc(tmp_path / "crawl.warc.gz")]
    local = run("convert", *inputs, "-o", tmp_path / "local.jsonl", "-j", "1", "-q")
    cluster = run("convert", *inputs, "-o", tmp_path / "reports.jsonl", "--issues", tmp_path / "issues.csv",
                  "--scheduler", "local:2", "--shard-size", "2")
    assert local.exit_code == cluster.exit_code == 1  # the page that is no report failed
    assert "failed: " in cluster.stderr and "parsed" in cluster.stderr.splitlines()[-2]
    shards = sorted((tmp_path / "reports.jsonl").glob("part-*.jsonl"))
    assert [p.name for p in shards] == ["part-00000.jsonl", "part-00001.jsonl", "part-00002.jsonl"]
    lines = [line for p in shards for line in p.read_text(encoding="utf-8").splitlines()]
    assert lines == (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted((tmp_path / "issues.csv").glob("part-*.csv"))
    other = run("convert", *inputs, "-o", tmp_path / "reports.jsonl", "--scheduler", "local:1", "--resume")
    assert other.exit_code == 2 and "--shard-size" in other.stderr  # other shards than that run's
    again = run("convert", *inputs, "-o", tmp_path / "reports.jsonl", "--issues", tmp_path / "issues.csv",
                "--scheduler", "local:1", "--resume", "--shard-size", "2")  # ISSUES is a folder now: given again
    assert again.exit_code == 0 and "7 already done" in again.stderr  # as a local --resume of a finished run
    assert [line for p in shards for line in p.read_text(encoding="utf-8").splitlines()] == lines
    local_again = run("convert", *inputs, "-o", tmp_path / "local2.jsonl", "--issues", tmp_path / "issues.csv")
    assert local_again.exit_code == 2 and "is a folder" in local_again.stderr  # a local run writes one file


def test_a_running_cluster_is_given_paths_from_here(tmp_path, monkeypatch):
    """Workers of a running cluster resolve a relative path against their own folder: the
    command hands them absolute paths (URLs and absolute paths as given)."""
    import contextlib

    import gkparse.cluster as cluster
    from gkparse.batch.pipeline import Stats

    seen: list[list[str]] = []
    monkeypatch.setattr(cluster, "connect", lambda spec: contextlib.nullcontext(object()))
    monkeypatch.setattr(cluster, "convert", lambda inputs, out, **kw: seen.append(inputs) or Stats())
    monkeypatch.chdir(tmp_path)
    result = run("convert", "in/a.html", "in/*.txt", "/abs/b.html", "s3://bucket/x.warc.gz", "-o", "out.jsonl",
                 "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 0, result.stderr
    assert seen == [[str(tmp_path / "in/a.html"), str(tmp_path / "in/*.txt"), "/abs/b.html", "s3://bucket/x.warc.gz"]]


@pytest.mark.parametrize("args, message", [
    (("--scheduler", "local:2", "-j", "2"), "--workers sets the local worker processes"),
    (("--scheduler", "local:2", "--memory-limit", "500"), "--memory-limit sets the local worker processes"),
    (("--shard-size", "5",), "--shard-size needs --scheduler"),
    (("--scheduler", "10.0.0.5"), "not a scheduler"),
])
def test_cluster_usage_errors_are_one_line(tmp_path, args, message):
    result = run("convert", PINGYANG, "-o", tmp_path / "r.jsonl", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr and len(result.stderr.splitlines()) == 1


def test_cluster_output_to_stdout_is_a_usage_error(tmp_path):
    result = run("convert", PINGYANG, "-o", "-", "--scheduler", "local:1")
    assert result.exit_code == 2 and "not standard output" in result.stderr


def test_without_the_extra_the_error_names_it(tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    result = run("convert", PINGYANG, "-o", tmp_path / "r.jsonl", "--scheduler", "local:1")
    assert result.exit_code == 2 and "install gkparse[dask]" in result.stderr


def test_a_scheduler_nobody_runs_is_a_usage_error_that_says_what_to_do(tmp_path, monkeypatch):
    import socket

    import gkparse.cluster.scheduler as scheduler

    monkeypatch.setattr(scheduler, "SCHEDULER_TIMEOUT", 2.0)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run("convert", PINGYANG, "-o", tmp_path / "r.jsonl", "--scheduler", f"tcp://127.0.0.1:{port}")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert f"tcp://127.0.0.1:{port}" in result.stderr and "no Dask scheduler answers" in result.stderr
    assert "dask scheduler" in result.stderr and "local:N" in result.stderr
