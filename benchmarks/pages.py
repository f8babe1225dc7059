"""Deterministic pages for the benchmarks, generated from the fixtures.

The fixtures are four report pages; the speed targets of issue 15 also name pages unlike
them. Everything here is built from the fixture bytes and fixed text, with no randomness,
so two runs measure the same bytes:

- :func:`html_pages` — the fixtures and three kinds of page unlike them: a report in heavy
  site chrome (navigation menus, link lists, footers many times larger than the article),
  a pre-2019 report page (the 2008-regulation parts and the 2017–2018 statistics table,
  which gkparse must detect as ``pre-2019``) and a large page (a long report in chrome);
- :func:`site_pages` — pages of the same site that are not reports (news, the disclosure
  guide, a list of annual reports, a notice about compiling reports — a look-alike): the
  WARC pre-filter must skip them;
- :func:`build_warc` — an uncompressed or gzipped WARC of both, for the pre-filter's MB/s.
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from gkparse.read.decode import decode_bytes

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
#: The page whose chrome (header, navigation, footer) every generated page reuses.
CHROME_SOURCE = FIXTURES / "pingtan_2024.page.html"
#: Words of the report tables: the element holding the tables that hold them is the article.
_TABLE_WORDS = ("申请人情况", "第二十条", "行政复议")
#: Placeholders cut into the chrome where an article and a title go.
_ARTICLE = "@@GKPARSE-BENCH-ARTICLE@@"
_TITLE = "@@GKPARSE-BENCH-TITLE@@"
#: Copies of the navigation added to a chrome-heavy page (≈ 0.5 MB of menus around a
#: 36 KB article: the mega-menus of provincial portals are this heavy).
HEAVY_NAV_COPIES = 250
#: Times the large page repeats the report's prose parts (≈ 1 MB page).
LARGE_PROSE_COPIES = 120


@dataclass
class Page:
    """A generated page: ``name``, its bytes, what it is (``kind``) and, for reports,
    whether gkparse must read it as a report (``report``) or detect it as pre-2019."""

    name: str
    data: bytes
    kind: str
    report: bool = True


# --- the chrome ------------------------------------------------------------------------------


def _article_element(root: etree._Element) -> etree._Element:
    """The lowest element holding every report table of a page (its article)."""
    tables = [t for t in root.iter("table") if any(w in t.text_content() for w in _TABLE_WORDS)]
    if not tables:
        raise ValueError("no report table found")
    paths = [[*reversed(list(t.iterancestors())), t] for t in tables]
    common = [nodes[0] for nodes in zip(*paths) if all(n is nodes[0] for n in nodes)]
    article = common[-1]
    return article.getparent() if article.tag == "table" else article


def _text(data: bytes) -> str:
    return decode_bytes(data).text


def chrome() -> tuple[str, str]:
    """The chrome of :data:`CHROME_SOURCE` as (before, after) the article, with
    :data:`_TITLE` where the report's title stood."""
    text = _text(CHROME_SOURCE.read_bytes())
    root = lxml.html.document_fromstring(text)
    title = root.findtext(".//title").split("_")[0]
    article = _article_element(root)
    for child in list(article):
        article.remove(child)
    article.text = _ARTICLE
    html = lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>").replace(title, _TITLE)
    before, after = html.split(_ARTICLE)
    return before, after


def _heavy(before: str) -> str:
    """``before`` with its navigation lists repeated :data:`HEAVY_NAV_COPIES` times."""
    root = lxml.html.fromstring(before + "</div></div></body></html>")
    lists = [lxml.html.tostring(ul, encoding="unicode") for ul in root.iter("ul")]
    nav = "".join(lists) or "<ul><li><a href='/'>首页</a></li></ul>"
    block = f"<div class='nav-more'>{nav}</div>"
    head, sep, rest = before.partition("<body>")
    return head + sep + block * HEAVY_NAV_COPIES + rest


def _wrap(article: str, title: str, *, heavy: bool = False) -> bytes:
    before, after = chrome()
    if heavy:
        before = _heavy(before)
    return (before.replace(_TITLE, title) + article + after.replace(_TITLE, title)).encode("utf-8")


