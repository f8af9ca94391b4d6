"""A report seen as one node of a fleet: its name, its own addresses, comparable values.

Some settings must differ from node to node. The identity options (`[DEFAULT] host`,
`my_ip`, ...) are never compared. Their values are the node's own names and
addresses; wherever another option holds one of them (`[vnc] server_listen =
10.20.30.11` on the node whose `my_ip` is 10.20.30.11), it is compared as a
placeholder (`<my_ip>`). Two nodes that each listen on their own address then agree,
while a node that points at another node's address stands out.

A `Node` is small and plain so that worker processes can build it and send it back.
"""

from __future__ import annotations

import fnmatch
import re
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Iterable

from gmr.models import MASKS, Option, Report, group_key

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
    values: dict[Key, Comparable] = field(default_factory=dict)
    #: placeholder -> own value, e.g. {"<my_ip>": "10.20.30.11"}
    own: dict[str, str] = field(default_factory=dict)

    def printed(self, key: Key) -> str | list[str] | dict[str, str] | None:
        """The value of `key` as the report printed it, own values put back; None when
        the node lacks the option."""
        value = self.values.get(key)
        if value is None:
            return None
        restore = self._restore
        if isinstance(value, str):
            return restore(value)
        if isinstance(value, frozenset):
            return sorted(restore(item) for item in value)
        return {k: restore(v) for k, v in value}

    def _restore(self, text: str) -> str:
        if "<" in text:
            for placeholder, own in self.own.items():
                text = text.replace(placeholder, own)
        return text


def node_from_report(report: Report, identity: Iterable[str] = IDENTITY) -> Node:
    """The node a report describes, named after `report.node`, else its file."""
    is_identity = glob_matcher(identity)
    configuration = report.configuration
    own: dict[str, str] = {}
    options: list[tuple[Key, Option]] = []
    if configuration is not None:
        for group in configuration:
            group_name = sys.intern(group.name)
            for option in group.options.values():
                if is_identity(f"{group_name}.{option.name}"):
                    text = option.value if option.shape == "scalar" else ""
                    if _is_address_like(text) and text not in own.values():
                        own[f"<{option.name}>"] = text
                else:
                    options.append(((group_name, sys.intern(option.name)), option))
    name = report.node or (Path(report.source.path).name if report.source.path else "<stdin>")
    processes = report.processes
    service = report.service or "unknown"
    program = report.program
    role = f"{service} ({program})" if program and program != service else service
    substitute = _substituter(own)
    return Node(
        name=name,
        service=service,
        role=role,
        path=report.source.path,
        first_line=report.source.first_line,
        version=report.package.version if report.package else None,
        workers=len(processes) - 1 if processes is not None and len(processes) else None,
        values={key: _comparable(option, substitute) for key, option in options},
        own=own,
    )


def option_pattern(pattern: str) -> str:
    """A `--ignore`/`--only` pattern as `group.option`: a bare option name
    (`cpu_allocation_ratio`) stands for that option in any group."""
    return pattern if "." in pattern else f"*.{pattern}"


def glob_matcher(patterns: Iterable[str]):
    """A test of `group.option` against glob patterns, compiled into one expression.
    `DEFAULT.` in a pattern stands for the `default` group, as operators write it."""
    patterns = [group_key(group) + dot + option
                for group, dot, option in (p.partition(".") for p in patterns)]
    if not patterns:
        return lambda key: False
    return re.compile("|".join(fnmatch.translate(p) for p in patterns)).match


def _is_address_like(text: str) -> bool:
    """A host name or address worth substituting: one word, not a placeholder value."""
    return len(text) >= 3 and text not in ("None", *MASKS) and " " not in text


def _substituter(own: dict[str, str]):
    """A function replacing the node's own names and addresses by their placeholders,
    where they stand as a whole word (`10.20.30.1` does not match inside `10.20.30.11`)."""
    if not own:
        return None
    by_value = {value: placeholder for placeholder, value in own.items()}
    # Longest first, so `compute1.example.org` wins over `compute1`.
    alternatives = "|".join(re.escape(v) for v in sorted(by_value, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")

    def placeholder(match: re.Match[str]) -> str:
        return by_value[match.group()]

    return partial(pattern.sub, placeholder)


def _comparable(option: Option, substitute) -> Comparable:
    value = option.value
    shape = option.shape
    if shape == "scalar" or shape == "multiline":
        if value in MASKS:
            return MASKED
        return substitute(value) if substitute else value
    if shape == "list":
        return frozenset(substitute(item) for item in value) if substitute else frozenset(value)
    return tuple(sorted((k, substitute(v) if substitute else v) for k, v in value.items()))
