"""`gmr stacks` on real reports: the shipped samples and the generator's, whose three
snapshots of one worker process come from three real SIGUSR2 signals."""

from __future__ import annotations

import json
import time
from pathlib import Path

import generator as gen
import jsonschema
import pytest
from conftest import SAMPLES, run_gmr

import gmr
from gmr.errors import ConfigError, InputError
from gmr.models import Frame
from gmr.stacks import analyse_stacks, load_states
from gmr.stacks.frames import Framer, shorten

NODE1 = str(SAMPLES / "nova-34.0.0-compute-node1.txt")
GLANCE = str(SAMPLES / "glance-33.0.0-api.txt")
CINDER = str(SAMPLES / "cinder-29.0.0-volume.txt")
SAMPLE_FILES = sorted(str(p) for p in SAMPLES.glob("*.txt"))


def one(path: str, **options):
    (result,) = gmr.analyse_stacks(gmr.parse_file(path), **options)
    return result


def check_partition(report, result) -> None:
    """Every thread and green thread of `report` is in exactly one group."""
    groups = result.groups
    ids = [i for g in groups if g.kind == "thread" for i in g.threads]
    assert sorted(ids) == sorted(t.id for t in report.threads or ())
    assert all(g.count == len(g.threads) for g in groups if g.kind == "thread")
    assert sum(g.count for g in groups if g.kind == "green") == len(report.green_threads or ())
    assert sum(g.count for g in groups) == result.threads + result.green_threads


@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda p: Path(p).name)
def test_every_thread_of_a_sample_is_in_exactly_one_group(path):
    (report,) = gmr.parse_file(path)
    check_partition(report, one(path))


def test_every_thread_of_a_generated_report_is_in_exactly_one_group():
    made = gen.generate(gen.ReportSpec(threads=5, lineless_threads=2, greenlets=6))
    (report,) = gmr.parse(made.text)
    (result,) = analyse_stacks([report])
    check_partition(report, result)
    assert result.threads >= 8 and result.green_threads == 7


def test_groups_are_named_from_real_library_frames():
    compute = one(NODE1)
    assert [(g.state, g.where) for g in compute.groups] == [
        ("idle", None), ("idle", None), ("idle", "nova/service.py:serve")]
    glance = {g.state: g for g in one(GLANCE).groups}
    assert glance["wait"].where == "glance/api/v2/cached_images.py:run"
    assert glance["report"].idle and glance["nostack"].kind == "green"
    assert {g.state for g in one(CINDER).groups} == {"idle", "nostack"}


def test_not_idle_groups_come_first_then_larger_ones():
    made = gen.generate(gen.ReportSpec(threads=2, greenlets=3))
    (result,) = analyse_stacks(gmr.parse(made.text))
    order = [(g.idle, -g.count) for g in result.groups]
    assert order == sorted(order) and not result.groups[0].idle


def test_loose_groups_ignore_line_numbers():
    # nova-compute's two looping calls sleep at lines 113 and 130 of the same function
    assert len(one(NODE1).groups) == 3
    loose = one(NODE1, loose=True)
    assert [g.count for g in loose.groups] == [2, 1]


def test_frames_are_shortened_and_the_services_own_are_told_apart():
    assert shorten("/usr/lib/python3/dist-packages/nova/compute/manager.py", "nova") == \
        "nova/compute/manager.py"
    assert shorten("/usr/lib/python3.11/threading.py", "nova") == "threading.py"
    assert shorten("/opt/stack/nova/nova/compute/manager.py", "nova") == \
        "nova/compute/manager.py"
    assert shorten("/srv/app.py", "nova") == "/srv/app.py"
    framer = Framer("nova")
    assert framer.file("/venv/lib/python3.11/site-packages/nova/service.py") == \
        ("nova/service.py", True)
    assert framer.file("/venv/lib/python3.11/site-packages/novaclient/v2.py") == \
        ("novaclient/v2.py", False)


