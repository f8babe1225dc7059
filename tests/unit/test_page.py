"""The page type where every reader meets: blank-cell tokens."""

from __future__ import annotations

import pytest

from gkparse.read.page import blank_range, blank_run, is_blank


@pytest.mark.parametrize(("low", "high"), [(1, 1), (1, 2), (2, 5)])
def test_blank_runs_round_trip(low: int, high: int) -> None:
    token = blank_run(low, high)
    assert blank_range(token) == (low, high)
    assert is_blank(token)


def test_a_value_is_not_blank() -> None:
    assert blank_range("0") is None and not is_blank("0")
