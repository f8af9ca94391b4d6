"""Whether a report that looks whole was cut at a line boundary (`head -1000`).

oslo.reports marks no end: a report cut between two option lines reads like the whole
report of a daemon that registered fewer options. Upstream's registration tells them
apart: groups and their options print in sorted order, so a last group that holds every
option the release registers up to its last printed one, and none of the many it
registers after it, stopped where the text was cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from gmr import knowledge
from gmr.models import Report

#: Registered options after the last printed one that the cut must have lost, at least:
#: one or two missing at the end of a group can be a plug-in's or a newer library's.
_AT_LEAST = 3


@dataclass(frozen=True, slots=True)
class Cut:
    group: str
    option: str
    #: Options the release registers in `group` after `option`, none of them printed.
    missing: int


def cut_inside(report: Report, release: str) -> Cut | None:
    """Where `report` of `release` (a release the knowledge base holds for its service)
    was cut, when its last group proves it; None when nothing does."""
    if report.configuration is None or not report.configuration.groups:
        return None
    groups = report.configuration.groups
    group = groups[list(groups)[-1]]
    printed = list(group.options)
    if not printed:
        return None
    last = printed[-1]
    registered = _registered(report.service, release).get(group.name, ())
    before = [name for name in registered if name <= last]
    after = [name for name in registered if name > last]
    if len(after) < _AT_LEAST or not set(before) <= set(printed):
        return None
    return Cut(group.name, last, len(after))


@lru_cache(maxsize=64)
def _registered(service: str, release: str) -> dict[str, list[str]]:
    """The option names a release registers, sorted, by group: every report linted asks."""
    found: dict[str, list[str]] = {}
    for where, name in sorted(knowledge.options(service, release)):
        found.setdefault(where, []).append(name)
    return found
