"""Measure what the knowledge base costs: its size in the wheel, and cold commands.

    python bench/knowledge_bench.py

Prints the size of gmr/knowledge/data (target: a few MB at most), then the median wall
time of five cold runs, each a fresh interpreter, of `gmr config` on a real report
(target <= 0.5 s) and of `gmr parse --json` on the same report (target <= 0.3 s: the
knowledge base must not slow parsing). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "gmr" / "knowledge" / "data"
REPORT = ROOT / "samples" / "releases" / "nova-31.3.1-compute-config.txt"
RUNS = 5

#: (command, target in seconds)
COMMANDS = ((("config", str(REPORT)), 0.5), (("parse", str(REPORT), "--json"), 0.3))


def cold(args: tuple[str, ...]) -> float:
    """Median wall time of `gmr ARGS` in a fresh interpreter, output discarded."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "gmr", *args], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    files = sorted(DATA.glob("*.json.gz"))
    size = sum(path.stat().st_size for path in files)
    print(f"knowledge data: {size / 1024:.0f} KB in {len(files)} files (target: a few MB)")
    missed = 0
    for args, target in COMMANDS:
        seconds = cold(args)
        missed += seconds > target
        print(f"cold gmr {' '.join(args[:1] + args[2:])} {REPORT.name}: {seconds:.3f} s "
              f"(median of {RUNS}, target <= {target} s)")
    return 1 if missed or size > 5 * 1024 * 1024 else 0


if __name__ == "__main__":
    sys.exit(main())
