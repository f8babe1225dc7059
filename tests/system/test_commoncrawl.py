"""Common Crawl: a small columnar index and its WARC served over loopback HTTP with range
support; the reports are found in the index, fetched by range and parsed, the rest counted."""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytest.importorskip("distributed")
pytest.importorskip("fsspec")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from warcio.warcwriter import WARCWriter  # noqa: E402

import gkparse.cluster as gc  # noqa: E402
from gkparse.batch import convert  # noqa: E402
from gkparse.cluster import commoncrawl as cc  # noqa: E402
from gkparse.cluster.spark import parse_partition  # noqa: E402
from tests.support import FIXTURES  # noqa: E402
from tests.support.warc import NOT_A_REPORT, PINGTAN, PINGYANG, PNG, SHANGHAI, WEATHER, write_response  # noqa: E402

CRAWL = "CC-TEST-2024-01"
WARC = f"crawl-data/{CRAWL}/segments/1700000000000.1/warc/{CRAWL}-00000.warc.gz"
INDEX = f"cc-index/table/cc-main/warc/crawl={CRAWL}/subset=warc/part-00000.c000.gz.parquet"
PDF = FIXTURES / "pdf" / "huaian_city_2024.pdf"

#: (url, payload, content type, status): the captures of the fixture crawl, in WARC order.
CAPTURES = [
    ("http://www.a.gov.cn/zfxxgknb/202401/t20240115_1.html", SHANGHAI.read_bytes(), "text/html; charset=utf-8", "200 OK"),
    ("http://www.a.gov.cn/news/202401/t20240116_2.html", PINGTAN.read_bytes(), "text/html; charset=utf-8", "200 OK"),
    ("http://www.example.com/zfxxgknb/index.html", PINGTAN.read_bytes(), "text/html; charset=utf-8", "200 OK"),
    ("http://www.a.gov.cn/zfxxgknb/chart.png", PNG, "image/png", "200 OK"),
    ("http://xxgk.b.gov.cn/ndbg/pingyang.txt", PINGYANG.read_bytes(), "text/plain; charset=utf-8", "200 OK"),
    ("http://www.b.gov.cn/zfxxgknb/notice.html", WEATHER, "text/html; charset=utf-8", "200 OK"),
    ("http://www.b.gov.cn/zfxxgknb/gone.html", PINGTAN.read_bytes(), "text/html; charset=utf-8", "404 Not Found"),
    ("http://www.b.gov.cn/zfxxgknb/guide.html", NOT_A_REPORT, "text/html; charset=utf-8", "200 OK"),
    ("http://www.c.gov.cn/xxgk/gknb/huaian.pdf", PDF.read_bytes(), "application/pdf", "200 OK"),
    ("http://www.d.edu.cn/zfxxgknb/a.html", SHANGHAI.read_bytes(), "text/html; charset=utf-8", "200 OK"),
]
#: Reports found, fetched and parsed (HTML, text, PDF).
FOUND = ["http://www.a.gov.cn/zfxxgknb/202401/t20240115_1.html", "http://xxgk.b.gov.cn/ndbg/pingyang.txt",
         "http://www.c.gov.cn/xxgk/gknb/huaian.pdf"]


def _surt(url: str) -> str:
    parts = urlsplit(url)
    labels = parts.hostname.split(".")
    if labels[0] == "www":
        labels = labels[1:]
    return ",".join(reversed(labels)) + ")" + (parts.path or "/")


def _build(root: Path) -> Path:
    """The crawl's WARC, its index (row groups of 3 rows, sorted by SURT key, CC's column
    types) and its index listing under ``root``, laid out as data.commoncrawl.org is."""
    warc = root / WARC
    warc.parent.mkdir(parents=True)
    rows = []
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, payload, ctype, status in CAPTURES:
            start = fh.tell()
            write_response(writer, url, payload, ctype, status=status)
            mime = ctype.split(";")[0]
            rows.append({
                "url_surtkey": _surt(url), "url": url, "fetch_status": int(status.split()[0]),
                "content_mime_type": mime, "content_mime_detected": mime,
                "warc_filename": WARC, "warc_record_offset": start, "warc_record_length": fh.tell() - start,
            })
    rows.sort(key=lambda r: r["url_surtkey"])
    schema = pa.schema([
        ("url_surtkey", pa.string()), ("url", pa.string()), ("fetch_status", pa.int16()),
        ("content_mime_type", pa.string()), ("content_mime_detected", pa.string()),
        ("warc_filename", pa.string()), ("warc_record_offset", pa.int32()), ("warc_record_length", pa.int32()),
    ])
    index = root / INDEX
    index.parent.mkdir(parents=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), index, row_group_size=3)
    listing = root / "crawl-data" / CRAWL / "cc-index-table.paths.gz"
    other = INDEX.replace("subset=warc", "subset=crawldiagnostics")
    listing.write_bytes(gzip.compress(f"{INDEX}\n{other}\n".encode()))
    return warc