def _fixture_article(path: Path) -> tuple[str, str]:
    """(article HTML, title) of a fixture report page."""
    text = _text(path.read_bytes())
    root = lxml.html.document_fromstring(text)
    article = _article_element(root)
    title_el = root.find(".//title")
    title = title_el.text.split("_")[0] if title_el is not None and title_el.text else ""
    if not title:
        title = next((p.text_content().strip() for p in root.iter("p") if "年度报告" in p.text_content()), "")
    return lxml.html.tostring(article, encoding="unicode"), title


# --- report pages unlike the fixtures ----------------------------------------------------------

#: The 2017–2018 statistics table of the pre-2019 reports (国办公开办函〔2017〕… format):
#: (label, unit) rows, values filled in deterministically.
PRE_2019_ROWS = (
    ("一、主动公开情况", ""), ("（一）主动公开政府信息数", "条"), ("其中：主动公开规范性文件数", "条"),
    ("制发规范性文件总数", "件"), ("（二）通过不同渠道和方式公开政府信息的情况", ""), ("1.政府公报公开政府信息数", "条"),
    ("2.政府网站公开政府信息数", "条"), ("3.政务微博公开政府信息数", "条"), ("4.政务微信公开政府信息数", "条"),
    ("二、回应解读情况", ""), ("（一）回应公众关注热点或重大舆情数", "次"), ("（二）通过不同渠道和方式回应解读的情况", ""),
    ("1.参加或举办新闻发布会总次数", "次"), ("2.政府网站在线访谈次数", "次"), ("3.政策解读稿件发布数", "篇"),
    ("三、依申请公开情况", ""), ("（一）收到申请数", "件"), ("1.当面申请数", "件"), ("2.传真申请数", "件"),
    ("3.网络申请数", "件"), ("4.信函申请数", "件"), ("（二）申请办结数", "件"), ("1.按时办结数", "件"),
    ("2.延期办结数", "件"), ("（三）申请答复数", "件"), ("1.属于已主动公开范围数", "件"), ("2.同意公开答复数", "件"),
    ("3.同意部分公开答复数", "件"), ("4.不同意公开答复数", "件"), ("其中：涉及国家秘密", "件"),
    ("5.不属于本行政机关公开数", "件"), ("6.申请信息不存在数", "件"), ("7.告知作出更改补充数", "件"),
    ("8.告知通过其他途径办理数", "件"), ("四、行政复议数量", "件"), ("（一）维持具体行政行为数", "件"),
    ("（二）被依法纠错数", "件"), ("（三）其他情形数", "件"), ("五、行政诉讼数量", "件"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件"),
    ("（二）被依法纠错数", "件"), ("（三）其他情形数", "件"), ("六、举报投诉数量", "件"),
    ("七、依申请公开信息收取的费用", "万元"), ("八、机构建设和保障经费情况", ""), ("（一）政府信息公开工作专门机构数", "个"),
    ("（二）设置政府信息公开查阅点数", "个"), ("（三）从事政府信息公开工作人员数", "人"),
    ("（四）政府信息公开专项经费", "万元"), ("九、政府信息公开会议和培训情况", ""),
    ("（一）召开政府信息公开工作会议或专题会议数", "次"), ("（二）举办各类培训班数", "次"), ("（三）接受培训人员数", "人次"),
)


def pre_2019_article(year: int = 2017, agency: str = "平潭综合实验区管委会") -> tuple[str, str]:
    """(article HTML, title) of a report in the pre-2019 form: the five parts of article 32
    of the 2008 regulation and the statistics table (no template of gkparse reads it)."""
    title = f"{agency}{year}年政府信息公开工作年度报告"
    parts = [
        f"本报告根据《中华人民共和国政府信息公开条例》要求编制。全文包括概述，主动公开政府信息情况，依申请公开政府信息情况，"
        f"政府信息公开的收费及减免情况，因政府信息公开申请行政复议、提起行政诉讼的情况，存在的主要问题及改进措施。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、概述", f"{year}年，我委坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。",
        "二、主动公开政府信息情况", f"{year}年共主动公开政府信息1286条，其中规范性文件23件。",
        "三、依申请公开政府信息情况", f"{year}年共受理政府信息公开申请41件，均按时答复。",
        "四、政府信息公开的收费及减免情况", f"{year}年未收取政府信息公开相关费用。",
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况", f"{year}年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。",
        "六、存在的主要问题及改进措施", "我委政府信息公开工作还存在公开内容不够全面等问题，下一步将进一步完善工作机制。",
    ]
    body = "".join(f"<p>{p}</p>" for p in parts)
    rows = "".join(
        f"<tr><td>{label}</td><td>{unit}</td><td>{(i * 37) % 211 if unit else ''}</td></tr>"
        for i, (label, unit) in enumerate(PRE_2019_ROWS)
    )
    table = f"<p>附表：政府信息公开情况统计表</p><table border='1'><tr><th>统计指标</th><th>单位</th><th>统计数</th></tr>{rows}</table>"
    return f"<div class='TRS_Editor'>{body}{table}</div>", title


def html_pages() -> list[Page]:
    """The HTML pages of the speed targets: the four fixtures, then a fixture report in
    heavy chrome, a pre-2019 report page and a large page."""
    pages = [Page(p.name, p.read_bytes(), "fixture") for p in sorted(FIXTURES.glob("*.html"))]
    article, title = _fixture_article(FIXTURES / "shanghai_govoffice_2019.html")
    pages.append(Page("chrome-heavy (shanghai_2019 in site chrome)", _wrap(article, title, heavy=True), "chrome-heavy"))
    article, title = pre_2019_article()
    pages.append(Page("pre-2019 (2017 statistics table)", _wrap(article, title), "pre-2019", report=False))
    article, title = _fixture_article(FIXTURES / "pingtan_2024.page.html")
    root = lxml.html.fromstring(article)
    prose = [lxml.html.tostring(p, encoding="unicode") for p in root.iter("p") if len(p.text_content()) > 60]
    large = article.replace("</div>", "".join(prose) * LARGE_PROSE_COPIES + "</div>", 1) if prose else article
    pages.append(Page("large (pingtan_2024, long prose)", _wrap(large, title), "large"))
    return pages


# --- pages of the site that are not reports ---------------------------------------------------

#: Sentences of the news and notices: none holds a word of the report tables.
_NEWS = (
    "平潭综合实验区召开安全生产工作会议，部署节日期间安全防范工作。",
    "会议强调，要压紧压实各方责任，深入开展隐患排查整治，确保人民群众生命财产安全。",
    "实验区举办海峡两岸青年创业交流活动，吸引两岸青年代表百余人参加。",
    "今年以来，实验区持续优化营商环境，新增市场主体三千余户。",
    "区领导深入企业调研，协调解决项目建设中遇到的困难和问题。",
    "气象部门提醒，受冷空气影响，未来三天我区将出现大风降温天气，请做好防范。",
    "实验区政务服务中心推行一窗通办，群众办事更加便捷。",
    "当日，实验区还召开专题会议，研究部署政务公开和政府信息公开重点工作。",
)
_GUIDE = (
    "为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。",
    "一、主动公开。主动公开的政府信息通过政府网站、政府公报、新闻发布会等方式公开。",
    "二、依申请公开。公民、法人或者其他组织申请获取政府信息的，应当向行政机关的政府信息公开工作机构提出，并采用包括信件、数据电文在内的书面形式。",
    "申请人应当填写政府信息公开申请表，写明申请人的姓名或者名称、身份证明、联系方式，申请公开的政府信息的名称、文号或者便于行政机关查询的其他特征性描述。",
    "三、不予公开的范围。依法确定为国家秘密的政府信息，法律、行政法规禁止公开的政府信息，以及公开后可能危及国家安全、公共安全、经济安全、社会稳定的政府信息，不予公开。",
    "四、救济方式。申请人认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。",
    "五、政府信息公开工作年度报告。本机关每年1月31日前公布本机关上一年度政府信息公开工作年度报告。",
)
_NOTICE = (
    "各部门、各乡镇人民政府：",
    "根据《中华人民共和国政府信息公开条例》和《国务院办公厅政府信息与政务公开办公室关于印发〈中华人民共和国政府信息公开工作年度报告格式〉的通知》"
    "（国办公开办函〔2021〕30号）要求，现就做好2024年度政府信息公开工作年度报告编制发布工作通知如下：",
    "一、严格按照年度报告格式编制，准确填报主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况。",
    "二、年度报告经本机关主要负责人审定后，于2025年1月31日前在本机关门户网站政府信息公开专栏发布。",
    "三、各单位要认真核对数据，确保年度报告数据准确、前后一致。",
)
#: Kinds of non-report page and how many of each a site WARC holds (news dominates a site).
SITE_MIX = (("news", 40), ("guide", 1), ("list", 4), ("notice", 2))


def _paragraphs(sentences: tuple[str, ...], n: int, seed: int) -> str:
    return "".join(f"<p>{sentences[(seed + i) % len(sentences)]}</p>" for i in range(n))


def site_page(kind: str, i: int) -> bytes:
    """Non-report page ``i`` of ``kind`` (news, guide, list, notice) in the site chrome."""
    if kind == "news":
        title = f"实验区工作动态（第{i}期）"
        article = _paragraphs(_NEWS, 6 + i % 20, i)
    elif kind == "guide":
        title = "平潭综合实验区政府信息公开指南"
        article = _paragraphs(_GUIDE, len(_GUIDE), 0)
    elif kind == "list":
        title = "政府信息公开年报"
        article = "<ul>" + "".join(
            f"<li><a href='/zwgk/zfxxgknb/{y}/'>平潭综合实验区{y}年政府信息公开工作年度报告</a><span>{y + 1}-01-31</span></li>"
            for y in range(2008, 2025)
        ) + "</ul>"
    elif kind == "notice":
        title = "关于做好2024年度政府信息公开工作年度报告编制发布工作的通知"  # a look-alike
        article = _paragraphs(_NOTICE, len(_NOTICE), 0)
    else:
        raise ValueError(kind)
    return _wrap(f"<div class='TRS_Editor'>{article}</div>", title)


def site_pages(copies: int) -> list[Page]:
    """``copies`` rounds of :data:`SITE_MIX`: the non-report pages of a site WARC."""
    out = []
    for round_ in range(copies):
        for kind, n in SITE_MIX:
            for j in range(n):
                i = round_ * n + j
                out.append(Page(f"{kind}-{i}", site_page(kind, i), kind, report=False))
    return out


def report_documents() -> list[Page]:
    """Every fixture report as a document a crawl archives: the pages and text dumps, the
    generated report pages, each again in GB18030 (as many sites serve them), and the
    fixtures again in UTF-16 (a Word page saved as "Unicode")."""
    docs = [Page(p.name, p.read_bytes(), "fixture") for p in sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))]
    fixtures = list(docs)
    docs += [p for p in html_pages() if p.kind != "fixture"]
    gb = [Page(d.name + " (gb18030)", _text(d.data).encode("gb18030"), d.kind) for d in docs]
    wide = [Page(d.name + " (utf-16)", _text(d.data).encode("utf-16"), d.kind) for d in fixtures]
    return docs + gb + wide


