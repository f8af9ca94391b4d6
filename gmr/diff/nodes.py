"""A report seen as one node of a fleet: its name, its own addresses, comparable values.

Some settings must differ from node to node. The identity options (`[DEFAULT] host`,
`my_ip`, ...) are never compared. Their values are the node's own names and
addresses; wherever another option holds one of them (`[vnc] server_listen =
10.20.30.11` on the node whose `my_ip` is 10.20.30.11), it is compared as a
placeholder (`<my_ip>`). Two nodes that each listen on their own address then agree,
while a node that points at another node's address stands out. A value a placeholder
went into is kept as printed too: a host name can also be a word of a value that is not
about the node (host `ubuntu`, `/home/ubuntu/...`), and `gmr.diff.compare` must not call
two equal printed values different.

A node also knows the release its report comes from (`gmr.releases`), so that its values
can be held against upstream's defaults (`gmr.diff.upstream`).

A `Node` is small and plain so that worker processes can build it and send it back.
"""

from __future__ import annotations

import fnmatch
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, is_not, ne
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from gmr.diff.upstream import statuses
from gmr.inputs import Shared
from gmr.knowledge.changes import Status
from gmr.models import MASKS, Configuration, Package, Report, ReportRelease, group_key
from gmr.parsing.compact import CompactReport
from gmr.parsing.section import where
from gmr.parsing.identify import identify
from gmr.releases import release_found, with_release

#: `group.option` patterns of the options that name the node itself. Their values are
#: the node's own names and addresses. Override with `identity=` (`gmr diff --identity`).
IDENTITY = (
    "default.host",
    "default.my_ip",
    "default.my_ipv6",
    "default.my_block_storage_ip",
    "default.console_host",
    "oslo_messaging_rabbit.hostname",
    "ovs.local_ip",
    "OVS.local_ip",
)

#: What a masked value compares as: never equal to anything, not even another mask.
MASKED = "***"

Comparable = str | frozenset | tuple


Key = tuple[str, str]  # (group, option), both as printed


class KeyTable:
    """The keys of the nodes that print the same options in the same order: in a fleet,
    one table for thousands of nodes. It travels between processes as one string (`blob`),
    the keys themselves made only once per table that is looked up.

    It also carries the row of the first `Values` made with it (`usual`): the nodes of
    a fleet differ in a few values, so a node's `Values` hold, and travel as, the values
    in which they differ from it."""

    __slots__ = ("blob", "usual", "_keys", "_index")

    def __init__(self, blob: str, usual: tuple[Comparable, ...] | None = None,
                 keys: tuple[Key, ...] | None = None):
        self.blob = blob
        self.usual = usual
        self._keys = keys
        self._index: dict[Key, int] | None = None

    @classmethod
    def of(cls, keys: tuple[Key, ...]) -> KeyTable:
        return cls("\n".join(map("\0".join, keys)), keys=keys)

    @property
    def keys(self) -> tuple[Key, ...]:
        if self._keys is None:
            self._keys = tuple(tuple(line.split("\0")) for line in self.blob.split("\n")) \
                if self.blob else ()
        return self._keys

    @property
    def index(self) -> dict[Key, int]:
        """Key -> position, made on first lookup."""
        if self._index is None:
            self._index = {key: position for position, key in enumerate(self.keys)}
        return self._index

    def __reduce__(self) -> tuple:
        return KeyTable, (self.blob, self.usual)


class Values(Mapping[Key, Comparable]):
    """A node's comparable values: its key table's usual row but where it differs
    (`changes`: position -> value), read as a mapping of (group, option) -> value. A dict
    per node would hold its own keys and a copy of every value, a row per node a
    thousand references; the ten thousand nodes of a fleet differ in a few values."""

    __slots__ = ("table", "changes")

    def __init__(self, table: KeyTable, changes: dict[int, Comparable]):
        self.table = table
        self.changes = changes

    @classmethod
    def of_row(cls, table: KeyTable, row: tuple[Comparable, ...]) -> Values:
        """The values of a whole row; the first made with a table is its usual row."""
        if table.usual is None:
            table.usual = row
        return cls(table, {position: row[position] for position in
                           compress(count(), map(ne, row, table.usual))})

    def __getitem__(self, key: Key) -> Comparable:
        return self.at(self.table.index[key])

    def get(self, key: Key, default: Any = None) -> Any:
        position = self.table.index.get(key)
        return default if position is None else self.at(position)

    def at(self, position: int) -> Comparable:
        """The value at `position` of the table."""
        return self.changes.get(position, self.table.usual[position])

    def __contains__(self, key: object) -> bool:
        return key in self.table.index

    def __iter__(self) -> Iterator[Key]:
        return iter(self.table.keys)

    def __len__(self) -> int:
        return len(self.table.usual)

    def __reduce__(self) -> tuple:
        return Values, (self.table, self.changes)


