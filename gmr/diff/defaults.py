"""Nodes compared with upstream's defaults of their release (`gmr diff --defaults`).

Upstream is the baseline: for each service and program, the options whose value is not
upstream's default on some node, each node held against its own release (a fleet halfway
through an upgrade runs two). What upstream cannot judge (a masked value, a plug-in's
option, a default that depends on the host, the command line's options) is counted per
node, never called a difference.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from gmr.diff.compare import (
    Difference,
    Display,
    FleetDiff,
    JsonValue,
    LeftOut,
    Upstream,
    by_role,
    histogram,
    item_changes,
    node_info,
    option_selector,
    unique_names,
    upstream_of,
)
from gmr.diff.nodes import Comparable, Key, Node
from gmr.diff.upstream import Judge
from gmr.knowledge import Default


def compare_with_upstream(nodes: Sequence[Node], *, ignore: Iterable[str] = (),
                          only: Iterable[str] = ()) -> FleetDiff:
    """Compare each of `nodes`, judged against upstream (`node_from_report(...,
    defaults=True)`), with upstream's defaults; `ignore` and `only` as `compare_nodes`
    takes them."""
    selected = option_selector(ignore, only)
    judge = Judge()
    differences: list[Difference] = []
    left_out: list[LeftOut] = []
    by_service = by_role(nodes)
    for service in sorted(by_service):
        members = unique_names(by_service[service])
        changed: set[Key] = set()
        for node in members:
            counts: Counter[str] = Counter()
            for key, status in (node.upstream or {}).items():
                if not selected(f"{key[0]}.{key[1]}"):
                    continue
                if status == "changed":
                    changed.add(key)
                else:
                    counts[status] += 1
            left_out.append(LeftOut(service=service, node=node.name, counts=dict(counts)))
        in_order = dict.fromkeys(key for node in members for key in node.values
                                 if key in changed)  # as the reports print them
        differences += [_against_upstream(service, key, members, judge) for key in in_order]
    return FleetDiff(baseline=None, nodes=[node_info(node) for node in nodes],
                     differences=differences, groups=[], masked=[], package=[], processes=[],
                     left_out=left_out)


def _against_upstream(service: str, key: Key, nodes: list[Node], judge: Judge) -> Difference:
    """`key` on `nodes`, of which some hold another value than upstream's default."""
    group, option = key
    shown = Display(option)
    held = {node.name: node.values.get(key) for node in nodes}
    upstream = upstream_of(judge, key, nodes, shown)
    outliers = [node for node in nodes if (node.upstream or {}).get(key) == "changed"]
    changes = {}
    for node in outliers:
        value = node.as_printed.get(key, held[node.name])
        setting = judge.setting(node, key)
        default = _comparable(setting.fact.printed_default) if setting and setting.fact else None
        if isinstance(value, (frozenset, tuple)) and isinstance(default, type(value)):
            changes[node.name] = item_changes(default, value, shown)
    return Difference(
        service=service,
        group=group,
        option=option,
        values={node.name: shown.printed(node.printed(key), held[node.name]) for node in nodes},
        histogram=histogram(held, shown),
        majority=_one_default(upstream),
        outliers=[node.name for node in outliers],
        changes=changes,
        upstream=upstream,
    )


def _one_default(upstream: list[Upstream]) -> JsonValue:
    """Upstream's default when every release the nodes run has the same one, else None."""
    defaults = [entry.default for entry in upstream]
    return defaults[0] if defaults and all(d == defaults[0] for d in defaults) else None


def _comparable(default: Default | None) -> Comparable | None:
    """Upstream's default in the form a node's value is compared in."""
    if isinstance(default, tuple):
        return frozenset(default)
    if isinstance(default, dict):
        return tuple(sorted(default.items()))
    return default
