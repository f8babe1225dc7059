"""Common Crawl: a crawl's report pages, found in its columnar URL index and fetched by range.

Common Crawl publishes, for each crawl (``CC-MAIN-2024-10``), an index of every capture as
Parquet files (``cc-index/table/cc-main/warc/crawl=…/subset=warc/part-….parquet``, listed
in ``crawl-data/CRAWL/cc-index-table.paths.gz``), sorted by SURT key, with each capture's
URL, HTTP status, content types and place in a WARC file (``warc_filename``,
``warc_record_offset``, ``warc_record_length``). gkparse reads the index with pyarrow over
fsspec (:func:`scan_index`): only the row groups whose SURT keys fall in ``.gov.cn``
(:data:`GOV_CN_SURT`) are fetched, and of their rows only those are *candidates* whose

- HTTP status is 200,
- URL is in a report column: a report-column pattern of the site profiles
  (``report_link_patterns`` of :data:`gkparse.read.profiles.PROFILES`: ``zfxxgknb``,
  ``ndbg``, ``AnnualReport…``), the crawler's own list,
- content type is a page or a form gkparse reads (PDF, Word), as
  :func:`gkparse.read.sniff.sniff_form` names it;

every other row is counted as skipped under its reason (:class:`IndexScan`). The candidates
are grouped by WARC file into :class:`RangeShard` s; a worker fetches each record with an
HTTP range request (one gzip member), and the same reader and :func:`process_job` as a
local batch parse it: a record with no report in it is skipped (``no-report-marker``) or an
error record, as in a local run of the whole WARC.

>>> scan = IndexScan(rows=3, candidates=[], skipped_by=Counter({"not-a-report-column": 2, "http-404": 1}))
>>> scan.line()
'3 index rows in .gov.cn: 0 candidates, 3 skipped [2 not-a-report-column, 1 http-404]'
"""

from __future__ import annotations

import gzip
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

from ..batch.pipeline import Stats
from ..batch.sources import UNREADABLE, Job, iter_archive, unreadable_id
from ..read.profiles import PROFILES
from ..read.sniff import READ_FORMS, sniff_form
from .common import ClusterError, require_fsspec
from .shards import Shard, relocate, shard_name

__all__ = [
    "DEFAULT_BASE",
    "GOV_CN_SURT",
    "INDEX_COLUMNS",
    "RECORDS_PER_SHARD",
    "Candidate",
    "IndexScan",
    "RangeShard",
    "index_files",
    "is_candidate",
    "scan_index",
    "find",
    "shards",
    "convert_crawl",
]

#: Where Common Crawl serves its data over HTTPS (``s3://commoncrawl`` is the same in S3).
DEFAULT_BASE = "https://data.commoncrawl.org"
#: The listing of a crawl's index files, relative to the base.
INDEX_LISTING = "crawl-data/{crawl}/cc-index-table.paths.gz"
#: The index subset of successful captures (the others are robots.txt and crawl diagnostics).
SUBSET = "subset=warc/"
#: The SURT keys of hosts under gov.cn: from ``cn,gov)`` (gov.cn itself) up to, not
#: including, ``cn,gov-`` (``)`` and ``,`` sort just below ``-``): one contiguous run of
#: the index, so the Parquet row-group statistics skip every other row group.
GOV_CN_SURT = ("cn,gov)", "cn,gov-")
#: The index columns read (a few of its ~30).
INDEX_COLUMNS = (
    "url", "url_surtkey", "fetch_status", "content_mime_type", "content_mime_detected",
    "warc_filename", "warc_record_offset", "warc_record_length",
)
#: Records fetched by one task: a few hundred range requests, a minute or less of work,
#: results of a size that waits well in a worker's memory.
RECORDS_PER_SHARD = 200
#: The status of a capture whose payload is the page.
STATUS_OK = 200
#: Report-column URL patterns: the site profiles' (the crawler follows the same).
REPORT_COLUMN = re.compile("|".join(f"(?:{p})" for profile in PROFILES for p in profile.report_link_patterns), re.IGNORECASE)
#: A body standing in for "not text" when asking :func:`sniff_form` what a content type
#: declares (it names a declared form only for a body that is not text).
_NOT_TEXT = b"\x00"


@dataclass(frozen=True)
class Candidate:
    """One index row worth fetching: the capture's URL and its place in a WARC file."""

    url: str
    warc_filename: str
    offset: int
    length: int


