"""The ``gkparse`` command line: ``parse``, ``convert``, ``schema`` (and ``crawl`` when present).

Exit status: 0 all inputs parsed, 1 some input failed, 2 usage error, 3 (``convert --strict``)
some report has a relation issue (R1–R4) and nothing failed.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, Optional

import click

from ..batch.convert import FORMATS, Result, Stats, convert
from ..errors import GkparseError
from ..model.report import CellState, Report

__all__ = ["main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gkparse")
def main() -> None:
    """Read Chinese government information-disclosure annual reports (政府信息公开工作年度报告).

    \b
    Examples:
      gkparse parse fixtures/pingyang_amr_2020.txt          # readable summary
      gkparse parse fixtures/pingtan_2022.page.html --json  # the full report as JSON
      gkparse convert fixtures -o reports.jsonl             # a folder into JSON Lines
      gkparse convert crawl.warc.gz -o cells.csv            # a WARC into the cell table
      gkparse schema > report.schema.json
    """


# --- parse ---------------------------------------------------------------------------------


def _fmt(value: Any) -> str:
    if value is None:
        return "·"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _summary(report: Report) -> str:
    lines = [
        f"title:    {report.title or '-'}",
        f"agency:   {report.agency or '-'}",
        f"year:     {report.year or '-'}",
        f"template: {report.template or '-'}",
        f"source:   {report.source.path or '-'} ({report.source.form}, {report.source.encoding or '-'})",
    ]
    table_rows: dict[str, dict[str, list[str]]] = {}
    for key, cell in report.cells():
        table, row, column = key.split("/")
        mark = "" if cell.certain or cell.state in (CellState.EMPTY, CellState.DASH, CellState.ABSENT) else "?"
        table_rows.setdefault(table, {}).setdefault(row, []).append(f"{column}={_fmt(cell.value)}{mark}")
    for table in ("disclosure", "requests", "appeals"):
        lines.append("")
        if table not in table_rows:
            lines.append(f"[{table}] (none)")
            continue
        lines.append(f"[{table}]")
        width = max(len(r) for r in table_rows[table])
        for row, cells in table_rows[table].items():
            lines.append(f"  {row:<{width}}  " + " ".join(cells))
    special = [
        (key, cell) for key, cell in report.cells()
        if cell.state in (CellState.SPLIT, CellState.RESOLVED, CellState.AMBIGUOUS)
    ]
    lines.append("")
    lines.append(f"repaired/ambiguous cells: {len(special)}")
    for key, cell in special:
        extra = f" alternatives={[_fmt(a) for a in cell.alternatives]}" if cell.alternatives else ""
        basis = f" basis={cell.basis}" if cell.basis else ""
        lines.append(f"  {key} = {_fmt(cell.value)} [{cell.state.value}] raw={cell.raw!r}{extra}{basis}")
    lines.append(f"issues: {len(report.issues)}")
    for issue in report.issues:
        lines.append(f"  {issue}")
    return "\n".join(lines)


@main.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON instead of a summary.")
def parse_command(file: str, as_json: bool) -> None:
    """Parse one report page (HTML or text) and show what was read.

    The summary lists title, agency, year, template, the three tables (one line per row;
    `?` marks uncertain values, `·` empty ones), the cells rebuilt from glued digits and
    every issue. FILE may be `-` for standard input.

    \b
    Examples:
      gkparse parse fixtures/pingyang_amr_2020.txt
      gkparse parse fixtures/shanghai_govoffice_2019.html --json | jq .requests.new
    """
    from ..api import parse

    try:
        if file == "-":
            report = parse(sys.stdin.buffer.read(), origin="-")
        else:
            report = parse(Path(file))
    except GkparseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(report.model_dump_json(indent=1))
    else:
        click.echo(_summary(report))


# --- convert -------------------------------------------------------------------------------


class _Progress:
    """A ``\\r`` status line on stderr (TTY only), and failures / the summary unless quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = not quiet and sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, result: Result, stats: Stats) -> None:
        if not result.ok and not self.quiet:
            self._clear()
            assert result.error is not None
            click.echo(f"failed: {result.source}: {result.error[0]}: {result.error[1]}", err=True)
        if self.tty:
            now = time.monotonic()
            if now - self.last > 0.2:
                self.last = now
                click.echo("\r" + stats.line(), nl=False, err=True)

    def _clear(self) -> None:
        if self.tty:
            click.echo("\r\033[K", nl=False, err=True)

    def finish(self, stats: Stats) -> None:
        self._clear()
        if not self.quiet:
            click.echo(stats.line(), err=True)


@main.command("convert")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help="Output file; `-` writes to standard output.")
@click.option("-f", "--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format [default: from OUT: .jsonl → jsonl, .csv → cells-csv, .parquet → cells-parquet; `-` → jsonl].")
@click.option("--issues", "issues", type=click.Path(dir_okay=False), default=None, metavar="ISSUES.csv",
              help="Also write every issue (one row per issue) to this CSV file.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Parallel worker processes [default: number of CPUs]; 1 parses in-process.")
@click.option("--resume", is_flag=True,
              help="Skip inputs already in OUT (JSON Lines only); a half-written last line is redone.")
@click.option("--strict", is_flag=True, help="Exit 3 when a report breaks a table relation (R1–R4).")
@click.option("-q", "--quiet", is_flag=True, help="No progress, failure lines or summary on stderr.")
def convert_command(
    inputs: tuple[str, ...], out: str, fmt: Optional[str], issues: Optional[str],
    workers: Optional[int], resume: bool, strict: bool, quiet: bool,
) -> None:
    """Parse many reports into one file: full reports as JSON Lines, or the tidy cell table.

    INPUT is a file, a folder (walked recursively in sorted order; .html/.htm/.txt/… and
    archives), a glob (quote it), `-` for standard input, or a WARC/ARC archive
    (.warc, .warc.gz, .arc, .arc.gz): its 200 text responses that mention a report marker
    (信息公开, 年度报告, …) are parsed, the others counted as skipped.

    An input that cannot be parsed becomes an error record in the JSON Lines output,
    {"error": {"type": …, "reason": …}, "source": …, "report_id": …}, and the batch goes on.
    The output order is the input order, whatever --workers.

    \b
    Exit status: 0 all parsed, 1 some input failed, 2 usage error,
                 3 with --strict: some report has a relation issue (R1–R4).

    \b
    Examples:
      gkparse convert fixtures -o reports.jsonl
      gkparse convert fixtures/*.txt fixtures/*.html -o cells.csv --issues issues.csv
      gkparse convert crawl.warc.gz -o cells.parquet --workers 8
      gkparse convert big.warc.gz -o reports.jsonl --resume   # continue a killed run
      cat page.html | gkparse convert - -o - | jq .year
    """
    progress = _Progress(quiet)
    try:
        stats = convert(
            list(inputs), out, format=fmt, issues=issues, workers=workers, resume=resume,
            on_result=progress,
        )
    except GkparseError as exc:
        raise click.UsageError(str(exc)) from None
    progress.finish(stats)
    if stats.failed:
        sys.exit(1)
    if strict and stats.relation_issues:
        sys.exit(3)


# --- schema --------------------------------------------------------------------------------


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of a report (the lines of `convert -o X.jsonl`).

    \b
    Example:
      gkparse schema > report.schema.json
    """
    click.echo(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=1))


from .crawl import crawl_command  # noqa: E402  (registered after main is defined)

main.add_command(crawl_command, "crawl")


if __name__ == "__main__":
    main()