# --- the WARC --------------------------------------------------------------------------------


def build_warc(path: Path, reports: list[Page], others: list[Page], *, compress: bool) -> dict:
    """Write a WARC of ``others`` with ``reports`` spread among them (one response record
    each, gzip members when ``compress``); returns its size and the URIs of the reports."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=compress)
        step = max(1, len(others) // max(1, len(reports)))
        queue = list(others)
        uris = []
        wanted = {id(p) for p in reports}
        for i, page in enumerate(reports):
            queue.insert(min(len(queue), i * (step + 1)), page)
        for n, page in enumerate(queue):
            text = page.name.split(" ")[0].endswith(".txt")
            uri = f"https://www.pingtan.gov.cn/bench/{n:05d}.{'txt' if text else 'htm'}"
            charset = "gbk" if "gb18030" in page.name else "utf-16" if "utf-16" in page.name else "utf-8"
            ctype = f"text/{'plain' if text else 'html'}; charset={charset}"
            http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(page.data), length=len(page.data), http_headers=http,
                warc_headers_dict={"WARC-Date": "2025-03-10T08:00:00Z"},
            ))
            if id(page) in wanted:
                uris.append(uri)
    size = path.stat().st_size
    inflated = len(gzip.decompress(path.read_bytes())) if compress else size
    return {"path": str(path), "bytes": size, "uncompressed_bytes": inflated, "records": len(queue), "report_uris": uris}
