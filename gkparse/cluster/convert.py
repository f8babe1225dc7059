"""``convert`` on a Dask cluster: shards parsed on the workers, written as shard files.

OUT is a folder named like the file a local run writes (``reports.jsonl``,
``cells.parquet``, ``cells.csv``): its suffix (or ``format``) picks the format, and each
shard is written by the format's own writer (:data:`gkparse.export.WRITERS`) as one file in
it, ``part-00012.jsonl``; the cell table as Parquet is a dataset partitioned by year,
``cells.parquet/year=2020/part-00012.parquet`` (the files hold every column of
:data:`gkparse.export.schema.CELLS` but ``year``, which the folder names; a report without a
year goes under ``year=__HIVE_DEFAULT_PARTITION__``; :func:`gkparse.cluster.read_cells`
reads it back with the one schema). ``issues`` is a folder too (``issues.parquet``), one
file per shard.

The records are those of a local :func:`gkparse.batch.convert` of the same inputs, in the
same order when the shard files are read in name order: each worker runs
:func:`gkparse.batch.process_job` on its shard's items, and the client links a report to
an earlier one (``same_as``) in input order, as a local run does, before the shard is
written (:func:`gkparse.batch.pipeline.link_result` on the worker that holds it).

A shard is complete once its marker ``OUT/_shards/part-00012.json`` exists: it is written
after the shard's files, which are written under a hidden name and renamed. ``resume``
skips complete shards (and feeds their fingerprints to the linker at their place in the
input order, so the rest is linked as in an uninterrupted run); a shard whose marker names
other inputs is a :class:`~.common.ClusterError`, and a shard holding a failure tried again
(:data:`gkparse.batch.run.RETRIED_ON_RESUME`) is parsed again. A shard whose task fails
(its worker dies more often than Dask retries it: ``KilledWorker``; a worker also ends when
one input overruns its time budget, :func:`~.shards.parse_shard`) is parsed again one input
at a time, and an input that fails so alone becomes a ``WorkerDiedError`` record: failures
are records, never a failed run.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Optional

from ..batch.link import Fingerprint, Link, Linker
from ..batch.pipeline import Stats, link_result
from ..batch.run import INPUT_TIMEOUT, RETRIED_ON_RESUME, WORKER_DIED, Result, _failed
from ..batch.sources import Job, display_path, is_archive, unreadable_id
from ..export.compression import GZIP_SUFFIX, compressing, is_gzip_name
from ..export.schema import CELLS, TableSchema
from ..export.writers import (
    ISSUE_WRITERS,
    STDOUT,
    WRITERS,
    Format,
    OutputLock,
    check_options,
    check_ready,
    format_for,
    issues_format_for,
    open_writer,
)
from ..warc import clean_reason
from .common import ClusterError, is_remote, require_fsspec
from .shards import SHARD_FILES, Shard, ShardParsed, ShardSummary, client_templates, parse_shard, plan, strip_file_scheme, summarize

__all__ = [
    "MARKERS",
    "NULL_PARTITION",
    "WINDOW_PER_WORKER",
    "Layout",
    "convert",
    "convert_shards",
    "write_shard",
]

#: The folder of OUT holding one marker per complete shard (a leading ``_``: Parquet
#: readers and DuckDB's globs of ``*.parquet`` pass it by).
MARKERS = "_shards"
#: The lock file of a local OUT (one run writes a folder at a time).
LOCK_NAME = ".lock"
#: The folder name of a missing year in the Parquet dataset (Hive's, which pyarrow, DuckDB
#: and Spark read as a missing value).
NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__"
#: The partition column of the Parquet cell dataset.
PARTITION = "year"
#: Shards parsed ahead of the one being linked, per worker thread: every worker stays busy
#: while the client links in order, and at most this many shards' results wait in memory.
WINDOW_PER_WORKER = 4
#: The format whose shards are a dataset partitioned by year.
PARTITIONED = "cells-parquet"


# --- the output layout ------------------------------------------------------------------------


def _suffix(name: str, spec: Format) -> str:
    """The suffix of OUT's name that selected ``spec`` (with ``.gz`` when compressed), or the
    format's first suffix."""
    lower = name.lower()
    gz = lower.endswith(GZIP_SUFFIX) and spec.compressible
    base = lower.removesuffix(GZIP_SUFFIX) if gz else lower
    own = next((s for s in sorted(spec.suffixes, key=len, reverse=True) if base.endswith(s)), spec.suffixes[0])
    return own + (GZIP_SUFFIX if gz else "")


