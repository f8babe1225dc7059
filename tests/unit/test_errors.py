"""One root error, a ValueError, whose message names the input."""

from __future__ import annotations

import pytest

import gkparse
from gkparse import errors


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_is_a_gkparse_error_and_a_value_error(name: str) -> None:
    cls = getattr(errors, name)
    if name == "ErrorLevel":
        return
    assert issubclass(cls, gkparse.GkparseError) and issubclass(cls, ValueError)
    assert getattr(gkparse, name) is cls


def test_the_message_starts_with_the_input() -> None:
    error = gkparse.DecodeError("cannot decode", source="page.html")
    assert str(error) == "page.html: cannot decode"
    assert (error.source, error.reason) == ("page.html", "cannot decode")
    assert str(gkparse.DecodeError("cannot decode")) == "cannot decode"


def test_fetch_errors_carry_the_status() -> None:
    assert gkparse.FetchError("gone", source="http://x.gov.cn/", status=404).status == 404


def test_the_raise_level_carries_the_issue() -> None:
    report = gkparse.parse(gkparse.__file__.replace("__init__.py", "examples/pingyang_amr_2020.txt"))
    with pytest.raises(gkparse.ReportIssueError) as info:
        gkparse.parse(report.source.path, errors="raise")  # type: ignore[arg-type]
    assert info.value.issue is not None and info.value.issue.rule == "R2"
