"""What a lint rule is: its declaration, what its check sees and what it yields.

A rule is declared once with `@rule(...)` on its check function (see STYLE.md): a stable
code (`GMR101`; the hundreds digit is the family, codes are never reused), a kebab-case
name, a default severity, the services it applies to, an optional release range, the
options it reads, a message template, its docs, its public source and its examples:
configurations it must flag (with the exact message) and must pass, which the tests run
through the real oslo.reports generator and docs/rules.md shows. The decorator turns
the function into a `Rule`; the rule modules list their rules and `gmr.lint.rules.BUILTIN`
gathers them, so nothing registers itself on import. A check looks at one report through its `Context` and
yields `Hit`s naming the exact group and option; the engine turns them into findings,
stamping code, severity, file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from fnmatch import fnmatchcase
from typing import Any, Callable, Iterable, Iterator, Sequence

from gmr.releases import Release, release_named
from gmr.models import Option, Report, group_title

CODE = re.compile(r"^GMR\d{3}$")
NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Hit:
    """One thing a check found: where, and the values its message template needs."""

    group: str | None
    option: str | None
    line: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    #: For a fleet rule: the report the finding is about.
    report: Report | None = None


def hit(group: str | None, option: Option | str | None, report: Report | None = None,
        **values: Any) -> Hit:
    """A hit on `option` of `group`; an Option model also gives its line and `value`.
    Fleet rules name the `report` the hit is about."""
    if option is None or isinstance(option, str):
        return Hit(group, option, None, values, report)
    values.setdefault("value", option.text)
    return Hit(group, option.name, option.line, values, report)


class ReleaseUnknown(Exception):
    """Raised by `Context.since` when the report does not tell its release."""


class Context:
    """What a check may ask about the report beyond its options."""

    def __init__(self, report: Report, service: str | None, release: Release | None):
        self.report = report
        self.service = service
        self._release = release
        #: (group, option, line) of masked options the check asked for.
        self.masked: list[tuple[str, str, int | None]] = []
        #: Whether the check asked about the release (so its answer may depend on it).
        self.asked_release = False

    def option(self, group: str, name: str) -> Option | None:
        """The option, or None when absent or masked (a masked one is remembered, so
        the engine can say the rule could not decide)."""
        option = self.report.option(group, name)
        if option is not None and option.masked:
            self.masked.append((group, name, option.line))
            return None
        return option

    @property
    def release(self) -> Release | None:
        """The release the check runs for; reading it is asking about the release, so
        the engine runs the check for every release the report fits."""
        self.asked_release = True
        return self._release

    def since(self, name: str) -> bool:
        """True from release `name` on; raises ReleaseUnknown when the release is unknown."""
        if self.release is None:
            raise ReleaseUnknown
        return self.release >= release_named(name)


@dataclass(frozen=True, slots=True)
class Node:
    """One report of an example: the service and release it comes from, and the options
    set in it, as the lines of a config file (`[group]`, then `name = value`; a list is
    comma-separated, a dict `key:value` pairs, a multi-valued option one line per value;
    `None` is an unset value)."""

    service: str
    release: str
    config: str

    def settings(self) -> list[tuple[str, str, str | list[str]]]:
        """(group, name, value) in file order; a name given twice is multi-valued."""
        found: dict[tuple[str, str], str | list[str]] = {}
        group = "DEFAULT"
        for line in self.config.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                group = line[1:-1]
                continue
            name, sep, value = line.partition("=")
            if not sep:
                raise ValueError(f"example line {line!r} is not `name = value`")
            key = (group, name.strip())
            value = value.strip()
            if key in found:
                before = found[key]
                found[key] = [*before, value] if isinstance(before, list) else [before, value]
            else:
                found[key] = value
        return [(group, name, value) for (group, name), value in found.items()]


@dataclass(frozen=True, slots=True)
class Example:
    """A configuration the rule is proven on: the message it must give (`fails`), or
    None when it must give none (`passes`). A fleet rule's example holds several nodes,
    each its own report."""

    nodes: tuple[Node, ...]
    message: str | None

    @property
    def failing(self) -> bool:
        return self.message is not None


def _node(on: str, config: str) -> Node:
    service, _, release = on.partition(" ")
    if not release:
        raise ValueError(f"example {on!r} is not `SERVICE RELEASE`")
    return Node(service, release, config)


def fails(on: str, config: str, message: str) -> Example:
    """An example the rule flags with `message`: `on` is `SERVICE RELEASE` (`nova 2026.2`),
    `config` the options set (see `Node`)."""
    return Example((_node(on, config),), message)


def passes(on: str, config: str) -> Example:
    """An example the rule must not flag."""
    return Example((_node(on, config),), None)


def fleet_fails(*nodes: tuple[str, str], message: str) -> Example:
    """A fleet rule's example of several reports, each (`SERVICE RELEASE`, config)."""
    return Example(tuple(_node(on, config) for on, config in nodes), message)