def _without_year() -> TableSchema:
    """:data:`CELLS` less the partition column: what each file of the dataset holds."""
    return TableSchema(CELLS.name, tuple(c for c in CELLS.columns if c.name != PARTITION))


@dataclass(frozen=True)
class Layout:
    """Where and how a shard is written (sent to the workers with each shard)."""

    out: str
    format: str
    suffix: str
    issues: Optional[str] = None
    issues_format: Optional[str] = None
    issues_suffix: str = ""
    options: tuple[tuple[str, Any], ...] = ()

    @property
    def rows(self) -> bool:
        """Whether results must carry their cell and issue rows."""
        return WRITERS[self.format].writer.needs_rows or self.issues is not None

    def marker(self, name: str) -> str:
        return _join(self.out, MARKERS, name + ".json")


def _join(*parts: str) -> str:
    return "/".join(p.rstrip("/") for p in parts)


def layout_for(
    out: str, format: Optional[str] = None, issues: Optional[str] = None, options: Optional[Mapping[str, Any]] = None,
) -> Layout:
    """The :class:`Layout` of the folder OUT (and ISSUES). Raises :class:`GkparseError` for a
    name no format claims, stdout, or a writer whose dependency is missing (pyarrow)."""
    if out == STDOUT:
        raise ClusterError("a cluster run writes a folder of shard files, not standard output", source=STDOUT)
    out = strip_file_scheme(out)
    issues = None if issues is None else strip_file_scheme(issues)
    spec = WRITERS[format_for(out, format)]
    check_ready(spec.writer)
    check_options(options)
    issues_format = issues_suffix = None
    if issues is not None:
        ispec = ISSUE_WRITERS[issues_format_for(issues)]
        check_ready(ispec.writer)
        issues_format, issues_suffix = ispec.name, _suffix(issues, ispec)
        if os.path.abspath(issues) == os.path.abspath(out):
            raise ClusterError(f"OUT and --issues name the same folder: {issues}")
    return Layout(out, spec.name, _suffix(out, spec), issues, issues_format, issues_suffix or "", tuple((options or {}).items()))


# --- writing a shard (on a worker) ------------------------------------------------------------


def _fs(path: str) -> tuple[Any, str]:
    fsspec = require_fsspec()
    fs, root = fsspec.core.url_to_fs(path)
    return fs, root


def _write_atomic(fs: Any, final: str, write: Callable[[Any], None]) -> None:
    """Write ``final`` through ``write(stream)`` under a hidden name, then rename it."""
    folder, name = final.rsplit("/", 1)
    fs.makedirs(folder, exist_ok=True)
    temp = f"{folder}/.{name}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with fs.open(temp, "wb") as stream:
            write(stream)
        fs.mv(temp, final)
    except BaseException:
        with contextlib.suppress(Exception):
            fs.rm(temp)
        raise


#: The name of a file a shard wrote (or was writing): ``part-00012.jsonl``, a hidden
#: temporary ``.part-00012.jsonl.1f2e3d4c.tmp``, a marker ``part-00012.json``.
_SHARD_FILE = re.compile(r"\.?(part-\d+)\.")


def _shard_of(file_name: str) -> Optional[str]:
    """The shard a file of OUT belongs to (``part-00012``), or None for a file no shard wrote."""
    m = _SHARD_FILE.match(file_name)
    return m.group(1) if m else None


def _remove_unfinished(path: str, keep: Iterable[str]) -> None:
    """Remove from the folder ``path`` every file of a shard not in ``keep`` (what earlier,
    unfinished attempts left: a shard is written anew whole), in one listing."""
    fs, root = _fs(path)
    kept = set(keep)
    if not fs.exists(root):
        return
    for found in fs.find(root):
        name = found.rsplit("/", 1)[-1]
        if name == LOCK_NAME or found.startswith(f"{root.rstrip('/')}/{MARKERS}/") and not name.endswith(".tmp"):
            continue  # markers of shards redone are replaced when the shard is written again
        shard = _shard_of(name)
        if shard is not None and shard not in kept:  # a file of a shard to write anew; nothing else is touched
            fs.rm(found)


