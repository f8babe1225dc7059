"""Every Chinese word list and pattern gkparse knows that is not a template's own label.

One home, used by the readers, the repair, the crawler and batch alike, so that they
agree on what a report title is, what year a title names and how a cell is written.
What a *template revision* prints (row and column labels, captions, part headings,
detection cues) is template data in :mod:`gkparse.templates`; what reports, titles,
pages and cells look like in general is here.

Sections: characters · cell grammar words · numerals and years · report titles and
look-alikes · metadata labels · prose headings and the signature · pages, links and bytes ·
report parts and table headers.
"""

from __future__ import annotations

import re
import unicodedata

import regex

__all__ = [
    "body_markers",
    "TRADITIONAL_PAIRS",
    "LABEL_NOISE",
    "SENTENCE_MARKS",
    "compact_title",
    "INVISIBLE_CHARACTERS",
    "MINUS_SIGNS",
    "DASHES",
    "DASH_WORDS",
    "MULTIPLIERS",
    "MONEY_UNITS",
    "COUNT_UNITS",
    "PROSE_COUNT_UNITS",
    "CHINESE_DIGITS",
    "PART_NUMERALS",
    "CAPTION_ITEM_NUMERALS",
    "arabic_years",
    "title_year",
    "REPORT_TEXT_PATTERNS",
    "LOOKALIKE_TEXT_PATTERNS",
    "REPORT_WORDS",
    "REPORT_PAGE_WORDS",
    "lookalike_reason",
    "mentions_report",
    "is_report_title",
    "REPORT_TITLE",
    "LOOSE_REPORT_TITLE",
    "TITLE_LABEL",
    "TITLE_YEAR_GAP",
    "agency_from_title",
    "META_FIELDS",
    "META_LABEL_HINT",
    "META_LABEL_HINT_ADDED",
    "META_LINE_START_LABELS",
    "META_FIELD_TITLES",
    "URL_VALUE",
    "HTML_META_NAMES",
    "DATE",
    "PERIOD",
    "AGENCY_AND_DATE",
    "DATE_END",
    "SIGNATURE_DATE",
    "PROSE_HEADINGS",
    "PROSE_TITLES",
    "PROSE_CLAUSE_BREAKS",
    "REQUEST_HEADER_GROUP",
    "SUBTOTAL_HEADERS",
    "SUBTOTAL_SUFFIX",
    "SUBTOTAL_GROUP",
    "SUBTOTAL_MEMBERS",
    "NEXT_PAGE_TEXTS",
    "BODY_MARKERS",
    "REPORT_BYTE_MARKERS",
]

# --- characters ----------------------------------------------------------------------

#: Traditional characters met in report labels and agency names (mirror sites, Hong Kong-style fonts),
#: each followed by its simplified form.
TRADITIONAL_PAIRS = (
    "規规範范條条項项製制發发數数請请開开處处結结轉转總总計计舉举報报訴诉復复議议維维糾纠審审"
    "務务過过執执詢询關关現现補补確确認认獲获費费權权護护險险穩稳機机構构會会業业與与學学無无"
    "屬属國国內内類类許许強强罰罚購购採采額额廢废決决負负責责問问題题況况進进號号錄录單单為为"
    "並并據据準准際际資资訊讯應应對对經经濟济變变門门觀观點点線线體体區区縣县鄉乡鎮镇員员"
    "產产辦办聯联網网頁页統统導导戶户檔档適适證证鑑鉴續续屆届達达"
    # agency names (gkparse.agency)
    "財财廳厅衛卫農农稅税勞劳職职醫医藥药環环輸输運运設设監监園园場场廣广東东"
)
#: Characters dropped when labels are compared (spaces and quote marks).
LABEL_NOISE = " \t\r\n\u3000\u00a0\u200b\ufeff\"'“”‘’「」『』"

# --- cell grammar words (read by gkparse.grammar) --------------------------------------

