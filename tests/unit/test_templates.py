"""Templates as data: integrity against the key contract, detection, and a third
revision declared only as data and parsed end to end."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

import gkparse
from gkparse.model import table_model
from gkparse.templates import (
    TEMPLATE_2021,
    TEMPLATES,
    Column,
    DisclosureBlock,
    Key,
    Row,
    Template,
    detect,
    sums_agree,
)
from tests.support.render import render, render_html
from tests.support.tables import consistent_cells

KEYS_MD = Path(__file__).resolve().parents[2] / "docs" / "keys.md"


def _documented() -> dict[str, set[str]]:
    """Row and column keys named in docs/keys.md, per ``table:rows`` / ``table:columns``."""
    text = KEYS_MD.read_text("utf-8")
    sections = re.split(r"^## ", text, flags=re.M)
    found: dict[str, set[str]] = {}
    for section in sections:
        head = section.split("\n", 1)[0]
        table = next((t for t in ("disclosure", "requests", "appeals") if head.startswith(f"`{t}`")), None)
        if table is None:
            continue
        rows: set[str] = set()
        columns: set[str] = set()
        target = rows
        for line in section.split("\n")[1:]:
            if line.startswith("Rows"):
                target = rows
            elif line.startswith("Columns") or line.startswith("| header label"):
                target = columns
            elif line.startswith("| label"):
                target = rows
            keys = re.findall(r"`([a-z_]+(?:\.[a-z_]+)?)`", line)
            if line.startswith("|") and keys:
                keys = keys[:1]  # a table row names one key; the notes may name others
            target.update(keys)
        found[f"{table}:rows"] = rows
        found[f"{table}:columns"] = columns
    return found


def test_keys_md_names_every_template_key_and_nothing_else() -> None:
    documented = _documented()
    actual: dict[str, set[str]] = {}
    for template in TEMPLATES.values():
        for table in template.tables:
            actual.setdefault(f"{table.kind}:rows", set()).update(r.key for r in table.rows)
            actual.setdefault(f"{table.kind}:columns", set()).update(c.key for c in table.columns)
    assert set(documented) == set(actual)
    for part, keys in actual.items():
        assert keys and documented[part] == keys, part


@pytest.mark.parametrize("template", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_relations_name_rows_and_columns_of_their_table(template: Template) -> None:
    for relation in (*template.relations, *template.cross_year):
        table = template.table(relation.table)
        names = {r.key for r in table.rows} if relation.along == "column" else {c.key for c in table.columns}
        for term in (*relation.left, *relation.right):
            assert (term if isinstance(term, str) else term.name) in names, (relation.id, term)
    for block in template.table("disclosure").blocks:
        assert set(block.rows) <= set(template.table("disclosure").rows)
        assert set(block.columns) <= set(template.table("disclosure").columns)


@pytest.mark.parametrize("template", TEMPLATES.values(), ids=TEMPLATES.keys())
def test_key_space_is_the_model(template: Template) -> None:
    """Every key of the template is a cell of its generated table models, and the reverse."""
    report = gkparse.Report(template=template.name)
    for kind in ("disclosure", "requests", "appeals"):
        setattr(report, kind, table_model(template, kind)())
    keys = [str(k) for k, _ in template.key_space()]
    assert [k for k, _ in report.cells(include_absent=True)] == keys
    assert len(keys) == len(set(keys))


def test_key_round_trip() -> None:
    key = Key("requests", "withheld.state_secret", "total")
    assert Key.parse(str(key)) == key
    with pytest.raises(KeyError):
        Key.parse("requests/total")
    with pytest.raises(KeyError):
        Key.parse("tables/total/total")


@pytest.mark.parametrize(
    ("left", "right", "holds"),
    [
        ([3], [1, 2], True),
        ([3], [1, None], False),  # a blank addend counts as 0
        ([None], [1, 2], None),  # a blank total: not assessable
        ([3], [None, None], None),  # blank addends: not assessable
        ([9116.36], [9000.12, 116.24], True),  # float amounts within the tolerance
        ([9116.36], [9116.35], False),
    ],
)
def test_one_sum_rule(left: list, right: list, holds: bool | None) -> None:
    assert sums_agree(left, right) is holds


def test_detection_breaks_ties_by_template_data() -> None:
    # Parts 三/四 only: the labels of both revisions but for the (六) leaves.
    shared = "申请人情况 本年新收政府信息公开申请数量 三安全一稳定"
    assert detect(shared + " 逾期不补正").template is TEMPLATES["2021"]
    assert detect(shared).template is TEMPLATES["2019"]
    assert detect(shared).kind == "unknown-template"


# --- a third revision, only as data ----------------------------------------------------

INSPECTIONS = Row("inspections", "行政检查", ("行政检查",), prose=("检查",))
EXPROPRIATION = Row("expropriation", "行政征收", ("行政征收",))  # renamed from 行政强制


def _third_template() -> Template:
    """The 2021 revision with a renamed row, an extra row and 第二十一条 captions."""
    disclosure = TEMPLATE_2021.table("disclosure")
    decisions = next(c for c in disclosure.columns if c.key == "decisions")
    blocks = []
    for block in disclosure.blocks:
        rows = tuple(EXPROPRIATION if r.key == "coercive_measures" else r for r in block.rows)
        if block.item == "六":
            rows += (INSPECTIONS,)
        blocks.append(dataclasses.replace(block, rows=rows, caption=block.caption.replace("第二十条", "第二十一条")))
    rows = tuple(r for b in blocks for r in b.rows)
    new_disclosure = dataclasses.replace(
        disclosure,
        rows=rows,
        blocks=tuple(blocks),
        caption=disclosure.caption.replace("第二十条", "第二十一条"),
        starts=("第二十一条",),
    )
    assert isinstance(decisions, Column) and isinstance(blocks[0], DisclosureBlock)
    return Template(
        name="2026",
        notice="a revision that does not exist (a test of the extension point)",
        cues=(*TEMPLATE_2021.cues, "行政检查", "行政征收", "第二十一条"),
        tables=(new_disclosure, TEMPLATE_2021.table("requests"), TEMPLATE_2021.table("appeals")),
        relations=TEMPLATE_2021.relations,
        cross_year=TEMPLATE_2021.cross_year,
        tie_break=TEMPLATE_2021.tie_break,
    )


@pytest.fixture
def third(monkeypatch: pytest.MonkeyPatch) -> Template:
    template = _third_template()
    monkeypatch.setitem(TEMPLATES, template.name, template)
    return template


@pytest.mark.parametrize("form", ["html", "pipe", "percell"])
def test_a_third_template_declared_as_data_parses_end_to_end(third: Template, form: str) -> None:
    cells = consistent_cells(third, seed=7)
    expected = {"template": third, "agency": "某某县交通运输局", "year": 2026, "cells": cells}
    text = render_html(expected) if form == "html" else render(expected, form)
    report = gkparse.parse_text(text)
    assert report.template == "2026"
    assert type(report.disclosure).__name__ == "Disclosure2026"
    wrong = {k: (v, report.cell(k).value, report.cell(k).state.value) for k, v in cells.items() if report.cell(k).value != v}
    assert wrong == {}
    assert report.cell("disclosure/inspections/decisions").certain
    assert [i.rule for i in report.issues if i.severity == "error"] == []
    # The report round-trips through JSON with the third template's models.
    again = gkparse.Report.model_validate_json(report.model_dump_json())
    assert again.cell("disclosure/expropriation/decisions").value == cells["disclosure/expropriation/decisions"]


def test_a_third_template_is_checked_by_its_own_relations(third: Template) -> None:
    cells = consistent_cells(third, seed=3)
    cells["requests/granted/total"] += 1  # breaks R3 in that row and R2 in the total column
    report = gkparse.parse_text(render_html({"template": third, "agency": "某局", "year": 2026, "cells": cells}))
    assert {(i.rule, i.where) for i in report.issues if i.rule.startswith("R")} == {
        ("R3", "requests/granted"), ("R2", "requests/total"),
    }


def test_tables_derived_from_a_template_are_made_once_per_template() -> None:
    from gkparse.templates.schema import per_template

    made: list[str] = []

    @per_template
    def names(template: Template) -> list[str]:
        made.append(template.name)
        return [t.kind for t in template.tables]

    first = names(TEMPLATES["2021"])
    assert names(TEMPLATES["2021"]) is first
    assert names(TEMPLATES["2019"]) == first and made == ["2021", "2019"]
    copy = dataclasses.replace(TEMPLATES["2021"])  # equal data, another template
    names(copy)
    assert made == ["2021", "2019", "2021"]


def test_sums_agree_is_builtin_sum_of_each_side() -> None:
    """The one rule, on amounts whose float sums differ between a plain loop and sum()
    (compensated from Python 3.12): each side is summed by sum(), blanks left out."""
    import random

    from gkparse.templates.schema import SUM_TOLERANCE, sums_agree

    rng = random.Random(12)
    left = [86024410273.75, 9493954730.93, 9357116851.57, 2682407416.49, 871032.97, 46489386.21, 90775011.02, 891789457.83]
    cases = [(left, [108587814160.77])]
    for _ in range(500):
        values = [round(rng.uniform(0, 10 ** rng.randint(1, 11)), 2) for _ in range(rng.randint(1, 8))]
        cases.append((values + [None], [round(sum(values), 2)]))
    for lhs, rhs in cases:
        expected = abs(sum(v for v in lhs if v is not None) - sum(rhs)) < SUM_TOLERANCE
        assert sums_agree(lhs, rhs) is expected, (lhs, rhs)
