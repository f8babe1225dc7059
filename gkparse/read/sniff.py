"""What form a document's bytes are in: the one table of magic numbers, zip parts, OLE
streams, content types and file suffixes, used by :func:`gkparse.parse`, the decoder and
the batch reader alike.

Forms gkparse reads: ``html``/``text`` (told apart after decoding, so :func:`sniff_form`
answers None for them), ``pdf``, ``docx`` and ``doc`` (:data:`READ_FORMS`). Every other
form has a name (``wps``, ``word`` for RTF/ODT, ``excel``, ``powerpoint``, ``ofd``,
``image``, ``audio``, ``video``, ``font``, ``compressed``, ``office``) under
which a batch counts what it skipped and an error names what it refused.

>>> sniff_form(b"%PDF-1.7 ..."), sniff_form(b"<html>", "application/pdf"), sniff_form(b"PK\\x03\\x04..", name="a.docx")
('pdf', None, 'docx')
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional
from urllib.parse import urlsplit

__all__ = [
    "FORM_SUFFIXES", "OLE_MAGIC", "READ_FORMS", "WIDE_BOMS", "WORD_STREAM", "ZIP_MAGIC", "looks_binary", "sniff_form",
    "utf16_byte_order",
]

#: Forms read by a reader of their own (html and text are told apart after decoding).
READ_FORMS = ("pdf", "docx", "doc")
#: Forms by file suffix: a folder walk takes these files too; those not read are counted as
#: skipped under their form's name (never dropped silently).
FORM_SUFFIXES: dict[str, str] = {
    ".pdf": "pdf", ".ofd": "ofd",
    ".docx": "docx", ".doc": "doc", ".wps": "wps", ".rtf": "word", ".odt": "word",
    ".xls": "excel", ".xlsx": "excel", ".et": "excel", ".ods": "excel",
    ".ppt": "powerpoint", ".pptx": "powerpoint", ".dps": "powerpoint", ".odp": "powerpoint",
    ".jpg": "image", ".jpeg": "image", ".png": "image", ".gif": "image", ".bmp": "image",
    ".tif": "image", ".tiff": "image", ".webp": "image",
    ".zip": "compressed", ".rar": "compressed", ".7z": "compressed",
}
#: Magic numbers that name a form outright.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"{\\rtf", "word"),
    (b"\x89PNG", "image"), (b"\xff\xd8\xff", "image"), (b"GIF87a", "image"), (b"GIF89a", "image"),
    (b"II*\x00", "image"), (b"MM\x00*", "image"),
    (b"Rar!", "compressed"), (b"7z\xbc\xaf", "compressed"), (b"\x1f\x8b", "compressed"),
)
ZIP_MAGIC = b"PK\x03\x04"
#: An OLE2 compound file: a .doc, .wps or .xls, or an encrypted .docx.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: What a zip holds, by the names of its first entries (OOXML, OFD).
_ZIP_PARTS = ((b"word/", "docx"), (b"xl/", "excel"), (b"ppt/", "powerpoint"), (b"OFD.xml", "ofd"))
#: The stream every Word 97-2003 file holds, as its OLE directory spells it (UTF-16LE).
WORD_STREAM = "WordDocument".encode("utf-16-le")
#: Kingsoft WPS Writer's own stream (a .wps file).
_WPS_STREAM = "WpsDocument".encode("utf-16-le")
#: Forms by (a part of) the Content-Type.
_TYPE_FORMS = (
    ("application/pdf", "pdf"), ("ofd", "ofd"),
    ("wordprocessingml", "docx"), ("msword", "doc"), ("rtf", "word"), ("opendocument.text", "word"),
    ("ms-excel", "excel"), ("spreadsheetml", "excel"), ("opendocument.spreadsheet", "excel"),
    ("ms-powerpoint", "powerpoint"), ("presentationml", "powerpoint"), ("opendocument.presentation", "powerpoint"),
    ("image/", "image"), ("audio/", "audio"), ("video/", "video"), ("font/", "font"),
    ("zip", "compressed"), ("rar", "compressed"), ("7z", "compressed"), ("gzip", "compressed"), ("x-tar", "compressed"),
)
#: Office forms an OLE2 container may hold.
_OLE_FORMS = ("doc", "wps", "excel", "powerpoint")


#: The byte-order marks of wide text, longest first (UTF-32's starts like UTF-16's), and
#: the encoding each says.
WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
)
#: In UTF-16 text without a byte-order mark, ASCII characters (digits, markup, line breaks)
#: put a NUL on one parity of bytes, a few CJK characters (U+4E00 一) on the other: one
#: parity holding this many times the other's NULs, and at least MIN_UTF16_NULS, says which.
UTF16_NUL_RATIO = 5
MIN_UTF16_NULS = 16


def utf16_byte_order(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the NULs of ``head`` sit on one parity of bytes
    as in UTF-16 text without a byte-order mark, else None (whether the bytes decode is
    :mod:`gkparse.read.decode`'s to try).

    >>> utf16_byte_order("<p>年度报告</p>".encode("utf-16-le") * 4), utf16_byte_order(b"<p>")
    ('utf-16-le', None)
    """
    sample = head[:len(head) - len(head) % 2]
    if len(sample) < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    for codec, nuls, others in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if nuls >= MIN_UTF16_NULS and nuls >= UTF16_NUL_RATIO * others:
            return codec
    return None


def looks_binary(head: bytes) -> bool:
    """NUL bytes, and neither a byte-order mark of wide text (:data:`WIDE_BOMS`) nor the
    NULs of UTF-16 without one (:func:`utf16_byte_order`): not text in any encoding a page
    uses.

    >>> looks_binary(b"\\x00\\x01"), looks_binary(b"\\xff\\xfe<\\x00h\\x00"), looks_binary(b"<p>")
    (True, False, False)
    >>> looks_binary("<p>申请人情况</p>".encode("utf-16-be") * 4)
    False
    """
    return (
        b"\x00" in head
        and not head.startswith(tuple(bom for bom, _ in WIDE_BOMS))
        and utf16_byte_order(head) is None
    )


def _declared(content_type: Optional[str], name: str) -> Optional[str]:
    """The form a Content-Type or a file name (or URL path) declares, if not a page's."""
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    for part, form in _TYPE_FORMS:
        if part in ctype:
            return form
    path = urlsplit(name).path if "://" in name else name
    return FORM_SUFFIXES.get(Path(path).suffix.lower())


def sniff_form(head: bytes, content_type: Optional[str] = None, name: str = "") -> Optional[str]:
    """The form of a body that is not an HTML or text page (see the module's list of
    names), or None for what may be one.

    ``head`` is the body's first bytes (the whole body where the caller has it: an OLE
    file's stream names may sit past the first kilobytes). Magic numbers decide first (a
    PDF served as text/html is a PDF); a declared Content-Type or suffix counts only for a
    body that is not text (an HTML page saved as ``.doc`` is read as the page it is).
    """
    body = head.lstrip(b" \t\r\n")
    for magic, form in _MAGIC:
        if body.startswith(magic):
            return form
    declared = _declared(content_type, name)
    if body.startswith(ZIP_MAGIC):
        found = next((form for part, form in _ZIP_PARTS if part in head), None)
        return found or (declared if declared in ("docx", "excel", "powerpoint", "ofd") else "compressed")
    if body.startswith(OLE_MAGIC):
        if WORD_STREAM in head:
            return "doc"
        if _WPS_STREAM in head:
            return "wps"
        return declared if declared in _OLE_FORMS else "office"
    if looks_binary(head):
        return declared  # None: binary of no known form (the decoder refuses it by name)
    return None
