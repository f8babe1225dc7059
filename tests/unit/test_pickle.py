"""Reports and their generated table models pickle: they cross process pools
(``ProcessPoolExecutor().map(gkparse.parse, files)``) and are read back in a process that
never built the classes (gkparse.model.generated finds them by name)."""

from __future__ import annotations

import dataclasses
import multiprocessing
import pickle
import subprocess
import sys
import typing
from concurrent.futures import ProcessPoolExecutor

import pytest
from pydantic import BaseModel

import gkparse
from gkparse.model import generated
from gkparse.model.tables import GENERATED_MODULE, new_table, table_model
from gkparse.templates import TEMPLATES
from tests.support import FIXTURES

#: Both templates, three forms: a text dump (2019), a page (2019), a page and a PDF (2021).
FILES = [
    FIXTURES / "pingyang_amr_2020.txt",
    FIXTURES / "shanghai_govoffice_2019.html",
    FIXTURES / "pingtan_2024.page.html",
    FIXTURES / "pdf" / "huaian_hongze_district_2023.pdf",
]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_a_report_pickles_and_comes_back_equal(path) -> None:
    report = gkparse.parse(path)
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert type(again.requests) is type(report.requests)
    assert again.model_dump_json() == report.model_dump_json()
    assert again.cell("requests/new/total") == report.cell("requests/new/total")


def test_every_generated_class_is_found_under_its_name() -> None:
    report = gkparse.parse(FILES[2])
    seen = set()
    stack = [report.disclosure, report.requests, report.appeals]
    while stack:
        node = stack.pop()
        cls = type(node)
        if cls.__module__ == GENERATED_MODULE:
            seen.add(cls.__name__)
            assert cls.__qualname__ == cls.__name__
            assert getattr(generated, cls.__name__) is cls
        stack.extend(v for v in vars(node).values() if isinstance(v, BaseModel))  # rows and groups
    assert {"Requests2021", "RequestsRow2021", "Requests2021_withheld", "Requests2021_other"} <= seen
    with pytest.raises(AttributeError, match="NoSuchTable"):
        generated.NoSuchTable  # noqa: B018
    assert set(typing.get_args(generated.AnyRequests)) == {table_model(t, "requests") for t in TEMPLATES.values()}


def test_a_pickle_reads_back_in_a_fresh_process() -> None:
    """A process that never parsed anything builds the classes when pickle asks for them."""
    report = gkparse.parse(FILES[0])
    code = (
        "import pickle, sys\n"
        "report = pickle.loads(sys.stdin.buffer.read())\n"
        "sys.stdout.write(type(report.requests).__name__ + ' ' + report.model_dump_json())\n"
    )
    done = subprocess.run([sys.executable, "-c", code], input=pickle.dumps(report), capture_output=True, check=True)
    name, _, line = done.stdout.decode("utf-8").partition(" ")
    assert name == type(report.requests).__name__ == "Requests2019"
    assert line == report.model_dump_json()


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_process_pool_map_parse(start: str) -> None:
    """The pool of the issue: two workers, each report pickled back to the parent."""
    paths = [str(p) for p in FILES]
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context(start)) as pool:
        reports = list(pool.map(gkparse.parse, paths))
    assert reports == [gkparse.parse(p) for p in paths]
    assert [r.template for r in reports] == ["2019", "2019", "2021", "2021"]


def test_a_template_registered_at_run_time_pickles_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    local = dataclasses.replace(TEMPLATES["2021"], name="2099")
    monkeypatch.setitem(TEMPLATES, local.name, local)
    table = new_table("requests", local)
    assert type(table).__name__ == "Requests2099"
    again = pickle.loads(pickle.dumps(table))
    assert again == table and type(again) is type(table)
