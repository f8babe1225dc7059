"""WARC archives: the one place gkparse reads and writes them (batch and crawl alike).

Reading (:func:`iter_records`) walks every record of a WARC or ARC file, gzipped or not,
and never holds the archive in memory. gkparse inflates the gzip members itself (warcio
hides a corrupt or cut member) and hands each record's decompressed bytes to warcio's
record parser. Each record is handed to a caller's ``visit`` function, which reads what it
needs (:meth:`ArchiveRecord.head`, :meth:`ArchiveRecord.payload`, the original of a
revisit with :meth:`ArchiveRecord.original`) and returns an outcome; the outcome comes out
of :func:`iter_records` only once the record's bytes (and, for a gzip member, its
checksum) were all there. Damage comes out as an :class:`ArchiveDamage` with its offset,
and reading goes on at the next gzip member that starts a record (or, in an uncompressed
file, the next line that starts one).

A body is decoded from its ``Transfer-Encoding: chunked`` and ``Content-Encoding``
(gzip, deflate; br when the brotli module is installed) here, strictly: damaged encoded
data raises :class:`ContentEncodingError` naming the byte, where warcio would hand out
the raw bytes. Writing stores one request/response pair per HTTP exchange, the body
already decoded from its transfer encodings.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from os import PathLike
from typing import IO, Any, Generator, Generic, Optional, TypeVar, Union
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from .errors import GkparseError
from .read.gzipped import GZIP_MAGIC

__all__ = [
    "ArchiveDamage",
    "ArchiveRecord",
    "ContentEncodingError",
    "DamagedArchiveError",
    "MAX_PAYLOAD_BYTES",
    "PayloadTooLargeError",
    "Exchange",
    "TruncatedArchiveError",
    "Validators",
    "charset_of",
    "clean_reason",
    "iter_records",
    "payload_digest",
    "read_validators",
    "write_exchange",
    "WARCWriter",
]

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_READ_CHUNK = 1 << 16  #: bytes read at a time (warcio's own buffer size)
#: Most decompressed bytes one read of a gzip member produces: a small member never
#: inflates into a large buffer (a record body is read in pieces).
_INFLATE_LIMIT = 1 << 20
#: Decoded bytes of one record's payload read at most. A report page is well under 1 MiB and
#: a report PDF a few MiB (scans run to tens); a compressed body inflating past this (a
#: 7 KB record can hold gigabytes of one repeated byte) is refused while it is inflated.
MAX_PAYLOAD_BYTES = 64 << 20
#: The start of a record: a WARC version line, or an ARC header line (``filedesc://`` or
#: ``URL IP DATE14 …``). Used to tell a real gzip member / record start from look-alike bytes.
_RECORD_START = re.compile(rb"WARC/\d\.\d+\r?\n|filedesc://|[a-z][a-z0-9+.-]*:\S* \S+ \d{14} ", re.I)
#: A record start after a line break in an uncompressed file (where reading resumes).
_PLAIN_RECORD_START = re.compile(rb"\n(?=WARC/\d\.\d+\r?\n|filedesc://|[a-z][a-z0-9+.-]*:\S* \S+ \d{14} )", re.I)
#: Decompressed bytes looked at to decide whether a gzip member starts a record.
_PROBE = 4096
#: Longest error reason kept (a reason never carries a whole binary line).
REASON_LIMIT = 240
#: Records of one gzip member that can be found again for a revisit (more is never seen).
_MEMBER_INDEX_LIMIT = 1 << 16

try:  # optional: Content-Encoding br
    import brotli as _brotli  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the environment
    _brotli = None


class DamagedArchiveError(GkparseError):
    """The bytes of an archive cannot be read as records here (a corrupt gzip member, junk)."""


class TruncatedArchiveError(DamagedArchiveError):
    """The archive ends in the middle of a record or gzip member."""


class ContentEncodingError(GkparseError):
    """A record's body cannot be decoded from its declared Transfer- or Content-Encoding."""


class PayloadTooLargeError(ContentEncodingError):
    """A record's payload is larger than :data:`MAX_PAYLOAD_BYTES` once decoded."""


