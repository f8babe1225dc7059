"""Speed of one report, as ratios to baselines measured in the same run.

- :func:`html_speed` — ``gkparse.parse`` of each HTML page against the lxml parse of the
  same bytes (``lxml.html.document_fromstring``) and ``pandas.read_html``;
- :func:`text_speed` — ``gkparse.parse`` of each text dump against the text reading alone
  (:data:`TEXT_READER`: the reader without cells or checks);
- :func:`glued_runs` — the cost of one glued digit run as it grows: ms and search nodes,
  against the node budgets of ``gkparse/cells/search.py``;
- :func:`stage_profile` — the time of each stage of :data:`STAGES`, by wrapping the named
  functions.

Times are CPU time of this process (``time.process_time``): other work on the machine does
not count. Repetitions are interleaved (page A, its baseline, page B, …, then again), so
that a slow patch of the run slows every contender alike, and each figure is a median.
"""

from __future__ import annotations

import gc
import importlib
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lxml.html

import gkparse
from gkparse.read.decode import decode_bytes

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"

# --- what is measured, by name (edit here when a function is renamed) -----------------------

#: The stages of the per-stage profile: (stage, "module:function" or "module:Class.method").
#: Each named function is wrapped with a timer while the profile runs. A stage's *self* time
#: leaves out the time of the stages it calls (``repair`` calls the reading search). A
#: name that no longer exists is skipped with a note in the report, never an error;
#: keep this list the one place to update when a function is renamed. ``visible tree`` is
#: finding what may hide, the hiding itself and marking the cells' lines; ``body`` is finding
#: the article and the one serialisation of the page's and the body's lines.
STAGES: tuple[tuple[str, str], ...] = (
    ("decode", "gkparse.read.sniff:sniff_form"),
    ("decode", "gkparse.read.decode:decode_bytes"),
    ("lxml parse", "gkparse.read.html:parse_tree"),
    ("visible tree", "gkparse.read.html:_may_hide_elements"),
    ("visible tree", "gkparse.read.html:_drop_hidden"),
    ("visible tree", "gkparse.read.html:_mark"),
    ("body", "gkparse.read.html:_find_body"),
    ("body", "gkparse.read.html:_page_lines"),
    ("tables", "gkparse.read.html:_tables"),
    ("tables", "gkparse.read.text:read_text"),
    ("tables", "gkparse.read.text:read_tables"),
    ("tables", "gkparse.read.markdown:read_markdown"),
    ("page metadata", "gkparse.read.html:_title_candidates"),
    ("page metadata", "gkparse.read.html:_pair_lines"),
    ("page metadata", "gkparse.read.html:_meta_tag_lines"),
    ("metadata", "gkparse.read.meta:read_meta"),
    ("metadata", "gkparse.read.meta:find_title"),
    ("metadata", "gkparse.read.meta:report_year"),
    ("metadata", "gkparse.read.meta:find_signature"),
    ("metadata", "gkparse.read.meta:split_prose"),
    ("detect", "gkparse.templates.detect:detect"),
    ("align", "gkparse.cells.align:align"),
    ("repair", "gkparse.cells.repair:repair"),
    ("checks", "gkparse.checks.completeness:check_completeness"),
    ("checks", "gkparse.checks.relations:check_relations"),
    ("model", "gkparse.cells.policy:cells_of"),
    ("model", "gkparse.model.tables:build_tables"),
    ("model", "gkparse.model.report:Report.__init__"),
)
#: The stages after a reader: the same code whatever form the document came in (``page
#: metadata`` is the HTML reader's own part of the metadata).
SHARED_STAGES = ("metadata", "detect", "align", "repair", "checks", "model")
#: The whole pipeline, whose time the stages share (the rest is shown as ``other``).
WHOLE = "gkparse.api:parse"
#: The text reading alone (the reader without cells or checks), in the order it runs: the
#: dump is read into lines, the template detected from its labels, the rows found by it.
TEXT_READER = {
    "read": "gkparse.read.text:read_text",
    "detect": "gkparse.templates.detect:detect",
    "tables": "gkparse.read.text:read_tables",
}
#: The node budgets a glued run must stay within (``gkparse/cells/search.py``).
BUDGETS = {
    "search": "gkparse.cells.search:NODE_BUDGET",
    "row": "gkparse.cells.search:ROW_NODE_BUDGET",
    "document": "gkparse.cells.search:DOCUMENT_NODE_BUDGET",
}
#: The class whose instances hold a document's (and a row's) nodes left.
NODE_COUNTER = "gkparse.cells.search:NodeBudget"
#: Digits of the glued run of ``requests/new`` in the growth series (9 is the fixture's own).
RUN_LENGTHS = (9, 12, 16, 20, 24, 30, 40, 50, 60)
#: The run's place in the one-line render of pingtan_2022 (its label and its own 9 digits).
RUN_LABEL = "一、本年新收政府信息公开申请数量"
RUN_DIGITS = "713000074"