def _write_with(
    layout: Layout, fmt: str, registry: Mapping[str, Format], suffix: str, results: Sequence[Result],
) -> Callable[[Any], None]:
    """What writes ``results`` to a shard's stream with the writer of format ``fmt`` (a
    writer on a stream never compresses: a ``.gz`` shard is compressed here, as one member)."""

    def write(stream: Any) -> None:
        with compressing(stream, compress=is_gzip_name(suffix)) as target:
            writer = open_writer(registry[fmt].writer, target, options=dict(layout.options))
            for result in results:
                writer.write(result)
            writer.close()

    return write


def _year_dir(year: Any) -> str:
    return f"{PARTITION}={NULL_PARTITION if year is None else int(year)}"


def _write_partitioned(fs: Any, root: str, name: str, results: Sequence[Result]) -> None:
    """The cell rows of ``results`` as one Parquet file per year (``year=2020/NAME.parquet``),
    in the Arrow schema of :data:`CELLS` less ``year`` (dictionary columns as it declares)."""
    from ..export.schema import require_pyarrow

    pa = require_pyarrow()
    import pyarrow.parquet as pq

    schema = _without_year()
    arrow = schema.arrow()
    year_at = CELLS.names.index(PARTITION)
    by_year: dict[Any, list[tuple[Any, ...]]] = {}
    for result in results:
        if result.ok:
            for row in result.cells:
                values = CELLS.values(row)
                by_year.setdefault(values[year_at], []).append(values[:year_at] + values[year_at + 1:])
    for year, rows in by_year.items():
        columns = [pa.array(list(column), f.type) for column, f in zip(zip(*rows), arrow)]
        table = pa.Table.from_arrays(columns, schema=arrow)

        def write(stream: Any, table: Any = table) -> None:
            pq.write_table(table, stream, use_dictionary=list(schema.dictionary))

        _write_atomic(fs, f"{root}/{_year_dir(year)}/{name}.parquet", write)


def _light(result: Result) -> Result:
    """``result`` without its line and rows: what the client counts and reports."""
    return dataclasses.replace(result, line="", cells=[], issues=[], fingerprint=None)


def _print_json(print_: Optional[Fingerprint]) -> Optional[dict[str, Any]]:
    return None if print_ is None else dataclasses.asdict(print_)


def _print_from(data: Optional[dict[str, Any]]) -> Optional[Fingerprint]:
    if data is None:
        return None
    return Fingerprint(**{**data, "values": tuple(data["values"])})


def _record_info(result: Result) -> dict[str, Any]:
    return {
        "report_id": result.report_id, "source": result.source, "ok": result.ok, "form": result.form,
        "issue_count": result.issue_count, "relation_issue": result.relation_issue,
        "error": None if result.error is None else result.error.model_dump(exclude_none=True),
    }


def write_shard(parsed: ShardParsed, links: Mapping[int, Link], layout: Layout) -> list[Result]:
    """Link, write and mark one parsed shard (run where ``parsed`` is held); the results
    without their lines and rows, for the client's counts.

    ``links`` (result index → :class:`~gkparse.batch.link.Link`, computed by the client in
    input order) are applied as a local run applies them. The shard's files are written
    under hidden names and renamed, then its marker (``_shards/NAME.json``: its inputs,
    skips, each record's id, source and outcome, each report's fingerprint) is written last.
    """
    rows = layout.rows
    for index, link in links.items():
        link_result(parsed.results[index], link, rows)
    fs, root = _fs(layout.out)
    if layout.format == PARTITIONED:
        _write_partitioned(fs, root, parsed.name, parsed.results)
    else:
        write = _write_with(layout, layout.format, WRITERS, layout.suffix, parsed.results)
        _write_atomic(fs, f"{root}/{parsed.name}{layout.suffix}", write)
    if layout.issues is not None and layout.issues_format is not None:
        ifs, iroot = _fs(layout.issues)
        _write_atomic(ifs, f"{iroot}/{parsed.name}{layout.issues_suffix}",
                      _write_with(layout, layout.issues_format, ISSUE_WRITERS, layout.issues_suffix, parsed.results))
    marker = {
        "shard": parsed.name,
        "inputs": list(parsed.inputs),
        "skipped_by": dict(parsed.skipped_by),
        "linked": len(links),
        "retry": any(r.error is not None and r.error.error.type in RETRIED_ON_RESUME for r in parsed.results),
        "records": [_record_info(r) for r in parsed.results],
        "prints": [_print_json(r.fingerprint) for r in parsed.results],
    }
    data = json.dumps(marker, ensure_ascii=False).encode("utf-8")
    _write_atomic(fs, f"{root}/{MARKERS}/{parsed.name}.json", lambda stream: stream.write(data))
    return [_light(r) for r in parsed.results]


