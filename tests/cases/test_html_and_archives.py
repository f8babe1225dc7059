"""Every case of fixtures/cases/html-and-archives/ (HTML structure, encodings, text dumps
of HTML tables, WARC record kinds) must PASS: every cell right in a certain state, or the
error the case names. A case not fixed yet goes in KNOWN_FAILURES with the issue that
will fix it; the list is strict, so a case that starts passing must leave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import Run, check, params, runs

#: input → the verdict it gives today (strict: must still fail until fixed).
KNOWN_FAILURES: dict[str, str] = {}

RUNS = runs("html-and-archives")


@pytest.mark.parametrize("run", params("html-and-archives", KNOWN_FAILURES))
def test_case(run: Run, tmp_path: Path) -> None:
    check(run, tmp_path)


def test_every_case_is_run() -> None:
    assert len(RUNS) >= 17
    assert set(KNOWN_FAILURES) <= {r.input for r in RUNS}
