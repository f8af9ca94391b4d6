#!/usr/bin/env python3
"""Write three snapshots of one process with every stack scenario to samples/stacks/.

A maintainer's tool, run by hand; CI and the tests never run it. It uses the
test generator (tests/generator.py, ``generate_snapshots``): a copy of its
worker, named ``~/.cache/gmr-samples/stacks/bin/nova-compute``, is started with every scenario of
``generator.SCENARIOS`` arranged inside it (a lockutils lock held by a
sleeping thread with a second thread waiting for it, a threading.Lock held
and waited for, a thread blocked reading a socket pair, a thread in
processutils.execute waiting for its command, two busy threads, an idle
futurist executor, an eventlet hub with green threads on a semaphore,
asleep and moving). Then three real SIGUSR2 signals, ``--interval`` seconds
apart, make the installed oslo.reports write three reports into its
``[oslo_reports] log_dir``; each is copied to samples/stacks/ under the name
oslo.reports gave it, ``nova-compute_gurumeditation_<UTC %Y%m%d%H%M%S>``, so
the names tell when each report was taken. Nothing is edited.

Only the program's name is nova-compute's: the code paths in the stacks are
the real oslo.concurrency, threading, socket, subprocess, futurist and
eventlet ones, called from the worker's own functions (``claim_resources``,
``socket_reader``, ``run_command``, ``busy_phase_<k>``, ``green_holder``, ...). Between the
signals the stuck threads stay where they are and the busy ones move on.

Usage::

    python tools/make_stacks_samples.py              # replaces samples/stacks/*
    python tools/make_stacks_samples.py --interval 5
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "stacks"
# A fixed place for the renamed worker, so a second run prints the same paths.
BIN = Path.home() / ".cache" / "gmr-samples" / "stacks" / "bin"
sys.path.insert(0, str(ROOT / "tests"))

import generator as gen  # noqa: E402

PROGRAM = "nova-compute"
OPTIONS = (
    gen.OptionSpec("DEFAULT", "host", "hostaddress", "compute1"),
    gen.OptionSpec("DEFAULT", "my_ip", "ip", "10.20.30.11"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--count", type=int, default=3, help="reports to take (default 3)")
    parser.add_argument("--interval", type=float, default=2.0,
                        help="seconds between signals (>= 1, so the names differ; default 2)")
    args = parser.parse_args(argv)
    if args.interval < 1:
        parser.error("--interval must be >= 1: oslo.reports names files to the second")

    spec = gen.ReportSpec(
        options=OPTIONS,
        package=("OpenStack Nova", "OpenStack Foundation", "34.0.0"),
        threads=0,
        greenlets=0,
        scenarios=tuple(gen.SCENARIOS),
        delivery="log_dir",
    )
    BIN.mkdir(parents=True, exist_ok=True)
    script = BIN / PROGRAM
    shutil.copyfile(gen.WORKER_SCRIPT, script)
    reports = gen.generate_snapshots(spec, args.count, args.interval, script=script)
    names = [rep.log_file_name for rep in reports]
    if len(set(names)) != len(names):
        raise SystemExit(f"two reports got one name: {names}")
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob(f"{PROGRAM}_gurumeditation_*"):
        old.unlink()
    for rep in reports:
        (OUT / rep.log_file_name).write_text(rep.text, encoding="utf-8", newline="")
        print(f"{OUT / rep.log_file_name}  pid {rep.pid}  {len(rep.text)} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
