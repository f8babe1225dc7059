"""Every case of fixtures/cases/html-and-archives/ (HTML structure, encodings, text dumps
of HTML tables, WARC record kinds) must PASS: every cell right in a certain state, or the
error the case names. A case not fixed yet goes in KNOWN_FAILURES with the issue that
will fix it; the list is strict, so a case that starts passing must leave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import Run, run_convert, run_parse, runs

#: input → the verdict it gives today (strict: must still fail until fixed).
KNOWN_FAILURES: dict[str, str] = {}

RUNS = runs("html-and-archives")


def _check(run: Run, tmp_path: Path) -> None:
    outcome = run_convert(run, tmp_path) if run.run.get("mode") == "convert" else run_parse(run)
    assert outcome.verdict == "PASS", outcome.detail()


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(r, marks=pytest.mark.xfail(strict=True, reason=KNOWN_FAILURES[r.input]))
        if r.input in KNOWN_FAILURES else r
        for r in RUNS
    ],
    ids=[r.input for r in RUNS],
)
def test_case(run: Run, tmp_path: Path) -> None:
    _check(run, tmp_path)


def test_every_case_is_run() -> None:
    assert len(RUNS) >= 17
    assert set(KNOWN_FAILURES) <= {r.input for r in RUNS}
