"""The report model: JSON round trip, schema, access by key."""

from __future__ import annotations

import pytest

import gkparse
from gkparse.model import Report
from tests.support import FIXTURES


@pytest.mark.parametrize("name", ["pingyang_amr_2020.txt", "shanghai_govoffice_2019.html", "pingtan_2024.page.txt"])
def test_json_round_trip(name: str) -> None:
    report = gkparse.parse(FIXTURES / name)
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report
    assert type(again.requests) is type(report.requests)
    assert again.cell("requests/total/total").value == report.cell("requests/total/total").value


def test_schema_describes_the_tables() -> None:
    schema = Report.model_json_schema()
    assert {"requests", "disclosure", "appeals", "issues", "readings"} <= set(schema["properties"])
    assert "Requests2021" in schema["$defs"] and "Requests2019" in schema["$defs"]


def test_cell_access_by_address_and_attribute() -> None:
    report = gkparse.parse(FIXTURES / "pingyang_amr_2020.txt")
    cell = report.cell("requests/withheld.prohibited_by_law/other_org")
    assert cell is report.requests.withheld.prohibited_by_law.other_org
    assert (cell.value, cell.raw, cell.state) == (3, "000003", gkparse.CellState.SPLIT)
    assert report.cell("disclosure/penalties/change").state is gkparse.CellState.EMPTY
    with pytest.raises(KeyError):
        report.cell("requests/other.other/total")  # a 2021 row in a 2019 report


def test_an_unknown_template_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown template"):
        Report(template="1999")
    with pytest.raises(ValueError, match="unknown template"):
        Report.model_validate({"template": "2021", "requests": {"template": "1999"}})


def test_tables_from_data_take_their_templates_model() -> None:
    data = {"template": "2019", "requests": {"template": "2019", "other": {"total": {"value": 3, "state": "printed"}}}}
    report = Report.model_validate(data)
    assert type(report.requests).__name__ == "Requests2019"
    assert report.cell("requests/other/total").value == 3
    with pytest.raises(ValueError):
        Report.model_validate({"template": "2019", "requests": {"template": "2019", "no_such_row": {}}})


def test_cells_iterate_in_template_order_with_string_keys() -> None:
    report = gkparse.parse(FIXTURES / "shanghai_govoffice_2019.html")
    keys = [k for k, _ in report.cells()]
    assert keys[0] == "disclosure/rules/new_made" and keys[-1] == "appeals/litigation_after_review/total"
    assert len(keys) == len(set(keys)) == len(report.values())


def test_unreadable_is_a_state_of_its_own() -> None:
    assert gkparse.CellState("unreadable") is gkparse.CellState.UNREADABLE
    assert not gkparse.Cell(raw="见附件", state=gkparse.CellState.UNREADABLE).certain


def test_values_leave_ambiguous_cells_out_unless_asked() -> None:
    """Issue 13: the quickest way to a table never hands back one reading of an ambiguous
    cell as a plain number."""
    report = gkparse.parse(FIXTURES / "pingtan_2024.page.txt")  # 行政规范性文件 6233440: ambiguous
    key = "disclosure/normative_documents/in_force"
    cell = report.cell(key)
    assert cell.state is gkparse.CellState.AMBIGUOUS and cell.value is not None
    assert report.values()[key] is None and report.values(uncertain=True)[key] == cell.value
    assert report.values()["requests/new/total"] == report.cell("requests/new/total").value  # certain cells as they are


def test_build_table_places_cells_and_leaves_the_rest_absent() -> None:
    from gkparse.model import Cell
    from gkparse.model.tables import build_table
    from gkparse.templates import TEMPLATES

    printed = Cell(value=3, state="printed", raw="3")
    table, placed = build_table(
        "requests", TEMPLATES["2021"], {("new", "natural_person"): printed, ("no_such_row", "natural_person"): printed}
    )
    assert placed == {("new", "natural_person")}  # a key the template has no cell for is not placed
    assert table.new.natural_person is printed  # type: ignore[attr-defined]
    assert table.new.total.state.value == "absent"  # type: ignore[attr-defined]
    assert table.template == "2021"


def test_build_tables_places_each_tables_cells_by_key() -> None:
    from gkparse.model import Cell
    from gkparse.model.tables import build_tables
    from gkparse.templates import TEMPLATES
    from gkparse.templates.schema import Key

    printed = Cell(value=3, state="printed", raw="3")
    grouped = Cell(value=1, state="printed", raw="1")
    cells = [
        (Key("appeals", "review", "upheld"), printed),  # a table not asked for
        (Key("requests", "no_such_row", "total"), printed),
        (Key("requests", "withheld.state_secret", "total"), grouped),
        (Key("requests", "new", "natural_person"), printed),
    ]
    tables, placed = build_tables(TEMPLATES["2021"], ["requests"], cells)
    assert list(tables) == ["requests"]
    assert list(placed) == [Key("requests", "withheld.state_secret", "total"), Key("requests", "new", "natural_person")]
    table = tables["requests"]
    assert table.withheld.state_secret.total is grouped  # type: ignore[attr-defined]
    assert table.new.natural_person is printed  # type: ignore[attr-defined]
    assert table.new.total.state.value == "absent"  # type: ignore[attr-defined]
    assert table.model_fields_set == {"template", "withheld", "new"}


def test_the_schema_of_what_is_written_requires_every_field() -> None:
    """A report is written whole (every field, None included): the serialisation schema says
    so, down to the cells, while the validation schema keeps the defaults optional."""
    from gkparse.model import Cell

    written = Report.model_json_schema(mode="serialization")
    assert set(written["required"]) == set(written["properties"]) == set(Report.model_fields)
    for name in ("Cell", "Issue", "Meta", "Source", "Requests2021", "RequestsRow2019", "Requests2021_other"):
        definition = written["$defs"][name]
        assert set(definition["required"]) == set(definition["properties"]), name
    assert set(written["$defs"]["Cell"]["required"]) == set(Cell.model_fields)
    read = Report.model_json_schema()
    assert "required" not in read and "required" not in read["$defs"]["Cell"]
    assert Report.model_validate({}).template is None
