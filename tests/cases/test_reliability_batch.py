"""The batch repros of fixtures/cases/reliability/ (issue 14): one bad input, a dead or stuck
worker, a killed `convert`, two runs on one output, an interrupted run with --issues, an
unreadable input — none loses or duplicates a record, none stops the batch.

01 (a poison pill that aborted the batch) is built here from its 92 bytes; 20, 21, 22, 28 and
30 keep their .expect.md and scripts in fixtures/cases/reliability/. Every check is on records
and counters; the budgets used are tiny and configured, never a wall-clock threshold.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from gkparse.batch import ErrorRecord, ProcessExecutor, convert, pipeline, process_job
from gkparse.batch.run import RETRIED_ON_RESUME, TIMED_OUT, WORKER_DIED, Result
from gkparse.batch.sources import UNREADABLE, Job
from gkparse.cli import main
from gkparse.errors import GkparseError
from gkparse.export.writers import OutputLock, _lock_holder
from tests.support import FIXTURES
from tests.support.warc import PARTIAL, PINGTAN, PINGYANG, SHANGHAI, read_jsonl, source_of

RELIABILITY = FIXTURES / "cases" / "reliability"
PINGTAN_2024 = FIXTURES / "pingtan_2024.page.txt"
#: Case 01: a text dump declaring charset utf-7 whose 索引号 holds a lone surrogate (+2AA-).
SURROGATE = (
    b'x <meta charset="utf-7">\n+Z9BTvw-2023+XnRlP16cT+Fgb1FsXwBd5U9cXnRepmKlVEo\n+fSJfFVP3 X+2AA-Y\n'
)
#: Seconds a "stuck" input sleeps: far beyond every budget used here, so only a budget ends it.
STUCK = 600
LINUX = sys.platform.startswith("linux")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cli(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["convert", *[str(a) for a in args]], catch_exceptions=False)
    return result.exit_code, result.stderr


def errors(records: list[dict]) -> dict[str, ErrorRecord]:
    return {r["source"]: ErrorRecord.model_validate(r) for r in records if "error" in r}


def copies(folder: Path, n: int, sources: tuple[Path, ...] = (PINGYANG, SHANGHAI)) -> list[Path]:
    """``n`` inputs with distinct bytes (so distinct report ids) in ``folder``."""
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(n):
        source = sources[i % len(sources)]
        path = folder / f"{i:03d}_{source.name}"
        path.write_bytes(source.read_bytes() + f"\n<!-- copy {i} -->\n".encode())
        paths.append(path)
    return paths


# --- functions run in the workers (module level: a spawned worker imports them) -------------


def die_on_marker(job: Job, rows: bool = False) -> Result:
    """process_job, but the worker is SIGKILLed (as by the out-of-memory killer) on "die" inputs."""
    if "die" in Path(job.source).name:
        os.kill(os.getpid(), signal.SIGKILL)
    return process_job(job, rows)


def stuck_on_marker(job: Job, rows: bool = False) -> Result:
    """process_job, but an input named "slow" never ends (until its worker is stopped)."""
    if "slow" in Path(job.source).name:
        time.sleep(STUCK)
    return process_job(job, rows)


def hog_on_marker(job: Job, rows: bool = False) -> Result:
    """process_job, but a "hog" input asks for 4 GB at once (a memory bomb)."""
    if "hog" in Path(job.source).name:
        bytearray(4 << 30)
    return process_job(job, rows)


def announce_then_stall(job: Job, rows: bool = False) -> Result:
    """Write this worker's pid next to the input, then never end."""
    Path(job.source + ".pid").write_text(str(os.getpid()))
    time.sleep(STUCK)
    return process_job(job, rows)


# --- 01: one poison input ----------------------------------------------------------------------


