"""Inputs of a batch: paths expanded once, then read into :class:`Job` items in order.

:func:`expand_inputs` turns files, folders, globs and ``-`` into the list of paths to read
(one walk of each folder; an input that names nothing raises before anything is read).
:func:`iter_jobs` reads those paths lazily: a document file (a page, a text dump, a PDF or
Word file: :data:`~gkparse.read.sniff.READ_FORMS`) is one job, a WARC/ARC archive one job
per report-like record (read through :mod:`gkparse.warc`), ``-`` one job from stdin.
Everything else is *skipped* with a named reason passed to ``on_skip``: a file or record
in a form gkparse does not read (``wps``, ``excel``, ``image``, …; see
:mod:`gkparse.read.sniff`), and in an
archive a record that holds no document (``not-a-response``), an HTTP status other than
200 (``http-404``), an ``empty`` body, a body with ``no-report-marker``, a revisit whose
original is not in the archive (``revisit-without-original``), a ``segmented`` record or
one the crawler cut (``truncated-by-crawler``).

>>> job = Job(b"abc", "example.txt")
>>> job.report_id[:16]
'ba7816bf8f01cfea'
"""

from __future__ import annotations

import errno
import glob
import hashlib
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, ContextManager, Iterable, Iterator, Optional, Union

from ..errors import GkparseError
from ..read.decode import normalize_encoding
from ..read.gzipped import is_gzip
from ..read.sniff import FORM_SUFFIXES, READ_FORMS, WIDE_BOMS, looks_binary, sniff_form, utf16_byte_order
from ..vocabulary import REPORT_BYTE_MARKERS
from ..warc import ArchiveDamage, ArchiveRecord, ContentEncodingError, clean_reason, iter_records

__all__ = [
    "ARCHIVE_SUFFIXES",
    "DOCUMENT_SUFFIXES",
    "FORM_SUFFIXES",
    "GZIPPED_SUFFIXES",
    "GB_MARKERS",
    "MARKERS",
    "UTF8_MARKERS",
    "WIDE_ENCODINGS",
    "WIDE_MARKERS",
    "WIDE_MARKERS_BY_ENCODING",
    "wide_encoding",
    "SKIP_REASONS",
    "STDIN",
    "UNREADABLE",
    "Job",
    "display_path",
    "unreadable_id",
    "expand_inputs",
    "is_archive",
    "iter_archive",
    "iter_file",
    "iter_jobs",
    "Opener",
    "read_job",
    "looks_like_report",
    "sniff_form",
]

