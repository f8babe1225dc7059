"""The 2021 template (国办公开办函〔2021〕30号), as data.

Part 二 has four sub-tables (documents issued / repealed / in force, decisions, the fee
amount in 万元); part 三's (六)其他处理 has three leaves.
"""

from __future__ import annotations

from .common import (
    APPEALS,
    COERCIVE,
    DISCLOSURE_CAPTION,
    DISCLOSURE_HEADER_FIRST,
    DISCLOSURE_HEADING,
    DISCLOSURE_STARTS,
    DISCLOSURE_TITLE,
    FEES,
    LICENSING,
    OTHER,
    PENALTIES,
    R5,
    R6,
    ROW_CARRIED_FORWARD,
    ROW_TOTAL,
    ROWS_HEAD,
    RULES,
    relations,
    requests_table,
)
from .schema import Column, DisclosureBlock, Row, Table, Template

__all__ = ["TEMPLATE_2021"]

NORMATIVE_2021 = Row(
    "normative_documents", "行政规范性文件", ("规范性文件",), prose=("规范性文件",)
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

ROWS_OTHER_2021 = (
    # Some reports print (六) as one row, as the 2019 template does (keys.md): its sum.
    Row(
        "other", "(六)其他处理", ("(六)其他处理", "其他处理"),
        stands_for=("other.overdue_correction", "other.overdue_fee", "other.other"),
    ),
    Row("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", ("逾期不补正",), 1, OTHER),
    Row(
        "other.overdue_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("逾期未按收费通知", "收费通知"), 2, OTHER,
    ),
    Row("other.other", "3.其他", ("3.其他",), 3, OTHER),
)

DISCLOSURE = Table(
    "disclosure", DISCLOSURE_TITLE, DISCLOSURE_HEADING,
    rows=(RULES, NORMATIVE_2021, LICENSING, PENALTIES, COERCIVE, FEES),
    columns=(ISSUED, REPEALED, IN_FORCE, DECISIONS_2021, FEE_AMOUNT),
    starts=DISCLOSURE_STARTS,
    blocks=(
        DisclosureBlock("一", "第二十条第(一)项", (RULES, NORMATIVE_2021), (ISSUED, REPEALED, IN_FORCE)),
        DisclosureBlock("五", "第二十条第(五)项", (LICENSING,), (DECISIONS_2021,)),
        DisclosureBlock("六", "第二十条第(六)项", (PENALTIES, COERCIVE), (DECISIONS_2021,)),
        DisclosureBlock("八", "第二十条第(八)项", (FEES,), (FEE_AMOUNT,)),
    ),
    caption=DISCLOSURE_CAPTION,
    header_first=DISCLOSURE_HEADER_FIRST,
)
REQUEST_ROWS = ROWS_HEAD + ROWS_OTHER_2021 + (ROW_TOTAL, ROW_CARRIED_FORWARD)

TEMPLATE_2021 = Template(
    name="2021",
    notice="国办公开办函〔2021〕30号",
    cues=("本年制发件数", "本年废止件数", "现行有效件数", "本年处理决定数量", "本年收费金额", "逾期不补正", "逾期未按收费通知"),
    tables=(DISCLOSURE, requests_table(REQUEST_ROWS), APPEALS),
    relations=relations(REQUEST_ROWS),
    cross_year=(R5, R6),
    # Parts 三 and 四 are shared but for the (六) leaves: a tie is decided by them.
    tie_break=("逾期不补正",),
    since=2021,
)