@dataclass
class IndexScan:
    """What a scan of the index found: ``rows`` in the ``.gov.cn`` range, the candidates,
    and the other rows counted by reason (``http-404``, ``not-a-report-column``, or the form
    of a content type gkparse does not read: ``image``, ``excel``, …)."""

    rows: int = 0
    candidates: list[Candidate] = field(default_factory=list)
    skipped_by: Counter[str] = field(default_factory=Counter)

    @property
    def skipped(self) -> int:
        return sum(self.skipped_by.values())

    def add(self, other: IndexScan) -> None:
        self.rows += other.rows
        self.candidates.extend(other.candidates)
        self.skipped_by.update(other.skipped_by)

    def line(self) -> str:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(self.skipped_by.items(), key=lambda kv: (-kv[1], kv[0])))
        return f"{self.rows} index rows in .gov.cn: {len(self.candidates)} candidates, {self.skipped} skipped" + (
            f" [{kinds}]" if kinds else "")


def _type_form(content_type: Optional[str]) -> Optional[str]:
    """The form a content type declares (None: a page, or nothing said)."""
    return sniff_form(_NOT_TEXT, content_type, "") if content_type else None


def is_candidate(url: str, status: Any, mime: Optional[str], detected: Optional[str] = None) -> Optional[str]:
    """None when an index row is worth fetching, else the reason to skip it.

    >>> is_candidate("http://x.gov.cn/zfxxgknb/202401/t20240115_1.html", 200, "text/html")
    >>> is_candidate("http://x.gov.cn/xxgk/ndbg/P0.pdf", 200, "application/pdf")
    >>> is_candidate("http://x.gov.cn/news/t20240115_1.html", 200, "text/html")
    'not-a-report-column'
    >>> is_candidate("http://x.gov.cn/zfxxgknb/a.png", 200, "image/png"), is_candidate("http://x.gov.cn/zfxxgknb/", 404, "text/html")
    ('image', 'http-404')
    """
    if status is None or int(status) != STATUS_OK:
        return f"http-{status}"
    if not REPORT_COLUMN.search(url):
        return "not-a-report-column"
    for content_type in (detected, mime):
        form = _type_form(content_type)
        if form is not None and form not in READ_FORMS:
            return form
    return None


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path.lstrip("/")


def index_files(crawl: str, *, base: str = DEFAULT_BASE) -> list[str]:
    """The URLs of the ``subset=warc`` Parquet index files of ``crawl`` (from its
    ``cc-index-table.paths.gz``). Raises :class:`ClusterError` naming the listing when it
    cannot be read (an unknown crawl id, no network)."""
    fsspec = require_fsspec()
    listing = _join(base, INDEX_LISTING.format(crawl=crawl))
    try:
        with fsspec.open(listing, "rb") as fh:
            text = gzip.decompress(fh.read()).decode("utf-8")
    except Exception as exc:  # noqa: BLE001 - any failure to read the listing names it
        raise ClusterError(f"cannot read the index listing of crawl {crawl}: {type(exc).__name__}: {exc}", source=listing) from None
    files = [_join(base, line.strip()) for line in text.splitlines() if SUBSET in line and line.strip().endswith(".parquet")]
    if not files:
        raise ClusterError(f"the listing names no {SUBSET} Parquet file of crawl {crawl}", source=listing)
    return files


def scan_index(url: str) -> IndexScan:
    """The candidates of one Parquet index file (local path or URL, read by range through
    fsspec): the rows in :data:`GOV_CN_SURT` judged by :func:`is_candidate`."""
    from ..export.schema import require_pyarrow

    require_pyarrow()
    fsspec = require_fsspec()
    import pyarrow.dataset as ds
    import pyarrow.fs as pafs

    fs, path = fsspec.core.url_to_fs(url)
    surt = ds.field("url_surtkey")
    dataset = ds.dataset(path, format="parquet", filesystem=pafs.PyFileSystem(pafs.FSSpecHandler(fs)))
    names = set(dataset.schema.names)
    columns = [c for c in INDEX_COLUMNS if c in names]
    table = dataset.to_table(columns=columns, filter=(surt >= GOV_CN_SURT[0]) & (surt < GOV_CN_SURT[1]))
    scan = IndexScan(rows=table.num_rows)
    data = table.to_pydict()
    detected = data.get("content_mime_detected", [None] * table.num_rows)
    for i in range(table.num_rows):
        reason = is_candidate(data["url"][i], data["fetch_status"][i], data["content_mime_type"][i], detected[i])
        if reason is not None:
            scan.skipped_by[reason] += 1
        else:
            scan.candidates.append(Candidate(data["url"][i], data["warc_filename"][i],
                                             int(data["warc_record_offset"][i]), int(data["warc_record_length"][i])))
    return scan