#: The input name that means standard input.
STDIN = "-"
ARCHIVE_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
#: Files taken when walking a folder (files named explicitly are always taken); .mhtml and
#: .mht are pages a browser saved as one file.
DOCUMENT_SUFFIXES = (
    ".html", ".htm", ".shtml", ".xhtml", ".txt", ".jsp", ".asp", ".aspx", ".php", ".mhtml", ".mht",
) + ARCHIVE_SUFFIXES
#: A document or a file of a form gkparse reads, compressed whole with gzip (report.html.gz):
#: read as the document it holds (:mod:`gkparse.read.gzipped`).
GZIPPED_SUFFIXES = tuple(
    suffix + ".gz" for suffix in DOCUMENT_SUFFIXES + tuple(s for s, f in FORM_SUFFIXES.items() if f in READ_FORMS)
    if suffix not in ARCHIVE_SUFFIXES
)
#: Files a folder walk takes: documents, archives, gzipped documents and the forms counted as skipped.
WALKED_SUFFIXES = DOCUMENT_SUFFIXES + GZIPPED_SUFFIXES + tuple(FORM_SUFFIXES)
#: The report markers as UTF-8 and as GB18030 bytes (the two encodings reports are served
#: in; GBK and GB2312 are subsets of GB18030): the pre-filter looks for them before anything
#: is decoded.
UTF8_MARKERS: tuple[bytes, ...] = tuple(dict.fromkeys(m.encode("utf-8") for m in REPORT_BYTE_MARKERS))
GB_MARKERS: tuple[bytes, ...] = tuple(dict.fromkeys(m.encode("gb18030") for m in REPORT_BYTE_MARKERS))
#: The encodings of a report served in wide characters (a Word page saved as "Unicode", a
#: text export), which :mod:`gkparse.read.decode` reads: UTF-16 with or without a
#: byte-order mark, UTF-32 with one.
WIDE_ENCODINGS = ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
#: The report markers in each of :data:`WIDE_ENCODINGS`, looked for only in a payload
#: holding a NUL byte (UTF-8 and GB18030 text never holds one, and wide text always does:
#: its markup, digits and line breaks are ASCII characters, each with a zero byte), in the
#: encoding its byte-order mark or its NULs say (:func:`_wide_markers`).
WIDE_MARKERS_BY_ENCODING: dict[str, tuple[bytes, ...]] = {
    e: tuple(dict.fromkeys(m.encode(e) for m in REPORT_BYTE_MARKERS)) for e in WIDE_ENCODINGS
}
WIDE_MARKERS: tuple[bytes, ...] = tuple(dict.fromkeys(m for e in WIDE_ENCODINGS for m in WIDE_MARKERS_BY_ENCODING[e]))
MARKERS: tuple[bytes, ...] = tuple(dict.fromkeys(UTF8_MARKERS + GB_MARKERS + WIDE_MARKERS))
#: The only HTTP status whose archived payload is the page itself.
STATUS_OK = 200
#: Record types whose content is a document: a response's payload, a resource's or
#: conversion's block (e.g. a saved page, a text extracted from a PDF).
DOCUMENT_RECORDS = ("response", "resource", "conversion")
#: Bytes looked at to tell a document's form (magic numbers, binary content).
HEAD = 8192
#: The skip reasons, besides ``http-NNN`` and the form names of :func:`sniff_form`.
SKIP_REASONS = {
    "not-a-response": "a record that holds no document (warcinfo, request, metadata, continuation)",
    "revisit-without-original": "a revisit whose original record is not earlier in the same archive",
    "segmented": "one segment of a record split over several (never a whole document)",
    "truncated-by-crawler": "a record the crawler cut short (WARC-Truncated)",
    "empty": "an empty body",
    "no-report-marker": "a text body without any report marker (the byte-level pre-filter)",
}
#: Bytes read at a time when hashing a damaged archive: it is never held whole in memory.
HASH_CHUNK = 1 << 20
#: The error type of an input that could not be read (missing, a dangling link, no
#: permission): its error record's id is derived from the path, never from bytes it lacks.
UNREADABLE = "UnreadableInputError"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Job:
    """One input item: the bytes to parse and where they came from.

    ``report_id`` (the SHA-256 of ``data``) is computed once, when the job is made, and
    travels with it to the worker and into the report. A job for an input that could not
    be read carries ``error`` = (type, reason) and may carry the id of the whole input
    (a damaged archive's digest). A *deferred* job names a local file in ``path`` instead
    of holding its bytes: ``data`` is empty and ``report_id`` unknown until the worker
    reads it (:func:`read_job`), so the batch's parent neither reads nor hashes it.
    """

    data: bytes
    source: str
    date: Optional[str] = None
    encoding: Optional[str] = None
    #: (type, reason) when the item could not even be read (e.g. a truncated archive).
    error: Optional[tuple[str, str]] = None
    report_id: str = field(default="")
    #: For an item of an archive: the archive's path and the offset of the record (of
    #: its gzip member) or of the damage.
    archive: Optional[str] = None
    offset: Optional[int] = None
    #: For a deferred job: the local file to read (as :func:`expand_inputs` named it).
    path: Optional[str] = None

    def __post_init__(self) -> None:
        if not self.report_id and self.path is None:
            self.report_id = _sha256(self.data)

    def identity(self) -> str:
        """``report_id``; for a deferred job not read yet, the SHA-256 of its file now (read
        in chunks; :func:`unreadable_id` when it cannot be read): the id of its error record
        when its worker dies before it answers."""
        if self.report_id or self.path is None:
            return self.report_id
        return _file_digest(self.path)


