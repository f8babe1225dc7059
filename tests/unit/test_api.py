"""The entry points: explicit inputs, bad-input classes, error levels."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import gkparse
from tests.support import FIXTURES


def test_gbk_report_page_parses(tmp_path: Path) -> None:
    text = (FIXTURES / "shanghai_govoffice_2019.html").read_text("utf-8")
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"></head><body>' + text + "</body></html>"
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030"))
    report = gkparse.parse(path)
    assert report.source.encoding == "gb18030"
    assert report.requests.new.natural_person.value == 821


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"", gkparse.EmptyInputError),
        (b"   \n\t ", gkparse.EmptyInputError),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", gkparse.UnreadableDocumentError),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600) + "WpsDocument".encode("utf-16-le"), gkparse.UnreadableDocumentError),
        (gzip.compress(bytes(range(256)) * 20), gkparse.BinaryInputError),  # a gzip file holding no document
        (bytes(range(256)) * 20, gkparse.BinaryInputError),
        ("<html><body><p>今日天气晴，气温十五度。</p></body></html>".encode("utf-8"), gkparse.NotAReportError),
        ("这是一段与政务公开无关的文字，讲的是天气。".encode("utf-8"), gkparse.NotAReportError),
    ],
    ids=["empty", "whitespace", "damaged-pdf", "wps", "gzip", "binary", "html-not-a-report", "text-not-a-report"],
)
def test_bad_input_raises_a_clear_gkparse_error(data: bytes, error: type[Exception]) -> None:
    with pytest.raises(error) as info:
        gkparse.parse(data, origin="input.bin")
    assert isinstance(info.value, gkparse.GkparseError)
    assert isinstance(info.value, ValueError)
    assert str(info.value).startswith("input.bin: ")


@pytest.mark.parametrize(
    "title",
    ["关于做好2023年政府信息公开工作年度报告编制发布工作的通知", "文字解读：某某区2023年政府信息公开工作年度报告"],
)
def test_look_alike_pages_say_they_are_not_reports(title: str) -> None:
    html = f"<html><head><title>{title}</title></head><body><h1>{title}</h1><p>各单位：请按时发布。</p></body></html>"
    report = gkparse.parse_text(html)
    assert report.template is None and report.title is None
    assert [i.rule for i in report.issues] == ["not-a-report"]


def test_missing_file_is_a_gkparse_error(tmp_path: Path) -> None:
    with pytest.raises(gkparse.GkparseError):
        gkparse.parse(tmp_path / "nope.html")


def test_pre_2019_report_is_recognised_not_misparsed() -> None:
    text = (
        "某某县2015年政府信息公开工作年度报告\n一、概述\n二、主动公开政府信息情况\n"
        "三、依申请公开政府信息情况\n四、政府信息公开的收费及减免情况\n五、因政府信息公开申请行政复议、提起行政诉讼的情况\n"
    )
    report = gkparse.parse_text(text)
    assert report.template is None
    assert report.year == 2015
    assert [i.rule for i in report.issues] == ["pre-2019"]
    assert report.requests is None


def test_path_str_and_bytes_give_the_same_report() -> None:
    path = FIXTURES / "pingyang_amr_2020.txt"
    by_path = gkparse.parse(path)
    by_str_path = gkparse.parse(str(path))
    by_bytes = gkparse.parse(path.read_bytes())
    by_text = gkparse.parse_text(path.read_text("utf-8"))
    assert by_path.values() == by_str_path.values() == by_bytes.values() == by_text.values()
    assert by_path.source.sha256 == by_bytes.source.sha256


def test_error_levels() -> None:
    path = FIXTURES / "pingyang_amr_2020.txt"
    assert gkparse.parse(path, errors="ignore").issues == []
    with pytest.warns(gkparse.GkparseWarning):
        gkparse.parse(path, errors="warn")
    with pytest.raises(gkparse.ReportIssueError) as info:
        gkparse.parse(path, errors="raise")
    assert info.value.issue.rule == "R2"


def test_a_str_is_always_a_path_and_a_missing_one_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "pingyang_amr_2021.txt"
    with pytest.raises(gkparse.InputNotFoundError) as info:
        gkparse.parse(str(missing))
    assert str(missing) in str(info.value) and "no such file" in str(info.value)


def test_a_document_passed_as_a_path_points_to_parse_text() -> None:
    with pytest.raises(gkparse.InputNotFoundError, match="parse_text"):
        gkparse.parse("<html><body>一、总体情况</body></html>")
    with pytest.raises(gkparse.InputNotFoundError, match="parse_text"):
        gkparse.parse("一、总体情况\n二、主动公开政府信息情况")


@pytest.mark.parametrize(("call", "value"), [(gkparse.parse, 42), (gkparse.parse_text, b"<html></html>")])
def test_wrong_input_types_are_type_errors(call, value) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError):
        call(value)


def test_provenance_passes_through() -> None:
    data = (FIXTURES / "pingyang_amr_2020.txt").read_bytes()
    report = gkparse.parse(data, origin="archive.warc.gz#record-3", captured="2024-05-01T00:00:00Z", sha256="ab" * 32)
    assert (report.source.path, report.source.date, report.source.sha256) == (
        "archive.warc.gz#record-3", "2024-05-01T00:00:00Z", "ab" * 32,
    )
    assert report.source.encoding == "utf-8"


def test_parse_text_checks_its_input() -> None:
    with pytest.raises(gkparse.EmptyInputError):
        gkparse.parse_text("  \n ")
    report = gkparse.parse_text((FIXTURES / "pingyang_amr_2020.txt").read_text("utf-8"), origin="seed")
    assert (report.source.path, report.source.encoding_method) == ("seed", "str")


@pytest.mark.parametrize(("kwargs", "message"), [({"form": "xls"}, "form='xls'"), ({"errors": "bogus"}, "errors='bogus'")])
def test_options_are_checked_before_reading(kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValueError, match=message):
        gkparse.parse(FIXTURES / "pingyang_amr_2020.txt", **kwargs)
    with pytest.raises(ValueError, match=message):
        gkparse.parse_text("今天天气很好", **kwargs)  # checked before the text is found not to be a report


def test_a_path_with_a_nul_character_is_a_gkparse_error() -> None:
    with pytest.raises(gkparse.InputNotFoundError):
        gkparse.parse("fixtures/x\x00.txt")


def test_an_origin_names_the_form_as_a_path_does(tmp_path: Path) -> None:
    """A batch passes bytes with the file's path or URL as ``origin``: the same bad file gives
    the same error as when its path is parsed (issue 12: convert and parse agreed on none)."""
    data = bytes(range(256)) * 12  # binary, no PDF header
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    with pytest.raises(gkparse.UnreadableDocumentError) as by_path:
        gkparse.parse(path)
    with pytest.raises(gkparse.UnreadableDocumentError) as by_bytes:
        gkparse.parse(data, origin=str(path))
    assert by_path.value.reason == by_bytes.value.reason
