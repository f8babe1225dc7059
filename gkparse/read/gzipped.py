"""A document compressed as a whole with gzip (``report.html.gz``, ``dump.txt.gz``): read
as the document it holds, never past :data:`MAX_GUNZIPPED_BYTES`.

The file is read with the standard library's :mod:`gzip` (every member of a multi-member
file, as ``zcat`` does); a cut or damaged file is an error naming the input, never a
document read in part.

>>> import gzip
>>> gunzip(gzip.compress("<p>年报</p>".encode())).decode()
'<p>年报</p>'
>>> inner_name("reports/a.html.gz"), inner_name("a.txt")
('reports/a.html', 'a.txt')
"""

from __future__ import annotations

import gzip
import io
import zlib

from ..errors import InputTooLargeError, UnreadableDocumentError

__all__ = ["GZIP_MAGIC", "MAX_GUNZIPPED_BYTES", "gunzip", "inner_name", "is_gzip"]

#: The first bytes of a gzip file (RFC 1952: ID1, ID2, CM = deflate).
GZIP_MAGIC = b"\x1f\x8b\x08"
#: Bytes a compressed document may inflate to: a report page with its site chrome is well
#: under a few MB, so more is no report but a bomb (a few KB of gzip inflate to gigabytes).
MAX_GUNZIPPED_BYTES = 64 << 20


def is_gzip(data: bytes) -> bool:
    """Whether ``data`` is a gzip file.

    >>> is_gzip(b"\\x1f\\x8b\\x08\\x00"), is_gzip(b"<html>")
    (True, False)
    """
    return data.startswith(GZIP_MAGIC)


def inner_name(name: str) -> str:
    """The name of the document a gzip file holds: its name without ``.gz``."""
    return name[:-3] if name.lower().endswith(".gz") else name


def gunzip(data: bytes, source: str | None = None) -> bytes:
    """The document a gzip file holds.

    Raises :class:`~gkparse.errors.InputTooLargeError` past :data:`MAX_GUNZIPPED_BYTES`
    and :class:`~gkparse.errors.UnreadableDocumentError` for a cut or damaged file, both
    naming ``source``.
    """
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            inflated = stream.read(MAX_GUNZIPPED_BYTES + 1)
    except EOFError:
        raise UnreadableDocumentError("the gzip file is cut short (its end is missing)", source=source) from None
    except (OSError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise UnreadableDocumentError(f"the gzip file is damaged ({exc})", source=source) from None
    if len(inflated) > MAX_GUNZIPPED_BYTES:
        raise InputTooLargeError(
            f"the gzip file inflates past {MAX_GUNZIPPED_BYTES:,} bytes (MAX_GUNZIPPED_BYTES): no report is that large",
            source=source,
        )
    return inflated
