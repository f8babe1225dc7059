"""The bug-hunt cases (fixtures/cases/): complete small inputs in shapes real pages and
dumps take, each with ``NN-name.expect.md`` holding a ```` ```json expect ```` block.

A case *passes* when every cell has its true value in a certain state (or the stated
state), or is ambiguous with the truth among its readings where the case allows it.
Verdicts, worst first: ``FAIL-silent`` (a wrong value in a certain state no issue names),
``FAIL-relation`` (only an R1–R4 issue names it), ``FAIL-loud`` (an exception, or wrong
cells that are ambiguous or named by a parse issue), ``PASS``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gkparse
from tests.support import FIXTURES

CASES = FIXTURES / "cases"
CERTAIN = {"printed", "split", "resolved"}
PARSE_RULES = {
    "unreadable-cell", "unreadable-row", "missing-row", "missing-cells", "search-limit", "ambiguous",
    "missing-table", "unmatched-row",
}
RELATION_RULES = {"R1", "R2", "R3", "R4"}


@dataclass
class Run:
    """One input of a case and how to run it."""

    folder: str
    case: str
    input: str
    spec: dict[str, Any]
    run: dict[str, Any]

    @property
    def path(self) -> Path:
        return CASES / self.folder / self.input

    @property
    def id(self) -> str:
        return f"{self.folder}/{self.input}"


@dataclass
class Outcome:
    right: int = 0
    ok_ambiguous: int = 0
    loud: list[tuple[Any, ...]] = field(default_factory=list)
    relation: list[tuple[Any, ...]] = field(default_factory=list)
    silent: list[tuple[Any, ...]] = field(default_factory=list)
    error: str | None = None

    @property
    def verdict(self) -> str:
        if self.silent:
            return "FAIL-silent"
        if self.error:
            return "FAIL-loud"
        if self.relation:
            return "FAIL-relation"
        if self.loud:
            return "FAIL-loud"
        return "PASS"

    def detail(self) -> str:
        wrong = [f"{kind} {entry}" for kind in ("silent", "relation", "loud") for entry in getattr(self, kind)[:6]]
        return "; ".join(([self.error] if self.error else []) + wrong)


def params(folder: str, known_failures: dict[str, str]) -> list[Any]:
    """The runs of a case folder as pytest parameters, each known failure marked as a strict
    xfail with its reason (so a fixed case must leave the list)."""
    import pytest

    return [
        pytest.param(r, id=r.input, marks=pytest.mark.xfail(strict=True, reason=known_failures[r.input]))
        if r.input in known_failures else pytest.param(r, id=r.input)
        for r in runs(folder)
    ]


def check(run: Run, tmp: Path) -> None:
    """Assert a run's verdict is PASS (a convert run works in ``tmp``)."""
    outcome = run_convert(run, tmp) if run.run.get("mode") == "convert" else run_parse(run)
    assert outcome.verdict == "PASS", outcome.detail()


def load_spec(path: Path) -> dict[str, Any]:
    m = re.search(r"```json expect\n(.*?)\n```", path.read_text("utf-8"), re.S)
    if not m:
        raise ValueError(f"{path.name}: no json expect block")
    return json.loads(m.group(1))  # type: ignore[no-any-return]


def runs(folder: str) -> list[Run]:
    out = []
    for path in sorted((CASES / folder).glob("*.expect.md")):
        if "```json expect" not in path.read_text("utf-8"):
            continue
        spec = load_spec(path)
        for run in spec["runs"]:
            out.append(Run(folder, path.name.split("-", 1)[0], run["input"], spec, run))
    return out


def _truth(run: Run, base: str | None = None) -> tuple[dict[str, Any], dict[str, str]]:
    truth = json.loads((CASES / run.folder / (base or run.spec["base"])).read_text("utf-8"))["cells"]
    truth.update(run.spec.get("cells", {}))
    return truth, run.spec.get("states", {})


def _named(issues: list[gkparse.Issue], key: str, rules: set[str]) -> bool:
    row = key.rsplit("/", 1)[0]
    return any(i.rule in rules and (key in i.cells or row in i.cells) for i in issues)


def compare(report: gkparse.Report, truth: dict[str, Any], states: dict[str, str], ambiguous_ok: dict[str, Any], out: Outcome) -> None:
    for key, want in truth.items():
        cell = report.cell(key)
        state = cell.state.value
        readings = [cell.value, *cell.alternatives]
        if isinstance(want, float):
            same = cell.value is not None and math.isclose(cell.value, want, abs_tol=1e-9)
        else:
            same = cell.value == want
        if state == "ambiguous":
            if key in ambiguous_ok and want in readings:
                out.ok_ambiguous += 1
            else:
                out.loud.append((key, want, cell.value, state, cell.raw))
            continue
        want_state = states.get(key)
        if same and ((want_state is None and (state in CERTAIN or want is None)) or want_state == state):
            out.right += 1
            continue
        entry = (key, want, cell.value, state, cell.raw)
        if _named(report.issues, key, PARSE_RULES):
            out.loud.append(entry)
        elif _named(report.issues, key, RELATION_RULES):
            out.relation.append(entry)
        else:
            out.silent.append(entry)


def run_parse(run: Run) -> Outcome:
    out = Outcome()
    truth, states = _truth(run)
    try:
        report = gkparse.parse(run.path, **run.run.get("kwargs", {}))
    except Exception as exc:  # noqa: BLE001 - the verdict records it
        out.error = f"{type(exc).__name__}: {exc}"
        return out
    compare(report, truth, states, run.spec.get("ambiguous_ok", {}), out)
    return out


def run_convert(run: Run, tmp: Path) -> Outcome:
    """``gkparse convert INPUT -o out.jsonl``: every report right, none lost uncounted."""
    from click.testing import CliRunner

    from gkparse.cli import main

    out = Outcome()
    target = tmp / "out.jsonl"
    result = CliRunner().invoke(main, ["convert", str(run.path), "-o", str(target)])
    lines = [json.loads(x) for x in target.read_text("utf-8").splitlines() if x.strip()] if target.exists() else []
    reports = [gkparse.Report.model_validate(x) for x in lines if "error" not in x]
    if len(reports) < run.run.get("records", 0):
        out.error = f"{len(reports)} of {run.run['records']} reports read (exit {result.exit_code}: {result.output[-300:]!r})"
        return out
    for report in reports:
        truth, states = _truth(run, f"00-truth-{report.template}.json")
        compare(report, truth, states, run.spec.get("ambiguous_ok", {}), out)
    return out
