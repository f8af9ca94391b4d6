"""gmr: parse, compare and lint OpenStack Guru Meditation Reports.

Everything the command line does, this package does; it never prints.

    reports = gmr.parse(text)                 # every report in a string
    reports = gmr.parse_file("nova.log")      # every report in a file, in bounded memory
    inputs = gmr.read_inputs(["reports/"])    # files, folders and globs, as the CLI reads them
    gmr.render(report)                        # the report's text back, byte for byte
    gmr.redact(report)                        # credentials printed in clear masked
    gmr.diff_reports(reports)                 # what `gmr diff` computes
    gmr.lint_reports(reports)                 # what `gmr lint` computes, with the built-in rules
    gmr.rebuild_config(report)                # what `gmr config` computes: the operator's file
    gmr.plan_upgrade(reports, to="2026.2")    # what `gmr upgrade` computes
    gmr.analyse_stacks(reports)               # what `gmr stacks` computes
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Sequence

from gmr.errors import GmrError, GmrSyntaxError, InputError, NoReportFound, UsageError

if TYPE_CHECKING:
    from gmr.configfile import ConfigFile
    from gmr.inputs import read_inputs, read_reports
    from gmr.models import Report
    from gmr.parsing import iter_file, iter_reports, parse, parse_file, render
    from gmr.diff.compare import FleetDiff
    from gmr.lint.engine import LintResult
    from gmr.stacks.model import ProcessStacks
    from gmr.upgrade import UpgradePlan

__all__ = [
    "GmrError",
    "GmrSyntaxError",
    "InputError",
    "NoReportFound",
    "Report",
    "UsageError",
    "analyse_stacks",
    "diff_reports",
    "iter_file",
    "iter_reports",
    "lint_reports",
    "parse",
    "parse_file",
    "plan_upgrade",
    "read_inputs",
    "read_reports",
    "rebuild_config",
    "redact",
    "render",
]


#: What `import gmr` offers from the modules below, imported on first use: a command run
#: once per file (pre-commit, CI) should not pay for the models and the parser before it
#: knows it needs them.
_LAZY = {
    "read_inputs": "gmr.inputs", "read_reports": "gmr.inputs", "Report": "gmr.models",
    "iter_file": "gmr.parsing", "iter_reports": "gmr.parsing", "parse": "gmr.parsing",
    "parse_file": "gmr.parsing", "render": "gmr.parsing",
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'gmr' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def redact(report: Report) -> Report:
    """A copy of `report` whose credentials printed in clear are masked."""
    from gmr.credentials import redacted

    return redacted(report)


def diff_reports(reports: Sequence[Report], baseline: Sequence[Report] = (),
                 **options: Any) -> FleetDiff:
    """Compare reports as fleet nodes, with each other or with `baseline`; `options` are
    those of `gmr.diff.compare.diff_reports` (identity, ignore, only, release, defaults)."""
    from gmr.diff.compare import diff_reports as compare

    return compare(reports, baseline, **options)


def lint_reports(reports: Sequence[Report], **options: Any) -> LintResult:
    """Lint reports with the built-in rules and the custom rules `settings` names;
    `options` are those of `gmr.lint.lint` (settings, release, service, ...)."""
    from gmr.lint import Settings, all_rules, lint

    return lint(reports, all_rules(options.get("settings") or Settings()), **options)


def rebuild_config(report: Report, release: str | None = None,
                   everything: bool = False) -> ConfigFile:
    """The configuration file `report`'s daemon ran with: the options that differ from the
    upstream defaults of its release (`release` when the report does not say; with
    `everything`, all of them). A service or release gmr has no defaults of is a GmrError."""
    from gmr.configfile import rebuild
    from gmr.releases import given_release, with_release

    if release is not None:
        given_release(release)
    return rebuild(with_release(report, release), everything)


def plan_upgrade(reports: Sequence[Report], to: str, release: str | None = None,
                 rules_file: Sequence[str] = ()) -> UpgradePlan:
    """What an upgrade to release `to` changes for each report's configuration; options
    the built-in rules and the custom rules in `rules_file` read count as new options."""
    from gmr.lint.run import all_rules
    from gmr.lint.settings import Settings
    from gmr.releases import given_release, with_release
    from gmr.upgrade import UpgradePlan, target_release, upgrade

    target = target_release(to)
    if release is not None:
        given_release(release)
    readers = all_rules(Settings().with_flags(rules=rules_file))
    return UpgradePlan(to=target, reports=[upgrade(with_release(report, release), target,
                                                   readers) for report in reports])


def analyse_stacks(reports: Iterable[Report], loose: bool = False,
                   states: Sequence[str] = ()) -> list[ProcessStacks]:
    """What `gmr stacks` computes: each process's threads grouped by stack and named, and
    what is stuck across several reports of one process (given in time order); `states`
    are operators' states files, `loose` ignores line numbers. Reports are taken one at
    a time, so a generator keeps memory bounded."""
    from gmr.stacks import analyse_stacks as analyse

    return analyse(reports, loose=loose, states=states)
