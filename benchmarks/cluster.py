"""A Dask LocalCluster of 2 worker processes against one process, on the same 5,000 inputs.

The inputs are the text and HTML fixtures (the 12 partial reports, the Pingyang and
Pingtan text dumps, the Shanghai and Pingtan pages), copied to 5,000 files each made
distinct by a trailing line (a different SHA-256, so nothing is skipped as already seen).

- **one process**: :func:`gkparse.batch.convert` with :class:`gkparse.batch.SerialExecutor`
  (parsing in the process that writes), run in a child process of its own so that its peak
  memory (``ru_maxrss``) is its own;
- **cluster**: :func:`gkparse.cluster.convert` on ``LocalCluster(n_workers=2,
  threads_per_worker=1)``, shards of :data:`gkparse.cluster.SHARD_FILES` files; the
  cluster's start is timed apart. Memory per worker is each worker process's resident set
  size, sampled every :data:`SAMPLE_INTERVAL` seconds during the run (its peak).

Both write JSON Lines; the benchmark checks that they wrote the same lines. Wall-clock
times (``time.perf_counter``): the machine's other work counts, so run it on a quiet machine.
Beside them: the machine's own ceiling, measured before and after (:func:`ceiling`: a
pure-Python loop in 2 processes against 1), and what the CPU time allows (2 × the one
process's CPU seconds / the cluster's: both workers and the client), an estimate.

Run: ``python benchmarks/cluster.py [--inputs 5000] [--workers 2] [--json]``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
#: Inputs of the comparison (the issue's figure).
INPUTS = 5000
#: Worker processes of the LocalCluster.
WORKERS = 2
#: Seconds between samples of the workers' memory.
SAMPLE_INTERVAL = 0.5
#: Bytes in a MiB.
MIB = 1 << 20


def sources() -> list[Path]:
    """The fixtures the inputs are copied from: text dumps and pages."""
    found = sorted((FIXTURES / "partial").glob("*.txt")) + [FIXTURES / "pingyang_amr_2020.txt"]
    found += sorted(FIXTURES.glob("pingtan_*.page.txt")) + sorted(FIXTURES.glob("pingtan_*.page.html"))
    return found + [FIXTURES / "shanghai_govoffice_2019.html"]


def make_inputs(folder: Path, count: int) -> list[str]:
    """``count`` distinct input files in ``folder``, cycling through :func:`sources`."""
    base = sources()
    paths = []
    for i in range(count):
        src = base[i % len(base)]
        dst = folder / f"{i:05d}-{src.name}"
        tail = f"\n<!-- copy {i} -->\n" if src.suffix == ".html" else f"\ncopy {i}\n"
        dst.write_bytes(src.read_bytes() + tail.encode("ascii"))
        paths.append(str(dst))
    return paths


# The peak is the process's own high-water mark (VmHWM): ru_maxrss carries over through
# fork and exec, so a child of a large process (benchmarks/run.py) would report its parent's.
_ONE_PROCESS = """
import json, resource, sys, time
from gkparse.batch import SerialExecutor, convert
paths = json.load(open(sys.argv[1]))
start = time.perf_counter()
stats = convert(paths, sys.argv[2], executor=SerialExecutor())
took = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
peak = usage.ru_maxrss / 1024
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
except (OSError, StopIteration):
    pass
print(json.dumps({"seconds": took, "parsed": stats.parsed, "failed": stats.failed, "peak_rss_mib": peak,
                  "cpu_seconds": usage.ru_utime + usage.ru_stime}))
