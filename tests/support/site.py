"""A loopback copy of ``tests/crawl_site/`` for crawl tests, and helpers to crawl it.

:func:`serve_site` serves the folder plus a few dynamic routes (see ``DYNAMIC``) and two
Hanweb columns paged by POSTs to ``dataproxy.jsp`` (see ``HANWEB_RECORDS``) on 127.0.0.1
and logs every request (method, query and body included); :func:`fast_crawl` crawls it
with short delays; :func:`responses` reads back the WARC written.
"""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from warcio.archiveiterator import ArchiveIterator

from gkparse.crawler import CrawlResult, crawl

SITE_DIR = Path(__file__).resolve().parent.parent / "crawl_site"

COLUMN = "/zwgk/zfxxgknb/index.html"
COLUMN_2 = "/zwgk/zfxxgknb/index_1.html"
REPORT_2023 = "/zwgk/zfxxgknb/202403/t20240308_87885.htm"  # UTF-8, PDF attachment
PDF_2023 = "/zwgk/zfxxgknb/202403/P020240308512345678901.pdf"
REPORT_2022 = "/zwgk/zfxxgknb/202303/t20230315_60001.htm"  # GBK, XLS attachment
XLS_2022 = "/files/P020230315_fb.xls"
OLD_2021 = "/old/nb2021.htm"  # 301 → REPORT_2021
REPORT_2021 = "/zwgk/zfxxgknb/202201/t20220125_70001.htm"
REPORT_2020 = "/zwgk/zfxxgknb/202103/t20210320_50001.htm"  # 500 on the first request
MISSING_2019 = "/zwgk/zfxxgknb/202003/t20200320_40001.htm"  # 404
PRIVATE = "/private/t20240101_9.htm"  # robots.txt disallows
LOOKALIKES = (
    "/zwgk/zfxxgknb/202403/t20240310_87900.htm",
    "/zwgk/zfxxgknb/202312/t20231201_80001.htm",
    "/zwgk/zfxxgknb/202311/t20231120_79999.htm",
    "/zwgk/zd/t20190101_1.htm",
    "/zwgk/zfxxgknb/202303/t20230316_60002.htm",
)
GUIDE_PDF = "/files/guide.pdf"  # linked from a report page's footer, outside the body

CONTENT_TYPES = {
    ".html": "text/html",  # no charset on purpose: pages declare it in <meta>
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".xls": "application/vnd.ms-excel",
    ".txt": "text/plain",
}
LAST_MODIFIED = "Fri, 08 Mar 2024 02:30:00 GMT"

