"""WARC archives: the one place gkparse reads and writes them (batch and crawl alike).

Reading walks the records of a WARC (or ARC, converted on the fly) with warcio and
hands out each response with its target URI, capture date, HTTP status and content type;
the payload is read only when asked for, so records a caller skips cost no decoding.
A record cut short (warcio does not notice) raises :class:`TruncatedArchiveError`.
Writing stores one request/response pair per HTTP exchange, the body already decoded
from its transfer encodings.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from os import PathLike
from typing import IO, Any, Optional
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from .errors import GkparseError

__all__ = [
    "ArchiveRecord",
    "Exchange",
    "TruncatedArchiveError",
    "Validators",
    "charset_of",
    "iter_responses",
    "payload_digest",
    "read_validators",
    "write_exchange",
    "WARCWriter",
]

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_READ_CHUNK = 1 << 16  #: bytes read at a time when draining a record (warcio's own buffer size)


class TruncatedArchiveError(GkparseError):
    """The archive ends in the middle of a record."""


@dataclass
class ArchiveRecord:
    """One response record: where it came from and, on request, its payload."""

    uri: str
    date: Optional[str]
    status: Optional[int]
    content_type: Optional[str]
    headers: list[tuple[str, str]]
    _record: Any

    @property
    def charset(self) -> Optional[str]:
        """The charset named in the Content-Type header, if any."""
        return charset_of(self.content_type)

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")

    def payload(self) -> bytes:
        """The response body (transfer and content encodings removed by warcio).

        Raises :class:`TruncatedArchiveError` when the archive ends inside the record:
        a half body is never handed out as a whole one.
        """
        body = bytes(self._record.content_stream().read())
        _drain(self._record, self.uri)
        return body


def charset_of(content_type: Optional[str]) -> Optional[str]:
    """The ``charset=`` parameter of a Content-Type value.

    >>> charset_of("text/html; charset=GBK"), charset_of("text/html")
    ('GBK', None)
    """
    if not content_type:
        return None
    m = _CHARSET.search(content_type)
    return m.group(1) if m else None


def _drain(record: Any, uri: str) -> None:
    """Read the rest of a record and check it was all there (warcio does not notice a cut)."""
    raw = record.raw_stream
    while raw.read(_READ_CHUNK):
        pass
    if getattr(raw, "limit", 0) > 0:
        raise TruncatedArchiveError("the archive is cut short in this record", source=uri)


def iter_responses(stream: IO[bytes], *, source: str) -> Iterator[ArchiveRecord]:
    """The response records of an open WARC/ARC ``stream``, in archive order.

    Each record is drained (and checked for truncation) once the caller moves on, whether
    or not it read the payload. Raises :class:`TruncatedArchiveError` for a cut record and
    lets warcio's ``ArchiveLoadFailed`` through for a damaged one.
    """
    for record in ArchiveIterator(stream, arc2warc=True):
        if record.rec_type != "response":
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or source
        http = record.http_headers
        status: Optional[int] = None
        content_type = None
        headers: list[tuple[str, str]] = []
        if http is not None:
            code = http.get_statuscode()
            status = int(code) if code and str(code).isdigit() else None
            content_type = http.get_header("Content-Type")
            headers = list(http.headers)
        yield ArchiveRecord(uri, record.rec_headers.get_header("WARC-Date"), status, content_type, headers, record)
        _drain(record, uri)


# --- writing ------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One HTTP request and its response, body already decoded from Content-Encoding."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    date: datetime

    def header(self, name: str) -> str:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), "")


def payload_digest(body: bytes) -> str:
    """The digest of a body in the form warcio writes in ``WARC-Payload-Digest``."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def write_exchange(writer: WARCWriter, hop: Exchange) -> int:
    """Write ``hop`` as a request and a response record; returns the records written (2)."""
    date = datetime_to_iso_date(hop.date)
    parts = urlsplit(hop.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    request_http = StatusAndHeaders(f"GET {target} HTTP/1.1", hop.request_headers, is_http_request=True)
    request = writer.create_warc_record(
        hop.url, "request", payload=io.BytesIO(), length=0,
        http_headers=request_http, warc_headers_dict={"WARC-Date": date},
    )
    # The body was stored decoded, so the transfer headers describing the wire format
    # would make readers decode it twice.
    headers = [
        (k, v) for k, v in hop.headers
        if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")
    ]
    headers.append(("Content-Length", str(len(hop.body))))
    response_http = StatusAndHeaders(f"{hop.status} {hop.reason}".strip(), headers, protocol=hop.http_version)
    response = writer.create_warc_record(
        hop.url, "response", payload=io.BytesIO(hop.body), length=len(hop.body),
        http_headers=response_http, warc_headers_dict={"WARC-Date": date},
    )
    writer.write_request_response_pair(request, response)
    return 2


@dataclass
class Validators:
    """What a conditional re-fetch sends: ETag, Last-Modified and the payload digest."""

    etag: str = ""
    last_modified: str = ""
    digest: str = ""


def read_validators(
    paths: Sequence[str | PathLike[str]], *, key: Callable[[str], Optional[str]] | None = None
) -> dict[str, Validators]:
    """Validators of the 2xx responses in older WARCs, by target URI, or by ``key(uri)``
    (a record whose key is None is left out); later files and records win. Raises
    :class:`GkparseError` naming a file that cannot be read."""
    out: dict[str, Validators] = {}
    for path in paths:
        try:
            with open(path, "rb") as fh:
                for record in ArchiveIterator(fh):
                    if record.rec_type != "response" or record.http_headers is None:
                        continue
                    if not record.http_headers.get_statuscode().startswith("2"):
                        continue
                    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
                    name = key(uri) if key is not None else uri
                    if name is None:
                        continue
                    out[name] = Validators(
                        etag=record.http_headers.get_header("ETag") or "",
                        last_modified=record.http_headers.get_header("Last-Modified") or "",
                        digest=record.rec_headers.get_header("WARC-Payload-Digest") or "",
                    )
        except (OSError, ArchiveLoadFailed) as exc:
            raise GkparseError(f"cannot read previous WARC ({exc})", source=str(path)) from None
    return out
