"""The Word reader: .docx tables read from their XML (gridSpan, vMerge, nested tables), the
body in document order, every failure an UnreadableDocumentError; .doc through a converter.

Small documents are built from WordprocessingML fragments (:func:`docx_of`); the acceptance
test renders every fixture's truth as a .docx (:mod:`tests.support.docx_render`) and parses
it back with :func:`gkparse.parse`.
"""

from __future__ import annotations

import functools
import io
import itertools
import json
import shutil
import stat
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml import parse_xml

import gkparse
from gkparse.errors import UnreadableDocumentError
from gkparse.model import CellState
from gkparse.read import docx as reader
from gkparse.read.docx import expand_docx_table, read_doc, read_docx
from gkparse.read.tablegrid import GridCell
from tests.support import FIXTURES, violations
from tests.support.docx_render import render_docx

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


# --- building documents ------------------------------------------------------------------------


def p(text: str = "", style: str | None = None) -> str:
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}<w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def tc(content: str = "", span: int = 1, vmerge: str | None = None) -> str:
    """A cell; ``content`` is text (one paragraph) or XML (starting with ``<``)."""
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"  # the bare form Word writes
    body = content if content.startswith("<") else p(content)
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def tr(*cells: str, props: str = "") -> str:
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


def tbl(*rows: str) -> str:
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


