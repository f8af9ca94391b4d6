"""What upgrading a report's service to a later release does to its configuration.

Each release between the report's own and the target is a step. At each step the
options upstream registers in the release before and in the step's release (the
knowledge base) are compared, and held against what the report prints, judged as
`gmr config` judges it (`gmr.knowledge.changes.settings`):

- an option the node sets that the step removes, renames (the new option lists the old
  name among its `deprecated_names`) or deprecates for removal;
- an option the node leaves at upstream's default whose default the step changes: the
  node behaves differently with not one line of its configuration changed;
- an option the step adds that a lint rule reads (`Rule.reads`): a check that starts
  to matter.

Removals, renames and changed defaults break or change behaviour (severity error), a
deprecation warns, a new option informs. Options gmr cannot judge (masked, a plug-in's,
a default that depends on the host) are left out, as `gmr config` leaves them out.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field

from gmr import knowledge
from gmr.credentials import redacted
from gmr.errors import GmrError, UsageError
from gmr.knowledge import Default, OptionFact
from gmr.knowledge.changes import Setting, settings
from gmr.lint.api import Rule, Severity
from gmr.models import Report, Value, group_key, group_title
from gmr.printable import escape_controls
from gmr.releases import NAMES, release_named

Kind = Literal["removed", "renamed", "deprecated", "default-changed", "new-option"]
SEVERITY: dict[str, Severity] = {
    "removed": Severity.ERROR, "renamed": Severity.ERROR, "default-changed": Severity.ERROR,
    "deprecated": Severity.WARNING, "new-option": Severity.INFO,
}
#: An option by its group and name, as the report prints them or as the knowledge base
#: keys them.
Key = tuple[str, str]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class OptionName(_Model):
    group: str = Field(description="As the report prints it (`default` for [DEFAULT])")
    option: str


class Change(_Model):
    """One thing that changes for the node at one step of the upgrade."""

    release: str = Field(description="The release of the step where it happens")
    kind: Kind = Field(description="removed, renamed or deprecated: an option the node "
                                   "sets; default-changed: an option the node leaves at "
                                   "upstream's default; new-option: an option a lint rule "
                                   "reads")
    severity: Severity = Field(description="error: breaks or changes behaviour "
                                           "(removed, renamed, default-changed); warning: "
                                           "deprecated; info: new-option")
    group: str = Field(description="As the report prints it (`default` for [DEFAULT])")
    option: str
    line: int | None = Field(description="The option's line in the input; null for a new "
                                         "option")
    value: Value | None = Field(description="The node's value as printed, credentials "
                                            "redacted; null for a new option")
    default: Value | None = Field(None, description="Upstream's default before the step "
                                                    "(default-changed), or the new option's")
    new_default: Value | None = Field(None, description="The default from the step on "
                                                        "(default-changed)")
    renamed_to: OptionName | None = Field(None, description="The option's new name "
                                                            "(renamed)")
    reason: str | None = Field(None, description="Upstream's deprecation reason "
                                                  "(deprecated)")
    rules: tuple[str, ...] = Field((), description="The codes of the lint rules that read "
                                                   "the new option (new-option)")
    message: str = Field(description="One line saying all of it")


class ReportUpgrade(_Model):
    """The upgrade of one report's service, step by step."""

    file: str | None
    line: int = Field(description="The report's first line in the file")
    service: str
    node: str | None
    release: str = Field(description="The release the report comes from")
    release_source: Literal["package", "options", "user"] = Field(
        description="How the release is known (see `release` in `gmr schema report`)")
    to: str
    steps: tuple[str, ...] = Field(description="The releases on the way, the target last")
    changes: list[Change] = Field(description="In step order, then in printed order")


class UpgradePlan(_Model):
    """What `gmr upgrade --json` prints."""

    to: str
    reports: list[ReportUpgrade]

    def failing(self, threshold: Severity) -> list[Change]:
        return [change for report in self.reports for change in report.changes
                if change.severity.rank >= threshold.rank]


