"""Compares the configuration of nodes, two or a whole fleet, or each against a baseline.

Nodes are grouped by service (and program, when the report names it: nova-compute apart
from nova-api) and compared option by option within each group. For
every option that differs the result gives the histogram of values, the majority value
and the outlier nodes; versions and worker counts are compared the same way. Values are
compared as `gmr.diff.nodes` made them comparable (own addresses as placeholders, lists as
sets), or as printed where that makes more nodes agree; a value masked everywhere cannot be
compared and is listed apart. A group that some nodes lack as a whole is one entry, not
an absent value per option. Each difference says which nodes hold upstream's default,
where gmr knows the nodes' release (`gmr.diff.upstream`). Nothing here prints a secret:
values that leak one are redacted before they reach the result.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any, Callable, Iterable, Iterator, Sequence

from pydantic import BaseModel, ConfigDict, Field

from gmr.credentials import leaks, shown
from gmr.diff.nodes import (IDENTITY, MASKED, Comparable, Key, Node, Values, glob_matcher,
                            node_from_report)
from gmr.diff.upstream import Judge
from gmr.knowledge import Default
from gmr.models import Report
from gmr.parsing.section import where

ABSENT = None  # what a node that lacks an option "holds"

JsonValue = str | list[str] | dict[str, str] | None


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class NodeInfo(_Result):
    """A compared node and where its report came from."""

    name: str = Field(description="`[DEFAULT] host`, else the file name")
    service: str = Field(description="The service and, when the report names it, the "
                                     "program: `nova (nova-compute)`")
    path: str | None
    line: int = Field(description="First line of the report in its file")
    version: str | None
    workers: int | None = Field(description="Processes under the reporting one")
    release: str | None = Field(description="The release the report comes from (--release, "
                                            "its Package version, else the options it "
                                            "prints); null when that cannot be told")


class ValueGroup(_Result):
    """One bar of a histogram: a value and the nodes that hold it."""

    value: JsonValue = Field(description="Comparable form: own addresses as `<my_ip>`, "
                                         "unless the values as printed agree more; null "
                                         "when the nodes lack the option")
    nodes: list[str]


class Upstream(_Result):
    """Upstream's default of an option in one release, and the nodes that hold it."""

    release: str
    default: JsonValue = Field(description="As a report prints it when the option is not "
                                           "set: `***` for a secret option, `<hostname>` "
                                           "and the like where it names the host; secrets "
                                           "redacted as values are")
    nodes: list[str] = Field(description="The nodes of this release whose value is the "
                                         "default (the baseline's name too)")


class Difference(_Result):
    """An option whose value is not the same on every node of a service."""

    service: str
    group: str = Field(description="Group name as printed (`default` for [DEFAULT])")
    option: str = Field(description="Option name as printed")
    values: dict[str, JsonValue] = Field(
        description="Node -> value as printed (secrets redacted); null when absent")
    histogram: list[ValueGroup] = Field(description="Distinct values, most common first")
    majority: JsonValue = Field(description="The value most nodes hold (with --baseline: "
                                            "the baseline's); null when there is none")
    outliers: list[str] = Field(description="Nodes that differ from the majority")
    changes: dict[str, list[str]] = Field(
        default_factory=dict,
        description="For list and dict options: node -> items its value adds (`+ item`), "
                    "removes (`- item`) or, for a dict, changes (`~ key`), against the "
                    "majority (the baseline; without a majority, the first node)")
    upstream: list[Upstream] = Field(
        default_factory=list,
        description="Per release of the nodes that gmr knows upstream's defaults of: the "
                    "default and the nodes that hold it; empty where gmr cannot tell (a "
                    "release it does not know, a plug-in's option, a masked value)")


class Masked(_Result):
    """An option masked (`***`) on every node: it cannot be compared."""

    service: str
    group: str
    option: str
    nodes: list[str]


class PartialGroup(_Result):
    """A group that some nodes of a service have and others lack as a whole (a cinder
    backend configured on one storage node): one entry, not an absent value per option."""

    service: str
    group: str = Field(description="Group name as printed")
    nodes: list[str] = Field(description="The nodes compared that have the group")
    baseline: bool | None = Field(description="Whether the baseline has the group; null "
                                              "without a baseline")
    options: int = Field(description="How many options the group holds, of those "
                                     "--only and --ignore select")


class Drift(_Result):
    """A fact outside the configuration that differs: the version or the worker count."""

    service: str
    values: dict[str, str | int | None]
    majority: str | int | None
    outliers: list[str]


class LeftOut(_Result):
    """With --defaults: the options of a node that upstream's defaults cannot judge."""

    service: str
    node: str
    counts: dict[str, int] = Field(
        description="How many, by why: `masked` (printed `***`), `host` (upstream's default "
                    "depends on the host), `unknown` (not an option upstream registers in "
                    "the release: a plug-in's, a driver's), `command-line` (oslo.config's "
                    "own, such as `config-file`)")


