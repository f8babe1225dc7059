"""gkparse benchmark suite: accuracy, glue robustness, throughput, memory, worst cases.

    python benchmarks/run.py            # full run (< 10 minutes on 2 cores)
    python benchmarks/run.py --quick    # ~1 minute (fewer repetitions, 500 convert inputs)

Writes docs/benchmarks.md (tables) and docs/benchmarks.json (figures).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

# The glue renderers and `violations` live in tests/support, which is not part of the installed
# package; `python benchmarks/run.py` puts only benchmarks/ on sys.path, so add the repository
# root. (A sys.path modification between imports is allowed by E402.)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import lxml
import lxml.html
import pydantic

import gkparse
from gkparse.model import CellState
from gkparse.read.decode import decode_bytes
from tests.support import render, violations

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = ROOT / "fixtures"
WORK = HERE / ".work"
DOCS = ROOT / "docs"


# --- accuracy ----------------------------------------------------------------------------


def load_expected() -> list[dict]:
    out = []
    for p in sorted(FIXTURES.glob("*.expected.json")):
        d = json.loads(p.read_text("utf-8"))
        d["_name"] = p.name.replace(".expected.json", "")
        out.append(d)
    return out


def score(report, expected: dict) -> dict:  # type: ignore[no-untyped-def]
    """Cell-by-cell comparison of a report with the expected cells."""
    s = {"cells": 0, "correct": 0, "ambiguous_ok": 0, "ambiguous_bad": 0, "uncertain_other": 0,
         "silent": 0, "silent_list": [], "ambiguous_bad_list": [], "violations_expected": sorted(expected["violations"]),
         "violations_got": [], "violations_matched": False}
    for key, value in expected["cells"].items():
        s["cells"] += 1
        try:
            cell = report.cell(key)
        except KeyError:
            s["silent"] += 1
            s["silent_list"].append({"key": key, "expected": value, "got": "KeyError", "state": None, "raw": None})
            continue
        if cell.state is CellState.AMBIGUOUS:
            if value == cell.value or value in cell.alternatives:
                s["ambiguous_ok"] += 1
            else:
                s["ambiguous_bad"] += 1
                s["ambiguous_bad_list"].append({"key": key, "expected": value, "got": [cell.value, *cell.alternatives],
                                                "state": cell.state.value, "raw": cell.raw})
        elif cell.value == value and (cell.certain or value is None):
            s["correct"] += 1
        elif cell.value != value:
            s["silent"] += 1
            s["silent_list"].append({"key": key, "expected": value, "got": cell.value,
                                     "state": cell.state.value, "raw": cell.raw})
        else:  # equal but not certain and not ambiguous: cannot happen with current states
            s["uncertain_other"] += 1
    got = violations(report.issues)
    s["violations_got"] = got
    s["violations_matched"] = got == s["violations_expected"]
    return s


def parse_scored(source: Path | str, expected: dict, label: str) -> dict:
    """Parse a fixture file (a path) or a rendered document (a str) and score it."""
    try:
        report = gkparse.parse_text(source) if isinstance(source, str) else gkparse.parse(source)
    except Exception as exc:  # a failure to parse is a (loud) failure on every cell
        n = len(expected["cells"])
        return {"cells": n, "correct": 0, "ambiguous_ok": 0, "ambiguous_bad": 0, "uncertain_other": 0,
                "silent": 0, "error": f"{type(exc).__name__}: {exc}", "silent_list": [],
                "violations_expected": sorted(expected["violations"]), "violations_got": [],
                "violations_matched": False, "input": label}
    s = score(report, expected)
    s["input"] = label
    s["template_ok"] = report.template == expected["template"]
    return s


def accuracy(fixtures: list[dict]) -> list[dict]:
    rows = []
    for exp in fixtures:
        for name in exp["inputs"]:
            s = parse_scored(FIXTURES / name, exp, name)
            s["form"] = "html" if name.endswith(".html") else "text"
            s["template"] = exp["template"]
            rows.append(s)
    return rows


def glue(fixtures: list[dict]) -> tuple[list[dict], dict]:
    rows = []
    longest = {"digits": 0, "where": None}
    for exp in fixtures:
        for style in render.ALL_STYLES:
            text = render.render(exp, style)
            (WORK / "glue").mkdir(parents=True, exist_ok=True)
            (WORK / "glue" / f"{exp['_name']}.{style}.txt").write_text(text, "utf-8")
            n = render.longest_digit_run(text)
            if n > longest["digits"]:
                longest = {"digits": n, "where": f"glue {style} / {exp['_name']}"}
            s = parse_scored(text, exp, f"{exp['_name']} [{style}]")
            s["style"] = style
            s["template"] = exp["template"]
            s["fixture"] = exp["_name"]
            rows.append(s)
    return rows, longest


def totals(rows: list[dict]) -> dict:
    t = {k: sum(r.get(k, 0) for r in rows) for k in ("cells", "correct", "ambiguous_ok", "ambiguous_bad", "silent")}
    t["inputs"] = len(rows)
    t["violations_matched"] = sum(1 for r in rows if r["violations_matched"])
    t["errors"] = sum(1 for r in rows if r.get("error"))
    return t


# --- throughput --------------------------------------------------------------------------


def _median_time(fn, reps: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def throughput(reps: int) -> dict:
    import pandas as pd

    html_files = sorted(FIXTURES.glob("*.html"))
    text_files = sorted(FIXTURES.glob("*.txt"))
    per_doc = []
    for f in html_files + text_files:
        data = f.read_bytes()
        text = decode_bytes(data).text
        gkparse.parse(data)  # warm up
        row = {"file": f.name, "form": "html" if f.suffix == ".html" else "text", "bytes": len(data),
               "pipeline_s": _median_time(lambda data=data: gkparse.parse(data), reps)}
        if row["form"] == "html":
            row["lxml_floor_s"] = _median_time(lambda text=text: lxml.html.document_fromstring(text), reps)
            try:
                row["pandas_s"] = _median_time(lambda text=text: pd.read_html(io.StringIO(text)), max(3, reps // 3))
                row["pandas_tables"] = len(pd.read_html(io.StringIO(text)))
            except Exception as exc:
                row["pandas_s"] = None
                row["pandas_error"] = f"{type(exc).__name__}: {exc}"
            row["ratio_floor"] = row["pipeline_s"] / row["lxml_floor_s"]
        per_doc.append(row)

    def agg(form: str) -> dict:
        docs = [r for r in per_doc if r["form"] == form]
        total = sum(r["pipeline_s"] for r in docs)
        out = {"docs": len(docs), "median_s": statistics.median(r["pipeline_s"] for r in docs),
               "reports_per_s_per_core": len(docs) / total}
        if form == "html":
            floor = sum(r["lxml_floor_s"] for r in docs)
            out["lxml_floor_median_s"] = statistics.median(r["lxml_floor_s"] for r in docs)
            out["lxml_floor_per_s"] = len(docs) / floor
            out["ratio_floor_total"] = total / floor
            out["ratio_floor_median"] = out["median_s"] / out["lxml_floor_median_s"]
            out["ratio_floor_worst"] = max(r["ratio_floor"] for r in docs)
            pand = [r["pandas_s"] for r in docs if r.get("pandas_s")]
            if pand:
                out["pandas_median_s"] = statistics.median(pand)
                out["pandas_per_s"] = len(pand) / sum(pand)
        return out

    return {"reps": reps, "per_doc": per_doc, "html": agg("html"), "text": agg("text"), "documents": documents(max(3, reps // 3))}


def documents(reps: int) -> list[dict]:
    """PDF and Word inputs: per-report time and, for PDFs, pages per second (pdfplumber's
    page count), over the corpus PDFs and the printed fixtures."""
    import pdfplumber

    files = sorted((FIXTURES / "pdf").glob("*.pdf")) + sorted((FIXTURES / "pdf" / "printed").glob("*.pdf"))
    files += sorted((FIXTURES / "docx" / "printed").glob("*.docx"))
    rows = []
    for f in files:
        data = f.read_bytes()
        gkparse.parse(data)  # warm up
        seconds = _median_time(lambda data=data: gkparse.parse(data), reps)
        pages = None
        if f.suffix == ".pdf":
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                pages = len(pdf.pages)
        rows.append({"file": str(f.relative_to(FIXTURES)), "bytes": len(data), "pages": pages, "pipeline_s": seconds})
    return rows


# --- convert memory / speed-up -------------------------------------------------------------


def make_corpus(n: int) -> Path:
    folder = WORK / f"corpus_{n}"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sources = sorted(FIXTURES.glob("*.html")) + sorted(FIXTURES.glob("*.txt"))
    blobs = [(f, f.read_bytes()) for f in sources]
    for i in range(n):
        f, data = blobs[i % len(blobs)]
        if f.suffix == ".html":
            extra = f"\n<!-- gkparse benchmark copy {i} -->\n".encode()
        else:
            extra = f"\n（基准副本 {i}）\n".encode()
        (folder / f"{i:05d}_{f.name}").write_bytes(data + extra)
    marker.write_text("ok")
    return folder


MEASURE = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": p.returncode, "wall_s": wall, "maxrss_kb": ru.ru_maxrss,
                  "user_s": ru.ru_utime, "sys_s": ru.ru_stime,
                  "stdout": p.stdout[-2000:], "stderr": p.stderr[-2000:]}))
"""


