"""What the cluster modules share: their errors, the optional imports, remote paths.

Dask and fsspec are an optional extra (``pip install 'gkparse[dask]'``): they are imported
when a function needs them, never when :mod:`gkparse` or :mod:`gkparse.cluster` is
imported, and a missing one raises :class:`MissingExtraError` naming the extra.

>>> is_remote("s3://bucket/crawl.warc.gz"), is_remote("https://x.gov.cn/nb.pdf"), is_remote("/data/a.html")
(True, True, False)
>>> is_remote("file:///data/a.html")
False
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import GkparseError

__all__ = ["ClusterError", "MissingExtraError", "EXTRA", "is_remote", "require_dask", "require_distributed", "require_fsspec"]

#: The extra that installs what this package needs.
EXTRA = "gkparse[dask]"
#: URL schemes read from the local file system (everything else goes through fsspec).
LOCAL_SCHEMES = ("file",)
#: A URL scheme (RFC 3986): what comes before ``://`` in a remote input.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")


class ClusterError(GkparseError):
    """A cluster run cannot start: a bad scheduler address, an OUT folder holding another
    run's shards, an input a cluster cannot read (``-``). Names the input or option."""


class MissingExtraError(ClusterError):
    """Dask, distributed or fsspec is not installed: ``pip install 'gkparse[dask]'``."""


def _missing(what: str) -> MissingExtraError:
    return MissingExtraError(f"{what} is needed to run on a cluster or read remote inputs: install {EXTRA}")


def require_dask() -> Any:
    """The ``dask`` module (with ``dask.bag`` and ``dask.dataframe``), or :class:`MissingExtraError`."""
    try:
        import dask
        import dask.bag  # noqa: F401
        import dask.dataframe  # noqa: F401
    except ImportError:
        raise _missing("dask") from None
    return dask


def require_distributed() -> Any:
    """The ``distributed`` module (Dask's scheduler client), or :class:`MissingExtraError`."""
    try:
        import distributed
    except ImportError:
        raise _missing("dask.distributed") from None
    return distributed


def require_fsspec() -> Any:
    """The ``fsspec`` module, or :class:`MissingExtraError`."""
    try:
        import fsspec
    except ImportError:
        raise _missing("fsspec") from None
    return fsspec


def is_remote(path: str) -> bool:
    """Whether ``path`` is a URL read through fsspec (``s3://``, ``gs://``, ``https://``, …)
    rather than a local path (``file://`` counts as local)."""
    scheme, sep, _ = path.partition("://")
    return bool(sep) and _SCHEME.fullmatch(scheme) is not None and scheme.lower() not in LOCAL_SCHEMES
