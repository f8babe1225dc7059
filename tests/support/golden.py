"""The per-input part of a golden expectation: each cell's state and the non-relation
issue rules, as an input form reads them.

``python -m tests.support.golden NAME.expected.json`` prints them for every input of a
fixture, for review before they are written into its ``forms`` field.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import gkparse
from gkparse.checks import relation_rules
from tests.support import FIXTURES


def form_expectation(report: gkparse.Report) -> dict[str, Any]:
    """``{"states": {key: state}, "issues": [rule, …]}`` (relation rules are compared
    through ``violations``; here the others, in report order)."""
    relations = relation_rules(report.template)
    return {
        "states": {key: cell.state.value for key, cell in report.cells()},
        "issues": [i.rule for i in report.issues if i.rule not in relations],
    }


def main(names: list[str]) -> None:
    for name in names:
        path = FIXTURES / name
        expected = json.loads(path.read_text("utf-8"))
        forms = {i: form_expectation(gkparse.parse(FIXTURES / i)) for i in expected["inputs"]}
        print(json.dumps({name: forms}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
