"""Beyond one machine: gkparse on a Dask cluster, on remote storage, on Common Crawl, in Spark.

Needs the extra ``pip install 'gkparse[dask]'`` (dask, distributed, fsspec); importing this
package does not, and a function that needs a missing one raises
:class:`~.common.MissingExtraError` naming the extra.

- :func:`results`, :func:`cells`, :func:`issues` (:mod:`.frames`): inputs (local paths,
  globs, folders, ``s3://``, ``gs://``, ``https://`` URLs) as a Dask bag of
  :class:`gkparse.batch.Result` and Dask DataFrames of the tidy tables in the one Arrow
  schema, one partition per shard (an archive, or a run of files: :mod:`.shards`);
- :func:`convert` (:mod:`.convert`): ``gkparse convert --scheduler``: shard files in a
  folder, the same records as a local run, resumable shard by shard;
- :mod:`.commoncrawl`: a crawl's report pages found in its columnar URL index, fetched by
  HTTP range request and parsed;
- :func:`~.spark.parse_partition` (:mod:`.spark`): the same as a plain function over an
  iterator of WARC files or index rows, for ``rdd.mapPartitions``.

Every path reads bytes on the workers and runs :func:`gkparse.batch.process_job` on each
item, the function a local batch runs. ``docs/cluster.md`` shows each way to run.
"""

from __future__ import annotations

from .common import EXTRA, ClusterError, MissingExtraError, is_remote
from .convert import Layout, convert, convert_shards, write_shard
from .frames import cells, issues, read_cells, results, table_frame
from .scheduler import connect, parse_scheduler
from .shards import SHARD_FILES, FileShard, Shard, ShardParsed, expand, group, parse_shard, plan
from .spark import parse_partition

__all__ = [
    "EXTRA",
    "ClusterError",
    "MissingExtraError",
    "is_remote",
    "Layout",
    "convert",
    "convert_shards",
    "write_shard",
    "cells",
    "issues",
    "read_cells",
    "results",
    "table_frame",
    "connect",
    "parse_scheduler",
    "SHARD_FILES",
    "FileShard",
    "Shard",
    "ShardParsed",
    "expand",
    "group",
    "parse_shard",
    "plan",
    "parse_partition",
]
