"""Render a fixture's true table (its expected cells) as a synthetic text report.

Glue styles (``STYLES``: every cell must round-trip today):

* ``oneline``  — the whole table on one line, all cells of a row glued with no separator
  (``一、本年新收政府信息公开申请数量713000074二、上年结转…``); empty cells vanish.
* ``percell``  — one cell per line, blank line between cells, but each run of single-digit
  cells of a row glued into one token (``000003``); empty cells are blank lines.
* ``pipe``     — pipe rows (``| label | 58 | 7 | 0 |``), empty cells kept as ``|  |``.
* ``dropped``  — pipe rows where empty (null) cells vanish: position information is lost.

Converter shapes (``NEW_STYLES``: dumps other tools write; kept apart until they parse):

* ``markdown`` — what PDF→markdown converters and language models write: ``#`` headings for
  the title and the parts, a ``###`` heading and one table per part 二 block, part 三 as one
  table under a single header row of the applicant columns (``| 项目 |  | 自然人 | … | 总计 |``)
  with two label columns — a spanned cell left blank, as converters leave spans: ``| （三）不予公开 |
  1.属于国家秘密 | 0 | …``, then ``|  | 2.其他法律行政法规禁止公开 | 1 | …``, and
  ``| 一、本年新收政府信息公开申请数量 |  | 59 | …`` — and part 四 as one table whose first header
  row is the markdown header (``| 行政复议 |  |  |  |  | 行政诉讼 | … |``); ``|---|`` separator
  rows under every header; empty cells kept as ``|  |``.
* ``html2text`` — html2text's rendering of the report's HTML tables: rows ``label | 1 | 2``
  without outer pipes, ``---|---`` (one ``---`` per cell of the first row) under the first row of
  each table, trailing spaces on every table line, group labels as an extra leading cell on
  the group's first row only (``（三）不予公开 | 1.属于国家秘密 | 0 | …``, then
  ``2.其他法律行政法规禁止公开 | 1 | …``), empty cells as nothing between two pipes.

``ALL_STYLES`` is both, for the benchmark.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gkparse.templates import TEMPLATES, Template, standard_rows

STYLES = ("oneline", "percell", "pipe", "dropped")
NEW_STYLES = ("markdown", "html2text")
ALL_STYLES = STYLES + NEW_STYLES

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
    for r in standard_rows(tpl.requests_rows):
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
    if style == "markdown":
        return render_markdown(expected)
    if style == "html2text":
        return render_html2text(expected)
    raise ValueError(style)


OVERVIEW = "一、总体情况"
OVERVIEW_TEXT = "本年度依法做好政府信息公开工作。"
REQUEST_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
MARKDOWN_CORNER = "项目"


def _md_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_table(header: list[str], body: list[list[str]]) -> list[str]:
    return [_md_row(header), "|" + "---|" * len(header)] + [_md_row(r) for r in body]


def _request_rows(expected: dict) -> list[tuple[list[str], bool, list]]:  # type: ignore[type-arg]
    """Part 三's rows: (labels, continues a group, values); labels as ``layout`` gives them."""
    tpl = template_of(expected)
    cells = expected["cells"]
    out = []
    seen: set[str] = set()
    for r in standard_rows(tpl.requests_rows):
        labels = ["三、本年度办理结果"] if r.key == "granted" else []
        continued = bool(r.group) and r.group in seen
        if r.group and not continued:
            seen.add(r.group)  # type: ignore[arg-type]
            labels.append(fullwidth(r.group))  # type: ignore[arg-type]
        labels.append(fullwidth(r.label))
        out.append((labels, continued, [cells.get(f"requests/{r.key}/{c.key}") for c in tpl.requests_columns]))
    return out


def _present(tpl: Template, block, cells: dict) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [
        c for c in tpl.disclosure_columns if any(f"disclosure/{r.key}/{c.key}" in cells for r in block.rows)
    ] or list(block.columns)


def _appeals_heads(tpl: Template) -> tuple[list[str], list[str], list[str]]:
    """Part 四's three header rows, as the page prints them (spans not repeated)."""
    heads = [fullwidth(c.label) for c in tpl.appeals_columns]
    review, direct, after = tpl.appeals_rows
    litigation = direct.label.split("/")[0]
    return ([review.label, litigation], heads + [direct.label.split("/")[1], after.label.split("/")[1]], heads + heads)


