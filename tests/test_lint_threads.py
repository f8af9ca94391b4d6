"""The thread rules (GMR607 stuck thread, GMR608 dead workers) on real reports: the
shipped snapshots of one process (samples/stacks, three real SIGUSR2 reports of threads
running real library code) and launchers made by the real generator."""

from __future__ import annotations

import generator as gen
from conftest import SAMPLES

import gmr
from gmr import lint_reports

SNAPSHOTS = sorted((SAMPLES / "stacks").iterdir())


def _found(reports, code):
    return [f for f in lint_reports(reports).findings if f.code == code]


def test_what_does_not_move_across_snapshots_is_stuck_and_what_moves_is_not():
    reports = [gmr.parse_file(path)[0] for path in SNAPSHOTS]
    found = _found(reports, "GMR607")
    messages = [f.message for f in found]
    assert any(m.startswith("thread ") and "waiting on a lock in " in m
               and m.endswith(":lockutils_waiter, unchanged in 3 consecutive reports over "
                              "5 s: it is stuck") for m in messages)
    assert any(":socket_reader, unchanged" in m for m in messages)
    assert not any("busy_phase" in m or "green_phase" in m for m in messages)
    last = reports[-1]
    for finding in found:
        assert finding.file == str(SNAPSHOTS[-1]) and finding.line is not None
        assert finding.line in {t.line for t in (*last.threads, *last.green_threads)}


def test_one_report_says_nothing_about_stuck_threads():
    assert not _found([gmr.parse_file(SNAPSHOTS[0])[0]], "GMR607")


def _conductor(workers: int, children: int) -> gmr.Report:
    options = (gen.OptionSpec("oslo_messaging_rabbit", "processname", "str", "nova-conductor"),
               gen.OptionSpec("conductor", "workers", "int", workers))
    (report,) = gmr.parse(gen.generate(gen.ReportSpec(options=options,
                                                      children=children)).text,
                          path="conductor.txt")
    return report


def test_a_launcher_that_lost_workers_between_snapshots_is_an_error():
    report = _conductor(4, 2)
    (finding,) = _found([report, report], "GMR608")
    assert finding.message == "conductor.workers = 4 but the process has 2 worker " \
                              "processes: 2 died"
    assert finding.line == report.option("conductor", "workers").line
    assert not _found([_conductor(2, 2)] * 2, "GMR608")
    assert not _found([report], "GMR608")  # one report: off


def test_a_count_summed_from_two_options_names_the_first_one_s_line():
    options = (gen.OptionSpec("oslo_messaging_rabbit", "processname", "str",
                              "neutron-rpc-server"),
               gen.OptionSpec("DEFAULT", "core_plugin", "str", "ml2"),
               gen.OptionSpec("DEFAULT", "rpc_workers", "int", 2),
               gen.OptionSpec("DEFAULT", "rpc_state_report_workers", "int", 1))
    (report,) = gmr.parse(gen.generate(gen.ReportSpec(options=options, children=1)).text,
                          path="rpc.txt")
    (finding,) = _found([report, report], "GMR608")
    assert finding.message == "DEFAULT.rpc_workers + DEFAULT.rpc_state_report_workers = 3 " \
                              "but the process has 1 worker process: 2 died"
    assert finding.line == report.option("DEFAULT", "rpc_workers").line