def find(crawl: str, *, base: str = DEFAULT_BASE, client: Any = None, files: Optional[Sequence[str]] = None) -> IndexScan:
    """Scan every index file of ``crawl`` (or ``files``): on the Dask cluster of ``client``
    (one task per file), else here, one file after the other."""
    urls = list(files) if files is not None else index_files(crawl, base=base)
    total = IndexScan()
    if client is None:
        for url in urls:
            total.add(scan_index(url))
    else:
        for scan in client.gather(client.map(scan_index, urls, pure=False)):
            total.add(scan)
    return total


@dataclass(frozen=True)
class RangeShard:
    """Records of one WARC file fetched by range: ``(offset, length)`` pairs, in file order."""

    name: str
    warc: str
    ranges: tuple[tuple[int, int], ...]

    @property
    def inputs(self) -> tuple[str, ...]:
        """Each record as ``WARC#offset`` (what a resumed run compares)."""
        return tuple(f"{self.warc}#{offset}" for offset, _ in self.ranges)

    def split(self) -> list[Shard]:
        return [RangeShard(f"{self.name}.{i}", self.warc, (r,)) for i, r in enumerate(self.ranges)]

    def jobs(self, on_skip: Callable[[str, str], None]) -> Iterator[Job]:
        """Fetch each record (an HTTP range request, through fsspec) into a file of its own
        on this worker's disk, read it with :func:`gkparse.batch.iter_archive` and tell its
        jobs as read from the WARC at the record's offset. A fetch that fails or comes back
        short is an ``UnreadableInputError`` record (tried again on resume)."""
        fsspec = require_fsspec()
        fs, path = fsspec.core.url_to_fs(self.warc)
        suffix = ".warc.gz" if self.warc.lower().endswith(".gz") else ".warc"
        with tempfile.TemporaryDirectory(prefix="gkparse-cc-") as folder:
            local = os.path.join(folder, "record" + suffix)
            for offset, length in self.ranges:
                where = f"{self.warc}#{offset}"
                try:
                    data = fs.cat_file(path, start=offset, end=offset + length)
                except Exception as exc:  # noqa: BLE001 - a failed fetch is this record's, never the shard's
                    yield self._unreadable(where, offset, f"cannot fetch bytes {offset}-{offset + length - 1}: "
                                                          f"{type(exc).__name__}: {exc}")
                    continue
                if len(data) != length:
                    yield self._unreadable(where, offset, f"asked for {length} bytes at offset {offset}, got {len(data)} "
                                                          "(a server that ignores range requests?)")
                    continue
                with open(local, "wb") as fh:
                    fh.write(data)
                for job in iter_archive(local, on_skip):
                    yield relocate(job, local, self.warc, offset)

    def _unreadable(self, where: str, offset: int, reason: str) -> Job:
        return Job(b"", where, error=(UNREADABLE, reason), report_id=unreadable_id(where), archive=self.warc, offset=offset)


def shards(scan: IndexScan, *, base: str = DEFAULT_BASE, records: int = RECORDS_PER_SHARD) -> list[RangeShard]:
    """The candidates of ``scan`` as :class:`RangeShard` s: grouped by WARC file (in name
    order), records in offset order, at most ``records`` per shard."""
    if records < 1:
        raise ClusterError(f"a shard holds at least one record, not {records}")
    by_warc: dict[str, list[tuple[int, int]]] = {}
    for c in scan.candidates:
        by_warc.setdefault(c.warc_filename, []).append((c.offset, c.length))
    out: list[RangeShard] = []
    for warc in sorted(by_warc):
        ranges = sorted(set(by_warc[warc]))
        for start in range(0, len(ranges), records):
            out.append(RangeShard(shard_name(len(out)), _join(base, warc), tuple(ranges[start: start + records])))
    return out


def convert_crawl(
    crawl: str,
    out: str,
    *,
    client: Any,
    base: str = DEFAULT_BASE,
    files: Optional[Iterable[str]] = None,
    records: int = RECORDS_PER_SHARD,
    **options: Any,
) -> tuple[IndexScan, Stats]:
    """Find ``crawl``'s report candidates (:func:`find`, on the cluster) and convert them
    into the folder ``out`` (:func:`gkparse.cluster.convert_shards`; ``options`` are its:
    ``format``, ``issues``, ``resume``, ``on_result``). The scan's counts (index rows,
    candidates, skipped by reason) and the run's (parsed, failed, skipped after fetching)."""
    from .convert import convert_shards, layout_for

    layout_for(str(out), options.get("format"), options.get("issues"), options.get("options"))
    scan = find(crawl, base=base, client=client, files=list(files) if files is not None else None)
    stats = convert_shards(shards(scan, base=base, records=records), out, client=client, **options)
    return scan, stats
