"""Issue 12's acceptance: the HTML fixtures printed to PDF by Chromium and LibreOffice, and
saved as .docx by LibreOffice (``tests/support/printed.py`` made them), parse to the HTML's
cells.

Two checks per file: no cell is wrong and certain (a value that differs from the truth, or
``empty`` where the truth is a number, in a certain state: the promise), and every cell is
right. What does not hold yet is a strict xfail with its reason, so that the reader work that
fixes it flips it.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest

import gkparse
from gkparse.model import CellState
from tests.support import FIXTURES

PRINTED = sorted((FIXTURES / "pdf" / "printed").glob("*.pdf")) + sorted((FIXTURES / "docx" / "printed").glob("*.docx"))
CERTAIN = {CellState.PRINTED, CellState.SPLIT, CellState.RESOLVED, CellState.EMPTY}

#: LibreOffice centres shanghai's fixed-width part 三 past both page edges: three columns are
#: not in the PDF at all (they can only be absent).
CLIPPED = "the printed page itself lost part 三's last columns (LibreOffice centred the fixed-width table off the page)"
NOT_RIGHT = {
    "shanghai_govoffice_2019.libreoffice.pdf": CLIPPED,
}
#: Files with cells wrong and certain today: the first thing to fix.
SILENT: dict[str, str] = {}


def _truth(path: Path) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{path.name.split('.')[0]}.expected.json").read_text("utf-8"))


def _report(path: Path) -> gkparse.Report:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    return gkparse.parse(path)


def _params(known: dict[str, str]) -> list[Any]:
    return [
        pytest.param(p, id=p.name, marks=[pytest.mark.xfail(strict=True, reason=known[p.name])] if p.name in known else [])
        for p in PRINTED
    ]


@pytest.mark.parametrize("path", _params(SILENT))
def test_no_printed_cell_is_wrong_and_certain(path: Path) -> None:
    report = _report(path)
    wrong = [
        (key, want, report.cell(key).value, report.cell(key).state.value)
        for key, want in _truth(path)["cells"].items()
        if report.cell(key).state in CERTAIN and (report.cell(key).value != want or (want is not None and report.cell(key).value is None))
    ]
    assert wrong == []


@pytest.mark.parametrize("path", _params(NOT_RIGHT))
def test_printed_cells_equal_the_html(path: Path) -> None:
    report = _report(path)
    truth = _truth(path)
    assert (report.template, report.year, report.agency) == (truth["template"], truth["year"], truth["agency"])
    assert "".join((report.title or "").split()) == truth["title"]  # a printed title may space its digits
    not_right = [
        key for key, want in truth["cells"].items()
        if report.cell(key).value != want or report.cell(key).state not in CERTAIN
    ]
    assert not_right == []


def test_every_printed_file_is_covered() -> None:
    assert len(PRINTED) == 16 and set(NOT_RIGHT) | set(SILENT) <= {p.name for p in PRINTED}