"""


def one_process(paths_file: Path, out: Path) -> dict[str, Any]:
    """The serial run in a child process: its seconds, counts and peak memory."""
    done = subprocess.run([sys.executable, "-c", _ONE_PROCESS, str(paths_file), str(out)],
                          capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _cpu() -> float:
    """This process's CPU seconds (user + system)."""
    import psutil

    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def cluster(paths: list[str], out: Path, workers: int) -> dict[str, Any]:
    """The run on a LocalCluster of ``workers`` processes: start time, run time, counts,
    peak resident memory of each worker."""
    import gkparse.cluster as gc

    started = time.perf_counter()
    with gc.connect(f"local:{workers}") as client:
        client.wait_for_workers(workers)
        ready = time.perf_counter()
        peaks: dict[str, int] = {}
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                for worker, rss in client.run(_rss).items():
                    peaks[worker] = max(peaks.get(worker, 0), rss)
                stop.wait(SAMPLE_INTERVAL)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu_before = client.run(_cpu)
        client_before = _cpu()
        start = time.perf_counter()
        stats = gc.convert(paths, str(out), client=client)
        took = time.perf_counter() - start
        client_cpu = _cpu() - client_before
        cpu_after = client.run(_cpu)
        stop.set()
        sampler.join()
    return {
        "start_seconds": ready - started, "seconds": took, "parsed": stats.parsed, "failed": stats.failed,
        "worker_peak_rss_mib": sorted(round(v / MIB, 1) for v in peaks.values()),
        "worker_cpu_seconds": sorted(round(cpu_after[w] - cpu_before[w], 1) for w in cpu_after),
        "client_cpu_seconds": round(client_cpu, 1),
    }


#: Iterations of the pure-Python loop that measures the machine's own ceiling (about 2 s).
SPIN = 20_000_000


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i & 7
    return total


def ceiling(workers: int) -> float:
    """The machine's own speed-up ceiling now: a pure-Python loop in ``workers`` processes
    against one (below ``workers`` when other work holds a CPU)."""
    import multiprocessing

    start = time.perf_counter()
    _spin(SPIN)
    one = time.perf_counter() - start
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        pool.map(_spin, [1000] * workers)  # the workers' start, not timed
        start = time.perf_counter()
        pool.map(_spin, [SPIN] * workers)
        many = time.perf_counter() - start
    return round(workers * one / many, 2)


def same_lines(local: Path, folder: Path) -> bool:
    """Whether the cluster's shard files, in name order, hold the serial run's lines."""
    ours = [line for part in sorted(folder.glob("part-*.jsonl")) for line in part.read_text(encoding="utf-8").splitlines()]
    return ours == local.read_text(encoding="utf-8").splitlines()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=INPUTS)
    parser.add_argument("--workers", type=int, default=WORKERS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="gkparse-cluster-bench-"))
    try:
        paths = make_inputs(folder / "in", args.inputs) if (folder / "in").mkdir() is None else []
        paths_file = folder / "paths.json"
        paths_file.write_text(json.dumps(paths))
        before = ceiling(args.workers)
        serial = one_process(paths_file, folder / "serial.jsonl")
        dask = cluster(paths, folder / "cluster.jsonl", args.workers)
        after = ceiling(args.workers)
        cpu = sum(dask["worker_cpu_seconds"]) + dask["client_cpu_seconds"]
        figures = {
            "inputs": args.inputs, "workers": args.workers, "one_process": serial, "cluster": dask,
            "speedup": round(serial["seconds"] / dask["seconds"], 2),
            "machine_ceiling": [before, after],
            "cpu_allows": round(args.workers * serial["cpu_seconds"] / cpu, 2),
            "identical": same_lines(folder / "serial.jsonl", folder / "cluster.jsonl"),
        }
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        s, c = figures["one_process"], figures["cluster"]
        print(f"{args.inputs} inputs: one process {s['seconds']:.1f} s ({args.inputs / s['seconds']:.0f}/s, "
              f"peak {s['peak_rss_mib']:.0f} MiB); LocalCluster of {args.workers}: {c['seconds']:.1f} s "
              f"({args.inputs / c['seconds']:.0f}/s; start {c['start_seconds']:.1f} s; worker peaks "
              f"{', '.join(f'{m:.0f}' for m in c['worker_peak_rss_mib'])} MiB): {figures['speedup']}x "
              f"(machine ceiling {figures['machine_ceiling']}, CPU time allows {figures['cpu_allows']}x); "
              f"same lines: {figures['identical']}")
    return figures


if __name__ == "__main__":
    main()