# --- the client -------------------------------------------------------------------------------


def _read_markers(layout: Layout) -> dict[str, dict[str, Any]]:
    fs, root = _fs(layout.out)
    folder = f"{root}/{MARKERS}"
    markers: dict[str, dict[str, Any]] = {}
    if not fs.exists(folder):
        return markers
    for path in fs.find(folder):
        name = path.rsplit("/", 1)[-1]
        if name.endswith(".json") and not name.startswith("."):
            try:
                markers[name.removesuffix(".json")] = json.loads(fs.cat_file(path))
            except ValueError:
                continue  # a marker cut short is no marker: its shard is redone
    return markers


def _prepare_folder(path: str, what: str, resume: bool) -> None:
    """Create the output folder ``path``; refuse a folder holding files unless resuming."""
    fs, root = _fs(path)
    if fs.exists(root) and not fs.isdir(root):
        raise ClusterError(f"cannot write {what}: {path} is a file; a cluster run writes a folder of shard files")
    if not is_remote(path):
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise ClusterError(f"cannot write {what}: no folder {parent}")
    if fs.exists(root) and not resume:
        leftovers = [p for p in fs.find(root) if not p.rsplit("/", 1)[-1].startswith(".")]
        if leftovers:
            raise ClusterError(
                f"cannot write {what}: {path} holds the shards of an earlier run; resume it (--resume) or remove it"
            )
    fs.makedirs(root, exist_ok=True)


def _lock(layout: Layout) -> Optional[OutputLock]:
    """The lock of a local OUT folder (one run at a time writes it)."""
    if is_remote(layout.out):
        return None
    os.makedirs(os.path.join(layout.out, MARKERS), exist_ok=True)
    return OutputLock(os.path.join(layout.out, MARKERS, LOCK_NAME), "OUT")


def _lost(shard: Shard, exc: BaseException) -> ShardParsed:
    """The error records of a shard of one input whose task failed even alone (its worker
    died each time Dask tried it): one ``WorkerDiedError`` record naming the input."""
    path = shard.inputs[0] if shard.inputs else shard.name
    shown = display_path(path)
    job = Job(b"", shown, report_id=unreadable_id(path), archive=shown if is_archive(path) else None)
    reason = clean_reason(
        "the worker parsing this input died each time Dask ran it (a crash, the worker's memory limit, or the "
        f"input over its time budget): {type(exc).__name__}: {exc}"
    )
    return ShardParsed(shard.name, tuple(shard.inputs), [_failed(job, WORKER_DIED, reason)], Counter())


def _merge(name: str, inputs: tuple[str, ...], parts: Sequence[ShardParsed]) -> ShardParsed:
    """One shard's results from the results of its inputs, parsed one at a time."""
    skipped: Counter[str] = Counter()
    results: list[Result] = []
    for part in parts:
        results.extend(part.results)
        skipped.update(part.skipped_by)
    return ShardParsed(name, inputs, results, skipped)


