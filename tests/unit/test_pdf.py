"""The PDF reader: ruled tables → grid rows → the report's parts; body, title and meta lines;
the errors of unreadable PDFs.

The fixtures are real reports (fixtures/pdf/); the small PDFs of the synthetic tests are built
here as raw PDF bytes (a CJK font every PDF reader knows, STSong-Light, is named, not embedded).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence

import pytest

import gkparse
from gkparse.errors import GkparseError, NoTextLayerError, UnreadableDocumentError
from gkparse.read.page import Page, TableRows
from gkparse.read.pdf import read_pdf
from tests.support import FIXTURES, violations

PDF = FIXTURES / "pdf"
NAMES = ("huaian_city_2024", "huaian_hongze_district_2023", "huaian_hongze_district_2024")


@pytest.fixture(scope="module")
def pages() -> dict[str, Page]:
    """Each fixture PDF read once (about 0.4 s each)."""
    return {name: read_pdf((PDF / f"{name}.pdf").read_bytes(), source=name) for name in NAMES}


def _table(page: Page, kind: str, caption: str | None = None) -> TableRows:
    return next(t for t in page.tables if t.kind == kind and (caption is None or caption in (t.caption or "")))


def _rows(table: TableRows) -> dict[str, list[str]]:
    return {row.label: row.tokens for row in table.rows}


# --- the fixtures ---------------------------------------------------------------------------


def test_city_tables_are_the_report_parts_in_order(pages: dict[str, Page]) -> None:
    page = pages["huaian_city_2024"]
    assert page.form == "pdf"
    assert [t.kind for t in page.tables] == ["disclosure"] * 4 + ["requests", "appeals"]
    assert [t.caption for t in page.tables[:4]] == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    assert _rows(_table(page, "disclosure", "（一）")) == {"规章": ["1", "0", "11"], "行政规范性文件": ["8", "26", "66"]}
    assert _rows(_table(page, "disclosure", "（五）")) == {"行政许可": ["447228"]}
    # The caption of (六) is the last row of page 3, its header and rows open page 4.
    assert _rows(_table(page, "disclosure", "（六）")) == {"行政处罚": ["3985758"], "行政强制": ["88283"]}
    assert _table(page, "disclosure", "（八）").columns == ["本年收费金额（单位：万元）"]


def test_city_part_three_continues_across_the_page_break(pages: dict[str, Page]) -> None:
    """Part 三 runs over pages 4 and 5 as one table; the group label cut by the break
    (``（四）无`` / ``法提供``) reads whole on both sides; the vertical label standing one
    character a line is one word."""
    requests = _table(pages["huaian_city_2024"], "requests")
    assert requests.columns is not None and [c.split("\n")[-1] for c in requests.columns] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    ]
    rows = _rows(requests)
    assert len(rows) == 25  # 一, 二, (一), (二), 8 + 3 + 5 + 3 leaves, (七), 四
    group = "三、本年度办理结果 （四）无法提供 "
    assert rows[group + "1.本机关不掌握相关政府信息"] == ["746", "12", "0", "0", "10", "1", "769"]  # page 4
    assert rows[group + "2.没有现成信息需要另行制作"] == ["11", "0", "0", "0", "0", "0", "11"]  # page 5
    assert rows[group + "3.补正后申请内容仍不明确"] == ["1", "0", "0", "0", "0", "0", "1"]
    assert rows["三、本年度办理结果 （六）其他处理 3、其他"] == ["108", "2", "0", "0", "0", "0", "110"]
    assert rows["四、结转下年度继续办理"] == ["103", "0", "0", "0", "0", "0", "103"]
    assert all(len(tokens) == 7 for tokens in rows.values())


def test_city_part_four_has_fifteen_columns(pages: dict[str, Page]) -> None:
    appeals = _table(pages["huaian_city_2024"], "appeals")
    assert appeals.columns is not None and len(appeals.columns) == 15
    assert appeals.columns[5] == "行政诉讼\n未经复议直接起诉\n结果维持"
    assert [row.tokens for row in appeals.rows] == [["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]]


def test_regions_say_where_each_table_was_read(pages: dict[str, Page]) -> None:
    regions = pages["huaian_city_2024"].regions
    assert [(r.kind, r.page) for r in regions] == [
        ("disclosure", 3), ("disclosure", 4), ("requests", 4), ("requests", 5), ("appeals", 5),
    ]
    for region in regions:
        x0, top, x1, bottom = region.box
        assert 0 <= x0 < x1 <= 595 and 0 <= top < bottom <= 842  # A4 in points


def test_hongze_shaded_paragraphs_are_body_not_tables(pages: dict[str, Page]) -> None:
    """Word prints a white box behind every text line: shading draws no ruling, so the
    paragraphs are body lines and part 三 has its typo'd row and its one-row （六）."""
    page = pages["huaian_hongze_district_2023"]
    assert [t.kind for t in page.tables] == ["disclosure"] * 4 + ["requests", "appeals"]
    assert "（一）主动公开情况。主要通过政府门户网站主动公开政府" in page.body.splitlines()
    rows = _rows(_table(page, "requests"))
    assert rows["三、本年度办理结果 （三）不予公开 2.其他法律行政止公开"] == ["0"] * 7
    assert rows["三、本年度办理结果 （六）其他处理"] == ["0"] * 7
    assert rows["三、本年度办理结果 （七）总计"] == ["21", "0", "0", "0", "0", "0", "21"]
    # The page break falls between （四）'s rows 2 and 3: the group cell continues empty on page 4.
    assert rows["三、本年度办理结果 （四）无法提供 3.补正后申请内容仍不明确"] == ["0"] * 7
    appeals = [["10", "1", "0", "0", "0", "0", "0", "0", "0", "0", "5", "0", "0", "0", "0"]]
    assert [row.tokens for row in _table(page, "appeals").rows] == appeals
    later = _rows(_table(pages["huaian_hongze_district_2024"], "requests"))
    assert later["一、本年新收政府信息公开申请数量"] == ["95", "0", "0", "0", "0", "0", "95"]