def render_markdown(expected: dict) -> str:  # type: ignore[type-arg]
    tpl = template_of(expected)
    cells = expected["cells"]
    disclosure, requests, appeals = (tpl.table(k) for k in ("disclosure", "requests", "appeals"))
    col_by_key = {c.key: c for c in tpl.disclosure_columns}
    out = [f"# {title(expected)}", "", f"## {OVERVIEW}", "", OVERVIEW_TEXT, "", f"## {disclosure.title}", ""]
    for block in tpl.disclosure:
        present = _present(tpl, block, cells)
        header = [disclosure.header_first] + [fullwidth(col_by_key[c.key].label) for c in present]
        body = [[fullwidth(r.label)] + [fmt(cells.get(f"disclosure/{r.key}/{c.key}")) for c in present] for r in block.rows]
        out += [f"### {fullwidth(block.caption)}", "", *_md_table(header, body), ""]
    out += [f"## {requests.title}", "", f"> {REQUEST_NOTE}", ""]
    body = []
    for labels, continued, values in _request_rows(expected):
        if len(labels) == 1:  # a spanned cell is left blank: the group's (rowspan) or the label's (colspan)
            labels = ["", labels[0]] if continued else [labels[0], ""]
        body.append(labels + [fmt(v) for v in values])
    header = [MARKDOWN_CORNER, ""] + [fullwidth(c.label) for c in tpl.requests_columns]
    out += [*_md_table(header, body), ""]
    first, second, third = _appeals_heads(tpl)
    width = len(third) + len(tpl.appeals_columns)
    n = len(tpl.appeals_columns)
    out += [f"## {appeals.title}", ""]
    header = [first[0]] + [""] * (n - 1) + [first[1]] + [""] * (2 * n - 1)
    second_row = second[:n] + [second[n]] + [""] * (n - 1) + [second[n + 1]] + [""] * (n - 1)
    third_row = [""] * n + third
    values = [fmt(cells.get(f"appeals/{r.key}/{c.key}")) for r in tpl.appeals_rows for c in tpl.appeals_columns]
    assert len(header) == len(second_row) == len(third_row) == len(values) == width
    out += [*_md_table(header, [second_row, third_row, values]), ""]
    out += [f"## {CLOSING}", "", CLOSING_TEXT, ""]
    return "\n".join(out)


def _h2t_table(rows: list[list[str]]) -> list[str]:
    """html2text's table: cells joined by `` | ``, no outer pipes, a ``---|---`` line after the
    first row, trailing spaces on every line."""
    lines = [" | ".join(rows[0]) + "   ", "|".join(["---"] * len(rows[0])) + "  "]
    return lines + [" | ".join(r) + "   " for r in rows[1:]]


def render_html2text(expected: dict) -> str:  # type: ignore[type-arg]
    tpl = template_of(expected)
    cells = expected["cells"]
    disclosure, requests, appeals = (tpl.table(k) for k in ("disclosure", "requests", "appeals"))
    col_by_key = {c.key: c for c in tpl.disclosure_columns}
    out = [f"# {title(expected)}", "", OVERVIEW, "", OVERVIEW_TEXT, "", disclosure.title, ""]
    for block in tpl.disclosure:
        present = _present(tpl, block, cells)
        rows = [[fullwidth(block.caption)], [disclosure.header_first] + [fullwidth(col_by_key[c.key].label) for c in present]]
        rows += [[fullwidth(r.label)] + [fmt(cells.get(f"disclosure/{r.key}/{c.key}")) for c in present] for r in block.rows]
        out += _h2t_table(rows)
    out += ["  ", "", requests.title, ""]
    rows = [[REQUEST_NOTE, REQUEST_HEADER[0]], [REQUEST_HEADER[1], REQUEST_HEADER[2], REQUEST_HEADER[-1]],
            list(REQUEST_HEADER[3:-1])]
    rows += [labels + [fmt(v) for v in values] for labels, _, values in _request_rows(expected)]
    out += [*_h2t_table(rows), "  ", "", appeals.title, ""]
    values = [fmt(cells.get(f"appeals/{r.key}/{c.key}")) for r in tpl.appeals_rows for c in tpl.appeals_columns]
    out += [*_h2t_table([*_appeals_heads(tpl), values]), "  ", "", CLOSING, "", CLOSING_TEXT, ""]
    return "\n".join(out)


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
    for r in standard_rows(requests.rows):
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
