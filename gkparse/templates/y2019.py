"""The 2019 template (国办公开办函〔2019〕60号), as data.

Part 二 has five sub-tables with their own columns (new/total published, items and
change, decisions, the procurement amount in 元); part 三 has one (六)其他处理 row.
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
    PENALTIES,
    R5,
    ROW_CARRIED_FORWARD,
    ROW_TOTAL,
    ROWS_HEAD,
    RULES,
    relations,
    requests_table,
)
from .schema import Column, DisclosureBlock, Row, Table, Template

__all__ = ["TEMPLATE_2019"]

NORMATIVE_2019 = Row(
    "normative_documents", "规范性文件", ("规范性文件",), prose=("规范性文件",)
)

OTHER_SERVICES = Row("other_services", "其他对外管理服务事项", ("对外管理服务", "其他对外管理"))

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

# 全年完成政府集中采购项目8个 states the items; 采购总金额…元 the amount.
PROCUREMENT_ITEMS = Column("items", "采购项目数量", ("采购项目数量", "采购项目"), prose=("项目",))

PROCUREMENT_AMOUNT = Column(
    "amount", "采购总金额", ("采购总金额", "采购金额"), kind="amount", unit="元", prose=("金额",)
)

ROWS_OTHER_2019 = (Row("other", "(六)其他处理", ("(六)其他处理", "其他处理")),)

DISCLOSURE = Table(
    "disclosure", DISCLOSURE_TITLE, DISCLOSURE_HEADING,
    rows=(RULES, NORMATIVE_2019, LICENSING, OTHER_SERVICES, PENALTIES, COERCIVE, FEES, PROCUREMENT),
    columns=(
        NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED, PREV_ITEMS, CHANGE, DECISIONS, PROCUREMENT_ITEMS,
        PROCUREMENT_AMOUNT,
    ),
    starts=DISCLOSURE_STARTS,
    blocks=(
        DisclosureBlock("一", "第二十条第(一)项", (RULES, NORMATIVE_2019), (NEW_MADE, NEW_PUBLISHED, TOTAL_PUBLISHED)),
        DisclosureBlock("五", "第二十条第(五)项", (LICENSING, OTHER_SERVICES), (PREV_ITEMS, CHANGE, DECISIONS)),
        DisclosureBlock("六", "第二十条第(六)项", (PENALTIES, COERCIVE), (PREV_ITEMS, CHANGE, DECISIONS)),
        DisclosureBlock("八", "第二十条第(八)项", (FEES,), (PREV_ITEMS, CHANGE)),
        DisclosureBlock("九", "第二十条第(九)项", (PROCUREMENT,), (PROCUREMENT_ITEMS, PROCUREMENT_AMOUNT)),
    ),
    caption=DISCLOSURE_CAPTION,
    header_first=DISCLOSURE_HEADER_FIRST,
)
REQUEST_ROWS = ROWS_HEAD + ROWS_OTHER_2019 + (ROW_TOTAL, ROW_CARRIED_FORWARD)

TEMPLATE_2019 = Template(
    name="2019",
    notice="国办公开办函〔2019〕60号",
    cues=(
        "本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增/减", "其他对外管理服务事项",
        "第二十条第(九)项", "采购总金额", "本年度制作数量",
    ),
    tables=(DISCLOSURE, requests_table(REQUEST_ROWS), APPEALS),
    relations=relations(REQUEST_ROWS),
    cross_year=(R5,),
    since=2019,
)
