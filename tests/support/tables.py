"""Consistent report tables made from template data (R1–R4 hold by construction)."""

from __future__ import annotations

import random
from typing import Any

from gkparse.templates import Template, standard_rows


def consistent_cells(template: Template, seed: int = 0, *, high: int = 40) -> dict[str, Any]:
    """Every declared cell of ``template`` with a value, such that R1–R4 hold.

    Outcome rows get random counts per applicant column; ``total`` rows and columns are
    their sums; ``new``/``carried_over``/``carried_forward`` are chosen so that
    new + carried_over = total + carried_forward. Part 二 gets random counts (signed
    where the column is signed, two-decimal amounts where it is an amount).
    """
    rng = random.Random(seed)
    cells: dict[str, Any] = {}
    disclosure = template.table("disclosure")
    for block in disclosure.blocks:
        for row in block.rows:
            for column in block.columns:
                if column.kind == "amount":
                    value: Any = round(rng.uniform(0, 9999), 2)
                elif column.kind == "signed":
                    value = rng.randint(-high, high)
                else:
                    value = rng.randint(0, high * 10)
                cells[f"disclosure/{row.key}/{column.key}"] = value
    requests = template.table("requests")
    applicants = [c.key for c in requests.columns if c.key != "total"]
    fixed = {"new", "carried_over", "total", "carried_forward"}
    column_totals = dict.fromkeys(applicants, 0)
    for row in standard_rows(requests.rows):
        if row.key in fixed:
            continue
        values = {a: rng.choice([0, 0, 0, rng.randint(0, high)]) for a in applicants}
        for a, v in values.items():
            cells[f"requests/{row.key}/{a}"] = v
            column_totals[a] += v
        cells[f"requests/{row.key}/total"] = sum(values.values())
    for a in applicants:
        total = column_totals[a]
        carried_over = rng.randint(0, min(total, 3))
        carried_forward = rng.randint(0, 3)
        cells[f"requests/total/{a}"] = total
        cells[f"requests/carried_over/{a}"] = carried_over
        cells[f"requests/new/{a}"] = total + carried_forward - carried_over
        cells[f"requests/carried_forward/{a}"] = carried_forward
    for key in ("total", "carried_over", "new", "carried_forward"):
        cells[f"requests/{key}/total"] = sum(cells[f"requests/{key}/{a}"] for a in applicants)
    appeals = template.table("appeals")
    for row in appeals.rows:
        parts = [rng.randint(0, 5) for _ in appeals.columns[:-1]]
        for column, value in zip(appeals.columns[:-1], parts):
            cells[f"appeals/{row.key}/{column.key}"] = value
        cells[f"appeals/{row.key}/{appeals.columns[-1].key}"] = sum(parts)
    return cells
