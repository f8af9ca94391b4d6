"""Which releases of a service a report's option set fits, when its Package section does
not name a version (neutron, cinder, glance print `None` there).

Options come and go between releases, so the set a daemon prints fingerprints its release.
An option the report prints rules out the releases that do not have it; an option it
lacks rules out the releases that have it, but only where its absence means something:
its group is one the daemon evidently registers (the report prints most of the group's
options; a daemon registers a library's options group by group, not a whole config
file), and it is not one that appears only when a keystoneauth plugin is loaded. The
releases with the fewest contradictions are the candidates.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import attrgetter, not_
from typing import Iterable, NamedTuple

from gmr.knowledge import _data, _order
from gmr.models import group_key

#: Fewer known options than this are too little to tell a release by: a real daemon
#: prints hundreds; a fragment or a hand-made report a few.
ENOUGH = 50
#: A group counts as registered when at least this share of its options is printed.
LOADED = 0.5
#: Above this share of contradicted options, the report fits no known release (an older
#: one, or a service build the data does not describe).
NO_FIT = 0.25
#: Above this share of printed options that no known release of the service has, in
#: groups the service does have, the report is of an older release than the data goes
#: back to (nova 13 prints 286 of its 614 options so; a 2026.2 report at most 5%,
#: options that a daemon registers at run time).
UNKNOWN = 0.15


class Presence(NamedTuple):
    """Where one option exists, as `fitting_releases` counts it: a bit per release it is
    in, the bits of those it is not in, and (group, bits) unless a keystoneauth plugin
    brings it (its absence then tells nothing)."""

    releases: int
    missing_from: int
    registered: tuple[str, int] | None


@dataclass(frozen=True)
class Knowledge:
    """What telling a release of one service by its options needs, made once."""

    #: The release names, oldest first.
    names: tuple[str, ...]
    #: Each option's presence, by (group key, option).
    options: dict[tuple[str, str], Presence]
    #: Per group, how many of its options not brought by a plugin exist in each set of
    #: releases: what a daemon that registers the group prints.
    groups: dict[str, Counter]


@lru_cache(maxsize=None)
def knowledge(service: str) -> Knowledge:
    """The `Knowledge` of `service`, from its data file."""
    data = _data(service)
    plugins_at = data["fields"].index("auth_plugins") + 1
    names = _order(service)
    everyone = (1 << len(names)) - 1
    options: dict[tuple[str, str], Presence] = {}
    groups: dict[str, Counter] = {}
    for group, named in data["options"].items():
        if not named:
            continue
        key = group_key(group)
        counted = groups.setdefault(key, Counter())
        for name, variants in named.items():
            bits = 0
            plugin = False
            for variant in variants:
                bits |= variant[0]
                plugin = plugin or bool(variant[plugins_at])
            if not plugin:
                counted[bits] += 1
            options[key, name] = Presence(bits, everyone & ~bits, None if plugin else (key, bits))
    return Knowledge(names, options, groups)


def fitting_releases(service: str, printed: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The releases of `service` that the printed (group, option) keys fit best, oldest
    first; empty when they fit none well (more than NO_FIT of the telling options
    contradict every release)."""
    counted = contradictions(service, printed)
    if counted is None:
        return ()
    against, telling = counted
    fewest = min(against)
    if not telling or fewest > NO_FIT * telling:
        return ()
    return tuple(name for name, count in zip(knowledge(service).names, against)
                 if count == fewest)


def contradictions(service: str, printed: Iterable[tuple[str, str]]
                   ) -> tuple[list[int], int] | None:
    """Per release of `service` (oldest first), how many of the options that tell
    releases apart contradict it, and how many tell; None when too few of the printed
    options are known, or too many unknown, to tell.

    A printed option rules out the releases it is missing from; an option the report
    lacks rules out those it is in, where its group is registered. The work goes by the
    printed keys, not by every option the service ever had: what a group lacks is what
    it has less what the report prints of it, and options alike in their releases are
    counted together."""
    known = knowledge(service)
    printed = list(set(printed))
    found = list(map(known.options.get, printed))
    unknown = sum(1 for key in compress(printed, map(not_, found)) if key[0] in known.groups)
    found = list(filter(None, found))
    total = len(printed) - unknown
    if total < ENOUGH or unknown > UNKNOWN * len(printed):
        return None
    # releases ruled out -> how many options rule them out
    excluded = Counter(map(_MISSING_FROM, found))
    shown = Counter(filter(None, map(_REGISTERED, found)))
    printed_in: Counter = Counter()
    for (group, _), count in shown.items():
        printed_in[group] += count
    for group, count in printed_in.items():
        has = known.groups[group]
        if count >= LOADED * has.total():  # the daemon registers this group
            for releases, options in has.items():
                lacked = options - shown[group, releases]
                if lacked:
                    excluded[releases] += lacked
    names = known.names
    everyone = (1 << len(names)) - 1
    against = [0] * len(names)
    telling = 0
    for releases, count in excluded.items():
        # An option that contradicts every release alike (registered by this daemon
        # alone, or at run time) tells nothing about which one it is.
        if releases and releases != everyone:
            telling += count
            for index in range(len(names)):
                if releases >> index & 1:
                    against[index] += count
    return against, telling


_MISSING_FROM, _REGISTERED = attrgetter("missing_from"), attrgetter("registered")
