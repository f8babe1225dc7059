"""The ``gkparse crawl`` command: collect annual reports into a WARC file.

Registered by :mod:`gkparse.cli.main`. Exit status: 0 when nothing failed; 1 when some URL
failed (the WARC is still written), or with ``--parse`` when the conversion could not run
or some report in the WARC could not be parsed; 2 for usage errors (one line, before
anything is fetched: a WARC or ``-o`` name whose suffix names no format, a folder that is
not there, an unreadable ``--previous``); 130 interrupted.
"""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import Any

import click

from ..batch import Result, Stats, convert
from ..crawler import (
    DEFAULT_CONCURRENCY,
    DEFAULT_DELAY,
    DEFAULT_MAX_ATTACHMENTS,
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_PAGES,
    DEFAULT_MAX_REDIRECTS,
    DEFAULT_MAX_REPORTS,
    DEFAULT_MAX_TIME,
    DEFAULT_PER_HOST,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT,
    CrawlResult,
    crawl,
)
from ..errors import GkparseError
from ..export.writers import check_writable, format_for
from .common import UsageProblem

__all__ = ["crawl_command"]

# Exit status when something failed: a URL, or with --parse a report or the conversion.
_FAILED = 1
# Exit status of an interrupted crawl (128 + SIGINT, as shells report Ctrl-C).
_INTERRUPTED = 130
# Years accepted by --since: any plausible report year; the range only catches typos (203).
_SINCE_YEARS = (1980, 2100)
#: The names --warc takes: the crawl writes a WARC, gzipped record by record unless the name
#: ends in .warc; any other suffix (crawl.zip) is refused rather than given a gzipped WARC.
WARC_SUFFIXES = (".warc.gz", ".warc")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _crawl_summary(result: CrawlResult) -> str:
    c = result.counts
    parts = [
        _plural(c["list_pages"], "list page"),
        _plural(c["reports"], "report"),
        _plural(c["attachments"], "attachment"),
    ]
    if c["unchanged"]:
        parts.append(f"{c['unchanged']} unchanged")
    if c["skipped"]:
        # Links left out by a limit are named, so a cap that bit is seen.
        beyond = Counter(s.reason.split("=", 1)[0] for s in result.skipped if s.reason.startswith("beyond "))
        detail = ", ".join(f"{n} {limit}" for limit, n in sorted(beyond.items()))
        parts.append(f"{c['skipped']} skipped" + (f" ({detail})" if detail else ""))
    parts.append(_plural(c["failures"], "failure"))
    return (
        f"crawled {', '.join(parts)} in {_plural(c['requests'], 'request')}; "
        f"wrote {_plural(c['records'], 'record')} to {result.warc_path}"
    )


def _default_output(warc: Path) -> Path:
    name = warc.name
    for suffix in (".warc.gz", ".warc", ".gz"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return warc.with_name(name + ".jsonl")


class _EchoHandler(logging.Handler):
    """Log lines to whatever stderr is current (click.echo), not the one at setup."""

    def emit(self, record: logging.LogRecord) -> None:
        click.echo(self.format(record), err=True)


def _enable_logging(verbose: int) -> None:
    logger = logging.getLogger("gkparse.crawler")
    logger.setLevel(logging.DEBUG if verbose > 1 else logging.INFO)
    # One handler even when the command runs several times in a process (tests).
    if not any(isinstance(h, _EchoHandler) for h in logger.handlers):
        handler = _EchoHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
        logger.addHandler(handler)


@click.command("crawl")
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--warc", "warc_path", required=True,
              type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="WARC file to write: NAME.warc.gz (gzipped record by record) or NAME.warc.")
# The options below up to --keep-list-pages are crawl()'s keywords (CrawlSettings fields)
# under the same names, passed through as **settings.
@click.option("--max-pages", type=click.IntRange(min=1), default=DEFAULT_MAX_PAGES, show_default=True,
              help="List pages to read per report column.")
@click.option("--since", type=click.IntRange(*_SINCE_YEARS), default=None, metavar="YEAR",
              help="Skip reports whose link text names an earlier year.")
@click.option("--delay", type=click.FloatRange(min=0), default=DEFAULT_DELAY, show_default=True,
              help="Seconds between requests to one host (robots.txt Crawl-delay wins if longer).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT,
              show_default=True, help="Seconds to wait for a connection and the response headers (retried; "
              "the whole response is bounded by --max-time).")
@click.option("--retries", type=click.IntRange(min=0), default=DEFAULT_RETRIES, show_default=True,
              help="Retries after timeouts, network errors and 5xx (exponential backoff).")
@click.option("--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
              help="Largest response accepted (after undoing its Content-Encoding).")
@click.option("--max-redirects", type=click.IntRange(min=0), default=DEFAULT_MAX_REDIRECTS,
              show_default=True, help="Redirects followed per URL.")
