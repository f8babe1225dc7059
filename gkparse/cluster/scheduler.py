"""Connecting to a Dask scheduler: ``tcp://HOST:8786`` (a running cluster) or ``local:N``.

>>> parse_scheduler("local:2"), parse_scheduler("tcp://10.0.0.5:8786")
(('local', 2), ('address', 'tcp://10.0.0.5:8786'))
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import re
from collections.abc import Iterator
from typing import Any, Union

from .common import ClusterError, require_distributed

__all__ = ["LOCAL_PREFIX", "ADDRESS_SCHEMES", "connect", "parse_scheduler"]

#: ``local:N`` starts a LocalCluster of N worker processes on this machine.
LOCAL_PREFIX = "local:"
#: Schemes of a scheduler address (Dask's communication protocols).
ADDRESS_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")
#: Threads per worker process of a LocalCluster: parsing holds the GIL, so one process per
#: core, one thread each, is what runs N reports at a time.
LOCAL_THREADS = 1
_LOCAL = re.compile(r"local:(\d+)")
#: Seconds to wait for a scheduler to answer (Dask's default, 30 s, reads as a hang for a
#: mistyped address; a live scheduler answers in well under a second).
SCHEDULER_TIMEOUT = 10.0
#: Imported on each worker of a local cluster as it starts (about a second of imports:
#: lxml, pydantic, the templates), rather than inside the first shard's task.
WARM_MODULE = "gkparse.batch"


def _settle_worker() -> None:
    """Import :data:`WARM_MODULE` on a worker of a local cluster, then move every object
    alive (the imports of gkparse, Dask, pyarrow: ~500,000) out of the garbage collector's
    sight (``gc.freeze``). Parsing allocates fast, and each full collection walked them all:
    measured, the two workers spent 18% more CPU than one plain process on the same 5,000
    reports; frozen, about as much."""
    importlib.import_module(WARM_MODULE)
    gc.freeze()


def parse_scheduler(spec: str) -> tuple[str, Union[int, str]]:
    """``("local", N)`` or ``("address", spec)``; :class:`ClusterError` naming ``spec`` otherwise."""
    m = _LOCAL.fullmatch(spec.strip())
    if m is not None:
        workers = int(m.group(1))
        if workers < 1:
            raise ClusterError("a local cluster needs at least one worker", source=spec)
        return "local", workers
    scheme = spec.split("://", 1)[0].lower() if "://" in spec else ""
    if scheme in ADDRESS_SCHEMES:
        return "address", spec.strip()
    raise ClusterError("not a scheduler: give tcp://HOST:8786 (a running Dask scheduler) or local:N (N worker processes here)",
                       source=spec)


@contextlib.contextmanager
def connect(spec: str) -> Iterator[Any]:
    """A ``distributed.Client`` on the scheduler ``spec`` (:func:`parse_scheduler`), closed
    on exit; ``local:N`` starts (and stops) a LocalCluster of N processes, one thread each.
    Raises :class:`ClusterError` for a bad spec or a scheduler that does not answer."""
    kind, value = parse_scheduler(spec)
    distributed = require_distributed()
    if kind == "local":
        with distributed.LocalCluster(n_workers=int(value), threads_per_worker=LOCAL_THREADS, processes=True,
                                      dashboard_address=None, silence_logs=logging.ERROR) as cluster:
            with distributed.Client(cluster) as client:
                client.run(_settle_worker)
                yield client
        return
    try:
        client = distributed.Client(str(value), timeout=SCHEDULER_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(
            f"no Dask scheduler answers there within {SCHEDULER_TIMEOUT:g} s ({exc}); start one with `dask scheduler` "
            "and workers with `dask worker ADDRESS`, or use --scheduler local:N",
            source=spec,
        ) from None
    with client:
        yield client
