"""GMR6xx from `gmr stacks`' analysis: what several reports of one process show about its
threads and workers.

They run only when `gmr lint` gets two or more reports of one process (same node and
pid, in the order given), which is what taking several SIGUSR2 reports of a hung service
gives: a single report cannot tell a stuck thread from one caught waiting a moment.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterator, Sequence

from gmr.errors import GmrError
from gmr.lint.api import Hit, Severity, rule
from gmr.models import Report
from gmr.stacks import ProcessStacks, analyse_stacks
from gmr.stacks.model import Stuck
from gmr.stacks.snapshots import process_key


def _snapshots(reports: Sequence[Report]) -> Iterator[tuple[list[Report], ProcessStacks]]:
    """Each process given in two reports or more, with `gmr stacks`' analysis of them; a
    process whose reports cannot be followed (out of time order) is left out."""
    by_process: dict[object, list[Report]] = defaultdict(list)
    for report in reports:
        key = process_key(report)
        if key is not None:
            by_process[key].append(report)
    for same in by_process.values():
        if len(same) < 2:
            continue
        try:
            (result,) = analyse_stacks(same)
        except GmrError:
            continue
        yield same, result


def _line(report: Report, stuck: Stuck) -> int | None:
    """Where the stuck thread is printed in `report`: its thread, or the first green
    thread with its stack."""
    if stuck.thread is not None:
        return next((t.line for t in report.threads if t.id == stuck.thread), None)
    wanted = [(f.file, f.line, f.function) for f in stuck.frames]
    return next((g.line for g in report.green_threads
                 if [(f.file, f.line, f.function) for f in g.frames] == wanted), None)


@rule(
    code="GMR607", name="stuck-thread", severity=Severity.WARNING, fleet=True,
    snapshots=True,
    message="{who} {label}{where}, unchanged in {reports} consecutive reports{span}: it is "
            "stuck",
    what="A thread or a group of green threads that is not idle or asleep has the same "
         "stack in every report of one process.",
    why="A thread waiting on the same lock, socket, database call or RPC reply across "
        "reports taken apart is what a hung service looks like: requests that need it "
        "queue behind it.",
    fix="Look at the stack's innermost service frame; find who holds the lock or why the "
        "peer does not answer, then restart the service if it cannot recover.",
    source="gmr stacks (gmr/stacks/snapshots.py); thread-dump practice of taking several "
           "dumps apart to tell stuck from busy",
)
def stuck_thread(reports: list[Report]) -> Iterator[Hit]:
    for same, result in _snapshots(reports):
        last = same[-1]
        # A thread asleep in the same place may be a retry or polling loop between two
        # runs: `gmr stacks` shows it, the gate does not fail on it.
        for stuck in (entry for entry in result.stuck if entry.state != "sleep"):
            who = (f"thread {stuck.thread}" if stuck.thread is not None else
                   f"{stuck.count} green thread{'s' if stuck.count > 1 else ''}")
            span = f" over {stuck.seconds} s" if stuck.seconds is not None else ""
            yield Hit(None, None, _line(last, stuck), {
                "who": who, "label": stuck.label, "reports": stuck.reports, "span": span,
                "where": f" in {stuck.where}" if stuck.where else ""}, last)


@rule(
    code="GMR608", name="dead-workers", severity=Severity.ERROR, fleet=True, snapshots=True,
    message="{option} = {configured} but the process has {children} worker "
            "{processes}: {missing} died",
    what="A service launcher has fewer worker processes than its configuration asks for.",
    why="oslo.service forks the configured number of workers; a missing one died and the "
        "remaining ones carry its share of requests, or none are left to serve them.",
    fix="Find why the workers died in the service log, then restart the service.",
    source="gmr stacks (gmr/stacks/workers.py, which cites each service's launcher: nova "
           "conductor, scheduler and APIs, neutron RPC server, cinder API, backup and volume, "
           "glance API, ironic API); oslo.service service.launch",
)
def dead_workers(reports: list[Report]) -> Iterator[Hit]:
    for same, result in _snapshots(reports):
        workers = result.workers
        if workers is not None and workers.missing > 0:
            # `DEFAULT.rpc_workers + DEFAULT.rpc_state_report_workers`: the first names it
            group, _, option = workers.option.split(" + ")[0].partition(".")
            printed = same[-1].option(group, option)
            yield Hit(group, option, printed.line if printed else None, {
                "option": workers.option, "configured": workers.configured,
                "children": workers.children, "missing": workers.missing,
                "processes": "process" if workers.children == 1 else "processes"},
                same[-1])


RULES = (stuck_thread, dead_workers)
