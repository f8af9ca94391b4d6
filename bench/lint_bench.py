"""Measure `gmr lint` on one report, parsing excluded (target <= 5 ms).

    python bench/lint_bench.py

Runs every built-in rule over each shipped sample (real nova, neutron, cinder and glance
reports) many times and prints the median per report; then the same over the report of
every service and release of the knowledge base at upstream's defaults
(tests/upstream_reports.py, made by the real oslo.reports generator), with how long
making those took. Exit status 1 when the slowest report misses the target.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Iterable

import gmr
from gmr import lint_reports
from gmr.lint import BUILTIN

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _timed(reports: Iterable[tuple[str, gmr.Report]], runs: int) -> float:
    """Print the median lint time of each report; return the slowest."""
    worst = 0.0
    for name, report in reports:
        options = sum(len(group.options) for group in report.configuration)
        lint_reports([report])  # load the rules outside the timing
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = lint_reports([report])
            times.append(time.perf_counter() - start)
        median = statistics.median(times) * 1000
        worst = max(worst, median)
        print(f"{name:40} {options:5} options  {median:6.2f} ms  "
              f"({len(result.findings)} findings, {len(BUILTIN)} rules)")
    return worst


def _upstream_defaults() -> list[tuple[str, gmr.Report]]:
    from upstream_reports import defaults_report, every_release

    start = time.perf_counter()
    reports = [(f"{service} {release} defaults", defaults_report(service, release))
               for service, release in every_release()]
    print(f"made {len(reports)} upstream-defaults reports in "
          f"{time.perf_counter() - start:.1f} s")
    return reports


def main() -> int:
    samples = [(path.name, gmr.parse_file(path)[0])
               for path in sorted((ROOT / "samples").glob("*.txt"))]
    worst = _timed(samples, 200)
    worst = max(worst, _timed(_upstream_defaults(), 30))
    print(f"slowest: {worst:.2f} ms per report (target <= 5 ms)")
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
