"""The service's configuration file rebuilt from a report: what the operator set.

Every option whose value differs from the upstream default of the report's release, in
the syntax oslo.config reads: `[DEFAULT]` and the other groups, option names as a file
spells them (keystoneauth's `auth-url` is `auth_url` there), lists joined with commas
(in brackets when the option's type is bounded, the only way oslo.config reads it),
multi-valued options one line per value, dicts as `key:value` pairs, the upstream
default as a comment, `[DEFAULT]` first. Options gmr cannot judge (masked ones, whose
value the report hides; a plug-in's; a default that depends on the host) are counted,
and shown only with `everything`, a masked one as a comment, never as `***`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gmr.errors import GmrError
from gmr.knowledge.changes import Setting, Status, settings
from gmr.models import Report, Value, group_title

#: What a rebuilt file shows: every option that is set, and with `everything` the rest.
SHOWN: frozenset[Status] = frozenset({"changed"})


@dataclass(frozen=True)
class Entry:
    """One line (or lines) of the rebuilt file."""

    group: str
    name: str
    value: Value
    status: Status
    #: The upstream default as printed; None when there is none to show.
    default: Value | None
    multi: bool
    line: int | None
    #: The brackets of a bounded list or dict, `[]` or `{}`, which it is written in
    #: (`[a,b]`, `{k:v}`); "" for any other option.
    brackets: str = ""


@dataclass
class ConfigFile:
    """The rebuilt file of one report."""

    service: str
    release: str
    node: str | None
    path: str | None
    entries: list[Entry]
    #: How many options each status left out (unknown, host, default, command-line).
    left_out: dict[str, int] = field(default_factory=dict)

    def text(self) -> str:
        """The file, as oslo.config reads it."""
        lines = [f"# {self.service} {self.release}" + (f" on {self.node}" if self.node else "")
                 + (f", from {self.path}" if self.path else "")]
        if self.left_out:
            lines.append("# left out: " + ", ".join(
                f"{count} {_WHY[status]}" for status, count in self.left_out.items()))
        current = None
        for entry in self.entries:
            if entry.group != current:
                current = entry.group
                lines += ["", f"[{group_title(entry.group)}]"]
            lines += _lines(entry)
        return "\n".join(lines) + "\n"

    def as_json(self) -> dict:
        return {
            "service": self.service, "release": self.release, "node": self.node,
            "path": self.path,
            "options": [{"group": e.group, "option": e.name, "value": _json(e.value),
                         "default": None if e.default is None else _json(e.default),
                         "status": e.status, "line": e.line} for e in self.entries],
            "left_out": self.left_out,
        }


_WHY = {"default": "at their upstream default", "masked": "masked by the report",
        "unknown": "not upstream options of the release (a plug-in's or a driver's)",
        "host": "whose default depends on the host", "command-line": "set on the command line"}


def rebuild(report: Report, everything: bool = False) -> ConfigFile:
    """The configuration file `report`'s daemon ran with, as far as the report tells:
    the options set to other values than upstream's (all of them with `everything`)."""
    if report.release is None or report.release.name is None:
        why = ("fits " + " and ".join(report.release.candidates)
               if report.release else "does not tell which release it is")
        raise GmrError(f"the report {why}; pass --release", report.source.path,
                       report.source.first_line)
    entries: list[Entry] = []
    left_out: dict[str, int] = {}
    found = settings(report, report.release.name)
    found.sort(key=lambda setting: setting.group != "default")  # [DEFAULT] first, as files do
    for setting in found:
        if everything or setting.status in SHOWN:
            entries.append(_entry(setting))
        else:
            left_out[setting.status] = left_out.get(setting.status, 0) + 1
    return ConfigFile(report.service or "?", report.release.name, report.node,
                      report.source.path, entries, left_out)


#: The brackets a bounded option of these types is written in.
_BRACKETS = {"list value": "[]", "dict value": "{}"}


def _entry(setting: Setting) -> Entry:
    option, fact = setting.option, setting.fact
    default = fact.default if fact is not None and setting.status != "default" else None
    return Entry(setting.group, option.name.replace("-", "_"), option.value, setting.status,
                 default, fact is not None and fact.type == "multi valued", option.line,
                 _BRACKETS.get(fact.type, "") if fact is not None and fact.bounds else "")


def _lines(entry: Entry) -> list[str]:
    comment = [] if entry.default is None else [
        f"# upstream default: {_written(entry.default, entry.brackets) or '(empty)'}"]
    if entry.status == "masked":
        return [*comment, f"# {entry.name} = <masked in the report>"]
    if entry.value == "None":
        return [*comment, f"# {entry.name} is unset (None): a file cannot write that"]
    dicts = _dicts(entry.value)
    if dicts is not None:
        return [*comment, *(f"{entry.name} = {_written(item)}" for item in dicts)]
    if entry.multi and isinstance(entry.value, tuple):
        return [*comment, *(f"{entry.name} = {item}" for item in entry.value)]
    return [*comment, f"{entry.name} = {_written(entry.value, entry.brackets)}".rstrip()]


#: How oslo.reports prints a dict inside a list (nova's multi-valued `reserved_huge_pages`
#: of dicts): `[dict]`, then its entries one level deeper, which the parser keeps as
#: list items indented by two spaces.
_ANON_DICT = "[dict]"


def _dicts(value: Value) -> list[dict[str, str]] | None:
    """The dicts of a list of dicts as a report prints it, each to be one line of a
    multi-valued option; None when `value` is not one."""
    if not isinstance(value, tuple) or not value or value[0] != _ANON_DICT:
        return None
    found: list[dict[str, str]] = []
    for item in value:
        if item == _ANON_DICT:
            found.append({})
        elif item.startswith("  ") and " = " in item:
            key, _, entry = item[2:].partition(" = ")
            found[-1][key] = entry
        else:
            return None
    return found


def _written(value: Value, brackets: str = "") -> str:
    """A value as a config file writes it; the lines of a multi-line value after the
    first are indented, as oslo.config continues them.

    A bounded list or dict is written in its `brackets`, which oslo.config's List and
    Dict types then require: `[a,b]`, `{k:v}`, `[]` when empty (a report prints an
    empty list as an empty value).
    """
    if isinstance(value, tuple):
        text = ",".join(value)
    elif isinstance(value, dict):
        text = ",".join(f"{key}:{item}" for key, item in value.items())
    elif brackets and value != "None":
        text = value  # an empty list, or one a report printed on one line
    else:
        return value.replace("\n", "\n    ")
    return f"{brackets[0]}{text}{brackets[1]}" if brackets else text


def _json(value: Value) -> str | list[str] | dict[str, str]:
    return list(value) if isinstance(value, tuple) else value