class Interner:
    """Makes the nodes of one fleet share what they print alike: one key table per
    layout of options, one object per distinct value. Nodes from worker processes arrive
    each with its own copies; kept as they are, memory would grow with every node."""

    def __init__(self) -> None:
        self._tables: dict[str, KeyTable] = {}
        self._share = Shared()
        #: For the usual rows nodes last arrived with (each worker has its own): the
        #: positions where it differs from the fleet's table's, found once per batch.
        self._apart: dict[int, tuple[tuple, tuple[int, ...]]] = {}

    def node(self, node: Node | Any) -> Node | Any:
        """`node` sharing the fleet's tables and values (anything else as it is)."""
        if not isinstance(node, Node) or not isinstance(node.values, Values):
            return node
        table = self._tables.setdefault(node.values.table.blob, node.values.table)
        node.values = Values(table, self._changes(node.values, table))
        node.groups = self._share(node.groups)
        return node

    def _changes(self, values: Values, table: KeyTable) -> dict[int, Comparable]:
        """Where `values` differ from the usual row of `table`, each value shared."""
        share, own, usual = self._share, values.table.usual, table.usual
        if own is usual:
            return {position: share(value) for position, value in values.changes.items()}
        apart = self._apart.get(id(own))  # held while kept: no other object has its id
        if apart is None:
            if len(self._apart) >= 8:
                del self._apart[next(iter(self._apart))]
            apart = self._apart[id(own)] = (own, tuple(compress(count(), map(ne, own, usual))))
        changes = {}
        for position in {*apart[1], *values.changes}:
            value = values.at(position)
            if value != usual[position]:
                changes[position] = share(value)
        return changes


@dataclass(slots=True)
class Node:
    """One report as a member of a fleet."""

    name: str
    service: str
    #: What the nodes compared with each other run: the service and, when the report
    #: names it, the program (`nova (nova-compute)`), so an API is not held against a
    #: compute node.
    role: str
    path: str | None
    first_line: int
    version: str | None
    workers: int | None
    #: (group, option) -> value made comparable: placeholders for own values, a list as
    #: a frozenset, a dict as sorted items, MASKED for `***`.
    values: Mapping[Key, Comparable] = field(default_factory=dict)
    #: The same for the few values a placeholder went into, without the placeholder.
    as_printed: dict[Key, Comparable] = field(default_factory=dict)
    #: The groups the node has options in: a group that a node lacks as a whole is one
    #: fact, not one missing value per option.
    groups: frozenset[str] = frozenset()
    #: The release the report comes from (`--release`, its Package version, else the
    #: options it prints); None when that cannot be told.
    release: str | None = None
    #: Against upstream's defaults of `release` (`gmr diff --defaults` only): the status
    #: of each compared option whose value is not upstream's default (`changed`, or one
    #: upstream cannot judge: `masked`, `host`, `unknown`, `command-line`); None when
    #: not asked for.
    upstream: dict[Key, Status] | None = None

    def printed(self, key: Key) -> str | list[str] | dict[str, str] | None:
        """The value of `key` as the report printed it; None when the node lacks it."""
        value = self.as_printed[key] if key in self.as_printed else self.values.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, frozenset):
            return sorted(value)
        return dict(value)


