"""What `gmr stacks --json` writes: one `ProcessStacks` per process (`gmr schema stacks`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StackFrame(_Model):
    file: str = Field(description="The file as printed.")
    short: str = Field(description="The file shortened for reading: site-packages, "
                       "dist-packages and the standard library's folder left out.")
    line: int | None
    function: str
    own: bool = Field(description="True when the frame is the service's own code.")


class StackGroup(_Model):
    """Threads (or green threads) of one report with the same stack."""

    count: int
    kind: Literal["thread", "green"]
    state: str = Field(description="What the threads are doing: a state name (`idle`, "
                       "`lock`, `db`, `rpc`, `io`, `sleep`, `wait`, `running`, or one "
                       "from --states).")
    label: str = Field(description="The state in words: `waiting on a lock`.")
    idle: bool
    where: str | None = Field(description="The innermost frame of the service's own "
                              "code, `nova/compute/manager.py:_build`; null when none.")
    frames: tuple[StackFrame, ...] = Field(description="Outermost first, as printed; "
                                           "with --loose, those of the first thread.")
    threads: tuple[int, ...] = Field(description="Native thread ids; empty for green "
                                     "threads, which have none.")


class Stuck(_Model):
    """A thread, or a stack of green threads, not idle and unchanged in every report."""

    thread: int | None = Field(description="The native thread id; null for green threads.")
    count: int = Field(description="How many threads: 1, or the green threads sharing it.")
    state: str
    label: str
    where: str | None
    frames: tuple[StackFrame, ...]
    reports: int = Field(description="In how many consecutive reports it did not move.")
    seconds: int | None = Field(description="From the first report to the last, when "
                                "every report carries a time (`source.time` of "
                                "`gmr parse`: a log-line stamp or a log_dir file name).")


class Changes(_Model):
    """How the native threads changed from the first report to the last."""

    appeared: tuple[int, ...] = ()
    disappeared: tuple[int, ...] = ()
    moved: tuple[int, ...] = Field(default=(), description="In every report, stack changed.")
    green_first: int = Field(default=0, description="Green threads in the first report.")
    green_last: int = Field(default=0, description="Green threads in the last report.")


class Workers(_Model):
    """The reporting process's children against the worker count configured."""

    option: str = Field(description="`group.option` of the worker count, or several "
                        "joined by ` + ` when the launcher forks their sum.")
    configured: int
    children: int = Field(description="Direct children of the reporting process.")
    missing: int = Field(description="Configured workers without a child: dead ones.")


class TreeProcess(_Model):
    pid: int
    ppid: int
    user: str
    state: str
    depth: int = Field(description="0 for the reporting process, 1 for its children...")


class Unusual(_Model):
    """A state in which this node has far more threads than the other nodes of its
    program (three or more processes given)."""

    state: str
    label: str
    count: int = Field(description="This node's threads and green threads in the state.")
    typical: float = Field(description="The median of the other nodes.")


class ProcessStacks(_Model):
    """The stacks of one process, from one report or several of it in time order."""

    service: str | None
    program: str | None
    node: str | None
    pid: int | None
    reports: tuple[str, ...] = Field(description="Where each report was found, in order.")
    threads: int = Field(description="Native threads in the last report.")
    green_threads: int = Field(description="Green threads in the last report.")
    groups: tuple[StackGroup, ...] = Field(description="The last report's threads by "
                                           "stack, not idle first, then larger first; "
                                           "every thread is in exactly one.")
    stuck: tuple[Stuck, ...] = Field(description="Empty with a single report.")
    changes: Changes | None = Field(description="Null with a single report.")
    processes: tuple[TreeProcess, ...] = Field(
        default=(), description="The last report's process tree, parents first.")
    workers: Workers | None = Field(
        default=None, description="Children against the configured worker count, where "
        "gmr knows the option and the report shows a launcher with children.")
    unusual: tuple[Unusual, ...] = Field(
        default=(), description="States in which this node stands out among three or "
        "more processes of its program.")