class _RangeServer(ThreadingHTTPServer):
    root: Path
    served: list[tuple[str, int]]


class _Ranges(BaseHTTPRequestHandler):
    """GET and HEAD of files under the server's root, with ``Range: bytes=a-b``."""

    server: _RangeServer

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, body: bool) -> None:
        path = self.server.root / self.path.lstrip("/").split("?")[0]
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if m:
            start, end = int(m.group(1)), min(int(m.group(2) or len(data) - 1), len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            data = data[start: end + 1]
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        if body:
            self.server.served.append((self.path, len(data)))
            self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802 - the handler's protocol
        self._send(True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._send(False)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("commoncrawl")
    warc = _build(root)
    server = _RangeServer(("127.0.0.1", 0), _Ranges)
    server.root, server.served = root, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, f"http://127.0.0.1:{server.server_address[1]}", warc
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def client():
    with gc.connect("local:2") as c:
        yield c


def test_the_index_scan_finds_report_columns_of_gov_cn_hosts(site):
    _, base, _ = site
    assert cc.index_files(CRAWL, base=base) == [f"{base}/{INDEX}"]
    scan = cc.find(CRAWL, base=base)
    assert scan.rows == 8  # the .gov.cn captures: example.com and edu.cn are outside the SURT range
    assert sorted(c.url for c in scan.candidates) == sorted(FOUND + ["http://www.b.gov.cn/zfxxgknb/notice.html",
                                                                     "http://www.b.gov.cn/zfxxgknb/guide.html"])
    assert dict(scan.skipped_by) == {"not-a-report-column": 1, "image": 1, "http-404": 1}


def test_common_crawl_on_the_cluster_parses_the_reports_and_counts_the_rest(site, client, tmp_path):
    server, base, warc = site
    server.served.clear()
    out = tmp_path / "reports.jsonl"
    scan, stats = cc.convert_crawl(CRAWL, str(out), client=client, base=base, records=2)
    assert len(scan.candidates) == 5 and scan.skipped == 3
    assert (stats.parsed, stats.failed, dict(stats.skipped_by)) == (3, 1, {"no-report-marker": 1})
    lines = [line for part in sorted(out.glob("part-*.jsonl")) for line in part.read_text(encoding="utf-8").splitlines()]
    records = [json.loads(line) for line in lines]
    assert sorted(r["source"]["path"] for r in records if "error" not in r) == sorted(FOUND)
    (error,) = [r for r in records if "error" in r]
    assert error["error"]["type"] == "NotAReportError" and error["archive"] == f"{base}/{WARC}"
    offsets = {c.url: c.offset for c in scan.candidates}
    assert error["offset"] == offsets[error["source"]]
    # the same lines as a local run of the whole WARC gives for those records
    local = tmp_path / "local.jsonl"
    convert([str(warc)], str(local), workers=1)
    assert set(line for line in lines if '"error"' not in line[:10]) <= set(local.read_text(encoding="utf-8").splitlines())
    # only the candidates' records were fetched from the WARC, by range
    fetched = sum(n for path, n in server.served if path.endswith(".warc.gz"))
    lengths = {c.url: c.length for c in scan.candidates}
    assert fetched == sum(lengths.values()) < os.path.getsize(warc)


def test_spark_partition_function_parses_index_rows_and_whole_warcs(site, tmp_path):
    _, base, warc = site
    scan = cc.find(CRAWL, base=base)
    rows = [{"warc_filename": c.warc_filename, "warc_record_offset": c.offset, "warc_record_length": c.length}
            for c in scan.candidates]
    out = list(parse_partition(iter(rows), base=base))
    assert sorted(r["status"] for r in out) == ["failed", "parsed", "parsed", "parsed", "skipped"]
    assert all(set(r) == set(parse_partition.__globals__["FIELDS"]) for r in out)
    whole = list(parse_partition([str(warc)]))  # every record of the WARC, as a local run reads it
    local = convert([str(warc)], str(tmp_path / "local.jsonl"), workers=1)
    statuses = [r["status"] for r in whole]
    assert (statuses.count("parsed"), statuses.count("failed"), statuses.count("skipped")) == (
        local.parsed, local.failed, local.skipped)
    assert [r["record"] for r in whole if r["record"]] == (tmp_path / "local.jsonl").read_text(encoding="utf-8").splitlines()
    with pytest.raises(TypeError, match="not a path, URL or Common Crawl index row"):
        list(parse_partition([{"url": "x"}]))
