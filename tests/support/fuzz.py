"""The maintainers' long fuzz run of ``parse()`` (issue 14; ``docs/reliability.md``).

    python -m tests.support.fuzz --minutes 10 [--seed 1]

Mutates the fixtures (:mod:`tests.support.mutate`) and parses each mutant in this process,
for the given minutes of CPU. Reports every exception that is not a ``GkparseError`` (with
the seed and index that rebuild the input), the slowest inputs by CPU and the peak RSS.
Exit status 1 when an exception escaped, an input took over ``--max-cpu`` seconds, or the
peak RSS passed ``--max-mb``.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import traceback

import gkparse

from .mutate import SEEDS, mutate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0, help="CPU minutes to spend")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-cpu", type=float, default=2.0, help="CPU seconds one input may take")
    parser.add_argument("--max-mb", type=float, default=300.0, help="peak RSS in MB the run may reach")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    seeds = [path.read_bytes() for path in SEEDS]
    budget = args.minutes * 60
    start = time.process_time()
    slowest: list[tuple[float, int, str]] = []
    escaped = 0
    count = 0
    while time.process_time() - start < budget:
        index = rng.randrange(len(seeds))
        data = mutate(seeds[index], rng)
        began = time.process_time()
        try:
            gkparse.parse(data, origin=f"{SEEDS[index].name}#{count}").model_dump_json()
        except gkparse.GkparseError:
            pass
        except Exception:  # noqa: BLE001 - what the run is looking for
            escaped += 1
            print(f"ESCAPED at input {count} (seed {args.seed}, from {SEEDS[index].name}):", file=sys.stderr)
            traceback.print_exc()
        spent = time.process_time() - began
        if spent > args.max_cpu:
            print(f"SLOW: input {count} (seed {args.seed}, from {SEEDS[index].name}): {spent:.2f} s CPU", file=sys.stderr, flush=True)
        slowest = sorted([*slowest, (spent, count, SEEDS[index].name)], reverse=True)[:5]
        count += 1
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{count} inputs in {time.process_time() - start:.0f} s CPU; {escaped} non-GkparseError exceptions; peak RSS {peak:.0f} MB")
    for spent, number, name in slowest:
        print(f"  slowest: input {number} from {name}: {spent:.2f} s CPU")
    failed = escaped or (slowest and slowest[0][0] > args.max_cpu) or peak > args.max_mb
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