#: Characters editors and converters leave inside cells that a browser does not show: every
#: format character (Unicode category Cf: zero-width spaces and joiners, BOM, soft hyphen,
#: direction marks) — dropped wherever they stand.
INVISIBLE_CHARACTERS = regex.compile(r"\p{Cf}+")
#: What a lost byte leaves at a cell's edge (NUL, which lxml reads as U+FFFD, and U+FFFD for a
#: byte the page's charset could not read): trimmed from the ends of a cell's text only — inside
#: digits it may stand for a lost digit, and the cell stays unreadable.
LOST_BYTE_CHARACTERS = "\x00\ufffd"
#: Minus signs other than ``-`` (after NFKC, which already maps the full-width ``－``).
MINUS_SIGNS = ("\u2212", "\u2012", "\u2013")
#: Dash runs printed for "none" in a cell.
DASHES = ("/", "\\", "-", "\u2014", "\u2013", "\u2015", "\u2500", "\u2010", "\u2011")
#: Words printed for "none" in a cell.
DASH_WORDS = ("无",)
#: Multipliers before a unit (``45.6万`` is 456000 of the base unit).
MULTIPLIERS = {"万": 10_000, "亿": 100_000_000}
#: Money units and their size in 元 (a column's ``unit`` is one of these).
MONEY_UNITS = {"元": 1, "万元": 10_000}
#: Counting words printed after a count (``50件``, ``4起``); they do not scale.
COUNT_UNITS = ("件", "个", "项", "条", "次", "起", "家", "宗", "份", "人", "人次", "户")
#: Units after a number in running prose that make it a count or an amount of a table row.
PROSE_COUNT_UNITS = ("件", "个", "项", "条", "万元")

# --- numerals and years ---------------------------------------------------------------