def test_body_meta_lines_and_title(pages: dict[str, Page]) -> None:
    page = pages["huaian_city_2024"]
    body = page.body.splitlines()
    for heading in ("一、总体情况", "二、主动公开政府信息情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"):
        assert heading in body
    assert body.index("一、总体情况") < body.index("六、其他需要报告的事项")
    assert "- 6 -" not in body  # page numbers in the margins are no body lines
    assert not any("补正后申请内容仍不明确" in line for line in body)  # table text is not body
    assert "行政许可 447228" in page.meta_lines  # ... but a meta line
    assert page.title_candidates[:3] == [
        "淮安市人民政府2024 年政府信息公开工作年度报告", "淮安市人民政府", "2024 年政府信息公开工作年度报告",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_parse_gives_the_expected_cells(name: str) -> None:
    """End to end through ``gkparse.parse``: every expected cell, and only the relations
    the document itself breaks."""
    expected = json.loads((PDF / f"{name}.expected.json").read_text("utf-8"))
    report = gkparse.parse(PDF / f"{name}.pdf")
    assert (report.template, report.year, report.title) == (expected["template"], expected["year"], expected["title"])
    values = report.values()
    wrong = {key: (value, values.get(key)) for key, value in expected["cells"].items() if values.get(key) != value}
    assert wrong == {}
    assert violations(report.issues) == sorted(expected.get("violations", []))


# --- small PDFs built here ------------------------------------------------------------------

Text = tuple[float, float, float, str]  # x, top, font size, text
Rule = tuple[float, float, float, float]  # x0, top, x1, bottom


def _pdf(objects: Sequence[bytes], trailer: str = "") -> bytes:
    """Raw PDF bytes: ``objects`` numbered from 1 (1 is the catalog), an xref table, a trailer."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< " + extra + b" /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _text_pdf(pages: Sequence[tuple[Sequence[Text], Sequence[Rule]]], height: float = 842.0) -> bytes:
    """A PDF of A4 pages with text (each character one em wide) and stroked rules, in
    top-left coordinates."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H /DescendantFonts [4 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /FontDescriptor 5 0 R"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0"
        b" /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
    ]
    kids = []
    for texts, rules in pages:
        ops = [
            f"BT /F1 {size} Tf {x} {height - top - size * 0.88} Td <{''.join(f'{ord(c):04X}' for c in text)}> Tj ET"
            for x, top, size, text in texts
        ]
        ops += [f"0.5 w {x0} {height - top} m {x1} {height - bottom} l S" for x0, top, x1, bottom in rules]
        kids.append(len(objects) + 1)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 {height}] /Resources << /Font << /F1 3 0 R >> >>"
            f" /Contents {len(objects) + 2} 0 R >>".encode()
        )
        objects.append(_stream("\n".join(ops).encode()))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    return _pdf(objects)


