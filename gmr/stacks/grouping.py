"""One report's threads and green threads grouped by identical stack, each group named."""

from __future__ import annotations

from dataclasses import dataclass, field

from gmr.models import Frame, GreenThread, Report, built
from gmr.stacks.frames import Framer
from gmr.stacks.model import StackFrame, StackGroup
from gmr.stacks.states import REMEMBERED, State, States

#: A stack as compared: (file, line, function) of every frame, or without lines (--loose).
Key = tuple


def stack_key(frames: tuple[Frame, ...], loose: bool = False) -> Key:
    if loose:
        return tuple([(f.file, f.function) for f in frames])
    return tuple([(f.file, f.line, f.function) for f in frames])


@dataclass
class Named:
    """What a stack is doing, and its frames as shown."""

    state: State
    where: str | None
    frames: tuple[StackFrame, ...]


@dataclass
class Namer:
    """Names stacks of one service, each distinct stack once, and each distinct frame
    once: stacks that all differ still share most of their frames."""

    states: States
    framer: Framer
    _known: dict[Key, Named] = field(default_factory=dict)
    #: (file, line, function) -> the frame as shown, the state patterns it matches
    #: (States.hits), whether it is the service's own.
    _frames: dict[tuple, tuple[StackFrame, frozenset, bool]] = field(default_factory=dict)

    def name(self, frames: tuple[Frame, ...], key: Key | None = None) -> Named:
        """What the stack `frames` (whose exact key is `key`, when known) is doing."""
        key = key or stack_key(frames)
        named = self._known.get(key)
        if named is None:
            if len(self._known) > REMEMBERED:
                self._known.clear()
            named = self._known[key] = self._name(frames, key)
        return named

    def _name(self, frames: tuple[Frame, ...], key: Key) -> Named:
        """Named from the innermost own frame inward."""
        seen = self._frames
        parts = [seen[frame] if frame in seen else self._frame(frame) for frame in key]
        made, hits, owns = zip(*parts) if parts else ((), (), ())
        mine = True in owns
        start = len(owns) - 1 - owns[::-1].index(True) if mine else 0
        state = self.states.classify(hits[start:], tuple([f.source or ""
                                                          for f in frames[start:]]),
                                     owns[start:])
        where = f"{made[start].short}:{made[start].function}" if mine else None
        return Named(state, where, made)

    def _frame(self, key: tuple[str, int | None, str]) -> tuple[StackFrame, frozenset, bool]:
        if len(self._frames) > REMEMBERED:
            self._frames.clear()
        made = self.framer.frame(key)
        part = self._frames[key] = (made, self.states.hits(made.short, made.function),
                                    made.own)
        return part


@dataclass
class Snapshot:
    """One report's stacks: its groups, and what following it across reports needs."""

    groups: list[StackGroup]
    #: Native thread id -> exact stack.
    threads: dict[int, Key]
    #: Exact stack of green threads -> how many share it.
    green: dict[Key, int]
    #: Exact stack -> its frames as printed, for every stack above.
    frames: dict[Key, tuple[Frame, ...]]


def _add(found: dict, kind: str, thread: GreenThread, ident: int | None, loose: bool,
         frames: dict[Key, tuple[Frame, ...]]) -> Key:
    exact = stack_key(thread.frames)
    frames.setdefault(exact, thread.frames)
    key = (kind, stack_key(thread.frames, True) if loose else exact)
    entry = found.get(key)
    if entry is None:
        entry = found[key] = [thread.frames, exact, []]
    entry[2].append(ident)
    return exact


def snapshot(report: Report, namer: Namer, loose: bool = False) -> Snapshot:
    """Every thread and green thread of `report` in exactly one group; groups not idle
    first, then larger first, then in the order the report printed them."""
    found: dict[tuple, list] = {}
    frames: dict[Key, tuple[Frame, ...]] = {}
    threads = {thread.id: _add(found, "thread", thread, thread.id, loose, frames)
               for thread in report.threads or ()}
    green: dict[Key, int] = {}
    for thread in report.green_threads or ():
        exact = _add(found, "green", thread, None, loose, frames)
        green[exact] = green.get(exact, 0) + 1
    groups = []
    for (kind, _), (first, exact, ids) in found.items():
        named = namer.name(first, exact)
        groups.append(built(StackGroup, {
            "count": len(ids), "kind": kind, "state": named.state.name,
            "label": named.state.label, "idle": named.state.idle, "where": named.where,
            "frames": named.frames, "threads": tuple(ids) if kind == "thread" else ()}))
    groups.sort(key=lambda g: (g.idle, -g.count))
    return Snapshot(groups, threads, green, frames)


