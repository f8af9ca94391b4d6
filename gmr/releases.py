"""OpenStack releases, and which one a report comes from.

A report's release is found, in this order: from the operator (`--release`); from the
Package version, which the knowledge base maps to its release (every version PyPI has),
else one offset per service (services number their major versions in step with the
coordinated release: nova 13 is Mitaka, nova 34 is 2026.2); from the options the report
prints (neutron, cinder and glance print `None` as their version), which fit some
releases of the knowledge base and not others.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gmr.errors import UsageError
from gmr.models import Configuration, Report, ReportRelease, keys_of

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


def release_of_version(service: str | None, version: str | None) -> Release | None:
    """The release of a service's version: by the service's offset where it numbers its
    versions in step with the releases (tests/test_releases.py checks the offsets against
    every version the knowledge base holds), else from the knowledge base, which lists
    the versions of each release (ironic makes several a cycle)."""
    found = release_of(service, version)
    if found is not None or service is None or not version:
        return found
    from gmr import knowledge

    if service not in knowledge.services():
        return None
    name = knowledge.release_of_version(service, version)
    return release_named(name) if name is not None else None


def given_release(given: str) -> Release:
    """The release the operator named (`--release`); a name gmr does not know is a
    UsageError."""
    named = release_named(given)
    if named is None:
        known = f"{NAMES[0]} to {NAMES[-1]}, or {', '.join(ALIASES)}"
        raise UsageError(f"--release {given!r} is not an OpenStack release ({known})")
    return named


def report_release(report: Report, given: str | None = None) -> ReportRelease | None:
    """The release `report` comes from, and how that is known; None when nothing tells.

    `given` is the operator's word (`--release`), which wins; an unknown name is a
    UsageError.
    """
    return release_found(report.service, report.package.version if report.package else None,
                         report.configuration, given)


def release_found(service: str | None, version: str | None,
                  configuration: Configuration | None, given: str | None = None
                  ) -> ReportRelease | None:
    """`report_release` from the parts of a report it reads: the service, the Package
    version and the Configuration."""
    if given is not None:
        named = given_release(given)
        return ReportRelease(name=named.name, source="user", candidates=(named.name,))
    found = release_of_version(service, version)
    if found is not None:
        return ReportRelease(name=found.name, source="package", candidates=(found.name,))
    candidates = _fitting(service, configuration)
    if not candidates:
        return None
    return ReportRelease(name=candidates[0] if len(candidates) == 1 else None,
                         source="options", candidates=candidates)


def with_release(report: Report, given: str | None = None) -> Report:
    """`report` with its release found (`report_release`)."""
    return report.model_copy(update={"release": report_release(report, given)})


def _fitting(service: str | None, configuration: Configuration | None) -> tuple[str, ...]:
    """The releases the options fit, for a service the knowledge base knows."""
    from gmr import knowledge

    if service not in knowledge.services() or configuration is None:
        return ()
    return _fitting_layout(service, configuration.layout())


@lru_cache(maxsize=16)
def _fitting_layout(service: str, layout: str) -> tuple[str, ...]:
    """`fitting_releases` once per layout of options: the nodes of a fleet that run one
    release print the same options."""
    from gmr.knowledge.fingerprint import fitting_releases

    return fitting_releases(service, keys_of(layout))