def resolve(name: str) -> tuple[Any, str, Any]:
    """``(owner, attribute, value)`` of ``"module:attr"`` / ``"module:Class.attr"``;
    raises LookupError when it does not exist."""
    module_name, _, path = name.partition(":")
    try:
        owner: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise LookupError(f"no module {module_name}") from exc
    *parents, attr = path.split(".")
    for part in parents:
        owner = getattr(owner, part, None)
        if owner is None:
            raise LookupError(f"no {part} in {module_name}")
    if not hasattr(owner, attr):
        raise LookupError(f"no {path} in {module_name}")
    return owner, attr, getattr(owner, attr)


def _cpu(fn: Callable[[], Any]) -> float:
    t0 = time.process_time()
    fn()
    return time.process_time() - t0


def interleaved(contenders: dict[str, Callable[[], Any]], reps: int, every: dict[str, int] | None = None) -> dict[str, float]:
    """Median CPU seconds of each contender over ``reps`` interleaved rounds (a contender
    in ``every`` runs only every n-th round: the slow baselines)."""
    every = every or {}
    times: dict[str, list[float]] = {k: [] for k in contenders}
    for fn in contenders.values():
        fn()  # warm up: imports, caches, the first allocation of everything
    for r in range(reps):
        for name, fn in contenders.items():
            if r % every.get(name, 1) == 0:
                times[name].append(_cpu(fn))
    return {k: statistics.median(v) for k, v in times.items() if v}


# --- HTML ----------------------------------------------------------------------------------


def html_speed(pages: list, reps: int) -> dict:
    """Per page: gkparse, the lxml parse of the same bytes and pandas.read_html (medians)."""
    import pandas as pd

    rows = []
    for page in pages:
        data = page.data
        text = decode_bytes(data).text

        def pandas_tables(text: str = text) -> Any:
            try:
                return pd.read_html(io.StringIO(text))
            except ValueError:  # no table pandas can read: it still paid for the parse
                return []

        t = interleaved({
            "gkparse": lambda data=data: gkparse.parse(data),
            "lxml": lambda data=data: lxml.html.document_fromstring(data),
            "pandas": pandas_tables,
        }, reps, every={"pandas": 3})
        report = gkparse.parse(data)
        rows.append({
            "page": page.name, "kind": page.kind, "bytes": len(data), "gkparse_s": t["gkparse"], "lxml_s": t["lxml"],
            "pandas_s": t["pandas"], "ratio_lxml": t["gkparse"] / t["lxml"], "ratio_pandas": t["gkparse"] / t["pandas"],
            "template": report.template, "rules": sorted({i.rule for i in report.issues if i.severity == "error"}),
        })
    groups = {"fixtures": [r for r in rows if r["kind"] == "fixture"], "unlike": [r for r in rows if r["kind"] != "fixture"]}
    summary = {
        g: {"pages": len(rs), "median_ratio_lxml": statistics.median(r["ratio_lxml"] for r in rs),
            "worst_ratio_lxml": max(r["ratio_lxml"] for r in rs),
            "median_ratio_pandas": statistics.median(r["ratio_pandas"] for r in rs),
            "below_pandas": sum(r["gkparse_s"] < r["pandas_s"] for r in rs),
            "median_s": statistics.median(r["gkparse_s"] for r in rs)}
        for g, rs in groups.items() if rs
    }
    return {"reps": reps, "rows": rows, "summary": summary}


# --- text ----------------------------------------------------------------------------------


def text_dumps() -> dict[str, list[Path]]:
    """The fixture dumps (``fixtures/*.txt``) and every fixture-shaped dump."""
    fixtures = sorted(FIXTURES.glob("*.txt"))
    markdown = [p for p in sorted(FIXTURES.glob("cases/text/[0-9]*.md")) if not p.name.endswith(".expect.md")]
    shaped = fixtures + sorted(FIXTURES.glob("cases/text/*.txt")) + markdown
    shaped += sorted(FIXTURES.glob("cases/html-and-archives/*.txt"))
    return {"fixtures": fixtures, "shaped": shaped}


def _text_reader() -> tuple[Callable[[bytes], Any] | None, str | None]:
    """The text reading alone as a function of the bytes, or None and why."""
    try:
        read = resolve(TEXT_READER["read"])[2]
        detect = resolve(TEXT_READER["detect"])[2]
        tables = resolve(TEXT_READER["tables"])[2]
    except LookupError as exc:
        return None, f"text reader not measured: {exc} (update TEXT_READER in benchmarks/speed.py)"

    def reading(data: bytes) -> Any:
        text = decode_bytes(data).text
        page = read(text)
        found = detect(text)
        if found.template is not None:
            tables(page, found.template)
        return page

    return reading, None


