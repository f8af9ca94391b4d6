"""`gmr stacks`: what every thread is doing, grouped by stack and named; with several
reports of one process, what is stuck."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gmr.cli.common import CONTEXT
from gmr.cli.terminal import Terminal

if TYPE_CHECKING:
    from gmr.stacks.model import ProcessStacks, StackFrame, StackGroup, Stuck

#: How each state's name is coloured; states from --states files are plain.
COLOURS = {"lock": "red", "db": "magenta", "rpc": "magenta", "io": "yellow",
           "sleep": "cyan", "wait": "yellow", "running": "green"}


@click.command("stacks", context_settings=CONTEXT)
@click.argument("inputs", metavar="REPORT...", nargs=-1, required=True)
@click.option("--loose", is_flag=True, help="Group stacks regardless of line numbers.")
@click.option("--states", "states", metavar="FILE", multiple=True,
              help="A TOML file of states of your own, tried before the built-in ones "
                   "(format: gmr/stacks/states.toml). Repeatable.")
@click.option("--all", "show_all", is_flag=True, help="Show the frames of idle groups too.")
@click.option("--json", "as_json", is_flag=True,
              help="One JSON object per process, an array when there are several "
                   "(`gmr schema stacks`).")
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], loose: bool,
            states: tuple[str, ...], show_all: bool, as_json: bool) -> int:
    """What every thread and green thread of each report is doing: threads grouped by
    identical stack, not idle first, each group named (idle, waiting on a lock, on the
    database, ...) with the innermost frame of the service's own code.

    Several reports of one process (same node and pid), given in time order, show what
    is stuck: a thread, or a stack of green threads, that is not idle and did not move
    in any of them.

    A REPORT is a report file, a log holding reports, a directory, a quoted glob or `-`.

    The process tree is shown; for programs whose worker count is one option (nova
    conductor and scheduler), a launcher with fewer children than configured workers.

    Exit status: 0 fine, 1 something stuck or workers died, 2 trouble.
    """
    from gmr.stacks.run import stacks_of_inputs

    run = stacks_of_inputs(inputs, loose=loose, states=states)
    for path in run.skipped:
        terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    for error in run.errors:
        terminal.error(str(error))
    if as_json:
        body = [result.model_dump_json(indent=2) for result in run.results]
        terminal.write((body[0] if len(body) == 1 else "[" + ",\n".join(body) + "]") + "\n")
    else:
        for number, result in enumerate(run.results):
            if number:
                terminal.line("")
            show_process(terminal, result, show_all)
    return run.exit_code


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' * (count != 1)}"


def show_process(terminal: Terminal, result: ProcessStacks, show_all: bool) -> None:
    """A title, each group with its state and frames, then what is stuck and what moved."""
    from collections import Counter

    from rich.text import Text

    who = " ".join(filter(None, [result.program or result.service or "?",
                                 f"pid {result.pid}" if result.pid is not None else None,
                                 f"on {result.node}" if result.node else None]))
    reports = result.reports[0] if len(result.reports) == 1 else \
        f"{len(result.reports)} reports, {result.reports[0]} to {result.reports[-1]}"
    idle = sum(1 for group in result.groups if group.idle)
    terminal.line(f"{who} ({reports}): {_plural(result.threads, 'thread')}, "
                  f"{_plural(result.green_threads, 'green thread')} in "
                  f"{_plural(len(result.groups), 'group')}, {idle} idle", style="bold")
    for group in result.groups:
        head = Text("  ")
        head.append(_who(group), style="bold")
        head.append("  ")
        head.append(group.label, style=COLOURS.get(group.state, "") if not group.idle
                    else "dim")
        if group.where:
            head.append(f" in {group.where}")
        terminal.line(head)
        if show_all or not group.idle:
            _frames(terminal, group.frames)
    if result.workers and result.workers.missing:
        w = result.workers
        terminal.line(f"  workers died: {w.children} children of {w.configured} configured "
                      f"({w.option} = {w.configured})", style="bold red")
    elif len(result.processes) > 1:
        below = Counter(p.state for p in result.processes if p.depth)
        terminal.line(f"  process {result.processes[0].pid} {result.processes[0].state}, "
                      f"{_plural(sum(below.values()), 'descendant')}: "
                      + ", ".join(f"{n} {state}" for state, n in below.most_common()),
                      style="dim")
    for unusual in result.unusual:
        terminal.line(f"  unusual: {_plural(unusual.count, 'thread')} {unusual.label} where "
                      f"the other nodes have {unusual.typical:g}", style="bold yellow")
    for stuck in result.stuck:
        terminal.line(_stuck(stuck), style="bold red")
        _frames(terminal, stuck.frames)
    if result.changes is not None:
        changes = result.changes
        moved = [f"{_plural(len(changes.moved), 'thread')} moved"]
        if changes.appeared:
            moved.append(f"{len(changes.appeared)} appeared")
        if changes.disappeared:
            moved.append(f"{len(changes.disappeared)} disappeared")
        if changes.green_first != changes.green_last:
            moved.append(f"green threads {changes.green_first} -> {changes.green_last}")
        terminal.line("  " + ", ".join(moved), style="dim")


def _who(group: StackGroup) -> str:
    if group.kind == "thread":
        return f"thread {group.threads[0]}" if group.count == 1 else \
            _plural(group.count, "thread")
    return _plural(group.count, "green thread")


def _stuck(stuck: Stuck) -> str:
    who = f"thread {stuck.thread}" if stuck.thread is not None else \
        _plural(stuck.count, "green thread")
    where = f" in {stuck.where}" if stuck.where else ""
    span = f" over {stuck.seconds} s" if stuck.seconds is not None else ""
    return (f"  stuck: {who} {stuck.label}{where}, unchanged in "
            f"{stuck.reports} consecutive reports{span}")


def _frames(terminal: Terminal, frames: tuple[StackFrame, ...]) -> None:
    """Innermost last, as Python prints them: the service's own frames bold, the
    libraries' dim."""
    from rich.text import Text

    for frame in frames:
        line = "None" if frame.line is None else frame.line
        terminal.line(Text(f"      {frame.short}:{line} in {frame.function}",
                           style="bold" if frame.own else "dim"))
