"""Pages a browser saved as one file (MHTML): read as their HTML part."""

from __future__ import annotations

import base64

import pytest

import gkparse
from gkparse.errors import UnreadableDocumentError
from gkparse.read.mhtml import html_part, is_mhtml
from tests.support import FIXTURES

#: Chrome's "Webpage, single file" of the pingtan 2024 fixture page (quoted-printable, a CSS
#: part after the page), made from fixtures/pingtan_2024.page.html.
SAVED = FIXTURES / "saved" / "pingtan_2024.page.mhtml"


def test_a_saved_page_reads_as_the_page() -> None:
    saved, page = gkparse.parse(SAVED), gkparse.parse(FIXTURES / "pingtan_2024.page.html")
    assert dict(saved.cells()) == dict(page.cells())
    assert [i.rule for i in saved.issues] == [i.rule for i in page.issues]
    assert (saved.agency, saved.year, saved.source.form) == (page.agency, page.year, "html")
    assert saved.source.path == str(SAVED)


def _message(part_headers: bytes, body: bytes) -> bytes:
    return (
        b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n"
        b"--b\r\n" + part_headers + b"\r\n\r\n" + body + b"\r\n--b--\r\n"
    )


def test_the_parts_charset_and_transfer_encoding_are_honoured() -> None:
    page = (FIXTURES / "shanghai_govoffice_2019.html").read_text("utf-8").replace("utf-8", "x").encode("gb18030")
    message = _message(
        b"Content-Type: text/html; charset=gb2312\r\nContent-Transfer-Encoding: base64", base64.encodebytes(page)
    )
    assert is_mhtml(message)
    report = gkparse.parse(message)
    assert report.source.encoding == "gb18030"
    assert report.agency == gkparse.parse(FIXTURES / "shanghai_govoffice_2019.html").agency


def test_a_saved_page_without_an_html_part_is_an_error_naming_the_input() -> None:
    message = _message(b"Content-Type: text/css", b"body {}")
    with pytest.raises(UnreadableDocumentError, match="no HTML part") as caught:
        gkparse.parse(message, origin="saved.mhtml")
    assert "saved.mhtml" in str(caught.value)
    with pytest.raises(UnreadableDocumentError):
        html_part(message)


@pytest.mark.parametrize(
    "head",
    [
        b"<html><body>MIME-Version: 1.0</body></html>",
        b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n<p>x</p>",  # one part, not a saved page
        b"Subject: x\n\nContent-Type: multipart/related; boundary=b\n",  # in the body, not a header
    ],
)
def test_what_is_not_a_saved_page(head: bytes) -> None:
    assert not is_mhtml(head)
