"""Dask collections of reports: a bag of results, DataFrames of the tidy tables.

::

    import gkparse.cluster as gc
    bag = gc.results(["s3://bucket/crawl/*.warc.gz"])
    bag.filter(lambda r: not r.ok).map(lambda r: r.error.error.type).frequencies().compute()
    cells = gc.cells(["reports/"])
    cells.groupby("year").value.sum().compute()

One partition per shard (:mod:`.shards`: an archive, or a run of document files), read and
parsed on the workers by :func:`~.shards.parse_shard`. The results are those
:func:`gkparse.batch.process_job` gives, before any link: linking a report to an earlier
one (``same_as``) follows the input order and is :func:`~.convert.convert`'s. The
DataFrames' columns are the Arrow schema of :mod:`gkparse.export.schema` (``CELLS``,
``ISSUES``) as pandas Arrow dtypes (``string[pyarrow]``, ``double[pyarrow]``,
``int64[pyarrow]``): a missing year stays missing, never a float. There is no per-input
time budget here, and an input that kills its worker each time Dask runs it fails the
computation (``KilledWorker``); :func:`~.convert.convert` turns such inputs into records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Optional

from ..batch.run import Result
from ..export.schema import CELLS, ISSUES, TableSchema, require_pyarrow
from ..templates import Template
from .common import require_dask
from .convert import PARTITION
from .shards import SHARD_FILES, Shard, client_templates, parse_shard, plan

__all__ = ["results", "cells", "issues", "table_frame", "read_cells"]


def _results(shard: Shard, rows: bool, templates: tuple[Template, ...]) -> list[Result]:
    return parse_shard(shard, rows, templates).results


def results(inputs: Iterable[str], *, shard_files: int = SHARD_FILES, rows: bool = False,
            shards: Optional[Sequence[Shard]] = None) -> Any:
    """A ``dask.bag.Bag`` of :class:`gkparse.batch.Result`, one partition per shard of
    ``inputs`` (or of ``shards`` when given, e.g. Common Crawl's), in input order. ``rows``
    adds each result's cell and issue rows. Nothing is read until the bag is computed;
    listing the inputs raises :class:`gkparse.GkparseError` for one that names nothing."""
    dask = require_dask()
    parts = list(shards) if shards is not None else plan(inputs, shard_files=shard_files)
    templates = client_templates()
    delayed = [dask.delayed(_results)(s, rows, templates, dask_key_name=f"gkparse-results-{s.name}") for s in parts]
    return dask.bag.from_delayed(delayed)


def table_frame(schema: TableSchema, rows: Sequence[Sequence[Any]]) -> Any:
    """``rows`` (values in ``schema``'s column order) as a pandas DataFrame of Arrow dtypes in
    ``schema``'s Arrow schema (values as :meth:`TableSchema.values` writes them)."""
    pa = require_pyarrow()
    import pandas as pd

    arrow = schema.arrow()
    if rows:
        written = [schema.values(row) for row in rows]
        columns = [pa.array(list(column), f.type) for column, f in zip(zip(*written), arrow)]
        table = pa.Table.from_arrays(columns, schema=arrow)
    else:
        table = arrow.empty_table()
    return table.to_pandas(types_mapper=pd.ArrowDtype)


def _cells_part(shard: Shard, templates: tuple[Template, ...]) -> Any:
    found = parse_shard(shard, True, templates).results
    return table_frame(CELLS, [row for r in found if r.ok for row in r.cells])


def _issues_part(shard: Shard, templates: tuple[Template, ...]) -> Any:
    names = ISSUES.names
    found = parse_shard(shard, True, templates).results
    return table_frame(ISSUES, [tuple(i.get(c) for c in names) for r in found if r.ok for i in r.issues])


def _frame(part: Any, schema: TableSchema, inputs: Iterable[str], shard_files: int, shards: Optional[Sequence[Shard]]) -> Any:
    require_dask()
    import dask.dataframe as dd

    parts = list(shards) if shards is not None else plan(inputs, shard_files=shard_files)
    return dd.from_map(part, parts, args=(client_templates(),), meta=table_frame(schema, []), enforce_metadata=False,
                       label=f"gkparse-{schema.name}")


def cells(inputs: Iterable[str], *, shard_files: int = SHARD_FILES, shards: Optional[Sequence[Shard]] = None) -> Any:
    """A ``dask.dataframe.DataFrame`` of the tidy cell table (:data:`~gkparse.export.schema.CELLS`)
    of ``inputs``, one partition per shard. Failed inputs add no row (:func:`results` has them)."""
    return _frame(_cells_part, CELLS, inputs, shard_files, shards)


def issues(inputs: Iterable[str], *, shard_files: int = SHARD_FILES, shards: Optional[Sequence[Shard]] = None) -> Any:
    """A ``dask.dataframe.DataFrame`` of the issue table (:data:`~gkparse.export.schema.ISSUES`)
    of ``inputs``, one partition per shard (issues as parsed: no ``sources-disagree``, which
    linking adds)."""
    return _frame(_issues_part, ISSUES, inputs, shard_files, shards)


def read_cells(path: str) -> Any:
    """The Parquet cell dataset a cluster run wrote (``cells.parquet/year=…/part-….parquet``)
    as a ``pyarrow.dataset.Dataset`` in the one schema (:data:`CELLS`, ``year`` from the
    folder names, ``__HIVE_DEFAULT_PARTITION__`` read as missing). ``.to_table()`` reads it;
    DuckDB reads it with ``read_parquet('cells.parquet/**/*.parquet', hive_partitioning=true)``."""
    pa = require_pyarrow()
    import pyarrow.dataset as ds

    partitioning = ds.partitioning(pa.schema([pa.field(PARTITION, pa.int64())]), flavor="hive")
    return ds.dataset(path, format="parquet", schema=CELLS.arrow(), partitioning=partitioning)
