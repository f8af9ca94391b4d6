"""What one option's value must be for a rule to fire: the conditions custom rules write
in TOML, which built-in rules about a single option declare as data too (`option_rule`).
"""

from __future__ import annotations

import re
from typing import Any, Callable, Iterator

from gmr.lint.api import Context, Example, Hit, ReportCheck, Rule, Severity, hit
from gmr.models import Option, Report, group_title

CONDITIONS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "not_in", "contains", "matches",
              "missing", "present")


def option_check(group: str, name: str, kind: str, expected: Any) -> ReportCheck:
    """A check that fires on option `name` of `group` when `kind` holds of its value
    (`missing`: when the report does not print it). A bad `expected` is a ValueError."""
    test = condition(kind, expected)

    def check(report: Report, context: Context) -> Iterator[Hit]:
        if kind == "missing":
            if report.option(group, name) is None:
                yield hit(group, name, value="(missing)")
            return
        found = context.option(group, name)
        if found is not None and test(found):
            yield hit(group, found)

    return check


def option_rule(*, code: str, name: str, severity: Severity, group: str, option: str,
                when: tuple[str, Any], message: str, what: str, why: str, fix: str,
                source: str, services: tuple[str, ...] = (),
                releases: tuple[str | None, str | None] | None = None,
                examples: tuple[Example, ...] = ()) -> Rule:
    """A rule about one option, declared as data: it fires when `when` (a condition of
    CONDITIONS and its operand, e.g. `("eq", True)`) holds of the option's value."""
    kind, expected = when
    return Rule(code=code, name=name, severity=severity, message=message, what=what,
                why=why, fix=fix, source=source, check=option_check(group, option, kind,
                                                                    expected),
                services=services, releases=releases, reads=(f"{group_title(group)}.{option}",),
                examples=examples)


def condition(kind: str, expected: Any) -> Callable[[Option], bool]:
    """The test an option's value must pass for the rule to fire."""
    if kind == "present":
        return lambda option: bool(expected) and not option.is_none
    if kind == "missing":
        return lambda option: False
    if kind == "matches":
        try:
            pattern = re.compile(str(expected))
        except re.error as error:
            raise ValueError(f"matches: invalid regular expression: {error}") from None
        return lambda option: pattern.search(option.text) is not None
    if kind in ("in", "not_in"):
        if not isinstance(expected, list):
            raise ValueError(f"{kind} needs a list")
        choices = [_normal(item) for item in expected]
        return (lambda option: _normal(option.text) in choices) if kind == "in" else (
            lambda option: _normal(option.text) not in choices)
    if kind == "contains":
        return lambda option: (str(expected) in option.value if option.shape == "list"
                               else str(expected) in option.text)
    if kind in ("lt", "le", "gt", "ge"):
        if not isinstance(expected, (int, float)) or isinstance(expected, bool):
            raise ValueError(f"{kind} needs a number")
        compare = {"lt": float.__lt__, "le": float.__le__, "gt": float.__gt__,
                   "ge": float.__ge__}[kind]
        return lambda option: (option.as_float() is not None
                               and compare(option.as_float(), float(expected)))
    wanted = _normal(expected)
    return (lambda option: _normal(option.text) == wanted) if kind == "eq" else (
        lambda option: _normal(option.text) != wanted)


def _normal(value: Any) -> str:
    """Text as compared: numbers by value (`1` equals `1.0`), booleans in any case."""
    text = str(value).strip()
    if isinstance(value, bool) or text.lower() in ("true", "false"):
        return text.lower()
    try:
        return repr(float(text))
    except ValueError:
        return text
