"""``gkparse parse FILE``: read one report and show what was read (or the JSON)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..api import parse
from ..batch.sources import STDIN
from ..errors import GkparseError, InputNotFoundError
from ..model import CellState, Report
from ..templates.schema import TABLE_KINDS
from .common import EXIT_FAILED, JSON_INDENT, UsageProblem

__all__ = ["parse_command"]

#: States that say nothing about certainty (no number was read), so they get no `?`.
_NO_NUMBER = (CellState.EMPTY, CellState.DASH, CellState.ABSENT)
#: States of cells rebuilt from glued digits, listed after the tables.
_REBUILT = (CellState.SPLIT, CellState.RESOLVED, CellState.AMBIGUOUS)


def _fmt(value: Any) -> str:
    if value is None:
        return "·"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _report_summary(report: Report) -> str:
    """The readable summary: header, one line per table row, rebuilt cells, issues."""
    lines = [
        f"title:    {report.title or '-'}",
        f"agency:   {report.agency or '-'}",
        f"year:     {report.year or '-'}",
        f"template: {report.template or '-'}",
        f"source:   {report.source.path or '-'} ({report.source.form}, {report.source.encoding or '-'})",
    ]
    cells = [(str(key), cell) for key, cell in report.cells()]
    table_rows: dict[str, dict[str, list[str]]] = {}
    for key, cell in cells:
        table, row, column = key.split("/")
        mark = "" if cell.certain or cell.state in _NO_NUMBER else "?"
        table_rows.setdefault(table, {}).setdefault(row, []).append(f"{column}={_fmt(cell.value)}{mark}")
    for table in TABLE_KINDS:
        lines.append("")
        if table not in table_rows:
            lines.append(f"[{table}] (none)")
            continue
        lines.append(f"[{table}]")
        width = max(len(r) for r in table_rows[table])
        for row, row_cells in table_rows[table].items():
            lines.append(f"  {row:<{width}}  " + " ".join(row_cells))
    rebuilt = [(key, cell) for key, cell in cells if cell.state in _REBUILT]
    lines.append("")
    lines.append(f"repaired/ambiguous cells: {len(rebuilt)}")
    for key, cell in rebuilt:
        extra = f" alternatives={[_fmt(a) for a in cell.alternatives]}" if cell.alternatives else ""
        basis = f" basis={cell.basis}" if cell.basis else ""
        lines.append(f"  {key} = {_fmt(cell.value)} [{cell.state.value}] raw={cell.raw!r}{extra}{basis}")
    lines.append(f"issues: {len(report.issues)}")
    for issue in report.issues:
        lines.append(f"  {issue}")
    return "\n".join(lines)


@click.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON instead of a summary.")
def parse_command(file: str, as_json: bool) -> None:
    """Parse one report (an HTML page, a text dump, a PDF or a Word file) and show what was read.

    The summary lists title, agency, year, template, the three tables (one line per row;
    `?` marks uncertain values, `·` empty ones), the cells rebuilt from glued digits and
    every issue. FILE may be `-` for standard input.

    \b
    Examples:
      gkparse parse fixtures/pingyang_amr_2020.txt
      gkparse parse fixtures/shanghai_govoffice_2019.html --json | jq .requests.new
    """
    try:
        if file == STDIN:
            report = parse(sys.stdin.buffer.read(), origin=STDIN)
        else:
            report = parse(file)
    except InputNotFoundError as exc:
        raise UsageProblem(str(exc)) from None  # a usage error (exit 2), as for every command
    except GkparseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_FAILED)
    if as_json:
        click.echo(report.model_dump_json(indent=JSON_INDENT))
    else:
        click.echo(_report_summary(report))
