"""What a thread is doing, named from its frames by states declared as data.

The built-in states are gmr/stacks/states.toml (its header documents the format);
`load_states(path)` reads an operator's file of the same format, whose states are tried
before the built-in ones. Nothing in a states file is evaluated; errors name the file
and line, as for custom lint rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fnmatch import translate
from functools import cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any, Sequence

from gmr.errors import ConfigError
from gmr.tables import tables_of

_MATCH_KEYS = {"frames", "source", "innermost", "own"}
_STATE_KEYS = {"name", "label", "idle", "match"}
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
#: How many stacks a cache remembers before it starts again: memory stays bounded
#: whatever the number of reports.
REMEMBERED = 20_000


@dataclass(frozen=True)
class Frame:
    """A `FILE:FUNCTION` glob, split: a report's frames share few files."""

    file: re.Pattern[str]
    function: re.Pattern[str]


@dataclass(frozen=True)
class Match:
    """Consecutive frames (outermost first) as `FILE:FUNCTION` globs, and conditions on
    the last of them."""

    frames: tuple[Frame, ...]
    source: re.Pattern[str] | None = None
    innermost: bool = False
    own: bool = False

    def frames_in(self, hits: Sequence[frozenset]) -> bool:
        """Whether each of this run's patterns matches some frame: a quick first test."""
        return all(any(p in h for h in hits) for p in self.frames)

    def fits(self, hits: Sequence[frozenset], sources: Sequence[str],
             owns: Sequence[bool]) -> bool:
        """Whether the frames hold this run; `hits` are the frame patterns each frame
        matches."""
        size, end = len(self.frames), len(owns)
        if not size:
            return not end
        first = end - size if self.innermost else 0
        for at in range(max(first, 0), end - size + 1):
            last = at + size - 1
            if (all(p in hits[at + k] for k, p in enumerate(self.frames))
                    and (not self.own or owns[last])
                    and (self.source is None or self.source.match(sources[last]))):
                return True
        return False


@dataclass(frozen=True)
class State:
    name: str
    label: str
    idle: bool
    #: Empty for the state of every stack no other state matches.
    matches: tuple[Match, ...]


@dataclass(frozen=True)
class States:
    """States in the order they are tried; `fallback` names what matches none."""

    ordered: tuple[State, ...]
    fallback: State
    _known: dict[tuple, State] = field(default_factory=dict, compare=False, repr=False)
    #: File -> the frame patterns whose file part it matches.
    _files: dict[str, list[Frame]] = field(default_factory=dict, compare=False, repr=False)

    def classify(self, hits: tuple[frozenset, ...], sources: tuple[str, ...],
                 owns: tuple[bool, ...]) -> State:
        """The first state with a match in the frames (innermost last) from the service's
        innermost own frame inward, or the whole stack when it has none: the caller
        (grouping.Namer) cuts the stack there. `hits` are each frame's `hits`, which the
        caller remembers per frame: a report repeats a few frames in many stacks."""
        # Stacks that differ only in frames no pattern tells apart are named alike.
        key = (hits, sources, owns)
        known = self._known.get(key)
        if known is None:
            if len(self._known) > REMEMBERED:
                self._known.clear()
                self._files.clear()
            known = self._known[key] = self._first(hits, sources, owns)
        return known

    def _first(self, hits: Sequence[frozenset], sources: Sequence[str],
               owns: Sequence[bool]) -> State:
        empty = () if owns else self._empty
        for at in sorted(set().union(empty, *(self._users[p] for h in hits for p in h))):
            state, match = self._all[at]
            if match.frames_in(hits) and match.fits(hits, sources, owns):
                return state
        return self.fallback

    def hits(self, file: str, function: str) -> frozenset:
        """The frame patterns a frame (its file shortened) matches."""
        files = self._files.get(file)
        if files is None:
            files = self._files[file] = [p for p in self._users if p.file.match(file)]
        return frozenset([p for p in files if p.function.match(function)])

    @cached_property
    def _all(self) -> list[tuple[State, Match]]:
        """Every match, in the order they are tried."""
        return [(state, match) for state in self.ordered for match in state.matches]

    @cached_property
    def _users(self) -> dict[Frame, set[int]]:
        """Each frame pattern -> the matches (positions in `_all`) that use it: a match can
        only fit a stack when some frame matches each of its patterns."""
        users: dict[Frame, set[int]] = {}
        for at, (_, match) in enumerate(self._all):
            for pattern in match.frames:
                users.setdefault(pattern, set()).add(at)
        return users

    @cached_property
    def _empty(self) -> tuple[int, ...]:
        """The matches of a stack with no frame."""
        return tuple(at for at, (_, match) in enumerate(self._all) if not match.frames)

    def extended(self, first: Sequence[State]) -> States:
        return States(tuple(first) + self.ordered, self.fallback)