def node_from_report(report: Report, identity: Iterable[str] = IDENTITY, *,
                     release: str | None = None, defaults: bool = False) -> Node:
    """The node a report describes, named after `report.node`, else its file.

    `release` is the operator's word for the release (`--release`); else the report's
    own, found when it was not yet. With `defaults`, the node carries its options' status
    against upstream's defaults; a report gmr cannot judge is a GmrError.
    """
    if release is not None or report.release is None:
        report = with_release(report, release)
    configuration = report.configuration
    processes = report.processes
    node = _node(report.source.path, report.source.first_line, report.package,
                 len(processes) if processes is not None else None, report.node,
                 report.service, report.program, report.release, tuple(identity),
                 configuration)
    if defaults:
        node.upstream = {key: status for key, status in statuses(report).items()
                         if key in node.values}
    return node


def node_from_compact(compact: CompactReport, identity: Iterable[str] = IDENTITY, *,
                      release: str | None = None) -> Node:
    """The node of a report read by `read_compact`: the node `node_from_report` makes of
    the same report parsed in full, without a model for any option."""
    configuration = compact.configuration
    # The stacks only tell a service or a program nothing else tells: made when needed.
    found = identify(compact.package, configuration, (), None)
    if compact.frames and (found["service"] is None or found["program"] is None):
        found = identify(compact.package, configuration, compact.frame_files(), None)
    version = compact.package.version if compact.package else None
    return _node(compact.path, 1, compact.package, compact.processes, found["node"],
                 found["service"], found["program"],
                 release_found(found["service"], version, configuration, release),
                 tuple(identity), configuration)


def _node(path: str | None, first_line: int, package: Package | None,
          processes: int | None, node: str | None, service: str | None,
          program: str | None, release: ReportRelease | None, patterns: tuple[str, ...],
          configuration: Configuration | None) -> Node:
    """The node of a report from its parts: how many processes it prints, and its
    options, as names and printed values (`Configuration.columns`).

    Every node of a fleet prints the same options: the work per option is done in
    comprehensions and cached per layout, never in a Python loop over a thousand options.
    """
    own: dict[str, str] = {}
    layout: list[tuple[str, tuple[str, ...]]] = []
    printed: list[Any] = []
    for group, names, values in configuration.columns() if configuration is not None else ():
        own_names, kept = _split_identity(patterns, group, names)
        if own_names:
            by_name = dict(zip(names, values))
            for name in own_names:
                scalar = configuration.shape_of(group, name) == "scalar"
                text = by_name[name] if scalar else ""
                if _is_address_like(text) and text not in own.values():
                    own[f"<{name}>"] = text
            values = [by_name[name] for name in kept]
        if kept:
            layout.append((group, kept))
            printed += values
    table = _key_table(tuple(layout))
    row, changed = _comparable_row(printed, _Own.of(own))
    service = service or "unknown"
    return Node(
        name=node or (Path(path).name if path else "<stdin>"),
        service=service,
        role=f"{service} ({program})" if program and program != service else service,
        path=path,
        first_line=first_line,
        version=package.version if package else None,
        workers=processes - 1 if processes else None,
        values=Values.of_row(table, row),
        as_printed={table.keys[position]: value for position, value in changed.items()},
        groups=frozenset(group for group, _ in layout),
        release=release.name if release else None,
    )


def option_pattern(pattern: str) -> str:
    """A `--ignore`/`--only` pattern as `group.option`: a bare option name
    (`cpu_allocation_ratio`) stands for that option in any group."""
    return pattern if "." in pattern else f"*.{pattern}"


def glob_matcher(patterns: Iterable[str]) -> Callable[[str], object]:
    """A test of `group.option` against glob patterns, compiled into one expression.
    `DEFAULT.` in a pattern stands for the `default` group, as operators write it."""
    return _compiled(tuple(patterns))


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> Callable[[str], object]:
    """One matcher per set of patterns: every report of a fleet asks for the same one."""
    patterns = [group_key(group) + dot + option
                for group, dot, option in (p.partition(".") for p in patterns)]
    if not patterns:
        return lambda key: False
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


