"""Every case of fixtures/cases/text/ (PDF-to-markdown conversions, markdown written by a
language model, html2text rows, one-line crawler dumps with signed numbers, decimal
amounts and long part 四 runs) must PASS. A case not fixed yet goes in KNOWN_FAILURES with the issue that will fix it;
the list is strict, so a case that starts passing must leave it."""

from __future__ import annotations

import pytest

from tests.support.cases import Run, run_parse, runs

#: input → why it fails today (strict: a case that starts passing must leave the list).
KNOWN_FAILURES: dict[str, str] = {}

RUNS = runs("text")


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[r.input]))
        if r.input in KNOWN_FAILURES else r
        for r in RUNS
    ],
    ids=[r.input for r in RUNS],
)
def test_case(run: Run) -> None:
    outcome = run_parse(run)
    assert outcome.verdict == "PASS", outcome.detail()


def test_every_case_is_run() -> None:
    assert len(RUNS) == 8
    assert set(KNOWN_FAILURES) <= {r.input for r in RUNS}