class FleetDiff(_Result):
    """The comparison of a set of nodes, per service, with each other, with a baseline or
    with upstream's defaults."""

    baseline: list[NodeInfo] | None = Field(description="The baseline nodes (one per service "
                                                        "and program), null without a baseline")
    nodes: list[NodeInfo]
    differences: list[Difference] = Field(
        description="Options that differ; those of a group in `groups` only where the "
                    "nodes that have the group differ")
    groups: list[PartialGroup] = Field(description="Groups that some nodes have and others "
                                                   "lack")
    masked: list[Masked]
    package: list[Drift] = Field(description="Services whose nodes run different versions")
    processes: list[Drift] = Field(description="Services whose nodes run different "
                                               "numbers of worker processes")
    left_out: list[LeftOut] | None = Field(
        default=None, description="With --defaults, each node compared with upstream's "
                                  "defaults of its release: the options upstream cannot "
                                  "judge; null without --defaults")

    @property
    def identical(self) -> bool:
        return not (self.differences or self.groups or self.package or self.processes)

    @classmethod
    def empty(cls) -> FleetDiff:
        """The comparison of no nodes at all."""
        return cls(baseline=None, nodes=[], differences=[], groups=[], masked=[], package=[],
                   processes=[], left_out=None)


def compare_nodes(
    nodes: Sequence[Node],
    baseline: Sequence[Node] = (),
    *,
    ignore: Iterable[str] = (),
    only: Iterable[str] = (),
) -> FleetDiff:
    """Compare `nodes` service by service, with each other or with `baseline` (its first
    node of each service and program).

    `ignore` and `only` are glob patterns on `group.option` (`DEFAULT` or `default`).
    """
    selected = option_selector(ignore, only)
    by_service = by_role(nodes)
    baselines: dict[str, Node] = {}
    for node in baseline:
        baselines.setdefault(node.role, node)
    differences: list[Difference] = []
    groups: list[PartialGroup] = []
    masked: list[Masked] = []
    package: list[Drift] = []
    processes: list[Drift] = []
    judge = Judge()
    for service in sorted(by_service):
        members = unique_names(by_service[service])
        reference = baselines.get(service)
        differences += _differences(service, members, reference, selected, groups, masked,
                                    judge)
        for attribute, into in (("version", package), ("workers", processes)):
            drift = _drift(service, members, reference, attribute)
            if drift is not None:
                into.append(drift)
    return FleetDiff(
        baseline=[node_info(node) for node in baselines.values()] or None,
        nodes=[node_info(node) for node in nodes],
        differences=differences,
        groups=groups,
        masked=masked,
        package=package,
        processes=processes,
    )


def option_selector(ignore: Iterable[str], only: Iterable[str]) -> Callable[[str], bool]:
    """A test of `group.option`: not ignored, and among `only` when that is given."""
    only = tuple(only)
    ignored, kept = glob_matcher(ignore), glob_matcher(only) if only else None

    def selected(dotted: str) -> bool:
        return not ignored(dotted) and (kept is None or bool(kept(dotted)))

    return selected


def by_role(nodes: Iterable[Node]) -> dict[str, list[Node]]:
    """The nodes of each service and program, the set compared within."""
    found: dict[str, list[Node]] = defaultdict(list)
    for node in nodes:
        found[node.role].append(node)
    return found


def node_info(node: Node) -> NodeInfo:
    return NodeInfo(name=node.name, service=node.role, path=node.path, line=node.first_line,
                    version=node.version, workers=node.workers, release=node.release)


def diff_reports(reports: Sequence[Report], baseline: Sequence[Report] = (), *,
                 identity: Iterable[str] = IDENTITY, ignore: Iterable[str] = (),
                 only: Iterable[str] = (), release: str | None = None,
                 defaults: bool = False) -> FleetDiff:
    """Compare parsed reports, each one node: what `gmr diff` computes. `release` is the
    operator's word for the reports' release; with `defaults`, each node is compared with
    upstream's defaults of its release, and a report gmr cannot judge is a GmrError."""
    identity = tuple(identity)
    nodes = [node_from_report(r, identity, release=release, defaults=defaults)
             for r in reports]
    if defaults:
        from gmr.diff.defaults import compare_with_upstream  # it builds on this module

        return compare_with_upstream(nodes, ignore=ignore, only=only)
    return compare_nodes(nodes, [node_from_report(r, identity, release=release)
                                 for r in baseline], ignore=ignore, only=only)


