"""Fuzzing ``parse()`` over mutations of the fixtures (issue 14): any input gives a report
that serialises or a ``GkparseError``, with the reading search inside its document budget.

CI runs the ``ci`` hypothesis profile's examples; ``python -m tests.support.fuzz --minutes
10`` is the long run (docs/reliability.md).
"""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

import gkparse
from gkparse.cells import search
from tests.support.mutate import SEEDS, mutate
from tests.support.nodes import search_nodes


@settings(max_examples=settings().max_examples * 5)
@given(seed=st.sampled_from(range(len(SEEDS))), salt=st.integers(min_value=0, max_value=2**32))
def test_a_mutated_fixture_parses_or_fails_with_a_gkparse_error(seed: int, salt: int) -> None:
    data = mutate(SEEDS[seed].read_bytes(), random.Random(salt))
    with search_nodes() as spent:
        try:
            report = gkparse.parse(data, origin=SEEDS[seed].name)
        except gkparse.GkparseError as exc:
            assert str(exc).startswith(SEEDS[seed].name)  # the error names the input
            return
    report.model_dump_json()
    assert spent[0] <= search.DOCUMENT_NODE_BUDGET + search.NODE_BUDGET
