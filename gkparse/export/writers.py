"""Output formats of ``gkparse convert``: one :class:`Writer` class each, in a registry.

A writer opens on a path (and closes the file) or on a binary stream (and only flushes
it), takes one batch result at a time with ``write(result)`` and finishes with
``close()``. :data:`WRITERS` maps each format name to its writer class and the file
suffixes that select it; :func:`format_for` reads it, and so does the CLI's ``--format``.

>>> sorted(WRITERS)
['cells-csv', 'cells-parquet', 'jsonl']
>>> format_for("reports.jsonl"), format_for("cells.CSV"), format_for("-"), format_for("x.txt", "jsonl")
('jsonl', 'cells-csv', 'jsonl', 'jsonl')

A new format is one class registered with :func:`register`::

    @register("issues-csv", suffixes=(".issues.csv",))
    class IssueTableWriter(IssuesCsvWriter): ...
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, TYPE_CHECKING, Any, ClassVar, Optional, Protocol, TypeVar, Union

from ..errors import GkparseError
from .rows import CELL_COLUMNS, ISSUE_COLUMNS

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
    "STDOUT",
    "register",
    "format_for",
    "check_writable",
    "OutputLock",
    "JsonlWriter",
    "CellsCsvWriter",
    "CellsParquetWriter",
    "IssuesCsvWriter",
    "PARQUET_ROW_GROUP",
]

#: The output name that means standard output (always JSON Lines unless a format is given).
STDOUT = "-"
#: Cell rows held before they are written as one Parquet row group: a few MB of memory,
#: and groups large enough that readers scan them fast (about 250 reports of 200 cells).
PARQUET_ROW_GROUP = 50_000

Target = Union[str, "os.PathLike[str]", IO[bytes]]


class Writer(Protocol):
    """One output format. ``needs_rows``: whether results must carry their cell and issue
    rows (computed in the workers only when asked). ``appendable``: whether the output can
    be appended to, which ``--resume`` needs."""

    needs_rows: ClassVar[bool]
    appendable: ClassVar[bool]

    def __init__(self, target: Target, *, append: bool = False) -> None: ...

    def write(self, result: Result) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Format:
    """A registered output format: its name, writer class and the suffixes that select it."""

    name: str
    writer: type[Writer]
    suffixes: tuple[str, ...]


#: Every output format by name, in registration order.
WRITERS: dict[str, Format] = {}

W = TypeVar("W", bound=type)


def register(name: str, *, suffixes: Sequence[str]) -> Callable[[W], W]:
    """Class decorator: register a :class:`Writer` as format ``name``, chosen for output
    files ending in one of ``suffixes`` (with the dot; matched case-insensitively)."""

    lowered = tuple(s.lower() for s in suffixes)

    def add(cls: W) -> W:
        if name in WRITERS:
            raise ValueError(f"output format {name!r} is already registered")
        taken = {s: f.name for f in WRITERS.values() for s in f.suffixes}
        for suffix in lowered:
            if suffix in taken:
                raise ValueError(f"suffix {suffix!r} already selects the format {taken[suffix]!r}")
        WRITERS[name] = Format(name, cls, lowered)
        return cls

    return add


def format_for(out: str, fmt: Optional[str] = None) -> str:
    """The output format: ``fmt`` if given, else the one whose suffix ends OUT's name
    (the longest match wins); ``-`` (stdout) is ``jsonl``.

    Raises :class:`GkparseError` for an unknown ``fmt`` or a suffix no format claims,
    naming it.
    """
    names = ", ".join(WRITERS)
    if fmt:
        if fmt not in WRITERS:
            raise GkparseError(f"unknown format {fmt!r} (choose from {names})")
        return fmt
    if out == STDOUT:
        return "jsonl"
    lower = out.lower()
    by_suffix = sorted(((s, f.name) for f in WRITERS.values() for s in f.suffixes), key=lambda p: -len(p[0]))
    for suffix, name in by_suffix:
        if lower.endswith(suffix):
            return name
    known = ", ".join(s for f in WRITERS.values() for s in f.suffixes)
    suffix = PurePath(out).suffix
    what = f"the suffix {suffix!r} names no output format" if suffix else "the name has no suffix"
    raise GkparseError(f"{what}: use one of {known} or give a format ({names})", source=out)


# --- writing to a path or a stream --------------------------------------------------------


class _Output:
    """Owns a file opened on a path, or borrows a stream (flushed, never closed)."""

    def __init__(self, target: Target, *, append: bool) -> None:
        if isinstance(target, (str, os.PathLike)):
            self.stream: IO[bytes] = open(target, "ab" if append else "wb")
            self._owned = True
        else:
            self.stream = target
            self._owned = False

    def close(self) -> None:
        self.stream.flush()
        if self._owned:
            self.stream.close()


def _no_append(fmt: str, append: bool) -> None:
    if append:
        raise GkparseError(f"the {fmt} output is written whole and cannot be appended to")


class _CsvRows:
    """CSV with a header row (UTF-8, ``\\r\\n`` line ends as the csv module writes them);
    rows are tuples in column order (None is written as an empty field)."""

    def __init__(self, stream: IO[bytes], columns: Iterable[str]) -> None:
        self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
        self._writer = csv.writer(self._text)
        self._writer.writerow(list(columns))

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        self._writer.writerows(rows)
        self._text.flush()

    def close(self) -> None:
        self._text.flush()
        self._text.detach()


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


def _require_pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        raise GkparseError("Parquet output needs pyarrow: install gkparse[parquet]") from None
    return pyarrow


#: Columns that hold numbers: Parquet stores them as float64 (counts and amounts share a column).
_NUMBER_COLUMNS = ("value", "expected", "actual")


class _ParquetRows:
    """Rows to a Parquet file, written as a row group whenever ``batch`` rows are pending."""

    def __init__(self, stream: IO[bytes], columns: Iterable[str], batch: Optional[int] = None) -> None:
        pa = _require_pyarrow()
        import pyarrow.parquet as pq

        self._pa = pa
        self.columns = list(columns)
        types = {"year": pa.int64(), **{c: pa.float64() for c in _NUMBER_COLUMNS}}
        self.schema = pa.schema([(c, types.get(c, pa.string())) for c in self.columns])
        self._writer = pq.ParquetWriter(stream, self.schema)
        self._pending: list[Sequence[Any]] = []
        self._batch = batch or PARQUET_ROW_GROUP

    def write_rows(self, rows: Iterable[Sequence[Any]]) -> None:
        self._pending.extend(rows)
        if len(self._pending) >= self._batch:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            columns = {
                c: [_arrow_value(c, v) for v in values] for c, values in zip(self.columns, zip(*self._pending))
            }
            self._writer.write_table(self._pa.Table.from_pydict(columns, schema=self.schema))
            self._pending = []

    def close(self) -> None:
        self._flush()
        self._writer.close()


def _arrow_value(column: str, value: Any) -> Any:
    if column in _NUMBER_COLUMNS and value is not None:
        return float(value)
    return value


# --- the formats --------------------------------------------------------------------------


@register("jsonl", suffixes=(".jsonl", ".ndjson", ".json"))
class JsonlWriter:
    """One full report (or error record) per line; each line is written whole and flushed,
    so a killed run leaves at most one half line (which ``--resume`` drops)."""

    needs_rows: ClassVar[bool] = False
    appendable: ClassVar[bool] = True

    def __init__(self, target: Target, *, append: bool = False) -> None:
        self._out = _Output(target, append=append)

    def write(self, result: Result) -> None:
        # A lone surrogate (a file name's undecodable byte) can only sit inside a JSON
        # string: written as its \uXXXX escape, the line stays valid JSON and UTF-8.
        self._out.stream.write(result.line.encode("utf-8", "backslashreplace") + b"\n")
        self._out.stream.flush()

    def close(self) -> None:
        self._out.close()


class _TableWriter:
    """A table of rows taken from each parsed result; failed inputs add no row."""

    needs_rows: ClassVar[bool] = True
    appendable: ClassVar[bool] = False
    format_name: ClassVar[str]
    columns: ClassVar[tuple[str, ...]]

    def __init__(self, target: Target, *, append: bool = False) -> None:
        _no_append(self.format_name, append)
        self._check()
        self._out = _Output(target, append=False)
        self._table = self._open_table(self._out.stream)

    def _check(self) -> None:
        """Fail before the output is created when a dependency is missing."""

    def _open_table(self, stream: IO[bytes]) -> _CsvRows | _ParquetRows:
        return _CsvRows(stream, self.columns)

    def _rows(self, result: Result) -> Sequence[Sequence[Any]]:
        """The result's rows, as tuples in :attr:`columns` order."""
        return result.cells

    def write(self, result: Result) -> None:
        if result.ok:
            self._table.write_rows(self._rows(result))

    def close(self) -> None:
        self._table.close()
        self._out.close()


@register("cells-csv", suffixes=(".csv",))
class CellsCsvWriter(_TableWriter):
    """The tidy cell table as UTF-8 CSV, columns :data:`~gkparse.export.rows.CELL_COLUMNS`."""

    format_name = "cells-csv"
    columns = CELL_COLUMNS


@register("cells-parquet", suffixes=(".parquet", ".pq"))
class CellsParquetWriter(_TableWriter):
    """The tidy cell table as Parquet (needs pyarrow: ``pip install gkparse[parquet]``)."""

    format_name = "cells-parquet"
    columns = CELL_COLUMNS

    def _check(self) -> None:
        _require_pyarrow()

    def _open_table(self, stream: IO[bytes]) -> _CsvRows | _ParquetRows:
        return _ParquetRows(stream, self.columns)


class IssuesCsvWriter(_TableWriter):
    """Every issue of every parsed report as UTF-8 CSV, columns
    :data:`~gkparse.export.rows.ISSUE_COLUMNS` (``convert --issues``; not an output format)."""

    format_name = "issues-csv"
    columns = ISSUE_COLUMNS

    def _rows(self, result: Result) -> Sequence[Sequence[Any]]:
        return [tuple(row.get(c) for c in self.columns) for row in result.issues]
