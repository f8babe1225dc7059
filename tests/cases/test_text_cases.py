"""Every case of fixtures/cases/text/ (PDF-to-markdown conversions, markdown written by a
language model, html2text rows, one-line crawler dumps with signed numbers, decimal
amounts and long part 四 runs) must PASS. The cases issue 11 has still to fix are listed
strictly in KNOWN_FAILURES with the verdict they give today."""

from __future__ import annotations

import pytest

from tests.support.cases import Run, run_parse, runs

#: input → why it fails today (strict: a case that starts passing must leave the list).
KNOWN_FAILURES: dict[str, str] = {
    "01-md-pdf-split-tables.md": "issue 11: markdown tables split by separator rows, labels outside tables (FAIL-silent)",
    "02-md-pdf-header-pieces.md": "issue 11: header text split into pieces, generic headers (FAIL-loud)",
    "03-md-llm-group-tables.md": "issue 11: a heading and a small table per outcome group (FAIL-loud)",
    "06-oneline-procurement-decimal-prose-2019.txt": "issue 11: a count glued to a decimal amount, with prose evidence (FAIL-loud)",
    "07-oneline-procurement-decimal-2019.txt": "issue 11: a count glued to a decimal amount (FAIL-loud)",
}

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
