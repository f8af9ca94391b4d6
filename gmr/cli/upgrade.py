"""`gmr upgrade`: what an upgrade to a later release does to each report's configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gmr.cli.common import CONTEXT
from gmr.cli.lint import SEVERITY_STYLE
from gmr.cli.terminal import Terminal

if TYPE_CHECKING:
    from gmr.upgrade import UpgradePlan


@click.command("upgrade", context_settings=CONTEXT)
@click.argument("inputs", metavar="REPORT...", nargs=-1, required=True)
@click.option("--to", "to", metavar="RELEASE", required=True,
              help="The release to upgrade to (e.g. 2026.2 or a code name); later than "
                   "each report's.")
@click.option("--release", metavar="NAME",
              help="The release the reports come from, when they do not say (e.g. 2025.1 "
                   "or epoxy).")
@click.option("--json", "as_json", is_flag=True,
              help="The same as data: one object (`gmr schema upgrade`).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), default="error",
              show_default=True,
              help="Lowest severity that fails the run: error (removed, renamed, a default "
                   "that changes), warning (deprecated) or info (a new option a rule reads).")
@click.option("--rules", metavar="FILE", multiple=True,
              help="Custom lint rules (TOML) whose options count, besides the built-in "
                   "rules'. Repeatable.")
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], to: str, release: str | None,
            as_json: bool, fail_on: str, rules: tuple[str, ...]) -> int:
    """List, release by release up to --to, what changes for each report's configuration:
    options it sets that are removed, renamed or deprecated on the way, upstream defaults
    it relies on that change, and new options a lint rule reads.

    Exit status: 0 nothing at or above --fail-on, 1 something is, 2 trouble (no report,
    a service or release gmr has no upstream options of).
    """
    from gmr.errors import GmrError, UsageError
    from gmr.inputs import read_inputs
    from gmr.lint.api import Severity
    from gmr.lint.run import all_rules
    from gmr.lint.settings import Settings
    from gmr.releases import given_release, with_release
    from gmr.upgrade import UpgradePlan, target_release, upgrade

    target = target_release(to)
    if release is not None:
        given_release(release)
    readers = all_rules(Settings().with_flags(rules=rules))
    read = read_inputs(inputs)
    plans, errors = [], list(read.errors)
    for report in read.items:
        try:
            plans.append(upgrade(with_release(report, release), target, readers))
        except UsageError:
            raise  # a target not later than a report's release: the flag is wrong
        except GmrError as error:
            errors.append(error)
    plan = UpgradePlan(to=target, reports=plans)
    if as_json:
        terminal.write(plan.model_dump_json(indent=2) + "\n")
    elif plans:
        show(terminal, plan)
    for path in read.skipped:
        terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    for error in errors:
        terminal.error(str(error))
    if errors:
        return 2
    return 1 if plan.failing(Severity(fail_on)) else 0


def show(terminal: Terminal, plan: UpgradePlan) -> None:
    """Per report, its steps, each with one line per change (`file:line severity kind
    message`, for CI logs), then a summary line."""
    from rich.text import Text

    for report in plan.reports:
        about = ", ".join(part for part in (report.node, report.service) if part)
        terminal.line(f"{report.file or '<input>'} ({about}, {report.release} to {report.to})",
                      style="bold")
        if not report.changes:
            terminal.line("  nothing changes for its configuration")
        for step in report.steps:
            changes = [change for change in report.changes if change.release == step]
            if changes:
                terminal.line(f"  {step}", style="bold")
            for change in changes:
                line = Text("    ")
                line.append(f"{report.file or '<input>'}:{change.line or ''} ", style="dim")
                line.append(f"{change.severity.value} ",
                            style=SEVERITY_STYLE[change.severity.value])
                line.append(f"{change.kind} ", style="bold")
                line.append(change.message)
                terminal.line(line)
    changes = [change for report in plan.reports for change in report.changes]
    count = {level: sum(c.severity.value == level for c in changes)
             for level in ("error", "warning", "info")}
    reports = len(plan.reports)
    terminal.line(f"{reports} report{'s' * (reports != 1)} to {plan.to}: "
                  f"{count['error']} break or change behaviour, {count['warning']} deprecated, "
                  f"{count['info']} new option{'s' * (count['info'] != 1)} a rule reads",
                  style="bold")
