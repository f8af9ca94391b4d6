"""Custom rules without Python: `[[rule]]` tables in a TOML file.

    [[rule]]
    code = "GMR901"                 # GMR9xx is left for custom rules
    name = "ratio-above-house-limit"
    severity = "warning"            # error, warning or info
    service = "nova"                # or a list; omit for every service
    group = "DEFAULT"
    option = "cpu_allocation_ratio"
    gt = 8.0                        # exactly one of: eq ne lt le gt ge in not_in
                                    # contains matches missing present
    since = "2023.1"                # optional release range
    until = "2026.2"
    message = "{option} = {value} is above the house limit of 8.0"
    why = "..."                     # optional docs: what, why, fix, source

The file is data: nothing in it is evaluated or imported. Errors name the file and line.
"""

from __future__ import annotations

from typing import Any, Collection

from gmr.errors import ConfigError
from gmr.tables import tables_of
from gmr.lint.api import CODE, NAME, Rule, Severity
from gmr.lint.conditions import CONDITIONS, option_check
from gmr.releases import release_named
from gmr.lint.settings import read_text
from gmr.models import group_title
from gmr.parsing.identify import SERVICES

_KEYS = {"code", "name", "severity", "service", "group", "option", "since", "until",
         "message", "what", "why", "fix", "source", *CONDITIONS}


def load_rules(path: str, taken: Collection[str] = ()) -> list[Rule]:
    """The rules of a custom rules file, checked against each other and the codes and
    names already `taken` (the built-ins, other rules files)."""
    text = read_text(path, "cannot read the rules file")
    rules: list[Rule] = []
    for index, (table, line) in enumerate(tables_of(text, path, "rule")):
        try:
            made = _rule(table)
        except ValueError as error:
            raise ConfigError(f"rule {index + 1}: {error}", path, line) from None
        for kind, value in (("code", made.code), ("name", made.name)):
            if value in taken or any(getattr(r, kind) == value for r in rules):
                raise ConfigError(f"rule {index + 1}: {kind} {value} is already taken", path,
                                  line)
        rules.append(made)
    return rules


def _rule(table: Any) -> Rule:
    if not isinstance(table, dict):
        raise ValueError("must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}")
    for key in ("code", "name", "group", "option", "message"):
        if not isinstance(table.get(key), str) or not table[key]:
            raise ValueError(f"needs {key!r} as a string")
    if not CODE.match(table["code"]):
        raise ValueError(f"code {table['code']!r} is not GMR followed by three digits")
    if not NAME.match(table["name"]):
        raise ValueError(f"name {table['name']!r} is not kebab-case")
    conditions = [key for key in CONDITIONS if key in table]
    if len(conditions) != 1:
        raise ValueError(f"needs exactly one condition of {', '.join(CONDITIONS)}")
    try:
        severity = Severity(table.get("severity", "warning"))
    except ValueError:
        raise ValueError(f"severity {table.get('severity')!r} is not error, warning or info") \
            from None
    for bound in ("since", "until"):
        if bound in table and release_named(str(table[bound])) is None:
            raise ValueError(f"{bound} {table[bound]!r} is not an OpenStack release")
    services = table.get("service", ())
    services = (services,) if isinstance(services, str) else tuple(services)
    for service in services:
        if service not in SERVICES:
            raise ValueError(f"service {service!r} is not one gmr knows: {', '.join(SERVICES)}")
    group, option = table["group"], table["option"]
    kind = conditions[0]
    try:
        table["message"].format(group="", option="", value="")
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(f"message: unknown placeholder {error}") from None

    check = option_check(group, option, kind, table[kind])
    what = table.get("what", table["message"].format(group=group, option=option, value="…"))
    releases = ((table.get("since"), table.get("until"))
                if "since" in table or "until" in table else None)
    return Rule(code=table["code"], name=table["name"], severity=severity,
                message=table["message"], what=what, why=table.get("why", ""),
                fix=table.get("fix", ""),
                source=table.get("source", "custom rule"), check=check, services=services,
                releases=releases, reads=(f"{group_title(group)}.{option}",))