def text_speed(reps: int) -> dict:
    """Per dump: gkparse against the text reading alone (medians, interleaved)."""
    dumps = text_dumps()
    reading, note = _text_reader()
    rows = []
    for path in dumps["shaped"]:
        data = path.read_bytes()
        contenders: dict[str, Callable[[], Any]] = {"gkparse": lambda data=data: gkparse.parse(data)}
        if reading is not None:
            contenders["reading"] = lambda data=data: reading(data)
        t = interleaved(contenders, reps)
        row = {"dump": str(path.relative_to(FIXTURES)), "fixture": path in dumps["fixtures"], "bytes": len(data),
               "gkparse_s": t["gkparse"], "reading_s": t.get("reading")}
        row["ratio_reading"] = row["gkparse_s"] / row["reading_s"] if row["reading_s"] else None
        rows.append(row)
    fixtures = [r for r in rows if r["fixture"]]
    slowest = max(rows, key=lambda r: r["gkparse_s"])
    ratios = [r["ratio_reading"] for r in fixtures if r["ratio_reading"]]
    return {"reps": reps, "rows": rows, "note": note,
            "fixture_median_s": statistics.median(r["gkparse_s"] for r in fixtures),
            "fixture_median_ratio_reading": statistics.median(ratios) if ratios else None,
            "slowest": {"dump": slowest["dump"], "seconds": slowest["gkparse_s"]},
            "over_20ms": [r["dump"] for r in rows if r["gkparse_s"] > 0.020]}


# --- a glued run as it grows ---------------------------------------------------------------


class _NodeCounter:
    """Records the nodes each node budget of a parse gave out (its start minus what is left)."""

    def __init__(self) -> None:
        self.cls = resolve(NODE_COUNTER)[2]
        self.seen: list[tuple[int, Any]] = []
        self.original = self.cls.__init__

    def __enter__(self) -> _NodeCounter:
        seen, original = self.seen, self.original

        def counting(budget: Any, nodes: Any = None, *args: Any, **kwargs: Any) -> None:
            if nodes is None:
                original(budget, *args, **kwargs)
            else:
                original(budget, nodes, *args, **kwargs)
            seen.append((budget.left, budget))

        self.cls.__init__ = counting
        return self

    def __exit__(self, *exc: object) -> None:
        self.cls.__init__ = self.original

    def used(self, start: int) -> list[int]:
        """Nodes used by each budget that started with ``start`` nodes."""
        return [first - b.left for first, b in self.seen if first == start]


def glued_runs() -> dict:
    """``requests/new`` of the one-line render of pingtan_2022 as one glued run of each
    length in :data:`RUN_LENGTHS`: CPU ms of the parse and the search nodes it used."""
    sys.path.insert(0, str(HERE.parent))
    from tests.support import render

    expected = json.loads((FIXTURES / "pingtan_2022.expected.json").read_text("utf-8"))
    text = render.render(expected, "oneline")
    if RUN_LABEL + RUN_DIGITS not in text:
        return {"note": "the one-line render no longer holds the fixture's run; update RUN_LABEL/RUN_DIGITS", "rows": []}
    try:
        budgets = {k: resolve(v)[2] for k, v in BUDGETS.items()}
        counter: _NodeCounter | None = _NodeCounter()
        note = None
    except LookupError as exc:
        budgets, counter, note = {}, None, f"nodes not counted: {exc} (update BUDGETS / NODE_COUNTER in benchmarks/speed.py)"
    rows = []
    gkparse.parse_text(text)  # warm up
    for n in RUN_LENGTHS:
        digits = ("1234567890" * 7)[:n] if n != len(RUN_DIGITS) else RUN_DIGITS
        doc = text.replace(RUN_LABEL + RUN_DIGITS, RUN_LABEL + digits)
        row: dict[str, Any] = {"digits": n}
        if counter is not None:
            with counter:
                counter.seen.clear()
                t0 = time.process_time()
                report = gkparse.parse_text(doc)
                row["seconds"] = time.process_time() - t0
            docs = counter.used(budgets["document"])
            rows_used = counter.used(budgets["row"])
            row["document_nodes"] = max(docs) if docs else None
            row["max_row_nodes"] = max(rows_used) if rows_used else None
        else:
            t0 = time.process_time()
            report = gkparse.parse_text(doc)
            row["seconds"] = time.process_time() - t0
        row["state"] = report.cell("requests/new/total").state.value
        rows.append(row)
    within = all(
        (r.get("document_nodes") or 0) <= budgets["document"] and (r.get("max_row_nodes") or 0) <= budgets["row"]
        for r in rows
    ) if budgets else None
    return {"rows": rows, "budgets": budgets, "within_budgets": within, "note": note}