def clean_reason(text: str, limit: int = REASON_LIMIT) -> str:
    """``text`` fit for an error reason: control and Latin-1 bytes escaped, at most ``limit`` chars.

    >>> clean_reason("bad\\x1f\\x8b line \\xb5 end")
    'bad\\\\x1f\\\\x8b line \\\\xb5 end'
    """
    out = "".join(
        ch if ch.isprintable() and not 0x80 <= ord(ch) <= 0xFF else ch.encode("unicode_escape").decode("ascii")
        for ch in text[: limit * 2]
    )
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _header(headers: list[tuple[str, str]], name: str) -> str:
    """The value of header ``name`` (any case) in a header list, '' if absent."""
    name = name.lower()
    return next((v for k, v in headers if k.lower() == name), "")


def charset_of(content_type: Optional[str]) -> Optional[str]:
    """The ``charset=`` parameter of a Content-Type value.

    >>> charset_of("text/html; charset=GBK"), charset_of("text/html")
    ('GBK', None)
    """
    if not content_type:
        return None
    m = _CHARSET.search(content_type)
    return m.group(1) if m else None


# --- decoding a body -----------------------------------------------------------------------


def _codings(value: Optional[str]) -> list[str]:
    return [c.strip().lower() for c in (value or "").split(",") if c.strip()]


#: Content codings that compress (any other value, e.g. ``identity`` or a misused ``utf-8``,
#: leaves the body as it is).
_COMPRESSIONS = ("gzip", "x-gzip", "deflate", "br", "compress", "x-compress", "zstd")


_CHUNK_SIZE = re.compile(rb"[0-9a-fA-F]{1,16}")
#: Longest chunk-size line looked for (with extensions); a longer one is damage.
_CHUNK_LINE_LIMIT = 1024