def _rss_tree_sampler(pid: int, stop, peak: list) -> None:  # type: ignore[no-untyped-def]
    """Sample the summed RSS of a process tree (/proc), for the workers-2 total."""
    def tree(p: int) -> list[int]:
        out = [p]
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            return out
        for k in kids:
            out.extend(tree(int(k)))
        return out

    while not stop.is_set():
        total = 0
        for p in tree(pid):
            try:
                for line in Path(f"/proc/{p}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        peak[0] = max(peak[0], total)
        stop.wait(0.05)


def run_convert(folder: Path, workers: int) -> dict:
    """`gkparse convert FOLDER -o reports.jsonl --workers N` in a child process, timed and measured."""
    import threading

    out = WORK / f"out_w{workers}"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    jl = out / "reports.jsonl"
    cmd = [sys.executable, "-m", "gkparse", "convert", str(folder), "-o", str(jl), "--workers", str(workers)]
    proc = subprocess.Popen([sys.executable, "-c", MEASURE, *cmd], stdout=subprocess.PIPE, text=True)
    stop, peak = threading.Event(), [0]
    th = threading.Thread(target=_rss_tree_sampler, args=(proc.pid, stop, peak), daemon=True)
    th.start()
    stdout, _ = proc.communicate()
    stop.set()
    th.join()
    res = json.loads(stdout)
    res["tree_peak_rss_kb"] = peak[0]
    res["workers"] = workers
    res["command"] = "gkparse " + " ".join(cmd[3:]).replace(str(ROOT) + "/", "")
    res["outputs"] = sum(1 for _ in jl.open("rb")) if jl.exists() else 0
    # 0: all parsed, 1: some input became an error record (still one output line each).
    if res["rc"] not in (0, 1) or res["outputs"] < len([p for p in folder.iterdir() if not p.name.startswith(".")]):
        raise RuntimeError(f"{res['command']} failed (rc {res['rc']}, {res['outputs']} outputs): {res['stderr'][-500:]}")
    return res


def _spin(n: int) -> int:
    s = 0
    for i in range(n):
        s += i * i
    return s


def cpu_scaling() -> float:
    """How much 2 processes of pure-Python work gain over 1 on this machine (the hardware ceiling)."""
    from multiprocessing import Pool

    n = 4_000_000
    t0 = time.perf_counter()
    _spin(n), _spin(n)
    one = time.perf_counter() - t0
    with Pool(2) as pool:
        pool.map(_spin, [1000, 1000])
        t0 = time.perf_counter()
        pool.map(_spin, [n, n])
        two = time.perf_counter() - t0
    return one / two


def convert_bench(n: int) -> dict:
    folder = make_corpus(n)
    r1 = run_convert(folder, 1)
    r2 = run_convert(folder, 2)
    return {"cpu_scaling": cpu_scaling(), "inputs": n, "via": "gkparse convert CLI", "workers1": r1, "workers2": r2,
            "speedup": r1["wall_s"] / r2["wall_s"]}


# --- worst cases / profile ------------------------------------------------------------------


def worst_cases(tp: dict, acc_longest: dict) -> dict:
    slowest = max(tp["per_doc"], key=lambda r: r["pipeline_s"])
    longest = dict(acc_longest)
    for f in sorted(FIXTURES.glob("*.txt")) + sorted(FIXTURES.glob("*.html")):
        n = render.longest_digit_run(decode_bytes(f.read_bytes()).text)
        if n > longest["digits"]:
            longest = {"digits": n, "where": f"fixture {f.name}"}
    # Synthetic: a 60-digit run in a request row of an otherwise plain text report.
    exp = json.loads((FIXTURES / "pingtan_2022.expected.json").read_text("utf-8"))
    text = render.render(exp, "oneline")
    text60 = text.replace("一、本年新收政府信息公开申请数量713000074", "一、本年新收政府信息公开申请数量" + "1234567890" * 6)
    t0 = time.perf_counter()
    try:
        r = gkparse.parse_text(text60)
        state = r.cell("requests/new/total").state.value
        err = None
    except Exception as exc:
        state, err = None, f"{type(exc).__name__}: {exc}"
    t60 = time.perf_counter() - t0
    t0 = time.perf_counter()
    gkparse.parse_text(text)
    tbase = time.perf_counter() - t0
    return {"slowest": {"file": slowest["file"], "seconds": slowest["pipeline_s"]},
            "longest_run": longest,
            "synthetic_60": {"seconds": t60, "baseline_seconds": tbase, "new_total_state": state, "error": err}}


def profile_html() -> list[tuple[str, int, float, float]]:
    f = FIXTURES / "pingtan_2022.page.html"
    data = f.read_bytes()
    gkparse.parse(data)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(10):
        gkparse.parse(data)
    pr.disable()
    st = pstats.Stats(pr)
    rows = []
    own = Path(__file__).resolve()
    for (file, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        if not file.startswith("~") and Path(file).resolve() == own:  # this script's own frames
            continue
        short = file.replace(str(ROOT) + "/", "")
        if "site-packages/" in short:
            short = short.split("site-packages/")[1]
        rows.append((f"{short}:{line}({func})", nc, tt / 10, ct / 10))
    rows.sort(key=lambda r: -r[3])
    return [r for r in rows if not r[0].startswith("~")][:10]


# --- report -------------------------------------------------------------------------------


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def acc_table(rows: list[dict], keyname: str) -> list[str]:
    out = [f"| {keyname} | inputs | cells | correct | ambiguous (true value offered) | ambiguous (true value missing) "
           "| silent errors | violations matched | parse errors |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, t in rows:  # type: ignore[misc]
        out.append(f"| {name} | {t['inputs']} | {t['cells']} | {t['correct']} ({pct(t['correct'], t['cells'])}) | "
                   f"{t['ambiguous_ok']} | {t['ambiguous_bad']} | **{t['silent']}** | "
                   f"{t['violations_matched']}/{t['inputs']} | {t['errors']} |")
    return out


def write_docs(res: dict) -> None:
    DOCS.mkdir(exist_ok=True)
    (DOCS / "benchmarks.json").write_text(json.dumps(res, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")
    m = res["machine"]
    L: list[str] = []
    L += ["# gkparse benchmarks", "",
          f"Generated by `python benchmarks/run.py{' --quick' if res['quick'] else ''}` on {m['date']} "
          f"(run time {res['run_seconds']:.0f} s). Figures: `docs/benchmarks.json`.", "",
          "## Machine", "",
          f"- CPUs: {m['cpu_count']} ({m['cpu_model']})",
          f"- Python {m['python']} on {m['platform']}",
          f"- lxml {m['lxml']}, pydantic {m['pydantic']}, pandas {m['pandas']}, gkparse {m['gkparse']}", ""]

    L += ["## Targets", "", "| target | figure | met |", "|---|---|---|"]
    for t in res["targets"]:
        L.append(f"| {t['target']} | {t['figure']} | {'yes' if t['met'] else '**no** — ' + t['miss']} |")
    L.append("")

    a = res["accuracy"]
    L += ["## Accuracy on the fixtures", "",
          "Every input listed in a `fixtures/*.expected.json`. *Correct*: not ambiguous and equal to the expected value "
          "(certain, or empty/dash/absent where the expected value is null). *Ambiguous*: the cell is marked ambiguous; split by "
          "whether the true value is the value or among the alternatives. *Silent errors*: not ambiguous and value ≠ expected. "
          "*Violations matched*: `tests.support.violations(report.issues)` equals the fixture's list.", ""]
    L += acc_table([("all", a["total"])] + [(f"form {k}", v) for k, v in a["by_form"].items()]
                   + [(f"template {k}", v) for k, v in a["by_template"].items()], "group")
    L += ["", "Per input:", ""]
    L += acc_table([(r["input"], totals([r])) for r in a["rows"]], "input")
    L.append("")
    if a["total"]["silent"]:
        L += ["Silent errors on fixtures:", "", "| input | cell | expected | got | state | raw |", "|---|---|---|---|---|---|"]
        for r in a["rows"]:
            for s in r["silent_list"]:
                L.append(f"| {r['input']} | `{s['key']}` | {s['expected']} | {s['got']} | {s['state']} | `{s['raw']}` |")
        L.append("")

    g = res["glue"]
    L += ["## Glue robustness", "",
          "Each fixture's true table (its expected cells) rendered as a synthetic text report (`tests/support/render.py`) with the "
          "template's section headings, header labels and row labels, then parsed back with `gkparse.parse_text(text)`. Styles: "
          "**oneline** — whole table on one line, a row's cells glued with no separator; **percell** — one cell per line with "
          "blank lines between, each run of single-digit cells glued (`000003`); **pipe** — `| label | 58 | 7 | 0 |` rows, "
          "empty cells kept; **dropped** — pipe rows with empty (null) cells removed, so position information is lost and "
          "ambiguous marks are the correct outcome — silent errors are what matter there; **markdown** — what PDF→markdown "
          "converters and language models write: `#` headings, one `|---|` table per part 二 block, part 三 as one table under "
          "a header row of the applicant columns with two label columns (spanned cells blank), part 四 as one table, empty "
          "cells as `|  |`; **html2text** — html2text's rendering of the HTML tables: `label | 1 | 2` rows without outer "
          "pipes, a `---|---` line under each table's first row, group labels as an extra leading cell on a group's first "
          "row. The first four must round-trip today (`render.STYLES`, the property tests); markdown and html2text are the "
          "converter shapes of issue 11 (`render.NEW_STYLES`). Target for every style: zero silent errors and zero "
          "ambiguous cells without the true value among their readings. Renders are written to `benchmarks/.work/glue/`.", ""]
    L += acc_table([(s, v) for s, v in g["by_style"].items()] + [("all styles", g["total"])], "style")
    L += ["", "Per render:", ""]
    L += acc_table([(r["input"], totals([r])) for r in g["rows"]], "render")
    L.append("")
    errs = [r for r in g["rows"] if r.get("error")]
    if errs:
        L += ["Renders that failed to parse:", ""] + [f"- {r['input']}: `{r['error']}`" for r in errs] + [""]
    if g["total"]["silent"]:
        L += ["### Silent errors in glue renders (parser bugs)", "",
              "A silent error is a cell reported as certain (printed/split/resolved/empty) whose value differs from the "
              "true table. In the `dropped` style a row with fewer values than columns cannot be placed with certainty, "
              "so every cell of such a row should come out ambiguous (or be settled by a relation); in the `percell` "
              "style an empty cell is only an extra blank line, and a glued token such as `11` may be two cells.", "",
              "| style | fixture | cell | expected | got | state | raw |", "|---|---|---|---|---|---|---|"]
        for r in g["rows"]:
            for s in r["silent_list"]:
                L.append(f"| {r['style']} | {r['fixture']} | `{s['key']}` | {s['expected']} | {s['got']} | {s['state']} | `{s['raw']}` |")
        L.append("")
    if g["total"]["ambiguous_bad"]:
        L += ["### Ambiguous cells without the true value in glue renders (parser bugs)", "",
              "An ambiguous cell whose readings miss the true value: a reviewer choosing among them cannot get it right.", "",
              "| style | fixture | cell | expected | readings | raw |", "|---|---|---|---|---|---|"]
        for r in g["rows"]:
            for s in r.get("ambiguous_bad_list", []):
                L.append(f"| {r['style']} | {r['fixture']} | `{s['key']}` | {s['expected']} | {s['got']} | `{s['raw']}` |")
        L.append("")
    vm = [r for r in g["rows"] if not r["violations_matched"]]
    if vm:
        L += ["Renders whose violations differ from the fixture's:", ""]
        L += [f"- {r['input']}: expected {r['violations_expected']}, got {r['violations_got']}" for r in vm]
        L.append("")

    tp = res["throughput"]
    h, tx = tp["html"], tp["text"]
    L += ["## Throughput (one core, same run)", "",
          f"Median of per-document times over {tp['reps']} repetitions (pandas: {max(3, tp['reps'] // 3)}). The pipeline is "
          "`gkparse.parse(bytes)` (decode → tables → align → repair → checks → model); the floor is "
          "`lxml.html.document_fromstring` on the same decoded text and nothing else; pandas is "
          "`pandas.read_html(io.StringIO(text))` (tables only) on the same pages.", "",
          "| form | docs | median per doc | reports/s per core | lxml floor median | floor docs/s | pipeline / floor "
          "| pandas.read_html median | pandas docs/s |",
          "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
          f"| HTML | {h['docs']} | {h['median_s'] * 1000:.1f} ms | {h['reports_per_s_per_core']:.1f} | "
          f"{h['lxml_floor_median_s'] * 1000:.2f} ms | {h['lxml_floor_per_s']:.0f} | {h['ratio_floor_median']:.1f}× (median), "
          f"{h['ratio_floor_total']:.1f}× (total), {h['ratio_floor_worst']:.1f}× (worst doc) | "
          f"{h.get('pandas_median_s', float('nan')) * 1000:.1f} ms | {h.get('pandas_per_s', float('nan')):.1f} |",
          f"| text | {tx['docs']} | {tx['median_s'] * 1000:.1f} ms | {tx['reports_per_s_per_core']:.1f} | – | – | – | – | – |", "",
          "| file | bytes | pipeline | lxml floor | ratio | pandas.read_html |", "|---|---:|---:|---:|---:|---:|"]
    for r in tp["per_doc"]:
        fl = f"{r['lxml_floor_s'] * 1000:.2f} ms" if "lxml_floor_s" in r else "–"
        ra = f"{r['ratio_floor']:.1f}×" if "ratio_floor" in r else "–"
        pd_ = f"{r['pandas_s'] * 1000:.1f} ms" if r.get("pandas_s") else ("error" if r.get("pandas_error") else "–")
        L.append(f"| {r['file']} | {r['bytes']} | {r['pipeline_s'] * 1000:.1f} ms | {fl} | {ra} | {pd_} |")
    L.append("")
    docs = tp.get("documents", [])
    if docs:
        pdfs = [r for r in docs if r["pages"]]
        pages = sum(r["pages"] for r in pdfs)
        pdf_s = sum(r["pipeline_s"] for r in pdfs)
        L += ["PDF and Word (`gkparse.parse(bytes)`, median per document; pages counted by pdfplumber): "
              f"{len(pdfs)} PDFs, {pages} pages, **{pages / pdf_s:.1f} pages/s**, "
              f"{statistics.median(r['pipeline_s'] for r in pdfs) * 1000:.0f} ms median per report.", "",
              "| file | bytes | pages | per report | pages/s |", "|---|---:|---:|---:|---:|"]
        for r in docs:
            rate = f"{r['pages'] / r['pipeline_s']:.1f}" if r["pages"] else "–"
            L.append(f"| {r['file']} | {r['bytes']} | {r['pages'] or '–'} | {r['pipeline_s'] * 1000:.0f} ms | {rate} |")
        L.append("")

    c = res["convert"]
    w1, w2 = c["workers1"], c["workers2"]
    L += ["## Batch conversion: memory and speed-up", "",
          f"{c['inputs']} inputs generated under `benchmarks/.work/` (copies of the fixture inputs, each with an appended "
          f"comment/line carrying its index so contents and ids differ). Converted via **{c['via']}**"
          ". Peak memory is the max RSS of the child "
          "processes (`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`: the largest single process); the summed RSS of the "
          "whole process tree, sampled from /proc every 50 ms, is shown beside it.", "",
          "| workers | wall clock | user CPU | peak RSS (largest process) | peak RSS (process tree, sampled) | outputs |",
          "|---:|---:|---:|---:|---:|---:|"]
    for w in (w1, w2):
        L.append(f"| {w['workers']} | {w['wall_s']:.1f} s | {w['user_s']:.1f} s | {w['maxrss_kb'] / 1024:.0f} MB | "
                 f"{w['tree_peak_rss_kb'] / 1024:.0f} MB | {w['outputs']} |")
    L += ["", f"Speed-up `--workers 2` over `--workers 1`: **{c['speedup']:.2f}×** "
          f"({c['inputs'] / w1['wall_s']:.0f} vs {c['inputs'] / w2['wall_s']:.0f} reports/s).", "",
          f"Command (workers 1): `{w1['command']}`", "",
          f"CPU scaling ceiling of this machine (a pure-Python loop, 2 processes vs 1): {c['cpu_scaling']:.2f}×.", ""]

    wc = res["worst"]
    s60 = wc["synthetic_60"]
    L += ["## Worst cases", "",
          f"- Slowest single report: `{wc['slowest']['file']}` at {wc['slowest']['seconds'] * 1000:.1f} ms (median).",
          f"- Largest glued digit run met (fixtures and glue renders): {wc['longest_run']['digits']} digits "
          f"({wc['longest_run']['where']}).",
          f"- Synthetic 60-digit run in `requests/new` of a one-line render: parse {s60['seconds'] * 1000:.1f} ms "
          f"(same report without it: {s60['baseline_seconds'] * 1000:.1f} ms); `requests/new/total` state: {s60['new_total_state']}"
          + (f"; error: `{s60['error']}`" if s60["error"] else "") + ".", ""]

    L += ["## Profile (one HTML report)", "",
          "cProfile of `gkparse.parse` on `fixtures/pingtan_2022.page.html` (mean of 10 runs), top 10 by cumulative time.", "",
          "| function | calls | own time | cumulative |", "|---|---:|---:|---:|"]
    for name, nc, tt, ct in res["profile"]:
        L.append(f"| `{name}` | {nc / 10:.0f} | {tt * 1000:.2f} ms | {ct * 1000:.2f} ms |")
    L.append("")
    if res.get("limits"):
        L += ["## What limits the missed targets", ""] + [f"- {x}" for x in res["limits"]] + [""]
    (DOCS / "benchmarks.md").write_text("\n".join(L), "utf-8")


def machine() -> dict:
    import pandas

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu_count": os.cpu_count(), "cpu_model": model or platform.processor(), "python": platform.python_version(),
            "platform": platform.platform(), "lxml": lxml.__version__, "pydantic": pydantic.VERSION,
            "pandas": pandas.__version__, "gkparse": gkparse.__version__,
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def targets(res: dict) -> tuple[list[dict], list[str]]:
    h = res["throughput"]["html"]
    c = res["convert"]
    ts = []
    ratio = h["ratio_floor_median"]
    ts.append({"target": "HTML pipeline median ≤ 5× lxml floor", "figure": f"{ratio:.1f}×", "met": ratio <= 5,
               "miss": f"{ratio:.1f}× vs 5× ({ratio / 5:.1f}× over)"})
    pm = h.get("pandas_median_s")
    ok = pm is not None and h["median_s"] < pm
    ts.append({"target": "HTML pipeline faster than pandas.read_html", "figure":
               f"{h['median_s'] * 1000:.1f} ms vs {pm * 1000:.1f} ms" if pm else "pandas failed", "met": ok,
               "miss": f"{h['median_s'] / pm:.2f}× the pandas time" if pm else "no pandas figure"})
    sf = res["accuracy"]["total"]["silent"]
    ts.append({"target": "zero silent errors on fixtures", "figure": str(sf), "met": sf == 0, "miss": f"{sf} silent errors"})
    for style, g in res["glue"]["by_style"].items():
        silent, bad = g["silent"], g["ambiguous_bad"]
        ts.append({"target": f"glue `{style}`: zero silent errors and zero ambiguous without the true value",
                   "figure": f"{silent} silent, {bad} ambiguous without truth ({g['cells']} cells)",
                   "met": silent == 0 and bad == 0 and not g.get("errors"),
                   "miss": f"{silent} silent errors, {bad} ambiguous cells without the true value"
                           + (f", {g['errors']} renders failed to parse" if g.get("errors") else "")})
    sp = c["speedup"]
    ts.append({"target": "`--workers 2` ≥ 1.7× `--workers 1`", "figure": f"{sp:.2f}×", "met": sp >= 1.7,
               "miss": f"{sp:.2f}× vs 1.7× ({1.7 - sp:.2f} short)"})
    mem = max(c["workers1"]["maxrss_kb"], c["workers2"]["maxrss_kb"]) / 1024
    tree = max(c["workers1"]["tree_peak_rss_kb"], c["workers2"]["tree_peak_rss_kb"]) / 1024
    label = f"peak memory of the {c['inputs']}-input conversion < 300 MB"
    ts.append({"target": label, "figure": f"{mem:.0f} MB largest process, {tree:.0f} MB whole tree",
               "met": mem < 300, "miss": f"{mem:.0f} MB ({mem - 300:.0f} MB over)"})
    limits = []
    for t in ts:
        if t["met"]:
            continue
        if "lxml floor" in t["target"] or "pandas" in t["target"]:
            top = [f"`{n.split('(')[-1].rstrip(')')}` ({ct * 1000:.1f} ms cumulative, {nc / 10:.0f} calls)"
                   for n, nc, tt, ct in res["profile"] if n.split(":")[0] != "gkparse/api.py" or "_fill" in n][:4]
            limits.append(f"{t['target']}: missed by {t['miss']}. The lxml parse itself is a small part of a report's time; "
                          "the rest is gkparse's own pure-Python work over the tree — largest under cProfile: "
                          + ", ".join(top) + " (profiled times are inflated by cProfile; see the table below).")
        elif "workers" in t["target"]:
            limits.append(f"{t['target']}: missed by {t['miss']}. The machine has {os.cpu_count()} CPUs with a measured "
                          f"2-process ceiling of {res['convert']['cpu_scaling']:.2f}×; worker start-up, the serial reading/"
                          "writing in the parent process and other load on the machine limit the gain."
                          + (" The ceiling itself is below 1.7×, so the machine was not idle during this run (other "
                             "processes were competing for the 2 CPUs) and the target cannot be judged from this run; "
                             "re-run on an idle machine." if res["convert"]["cpu_scaling"] < 1.7 else ""))
        elif t["target"].startswith("glue "):
            limits.append(f"{t['target']}: {t['miss']} — parser bugs, see the glue tables (per render) and the silent-error "
                          "table.")
        elif "silent" in t["target"]:
            limits.append(f"{t['target']}: {t['miss']} — parser bugs, see the silent-error tables.")
        else:
            limits.append(f"{t['target']}: {t['miss']}.")
    return ts, limits


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="~1 minute run: fewer repetitions, 500 convert inputs")
    ap.add_argument("--inputs", type=int, default=None, help="number of generated convert inputs (default 5000, quick 500)")
    ap.add_argument("--render-only", action="store_true", help="rewrite docs/benchmarks.md from docs/benchmarks.json")
    args = ap.parse_args()
    if args.render_only:
        res = json.loads((DOCS / "benchmarks.json").read_text("utf-8"))
        res["targets"], res["limits"] = targets(res)
        write_docs(res)
        return
    t_start = time.perf_counter()
    WORK.mkdir(parents=True, exist_ok=True)
    n_inputs = args.inputs or (500 if args.quick else 5000)
    reps = 5 if args.quick else 30

    fixtures = load_expected()
    res: dict = {"quick": args.quick, "machine": machine()}

    print("accuracy…", flush=True)
    rows = accuracy(fixtures)
    res["accuracy"] = {"rows": rows, "total": totals(rows),
                       "by_form": {f: totals([r for r in rows if r["form"] == f]) for f in ("html", "text")},
                       "by_template": {t: totals([r for r in rows if r["template"] == t]) for t in sorted({r["template"] for r in rows})}}
    print("glue…", flush=True)
    grows, longest = glue(fixtures)
    res["glue"] = {"rows": grows, "total": totals(grows),
                   "by_style": {s: totals([r for r in grows if r["style"] == s]) for s in render.ALL_STYLES}}
    print("throughput…", flush=True)
    res["throughput"] = throughput(reps)
    print("worst cases / profile…", flush=True)
    res["worst"] = worst_cases(res["throughput"], longest)
    res["profile"] = profile_html()
    print(f"convert {n_inputs} inputs…", flush=True)
    res["convert"] = convert_bench(n_inputs)
    res["targets"], res["limits"] = targets(res)
    res["run_seconds"] = time.perf_counter() - t_start
    write_docs(res)
    print(f"done in {res['run_seconds']:.0f} s → docs/benchmarks.md, docs/benchmarks.json")
    for t in res["targets"]:
        print(f"  {'MET ' if t['met'] else 'MISS'} {t['target']}: {t['figure']}")


if __name__ == "__main__":
    main()
