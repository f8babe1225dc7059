"""The panel as a table: the Pingtan page and text dumps of three years, one agency."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq
import pytest

from gkparse.errors import GkparseError
from gkparse.panel import Panel
from gkparse.panel.table import LONG_COLUMNS, WIDE_FIXED, wide_keys
from tests.support import FIXTURES

PINGTAN = sorted(str(p) for p in FIXTURES.glob("pingtan_*.page.*"))


@pytest.fixture(scope="module")
def panel() -> Panel:
    return Panel.from_paths(PINGTAN)


def test_three_years_of_two_forms_are_one_agency_and_three_observations(panel: Panel) -> None:
    [series] = list(panel.series())
    assert series.agency_key == "平潭综合实验区" and series.years == [2022, 2024, 2025]
    assert all([s.form for s in o.sources] == ["html", "text"] for o in series.observations)
    assert not [i for o in series.observations for i in o.report.issues if i.rule == "sources-disagree"]
    assert panel.summary_line().startswith("6 reports; 3 observations; 1 agency")


def test_long_table_has_a_row_per_cell_and_certain_values_only(panel: Panel) -> None:
    table = panel.to_arrow()
    assert tuple(table.column_names) == LONG_COLUMNS
    frame = table.to_pandas()
    assert len(frame) == 3 * 200  # the 2021 template's 200 cells, three years
    row = frame[(frame.year == 2024) & (frame.key == "disclosure/normative_documents/in_force")].iloc[0]
    assert row.value == 440 and row.state == "printed" and list(row.sources)[1].endswith("pingtan_2024.page.txt")
    r6 = frame[(frame.year == 2025) & (frame.key == "disclosure/normative_documents/in_force")].iloc[0]
    assert "R6" in list(r6.issues)  # 440 + 58 − 45 ≠ 546 in the real reports


def test_ambiguous_cells_are_null_unless_asked(tmp_path: Path) -> None:
    lone = Panel.from_paths([str(FIXTURES / "pingtan_2025.page.txt")])
    frame = lone.to_pandas()
    ambiguous = frame[frame.state == "ambiguous"]
    assert len(ambiguous) == 3 and ambiguous.value.isna().all()
    assert all(len(r) > 1 for r in ambiguous.readings)
    filled = lone.to_pandas(uncertain=True)
    assert filled[filled.state == "ambiguous"].value.notna().all()
    wide = lone.to_pandas(wide=True)
    assert wide["disclosure/normative_documents/in_force"].isna().all() and wide.uncertain_cells.iloc[0] == 3


def test_wide_table_has_agency_year_rows_and_a_column_per_key(panel: Panel) -> None:
    frame = panel.to_pandas(wide=True)
    assert list(frame.columns) == [*WIDE_FIXED, *wide_keys()]
    assert list(frame.year) == [2022, 2024, 2025]
    assert frame.set_index("year").loc[2024, "disclosure/normative_documents/in_force"] == 440


# One line each: the same column types in the three engines analysts use.
def _family(name: str) -> str:
    """An engine's type name as a family: int, float, string or list."""
    name = name.lower()
    if "list" in name or "[]" in name:
        return "list"
    if name.startswith(("int", "bigint", "uint")):
        return "int"
    if name.startswith(("float", "double")):
        return "float"
    if name.startswith(("string", "str", "varchar", "large_string", "utf8")):
        return "string"
    return name