@lru_cache(maxsize=4096)
def _split_identity(patterns: tuple[str, ...], group: str, names: tuple[str, ...]
                    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The identity options among a group's `names`, and the others, both in printed
    order: every node of a fleet asks about the same groups."""
    match = glob_matcher(patterns)
    own = tuple(name for name in names if match(f"{group}.{name}"))
    return own, tuple(name for name in names if name not in own) if own else names


@lru_cache(maxsize=64)
def _key_table(layout: tuple[tuple[str, tuple[str, ...]], ...]) -> KeyTable:
    """The key table of a layout of groups and their compared options: one per layout
    in each process, so the nodes of a fleet share it from the start."""
    return KeyTable.of(tuple((group, name) for group, names in layout for name in names))


def _is_address_like(text: str) -> bool:
    """A host name or address worth substituting: one word, not a placeholder value."""
    return len(text) >= 3 and text not in ("None", *MASKS) and " " not in text


class _Own:
    """The node's own names and addresses, replaced by their placeholders where they
    stand as a whole word: not after a word character, `.` or `-`, nor before a word
    character or `-` (`10.20.30.1` does not match inside `10.20.30.11`), the longest one
    first where several start at the same place. Found with `str.find`: a regular
    expression of each node's own values would be compiled once per node."""

    def __init__(self, own: dict[str, str]):
        self.by_value = {value: placeholder for placeholder, value in own.items()}
        self.longest_first = sorted(self.by_value, key=len, reverse=True)

    @classmethod
    def of(cls, own: dict[str, str]) -> _Own | None:
        return cls(own) if own else None

    def __call__(self, text: str) -> str:
        pieces: list[str] = []
        done = 0
        while (found := self._next(text, done)) is not None:
            at, value = found
            pieces += (text[done:at], self.by_value[value])
            done = at + len(value)
        return "".join(pieces) + text[done:] if pieces else text

    def _next(self, text: str, start: int) -> tuple[int, str] | None:
        """The first own value standing as a whole word at or after `start`."""
        best = None
        for value in self.longest_first:
            at = text.find(value, start)
            while at != -1 and not _whole_word(text, at, at + len(value)):
                at = text.find(value, at + 1)
            if at != -1 and (best is None or at < best[0]):
                best = (at, value)
        return best

    def found_in(self, texts: list[str]) -> set[int]:
        """The positions of the `texts` an own value may stand in: each own value is
        looked for in them all joined (with NUL, which no value holds), in C."""
        joined = "\0".join(texts)
        starts = []
        for value in self.by_value:
            at = joined.find(value)
            while at != -1:
                starts.append(at)
                at = joined.find(value, at + 1)
        if not starts:
            return set()
        ends = list(accumulate(map(add, map(len, texts), repeat(1))))
        return {bisect_right(ends, at) for at in starts}


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] stands alone, as `_Own` means it (`\\w` is `isalnum` or
    `_` in Python's regular expressions)."""
    before = text[start - 1:start]
    after = text[end:end + 1]
    return not (before and (before.isalnum() or before in "_.-")) \
        and not (after and (after.isalnum() or after in "_-"))


def _comparable_row(printed: list[Any], own: _Own | None
                    ) -> tuple[tuple[Comparable, ...], dict[int, Comparable]]:
    """The printed values made comparable (a list as a frozenset, a dict as sorted items,
    MASKED for a mask, own values as placeholders), and, by position, the values a
    placeholder went into, as printed."""
    row = printed
    collections = list(compress(count(), map(is_not, map(type, row), repeat(str))))
    texts = row.copy()  # each printed text; for a list or dict, those it holds
    for i in collections:
        texts[i] = ""
    for mask in MASKS:
        for i in where(texts, mask):
            row[i] = MASKED
    for i in collections:
        value = row[i]
        if type(value) is tuple:
            row[i] = frozenset(value)
            if own is not None:
                texts[i] = "\0".join(value)
        else:
            row[i] = tuple(sorted(value.items()))
            if own is not None:
                texts[i] = "\0".join(value.values())
    changed: dict[int, Comparable] = {}
    if own is None:
        return tuple(row), changed
    for i in own.found_in(texts):
        value = row[i]
        if type(value) is frozenset:
            placed = frozenset(map(own, value))
        elif type(value) is tuple:
            placed = tuple([(k, own(v)) for k, v in value])
        else:
            placed = own(value)
        if placed != value:
            changed[i] = value
            row[i] = placed
    return tuple(row), changed