def unique_names(nodes: list[Node]) -> list[Node]:
    """Give nodes that share a name (a parent and its workers) distinct names: the place
    of their report, or a number when even that is shared."""
    counts = Counter(node.name for node in nodes)
    places = Counter((node.name, node.path, node.first_line) for node in nodes)
    seen: Counter[str] = Counter()
    for node in nodes:
        if counts[node.name] > 1:
            seen[node.name] += 1
            unique_place = node.path and places[node.name, node.path, node.first_line] == 1
            where = f"{node.path}:{node.first_line}" if unique_place else f"#{seen[node.name]}"
            node.name = f"{node.name} ({where})"
    return nodes


def _columns(tables: list[Mapping[Key, Comparable]]
             ) -> Iterator[tuple[Key, Sequence[Comparable]]]:
    """Each key of any table, with every table's value of it (ABSENT where it has none).
    Of nodes that share one key table (a fleet printing the same options), only the keys
    where some node differs from the table's usual row, or that row is masked (never
    equal, not even to itself): ten thousand nodes by a thousand options are all equal
    at all the others."""
    first = tables[0]
    if isinstance(first, Values) and all(isinstance(t, Values) and t.table is first.table
                                         for t in tables):
        keys, usual = first.table.keys, first.table.usual
        changed = set().union(*(t.changes for t in tables))
        for position in sorted(changed.union(where(usual, MASKED))):
            value = usual[position]
            yield keys[position], [t.changes.get(position, value) for t in tables]
        return
    keys: dict[Key, None] = {}
    for table in tables:
        keys.update(dict.fromkeys(table))
    for key in keys:
        yield key, [table.get(key, ABSENT) for table in tables]


def _differences(service: str, nodes: list[Node], reference: Node | None,
                 selected: Callable[[str], bool], groups: list[PartialGroup],
                 masked: list[Masked], judge: Judge) -> list[Difference]:
    """The options that differ between `nodes` (or between them and `reference`); the
    groups some of them lack go to `groups`, the options masked everywhere to `masked`."""
    everyone = nodes if reference is None else [reference, *nodes]
    if len(everyone) < 2:
        return []
    holders = _group_holders(everyone)
    found = []
    partial_options: Counter[str] = Counter()
    for key, values in _columns([node.values for node in everyone]):
        # The hot loop of a fleet diff: most keys are equal everywhere.
        first = values[0]
        if first != MASKED and values.count(first) == len(values):
            continue
        group, option = key
        if not selected(f"{group}.{option}"):
            continue
        among = everyone
        if group in holders:
            # Compared only where the group is: its absence is one fact, told once.
            partial_options[group] += 1
            among = holders[group]
            values = [node.values.get(key, ABSENT) for node in among]
        values = _as_compared(key, among, list(values))
        first = values[0]
        if len(among) < 2 or first != MASKED and all(value == first for value in values):
            continue
        if all(value == MASKED for value in values):
            masked.append(Masked(service=service, group=group, option=option,
                                 nodes=[node.name for node in among if node is not reference]))
            continue
        found.append(_difference(service, key, among, values,
                                 reference if among[0] is reference else None, judge))
    for group, count in partial_options.items():
        have = holders[group]
        groups.append(PartialGroup(
            service=service, group=group, options=count,
            nodes=[node.name for node in have if node is not reference],
            baseline=None if reference is None else any(node is reference for node in have)))
    return found


def _group_holders(nodes: list[Node]) -> dict[str, list[Node]]:
    """group -> the nodes that have it, for the groups that some of `nodes` lack."""
    every = frozenset.intersection(*(node.groups for node in nodes))
    some = frozenset.union(*(node.groups for node in nodes)) - every
    return {group: [node for node in nodes if group in node.groups] for group in some}


def _as_compared(key: Key, nodes: list[Node], values: list[Comparable | None]
                 ) -> list[Comparable | None]:
    """The values of `key` as compared: with own names and addresses as placeholders,
    unless the values as printed agree more. Placeholders make nodes that name themselves
    agree; they must never make equal printed values differ (host `ubuntu`, and
    `/home/ubuntu/...` on every node). A node that names another node's address is still
    an outlier: its printed value agrees with one node, its placeholder form with none."""
    if not any(key in node.as_printed for node in nodes):
        return values
    printed = [node.as_printed.get(key, value) for node, value in zip(nodes, values)]
    return printed if len(set(printed)) <= len(set(values)) else values


