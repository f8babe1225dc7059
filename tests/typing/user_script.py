"""What a user writes against gkparse, kept type-correct under ``mypy --strict`` by
tests/typing/test_typing.py (which also runs it): the tables are typed through the
generated stub ``gkparse/model/generated.pyi``, so a misspelt row or column is a type
error, not an AttributeError halfway through a batch.

A report may lack a table (``report.requests is None`` when the document has no part 三),
so check for None first; every template has the rows used here, and a row only one
template has (2021's ``other.overdue_fee``) is reached after narrowing with ``isinstance``.

Run it: ``python -m tests.typing.user_script fixtures/pingtan_2024.page.html``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Optional

import gkparse
from gkparse.model.generated import AnyRequests, Requests2021

Number = Optional[float]  # a cell's value: int or float, None when the cell holds no number


def new_requests(report: gkparse.Report) -> Number:
    """Part 三's new requests, all applicants."""
    assert report.requests is not None, f"{report.source.label}: no part 三"
    cell: gkparse.Cell = report.requests.new.total
    return cell.value if cell.certain else None


def state_secrets(requests: AnyRequests) -> Number:
    """Requests withheld as state secrets (the same row in every template)."""
    return requests.withheld.state_secret.total.value


def overdue_fees(report: gkparse.Report) -> Number:
    """2021 only: requests dropped because the fee was not paid."""
    if isinstance(report.requests, Requests2021):
        return report.requests.other.overdue_fee.total.value
    return None


def summary(path: str) -> str:
    report = gkparse.parse(path)
    parts = [f"{report.agency} {report.year}: {new_requests(report)} new requests"]
    if report.requests is not None:
        parts.append(f"{state_secrets(report.requests)} withheld as state secrets")
    if report.disclosure is not None and report.disclosure.penalties.decisions.state is gkparse.CellState.PRINTED:
        parts.append(f"{report.disclosure.penalties.decisions.value} penalty decisions")
    if report.appeals is not None:
        parts.append(f"{report.appeals.review.total.value} reviews")
    fees = overdue_fees(report)
    if fees is not None:
        parts.append(f"{fees} unpaid fees")
    errors = [issue.rule for issue in report.issues if issue.severity == "error"]
    return "; ".join(parts) + (f" (issues: {', '.join(errors)})" if errors else "")


def main(argv: Sequence[str]) -> int:
    for path in argv:
        print(summary(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