#: The ways editors write zero in a Chinese-numeral year (〇, and the look-alike circles
#: and letter O typed for it).
_CHINESE_ZEROS = "〇零○ＯO"
_CHINESE_ONE_TO_NINE = "一二三四五六七八九"
#: Chinese digits (and the look-alike circles and letter O editors type for 〇).
CHINESE_DIGITS = str.maketrans(_CHINESE_ZEROS + _CHINESE_ONE_TO_NINE, "0" * len(_CHINESE_ZEROS) + "123456789")
_CN_YEAR = re.compile(f"([{_CHINESE_ZEROS}{_CHINESE_ONE_TO_NINE}]{{4}})" + r"(?=\s*年)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
#: The Chinese numeral of each table's part of the report (二 for part 2).
PART_NUMERALS = {"disclosure": "二", "requests": "三", "appeals": "四"}
#: The numerals of part 二's sub-table items (一 … 十): in a caption the template's caption
#: pattern does not match (a bare ``（五）``), the first one names the block. The templates'
#: caption patterns are built on it.
CAPTION_ITEM_NUMERALS = _CHINESE_ONE_TO_NINE + "十"


def arabic_years(text: str) -> str:
    """``text`` with years written in Chinese numerals turned into digits.

    >>> arabic_years("某某县人民政府二〇二二年政府信息公开工作年度报告")
    '某某县人民政府2022年政府信息公开工作年度报告'
    >>> arabic_years("二O二一年度")
    '2021年度'
    """
    if not any(ch in text for ch in _CHINESE_ZEROS):
        return text
    return _CN_YEAR.sub(lambda m: m.group(1).translate(CHINESE_DIGITS), text)


def title_year(text: str) -> int | None:
    """The 4-digit year before 年 in a title (digits or Chinese numerals), or None.

    >>> title_year("二〇二二年度政府信息公开工作年度报告"), title_year("2023 年报"), title_year("年度报告")
    (2022, 2023, None)
    """
    m = _YEAR.search(arabic_years(_norm(text)))
    return int(m.group(1)) if m else None


# --- report titles and look-alikes ----------------------------------------------------

#: Link texts or titles that name an annual report.
REPORT_TEXT_PATTERNS: tuple[str, ...] = (
    r"年度报告",
    r"年报",
    r"信息公开.{0,8}工作.{0,4}报告",
)
#: Words in a page's first lines that show it is about annual reports at all.
REPORT_WORDS = ("年度报告", "年报", "信息公开工作报告")
#: Words anywhere on a page about information disclosure (with an old year: an old report).
REPORT_PAGE_WORDS = ("信息公开", "年度报告", "工作报告", "年报")
#: Titles that mention annual reports but are not one: notices about compiling them, the
#: reporting rules, interpretations and graphics, templates and samples, other 年报.
LOOKALIKE_TEXT_PATTERNS: tuple[str, ...] = (
    r"通知",
    r"关于做好",
    r"(?:报告|年报)制度",
    r"解读",
    r"图解",
    r"范文",
    r"模板",
    r"样本",
    r"样表",
    r"(?:报告|年报)的?(?:编制|撰写|填报|报送|格式)",
    r"编制(?:发布|工作|要求)",
    r"参考格式",
    r"征求意见",
    r"培训",
    r"统计年报",
    r"企业年报",
    r"年报公示",
)
_LOOKALIKE = re.compile("|".join(f"(?:{p})" for p in LOOKALIKE_TEXT_PATTERNS))
_MENTIONS = re.compile("|".join(f"(?:{p})" for p in REPORT_TEXT_PATTERNS))

#: A report title: an agency, the year, then "…政府信息公开工作年度报告" in its variants.
REPORT_TITLE = re.compile(
    r"^(?P<pre>.*?)(?P<y>(?:19|20)\d{2})\s*年度?\s*(?P<post>.*?)(?:政府|政务)?(?:信息)?公开(?:工作)?"
    r"(?:年度)?(?:工作)?(?:情况)?(?:的)?(?:年度)?报告$"
)
#: A looser title, for pages whose title lacks the year or runs on.
LOOSE_REPORT_TITLE = re.compile(
    r"(?:19|20)\d{2}\s*年度?.{0,40}?(?:信息公开|政务公开).{0,12}?报\s*告|(?:信息公开|政务公开).{0,12}?(?:年度)?报告"
)
#: The gap a spaced-out title leaves between a year's digits and 年 (``2024 年``).
TITLE_YEAR_GAP = re.compile(r"(?<=\d)\s+(?=年)")
#: A "title:" label in front of a title line.
TITLE_LABEL = re.compile(r"^\s*(?:标\s*题|名\s*称|信息名称)\s*[:：]\s*")
_AGENCY_PREFIX = re.compile(r"^关于")
_AGENCY_SUFFIX = re.compile(r"的$")


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def lookalike_reason(text: str) -> str | None:
    """The look-alike word a report-ish title holds (a notice, an interpretation, a graphic,
    a sample…), or None.

    >>> lookalike_reason("文字解读:某某县2023年政府信息公开工作年度报告")
    '解读'
    >>> lookalike_reason("图解：某县2023年政府信息公开工作年度报告")
    '图解'
    """
    m = _LOOKALIKE.search(_norm(text))
    return m.group(0) if m else None


def mentions_report(text: str) -> bool:
    """Whether ``text`` names an annual report (look-alikes included)."""
    return _MENTIONS.search(_norm(text)) is not None


def is_report_title(text: str) -> bool:
    """True when ``text`` names an annual report and is no look-alike.

    >>> is_report_title("某某县交通运输局2023年政府信息公开工作年度报告")
    True
    >>> is_report_title("某县2023年政府信息公开工作年度报告（样本）")
    False
    """
    return mentions_report(text) and lookalike_reason(text) is None


def agency_from_title(title: str) -> str | None:
    """The reporting agency a title names (years in Chinese numerals too).

    >>> agency_from_title("2019年上海市人民政府办公厅政府信息公开工作年度报告")
    '上海市人民政府办公厅'
    >>> agency_from_title("某某县人民政府二〇二二年政府信息公开工作年度报告")
    '某某县人民政府'
    """
    m = REPORT_TITLE.match(compact_title(title))
    if not m:
        return None
    agency = m.group("pre") or m.group("post")
    agency = _AGENCY_SUFFIX.sub("", _AGENCY_PREFIX.sub("", agency))
    return agency or None


def compact_title(text: str) -> str:
    """A title folded for matching: NFKC, traditional → simplified, years as digits, no whitespace."""
    # Imported here: normalize reads its fold table from this module.
    from .normalize import fold

    return re.sub(r"\s+", "", arabic_years(fold(text))).strip("_-|")


# --- metadata labels ------------------------------------------------------------------

#: The article's metadata block: canonical field → the labels sites print for it (longest
#: wins when several match). ``extra`` fields are kept under their own label.
META_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index_no", ("索引号",)),
    ("topic", ("主题分类", "主题导航", "主题词")),
    ("category", ("组配分类", "公开目录", "体裁分类", "信息分类", "分类")),
    ("publisher", ("发布机构", "发文机关", "信息来源", "发布单位", "来源")),
    ("published", ("生成日期", "发文日期", "发布日期", "成文日期", "发布时间", "公开日期", "印发日期", "时间")),
    ("document_no", ("发布文号", "发文字号", "文号")),
    ("disclosure", ("公开方式", "公开形式")),
    ("title", ("标题", "名称", "信息名称")),
    ("source_url", ("来源网址", "原文地址", "原网址", "网页地址")),
    ("captured", ("采集时间", "采集日期", "抓取时间", "归档时间")),
    ("extra", (
        "有效性", "有 效 性", "公文时效", "时效", "关键词", "栏目", "原文链接", "公开范围", "公开时限", "浏览次数", "点击数", "字号",
        "单位",
    )),
)
#: The name each metadata field is shown under (the model's field titles).
META_FIELD_TITLES = {
    "index_no": "索引号", "topic": "主题分类", "category": "组配分类", "publisher": "发布机构",
    "published": "发布日期", "document_no": "文号", "disclosure": "公开方式",
    "title": "标题", "agency": "报告机关", "year": "报告年度", "source_url": "来源网址", "captured": "采集时间",
}
#: Cheap first test for a line that may hold a metadata label (the full pattern is slow on prose).
META_LABEL_HINT = re.compile(
    "索|主题|分类|发布|发文|日期|文号|字号|公开方式|公开形式|标[ \t\u3000]*题|名[ \t\u3000]*称|来源|时间|栏目"
    "|链接|时效|有[ \t\u3000]*效|关键词|点击|浏览|公开目录|公开范围|公开时限|成文|生成|印发"
)
#: A line may hold one of the labels added for issue 10 (the older hint lacks them).
META_LABEL_HINT_ADDED = re.compile("单位|采集|抓取|归档|网址|地址|公开日期")
#: Metadata labels that count only at the start of a line: elsewhere they are ordinary
#: words (``本年收费金额（单位：万元）``). ``单位`` heads a line of an archiving wrapper
#: (``标题：… 单位：… 来源：http://… 采集时间：…``): the site's owner, kept in ``extra``.
META_LINE_START_LABELS = ("单位",)
#: A metadata value that is an address, not a name: under a publisher label (来源：http://…)
#: it is where the page was saved from (``Meta.source_url``), not who published it.
URL_VALUE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
#: The standard article <meta name=…> tags of government CMS pages (政府网站发展指引):
#: lower-cased name → the metadata field they fill (when the page's visible block does not).
HTML_META_NAMES = {
    "articletitle": "title",
    "pubdate": "published",
    "contentsource": "publisher",
    "url": "source_url",
}
#: A date written with digits: 2021-01-28, 2021年1月8日, 2021/1/8.
DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
#: The reporting period sentence: 本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止.
PERIOD = re.compile(
    r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:起)?\s*(?:至|到|—|-|－)\s*(?:((?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日"
)

# --- prose headings and the signature -------------------------------------------------

#: The closing line "agency  2021年1月20日" on one line.
# \p{Han} (the regex module) also covers the extension blocks that rare place and
# personal-name characters in agency names come from; [\u4e00-\u9fff] would not.
AGENCY_AND_DATE = regex.compile(
    r"([\p{Han}（）()]{3,40}?)\s+((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$"
)
#: The character a date written in full ends with (2021年1月20日): a line the signature
#: patterns match ends with it.
DATE_END = "日"
#: A line holding only a date (the signature's second line).
SIGNATURE_DATE = re.compile(r"\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*")
#: The headings of the prose parts (一, 五, 六), in report order. The prose is cut at these
#: and at the tables' part headings (二–四, between 一 and 五), which are template data
#: (:attr:`gkparse.templates.Table.heading`).
PROSE_HEADINGS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("overview", r"一\s*[、.．]\s*(?:\S{0,10}?)(?:总体情况|概述|总体)"),
    ("problems", r"五\s*[、.．]\s*[^\n。]{0,24}?(?:问题(?:[及和与]?(?:其)?(?:改进|整改)(?:情况|措施|计划)?)?|改进(?:情况|措施))"),
    ("other", r"六\s*[、.．]\s*(?:其他需要报告的事项|其他报告事项|其他需报告的事项|其他事项|其他)"),
))
#: Where a clause of running prose ends (numbers are tied to words within one clause).
PROSE_CLAUSE_BREAKS = re.compile(r"[，,。；;！!？?\n]")
#: Sentence punctuation: a line holding it is prose, not an agency name.
SENTENCE_MARKS = re.compile(r"[。；;，,:：]")

