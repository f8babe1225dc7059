"""Render a fixture's true table (its expected cells) as a synthetic text report in four glue styles.

Styles:

* ``oneline``  — the whole table on one line, all cells of a row glued with no separator
  (``一、本年新收政府信息公开申请数量713000074二、上年结转…``); empty cells vanish.
* ``percell``  — one cell per line, blank line between cells, but each run of single-digit
  cells of a row glued into one token (``000003``); empty cells are blank lines.
* ``pipe``     — pipe rows (``| label | 58 | 7 | 0 |``), empty cells kept as ``|  |``.
* ``dropped``  — pipe rows where empty (null) cells vanish: position information is lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gkparse.templates import TEMPLATES, Template

STYLES = ("oneline", "percell", "pipe", "dropped")

REQUEST_HEADER = ("申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")


def fullwidth(label: str) -> str:
    return label.replace("(", "（").replace(")", "）").replace(",", "，").replace(":", "：")


def fmt(value) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class Row:
    labels: list[str]  # group labels then the row label ([] for a label-less value row)
    values: list  # type: ignore[type-arg]


@dataclass
class Text:
    parts: list[str]  # header labels / heading words (one pipe row in pipe styles)


def template_of(expected: dict) -> Template:  # type: ignore[type-arg]
    """The template an expected table follows: a registered name or the data itself."""
    tpl = expected["template"]
    return tpl if isinstance(tpl, Template) else TEMPLATES[tpl]


def layout(expected: dict) -> list:  # type: ignore[type-arg]
    """The table as a list of Text / Row items, from the expected cells and the template labels."""
    tpl = template_of(expected)
    cells = expected["cells"]
    items: list = [Text([tpl.table("disclosure").title])]  # type: ignore[type-arg]
    col_by_key = {c.key: c for c in tpl.disclosure_columns}
    for block in tpl.disclosure:
        present = [
            c for c in tpl.disclosure_columns
            if any(f"disclosure/{r.key}/{c.key}" in cells for r in block.rows)
        ] or list(block.columns)
        items.append(Text([fullwidth(block.caption)]))
        items.append(Text([tpl.table("disclosure").header_first] + [fullwidth(col_by_key[c.key].label) for c in present]))
        for r in block.rows:
            items.append(Row([fullwidth(r.label)], [cells.get(f"disclosure/{r.key}/{c.key}") for c in present]))
    items.append(Text([tpl.table("requests").title]))
    items.append(Text(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"]))
    items.append(Text(list(REQUEST_HEADER)))
    seen_groups: set[str] = set()
    for r in tpl.requests_rows:
        labels = []
        if r.key == "granted":
            labels.append("三、本年度办理结果")
        if r.group and r.group not in seen_groups:
            seen_groups.add(r.group)
            labels.append(fullwidth(r.group))
        labels.append(fullwidth(r.label))
        items.append(Row(labels, [cells.get(f"requests/{r.key}/{c.key}") for c in tpl.requests_columns]))
    items.append(Text([tpl.table("appeals").title]))
    heads = [fullwidth(c.label) for c in tpl.appeals_columns]
    items.append(Text(["行政复议", "行政诉讼"]))
    items.append(Text(heads + ["未经复议直接起诉", "复议后起诉"]))
    items.append(Text(heads + heads))
    values = [cells.get(f"appeals/{r.key}/{c.key}") for r in tpl.appeals_rows for c in tpl.appeals_columns]
    items.append(Row([], values))
    return items


def title(expected: dict) -> str:  # type: ignore[type-arg]
    return f"{expected['agency']}{expected['year']}年政府信息公开工作年度报告"


CLOSING = "五、存在的主要问题及改进情况"
CLOSING_TEXT = "无。"


def _glued_runs(values: list) -> list[str]:  # type: ignore[type-arg]
    """Tokens of a row for the percell style: runs of single-digit cells glued together."""
    out: list[str] = []
    run = ""
    for v in values:
        s = fmt(v)
        if len(s) == 1 and s.isdigit():
            run += s
            continue
        if run:
            out.append(run)
            run = ""
        out.append(s)
    if run:
        out.append(run)
    return out


def render(expected: dict, style: str) -> str:  # type: ignore[type-arg]
    items = layout(expected)
    head = title(expected)
    if style == "oneline":
        body = ""
        for it in items:
            if isinstance(it, Text):
                body += "".join(it.parts)
            else:
                body += "".join(it.labels) + "".join(fmt(v) for v in it.values)
        return f"{head}\n\n{body}\n\n{CLOSING}\n{CLOSING_TEXT}\n"
    if style == "percell":
        lines: list[str] = []
        for it in items:
            if isinstance(it, Text):
                lines.extend(it.parts)
            else:
                lines.extend(it.labels)
                lines.extend(_glued_runs(it.values))
        return f"{head}\n\n" + "\n\n".join(lines) + f"\n\n{CLOSING}\n\n{CLOSING_TEXT}\n"
    if style in ("pipe", "dropped"):
        lines = []
        for it in items:
            if isinstance(it, Text):
                if len(it.parts) == 1:
                    lines.append(it.parts[0])
                else:
                    lines.append("| " + " | ".join(it.parts) + " |")
            else:
                vals = [fmt(v) for v in it.values]
                if style == "dropped":
                    vals = [v for v in vals if v != ""]
                lines.append("| " + " | ".join(it.labels + vals) + " |")
        return f"{head}\n\n" + "\n".join(lines) + f"\n\n{CLOSING}\n{CLOSING_TEXT}\n"
    raise ValueError(style)


DIGIT_RUN = re.compile(r"\d+")


def longest_digit_run(text: str) -> int:
    return max((len(m) for m in DIGIT_RUN.findall(text)), default=0)


def _cell(value, tag: str = "td", span: int = 1, rowspan: int = 1) -> str:  # type: ignore[no-untyped-def]
    attrs = (f' colspan="{span}"' if span > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")
    return f"<{tag}{attrs}>{fmt(value) if not isinstance(value, str) else value}</{tag}>"


def render_html(expected: dict) -> str:  # type: ignore[type-arg]
    """The table as a CMS-style HTML page: part 二 as one captioned table per block, part 三
    with a two-row applicant header, part 四 with its three-row header (as real pages print them)."""
    tpl = template_of(expected)
    cells = expected["cells"]
    disclosure, requests, appeals = (tpl.table(k) for k in ("disclosure", "requests", "appeals"))
    out = [f"<html><head><meta charset='utf-8'><title>{title(expected)}</title></head><body>",
           f"<h1>{title(expected)}</h1><div class='content'>",
           "<p>一、总体情况</p><p>本年度依法做好政府信息公开工作。</p>", f"<p>{disclosure.title}</p>"]
    col_by_key = {c.key: c for c in disclosure.columns}
    for block in disclosure.blocks:
        present = [c for c in disclosure.columns if any(f"disclosure/{r.key}/{c.key}" in cells for r in block.rows)] or list(block.columns)
        out.append("<table border='1'>")
        out.append("<tr>" + _cell(fullwidth(block.caption), span=len(present) + 1) + "</tr>")
        out.append("<tr>" + _cell(disclosure.header_first) + "".join(_cell(fullwidth(col_by_key[c.key].label)) for c in present) + "</tr>")
        for r in block.rows:
            out.append("<tr>" + _cell(r.label) + "".join(_cell(cells.get(f"disclosure/{r.key}/{c.key}")) for c in present) + "</tr>")
        out.append("</table>")
    out.append(f"<p>{requests.title}</p><table border='1'>")
    head = requests.columns
    out.append("<tr>" + _cell(REQUEST_HEADER[0], span=3, rowspan=2) + _cell(head[0].label, rowspan=2)
               + _cell(REQUEST_HEADER[2], span=5) + _cell(head[-1].label, rowspan=2) + "</tr>")
    out.append("<tr>" + "".join(_cell(c.label) for c in head[1:-1]) + "</tr>")
    for r in requests.rows:
        label = _cell(r.label, span=3) if r.group is None else _cell(r.group) + _cell(r.label, span=2)
        out.append("<tr>" + label + "".join(_cell(cells.get(f"requests/{r.key}/{c.key}")) for c in head) + "</tr>")
    out.append("</table>")
    out.append(f"<p>{appeals.title}</p><table border='1'>")
    cols = appeals.columns
    review, direct, after = appeals.rows
    litigation = direct.label.split("/")[0]
    out.append("<tr>" + _cell(review.label, span=len(cols)) + _cell(litigation, span=2 * len(cols)) + "</tr>")
    out.append("<tr>" + _cell("", span=len(cols)) + _cell(direct.label.split("/")[1], span=len(cols))
               + _cell(after.label.split("/")[1], span=len(cols)) + "</tr>")
    out.append("<tr>" + "".join(_cell(c.label) for c in cols) * 3 + "</tr>")
    out.append("<tr>" + "".join(_cell(cells.get(f"appeals/{r.key}/{c.key}")) for r in appeals.rows for c in cols) + "</tr>")
    out.append(f"</table><p>{CLOSING}</p><p>{CLOSING_TEXT}</p></div></body></html>")
    return "\n".join(out)
