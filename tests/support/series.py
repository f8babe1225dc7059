"""One agency's reports over several years, consistent within each year (R1–R4) and
across years (R5, R6) by construction, to glue in text and read back as a panel."""

from __future__ import annotations

import random
from typing import Any

from gkparse.templates import TEMPLATES

from .tables import consistent_cells

APPLICANTS = ("natural_person", "commercial", "research", "social_welfare", "legal_services", "other_org")
R6_ROWS = ("rules", "normative_documents")


def consistent_series(years: list[int], seed: int = 0, *, template: str = "2021") -> dict[int, dict[str, Any]]:
    """``{year: cells}`` for consecutive ``years``: each year as
    :func:`~tests.support.tables.consistent_cells`, then carried over = last year's carried
    forward (R5, with new adjusted so R1 still holds) and in force = last year's in force +
    issued − repealed (R6, with repealed at most what could be repealed)."""
    rng = random.Random(seed)
    tpl = TEMPLATES[template]
    series: dict[int, dict[str, Any]] = {}
    previous: dict[str, Any] | None = None
    for i, year in enumerate(years):
        cells = consistent_cells(tpl, seed=seed * 100 + i)
        if previous is not None:
            for column in APPLICANTS:
                carried_over = previous[f"requests/carried_forward/{column}"]
                total = cells[f"requests/total/{column}"]
                forward = cells[f"requests/carried_forward/{column}"]
                if total + forward < carried_over:
                    forward = carried_over - total
                cells[f"requests/carried_over/{column}"] = carried_over
                cells[f"requests/carried_forward/{column}"] = forward
                cells[f"requests/new/{column}"] = total + forward - carried_over
            for key in ("carried_over", "new", "carried_forward"):
                cells[f"requests/{key}/total"] = sum(cells[f"requests/{key}/{a}"] for a in APPLICANTS)
            for row in R6_ROWS:
                before = previous[f"disclosure/{row}/in_force"]
                issued = cells[f"disclosure/{row}/issued"]
                repealed = rng.randint(0, min(before + issued, 99))
                cells[f"disclosure/{row}/repealed"] = repealed
                cells[f"disclosure/{row}/in_force"] = before + issued - repealed
        series[year] = cells
        previous = cells
    return series


def expected(agency: str, year: int, cells: dict[str, Any], template: str = "2021") -> dict[str, Any]:
    """The dict the renderers of :mod:`tests.support.render` take."""
    return {"template": template, "agency": agency, "year": year, "cells": cells}
