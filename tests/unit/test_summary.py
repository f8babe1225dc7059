"""gkparse.panel.summary: the self-contained HTML page to look at before reading the numbers."""

from __future__ import annotations

import os
import re
import shutil
import struct
from pathlib import Path

import lxml.html
import pytest

import gkparse
from gkparse.agency import AgencyMatch
from gkparse.model import CellState, Report
from gkparse.panel import summary
from gkparse.panel.build import Panel, Series
from gkparse.panel.observe import merge_sources
from gkparse.panel.summary import write_summary
from gkparse.panel.years import link_years
from tests.support import FIXTURES

AGENCY = "平潭综合实验区"
KEY = "平潭综合实验区"
MATCHES = [AgencyMatch("洪泽区", "ambiguous", ["淮安市洪泽区", "宿迁市洪泽区"], "two agencies end in 洪泽区; no host decides")]


def _parse(name: str) -> Report:
    return gkparse.parse(FIXTURES / name)


def _series(name: str, key: str, reports: list[Report]) -> Series:
    """One agency's series as the panel builds it: one observation a year, linked."""
    ordered = sorted(reports, key=lambda r: r.year or 0)
    observations = [merge_sources([r.model_copy(deep=True)], agency=name, agency_key=key) for r in ordered]
    link_years(observations)
    return Series(name, key, observations)


@pytest.fixture(scope="module")
def reports() -> dict[str, Report]:
    return {name: _parse(name) for name in ("pingtan_2022.page.html", "pingtan_2024.page.html", "pingtan_2025.page.txt")}


@pytest.fixture(scope="module")
def pingtan(reports: dict[str, Report]) -> Series:
    """2022 and 2024 pages and the 2025 text dump: the dump's glued 行政规范性文件 row stays
    ambiguous, and R6 breaks from 2024 to 2025 under every reading (440 + 58 − 45 ≠ 546)."""
    return _series(AGENCY, KEY, list(reports.values()))


