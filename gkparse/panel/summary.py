"""The panel summary: one self-contained HTML page to look at before reading the numbers.

:func:`write_summary` writes, for a panel's agencies in the order given:

* a header: the title, the panel's ``stats`` line, and generation facts (gkparse and
  matplotlib versions, how many agencies, observations and years; no timestamps, so the
  same input gives a byte-identical page), a key to the markers, and an overview of the
  agencies (years, open cells, relation issues) linking to their sections;
* the agency matches worth reviewing (short forms merged, ambiguous names kept apart);
* per agency: a table of years × headline numbers (requests received, carried over,
  handled, granted, partly granted, carried forward; reconsideration and litigation
  totals), each value marked when it is not certain (an ambiguous cell shows its readings,
  an empty cell is blank, a cell the document does not have is "—"); a chart of the
  requests received and how they were handled (stacked outcome groups of the template's
  rows, received as a line) and one of reconsideration and litigation by year; the cells
  still open (ambiguous, unreadable) with their readings; the issues that break a
  relation (R1–R6, ``sources-disagree``) with their messages; and each year's sources.

Bounds: at most :data:`MAX_SUMMARY_AGENCIES` agencies are drawn in full; the rest are
listed by name with their years, and the page says how many were not drawn. Per year at
most :data:`MAX_LISTED` open cells and relation issues are spelt out (the page says how
many more there are), and an ambiguous cell shows at most :data:`MAX_READINGS` readings.

The page is self-contained: inline CSS, charts inline as SVG (matplotlib, text kept as
text), no scripts, no fonts, images or styles fetched from anywhere, no links but anchors
within the page. A source's URL is shown as text, never as a link.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from .. import vocabulary as vocab
from ..model import CERTAIN_STATES, Cell, CellState, Issue, Report
from ..templates import TEMPLATES, Template

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from matplotlib.typing import RcKeyType

    from ..agency import AgencyMatch
    from .build import Series
    from .observe import Observation

__all__ = ["MAX_SUMMARY_AGENCIES", "MAX_LISTED", "MAX_READINGS", "write_summary"]

#: Agencies drawn in full: each costs ~80 ms to draw and ~33 KB of page, so 200 keep the page near 7 MB and 20 s.
MAX_SUMMARY_AGENCIES = 200
#: Open cells, and relation issues, spelt out per observation (the rest are counted).
MAX_LISTED = 50
#: Readings of one ambiguous cell shown in a list (a table cell shows three).
MAX_READINGS = 12
HEADLINE_READINGS = 3

_W = vocab.SUMMARY_WORDS
DEFAULT_TITLE = f"{_W['title']} · panel summary"

#: Headline request rows (column ``total``) and their short headers; the template's label is the tooltip.
HEADLINE_REQUESTS = vocab.SUMMARY_REQUEST_HEADERS
#: The column of a headline number (requests: every applicant; appeals: every result).
TOTAL = "total"
#: Issues besides R1–R6 that say the numbers disagree (the sources of one report).
DISAGREEMENT_RULES = ("sources-disagree",)
RELATION_SEVERITIES = ("error", "warning")

# CJK-capable families for chart text, used when installed; the charts label with keys
# (ASCII), so DejaVu Sans (shipped with matplotlib) is always enough and always last.
CJK_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Microsoft YaHei", "SimHei", "PingFang SC", "Heiti SC", "Sarasa Gothic SC",
)
PAGE_FONTS = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Zen Hei", sans-serif'
PALETTE = ("#4e79a7", "#59a14f", "#e15759", "#f28e2b", "#b07aa1", "#9c755f", "#76b7b2", "#edc948", "#bab0ac", "#ff9da7")
CHART_SIZE = (5.6, 2.3)  # inches; 72 pt/inch, drawn at 96 px/inch in the browser → about 540 × 220 px

_OPEN = (CellState.AMBIGUOUS, CellState.UNREADABLE)
_ESC = html.escape


# --- template data ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Group:
    """An outcome group of part 三 (``withheld``): its leaf rows and stand-in rows by template."""

    name: str
    label: str
    rows: dict[str, tuple[str, ...]]  # template → the group's rows in R2 (its leaves)
    stand_ins: dict[str, tuple[tuple[str, tuple[str, ...]], ...]]  # template → (group row, the leaves it stands for)


def _outcome_rows(template: Template) -> tuple[str, ...]:
    """The outcome rows R2 sums (``total = granted + … + Σ other.*``), from the template's relations."""
    for relation in template.relations:
        if relation.table == "requests" and relation.along == "column" and relation.left == (TOTAL,):
            return relation.right
    head = ("new", "carried_over", TOTAL, "carried_forward")
    return tuple(r.key for r in template.table("requests").rows if r.key not in head and not r.stands_for)


