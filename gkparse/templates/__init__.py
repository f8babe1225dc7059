"""Both State Council templates as data, and template detection from labels.

The parser, the model and the checks all read these descriptions; nothing else in
gkparse knows how a template is laid out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..normalize import label_key
from .official import TEMPLATE_2019, TEMPLATE_2021, TEMPLATES
from .schema import Column, CrossYearRelation, DisclosureBlock, Relation, Row, Template

__all__ = [
    "Column",
    "CrossYearRelation",
    "DisclosureBlock",
    "Relation",
    "Row",
    "Template",
    "TEMPLATES",
    "TEMPLATE_2019",
    "TEMPLATE_2021",
    "Detection",
    "detect",
]

# Present in every post-2019 report, whatever its part 二 looks like.
POST_2019_CUES = ("本列数据的勾稽关系", "申请人情况", "三安全一稳定", "本年新收政府信息公开申请")
PRE_2019_CUES = (
    "收费及减免", "依申请公开政府信息情况", "同意公开答复数", "否决公开", "非《条例》所指政府信息",
    "免予公开范围", "行政申诉", "历年累计", "回应解读情况", "机构建设", "保障经费",
)
REPORT_WORDS = ("信息公开", "年度报告", "工作报告", "年报")

Kind = Literal["report", "unknown-template", "pre-2019", "not-a-report"]


@dataclass(frozen=True)
class Detection:
    """What a document is: ``kind``, the ``template`` if one was recognised, and why."""

    kind: Kind
    template: Template | None
    reason: str


def detect(text: str, *, year: int | None = None) -> Detection:
    """Recognise the template from the labels in ``text`` (never from the year alone).

    >>> detect("第二十条第（一）项 本年制发件数 本年废止件数 现行有效件数").template.name
    '2021'
    >>> detect("信息内容 本年新制作数量 本年新公开数量 对外公开总数量").template.name
    '2019'
    >>> detect("今天天气很好").kind
    'not-a-report'
    """
    key = label_key(text)
    score_2021 = sum(cue in key for cue in TEMPLATE_2021.cues)
    score_2019 = sum(cue in key for cue in TEMPLATE_2019.cues)
    if score_2021 or score_2019:
        chosen = TEMPLATE_2021 if score_2021 > score_2019 else TEMPLATE_2019
        if score_2021 == score_2019:
            # Tie: the 2021 request table has the 逾期不补正 leaf; without it, 2019.
            chosen = TEMPLATE_2021 if "逾期不补正" in key else TEMPLATE_2019
        return Detection(
            "report", chosen, f"{chosen.name} labels ({score_2019} of 2019, {score_2021} of 2021)"
        )
    post = [cue for cue in POST_2019_CUES if cue in key]
    if post:
        # Parts 三 and 四 are shared by both templates but for the (六) leaves.
        fallback = TEMPLATE_2021 if "逾期不补正" in key else TEMPLATE_2019
        return Detection(
            "unknown-template", fallback,
            f"post-2019 request table ({', '.join(post)}) but part 二 unrecognised; parts 三/四 read with the {fallback.name} rows",
        )
    pre = [cue for cue in PRE_2019_CUES if cue in key]
    if pre and (year is None or year <= 2018):
        return Detection("pre-2019", None, f"pre-2019 report labels ({', '.join(pre[:3])})")
    if any(w in key for w in REPORT_WORDS) and year is not None and year <= 2018:
        return Detection("pre-2019", None, f"report of {year}, before the 2019 template")
    return Detection("not-a-report", None, "no annual-report table labels found")
