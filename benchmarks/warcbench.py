"""The WARC pre-filter: MB/s of reading a crawl of one site and keeping its reports.

A crawl of a disclosure column is mostly pages that are not reports, all in the same site
chrome — whose menus hold 信息公开, 政府信息 and 年度报告. The archive here is built from
the fixtures (:func:`pages.report_documents`: every fixture page and dump, the generated
report pages, each also in GB18030, the fixtures also in UTF-16) among many pages of the
same chrome that are no report (:func:`pages.site_pages`: news, the disclosure guide,
lists of reports, notices about compiling them), once uncompressed and once as ``.warc.gz``. Measured: the CPU time
of :func:`gkparse.batch.sources.iter_archive` over the whole file (what ``convert`` does
before any parsing), as MB/s of the file and of its uncompressed WARC bytes; which
records passed; and, as the floor of the gzip file, inflating its members alone.
"""

from __future__ import annotations

import statistics
import time
import zlib
from collections import Counter
from pathlib import Path

from pages import build_warc, report_documents, site_pages

from gkparse.batch import sources
from gkparse.vocabulary import REPORT_BYTE_MARKERS

#: Compressed bytes inflated at a time by the floor (what gkparse's reader reads at a time).
_PIECE = 1 << 16
#: The markers before issue 15 (words of the chrome): every page of a site passed them.
OLD_MARKERS = ("信息公开", "年度报告", "申请人情况", "第二十条", "政府信息")


def _inflate_floor(path: Path) -> float:
    """CPU seconds to inflate every gzip member of ``path`` and nothing else."""
    data = memoryview(path.read_bytes())
    t0 = time.process_time()
    pos = 0
    while pos < len(data):
        inflater = zlib.decompressobj(31)
        while not inflater.eof and pos < len(data):  # in pieces: the rest of the file is never copied
            piece = data[pos: pos + _PIECE]
            inflater.decompress(piece)
            pos += len(piece) - len(inflater.unused_data)
    return time.process_time() - t0


def _fastwarc(path: Path) -> float | None:
    """CPU seconds of FastWARC reading every record's payload of ``path`` (HTTP headers
    parsed, nothing decoded or filtered), or None when it is not installed: the compiled
    reader's speed on the same file, for comparison only."""
    try:
        from fastwarc.warc import ArchiveIterator  # type: ignore[import-not-found]
    except ImportError:
        return None
    with open(path, "rb") as fh:
        t0 = time.process_time()
        for record in ArchiveIterator(fh, parse_http=True):
            record.reader.read()
        return time.process_time() - t0


def _pass(path: Path) -> tuple[float, list[str], Counter[str]]:
    """CPU seconds of one pre-filter pass, the URIs of the jobs, the skips by reason."""
    skips: Counter[str] = Counter()
    t0 = time.process_time()
    jobs = [j.source for j in sources.iter_archive(str(path), lambda uri, reason: skips.update([reason]))]
    return time.process_time() - t0, jobs, skips


def _with_markers(markers: tuple[str, ...]) -> tuple[tuple[bytes, ...], tuple[bytes, ...], tuple[bytes, ...]]:
    """Swap the pre-filter's markers (returns the ones to put back)."""
    kept = sources.UTF8_MARKERS, sources.GB_MARKERS, sources.WIDE_MARKERS
    sources.UTF8_MARKERS = tuple(m.encode("utf-8") for m in markers)
    sources.GB_MARKERS = tuple(m.encode("gb18030") for m in markers)
    sources.WIDE_MARKERS = tuple(m.encode(e) for e in sources.WIDE_ENCODINGS for m in markers)
    return kept


def prefilter(work: Path, rounds: int, reps: int) -> dict:
    """Build the two archives under ``work`` (``rounds`` rounds of the site's page mix)
    and measure the pre-filter on each (median of ``reps`` passes)."""
    reports = report_documents()
    others = site_pages(rounds)
    out: dict = {"reports": len(reports), "others": len(others), "markers": list(REPORT_BYTE_MARKERS), "archives": {}}
    for compress in (False, True):
        path = work / ("site.warc.gz" if compress else "site.warc")
        info = build_warc(path, reports, others, compress=compress)
        times = []
        for _ in range(reps):
            seconds, jobs, skips = _pass(path)
            times.append(seconds)
        seconds = statistics.median(times)
        kept = _with_markers(OLD_MARKERS)
        try:
            _, old_jobs, _ = _pass(path)
        finally:
            sources.UTF8_MARKERS, sources.GB_MARKERS, sources.WIDE_MARKERS = kept
        row = {
            "bytes": info["bytes"], "uncompressed_bytes": info["uncompressed_bytes"], "records": info["records"],
            "seconds": seconds, "mb_s": info["bytes"] / seconds / 1e6, "uncompressed_mb_s": info["uncompressed_bytes"] / seconds / 1e6,
            "jobs": len(jobs), "skips": dict(skips),
            "reports_passed": len(set(jobs) & set(info["report_uris"])),
            "others_passed": len(set(jobs) - set(info["report_uris"])),
            "old_markers_passed": len(old_jobs),
        }
        fast = _fastwarc(path)
        row["fastwarc_mb_s"] = info["bytes"] / fast / 1e6 if fast else None
        if compress:
            floor = statistics.median(_inflate_floor(path) for _ in range(reps))
            row["inflate_s"] = floor
            row["inflate_mb_s"] = info["bytes"] / floor / 1e6
            row["ratio_inflate"] = seconds / floor
        out["archives"]["gzip" if compress else "plain"] = row
    return out