def _groups(names: tuple[str, ...]) -> tuple[_Group, ...]:
    """The outcome groups of the templates ``names``, in template order."""
    rows: dict[str, dict[str, list[str]]] = {}
    labels: dict[str, str] = {}
    stand_ins: dict[str, dict[str, list[tuple[str, tuple[str, ...]]]]] = {}
    for name in names:
        template = TEMPLATES[name]
        table = template.table("requests")
        for key in _outcome_rows(template):
            group = key.split(".")[0]
            rows.setdefault(group, {}).setdefault(name, []).append(key)
            row = table.row(key)
            labels.setdefault(group, row.group or row.label)
        for row in table.rows:
            if row.stands_for:
                group = row.stands_for[0].split(".")[0]
                stand_ins.setdefault(group, {}).setdefault(name, []).append((row.key, row.stands_for))
    return tuple(
        _Group(
            group, _short(labels[group]), {t: tuple(keys) for t, keys in by_template.items()},
            {t: tuple(s) for t, s in stand_ins.get(group, {}).items()},
        )
        for group, by_template in rows.items()
    )


def _short(label: str) -> str:
    """A template label without its trailing remark: ``(二)部分公开(区分处理的,…)`` → ``(二)部分公开``."""
    return re.sub(r"(?<=.)\(.*\)$", "", label)


def _labels(name: str) -> dict[str, str]:
    """``{key: Chinese label}`` of every cell address of template ``name``."""
    template = TEMPLATES[name]
    labels: dict[str, str] = {}
    for table in template.tables:
        for row in table.rows:
            row_label = f"{row.group} {row.label}" if row.group else row.label
            for column in table.columns:
                labels[f"{table.kind}/{row.key}/{column.key}"] = f"{_short(row_label)} · {column.label}"
    return labels


def _appeal_rows(names: Iterable[str]) -> list[tuple[str, str]]:
    """``(row key, label)`` of part 四's rows over the templates ``names``."""
    rows: dict[str, str] = {}
    for name in names:
        for row in TEMPLATES[name].table("appeals").rows:
            rows.setdefault(row.key, row.label)
    return list(rows.items())


def _template_names(observations: Iterable[Observation]) -> tuple[str, ...]:
    used = {o.template or o.report.template for o in observations}
    return tuple(name for name in TEMPLATES if name in used)


# --- cells ----------------------------------------------------------------------------------


def _cell(report: Report, key: str) -> Optional[Cell]:
    try:
        return report.cell(key)
    except KeyError:
        return None


def _number(value: object) -> str:
    if value is None:
        return "blank"
    if isinstance(value, float):
        return format(value, ".12g")
    return str(value)


def _readings(cell: Cell) -> list[str]:
    return [_number(v) for v in cell.readings]


def _shown(readings: list[str], limit: int) -> str:
    more = len(readings) - limit
    return " | ".join(readings[:limit]) + (f" … (+{more})" if more > 0 else "")


