"""Metadata, titles, years, signature and prose parts."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.read.meta import label_value_lines, read_meta
from tests.support import FIXTURES


def test_signature_with_an_extension_block_character() -> None:
    from gkparse.read.meta import find_signature

    found = find_signature("六、其他需要报告的事项\n无。\n𠮷野县人民政府办公室 2021年1月8日")
    assert (found.agency, found.date) == ("𠮷野县人民政府办公室", "2021-01-08")


def test_prose_is_cut_at_the_template_table_headings() -> None:
    # Parts 二–四 end the prose parts where the template's table headings say; with no
    # template known, every registered template's headings count.
    import dataclasses

    from gkparse.read.meta import split_prose
    from gkparse.templates import TEMPLATES

    body = (
        "一、总体情况\n本机关概述。\n二、公开清单\n规章 0\n三、收到和处理政府信息公开申请情况\n表\n"
        "四、结转下年度继续办理 0\n四、政府信息公开行政复议、行政诉讼情况\n表\n"
        "五、存在的主要问题及改进情况\n问题。\n六、其他需要报告的事项\n无。"
    )
    known = split_prose(body, None, TEMPLATES["2021"])
    assert known == split_prose(body)
    assert (known.problems, known.other) == ("问题。", "无。")
    assert known.overview is not None and known.overview.endswith("规章 0")  # 二、公开清单 is no template's heading
    template = TEMPLATES["2021"]
    disclosure = dataclasses.replace(template.table("disclosure"), heading=r"二\s*、\s*公开清单")
    local = dataclasses.replace(template, tables=(disclosure, *template.tables[1:]))
    assert split_prose(body, None, local).overview == "本机关概述。"


# --- issue 10: metadata blocks of other CMS families -----------------------------------------


VARIANTS = FIXTURES / "cases" / "variants"


@pytest.mark.parametrize(
    ("name", "meta"),
    [
        (
            # labels and values in alternating cells, two pairs a row, labels padded with
            # ideographic spaces, an empty 文号 cell; <meta> tags that the block overrides
            "meta-label-value-table.html",
            {
                "index_no": "11330327MB1234567X/2024-00031", "topic": None, "category": "政府信息公开年报",
                "publisher": "示例县市场监督管理局", "published": "2024-01-18", "document_no": None,
                "disclosure": None, "source_url": None, "captured": None,
                "extra": {"关键词": "年度报告", "时效": "有效"},
            },
        ),
        (
            # `label：value` list items and spans; PubDate differs from the visible 发文日期 (the
            # visible block wins); <meta name="Url"> is where the page is
            "meta-colon-lines-and-meta-tags.html",
            {
                "index_no": "001008003008067/2024-00123", "topic": "政务公开", "category": None,
                "publisher": "示例县市场监督管理局", "published": "2024-01-18", "document_no": None,
                "disclosure": "主动公开", "source_url": "http://www.example.gov.cn/art/2024/1/19/art_1229_5550123.html",
                "captured": None, "extra": {"浏览次数": "128"},
            },
        ),
        (
            # an archiving wrapper above the page: its 来源 URL is not the publisher, its 采集时间
            # is not the publication date (the page's own 发布时间 and 信息来源 are)
            "meta-archive-wrapper.html",
            {
                "index_no": None, "topic": None, "category": None, "publisher": "示例县市场监督管理局",
                "published": "2024-01-19", "document_no": None, "disclosure": None,
                "source_url": "http://www.example.gov.cn/art/2024/1/19/art_1229_5550123.html",
                "captured": "2025-03-12", "extra": {"单位": "示例县人民政府"},
            },
        ),
        (
            # the wrapper on one line, and a page without a date or publisher of its own: they
            # stay unknown rather than taking the wrapper's
            "meta-archive-wrapper-one-line.html",
            {
                "index_no": None, "topic": None, "category": None, "publisher": None, "published": None,
                "document_no": None, "disclosure": None,
                "source_url": "https://www.example.gov.cn/art/2024/1/19/art_1229_5550123.html",
                "captured": "2025-03-12", "extra": {"单位": "示例县人民政府"},
            },
        ),
    ],
)
def test_metadata_variants(name: str, meta: dict[str, object]) -> None:
    report = gkparse.parse(VARIANTS / name)
    assert report.meta.model_dump() == meta
    assert report.title == "示例县市场监督管理局2023年政府信息公开工作年度报告"
    assert report.agency == "示例县市场监督管理局"


def test_meta_tags_fill_what_the_page_does_not_print() -> None:
    html = (
        '<html><head><meta name="ArticleTitle" content="某县2021年政府信息公开工作年度报告">'
        '<meta name="pubdate" content="2022-01-25 09:12:00"><meta name="ContentSource" content="某县人民政府办公室">'
        '<meta name="Author" content="张三"></head><body><p>一、总体情况</p>'
        "<table><tr><td colspan='2'>第二十条第（五）项</td></tr><tr><td>信息内容</td><td>本年处理决定数量</td></tr>"
        "<tr><td>行政许可</td><td>17</td></tr></table></body></html>"
    )
    report = gkparse.parse_text(html)
    assert (report.meta.published, report.meta.publisher) == ("2022-01-25", "某县人民政府办公室")
    assert report.title == "某县2021年政府信息公开工作年度报告"


@pytest.mark.parametrize(
    ("lines", "fields", "extra"),
    [
        (["公开日期：2021-02-03"], {"published": "2021-02-03"}, {}),
        (["信息来源：https://www.example.gov.cn/a.html"], {"source_url": "https://www.example.gov.cn/a.html"}, {}),
        (["来源：www.example.gov.cn/a.html"], {"source_url": "www.example.gov.cn/a.html"}, {}),
        (["采集时间：2025-03-12 10:21:33", "发布时间：2021-01-05"], {"captured": "2025-03-12", "published": "2021-01-05"}, {}),
        (["抓取时间 2025年3月12日"], {"captured": "2025-03-12"}, {}),
        (["单位：某县人民政府"], {}, {"单位": "某县人民政府"}),
        (["信息内容 本年收费金额（单位：万元）"], {}, {}),  # 单位 inside a header is a word
    ],
)
def test_read_meta_labels(lines: list[str], fields: dict[str, str], extra: dict[str, str]) -> None:
    found = read_meta(lines)
    assert (found.fields, found.extra) == (fields, extra)


@pytest.mark.parametrize(
    ("cells", "lines"),
    [
        (["索 引 号：", "0012/2024-01", "分　类：", "年报"], ["索引号:0012/2024-01", "分类:年报"]),
        (["文号", "", "关键词", "年报"], ["关键词:年报"]),
        (["发布机构", "公开日期", "2024-01-18"], ["公开日期:2024-01-18"]),  # a label is no value
        (["一、本年新收政府信息公开申请数量", "3", "0", "3"], []),
        (["时效"], []),
    ],
)
def test_label_value_cells(cells: list[str], lines: list[str]) -> None:
    assert label_value_lines(cells) == lines


def test_titles_as_text_dumps_print_them() -> None:
    """Markdown marks, a title broken over two lines and a spaced-out title: the title and
    the agency are the words, not the marks or the gaps."""
    from gkparse.read.meta import agency_from_title, find_title

    assert find_title(["# **某某县交通运输局2023年政府信息公开工作年度报告**"]) == "某某县交通运输局2023年政府信息公开工作年度报告"
    broken = find_title(["## 2024 年某某局政府信息公开工作", "年度报告", "一、总体情况"])
    assert broken == "2024年某某局政府信息公开工作年度报告"
    assert agency_from_title(broken) == "某某局"
    spaced = find_title(["2 0 2 4 年 某 某 局 政 府 信 息 公 开 工 作 年 度 报 告"])
    assert spaced == "2024年某某局政府信息公开工作年度报告"
    # A line ending a sentence is not the first half of a title.
    assert find_title(["本局认真落实条例，", "2024年政府信息公开工作年度报告的编制"]) is None


def test_a_signature_at_the_end_of_a_long_line_is_found_as_over_the_whole_line() -> None:
    """The agency-and-date pattern is searched in a line's tail; the answer is the one the
    whole line gives, long runs of spaces and agency names at the tail's edge included."""
    import random

    from gkparse import vocabulary as vocab
    from gkparse.read.meta import SIGNATURE_TAIL_CHARS, _agency_and_date

    rng = random.Random(5)
    pieces = ["平潭综合实验区管委会办公室", "汉" * 45, " ", " " * 40, "\u3000" * 33, "2025年3月10日", "2025 年 3 月 10 日", "。", "x"]
    for _ in range(3000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 40)))
        if rng.random() < 0.3:
            line = "汉" * rng.randint(SIGNATURE_TAIL_CHARS - 60, SIGNATURE_TAIL_CHARS + 20) + line[-50:]
        whole = vocab.AGENCY_AND_DATE.search(line)
        tail = _agency_and_date(line)
        assert (whole and whole.groups()) == (tail and tail.groups()), line


