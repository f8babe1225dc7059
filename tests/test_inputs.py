"""Decoding, bad inputs, input forms and the JSON round trip."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import gkparse
from gkparse.read.decode import decode_bytes
from gkparse.model import Report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


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
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 binary", gkparse.BinaryInputError),
        (gzip.compress(b"<html></html>"), gkparse.BinaryInputError),
        (bytes(range(256)) * 20, gkparse.BinaryInputError),
        ("<html><body><p>今日天气晴，气温十五度。</p></body></html>".encode("utf-8"), gkparse.NotAReportError),
        ("这是一段与政务公开无关的文字，讲的是天气。".encode("utf-8"), gkparse.NotAReportError),
    ],
    ids=["empty", "whitespace", "pdf", "gzip", "binary", "html-not-a-report", "text-not-a-report"],
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


def test_undecodable_bytes() -> None:
    with pytest.raises(gkparse.DecodeError):
        gkparse.parse(b"\xef\xbb\xbf\xff\xfe\xfa broken utf-8 after a BOM")


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


@pytest.mark.parametrize("name", ["pingyang_amr_2020.txt", "shanghai_govoffice_2019.html", "pingtan_2024.page.txt"])
def test_json_round_trip(name: str) -> None:
    report = gkparse.parse(FIXTURES / name)
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report
    assert type(again.requests) is type(report.requests)
    assert again.cell("requests/total/total").value == report.cell("requests/total/total").value


def test_schema_describes_the_tables() -> None:
    schema = Report.model_json_schema()
    assert {"requests", "disclosure", "appeals", "issues", "readings"} <= set(schema["properties"])
    assert "Requests2021" in schema["$defs"] and "Requests2019" in schema["$defs"]


def test_path_str_and_bytes_give_the_same_report() -> None:
    path = FIXTURES / "pingyang_amr_2020.txt"
    by_path = gkparse.parse(path)
    by_str_path = gkparse.parse(str(path))
    by_bytes = gkparse.parse(path.read_bytes())
    by_text = gkparse.parse_text(path.read_text("utf-8"))
    assert by_path.values() == by_str_path.values() == by_bytes.values() == by_text.values()
    assert by_path.source.sha256 == by_bytes.source.sha256


def test_cell_access_by_address_and_attribute() -> None:
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    cell = report.cell("requests/withheld.prohibited_by_law/other_org")
    assert cell is report.requests.withheld.prohibited_by_law.other_org
    assert (cell.value, cell.raw, cell.state) == (3, "000003", gkparse.CellState.SPLIT)
    assert report.cell("disclosure/penalties/change").state is gkparse.CellState.EMPTY
    with pytest.raises(KeyError):
        report.cell("requests/other.other/total")  # a 2021 row in a 2019 report


def test_error_levels() -> None:
    path = FIXTURES / "pingyang_amr_2020.txt"
    assert gkparse.parse(path, errors="ignore").issues == []
    with pytest.warns(gkparse.GkparseWarning):
        gkparse.parse(path, errors="warn")
    with pytest.raises(gkparse.ReportIssueError) as info:
        gkparse.parse(path, errors="raise")
    assert info.value.issue.rule == "R2"


def test_relation_issue_carries_cells_expected_and_actual() -> None:
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    issue = next(i for i in report.issues if i.rule == "R2" and "natural_person" in i.message)
    assert issue.actual == 4 and issue.expected == 0
    assert "requests/total/natural_person" in issue.cells


def test_part_two_without_captions() -> None:
    """Sub-tables printed without their 第二十条 caption rows still map by their headers."""
    html = (
        '<div class="TRS_Editor"><p>某县2021年政府信息公开工作年度报告</p><table>'
        "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"
        "<tr><td>规章</td><td>0</td><td>0</td><td>0</td></tr>"
        "<tr><td>行政规范性文件</td><td>2</td><td>1</td><td>9</td></tr>"
        '<tr><td>信息内容</td><td colspan="3">本年处理决定数量</td></tr>'
        '<tr><td>行政许可</td><td colspan="3">17</td></tr></table></div>'
    )
    report = gkparse.parse_text(html)
    assert report.template == "2021"
    assert report.disclosure.normative_documents.in_force.value == 9
    assert report.disclosure.licensing.decisions.value == 17
    assert {i.rule for i in report.issues} >= {"missing-table"}


def test_signature_with_an_extension_block_character() -> None:
    from gkparse.read.meta import find_signature

    found = find_signature("六、其他需要报告的事项\n无。\n𠮷野县人民政府办公室 2021年1月8日")
    assert (found.agency, found.date) == ("𠮷野县人民政府办公室", "2021-01-08")
