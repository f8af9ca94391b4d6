"""What the operator changed: every option of a report against upstream's default for the
report's release.

A report prints effective values only; whether one was set is told by comparing it with
the default the release registers. A default that names the host (its name, address,
install paths) matches whatever the report's host put there; a default that depends on
the host otherwise (a CPU count, a documented sample value) cannot be told apart from a
setting, so such an option is `host`, for callers to decide. Options a backend group
holds (cinder's and glance's groups named in `enabled_backends`) take the facts of the
group that defines them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from gmr import knowledge
from gmr.errors import GmrError
from gmr.knowledge import OptionFact
from gmr.models import Option, Report

#: default: upstream's value; changed: set to something else; masked: printed `***`, so
#: unknown; host: depends on the host in a way the report cannot tell; unknown: not an
#: option the release registers (a plug-in's, a driver's); command-line: oslo.config's
#: own options (`config-file`), which are not configuration.
Status = Literal["default", "changed", "masked", "host", "unknown", "command-line"]

#: Services whose `[DEFAULT] enabled_backends` names groups that hold a backend's options,
#: and the groups where those options are defined (the first that has one wins).
BACKENDS = {"cinder": ("backend_defaults", "default"),
            "glance": ("glance_store", "backend_defaults")}
#: oslo.config's own options that only the command line sets (oslo_config/cfg.py:
#: `_make_config_options`, "This option must be set from the command-line", and the
#: `shell_completion` CLI option); its `config_source` is read from files, so it stays.
COMMAND_LINE = ("config-file", "config-dir", "shell_completion")


@dataclass(frozen=True, slots=True)
class Setting:
    """One option of a report and what upstream says of it."""

    group: str
    option: Option
    fact: OptionFact | None
    status: Status


def settings(report: Report, release: str) -> list[Setting]:
    """Every option of `report` against the defaults of `release`, in printed order; a
    GmrError when the knowledge base does not cover the service or the release."""
    covered = [r.name for r in knowledge.releases(report.service)] \
        if report.service in knowledge.services() else []
    if release not in covered:
        span = f" (it covers {covered[0]} to {covered[-1]})" if covered else ""
        raise GmrError(f"gmr knows no upstream defaults of {report.service or 'this service'} "
                       f"{release}{span}", report.source.path, report.source.first_line)
    if report.configuration is None:
        return []
    facts = knowledge.options(report.service, release)
    backends = _backend_groups(report)
    found = []
    for group, option in report.configuration.options():
        if group.name in backends:
            homes = BACKENDS[report.service]
            fact = next((facts[home, option.name] for home in homes
                         if (home, option.name) in facts), None)
        else:
            fact = facts.get((group.name, option.name))
        found.append(judged(report, report.service, release, group.name, option, fact,
                            group.name in backends))
    return found


def judged(report: Report, service: str, release: str, group: str, option: Option,
           fact: OptionFact | None, in_backend: bool) -> Setting:
    """One option of `report` against `fact`, its registration in `service` `release`
    (whose other options a default may refer to); `in_backend` when it sits in a backend
    group."""
    if fact is not None and fact.interpolated:
        fact = _substituted(report, group, fact)
    status = _status(option, fact, in_backend)
    if status == "changed" and _derived(report, service, release, group, option, fact):
        status = "default"
    return Setting(group, option, fact, status)


def _derived(report: Report, service: str, release: str, group: str, option: Option,
             fact: OptionFact) -> bool:
    """Whether an interpolated default the knowledge base holds with a host's path in it
    (`<site-packages>/instances`, written `$state_path/instances` upstream) is the report's
    own value of the option it refers to, plus the rest."""
    if not fact.interpolated or not isinstance(fact.default, str):
        return False
    for (where, name), tail in referred(service, release, group, option.name, fact.default):
        printed = report.option(where, name)
        if printed is not None and printed.shape == "scalar" and option.shape == "scalar" \
                and printed.value + tail == option.value:
            return True
    return False


@lru_cache(maxsize=4096)
def referred(service: str, release: str, group: str, name: str,
             default: str) -> tuple[tuple[tuple[str, str], str], ...]:
    """The options an interpolated `default` of option `name` in `group` may have been made
    from, each with the rest of the default after its value: those whose own default is
    the default's head up to a `/` (`<site-packages>` of `<site-packages>/instances`), in
    the same group or [DEFAULT]."""
    holding = _holding(service, release)
    found = []
    for cut in (index for index, char in enumerate(default) if char == "/" and index):
        head, tail = default[:cut], default[cut:]
        found += [((where, other), tail) for where, other in holding.get(head, ())
                  if where in (group, "default") and (where, other) != (group, name)]
    return tuple(found)


@lru_cache(maxsize=64)
def _holding(service: str, release: str) -> dict[str, list[tuple[str, str]]]:
    """The options of a release by their default, where it is text."""
    found: dict[str, list[tuple[str, str]]] = {}
    for key, fact in knowledge.options(service, release).items():
        if isinstance(fact.default, str):
            found.setdefault(fact.default, []).append(key)
    return found


#: A reference to another option in a default, as oslo.config substitutes it (its
#: string.Template's identifier, dots allowed): `$name`, `${name}`, `$group.name`; `$$`
#: is a literal `$`.
_REFERENCE = re.compile(r"\$(?:\$|\{([_a-z][._a-z0-9]*)\}|([_a-z][._a-z0-9]*))", re.I)


def _substituted(report: Report, group: str, fact: OptionFact) -> OptionFact:
    """`fact` with the references its default still holds (`$state_path/dhcp`: the
    knowledge base keeps a default as written when it was read where the option it names
    was not registered) replaced by the report's own values of those options, as
    oslo.config does: `$name` is looked up in the option's group, then in [DEFAULT].
    `fact` itself when a reference cannot be resolved from the report."""
    default = fact.default
    if not isinstance(default, str) or "$" not in default:
        return fact
    unresolved = False

    def value(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(2)
        if name is None:
            return "$"
        where, _, key = name.rpartition(".")
        found = report.option(where, key) if where else (
            report.option(group, key) or report.option("DEFAULT", key))
        if found is None or found.shape != "scalar" or found.masked or found.is_none:
            unresolved = True
            return match.group(0)
        return found.value

    resolved = _REFERENCE.sub(value, default)
    return fact if unresolved or resolved == default else replace(fact, default=resolved)


def _status(option: Option, fact: OptionFact | None, in_backend: bool) -> Status:
    if fact is None:
        return "unknown"
    if option.name in COMMAND_LINE and "oslo.config" in fact.files:
        return "command-line"
    if option.masked:
        return "masked"
    if in_backend and option.is_none:
        return "default"  # unset in the backend's group: the defining group's value holds
    if fact.matches(option.value):
        return "default"
    if fact.secret and replace(fact, secret=False).matches(option.value):
        return "default"  # printed in clear because another module registered it too
    if fact.host_dependent and not any(mark in str(fact.default)
                                       for mark in knowledge.PLACEHOLDERS):
        return "host"
    return "changed"


def _backend_groups(report: Report) -> set[str]:
    """The groups `[DEFAULT] enabled_backends` names: a list (cinder) or `name:type`
    pairs (glance)."""
    if report.service not in BACKENDS:
        return set()
    option = report.option("DEFAULT", "enabled_backends")
    if option is None or option.masked:
        return set()
    if option.shape == "dict":
        return set(option.value)
    return set(option.as_list() or ())