@pytest.mark.parametrize("wide", [False, True])
def test_parquet_loads_in_one_line_in_pandas_duckdb_and_polars_with_the_same_types(
    panel: Panel, tmp_path: Path, wide: bool
) -> None:
    path = tmp_path / "panel.parquet"
    rows = panel.write(path, wide=wide)
    in_pandas = {c: _family(str(t)) for c, t in pd.read_parquet(path, dtype_backend="pyarrow").dtypes.items()}
    relation = duckdb.read_parquet(str(path))
    in_duckdb = {c: _family(str(t)) for c, t in zip(relation.columns, relation.dtypes)}
    in_polars = {c: _family(str(t)) for c, t in pl.read_parquet(path).schema.items()}
    assert in_pandas == in_duckdb == in_polars
    assert in_pandas["year"] == "int" and in_pandas["sources"] == "list"
    assert in_pandas["value" if not wide else "requests/new/total"] == "float"
    assert pq.read_metadata(path).num_rows == rows == (3 if wide else 600)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_csv_and_json_lines_load_in_one_line_too(panel: Panel, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"panel{suffix}"
    rows = panel.write(path)
    frames = (
        [pd.read_csv(path), pl.read_csv(path, infer_schema_length=None), duckdb.sql(f"select * from read_csv('{path}')").df()]
        if suffix == ".csv"
        else [pd.read_json(path, lines=True), pl.read_ndjson(path), duckdb.sql(f"select * from read_json('{path}')").df()]
    )
    for frame in frames:
        assert len(frame) == rows and list(frame.columns) == list(LONG_COLUMNS)
    if suffix == ".csv":
        first = pd.read_csv(path).sources.iloc[0]
        assert json.loads(first)[0].endswith(".html")  # list columns as JSON arrays


def test_a_panel_file_name_without_a_known_suffix_is_refused(panel: Panel, tmp_path: Path) -> None:
    with pytest.raises(GkparseError, match=r"\.parquet, \.csv or \.jsonl"):
        panel.write(tmp_path / "panel.xlsx")
    with pytest.raises(GkparseError, match="no folder"):
        panel.write(tmp_path / "missing" / "panel.csv")


def test_convert_output_is_a_panel_input(tmp_path: Path) -> None:
    """JSON Lines written by convert (error records included) are read as reports."""
    from gkparse import convert

    out = tmp_path / "reports.jsonl"
    convert([*PINGTAN, str(FIXTURES / "cases" / "reliability" / "19-warc-corrupt-member.warc.gz")], str(out), workers=1)
    panel = Panel.from_paths([out])
    assert panel.stats.reports == 6 + 1 and panel.stats.left_out["failed"] >= 1
    years = {o.year for o in panel.observations() if o.agency_key == "平潭综合实验区"}
    assert years == {2022, 2024, 2025}


def _pingtan_2023() -> dict[str, object]:
    """A generated 2023 between the real 2022 and 2024 reports, consistent with both:
    R5 (nothing carried over from 2022, nothing carried forward into 2024) and R6
    (698 in force at the end of 2022 + 71 issued − 358 repealed = 411; 411 + 62 − 33 = 440)."""
    from gkparse.templates import TEMPLATES
    from tests.support.series import APPLICANTS
    from tests.support.tables import consistent_cells

    cells = consistent_cells(TEMPLATES["2021"], seed=2023)
    for column in (*APPLICANTS, "total"):
        cells[f"requests/carried_over/{column}"] = cells[f"requests/carried_forward/{column}"] = 0
        cells[f"requests/new/{column}"] = cells[f"requests/total/{column}"]
    cells.update({"disclosure/rules/issued": 0, "disclosure/rules/repealed": 0, "disclosure/rules/in_force": 0})
    cells.update({
        "disclosure/normative_documents/issued": 71, "disclosure/normative_documents/repealed": 358,
        "disclosure/normative_documents/in_force": 411,
    })
    return cells


def test_the_pingtan_years_and_a_generated_2023_are_one_agency_across_years(tmp_path: Path) -> None:
    from tests.support.render import render, render_html
    from tests.support.series import expected

    cells = _pingtan_2023()
    truth = expected("平潭综合实验区管理委员会", 2023, cells)  # another spelling of the same agency
    (tmp_path / "pingtan_2023.html").write_text(render_html(truth), encoding="utf-8")
    (tmp_path / "pingtan_2023.txt").write_text(render(truth, "oneline"), encoding="utf-8")
    panel = Panel.from_paths([*PINGTAN, tmp_path])
    [series] = list(panel.series())
    assert series.years == [2022, 2023, 2024, 2025]
    by_year = {o.year: o for o in series.observations}
    assert [s.form for s in by_year[2023].sources] == ["html", "text"]
    for observation in series.observations:  # the forms of each year agree
        assert not [i for i in observation.report.issues if i.rule == "sources-disagree"], observation.year
    assert by_year[2023].values() == {k: cells.get(k) for k in by_year[2023].values()}
    cross = {(o.year, i.rule, i.where) for o in series.observations for i in o.report.issues if i.rule in ("R5", "R6")}
    assert cross == {(2025, "R6", "disclosure/normative_documents")}  # the real reports' own break


def test_a_glued_year_between_two_pages_is_settled_by_R6(tmp_path: Path) -> None:
    """The generated 2023 only as a one-line text dump: 71358411 has several readings on its
    own; the pages of 2022 and 2024 leave one."""
    import gkparse
    from tests.support.render import render
    from tests.support.series import expected

    cells = _pingtan_2023()
    text = render(expected("平潭综合实验区", 2023, cells), "oneline")
    alone = gkparse.parse_text(text)
    keys = [f"disclosure/normative_documents/{c}" for c in ("issued", "repealed", "in_force")]
    assert any(alone.cell(k).state is gkparse.CellState.AMBIGUOUS for k in keys)
    (tmp_path / "pingtan_2023.txt").write_text(text, encoding="utf-8")
    pages = [str(FIXTURES / f"pingtan_{y}.page.html") for y in (2022, 2024)]
    [series] = list(Panel.from_paths([*pages, tmp_path / "pingtan_2023.txt"]).series())
    report = next(o.report for o in series.observations if o.year == 2023)
    for key in keys:
        cell = report.cell(key)
        assert cell.value == cells[key] and cell.certain, (key, cell)
    settled = [report.cell(k) for k in keys if alone.cell(k).state is gkparse.CellState.AMBIGUOUS]
    assert all(c.state is gkparse.CellState.RESOLVED and c.basis and "R6 with 20" in c.basis for c in settled)
