"""Hostile and broken inputs to ``parse()`` (issue 14): the repros of
fixtures/cases/reliability/ that concern reading one document, each as its .expect.md asks.

Work is bounded by limits and checked by counters (search nodes, calls of the hot helper),
never by wall-clock thresholds; every failure is a :class:`GkparseError` naming the input.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from warcio.warcwriter import WARCWriter

import gkparse
from gkparse import api
from gkparse.batch import convert
from gkparse.cells import search
from gkparse.errors import InputTooLargeError, UnreadableDocumentError
from gkparse.model import CellState
from gkparse.normalize import compact_with_map
from gkparse.read import html as html_reader
from gkparse.read.tablegrid import MAX_GRID_SLOTS
from gkparse.warc import MAX_PAYLOAD_BYTES
from tests.support import FIXTURES
from tests.support.nodes import search_nodes
from tests.support.warc import read_jsonl, write_raw_response

RELIABILITY = FIXTURES / "cases" / "reliability"
PINGTAN = (FIXTURES / "pingtan_2024.page.html").read_text(encoding="utf-8")
PINGYANG = (FIXTURES / "pingyang_amr_2020.txt").read_text(encoding="utf-8")


@pytest.fixture
def nodes() -> Iterator[list[int]]:
    """Search nodes spent by every reading search of the test, in one counter."""
    with search_nodes() as spent:
        yield spent


# --- 02: span bombs --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["02-grid-bomb.colspan.html", "02-grid-bomb.rowspan.html"])
def test_02_a_span_bomb_is_refused_not_expanded(name: str) -> None:
    with pytest.raises(gkparse.NotAReportError, match="a table at line 1 was not read") as caught:
        gkparse.parse(RELIABILITY / name)
    assert name in str(caught.value)


def test_02_a_span_bomb_beside_a_report_costs_the_report_nothing() -> None:
    bomb = '<table><tr><td rowspan="65534" colspan="1000">1</td></tr>' + "<tr>" * 2000 + "</table>"
    first_table = PINGTAN.index("<table")  # inside the article, where the reader looks
    report = gkparse.parse((PINGTAN[:first_table] + bomb + PINGTAN[first_table:]).encode())
    clean = gkparse.parse(PINGTAN.encode())
    assert report.values() == clean.values()
    [issue] = [i for i in report.issues if i.rule == "table-too-large"]
    assert f"{MAX_GRID_SLOTS:,} slots" in issue.message


# --- 03, 13, 14: the reading search is bounded per row and per document -----------------


def test_03_many_tokens_after_one_label_cost_linear_work(monkeypatch: pytest.MonkeyPatch, nodes: list[int]) -> None:
    calls = [0]
    is_blank = search.is_blank

    def counted(token: str) -> bool:
        calls[0] += 1
        return is_blank(token)

    monkeypatch.setattr(search, "is_blank", counted)
    report = gkparse.parse(RELIABILITY / "03-quadratic-tokens.txt")
    assert report.template == "2019"
    assert calls[0] < 200_000, calls  # 46 million with the quadratic suffix sums
    assert nodes[0] <= search.DOCUMENT_NODE_BUDGET + search.NODE_BUDGET


@pytest.mark.parametrize("name", ["13-slow-joint-choice.appeals-run.txt", "13-slow-joint-choice.pipes.txt"])
def test_13_one_search_budget_per_document(name: str, nodes: list[int]) -> None:
    report = gkparse.parse(RELIABILITY / name)
    assert nodes[0] <= search.DOCUMENT_NODE_BUDGET + search.NODE_BUDGET
    for key, cell in report.cells():  # what the budget cut short stays open, never certain by default
        assert cell.state is not CellState.EMPTY or not cell.raw, key


@pytest.mark.parametrize("digits", [1_000, 100_000])
def test_14_a_digit_run_longer_than_the_row_is_not_searched(digits: int, nodes: list[int]) -> None:
    label = "本年新收政府信息公开申请数量\n"
    report = gkparse.parse_text(PINGYANG.replace(label, label + "7" * digits + "\n", 1))
    assert nodes[0] < search.NODE_BUDGET  # the run itself costs no search at all
    [issue] = [i for i in report.issues if i.rule == "unreadable-row" and i.where == "requests/new"]
    assert all(report.cell(k).value is None for k in issue.cells)


# --- 06–11, 16, 29, 01: no exception but GkparseError, the page read as its clean twin ------


@pytest.mark.parametrize("name", [
    "06-control-char.page.html", "07-short-row-indexerror.html", "08-split-table-indexerror.html",
    "09-undefined-charset.html", "11-meta-separator-valueerror.txt", "16-one-bad-byte.cut-midchar.txt",
    "16-one-bad-byte.flipped.txt", "29-utf16-nobom.txt",
])
def test_broken_documents_parse_or_fail_cleanly(name: str) -> None:
    report = gkparse.parse(RELIABILITY / name)
    report.model_dump_json()  # serialisable: no lone surrogate, nothing unencodable


@pytest.mark.parametrize("name", [
    "06-control-char.br-formfeed.html", "06-control-char.esc-table.html", "06-control-char.script-vtab.html",
    "01-batch-abort-surrogate.txt",
])
def test_fragments_with_control_characters_or_non_text_charsets_are_no_report(name: str) -> None:
    with pytest.raises(gkparse.NotAReportError, match=name):
        gkparse.parse(RELIABILITY / name)


def test_07_a_short_row_reads_what_it_has() -> None:
    report = gkparse.parse(RELIABILITY / "07-short-row-indexerror.html")
    assert "missing-cells" in {i.rule for i in report.issues}


def test_11_a_control_character_in_a_metadata_value_is_kept_raw() -> None:
    report = gkparse.parse(RELIABILITY / "11-meta-separator-valueerror.txt")
    assert report.meta.extra == {"关键词": "政务\x1f公开"}


def test_16_one_bad_byte_is_replaced_and_counted() -> None:
    report = gkparse.parse(RELIABILITY / "16-one-bad-byte.flipped.txt")
    assert report.template == "2019" and "decode-replaced" in {i.rule for i in report.issues}


def test_29_utf16_without_a_byte_order_mark_is_read() -> None:
    report = gkparse.parse(RELIABILITY / "29-utf16-nobom.txt")
    assert report.template == "2019" and report.source.encoding_method == "detected"


def test_10_a_lone_surrogate_in_a_str_document_is_no_crash() -> None:
    report = gkparse.parse_text("\ud800" + PINGYANG)
    assert report.template == "2019"
    report.model_dump_json()


# --- 12, 26: a documented size limit --------------------------------------------------------


def test_12_26_a_document_past_the_size_limit_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "MAX_DOCUMENT_CHARS", 100_000)
    with pytest.raises(InputTooLargeError, match="100,000") as caught:
        gkparse.parse_text(PINGYANG + "本机关认真贯彻落实政府信息公开条例。" * 10_000, origin="big.txt")
    assert str(caught.value).startswith("big.txt:")
    table = "<table>" + ("<tr>" + "<td>1</td>" * 10 + "</tr>") * 1000 + "</table>"
    with pytest.raises(InputTooLargeError):
        gkparse.parse(PINGTAN.replace("</body>", table * 2 + "</body>", 1).encode())


def test_12_inline_images_do_not_count_against_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "MAX_DOCUMENT_CHARS", len(PINGTAN) + 1000)
    image = '<img src="data:image/png;base64,' + "A" * 200_000 + '">'
    report = gkparse.parse(PINGTAN.replace("</body>", image + "</body>", 1).encode())
    assert report.values() == gkparse.parse(PINGTAN.encode()).values()


def test_26_the_text_reader_keeps_offsets_compact() -> None:
    compact, index = compact_with_map("规 章（一）" * 1000)
    assert index.itemsize == 4 and len(index) == len(compact) == 5000


# --- 15: nesting depth ------------------------------------------------------------------


def _nested(depth: int) -> bytes:
    start = PINGTAN.index(">", PINGTAN.index("<body")) + 1
    return (PINGTAN[:start] + "<font>" * depth + PINGTAN[start:]).encode()


@pytest.mark.parametrize("depth", [235, 1000])
def test_15_pages_nested_past_256_keep_their_tables(depth: int) -> None:
    assert gkparse.parse(_nested(depth)).values() == gkparse.parse(PINGTAN.encode()).values()


def test_15_a_page_nested_past_the_parser_depth_is_refused_not_cut_silently() -> None:
    with pytest.raises(UnreadableDocumentError, match=f"more than {html_reader.MAX_NESTING_DEPTH} deep"):
        gkparse.parse(_nested(5000), origin="deep.html")


# --- 33: invisible characters in number cells ---------------------------------------------


@pytest.mark.parametrize("char", ["\u200b", "\ufeff", "\u00ad", "\u2060", "\u200e", "\u202c", "\x00", "\ufffd"])
def test_33_an_invisible_character_in_a_number_cell_is_dropped(char: str) -> None:
    report = gkparse.parse(PINGTAN.replace(">217<", f">217{char}<", 1).encode())
    cell = report.cell("requests/new/natural_person")
    assert (cell.value, cell.state) == (217, CellState.PRINTED)


def test_33_a_lost_byte_inside_digits_leaves_the_cell_unreadable_not_empty() -> None:
    report = gkparse.parse(PINGTAN.replace(">217<", ">2\ufffd17<", 1).encode())
    cell = report.cell("requests/new/natural_person")
    assert cell.state is CellState.UNREADABLE and cell.value is None and cell.raw == "2\ufffd17"


# --- 04: decompression bombs in archives --------------------------------------------------


def test_04_the_repro_archive_stays_bounded(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    stats = convert([str(RELIABILITY / "04-warc-gzip-bomb.warc.gz")], str(out), workers=1)
    assert stats.parsed == 1 and stats.skipped == 1


def test_04_a_body_that_inflates_past_the_cap_is_an_error_record(tmp_path: Path) -> None:
    """Text that mentions a report, then spaces: gzip packs 80 MiB into about 80 KB."""
    head = "<html><body>政府信息公开工作年度报告".encode()
    body = BytesIO()
    with gzip.GzipFile(fileobj=body, mode="wb") as packed:
        packed.write(head)
        chunk = b" " * (1 << 20)
        for _ in range((MAX_PAYLOAD_BYTES >> 20) + 16):
            packed.write(chunk)
    archive = tmp_path / "bomb.warc.gz"
    with open(archive, "wb") as fh:
        write_raw_response(
            WARCWriter(fh, gzip=True), "http://example.gov.cn/bomb.html", body.getvalue(),
            [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
        )
    out = tmp_path / "out.jsonl"
    stats = convert([str(archive)], str(out), workers=1)
    assert stats.failed == 1
    [record] = read_jsonl(out)
    assert record["error"]["type"] == "PayloadTooLargeError" and "MiB once decoded" in record["error"]["reason"]


# --- found by the fuzzer -------------------------------------------------------------------


def test_a_long_label_line_costs_no_quadratic_label_comparison(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutant of fixtures/cases/text/CASES.md (the fuzzer's, kept as found): long label
    lines were compared with every template label by edit distance (len × len each, and
    every tail of a line of thousands of words): 100 s of CPU."""
    from gkparse.cells import align

    work = [0, 0]
    edits = align.label_edits

    def counted(printed: str, label: str) -> int:
        work[0] += len(printed) * len(label)
        work[1] += 1
        return edits(printed, label)

    monkeypatch.setattr(align, "label_edits", counted)
    data = gzip.decompress((RELIABILITY / "fuzz-long-label.md.gz").read_bytes())
    try:
        gkparse.parse(data)
    except gkparse.GkparseError:
        pass
    assert 0 < work[1] and work[0] < 100_000, work


