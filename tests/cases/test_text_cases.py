"""Every case of fixtures/cases/text/ (PDF-to-markdown conversions, markdown written by a
language model, html2text rows, one-line crawler dumps with signed numbers, decimal
amounts and long part 四 runs) must PASS. A case not fixed yet goes in KNOWN_FAILURES with the issue that will fix it;
the list is strict, so a case that starts passing must leave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import Run, check, params, runs

#: input → why it fails today (strict: a case that starts passing must leave the list).
KNOWN_FAILURES: dict[str, str] = {}

RUNS = runs("text")


@pytest.mark.parametrize("run", params("text", KNOWN_FAILURES))
def test_case(run: Run, tmp_path: Path) -> None:
    check(run, tmp_path)


def test_every_case_is_run() -> None:
    assert len(RUNS) == 8
    assert set(KNOWN_FAILURES) <= {r.input for r in RUNS}
