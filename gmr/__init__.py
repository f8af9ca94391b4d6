"""gmr: parse, compare and lint OpenStack Guru Meditation Reports.

Everything the command line does, this package does; it never prints.

    reports = gmr.parse(text)                 # every report in a string
    reports = gmr.parse_file("nova.log")      # every report in a file, in bounded memory
    inputs = gmr.read_inputs(["reports/"])    # files, folders and globs, as the CLI reads them
    gmr.render(report)                        # the report's text back, byte for byte
    gmr.redact(report)                        # credentials printed in clear masked
    gmr.diff_reports(reports)                 # what `gmr diff` computes
    gmr.lint_reports(reports)                 # what `gmr lint` computes, with the built-in rules
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from gmr.errors import GmrError, GmrSyntaxError, InputError, NoReportFound, UsageError
from gmr.inputs import read_inputs, read_reports
from gmr.models import Report
from gmr.parsing import iter_file, iter_reports, parse, parse_file, render

if TYPE_CHECKING:
    from gmr.diff.compare import FleetDiff
    from gmr.lint.engine import LintResult

__all__ = [
    "GmrError",
    "GmrSyntaxError",
    "InputError",
    "NoReportFound",
    "Report",
    "UsageError",
    "diff_reports",
    "iter_file",
    "iter_reports",
    "lint_reports",
    "parse",
    "parse_file",
    "read_inputs",
    "read_reports",
    "redact",
    "render",
]


def redact(report: Report) -> Report:
    """A copy of `report` whose credentials printed in clear are masked."""
    from gmr.credentials import redacted

    return redacted(report)


def diff_reports(reports: Sequence[Report], baseline: Sequence[Report] = (),
                 **options: Any) -> FleetDiff:
    """Compare reports as fleet nodes, with each other or with `baseline`; `options` are
    those of `gmr.diff.diff_reports` (identity, ignore, only)."""
    from gmr.diff.compare import diff_reports as compare

    return compare(reports, baseline, **options)


def lint_reports(reports: Sequence[Report], **options: Any) -> LintResult:
    """Lint reports with the built-in rules and the custom rules `settings` names;
    `options` are those of `gmr.lint.lint` (settings, release, service, ...)."""
    from gmr.lint import Settings, all_rules, lint

    return lint(reports, all_rules(options.get("settings") or Settings()), **options)
