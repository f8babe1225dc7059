"""Spark: parse a partition of WARC files or Common Crawl index rows, as a plain function.

Spark users (Common Crawl's own examples are PySpark jobs, ``cc-pyspark``) map a function
over each partition of an RDD: ``rdd.mapPartitions(parse_partition)``. This module needs no
Spark: :func:`parse_partition` takes any iterator and yields plain dicts (:data:`FIELDS`,
every value a string, an int or None), which ``spark.createDataFrame`` takes as rows. Each
item is read and parsed in the calling process by the functions a local batch uses
(:mod:`.shards`, :func:`gkparse.batch.process_job`); see ``docs/cluster.md`` for a job.

An item is

- a WARC/ARC file or a document, as a path or fsspec URL (``s3://commoncrawl/crawl-data/…warc.gz``):
  every record of it;
- a Common Crawl index row (a ``pyspark.sql.Row``, a mapping, or any object with
  ``warc_filename``, ``warc_record_offset``, ``warc_record_length``): that record, fetched
  by range from ``base``.

Every item's outcome is a row: ``status`` ``parsed`` (``record`` holds the report's JSON
line), ``failed`` (``record`` the error record, ``error_type`` and ``reason`` its cause) or
``skipped`` (``reason`` the skip reason: ``no-report-marker``, ``http-404``, …).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Optional, Union

from ..batch.run import Result, process_job
from .commoncrawl import DEFAULT_BASE, RangeShard
from .shards import FileShard, Shard

__all__ = ["FIELDS", "parse_partition", "shard_of"]

#: The keys of every row :func:`parse_partition` yields, in order.
FIELDS = ("status", "report_id", "source", "archive", "offset", "error_type", "reason", "record")
#: The index row's fields that place a record in a WARC file.
_INDEX_FIELDS = ("warc_filename", "warc_record_offset", "warc_record_length")


def _field(item: Any, name: str) -> Any:
    if isinstance(item, Mapping):
        return item.get(name)
    as_dict = getattr(item, "asDict", None)  # pyspark.sql.Row
    if callable(as_dict):
        return as_dict().get(name)
    return getattr(item, name, None)


def shard_of(item: Union[str, Any], *, base: str = DEFAULT_BASE, name: str = "spark") -> Shard:
    """The shard of one partition item: a path or URL, or an index row (see the module).
    Raises :class:`TypeError` naming the item when it is neither."""
    if isinstance(item, str):
        return FileShard(name, (item,))
    place = [_field(item, f) for f in _INDEX_FIELDS]
    if any(v is None for v in place):
        raise TypeError(f"not a path, URL or Common Crawl index row (with {', '.join(_INDEX_FIELDS)}): {item!r:.120}")
    warc, offset, length = place
    return RangeShard(name, base.rstrip("/") + "/" + str(warc).lstrip("/"), ((int(offset), int(length)),))


def _row(status: str, result: Optional[Result] = None, *, reason: Optional[str] = None, source: Optional[str] = None) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(FIELDS)
    row["status"] = status
    row["reason"] = reason
    row["source"] = source
    if result is not None:
        row.update(report_id=result.report_id, source=result.source, record=result.line)
        if result.error is not None:
            row.update(error_type=result.error.error.type, reason=result.error.error.reason,
                       archive=result.error.archive, offset=result.error.offset)
    return row


def parse_partition(items: Iterable[Any], *, base: str = DEFAULT_BASE) -> Iterator[dict[str, Any]]:
    """One row (:data:`FIELDS`) per document, record and skip of ``items``, in order; never
    raises for an input (a failure is a ``failed`` row). ``base`` is where index rows'
    WARC files are fetched from (Common Crawl's HTTPS server by default; ``s3://commoncrawl``
    inside AWS)."""
    skips: deque[tuple[str, str]] = deque()

    def skip(source: str, reason: str) -> None:
        skips.append((source, reason))

    for item in items:
        shard = shard_of(item, base=base)
        for job in shard.jobs(skip):
            while skips:  # the records skipped before this one, in archive order
                source, reason = skips.popleft()
                yield _row("skipped", reason=reason, source=source)
            result = process_job(job)
            yield _row("parsed" if result.ok else "failed", result)
        while skips:
            source, reason = skips.popleft()
            yield _row("skipped", reason=reason, source=source)
