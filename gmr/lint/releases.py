"""OpenStack releases, and which one a service's version belongs to.

Services number their major versions in step with the coordinated release, so one
offset per service maps a version to its release: nova 13 is Mitaka, nova 34 is 2026.2.
neutron, cinder and glance print `None` in the Package section, so their release is
unknown unless the operator says it (`gmr lint --release`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: Coordinated releases in order; since 2023 the year-based name comes first.
NAMES = (
    "icehouse", "juno", "kilo", "liberty", "mitaka", "newton", "ocata", "pike", "queens",
    "rocky", "stein", "train", "ussuri", "victoria", "wallaby", "xena", "yoga", "zed",
    "2023.1", "2023.2", "2024.1", "2024.2", "2025.1", "2025.2", "2026.1", "2026.2",
)
#: Code names of the year-based releases, accepted wherever a release name is.
ALIASES = {
    "antelope": "2023.1", "bobcat": "2023.2", "caracal": "2024.1", "dalmatian": "2024.2",
    "epoxy": "2025.1", "flamingo": "2025.2", "gazpacho": "2026.1",
}
_LIBERTY = NAMES.index("liberty")
#: The major version each service shipped in Liberty (nova 12.0.0, neutron 7.0.0, ...).
LIBERTY_MAJOR = {"nova": 12, "neutron": 7, "cinder": 7, "glance": 11, "keystone": 8}
#: Before Liberty, every service used the release's own date as its version.
_OLD_DATES = {"2014.1": "icehouse", "2014.2": "juno", "2015.1": "kilo"}
_DATED = re.compile(r"^(20\d\d)\.([12])")


@dataclass(frozen=True, order=True)
class Release:
    index: int
    name: str

    def __str__(self) -> str:
        return self.name


def release_named(name: str) -> Release | None:
    """The release called `name` (`stein`, `Stein`, `2025.1`, `epoxy`), or None."""
    key = ALIASES.get(name.lower(), name.lower())
    return Release(NAMES.index(key), key) if key in NAMES else None


def release_of(service: str | None, version: str | None) -> Release | None:
    """The release a service's version belongs to, or None when it cannot be told."""
    if not version or service is None:
        return None
    if version[:6] in _OLD_DATES:
        return release_named(_OLD_DATES[version[:6]])
    dated = _DATED.match(version)
    if dated:
        return release_named(f"{dated.group(1)}.{dated.group(2)}")
    base = LIBERTY_MAJOR.get(service)
    head = version.split(".", 1)[0]
    if base is None or not head.isdecimal() or len(head) > 6:
        return None
    index = _LIBERTY + int(head) - base
    return Release(index, NAMES[index]) if 0 <= index < len(NAMES) else None
