"""Every case of fixtures/cases/html-and-archives/ (HTML structure, encodings, text dumps
of HTML tables, WARC record kinds) must PASS: every cell right in a certain state, or the
error the case names. Cases not fixed yet are listed in KNOWN_FAILURES with the verdict
they give today; the list is strict, so a case that starts passing must leave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import Run, run_convert, run_parse, runs

#: input → the verdict it gives today (strict: must still fail until fixed).
KNOWN_FAILURES: dict[str, str] = {
    "04-nested-table-in-leaf-label.html": "issue 10: nested label tables",
    "06-rowspan-zero-in-thead.html": "issue 10: rowspan=0 runs to the end of its row group",
    "07-hidden-sortkey-span.html": "issue 10: hidden text is read into cells",
    "10-glued-negative-change-2019.txt": "issue 10/11: a signed change glued in a one-line dump",
    "11-html2text-no-outer-pipes.txt": "issue 10/11: html2text rows without outer pipes",
    "12-subtotal-column-glued.txt": "issue 10: an 8-column part 三 (subtotal) glued",
    "12-subtotal-column-lines.txt": "issue 10: an 8-column part 三 (subtotal) one cell per line",
    "13-number-split-across-cells.txt": "issue 10: a number split over two cells",
    "17-warc-resource-records.warc.gz": "issue 10: WARC resource records",
}

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
