"""A whole `gmr diff` run as a library call: nodes read, baseline checked, nodes compared
with each other, with the baseline or with upstream's defaults.

`diff_inputs` refuses what would make a diff lie by saying "identical": a baseline that
matches no node, inputs of which no two can be compared, a node that cannot be held
against upstream.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable

from gmr.diff.compare import FleetDiff, compare_nodes
from gmr.diff.defaults import compare_with_upstream
from gmr.diff.inputs import load_baseline, load_nodes
from gmr.diff.nodes import IDENTITY, Node, glob_matcher, option_pattern
from gmr.errors import GmrError, NothingToCompare, UsageError
from gmr.inputs import Inputs
from gmr.releases import given_release


@dataclass
class DiffRun:
    result: FleetDiff
    #: Inputs that could not be read.
    errors: list[GmrError] = field(default_factory=list)
    #: Files in a directory or glob that hold no report.
    skipped: list[str] = field(default_factory=list)
    #: What the operator should know about the run itself: a pattern that matches nothing,
    #: a baseline report left out.
    notes: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """As diff(1): 0 identical, 1 differences, 2 trouble."""
        if self.errors:
            return 2
        return 0 if self.result.identical else 1


def diff_inputs(names: Iterable[str], *, baseline: str | None = None,
                defaults: bool = False, release: str | None = None,
                identity: Iterable[str] | None = None, compare_all: bool = False,
                ignore: Iterable[str] = (), only: Iterable[str] = (), jobs: int = 0,
                done: Callable[[], None] | None = None, cache: bool = True) -> DiffRun:
    """Compare the nodes behind `names`, with each other, with `baseline` or, with
    `defaults`, each with upstream's defaults of its release, as `gmr diff` does.
    `release` is the operator's word for the release of every report; `identity`
    replaces the identity options; `compare_all` compares them too; `cache` keeps the
    nodes made of each file in gmr's cache.

    A node that cannot be held against upstream (no release told, or one gmr has no
    defaults of) is an error of the run; the others are compared. Raises UsageError
    when nothing can be compared: fewer than two nodes of any one service (without a
    baseline or `defaults`), or a baseline that matches no node's service and program.
    """
    if baseline and defaults:
        raise UsageError("--baseline and --defaults: compare with one or the other")
    if release is not None:
        given_release(release)
    identity = tuple(identity) if identity else (() if compare_all else IDENTITY)
    ignore, only = tuple(ignore), tuple(only)  # read twice: compared, then checked
    notes: list[str] = []
    reference = _baseline(baseline, identity, release, notes) if baseline else []
    loaded = load_nodes(names, identity, jobs=jobs, done=done, release=release,
                        defaults=defaults, cache=cache)
    return diff_loaded(loaded, baseline=baseline, reference=reference, defaults=defaults,
                       ignore=ignore, only=only, notes=notes)


def diff_loaded(loaded: Inputs[Node], *, baseline: str | None = None,
                reference: list[Node] | None = None, defaults: bool = False,
                ignore: tuple[str, ...] = (), only: tuple[str, ...] = (),
                notes: list[str] | None = None) -> DiffRun:
    """The diff of nodes already read (`load_nodes`, or `gmr check`'s one pass), with
    each other, with the `reference` nodes of `baseline`, or with upstream's defaults.
    Raises NothingToCompare when no two nodes run the same thing and there is nothing
    else to compare them with."""
    notes = notes if notes is not None else []
    reference = reference or []
    nodes: list[Node] = loaded.items
    if not nodes:
        return DiffRun(FleetDiff.empty(), loaded.errors, loaded.skipped)
    patterns = {"ignore": [option_pattern(p) for p in ignore],
                "only": [option_pattern(p) for p in only]}
    if defaults:
        result = compare_with_upstream(nodes, **patterns)
    else:
        if reference:
            reference = _matched(baseline or "", reference, nodes, notes)
        elif not _comparable(nodes):
            spread = ", ".join(f"{role}: {node}" for role, node in
                               sorted({n.role: n.name for n in nodes}.items()))
            raise NothingToCompare(spread)
        result = compare_nodes(nodes, reference, **patterns)
    notes += _unmatched_patterns(nodes + reference, ignore, only)
    return DiffRun(result, loaded.errors, loaded.skipped, notes)


def _baseline(name: str, identity: tuple[str, ...], release: str | None,
              notes: list[str]) -> list[Node]:
    """The baseline's nodes that have a configuration to compare with."""
    nodes = load_baseline(name, identity, release)
    empty = [node for node in nodes if not node.values]
    if len(empty) == len(nodes):
        raise UsageError(f"the baseline {name} holds no Configuration section: there is "
                         "nothing to compare the nodes with")
    notes += [f"gmr: warning: --baseline {name}: {node.name} ({node.role}) has no "
              "Configuration section, left out" for node in empty]
    return [node for node in nodes if node.values]


def _matched(name: str, reference: list[Node], nodes: list[Node], notes: list[str]
             ) -> list[Node]:
    """The baseline nodes that run what some node runs, one per service and program; the
    others are named in `notes`. A baseline that matches no node at all is an error: the
    nodes would be called identical without having been compared."""
    roles = {node.role for node in nodes}
    if not roles & {node.role for node in reference}:
        raise UsageError(
            f"the baseline {name} ({', '.join(n.role for n in reference)}) matches no "
            f"node: they run {', '.join(sorted(roles))}")
    matched: dict[str, Node] = {}
    for node in reference:
        if node.role not in roles:
            notes.append(f"gmr: warning: --baseline {name}: {node.name} runs {node.role}, "
                         "which no node runs")
        elif node.role in matched:
            notes.append(f"gmr: warning: --baseline {name}: {node.name} is a second "
                         f"{node.role} report, left out: the first one is compared")
        else:
            matched[node.role] = node
    return list(matched.values())


def _comparable(nodes: list[Node]) -> bool:
    seen: set[str] = set()
    for node in nodes:
        if node.role in seen:
            return True
        seen.add(node.role)
    return False


def _unmatched_patterns(nodes: list[Node], ignore: Iterable[str],
                        only: Iterable[str]) -> list[str]:
    """A note for each --ignore or --only pattern, as the operator wrote it, that matches
    no option: a typo would otherwise pass for "identical"."""
    if not ignore and not only:
        return []
    # Nodes of a fleet share their key layout: each distinct layout is read once.
    layouts = {id(getattr(node.values, "table", node.values)): node.values for node in nodes}
    keys = {f"{group}.{option}" for values in layouts.values() for group, option in values}
    notes = []
    for flag, patterns in (("--ignore", ignore), ("--only", only)):
        for pattern in patterns:
            matches = glob_matcher([option_pattern(pattern)])
            if not any(matches(key) for key in keys):
                notes.append(f"gmr: warning: {flag} {pattern} matches no option of the nodes")
    return notes
