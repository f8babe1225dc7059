"""Helpers shared by the tests and the benchmarks (fixtures, glue renderers, archive builders)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from gkparse.model import Issue

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures"

RELATION_RULES = ("R1", "R2", "R3", "R4")


def violations(issues: Iterable[Issue]) -> list[str]:
    """``"R2 requests/natural_person"`` style names of the relation issues (the form the
    fixtures' ``violations`` lists use)."""
    return sorted({f"{i.rule} {i.where}" for i in issues if i.rule in RELATION_RULES})