SIZE = 9.0


Cell = tuple[float, float, float, float, str | list[str]]  # x0, top, x1, bottom, text or lines


def _cells(cells: Sequence[Cell], open_bottom: float | None = None) -> tuple[list[Text], list[Rule]]:
    """Ruled cells ``(x0, top, x1, bottom, text or lines)``: each cell's four sides (a side
    along ``open_bottom`` left out: a table cut by a page break), its text wrapped to the
    cell's width."""
    texts: list[Text] = []
    rules: list[Rule] = []
    for x0, top, x1, bottom, content in cells:
        lines = content if isinstance(content, list) else []
        if isinstance(content, str):
            per_line = max(1, int((x1 - x0 - 4) // SIZE))
            lines = [content[i:i + per_line] for i in range(0, len(content), per_line)]
        texts += [(x0 + 2, top + 2 + i * (SIZE + 1), SIZE, line) for i, line in enumerate(lines)]
        rules += [(x0, top, x1, top), (x0, top, x0, bottom), (x1, top, x1, bottom)]
        if bottom != open_bottom:
            rules.append((x0, bottom, x1, bottom))
    return texts, rules


# Part 三 of a 2021 report, cut down to two value columns: label columns at x 70/100/200/300,
# values 300-350 (自然人) and 350-400 (总计).
HEADER: list[Cell] = [
    (70, 100, 300, 140, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"),
    (300, 100, 400, 120, "申请人情况"),
    (300, 120, 350, 140, "自然人"),
    (350, 120, 400, 140, "总计"),
]
PAGE_ONE: list[Cell] = HEADER + [
    (70, 140, 300, 170, "一、本年新收政府信息公开申请数量"), (300, 140, 350, 170, "5"), (350, 140, 400, 170, "5"),
    (70, 170, 100, 270, list("三、本年度办理结果")),  # one character a line, cut by the page break
    (100, 170, 300, 200, "（一）予以公开"), (300, 170, 350, 200, "2"), (350, 170, 400, 200, "2"),
    (100, 200, 200, 270, "（四）无"),  # cut by the page break
    (200, 200, 300, 235, "1.本机关不掌握相关政府信息"), (300, 200, 350, 235, "1"), (350, 200, 400, 235, "1"),
    (200, 235, 300, 270, "2.没有现成信息需要另行制作"), (300, 235, 350, 270, "1"), (350, 235, 400, 270, "1"),
]
PAGE_TWO: list[Cell] = HEADER + [  # the header printed again, then the rest of the part
    (70, 140, 100, 200, ""),
    (100, 140, 200, 170, "法提供"),
    (200, 140, 300, 170, "3.补正后申请内容仍不明确"), (300, 140, 350, 170, "0"), (350, 140, 400, 170, "0"),
    (100, 170, 300, 200, "（七）总计"), (300, 170, 350, 200, "5"), (350, 170, 400, 200, "5"),
    (70, 200, 300, 230, "四、结转下年度继续办理"), (300, 200, 350, 230, "0"), (350, 200, 400, 230, "0"),
]


@pytest.fixture(scope="module")
def two_pages() -> Page:
    one_texts, one_rules = _cells(PAGE_ONE, open_bottom=270)
    two_texts, two_rules = _cells(PAGE_TWO)
    one_texts = [
        (72, 40, 18, "某县人民政府"), (72, 62, 18, "2023年政府信息公开工作年度报告"), (72, 86, 12, "三、收到和处理政府信息公开申请情况"),
        *one_texts,
    ]
    two_texts = [*two_texts, (72, 250, 12, "五、存在的主要问题及改进情况"), (290, 810, 10, "-2-")]
    return read_pdf(_text_pdf([(one_texts, one_rules), (two_texts, two_rules)]))


def test_a_part_cut_by_a_page_break_is_one_table(two_pages: Page) -> None:
    """The open border at the break closes the last row; the repeated header is no data;
    the vertical label and the cut group cell read whole on both pages."""
    (requests,) = two_pages.tables
    assert requests.kind == "requests"
    assert requests.columns == ["申请人情况\n自然人", "申请人情况\n总计"]
    assert [(row.label, row.tokens) for row in requests.rows] == [
        ("一、本年新收政府信息公开申请数量", ["5", "5"]),
        ("三、本年度办理结果 （一）予以公开", ["2", "2"]),
        ("三、本年度办理结果 （四）无法提供 1.本机关不掌握相关政府信息", ["1", "1"]),
        ("三、本年度办理结果 （四）无法提供 2.没有现成信息需要另行制作", ["1", "1"]),
        ("三、本年度办理结果 （四）无法提供 3.补正后申请内容仍不明确", ["0", "0"]),
        ("三、本年度办理结果 （七）总计", ["5", "5"]),
        ("四、结转下年度继续办理", ["0", "0"]),
    ]
    regions = [(r.kind, r.page, r.box) for r in two_pages.regions]
    assert regions == [("requests", 1, (70, 100, 400, 270)), ("requests", 2, (70, 100, 400, 230))]


def test_two_page_body_and_title(two_pages: Page) -> None:
    assert two_pages.body.splitlines() == [
        "某县人民政府", "2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", "五、存在的主要问题及改进情况",
    ]
    assert two_pages.title_candidates[0] == "某县人民政府2023年政府信息公开工作年度报告"
    assert "一、本年新收政府信息公开申请数量 5 5" in two_pages.meta_lines


def test_a_page_without_rulings_is_read_from_word_positions() -> None:
    texts: list[Text] = [
        (72, 60, 12, "二、主动公开政府信息情况"),
        (72, 90, 10, "第二十条第（一）项"),
        (72, 110, 10, "信息内容"), (180, 110, 10, "本年制发件数"), (260, 110, 10, "本年废止件数"), (340, 110, 10, "现行有效件数"),
        (72, 130, 10, "规章"), (205, 130, 10, "1"), (285, 130, 10, "0"), (360, 130, 10, "11"),
        (72, 150, 10, "行政规范性文件"), (205, 150, 10, "8"), (280, 150, 10, "26"), (360, 150, 10, "66"),
        (72, 180, 10, "报告期内共收到申请 12 件，办结 10 件。"),
    ]
    page = read_pdf(_text_pdf([(texts, [])]))
    (table,) = page.tables
    assert (table.kind, table.caption) == ("disclosure", "第二十条第（一）项")
    assert [(row.label, row.tokens) for row in table.rows] == [("规章", ["1", "0", "11"]), ("行政规范性文件", ["8", "26", "66"])]
    assert table.columns == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert page.body.splitlines() == ["二、主动公开政府信息情况", "报告期内共收到申请 12 件，办结 10 件。"]


# --- how printers draw tables (issue 12: HTML printed by Chromium and LibreOffice) -------------

INTRO: list[Text] = [(72, 60, 12, "三、收到和处理政府信息公开申请情况")]
FIRST_ROW: list[Cell] = [(70, 140, 300, 170, "一、本年新收政府信息公开申请数量"), (300, 140, 350, 170, "5"), (350, 140, 400, 170, "5")]


def _requests(page: Page) -> list[tuple[str, list[str]]]:
    (requests,) = [t for t in page.tables if t.kind == "requests"]
    return [(row.label, row.tokens) for row in requests.rows]


def _one_page(cells: Sequence[Cell], extra: Sequence[Rule] = (), drop: Sequence[Rule] = ()) -> Page:
    texts, rules = _cells(cells)
    rules = [r for r in rules if r not in drop] + list(extra)
    return read_pdf(_text_pdf([([*INTRO, *texts], rules)]))


WRAPPED = ["2.申请人逾期未按收", "费通知要求缴纳费用", "、行政机关不再处理", "其政府信息公开申请"]
FEE = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"


def test_underlined_lines_of_a_wrapped_label_are_no_rules() -> None:
    """LibreOffice underlines each line of a wrapped cell, just short of the cell's sides:
    read as rules they cut the label and the values under it into one row per line, and
    the row matched by one of the fragments read blank (empty) where the page prints a
    number."""
    cells = HEADER + FIRST_ROW + [
        (70, 170, 200, 215, "（六）其他处理"), (200, 170, 300, 215, WRAPPED),
        (300, 170, 350, 215, "12345"), (350, 170, 400, 215, "12345"),
    ]
    # Each line's underline runs as wide as the justified line, 1.5 pt short of the cell's sides.
    spans = [(201.5, 298.5)] * len(WRAPPED) + [(301.5, 348.5), (351.5, 398.5)]
    rows = [*range(len(WRAPPED)), 0, 0]
    underlines = [(x0, 172 + i * (SIZE + 1) + SIZE + 1, x1, 172 + i * (SIZE + 1) + SIZE + 1) for (x0, x1), i in zip(spans, rows)]
    assert _requests(_one_page(cells, extra=underlines)) == [
        ("一、本年新收政府信息公开申请数量", ["5", "5"]), (f"（六）其他处理 {FEE}", ["12345", "12345"]),
    ]


def test_a_row_without_value_cells_of_its_own_joins_the_row_above() -> None:
    """A label ruled into lines while the value cells span them all: the lines are one row
    (read alone, the lower ones would be rows of blank cells)."""
    cells = HEADER + FIRST_ROW + [
        (70, 170, 200, 210, "（六）其他处理"),
        *[(200, 170 + i * 10, 300, 180 + i * 10, [line]) for i, line in enumerate(WRAPPED)],
        (300, 170, 350, 210, "0"), (350, 170, 400, 210, "0"),
    ]
    assert _requests(_one_page(cells)) == [("一、本年新收政府信息公开申请数量", ["5", "5"]), (f"（六）其他处理 {FEE}", ["0", "0"])]


def test_a_merged_cell_drawn_one_piece_per_row_stays_whole() -> None:
    """Chromium draws a merged cell's sides one piece per row: where the pieces meet, no
    border ends (no closing rule may cut the cell into rows)."""
    cells = HEADER + FIRST_ROW + [
        (200, 170, 300, 200, "1.本机关不掌握相关政府信息"), (300, 170, 350, 200, "1"), (350, 170, 400, 200, "1"),
        (200, 200, 300, 230, "2.没有现成信息需要另行制作"), (300, 200, 350, 230, "2"), (350, 200, 400, 230, "2"),
    ]
    texts, rules = _cells(cells)
    texts += [(72, 185, SIZE, "（四）"), (72, 205, SIZE, "无法提供")]  # one line in each row's half
    rules += [(70, 170, 200, 170), (70, 230, 200, 230), *[(x, y, x, y + 30) for x in (70, 200) for y in (170, 200)]]
    page = read_pdf(_text_pdf([([*INTRO, *texts], rules)]))
    assert _requests(page)[1:] == [
        ("（四）无法提供 1.本机关不掌握相关政府信息", ["1", "1"]), ("（四）无法提供 2.没有现成信息需要另行制作", ["2", "2"]),
    ]


def test_a_missing_right_border_is_closed() -> None:
    """Chromium leaves out the right side of a table reaching the page's margin: the rows'
    rules ending together close it, or its last column is lost."""
    cells = HEADER + FIRST_ROW + [(70, 170, 300, 200, "四、结转下年度继续办理"), (300, 170, 350, 200, "0"), (350, 170, 400, 200, "1")]
    page = _one_page(cells, drop=[(400, top, 400, bottom) for _, top, _, bottom, _ in cells])
    assert _requests(page) == [("一、本年新收政府信息公开申请数量", ["5", "5"]), ("四、结转下年度继续办理", ["0", "1"])]


def test_columns_are_matched_across_pages_by_position() -> None:
    """A part cut by a page break whose pages have different column lines (a merged label
    cell on one page, two label cells on the other): the values stay in their columns."""
    one_texts, one_rules = _cells(HEADER + FIRST_ROW)
    two_texts, two_rules = _cells([
        (70, 140, 150, 170, "三、本年度办理结果"), (150, 140, 300, 170, "（七）总计"), (300, 140, 350, 170, "4"), (350, 140, 400, 170, "5"),
        (70, 170, 300, 200, "四、结转下年度继续办理"), (300, 170, 350, 200, "0"), (350, 170, 400, 200, "1"),
    ])
    page = read_pdf(_text_pdf([([*INTRO, *one_texts], one_rules), (two_texts, two_rules)]))
    assert _requests(page) == [
        ("一、本年新收政府信息公开申请数量", ["5", "5"]),
        ("三、本年度办理结果 （七）总计", ["4", "5"]),
        ("四、结转下年度继续办理", ["0", "1"]),
    ]


def test_a_last_row_alone_on_its_page_is_read() -> None:
    """A table's last row, alone after a page break, is a table (a one-row grid of values),
    not a frame around a paragraph."""
    one_texts, one_rules = _cells(HEADER + FIRST_ROW)
    two_texts, two_rules = _cells([(70, 60, 300, 90, "四、结转下年度继续办理"), (300, 60, 350, 90, "0"), (350, 60, 400, 90, "1")])
    page = read_pdf(_text_pdf([([*INTRO, *one_texts], one_rules), (two_texts, two_rules)]))
    assert _requests(page)[-1] == ("四、结转下年度继续办理", ["0", "1"])


APPEALS_HEADING: list[Text] = [(72, 60, 12, "四、政府信息公开行政复议、行政诉讼情况")]


def test_a_part_four_header_cut_by_a_page_break_names_its_columns() -> None:
    """LibreOffice cuts part 四's header cells at a page break (``结果维`` / ``持``): the
    halves read as one text where the joined text names a column better than either half,
    and the first column, whose leaf half names nothing, is still a value column (the
    header above it names one): no label column takes the row's first value."""
    one_texts, one_rules = _cells([
        (70, 100, 220, 120, "行政复议"),
        (70, 120, 120, 140, "结果维"), (120, 120, 170, 140, "结果"), (170, 120, 220, 140, "其他"),
    ], open_bottom=140)
    two_texts, two_rules = _cells([
        (70, 60, 120, 75, "持"), (120, 60, 170, 75, "纠正"), (170, 60, 220, 75, "结果"),
        (70, 75, 120, 95, "0"), (120, 75, 170, 95, "1"), (170, 75, 220, 95, "2"),
    ])
    page = read_pdf(_text_pdf([([*APPEALS_HEADING, *one_texts], one_rules), (two_texts, two_rules)]))
    (appeals,) = page.tables
    assert appeals.kind == "appeals"
    assert appeals.columns == ["行政复议\n结果维持", "行政复议\n结果纠正", "行政复议\n其他结果"]
    assert [(row.label, row.tokens) for row in appeals.rows] == [("", ["0", "1", "2"])]


def test_a_label_column_holding_only_values_is_a_value_column() -> None:
    """A header whose first cell stands over the header's rows like a label column's and
    names no value column (a site's own wording): the data rows print values under it, so
    its column is a value column, not the rows' label."""
    texts, rules = _cells([
        (70, 100, 120, 140, "件数"), (120, 100, 220, 120, "行政复议"),
        (120, 120, 170, 140, "结果纠正"), (170, 120, 220, 140, "其他结果"),
        (70, 140, 120, 160, "0"), (120, 140, 170, 160, "1"), (170, 140, 220, 160, "2"),
    ])
    (appeals,) = read_pdf(_text_pdf([([*APPEALS_HEADING, *texts], rules)])).tables
    assert appeals.columns == ["件数", "行政复议\n结果纠正", "行政复议\n其他结果"]
    assert [(row.label, row.tokens) for row in appeals.rows] == [("", ["0", "1", "2"])]


def test_a_one_value_table_row_alone_on_its_page_is_read() -> None:
    """第二十条第（八）项 has one value column: its row, alone after a page break, is a
    label and one value, still a table row (not a frame around a paragraph)."""
    one_texts, one_rules = _cells([
        (70, 100, 400, 120, "第二十条第（八）项"),
        (70, 120, 200, 140, "信息内容"), (200, 120, 400, 140, "本年收费金额（单位：万元）"),
    ], open_bottom=140)
    two_texts, two_rules = _cells([(70, 60, 200, 90, "行政事业性收费"), (200, 60, 400, 90, "4166.241619")])
    intro: list[Text] = [(72, 60, 12, "二、主动公开政府信息情况")]
    page = read_pdf(_text_pdf([([*intro, *one_texts], one_rules), (two_texts, two_rules)]))
    (fees,) = page.tables
    assert (fees.kind, fees.caption, fees.columns) == ("disclosure", "第二十条第（八）项", ["本年收费金额（单位：万元）"])
    assert [(row.label, row.tokens) for row in fees.rows] == [("行政事业性收费", ["4166.241619"])]
    assert "行政事业性收费" not in page.body


def test_a_framed_pair_of_words_is_no_table() -> None:
    """A one-row frame of two words and no value stays body text."""
    texts, rules = _cells([(70, 100, 200, 130, "联系电话"), (200, 100, 400, 130, "见附件")])
    page = read_pdf(_text_pdf([(texts, rules)]))
    assert page.tables == [] and "联系电话" in page.body


@pytest.mark.parametrize(("name", "kind", "label", "tokens"), [
    ("pingtan_2022.page.libreoffice-landscape.pdf", "appeals", "", "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0".split()),
    ("pingtan_2025.page.libreoffice-landscape.pdf", "disclosure", "行政事业性收费", ["4166.241619"]),
])
def test_printed_landscape_tables_cut_by_page_breaks(name: str, kind: str, label: str, tokens: list[str]) -> None:
    """The printed fixtures: part 四's header cut by a break (its first value column no
    label), 第二十条第（八）项's row alone on the next page."""
    page = read_pdf((PDF / "printed" / name).read_bytes())
    rows = [(row.label, row.tokens) for t in page.tables if t.kind == kind for row in t.rows]
    assert (label, tokens) in rows


def test_radical_code_points_read_as_ideographs() -> None:
    """Chromium's fonts map some ideographs to Kangxi radicals (二 → U+2F06) and to CJK
    radical supplements (民 → U+2EA0), which NFKC does not fold."""
    page = read_pdf(_text_pdf([([(72, 60, 18, "某县人\u2ea0政府\u2f06〇二三年报告")], [])]))
    assert page.body == "某县人民政府二〇二三年报告"


@pytest.mark.parametrize("name", ["pingtan_2022.page.libreoffice.pdf", "pingtan_2022.page.chromium.pdf"])
def test_printed_part_three_rows_are_whole(name: str) -> None:
    """The printed fixtures: the long wrapped label is one row with its values, and the
    total row (cut from its header by a page break, on pages with other column lines)
    keeps its values in their columns."""
    rows = dict(_requests(read_pdf((PDF / "printed" / name).read_bytes())))
    fee = next(label for label in rows if "逾期未按收费通知" in label)
    assert fee.replace(" ", "").endswith(FEE) and rows[fee] == ["0"] * 7
    assert rows["三、本年度办理结果 （七）总计"] == ["72", "3", "0", "0", "0", "0", "75"]


# --- errors ---------------------------------------------------------------------------------


def _image_only_pdf() -> bytes:
    """One page showing one 8x8 grey image and no text (a scan)."""
    pixels = zlib.compress(bytes([128]) * 64)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
        _stream(pixels, b"/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8"
                b" /Filter /FlateDecode"),
        _stream(b"q 100 0 0 100 50 50 cm /Im1 Do Q"),
    ])


def _encrypted_pdf() -> bytes:
    """A PDF under the standard security handler (RC4, revision 2) whose user password is
    not empty: the /U entry matches no empty password."""
    ident = "<0123456789abcdef0123456789abcdef>"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>",
    ], trailer=f"/Encrypt 4 0 R /ID [{ident} {ident}]")


