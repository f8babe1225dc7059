"""Page metadata, title, agency, year, signature and prose parts, from text lines.

Shared by the HTML and text readers: both hand over lines of text; labels are matched
with any whitespace between their characters (``索 引 号``).
"""

from __future__ import annotations

import re

import regex

from ..model.report import Prose, Signature
from ..normalize import fold

__all__ = ["read_meta", "find_title", "agency_from_title", "report_year", "find_signature", "split_prose", "iso_date"]

_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("index_no", ("索引号",)),
    ("topic", ("主题分类", "主题导航", "主题词")),
    ("category", ("组配分类", "公开目录", "体裁分类", "信息分类", "分类")),
    ("publisher", ("发布机构", "发文机关", "信息来源", "发布单位", "来源")),
    ("published", ("生成日期", "发文日期", "发布日期", "成文日期", "发布时间", "公开日期", "印发日期", "时间")),
    ("document_no", ("发布文号", "发文字号", "文号")),
    ("disclosure", ("公开方式", "公开形式")),
    ("title", ("标题", "名称", "信息名称")),
    ("extra", ("有效性", "有 效 性", "公文时效", "时效", "关键词", "栏目", "原文链接", "公开范围", "公开时限", "浏览次数", "点击数", "字号")),
)
_LABELS = sorted(((label, name) for name, labels in _FIELDS for label in labels), key=lambda x: -len(x[0]))
_LABEL_RE = re.compile(
    "|".join(f"(?P<l{i}>" + r"[ \t\u3000]*".join(map(re.escape, label)) + ")" for i, (label, _) in enumerate(_LABELS))
    + r"[ \t\u3000]*[:：]?"
)
# Cheap first test for a line that may hold a label (the full pattern is slow on prose).
_LABEL_HINT = re.compile(
    "索|主题|分类|发布|发文|日期|文号|字号|公开方式|公开形式|标[ \t\u3000]*题|名[ \t\u3000]*称|来源|时间|栏目"
    "|链接|时效|有[ \t\u3000]*效|关键词|点击|浏览|公开目录|公开范围|公开时限|成文|生成|印发"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")
_TITLE = re.compile(
    r"^(?P<pre>.*?)(?P<y>(?:19|20)\d{2})\s*年度?\s*(?P<post>.*?)(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度)?(?:工作)?(?:情况)?(?:的)?(?:年度)?报告$"
)
# \p{Han} (the regex module) also covers the extension blocks that rare place and
# personal-name characters in agency names come from; [\u4e00-\u9fff] would not.
_AGENCY_AND_DATE = regex.compile(
    r"([\p{Han}（）()]{3,40}?)\s+((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*$"
)
_TITLE_LOOSE = re.compile(r"(?:19|20)\d{2}\s*年度?.{0,40}?(?:信息公开|政务公开).{0,12}?报\s*告|(?:信息公开|政务公开).{0,12}?(?:年度)?报告")
_TITLE_LABEL = re.compile(r"^\s*(?:标\s*题|名\s*称|信息名称)\s*[:：]\s*")
_NOT_REPORT = re.compile(r"解读|关于做好|编制发布|通知|制度|范文|模板|格式")
_PERIOD = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:至|到|—|-|－)\s*(?:((?:19|20)\d{2})\s*年\s*)?12\s*月\s*31\s*日")


