"""Measure the parser: throughput into models, cold start, and a 1 GB log scan.

    python bench/parse_bench.py            # everything (writes ~1 GB under bench/data/)
    python bench/parse_bench.py --no-log   # skip the 1 GB scan

Figures, against the targets of the parser issue:
- MB/s of `gmr.parse` into models over >= 20 MB of real reports, next to `str.splitlines`
  MB/s on the same text in the same run, and their ratio (target >= 10 MB/s and >= 0.05;
  below 5 MB/s is a failure);
- the same reports, each as the file it would be, into the compact form a fleet diff
  keeps of a node (`gmr.parsing.compact`, else the full parse), against the same
  splitlines: target >= 0.08 (the fleet-scale issue); and the same with every section
  read as if no node of its layout came before (a report of a kind not seen yet);
- wall time of a cold `gmr parse one.txt --json` (target <= 0.3 s);
- a 1 GB service log holding a few reports, scanned by `gmr.iter_file` in a fresh
  process: peak RSS (target <= 300 MB) and MB/s (target >= 50 MB/s).

The reports are the shipped samples (real nova, neutron, cinder and glance reports) plus
reports from the real oslo.reports generator with 1,600 options each, repeated to size,
each copy with three option values of its own, as a fleet's nodes differ.
Exit status 1 when a figure misses its target.
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
sys.path.insert(0, str(ROOT / "tests"))


def generated_reports() -> list[str]:
    """Three real reports of 1,600 options each, of every kind."""
    import generator as gen

    kinds = [("str", "value-{}"), ("int", 7), ("float", 1.5), ("bool", True),
             ("list", ["a", "b", "c"]), ("dict", {"k": "v", "j": "w"})]
    texts = []
    for seed in range(3):
        rng = random.Random(seed)
        options = []
        for n in range(1600):
            kind, value = rng.choice(kinds)
            if kind == "str":
                value = value.format(n)
            options.append(gen.OptionSpec(f"group_{n % 60}", f"option_{n}", kind, value,
                                          secret=rng.random() < 0.02))
        texts.append(gen.generate(gen.ReportSpec(options=tuple(options), threads=4,
                                                 greenlets=8, children=2)).text)
    gen.shutdown_workers()
    return texts


#: An option's line (or a dict entry's) with a value printed: not masked, not empty, not a list.
OPTION_LINE = re.compile(r"^  +\S+ = ([^\s\[{*].*)$", re.MULTILINE)


def as_node(text: str, copy: int) -> str:
    """The `copy`-th node printing this report: the same options, three of whose values
    are its own (as a fleet's nodes differ in host name and addresses)."""
    start = text.rfind("Configuration")
    values = list(OPTION_LINE.finditer(text, start)) if start >= 0 else []
    for match in sorted(random.Random(copy).sample(values, min(3, len(values))),
                        key=lambda match: match.start(), reverse=True):
        text = f"{text[:match.end(1)]}-{copy}{text[match.end(1):]}"
    return text


def corpus(megabytes: int) -> list[str]:
    """The reports repeated to size, each copy a node of its own (`as_node`)."""
    reports = [p.read_text() for p in sorted((ROOT / "samples").glob("*.txt"))]
    reports += generated_reports()
    parts, size = [], 0
    while size < megabytes * 1_000_000:
        for text in reports:
            part = as_node(text, len(parts))
            parts.append(part if part.endswith("\n") else part + "\n")
            size += len(parts[-1])
    return parts


def best_of(runs: int, *works) -> list[float]:
    """The best time of each of `works`, run in turn `runs` times: this machine's speed
    drifts over seconds, and a ratio of two figures holds only if both saw the same."""
    times = [[] for _ in works]
    for _ in range(runs):
        for work, taken in zip(works, times):
            gc.collect()
            start = time.perf_counter()
            work()
            taken.append(time.perf_counter() - start)
    return [min(taken) for taken in times]


def throughput(megabytes: int) -> bool:
    """`gmr.parse` of the whole corpus into models, and each report of it, as the file
    it would be, into the compact form a fleet diff keeps of a node
    (`gmr.diff.inputs.nodes_of` without the read: `read_compact`, or the full parse where
    it declines), each against `str.splitlines` of the whole corpus timed in the same
    rounds (and, for the compact form, of each report on its own)."""
    import gmr
    from gmr.diff.nodes import node_from_compact, node_from_report
    from gmr.parsing import section
    from gmr.parsing.compact import read_compact
    from gmr.parsing.scan import parse

    parts = corpus(megabytes)
    text = "".join(parts)
    size = len(text.encode()) / 1e6
    gmr.parse(text[:100_000])  # build the parser outside the timing
    declined = sum(read_compact(part) is None for part in parts)
    found = []

    def compact(first_sight: bool = False) -> None:
        for part in parts:
            if first_sight:
                section._LAYOUTS.clear()
            read = read_compact(part)
            if read is None:
                [node_from_report(report) for report in parse(part)]
            else:
                node_from_compact(read)

    split, parsed, compacted, each, unseen = best_of(
        5, text.splitlines, lambda: found.append(len(gmr.parse(text))), compact,
        lambda: [part.splitlines() for part in parts], lambda: compact(first_sight=True))
    split_rate, rate, compact_rate = size / split, size / parsed, size / compacted
    print(f"corpus: {size:.1f} MB, {found[0]} reports")
    print(f"str.splitlines: {split_rate:8.1f} MB/s")
    print(f"gmr.parse:      {rate:8.1f} MB/s into models   ratio {rate / split_rate:.3f}")
    print(f"compact form:   {compact_rate:8.1f} MB/s into nodes    ratio "
          f"{compact_rate / split_rate:.3f} ({compact_rate * each / size:.3f} of splitlines "
          f"report by report at {size / each:.0f} MB/s; {declined} of {len(parts)} reports "
          "parsed in full)")
    print(f"  each section read as if its layout were new: {size / unseen:.1f} MB/s, ratio "
          f"{size / unseen / split_rate:.3f}")
    return rate >= 10 and rate / split_rate >= 0.05 and compact_rate / split_rate >= 0.08


def cold_start() -> bool:
    sample = ROOT / "samples" / "nova-34.0.0-compute-node1.txt"
    command = [sys.executable, "-m", "gmr", "parse", str(sample), "--json"]
    times = []
    for _ in range(11):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    print(f"cold `gmr parse one.txt --json`: median {statistics.median(times):.3f} s, "
          f"best {min(times):.3f} s")
    return statistics.median(times) <= 0.3


def big_log(gigabytes: float) -> Path:
    """A service log of ordinary oslo.log records with four reports spread through it."""
    path = DATA / f"service-{gigabytes:g}GB.log"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    report = (ROOT / "samples" / "nova-34.0.0-compute-node1.txt").read_text()
    record = ("2026-11-25 14:01:{:02d}.{:06d} 4242 INFO nova.compute.manager "
              "[req-5d1c2a7e-0b7e-4a43-9a1e-6c0c8e1f3b2a - - - - -] "
              "[instance: 9f0b6c1e-8d2a-4c55-b1e4-3f7a2d9c8e10] Took 0.42 seconds to "
              "spawn the instance on the hypervisor.\n")
    block = "".join(record.format(n % 60, n) for n in range(10_000))
    target = int(gigabytes * 1_000_000_000)
    written = 0
    with path.open("w") as out:
        blocks = 0
        while written < target:
            out.write(block)
            written += len(block)
            blocks += 1
            if blocks % 150 == 75:
                out.write(report)
                written += len(report)
    return path


# Peak RSS is read from VmHWM: getrusage's ru_maxrss would carry over the high-water
# mark of this (large) process into the exec'ed child.
SCAN = """
import re, sys, time
import gmr
start = time.perf_counter()
count = sum(1 for _ in gmr.iter_file(sys.argv[1]))
elapsed = time.perf_counter() - start
status = open("/proc/self/status").read()
peak = int(re.search(r"VmHWM:\\s+(\\d+) kB", status).group(1)) / 1024
print(count, elapsed, peak)
"""


def log_scan(gigabytes: float) -> bool:
    path = big_log(gigabytes)
    size = path.stat().st_size / 1e6
    output = subprocess.run([sys.executable, "-c", SCAN, str(path)], check=True,
                            capture_output=True, text=True).stdout.split()
    count, elapsed, peak = int(output[0]), float(output[1]), float(output[2])
    print(f"log scan: {size:.0f} MB, {count} reports, {size / elapsed:.0f} MB/s, "
          f"peak RSS {peak:.0f} MB")
    return size / elapsed >= 50 and peak <= 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=20, help="size of the parse corpus")
    parser.add_argument("--log-gigabytes", type=float, default=1.0)
    parser.add_argument("--no-log", action="store_true", help="skip the big log scan")
    args = parser.parse_args()
    results = [throughput(args.megabytes), cold_start()]
    if not args.no_log:
        results.append(log_scan(args.log_gigabytes))
    print("all targets met" if all(results) else "TARGET MISSED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
