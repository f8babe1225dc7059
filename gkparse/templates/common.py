"""What the 2019 and 2021 State Council templates share, as data: rows, columns, the
tables' headings and captions, relations, and the cues that tell a post-2019 report
from an older one. Each revision's own file (``y2019.py``, ``y2021.py``) builds its
:class:`~gkparse.templates.schema.Template` from these pieces.

Canonical keys follow ``docs/keys.md`` (the project's contract). Stems are compared with
:func:`gkparse.normalize.label_key` forms; the first stem is the most specific.
"""

from __future__ import annotations

from ..vocabulary import CAPTION_ITEM_NUMERALS
from .schema import Column, CrossYearRelation, Relation, Row, Table, Term

# --- part 二 ---------------------------------------------------------------------------

RULES = Row("rules", "规章", ("规章",), prose=("规章",))
LICENSING = Row("licensing", "行政许可", ("行政许可",), prose=("行政许可", "许可"))
PENALTIES = Row("penalties", "行政处罚", ("行政处罚",), prose=("行政处罚", "处罚"))
COERCIVE = Row("coercive_measures", "行政强制", ("行政强制",), prose=("行政强制",))
FEES = Row("fees", "行政事业性收费", ("行政事业性收费", "事业性收费"), prose=("收费",))


# --- how the tables are found ---------------------------------------------------------

#: Part 二's sub-table captions (第二十条第(一)项); group 1 is the item numeral.
DISCLOSURE_CAPTION = r"第二十条第?\(([" + CAPTION_ITEM_NUMERALS + r"]+)\)项"
DISCLOSURE_TITLE = "二、主动公开政府信息情况"
DISCLOSURE_HEADING = r"二\s*[、.．]\s*主动公开"
DISCLOSURE_STARTS = ("第二十条",)
#: The first header cell of a part 二 sub-table (信息内容 | 本年制发件数 | …).
DISCLOSURE_HEADER_FIRST = "信息内容"
REQUESTS_TITLE = "三、收到和处理政府信息公开申请情况"
REQUESTS_HEADING = r"三\s*[、.．]\s*收到和处理"
#: The note above part 三's header, the applicant header, the first row.
REQUESTS_STARTS = ("本列数据的勾稽关系", "申请人情况", "本年新收")
REQUESTS_NOTE = "本列数据的勾稽关系"
APPEALS_TITLE = "四、政府信息公开行政复议、行政诉讼情况"
# Not the part 三 row 四、结转下年度继续办理, which a dump may run on into part 四.
APPEALS_HEADING = r"四\s*[、.．]\s*(?:(?!结转)[^0-9五\n]){0,40}?(?:行政复议|行政诉讼)"
APPEALS_STARTS = ("行政复议",)
#: A row naming 申请 (申请行政复议 in part 三's prose rows) does not open part 四.
APPEALS_START_EXCLUDES = ("申请",)
#: Part 四's header labels, which stand before its 15 values in a text dump.
APPEALS_HEADER_STEMS = (
    "结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉", "行政复议", "行政诉讼",
)
#: Header cells that name one of part 四's value columns (no label column then).
APPEALS_VALUE_HEADERS = ("行政复议", "结果维持", "维持", "行政诉讼")

# --- part 三 ---------------------------------------------------------------------------

REQUEST_COLUMNS = (
    Column("natural_person", "自然人", ("自然人",)),
    Column("commercial", "商业企业", ("商业企业", "企业")),
    Column("research", "科研机构", ("科研机构", "科研")),
    Column("social_welfare", "社会公益组织", ("社会公益组织", "公益组织", "公益")),
    Column("legal_services", "法律服务机构", ("法律服务机构", "法律服务")),
    Column("other_org", "其他", ("其他",)),
    Column("total", "总计", ("总计", "合计")),
)