def is_archive(path: str) -> bool:
    """Whether ``path`` names a WARC/ARC archive (by its suffix)."""
    return path.lower().endswith(ARCHIVE_SUFFIXES)


def display_path(path: str) -> str:
    r"""``path`` as valid Unicode for the records: a file name's bytes that are not UTF-8
    (held as surrogates by Python) become ``\xNN`` escapes.

    >>> display_path(os.fsdecode(b"a\xff.txt")), display_path("年报.txt")
    ('a\\xff.txt', '年报.txt')
    """
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def unreadable_id(path: str) -> str:
    """The report id of an input that could not be read: the SHA-256 of ``unreadable:`` and
    the path's bytes (never the id of an empty input, nor of another unreadable one)."""
    return _sha256(b"unreadable:" + os.fsencode(path))


def _is_hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _is_broken_link(path: Path) -> bool:
    """A symbolic link to nothing (a missing target, a loop): an input that cannot be read."""
    return path.is_symlink() and not path.exists()


def _walk(folder: Path) -> list[str]:
    """The document files (and files of :data:`FORM_SUFFIXES`) under ``folder``,
    recursively, sorted by relative path. A broken link with such a name is taken too: it
    fails as unreadable rather than vanish from the counts."""
    found: list[tuple[str, str]] = []  # (relative path, path)
    for p in folder.rglob("*"):
        # The name first: it costs no system call, and rules out most of what is not taken.
        if not p.name.lower().endswith(WALKED_SUFFIXES) or not (p.is_file() or _is_broken_link(p)):
            continue
        relative = p.relative_to(folder)
        if not _is_hidden(relative):
            found.append((relative.as_posix(), str(p)))
    found.sort()
    return [path for _, path in found]


def _expand_one(item: str) -> list[str]:
    if item == STDIN:
        return [item]
    path = Path(item)
    if path.is_dir():
        return _walk(path)
    if path.exists() or path.is_symlink():  # a broken link names an input: it fails as unreadable
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


def looks_like_report(payload: bytes, charset: Optional[str] = None) -> bool:
    """Cheap byte-level pre-filter: does the payload hold a report marker
    (:data:`~gkparse.vocabulary.REPORT_BYTE_MARKERS`) in UTF-8, GB18030 or a wide
    encoding (:data:`WIDE_ENCODINGS`)?

    Most pages hold none, so the cost is that of ruling every marker out: each one is a
    scan of the payload. The GB18030 markers are looked for only in a payload that is not
    valid UTF-8 (valid UTF-8 is never a GB page with Chinese text in it; validating runs
    several times faster than the scans it saves), which halves the scans of a UTF-8 page;
    the wide ones only in a payload holding a NUL byte (one scan, in C), in the encoding
    :func:`wide_encoding` finds (``charset``: the one the payload is served with).

    >>> looks_like_report("二、上年结转 申请人情况 自然人".encode("gb18030")), looks_like_report(b"<p>weather</p>")
    (True, False)
    >>> looks_like_report("<td>申请人情况</td>".encode("utf-16"))
    True
    >>> looks_like_report("政府信息公开工作年度报告".encode("utf-8"))  # chrome and titles hold these words
    False
    """
    if any(m in payload for m in UTF8_MARKERS):
        return True
    if b"\x00" in payload:
        # A scan for a UTF-16 marker costs ~6x one for a UTF-8 marker: one encoding's are
        # run where the payload says which (``charset``: the one it is served with).
        wide = wide_encoding(payload, charset)
        if any(m in payload for m in (WIDE_MARKERS if wide is None else WIDE_MARKERS_BY_ENCODING[wide])):
            return True
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return any(m in payload for m in GB_MARKERS)
    return False


def wide_encoding(payload: bytes, charset: Optional[str] = None) -> Optional[str]:
    """The wide encoding (:data:`WIDE_ENCODINGS`) a payload's byte-order mark, its declared
    ``charset`` or its NULs say, else None.

    >>> wide_encoding(b"<\\x00p\\x00", "UTF-16LE"), wide_encoding(b"\\xfe\\xff\\x00<"), wide_encoding(b"<p>", "utf-8")
    ('utf-16-le', 'utf-16-be', None)
    """
    for bom, encoding in WIDE_BOMS:
        if payload.startswith(bom):
            return encoding
    declared = normalize_encoding(charset) if charset else None
    if declared in WIDE_ENCODINGS:
        return declared
    return utf16_byte_order(payload[:HEAD])


