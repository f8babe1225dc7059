"""Gzip-compressed outputs (``reports.jsonl.gz``, ``cells.csv.gz``): writing a gzip stream, and
reading one back as ``--resume`` does, whole or cut by a kill.

A writer opens its file through :func:`compressing`: an output whose name ends in
:data:`GZIP_SUFFIX` is one gzip member per run (appending, as ``--resume`` does, adds a
member: ``gzip -d``, Python, pandas, polars and DuckDB read every member). Each flush of the
writer is a zlib sync flush, so a killed run leaves a member without its end whose flushed
lines are all readable (:class:`Decompressed` reads them); ``--resume`` then rewrites the
file as the lines it keeps (a cut member cannot be appended to).

>>> import io
>>> raw = io.BytesIO()
>>> with compressing(raw, compress=True) as out:
...     _ = out.write(b'{"a": 1}\\n')
>>> raw.getvalue().startswith(GZIP_MAGIC)
True
"""

from __future__ import annotations

import contextlib
import gzip
import os
import zlib
from collections.abc import Generator, Iterable, Iterator
from typing import IO, Union, cast

from ..errors import GkparseError
from ..read.gzipped import GZIP_MAGIC

__all__ = ["GZIP_SUFFIX", "GZIP_LEVEL", "is_gzip_name", "compressing", "Decompressed"]

#: The suffix that makes an output a gzip stream (after the format's own: ``.csv.gz``).
GZIP_SUFFIX = ".gz"
#: zlib's default level: most of level 9's gain at a fraction of its time (the gzip
#: module's default, 9, is several times slower on JSON for a few per cent).
GZIP_LEVEL = 6
#: Bytes read at a time when decompressing or copying an output: a few MB of memory at most.
CHUNK = 1 << 20
#: zlib's ``wbits`` for a gzip header and trailer around the deflate data.
_GZIP_WBITS = 16 + zlib.MAX_WBITS

Name = Union[str, "os.PathLike[str]"]


def is_gzip_name(name: Name) -> bool:
    """Whether an output named ``name`` is written gzip-compressed (its name ends in ``.gz``,
    in any case)."""
    return os.fspath(name).lower().endswith(GZIP_SUFFIX)


def compressing(raw: IO[bytes], *, compress: bool) -> contextlib.AbstractContextManager[IO[bytes]]:
    """A stream writing to ``raw``: a new gzip member (level :data:`GZIP_LEVEL`, no file name
    and time 0 in its header, so equal runs give equal files) when ``compress``, else ``raw``
    itself. Leaving the context ends the member; ``raw`` is never closed. ``flush()`` on the
    member is a zlib sync flush: what was written before it can be read even if the process
    dies before the member ends."""
    if not compress:
        return contextlib.nullcontext(raw)
    member = gzip.GzipFile(filename="", mode="wb", compresslevel=GZIP_LEVEL, fileobj=raw, mtime=0)
    # typeshed has GzipFile as a BufferedIOBase: it writes and flushes bytes as IO[bytes] does.
    return cast("contextlib.AbstractContextManager[IO[bytes]]", member)


class Decompressed:
    """The bytes of an output as its writer wrote them: a plain file's own, a ``.gz`` file's
    decompressed (every member in turn).

    A gzip file cut by a kill (a member without its end) or damaged yields what precedes the
    cut or the damage and sets :attr:`complete` to False; :attr:`size` counts the bytes
    yielded. Raises :class:`GkparseError` when a file named ``.gz`` does not start as gzip:
    it is not this program's output, and rewriting it would lose it.
    """

    def __init__(self, path: Name) -> None:
        self.path = os.fspath(path)
        self.compressed = is_gzip_name(path)
        self.complete = True
        self.size = 0

    def chunks(self) -> Generator[bytes, None, None]:
        """The bytes, a chunk at a time."""
        self.complete, self.size = True, 0
        with open(self.path, "rb") as fh:
            pieces = iter(lambda: fh.read(CHUNK), b"")
            for piece in self._gunzip(pieces) if self.compressed else pieces:
                self.size += len(piece)
                yield piece

    def _gunzip(self, pieces: Iterable[bytes]) -> Iterator[bytes]:
        member = None  # the decompressor of the member being read
        first = True
        for data in pieces:
            if first and not data[: len(GZIP_MAGIC)] == GZIP_MAGIC[: len(data)]:
                raise GkparseError(f"{self.path}: the name ends in {GZIP_SUFFIX} but the file is not gzip")
            first = False
            while data:
                if member is None:
                    member = zlib.decompressobj(_GZIP_WBITS)
                try:
                    yield member.decompress(data)
                except zlib.error:
                    self.complete = False  # damage: what came before it stands
                    return
                if not member.eof:
                    break
                data, member = member.unused_data, None
        if member is not None:
            self.complete = False  # the last member has no end: a run was killed writing it

    def lines(self) -> Generator[bytes, None, None]:
        """The lines, each with its ``\\n``; the last without one if the bytes end mid-line."""
        rest = b""
        for chunk in self.chunks():
            rest += chunk
            *whole, rest = rest.split(b"\n")
            for line in whole:
                yield line + b"\n"
        if rest:
            yield rest

    def ranges(self, keep: Iterable[tuple[int, int]]) -> Iterator[bytes]:
        """The bytes in the ``(start, end)`` ranges ``keep`` (ascending, not overlapping)."""
        position = 0
        wanted = iter(keep)
        current = next(wanted, None)
        for chunk in self.chunks():
            end = position + len(chunk)
            while current is not None and current[0] < end:
                start, stop = current
                yield chunk[max(start - position, 0): min(stop, end) - position]
                if stop > end:
                    break
                current = next(wanted, None)
            position = end
            if current is None:
                return
