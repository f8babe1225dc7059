"""gkparse.export.compression: gzip outputs, read back whole or cut; ``--resume`` on ``.jsonl.gz``."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest

import gkparse
from gkparse.batch import convert
from gkparse.batch.run import SerialExecutor
from gkparse.export import compression
from gkparse.export.compression import Decompressed, compressing, is_gzip_name
from tests.support.warc import PARTIAL, PINGTAN, PINGYANG, SHANGHAI

LINES = [f'{{"n": {n}, "text": "{"x" * n}"}}\n'.encode() for n in range(40)]


def _members(data: bytes) -> int:
    """How many gzip members ``data`` holds (each read to its end)."""
    count = 0
    while data:
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        member.decompress(data)
        assert member.eof
        data, count = member.unused_data, count + 1
    return count


def _killed(lines: list[bytes], whole: int) -> bytes:
    """What a run killed while writing line ``whole`` leaves: one member without its end,
    holding the lines before it (each flushed, as the writer does) and part of the next."""
    raw = io.BytesIO()
    member = compressing(raw, compress=True).__enter__()
    for line in lines[:whole]:
        member.write(line)
        member.flush()
    member.write(lines[whole][: len(lines[whole]) // 2])
    member.flush()  # part of a line reached the disk; the member's end never did
    return raw.getvalue()


def test_gzip_names():
    assert is_gzip_name("a.jsonl.GZ") and is_gzip_name(Path("c.csv.gz")) and not is_gzip_name("a.jsonl")


@pytest.mark.parametrize("chunk", [7, 1 << 20])
def test_decompressed_lines_and_ranges_across_members_and_chunks(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(compression, "CHUNK", chunk)
    path = tmp_path / "o.jsonl.gz"
    path.write_bytes(gzip.compress(b"".join(LINES[:10]), mtime=0) + gzip.compress(b"".join(LINES[10:]), mtime=0))
    source = Decompressed(path)
    assert list(source.lines()) == LINES and source.complete and source.size == len(b"".join(LINES))
    data = b"".join(LINES)
    keep = [(0, 5), (30, 31), (40, 200), (len(data) - 3, len(data))]
    assert b"".join(source.ranges(keep)) == b"".join(data[a:b] for a, b in keep)
    plain = tmp_path / "o.jsonl"
    plain.write_bytes(data + b'{"cut')
    assert list(Decompressed(plain).lines()) == [*LINES, b'{"cut']


def test_a_cut_member_yields_what_was_flushed(tmp_path):
    path = tmp_path / "o.jsonl.gz"
    path.write_bytes(_killed(LINES, 5))
    source = Decompressed(path)
    lines = list(source.lines())
    assert lines[:5] == LINES[:5] and lines[5] == LINES[5][: len(LINES[5]) // 2] and not source.complete
    path.write_bytes(gzip.compress(b"".join(LINES)) + b"\x1f\x8b\x08garbage")  # damage after a whole member
    source = Decompressed(path)
    assert list(source.lines()) == LINES and not source.complete


def test_a_gz_name_on_a_file_that_is_not_gzip_is_an_error(tmp_path):
    path = tmp_path / "o.jsonl.gz"
    path.write_bytes(b"".join(LINES))
    with pytest.raises(gkparse.GkparseError, match=r"o.jsonl.gz: the name ends in .gz but the file is not gzip"):
        list(Decompressed(path).lines())
    path.write_bytes(b"")
    assert list(Decompressed(path).lines()) == [] and Decompressed(path).complete  # made empty by the output lock


def test_equal_runs_write_equal_gzip_files():
    """No time or file name in the member header: ``--workers 1`` and ``8`` give equal bytes."""
    outs = []
    for _ in range(2):
        raw = io.BytesIO()
        with compressing(raw, compress=True) as out:
            out.write(b"".join(LINES))
        outs.append(raw.getvalue())
    assert outs[0] == outs[1] and outs[0][3] == 0  # FLG: no FNAME


INPUTS = [str(p) for p in (PINGYANG, SHANGHAI, PINGTAN, *sorted(PARTIAL.iterdir())[:3])]


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An uninterrupted run into ``reports.jsonl.gz`` and ``issues.csv``."""
    folder = tmp_path_factory.mktemp("full")
    out, issues = folder / "reports.jsonl.gz", folder / "issues.csv"
    stats = convert(INPUTS, str(out), issues=str(issues), executor=SerialExecutor())
    assert stats.parsed == len(INPUTS) and _members(out.read_bytes()) == 1
    return out, issues


def test_resume_of_a_killed_gzip_run_gives_the_uninterrupted_output(tmp_path, full):
    out, issues = full
    lines = gzip.decompress(out.read_bytes()).splitlines(keepends=True)
    part, part_issues = tmp_path / "reports.jsonl.gz", tmp_path / "issues.csv"
    part.write_bytes(_killed(lines, 3))  # killed writing the 4th line
    stats = convert(INPUTS, str(part), issues=str(part_issues), resume=True, executor=SerialExecutor())
    assert (stats.resumed, stats.parsed) == (3, len(INPUTS) - 3)
    data = part.read_bytes()
    assert gzip.decompress(data) == gzip.decompress(out.read_bytes())  # every line once, in order
    assert _members(data) == 2  # the 3 lines kept, rewritten as a member; the rest appended as one
    assert part_issues.read_bytes() == issues.read_bytes()

    again = convert(INPUTS, str(part), resume=True, executor=SerialExecutor())  # nothing left to do
    assert (again.resumed, again.parsed) == (len(INPUTS), 0)
    assert gzip.decompress(part.read_bytes()) == gzip.decompress(out.read_bytes())
    assert part.read_bytes()[: len(data)] == data  # read, not rewritten: a whole file is only appended to


def test_resume_refuses_a_gz_output_that_is_not_gzip(tmp_path):
    out = tmp_path / "reports.jsonl.gz"
    out.write_bytes(b'{"report_id": "x"}\n')
    with pytest.raises(gkparse.GkparseError, match="not gzip"):
        convert([str(PINGYANG)], str(out), resume=True, executor=SerialExecutor())
    assert out.read_bytes() == b'{"report_id": "x"}\n'


def test_csv_gz_by_convert_is_the_csv_compressed(tmp_path):
    plain, packed = tmp_path / "cells.csv", tmp_path / "cells.csv.gz"
    for path in (plain, packed):
        convert([str(PINGYANG)], str(path), executor=SerialExecutor())
    assert gzip.decompress(packed.read_bytes()) == plain.read_bytes() and _members(packed.read_bytes()) == 1
