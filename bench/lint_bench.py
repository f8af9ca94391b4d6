"""Measure `gmr lint` on one report, parsing excluded (target <= 5 ms).

    python bench/lint_bench.py

Runs every built-in rule over each shipped sample (real nova, neutron, cinder and glance
reports) many times and prints the median per report. Exit status 1 when the slowest
sample misses the target.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import gmr
from gmr import lint_reports
from gmr.lint import BUILTIN

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    worst = 0.0
    for path in sorted((ROOT / "samples").glob("*.txt")):
        (report,) = gmr.parse_file(path)
        options = sum(len(group.options) for group in report.configuration)
        lint_reports([report])  # load the rules outside the timing
        times = []
        for _ in range(200):
            start = time.perf_counter()
            result = lint_reports([report])
            times.append(time.perf_counter() - start)
        median = statistics.median(times) * 1000
        worst = max(worst, median)
        print(f"{path.name:40} {options:5} options  {median:6.2f} ms  "
              f"({len(result.findings)} findings, {len(BUILTIN)} rules)")
    print(f"slowest: {worst:.2f} ms per report (target <= 5 ms)")
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
