"""Hypothesis strategies shared by the property tests: consistent tables (R1–R4 hold by
construction), part 二 rows with signed changes and two-decimal amounts, and zeros an agency
leaves blank."""

from __future__ import annotations

import random

from hypothesis import strategies as st

from gkparse.templates import TEMPLATES, standard_rows

small = st.integers(min_value=0, max_value=40)
count = st.one_of(st.just(0), st.just(0), small, st.integers(min_value=41, max_value=3000))


@st.composite
def consistent_table(draw: st.DrawFn, template_name: str) -> dict[str, object]:
    template = TEMPLATES[template_name]
    applicants = [c.key for c in template.requests_columns if c.key != "total"]
    cells: dict[str, object] = {}
    outcomes = [r.key for r in standard_rows(template.requests_rows) if r.key not in ("new", "carried_over", "total", "carried_forward")]
    busy = draw(st.sampled_from(applicants[:2]))
    # Some agencies leave whole applicant columns blank (empty, not zero).
    blank = draw(st.sets(st.sampled_from(applicants[2:5]), max_size=2))
    for row in outcomes:
        for column in applicants:
            cells[f"requests/{row}/{column}"] = draw(count) if column == busy else draw(st.sampled_from([0, 0, 0, 1]))
    for column in applicants:
        if column in blank:
            for row in standard_rows(template.requests_rows):
                cells[f"requests/{row.key}/{column}"] = None
            continue
        total = sum(cells[f"requests/{row}/{column}"] for row in outcomes)  # type: ignore[misc]
        carried_forward = draw(st.sampled_from([0, 0, 1, 2, 5]))
        carried_over = draw(st.integers(min_value=0, max_value=total + carried_forward))
        cells[f"requests/total/{column}"] = total
        cells[f"requests/carried_forward/{column}"] = carried_forward
        cells[f"requests/carried_over/{column}"] = carried_over
        cells[f"requests/new/{column}"] = total + carried_forward - carried_over
    for row in standard_rows(template.requests_rows):
        cells[f"requests/{row.key}/total"] = sum(cells[f"requests/{row.key}/{c}"] or 0 for c in applicants)  # type: ignore[misc]
    for row in template.appeals_rows:
        parts = [draw(st.sampled_from([0, 0, 1, 2, 3, 12])) for _ in range(4)]
        for column, value in zip(("upheld", "corrected", "other", "pending"), parts):
            cells[f"appeals/{row.key}/{column}"] = value
        cells[f"appeals/{row.key}/total"] = sum(parts)
    for block in template.disclosure:
        for row in block.rows:
            for column in block.columns:
                cells[f"disclosure/{row.key}/{column.key}"] = draw(st.sampled_from([0, 1, 3, 12, 250]))
    return cells


#: 本年增/减: negative as often as not, small and large.
changes = st.one_of(st.sampled_from([-27, -3, -1, 0, 5, 12]), st.integers(min_value=-4000, max_value=4000))
#: Amounts printed with two decimals (the last one not 0), from 1.01 up: ``245310.57``.
amounts = st.integers(min_value=101, max_value=99_999_999).filter(lambda n: n % 10 != 0).map(lambda n: n / 100)
disclosure_counts = st.one_of(st.sampled_from([0, 1, 3, 12, 250]), st.integers(min_value=0, max_value=9999))


@st.composite
def disclosure_rows(draw: st.DrawFn, template_name: str) -> dict[str, object]:
    """Part 二 with signed 本年增/减 (negative ones among them) and two-decimal amounts."""
    cells: dict[str, object] = {}
    for block in TEMPLATES[template_name].disclosure:
        for row in block.rows:
            for column in block.columns:
                strategy = {"signed": changes, "amount": amounts}.get(column.kind, disclosure_counts)
                cells[f"disclosure/{row.key}/{column.key}"] = draw(strategy)
    return cells


@st.composite
def report_table(draw: st.DrawFn, template_name: str) -> dict[str, object]:
    """A consistent table with signed and decimal part 二 rows."""
    cells = draw(consistent_table(template_name))
    cells.update(draw(disclosure_rows(template_name)))
    return cells


def blank_zeros(cells: dict[str, object], seed: int, rate: float) -> dict[str, object]:
    """The table as agencies print it that leave zeros blank: each 0 becomes empty (None)
    with probability ``rate``; the relations still hold (an empty cell adds nothing)."""
    rng = random.Random(seed)
    return {k: None if v == 0 and rng.random() < rate else v for k, v in cells.items()}


@st.composite
def sparse_table(draw: st.DrawFn, template_name: str) -> dict[str, object]:
    """``report_table`` with none, some, most or all zeros left blank (a table's first value
    column too, all the way down)."""
    cells = draw(report_table(template_name))
    rate = draw(st.sampled_from([0.0, 0.3, 0.7, 1.0]))
    return blank_zeros(cells, draw(st.integers(min_value=0, max_value=2**16)), rate)