# Two Hanweb (大汉) columns on the site. A column page /col/colN/index.html holds the first
# group of its records in a <script> datastore; jpage fetches the others by POSTing the
# column's parameters (the <nextgroup> link's query) to dataproxy.jsp with the group's
# range in the query: ?startrecord=3&endrecord=4&perpage=1 (perPage 1 x groupSize 2 here).
HANWEB_PROXY = "/module/web/jpage/dataproxy.jsp"
HANWEB_PER_PAGE, HANWEB_GROUP_SIZE = 1, 2
HANWEB_GROUP = HANWEB_PER_PAGE * HANWEB_GROUP_SIZE
#: column id -> (column title, unit id, records as (article path, link text, page title)).
HANWEB_RECORDS: dict[str, tuple[str, str, list[tuple[str, str, str]]]] = {
    "1229": ("政府信息公开年报", "4236001", [
        ("/art/2024/3/8/art_1229_101.html", "某某市2023年政府信息公开工作年度报告", "某某市2023年政府信息公开工作年度报告"),
        ("/art/2024/3/9/art_1229_102.html", "某某市2023年政府信息公开工作年度报告解读", "某某市2023年政府信息公开工作年度报告解读"),
        ("/art/2023/3/8/art_1229_103.html", "某某市2022年政府信息公开工作年度报告", "某某市2022年政府信息公开工作年度报告"),
        # Names no report: one of the report column's articles by its column id.
        ("/art/2022/3/8/art_1229_104.html", "2021年度", "某某市2021年政府信息公开工作年度报告"),
        ("/art/2021/3/8/art_1229_105.html", "某某市2020年政府信息公开工作年度报告", "某某市2020年政府信息公开工作年度报告"),
        ("/art/2020/3/8/art_1229_106.html", "某某市2019年政府信息公开工作年度报告", "某某市2019年政府信息公开工作年度报告"),
        ("/art/2019/3/8/art_1229_107.html", "某某市2018年政府信息公开工作年度报告", "某某市2018年政府信息公开工作年度报告"),
        # Names no report and belongs to another column: not taken.
        ("/art/2018/3/8/art_9999_108.html", "2017年度", "某某市2017年工作动态"),
    ]),
    # A second column POSTing to the same proxy URLs: only the body tells them apart.
    "1230": ("政府信息公开年报", "4236002", [
        ("/art/2024/3/8/art_1230_201.html", "某某市教育局2023年政府信息公开工作年度报告", "某某市教育局2023年政府信息公开工作年度报告"),
        ("/art/2023/3/8/art_1230_202.html", "某某市教育局2022年政府信息公开工作年度报告", "某某市教育局2022年政府信息公开工作年度报告"),
        ("/art/2022/3/8/art_1230_203.html", "某某市教育局2021年政府信息公开工作年度报告", "某某市教育局2021年政府信息公开工作年度报告"),
        ("/art/2021/3/8/art_1230_204.html", "某某市教育局2020年政府信息公开工作年度报告", "某某市教育局2020年政府信息公开工作年度报告"),
    ]),
}
#: The form fields dataproxy.jsp needs to know the column (an answer without them is empty).
HANWEB_FORM_FIELDS = ("appid", "webid", "path", "columnid", "unitid", "permissiontype")


def hanweb_column(column: str) -> str:
    """The path of Hanweb column ``column``'s page."""
    return f"/col/col{column}/index.html"


def _hanweb_record(path: str, text: str) -> str:
    return f'<record><![CDATA[<li><a href="{path}" target="_blank">{text}</a><span>2024-03-08</span></li>]]></record>'


def _hanweb_column_page(column: str) -> bytes:
    title, unit, records = HANWEB_RECORDS[column]
    proxy = (f"{HANWEB_PROXY}?page=1&appid=1&webid=1&path=/&columnid={column}&unitid={unit}"
             f"&webname=某某市人民政府&permissiontype=0")
    first = "".join(_hanweb_record(path, text) for path, text, _ in records[:HANWEB_GROUP])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div id="{unit}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="{proxy}"></a>]]></nextgroup>
<recordset>{first}</recordset></datastore></script></div>
<script>$('#{unit}').jpage({{dataStore: [], totalRecord: {len(records)}, perPage: {HANWEB_PER_PAGE}, groupSize: {HANWEB_GROUP_SIZE},
  proxyUrl: '{HANWEB_PROXY}', pageSize: {HANWEB_PER_PAGE}}});</script>
