"""MHTML (``.mhtml``/``.mht``, "Webpage, single file"): a page a browser saved with its
images and styles as one MIME ``multipart/related`` message (RFC 2557).

The report is the message's HTML part: :func:`html_part` returns its bytes, decoded from
their transfer encoding (quoted-printable or base64), with the charset the part declares;
the page is then read as any HTML page. The message is parsed by the standard library's
:mod:`email` package.

>>> message = (b"From: <Saved by Blink>\\r\\nMIME-Version: 1.0\\r\\n"
...     b'Content-Type: multipart/related; type="text/html"; boundary="B"\\r\\n\\r\\n'
...     b"--B\\r\\nContent-Type: text/html; charset=utf-8\\r\\n"
...     b"Content-Transfer-Encoding: quoted-printable\\r\\n\\r\\n<p>=E5=B9=B4=E6=8A=A5</p>\\r\\n--B--\\r\\n")
>>> is_mhtml(message)
True
>>> part = html_part(message)
>>> part.data.decode(part.charset), part.location
('<p>年报</p>', None)
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Optional

from ..errors import UnreadableDocumentError

__all__ = ["HtmlPart", "html_part", "is_mhtml", "HEADER_BYTES"]

#: Bytes of the head where a saved page's MIME headers are looked for.
HEADER_BYTES = 4096
# The top-level headers of a saved page: a multipart/related Content-Type among the first
# header lines (Chrome writes "From: <Saved by Blink>" first, Internet Explorer and Word
# "MIME-Version" first). Header names are case-insensitive.
_HEADER_START = re.compile(rb"^(?:From|MIME-Version|Content-Type|Subject|Date|Snapshot-Content-Location)\s*:", re.IGNORECASE)
_MULTIPART = re.compile(rb"^Content-Type\s*:\s*multipart/related\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class HtmlPart:
    """The HTML part of a saved page: its ``data`` (transfer encoding undone), the
    ``charset`` its Content-Type declares (None when it declares none) and its
    ``location`` (Content-Location: the page's address, when saved)."""

    data: bytes
    charset: Optional[str]
    location: Optional[str]


def is_mhtml(data: bytes) -> bool:
    """Whether ``data`` is a saved page (a MIME message whose body is multipart/related).

    >>> is_mhtml(b"MIME-Version: 1.0\\nContent-Type: multipart/related; boundary=x\\n\\n"), is_mhtml(b"<html>")
    (True, False)
    """
    head = data[:HEADER_BYTES].lstrip()
    if not _HEADER_START.match(head):
        return False
    headers = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return _MULTIPART.search(headers) is not None


def html_part(data: bytes, source: str | None = None) -> HtmlPart:
    """The first ``text/html`` part of a saved page (the page itself; later HTML parts
    are its frames).

    Raises :class:`~gkparse.errors.UnreadableDocumentError`, naming ``source``, when the
    message holds no HTML part.
    """
    message = email.message_from_bytes(data, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() != "text/html" or part.is_multipart():
            continue
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            continue
        location = part.get("Content-Location") or message.get("Snapshot-Content-Location")
        charset = part.get_content_charset() if isinstance(part, EmailMessage) else None
        return HtmlPart(payload, charset, str(location) if location else None)
    raise UnreadableDocumentError("the saved page (MHTML) holds no HTML part", source=source)
