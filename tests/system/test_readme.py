"""The README's examples run as printed: ``python`` blocks (doctests where they show
output) and ``console`` lines that need no network, in document order, in a scratch folder
holding the bundled example and the fixtures."""

from __future__ import annotations

import doctest
import os
import re
import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from warcio.warcwriter import WARCWriter

from gkparse.cli import main
from tests.support import FIXTURES
from tests.support.warc import write_response

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```(python|console)\n(.*?)^```", re.S | re.M)


def _blocks(document: str = "README.md") -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer((ROOT / document).read_text("utf-8"))]


def test_the_readme_has_examples() -> None:
    kinds = [kind for kind, _ in _blocks()]
    assert kinds.count("python") >= 2 and kinds.count("console") >= 1


def _run_console(block: str) -> int:
    ran = 0
    for line in block.splitlines():
        if not line.startswith("$ gkparse ") or "://" in line:
            continue  # output lines, and crawls of real sites (no network in tests)
        command, _, comment = line[2:].partition("  #")
        expected = re.search(r"exit (\d)", comment)
        args = shlex.split(command)[1:]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
        assert result.exit_code == (int(expected.group(1)) if expected else 0), (line, result.output)
        ran += 1
    return ran


def _run_blocks(document: str) -> int:
    """Run a document's blocks in order, in one namespace (a later block uses what an
    earlier one defined, as a reader following the text would)."""
    namespace: dict[str, object] = {}
    ran = 0
    for number, (kind, block) in enumerate(_blocks(document)):
        if kind == "console":
            ran += _run_console(block)
            continue
        if ">>>" in block:
            test = doctest.DocTestParser().get_doctest(block, namespace, f"{document} block {number}", document, 0)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # a DocTest works on a copy
            assert runner.failures == 0, f"{document} block {number} failed (see the output above)"
        else:
            exec(compile(block, f"{document} block {number}", "exec"), namespace)  # noqa: S102
        ran += 1
    return ran


def test_the_readme_examples_run_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "gkparse" / "examples", tmp_path / "gkparse" / "examples")
    shutil.copytree(FIXTURES, tmp_path / "fixtures")
    with open(tmp_path / "crawl.warc.gz", "wb") as fh:  # what `gkparse crawl` would have saved
        writer = WARCWriter(fh, gzip=True)
        for name in ("pingtan_2022.page.html", "shanghai_govoffice_2019.html"):
            write_response(writer, f"http://www.example.gov.cn/{name}", (FIXTURES / name).read_bytes())
    monkeypatch.chdir(tmp_path)
    assert _run_blocks("README.md") >= 4
    assert os.listdir(tmp_path)


def test_the_panel_guide_runs_as_printed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """docs/panel.md: a folder of reports (the Pingtan pages and dumps, as the guide says) to a chart."""
    (tmp_path / "reports").mkdir()
    for path in FIXTURES.glob("pingtan_20*.page.*"):
        shutil.copy(path, tmp_path / "reports" / path.name)
    monkeypatch.chdir(tmp_path)
    assert _run_blocks("docs/panel.md") >= 5
    for made in ("panel.parquet", "summary.html", "requests.png"):
        assert (tmp_path / made).stat().st_size > 1000, made