def test_a_candidate_passed_over_as_too_long_is_too_long_once_cleaned() -> None:
    import random

    from gkparse.read.meta import MAX_TITLE_CHARS, _title_text, _too_long_for_a_title

    rng = random.Random(7)
    pieces = ["年", "报", "2024", " ", "  ", "**", "__", "#", ">", "标题：", "信息名称:", "\u3000", "某 县", "a"]
    for _ in range(5000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(20, 160)))
        if _too_long_for_a_title(raw):
            assert len(_title_text(raw)) > MAX_TITLE_CHARS, raw


def test_the_last_lines_are_read_from_the_end_as_from_the_whole_body() -> None:
    """The signature's lines, read back from the body's end, are the body's last non-blank
    lines stripped, whatever whitespace surrounds them."""
    import random

    from gkparse.read.meta import _last_lines

    rng = random.Random(8)
    pieces = ["\n", " ", "落款", "\u3000", "\r", "日\n", "\u2028", "\t", "\n\n"]
    for _ in range(5000):
        body = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        for count in (1, 3, 8):
            lines = [line.strip() for line in body.strip().split("\n") if line.strip()]
            assert _last_lines(body, count) == lines[-count:], (body, count)


def test_a_repeated_line_adds_no_field() -> None:
    """Each distinct line is read once (the first occurrence of a field wins either way)."""
    lines = ["索引号：0012/2023-01", "来源：县政府办", "正文", "来源：县政府办", "发布日期：2023-02-01"]
    assert read_meta(lines * 50).fields == read_meta(lines).fields == {
        "index_no": "0012/2023-01", "publisher": "县政府办", "published": "2023-02-01",
    }


