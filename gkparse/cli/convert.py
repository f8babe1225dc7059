"""``gkparse convert INPUT... -o OUT``: many inputs into one file, with live progress.

Exit status: 0 all inputs parsed, 1 some input failed (a timeout or a dead worker
included), 2 usage error (an output locked by another run included; one line on stderr),
3 (``--strict``) some report has a relation issue (R1–R4) and nothing failed, 130
interrupted (Ctrl-C: the records written so far stay, whole).
"""

from __future__ import annotations

import os
import sys
from typing import Optional

import click
from click.core import ParameterSource

from ..batch.pipeline import Stats, convert
from ..batch.run import INPUT_TIMEOUT, WORKER_MEMORY_LIMIT, Result
from ..cluster.shards import SHARD_FILES
from ..errors import GkparseError
from ..export.compression import GZIP_SUFFIX
from ..export.writers import ISSUE_WRITERS, STDOUT, WRITERS, format_for
from .common import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_STRICT, UsageProblem

__all__ = ["convert_command"]

#: Bytes in a megabyte, the unit of ``--memory-limit``.
MB = 1 << 20


class _Progress:
    """Failures and the summary on stderr unless quiet; on a terminal the progress bar is
    :func:`~gkparse.batch.pipeline.convert`'s (tqdm: done of total, rate, time left)."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.tty = not quiet and sys.stderr.isatty()
        self.stats: Optional[Stats] = None  # the counts so far (for a summary after Ctrl-C)

    def __call__(self, result: Result, stats: Stats) -> None:
        self.stats = stats
        if result.error is not None and not self.quiet:
            self._clear()
            record = result.error
            where = result.source
            if record.archive is not None:
                at = f"at offset {record.offset}"
                where = f"{where} {at}" if record.source == record.archive else f"{where} ({record.archive} {at})"
            line = f"failed: {where}: {record.error.type}: {record.error.reason}"
            if self.tty:
                from tqdm import tqdm

                tqdm.write(line, file=sys.stderr)  # above the progress bar, which stays whole
            else:
                click.echo(line, err=True)

    def _clear(self) -> None:
        if self.tty:
            click.echo("\r\033[K", nl=False, err=True)

    def finish(self, stats: Stats) -> None:
        self._clear()
        if not self.quiet:
            click.echo(stats.line(), err=True)
            if stats.parsed:
                click.echo(stats.forms_line(), err=True)

    def interrupted(self, out: str, resumable: bool) -> None:
        """The line after Ctrl-C: what was done, and that OUT holds it (always said, even
        with --quiet: the run did not end as asked)."""
        self._clear()
        done = self.stats.line() if self.stats is not None else "nothing done yet"
        where = "" if out == STDOUT else f"; {out} holds what was written" + (", --resume goes on" if resumable else "")
        click.echo(f"\ninterrupted: {done}{where}", err=True)


def _format_help() -> str:
    by_suffix = ", ".join(f"{f.suffixes[0]} → {name}" for name, f in WRITERS.items())
    return f"Output format [default: from OUT: {by_suffix}; `{STDOUT}` → jsonl; add {GZIP_SUFFIX} to compress jsonl and csv]."


def _issues_help() -> str:
    suffixes = ", ".join(f.suffixes[0] for f in ISSUE_WRITERS.values())
    return f"Also write every issue (one row per issue) to this file, its format from its suffix: {suffixes}."


@click.command("convert")
@click.argument("inputs", nargs=-1, required=True, metavar="INPUT...")
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help="Output file; `-` writes to standard output.")
@click.option("-f", "--format", "fmt", type=click.Choice(list(WRITERS)), default=None, help=_format_help())
# A plain string: with --scheduler ISSUES is a folder of shard files (which a resumed run is
# given again); a local run refuses a folder itself.
@click.option("--issues", "issues", default=None, metavar="ISSUES", help=_issues_help())
@click.option("--no-bom", is_flag=True,
              help="Write CSV (OUT and ISSUES) as plain UTF-8, without the byte-order mark that makes Excel and WPS "
                   "read it as UTF-8.")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes parsing in parallel [default: number of CPUs].")
@click.option("--resume", is_flag=True,
              help="Skip inputs already in OUT (JSON Lines only); a half-written last line is redone, inputs that "
                   "failed for a passing reason (unreadable, worker died, out of time or memory) are tried again.")
@click.option("--timeout", type=click.FloatRange(min=0), default=INPUT_TIMEOUT, show_default=True, metavar="SECONDS",
              help="Time budget per input: an input still parsing after it is stopped and fails "
                   "(InputTimeoutError); 0: no budget.")
@click.option("--memory-limit", "memory_mb", type=click.IntRange(min=0), default=WORKER_MEMORY_LIMIT // MB,
              show_default=True, metavar="MB",
              help="Memory (address space) a worker process may add to its size at start: an input that "
                   "needs more fails (MemoryError); 0: no limit.")
@click.option("--strict", is_flag=True, help="Exit 3 when a report breaks a table relation (R1–R4).")
@click.option("-q", "--quiet", is_flag=True, help="No progress, failure lines or summary on stderr.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Parse on a Dask cluster (needs gkparse[dask]): tcp://HOST:8786 (a running scheduler) or local:N "
                   "(N worker processes here). OUT (and ISSUES) become folders of shard files; --resume skips "
                   "complete shards; an input over --timeout ends its worker and fails (WorkerDiedError). "
                   "See docs/cluster.md.")
@click.option("--shard-size", type=click.IntRange(min=1), default=None, metavar="FILES",
              help=f"With --scheduler: document files per shard (an archive is a shard of its own) [default: {SHARD_FILES}].")
def convert_command(
    inputs: tuple[str, ...], out: str, fmt: Optional[str], issues: Optional[str], no_bom: bool,
    workers: Optional[int], resume: bool, timeout: float, memory_mb: int, strict: bool, quiet: bool,
    scheduler: Optional[str], shard_size: Optional[int],
) -> None:
    """Parse many reports into one file: full reports as JSON Lines, or the tidy cell table.

    INPUT is a file, a folder (walked recursively in sorted order; .html/.htm/.txt/…,
    .pdf/.docx/.doc and archives), a glob (quote it), `-` for standard input, or a WARC/ARC
    archive (.warc, .warc.gz, .arc, .arc.gz): its response, resource, conversion and revisit
    records whose 200 body is a PDF or Word file, or text that holds a word of the report
    tables (申请人情况, 本年新收政府信息公开申请, …; site chrome alone passes nothing), are parsed.

    Every other file or record is counted as skipped by kind (not-a-response, http-404,
    no-report-marker, image, wps, excel, …). A report read twice (a page and its
    attachment) names the earlier record in "same_as". An input that cannot be parsed, a record
    whose body cannot be decoded and damage in an archive become error records in the
    JSON Lines output, {"error": {"type": …, "reason": …}, "source": …, "report_id": …}
    (with "archive" and "offset" for an archive), and the batch goes on: past damage at
    the next intact gzip member. The output order is the input order, whatever --workers.

    Each input is parsed in a worker process: an input that runs over --timeout or
    --memory-limit, or whose worker dies (e.g. killed by the out-of-memory killer), fails
    alone (InputTimeoutError, MemoryError, WorkerDiedError) and a fresh worker goes on.
    OUT and ISSUES are locked while a run writes them: a second run on either stops at
    once (exit 2) without touching them. Ctrl-C stops the run: what was written stays,
    whole, and --resume goes on from there.

    \b
    Exit status: 0 all parsed, 1 some input failed, 2 usage error (one line: an
                 unknown suffix, a missing folder, OUT or ISSUES locked by
                 another run, …), 3 with --strict: some report has a relation issue
                 (R1–R4), 130 interrupted (Ctrl-C).

    \b
    Examples:
      gkparse convert fixtures/*.html fixtures/*.txt fixtures/pdf -o reports.jsonl
      gkparse convert fixtures/*.txt fixtures/*.html -o cells.csv --issues issues.csv
      gkparse convert crawl.warc.gz -o cells.parquet --issues issues.parquet --workers 8
      gkparse convert fixtures/*.html -o cells.xlsx          # Excel: text stays text
      gkparse convert big.warc.gz -o reports.jsonl --resume   # continue a killed run
      cat page.html | gkparse convert - -o - | jq .year
      gkparse convert 's3://bucket/crawl/*.warc.gz' -o cells.parquet --scheduler tcp://10.0.0.5:8786
    """
    progress = _Progress(quiet)
    if scheduler is not None:
        _on_cluster(inputs, out, fmt, issues, no_bom, resume, scheduler, shard_size, timeout, strict, progress)
        return
    if shard_size is not None:
        raise UsageProblem("--shard-size needs --scheduler (a local run has no shards)")
    if issues is not None and os.path.isdir(issues):
        raise UsageProblem(f"--issues {issues} is a folder (a cluster run's shard files?): a local run writes one file")
    resumable = False
    try:
        resumable = WRITERS[format_for(out, fmt)].writer.appendable
        stats = convert(
            list(inputs), out, format=fmt, issues=issues, workers=workers, resume=resume,
            timeout=timeout or None, memory_limit=memory_mb * MB or None, on_result=progress, progress=progress.tty,
            options={"bom": False} if no_bom else None,
        )
    except GkparseError as exc:
        raise UsageProblem(str(exc)) from None
    except KeyboardInterrupt:
        # convert() has stopped the workers and closed OUT and --issues on the way out
        # (every line written whole, a Parquet file finished), and released their locks.
        progress.interrupted(out, resumable)
        sys.exit(EXIT_INTERRUPTED)
    _finish(progress, stats, strict)


def _finish(progress: _Progress, stats: Stats, strict: bool) -> None:
    progress.finish(stats)
    if stats.failed:
        sys.exit(EXIT_FAILED)
    if strict and stats.relation_issues:
        sys.exit(EXIT_STRICT)


#: Options of the local worker processes, which a cluster run does not have (Dask's worker
#: memory limit and its own restarts stand in for them; --timeout holds on a cluster too).
_LOCAL_ONLY = (("workers", "--workers"), ("memory_mb", "--memory-limit"))


def _on_cluster(
    inputs: tuple[str, ...], out: str, fmt: Optional[str], issues: Optional[str], no_bom: bool, resume: bool,
    scheduler: str, shard_size: Optional[int], timeout: float, strict: bool, progress: _Progress,
) -> None:
    """``convert --scheduler``: the run on a Dask cluster (:func:`gkparse.cluster.convert`)."""
    ctx = click.get_current_context()
    for param, option in _LOCAL_ONLY:
        if ctx.get_parameter_source(param) == ParameterSource.COMMANDLINE:
            raise UsageProblem(f"{option} sets the local worker processes; with --scheduler the cluster's workers parse")
    from ..cluster import connect, is_remote, parse_scheduler
    from ..cluster import convert as cluster_convert

    try:
        if parse_scheduler(scheduler)[0] == "address":
            # The workers of a running cluster resolve a relative path against their own
            # folder, not this one: they are given the path from here.
            inputs = tuple(i if i == "-" or is_remote(i) or os.path.isabs(i) else os.path.abspath(i) for i in inputs)
        with connect(scheduler) as client:
            stats = cluster_convert(
                list(inputs), out, client=client, format=fmt, issues=issues, resume=resume,
                shard_files=shard_size or SHARD_FILES, options={"bom": False} if no_bom else None, on_result=progress,
                timeout=timeout or None,
            )
    except GkparseError as exc:
        raise UsageProblem(str(exc)) from None
    except KeyboardInterrupt:
        progress.interrupted(out, True)
        sys.exit(EXIT_INTERRUPTED)
    _finish(progress, stats, strict)
