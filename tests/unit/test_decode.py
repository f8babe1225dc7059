"""Decoding: bytes to text, once, recording how."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.read.decode import decode_bytes
from tests.support import FIXTURES


def test_gb2312_declared_page_with_gbk_only_characters() -> None:
    # 镕 and 喆 are not in GB2312: a strict gb2312 decoder fails on them.
    html = '<html><head><meta charset="gb2312"></head><body><p>朱镕基 张喆</p></body></html>'
    data = html.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")
    decoded = decode_bytes(data)
    assert "朱镕基 张喆" in decoded.text
    assert (decoded.encoding, decoded.method) == ("gb18030", "meta")


def test_utf8_page_with_a_stale_gb2312_label() -> None:
    data = '<meta charset="gb2312"><p>朱镕基 规章</p>'.encode("utf-8")
    decoded = decode_bytes(data)
    assert "朱镕基 规章" in decoded.text
    assert decoded.method == "utf-8-over-meta"


def test_bom_wins_over_meta() -> None:
    data = b"\xef\xbb\xbf" + '<meta charset="gbk"><p>规章</p>'.encode("utf-8")
    assert decode_bytes(data).method == "bom"


def test_undeclared_gbk_falls_back() -> None:
    decoded = decode_bytes("一、总体情况 规章".encode("gbk"))
    assert decoded.text == "一、总体情况 规章"
    assert decoded.method == "detected"


def test_undecodable_bytes() -> None:
    with pytest.raises(gkparse.DecodeError):
        gkparse.parse(b"\xef\xbb\xbf\xff\xfe\xfa broken utf-8 after a BOM")


def _page(body: str) -> bytes:
    return f'<html><head><meta charset="gb2312"></head><body><p>{body}</p></body></html>'.encode("gb18030")


@pytest.mark.parametrize(
    ("data", "text", "replaced"),
    [
        # fixtures/cases/html-and-archives/14: the cp936 euro byte reads as € (WHATWG gb18030)
        ('<meta charset="gb2312"><p>以'.encode("gb18030") + b"\x80" + "计价</p>".encode("gb18030"), "以€计价", 0),
        # a character cut in half by a byte-counting CMS summary: one replaced byte
        (_page("规章") + "政".encode("gb18030")[:1] + b"</p>", "规章", 1),
        # two stray bytes in a UTF-8 page without a label
        ("<p>规章制度</p>".encode() + b"\xff\xfe" + "<p>行政许可</p>".encode(), "行政许可", 2),
    ],
    ids=["gb-euro-byte", "gb-cut-character", "utf8-stray-bytes"],
)
def test_a_few_bad_bytes_never_lose_the_page(data: bytes, text: str, replaced: int) -> None:
    decoded = decode_bytes(data)
    assert text in decoded.text
    assert decoded.replaced == replaced
    assert (decoded.first_replaced is None) is (replaced == 0)


def test_replaced_bytes_are_an_issue_of_the_report() -> None:
    page = (FIXTURES / "shanghai_govoffice_2019.html").read_bytes().decode("utf-8")
    data = ('<meta charset="gbk">' + page).encode("gb18030") + "政".encode("gb18030")[:1]
    report = gkparse.parse(data)
    assert report.template == "2019"
    issue = report.issues[0]
    assert issue.rule == "decode-replaced" and "1 byte(s)" in issue.message


@pytest.mark.parametrize("declared", ["ISO-8859-1", "latin1", "windows-1252", "us-ascii"])
def test_a_transport_default_charset_yields_to_the_bytes(declared: str) -> None:
    """fixtures/cases/html-and-archives/16: requests reports ISO-8859-1 for a page whose
    server named no charset; UTF-8 (or GB18030) bytes are not Latin-1 text."""
    utf8 = "<p>一、总体情况 规章</p>".encode()
    assert decode_bytes(utf8, declared=declared).text == "<p>一、总体情况 规章</p>"
    gb = "<p>一、总体情况 规章</p>".encode("gb18030")
    assert decode_bytes(gb, declared=declared).encoding == "gb18030"
    if declared != "us-ascii":  # Latin-1 bytes that are no UTF-8 and no GB18030 are Latin-1
        latin = "<p>Caf\u00e9, cr\u00e8me br\u00fbl\u00e9e</p>".encode("latin-1")
        assert decode_bytes(latin, declared=declared).text == "<p>Caf\u00e9, cr\u00e8me br\u00fbl\u00e9e</p>"


def test_a_declared_charset_that_is_not_the_caller_default_still_wins() -> None:
    assert decode_bytes("<p>規章</p>".encode("big5"), declared="big5").encoding == "big5"


@pytest.mark.parametrize("label", ["utf-7", "UTF-16", "x-no-such-charset"])
def test_labels_no_page_is_written_in_are_ignored(label: str) -> None:
    """reliability cases 01/09: a utf-7 or unknown label must not decide the decoding."""
    data = f'<html><head><meta charset="{label}"></head><body><p>规章 +ADw-</p></body></html>'.encode()
    decoded = decode_bytes(data)
    assert decoded.encoding == "utf-8" and "规章 +ADw-" in decoded.text


@pytest.mark.parametrize("label", ["undefined", "base64", "rot13", "zlib", "hex"])
def test_codecs_that_are_not_text_encodings_are_ignored(label: str) -> None:
    """Reliability case 09: Python's ``undefined`` codec refuses everything with a bare
    UnicodeError, and byte transforms are no page's encoding: the label is ignored, from the
    page and from the caller."""
    page = f'<meta charset="{label}"><title>某某县2023年政府信息公开工作年度报告</title>'.encode()
    assert decode_bytes(page).encoding == "utf-8"
    assert decode_bytes(page, declared=label).encoding == "utf-8"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read(codec: str) -> None:
    """Reliability case 29: the seed dump in UTF-16 without a BOM was refused as binary data."""
    text = (FIXTURES / "pingyang_amr_2020.txt").read_text("utf-8")
    decoded = decode_bytes(text.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.method) == (text, codec, "detected")
    report = gkparse.parse(text.encode(codec))
    assert report.requests is not None and report.requests.new.natural_person.value == 4