SITE = "/usr/lib/python3/dist-packages/"


def state(*frames: tuple[str, str, str], service: str = "nova") -> str:
    """The state of a stack given as (file under site-packages, function, source)."""
    from gmr.stacks.grouping import Namer

    built = tuple(Frame(file=(SITE + f if "/" in f else "/usr/lib/python3.11/" + f), line=1,
                        function=fn, source=src) for f, fn, src in frames)
    return Namer(load_states(), Framer(service)).name(built).state.name


MANAGER = ("nova/compute/manager.py", "_build", "self.claim()")


@pytest.mark.parametrize("frames, expected", [
    ([MANAGER, ("oslo_concurrency/lockutils.py", "inner", "with lock(name):"),
      ("oslo_concurrency/lockutils.py", "lock", "with int_lock:"),
      ("threading.py", "acquire", "self._cond.wait(timeout)"),
      ("threading.py", "wait", "waiter.acquire()")], "lock"),
    ([("nova/compute/resource_tracker.py", "claim", "with self._lock:")], "lock"),
    ([MANAGER, ("oslo_db/sqlalchemy/enginefacade.py", "__enter__", "x"),
      ("pymysql/connections.py", "_read_bytes", "data = self._rfile.read(n)"),
      ("socket.py", "readinto", "return self._sock.recv_into(b)")], "db"),
    ([MANAGER, ("oslo_messaging/rpc/client.py", "call", "x"),
      ("oslo_messaging/_drivers/amqpdriver.py", "wait", "x"),
      ("threading.py", "wait", "waiter.acquire()")], "rpc"),
    ([("nova/console/websocketproxy.py", "_read", "data = self.sock.recv(4096)")], "io"),
    ([MANAGER, ("oslo_concurrency/processutils.py", "execute", "x"),
      ("subprocess.py", "communicate", "x")], "io"),
    ([MANAGER, ("eventlet/greenthread.py", "sleep", "hub.switch()"),
      ("eventlet/hubs/hub.py", "switch", "return self.greenlet.switch()")], "sleep"),
    ([("nova/compute/manager.py", "_sync", "time.sleep(5)")], "sleep"),
    ([("threading.py", "_bootstrap", "x"), ("futurist/_thread.py", "run", "x"),
      ("futurist/_thread.py", "_wait_for_work", "x"), ("queue.py", "get", "x"),
      ("threading.py", "wait", "waiter.acquire()")], "idle"),
    # a busy executor worker is what its work does, not the idle worker around it
    ([("threading.py", "_bootstrap", "x"), ("futurist/_thread.py", "run", "work.run()"),
      ("futurist/_utils.py", "run", "x"), ("nova/compute/manager.py", "_heal", "x = y")],
     "running"),
    ([("oslo_messaging/_drivers/base.py", "_runner", "x"),
      ("oslo_messaging/_drivers/amqpdriver.py", "poll", "x"),
      ("kombu/connection.py", "drain_events", "x")], "idle"),
    ([], "nostack"),
])
def test_states_follow_the_frames_between_the_service_and_the_innermost(frames, expected):
    assert state(*frames) == expected


def log_dir_report(tmp_path: Path, spec: gen.ReportSpec) -> str:
    """A report oslo.reports wrote into its log_dir, under the name it gave it."""
    made = gen.generate(spec)
    path = tmp_path / made.log_file_name
    path.write_text(made.text)
    return str(path)


