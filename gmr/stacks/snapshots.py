"""Several reports of one process, in time order: what did not move is stuck.

A native thread is followed by its id; green threads carry none, so a stack of green
threads is followed by the stack itself. Something not idle whose stack is the same in
every report is stuck; idle threads that do not move are not. Only the last report's
snapshot and the candidates are kept, so any number of reports fits in bounded memory.
"""

from __future__ import annotations

from datetime import datetime

from gmr.errors import InputError
from gmr.models import Frame, Report
from gmr.parsing.times import YEARLESS, read_time
from gmr.stacks.frames import Framer
from gmr.stacks.grouping import Namer, Snapshot, snapshot
from gmr.stacks.model import Changes, ProcessStacks, Stuck, TreeProcess
from gmr.stacks.states import States
from gmr.stacks.workers import workers

def process_key(report: Report) -> tuple[str | None, int] | None:
    """The process that printed `report`: the node and the pid of the first process of
    the Processes section (the reporting one); None when the report has no Processes."""
    roots = report.processes.roots if report.processes else ()
    return (report.node or report.source.host, roots[0].pid) if roots else None


def _comparable(times: list[datetime | None]) -> bool:
    """Whether the times of the reports so far can be subtracted: every report has one
    and they are of one kind (all with a zone or none; all with a year or none)."""
    return all(times) and len({(t.tzinfo is None, t.year < 1970) for t in times}) == 1


def where(report: Report) -> str:
    path = report.source.path or "<stdin>"
    return f"{path}:{report.source.first_line}" if report.source.first_line > 1 else path


def tree(report: Report) -> tuple[TreeProcess, ...]:
    """The Processes section as a tree, each process under its parent."""
    processes = report.processes
    if processes is None:
        return ()
    found: list[TreeProcess] = []

    def add(pid: int, depth: int) -> None:
        process = processes.by_pid(pid)
        found.append(TreeProcess(pid=process.pid, ppid=process.ppid, user=process.user,
                                 state=process.state, depth=depth))
        for child in process.children:
            if child != pid:
                add(child, depth + 1)

    for root in processes.roots:
        add(root.pid, 0)
    return tuple(found)


class Follower:
    """One process's reports, fed in time order."""

    def __init__(self, report: Report, states: States, loose: bool):
        self.namer = Namer(states, Framer(report.service))
        self.loose = loose
        self.report = report
        self.reports = [where(report)]
        #: New Years crossed by stamps without a year (journalctl's default format).
        self.new_years = 0
        self.times = [read_time(report.source.time)]
        self.last = self.first = snapshot(report, self.namer, loose)
        #: Thread id -> stack, for threads that have not moved in any report so far.
        self.still = dict(self.first.threads)
        self.green_still = dict(self.first.green)
        self.seen_always = set(self.first.threads)

    def add(self, report: Report) -> None:
        written = self._read_time(report)
        if _comparable([*self.times, written]) and written < self.times[-1]:
            if written.year < 1970 and self.times[-1].month == 12 and written.month == 1:
                self.new_years += 1  # a stamp without a year crossed New Year
                written = self._read_time(report)
            else:
                raise InputError(f"written before the report given ahead of it "
                                 f"({self.reports[-1]}); give the reports of one process in "
                                 "time order", where(report))
        self.report = report
        self.reports.append(where(report))
        self.times.append(written)
        self.last = snapshot(report, self.namer, self.loose)
        self.still = {i: k for i, k in self.still.items() if self.last.threads.get(i) == k}
        self.green_still = {k: min(n, self.last.green[k]) for k, n in self.green_still.items()
                            if k in self.last.green}
        self.seen_always &= set(self.last.threads)

    def _read_time(self, report: Report) -> datetime | None:
        moment = read_time(report.source.time)
        if moment is None or moment.year != YEARLESS or not self.new_years:
            return moment
        try:
            return moment.replace(year=YEARLESS + self.new_years)
        except ValueError:  # 29 February
            return None

    def result(self) -> ProcessStacks:
        report, last = self.report, self.last
        several = len(self.reports) > 1
        stuck: list[Stuck] = []
        if several:
            for thread, key in self.still.items():
                stuck += self._stuck(thread, 1, last.frames[key])
            for key, count in self.green_still.items():
                stuck += self._stuck(None, count, last.frames[key])
        roots = report.processes.roots if report.processes else ()
        return ProcessStacks(
            service=report.service, program=report.program,
            node=report.node or report.source.host, pid=roots[0].pid if roots else None,
            reports=tuple(self.reports), threads=len(report.threads or ()),
            green_threads=len(report.green_threads or ()), groups=tuple(last.groups),
            stuck=tuple(stuck), changes=self._changes(last) if several else None,
            processes=tree(report), workers=workers(report))

    def _stuck(self, thread: int | None, count: int, frames: tuple[Frame, ...]) -> list[Stuck]:
        named = self.namer.name(frames)
        if named.state.idle:
            return []
        times = self.times
        seconds = (int((times[-1] - times[0]).total_seconds()) if _comparable(times) else None)
        return [Stuck(thread=thread, count=count, state=named.state.name,
                      label=named.state.label, where=named.where, frames=named.frames,
                      reports=len(self.reports), seconds=seconds)]

    def _changes(self, last: Snapshot) -> Changes:
        first = self.first
        return Changes(
            appeared=tuple(i for i in last.threads if i not in first.threads),
            disappeared=tuple(i for i in first.threads if i not in last.threads),
            moved=tuple(sorted(i for i in self.seen_always if i not in self.still)),
            green_first=sum(first.green.values()), green_last=sum(last.green.values()))