@pytest.mark.parametrize("run", ["\n" * 20_000 + " " * 20_000, "7" * 200_000 + "件"])
def test_long_runs_of_whitespace_or_digits_cost_linear_regex_work(run: str) -> None:
    """The markdown separator and the prose-number patterns backtracked over such runs."""
    from gkparse.cells.choose import prose_evidence
    from gkparse.read.markdown import has_pipe_tables
    from gkparse.templates import TEMPLATES

    assert not has_pipe_tables("a\n" + run + "\n-- | --x")
    assert prose_evidence("制发规范性文件" + run, TEMPLATES["2021"]) == {}


def test_a_page_title_of_a_long_whitespace_run_is_cut_before_it_is_split() -> None:
    """A mutant of the 2025 page with a <title> of 100,000 spaces between separators: the
    separator pattern costs the square of such a run (3.7 s of CPU)."""
    from gkparse.read.meta import MAX_PAGE_TITLE_CHARS, page_title_pieces

    pieces = page_title_pieces("年度报告_" + " " * 100_000 + "|" + "年报")
    assert sum(map(len, pieces)) <= MAX_PAGE_TITLE_CHARS


def test_a_word_document_whose_text_part_is_too_large_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    """100 KB of zip can unpack to a million paragraphs (585 MB as a tree): the text part's
    size is checked from the zip's directory, before anything is unpacked."""
    from gkparse.read import docx as docx_reader

    monkeypatch.setattr(docx_reader, "MAX_DOCUMENT_XML_BYTES", 1000)
    path = sorted((FIXTURES / "docx" / "printed").glob("*.docx"))[0]
    with pytest.raises(UnreadableDocumentError, match=r"word/document.xml unpacks to .* \(MAX_DOCUMENT_XML_BYTES\)"):
        gkparse.parse(path)


def test_a_path_object_with_a_newline_is_a_path(tmp_path: Path) -> None:
    odd = tmp_path / "new\nline.txt"
    odd.write_bytes((FIXTURES / "pingyang_amr_2020.txt").read_bytes())
    assert gkparse.parse(odd).template == "2019"


def test_a_nul_at_the_start_of_a_glued_token_is_text_not_a_blank_run() -> None:
    """The text reader marks runs of blank cells with a NUL-led token; a NUL the dump itself
    holds after a pipe, in a glued row, made the search read it as one (ValueError, found by
    the fuzzer in a one-line dump)."""
    text = (RELIABILITY.parent / "text" / "05-oneline-signed-change-2019.txt").read_text(encoding="utf-8")
    marker = "6.属于四类过程性信"
    assert marker in text
    report = gkparse.parse_text(text.replace(marker, marker + "|\x00\t7", 1))
    report.model_dump_json()
