"""What upstream OpenStack registers: every option of each service release, as data.

For nova, neutron, cinder, glance, keystone and ironic, and each coordinated release
the data covers, this knows every option the service's daemons register (its own
oslo-config-generator namespaces, the oslo.* and keystonemiddleware libraries it
loads, keystoneauth plugin options, and options registered when a daemon's entry
module is imported), each with its default as oslo.reports prints it. The facts come
from the real packages on PyPI (``tools/make_knowledge.py``; ``data/README.md`` says
when and from which versions).

Only commands that need it import this package; ``gmr parse`` never does. A service's
file is read on the first question about that service, and one release's options are
built on the first question about that release.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from gmr.models import group_key

#: A printed default: the text of a scalar, the sorted items of a list, a dict's
#: entries (an empty list prints like an empty string, so it is "").
Default = str | tuple[str, ...] | dict[str, str]
_VERSION = re.compile(r"\d+(?:\.\d+)*")
#: What a host-dependent default holds in place of the host's own text
#: (tools/knowledge_probe.py puts them there).
#: Each with the text it may stand for on some host: a host name or a program's, an
#: address, an install path that ends where pip and distributions put packages, so that an
#: operator's `/var/lib/nova` is never taken for the `<site-packages>` default.
_STANDS_FOR = {"<hostname>": r"[\w.-]+", "<fqdn>": r"[\w.-]+",
               "<host_ip>": r"\d{1,3}(?:\.\d{1,3}){3}", "<host_ipv6>": r"[0-9A-Fa-f:.]+",
               "<site-packages>": r"/\S*?(?:site|dist)-packages", "<prefix>": r"/\S*?",
               "<python>": r"/\S*?python[\w.]*", "<program>": r"[\w.-]+"}
PLACEHOLDERS = tuple(_STANDS_FOR)
_PLACEHOLDER = re.compile("(%s)" % "|".join(map(re.escape, PLACEHOLDERS)))


@dataclass(frozen=True, slots=True)
class OptionFact:
    """One option of one service release, as upstream defines it.

    `group` is the key a report prints (`default` for [DEFAULT]); `deprecated_names`
    are (group, name) pairs as a config file spells them (`DEFAULT`).
    """

    group: str
    name: str
    type: str
    #: As oslo.reports prints it when nothing is configured, with this machine's
    #: host name, addresses and install paths replaced by `<hostname>`, `<fqdn>`,
    #: `<host_ip>`, `<host_ipv6>`, `<site-packages>`, `<prefix>`, `<python>` and the
    #: program's name by
    #: `<program>` (see `host_dependent`); None in the rare case
    #: oslo.config itself cannot read the default (the data's `problems` list them).
    default: Default | None
    #: The default names the host (its name, address, paths, CPU count), or the
    #: project documents a host-specific sample value for it (`<host_ipv4>`).
    host_dependent: bool
    #: The default refers to other options (`$state_path/instances`); `default`
    #: shows it after substitution.
    interpolated: bool
    #: oslo.reports prints `***` instead of its value.
    secret: bool
    choices: tuple[str | int | float | None, ...]
    #: A list or dict type declared with `bounds=True`: oslo.config reads it from a
    #: file only in brackets, `[a, b]` or `{k: v}` (glance's `enabled_import_methods`);
    #: a report prints it as any other.
    bounds: bool
    min: int | float | None
    max: int | float | None
    deprecated_names: tuple[tuple[str, str], ...]
    deprecated_for_removal: bool
    deprecated_since: str | None
    deprecated_reason: str | None
    #: The oslo-config-generator files that list it (`nova.conf`, `ml2_conf.ini`),
    #: `oslo.config` for the library's own command-line options, `import` when
    #: importing a daemon's entry module registers it.
    files: tuple[str, ...]
    #: The keystoneauth plugins that register it when the group loads them; such an
    #: option is printed only once its group's plugin is loaded.
    auth_plugins: tuple[str, ...]

    @property
    def printed_default(self) -> Default | None:
        """What a report prints for it when it is not configured."""
        return "***" if self.secret else self.default

    def matches(self, printed: Default) -> bool:
        """True when a report's printed value is this default on some host.

        Each placeholder (`<hostname>`, `<site-packages>` ...) stands for one text,
        the same text wherever it recurs within the value.
        """
        expected = self.printed_default
        if expected is None or type(expected) is not type(printed):
            return False
        if isinstance(expected, str):
            return _pattern(expected).fullmatch(printed) is not None
        if isinstance(expected, tuple):
            return len(expected) == len(printed) and all(
                _pattern(e).fullmatch(p) for e, p in zip(expected, printed))
        return expected.keys() == printed.keys() and all(
            _pattern(v).fullmatch(printed[k]) for k, v in expected.items())


@dataclass(frozen=True, slots=True)
class Release:
    """One coordinated release of one service, and where its facts came from."""

    name: str
    #: Every version of the service PyPI has in this release, oldest first.
    versions: tuple[str, ...]
    #: The version whose options were recorded (the newest point release).
    version: str
    python: str
    #: Exact versions of the libraries installed beside it (oslo.*, keystoneauth1 ...).
    libraries: Mapping[str, str]
    #: Why the release's name is inferred, when its tree did not name it.
    named_as: str | None


@lru_cache(maxsize=1024)
def _pattern(default: str) -> re.Pattern[str]:
    """`default` as a regular expression: each placeholder matches one recurring text."""
    parts, seen = [], {}
    for index, piece in enumerate(_PLACEHOLDER.split(default)):
        if index % 2 == 0:
            parts.append(re.escape(piece))
        elif piece in seen:
            parts.append(f"(?P={seen[piece]})")
        else:
            seen[piece] = f"p{len(seen)}"
            parts.append(f"(?P<{seen[piece]}>{_STANDS_FOR[piece]})")
    return re.compile("".join(parts), re.S)


@lru_cache(maxsize=1)
def services() -> tuple[str, ...]:
    """The services the knowledge base covers (the data files do not change while gmr
    runs, and a diff asks for every value it judges)."""
    names = (f.name for f in resources.files(__package__).joinpath("data").iterdir())
    return tuple(sorted(n[: -len(".json.gz")] for n in names if n.endswith(".json.gz")))


@lru_cache(maxsize=None)
def _data(service: str) -> dict:
    path = resources.files(__package__).joinpath("data", f"{service}.json.gz")
    if not path.is_file():
        raise KeyError(f"no knowledge of {service!r}; known: {', '.join(services())}")
    return json.loads(gzip.decompress(path.read_bytes()))


@lru_cache(maxsize=None)
def _order(service: str) -> tuple[str, ...]:
    """Release names oldest first, the order of the bits in each variant's mask.

    The file keeps releases by name (`zed` sorts after `2026.2`); a service's version
    grows from one release to the next, so the recorded versions give the order.
    """
    releases = _data(service)["releases"]
    return tuple(sorted(releases, key=lambda name: tuple(
        int(part) for part in releases[name]["version"].split("."))))


def releases(service: str) -> tuple[Release, ...]:
    """The releases known for `service`, oldest first."""
    return tuple(
        Release(
            name=name,
            versions=tuple(info["versions"]),
            version=info["version"],
            python=info["python"],
            libraries=dict(info["libraries"]),
            named_as=info.get("named_as"),
        )
        for name, info in ((name, _data(service)["releases"][name])
                           for name in _order(service))
    )


def release_of_version(service: str, version: str) -> str | None:
    """The release a Package version belongs to (`27.5.1`, `27.5.1-1.el9`), or None.

    A version PyPI does not have (a distribution's own build) belongs to the release
    of the published versions with the same major and minor number.
    """
    found = _VERSION.match(version.strip())
    if not found:
        return None
    number = found.group(0)
    line = number.rsplit(".", 1)[0] if number.count(".") >= 2 else None
    by_line = None
    for release in releases(service):
        if number in release.versions:
            return release.name
        if line and any(v.rsplit(".", 1)[0] == line for v in release.versions):
            by_line = release.name
    return by_line


@lru_cache(maxsize=None)
def options(service: str, release: str) -> Mapping[tuple[str, str], OptionFact]:
    """Every option of `service` in `release`, keyed by (group as printed, name)."""
    data = _data(service)
    names = _order(service)
    if release not in names:
        raise KeyError(f"no knowledge of {service} {release!r}; known: {', '.join(names)}")
    bit = 1 << names.index(release)
    fields = data["fields"]
    out: dict[tuple[str, str], OptionFact] = {}
    for group, named in data["options"].items():
        key = group_key(group)
        for name, variants in named.items():
            for variant in variants:
                if variant[0] & bit:
                    out[key, name] = _fact(key, name, dict(zip(fields, variant[1:])))
                    break
    return out


def _fact(group: str, name: str, raw: dict) -> OptionFact:
    default = raw["default"]
    return OptionFact(
        group=group,
        name=name,
        type=raw["type"],
        default=tuple(default) if isinstance(default, list) else default,
        host_dependent=raw["host_dependent"],
        interpolated=raw["interpolated"],
        secret=raw["secret"],
        choices=tuple(raw["choices"]),
        bounds=raw.get("bounds", False),
        min=raw["min"],
        max=raw["max"],
        deprecated_names=tuple((g, n) for g, n in raw["deprecated_names"]),
        deprecated_for_removal=raw["deprecated_for_removal"],
        deprecated_since=raw["deprecated_since"],
        deprecated_reason=raw["deprecated_reason"],
        files=tuple(raw["files"]),
        auth_plugins=tuple(raw["auth_plugins"]),
    )
