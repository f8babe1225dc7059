"""Decoding: bytes to text, once, recording how."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.read.decode import decode_bytes


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