</body></html>""".encode()


def _hanweb_answer(query: str, form: dict[str, list[str]]) -> bytes:
    """dataproxy.jsp's answer: the records ``startrecord`` .. ``endrecord`` (1-based) of
    the column the form names, as XML; none when a field is missing."""
    args = parse_qs(query)
    column = form.get("columnid", [""])[0]
    records: list[tuple[str, str, str]] = []
    if all(form.get(name) for name in HANWEB_FORM_FIELDS) and column in HANWEB_RECORDS:
        records = HANWEB_RECORDS[column][2]
    start, end = int(args.get("startrecord", ["1"])[0]), int(args.get("endrecord", ["0"])[0])
    body = "".join(_hanweb_record(path, text) for path, text, _ in records[start - 1:end])
    return (f'<?xml version="1.0" encoding="UTF-8"?><datastore><totalrecord>{len(records)}</totalrecord>'
            f"<totalpage>{-(-len(records) // HANWEB_PER_PAGE)}</totalpage><recordset>{body}</recordset></datastore>").encode()


def _hanweb_proxy(method: str, content_type: str, query: str, body: bytes) -> tuple[int, bytes, dict[str, str]]:
    """(status, body, headers) of dataproxy.jsp: a form POST gets its group of records."""
    if method != "POST" or not content_type.startswith("application/x-www-form-urlencoded"):
        return 405, b"POST a form", {"Allow": "POST", "Content-Type": "text/plain"}
    form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
    return 200, _hanweb_answer(query, form), {"Content-Type": "text/xml;charset=UTF-8"}


def _hanweb_page(root: Path, path: str) -> bytes | None:
    """A Hanweb column's page or one of its articles at ``path``, None for any other path;
    a file put at an article's path (a real report) is served instead."""
    column = path.removeprefix("/col/col").removesuffix("/index.html")
    if path == hanweb_column(column) and column in HANWEB_RECORDS:
        return _hanweb_column_page(column)
    if (root / path.lstrip("/")).is_file():
        return None
    for _, _, records in HANWEB_RECORDS.values():
        for article, _, title in records:
            if article == path:
                return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
                        f'<div id="zoom"><h1>{title}</h1><p>一、总体情况</p></div></body></html>').encode()
    return None


# Dynamic routes: path -> what the handler does.
DYNAMIC = {
    OLD_2021: "301 to the 2021 report",
    REPORT_2020: "500 on the first request, then the file",
    "/slow.htm": "sleeps 1.5 s before answering",
    "/always500.htm": "always 500",
    "/huge.pdf": "5000 bytes with Content-Length",
    "/stream-huge.pdf": "5000 bytes without Content-Length",
    "/loop/N": "302 to /loop/N+1",
    "/col/colN/index.html": "a Hanweb column page (HANWEB_RECORDS)",
    HANWEB_PROXY: "POST: a group of a Hanweb column's records; GET: 405",
    "/art/…/art_N_M.html": "a Hanweb column's article",
}


@dataclass
class LoggedRequest:
    path: str
    headers: dict[str, str]
    status: int = 0
    method: str = "GET"
    query: str = ""
    body: bytes = b""


@dataclass
class Site:
    """A running fixture site: its base URL, files, request log and knobs."""

    base: str
    root: Path
    requests: list[LoggedRequest] = field(default_factory=list)
    #: path -> (status, body) served instead of the file
    overrides: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    flaky_served: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Called with each path before it is answered (e.g. to stop a crawl at a given page).
    on_request: Callable[[str], None] | None = None

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()