def fleet_passes(*nodes: tuple[str, str]) -> Example:
    return Example(tuple(_node(on, config) for on, config in nodes), None)


#: A check of one report: it reads the report through its context.
ReportCheck = Callable[[Report, Context], Iterator[Hit]]
#: A fleet rule's check: every report linted together; each hit names its report.
FleetCheck = Callable[[Sequence[Report]], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    message: str
    what: str
    why: str
    fix: str
    source: str
    check: ReportCheck | FleetCheck
    services: tuple[str, ...] = ()
    #: Inclusive release range by name (`("stein", None)`: Stein and later).
    releases: tuple[str | None, str | None] | None = None
    #: A fleet rule's check receives every report linted together (no context: it tells
    #: the reports apart by program and node) and runs when there are several.
    fleet: bool = False
    #: The options the check reads, as `group.option` patterns (`DEFAULT.debug`;
    #: `*.volume_clear` for whichever backend group holds it): what the rule cares about,
    #: so that `gmr upgrade` can name the new options of a release that a rule will read.
    #: Empty for a check that looks at every option (GMR010), at none, or at those
    #: upstream's data picks (GMR7xx).
    reads: tuple[str, ...] = ()
    #: A fleet rule that follows one process across several of its reports (GMR607,
    #: GMR608): it is given whole reports, of the processes given more than once only.
    #: Other fleet rules see each report reduced to the options they read (`gmr.lint.
    #: engine.fleet_view`), which keeps a fleet of thousands in bounded memory.
    snapshots: bool = False
    #: Configurations it flags and passes: its tests and its documentation.
    examples: tuple[Example, ...] = ()

    def __post_init__(self) -> None:
        if not CODE.match(self.code):
            raise ValueError(f"rule code {self.code!r} is not GMR followed by three digits")
        if not NAME.match(self.name):
            raise ValueError(f"rule name {self.name!r} is not kebab-case")

    def applies_to(self, service: str | None) -> bool:
        return not self.services or service in self.services

    def reads_option(self, group: str, name: str) -> bool:
        """Whether the check reads option `name` of `group` (as printed or as files name
        it, in any case: neutron prints `AGENT` where files write `[agent]`)."""
        key = f"{group_title(group)}.{name}".lower()
        return any(fnmatchcase(key, pattern.lower()) for pattern in self.reads)


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    message: str,
    what: str,
    why: str,
    fix: str,
    source: str,
    services: tuple[str, ...] = (),
    releases: tuple[str | None, str | None] | None = None,
    fleet: bool = False,
    reads: tuple[str, ...] = (),
    snapshots: bool = False,
    examples: tuple[Example, ...] = (),
) -> Callable[[ReportCheck | FleetCheck], Rule]:
    """Declare the decorated check as a rule; the module lists it in its `RULES`."""

    def declare(check: ReportCheck | FleetCheck) -> Rule:
        return Rule(code=code, name=name, severity=severity, message=message, what=what,
                    why=why, fix=fix, source=source, check=check, services=services,
                    releases=releases, fleet=fleet, reads=reads, snapshots=snapshots,
                    examples=examples)

    return declare


def catalogue(rules: Iterable[Rule]) -> dict[str, Rule]:
    """Rules by code, refusing a code or a name used twice."""
    by_code: dict[str, Rule] = {}
    names: set[str] = set()
    for new in rules:
        if new.code in by_code:
            raise ValueError(f"rule code {new.code} is declared twice")
        if new.name in names:
            raise ValueError(f"rule name {new.name} is declared twice")
        by_code[new.code] = new
        names.add(new.name)
    return by_code