@pytest.mark.parametrize("workers", [1, 2])
def test_01_a_poison_input_is_one_error_record_and_resume_gets_past_it(tmp_path, workers):
    folder = tmp_path / "d"
    folder.mkdir()
    inputs = {"a.txt": PINGYANG.read_bytes(), "b.txt": SURROGATE, "c.html": SHANGHAI.read_bytes(),
              "d.txt": PINGTAN_2024.read_bytes()}
    for name, data in inputs.items():
        (folder / name).write_bytes(data)
    out = tmp_path / "out.jsonl"
    code, stderr = cli(folder, "-o", out, "--workers", workers)
    assert code == 1
    records = read_jsonl(out)
    assert [Path(source_of(r)).name for r in records] == list(inputs)
    (bad,) = errors(records).values()
    assert Path(bad.source).name == "b.txt" and bad.report_id == sha(SURROGATE)
    assert "\ud800" not in out.read_text("utf-8")
    assert "3 parsed" in stderr and "1 failed" in stderr
    before = out.read_bytes()
    stats = convert([str(folder)], str(out), workers=workers, resume=True)
    assert (stats.resumed, stats.parsed, stats.failed, stats.retried) == (4, 0, 0, 0)  # the error record is final
    assert out.read_bytes() == before


# --- 20: --resume with --issues ----------------------------------------------------------------


def issue_rows(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text("utf-8"))))