# --- pages, links and bytes -----------------------------------------------------------

#: Anchor texts of "next page" links.
NEXT_PAGE_TEXTS: tuple[str, ...] = ("下一页", "下页", "后一页", "下一頁", ">", ">>", "›", "»")
#: Words that mark the article body of a report page among the site chrome.
BODY_MARKERS = (
    "第二十条", "申请人情况", "本年新收", "总体情况", "主动公开政府信息情况", "行政复议",
    "存在的主要问题", "其他需要报告",
)


def body_markers(text: str, at_least: int = len(BODY_MARKERS)) -> int:
    """How many :data:`BODY_MARKERS` ``text`` holds, whitespace ignored (the HTML and Word
    readers tell an article or a report table from site chrome and layout by it).

    The markers are looked for in the text as it stands first (a marker holds no
    whitespace: one found there is found without it too), and only a text holding fewer
    than ``at_least`` (and not every marker) is copied without its whitespace, where the
    markers not found are looked for (a report's body may be a long article); a count of
    ``at_least`` or more is returned as it is. A text already without whitespace is counted
    as it stands with ``at_least=0``.

    >>> body_markers("一、总体 情况 … 申请人情况"), body_markers("一、总体 情况 … 申请人情况", at_least=1)
    (2, 1)
    """
    missing = [marker for marker in BODY_MARKERS if marker not in text]
    found = len(BODY_MARKERS) - len(missing)
    if found >= at_least or not missing:
        return found
    key = "".join(text.split())  # split() is many times faster than translate() here
    # Only the markers not found are looked for again: a marker found late is not passed twice.
    return found + sum(marker in key for marker in missing)