def test_no_title_without_the_report_word() -> None:
    """find_title reads only candidates holding the report word once folded: every title
    pattern needs it."""
    from gkparse import vocabulary as vocab
    from gkparse.read.meta import _REPORT_WORD, find_title

    titles = ["某县2023年政府信息公开工作年度报告", "某局政务公开年度报告", "某局政府信息公开工作报告"]
    titles.append("二〇二一年某县政府信息公开年度报告")
    for title in titles:
        assert find_title(["您现在的位置：首页", title]) is not None
        for other in ("", "告", "极"):
            text = vocab.compact_title(title.replace(_REPORT_WORD, other))
            assert vocab.REPORT_TITLE.match(text) is None and vocab.LOOSE_REPORT_TITLE.search(text) is None
    assert find_title(["首页", "某县2023年政府信息公开工作年度報告"]) == "某县2023年政府信息公开工作年度報告"


def test_a_line_passed_over_holds_no_label() -> None:
    """The lines read for labels are those with a label at their start or one before a
    colon: every line passed over (a label word inside prose) gives no label, as it would
    if it were read."""
    import random

    from gkparse.read.meta import _HINTS, _LABELS, MAX_META_LINE, _hinted, _line_labels

    rng = random.Random(9)
    labels = [label for label, _ in _LABELS]
    pieces = [*labels, "索 引 号", "：", ":", " ", "\u3000", "\t", "本局", "，", "。", "2023-01-02", "单位", "http://x.cn", "号", "源"]
    for _ in range(20000):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        if len(line) <= MAX_META_LINE and _HINTS.search(line) and _line_labels(line):
            assert _hinted([line]) == [line], line