def test_three_snapshots_of_one_process_find_what_did_not_move(tmp_path):
    specs = [gen.ReportSpec(threads=2, greenlets=2, delivery="log_dir"),
             gen.ReportSpec(threads=0, greenlets=1, delivery="log_dir"),
             gen.ReportSpec(threads=2, greenlets=2, delivery="log_dir")]
    paths = []
    for n, spec in enumerate(specs):
        (tmp_path / str(n)).mkdir()
        paths.append(log_dir_report(tmp_path / str(n), spec))
    ran = run_gmr("stacks", "--json", *paths)
    assert ran.returncode == 1, ran.stderr
    result = json.loads(ran.stdout)
    assert result["reports"] == paths and result["pid"] is not None
    stuck = result["stuck"]
    assert all(s["reports"] == 3 and s["seconds"] is not None for s in stuck)
    # the worker's main thread, interrupted by the same signal path each time
    (main,) = [s for s in stuck if s["thread"] is not None]
    assert main["state"] == "running"
    assert any(f["function"] == "_fire_signal" for f in main["frames"])
    # only the green thread present in all three reports; the main greenlet is idle
    (green,) = [s for s in stuck if s["thread"] is None]
    assert green["state"] == "switched" and green["count"] == 1
    assert any(f["function"] == "gmr_green_thread_0" for f in green["frames"])
    assert result["changes"]["green_first"] == 3 and result["changes"]["green_last"] == 3
    assert "stuck: thread" in run_gmr("stacks", *paths).stdout


def test_idle_threads_that_do_not_move_are_not_stuck():
    ran = run_gmr("stacks", "--json", NODE1, NODE1)
    assert ran.returncode == 0, ran.stderr
    result = json.loads(ran.stdout)
    assert result["stuck"] == [] and result["changes"]["moved"] == []
    assert result["reports"] == [NODE1, NODE1]


def test_reports_of_one_process_out_of_time_order_are_trouble(tmp_path):
    spec = gen.ReportSpec(delivery="log_dir")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = log_dir_report(tmp_path / "a", spec)
    time.sleep(1.1)
    second = log_dir_report(tmp_path / "b", spec)
    assert json.loads(run_gmr("stacks", "--json", first, second).stdout)["stuck"][0][
        "seconds"] >= 1
    ran = run_gmr("stacks", second, first)
    assert ran.returncode == 2 and ran.stderr.count("\n") == 1
    assert "time order" in ran.stderr and first in ran.stderr


def test_several_processes_are_one_object_each():
    ran = run_gmr("stacks", "--json", NODE1, GLANCE)
    assert ran.returncode == 0
    assert [r["program"] for r in json.loads(ran.stdout)] == ["nova-compute", "glance-api"]


def test_a_report_without_processes_cannot_be_followed_with_others():
    (report,) = gmr.parse_file(NODE1)
    lone = report.model_copy(update={"processes": None})
    assert len(analyse_stacks([lone])) == 1
    with pytest.raises(InputError, match="no Processes section"):
        analyse_stacks([report, lone])


def test_json_follows_the_published_schema():
    schema = json.loads(run_gmr("schema", "stacks").stdout)
    for path in (NODE1, GLANCE, CINDER):
        jsonschema.validate(json.loads(run_gmr("stacks", "--json", path).stdout), schema)


def test_text_shows_states_and_frames_of_groups_not_idle():
    ran = run_gmr("stacks", GLANCE)
    assert ran.returncode == 0
    lines = ran.stdout.splitlines()
    assert lines[0].startswith("glance-api pid 6696 on vm (")
    assert any(line.endswith("waiting on an event in glance/api/v2/cached_images.py:run")
               for line in lines)
    assert "      glance/api/v2/cached_images.py:331 in run" in lines
    # idle groups show their frames only with --all
    assert "oslo_reports/report.py" not in ran.stdout
    assert "oslo_reports/report.py" in run_gmr("stacks", "--all", GLANCE).stdout


def test_own_frames_are_bold_and_library_frames_dim_on_a_terminal():
    ran = run_gmr("stacks", GLANCE, tty=True, color=True)
    own = next(line for line in ran.stdout.splitlines() if "cached_images.py:331" in line)
    library = next(line for line in ran.stdout.splitlines() if "queue.py:171" in line)
    assert "\x1b[1m" in own and "\x1b[2m" in library