def docx_of(body_xml: str) -> bytes:
    """A .docx whose body is ``body_xml`` (python-docx's default package around it)."""
    document = docx.Document()
    body = document.element.body
    section = body[-1]
    for child in list(body)[:-1]:
        body.remove(child)
    for child in parse_xml(f'<w:body xmlns:w="{W}" xmlns:mc="{MC}">{body_xml}</w:body>'):
        section.addprevious(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def grid_of(table_xml: str) -> list[list[GridCell]]:
    element = parse_xml(f'<w:body xmlns:w="{W}" xmlns:mc="{MC}">{table_xml}</w:body>')[0]
    return expand_docx_table(element, itertools.count())


def texts(grid: list[list[GridCell]]) -> list[list[str]]:
    return [[slot.text for slot in row] for row in grid]


def ids(grid: list[list[GridCell]]) -> list[list[int]]:
    return [[slot.cell_id for slot in row] for row in grid]


def origins(grid: list[list[GridCell]]) -> list[list[bool]]:
    return [[slot.origin for slot in row] for row in grid]


# --- the grid ------------------------------------------------------------------------------------


def test_grid_span_repeats_the_cell_in_covered_slots() -> None:
    grid = grid_of(tbl(tr(tc("A", span=2), tc("B")), tr(tc("1"), tc("2"), tc("3"))))
    assert texts(grid) == [["A", "A", "B"], ["1", "2", "3"]]
    assert ids(grid)[0] == [0, 0, 1]
    assert origins(grid) == [[True, False, True], [True, True, True]]


def test_vmerge_restart_and_continue_make_one_cell_down_the_column() -> None:
    grid = grid_of(tbl(
        tr(tc("G", vmerge="restart"), tc("a"), tc("1")),
        tr(tc("", vmerge="continue"), tc("b"), tc("2")),
        tr(tc("ignored", vmerge="continue"), tc("c"), tc("3")),  # a continue cell's own text: Word does not show it
        tr(tc("H"), tc("d"), tc("4")),
    ))
    assert texts(grid) == [["G", "a", "1"], ["G", "b", "2"], ["G", "c", "3"], ["H", "d", "4"]]
    assert len({row[0].cell_id for row in grid[:3]}) == 1 and grid[3][0].cell_id != grid[0][0].cell_id
    assert [row[0].origin for row in grid] == [True, False, False, True]


def test_vmerge_with_gridspan_covers_a_block() -> None:
    """Part 三's corner: three columns wide (gridSpan) and three rows high (vMerge)."""
    grid = grid_of(tbl(
        tr(tc("N", span=2, vmerge="restart"), tc("X")),
        tr(tc("", span=2, vmerge="continue"), tc("Y")),
        tr(tc("L", span=2), tc("1")),
    ))
    assert texts(grid) == [["N", "N", "X"], ["N", "N", "Y"], ["L", "L", "1"]]
    assert origins(grid) == [[True, False, True], [False, False, True], [True, False, True]]
    assert ids(grid)[1][:2] == [ids(grid)[0][0]] * 2


def test_a_continue_with_nothing_open_above_starts_a_merge() -> None:
    grid = grid_of(tbl(tr(tc("A", vmerge="continue"), tc("1")), tr(tc("", vmerge="continue"), tc("2"))))
    assert texts(grid) == [["A", "1"], ["A", "2"]] and origins(grid)[1] == [False, True]


def test_a_merge_ends_at_a_row_without_a_continue_cell() -> None:
    grid = grid_of(tbl(tr(tc("A", vmerge="restart")), tr(tc("B")), tr(tc("C", vmerge="continue"))))
    assert texts(grid) == [["A"], ["B"], ["C"]] and all(row[0].origin for row in grid)


def test_grid_before_after_and_legacy_hmerge() -> None:
    hmerge = '<w:tc><w:tcPr><w:hMerge w:val="restart"/></w:tcPr>' + p("H") + "</w:tc>"
    hcont = "<w:tc><w:tcPr><w:hMerge/></w:tcPr>" + p("x") + "</w:tc>"
    grid = grid_of(tbl(
        tr(tc("A"), tc("B"), tc("C")),
        tr(tc("b"), props='<w:gridBefore w:val="1"/><w:gridAfter w:val="1"/>'),
        tr(hmerge, hcont, tc("c")),
    ))
    assert texts(grid) == [["A", "B", "C"], ["", "b", ""], ["H", "H", "c"]]
    assert ids(grid)[1][0] == -1 and ids(grid)[2][0] == ids(grid)[2][1]


def test_short_rows_are_padded_with_uncovered_slots() -> None:
    grid = grid_of(tbl(tr(tc("A"), tc("B")), tr(tc("C"))))
    assert grid[1][1] == GridCell("", False, -1)


def test_a_span_bomb_is_clipped() -> None:
    grid = grid_of(tbl(tr(tc("A", span=10**9), tc("B"))))
    assert len(grid[0]) == reader.MAX_GRID_COLUMNS


def test_nested_table_is_the_cells_text_and_its_boxes() -> None:
    inner = tbl(tr(tc("12"), tc("34")))
    grid = grid_of(tbl(tr(tc("label"), tc(inner))))
    assert grid[0][1].text == "12 34"
    assert grid[0][1].boxes == ("12", "34")
    assert grid[0][0].boxes == ()


def test_cell_paragraphs_breaks_and_tabs_read_as_spaces() -> None:
    cell = '<w:p><w:r><w:t>商业</w:t><w:br/><w:t>企业</w:t></w:r></w:p><w:p><w:r><w:tab/><w:t>(件)</w:t></w:r></w:p>'
    assert grid_of(tbl(tr(tc(cell))))[0][0].text == "商业 企业 (件)"


def test_what_word_does_not_show_is_not_read() -> None:
    cell = (
        "<w:p><w:r><w:t>1</w:t></w:r><w:del><w:r><w:delText>9</w:delText></w:r></w:del>"
        '<w:r><w:rPr><w:vanish/></w:rPr><w:t>7</w:t></w:r>'
        '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>2</w:t></w:r>'
        "<w:ins><w:r><w:t>3</w:t></w:r></w:ins></w:p>"
    )
    assert grid_of(tbl(tr(tc(cell))))[0][0].text == "123"
    box = "<w:txbxContent><w:p><w:r><w:t>box</w:t></w:r></w:p></w:txbxContent>"  # a text box, as in a drawing and its VML copy
    drawing = (
        f"<w:p><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing>{box}</w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    assert grid_of(tbl(tr(tc(drawing))))[0][0].text == "box"


def test_rows_and_cells_inside_content_controls_are_read() -> None:
    row = f"<w:sdt><w:sdtContent>{tr(tc('a'), '<w:sdt><w:sdtContent>' + tc('b') + '</w:sdtContent></w:sdt>')}</w:sdtContent></w:sdt>"
    assert texts(grid_of(tbl(tr(tc("A"), tc("B")), row))) == [["A", "B"], ["a", "b"]]


# --- the page ------------------------------------------------------------------------------------

PART_TWO = tbl(
    tr(tc("第二十条第（一）项", span=4)),
    tr(tc("信息内容"), tc("本年制发件数"), tc("本年废止件数"), tc("现行有效件数")),
    tr(tc("规章"), tc("1"), tc("0"), tc("3")),
    tr(tc("行政规范性文件"), tc("2"), tc(""), tc("9")),
)
PART_TWO_LICENSING = tbl(
    tr(tc("第二十条第（五）项", span=2)),
    tr(tc("信息内容"), tc("本年处理决定数量")),
    tr(tc("行政许可"), tc("17")),
)


def test_body_and_tables_in_document_order() -> None:
    page = read_docx(docx_of(
        p("某县2021年政府信息公开工作年度报告")
        + p("二、主动公开政府信息情况") + PART_TWO + p("（续）") + PART_TWO_LICENSING + p("五、存在的主要问题及改进情况")
    ))
    assert page.form == "docx"
    assert page.body.split("\n") == [
        "某县2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "（续）", "五、存在的主要问题及改进情况",
    ]
    assert page.meta_lines[:5] == [
        "某县2021年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第（一）项",
        "信息内容 本年制发件数 本年废止件数 现行有效件数", "规章 1 0 3",
    ]
    assert page.meta_lines.index("（续）") < page.meta_lines.index("行政许可 17") < page.meta_lines.index("五、存在的主要问题及改进情况")
    assert [(t.kind, t.caption) for t in page.tables] == [("disclosure", "第二十条第（一）项"), ("disclosure", "第二十条第（五）项")]
    first = page.tables[0]
    assert first.columns == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert [(r.label, r.tokens) for r in first.rows] == [("规章", ["1", "0", "3"]), ("行政规范性文件", ["2", "", "9"])]


def test_a_line_break_in_a_paragraph_starts_a_line() -> None:
    page = read_docx(docx_of("<w:p><w:r><w:t>索引号：0012/2023-01</w:t><w:br/><w:t>发布机构：县府办</w:t></w:r></w:p>"))
    assert page.body == "索引号：0012/2023-01\n发布机构：县府办"


def test_metadata_table_pairs_lead_the_meta_lines() -> None:
    page = read_docx(docx_of(tbl(tr(tc("索引号"), tc("0012/2023-01"), tc("发布机构"), tc("县府办"))) + p("正文")))
    assert page.meta_lines[:2] == ["索引号:0012/2023-01", "发布机构:县府办"]
    assert "索引号 0012/2023-01 发布机构 县府办" in page.meta_lines


def test_title_and_heading_styles_come_first_among_title_candidates() -> None:
    document = docx.Document()
    document.add_paragraph("索引号：0012/2023-01")
    document.add_heading("某县2023年政府信息公开工作年度报告", level=0)
    document.add_heading("一、总体情况", level=1)
    out = io.BytesIO()
    document.save(out)
    page = read_docx(out.getvalue())
    assert page.title_candidates[:3] == ["某县2023年政府信息公开工作年度报告", "一、总体情况", "索引号：0012/2023-01"]


def test_a_layout_table_is_read_as_the_body_it_holds() -> None:
    """A report table nested in a layout table is a table of its own (as in HTML)."""
    layout = tbl(tr(tc(p("二、主动公开政府信息情况") + PART_TWO_LICENSING)))
    page = read_docx(docx_of(p("某县2021年政府信息公开工作年度报告") + layout))
    assert [(t.kind, [r.tokens for r in t.rows]) for t in page.tables] == [("disclosure", [["17"]])]
    assert "二、主动公开政府信息情况" in page.body.split("\n")


def test_a_nested_table_in_a_report_table_is_cell_text() -> None:
    wrapped = tbl(tr(tc("规章")))  # an editor's one-cell wrapper around a label
    table = tbl(
        tr(tc("第二十条第（一）项", span=4)),
        tr(tc("信息内容"), tc("本年制发件数"), tc("本年废止件数"), tc("现行有效件数")),
        tr(tc(wrapped), tc("1"), tc("0"), tc("3")),
    )
    page = read_docx(docx_of(table))
    assert [(r.label, r.tokens) for t in page.tables for r in t.rows] == [("规章", ["1", "0", "3"])]


def test_tables_beyond_the_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_TABLES", 1)
    page = read_docx(docx_of(PART_TWO + PART_TWO_LICENSING))
    assert [t.caption for t in page.tables] == ["第二十条第（一）项"]


def test_paragraphs_beyond_the_limit_are_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_PARAGRAPHS", 2)
    assert read_docx(docx_of(p("a") + p("b") + p("c"))).body == "a\nb"


# --- errors ----------------------------------------------------------------------------------------


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
GOOD = docx_of(p("x"))


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = content
    return _zip(parts)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "no zip container"),
        (b"<html>not word</html>", "no zip container"),
        (b"PK\x03\x04" + bytes(100), "the zip cannot be read"),
        (GOOD[: len(GOOD) // 2], "the zip cannot be read"),
        (_zip({"xl/workbook.xml": b"<x/>"}), "holds no word/document.xml"),
        (_zip({"word/document.xml": b"<w:document/>"}), "cannot be read as .docx"),  # no package relationships
        (_replace_part(GOOD, "word/document.xml", b"<w:document><unclosed"), "cannot be read as .docx"),
        (OLE2 + bytes(64) + "EncryptedPackage".encode("utf-16-le") + bytes(64), "encrypted"),
        (OLE2 + bytes(64) + "WordDocument".encode("utf-16-le") + bytes(64), "legacy Word (.doc)"),
    ],
    ids=["empty", "html", "zip-header-only", "truncated", "excel", "no-relationships", "bad-xml", "encrypted", "ole2-doc"],
)
def test_unreadable_docx_names_source_and_reason(data: bytes, reason: str) -> None:
    with pytest.raises(UnreadableDocumentError) as caught:
        read_docx(data, source="r.docx")
    assert str(caught.value).startswith("r.docx: ") and reason in str(caught.value)


def test_a_corrupt_part_fails_as_unreadable() -> None:
    """A part whose bytes fail their CRC (a damaged download) is caught when python-docx reads it."""
    damaged = bytearray(GOOD)
    start = GOOD.index(b"word/document.xml") + len("word/document.xml")  # the local header's name, then data
    for i in range(start + 20, start + 60):
        damaged[i] ^= 0xFF
    with pytest.raises(UnreadableDocumentError):
        read_docx(bytes(damaged), source="r.docx")


def test_a_zip_bomb_is_refused_before_unpacking(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(UnreadableDocumentError, match="over the limit"):
        read_docx(GOOD)


# --- .doc ------------------------------------------------------------------------------------------

DOC = OLE2 + bytes(64) + "WordDocument".encode("utf-16-le") + bytes(64)


def _path_with(monkeypatch: pytest.MonkeyPatch, folder: Path, scripts: dict[str, str]) -> None:
    """Only ``folder`` on PATH (no converter installed elsewhere is found), holding executable
    shell ``scripts``; ``{mkdir}``, ``{cp}``, ``{sleep}`` in them are those tools' paths."""
    tools = {name: shutil.which(name) or name for name in ("mkdir", "cp", "sleep")}
    for name, body in scripts.items():
        script = folder / name
        script.write_text("#!/bin/sh\n" + body.format(**tools), "utf-8")
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(folder))


def test_doc_without_a_converter_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _path_with(monkeypatch, tmp_path, {})
    with pytest.raises(UnreadableDocumentError) as caught:
        read_doc(DOC, source="old.doc")
    message = str(caught.value)
    assert message.startswith("old.doc: ") and "LibreOffice" in message and "antiword" in message


def test_doc_that_is_no_ole2_file_or_encrypted(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _path_with(monkeypatch, tmp_path, {})
    with pytest.raises(UnreadableDocumentError, match="no OLE2 container"):
        read_doc(b"not a doc", source="old.doc")
    with pytest.raises(UnreadableDocumentError, match="encrypted"):
        read_doc(OLE2 + "EncryptedPackage".encode("utf-16-le"), source="old.doc")


def test_a_docx_named_doc_is_read_as_docx() -> None:
    assert read_doc(GOOD).form == "docx"


def test_doc_through_antiword_is_a_page_of_text_lines(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """antiword (faked: the real one is not installed here) gives text: lines, no tables."""
    _path_with(monkeypatch, tmp_path, {"antiword": "printf '某县2021年政府信息公开工作年度报告\\n\\n一、总体情况\\n'\n"})
    page = read_doc(DOC, source="old.doc")
    assert (page.form, page.tables) == ("doc", [])
    assert page.meta_lines == ["某县2021年政府信息公开工作年度报告", "一、总体情况"]
    assert page.body == "某县2021年政府信息公开工作年度报告\n\n一、总体情况"
    assert page.title_candidates[0] == "某县2021年政府信息公开工作年度报告"


def test_doc_through_a_faked_libreoffice(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The conversion's plumbing: soffice is called with --convert-to docx and --outdir, and
    what it writes there is read as a .docx (with the form kept as "doc")."""
    (tmp_path / "converted.docx").write_bytes(docx_of(p("某县2021年政府信息公开工作年度报告") + PART_TWO_LICENSING))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = (
        'while [ "$#" -gt 0 ]; do case "$1" in --outdir) out="$2"; shift;; esac; shift; done\n'
        f'{{mkdir}} -p "$out" && {{cp}} {tmp_path / "converted.docx"} "$out/input.docx"\n'
    )
    _path_with(monkeypatch, bin_dir, {"soffice": script})
    page = read_doc(DOC, source="old.doc")
    assert page.form == "doc" and [t.caption for t in page.tables] == ["第二十条第（五）项"]


def test_a_failing_converter_falls_back_then_fails_with_both_reasons(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(reader, "CONVERT_TIMEOUT_SECONDS", 0.5)
    _path_with(monkeypatch, tmp_path, {"soffice": "exec {sleep} 30\n", "antiword": "echo 'bad file' >&2; exit 1\n"})
    with pytest.raises(UnreadableDocumentError) as caught:
        read_doc(DOC, source="old.doc")
    assert "did not finish within 0.5 s" in str(caught.value) and "antiword read no text (bad file)" in str(caught.value)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_doc_through_libreoffice(tmp_path: Path) -> None:
    """A real .doc, made by LibreOffice from a rendered .docx, parsed through LibreOffice."""
    expected = json.loads((FIXTURES / "pingtan_2022.expected.json").read_text("utf-8"))
    source = tmp_path / "report.docx"
    source.write_bytes(_rendered("pingtan_2022.expected.json"))
    profile = (tmp_path / "profile").as_uri()
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation={profile}", "--convert-to", "doc", "--outdir", str(tmp_path), str(source)],
        check=True, timeout=reader.CONVERT_TIMEOUT_SECONDS, capture_output=True,
    )
    report = gkparse.parse(tmp_path / "report.doc")
    assert (report.source.form, report.template, report.year) == ("doc", expected["template"], expected["year"])
    assert _wrong_cells(report, expected) == []


# --- acceptance: every fixture's truth as a .docx ------------------------------------------------

TRUTHS = sorted(FIXTURES.glob("*.expected.json"))


def _wrong_cells(report: gkparse.Report, expected: dict[str, Any]) -> list[tuple[str, object, object, str]]:
    """The truth's cells the report does not hold: a number not read as printed, split or
    resolved to its value, or a null cell not ``empty``."""
    wrong: list[tuple[str, object, object, str]] = []
    certain = (CellState.PRINTED, CellState.SPLIT, CellState.RESOLVED)
    for key, value in expected["cells"].items():
        cell = report.cell(key)
        ok = cell.state is CellState.EMPTY if value is None else (cell.value == value and cell.state in certain)
        if not ok:
            wrong.append((key, value, cell.value, cell.state.value))
    return wrong


@functools.lru_cache(maxsize=None)
def _rendered(name: str) -> bytes:
    return render_docx(json.loads((FIXTURES / name).read_text("utf-8")))


def test_the_rendered_part_three_header_is_merged_as_in_word() -> None:
    """The renderer's merges are the reader's spans: the note corner 3×3, 申请人情况 across
    the seven applicant columns, 法人或其他组织 across five, the outcome label down its rows."""
    document = docx.Document(io.BytesIO(_rendered("pingtan_2022.expected.json")))
    table = next(t for t in document.tables if "申请人情况" in t._tbl.xpath("string(.)"))
    grid = expand_docx_table(table._tbl, itertools.count())
    assert len({slot.cell_id for row in grid[:3] for slot in row[:3]}) == 1
    assert [slot.text for slot in grid[0][3:]] == ["申请人情况"] * 7
    assert [slot.text for slot in grid[1][4:9]] == ["法人或其他组织"] * 5 and grid[2][3].text == "自然人"
    outcome = [row[0].text for row in grid[3:]]
    assert outcome.count("三、本年度办理结果") == len(grid) - 3 - 3  # all rows but 一、, 二、 and 四、
    assert [row[1].text for row in grid].count("（三）不予公开") == 8


@pytest.mark.parametrize("path", TRUTHS, ids=[p.name.removesuffix(".expected.json") for p in TRUTHS])
def test_every_fixture_truth_parses_back_from_docx(path: Path) -> None:
    expected = json.loads(path.read_text("utf-8"))
    report = gkparse.parse(_rendered(path.name), origin=f"{path.stem}.docx")
    assert (report.source.form, report.template, report.year, report.agency) == (
        "docx", expected["template"], expected["year"], expected["agency"],
    )
    assert _wrong_cells(report, expected) == []
    assert violations(report.issues) == sorted(expected.get("violations", []))
    assert [i.rule for i in report.issues if not i.rule.startswith("R")] == []



PRINTED = sorted((FIXTURES / "docx" / "printed").glob("*.docx"))


@pytest.mark.parametrize("path", PRINTED, ids=[p.name for p in PRINTED])
def test_html_fixtures_saved_as_docx_by_libreoffice_parse_to_their_truth(path: Path) -> None:
    """Word files not made by python-docx: LibreOffice's save of the HTML fixtures (whole
    web pages, site navigation ahead of the title; see tests/support/printed.py)."""
    expected = json.loads((FIXTURES / f"{path.name.split('.')[0]}.expected.json").read_text("utf-8"))
    report = gkparse.parse(path)
    assert (report.source.form, report.template, report.year, report.agency, report.title) == (
        "docx", expected["template"], expected["year"], expected["agency"], expected["title"],
    )
    assert _wrong_cells(report, expected) == []


def test_a_document_past_the_reading_limits_says_what_was_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from gkparse.read import docx as docx_reader

    monkeypatch.setattr(docx_reader, "MAX_PARAGRAPHS", 5)
    monkeypatch.setattr(docx_reader, "MAX_TABLE_ROWS", 3)
    path = sorted((FIXTURES / "docx" / "printed").glob("*.docx"))[0]
    report = gkparse.parse(path)
    [issue] = [i for i in report.issues if i.rule == "document-cut"]
    assert "paragraphs past 5" in issue.message and "rows past 3" in issue.message