def _value_html(cell: Optional[Cell]) -> str:
    """A table cell's content: the number, or its state, marked when not certain."""
    if cell is None or cell.state is CellState.ABSENT:
        return '<span class="absent" title="absent: the document does not have this cell">—</span>'
    if cell.state is CellState.EMPTY:
        return '<span class="empty" title="empty: the cell is blank (not zero)"></span>'
    if cell.state is CellState.DASH:
        raw = cell.raw or "-"
        return f'<span class="dash" title="dash: the cell prints {_ESC(raw)} (no number)">{_ESC(raw[:4])}<sup>d</sup></span>'
    if cell.state is CellState.UNREADABLE:
        raw = cell.raw or ""
        return f'<span class="unreadable" title="unreadable: {_ESC(raw)}">{_ESC(raw[:8])}<sup>!</sup></span>'
    if cell.state is CellState.AMBIGUOUS:
        readings = _readings(cell)
        more = " …" if len(readings) > HEADLINE_READINGS else ""
        tip = f"ambiguous, {len(readings)} readings: {_shown(readings, MAX_READINGS)}"
        if cell.basis:
            tip += f" ({cell.basis})"
        return f'<span class="amb" title="{_ESC(tip)}">{_ESC(" | ".join(readings[:HEADLINE_READINGS]) + more)}<sup>?</sup></span>'
    text = _ESC(_number(cell.value))
    if cell.state is CellState.PRINTED:
        return text
    tip = f"{cell.state.value} from {cell.raw!r}" if cell.raw else cell.state.value
    if cell.basis:
        tip += f"; {cell.basis}"
    return f'<span class="{cell.state.value}" title="{_ESC(tip)}">{text}</span>'


def _amount(report: Report, keys: Iterable[str]) -> tuple[Optional[float], bool]:
    """The sum of the numbers of ``keys`` (an ambiguous cell by its first reading) and
    whether any is uncertain; None when none holds a number."""
    total: Optional[float] = None
    uncertain = False
    for key in keys:
        cell = _cell(report, key)
        if cell is None:
            continue
        if cell.state in _OPEN:
            uncertain = True
        if cell.value is not None and cell.state in (*CERTAIN_STATES, CellState.AMBIGUOUS):
            total = (total or 0) + cell.value
    return total, uncertain


def _present(report: Report, key: str) -> bool:
    cell = _cell(report, key)
    return cell is not None and cell.state is not CellState.ABSENT


def _group_amount(report: Report, template: str, group: _Group) -> tuple[Optional[float], bool]:
    """One outcome group's requests (column total) in ``report``: its leaves, or the group
    row the report prints in their place (keys.md, (六)其他处理)."""
    leaves = group.rows.get(template, ())
    if not any(_present(report, f"requests/{k}/{TOTAL}") for k in leaves):
        for row, covered in group.stand_ins.get(template, ()):
            if set(covered) <= set(leaves) and _present(report, f"requests/{row}/{TOTAL}"):
                return _amount(report, [f"requests/{row}/{TOTAL}"])
    return _amount(report, [f"requests/{k}/{TOTAL}" for k in leaves])


def _relation_rules() -> frozenset[str]:
    from ..checks import relation_rules

    cross = {r.id for t in TEMPLATES.values() for r in t.cross_year}
    return relation_rules() | cross | set(DISAGREEMENT_RULES)


# --- charts ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font_families() -> tuple[str, ...]:
    """The CJK families installed (none is fine), then DejaVu Sans: naming only installed
    families keeps matplotlib's font lookup from logging warnings."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return (*[f for f in CJK_FONTS if f in installed], "DejaVu Sans")


def _rc() -> dict[RcKeyType, Any]:
    return {
        "svg.fonttype": "none",  # text stays text (searchable, small)
        "svg.hashsalt": "gkparse-summary",  # ids from content, not random: byte-identical pages
        "svg.image_inline": True,
        "font.family": "sans-serif",
        "font.sans-serif": list(_font_families()),
        "font.size": 8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "hatch.linewidth": 0.6,
    }


_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')
HATCH = "////"
RECEIVED_COLOR = "#222222"
TOTAL_COLOR = "#000000"


@dataclass(frozen=True)
class _Key:
    """One entry of a chart's legend, drawn in HTML beside the chart (with the Chinese label)."""

    kind: str  # "bar", "line" or "hatch"
    color: str
    name: str
    label: str