#: Words only a report's tables hold, looked for in its bytes (UTF-8 or GB18030) by the
#: WARC pre-filter before anything is decoded. Never a word of the site chrome around a
#: report (信息公开, 政府信息, 年度报告 are in the menus of every page of a disclosure
#: column, so they passed every page): part 二's caption and a header of each revision,
#: part 三's applicant header and first row, part 四's headers, and for a pre-2019 report
#: (read as one, with its ``pre-2019`` issue) its part 四 heading and a statistics-table row.
#: Several per table: one label broken by a space or a tag (本年新 制作数量) is not enough
#: to lose a report. A page about reports without their tables (a notice about compiling
#: them, a list of reports) holds none and is skipped as ``no-report-marker``.
REPORT_BYTE_MARKERS = (
    "申请人情况", "本年新收政府信息公开申请", "第二十条第", "本年制发件数", "本年新制作数量",
    "未经复议直接起诉", "结果维持", "收费及减免", "同意公开答复数",
)

# --- report parts and table headers ------------------------------------------------------

#: The titles of the prose parts (一, 五, 六) as the template prints them.
PROSE_TITLES = {
    "overview": "一、总体情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
#: Part 三's header cell over all applicant columns: in a text dump it stands among the
#: column headers but heads no column.
REQUEST_HEADER_GROUP = "申请人情况"
#: Part 三 column headers that are subtotals of other columns (the 2021 template prints
#: 法人或其他组织 over five applicant columns; some sites add a 小计): not cells of their own.
SUBTOTAL_HEADERS = ("法人或其他组织", "小计", "法人或其他组织小计")
#: A header ending with this is a subtotal too (商业企业小计, …).
SUBTOTAL_SUFFIX = "小计"
#: The header cell over the organisation columns and their subtotal (a column of its own
#: only where nothing is printed under it).
SUBTOTAL_GROUP = "法人或其他组织"
#: The applicant columns a part 三 subtotal column (法人或其他组织 小计) sums, by header
#: label; the row's 总计 is then 自然人 plus the subtotal.
SUBTOTAL_MEMBERS = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


# --- agency names -----------------------------------------------------------------------
# What :mod:`gkparse.agency` folds away to recognise one agency across years and sources.

#: A bracketed qualifier after or inside a name that says which accounts, not who: （本级）,
#: (区本级), 【2022】, （机关）, （汇总）, （含下属单位）. Other brackets (（交通警察支队）) name a unit
#: and are kept.
AGENCY_QUALIFIER = re.compile(r"[(\[【〔][^()\[\]【】〔〕]{0,12}?(?:本级|本部|机关|汇总|合并|含|[0-9]{4})[^()\[\]【】〔〕]{0,12}[)\]】〕]")
#: Spellings of one agency word, as (pattern, the key's form), applied in order.
AGENCY_SPELLINGS: tuple[tuple[str, str], ...] = (
    ("管理委员会", "管委会"),
    ("政府办(?!公)", "政府办公室"),
    ("人民政府办公室", "政府办公室"),
    ("人民政府办公厅", "政府办公厅"),
    ("街道办事处$", "街道"),
)
#: The governing body of a territory is named with or without its body word (洪泽区人民政府 =
#: 洪泽区, 平潭综合实验区管委会 = 平潭综合实验区), when what precedes it ends with one of the
#: territory words given for that body word: a government governs any territory, an
#: administrative committee a zone (…区), never a 城市管理委员会's city.
AGENCY_GOVERNMENT_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("人民政府", ("省", "市", "县", "区", "旗", "州", "盟", "镇", "乡", "自治区", "自治州", "自治县")),
    ("政府", ("省", "市", "县", "区", "旗", "州", "盟", "镇", "乡", "自治区", "自治州", "自治县")),
    ("管委会", ("区",)),
)
#: The endings that mark a parent territory before a short name (淮安市|洪泽区人民政府).
TERRITORY_ENDINGS = ("省", "市", "县", "区", "旗", "州", "盟", "镇", "乡", "街道", "自治区", "自治州", "自治县")


# --- the panel's summary page (gkparse.panel.summary) ----------------------------------

#: Headings and short headers of the summary page, as a Chinese reader looks for them.
SUMMARY_WORDS = {
    "title": "政府信息公开工作年度报告",
    "year": "年度",
    "template": "模板",
    "sources": "来源",
    "requests": "申请",
    "total": "总计",
    "appeals": "行政复议、行政诉讼",
    "printed_total": "(七)总计",
    "received": "本年新收",
    "dash": "无",
}
#: Short headers of the headline request rows (column total), by row key.
SUMMARY_REQUEST_HEADERS = (
    ("new", "新收"),
    ("carried_over", "上年结转"),
    ("total", "办理总计"),
    ("granted", "予以公开"),
    ("partially_granted", "部分公开"),
    ("carried_forward", "结转下年"),
)
