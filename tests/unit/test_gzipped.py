"""Documents compressed whole with gzip: read as the document they hold, bounded."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import gkparse
from gkparse.errors import InputTooLargeError, UnreadableDocumentError
from gkparse.read import gzipped
from tests.support import FIXTURES


@pytest.mark.parametrize("name", ["pingtan_2024.page.html", "pingyang_amr_2020.txt"])
def test_a_gzipped_document_reads_as_the_document(tmp_path: Path, name: str) -> None:
    plain = FIXTURES / name
    packed = tmp_path / (name + ".gz")
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    report, expected = gkparse.parse(packed), gkparse.parse(plain)
    assert dict(report.cells()) == dict(expected.cells())
    assert [i.rule for i in report.issues] == [i.rule for i in expected.issues]
    assert report.source.path == str(packed) and report.source.form == expected.source.form


def test_a_gzipped_pdf_is_read_by_the_pdf_reader(tmp_path: Path) -> None:
    pdf = next((FIXTURES / "pdf").glob("*.pdf"))
    packed = tmp_path / (pdf.name + ".gz")
    packed.write_bytes(gzip.compress(pdf.read_bytes()))
    assert gkparse.parse(packed).source.form == "pdf"


def test_every_member_of_a_multi_member_file_is_read() -> None:
    text = (FIXTURES / "pingyang_amr_2020.txt").read_bytes()
    half = len(text) // 2
    packed = gzip.compress(text[:half]) + gzip.compress(text[half:])
    assert gzipped.gunzip(packed) == text


def test_a_cut_or_damaged_gzip_file_is_an_error_naming_the_input() -> None:
    packed = gzip.compress((FIXTURES / "pingyang_amr_2020.txt").read_bytes())
    with pytest.raises(UnreadableDocumentError, match="cut short") as cut:
        gkparse.parse(packed[:-20], origin="dump.txt.gz")
    assert "dump.txt.gz" in str(cut.value)
    damaged = packed[:40] + bytes(b ^ 0xFF for b in packed[40:60]) + packed[60:]
    with pytest.raises(UnreadableDocumentError, match="damaged"):
        gkparse.parse(damaged, origin="dump.txt.gz")


def test_a_gzip_bomb_stops_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gzipped, "MAX_GUNZIPPED_BYTES", 1 << 20)
    bomb = gzip.compress(b"0" * (4 << 20))  # 4 MB of zeros in a few KB
    assert len(bomb) < 10_000
    with pytest.raises(InputTooLargeError, match="MAX_GUNZIPPED_BYTES"):
        gkparse.parse(bomb, origin="bomb.html.gz")


def test_a_web_archive_is_refused_with_what_to_use_instead(tmp_path: Path) -> None:
    record = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 0\r\n\r\n\r\n\r\n"
    for data in (record, gzip.compress(record)):
        with pytest.raises(UnreadableDocumentError, match="gkparse convert"):
            gkparse.parse(data, origin="crawl.warc.gz")
