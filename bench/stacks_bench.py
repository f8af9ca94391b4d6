"""Measure `gmr stacks`: one report after parsing, and 1,000 reports in bounded memory.

    python bench/stacks_bench.py

Figures, against the targets of the stacks issue:
- `gmr.analyse_stacks` on one parsed report (target <= 5 ms), median of 50 runs, each
  with fresh state (the built-in states loaded again, nothing named before): on the shipped nova-compute
  sample (3 threads) and on a generated report with 40 native threads and 300 green
  threads (a busy eventlet service);
- `gmr stacks --json DIR` over a folder of 100 and of 1,000 report files of one process
  (20 threads, 100 green threads each), parsing included: wall time and peak RSS;
  memory is bounded when 1,000 reports take about as much as 100 (target: less than
  1.5 times). Files, not one log holding them all: gmr's scanner keeps a log's lines
  while reports keep following each other (gmr/parsing/scan.py `_Window`), which
  grows with the log whatever the command.

Exit status 1 when a figure misses its target.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import gmr  # noqa: E402

SAMPLE = ROOT / "samples" / "nova-34.0.0-compute-node1.txt"
RUNS = 50
PER_REPORT_MS = 5.0
GROWTH = 1.5
MEASURE = """
import resource, sys, time
from gmr.cli import run
from gmr.cli.terminal import Terminal
import io
start = time.perf_counter()
code = run(["stacks", "--json", sys.argv[1]], Terminal(io.StringIO(), io.StringIO()))
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code)
"""


def per_report(text: str) -> float:
    """Median milliseconds of analyse_stacks on the report in `text`, parsing excluded."""
    from gmr.stacks import states

    (report,) = gmr.parse(text)
    times = []
    for _ in range(RUNS):
        states.builtin_states.cache_clear()
        states.builtin_states()
        start = time.perf_counter()
        gmr.analyse_stacks([report])
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def many(text: str, count: int, folder: Path) -> tuple[float, int]:
    """Seconds and peak RSS (MiB) of `gmr stacks --json` over `count` copies of `text`."""
    reports = folder / str(count)
    reports.mkdir()
    for n in range(count):
        (reports / f"report-{n:04}.txt").write_text(text)
    done = subprocess.run([sys.executable, "-c", MEASURE, str(reports)],
                          capture_output=True, text=True, check=True)
    seconds, rss, _code = done.stdout.split()
    return float(seconds), int(rss) // 1024


def main() -> int:
    import generator as gen

    busy = gen.generate(gen.ReportSpec(threads=40, greenlets=300)).text
    failed = False
    for name, text in (("nova-compute sample", SAMPLE.read_text()),
                       ("40 threads + 300 green threads", busy)):
        ms = per_report(text)
        failed |= ms > PER_REPORT_MS
        print(f"one report, {name}: {ms:.2f} ms (target <= {PER_REPORT_MS} ms)")
    fleet = gen.generate(gen.ReportSpec(threads=20, greenlets=100)).text
    with tempfile.TemporaryDirectory() as folder:
        hundred = many(fleet, 100, Path(folder))
        thousand = many(fleet, 1000, Path(folder))
    for count, (seconds, rss) in ((100, hundred), (1000, thousand)):
        print(f"{count} reports of one process: {seconds:.1f} s, peak RSS {rss} MiB")
    failed |= thousand[1] > GROWTH * hundred[1]
    print(f"memory growth from 100 to 1,000 reports: {thousand[1] / hundred[1]:.2f}x "
          f"(target < {GROWTH}x)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
