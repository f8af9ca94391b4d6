"""The nightly fuzz run: mutated real reports through parse, diff and lint.

    python bench/fuzz.py                 # 100,000 inputs on every core
    python bench/fuzz.py --inputs 5000 --seed 7

Every sample in samples/ is mutated (bit flips, insertions, truncation at and around
section boundaries, duplicated and shuffled lines, invalid UTF-8, NUL bytes, mixed line
ends, a journald prefix whose writer changes mid-report, banners without a body), then
fed to tests/fuzzing.py's oracle; each process also runs the expensive cases (a thousand
banners, a 10 MB line) once. An exception other than GmrError, or an input that takes
more than 20 s, is a failure: the input is saved under bench/data/fuzz-failures/ and
the run exits 1. Then every sample is cut after every line's start, middle and end, and
each cut must parse as a report flagged truncated (`check_cuts`). Prints the number of
inputs and cuts, failures, the time taken and the peak RSS.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import resource
import signal
import sys
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from itertools import chain
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAILURES = ROOT / "bench" / "data" / "fuzz-failures"
sys.path.insert(0, str(ROOT / "tests"))

TIME_LIMIT = 20


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no result after {TIME_LIMIT} s")


def run_share(seed: int, count: int) -> tuple[int, list[str], float]:
    """Fuzz `count` inputs from `seed`; returns inputs run, failures, peak RSS in MB."""
    from fuzzing import check, long_line, many_banners, mutate

    signal.signal(signal.SIGALRM, _alarm)
    samples = [p.read_bytes() for p in sorted((ROOT / "samples").rglob("*.txt"))]
    rng = random.Random(seed)
    failures = []
    expensive = [("many-banners", many_banners(samples[0], rng)),
                 ("10MB-line", long_line(samples[0], rng))]
    # One input at a time: the mutated inputs are made as they are needed.
    cases = chain(expensive, (mutate(rng.choice(samples), rng) for _ in range(count)))
    done = 0
    for name, data in cases:
        signal.alarm(TIME_LIMIT)
        try:
            check(data)
        except Exception:  # noqa: BLE001 - anything but GmrError is what we look for
            digest = hashlib.sha256(data).hexdigest()[:16]
            FAILURES.mkdir(parents=True, exist_ok=True)
            (FAILURES / f"{digest}.txt").write_bytes(data)
            failures.append(f"{name} {digest}: {traceback.format_exc().splitlines()[-1]}")
        finally:
            signal.alarm(0)
        done += 1
    return done, failures, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_cuts(path: Path) -> tuple[int, list[str]]:
    """Cut one sample after every line's start, middle and end (`check_cuts`): a report
    cut short must parse, flagged truncated, never fail."""
    from fuzzing import check_cuts

    try:
        return check_cuts(path.read_text()), []
    except Exception:  # noqa: BLE001 - the failing cut is in the message
        return 0, [f"cuts of {path.name}: {traceback.format_exc().splitlines()[-1]}"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    start = time.perf_counter()
    shares = [args.inputs // args.jobs + (n < args.inputs % args.jobs) for n in range(args.jobs)]
    samples = sorted((ROOT / "samples").rglob("*.txt"))
    with ProcessPoolExecutor(args.jobs) as pool:
        results = list(pool.map(run_share, [args.seed * 1000 + n for n in range(args.jobs)],
                                shares))
        cut_results = list(pool.map(run_cuts, samples))
    inputs = sum(r[0] for r in results)
    cuts = sum(r[0] for r in cut_results)
    failures = [f for r in results for f in r[1]] + [f for r in cut_results for f in r[1]]
    peak = max(r[2] for r in results)
    for failure in failures:
        print(failure)
    print(f"{inputs} inputs and {cuts} cuts of {len(samples)} samples in "
          f"{time.perf_counter() - start:.0f} s on {args.jobs} processes: "
          f"{len(failures)} failures; peak RSS per process {peak:.0f} MB")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
