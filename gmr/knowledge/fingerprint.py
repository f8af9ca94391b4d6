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

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

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


@dataclass(frozen=True)
class Presence:
    """Where one option exists: a bit per release, and whether a keystoneauth plugin
    brings it."""

    releases: int
    plugin: bool


@lru_cache(maxsize=None)
def presence(service: str) -> tuple[tuple[str, ...], dict[tuple[str, str], Presence]]:
    """The release names of `service`, oldest first, and each option's presence."""
    data = _data(service)
    plugins_at = data["fields"].index("auth_plugins") + 1
    found: dict[tuple[str, str], Presence] = {}
    for group, named in data["options"].items():
        for name, variants in named.items():
            bits = 0
            plugin = False
            for variant in variants:
                bits |= variant[0]
                plugin = plugin or bool(variant[plugins_at])
            found[group_key(group), name] = Presence(bits, plugin)
    return _order(service), found


def fitting_releases(service: str, printed: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The releases of `service` that the printed (group, option) keys fit best, oldest
    first; empty when they fit none well (more than NO_FIT of the telling options
    contradict every release)."""
    names, known = presence(service)
    printed = set(printed)
    groups = {group for group, _ in known}
    unknown = {key for key in printed if key not in known and key[0] in groups}
    printed -= unknown
    if len(printed) < ENOUGH or len(unknown) > UNKNOWN * (len(printed) + len(unknown)):
        return ()
    loaded = _registered_groups(known, printed)
    against = [0] * len(names)
    telling = 0
    everyone = (1 << len(names)) - 1
    for key, where in known.items():
        if key in printed:
            excluded = everyone & ~where.releases
        elif not where.plugin and key[0] in loaded:
            excluded = where.releases
        else:
            continue
        # An option that contradicts every release alike (registered by this daemon
        # alone, or at run time) tells nothing about which one it is.
        if excluded and excluded != everyone:
            telling += 1
            for index in range(len(names)):
                if excluded >> index & 1:
                    against[index] += 1
    fewest = min(against)
    if not telling or fewest > NO_FIT * telling:
        return ()
    return tuple(name for name, count in zip(names, against) if count == fewest)


def _registered_groups(known: dict[tuple[str, str], Presence],
                       printed: set[tuple[str, str]]) -> frozenset[str]:
    """The groups most of whose options the report prints."""
    total: dict[str, int] = {}
    shown: dict[str, int] = {}
    for key, where in known.items():
        if not where.plugin:
            total[key[0]] = total.get(key[0], 0) + 1
            if key in printed:
                shown[key[0]] = shown.get(key[0], 0) + 1
    return frozenset(group for group, count in total.items()
                     if shown.get(group, 0) >= LOADED * count)
