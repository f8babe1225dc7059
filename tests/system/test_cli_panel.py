"""``gkparse panel``: files and convert output into the panel, the summary page, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
from click.testing import CliRunner, Result

from gkparse.cli import main
from tests.support import FIXTURES

PINGTAN = sorted(str(p) for p in FIXTURES.glob("pingtan_*.page.*"))


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_panel_to_parquet_with_summary(tmp_path: Path) -> None:
    out, page = tmp_path / "panel.parquet", tmp_path / "summary.html"
    result = run("panel", *PINGTAN, "-o", out, "--html", page)
    assert result.exit_code == 0, result.output
    assert "6 reports; 3 observations; 1 agency; 600 rows" in result.stderr
    table = pq.read_table(out)
    assert set(table.column("agency").to_pylist()) == {"平潭综合实验区"}
    assert "平潭综合实验区" in page.read_text(encoding="utf-8")


def test_panel_wide_csv_and_uncertain(tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    assert run("panel", FIXTURES / "pingtan_2025.page.txt", "-o", out, "--wide").exit_code == 0
    header = out.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith('"agency","agency_key","year"')
    out = tmp_path / "panel.jsonl"
    assert run("panel", FIXTURES / "pingtan_2025.page.txt", "-o", out, "--uncertain").exit_code == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    ambiguous = [r for r in rows if r["state"] == "ambiguous"]
    assert len(ambiguous) == 3 and all(r["value"] is not None and len(r["readings"]) > 1 for r in ambiguous)


def test_aliases_join_names_the_rules_keep_apart(tmp_path: Path) -> None:
    """The 2022 page is published by 平潭县人民政府 for 平潭综合实验区: with an alias a report
    titled by the county would join the zone."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text("alias,agency\n平潭县,平潭综合实验区\n", encoding="utf-8")
    report = tmp_path / "pingtan_county_2023.txt"
    text = (FIXTURES / "pingtan_2022.page.txt").read_text(encoding="utf-8")
    report.write_text(text.replace("平潭综合实验区", "平潭县").replace("2022", "2023"), encoding="utf-8")
    out = tmp_path / "panel.parquet"
    without = run("panel", FIXTURES / "pingtan_2022.page.txt", report, "-o", out)
    assert "2 agencies" in without.stderr
    joined = run("panel", FIXTURES / "pingtan_2022.page.txt", report, "-o", out, "--aliases", aliases)
    assert "1 agency" in joined.stderr, joined.stderr


def test_failed_inputs_are_counted_and_exit_1(tmp_path: Path) -> None:
    broken = FIXTURES / "cases" / "reliability" / "19-warc-corrupt-member.warc.gz"
    result = run("panel", FIXTURES / "pingtan_2024.page.html", broken, "-o", tmp_path / "p.parquet")
    assert result.exit_code == 1
    assert "left out:" in result.stderr and "failed" in result.stderr.splitlines()[-1]


def test_usage_errors(tmp_path: Path) -> None:
    assert run("panel", FIXTURES / "pingtan_2024.page.html", "-o", tmp_path / "p.xlsx").exit_code == 2
    assert run("panel", tmp_path / "none.html", "-o", tmp_path / "p.csv").exit_code == 2
    bad = tmp_path / "aliases.csv"
    bad.write_text("name\nx\n", encoding="utf-8")
    result = run("panel", FIXTURES / "pingtan_2024.page.html", "-o", tmp_path / "p.csv", "--aliases", bad)
    assert result.exit_code == 2 and "alias,agency" in result.output