# --- the stage profile ---------------------------------------------------------------------


class _StageTimer:
    """Wraps the functions of :data:`STAGES` (and :data:`WHOLE`) with CPU timers: inclusive
    and self time per stage, calls. Every module of gkparse that holds a stage function
    under any name gets the wrapper (``from x import f`` copies the reference)."""

    def __init__(self) -> None:
        self.inclusive: dict[str, float] = {}
        self.self_time: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.notes: list[str] = []
        self._patched: list[tuple[Any, str, Any]] = []
        self._stack: list[float] = []  # child time of each open frame

    def _wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        timer = self

        def timed(*args: Any, **kwargs: Any) -> Any:
            timer._stack.append(0.0)
            t0 = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.process_time() - t0
                children = timer._stack.pop()
                timer.inclusive[stage] = timer.inclusive.get(stage, 0.0) + elapsed
                timer.self_time[stage] = timer.self_time.get(stage, 0.0) + elapsed - children
                timer.calls[stage] = timer.calls.get(stage, 0) + 1
                if timer._stack:
                    timer._stack[-1] += elapsed

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed

    def __enter__(self) -> _StageTimer:
        for stage, name in (*STAGES, ("whole", WHOLE)):
            try:
                owner, attr, fn = resolve(name)
            except LookupError as exc:
                self.notes.append(f"`{name}` ({stage}) skipped: {exc}")
                continue
            wrapper = self._wrap(stage, fn)
            holders = [(owner, attr)]
            if not isinstance(owner, type):
                holders += [
                    (m, a) for m in list(sys.modules.values()) if getattr(m, "__name__", "").startswith("gkparse")
                    for a, v in list(vars(m).items()) if v is fn and (m, a) != (owner, attr)
                ]
            for holder, a in holders:
                self._patched.append((holder, a, getattr(holder, a)))
                setattr(holder, a, wrapper)
        return self

    def __exit__(self, *exc: object) -> None:
        for holder, attr, original in reversed(self._patched):
            setattr(holder, attr, original)
        self._patched.clear()


def stage_profile(html: list, reps: int) -> dict:
    """Self time per stage per document, as a ratio to the lxml parse of the same bytes,
    for the HTML pages and the fixture text dumps (mean over ``reps`` passes; the garbage
    collector's full collections are run between parses, so the stages show their own
    work); and per HTML page (``pages``), what decoding, parsing and the
    :data:`SHARED_STAGES` cost."""
    out: dict[str, Any] = {"stages": list(dict.fromkeys(s for s, _ in STAGES)), "groups": {}, "notes": [], "pages": {}}
    groups = {"HTML pages": [p.data for p in html], "text dumps": [p.read_bytes() for p in text_dumps()["fixtures"]]}
    kinds = {}
    for page in html:
        groups[page.name] = [page.data]
        kinds[page.name] = page.kind
    for group, docs in groups.items():
        floor = sum(statistics.median(_cpu(lambda d=d: lxml.html.document_fromstring(d)) for _ in range(reps)) for d in docs)
        for d in docs:
            gkparse.parse(d)  # warm up
        with _StageTimer() as timer:
            for _ in range(reps):
                for d in docs:
                    # A full collection of the garbage collector lands in whichever stage
                    # happens to allocate when it is due (3 ms in a stage of 0.5): collected
                    # before each parse, outside the timers, it rarely falls inside one.
                    gc.collect()
                    gkparse.parse(d)
        out["notes"] = sorted(set(out["notes"]) | set(timer.notes))
        n = reps * len(docs)
        whole = timer.inclusive.get("whole", 0.0) / n
        per_doc = {s: timer.self_time.get(s, 0.0) / n for s in out["stages"]}
        per_doc["other"] = whole - sum(per_doc.values())
        floor_doc = floor / len(docs)
        figures = {
            "docs": len(docs), "lxml_s": floor_doc, "whole_s": whole, "whole_ratio": whole / floor_doc,
            "self_s": per_doc, "ratio": {s: v / floor_doc for s, v in per_doc.items()},
            "calls": {s: timer.calls.get(s, 0) / n for s in out["stages"]},
        }
        if group in ("HTML pages", "text dumps"):
            out["groups"][group] = figures
        else:
            shared = sum(per_doc.get(s, 0.0) for s in SHARED_STAGES)
            out["pages"][group] = {
                "kind": kinds[group], "lxml_s": floor_doc, "whole_s": whole, "shared_s": shared,
                "parse_s": per_doc.get("lxml parse", 0.0), "decode_s": per_doc.get("decode", 0.0),
            }
    return out