def target_release(name: str) -> str:
    """The release `--to` names; a name gmr does not know is a UsageError."""
    found = release_named(name)
    if found is None:
        raise UsageError(f"--to {name!r} is not an OpenStack release ({NAMES[0]} to "
                         f"{NAMES[-1]}, or a code name such as epoxy)")
    return found.name


def upgrade(report: Report, to: str, rules: Iterable[Rule]) -> ReportUpgrade:
    """What changes for `report` (its release found, `gmr.releases.with_release`) from its
    release to `to`. A target not later than the report's release is a UsageError; a
    release or service the knowledge base does not cover is a GmrError naming the report.
    """
    start = _start(report)
    if release_named(to) <= release_named(start):
        raise UsageError(f"--to {to} is not later than {start}, the release of "
                         f"{report.source.path or 'the report'}")
    covered = [r.name for r in knowledge.releases(report.service)] \
        if report.service in knowledge.services() else []
    if to not in covered:
        span = f" (it covers {covered[0]} to {covered[-1]})" if covered else ""
        raise GmrError(f"gmr knows no upstream options of {report.service or 'this service'} "
                       f"{to}{span}", report.source.path, report.source.first_line)
    found = settings(redacted(report), start)  # GmrError when `start` is not covered
    steps = tuple(covered[covered.index(start) + 1: covered.index(to) + 1])
    readers = [rule for rule in rules if rule.reads and rule.applies_to(report.service)]
    changes: list[Change] = []
    changed, at_default = _tracked(found, "changed"), _tracked(found, "default")
    before = start
    for step in steps:
        changes += _step(report.service, before, step, changed, at_default, readers)
        before = step
    return ReportUpgrade(file=report.source.path, line=report.source.first_line,
                         service=report.service, node=report.node, release=start,
                         release_source=report.release.source, to=to, steps=steps,
                         changes=changes)


def _start(report: Report) -> str:
    """The report's release, or a GmrError saying why it is not known."""
    if report.release is None or report.release.name is None:
        why = ("fits " + " and ".join(report.release.candidates) + "; pass --release"
               if report.release else "does not tell which release it is; pass --release")
        raise GmrError(f"the report {why}", report.source.path, report.source.first_line)
    return report.release.name


def _tracked(found: list[Setting], status: str) -> dict[Key, Setting]:
    """The settings of one status, by the group and name the report prints."""
    return {(s.group, s.option.name): s for s in found if s.status == status}


def _key(setting: Setting) -> Key:
    """The knowledge base's key of a setting's fact: a backend group's option takes the
    key of the group that defines it."""
    return setting.fact.group, setting.fact.name


def _step(service: str, before: str, step: str, changed: dict[Key, Setting],
          at_default: dict[Key, Setting], readers: list[Rule]) -> list[Change]:
    """The changes of one step. An option removed or renamed is followed no further (a
    setting under the old name is one finding, made where the name goes)."""
    old, new = knowledge.options(service, before), knowledge.options(service, step)
    renamed = _renamed(service, before, step)
    changes = []
    for where, setting in list(changed.items()):
        key = _key(setting)
        if key not in new:
            changes.append(_gone(step, setting, renamed.get(key)))
            del changed[where]
        elif new[key].deprecated_for_removal and not old[key].deprecated_for_removal:
            changes.append(_deprecated(step, setting, new[key]))
    for where, setting in list(at_default.items()):
        key = _key(setting)
        if key not in new:
            del at_default[where]
        elif None not in (old[key].default, new[key].default) and \
                old[key].default != new[key].default:
            changes.append(_default_changed(step, setting, old[key], new[key]))
    changes.sort(key=lambda change: change.line or 0)
    in_range = [rule for rule in readers if _in_range(rule, step)]
    for key in sorted(new.keys() - old.keys()):
        codes = tuple(rule.code for rule in in_range if rule.reads_option(*key))
        if codes:
            changes.append(_new_option(step, new[key], codes, readers))
    return changes


