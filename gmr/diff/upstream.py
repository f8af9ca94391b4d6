"""Nodes' values against upstream: each judged against the defaults of its node's release
by the knowledge base (`gmr.knowledge.changes.settings`, the core `gmr config` uses too).

`gmr diff --defaults` judges every option of a report where the report is read
(`statuses`, in the worker processes). A plain diff judges only the values it shows, once
per distinct value (`Judge`): a diff of identical nodes never asks the knowledge base, and
a thousand nodes that share the two values of an option ask twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from gmr.errors import GmrError
from gmr.knowledge import Default
from gmr import knowledge
from gmr.knowledge.changes import BACKENDS, Setting, Status, referred, settings
from gmr.models import Report
from gmr.releases import release_named

if TYPE_CHECKING:
    from gmr.diff.nodes import Key, Node

#: Where `settings` finds the backend groups of cinder and glance, whose options take the
#: defaults of the group that defines them: judged along with a value in such a group.
ENABLED_BACKENDS = ("default", "enabled_backends")


def statuses(report: Report) -> dict[Key, Status]:
    """The status of each option of `report` whose value is not upstream's default, against
    the report's release (`with_release`); a GmrError naming the report when gmr cannot
    judge it: no release told, or none the knowledge base holds, or no configuration."""
    where = (report.source.path, report.source.first_line)
    release = report.release
    if release is None or release.name is None:
        why = ("fits " + " and ".join(release.candidates) if release
               else "does not tell which release it is")
        raise GmrError(f"the report {why}; pass --release", *where)
    if report.configuration is None:
        raise GmrError("the report holds no Configuration section: nothing to compare with "
                       "upstream", *where)
    return {(s.group, s.option.name): s.status for s in settings(report, release.name)
            if s.status != "default"}


@dataclass
class Held:
    """Upstream's default of one option in one release, and the nodes that hold it."""

    release: str
    #: As a report prints it (`***` for a secret option).
    default: Default | None
    nodes: list[Node] = field(default_factory=list)


class Judge:
    """Nodes' values judged when a diff shows them, each distinct value once."""

    def __init__(self) -> None:
        self._known: dict[tuple, Setting | None] = {}

    def setting(self, node: Node, key: Key) -> Setting | None:
        """What upstream says of `node`'s value of `key`; None when gmr cannot tell (the
        node lacks the option, its release is not known, or not to the knowledge base)."""
        value = node.as_printed.get(key, node.values.get(key))
        if node.release is None or value is None:
            return None
        backends = node.values.get(ENABLED_BACKENDS) if node.service in BACKENDS else None
        besides = _referred(node, key)
        memo = (node.service, node.release, key, value, backends,
                tuple(node.values.get(other) for other in besides))
        if memo not in self._known:
            self._known[memo] = _judged(node, key, besides, with_backends=backends is not None)
        return self._known[memo]

    def held(self, key: Key, nodes: Iterable[Node]) -> list[Held]:
        """Per release of `nodes` that upstream can judge `key` in, its default and the
        nodes that hold it; oldest release first."""
        found: dict[str, Held] = {}
        for node in nodes:
            setting = self.setting(node, key)
            if setting is None or setting.status not in ("default", "changed"):
                continue
            entry = found.setdefault(node.release, Held(node.release, setting.fact.printed_default))
            if setting.status == "default":
                entry.nodes.append(node)
        return sorted(found.values(), key=lambda entry: release_named(entry.release))


def _referred(node: Node, key: Key) -> tuple[Key, ...]:
    """The options of `node` that `key`'s default may be made from (`$state_path/...`),
    which judging its value needs beside it."""
    try:
        facts = knowledge.options(node.service, node.release)
    except KeyError:
        return ()
    fact = facts.get(key)
    if fact is None or not fact.interpolated or not isinstance(fact.default, str):
        return ()
    return tuple(other for other, _ in referred(node.service, node.release, key[0], key[1],
                                                fact.default) if other in node.values)


def _judged(node: Node, key: Key, besides: tuple[Key, ...], *,
            with_backends: bool) -> Setting | None:
    """`settings` on a report of the one option, as `node` printed it, with the options
    its default refers to (and, for cinder and glance, the backends that decide which
    groups are backends')."""
    configuration: dict[str, dict[str, Any]] = {}
    for group, option in (key, *besides, *((ENABLED_BACKENDS,) if with_backends else ())):
        configuration.setdefault(group, {})[option] = node.printed((group, option))
    report = Report.model_validate({
        "source": {"path": node.path, "first_line": node.first_line,
                   "last_line": node.first_line},
        "service": node.service, "configuration": configuration})
    try:
        found = settings(report, node.release)
    except GmrError:  # no knowledge of the service or of the release
        return None
    return next(s for s in found if (s.group, s.option.name) == key)