def _file_digest(path: str) -> str:
    """The SHA-256 of a file, read in chunks (:func:`unreadable_id` if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(HASH_CHUNK):
                digest.update(chunk)
    except OSError:
        return unreadable_id(path)
    return digest.hexdigest()


def _unreadable(path: str, exc: OSError) -> Job:
    """The error job of a file that cannot be read; its id is derived from the path."""
    reason = f"cannot read the file: {exc.strerror or exc}"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        reason += " (a link to a missing file)"
    return Job(b"", display_path(path), error=(UNREADABLE, reason), report_id=unreadable_id(path))


#: What becomes of one record: a job (a document, or an error record), or a skip reason.
Outcome = Union[Job, str]


def _error_job(path: str, record: ArchiveRecord, uri: str, date: Optional[str], offset: int, exc: ContentEncodingError) -> Job:
    """The error job of a record whose body cannot be decoded; its id is the SHA-256 of the
    body as stored."""
    return Job(b"", uri, date=date, error=(type(exc).__name__, clean_reason(exc.reason)),
               report_id=record.raw_sha256(), archive=display_path(path), offset=offset)


def _document(path: str, record: ArchiveRecord, uri: str, date: Optional[str], offset: int) -> Outcome:
    """A record whose content may be a document (for a revisit: its original, under the
    revisit's URI, date and offset)."""
    if record.status is not None and record.status != STATUS_OK:
        return f"http-{record.status}"
    if record.warc_header("WARC-Truncated"):
        return "truncated-by-crawler"
    try:
        head = record.head(HEAD)
        if not head:
            return "empty"
        # Wide text holds NULs: served as such, it is text however its NULs fall.
        binary = looks_binary(head) and wide_encoding(head, record.charset) is None
        form = sniff_form(head, record.content_type, uri) or ("binary" if binary else None)
        if form is not None and form not in READ_FORMS and form != "office":
            return form
        payload = record.payload()
    except ContentEncodingError as exc:
        return _error_job(path, record, uri, date, offset, exc)
    if form == "office":  # an OLE file's streams are named past its head: look at all of it
        form = sniff_form(payload, record.content_type, uri)
        if form not in READ_FORMS:
            return form or "office"
    if form is None and not looks_like_report(payload, record.charset):
        return "no-report-marker"  # a PDF or Word file's report words are compressed: no pre-filter
    return Job(payload, uri, date=date, encoding=record.charset, archive=display_path(path), offset=offset)


def _record_outcome(path: str, record: ArchiveRecord) -> Outcome:
    """What becomes of one record of the archive at ``path``."""
    if record.warc_header("WARC-Segment-Number") or record.rec_type == "continuation":
        return "segmented"
    if record.rec_type == "revisit":
        original = record.original()
        if original is None:
            return "revisit-without-original"
        return _document(path, original, record.uri, record.date, record.offset)
    if record.rec_type not in DOCUMENT_RECORDS:
        return "not-a-response"
    return _document(path, record, record.uri, record.date, record.offset)


def iter_archive(path: str, on_skip: Optional[Callable[[str, str], None]] = None) -> Iterator[Job]:
    """Jobs for the report-like records of the WARC/ARC file at ``path``, in archive order.

    ``response``, ``resource`` and ``conversion`` records (and ``revisit`` records, read
    as their original) whose body is a 200 text document holding a report marker become
    jobs; every other record is passed to ``on_skip(uri, reason)``. A record whose body
    cannot be decoded is an error job naming its offset. Damage (a cut or corrupt gzip
    member, bytes that are no record) is an error job for the archive at the damage's
    offset, whose report id is the digest of the file (read in chunks); reading goes on
    at the next record the damage left whole.
    """
    digest: Optional[str] = None
    try:
        for item in iter_records(path, lambda record: _record_outcome(path, record)):
            if isinstance(item, ArchiveDamage):
                digest = digest or _file_digest(path)
                error = (type(item.error).__name__, clean_reason(item.error.reason))
                name = display_path(path)
                yield Job(b"", name, error=error, report_id=digest, archive=name, offset=item.offset)
            elif isinstance(item.outcome, Job):
                yield item.outcome
            elif on_skip is not None:
                on_skip(item.record.uri, item.outcome)
    except OSError as exc:
        yield _unreadable(path, exc)


#: Opens an input for reading bytes: :func:`open` for a local file; a cluster passes one that
#: opens remote URLs (``fsspec.open``), so that every reader decides alike what it takes.
Opener = Callable[[str], ContextManager[IO[bytes]]]


def _open_local(path: str) -> IO[bytes]:
    return open(path, "rb")


def iter_file(
    path: str, on_skip: Optional[Callable[[str, str], None]] = None, *, opener: Opener = _open_local,
) -> Iterator[Job]:
    """The job of one document file (local, or whatever ``opener`` opens), or a skip passed
    to ``on_skip(path, form)`` when it is in a form gkparse does not read; a file that cannot
    be read (``OSError``) is an error job. :func:`iter_jobs` reads every document file so."""
    return _read_file(path, on_skip, opener)


def _read_file(path: str, on_skip: Optional[Callable[[str, str], None]], opener: Opener = _open_local) -> Iterator[Job]:
    """The job of one document file, or a skip when it is in a form gkparse does not read."""
    try:
        with opener(path) as fh:
            head = fh.read(HEAD)
            form = sniff_form(head, None, path)
            if form == "compressed" and is_gzip(head) and path.lower().endswith(GZIPPED_SUFFIXES):
                form = None  # a document compressed whole: parse() reads what it holds
            if form is not None and form not in READ_FORMS and form != "office":
                if on_skip is not None:
                    on_skip(path, form)
                return
            data = head + fh.read()
        if form == "office":  # an OLE file's streams are named past its head: look at all of it
            form = sniff_form(data, None, path)
            if form not in READ_FORMS:
                if on_skip is not None:
                    on_skip(path, form or "office")
                return
    except OSError as exc:
        yield _unreadable(path, exc)
        return
    yield Job(data, display_path(path))


def read_job(job: Job) -> Union[Job, str]:
    """A deferred job (``path`` set) read as :func:`iter_jobs` reads a file: the job of its
    bytes (or the error job of a file that cannot be read), or the skip reason of a file in
    a form gkparse does not read. Any other job is returned as it is."""
    if job.path is None:
        return job
    skipped: list[str] = []
    read = next(_read_file(job.path, lambda _, reason: skipped.append(reason)), None)
    return read if read is not None else skipped[0]


def iter_jobs(
    paths: Iterable[str],
    *,
    on_skip: Optional[Callable[[str, str], None]] = None,
    stdin: Optional[IO[bytes]] = None,
    deferred: bool = False,
) -> Iterator[Job]:
    """Every job of ``paths`` (as :func:`expand_inputs` returns them) in order.

    A file is read when its turn comes, so memory holds one input at a time; see
    :func:`iter_archive` for archives. A file in a form gkparse does not read (an image,
    a WPS file, …; see :func:`sniff_form`) is passed to ``on_skip(path, form)``. ``-``
    reads ``stdin`` (default: the process's standard input). A file that cannot be read
    becomes an error job. ``deferred``: a document file (not an archive, not stdin) is a
    deferred job, read by whoever runs it (:func:`read_job`; its skip is that one's to
    report), so that reading and hashing it happen in the worker, not here.
    """
    for path in paths:
        if path == STDIN:
            stream = stdin if stdin is not None else sys.stdin.buffer
            yield Job(stream.read(), STDIN)
        elif is_archive(path):
            yield from iter_archive(path, on_skip)
        elif deferred:
            yield Job(b"", display_path(path), path=path)
        else:
            yield from _read_file(path, on_skip)