@lru_cache(maxsize=None)
def _renamed(service: str, before: str, step: str) -> dict[Key, Key]:
    """Options of `before` that `step` registers under another name, old key to new."""
    old, new = knowledge.options(service, before), knowledge.options(service, step)
    found = {}
    for key, fact in new.items():
        for group, name in fact.deprecated_names:
            was = (group_key(group), name)
            if was in old and was not in new:
                found[was] = key
    return found


def _in_range(rule: Rule, step: str) -> bool:
    if rule.releases is None:
        return True
    low, high = (release_named(bound) if bound else None for bound in rule.releases)
    at = release_named(step)
    return (low is None or at >= low) and (high is None or at <= high)


def _where(setting: Setting) -> str:
    return f"[{group_title(setting.group)}] {setting.option.name}"


def _change(step: str, kind: Kind, setting: Setting, message: str, **fields) -> Change:
    return Change(release=step, kind=kind, severity=SEVERITY[kind], group=setting.group,
                  option=setting.option.name, line=setting.option.line,
                  value=setting.option.value, message=escape_controls(message, layout=True),
                  **fields)


def _gone(step: str, setting: Setting, renamed: Key | None) -> Change:
    shown = f"{_where(setting)} = {setting.option.text}"
    if renamed is None:
        return _change(step, "removed", setting,
                       f"{shown}: removed in {step}; oslo.config ignores the setting from then on")
    group, name = renamed
    return _change(step, "renamed", setting,
                   f"{shown}: renamed [{group_title(group)}] {name} in {step}; the old name "
                   "works only as a deprecated alias",
                   renamed_to=OptionName(group=group, option=name))


def _deprecated(step: str, setting: Setting, fact: OptionFact) -> Change:
    since = f" (since {fact.deprecated_since})" if fact.deprecated_since else ""
    reason = " ".join((fact.deprecated_reason or "").split()) or None
    return _change(step, "deprecated", setting,
                   f"{_where(setting)} = {setting.option.text}: deprecated for removal in "
                   f"{step}{since}" + (f": {reason.rstrip('.')}" if reason else ""),
                   reason=reason)


def _default_changed(step: str, setting: Setting, old: OptionFact, new: OptionFact) -> Change:
    if isinstance(old.default, str) or isinstance(new.default, str):
        how = (f"changes from {_text(old.default)} to {_text(new.default)} in {step}: the "
               f"node behaves differently unless it sets {_text(old.default)}")
    else:
        how = (f"changes in {step} ({_items(old.default, new.default)}): the node behaves "
               "differently unless it sets the old one")
    return _change(step, "default-changed", setting,
                   f"{_where(setting)} keeps upstream's default, which {how}",
                   default=old.default, new_default=new.default)


def _items(old: tuple[str, ...] | dict[str, str], new: tuple[str, ...] | dict[str, str]) -> str:
    """What a list or dict default loses (`- item`), gains (`+ item`) and changes
    (`~ key`), as `gmr diff` names them."""
    gone = [f"- {item}" for item in old if item not in new]
    come = [f"+ {item}" for item in new if item not in old]
    changed = [f"~ {key}" for key in old if isinstance(old, dict) and isinstance(new, dict)
               and key in new and old[key] != new[key]]
    return ", ".join(gone + come + changed)


def _new_option(step: str, fact: OptionFact, codes: tuple[str, ...],
                readers: list[Rule]) -> Change:
    names = {rule.code: rule.name for rule in readers}
    read_by = ", ".join(f"{code} ({names[code]})" for code in codes)
    return Change(release=step, kind="new-option", severity=SEVERITY["new-option"],
                  group=fact.group, option=fact.name, line=None, value=None,
                  default=fact.printed_default, rules=codes,
                  message=escape_controls(
                      f"[{group_title(fact.group)}] {fact.name} is new in {step} (default "
                      f"{_text(fact.printed_default)}); {read_by} reads it", layout=True))


def _text(default: Default | None) -> str:
    """A default as a message shows it: list items and dict entries joined by commas."""
    if isinstance(default, tuple):
        return ",".join(default) or "(empty)"
    if isinstance(default, dict):
        return ",".join(f"{key}:{value}" for key, value in default.items()) or "(empty)"
    return "(empty)" if default == "" else str(default)
