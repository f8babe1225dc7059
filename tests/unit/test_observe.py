"""One observation from several sources of the same report (page, text dump, …)."""

from __future__ import annotations

import gkparse
from gkparse.model import CellState
from gkparse.panel import merge_sources
from tests.support import FIXTURES


def _pingtan(year: int, form: str) -> gkparse.Report:
    return gkparse.parse(FIXTURES / f"pingtan_{year}.page.{form}")


def test_page_and_text_dump_are_one_observation_and_agree() -> None:
    """The 2024 text dump glues 行政规范性文件 (two cells ambiguous); the page prints them."""
    page, dump = _pingtan(2024, "html"), _pingtan(2024, "txt")
    assert dump.cell("disclosure/normative_documents/in_force").state is CellState.AMBIGUOUS
    observation = merge_sources([dump, page], agency="平潭综合实验区", agency_key="平潭综合实验区")
    assert [s.form for s in observation.sources] == ["html", "text"]  # the page leads
    assert not [i for i in observation.report.issues if i.rule == "sources-disagree"]
    assert observation.values()["disclosure/normative_documents/in_force"] == 440
    assert all(c.state is not CellState.AMBIGUOUS for _, c in observation.report.cells())


def _copy_printing_in_force(value: int) -> gkparse.Report:
    """The 2024 dump again as ``copy.txt``, printing ``value`` in force, and with three cells
    of part 四 lost (so the original dump leads the merge)."""
    copy = _pingtan(2024, "txt")
    cell = copy.cell("disclosure/normative_documents/in_force")
    cell.state, cell.value, cell.alternatives = CellState.PRINTED, value, []
    for column in ("upheld", "corrected", "other"):
        lost = copy.cell(f"appeals/review/{column}")
        lost.state, lost.value = CellState.UNREADABLE, None
    copy.source.path = "copy.txt"
    return copy


def test_a_lone_dump_settles_from_another_dump_only_where_both_agree() -> None:
    """Two text sources: a reading both allow is settled, with the other source as basis."""
    dump = _pingtan(2024, "txt")
    observation = merge_sources([dump, _copy_printing_in_force(440)], agency="x", agency_key="x")
    assert observation.sources[0].path == dump.source.path
    settled = observation.report.cell("disclosure/normative_documents/in_force")
    assert settled.value == 440 and settled.state is CellState.RESOLVED
    repealed = observation.report.cell("disclosure/normative_documents/repealed")
    assert repealed.state is CellState.RESOLVED and repealed.value == 33 and "copy.txt" in (repealed.basis or "")


def test_every_cell_the_sources_disagree_on_is_ambiguous_and_an_issue() -> None:
    page, dump = _pingtan(2022, "html"), _pingtan(2022, "txt")
    changed = dump.cell("requests/new/natural_person")
    truth = changed.value
    assert truth is not None
    changed.value = truth + 1
    observation = merge_sources([page, dump], agency="x", agency_key="x")
    cell = observation.report.cell("requests/new/natural_person")
    assert cell.state is CellState.AMBIGUOUS and {cell.value, *cell.alternatives} == {truth, truth + 1}
    assert observation.values()["requests/new/natural_person"] is None
    [issue] = [i for i in observation.report.issues if i.rule == "sources-disagree"]
    assert issue.cells == ["requests/new/natural_person"]
    assert str(truth) in issue.message and str(truth + 1) in issue.message


def test_a_cell_the_leader_lost_is_taken_from_another_source() -> None:
    page, dump = _pingtan(2025, "html"), _pingtan(2025, "txt")
    lost = page.cell("appeals/review/upheld")
    lost.state, lost.value, lost.raw = CellState.UNREADABLE, None, "？"
    observation = merge_sources([page, dump], agency="x", agency_key="x")
    cell = observation.report.cell("appeals/review/upheld")
    assert cell.state is dump.cell("appeals/review/upheld").state and cell.value == dump.cell("appeals/review/upheld").value
    assert "pingtan_2025.page.txt" in (cell.basis or "")


def test_merging_does_not_change_the_inputs() -> None:
    page, dump = _pingtan(2024, "html"), _pingtan(2024, "txt")
    before = dump.model_dump_json()
    merge_sources([dump, page], agency="x", agency_key="x")
    assert dump.model_dump_json() == before


def test_an_ambiguous_leader_keeps_its_readings_beside_a_disagreeing_source() -> None:
    """The dump reads in force as 440, 40, 3440, …; a copy prints 441, none of them: every
    value is a reading of the observation, and the issue names both sources."""
    dump = _pingtan(2024, "txt")
    observation = merge_sources([dump, _copy_printing_in_force(441)], agency="x", agency_key="x")
    merged = observation.report.cell("disclosure/normative_documents/in_force")
    assert merged.state is CellState.AMBIGUOUS and {440, 441} <= {merged.value, *merged.alternatives}
    [issue] = [i for i in observation.report.issues if i.rule == "sources-disagree"]
    assert "441 in copy.txt" in issue.message and "440 in" in issue.message
