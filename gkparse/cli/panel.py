"""``gkparse panel INPUT... -o panel.parquet``: every agency × year × cell as one table.

Exit status: 0 every input placed in the panel, 1 some input failed or was left out (or
none gave a report), 2 usage error (nothing written).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import click

from ..agency import Aliases
from ..errors import GkparseError
from ..export.writers import check_writable
from ..panel import Panel
from ..panel.table import FORMATS, format_of
from .common import EXIT_FAILED, UsageProblem

__all__ = ["panel_command"]

#: Failures listed on stderr one by one; the rest are counted in the summary line.
SHOWN_FAILURES = 20
#: The alias table's formats, by suffix (:meth:`gkparse.agency.Aliases.load` reads a JSON
#: object for ``.json`` and a CSV otherwise): any other suffix is refused, not read as CSV.
ALIAS_SUFFIXES = (".csv", ".json")


@click.command("panel")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help=f"The panel file: {', '.join(FORMATS)} (format from the suffix).")
@click.option("--wide", is_flag=True, help="One row per agency × year with a column per key (default: long, a row per cell).")
@click.option("--uncertain", is_flag=True,
              help="Fill ambiguous cells with the reading they show (state stays 'ambiguous'); default: null.")
@click.option("--aliases", type=click.Path(dir_okay=False), default=None, metavar="ALIASES.csv",
              help="Names of one agency: a CSV with columns alias,agency (or a JSON object).")
@click.option("--html", "html", type=click.Path(dir_okay=False), default=None, metavar="SUMMARY.html",
              help="Also write a self-contained summary page to look at before reading the numbers.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Parallel worker processes for parsing documents.")
@click.option("-q", "--quiet", is_flag=True, help="No summary or failure lines on stderr.")
def panel_command(
    inputs: tuple[str, ...], out: str, wide: bool, uncertain: bool, aliases: Optional[str],
    html: Optional[str], workers: int, quiet: bool,
) -> None:
    """Build the panel: one agency across years and forms, cross-year checked.

    INPUT is what `gkparse convert` reads (files, folders, globs, WARC archives), or a
    .jsonl file `gkparse convert` wrote. Reports of one agency are recognised across
    spellings (gkparse.agency); the same report read from several sources (a page, its
    PDF, a text dump) is one observation, and cells the sources disagree on are ambiguous
    with a sources-disagree issue. R5/R6 are checked between consecutive years and settle
    glued part 二 rows where the neighbouring year decides (basis "R6 with 2023 …").

    \b
    Examples:
      gkparse panel reports/ -o panel.parquet --html summary.html
      gkparse panel reports.jsonl -o panel.csv --wide
      gkparse panel crawl.warc.gz -o panel.jsonl --aliases aliases.csv
    """
    try:
        format_of(Path(out))
        if aliases and not aliases.lower().endswith(ALIAS_SUFFIXES):
            raise GkparseError(f"--aliases {aliases}: the alias table is read from {' or '.join(ALIAS_SUFFIXES)} only")
        check_writable(out, "the panel")
        if html:
            check_writable(html, "--html")
        table = Aliases.load(aliases) if aliases else None
        panel = Panel.from_paths(list(inputs), aliases=table, workers=workers, exclude=[out, *([html] if html else [])])
        rows = panel.write(Path(out), wide=wide, uncertain=uncertain, html=html)
    except GkparseError as exc:
        raise UsageProblem(str(exc)) from None
    except OSError as exc:
        raise UsageProblem(f"cannot write: {exc}") from None
    if not quiet:
        for source, reason in panel.stats.errors[:SHOWN_FAILURES]:
            click.echo(f"left out: {source}: {reason}", err=True)
        more = len(panel.stats.errors) - SHOWN_FAILURES
        if more > 0:
            click.echo(f"left out: … and {more} more", err=True)
        for match in panel.matches:
            click.echo(f"agency {match}", err=True)
        click.echo(f"{panel.summary_line()}; {rows} rows → {out}", err=True)
        if not panel.stats.reports:
            click.echo("no report found in the inputs: the panel is empty", err=True)
    if panel.stats.left_out or not panel.stats.reports:
        sys.exit(EXIT_FAILED)
