"""A whole `gmr diff` run as a library call: nodes read, baseline checked, nodes compared.

`diff_inputs` refuses what would make a diff lie by saying "identical": a baseline that
matches no node, inputs of which no two can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from gmr.diff.compare import FleetDiff, compare_nodes
from gmr.diff.inputs import load_baseline, load_nodes
from gmr.diff.nodes import IDENTITY, Node, glob_matcher, option_pattern
from gmr.errors import GmrError, UsageError


@dataclass
class DiffRun:
    result: FleetDiff
    #: Inputs that could not be read.
    errors: list[GmrError] = field(default_factory=list)
    #: Files in a directory or glob that hold no report.
    skipped: list[str] = field(default_factory=list)
    #: What the operator should know about the run itself (a pattern that matches nothing).
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """As diff(1): 0 identical, 1 differences, 2 trouble."""
        if self.errors:
            return 2
        return 0 if self.result.identical else 1


def diff_inputs(names: Iterable[str], *, baseline: str | None = None,
                identity: Iterable[str] | None = None, compare_all: bool = False,
                ignore: Iterable[str] = (), only: Iterable[str] = (), jobs: int = 0,
                done: Callable[[], None] | None = None) -> DiffRun:
    """Compare the nodes behind `names`, with each other or with `baseline`, as `gmr diff`
    does. `identity` replaces the identity options; `compare_all` compares them too.

    Raises UsageError when nothing can be compared: fewer than two nodes of any one service
    (without a baseline), or a baseline that matches no node's service and program.
    """
    identity = tuple(identity) if identity else (() if compare_all else IDENTITY)
    ignore = tuple(option_pattern(p) for p in ignore)
    only = tuple(option_pattern(p) for p in only)
    reference = _baseline(baseline, identity) if baseline else []
    loaded = load_nodes(names, identity, jobs=jobs, done=done)
    nodes: list[Node] = loaded.items
    if not nodes:
        return DiffRun(FleetDiff.empty(), loaded.errors, loaded.skipped)
    if reference:
        roles = {node.role for node in nodes}
        unmatched = [node for node in reference if node.role not in roles]
        if len(unmatched) == len(reference):
            raise UsageError(
                f"the baseline {baseline} ({', '.join(n.role for n in reference)}) matches no "
                f"node: they run {', '.join(sorted(roles))}")
    elif not _comparable(nodes):
        spread = ", ".join(f"{role}: {node}" for role, node in
                           sorted({n.role: n.name for n in nodes}.items()))
        raise UsageError(f"nothing to compare: no two nodes run the same service and "
                         f"program ({spread}); give two nodes of one, or --baseline")
    result = compare_nodes(nodes, reference, ignore=ignore, only=only)
    notes = _unmatched_patterns(nodes + reference, ignore, only)
    return DiffRun(result, loaded.errors, loaded.skipped, notes)


def _baseline(name: str, identity: tuple[str, ...]) -> list[Node]:
    nodes = load_baseline(name, identity)
    empty = [node for node in nodes if not node.values]
    if len(empty) == len(nodes):
        raise UsageError(f"the baseline {name} holds no Configuration section: there is "
                         "nothing to compare the nodes with")
    return [node for node in nodes if node.values]


def _comparable(nodes: list[Node]) -> bool:
    seen: set[str] = set()
    for node in nodes:
        if node.role in seen:
            return True
        seen.add(node.role)
    return False


def _unmatched_patterns(nodes: list[Node], ignore: tuple[str, ...],
                        only: tuple[str, ...]) -> list[str]:
    keys = {f"{group}.{option}" for node in nodes for group, option in node.values}
    notes = []
    for flag, patterns in (("--ignore", ignore), ("--only", only)):
        for pattern in patterns:
            matches = glob_matcher([pattern])
            if not any(matches(key) for key in keys):
                notes.append(f"gmr: warning: {flag} {pattern} matches no option of the nodes")
    return notes