@pytest.fixture(scope="module")
def page(pingtan: Series, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("summary") / "summary.html"
    write_summary([pingtan], out, matches=MATCHES, stats="3 reports; 3 observations; 1 agency")
    return out


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _plain(path: Path) -> str:
    """The page's text content (tags dropped), for content checks."""
    return lxml.html.fromstring(path.read_bytes()).text_content()


# --- self-contained --------------------------------------------------------------------------


def test_page_fetches_nothing(page: Path) -> None:
    text = _text(page)
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert '<meta charset="utf-8">' in text
    tree = lxml.html.fromstring(page.read_bytes())
    outside = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name in ("src", "href", "xlink:href", "srcset", "data", "poster", "action") or name.endswith(":href"):
                if not (value.startswith("#") or value.startswith("data:")):
                    outside.append((element.tag, name, value))
    assert outside == []
    assert not tree.xpath("//link"), "no <link> of any kind (stylesheets, icons, preloads)"
    assert not tree.xpath("//script"), "no scripts, inline or not"
    assert not tree.xpath("//img | //iframe | //object | //embed")
    styles = " ".join(tree.xpath("//style/text()")) + " ".join(tree.xpath("//@style"))
    assert "@import" not in styles and "@font-face" not in styles
    assert re.findall(r"url\((?!#)", styles) == []
    assert len(tree.xpath("//svg")) == 2, "the two charts, inline"


# --- content ---------------------------------------------------------------------------------


def test_page_shows_agency_years_open_cells_and_relations(page: Path, pingtan: Series) -> None:
    text = _text(page)
    plain = _plain(page)
    assert AGENCY in plain
    assert "3 reports; 3 observations; 1 agency" in plain
    for year in (2022, 2024, 2025):
        assert f"<th>{year}</th>" in text
    assert "missing: 2023" in plain
    assert "宿迁市洪泽区" in plain and "ambiguous" in plain  # the agency matches
    # The 2025 text dump read alone: its 行政规范性文件 row is glued, the cells ambiguous.
    alone = _parse("pingtan_2025.page.txt")
    open_ = {k: c for k, c in alone.cells() if c.state is CellState.AMBIGUOUS}
    assert {k.rsplit("/", 1)[1] for k in open_} == {"issued", "repealed", "in_force"}
    assert all(k.startswith("disclosure/normative_documents/") for k in open_)
    for key, cell in open_.items():
        assert key in plain
        readings = [str(v) if v is not None else "blank" for v in dict.fromkeys([cell.value, *cell.alternatives])]
        assert " | ".join(readings[:3]) in plain
    assert "58 | 584 | 5" in plain
    # R6 across 2024 → 2025, a warning on 2025, with its message.
    r6 = [i for i in pingtan.observations[-1].report.issues if i.rule == "R6"]
    assert [i.severity for i in r6] == ["warning"]
    assert "R6 warning" in plain
    assert r6[0].message in plain
    assert "fixtures/pingtan_2025.page.txt" in plain.replace(os.sep, "/")  # the sources


def test_every_text_is_escaped(pingtan: Series, tmp_path: Path) -> None:
    evil = Series("<script>alert(1)</script>&amp", "k<u>x</u>", pingtan.observations)
    out = tmp_path / "s.html"
    write_summary([evil], out, matches=[], stats="<i>stats</i>", title="a < b & \"c\"")
    text = _text(out)
    assert "<script>" not in text and "<i>" not in text and "<u>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp" in text
    assert "<title>a &lt; b &amp; &quot;c&quot;</title>" in text


def test_panel_writes_the_summary(tmp_path: Path) -> None:
    paths = [FIXTURES / "pingtan_2024.page.html", FIXTURES / "pingtan_2025.page.txt", FIXTURES / "pingyang_amr_2020.txt"]
    out = tmp_path / "panel.html"
    Panel.from_paths(paths).write_summary(out)
    plain = _plain(out)
    assert AGENCY in plain and "平阳县市场监督管理局" in plain
    assert "R2 error" in plain  # Pingyang's broken R2
    assert "3 reports" in plain  # the stats line


# --- deterministic ---------------------------------------------------------------------------


def test_two_writes_are_byte_identical(pingtan: Series, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_summary([pingtan], first, matches=MATCHES, stats="s")
    write_summary([pingtan], second, matches=MATCHES, stats="s")
    assert first.read_bytes() == second.read_bytes()
    ids = re.findall(r'\bid="([^"]+)"', _text(first))
    assert len(ids) == len(set(ids)), "chart ids are unique within the page"


# --- bounds ----------------------------------------------------------------------------------


def test_agencies_beyond_the_bound_are_listed_not_drawn(pingtan: Series, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summary, "MAX_SUMMARY_AGENCIES", 1)
    names = ["甲区", "乙区", "丙区"]
    series = [Series(name, name, pingtan.observations) for name in names]
    out = tmp_path / "bound.html"
    write_summary(series, out, matches=[], stats="s")
    tree = lxml.html.fromstring(out.read_bytes())
    plain = tree.text_content()
    assert "2 of 3 agencies not drawn in full" in plain
    assert len(tree.xpath('//section[@class="agency"]')) == 1
    assert len(tree.xpath("//svg")) == 2
    rest = tree.xpath('//section[@id="not-drawn"]')[0].text_content()
    assert "乙区" in rest and "丙区" in rest and "甲区" not in rest
    assert "2022, 2024, 2025" in rest and "3" in rest  # their years and year counts


# --- a real browser --------------------------------------------------------------------------

BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run"]


def _no_browser(reason: str) -> None:
    if os.environ.get("GKPARSE_REQUIRE_BROWSER"):
        pytest.fail(f"GKPARSE_REQUIRE_BROWSER is set, but the browser test cannot run: {reason}")
    pytest.skip(reason)


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_summary_in_headless_chromium(page: Path, tmp_path: Path) -> None:
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        _no_browser("playwright is not installed")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        _no_browser(f"no chromium ({executable})")
    problems: list[str] = []
    with sync_playwright() as p:
        try:
            browser = p.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
        except PlaywrightError as exc:
            _no_browser(f"chromium does not start: {str(exc).splitlines()[0]}")
        try:
            view = browser.new_page(viewport={"width": 1200, "height": 800})
            view.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
            view.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            view.on("request", lambda r: None if r.url.startswith(("file:", "data:")) else problems.append(f"request: {r.url}"))
            view.goto(page.as_uri())
            view.wait_for_load_state("load")
            svgs = view.locator("svg")
            assert svgs.count() >= 2
            for index in range(svgs.count()):
                box = svgs.nth(index).bounding_box()
                assert box is not None and box["width"] > 100 and box["height"] > 50
            shot = view.screenshot(path=str(tmp_path / "summary.png"), full_page=True)
            view.set_content("<!DOCTYPE html><html><body></body></html>")
            blank = view.screenshot(full_page=True)
        finally:
            browser.close()
    assert problems == []
    width, height = _png_size(shot)
    assert width == 1200 and height > 1500, "the page is long: tables, charts, lists"
    assert _png_size(blank)[1] < height and len(shot) > 10 * len(blank)
