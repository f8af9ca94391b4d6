"""Measure `gmr diff`: a 2-way diff after parsing, and a 1,000-report fleet end to end.

    python bench/diff_bench.py

Figures, against the targets of the diff issue:
- the 2-way diff of two ~1,600-option reports, parsing excluded (target <= 5 ms);
- `gmr diff DIR --json` over 1,000 report files, parsing included and the cache off:
  wall time (target <= 20 s on 2 cores), how busy the cores were, and the peak RSS of
  the whole process tree (target <= 1 GB), measured as bench/fleet_bench.py measures.

The reports come from the real oslo.reports generator: one nova-compute-like node with
1,600 options of every kind, and the same node with one deliberate difference. The
fleet repeats them with each node's own host name and address written in, as every
node of a real fleet prints its own; one node in fifty carries the difference.
Exit status 1 when a figure misses its target.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
FLEET = ROOT / "bench" / "data" / "fleet"
sys.path.insert(0, str(ROOT / "tests"))

NODES = 1000
OWN_IP = "10.77.0.1"
OWN_HOST = "compute-template"


def node_reports() -> tuple[str, str]:
    """A 1,600-option report and the same with cpu_allocation_ratio changed."""
    import generator as gen

    rng = random.Random(0)
    kinds = [("str", "value-{}"), ("int", 7), ("float", 1.5), ("bool", True),
             ("list", ["a", "b", "c"]), ("dict", {"k": "v", "j": "w"})]
    options = [
        gen.OptionSpec("DEFAULT", "host", "hostaddress", OWN_HOST),
        gen.OptionSpec("DEFAULT", "my_ip", "ip", OWN_IP),
        gen.OptionSpec("vnc", "server_listen", "ip", OWN_IP),
        gen.OptionSpec("libvirt", "live_migration_inbound_addr", "str", OWN_HOST),
    ]
    for n in range(1596):
        kind, value = rng.choice(kinds)
        options.append(gen.OptionSpec(f"group_{n % 60}", f"option_{n}", kind,
                                      value.format(n) if kind == "str" else value,
                                      secret=rng.random() < 0.02))
    texts = []
    for ratio in (4.0, 16.0):
        spec = gen.ReportSpec(options=(*options, gen.OptionSpec(
            "DEFAULT", "cpu_allocation_ratio", "float", ratio)), threads=4, greenlets=4,
            children=2)
        texts.append(gen.generate(spec).text)
    gen.shutdown_workers()
    return texts[0], texts[1]


def as_node(text: str, n: int) -> str:
    return text.replace(OWN_HOST, f"compute{n:04d}").replace(OWN_IP, f"10.77.{n // 250}.{n % 250 + 1}")


def two_way(normal: str, different: str) -> bool:
    import gmr
    from gmr import diff_reports

    first, second = gmr.parse(as_node(normal, 1))[0], gmr.parse(as_node(different, 2))[0]
    options = sum(len(group.options) for group in first.configuration)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        result = diff_reports([first, second])
        times.append(time.perf_counter() - start)
    found = [(d.group, d.option) for d in result.differences]
    median = statistics.median(times) * 1000
    print(f"2-way diff of two {options}-option reports: median {median:.2f} ms, "
          f"best {min(times) * 1000:.2f} ms (found {found})")
    return median <= 5 and found == [("default", "cpu_allocation_ratio")]


def write_fleet(normal: str, different: str) -> None:
    if FLEET.exists():
        shutil.rmtree(FLEET)
    FLEET.mkdir(parents=True)
    for n in range(NODES):
        text = different if n % 50 == 7 else normal
        (FLEET / f"compute{n:04d}.txt").write_text(as_node(text, n))


def fleet() -> bool:
    import json
    import tempfile

    from fleet_bench import run

    size = sum(p.stat().st_size for p in FLEET.iterdir()) / 1e6
    with tempfile.TemporaryDirectory() as cache:
        result = run(["diff", str(FLEET), "--json", "--no-cache"], cache)
    outliers = {name for d in json.loads(result["stdout"])["differences"]
                for name in d["outliers"]}
    expected = {f"compute{n:04d}" for n in range(NODES) if n % 50 == 7}
    print(f"fleet diff of {NODES} reports ({size:.0f} MB): {result['wall']:.1f} s wall, "
          f"{result['cores']:.2f} cores busy, peak RSS {result['peak'] / 1e6:.0f} MB, "
          f"exit {result['exit']}, outliers found {len(outliers)}/{len(expected)}")
    return result["wall"] <= 20 and result["peak"] <= 1e9 and outliers == expected and \
        result["exit"] == 1


def main() -> int:
    normal, different = node_reports()
    results = [two_way(normal, different)]
    write_fleet(normal, different)
    results.append(fleet())
    print("all targets met" if all(results) else "TARGET MISSED")
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