def _dechunk(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Undo ``Transfer-Encoding: chunked``. A body whose first line is not a chunk size
    followed by that many bytes was stored already de-chunked (common) and is passed
    through as it is; damage after the first chunk raises :class:`ContentEncodingError`."""
    buf = b""
    pos = 0  # bytes of the encoded body before buf
    started = False
    for chunk in chunks:
        buf += chunk
        while True:
            nl = buf.find(b"\n", 0, _CHUNK_LINE_LIMIT)
            if nl < 0:
                if len(buf) >= _CHUNK_LINE_LIMIT:
                    if not started:
                        yield buf
                        yield from chunks
                        return
                    raise ContentEncodingError(f"Transfer-Encoding chunked: bad chunk size at byte {pos}")
                break
            size_text = buf[:nl].split(b";", 1)[0].strip()
            data_end = nl + 1 + (int(size_text, 16) if _CHUNK_SIZE.fullmatch(size_text) else 0)
            if _CHUNK_SIZE.fullmatch(size_text) and int(size_text, 16) == 0:
                return
            if len(buf) < data_end + 2 and _CHUNK_SIZE.fullmatch(size_text):
                break
            crlf = 2 if buf[data_end: data_end + 2] == b"\r\n" else 1 if buf[data_end: data_end + 1] == b"\n" else 0
            if not _CHUNK_SIZE.fullmatch(size_text) or not crlf:
                if not started:
                    yield buf
                    yield from chunks
                    return
                raise ContentEncodingError(f"Transfer-Encoding chunked: bad chunk at byte {pos}")
            started = True
            yield buf[nl + 1: data_end]
            buf = buf[data_end + crlf:]
            pos += data_end + crlf
    if not started:
        if buf:
            yield buf
        return
    raise ContentEncodingError(f"Transfer-Encoding chunked: the body ends inside a chunk at byte {pos + len(buf)}")


def _first_bad_byte(saved: Any, data: bytes) -> int:
    """Where in ``data`` the decompressor state ``saved`` fails (one byte at a time)."""
    for i in range(len(data)):
        try:
            saved.decompress(data[i: i + 1])
        except zlib.error:
            return i
    return len(data)


def _inflate(chunks: Iterator[bytes], coding: str) -> Iterator[bytes]:
    """Undo one compressing Content-Encoding, strictly (damage raises, naming the byte)."""
    label = f"Content-Encoding {coding}"
    if coding in ("br",):
        if _brotli is None:
            raise ContentEncodingError(f"{label} is not supported (install the brotli module)")
        data = b"".join(chunks)
        try:
            yield _brotli.decompress(data)
        except Exception as exc:  # noqa: BLE001 - brotli raises its own error class
            raise ContentEncodingError(f"{label}: invalid data ({clean_reason(str(exc), 80)})") from None
        return
    if coding not in ("gzip", "x-gzip", "deflate"):
        raise ContentEncodingError(f"{label} is not supported")
    first = next(chunks, b"")
    while len(first) < 2:
        more = next(chunks, b"")
        if not more:
            break
        first += more
    if not first:
        return
    if coding in ("gzip", "x-gzip"):
        if not first.startswith(b"\x1f\x8b"):  # labelled gzip but stored decoded: read as is
            yield first
            yield from chunks
            return
        wbits = 31
    else:  # deflate: zlib-wrapped as the RFC says, or raw as some servers send it
        wbits = 15 if (first[0] & 0x0F) == 8 and (first[0] * 256 + first[1]) % 31 == 0 else -15
    inflater = zlib.decompressobj(wbits)
    pos = 0
    pieces = iter([first])
    for piece in _chain(pieces, chunks):
        if inflater.eof:
            break  # trailing bytes after the stream: ignored, as browsers do
        saved = inflater.copy()
        try:
            out = inflater.decompress(piece, _INFLATE_LIMIT)
            while out:
                yield out
                out = inflater.decompress(inflater.unconsumed_tail, _INFLATE_LIMIT) if inflater.unconsumed_tail else b""
        except zlib.error:
            raise ContentEncodingError(f"{label}: invalid data at byte {pos + _first_bad_byte(saved, piece)}") from None
        pos += len(piece)
    if not inflater.eof:
        raise ContentEncodingError(f"{label}: the compressed body ends early, at byte {pos}")
    tail = inflater.flush()
    if tail:
        yield tail


def _chain(*its: Iterator[bytes]) -> Iterator[bytes]:
    for it in its:
        yield from it


class _Body:
    """A record's payload decoded from its transfer and content encodings, read lazily."""

    def __init__(self, raw: Any, transfer: Optional[str], content: Optional[str]) -> None:
        self.raw = raw
        chunks: Iterator[bytes] = self._raw_chunks()
        coded = False
        if "chunked" in _codings(transfer):
            chunks = _dechunk(chunks)
            coded = True
        for coding in reversed(_codings(content)):
            if coding in _COMPRESSIONS:
                chunks = _inflate(chunks, coding)
                coded = True
        # The stored bytes' digest is only asked for a body that cannot be decoded. An
        # encoded body's stored bytes are gone once decoded: hashed as they are read. A
        # body stored as it is (most of an archive) keeps the pieces read until it is whole
        # and is hashed only if asked (SHA-256 of every payload was an eighth of the
        # pre-filter's time).
        self.digest = hashlib.sha256() if coded else None
        self.pieces: Optional[list[bytes]] = None if coded else []
        self.chunks = self._counted(chunks)
        self.buf = b""
        self.done = False

    @staticmethod
    def _counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
        size = 0
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_PAYLOAD_BYTES:
                raise PayloadTooLargeError(
                    f"the payload is larger than {MAX_PAYLOAD_BYTES >> 20} MiB once decoded (MAX_PAYLOAD_BYTES); not read"
                )
            yield chunk

    def _raw_chunks(self) -> Iterator[bytes]:
        while True:
            chunk = self.raw.read(_READ_CHUNK)
            if not chunk:
                return
            if self.digest is not None:
                self.digest.update(chunk)
            elif self.pieces is not None:
                self.pieces.append(chunk)
            yield chunk

    def head(self, size: int) -> bytes:
        while len(self.buf) < size and not self.done:
            piece = next(self.chunks, None)
            if piece is None:
                self.done = True
            else:
                self.buf += piece
        return self.buf[:size]

    def read_all(self) -> bytes:
        parts = [self.buf]
        if not self.done:
            parts.extend(self.chunks)
            self.done = True
        self.buf = b"".join(parts)
        if self.pieces is not None:
            self.pieces = None  # stored as it is and whole: the buffer holds every byte stored
        return self.buf

    def raw_sha256(self) -> str:
        """The SHA-256 of the encoded body as stored (the rest of it is read)."""
        if self.digest is None:  # stored as it is: hashed now, from what was read so far
            self.digest = hashlib.sha256()
            for piece in [self.buf] if self.pieces is None else self.pieces:  # no copy of a body up to the cap
                self.digest.update(piece)
            self.pieces = None
        for _ in self._raw_chunks():
            pass
        return self.digest.hexdigest()


# --- records -------------------------------------------------------------------------------


@dataclass
class ArchiveRecord:
    """One record of an archive: its headers and, on request, its decoded payload.

    ``offset`` is where the record can be found again: the offset of its gzip member (of
    the record itself in an uncompressed file). ``content_type`` is the HTTP one for a
    record with HTTP headers, else the record's own (a ``resource`` record's).
    """

    rec_type: str
    uri: str
    date: Optional[str]
    status: Optional[int]
    content_type: Optional[str]
    headers: list[tuple[str, str]]
    offset: int
    warc_headers: list[tuple[str, str]] = field(default_factory=list)
    _record: Any = None
    _original: Optional[Callable[[ArchiveRecord], Optional[ArchiveRecord]]] = None
    _body: Optional[_Body] = None

    @property
    def charset(self) -> Optional[str]:
        """The charset named in the Content-Type header, if any."""
        return charset_of(self.content_type)

    def header(self, name: str) -> str:
        """An HTTP header ('' if absent)."""
        return _header(self.headers, name)

    def warc_header(self, name: str) -> str:
        """A WARC header ('' if absent)."""
        return _header(self.warc_headers, name)

    def _decoded(self) -> _Body:
        if self._body is None:
            self._body = _Body(self._record.raw_stream, self.header("Transfer-Encoding"), self.header("Content-Encoding"))
        return self._body

    def head(self, size: int = 8192) -> bytes:
        """The first ``size`` bytes of the decoded payload (raises like :meth:`payload`)."""
        return self._decoded().head(size)

    def payload(self) -> bytes:
        """The decoded payload, whole.

        Raises :class:`ContentEncodingError` when the declared encodings cannot be undone,
        and :class:`DamagedArchiveError` / :class:`TruncatedArchiveError` when the archive's
        own bytes are damaged or cut (a half body is never handed out as a whole one).
        """
        body = self._decoded().read_all()
        _drain(self._record, self.uri)
        return body

    def raw_sha256(self) -> str:
        """The SHA-256 of the payload as stored (still encoded): the id of a body that
        cannot be decoded."""
        return self._decoded().raw_sha256()

    def original(self) -> Optional[ArchiveRecord]:
        """For a ``revisit``: the record it refers to, found earlier in the same archive
        (by WARC-Refers-To, WARC-Refers-To-Target-URI and -Date, or the payload digest),
        or None. Read it before asking for another."""
        return self._original(self) if self._original is not None else None


@dataclass
class ArchiveDamage:
    """Bytes of an archive that could not be read: where, and why."""

    offset: int
    error: GkparseError


T = TypeVar("T")


@dataclass
class Visited(Generic[T]):
    """The outcome ``visit`` returned for a record whose bytes were all there."""

    record: ArchiveRecord
    outcome: T


def _drain(record: Any, uri: str) -> None:
    """Read the rest of a record and check it was all there (warcio does not notice a cut)."""
    raw = record.raw_stream
    while raw.read(_READ_CHUNK):
        pass
    if getattr(raw, "limit", 0) > 0:
        raise TruncatedArchiveError("the archive is cut short in this record", source=uri)


class _Member:
    """The decompressed bytes of the gzip member that starts at ``start`` in ``fh``.

    A file ending inside the member raises :class:`TruncatedArchiveError`; corrupt data or
    a wrong checksum raises :class:`DamagedArchiveError`. ``end`` is set once the member's
    trailer has been read and checked.
    """

    def __init__(self, fh: IO[bytes], start: int) -> None:
        self.fh = fh
        self.start = start
        self.consumed = 0
        self.inflater = zlib.decompressobj(31)
        self.pending = b""
        self.at = 0  # bytes of ``pending`` already handed out (slicing the rest off would copy it)
        self.handed = 0
        self.end: Optional[int] = None
        fh.seek(start)

    def tell(self) -> int:
        return self.handed

    def _more(self) -> None:
        data = self.inflater.unconsumed_tail
        if not data:
            data = self.fh.read(_READ_CHUNK)
            if not data:
                raise TruncatedArchiveError(f"the file ends inside the gzip member at offset {self.start} (a cut archive)")
            self.consumed += len(data)
        try:
            self.pending = self.inflater.decompress(data, _INFLATE_LIMIT)
            self.at = 0
        except zlib.error as exc:
            raise DamagedArchiveError(
                f"corrupt gzip member at offset {self.start} ({clean_reason(str(exc), 80)})"
            ) from None
        if self.inflater.eof:
            self.end = self.start + self.consumed - len(self.inflater.unused_data)

    def read(self, size: int = -1) -> bytes:
        while self.at >= len(self.pending) and self.end is None:
            self._more()
        if size is None or size < 0:
            size = len(self.pending)
        out = self.pending[self.at: self.at + size]
        self.at += len(out)
        self.handed += len(out)
        return out

    def finish(self) -> int:
        """Read to the member's end (checking it), and return the offset after it."""
        while self.read(_READ_CHUNK):
            pass
        assert self.end is not None
        return self.end


def _starts_record(fh: IO[bytes], offset: int) -> bool:
    """Whether a gzip member starts at ``offset`` whose first bytes are a record's start."""
    fh.seek(offset)
    inflater = zlib.decompressobj(31)
    out = b""
    try:
        while len(out) < 64:
            data = inflater.unconsumed_tail or fh.read(_PROBE)
            if not data:
                break
            out += inflater.decompress(data, _PROBE)
            if inflater.eof:
                break
    except zlib.error:
        return False
    return bool(_RECORD_START.match(out))


def _resync_gzip(fh: IO[bytes], start: int) -> Optional[int]:
    """The offset of the next gzip member at or after ``start`` that starts a record."""
    pos = start
    while True:
        fh.seek(pos)
        window = fh.read(_READ_CHUNK)
        if len(window) < len(GZIP_MAGIC):
            return None
        hit = window.find(GZIP_MAGIC)
        if hit < 0:
            pos += len(window) - len(GZIP_MAGIC) + 1
            continue
        if _starts_record(fh, pos + hit):
            return pos + hit
        pos += hit + 1


def _resync_plain(fh: IO[bytes], start: int) -> Optional[int]:
    """The offset of the next line at or after ``start`` that starts a record."""
    pos = start
    while True:
        fh.seek(pos)
        window = fh.read(_READ_CHUNK)
        m = _PLAIN_RECORD_START.search(window)
        if m is not None:
            return pos + m.end()
        if len(window) < _READ_CHUNK:
            return None
        pos += len(window) - _PROBE  # overlap: a record start cut by the window is seen whole


def _ends_in_headers(fh: IO[bytes], start: int) -> bool:
    """Whether the file ends before the header block of the record at ``start`` does."""
    fh.seek(start)
    head = fh.read(_READ_CHUNK)
    return len(head) < _READ_CHUNK and b"\r\n\r\n" not in head and b"\n\n" not in head


def _as_damage(exc: Exception, offset: int, uri: Optional[str]) -> GkparseError:
    """Any failure while reading an archive's bytes, as a :class:`DamagedArchiveError`."""
    where = f" ({uri})" if uri else ""
    if isinstance(exc, TruncatedArchiveError):
        reason = exc.reason if exc.source is None else f"the archive is cut short in the record at offset {offset}"
        return TruncatedArchiveError(clean_reason(reason + where))
    if isinstance(exc, DamagedArchiveError):
        return DamagedArchiveError(clean_reason(exc.reason + where))
    if isinstance(exc, ArchiveLoadFailed):
        return DamagedArchiveError(f"no WARC or ARC record starts at offset {offset}")
    detail = clean_reason(str(exc) or type(exc).__name__, 120)
    return DamagedArchiveError(clean_reason(f"unreadable record at offset {offset}{where}: {type(exc).__name__}: {detail}"))


Outcome = Union[Visited[T], ArchiveDamage]


class _Reader(Generic[T]):
    """One pass over an archive file (see :func:`iter_records`)."""

    def __init__(self, path: str, fh: IO[bytes], visit: Callable[[ArchiveRecord], T]) -> None:
        self.path = path
        self.fh = fh
        self.visit = visit
        self.gzip = fh.read(1) == GZIP_MAGIC[:1]  # no WARC or ARC record starts with this byte
        #: hashed keys (record id, uri + date, payload digest) → (offset, index in member)
        self.index: dict[int, tuple[int, int]] = {}
        self.other: Optional[IO[bytes]] = None  # a second handle for revisits' originals

    def close(self) -> None:
        if self.other is not None:
            self.other.close()

    def _record(self, raw: Any, offset: int) -> ArchiveRecord:
        rec = raw.rec_headers
        http = raw.http_headers
        status: Optional[int] = None
        content_type = rec.get_header("Content-Type")
        headers: list[tuple[str, str]] = []
        if http is not None:
            code = http.get_statuscode()
            status = int(code) if code and str(code).isdigit() else None
            content_type = http.get_header("Content-Type")
            headers = list(http.headers)
        uri = rec.get_header("WARC-Target-URI") or self.path
        return ArchiveRecord(
            raw.rec_type or "", uri, rec.get_header("WARC-Date"), status, content_type, headers, offset,
            list(rec.headers), raw, self._original,
        )

    # -- the index of originals for revisits --

    @staticmethod
    def _keys(record: ArchiveRecord, *, refers: bool) -> list[int]:
        if refers:
            rid = record.warc_header("WARC-Refers-To")
            uri = record.warc_header("WARC-Refers-To-Target-URI") or record.uri
            date = record.warc_header("WARC-Refers-To-Date")
        else:
            rid, uri, date = record.warc_header("WARC-Record-ID"), record.uri, record.date or ""
        digest = record.warc_header("WARC-Payload-Digest")
        keys = []
        if rid:
            keys.append(hash(("id", rid)))
        if uri and date:
            keys.append(hash(("at", uri, date)))
        if digest:
            keys.append(hash(("digest", digest)))
        return keys

    def _remember(self, record: ArchiveRecord, where: tuple[int, int]) -> None:
        if record.rec_type in ("response", "resource") and where[1] < _MEMBER_INDEX_LIMIT:
            for key in self._keys(record, refers=False):
                self.index[key] = where

    def _original(self, revisit: ArchiveRecord) -> Optional[ArchiveRecord]:
        where = next((self.index[k] for k in self._keys(revisit, refers=True) if k in self.index), None)
        if where is None:
            return None
        if self.other is None:
            self.other = open(self.path, "rb")
        offset, nth = where
        stream: Any
        if self.gzip:
            stream = _Member(self.other, offset)
        else:
            self.other.seek(offset)
            stream = self.other
        for i, raw in enumerate(ArchiveIterator(stream, arc2warc=True)):
            if i == nth:
                found = self._record(raw, offset)
                found._original = None
                return found
        return None  # pragma: no cover - the index only names records read whole

    # -- the pass --

    def records(self) -> Iterator[Outcome[T]]:
        pos: Optional[int] = 0
        while pos is not None:
            pos = yield from (self._member(pos) if self.gzip else self._plain(pos))

    def _finish(self, it: ArchiveIterator, record: ArchiveRecord) -> None:
        _drain(record._record, record.uri)
        it.read_to_end()

    def _member(self, pos: int) -> Generator[Outcome[T], None, Optional[int]]:
        self.fh.seek(pos)
        magic = self.fh.read(len(GZIP_MAGIC))
        if not magic:
            return None
        uri: Optional[str] = None
        try:
            if magic != GZIP_MAGIC:
                if GZIP_MAGIC.startswith(magic):
                    raise TruncatedArchiveError(f"the file ends inside the gzip member at offset {pos} (a cut archive)")
                raise DamagedArchiveError(f"no gzip member starts at offset {pos}")
            member = _Member(self.fh, pos)
            it = ArchiveIterator(member, arc2warc=True)
            for nth, raw in enumerate(it):
                record = self._record(raw, pos)
                uri = record.uri
                outcome = self.visit(record)
                self._finish(it, record)
                if not it.next_line:  # the member's last record: its checksum first
                    member.finish()
                self._remember(record, (pos, nth))
                yield Visited(record, outcome)
                uri = None
            return member.finish()
        except Exception as exc:  # noqa: BLE001 - any failure here is damage at this offset
            yield ArchiveDamage(pos, _as_damage(exc, pos, uri))
            return _resync_gzip(self.fh, pos + 1)

    def _plain(self, pos: int) -> Generator[Outcome[T], None, Optional[int]]:
        self.fh.seek(pos)
        start = pos
        uri: Optional[str] = None
        try:
            it = ArchiveIterator(self.fh, arc2warc=True)
            for raw in it:
                start = it.offset
                record = self._record(raw, start)
                uri = record.uri
                if raw.length is None and raw.format == "warc":
                    raise TruncatedArchiveError("a record without Content-Length (cut short in its headers?)")
                outcome = self.visit(record)
                self._finish(it, record)
                self._remember(record, (start, 0))
                yield Visited(record, outcome)
                uri = None
                start = it.offset  # where the next record starts
            return None
        except Exception as exc:  # noqa: BLE001 - any failure here is damage at this offset
            failure: Exception = exc
            if uri is None and _ends_in_headers(self.fh, start):
                failure = TruncatedArchiveError(f"the file ends inside the headers of the record at offset {start} (a cut archive)")
            yield ArchiveDamage(start, _as_damage(failure, start, uri))
            return _resync_plain(self.fh, start + 1)


def iter_records(path: str, visit: Callable[[ArchiveRecord], T]) -> Iterator[Union[Visited[T], ArchiveDamage]]:
    """Every record of the WARC/ARC file at ``path``, in archive order: ``visit(record)``'s
    outcome as a :class:`Visited`, yielded once the record was read whole (and its gzip
    member checked), or an :class:`ArchiveDamage` where bytes could not be read.

    ``visit`` may read the record's payload and should catch :class:`ContentEncodingError`
    (the record's own damage: the archive reads on normally); any other failure while the
    record is read is damage at its offset. After damage, reading goes on at the next gzip member
    (or line, uncompressed) that starts a record. Raises ``OSError`` if the file cannot be
    opened.
    """
    with open(path, "rb") as fh:
        reader: _Reader[T] = _Reader(path, fh, visit)
        try:
            yield from reader.records()
        finally:
            reader.close()


# --- writing ------------------------------------------------------------------------------


@dataclass
class Exchange:
    """One HTTP request and its response, body already decoded from Content-Encoding.

    ``method`` and ``request_body`` are the request's (a form POST's body as sent, e.g.
    ``application/x-www-form-urlencoded`` bytes; empty for a GET)."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    http_version: str
    headers: list[tuple[str, str]]
    body: bytes
    date: datetime
    method: str = "GET"
    request_body: bytes = b""

    def header(self, name: str) -> str:
        return _header(self.headers, name)


def payload_digest(body: bytes) -> str:
    """The digest of a body in the form warcio writes in ``WARC-Payload-Digest``."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def write_exchange(writer: WARCWriter, hop: Exchange) -> int:
    """Write ``hop`` as a request and a response record; returns the records written (2).

    The request record holds the whole HTTP request, as WARC 1.1 (section 6.5) has it:
    the request line with ``hop.method``, the headers, and ``hop.request_body`` (a POST's
    form) with its ``Content-Length`` (added when the headers lack it: HTTP clients set
    it as they send)."""
    date = datetime_to_iso_date(hop.date)
    parts = urlsplit(hop.url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    sent = list(hop.request_headers)
    if hop.request_body and not _header(sent, "Content-Length"):
        sent.append(("Content-Length", str(len(hop.request_body))))
    request_http = StatusAndHeaders(f"{hop.method.upper()} {target} HTTP/1.1", sent, is_http_request=True)
    request = writer.create_warc_record(
        hop.url, "request", payload=io.BytesIO(hop.request_body), length=len(hop.request_body),
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
