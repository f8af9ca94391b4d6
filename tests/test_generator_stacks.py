"""Stack scenarios and snapshots of tests/generator.py, read back with gmr.parse.

One series of three reports of one process, by three real SIGUSR2 signals, with
every scenario arranged (real oslo.concurrency, threading, socket, futurist and
eventlet code paths), is made once per session and shared: the worker it needs
costs about a second.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import gmr

try:  # tests/ as a package (tests/__init__.py) or as a rootdir on sys.path
    from . import generator as gen
except ImportError:
    import generator as gen

COUNT = 3
STUCK_ROLES = (
    "lock_holder", "lock_waiter", "plain_lock_holder", "plain_lock_waiter", "socket_reader",
    "command_runner", "executor_worker_0", "executor_worker_1", "executor_worker_2",
)
BUSY_ROLES = ("busy_0", "busy_1")


@pytest.fixture(scope="session")
def series():
    """(GeneratedReport, parsed Report) for each of the three snapshots."""
    spec = gen.ReportSpec(scenarios=tuple(gen.SCENARIOS), threads=1, greenlets=1)
    reps = gen.generate_snapshots(spec, COUNT)
    return [(rep, _only(gmr.parse(rep.text))) for rep in reps]


def _only(reports):
    assert len(reports) == 1
    return reports[0]


def sig(frames):
    """What two stacks must share to be the same: file, line, function of every frame."""
    return tuple((f.file, f.line, f.function) for f in frames)


def names(frames):
    return [(os.path.basename(f.file), f.function) for f in frames]


def thread(report, ident):
    (found,) = [t for t in report.threads if t.id == ident]
    return found


def greens(report, function):
    """The green threads whose stacks pass through `function`."""
    return [g for g in report.green_threads if any(f.function == function for f in g.frames)]


def green(report, function):
    (found,) = greens(report, function)
    return found


# ---------------------------------------------------------------------------
# One process, three signals
# ---------------------------------------------------------------------------
def test_snapshots_are_of_one_process_in_time_order(series):
    reps = [rep for rep, _ in series]
    assert len(reps) == COUNT
    assert len({rep.pid for rep in reps}) == 1
    assert [rep.taken_at for rep in reps] == sorted(rep.taken_at for rep in reps)
    assert len({rep.text for rep in reps}) == COUNT  # the busy threads moved
    for rep, report in series:
        assert report.processes is not None
        assert next(iter(report.processes)).pid == rep.pid
        assert rep.roles == reps[0].roles


def test_every_arranged_thread_is_in_every_report(series):
    for rep, report in series:
        roles = set(rep.roles)
        assert roles == set(STUCK_ROLES) | set(BUSY_ROLES)
        ids = [t.id for t in report.threads]
        assert len(ids) == len(set(ids))
        # the arranged ones, the spec's parked thread and the main thread
        assert len(ids) == len(roles) + 2
        assert set(rep.roles.values()) <= set(ids)


# ---------------------------------------------------------------------------
# What each native scenario looks like
# ---------------------------------------------------------------------------
def test_lockutils_holder_sleeps_inside_and_waiter_blocks_in_acquire(series):
    rep, report = series[0]
    holder = thread(report, rep.roles["lock_holder"]).frames
    assert names(holder)[-3:] == [
        ("_oslo_worker.py", "lockutils_holder"), ("lockutils.py", "inner"),
        ("_oslo_worker.py", "claim_resources"),
    ]
    assert holder[-1].source == "time.sleep(FOREVER)"
    waiter = thread(report, rep.roles["lock_waiter"]).frames
    assert names(waiter)[-6:] == [
        ("_oslo_worker.py", "lockutils_waiter"), ("lockutils.py", "inner"),
        ("contextlib.py", "__enter__"), ("lockutils.py", "lock"),
        ("threading.py", "acquire"), ("threading.py", "wait"),
    ]
    assert waiter[-3].source == "with int_lock:"


def test_plain_threading_lock(series):
    rep, report = series[0]
    holder = thread(report, rep.roles["plain_lock_holder"]).frames
    assert (holder[-1].function, holder[-1].source) == ("plain_lock_holder", "time.sleep(FOREVER)")
    waiter = thread(report, rep.roles["plain_lock_waiter"]).frames
    assert (waiter[-1].function, waiter[-1].source) == (
        "plain_lock_waiter", "_PLAIN_LOCK.acquire()"
    )


def test_socket_reader_blocks_in_recv(series):
    rep, report = series[0]
    frames = thread(report, rep.roles["socket_reader"]).frames
    assert names(frames)[-2:] == [("_oslo_worker.py", "socket_reader"), ("socket.py", "readinto")]
    assert "recv_into" in frames[-1].source


def test_command_runner_waits_for_its_child(series):
    rep, report = series[0]
    frames = names(thread(report, rep.roles["command_runner"]).frames)
    assert frames[-5:] == [
        ("_oslo_worker.py", "run_command"), ("processutils.py", "execute"),
        ("subprocess.py", "communicate"), ("subprocess.py", "_communicate"),
        ("selectors.py", "select"),
    ]
    (me,) = [p for p in report.processes if p.pid == rep.pid]
    assert len(me.children) == 1


def test_idle_executor_workers_wait_for_work(series):
    rep, report = series[0]
    for i in range(3):
        frames = thread(report, rep.roles[f"executor_worker_{i}"]).frames
        assert names(frames)[-4:] == [
            ("_thread.py", "run"), ("_thread.py", "_wait_for_work"),
            ("queue.py", "get"), ("threading.py", "wait"),
        ]
        assert "futurist" in frames[-4].file


def test_stuck_threads_keep_their_stacks_and_busy_ones_move(series):
    first_rep, first = series[0]
    for role in STUCK_ROLES:
        ident = first_rep.roles[role]
        stacks = {sig(thread(report, ident).frames) for _, report in series}
        assert len(stacks) == 1, role
    for role in BUSY_ROLES:
        ident = first_rep.roles[role]
        stacks = [sig(thread(report, ident).frames) for _, report in series]
        for k, (_, report) in enumerate(series):
            functions = [f.function for f in thread(report, ident).frames]
            assert f"busy_phase_{k % 3}" in functions, (role, k)
        assert len(set(stacks)) == COUNT, role


# ---------------------------------------------------------------------------
# eventlet
# ---------------------------------------------------------------------------
def test_eventlet_green_threads(series):
    _, report = series[0]
    holder = names(green(report, "green_holder").frames)
    assert holder[-3:] == [("_oslo_worker.py", "green_holder"), ("greenthread.py", "sleep"),
                           ("hub.py", "switch")]
    waiters = greens(report, "green_waiter")
    assert len(waiters) == 3 and len({sig(g.frames) for g in waiters}) == 1
    waiter = names(waiters[0].frames)
    assert ("semaphore.py", "acquire") in waiter and waiter[-1] == ("hub.py", "switch")
    sleeper = names(green(report, "green_sleeper").frames)
    assert sleeper[-2:] == [("greenthread.py", "sleep"), ("hub.py", "switch")]
    mover = names(green(report, "green_mover").frames)
    assert ("_oslo_worker.py", "green_phase_0") in mover and ("event.py", "wait") in mover
    # the hub itself, and the running main greenlet ("No Traceback!")
    assert any(("hub.py", "run") in names(g.frames) for g in report.green_threads)
    assert any(not g.frames for g in report.green_threads)
    # the spec's own parked greenlet is there as well
    green(report, "gmr_green_thread_0")


def test_green_threads_stuck_and_moving(series):
    for function in ("green_holder", "green_waiter", "green_sleeper", "gmr_green_thread_0"):
        stacks = {sig(g.frames) for _, report in series for g in greens(report, function)}
        assert len(stacks) == 1, function
    movers = [green(report, "green_mover").frames for _, report in series]
    for k, frames in enumerate(movers):
        assert f"green_phase_{k % 3}" in [f.function for f in frames]
    assert len({sig(frames) for frames in movers}) == COUNT


# ---------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------
def test_snapshots_without_scenarios_share_the_worker_and_keep_its_children():
    spec = gen.ReportSpec(threads=1, greenlets=1, children=1, trigger="file", delivery="log_dir")
    reps = gen.generate_snapshots(spec, 2)
    assert reps[0].pid == reps[1].pid == gen.worker_info()["pid"]
    assert reps[0].children == reps[1].children
    parsed = [_only(gmr.parse(rep.text)) for rep in reps]
    assert all(rep.log_file_name for rep in reps)
    assert [p.pid for p in parsed[0].processes] == [p.pid for p in parsed[1].processes]
    parked = [
        {sig(t.frames) for t in report.threads
         if any(f.function.startswith("gmr_native_thread_") for f in t.frames)}
        for report in parsed
    ]
    assert len(parked[0]) == 1 and parked[0] == parked[1]


def test_generate_with_a_scenario_and_no_greenlet():
    rep = gen.generate(gen.ReportSpec(scenarios=("plain_lock",), threads=0, greenlets=0,
                                      greenlet_available=False))
    report = _only(gmr.parse(rep.text))
    assert report.green_threads is None
    assert set(rep.roles) == {"plain_lock_holder", "plain_lock_waiter"}
    assert len(report.threads) == 3
    waiter = thread(report, rep.roles["plain_lock_waiter"]).frames
    assert waiter[-1].function == "plain_lock_waiter"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"scenarios": ("deadlock",)}, "scenarios must be among"),
        ({"scenarios": ("lock", "lock")}, "a scenario may be given once"),
        ({"scenarios": ("eventlet",), "greenlet_available": False}, "needs greenlet_available"),
    ],
)
def test_invalid_scenarios(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gen.ReportSpec(**kwargs)


def test_invalid_snapshot_requests():
    with pytest.raises(ValueError, match="count must be"):
        gen.generate_snapshots(gen.ReportSpec(), 0)
    with pytest.raises(ValueError, match="script is only for"):
        gen.generate_snapshots(gen.ReportSpec(), 1, script=gen.WORKER_SCRIPT)


# ---------------------------------------------------------------------------
# The committed samples (tools/make_stacks_samples.py)
# ---------------------------------------------------------------------------
STACK_SAMPLES = sorted(
    (Path(__file__).resolve().parent.parent / "samples" / "stacks").glob("*_gurumeditation_*")
)


def test_stack_samples_are_snapshots_of_one_process():
    reports = [_only(gmr.parse_file(path)) for path in STACK_SAMPLES]
    assert len(reports) == 3
    assert {(r.node, r.program, next(iter(r.processes)).pid) for r in reports} == {
        ("compute1", "nova-compute", next(iter(reports[0].processes)).pid)
    }
    assert all(not r.warnings for r in reports)
    by_id = [{t.id: sig(t.frames) for t in r.threads} for r in reports]
    assert by_id[0].keys() == by_id[1].keys() == by_id[2].keys()
    busy = {i for i, frames in by_id[0].items() if any(f[2] == "busy_phase_0" for f in frames)}
    assert len(busy) == 2
    for ident in by_id[0]:
        distinct = len({stacks[ident] for stacks in by_id})
        assert distinct == (3 if ident in busy else 1), ident
    greens = [sorted(sig(g.frames) for g in r.green_threads) for r in reports]
    moved = [set(a) ^ set(b) for a, b in zip(greens, greens[1:])]
    assert all(len(m) == 2 for m in moved)  # only the green mover's stack changed
