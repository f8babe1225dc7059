"""Render a report's true cells as a text dump in the glue styles text readers meet."""

from __future__ import annotations

from gkparse.templates import Template

STYLES = ("one-line", "lines-glued", "pipe", "dropped")
NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _fmt(value: object) -> str:
    return "" if value is None else str(value)


def _row(label: str, values: list[object], style: str) -> str:
    if style == "one-line":
        return label + "".join(_fmt(v) for v in values)
    if style == "pipe":
        return "| " + label + " | " + " | ".join(_fmt(v) for v in values) + " |\n"
    if style == "dropped":
        return "| " + label + " | " + " | ".join(_fmt(v) for v in values if v is not None) + " |\n"
    # lines-glued: runs of single-digit cells glued into one line, a blank line between cells.
    tokens: list[str] = []
    run = ""
    for v in values:
        text = _fmt(v)
        if len(text) == 1:
            run += text
            continue
        if run:
            tokens.append(run)
            run = ""
        tokens.append(text)
    if run:
        tokens.append(run)
    return label + "\n\n" + "\n\n".join(tokens) + "\n\n"


def render(template: Template, cells: dict[str, object], style: str, *, agency: str = "某某县交通运输局", year: int = 2023) -> str:
    sep = "" if style == "one-line" else "\n"
    out = [f"{agency}{year}年政府信息公开工作年度报告", sep, "一、总体情况", sep, "本年度工作平稳推进。", sep, "二、主动公开政府信息情况", sep]
    for block in template.disclosure:
        out.append(f"第二十条第（{block.item}）项" + sep)
        out.append("信息内容 " + " ".join(c.label for c in block.columns) + sep)
        for row in block.rows:
            out.append(_row(row.label, [cells.get(f"disclosure/{row.key}/{c.key}") for c in block.columns], style))
    out += [sep, "三、收到和处理政府信息公开申请情况", sep, NOTE, " 申请人情况 自然人 法人或其他组织 总计 商业企业 科研机构 社会公益组织 法律服务机构 其他", sep]
    for row in template.requests_rows:
        out.append(_row(row.label, [cells.get(f"requests/{row.key}/{c.key}") for c in template.requests_columns], style))
    out += [sep, "四、政府信息公开行政复议、行政诉讼情况", sep, "行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉", sep]
    values = [cells.get(f"appeals/{r.key}/{c.key}") for r in template.appeals_rows for c in template.appeals_columns]
    out.append(_row("", values, style))
    out += [sep, "五、存在的主要问题及改进情况", sep, "无。", sep, "六、其他需要报告的事项", sep, "无。"]
    return "".join(out)
