"""Bytes → text, decoded once, recording how.

Order: byte-order mark; the ``<meta>`` charset (any GB label read as gb18030, its
superset, because pages that declare gb2312 routinely contain GBK-only characters);
strict UTF-8; then charset detection as a last resort.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from ..errors import BinaryInputError, DecodeError, EmptyInputError

__all__ = ["Decoded", "decode_bytes", "normalize_encoding", "sniff_binary"]

_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_\-.]+)""", re.IGNORECASE)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_BINARY_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP/Office"),
    (b"\xd0\xcf\x11\xe0", "OLE/DOC"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"\x1f\x8b", "gzip"),
)


#: Text pages carry almost no control bytes: past this share of a sample, it is binary.
MAX_CONTROL_SHARE = 0.05
#: A fallback codec is believed only if nearly all it decodes is printable (a wrong codec
#: on Chinese bytes yields private-use and control characters).
MIN_PRINTABLE_SHARE = 0.95
#: Bytes looked at for a byte-order mark, a binary signature and a <meta> charset.
SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec used and how it was chosen.

    ``method`` is one of ``bom``, ``meta``, ``declared`` (a charset given by the caller),
    ``utf-8``, ``utf-8-over-meta`` (a GB label on bytes that are valid UTF-8) or ``detected``.
    """

    text: str
    encoding: str
    method: str


def normalize_encoding(label: str) -> str:
    """The codec to use for a declared charset label.

    >>> normalize_encoding("GB2312"), normalize_encoding("gbk"), normalize_encoding("UTF8")
    ('gb18030', 'gb18030', 'utf-8')
    """
    name = label.strip().lower()
    if name.replace("-", "").replace("_", "") in ("gb2312", "gbk", "gb18030", "cp936", "euccn", "xgbk", "hzgb2312"):
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def sniff_binary(data: bytes) -> str | None:
    """Name of the binary format ``data`` starts with, or None if it may be text.

    >>> sniff_binary(b"%PDF-1.7 ..."), sniff_binary(b"<html>")
    ('PDF', None)
    """
    head = data[:8]
    for magic, name in _BINARY_MAGIC:
        if head.startswith(magic):
            return name
    sample = data[:SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    control = sum(1 for b in sample if b < 9 or 13 < b < 32 and b != 27)
    if control > len(sample) * MAX_CONTROL_SHARE:
        return "binary"
    return None


def decode_bytes(data: bytes, *, source: str | None = None, declared: str | None = None) -> Decoded:
    """Decode ``data`` to text.

    ``declared`` is a charset from outside the document (an HTTP Content-Type header).
    Raises :class:`EmptyInputError`, :class:`BinaryInputError` or :class:`DecodeError`.

    >>> decode_bytes('<meta charset="gb2312">镕'.encode("gb18030")).encoding
    'gb18030'
    """
    if not data.strip():
        raise EmptyInputError("the input is empty", source=source)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(codec), codec, "bom")
            except UnicodeDecodeError as exc:
                reason = f"bytes do not match their {codec} byte-order mark ({exc.reason} at byte {exc.start})"
                raise DecodeError(reason, source=source) from None
    kind = sniff_binary(data)
    if kind is not None:
        raise BinaryInputError(f"the input is {kind} data, not an HTML or text page", source=source)
    head = data[:SNIFF_BYTES]
    candidates: list[tuple[str, str]] = []
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match:
        candidates.append((normalize_encoding(match.group(1).decode("ascii", "replace")), "meta"))
    if declared:
        candidates.append((normalize_encoding(declared), "declared"))
    for codec, method in candidates:
        if codec == "gb18030" and _is_multibyte_utf8(data):
            # Valid UTF-8 with Chinese text is never meaningful GBK: the label is stale
            # (a CMS template copied from an older site), the bytes are UTF-8.
            return Decoded(data.decode("utf-8"), "utf-8", "utf-8-over-meta")
        try:
            return Decoded(data.decode(codec), codec, method)
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    except UnicodeDecodeError:
        pass
    return _detect(data, source)


def _is_multibyte_utf8(data: bytes) -> bool:
    if data.isascii():
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _detect(data: bytes, source: str | None) -> Decoded:
    # Chinese government pages that are not UTF-8 are GB-family in practice; try that
    # before asking a detector, which guesses poorly on short pages.
    try:
        return Decoded(data.decode("gb18030"), "gb18030", "detected")
    except UnicodeDecodeError:
        pass
    for codec in ("big5", "utf-16"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if _looks_textual(text):
            return Decoded(text, codec, "detected")
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # optional: not a core dependency
        from_bytes = None
    if from_bytes is not None:
        best = from_bytes(data).best()
        if best is not None:
            return Decoded(str(best), best.encoding, "detected")
    raise DecodeError("cannot decode the bytes as UTF-8, GB18030 or Big5", source=source)


def _looks_textual(text: str) -> bool:
    sample = text[:SNIFF_BYTES // 2]
    if not sample:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in sample)
    return printable / len(sample) > MIN_PRINTABLE_SHARE