def _difference(service: str, key: Key, nodes: list[Node], values: list[Comparable | None],
                reference: Node | None, judge: Judge) -> Difference:
    """The difference in `key` between `nodes`, which hold `values`; with a `reference`
    (the first of `nodes`), the others are compared with it."""
    group, option = key
    members = nodes[1:] if reference is not None else nodes
    held = dict(zip((node.name for node in members),
                    values[1:] if reference is not None else values))
    counts = Counter(held.values())
    shown = Display(option)
    if reference is not None:
        majority = values[0]
        has_majority = True
    else:
        (top, top_count), *rest = counts.most_common()
        has_majority = top_count > 1 and (not rest or rest[0][1] < top_count)
        majority = top if has_majority else ABSENT
    outliers = [name for name, value in held.items() if has_majority and value != majority]
    against = majority if has_majority else next(iter(held.values()))
    return Difference(
        service=service,
        group=group,
        option=option,
        values={node.name: shown.printed(node.printed(key), held[node.name]) for node in members},
        histogram=histogram(held, shown),
        majority=shown.comparable(majority) if has_majority else None,
        outliers=outliers,
        changes={name: item_changes(against, value, shown) for name, value in held.items()
                 if value != against and isinstance(value, (frozenset, tuple))
                 and isinstance(against, type(value))},
        upstream=upstream_of(judge, key, nodes, shown),
    )


def histogram(held: dict[str, Comparable | None], shown: Display) -> list[ValueGroup]:
    """The distinct values among those the nodes hold, most common first."""
    return [ValueGroup(value=shown.comparable(value),
                       nodes=[name for name, held_value in held.items() if held_value == value])
            for value, _ in Counter(held.values()).most_common()]


def upstream_of(judge: Judge, key: Key, nodes: list[Node], shown: Display) -> list[Upstream]:
    """Upstream's default of `key` per release of `nodes`, and who holds it."""
    return [Upstream(release=held.release, default=shown.default(held.default),
                     nodes=[node.name for node in held.nodes])
            for held in judge.held(key, nodes)]


class Display:
    """Turns one option's values into JSON for output, redacting what leaks a secret.

    Redacted values stay distinguishable: each distinct secret gets its own number.
    """

    def __init__(self, option: str):
        self.option = option
        self.numbers: dict[Any, int] = {}

    def item(self, text: str) -> str:
        """One item of a list, or one value of a dict, as it may be printed."""
        return self._text(text, text)

    def _text(self, text: str, identity: Any) -> str:
        if not leaks(self.option, text):
            return text
        number = self.numbers.setdefault(identity, len(self.numbers) + 1)
        return f"{shown(self.option, text)} #{number}"

    def printed(self, value: Any, comparable: Comparable | None) -> JsonValue:
        if value is None:
            return None
        if isinstance(value, str):
            return self._text(value, comparable)
        if isinstance(value, list):
            return [self._text(item, item) for item in value]
        return {k: self._text(v, (k, v)) for k, v in value.items()}

    def default(self, value: Default | None) -> JsonValue:
        """Upstream's default as printed; a list's items come as a tuple."""
        if isinstance(value, tuple):
            return [self._text(item, item) for item in value]
        return self.printed(value, value)

    def comparable(self, value: Comparable | None) -> JsonValue:
        if value is None:
            return None
        if isinstance(value, str):
            return self._text(value, value)
        if isinstance(value, frozenset):
            return [self._text(item, item) for item in sorted(value)]
        return {k: self._text(v, (k, v)) for k, v in value}


def item_changes(against: Comparable, value: Comparable, shown: Display) -> list[str]:
    """What a list or dict adds to or removes from the one it is held `against`, by
    DeepDiff; list items redacted as values are."""
    from deepdiff import DeepDiff

    if isinstance(value, frozenset):
        diff = DeepDiff(sorted(against), sorted(value), ignore_order=True)
        added = [f"+ {shown.item(item)}" for item in diff.get("iterable_item_added", {}).values()]
        removed = [f"- {shown.item(item)}"
                   for item in diff.get("iterable_item_removed", {}).values()]
        return added + removed
    diff = DeepDiff(dict(against), dict(value))
    out = [f"+ {_key(path)}" for path in diff.get("dictionary_item_added", [])]
    out += [f"- {_key(path)}" for path in diff.get("dictionary_item_removed", [])]
    out += [f"~ {_key(path)}" for path in diff.get("values_changed", {})]
    return out


def _key(path: str) -> str:
    """`root['pci_alias']` -> `pci_alias`: the dict key DeepDiff names."""
    return path[6:-2] if path.startswith("root['") else path


def _drift(service: str, nodes: list[Node], reference: Node | None,
           attribute: str) -> Drift | None:
    held = {node.name: getattr(node, attribute) for node in nodes}
    if reference is not None:
        majority = getattr(reference, attribute)
        if all(value == majority for value in held.values()):
            return None
        return Drift(service=service, values=held, majority=majority,
                     outliers=[n for n, v in held.items() if v != majority])
    counts = Counter(held.values())
    if len(counts) < 2:
        return None
    (top, top_count), (_, second) = counts.most_common(2)
    majority = top if top_count > second else None
    return Drift(service=service, values=held, majority=majority,
                 outliers=[n for n, v in held.items() if majority is not None and v != majority])
