"""Golden fixtures: every input beside an ``.expected.json`` must give its expected values,
cell states and issue rules.

``cells`` and ``violations`` were read off the documents (see fixtures/SOURCES.tsv);
``forms[input].states`` and ``forms[input].issues`` (non-relation rules) pin how each input
form reads them and were reviewed when written (``python -m tests.support.golden`` prints
them for a fixture after a deliberate change). Run one fixture with
``GKPARSE_FIXTURE=pingyang_amr_2020.txt pytest tests/golden``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import gkparse
from gkparse.model import CellState
from tests.support import FIXTURES, violations
from tests.support.golden import form_expectation


def _cases() -> list[tuple[str, Path]]:
    only = os.environ.get("GKPARSE_FIXTURE")
    cases = []
    for expected in sorted(FIXTURES.glob("*.expected.json")):
        for name in json.loads(expected.read_text("utf-8"))["inputs"]:
            if only is None or only in (name, expected.name):
                cases.append((name, expected))
    return cases


CASES = _cases()


@pytest.mark.parametrize(("name", "expected_path"), CASES, ids=[c[0] for c in CASES])
def test_fixture(name: str, expected_path: Path) -> None:
    expected = json.loads(expected_path.read_text("utf-8"))
    report = gkparse.parse(FIXTURES / name)
    for field in ("template", "year", "agency", "title"):
        if field in expected:
            assert getattr(report, field) == expected[field], field
    for key, value in expected.get("meta", {}).items():
        assert getattr(report.meta, key) == value, key
    for key, value in expected.get("signature", {}).items():
        assert getattr(report.signature, key) == value, key
    silent = []
    for key, value in expected["cells"].items():
        cell = report.cell(key)
        if cell.state is CellState.AMBIGUOUS:
            # Allowed for text dumps only, and only with the true value among the readings.
            assert report.source.form == "text", key
            assert value == cell.value or value in cell.alternatives, key
        elif cell.value != value:
            silent.append((key, value, cell.value, cell.state.value, cell.raw))
    assert silent == []
    assert violations(report.issues) == sorted(expected["violations"])
    form = expected["forms"][name]
    assert form_expectation(report) == form


@pytest.mark.parametrize("stem", ["pingtan_2022", "pingtan_2024", "pingtan_2025"])
def test_full_page_and_article_fragment_agree(stem: str) -> None:
    """The article body cut out of the page parses to the same cells as the whole page."""
    import lxml.html

    page_bytes = (FIXTURES / f"{stem}.page.html").read_bytes()
    root = lxml.html.document_fromstring(page_bytes.decode("utf-8"))
    body = root.xpath("//*[contains(@class,'TRS_Editor')]") or root.xpath("//table/ancestor::div[1]")
    fragment = lxml.html.tostring(body[0], encoding="unicode")
    whole = gkparse.parse(page_bytes)
    part = gkparse.parse_text(fragment)
    assert part.values() == whole.values()
    assert len(whole.values()) == 200
