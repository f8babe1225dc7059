"""Bytes → text, decoded once, recording how.

Order: byte-order mark; the ``<meta>`` charset (any GB label read as gb18030, its
superset, because pages that declare gb2312 routinely contain GBK-only characters);
strict UTF-8; then charset detection as a last resort.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..errors import BinaryInputError, DecodeError, EmptyInputError
from .sniff import sniff_form, utf16_byte_order

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
#: Text pages carry almost no control bytes: past this share of a sample, it is binary.
MAX_CONTROL_SHARE = 0.05
#: A fallback codec is believed only if nearly all it decodes is printable (a wrong codec
#: on Chinese bytes yields private-use and control characters).
MIN_PRINTABLE_SHARE = 0.95
#: Bytes looked at for a byte-order mark, a binary signature and a <meta> charset.
SNIFF_BYTES = 4096
#: Stray bytes are few: a page may have this many replaced bytes whatever its size …
MIN_REPLACED_ALLOWED = 16
#: … or this share of its bytes; more means the codec is wrong, not a byte here and there.
MAX_REPLACED_SHARE = 0.01
#: Charsets HTTP clients report when the server names none (RFC 2616's default): weaker
#: evidence than the bytes themselves.
_TRANSPORT_DEFAULTS = frozenset({"iso8859-1", "cp1252", "ascii"})
#: Labels that no web page's bytes are in (WHATWG maps them to the replacement decoder).
_NOT_FOR_PAGES = frozenset({
    "utf-7", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "hz", "iso2022_jp", "iso2022_kr",
})
_ASCII_PROBE = b"<meta charset=x>\n"
#: GB18030's lone 0x80 is the euro sign in the WHATWG decoder (cp936 heritage).
_GB_EURO_BYTE = 0x80


@dataclass(frozen=True)
class Decoded:
    """Decoded text, the codec used and how it was chosen.

    ``method`` is one of ``bom``, ``meta``, ``declared`` (a charset given by the caller),
    ``utf-8``, ``utf-8-over-meta`` (a GB label on bytes that are valid UTF-8) or ``detected``.
    ``replaced`` counts the bytes no character could be read from (each became U+FFFD);
    ``first_replaced`` is the offset of the first.
    """

    text: str
    encoding: str
    method: str
    replaced: int = 0
    first_replaced: int | None = None


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


#: The control bytes a text holds none of (tab, newlines, form feed and escape are text).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)


def sniff_binary(data: bytes) -> str | None:
    """Name of the binary form ``data`` is in (:func:`gkparse.read.sniff.sniff_form`'s
    names, ``binary`` for control bytes of no known form), or None if it may be text.

    >>> sniff_binary(b"%PDF-1.7 ..."), sniff_binary(b"<html>")
    ('pdf', None)
    """
    form = sniff_form(data[:SNIFF_BYTES])
    if form is not None:
        return form
    sample = data[:SNIFF_BYTES]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))  # counted in C
    if control > len(sample) * MAX_CONTROL_SHARE:
        return "binary"
    return None


def decode_bytes(data: bytes, *, source: str | None = None, declared: str | None = None) -> Decoded:
    """Decode ``data`` to text, once, as a browser would.

    ``declared`` is a charset from outside the document (an HTTP Content-Type header). A
    transport default (ISO-8859-1 and its aliases, which HTTP clients fill in when a server
    names no charset) is weaker evidence than the bytes: it is used only when neither
    UTF-8 nor GB18030 reads them. When no codec reads every byte, the one that stumbles
    least decodes with replacement (the WHATWG decoders' U+FFFD; GB18030's lone 0x80 is
    €), and ``replaced`` counts the bytes so read: a few bad bytes never lose a report.

    Raises :class:`EmptyInputError`, :class:`BinaryInputError`, or :class:`DecodeError`
    when even that reads too little.

    >>> decode_bytes('<meta charset="gb2312">镕'.encode("gb18030")).encoding
    'gb18030'
    >>> d = decode_bytes('<meta charset="gb2312">以'.encode("gb18030") + b"\\x80" + "计".encode("gb18030"))
    >>> d.text[-3:], d.replaced, d.method
    ('以€计', 0, 'meta')
    """
    if not data or data.isspace():  # strip() would copy the whole input
        raise EmptyInputError("the input is empty", source=source)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return Decoded(data[len(bom):].decode(codec), codec, "bom")
            except UnicodeDecodeError as exc:
                reason = f"bytes do not match their {codec} byte-order mark ({exc.reason} at byte {exc.start})"
                raise DecodeError(reason, source=source) from None
    unmarked = _utf16_without_bom(data)
    if unmarked is not None:
        return unmarked
    kind = sniff_binary(data)
    if kind is not None:
        raise BinaryInputError(f"the input is {kind} data, not a page, text, PDF or Word document", source=source)
    head = data[:SNIFF_BYTES]
    labelled: list[tuple[str, str]] = []
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match:
        labelled.append((normalize_encoding(match.group(1).decode("ascii", "replace")), "meta"))
    weak: list[tuple[str, str]] = []
    if declared:
        codec = normalize_encoding(declared)
        (weak if codec in _TRANSPORT_DEFAULTS else labelled).append((codec, "declared"))
    labelled = [(c, m) for c, m in labelled if _usable(c)]
    utf8 = _multibyte_utf8(data)  # decoded once, kept for whichever branch returns it
    for codec, method in labelled:
        if codec == "gb18030" and utf8 is not None:
            # Valid UTF-8 with Chinese text is never meaningful GBK: the label is stale
            # (a CMS template copied from an older site), the bytes are UTF-8.
            return Decoded(utf8, "utf-8", "utf-8-over-meta")
        if codec == "utf-8" and utf8 is not None:
            return Decoded(utf8, codec, method)
        decoded = _strict(data, codec, method)
        if decoded is not None:
            return decoded
    if utf8 is not None:
        return Decoded(utf8, "utf-8", "utf-8")
    if data.isascii():
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8")
    decoded = _strict(data, "gb18030", "detected")
    if decoded is not None:
        return decoded
    for codec, method in weak:
        decoded = _strict(data, codec, method)
        if decoded is not None and _looks_textual(decoded.text):
            return decoded
    return _with_replacement(data, labelled, source)


def _usable(codec: str) -> bool:
    """Whether a declared codec can read a web page at all: known, and ASCII-compatible
    (a page's markup is ASCII; UTF-7 and UTF-16 labels on such bytes are mistakes)."""
    if codec in _NOT_FOR_PAGES:
        return False
    try:
        if not getattr(codecs.lookup(codec), "_is_text_encoding", True):
            return False  # base64, zlib, rot13 …: byte or str transforms, not text encodings
        return _ASCII_PROBE.decode(codec) == _ASCII_PROBE.decode("ascii")
    except (LookupError, UnicodeError):  # UnicodeError: the "undefined" codec refuses everything
        return False


def _strict(data: bytes, codec: str, method: str) -> Decoded | None:
    try:
        return Decoded(data.decode(codec), codec, method)
    except (UnicodeError, LookupError):
        return None


def _replace_errors(positions: list[int]) -> Callable[[UnicodeError], tuple[str, int]]:
    """A codec error handler that reads as the WHATWG decoders do and notes where."""

    def handler(exc: UnicodeError) -> tuple[str, int]:
        if not isinstance(exc, UnicodeDecodeError):
            raise exc
        positions.append(exc.start)
        if exc.encoding in ("gb18030", "gbk") and exc.object[exc.start] == _GB_EURO_BYTE:
            return "\u20ac", exc.start + 1
        # Only the offending byte is consumed: the next one may start a valid character.
        return "\ufffd", exc.start + 1

    return handler


def _with_replacement(data: bytes, labelled: list[tuple[str, str]], source: str | None) -> Decoded:
    """The labelled codecs, then UTF-8 and GB18030, each decoding with replacement: the
    first with the fewest bad bytes wins, if they are few enough to be stray bytes."""
    best: Decoded | None = None
    seen: set[str] = set()
    for codec, method in [*labelled, ("utf-8", "utf-8"), ("gb18030", "detected")]:
        if codec in seen:
            continue
        seen.add(codec)
        positions: list[int] = []
        name = f"gkparse-replace-{id(positions)}"
        codecs.register_error(name, _replace_errors(positions))
        try:
            text = data.decode(codec, errors=name)
        except (LookupError, UnicodeDecodeError):
            continue
        # The GB euro byte is a valid character for a browser: not a replacement.
        bad = [p for p in positions if not (codec == "gb18030" and data[p] == _GB_EURO_BYTE)]
        if not bad and positions:
            return Decoded(text, codec, method)
        candidate = Decoded(text, codec, method, replaced=len(bad), first_replaced=bad[0] if bad else None)
        if best is None or candidate.replaced < best.replaced:
            best = candidate
    if best is not None and best.replaced <= max(MIN_REPLACED_ALLOWED, len(data) * MAX_REPLACED_SHARE):
        return best
    return _detect(data, source)


def _multibyte_utf8(data: bytes) -> str | None:
    """``data`` decoded, when it is valid UTF-8 holding a character beyond ASCII."""
    if data.isascii():
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


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
    from charset_normalizer import from_bytes  # installed with pdfminer.six (the PDF reader's engine)

    best = from_bytes(data).best()
    if best is not None:
        return Decoded(str(best), best.encoding, "detected")
    raise DecodeError("cannot decode the bytes as UTF-8, GB18030 or Big5", source=source)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark (reliability case 29), told from its NULs on
    one parity of bytes (:func:`utf16_byte_order`) and read only when it decodes cleanly
    to text."""
    codec = utf16_byte_order(data[:SNIFF_BYTES])
    if codec is None:
        return None
    decoded = _strict(data[: len(data) - len(data) % 2], codec, "detected")
    return decoded if decoded is not None and _looks_textual(decoded.text) else None


def _looks_textual(text: str) -> bool:
    sample = text[:SNIFF_BYTES // 2]
    if not sample:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in sample)
    return printable / len(sample) > MIN_PRINTABLE_SHARE