def _make_handler(site: Site) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
            pass

        def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None,
                  *, length: bool = True) -> None:
            self.logged.status = status
            self.send_response(status)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            self._handle(b"")

        def do_POST(self) -> None:
            self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

        def _handle(self, body: bytes) -> None:
            parts = urlsplit(self.path)
            path = unquote(parts.path)
            self.logged = LoggedRequest(path, dict(self.headers.items()), method=self.command, query=parts.query, body=body)
            with site.lock:
                site.requests.append(self.logged)
            if site.on_request is not None:
                site.on_request(path)
            try:
                if path == HANWEB_PROXY:
                    self._proxy(parts.query, body)
                elif self.command != "GET":
                    self._send(405, b"GET only", {"Allow": "GET", "Content-Type": "text/plain"})
                else:
                    self._route(path)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def _proxy(self, query: str, body: bytes) -> None:
            self._send(*_hanweb_proxy(self.command, self.headers.get("Content-Type", ""), query, body))

        def _route(self, path: str) -> None:
            if path in site.overrides:
                status, body = site.overrides[path]
                self._send(status, body, {"Content-Type": "text/plain"})
                return
            if path == OLD_2021:
                self._send(301, b"moved", {"Location": REPORT_2021})
                return
            if path.startswith("/loop/"):
                n = int(path.rsplit("/", 1)[1])
                self._send(302, b"", {"Location": f"/loop/{n + 1}"})
                return
            if path == "/slow.htm":
                time.sleep(1.5)
                self._send(200, b"<html>late</html>", {"Content-Type": "text/html"})
                return
            hanweb = _hanweb_page(site.root, path)
            if hanweb is not None:
                self._send(200, hanweb, {"Content-Type": "text/html"})
                return
            if path == "/always500.htm":
                self._send(500, b"server error", {"Content-Type": "text/plain"})
                return
            if path == "/huge.pdf":
                self._send(200, b"%PDF" + b"0" * 4996, {"Content-Type": "application/pdf"})
                return
            if path == "/stream-huge.pdf":
                # HTTP/1.0 without Content-Length: the body ends when the connection closes.
                self._send(200, b"%PDF" + b"0" * 4996, {"Content-Type": "application/pdf"},
                           length=False)
                return
            if path == REPORT_2020 and path not in site.flaky_served:
                site.flaky_served.add(path)
                self._send(500, b"try again", {"Content-Type": "text/plain"})
                return
            file = (site.root / path.lstrip("/")).resolve()
            if not file.is_file() or site.root.resolve() not in file.parents:
                self._send(404, b"not found", {"Content-Type": "text/html"})
                return
            body = file.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers = {
                "Content-Type": CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
                "ETag": etag,
                "Last-Modified": LAST_MODIFIED,
            }
            if self.headers.get("If-None-Match") == etag:
                self._send(304, b"", {"ETag": etag}, length=False)
                return
            self._send(200, body, headers)

    return Handler


@contextmanager
def serve_site(tmp_path: Path) -> Iterator[Site]:
    """Serve a copy of ``tests/crawl_site`` (editable by the test) on 127.0.0.1."""
    root = tmp_path / "site"
    shutil.copytree(SITE_DIR, root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    site = Site(base=f"http://127.0.0.1:{server.server_address[1]}", root=root)
    server.RequestHandlerClass = _make_handler(site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


#: Seconds between two requests to the fixture site in :func:`fast_crawl`: short, so a
#: crawl of the whole site takes about a second, yet long enough to be seen in the log.
FAST_DELAY = 0.05
#: First retry backoff of :func:`fast_crawl`, in seconds.
FAST_BACKOFF = 0.05


def fast_crawl(site: Site, paths: list[str], warc: Path, **kwargs: Any) -> tuple[CrawlResult, list[float]]:
    """Crawl ``paths`` of ``site`` into ``warc`` with short delays; ``kwargs`` go to crawl().
    Returns the result and the seconds between consecutive requests (from the crawl's log)."""
    options: dict[str, Any] = {"delay": FAST_DELAY, "timeout": 5.0, "backoff": FAST_BACKOFF}
    options.update(kwargs)
    result = crawl([site.url(p) for p in paths], warc, **options)
    starts = [entry.at for entry in result.log]
    return result, [b - a for a, b in zip(starts, starts[1:])]


def warc_records(path: Path) -> list[tuple[str, str, str | None, bytes]]:
    """(record type, target URI, HTTP status, payload) of every record."""
    out = []
    with open(path, "rb") as fh:
        for record in ArchiveIterator(fh):
            status = None
            if record.rec_type == "response" and record.http_headers:
                status = record.http_headers.get_statuscode()
            out.append((
                record.rec_type,
                record.rec_headers.get_header("WARC-Target-URI") or "",
                status,
                record.content_stream().read(),
            ))
    return out


def responses(path: Path) -> dict[str, tuple[str | None, bytes]]:
    return {uri: (status, body) for kind, uri, status, body in warc_records(path) if kind == "response"}
