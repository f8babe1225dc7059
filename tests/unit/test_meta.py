"""Metadata, titles, years, signature and prose parts."""

from __future__ import annotations


def test_signature_with_an_extension_block_character() -> None:
    from gkparse.read.meta import find_signature

    found = find_signature("六、其他需要报告的事项\n无。\n𠮷野县人民政府办公室 2021年1月8日")
    assert (found.agency, found.date) == ("𠮷野县人民政府办公室", "2021-01-08")
