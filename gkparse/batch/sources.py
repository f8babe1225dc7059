"""Inputs of a batch: paths expanded once, then read into :class:`Job` items in order.

:func:`expand_inputs` turns files, folders, globs and ``-`` into the list of paths to read
(one walk of each folder; an input that names nothing raises before anything is read).
:func:`iter_jobs` reads those paths lazily: a document file is one job, a WARC/ARC archive
one job per report-like response record (read through :mod:`gkparse.warc`), ``-`` one job
from stdin.

>>> job = Job(b"abc", "example.txt")
>>> job.report_id[:16]
'ba7816bf8f01cfea'
"""

from __future__ import annotations

import glob
import hashlib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Optional

from ..errors import GkparseError
from ..vocabulary import REPORT_BYTE_MARKERS
from ..warc import ArchiveRecord, iter_responses

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DOCUMENT_SUFFIXES",
    "MARKERS",
    "STDIN",
    "Job",
    "expand_inputs",
    "is_archive",
    "iter_archive",
    "iter_jobs",
    "looks_like_report",
]

#: The input name that means standard input.
STDIN = "-"
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
#: Files taken when walking a folder (files named explicitly are always taken).
DOCUMENT_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".txt", ".jsp", ".asp", ".aspx", ".php") + ARCHIVE_SUFFIXES
#: The report markers as bytes, in both encodings reports are served in: the pre-filter
#: looks for them before anything is decoded.
MARKERS: tuple[bytes, ...] = tuple(
    dict.fromkeys(m.encode(enc) for m in REPORT_BYTE_MARKERS for enc in ("utf-8", "gb18030"))
)
#: Content types whose archived payload may be a report page (octet-stream: servers that
#: do not know what a .txt dump is).
TEXT_CONTENT_TYPES = ("text/", "application/xhtml", "application/xml", "application/octet-stream")
#: The only HTTP status whose archived payload is the page itself.
STATUS_OK = 200
#: Bytes read at a time when hashing a damaged archive: it is never held whole in memory.
HASH_CHUNK = 1 << 20


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Job:
    """One input item: the bytes to parse and where they came from.

    ``report_id`` (the SHA-256 of ``data``) is computed once, when the job is made, and
    travels with it to the worker and into the report. A job for an input that could not
    be read carries ``error`` = (type, reason) and may carry the id of the whole input
    (a damaged archive's digest).
    """

    data: bytes
    source: str
    date: Optional[str] = None
    encoding: Optional[str] = None
    #: (type, reason) when the item could not even be read (e.g. a truncated archive).
    error: Optional[tuple[str, str]] = None
    report_id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.report_id:
            self.report_id = _sha256(self.data)


def is_archive(path: str) -> bool:
    """Whether ``path`` names a WARC/ARC archive (by its suffix)."""
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(folder: Path) -> list[str]:
    """The document files under ``folder``, recursively, sorted by relative path."""
    found = [
        p for p in folder.rglob("*")
        if p.is_file() and p.name.lower().endswith(DOCUMENT_SUFFIXES) and not _is_hidden(p, folder)
    ]
    found.sort(key=lambda p: p.relative_to(folder).as_posix())
    return [str(p) for p in found]


def _expand_one(item: str) -> list[str]:
    if item == STDIN:
        return [item]
    path = Path(item)
    if path.is_dir():
        return _walk(path)
    if path.exists():
        return [item]
    if glob.has_magic(item):
        matches = sorted(glob.glob(item, recursive=True))
        if not matches:
            raise GkparseError("no file matches this pattern", source=item)
        return [p for m in matches for p in (_walk(Path(m)) if Path(m).is_dir() else [m])]
    raise GkparseError("no such file or folder", source=item)


def expand_inputs(inputs: Iterable[str]) -> list[str]:
    """The paths to read, in a deterministic order: files as given, folders walked
    recursively (sorted, document suffixes only, hidden parts skipped), globs expanded
    (sorted), ``-`` kept for stdin.

    Every folder is walked once, here. Raises :class:`GkparseError` for an input that names
    nothing, before any input is read.
    """
    return [path for item in inputs for path in _expand_one(str(item))]


def looks_like_report(payload: bytes) -> bool:
    """Cheap byte-level pre-filter: does the payload hold a report marker (UTF-8 or GB18030)?

    >>> looks_like_report("政府信息公开工作年度报告".encode("gb18030")), looks_like_report(b"<p>weather</p>")
    (True, False)
    """
    return any(m in payload for m in MARKERS)


def _file_digest(path: str) -> str:
    """The SHA-256 of a file, read in chunks (empty input's digest if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return _sha256(b"")
    return digest.hexdigest()


def _damaged(path: str, exc: Exception) -> Job:
    # str(exc), not exc.reason: a TruncatedArchiveError names the record that is cut.
    reason = f"damaged archive: {exc}" if str(exc) else "damaged archive"
    return Job(b"", path, error=(type(exc).__name__, reason), report_id=_file_digest(path))


def _unreadable(path: str, exc: OSError) -> Job:
    return Job(b"", path, error=("GkparseError", f"cannot read the file: {exc.strerror}"))


def _may_be_report(record: ArchiveRecord) -> bool:
    """A 200 response (or one without HTTP headers) whose content type may be a page."""
    if record.status is not None and record.status != STATUS_OK:
        return False
    content_type = (record.content_type or "").strip().lower()
    return not content_type or content_type.startswith(TEXT_CONTENT_TYPES)


def iter_archive(path: str, on_skip: Optional[Callable[[str], None]] = None) -> Iterator[Job]:
    """Jobs for the report-like response records of the WARC/ARC file at ``path``.

    Records that are not 200 responses with a text content type, or whose payload has no
    report marker, are passed to ``on_skip`` (with their URI) and not yielded. A damaged
    archive (e.g. gzip cut mid-record) ends with one error job for the file, whose report
    id is the digest of the file, read in chunks.
    """
    try:
        fh = open(path, "rb")
    except OSError as exc:
        yield _unreadable(path, exc)
        return
    with fh:
        try:
            for record in iter_responses(fh, source=path):
                # payload() checks the record was all there: a half body raises, never parsed.
                payload = record.payload() if _may_be_report(record) else None
                if payload is None or not looks_like_report(payload):
                    if on_skip is not None:
                        on_skip(record.uri)
                    continue
                yield Job(payload, record.uri, date=record.date, encoding=record.charset)
        except Exception as exc:  # noqa: BLE001 - a damaged archive is one error record, then the batch goes on
            yield _damaged(path, exc)


def iter_jobs(
    paths: Iterable[str],
    *,
    on_skip: Optional[Callable[[str], None]] = None,
    stdin: Optional[IO[bytes]] = None,
) -> Iterator[Job]:
    """Every job of ``paths`` (as :func:`expand_inputs` returns them) in order.

    A file is read when its turn comes, so memory holds one input at a time; see
    :func:`iter_archive` for archives and ``on_skip``. ``-`` reads ``stdin`` (default:
    the process's standard input). A file that cannot be read becomes an error job.
    """
    for path in paths:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Job(stream.read(), STDIN)
        elif is_archive(path):
            yield from iter_archive(path, on_skip)
        else:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                yield _unreadable(path, exc)
                continue
            yield Job(data, path)