def test_a_scan_has_no_text_layer() -> None:
    with pytest.raises(NoTextLayerError) as caught:
        read_pdf(_image_only_pdf(), source="scan.pdf")
    message = str(caught.value)
    assert message.startswith("scan.pdf: ") and "no text layer" in message and "ocrmypdf" in message
    assert isinstance(caught.value, UnreadableDocumentError)  # a NoTextLayerError is an unreadable document


REAL = (PDF / "huaian_hongze_district_2024.pdf").read_bytes()


@pytest.mark.parametrize(("data", "reason"), [
    (REAL[: len(REAL) // 2], "truncated"),
    (REAL[: len(REAL) // 2] + b"\n%%EOF\n", "truncated"),  # cut, then an end marker: pdfminer runs out of data
    (b"%PDF-1.4\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "damaged"),
    (_encrypted_pdf(), "encrypted"),
    (b"<html><body>not a pdf</body></html>", "not a PDF"),
    (b"", "not a PDF"),
    (_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]), "no pages"),
], ids=["truncated", "truncated-with-eof", "garbage", "encrypted", "html", "empty", "no-pages"])
def test_unreadable_pdfs_raise_one_error_naming_the_source(data: bytes, reason: str) -> None:
    with pytest.raises(GkparseError) as caught:
        read_pdf(data, source="in.pdf")
    assert type(caught.value) is UnreadableDocumentError
    assert str(caught.value).startswith("in.pdf: ") and reason in str(caught.value)


def test_a_pdf_whose_tables_have_no_structure_is_read_as_a_text_dump() -> None:
    """Neither rules nor word columns: a PDF typeset as lines of glued text (the shape of a
    crawler's one-line dump) has no tables to read; parse() reads its text with the text
    reader and the glue repair."""
    lines = [
        "某某县交通运输局2023年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况",
        "一、本年新收政府信息公开申请数量4000004",
        "二、上年结转政府信息公开申请数量1000001",
        "三、本年度办理结果（一）予以公开3000003",
        "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000",
        "（七）总计3000003",
        "四、结转下年度继续办理2000002",
    ]
    texts: list[Text] = [(40, 60 + 20 * i, 9, line) for i, line in enumerate(lines)]
    data = _text_pdf([(texts, [])])
    assert read_pdf(data).tables == []
    report = gkparse.parse(data)
    assert (report.source.form, report.template, report.year) == ("pdf", "2021", 2023)
    new = report.cell("requests/new/natural_person"), report.cell("requests/new/total")
    assert [(c.value, c.state.value) for c in new] == [(4, "split"), (4, "split")]
    assert report.cell("requests/granted/total").value == 3


def test_pages_past_the_limit_are_not_read_and_an_issue_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    from gkparse.read import pdf as pdf_reader

    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 1)
    report = gkparse.parse(FIXTURES / "pdf" / "huaian_city_2024.pdf")
    [issue] = [i for i in report.issues if i.rule == "pages-not-read"]
    assert "pages 2–" in issue.message
