"""Static types: the stub of the generated table models is current, a user's script passes
``mypy --strict`` (with and without the pydantic plugin), and the mistakes the stub exists to
catch (a misspelt column or row, a table used without its None check) fail it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gkparse.model import stubs
from tests.support import FIXTURES
from tests.typing import user_script

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(user_script.__file__)

#: mypy as a user runs it: --strict on their code. gkparse is found here as source (an
#: editable install); an installed package's own findings are never shown to its users, so
#: they are silenced here as they would be.
USER_CONFIG = "[mypy]\nstrict = True\n\n[mypy-gkparse.*]\nfollow_imports = silent\n"
CONFIGS = {"plain": USER_CONFIG, "pydantic-plugin": USER_CONFIG.replace("[mypy]\n", "[mypy]\nplugins = pydantic.mypy\n")}


# --------------------------------------------------------------------------- the stub


def test_the_committed_stub_is_what_the_templates_give() -> None:
    assert stubs.STUB_PATH.read_text("utf-8") == stubs.render(), "stale: run python -m gkparse.model.stubs"


def test_the_stub_command_writes_and_checks(tmp_path: Path) -> None:
    out = tmp_path / "generated.pyi"
    assert stubs.main(["--check", "--output", str(out)]) == 1  # missing
    assert stubs.main(["--output", str(out)]) == 0 and out.read_text("utf-8") == stubs.render()
    assert stubs.main(["--check", "--output", str(out)]) == 0
    out.write_text(out.read_text("utf-8").replace("    total: Cell", "    totl: Cell", 1), "utf-8")
    assert stubs.main(["--check", "--output", str(out)]) == 1


def test_the_stub_declares_every_run_time_class() -> None:
    """Every generated class of the bundled templates, with its fields in order."""
    from gkparse.model import generated

    text = stubs.render()
    for name in dir(generated):
        cls = getattr(generated, name)
        if isinstance(cls, type):
            block = text.split(f"\nclass {name}(", 1)[1].split("\nclass ", 1)[0]
            declared = [line.split(":")[0].strip() for line in block.splitlines()
                        if line.startswith("    ") and ": " in line and not line.strip().startswith(('"', "def "))]
            assert declared == list(cls.model_fields), name
        else:
            assert f"\n{name}: TypeAlias = Union[" in text


# --------------------------------------------------------------------------- mypy --strict


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def _mypy(script: Path, config: str, cache: Path) -> subprocess.CompletedProcess[str]:
    ini = cache / f"mypy-{abs(hash(config))}.ini"
    ini.write_text(config, "utf-8")
    env = {**os.environ, "MYPYPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(ini), "--cache-dir", str(cache / "cache"), "--no-error-summary",
         str(script)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )


@pytest.mark.parametrize("config", CONFIGS, ids=CONFIGS)
def test_the_user_script_passes_mypy_strict(config: str, mypy_cache: Path) -> None:
    result = _mypy(SCRIPT, CONFIGS[config], mypy_cache)
    assert result.returncode == 0, result.stdout + result.stderr


MISTAKES = [
    # (the user script's text, the same with a mistake, what mypy says, the line it flags (default: the mistake's))
    ("report.requests.new.total", "report.requests.new.totl", 'has no attribute "totl"', None),
    ("requests.withheld.state_secret.total", "requests.withheld.state_secrets.total", 'has no attribute "state_secrets"', None),
    ("report.requests.other.overdue_fee.total", "report.requests.other.overdue_fees.total", '"Requests2021_other" has no attribute',
     None),
    ("report.appeals.review.total.value", "report.appeals.reviews.total.value", 'has no attribute "reviews"', None),
    ("assert report.requests is not None, f", "assert report.year is not None, f",  # the None check forgotten
     'Item "None" of "Requests2019 | Requests2021 | None" has no attribute "new"', "cell: gkparse.Cell = report.requests.new"),
    ("return cell.value if cell.certain else None", "return cell.raw if cell.certain else None", "Incompatible return value type",
     None),
]


@pytest.mark.parametrize(("right", "wrong", "message", "flagged"), MISTAKES, ids=[m[1][:40] for m in MISTAKES])
def test_a_mistake_fails_mypy(right: str, wrong: str, message: str, flagged: str | None, tmp_path: Path, mypy_cache: Path) -> None:
    text = SCRIPT.read_text("utf-8")
    assert text.count(right) == 1, right
    bad = tmp_path / "user_script_with_a_mistake.py"
    bad.write_text(text.replace(right, wrong), "utf-8")
    result = _mypy(bad, CONFIGS["plain"], mypy_cache)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout, result.stdout
    lines = bad.read_text("utf-8").splitlines()
    expected = {str(n) for n, line in enumerate(lines, 1) if (flagged or wrong) in line}
    assert len(expected) == 1
    errors = {line.split(":")[1] for line in result.stdout.splitlines() if ": error:" in line}
    assert errors == expected, result.stdout  # the mistake is flagged where it is, nothing else


def test_the_user_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert user_script.main([str(FIXTURES / "pingtan_2024.page.html"), str(FIXTURES / "pingyang_amr_2020.txt")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("平潭综合实验区 2024: 218 new requests; ") and "unpaid fees" in out[0]
    assert out[1].startswith("平阳县市场监督管理局 2020: 4 new requests; ") and out[1].endswith("(issues: R2, R2)")