def test_no_report_is_trouble(tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_text("nothing here\n")
    ran = run_gmr("stacks", str(empty))
    assert ran.returncode == 2 and ran.stderr.count("\n") == 1 and "Traceback" not in ran.stderr


def test_operators_states_are_tried_first(tmp_path):
    states = tmp_path / "states.toml"
    states.write_text('[[state]]\nname = "caches"\nlabel = "prefetching images"\n'
                      'match = [{ frames = ["glance/api/v2/cached_images.py:run"] }]\n')
    result = gmr.analyse_stacks(gmr.parse_file(GLANCE), states=[str(states)])
    assert "caches" in {g.state for g in result[0].groups}
    ran = run_gmr("stacks", "--states", str(states), GLANCE)
    assert "prefetching images in glance/api/v2/cached_images.py:run" in ran.stdout


@pytest.mark.parametrize("text, message, line", [
    ('[[state]]\nname = "a"\nmatch = [{ frames = ["x"] }]\n\n[[state]]\nname = "b"\n'
     'colour = "red"\nmatch = []\n', "state 2: unknown key 'colour'", 5),
    ('[[state]]\nname = "a"\nmatch = [{ frame = ["x"] }]\n', "unknown match key 'frame'", 1),
    ('[[state]]\nname = "a" b\n', "invalid TOML", 2),
    ('[[state]]\nname = "Bad Name"\n', "`name` must be", 1),
])
def test_a_broken_states_file_names_the_file_and_line(tmp_path, text, message, line):
    states = tmp_path / "states.toml"
    states.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_states([str(states)])
    assert message in str(error.value) and error.value.line == line
    ran = run_gmr("stacks", "--states", str(states), GLANCE)
    assert ran.returncode == 2 and ran.stderr.startswith(f"{states}:{line}:")


def conductor(workers: int | None, children: int) -> str:
    options = [gen.OptionSpec("oslo_messaging_rabbit", "processname", "str", "nova-conductor")]
    if workers is not None:
        options.append(gen.OptionSpec("conductor", "workers", "int", workers))
    return gen.generate(gen.ReportSpec(options=tuple(options), children=children)).text


def test_a_launcher_with_fewer_children_than_workers_lost_some(tmp_path):
    report = tmp_path / "conductor.txt"
    report.write_text(conductor(4, 2))
    ran = run_gmr("stacks", "--json", str(report))
    assert ran.returncode == 1
    result = json.loads(ran.stdout)
    assert result["workers"] == {"option": "conductor.workers", "configured": 4,
                                 "children": 2, "missing": 2}
    assert [p["depth"] for p in result["processes"]] == [0, 1, 1]
    assert "workers died: 2 children of 4 configured (conductor.workers = 4)" in \
        run_gmr("stacks", str(report)).stdout


@pytest.mark.parametrize("workers, children", [(2, 2), (None, 2), (4, 0), (1, 1)])
def test_workers_are_judged_only_when_the_report_tells(tmp_path, workers, children):
    (report,) = gmr.parse(conductor(workers, children))
    (result,) = analyse_stacks([report])
    assert result.workers is None or result.workers.missing == 0
    assert len(result.processes) == 1 + children


def node(name: str, threads: int) -> str:
    host = gen.OptionSpec("DEFAULT", "host", "hostaddress", name)
    return gen.generate(gen.ReportSpec(options=(host,), threads=threads)).text


def test_a_node_with_an_unusual_thread_profile_stands_out(tmp_path):
    for name, threads in (("node1", 0), ("node2", 0), ("node3", 8), ("node4", 1)):
        (tmp_path / f"{name}.txt").write_text(node(name, threads))
    ran = run_gmr("stacks", "--json", str(tmp_path))
    results = {r["node"]: r for r in json.loads(ran.stdout)}
    assert ran.returncode == 0 and set(results) == {"node1", "node2", "node3", "node4"}
    assert results["node3"]["unusual"] == [
        {"state": "wait", "label": "waiting on an event", "count": 8, "typical": 0}]
    assert all(not results[n]["unusual"] for n in ("node1", "node2", "node4"))
    assert "unusual: 8 threads waiting on an event where the other nodes have 0" in \
        run_gmr("stacks", str(tmp_path)).stdout


def test_two_nodes_are_no_fleet_to_compare(tmp_path):
    results = analyse_stacks([gmr.parse(node("a", 0))[0], gmr.parse(node("b", 9))[0]])
    assert [r.unusual for r in results] == [(), ()]


def test_the_shipped_snapshots_name_what_each_arranged_thread_does():
    """samples/stacks: three real SIGUSR2 reports of one process whose threads run real
    library code (tools/make_stacks_samples.py): each is named by what it waits on, and
    only what does not move is stuck."""
    from conftest import SAMPLES

    reports = [gmr.parse_file(path)[0] for path in sorted((SAMPLES / "stacks").iterdir())]
    (result,) = analyse_stacks(reports)
    states = {group.where.rsplit(":", 1)[-1]: group.state for group in result.groups
              if group.where}
    assert {name: states[name] for name in (
        "lockutils_waiter", "plain_lock_waiter", "green_waiter", "socket_reader",
        "run_command", "claim_resources", "green_sleeper")} == {
        "lockutils_waiter": "lock", "plain_lock_waiter": "lock", "green_waiter": "lock",
        "socket_reader": "io", "run_command": "io", "claim_resources": "sleep",
        "green_sleeper": "sleep"}
    stuck = {entry.where.rsplit(":", 1)[-1] for entry in result.stuck if entry.where}
    assert {"lockutils_waiter", "plain_lock_waiter", "socket_reader"} <= stuck
    assert not stuck & {"busy_phase_1", "busy_phase_2", "busy_phase_3", "green_phase_1",
                        "green_phase_2", "green_phase_3"}
    assert all(entry.reports == 3 for entry in result.stuck)


@pytest.mark.parametrize("stamps, seconds", [
    (["Dec 02 10:00:00", "Dec 02 10:00:30", "Dec 02 10:02:00"], 120),
    (["Dec 31 23:59:50.5", "Jan 01 00:00:10.5", "Jan 01 00:00:40.5"], 50),
    (["2026-12-02T10:00:00Z", "2026-12-02T10:00:30Z", "2026-12-02T11:01:00+01:00"], 60),
    (["Dec 02 10:00:00", "2026-12-02T10:00:30Z", "Dec 02 10:02:00"], None),
], ids=["journalctl", "new-year", "zones", "mixed"])
def test_how_long_comes_from_the_log_line_stamps_of_one_journal(stamps, seconds):
    """Three reports of one process in one journalctl export: how long it was stuck is
    read from the stamps, journalctl's default ones having no year."""
    texts = [path.read_text() for path in sorted((SAMPLES / "stacks").iterdir())]
    journal = "".join(
        f"{stamp} compute-1 nova-compute[4242]: {line}\n"
        for stamp, text in zip(stamps, texts) for line in text.rstrip("\n").split("\n"))
    (result,) = analyse_stacks(gmr.parse(journal))
    assert result.stuck and len(result.reports) == 3
    assert {entry.seconds for entry in result.stuck} == {seconds}


def test_log_line_stamps_out_of_order_are_trouble():
    texts = [path.read_text() for path in sorted((SAMPLES / "stacks").iterdir())][:2]
    journal = "".join(
        f"{stamp} compute-1 nova-compute[4242]: {line}\n"
        for stamp, text in zip(["Dec 02 10:00:30", "Dec 02 10:00:00"], texts)
        for line in text.rstrip("\n").split("\n"))
    with pytest.raises(InputError, match="time order"):
        analyse_stacks(gmr.parse(journal))
