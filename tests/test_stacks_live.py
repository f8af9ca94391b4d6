"""`gmr stacks` on three reports of one real process, taken by three real SIGUSR2.

The process is a small "nova" (its code under a `nova/` package, its Package section
OpenStack Nova, so its frames are the service's own) running real standard-library code
paths: a thread holding a lock while it sleeps, one waiting for that lock, one blocked
in a socket read, an idle ThreadPoolExecutor, and one that moves on between reports.
oslo.reports writes each report into its log_dir under its own time-stamped name.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import run_gmr

SERVICE = '''
import concurrent.futures, os, signal, socket, sys, threading, time

from oslo_config import cfg
from oslo_reports import guru_meditation_report as gmr, opts

claim_lock = threading.Lock()
held = threading.Event()
steps = [threading.Event() for _ in range(3)]


class Version:
    def product_string(self):
        return "OpenStack Nova"

    def vendor_string(self):
        return "OpenStack Foundation"

    def version_string_with_package(self):
        return "34.0.0"


def update_usage():
    with claim_lock:
        held.set()
        while True:
            time.sleep(0.05)


def instance_claim():
    held.wait()
    with claim_lock:
        pass


def read_reply(sock):
    return sock.recv(1024)


def step_0():
    steps[0].wait()
    step_1()


def step_1():
    steps[1].wait()
    step_2()


def step_2():
    steps[2].wait()


def main(log_dir):
    opts.set_defaults(cfg.CONF)
    cfg.CONF(args=[], project="nova", default_config_files=[], default_config_dirs=[])
    gmr.TextGuruMeditation.setup_autorun(Version(), service_name="nova-compute",
                                         log_dir=log_dir, conf=cfg.CONF)
    near, far = socket.socketpair()
    for target, args in ((update_usage, ()), (instance_claim, ()), (read_reply, (near,)),
                         (step_0, ())):
        threading.Thread(target=target, args=args, daemon=True).start()
    pool = concurrent.futures.ThreadPoolExecutor(2)
    pool.submit(int).result()
    time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGUSR2)
    time.sleep(1.1)
    steps[0].set()
    time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGUSR2)
    time.sleep(1.1)
    steps[1].set()
    time.sleep(0.2)
    os.kill(os.getpid(), signal.SIGUSR2)
    time.sleep(0.2)
    os._exit(0)
'''


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory) -> list[str]:
    root = tmp_path_factory.mktemp("service")
    package = root / "nova" / "compute"
    package.mkdir(parents=True)
    (root / "nova" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "manager.py").write_text(SERVICE)
    logs = root / "logs"
    logs.mkdir()
    subprocess.run([sys.executable, "-c", "import sys; from nova.compute.manager import "
                    f"main; main({str(logs)!r})"], cwd=root, check=True, timeout=60,
                   capture_output=True)
    reports = sorted(str(p) for p in logs.iterdir())
    assert len(reports) == 3
    return reports


def test_three_signals_find_the_stuck_threads_and_not_the_idle_or_moving(snapshots):
    ran = run_gmr("stacks", "--json", *snapshots)
    assert ran.returncode == 1, ran.stderr
    result = json.loads(ran.stdout)
    assert result["service"] == "nova" and len(result["reports"]) == 3
    stuck = {s["where"]: s for s in result["stuck"]}
    assert {where: s["state"] for where, s in stuck.items()} == {
        "nova/compute/manager.py:update_usage": "sleep",
        "nova/compute/manager.py:instance_claim": "lock",
        "nova/compute/manager.py:read_reply": "io",
    }
    assert all(s["reports"] == 3 and s["seconds"] >= 2 for s in stuck.values())
    groups = result["groups"]
    assert sum(g["count"] for g in groups) == result["threads"] + result["green_threads"]
    idle = [g for g in groups if g["state"] == "idle"]
    assert sum(g["count"] for g in idle) >= 1
    # the thread that moved on, and the main thread sending each signal from its own line
    assert len(result["changes"]["moved"]) == 2
    mover = next(g for g in groups if g["where"] == "nova/compute/manager.py:step_2")
    assert mover["threads"][0] in result["changes"]["moved"]


def test_the_stuck_threads_in_text(snapshots):
    out = run_gmr("stacks", *snapshots).stdout
    assert ("  stuck: thread" in out and "waiting on a lock in "
            "nova/compute/manager.py:instance_claim, unchanged in 3 consecutive reports over"
            in out)


def test_one_snapshot_names_them_without_calling_them_stuck(snapshots):
    ran = run_gmr("stacks", "--json", snapshots[0])
    result = json.loads(ran.stdout)
    assert ran.returncode == 0 and result["stuck"] == [] and result["changes"] is None
    states = {g["where"]: g["state"] for g in result["groups"]}
    assert states["nova/compute/manager.py:instance_claim"] == "lock"
    assert states["nova/compute/manager.py:step_0"] == "wait"
