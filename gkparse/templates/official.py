"""The 2019 and 2021 State Council templates, as data.

Canonical keys follow ``keys.md`` (the project's contract). Stems are compared with
:func:`gkparse.normalize.label_key` forms; the first stem is the most specific.
"""

from __future__ import annotations

from .schema import Column, CrossYearRelation, DisclosureBlock, Relation, Row, Template

__all__ = ["TEMPLATE_2019", "TEMPLATE_2021", "TEMPLATES"]

# --- part 二 ---------------------------------------------------------------------------

RULES = Row("rules", "规章", ("规章",), prose=("规章",))
NORMATIVE_2019 = Row(
    "normative_documents", "规范性文件", ("规范性文件",), prose=("规范性文件",)
)
NORMATIVE_2021 = Row(
    "normative_documents", "行政规范性文件", ("规范性文件",), prose=("规范性文件",)
)
LICENSING = Row("licensing", "行政许可", ("行政许可",), prose=("行政许可", "许可"))
OTHER_SERVICES = Row("other_services", "其他对外管理服务事项", ("对外管理服务", "其他对外管理"))
PENALTIES = Row("penalties", "行政处罚", ("行政处罚",), prose=("行政处罚", "处罚"))
COERCIVE = Row("coercive_measures", "行政强制", ("行政强制",), prose=("行政强制",))
FEES = Row("fees", "行政事业性收费", ("行政事业性收费", "事业性收费"), prose=("收费",))
PROCUREMENT = Row("procurement", "政府集中采购", ("政府集中采购", "集中采购"), prose=("采购",))

NEW_MADE = Column(
    "new_made", "本年新制作数量", ("本年新制作数量", "本年度制作数量", "新制作", "制作数量"),
    prose=("制作",),
)
NEW_PUBLISHED = Column(
    "new_published", "本年新公开数量", ("本年新公开数量", "新公开"), prose=("新公开",)
)
TOTAL_PUBLISHED = Column(
    "total_published", "对外公开总数量", ("对外公开总数量", "公开总数"),
    prose=("累计", "总数"),
)
PREV_ITEMS = Column("prev_items", "上一年项目数量", ("上一年项目数量", "上一年", "上年项目"))
CHANGE = Column("change", "本年增/减", ("本年增/减", "增/减", "增减"), kind="signed")
DECISIONS = Column(
    "decisions", "处理决定数量", ("本年处理决定数量", "处理决定数量", "处理决定"),
    prose=("处理决定", "决定"),
)
PROCUREMENT_ITEMS = Column("items", "采购项目数量", ("采购项目数量", "采购项目"))
PROCUREMENT_AMOUNT = Column(
    "amount", "采购总金额", ("采购总金额", "采购金额"), kind="amount", unit="元"
)
ISSUED = Column("issued", "本年制发件数", ("本年制发件数", "制发件数", "制发"), prose=("制发", "印发", "出台"))
REPEALED = Column("repealed", "本年废止件数", ("本年废止件数", "废止件数", "废止"), prose=("废止",))
IN_FORCE = Column(
    "in_force", "现行有效件数", ("现行有效件数", "现行有效件", "现行有效"), prose=("现行有效",)
)
DECISIONS_2021 = Column(
    "decisions", "本年处理决定数量", ("本年处理决定数量", "处理决定数量", "处理决定"),
    prose=("处理决定", "决定"),
)
FEE_AMOUNT = Column(
    "amount", "本年收费金额(单位:万元)", ("本年收费金额", "收费金额"), kind="amount", unit="万元"
)

DISCLOSURE_2019 = (
    DisclosureBlock("一", "第二十条第(一)项", (RULES, NORMATIVE_2019), (NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED)),
    DisclosureBlock("五", "第二十条第(五)项", (LICENSING, OTHER_SERVICES), (PREV_ITEMS, CHANGE, DECISIONS)),
    DisclosureBlock("六", "第二十条第(六)项", (PENALTIES, COERCIVE), (PREV_ITEMS, CHANGE, DECISIONS)),
    DisclosureBlock("八", "第二十条第(八)项", (FEES,), (PREV_ITEMS, CHANGE)),
    DisclosureBlock("九", "第二十条第(九)项", (PROCUREMENT,), (PROCUREMENT_ITEMS, PROCUREMENT_AMOUNT)),
)
DISCLOSURE_2021 = (
    DisclosureBlock("一", "第二十条第(一)项", (RULES, NORMATIVE_2021), (ISSUED, REPEALED, IN_FORCE)),
    DisclosureBlock("五", "第二十条第(五)项", (LICENSING,), (DECISIONS_2021,)),
    DisclosureBlock("六", "第二十条第(六)项", (PENALTIES, COERCIVE), (DECISIONS_2021,)),
    DisclosureBlock("八", "第二十条第(八)项", (FEES,), (FEE_AMOUNT,)),
)
DISCLOSURE_COLUMNS_2019 = (
    NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED, PREV_ITEMS, CHANGE, DECISIONS,
    PROCUREMENT_ITEMS, PROCUREMENT_AMOUNT,
)
DISCLOSURE_COLUMNS_2021 = (ISSUED, REPEALED, IN_FORCE, DECISIONS_2021, FEE_AMOUNT)

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

