"""Counting the reading search's work: what the reliability tests bound instead of time."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from gkparse.cells import search


@contextlib.contextmanager
def search_nodes() -> Iterator[list[int]]:
    """Within the block, ``spent[0]`` counts the nodes of every reading search run."""
    spent = [0]
    run = search.RowSearch.run

    def counted(self: search.RowSearch, *args: Any, **kwargs: Any) -> Any:
        found = run(self, *args, **kwargs)
        spent[0] += self._nodes
        return found

    search.RowSearch.run = counted  # type: ignore[method-assign]
    try:
        yield spent
    finally:
        search.RowSearch.run = run  # type: ignore[method-assign]
