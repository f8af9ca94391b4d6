"""What a lint rule is: its declaration, what its check yields, and the registry.

A rule is declared once with `@rule(...)` on its check function (see STYLE.md): a stable
code (`GMR101`; the hundreds digit is the family, codes are never reused), a kebab-case
name, a default severity, the services it applies to, an optional release range, a
message template, its docs and its public source. The check looks at one report and
yields `Hit`s naming the exact group and option; the engine turns them into findings,
stamping code, severity, file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Callable, Iterator

if TYPE_CHECKING:
    from gmr.lint.engine import Context
    from gmr.models import Option, Report

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


#: A check receives one report and its context; a fleet rule's, the list of reports.
Check = Callable[["Report", "Context"], Iterator[Hit]] | Callable[[list["Report"]], Iterator[Hit]]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    message: str
    what: str
    why: str
    fix: str
    before: str
    after: str
    source: str
    check: Check
    services: tuple[str, ...] = ()
    #: Inclusive release range by name (`("stein", None)`: Stein and later).
    releases: tuple[str | None, str | None] | None = None
    #: A fleet rule's check receives every report linted together (a list, no context:
    #: it tells the reports apart by program and node) and runs when there are several.
    fleet: bool = False

    def applies_to(self, service: str | None) -> bool:
        return not self.services or service in self.services


REGISTRY: dict[str, Rule] = {}


def rule(
    *,
    code: str,
    name: str,
    severity: Severity,
    message: str,
    what: str,
    why: str,
    fix: str,
    before: str,
    after: str,
    source: str,
    services: tuple[str, ...] = (),
    releases: tuple[str | None, str | None] | None = None,
    fleet: bool = False,
) -> Callable[[Check], Check]:
    """Register the decorated check as a rule; a code or name used twice fails at import."""

    def register(check: Check) -> Check:
        add(Rule(code=code, name=name, severity=severity, message=message, what=what,
                 why=why, fix=fix, before=before, after=after, source=source, check=check,
                 services=services, releases=releases, fleet=fleet))
        return check

    return register


def add(new: Rule) -> None:
    """Put a rule in the registry, refusing codes and names that are taken or malformed."""
    if not CODE.match(new.code):
        raise ValueError(f"rule code {new.code!r} is not GMR followed by three digits")
    if not NAME.match(new.name):
        raise ValueError(f"rule name {new.name!r} is not kebab-case")
    if new.code in REGISTRY:
        raise ValueError(f"rule code {new.code} is declared twice")
    if any(existing.name == new.name for existing in REGISTRY.values()):
        raise ValueError(f"rule name {new.name} is declared twice")
    REGISTRY[new.code] = new