W = "(三)不予公开"
U = "(四)无法提供"
N = "(五)不予处理"
O = "(六)其他处理"
ROWS_HEAD = (
    Row("new", "一、本年新收政府信息公开申请数量", ("本年新收", "新收政府信息公开申请")),
    Row("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转",)),
    Row("granted", "(一)予以公开", ("予以公开",)),
    Row("partially_granted", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", ("部分公开",)),
    Row("withheld.state_secret", "1.属于国家秘密", ("属于国家秘密", "国家秘密"), 1, W),
    Row("withheld.prohibited_by_law", "2.其他法律行政法规禁止公开", ("其他法律行政法规禁止公开", "法规禁止公开", "禁止公开"), 2, W),
    Row("withheld.security_stability", "3.危及“三安全一稳定”", ("三安全一稳定", "危及"), 3, W),
    Row("withheld.third_party_rights", "4.保护第三方合法权益", ("保护第三方合法权益", "第三方"), 4, W),
    Row("withheld.internal_affairs", "5.属于三类内部事务信息", ("三类内部事务", "三类内容事务", "内部事务"), 5, W),
    Row("withheld.process_information", "6.属于四类过程性信息", ("四类过程性", "过程性信息"), 6, W),
    Row("withheld.enforcement_files", "7.属于行政执法案卷", ("行政执法案卷", "执法案卷"), 7, W),
    Row("withheld.administrative_query", "8.属于行政查询事项", ("行政查询事项", "查询事项"), 8, W),
    Row("unavailable.not_held", "1.本机关不掌握相关政府信息", ("不掌握相关政府信息", "不掌握"), 1, U),
    Row("unavailable.needs_creation", "2.没有现成信息需要另行制作", ("没有现成信息", "另行制作"), 2, U),
    Row("unavailable.unclear", "3.补正后申请内容仍不明确", ("补正后申请内容仍不明确", "仍不明确"), 3, U),
    Row("not_processed.complaint", "1.信访举报投诉类申请", ("信访举报投诉", "投诉类申请"), 1, N),
    Row("not_processed.duplicate", "2.重复申请", ("重复申请",), 2, N),
    Row("not_processed.publication", "3.要求提供公开出版物", ("公开出版物",), 3, N),
    Row("not_processed.excessive", "4.无正当理由大量反复申请", ("大量反复申请", "反复申请"), 4, N),
    Row("not_processed.confirmation", "5.要求行政机关确认或重新出具已获取信息", ("确认或重新出具", "重新出具"), 5, N),
)
ROW_TOTAL = Row("total", "(七)总计", ("(七)总计", "总计"))
ROW_CARRIED_FORWARD = Row("carried_forward", "四、结转下年度继续办理", ("结转下年度", "继续办理"))
ROWS_OTHER_2019 = (Row("other", "(六)其他处理", ("(六)其他处理", "其他处理")),)
ROWS_OTHER_2021 = (
    Row("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("逾期不补正",), 1, O),
    Row("other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", ("逾期未按收费通知", "收费通知"), 2, O),
    Row("other.other", "3.其他", ("3.其他",), 3, O),
)
REQUEST_ROWS_2019 = ROWS_HEAD + ROWS_OTHER_2019 + (ROW_TOTAL, ROW_CARRIED_FORWARD)
REQUEST_ROWS_2021 = ROWS_HEAD + ROWS_OTHER_2021 + (ROW_TOTAL, ROW_CARRIED_FORWARD)

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


def _relations(request_rows: tuple[Row, ...]) -> tuple[Relation, ...]:
    outcomes = tuple(
        r.key for r in request_rows if r.key not in ("new", "carried_over", "total", "carried_forward")
    )
    applicants = tuple(c.key for c in REQUEST_COLUMNS if c.key != "total")
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
    )


R5 = CrossYearRelation(
    "R5", "carried_over of year N = carried_forward of year N-1", "requests",
    ("carried_over",), ("carried_forward",),
)
R6 = CrossYearRelation(
    "R6", "in_force(N) ≈ in_force(N-1) + issued(N) - repealed(N)", "disclosure",
    ("in_force", "issued", "repealed"), ("in_force",),
)

CUES_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正", "逾期未按收费通知")
CUES_2019 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "其他对外管理服务事项", "第二十条第(九)项", "采购总金额", "本年度制作数量")

TEMPLATE_2019 = Template(
    name="2019",
    notice="国办公开办函〔2019〕60号",
    cues=CUES_2019,
    disclosure=DISCLOSURE_2019,
    disclosure_columns=DISCLOSURE_COLUMNS_2019,
    requests_rows=REQUEST_ROWS_2019,
    requests_columns=REQUEST_COLUMNS,
    appeals_rows=APPEAL_ROWS,
    appeals_columns=APPEAL_COLUMNS,
    relations=_relations(REQUEST_ROWS_2019),
    cross_year=(R5,),
)
TEMPLATE_2021 = Template(
    name="2021",
    notice="国办公开办函〔2021〕30号",
    cues=CUES_2021,
    disclosure=DISCLOSURE_2021,
    disclosure_columns=DISCLOSURE_COLUMNS_2021,
    requests_rows=REQUEST_ROWS_2021,
    requests_columns=REQUEST_COLUMNS,
    appeals_rows=APPEAL_ROWS,
    appeals_columns=APPEAL_COLUMNS,
    relations=_relations(REQUEST_ROWS_2021),
    cross_year=(R5, R6),
)
TEMPLATES = {"2019": TEMPLATE_2019, "2021": TEMPLATE_2021}
