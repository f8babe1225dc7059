"""Small WARC archives for the batch and CLI tests: reports, look-alikes and damaged files."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from . import FIXTURES

PINGYANG = FIXTURES / "pingyang_amr_2020.txt"
SHANGHAI = FIXTURES / "shanghai_govoffice_2019.html"
PINGTAN = FIXTURES / "pingtan_2022.page.html"
#: The folder of 12 partial text reports.
PARTIAL = FIXTURES / "partial"

WEATHER = "<html><head><title>今日天气</title></head><body><p>晴，最高气温25度。</p></body></html>".encode()
#: Holds a word of the report tables (结果维持), so it passes the pre-filter, but no report:
#: an error record. (The words of the site chrome, 政府信息公开, pass no page.)
NOT_A_REPORT = "<html><body><p>本站政府信息公开指南已更新：行政复议结果维持的案例汇编，欢迎查阅。</p></body></html>".encode()
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n" + bytes(range(256)) * 8
#: An image: a form gkparse does not read (skipped by name).
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8

#: The sources of the jobs :func:`build_warc` gives, in order (the other 5 records are skipped).
WARC_SOURCES = [
    "http://example.gov.cn/pingyang.txt",
    "http://example.gov.cn/shanghai.html",
    "http://example.gov.cn/guide.html",
    "http://example.gov.cn/pingyang-gbk.txt",
]
WARC_SKIPPED = 5
#: The same skips by kind.
WARC_SKIPPED_BY = {"image": 2, "no-report-marker": 1, "empty": 1, "http-404": 1}


def write_response(writer: WARCWriter, uri: str, payload: bytes, ctype: str | None = "text/html; charset=utf-8",
                   status: str = "200 OK", date: str = "2024-05-01T10:00:00Z") -> None:
    headers = [("Content-Type", ctype)] if ctype else []
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        uri, "response", payload=BytesIO(payload), http_headers=http, warc_headers_dict={"WARC-Date": date},
    ))


def build_warc(path: Path) -> Path:
    """A gzipped WARC: 3 reports (one GB18030), one non-report (an error record) and 5
    records the pre-filter skips."""
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        write_response(w, "http://example.gov.cn/pingyang.txt", PINGYANG.read_bytes(), "text/plain; charset=utf-8")
        write_response(w, "http://example.gov.cn/weather.html", WEATHER)  # skipped: no marker
        write_response(w, "http://example.gov.cn/chart.png", PNG, "image/png")  # skipped: an image
        write_response(w, "http://example.gov.cn/shanghai.html", SHANGHAI.read_bytes())
        write_response(w, "http://example.gov.cn/empty.html", b"")  # skipped: no marker
        write_response(w, "http://example.gov.cn/gone.html", PINGTAN.read_bytes(), status="404 Not Found")  # skipped
        write_response(w, "http://example.gov.cn/guide.html", NOT_A_REPORT)  # error record
        write_response(w, "http://example.gov.cn/png-as-html", PNG)  # skipped: an image served as a page
        gb = PINGYANG.read_text(encoding="utf-8").encode("gb18030")
        write_response(w, "http://example.gov.cn/pingyang-gbk.txt", gb, "text/plain; charset=gbk",
                       date="2024-05-02T00:00:00Z")
    return path


def write_resource(writer: WARCWriter, uri: str, payload: bytes, ctype: str = "text/html; charset=utf-8",
                   rec_type: str = "resource", date: str = "2024-05-01T10:00:00Z") -> None:
    """A record whose block is the document (no HTTP headers), as warcit and file-to-WARC
    tools write ``resource`` records, or a ``conversion`` record."""
    writer.write_record(writer.create_warc_record(
        uri, rec_type, payload=BytesIO(payload), length=len(payload), warc_content_type=ctype,
        warc_headers_dict={"WARC-Date": date},
    ))


def write_revisit(writer: WARCWriter, uri: str, original_uri: str, original_date: str, digest: str,
                  date: str = "2024-06-01T10:00:00Z", status: str = "200 OK") -> None:
    """A revisit (identical-payload-digest) with its own HTTP headers and no payload."""
    http = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
    writer.write_record(writer.create_revisit_record(
        uri, digest, original_uri, original_date, http_headers=http, warc_headers_dict={"WARC-Date": date},
    ))


def write_raw_response(writer: WARCWriter, uri: str, body: bytes, headers: list[tuple[str, str]]) -> None:
    """A 200 response whose body is stored exactly as given (still chunked or compressed)."""
    http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(
        uri, "response", payload=BytesIO(body), length=len(body), http_headers=http,
        warc_headers_dict={"WARC-Date": "2024-05-01T10:00:00Z"},
    ))


def chunked(body: bytes, size: int = 1000) -> bytes:
    """``body`` in HTTP/1.1 chunked transfer coding."""
    parts = [b"%x\r\n%s\r\n" % (len(body[i: i + size]), body[i: i + size]) for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def gzip_members(path: Path) -> list[int]:
    """The offsets of the gzip members of a file (where each record starts)."""
    import zlib

    data = path.read_bytes()
    offsets, pos = [], 0
    while pos < len(data):
        offsets.append(pos)
        inflater = zlib.decompressobj(31)
        inflater.decompress(data[pos:])
        pos = len(data) - len(inflater.unused_data)
    return offsets


def corrupt(path: Path, member_offsets: list[int]) -> Path:
    """Flip 16 bytes in the middle of each gzip member at ``member_offsets`` (in place)."""
    data = bytearray(path.read_bytes())
    members = gzip_members(path) + [len(data)]
    for start in member_offsets:
        end = members[members.index(start) + 1]
        middle = (start + end) // 2
        for i in range(middle, middle + 16):
            data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def build_truncated(path: Path) -> Path:
    """Two report records, gzipped, cut in the middle of the second: one job, then an error."""
    full = path.with_name("full-" + path.name)
    with open(full, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        write_response(w, "http://cut.gov.cn/a.txt", PINGYANG.read_bytes(), "text/plain")
        write_response(w, "http://cut.gov.cn/b.html", PINGTAN.read_bytes())
    data = full.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


#: A gzip header followed by junk: what warcio cannot read as any archive format.
JUNK_MEMBER = b"\x1f\x8b\x08" + b"junk" * 64


def build_damaged(path: Path) -> Path:
    """A gzipped WARC whose first record is whole and whose second member is junk."""
    with open(path, "wb") as fh:
        write_response(WARCWriter(fh, gzip=True), "http://bad.gov.cn/a.txt", PINGYANG.read_bytes(), "text/plain")
        fh.write(JUNK_MEMBER)
    return path


def build_garbage(path: Path) -> Path:
    """A file named like an archive that holds no record at all."""
    path.write_bytes(JUNK_MEMBER)
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def source_of(record: dict[str, Any]) -> str:
    """The source of a JSON Lines record: an error record's, or a report's path."""
    return record["source"] if "error" in record else record["source"]["path"]