def _svg(figure: Figure, prefix: str) -> str:
    """The figure as inline SVG: no XML prologue or metadata, every id prefixed (several
    charts share one page, and matplotlib numbers ids per figure)."""
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    text = text[text.index("<svg"):]
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    text = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', text)
    text = _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", text)
    return text.strip()


def _new_figure(title: str, years: list[int]) -> tuple[Figure, Axes]:
    """A chart's figure (not pyplot's: nothing global is kept) with one axes over ``years``."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=CHART_SIZE, dpi=96)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.075, 0.12, 0.91, 0.76))
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    axes.grid(axis="y", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.set_title(title, loc="left", fontsize=8.5, y=1.02)  # a fixed y: matplotlib's title placement is costly
    axes.set_xticks(years, [str(y) for y in years])
    if years:
        axes.set_xlim(min(years) - 0.6, max(years) + 0.6)
    return figure, axes


def _scale(axes: Axes, top: float, note: Optional[str]) -> None:
    """Counts from 0 (to 1 when every number is 0); ``note`` written across an empty chart."""
    axes.set_ylim(0, top * 1.08 if top > 0 else 1)
    note = note or ("all 0" if top == 0 else None)
    if note:
        axes.text(0.5, 0.5, note, transform=axes.transAxes, ha="center", va="center", color="#888888")


def _hatch(bars: Iterable[Rectangle], amounts: Sequence[tuple[Optional[float], bool]]) -> bool:
    """Hatch the bars whose amount includes an uncertain cell; whether any is."""
    hatched = False
    for bar, (_, open_) in zip(bars, amounts):
        if open_:
            hatched = True
            bar.set_hatch(HATCH)
            bar.set_edgecolor("#444444")
    return hatched


def _requests_chart(observations: Sequence[Observation], groups: tuple[_Group, ...], prefix: str) -> tuple[str, list[_Key]]:
    years = [o.year for o in observations]
    figure, ax = _new_figure("requests: handled by outcome (bars) and received (line)", years)
    bottom = [0.0] * len(years)
    keys: list[_Key] = []
    uncertain = False
    for index, group in enumerate(groups):
        amounts = [_group_amount(o.report, _template_of(o), group) for o in observations]
        if all(a is None for a, _ in amounts):
            continue
        heights = [a or 0.0 for a, _ in amounts]
        color = PALETTE[index % len(PALETTE)]
        bars = ax.bar(years, heights, bottom=bottom, width=0.6, color=color, edgecolor="white", linewidth=0.4)
        uncertain |= _hatch(bars, amounts)
        bottom = [b + h for b, h in zip(bottom, heights)]
        keys.append(_Key("bar", color, group.name, group.label))
    note = None if keys else "no outcome numbers read"
    top = max(bottom, default=0.0)
    handled = [_amount(o.report, [f"requests/{TOTAL}/{TOTAL}"]) for o in observations]
    if any(v is not None for v, _ in handled):
        ax.plot(years, [float("nan") if v is None else v for v, _ in handled], linestyle="none", marker="_", markersize=22,
                markeredgewidth=1.6, color=TOTAL_COLOR)
        keys.append(_Key("tick", TOTAL_COLOR, TOTAL, f"{_W['printed_total']} as printed (the bars should reach it)"))
        top = max([top, *(v for v, _ in handled if v is not None)])
    received = [_amount(o.report, [f"requests/new/{TOTAL}"]) for o in observations]
    if any(v is not None for v, _ in received):
        by_year = dict(zip(years, (v for v, _ in received)))
        span = list(range(min(years), max(years) + 1))  # a missing year breaks the line
        ys = [float("nan") if by_year.get(y) is None else float(by_year[y] or 0) for y in span]
        ax.plot(span, ys, color=RECEIVED_COLOR, linewidth=1.2, marker="o", markersize=4)
        keys.append(_Key("line", RECEIVED_COLOR, "new", f"{_W['received']} received"))
        top = max([top, *(v for v, _ in received if v is not None)])
        rings = [(y, v) for y, (v, open_) in zip(years, received) if open_ and v is not None]
        if rings:
            uncertain = True
            ax.plot([y for y, _ in rings], [v for _, v in rings], linestyle="none", marker="o", markersize=7,
                    markerfacecolor="white", markeredgecolor=PALETTE[2])
    _scale(ax, top, note if keys else "no numbers read")
    if uncertain:
        keys.append(_Key("hatch", "#444444", "uncertain", "includes an uncertain cell, drawn at its first reading (a ring on the line)"))
    return _svg(figure, prefix), keys


def _appeals_chart(observations: Sequence[Observation], rows: list[tuple[str, str]], prefix: str) -> tuple[str, list[_Key]]:
    years = [o.year for o in observations]
    figure, ax = _new_figure("administrative review and litigation: cases (total)", years)
    width = 0.8 / max(len(rows), 1)
    keys: list[_Key] = []
    uncertain = False
    top = 0.0
    for index, (row, label) in enumerate(rows):
        amounts = [_amount(o.report, [f"appeals/{row}/{TOTAL}"]) for o in observations]
        if all(a is None for a, _ in amounts):
            continue
        offset = (index - (len(rows) - 1) / 2) * width
        color = PALETTE[index % len(PALETTE)]
        bars = ax.bar([y + offset for y in years], [a or 0.0 for a, _ in amounts], width=width * 0.95, color=color)
        uncertain |= _hatch(bars, amounts)
        keys.append(_Key("bar", color, row, label))
        top = max([top, *(a for a, _ in amounts if a is not None)])
    _scale(ax, top, None if keys else "no numbers read")
    if uncertain:
        keys.append(_Key("hatch", "#444444", "uncertain", "includes an uncertain cell, drawn at its first reading"))
    return _svg(figure, prefix), keys


def _legend(keys: Sequence[_Key]) -> str:
    items = []
    for key in keys:
        swatch = f'<span class="sw {key.kind}" style="--c:{_ESC(key.color)}"></span>'
        items.append(f"<li>{swatch}<code>{_ESC(key.name)}</code> {_ESC(key.label)}</li>")
    return f'<ul class="legend">{"".join(items)}</ul>'


# --- the page ---------------------------------------------------------------------------------

CSS = """
body{font-family:%s;margin:0 auto;max-width:1180px;padding:0 18px 40px;color:#1f2328;font-size:14px;line-height:1.45}
h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:0 0 4px}h3{font-size:14px;margin:14px 0 4px}
.stats{font-weight:600}.facts,.note,small{color:#57606a}
table{border-collapse:collapse;margin:6px 0;font-size:13px}
th,td{border:1px solid #d0d7de;padding:2px 7px;vertical-align:top}
th{background:#f6f8fa;font-weight:600;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
section.agency,#not-drawn{border-top:2px solid #d0d7de;margin-top:26px;padding-top:10px}
td.readings{font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:8px}.charts figure{margin:0}
.charts svg{max-width:100%%;height:auto}
figcaption{font-size:12px;color:#57606a;max-width:540px}
ul.legend{list-style:none;padding:0;margin:2px 0;columns:2;column-gap:14px}
.sw{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px;background:var(--c)}
.sw.line,.sw.tick{height:3px;vertical-align:3px}.sw.tick{width:14px}
.sw.hatch{background:repeating-linear-gradient(45deg,var(--c) 0 1px,#fff 1px 4px);border:1px solid var(--c);width:9px;height:9px}
.amb{background:#fff4c2}.unreadable{background:#ffd8d3}.dash,.absent{color:#8c959f}
.resolved,.split{border-bottom:1px dotted #57606a}
sup{color:#9a6700;font-weight:700;margin-left:1px}
.error{color:#cf222e;font-weight:600}.warning{color:#9a6700;font-weight:600}
code{font-size:12px;background:#f6f8fa;padding:0 3px}
ul{margin:4px 0;padding-left:22px}.ok{color:#1a7f37}
"""


def _template_of(observation: Observation) -> str:
    return observation.template or observation.report.template or ""


def _headline(observations: Sequence[Observation], appeal_rows: list[tuple[str, str]]) -> list[str]:
    names = _template_names(observations)
    tips: dict[str, str] = {}
    for name in names:
        labels = _labels(name)
        for key, _ in HEADLINE_REQUESTS:
            tips.setdefault(f"requests/{key}/{TOTAL}", labels.get(f"requests/{key}/{TOTAL}", ""))
        for key, _ in appeal_rows:
            tips.setdefault(f"appeals/{key}/{TOTAL}", labels.get(f"appeals/{key}/{TOTAL}", ""))
    columns = [(f"requests/{k}/{TOTAL}", short) for k, short in HEADLINE_REQUESTS]
    columns += [(f"appeals/{k}/{TOTAL}", label) for k, label in appeal_rows]
    out = [f'<table class="headline"><thead><tr><th>{_W["year"]} year</th><th>{_W["template"]} template</th>']
    for key, short in columns:
        out.append(f'<th title="{_ESC(key + " — " + tips.get(key, ""))}">{_ESC(short)}<br><small>{_ESC(key.split("/")[1])}</small></th>')
    out.append(f"<th>{_W['sources']} sources</th></tr></thead><tbody>")
    for o in observations:
        cells = "".join(f'<td class="n">{_value_html(_cell(o.report, key))}</td>' for key, _ in columns)
        out.append(f"<tr><th>{o.year}</th><td>{_ESC(_template_of(o))}</td>{cells}<td class=\"n\">{len(o.sources)}</td></tr>")
    out.append("</tbody></table>")
    return out


def _open_cells(report: Report) -> list[tuple[str, Cell]]:
    return [(k, c) for k, c in report.cells() if c.state in _OPEN]


def _relation_issues(report: Report, rules: frozenset[str]) -> list[Issue]:
    return [i for i in report.issues if i.rule in rules and i.severity in RELATION_SEVERITIES]


def _findings(observations: Sequence[Observation], rules: frozenset[str]) -> list[str]:
    out: list[str] = []
    for o in observations:
        open_ = _open_cells(o.report)
        issues = _relation_issues(o.report, rules)
        listed = {id(i) for i in issues}
        others = Counter(i.rule for i in o.report.issues if id(i) not in listed)
        labels = _labels(_template_of(o)) if _template_of(o) in TEMPLATES else {}
        out.append(f"<h3>{o.year}</h3>")
        if not open_ and not issues:
            out.append('<p class="ok">no open cells, no broken relations</p>')
        if open_:
            out.append(f"<p>{len(open_)} open cell(s):</p><table><thead><tr><th>key</th><th>label</th><th>state</th>"
                       "<th>readings</th><th>basis</th></tr></thead><tbody>")
            for key, cell in open_[:MAX_LISTED]:
                readings = _shown(_readings(cell), MAX_READINGS) if cell.state is CellState.AMBIGUOUS else f"raw: {cell.raw or ''}"
                out.append(
                    f"<tr><td><code>{_ESC(key)}</code></td><td>{_ESC(labels.get(key, ''))}</td><td>{_ESC(cell.state.value)}</td>"
                    f"<td class=\"readings\">{_ESC(readings)}</td><td>{_ESC(cell.basis or '')}</td></tr>"
                )
            out.append("</tbody></table>")
            if len(open_) > MAX_LISTED:
                out.append(f'<p class="note">… and {len(open_) - MAX_LISTED} more open cells not listed here.</p>')
        if issues:
            out.append(f"<p>{len(issues)} broken relation(s):</p><ul>")
            for issue in issues[:MAX_LISTED]:
                where = f" <code>{_ESC(issue.where)}</code>" if issue.where else ""
                out.append(f'<li><b>{_ESC(issue.rule)}</b> <span class="{_ESC(issue.severity)}">{_ESC(issue.severity)}</span>{where}: '
                           f"{_ESC(issue.message)}</li>")
            out.append("</ul>")
            if len(issues) > MAX_LISTED:
                out.append(f'<p class="note">… and {len(issues) - MAX_LISTED} more relation issues not listed here.</p>')
        if others:
            counts = ", ".join(f"{rule} ×{n}" for rule, n in sorted(others.items()))
            out.append(f'<p class="note">other findings: {_ESC(counts)}</p>')
    return out


def _sources(observations: Sequence[Observation]) -> list[str]:
    out = ['<table class="sources"><thead><tr><th>year</th><th>#</th><th>path</th><th>form</th><th>encoding</th>'
           "<th>captured</th><th>sha256</th></tr></thead><tbody>"]
    for o in observations:
        for number, source in enumerate(o.sources, start=1):
            lead = " (lead)" if number == 1 and len(o.sources) > 1 else ""
            out.append(
                f"<tr><th>{o.year}</th><td>{number}{lead}</td><td>{_ESC(source.path or '(no path)')}</td><td>{_ESC(source.form)}</td>"
                f"<td>{_ESC(source.encoding or '')}</td><td>{_ESC(source.date or '')}</td>"
                f"<td><code>{_ESC((source.sha256 or '')[:16])}</code></td></tr>"
            )
    out.append("</tbody></table>")
    return out


def _years_text(years: list[int]) -> str:
    if not years:
        return "no years"
    missing = [y for y in range(min(years), max(years) + 1) if y not in years]
    text = ", ".join(map(str, years))
    return text + (f" (missing: {', '.join(map(str, missing))})" if missing else "")


def _agency(index: int, series: Series, rules: frozenset[str]) -> list[str]:
    observations = sorted(series.observations, key=lambda o: o.year)
    names = _template_names(observations)
    groups = _groups(names)
    appeal_rows = _appeal_rows(names)
    out = [
        f'<section class="agency" id="a{index}"><h2>{_ESC(series.agency)} <small>{_ESC(series.agency_key)}</small></h2>',
        f'<p class="note">years: {_ESC(_years_text([o.year for o in observations]))} · templates: {_ESC(", ".join(names) or "none")}</p>',
    ]
    if not observations:
        out.append('<p class="note">no observations.</p></section>')
        return out
    out += _headline(observations, appeal_rows)
    requests_svg, requests_keys = _requests_chart(observations, groups, f"a{index}r-")
    appeals_svg, appeals_keys = _appeals_chart(observations, appeal_rows, f"a{index}a-")
    out += [
        '<div class="charts">',
        f"<figure>{requests_svg}<figcaption>{_W['requests']} requests (column {_W['total']} total): handled, by outcome group; "
        f"received as a line.{_legend(requests_keys)}</figcaption></figure>",
        f"<figure>{appeals_svg}<figcaption>{_W['appeals']} (column {_W['total']} total).{_legend(appeals_keys)}</figcaption></figure>",
        "</div>",
        "<h3>open cells and broken relations</h3>",
    ]
    out += _findings(observations, rules)
    out.append("<h3>sources</h3>")
    out += _sources(observations)
    out.append("</section>")
    return out


def _matches(matches: Sequence[AgencyMatch]) -> list[str]:
    if not matches:
        return []
    out = [f'<section id="matches"><h2>agency matches to review ({len(matches)})</h2>',
           '<p class="note">merged: a short form taken as the one agency it fits; ambiguous: fits several, kept apart.</p>',
           "<table><thead><tr><th>name key</th><th>status</th><th>candidates</th><th>evidence</th></tr></thead><tbody>"]
    for m in matches:
        out.append(f'<tr><td>{_ESC(m.key)}</td><td class="{"warning" if m.status == "ambiguous" else ""}">{_ESC(m.status)}</td>'
                   f"<td>{_ESC(', '.join(m.candidates))}</td><td>{_ESC(m.evidence)}</td></tr>")
    out.append("</tbody></table></section>")
    return out


def _overview(drawn: Sequence[Series], rules: frozenset[str]) -> list[str]:
    out = ['<nav id="overview"><h2>agencies</h2><table><thead><tr><th>#</th><th>agency</th><th>years</th>'
           "<th>open cells</th><th>relation errors</th><th>relation warnings</th></tr></thead><tbody>"]
    for index, series in enumerate(drawn, start=1):
        reports = [o.report for o in series.observations]
        open_ = sum(len(_open_cells(r)) for r in reports)
        issues = [i for r in reports for i in _relation_issues(r, rules)]
        errors = sum(1 for i in issues if i.severity == "error")
        out.append(
            f'<tr><td class="n">{index}</td><td><a href="#a{index}">{_ESC(series.agency)}</a></td>'
            f"<td>{_ESC(_years_text(sorted(series.years)))}</td><td class=\"n\">{open_ or ''}</td>"
            f"<td class=\"n\">{errors or ''}</td><td class=\"n\">{(len(issues) - errors) or ''}</td></tr>"
        )
    out.append("</tbody></table></nav>")
    return out


def _not_drawn(rest: Sequence[Series], total: int, limit: int) -> list[str]:
    if not rest:
        return []
    out = [f'<section id="not-drawn"><h2>{len(rest)} of {total} agencies not drawn in full</h2>',
           f'<p class="note">The page draws at most {limit} agencies; these are listed by name with their years.</p>',
           "<table><thead><tr><th>agency</th><th>key</th><th>years</th><th>number of years</th></tr></thead><tbody>"]
    for series in rest:
        years = sorted(series.years)
        out.append(f"<tr><td>{_ESC(series.agency)}</td><td>{_ESC(series.agency_key)}</td><td>{_ESC(_years_text(years))}</td>"
                   f'<td class="n">{len(years)}</td></tr>')
    out.append("</tbody></table></section>")
    return out


MARKERS = (
    '<p class="note">Markers: plain numbers are certain (printed, or split out of glued digits); '
    '<span class="split" title="split">dotted underline</span>: split or resolved (hover for the basis); '
    '<span class="amb">58 | 584 | 5 …<sup>?</sup></span> ambiguous (its readings, the first is the value a table reports; hover for all); '
    'an empty cell is blank (not zero); <span class="dash">-<sup>d</sup></span> a dash or ' + _W['dash'] + '; '
    '<span class="unreadable">raw<sup>!</sup></span> unreadable text; '
    '<span class="absent">—</span> the document does not have the cell.</p>'
)


def write_summary(
    series: list[Series], out: Path, *, matches: list[AgencyMatch], stats: str, title: Optional[str] = None,
) -> None:
    """Write the summary page of ``series`` to ``out`` (see the module's text): one HTML
    file, no network access needed to view it, byte-identical for the same input."""
    import matplotlib

    from .. import __version__

    limit = MAX_SUMMARY_AGENCIES
    drawn, rest = series[:limit], series[limit:]
    rules = _relation_rules()
    observations = sum(len(s.observations) for s in series)
    years = sorted({o.year for s in series for o in s.observations})
    span = f"{years[0]}–{years[-1]}" if years else "no years"
    page_title = title or DEFAULT_TITLE
    facts = _ESC(f"gkparse {__version__} · matplotlib {matplotlib.__version__} · {len(series)} agencies, {observations} observations, "
                 f"years {span} · drawn in full: {len(drawn)} of {len(series)}")
    if rest:
        facts += f" (at most {limit}); {len(rest)} of {len(series)} agencies not drawn in full, <a href=\"#not-drawn\">listed below</a>"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_ESC(page_title)}</title>",
        f"<style>{CSS % PAGE_FONTS}</style></head>",
        "<body><header>",
        f"<h1>{_ESC(page_title)}</h1>",
        f'<p class="stats">{_ESC(stats)}</p>',
        f'<p class="facts">{facts}</p>',
        MARKERS,
        "</header>",
    ]
    parts += _matches(matches)
    parts += _overview(drawn, rules)
    with matplotlib.rc_context(_rc()):  # rcParams are global: set only while drawing, restored after
        for index, one in enumerate(drawn, start=1):
            parts += _agency(index, one, rules)
    parts += _not_drawn(rest, len(series), limit)
    parts.append("</body></html>\n")
    Path(out).write_text("\n".join(parts), encoding="utf-8")
