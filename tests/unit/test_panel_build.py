"""The panel's collection (gkparse.panel.build): what is placed, what is left out and why."""

from __future__ import annotations

from pathlib import Path

import gkparse
from gkparse.panel import Panel
from tests.support import FIXTURES

PAGE = FIXTURES / "pingtan_2024.page.html"
DUMP = FIXTURES / "pingtan_2024.page.txt"


def _named(name: str, year: int, host: str) -> gkparse.Report:
    text = DUMP.read_text(encoding="utf-8").replace("平潭综合实验区", name).replace("2024", str(year))
    return gkparse.parse_text(f"{text}\n{host}\n", origin=f"http://www.{host}/{year}.html")


def test_one_title_on_two_sites_is_two_agencies_and_reported() -> None:
    panel = Panel.from_reports([_named("城关镇人民政府", 2024, "yixian.gov.cn"), _named("城关镇人民政府", 2024, "jiaxian.gov.cn")])
    series = list(panel.series())
    assert len(series) == 2 and {s.agency for s in series} == {"城关镇人民政府 (yixian.gov.cn)", "城关镇人民政府 (jiaxian.gov.cn)"}
    assert all(not [i for o in s.observations for i in o.report.issues if i.rule == "sources-disagree"] for s in series)
    assert [(m.key, m.status) for m in panel.matches] == [("城关镇", "split")]


def test_the_same_input_twice_is_one_report(tmp_path: Path) -> None:
    copy = tmp_path / "copy.html"
    copy.write_bytes(PAGE.read_bytes())
    panel = Panel.from_paths([PAGE, copy, DUMP])
    assert panel.stats.reports == 2 and panel.stats.left_out["duplicate"] == 1
    [observation] = list(panel.observations())
    assert len(observation.sources) == 2


def test_a_single_path_is_one_input() -> None:
    assert Panel.from_paths(str(PAGE)).stats.reports == 1


def test_reports_left_out_are_named_with_the_reason() -> None:
    panel = Panel.from_paths([FIXTURES / "partial"])
    named = {source: reason for source, reason in panel.stats.errors}
    assert panel.stats.left_out["no-year"] == len([r for r in named.values() if r == "no report year found"]) > 0
    assert all(Path(source).exists() for source in named)


def test_convert_output_in_a_folder_is_read_and_the_panel_own_outputs_are_not(tmp_path: Path) -> None:
    from gkparse import convert

    folder = tmp_path / "reports"
    folder.mkdir()
    convert([str(PAGE), str(DUMP)], str(folder / "reports.jsonl"), workers=1)
    (folder / "summary.html").write_text("<html><body>not a report</body></html>", encoding="utf-8")
    panel = Panel.from_paths([folder], exclude=[folder / "summary.html"])
    assert panel.stats.reports == 2 and not panel.stats.left_out
    panel.write(folder / "panel.jsonl")
    again = Panel.from_paths([folder], exclude=[folder / "summary.html"])
    assert again.stats.left_out["not-reports"] == 1  # its own panel file, said once, not 200 times


def test_an_unnamed_dump_joins_the_page_it_is_the_same_report_as(tmp_path: Path) -> None:
    """A dump whose title was lost: the batch link (same year, template and cells) puts it
    with the named page, instead of counting the report twice."""
    text = DUMP.read_text(encoding="utf-8")
    unnamed = tmp_path / "dump.txt"
    unnamed.write_text(text.replace("平潭综合实验区2024年", "2024年"), encoding="utf-8")
    assert gkparse.parse(unnamed).agency is None
    panel = Panel.from_paths([PAGE, unnamed])
    [observation] = list(panel.observations())
    assert [s.form for s in observation.sources] == ["html", "text"]


def test_error_records_of_convert_output_read_as_type_and_reason(tmp_path: Path) -> None:
    lines = tmp_path / "reports.jsonl"
    lines.write_text(
        '{"error": {"type": "NotAReportError", "reason": "no annual report found"}, "source": "a.html", "report_id": "x"}\n'
        '{"a": 1}\n[1, 2]\n{"truncated": \n',
        encoding="utf-8",
    )
    panel = Panel.from_paths([lines])
    errors = dict(panel.stats.errors)
    assert errors["a.html"] == "NotAReportError: no annual report found"
    assert errors[f"{lines}:2"].startswith("not a report record")
    assert errors[f"{lines}:3"].startswith("not a report record")
    assert errors[f"{lines}:4"].startswith("not JSON")