def iso_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD``.

    >>> iso_date("生成日期 2021-01-28"), iso_date("2021年1月8日"), iso_date("无")
    ('2021-01-28', '2021-01-08', None)
    """
    m = _DATE.search(fold(text))
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def read_meta(lines: list[str]) -> dict[str, str]:
    """Labelled fields of a metadata block, by canonical name (first occurrence wins).

    >>> read_meta(["索引号 001008003008067/2021-98380 主题分类 政务公开", "生成日期 2021-01-28"])
    {'index_no': '001008003008067/2021-98380', 'topic': '政务公开', 'published': '2021-01-28'}
    """
    found: dict[str, str] = {}
    extra: dict[str, str] = {}
    for line in lines:
        if len(line) > 240 or not _LABEL_HINT.search(line):
            continue
        matches = list(_LABEL_RE.finditer(line))
        for i, m in enumerate(matches):
            label_index = int(next(k for k, v in m.groupdict().items() if v is not None)[1:])
            label, name = _LABELS[label_index]
            end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
            value = line[m.end():end].strip(" \t\u3000:：|")
            if i == 0 and m.start() > 0 and line[:m.start()].strip():
                # Label in the middle of a sentence ("…来源于…"): not a metadata line.
                if not re.search(r"[:：]", line[m.start():m.end() + 1]):
                    break
            if not value:
                continue
            if name == "published":
                value = iso_date(value) or ""
                if not value:
                    continue
            if name == "extra":
                extra.setdefault(label.replace(" ", ""), value)
                continue
            found.setdefault(name, value)
    if extra:
        found["__extra__"] = "\x1f".join(f"{k}\x1e{v}" for k, v in extra.items())
    return found


def _clean_title(text: str) -> str:
    return re.sub(r"\s+", "", fold(text)).strip("_-|")


def find_title(candidates: list[str]) -> str | None:
    """The first candidate that reads as an annual-report title (not a notice about one)."""
    for strict in (True, False):
        for raw in candidates:
            text = _TITLE_LABEL.sub("", " ".join(raw.split()))
            if not text or len(text) > 80:
                continue
            compact = _clean_title(text)
            if _NOT_REPORT.search(compact):
                continue
            if strict and _TITLE.match(compact):
                return text
            if not strict and _TITLE_LOOSE.search(compact):
                return text
    return None


def agency_from_title(title: str) -> str | None:
    """The reporting agency named in a title.

    >>> agency_from_title("2019年上海市人民政府办公厅政府信息公开工作年度报告")
    '上海市人民政府办公厅'
    >>> agency_from_title("平潭综合实验区2022年度政府信息公开工作年度报告")
    '平潭综合实验区'
    """
    m = _TITLE.match(_clean_title(title))
    if not m:
        return None
    pre, post = m.group("pre"), m.group("post")
    agency = pre or post
    agency = re.sub(r"^关于", "", agency)
    agency = re.sub(r"的$", "", agency)
    return agency or None


def report_year(title: str | None, body: str) -> int | None:
    """The year reported on: from the title, else the 统计期限 sentence."""
    if title:
        m = _TITLE.match(_clean_title(title))
        if m:
            return int(m.group("y"))
        m = re.search(r"((?:19|20)\d{2})\s*年", title)
        if m:
            return int(m.group(1))
    m = _PERIOD.search(fold(body[:20000]))
    if m:
        return int(m.group(1))
    return None


def find_signature(body: str) -> Signature:
    """The closing 落款 (agency line, then a date line) among the last lines of the body."""
    lines = [line.strip() for line in body.strip().split("\n") if line.strip()][-8:]
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if len(line) <= 20 and re.fullmatch(r"\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*", line):
            date = iso_date(line)
            agency = None
            if i > 0 and len(lines[i - 1]) <= 40 and not re.search(r"[。；;，,:：]", lines[i - 1]):
                agency = lines[i - 1]
            return Signature(agency=agency, date=date)
        m = _AGENCY_AND_DATE.search(line)
        if m and i == len(lines) - 1 and not re.search(r"[。；;，,]", m.group(1)):
            return Signature(agency=m.group(1), date=iso_date(m.group(2)))
    return Signature()


_HEADINGS = tuple((name, re.compile(pattern)) for name, pattern in (
    ("overview", r"一\s*[、.．]\s*(?:\S{0,10}?)(?:总体情况|概述|总体)"),
    ("part2", r"二\s*[、.．]\s*主动公开"),
    ("part3", r"三\s*[、.．]\s*收到和处理"),
    ("part4", r"四\s*[、.．]\s*(?:\S{0,12}?)(?:行政复议|行政诉讼)"),
    ("problems", r"五\s*[、.．]\s*[^\n。]{0,24}?(?:问题(?:[及和与]?(?:其)?(?:改进|整改)(?:情况|措施|计划)?)?|改进(?:情况|措施))"),
    ("other", r"六\s*[、.．]\s*(?:其他需要报告的事项|其他报告事项|其他需报告的事项|其他事项|其他)"),
))


def split_prose(body: str, signature: Signature | None = None) -> Prose:
    """Cut the body at the six part headings; return the prose of parts 一, 五 and 六."""
    positions: dict[str, tuple[int, int]] = {}
    cursor = 0
    for name, pattern in _HEADINGS:
        m = pattern.search(body, cursor)
        if m:
            positions[name] = (m.start(), m.end())
            cursor = m.end()
    starts = sorted(start for start, _ in positions.values())

    def text_of(name: str) -> str | None:
        if name not in positions:
            return None
        start = positions[name][1]
        end = next((s for s in starts if s > start), len(body))
        chunk = body[start:end].strip()
        if name == "other" and signature and signature.agency:
            tail = chunk.rfind(signature.agency)
            if tail > 0:
                chunk = chunk[:tail].strip()
        return chunk or None

    return Prose(overview=text_of("overview"), problems=text_of("problems"), other=text_of("other"))
