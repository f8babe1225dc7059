"""Output formats of ``gkparse convert``: one :class:`Writer` class each, in a registry.

A writer opens on a path (and closes the file) or on a binary stream (and only flushes
it), takes one batch result at a time with ``write(result)`` and finishes with
``close()``. :data:`WRITERS` maps each format of OUT to its writer class and the file
suffixes that select it; :func:`format_for` reads it, and so does the CLI's ``--format``.
:data:`ISSUE_WRITERS` does the same for the issue table (``--issues``,
:func:`issues_format_for`).

>>> sorted(WRITERS)
['cells-csv', 'cells-jsonl', 'cells-parquet', 'cells-xlsx', 'jsonl']
>>> format_for("reports.jsonl"), format_for("cells.CSV"), format_for("-"), format_for("x.txt", "jsonl")
('jsonl', 'cells-csv', 'jsonl', 'jsonl')
>>> format_for("reports.jsonl.gz"), format_for("cells.csv.gz"), format_for("c.cells.jsonl")
('jsonl', 'cells-csv', 'cells-jsonl')
>>> issues_format_for("issues.xlsx"), issues_format_for("issues.csv.gz")
('issues-xlsx', 'issues-csv')

The tables (cells and issues) are written as their schema declares (:mod:`.schema`): the
same values in every format. A name ending in ``.gz`` compresses the JSON Lines and CSV
formats (:mod:`.compression`); Parquet and ``.xlsx`` are compressed inside already.

A new format is one class registered with :func:`register`::

    @register("cells-tsv", suffixes=(".tsv",))
    class CellsTsvWriter: ...
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import os
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, ClassVar, Optional, Protocol, TypeVar, Union
from xml.sax.saxutils import escape as xml_escape

from ..errors import GkparseError
from .compression import GZIP_SUFFIX, compressing, is_gzip_name
from .schema import CELLS, ISSUES, TableSchema, require_pyarrow

if TYPE_CHECKING:
    from ..batch.run import Result

try:
    import fcntl
except ImportError:  # Windows: outputs are not locked
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "Writer",
    "Format",
    "WRITERS",
    "ISSUE_WRITERS",
    "STDOUT",
    "register",
    "format_for",
    "issues_format_for",
    "open_writer",
    "check_options",
    "check_ready",
    "check_writable",
    "OutputLock",
    "JsonlWriter",
    "CellsCsvWriter",
    "CellsJsonlWriter",
    "CellsParquetWriter",
    "CellsXlsxWriter",
    "IssuesCsvWriter",
    "IssuesJsonlWriter",
    "IssuesParquetWriter",
    "IssuesXlsxWriter",
    "PARQUET_ROW_GROUP",
    "XLSX_SHEET_ROWS",
]

#: The output name that means standard output (always JSON Lines unless a format is given).
STDOUT = "-"
#: Cell rows held before they are written as one Parquet row group: a few MB of memory,
#: and groups large enough that readers scan them fast (about 250 reports of 200 cells).
PARQUET_ROW_GROUP = 50_000
#: Rows an Excel worksheet holds (the header row included): Excel's limit since 2007
#: (1,048,576). A table with more rows goes on in a new sheet ("cells 2", …).
XLSX_SHEET_ROWS = 1_048_576

Target = Union[str, "os.PathLike[str]", IO[bytes]]


class Writer(Protocol):
    """One output format. ``needs_rows``: whether results must carry their cell and issue
    rows (computed in the workers only when asked). ``appendable``: whether the output can
    be appended to, which ``--resume`` needs.

    Optional class attributes: ``compressible`` (True: a name ending in ``.gz`` is written
    gzip-compressed; default False, and such a name is refused), ``options`` (the names
    of the keyword options ``__init__`` takes beyond ``append``, e.g. ``("bom",)``; passed by
    :func:`open_writer`) and a ``ready()`` class method (:func:`check_ready`)."""

    needs_rows: ClassVar[bool]
    appendable: ClassVar[bool]

    def __init__(self, target: Target, *, append: bool = False) -> None: ...

    def write(self, result: Result) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Format:
    """A registered output format: its name, writer class and the suffixes that select it;
    ``compressible``: whether ``SUFFIX.gz`` selects it too, compressed."""

    name: str
    writer: type[Writer]
    suffixes: tuple[str, ...]
    compressible: bool = False


#: Every format of OUT by name, in registration order.
WRITERS: dict[str, Format] = {}
#: Every format of the issue table (``--issues``) by name, in registration order.
ISSUE_WRITERS: dict[str, Format] = {}

W = TypeVar("W", bound=type)


def register(name: str, *, suffixes: Sequence[str], registry: Optional[dict[str, Format]] = None) -> Callable[[W], W]:
    """Class decorator: register a :class:`Writer` as format ``name`` of ``registry``
    (:data:`WRITERS`, the default, or :data:`ISSUE_WRITERS`), chosen for output files ending
    in one of ``suffixes`` (with the dot; matched case-insensitively)."""

    lowered = tuple(s.lower() for s in suffixes)
    formats = WRITERS if registry is None else registry

    def add(cls: W) -> W:
        if name in formats:
            raise ValueError(f"output format {name!r} is already registered")
        taken = {s: f.name for f in formats.values() for s in f.suffixes}
        for suffix in lowered:
            if suffix in taken:
                raise ValueError(f"suffix {suffix!r} already selects the format {taken[suffix]!r}")
        formats[name] = Format(name, cls, lowered, bool(getattr(cls, "compressible", False)))
        return cls

    return add


def _choose(formats: Mapping[str, Format], out: str, fmt: Optional[str], what: str) -> str:
    """The format of ``formats`` for the output ``out`` (see :func:`format_for`)."""
    names = ", ".join(formats)
    lower = out.lower()
    base = lower.removesuffix(GZIP_SUFFIX)  # the name of what a .gz output holds
    by_suffix = sorted(((s, f.name) for f in formats.values() for s in f.suffixes), key=lambda p: -len(p[0]))
    own = [name for suffix, name in by_suffix if lower.endswith(suffix)]  # a format whose own suffix ends in .gz
    if fmt:
        if fmt not in formats:
            raise GkparseError(f"unknown format {fmt!r} (choose from {names})")
        chosen = fmt
    elif own:
        chosen = own[0]
    else:
        found = [name for suffix, name in by_suffix if base != lower and base.endswith(suffix)]
        if not found:
            known = ", ".join(s for f in formats.values() for s in f.suffixes)
            suffix = "".join(PurePath(out).suffixes[-2:]) if base != lower else PurePath(out).suffix
            problem = f"the suffix {suffix!r} names no {what} format" if suffix else "the name has no suffix"
            raise GkparseError(f"{problem}: use one of {known} (add {GZIP_SUFFIX} to compress a CSV or JSON Lines output) "
                               f"or give a format ({names})", source=out)
        chosen = found[0]
    if base != lower and chosen not in own and not formats[chosen].compressible:
        raise GkparseError(f"the {chosen} format is compressed inside: name it without {GZIP_SUFFIX}", source=out)
    return chosen


def format_for(out: str, fmt: Optional[str] = None) -> str:
    """The format of OUT (:data:`WRITERS`): ``fmt`` if given, else the one whose suffix ends
    OUT's name, less a final ``.gz`` (the longest match wins); ``-`` (stdout) is ``jsonl``.

    Raises :class:`GkparseError` for an unknown ``fmt``, a suffix no format claims or
    ``.gz`` after a format that cannot be compressed (Parquet, ``.xlsx``), naming it.
    """
    if not fmt and out == STDOUT:
        return "jsonl"
    return _choose(WRITERS, out, fmt, "output")


def issues_format_for(path: str, fmt: Optional[str] = None) -> str:
    """The format of the issue table ``path`` (:data:`ISSUE_WRITERS`), as :func:`format_for`
    chooses OUT's. The issue table goes to a file: ``-`` is a :class:`GkparseError`, as is a
    suffix no issue format claims (``issues.txt``)."""
    if path == STDOUT:
        raise GkparseError("--issues -: the issue table is written to a file, not to standard output")
    return _choose(ISSUE_WRITERS, path, fmt, "issue table")


def check_ready(writer: type) -> None:
    """Raise :class:`GkparseError` when ``writer`` cannot write here (its optional
    dependency is missing: pyarrow, XlsxWriter), to be asked before any output is opened: a
    second output that cannot start must not cost the first its contents. A writer says so
    with a ``ready()`` class method; one without it is always ready."""
    ready = getattr(writer, "ready", None)
    if ready is not None:
        ready()


def _options_of(writer: type) -> tuple[str, ...]:
    return tuple(getattr(writer, "options", ()))


def check_options(options: Optional[Mapping[str, Any]]) -> None:
    """Raise :class:`GkparseError` for an option no registered writer takes (a typo must not
    pass silently)."""
    known = {o for formats in (WRITERS, ISSUE_WRITERS) for f in formats.values() for o in _options_of(f.writer)}
    unknown = sorted(set(options or ()) - known)
    if unknown:
        raise GkparseError(f"unknown writer option {', '.join(map(repr, unknown))} (writers take {', '.join(sorted(known))})")


def open_writer(writer: type[Writer], target: Target, *, append: bool = False, options: Optional[Mapping[str, Any]] = None) -> Writer:
    """``writer`` opened on ``target`` with those of ``options`` it takes (its ``options``
    class attribute): ``{"bom": False}`` reaches the CSV writers and no other."""
    taken = {name: value for name, value in (options or {}).items() if name in _options_of(writer)}
    return writer(target, append=append, **taken)


# --- writing to a path or a stream --------------------------------------------------------


class _Output:
    """Owns a file opened on a path (gzip-compressed when ``compress`` and the name ends in
    ``.gz``), or borrows a stream (flushed, never closed). ``is_file``: whether it writes
    a file it opened."""

    def __init__(self, target: Target, *, append: bool, compress: bool = False) -> None:
        self._raw: Optional[IO[bytes]] = None
        self._member: Optional[contextlib.AbstractContextManager[IO[bytes]]] = None
        if isinstance(target, (str, os.PathLike)):
            if is_gzip_name(target) and not compress:
                raise GkparseError(f"this format is compressed inside: name it without {GZIP_SUFFIX}", source=os.fspath(target))
            self._raw = open(target, "ab" if append else "wb")
            if is_gzip_name(target):
                self._member = compressing(self._raw, compress=True)
                self.stream: IO[bytes] = self._member.__enter__()
            else:
                self.stream = self._raw
        else:
            self.stream = target
        self.is_file = self._raw is not None

    def close(self) -> None:
        self.stream.flush()
        if self._member is not None:
            self._member.__exit__(None, None, None)  # the gzip member's end
        if self._raw is not None:
            self._raw.close()


def _no_append(fmt: str, append: bool) -> None:
    if append:
        raise GkparseError(f"the {fmt} output is written whole and cannot be appended to")


def check_writable(path: str, what: str) -> None:
    """Raise :class:`GkparseError` when ``path`` cannot be written, before any output is
    opened: a bad second path must not cost the first its contents."""
    if path == STDOUT:
        return
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise GkparseError(f"cannot write {what}: {path} is a folder")
    if not folder.is_dir():
        raise GkparseError(f"cannot write {what}: no folder {folder}")
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise GkparseError(f"cannot write {what}: {path}: permission denied")


def _lock_holder(fd: int) -> Optional[int]:
    """The process holding a ``flock`` on the file of ``fd``, from ``/proc/locks`` (Linux;
    None elsewhere or when it cannot be told). Matched on the inode number: on an overlay
    file system the lock's device is the layer's, not the one ``stat`` shows."""
    inode = os.fstat(fd).st_ino
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    holders = set()
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
            holders.add(int(parts[4]))
    return holders.pop() if len(holders) == 1 else None


class OutputLock:
    """An exclusive lock on an output file (``flock``, advisory), held for a whole batch so
    that two runs never write one file: the second fails at once, naming the file (and the
    process that holds it, where the system tells), before anything is truncated or read.

    The file is created (empty) when missing and left otherwise untouched; the lock is on
    the file itself, so no lock file is left behind. :meth:`replace` renames a new file over
    the locked one and keeps it locked (``--resume`` rewriting its output). Only a regular
    file is locked (not ``/dev/null`` or a pipe), and nothing where ``fcntl`` does not exist
    (Windows).
    """

    def __init__(self, path: str, what: str) -> None:
        self.path = path
        self.what = what
        self.created = not os.path.lexists(path)
        try:
            self.fd: Optional[int] = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as exc:
            raise GkparseError(f"cannot write {what}: {path}: {exc.strerror}") from None
        if not stat.S_ISREG(os.fstat(self.fd).st_mode):  # /dev/null, /dev/stdout, a pipe: nothing to keep apart
            self._close()
            return
        if not self._lock(self.fd):
            holder = _lock_holder(self.fd)
            self._close()
            who = f" (process {holder})" if holder is not None else ""
            raise GkparseError(
                f"cannot write {what}: {path} is locked by another gkparse run writing it{who}; "
                "wait for it to end, or write another file"
            )

    def _lock(self, fd: int) -> bool:
        """Lock ``fd`` without waiting; False when another open file holds the lock, or when
        the path no longer names the file locked (another run renamed a new file over it)."""
        if fcntl is None:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            return os.path.samestat(os.fstat(fd), os.stat(self.path))
        except OSError:
            return False

    def replace(self, new: str) -> None:
        """Rename the file ``new`` over the locked file, locked before it takes the name."""
        fd = os.open(new, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a file of our own: nobody else holds it
        os.replace(new, self.path)
        self._close()
        self.fd = fd

    def _close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the only open file of the lock releases it
            self.fd = None

    def release(self, *, discard: bool = False) -> None:
        """Unlock; with ``discard``, first remove the file if this lock created it and it is
        still empty (a run that stopped before writing leaves no trace)."""
        if discard and self.created and self.fd is not None and os.fstat(self.fd).st_size == 0:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
        self._close()

    def __enter__(self) -> OutputLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_require_pyarrow = require_pyarrow  # the check a Parquet writer makes before its file is created


def _require_xlsxwriter() -> Any:
    try:
        import xlsxwriter
    except ImportError:
        raise GkparseError("xlsx output needs XlsxWriter: install gkparse[xlsx]") from None
    return xlsxwriter


# --- the sinks: a table's rows in one file format -------------------------------------------


class _Sink(Protocol):
    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None: ...

    def close(self) -> None: ...


class _CsvSink:
    """RFC 4180 CSV (``\\r\\n`` line ends, fields quoted only when they hold a comma, a
    quote or a line break) with a header row, UTF-8 with a byte-order mark when ``bom``:
    the mark is what makes Excel and WPS read the file as UTF-8 rather than the system's
    code page (GBK on Chinese Windows); pandas, polars, DuckDB and Python's ``utf-8-sig``
    skip it. A value is written as its schema says: a float as Python's shortest exact
    form (``4.0``, ``9116.36``), a missing value as an empty field."""

    def __init__(self, stream: IO[bytes], schema: TableSchema, *, bom: bool) -> None:
        if bom:
            stream.write(codecs.BOM_UTF8)
        # A lone surrogate (an undecodable file name byte) is written as its \\udcXX escape.
        self._text = io.TextIOWrapper(stream, encoding="utf-8", errors="backslashreplace", newline="", write_through=True)
        self._schema = schema
        self._writer = csv.writer(self._text)
        self._writer.writerow(schema.names)

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        values = self._schema.values
        self._writer.writerows(values(row) for row in rows)
        self._text.flush()

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


class _JsonSink:
    """One JSON object per row (keys in column order, missing values as null), UTF-8, one
    line each."""

    def __init__(self, stream: IO[bytes], schema: TableSchema) -> None:
        self._stream = stream
        self._schema = schema

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        names, values = self._schema.names, self._schema.values
        lines = [json.dumps(dict(zip(names, values(row))), ensure_ascii=False, allow_nan=False) for row in rows]
        if lines:
            self._stream.write(("\n".join(lines) + "\n").encode("utf-8", "backslashreplace"))
            self._stream.flush()

    def close(self) -> None:
        self._stream.flush()


class _ParquetSink:
    """Parquet in the Arrow schema of the table (:meth:`~.schema.TableSchema.arrow`), a row
    group each time :data:`PARQUET_ROW_GROUP` rows are pending, the schema's
    dictionary columns dictionary-encoded. Rows stay in the order written (the input's, as
    in every other format; see ``docs/analysis.md`` for why they are not sorted)."""

    def __init__(self, stream: IO[bytes], schema: TableSchema) -> None:
        pa = _require_pyarrow()
        import pyarrow.parquet as pq

        self._pa = pa
        self._schema = schema
        self._arrow = schema.arrow()
        self._writer = pq.ParquetWriter(stream, self._arrow, use_dictionary=list(schema.dictionary))
        self._pending: list[tuple[Any, ...]] = []
        self._batch = PARQUET_ROW_GROUP

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        values = self._schema.values
        self._pending.extend(values(row) for row in rows)
        if len(self._pending) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            columns = [self._pa.array(column, field.type) for column, field in zip(zip(*self._pending), self._arrow)]
            self._writer.write_table(self._pa.Table.from_arrays(columns, schema=self._arrow))
            self._pending = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def _xlsx_text(text: str) -> str:
    """``text`` as XlsxWriter's constant-memory mode writes it: a string that looks like
    rich-text markup (``<r>…</r>``) would go into the sheet's XML unescaped, so it is
    wrapped as a one-run rich string holding the text escaped."""
    if text.startswith("<r>") and text.endswith("</r>"):
        return f'<r><t xml:space="preserve">{xml_escape(text)}</t></r>'
    return text


class _XlsxSink:
    """An Excel workbook written by XlsxWriter in constant-memory mode (a row is written out
    as the next begins: memory stays flat whatever the table's size). A sheet named after
    the table (``cells``) holds a header row and up to :data:`XLSX_SHEET_ROWS` - 1 rows; the
    rows after go on in ``cells 2``, ``cells 3``, … each with its header. Text is written as
    text (never as a formula or a number: ``raw`` ``000003`` stays so), numbers as numbers,
    a missing value as a blank cell; the header row is frozen and filtered. Excel holds at
    most 32,767 characters in a cell: XlsxWriter cuts a longer text (no text gkparse makes is
    that long). The workbook is written at :meth:`close`."""

    def __init__(self, stream: IO[bytes], schema: TableSchema) -> None:
        xlsxwriter = _require_xlsxwriter()
        self._book = xlsxwriter.Workbook(stream, {"constant_memory": True, "use_zip64": True})
        self._schema = schema
        self._strings = [c.type == "string" for c in schema.columns]
        self._sheets = 0
        self._sheet: Any = None
        self._row = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        self._finish_sheet()
        self._sheets += 1
        name = self._schema.name if self._sheets == 1 else f"{self._schema.name} {self._sheets}"
        self._sheet = self._book.add_worksheet(name)
        self._sheet.freeze_panes(1, 0)
        for col, title in enumerate(self._schema.names):
            self._sheet.write_string(0, col, title)
        self._row = 1

    def _finish_sheet(self) -> None:
        if self._sheet is not None:
            self._sheet.autofilter(0, 0, self._row - 1, len(self._strings) - 1)

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        values, strings = self._schema.values, self._strings
        for row in rows:
            if self._row >= XLSX_SHEET_ROWS:
                self._new_sheet()
            sheet, r = self._sheet, self._row
            for col, (value, text) in enumerate(zip(values(row), strings)):
                if value is None:
                    continue
                if text:
                    sheet.write_string(r, col, _xlsx_text(value))
                else:
                    sheet.write_number(r, col, value)
            self._row += 1

    def close(self) -> None:
        self._finish_sheet()
        self._book.close()


# --- the formats --------------------------------------------------------------------------


@register("jsonl", suffixes=(".jsonl", ".ndjson", ".json"))
class JsonlWriter:
    """One full report (or error record) per line; each line is written whole and flushed,
    so a killed run leaves at most one half line (which ``--resume`` drops). ``.jsonl.gz``
    is gzip-compressed, a member per run (``--resume`` appends one)."""

    needs_rows: ClassVar[bool] = False
    appendable: ClassVar[bool] = True
    compressible: ClassVar[bool] = True

    def __init__(self, target: Target, *, append: bool = False) -> None:
        self._out = _Output(target, append=append, compress=True)

    def write(self, result: Result) -> None:
        # A lone surrogate (a file name's undecodable byte) can only sit inside a JSON
        # string: written as its \uXXXX escape, the line stays valid JSON and UTF-8.
        self._out.stream.write(result.line.encode("utf-8", "backslashreplace") + b"\n")
        self._out.stream.flush()

    def close(self) -> None:
        self._out.close()


class _TableWriter:
    """A table of rows taken from each parsed result (failed inputs add no row), written
    whole: never appended to. Subclasses set the table (:attr:`schema`, :meth:`_rows`) and
    the file format (:meth:`_open_sink`)."""

    needs_rows: ClassVar[bool] = True
    appendable: ClassVar[bool] = False
    compressible: ClassVar[bool] = False
    options: ClassVar[tuple[str, ...]] = ()
    format_name: ClassVar[str]
    schema: ClassVar[TableSchema]

    def __init__(self, target: Target, *, append: bool = False) -> None:
        _no_append(self.format_name, append)
        self.ready()
        self._out = _Output(target, append=False, compress=self.compressible)
        self._table = self._open_sink(self._out.stream)

    @classmethod
    def ready(cls) -> None:
        """Raise :class:`GkparseError` when the format cannot be written here (an optional
        dependency is missing), before its output is created."""

    def _open_sink(self, stream: IO[bytes]) -> _Sink:
        raise NotImplementedError

    def _rows(self, result: Result) -> Sequence[Sequence[Any]]:
        """The result's rows, as tuples in the schema's column order."""
        raise NotImplementedError

    def write(self, result: Result) -> None:
        if result.ok:
            self._table.write_rows(self._rows(result))

    def close(self) -> None:
        self._table.close()
        self._out.close()


class _Cells(_TableWriter):
    """The tidy cell table (:data:`~.schema.CELLS`): the rows of ``result.cells``."""

    schema = CELLS

    def _rows(self, result: Result) -> Sequence[Sequence[Any]]:
        return result.cells


class _Issues(_TableWriter):
    """The issue table (:data:`~.schema.ISSUES`): the rows of ``result.issues``."""

    schema = ISSUES

    def _rows(self, result: Result) -> Sequence[Sequence[Any]]:
        names = self.schema.names
        return [tuple(row.get(c) for c in names) for row in result.issues]


class _Csv(_TableWriter):
    """CSV (see :class:`_CsvSink`). ``bom``: whether it starts with a UTF-8 byte-order mark;
    by default a file does (a spreadsheet opens it) and a stream does not (``-o -``: a
    program reading a pipe would take the mark for part of the first column's name)."""

    compressible = True
    options = ("bom",)

    def __init__(self, target: Target, *, append: bool = False, bom: Optional[bool] = None) -> None:
        self._bom = bom
        super().__init__(target, append=append)

    def _open_sink(self, stream: IO[bytes]) -> _Sink:
        return _CsvSink(stream, self.schema, bom=self._out.is_file if self._bom is None else self._bom)


class _Jsonl(_TableWriter):
    """JSON Lines, one object per row (see :class:`_JsonSink`)."""

    compressible = True

    def _open_sink(self, stream: IO[bytes]) -> _Sink:
        return _JsonSink(stream, self.schema)


class _Parquet(_TableWriter):
    """Parquet (see :class:`_ParquetSink`; needs pyarrow: ``pip install gkparse[parquet]``)."""

    @classmethod
    def ready(cls) -> None:
        _require_pyarrow()

    def _open_sink(self, stream: IO[bytes]) -> _Sink:
        return _ParquetSink(stream, self.schema)


class _Xlsx(_TableWriter):
    """An Excel workbook (see :class:`_XlsxSink`; needs XlsxWriter: ``pip install gkparse[xlsx]``)."""

    @classmethod
    def ready(cls) -> None:
        _require_xlsxwriter()

    def _open_sink(self, stream: IO[bytes]) -> _Sink:
        return _XlsxSink(stream, self.schema)


@register("cells-csv", suffixes=(".csv",))
class CellsCsvWriter(_Cells, _Csv):
    """The tidy cell table as CSV (UTF-8, with a byte-order mark in a file unless ``bom=False``)."""

    format_name = "cells-csv"


@register("cells-parquet", suffixes=(".parquet", ".pq"))
class CellsParquetWriter(_Cells, _Parquet):
    """The tidy cell table as Parquet."""

    format_name = "cells-parquet"


@register("cells-jsonl", suffixes=(".cells.jsonl", ".cells.ndjson"))
class CellsJsonlWriter(_Cells, _Jsonl):
    """The tidy cell table as JSON Lines, one object per cell (``.cells.jsonl``: a bare
    ``.jsonl`` holds whole reports)."""

    format_name = "cells-jsonl"


@register("cells-xlsx", suffixes=(".xlsx",))
class CellsXlsxWriter(_Cells, _Xlsx):
    """The tidy cell table as an Excel workbook."""

    format_name = "cells-xlsx"


@register("issues-csv", suffixes=(".csv",), registry=ISSUE_WRITERS)
class IssuesCsvWriter(_Issues, _Csv):
    """Every issue of every parsed report as CSV (UTF-8, with a byte-order mark in a file
    unless ``bom=False``)."""

    format_name = "issues-csv"


@register("issues-parquet", suffixes=(".parquet", ".pq"), registry=ISSUE_WRITERS)
class IssuesParquetWriter(_Issues, _Parquet):
    """Every issue of every parsed report as Parquet."""

    format_name = "issues-parquet"


@register("issues-jsonl", suffixes=(".jsonl", ".ndjson"), registry=ISSUE_WRITERS)
class IssuesJsonlWriter(_Issues, _Jsonl):
    """Every issue of every parsed report as JSON Lines, one object per issue."""

    format_name = "issues-jsonl"


@register("issues-xlsx", suffixes=(".xlsx",), registry=ISSUE_WRITERS)
class IssuesXlsxWriter(_Issues, _Xlsx):
    """Every issue of every parsed report as an Excel workbook."""

    format_name = "issues-xlsx"