@pytest.mark.parametrize("stale", ["cut", "missing", "wrong"])
def test_20_resume_rebuilds_the_issues_csv_to_the_rows_of_an_uninterrupted_run(tmp_path, stale):
    inputs = [str(p) for p in (PINGYANG, SHANGHAI, PINGTAN, *sorted(PARTIAL.iterdir()))]
    full, full_issues = tmp_path / "full.jsonl", tmp_path / "full.csv"
    whole = convert(inputs, str(full), issues=str(full_issues), workers=1)
    rows = issue_rows(full_issues)
    assert whole.with_issues >= 2 and len(rows) >= 4

    lines = full.read_bytes().splitlines(keepends=True)
    part, part_issues = tmp_path / "part.jsonl", tmp_path / "part.csv"
    part.write_bytes(b"".join(lines[:3]) + lines[3][:40])  # killed after 3 inputs, in the 4th line
    if stale == "cut":  # killed between a report's line and its issue rows, in the middle of a row
        part_issues.write_bytes(full_issues.read_bytes()[: len(full_issues.read_bytes()) // 3])
    elif stale == "wrong":  # rows of something else entirely
        part_issues.write_text("report_id,source\nx,y\n", encoding="utf-8")
    stats = convert(inputs, str(part), issues=str(part_issues), workers=1, resume=True)
    assert stats.resumed == 3 and stats.done == len(inputs) - 3
    assert part.read_bytes() == full.read_bytes()
    assert issue_rows(part_issues) == rows  # none lost, none twice
    assert part_issues.read_bytes() == full_issues.read_bytes()

    again = convert(inputs, str(part), issues=str(part_issues), workers=1, resume=True)
    assert (again.resumed, again.done) == (len(inputs), 0)
    assert part_issues.read_bytes() == full_issues.read_bytes()


# --- 21: two runs, one output ------------------------------------------------------------------


def wait_for_lock(path: Path, pid: int) -> None:
    """Until process ``pid`` holds its lock on ``path`` (read from /proc/locks)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                if _lock_holder(fd) == pid:
                    return
            finally:
                os.close(fd)
        time.sleep(0.02)
    raise AssertionError(f"{pid} never locked {path}")


@pytest.mark.skipif(not LINUX, reason="the holder is read from /proc/locks")
def test_21_a_second_run_on_a_locked_output_stops_naming_it_and_touches_nothing(tmp_path):
    out, issues = tmp_path / "c.jsonl", tmp_path / "i.csv"
    # The first run holds its locks while it waits for its input on stdin.
    first = subprocess.Popen(
        [sys.executable, "-m", "gkparse", "convert", "-", "-o", str(out), "--issues", str(issues), "-j", "1", "-q"],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for_lock(out, first.pid)
        out.write_bytes(b"held\n")  # what the first run has written so far
        for extra in ([], ["--resume"], ["--issues", str(tmp_path / "other.csv")]):
            code, stderr = cli(PINGYANG, "-o", out, "-j", "1", *extra)
            assert code == 2, stderr
            assert f"cannot write OUT: {out} is locked by another gkparse run" in stderr
            assert f"(process {first.pid})" in stderr
        assert out.read_bytes() == b"held\n"
        assert not (tmp_path / "other.csv").exists()  # created by the failed run, then removed

        # The same for --issues: OUT is neither created nor truncated.
        fresh = tmp_path / "fresh.jsonl"
        code, stderr = cli(PINGYANG, "-o", fresh, "--issues", issues, "-j", "1")
        assert code == 2 and f"cannot write --issues: {issues} is locked" in stderr
        assert not fresh.exists()
    finally:
        first.communicate(PINGYANG.read_bytes(), timeout=120)
    assert first.returncode == 0
    assert [source_of(r) for r in read_jsonl(out)] == ["-"]  # the first run's output, whole


def test_21_two_runs_at_once_one_writes_the_other_stops(tmp_path):
    """Two --resume runs on one OUT (a cron job restarted while the last one still runs):
    exactly one of them writes, so every input has one line."""
    paths = copies(tmp_path / "in", 6)
    out = tmp_path / "c.jsonl"
    with OutputLock(str(out), "OUT"):  # the run still going
        with pytest.raises(GkparseError, match=f"cannot write OUT: {out} is locked"):
            convert([str(tmp_path / "in")], str(out), workers=1, resume=True)
        assert out.read_bytes() == b""
    stats = convert([str(tmp_path / "in")], str(out), workers=1, resume=True)
    assert stats.parsed == len(paths)
    assert sorted(source_of(r) for r in read_jsonl(out)) == sorted(map(str, paths))


def test_21_out_and_issues_naming_one_file_is_a_usage_error(tmp_path):
    out = tmp_path / "o.jsonl"
    out.write_bytes(b"kept\n")
    code, stderr = cli(PINGYANG, "-o", out, "--issues", out)
    assert code == 2 and "OUT and --issues name the same file" in stderr
    assert out.read_bytes() == b"kept\n"


# --- 22: a worker dies -------------------------------------------------------------------------


def test_22_a_worker_killed_mid_input_is_one_error_record_and_the_batch_goes_on(tmp_path, monkeypatch):
    paths = copies(tmp_path / "in", 8)
    for i in (2, 3, 6):  # two in a row, so both workers die at least once
        paths[i] = paths[i].rename(paths[i].with_name(f"{i:03d}_die.txt"))
    normal = tmp_path / "normal.jsonl"
    convert([str(tmp_path / "in")], str(normal), workers=2)
    monkeypatch.setattr(pipeline, "process_job", die_on_marker)  # workers fork: they run it too

    out = tmp_path / "out.jsonl"
    stats = convert([str(tmp_path / "in")], str(out), workers=2)
    records = read_jsonl(out)
    assert [source_of(r) for r in records] == [str(p) for p in paths]  # input order, one line each
    died = errors(records)
    assert sorted(died) == sorted(str(paths[i]) for i in (2, 3, 6))
    for path, record in died.items():
        assert record.error.type == WORKER_DIED
        assert record.error.reason.startswith("worker died: signal 9 (SIGKILL")
        assert record.report_id == sha(Path(path).read_bytes())
    assert (stats.parsed, stats.failed, dict(stats.failed_by)) == (5, 3, {WORKER_DIED: 3})
    # The other records are those of a run where no worker died (but for which earlier copy
    # of the same report each names in same_as: a dead input is no earlier copy).
    def unlinked(records: list[dict]) -> list[dict]:
        return [{k: v for k, v in r.items() if k != "same_as"} for r in records if "error" not in r]

    assert unlinked(records) == [r for r in unlinked(read_jsonl(normal)) if "_die" not in source_of(r)]


def test_22_a_worker_killed_from_outside_as_by_the_oom_killer(tmp_path):
    jobs = [Job(PINGYANG.read_bytes(), str(tmp_path / "a.txt")), Job(b"x", str(tmp_path / "victim.txt")),
            Job(SHANGHAI.read_bytes(), str(tmp_path / "c.html"))]
    pid_file = tmp_path / "victim.txt.pid"

    def killer() -> None:
        while not pid_file.exists() or not pid_file.read_text():
            time.sleep(0.01)
        os.kill(int(pid_file.read_text()), signal.SIGKILL)

    def func(job: Job) -> Result:
        return announce_then_stall(job) if job.source.endswith("victim.txt") else process_job(job)

    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    results = list(ProcessExecutor(2).map(func, jobs))
    thread.join()
    assert [r.source for r in results] == [j.source for j in jobs]
    assert [r.ok for r in results] == [True, False, True]
    assert results[1].error is not None and results[1].error.error.type == WORKER_DIED
    assert results[1].error.error.reason.startswith("worker died: signal 9")


def test_22_a_memory_bomb_fails_alone_under_the_worker_memory_limit(tmp_path):
    jobs = [Job(b"bomb", str(tmp_path / "hog.txt")), Job(PINGYANG.read_bytes(), str(PINGYANG))]
    results = list(ProcessExecutor(1, memory_limit=1 << 30).map(hog_on_marker, jobs))
    assert results[0].error is not None and results[0].error.error.type == "MemoryError"
    assert results[1].ok  # the same worker goes on
    assert "MemoryError" in RETRIED_ON_RESUME


# --- the time budget ---------------------------------------------------------------------------


def test_timeout_a_stuck_input_becomes_an_error_record_and_the_run_goes_on(tmp_path, monkeypatch):
    paths = copies(tmp_path / "in", 5)
    paths[1] = paths[1].rename(paths[1].with_name("001_slow.txt"))
    monkeypatch.setattr(pipeline, "process_job", stuck_on_marker)
    out = tmp_path / "out.jsonl"
    stats = convert([str(tmp_path / "in")], str(out), workers=2, timeout=0.5)
    records = read_jsonl(out)
    assert [source_of(r) for r in records] == [str(p) for p in paths]
    (record,) = errors(records).values()
    assert (record.source, record.error.type) == (str(paths[1]), TIMED_OUT)
    assert record.error.reason == "no result within 0.5 s (the per-input time budget): the worker was stopped"
    assert (stats.parsed, stats.failed, dict(stats.failed_by)) == (4, 1, {TIMED_OUT: 1})
    assert not multiprocessing.active_children()  # the stuck worker was stopped, the others too


def test_timeout_every_worker_stuck_still_ends(tmp_path):
    jobs = [Job(b"x", f"slow{i}.txt") for i in range(3)] + [Job(PINGYANG.read_bytes(), "a.txt")]
    results = list(ProcessExecutor(2, timeout=0.3).map(stuck_on_marker, jobs))
    assert [r.error.error.type if r.error else "ok" for r in results] == [TIMED_OUT] * 3 + ["ok"]


def test_timeout_option_of_the_cli(tmp_path):
    out = tmp_path / "o.jsonl"
    assert cli(PINGYANG, "-o", out, "--timeout", "0", "--memory-limit", "0")[0] == 0  # no budget, no limit
    code, stderr = cli(PINGYANG, "-o", out, "--timeout", "-1")
    assert code == 2 and "--timeout" in stderr
    with pytest.raises(GkparseError, match="must not be negative"):
        convert([str(PINGYANG)], str(out), timeout=-1)


# --- 28: workers die with their parent ---------------------------------------------------------

#: A `gkparse convert --workers 2` whose every input stalls in its worker (the function the
#: workers run is patched before they fork).
STALLED_CONVERT = """
import sys
from gkparse.batch import pipeline
from tests.cases.test_reliability_batch import announce_then_stall
pipeline.process_job = announce_then_stall
from gkparse.cli import main
main(["convert", sys.argv[1], "-o", sys.argv[2], "--workers", "2", "-q"])
"""


def gone(pid: int) -> bool:
    """No such process, or a zombie (dead, not yet reaped by whoever adopted it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.skipif(not LINUX, reason="process states are read from /proc")
def test_28_workers_die_when_convert_is_killed(tmp_path):
    paths = copies(tmp_path / "in", 4)
    root = Path(__file__).resolve().parent.parent.parent
    convert_ = subprocess.Popen([sys.executable, "-c", STALLED_CONVERT, str(tmp_path / "in"), str(tmp_path / "o.jsonl")],
                                cwd=root, start_new_session=True)
    try:
        pid_files = [Path(str(p) + ".pid") for p in paths[:2]]  # one input in each worker
        deadline = time.monotonic() + 60
        while not all(f.exists() and f.read_text() for f in pid_files) and time.monotonic() < deadline:
            time.sleep(0.02)
        workers = [int(f.read_text()) for f in pid_files]
        assert len(set(workers)) == 2 and not any(gone(w) for w in workers)
    finally:
        convert_.kill()  # SIGKILL: no finally, no atexit runs in convert
        convert_.wait()
    deadline = time.monotonic() + 30
    while not all(gone(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.02)
    alive = [w for w in workers if not gone(w)]
    for w in alive:
        os.kill(w, signal.SIGKILL)
    assert not alive, "workers outlived their parent"


def test_28_an_interrupted_batch_stops_its_workers():
    jobs = [Job(PINGYANG.read_bytes(), "a.txt")] + [Job(b"x", f"slow{i}.txt") for i in range(4)]
    results = ProcessExecutor(2).map(stuck_on_marker, jobs)
    assert next(results).ok
    assert len(multiprocessing.active_children()) == 2
    results.close()  # what Ctrl-C or a failed writer does to the loop
    assert not multiprocessing.active_children()


# --- 30: unreadable inputs and their ids -------------------------------------------------------


def test_30_unreadable_inputs_are_counted_with_ids_of_their_own_and_resume_retries_them(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(PINGYANG.read_bytes())
    (folder / "b.txt").symlink_to(tmp_path / "target.txt")  # unreadable even for root: a broken link
    (folder / "c_empty.txt").write_bytes(b"")
    (folder / "d_loop.txt").symlink_to("d_loop.txt")
    out = tmp_path / "out.jsonl"
    stats = convert([str(folder)], str(out), workers=1)
    assert (stats.parsed, stats.failed, stats.skipped) == (1, 3, 0)  # the links are not left out
    assert dict(stats.failed_by) == {UNREADABLE: 2, "EmptyInputError": 1}
    failed = errors(read_jsonl(out))
    b, loop, empty = (failed[str(folder / n)] for n in ("b.txt", "d_loop.txt", "c_empty.txt"))
    assert b.error.type == UNREADABLE and b.error.reason.endswith("(a link to a missing file)")
    assert b.report_id == sha(b"unreadable:" + str(folder / "b.txt").encode())
    assert empty.report_id == sha(b"")
    assert len({b.report_id, loop.report_id, empty.report_id}) == 3

    (tmp_path / "target.txt").write_bytes(PINGTAN_2024.read_bytes())  # the file is there now
    stats = convert([str(folder)], str(out), workers=1, resume=True)
    assert (stats.resumed, stats.retried, stats.parsed, stats.failed) == (2, 2, 1, 1)
    records = read_jsonl(out)
    assert sorted(source_of(r) for r in records) == sorted(str(folder / n) for n in ("a.txt", "b.txt", "c_empty.txt", "d_loop.txt"))
    assert "error" not in records[2] and source_of(records[2]) == str(folder / "b.txt")  # tried again, last
    assert records[2]["source"]["sha256"] == sha(PINGTAN_2024.read_bytes())

    again = convert([str(folder)], str(out), workers=1, resume=True)  # the loop is still one record
    assert (again.retried, again.failed, len(read_jsonl(out))) == (1, 1, 4)


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads chmod-000 files")
def test_30_a_file_without_read_permission(tmp_path):
    (tmp_path / "in").mkdir()
    locked = tmp_path / "in" / "b.txt"
    locked.write_bytes(PINGYANG.read_bytes())
    locked.chmod(0)
    out = tmp_path / "out.jsonl"
    assert convert([str(tmp_path / "in")], str(out), workers=1).failed == 1
    (record,) = errors(read_jsonl(out)).values()
    assert record.error.type == UNREADABLE and record.report_id != sha(b"")
    locked.chmod(0o644)
    stats = convert([str(tmp_path / "in")], str(out), workers=1, resume=True)
    assert (stats.retried, stats.parsed) == (1, 1) and len(read_jsonl(out)) == 1


def test_30_permission_denied_even_as_root(tmp_path, monkeypatch):
    """As the chmod-000 case, where root reads every file: open() refuses the file."""
    from gkparse.batch import sources

    (tmp_path / "in").mkdir()
    locked = tmp_path / "in" / "b.txt"
    locked.write_bytes(PINGYANG.read_bytes())
    (tmp_path / "in" / "c.txt").write_bytes(b"")

    def refuse(path: str, *args: object, **kwargs: object) -> io.BufferedReader:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", path)
        return open(path, *args, **kwargs)  # type: ignore[call-overload, no-any-return]

    monkeypatch.setattr(sources, "open", refuse, raising=False)
    out = tmp_path / "out.jsonl"
    stats = convert([str(tmp_path / "in")], str(out), workers=1)
    assert (stats.failed, dict(stats.failed_by)) == (2, {UNREADABLE: 1, "EmptyInputError": 1})
    record = errors(read_jsonl(out))[str(locked)]
    assert record.error.reason == "cannot read the file: Permission denied"
    assert record.report_id == sha(b"unreadable:" + str(locked).encode()) != sha(b"")
    monkeypatch.undo()
    stats = convert([str(tmp_path / "in")], str(out), workers=1, resume=True)
    assert (stats.retried, stats.resumed, stats.parsed) == (1, 1, 1)
    assert sorted(source_of(r) for r in read_jsonl(out)) == [str(locked), str(tmp_path / "in" / "c.txt")]


def test_30_a_broken_link_named_on_the_command_line_is_an_error_record(tmp_path):
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "nowhere.txt")
    out = tmp_path / "o.jsonl"
    code, stderr = cli(link, PINGYANG, "-o", out)
    assert code == 1 and f"failed: {link}: {UNREADABLE}: " in stderr
    assert [source_of(r) for r in read_jsonl(out)] == [str(link), str(PINGYANG)]


@pytest.mark.skipif(not LINUX, reason="a file name that is not UTF-8")
def test_a_file_name_that_is_not_utf8_does_not_stop_the_batch(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    odd = os.fsdecode(bytes(folder) + b"/a\xff.txt")
    Path(odd).write_bytes(PINGYANG.read_bytes())
    (folder / "b.txt").write_bytes(PINGYANG.read_bytes() + b"\n")
    out = tmp_path / "o.jsonl"
    assert cli(folder, "-o", out)[0] == 0
    records = [json.loads(line) for line in out.read_bytes().decode("utf-8").splitlines()]
    assert [source_of(r) for r in records] == [str(folder) + "/a\\xff.txt", str(folder / "b.txt")]