class _Run:
    """One cluster run's client side: parse ahead, link in order, write, count."""

    def __init__(
        self, client: Any, layout: Layout, stats: Stats, on_result: Optional[Callable[[Result, Stats], None]],
        timeout: Optional[float],
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.layout = layout
        self.stats = stats
        self.on_result = on_result
        self.templates = client_templates()
        self.linker = Linker()
        self.run_id = uuid.uuid4().hex[:8]
        workers = sum(client.nthreads().values()) or 1
        self.window = WINDOW_PER_WORKER * workers

    def submit(self, shard: Shard) -> tuple[Any, Any]:
        parsed = self.client.submit(parse_shard, shard, self.layout.rows, self.templates, self.timeout,
                                    key=f"gkparse-parse-{shard.name}-{self.run_id}", pure=False)
        return parsed, self.client.submit(summarize, parsed, key=f"gkparse-summary-{shard.name}-{self.run_id}", pure=False)

    def recover(self, shard: Shard, exc: BaseException) -> tuple[Any, ShardSummary]:
        """A shard whose task failed, parsed again one input at a time (see the module)."""
        singles = shard.split() if len(shard.inputs) > 1 else []
        parts: list[Any] = []
        if not singles:
            parts.append(_lost(shard, exc))
        for one in singles:  # one at a time: an input that kills its worker takes no other input's result with it
            parsed, summary = self.submit(one)
            try:
                summary.result()
                parts.append(parsed)
            except Exception as again:  # noqa: BLE001 - an input the cluster cannot parse becomes a record
                parts.append(_lost(one, again))
        merged = self.client.submit(_merge, shard.name, tuple(shard.inputs), parts, key=f"gkparse-merge-{shard.name}-{self.run_id}")
        return merged, self.client.submit(summarize, merged, key=f"gkparse-summary2-{shard.name}-{self.run_id}").result()

    def rewrite(
        self, shard: Shard, summary: ShardSummary, links: dict[int, Link], exc: BaseException,
    ) -> tuple[list[Result], ShardSummary, dict[int, Link]]:
        """A shard whose results were lost before they were written (their worker died):
        parsed again (:meth:`recover`) and written. Its links hold when it parses to the same
        reports (it does, unless an input now fails alone); otherwise it is written unlinked."""
        parsed, again = self.recover(shard, exc)
        kept = links if again.prints == summary.prints else {}
        written = self.client.submit(write_shard, parsed, kept, self.layout, key=f"gkparse-rewrite-{shard.name}-{self.run_id}")
        return written.result(), again, kept

    def links(self, summary: ShardSummary) -> dict[int, Link]:
        found: dict[int, Link] = {}
        for index, print_ in enumerate(summary.prints):
            if print_ is not None:
                link = self.linker.link(print_)
                if link is not None:
                    found[index] = link
        return found

    def done(self, shard: Shard, summary: ShardSummary, results: list[Result], linked: int) -> None:
        self.stats.linked += linked
        for reason, n in summary.skipped_by.items():
            self.stats.skipped += n
            self.stats.skipped_by[reason] += n
        for result in results:
            self.stats.count(result)
            if self.on_result is not None:
                self.on_result(result, self.stats)

    def resumed(self, marker: dict[str, Any]) -> None:
        """A complete shard: its fingerprints to the linker, its records counted as done."""
        for data in marker["prints"]:
            print_ = _print_from(data)
            if print_ is not None:
                self.linker.match(print_)
        self.stats.resumed += len(marker["records"])
        for reason, n in marker["skipped_by"].items():
            self.stats.skipped += n
            self.stats.skipped_by[reason] += n

    def run(self, shards: Sequence[Shard], complete: Mapping[str, dict[str, Any]]) -> None:
        todo = deque(s for s in shards if s.name not in complete)
        ahead: dict[str, tuple[Any, Any]] = {}
        writing: deque[tuple[Shard, ShardSummary, Any, dict[int, Link]]] = deque()

        def fill() -> None:
            while todo and len(ahead) + len(writing) < self.window:
                shard = todo.popleft()
                ahead[shard.name] = self.submit(shard)

        def drain(block: bool) -> None:
            while writing and (block or writing[0][2].done() or len(writing) >= self.window):
                shard, summary, future, links = writing.popleft()
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - the parsed results were lost with their worker
                    results, summary, links = self.rewrite(shard, summary, links, exc)
                self.done(shard, summary, results, len(links))

        for shard in shards:
            if shard.name in complete:
                drain(block=True)  # counts stay in input order
                self.resumed(complete[shard.name])
                continue
            fill()
            parsed, summary_future = ahead.pop(shard.name)
            try:
                summary = summary_future.result()
            except Exception as exc:  # noqa: BLE001 - a lost task costs its inputs, never the run
                parsed, summary = self.recover(shard, exc)
            links = self.links(summary)
            written = self.client.submit(write_shard, parsed, links, self.layout,
                                         key=f"gkparse-write-{shard.name}-{self.run_id}", pure=False)
            writing.append((shard, summary, written, links))
            del parsed
            drain(block=False)
            fill()
        drain(block=True)


def _complete(layout: Layout, shards: Sequence[Shard], resume: bool) -> dict[str, dict[str, Any]]:
    """The markers of the shards a resumed run skips (complete, same inputs, nothing to retry)."""
    if not resume:
        return {}
    markers = _read_markers(layout)
    complete: dict[str, dict[str, Any]] = {}
    for shard in shards:
        marker = markers.get(shard.name)
        if marker is None:
            continue
        if tuple(marker.get("inputs", ())) != tuple(shard.inputs):
            raise ClusterError(
                f"cannot resume: shard {shard.name} of {layout.out} was written from other inputs "
                f"({', '.join(marker.get('inputs', [])[:2])} …); give the inputs and shard size (--shard-size) of that run, "
                "or write another folder"
            )
        if not marker.get("retry"):
            complete[shard.name] = marker
    return complete


def convert_shards(
    shards: Sequence[Shard],
    out: str,
    *,
    client: Any,
    format: Optional[str] = None,
    issues: Optional[str] = None,
    resume: bool = False,
    options: Optional[Mapping[str, Any]] = None,
    on_result: Optional[Callable[[Result, Stats], None]] = None,
    timeout: Optional[float] = INPUT_TIMEOUT,
) -> Stats:
    """Parse ``shards`` on the Dask cluster of ``client`` (a ``distributed.Client``) into the
    folder ``out`` (and ``issues``); the counts, as :func:`gkparse.batch.convert` gives them.
    See the module for the layout, resume and failures. ``on_result(result, stats)`` is
    called for every record in input order, as its shard is written (the result has no line
    or rows). ``timeout``: seconds one input may parse before its worker is ended (and the
    input becomes a ``WorkerDiedError`` record, see the module); None: no budget. Raises
    :class:`GkparseError` before anything is written for unusable arguments, a folder holding
    another run's shards (without ``resume``) or a locked one."""
    layout = layout_for(str(out), format, issues, options)
    _prepare_folder(layout.out, "OUT", resume)
    if layout.issues is not None:
        _prepare_folder(layout.issues, "--issues", resume)
    names = [s.name for s in shards]
    if len(set(names)) != len(names):
        raise ClusterError("two shards have one name: each shard needs its own")
    stats = Stats()
    lock = _lock(layout)
    try:
        complete = _complete(layout, shards, resume)
        if resume:
            for folder in (layout.out, layout.issues):
                if folder is not None:
                    _remove_unfinished(folder, complete)
        _Run(client, layout, stats, on_result, timeout).run(shards, complete)
    finally:
        if lock is not None:
            lock.release()
    return stats


def convert(
    inputs: Iterable[str],
    out: str,
    *,
    client: Any,
    format: Optional[str] = None,
    issues: Optional[str] = None,
    resume: bool = False,
    shard_files: int = SHARD_FILES,
    options: Optional[Mapping[str, Any]] = None,
    on_result: Optional[Callable[[Result, Stats], None]] = None,
    timeout: Optional[float] = INPUT_TIMEOUT,
) -> Stats:
    """:func:`gkparse.batch.convert` on a Dask cluster: ``inputs`` (local paths every worker
    sees, globs, folders, fsspec URLs) cut into shards (:func:`~.shards.plan`: an archive
    each, ``shard_files`` document files each) and written by :func:`convert_shards`.
    Raises :class:`GkparseError` for an input that names nothing, before anything is read."""
    layout_for(str(out), format, issues, options)  # a bad OUT fails before the inputs are listed
    return convert_shards(plan(inputs, shard_files=shard_files), out, client=client, format=format, issues=issues,
                          resume=resume, options=options, on_result=on_result, timeout=timeout)