WITHHELD = "(三)不予公开"
UNAVAILABLE = "(四)无法提供"
NOT_PROCESSED = "(五)不予处理"
OTHER = "(六)其他处理"  #: the (六) group, whose rows differ between revisions
ROWS_HEAD = (
    Row("new", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息公开申请")),
    Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Row("granted", "(一)予以公开", ("予以公开",)),
    Row("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", ("部分公开",)),
    Row("withheld.state_secret", "1.属于国家秘密", ("属于国家秘密", "国家秘密"), 1, WITHHELD),
    Row("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开", ("其他法律行政法规禁止公开", "法规禁止公开", "禁止公开"), 2, WITHHELD),
    Row("withheld.security_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "危及"), 3, WITHHELD),
    Row("withheld.third_party_rights", "4.保护第三方合法权益", ("保护第三方合法权益", "第三方"), 4, WITHHELD),
    Row("withheld.internal_affairs", "5.属于三类内部事务信息", ("三类内部事务", "三类内容事务", "内部事务"), 5, WITHHELD),
    Row("withheld.process_information", "6.属于四类过程性信息", ("四类过程性", "过程性信息"), 6, WITHHELD),
    Row("withheld.enforcement_files", "7.属于行政执法案卷", ("行政执法案卷", "执法案卷"), 7, WITHHELD),
    Row("withheld.administrative_query", "8.属于行政查询事项", ("行政查询事项", "查询事项"), 8, WITHHELD),
    Row("unavailable.not_held", "1.本机关不掌握相关政府信息", ("不掌握相关政府信息", "不掌握"), 1, UNAVAILABLE),
    Row("unavailable.needs_creation", "2.没有现成信息需要另行制作", ("没有现成信息", "另行制作"), 2, UNAVAILABLE),
    Row("unavailable.unclear", "3.补正后申请内容仍不明确", ("补正后申请内容仍不明确", "仍不明确"), 3, UNAVAILABLE),
    Row("not_processed.complaint", "1.信访举报投诉类申请", ("信访举报投诉", "投诉类申请"), 1, NOT_PROCESSED),
    Row("not_processed.duplicate", "2.重复申请", ("重复申请",), 2, NOT_PROCESSED),
    Row("not_processed.publication", "3.要求提供公开出版物", ("公开出版物",), 3, NOT_PROCESSED),
    Row("not_processed.excessive", "4.无正当理由大量反复申请", ("大量反复申请", "反复申请"), 4, NOT_PROCESSED),
    Row("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具", "重新出具"), 5, NOT_PROCESSED),
)
ROW_TOTAL = Row("total", "(七)总计", ("(七)总计", "总计"))
ROW_CARRIED_FORWARD = Row("carried_forward", "四、结转下年度继续办理", ("结转下年度", "继续办理"))

# --- part 四 ---------------------------------------------------------------------------

APPEAL_ROWS = (
    Row("review", "行政复议", ("行政复议",)),
    Row("litigation_direct", "行政诉讼/未经复议直接起诉", ("未经复议直接起诉", "直接起诉")),
    Row("litigation_after_review", "行政诉讼/复议后起诉", ("复议后起诉",)),
)
APPEAL_COLUMNS = (
    Column("upheld", "结果维持", ("结果维持", "维持")),
    Column("corrected", "结果纠正", ("结果纠正", "纠正")),
    Column("other", "其他结果", ("其他结果", "其他")),
    Column("pending", "尚未审结", ("尚未审结", "未审结")),
    Column("total", "总计", ("总计", "合计")),
)

# --- relations ---------------------------------------------------------------------------


def relations(request_rows: tuple[Row, ...]) -> tuple[Relation, ...]:
    """R1–R4 for a part 三 with ``request_rows`` (R2 sums every outcome row)."""
    outcomes = tuple(
        r.key for r in request_rows if r.key not in ("new", "carried_over", "total", "carried_forward") and not r.stands_for
    )
    applicants = tuple(c.key for c in REQUEST_COLUMNS if c.key != "total")
    # A group row printed beside its own leaves is checked against their sum (keys.md).
    groups = tuple(
        Relation("R2", "requests", "column", (r.key,), r.stands_for, f"{r.key} = the sum of its rows ({', '.join(r.stands_for)})")
        for r in request_rows if r.stands_for
    )
    return (
        Relation(
            "R1", "requests", "column", ("new", "carried_over"), ("total", "carried_forward"),
            "new + carried_over = total + carried_forward (printed in the table)",
        ),
        Relation(
            "R2", "requests", "column", ("total",), outcomes,
            "total = sum of the outcome rows (一)…(六)",
        ),
        Relation(
            "R3", "requests", "row", ("total",), applicants,
            "total = natural_person + commercial + research + social_welfare + legal_services + other_org",
        ),
        Relation(
            "R4", "appeals", "row", ("total",), ("upheld", "corrected", "other", "pending"),
            "total = upheld + corrected + other + pending",
        ),
    ) + groups


R5 = CrossYearRelation(
    "R5", "carried_over of year N = carried_forward of year N-1", "requests", "column",
    (Term("carried_over"),), (Term("carried_forward", year=-1),),
)
R6 = CrossYearRelation(
    "R6", "in_force(N) = in_force(N-1) + issued(N) - repealed(N)", "disclosure", "row",
    (Term("in_force"),), (Term("in_force", year=-1), Term("issued"), Term("repealed", sign=-1)),
    scope=("rules", "normative_documents"),
)

# --- detection ----------------------------------------------------------------------------

#: Present in every post-2019 report, whatever its part 二 looks like.
POST_2019_CUES = ("本列数据的勾稽关系", "申请人情况", "三安全一稳定", "本年新收政府信息公开申请")
#: Labels of the reports before the 2019 template (no template of gkparse reads them).
PRE_2019_CUES = (
    "收费及减免", "依申请公开政府信息情况", "同意公开答复数", "否决公开", "非《条例》所指政府信息",
    "免予公开范围", "行政申诉", "历年累计", "回应解读情况", "机构建设", "保障经费",
)


def requests_table(rows: tuple[Row, ...]) -> Table:
    """Part 三 with the given rows (the revisions differ in the (六) rows)."""
    return Table(
        "requests", REQUESTS_TITLE, REQUESTS_HEADING, rows, REQUEST_COLUMNS, starts=REQUESTS_STARTS, note=REQUESTS_NOTE,
    )


APPEALS = Table(
    "appeals", APPEALS_TITLE, APPEALS_HEADING, APPEAL_ROWS, APPEAL_COLUMNS, starts=APPEALS_STARTS,
    start_excludes=APPEALS_START_EXCLUDES, header_stems=APPEALS_HEADER_STEMS,
    value_header_stems=APPEALS_VALUE_HEADERS,
)