@click.option("--max-time", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_MAX_TIME,
              show_default=True, help="Seconds one response may take in all (connect, headers, body).")
@click.option("--max-reports", type=click.IntRange(min=0), default=DEFAULT_MAX_REPORTS, show_default=True,
              help="Report links taken per report column; the rest are listed as skipped.")
@click.option("--max-attachments", type=click.IntRange(min=0), default=DEFAULT_MAX_ATTACHMENTS,
              show_default=True, help="Attachments fetched per report; the rest are listed as skipped.")
@click.option("--allow-private", is_flag=True,
              help="Also fetch loopback, private, link-local and CGNAT addresses "
                   "(the start URLs' hosts always may be).")
@click.option("--concurrency", type=click.IntRange(min=1), default=DEFAULT_CONCURRENCY, show_default=True,
              help="Requests in flight at once, over all hosts.")
@click.option("--per-host", type=click.IntRange(min=1), default=DEFAULT_PER_HOST, show_default=True,
              help="Requests in flight at once to one host.")
@click.option("--keep-list-pages", is_flag=True, help="Archive the list pages too.")
@click.option("--previous", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="WARC of an earlier crawl: unchanged reports are skipped (repeatable).")
@click.option("--no-attachments", is_flag=True, help="Do not fetch PDF/Word/Excel attachments.")
@click.option("--jobdir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Keep the crawl's queue and state here: a crawl stopped with Ctrl-C resumes when run again.")
@click.option("--parse", "parse_after", is_flag=True,
              help="Parse the WARC after crawling, as `gkparse convert` does.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="With --parse: output file [default: the WARC name with .jsonl].")
@click.option("-j", "--workers", type=click.IntRange(min=1), default=None,
              help="With --parse: parallel worker processes [default: number of CPUs].")
@click.option("-v", "--verbose", count=True, help="Log fetches to stderr (-vv for more).")
def crawl_command(
    urls: tuple[str, ...],
    warc_path: Path,
    previous: tuple[Path, ...],
    jobdir: Path | None,
    no_attachments: bool,
    parse_after: bool,
    output: Path | None,
    workers: int | None,
    verbose: int,
    **settings: Any,
) -> None:
    """Collect annual reports from report columns or report URLs into a WARC file.

    Each URL is a report column (年报栏目 list page; its pages and report links are
    followed) or a single report. robots.txt is obeyed. Convert the result with
    `gkparse convert OUT.warc.gz -o reports.jsonl`, or pass --parse.

    \b
    Exit status: 0 nothing failed, 1 some URL failed (the WARC is still written) or,
                 with --parse, some report could not be parsed, 2 usage error.
    """
    if verbose:
        _enable_logging(verbose)
    out = output or _default_output(warc_path)
    try:
        _check_outputs(warc_path, out if parse_after else None)
        result = crawl(urls, warc_path, previous=list(previous), attachments=not no_attachments, jobdir=jobdir,
                       **settings)
    except GkparseError as exc:  # bad arguments, an unreadable --previous, a WARC that cannot be written
        raise UsageProblem(str(exc)) from None

    for failure in result.failures:
        click.echo(f"failed: {failure.url}: {failure.reason}", err=True)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(_crawl_summary(result), err=True)
    if result.interrupted:
        resume = f"; run the same command to resume from {jobdir}" if jobdir is not None else ""
        click.echo(f"interrupted{resume}", err=True)
        click.get_current_context().exit(_INTERRUPTED)

    ok = result.ok
    if parse_after:
        parsed_all = _parse(warc_path, out, workers)
        ok = ok and parsed_all
    if not ok:
        click.get_current_context().exit(_FAILED)


def _check_outputs(warc: Path, out: Path | None) -> None:
    """Refuse, before anything is fetched, a WARC name or a ``--parse`` output whose suffix
    names no format, or that cannot be written (raises :class:`GkparseError`): a crawl of an
    hour must not end in a usage error."""
    if not warc.name.lower().endswith(WARC_SUFFIXES):
        raise GkparseError(f"--warc {warc}: name the WARC {' or '.join(WARC_SUFFIXES)} (gzipped unless .warc)")
    check_writable(str(warc), "the WARC")
    if out is not None:
        format_for(str(out))
        check_writable(str(out), "--parse's output")


def _echo_parse_failure(result: Result, stats: Stats) -> None:
    if not result.ok:
        click.echo(f"failed to parse: {result.source}", err=True)


def _parse(warc_path: Path, out: Path, workers: int | None) -> bool:
    """Convert the crawled WARC into ``out``; True when every report in it parsed."""
    try:
        stats = convert([str(warc_path)], str(out), workers=workers, on_result=_echo_parse_failure)
    except GkparseError as exc:
        click.echo(f"--parse: {exc}", err=True)
        return False
    click.echo(f"parsed {warc_path} into {out}: {stats.line()}", err=True)
    return not stats.failed