def _glob(text: Any, what: str) -> re.Pattern[str]:
    if not isinstance(text, str) or not text:
        raise ValueError(f"{what} must be a non-empty string")
    return re.compile(translate(text), re.S)


def _table(table: Any, known: set[str], not_table: str, kind: str) -> dict:
    """`table` when it is a TOML table holding only `known` keys."""
    if not isinstance(table, dict):
        raise ValueError(not_table)
    unknown = set(table) - known
    if unknown:
        raise ValueError(f"unknown {kind} {sorted(unknown)[0]!r}; known: "
                         f"{', '.join(sorted(known))}")
    return table


def _match(table: Any) -> Match:
    _table(table, _MATCH_KEYS, "each match entry must be a table", "match key")
    frames = table.get("frames")
    if not isinstance(frames, list):
        raise ValueError("match needs `frames`, a list of \"FILE:FUNCTION\" globs")
    for flag in ("innermost", "own"):
        if not isinstance(table.get(flag, False), bool):
            raise ValueError(f"match `{flag}` must be true or false")
    patterns = []
    for frame in frames:
        if not isinstance(frame, str) or not frame:
            raise ValueError("each frame must be a non-empty \"FILE:FUNCTION\" string")
        file, _, function = frame.rpartition(":") if ":" in frame else (frame, "", "*")
        patterns.append(Frame(_glob(file, "a frame's FILE"),
                              _glob(function, "a frame's FUNCTION")))
    source = table.get("source")
    return Match(tuple(patterns), _glob(source, "`source`") if source is not None else None,
                 table.get("innermost", False), table.get("own", False))


def _state(table: Any) -> State:
    _table(table, _STATE_KEYS, "must be a table", "key")
    name = table.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValueError("`name` must be a lower-case word like `lock` or `my-queue`")
    label = table.get("label", name)
    if not isinstance(label, str) or not label:
        raise ValueError("`label` must be a non-empty string")
    if not isinstance(table.get("idle", False), bool):
        raise ValueError("`idle` must be true or false")
    matches = table.get("match", [])
    if not isinstance(matches, list):
        raise ValueError("`match` must be a list of tables")
    return State(name, label, table.get("idle", False), tuple(_match(m) for m in matches))


def parse_states(text: str, path: str) -> list[State]:
    """The states of a states file's `text`, checked; ConfigError naming `path` and line."""
    states: list[State] = []
    for index, (table, line) in enumerate(tables_of(text, path, "state")):
        try:
            state = _state(table)
        except ValueError as error:
            raise ConfigError(f"state {index + 1}: {error}", path, line) from None
        if any(s.name == state.name for s in states):
            raise ConfigError(f"state {index + 1}: {state.name} is declared twice", path, line)
        states.append(state)
    if not states:
        raise ConfigError("no [[state]] table", path)
    return states


@lru_cache(maxsize=1)
def builtin_states() -> States:
    """The states shipped in gmr/stacks/states.toml."""
    states = parse_states(files("gmr.stacks").joinpath("states.toml").read_text(),
                          "gmr/stacks/states.toml")
    fallback = [s for s in states if not s.matches]
    assert len(fallback) == 1, "states.toml needs exactly one state without `match`"
    return States(tuple(s for s in states if s.matches), fallback[0])


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read the states file: {error.strerror or error}",
                          path) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"cannot read the states file: not UTF-8 text (byte "
                          f"{error.start})", path) from None


def load_states(paths: Sequence[str] = ()) -> States:
    """The built-in states, after those of the operator's files `paths`, in order."""
    extra: list[State] = []
    for path in paths:
        for state in parse_states(_read(path), path):
            if not state.matches:
                raise ConfigError(f"state {state.name} has no `match`", path)
            extra.append(state)
    return builtin_states().extended(extra)
