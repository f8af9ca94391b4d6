"""`gmr lint`: the configuration in reports checked against sourced, release-aware rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gmr.cli.common import (CONTEXT, LintFlags, count_files, jobs_option, lint_options,
                            no_cache_option)
from gmr.cli.terminal import Terminal

if TYPE_CHECKING:
    from gmr.lint.run import LintRun

FORMATS = ("text", "json", "sarif", "junit", "github")
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


@click.command("lint", context_settings=CONTEXT)
@click.argument("inputs", metavar="REPORT...", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text",
              show_default=True,
              help="How to print the findings: text to read, or a format for CI.")
@lint_options
@click.option("--write-baseline", metavar="FILE",
              help="Record the current findings in FILE instead of printing them; exit 0 "
                   "unless an input could not be read.")
@click.option("--summary", is_flag=True,
              help="Print only the roll-up (per rule, on how many nodes it found "
                   "something) and the summary line.")
@jobs_option
@no_cache_option
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], output_format: str,
            flags: LintFlags, write_baseline: str | None, summary: bool, jobs: int | None,
            no_cache: bool) -> int:
    """Check the configuration in reports against sourced, release-aware rules.

    A REPORT is a report file, a service log or journal export, a directory (its files,
    recursively) or a quoted glob.

    Exit status: 0 nothing at or above --fail-on, 1 something is, 2 usage or input trouble.
    """
    from gmr.lint import formats
    from gmr.lint.baseline import write_baseline as record
    from gmr.lint.run import lint_inputs

    with terminal.progress(lambda: count_files(inputs), "linting reports") as done:
        run = lint_inputs(inputs, flags.settings, release=flags.release,
                          service=flags.service, baseline=flags.baseline, jobs=jobs or 0,
                          done=done, cache=not no_cache)
    for note in run.notes:
        terminal.warning(note)
    if run.reports:
        for path in run.skipped:
            terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    # An input that could not be read is a GMR001 finding; it is also said on stderr
    # wherever the findings do not reach the log: a machine format (usually written to a
    # file), or a run that checked no report at all (which prints no report, and fails).
    if output_format != "text" or write_baseline or not run.reports:
        for error in run.errors:
            terminal.error(str(error))
    if write_baseline:
        record(write_baseline, run.result.findings)
        terminal.note(f"gmr: {len(run.result.findings)} findings recorded in {write_baseline}")
        return 2 if run.errors else 0
    if output_format == "text":
        if run.reports:
            show_findings(terminal, run, summary)
    elif output_format == "json":
        for chunk in formats.json_chunks(run):
            terminal.write(chunk)
        terminal.write("\n")
    else:
        terminal.write({"sarif": formats.as_sarif, "junit": formats.as_junit,
                        "github": formats.as_github}[output_format](run))
    return run.exit_code


def show_findings(terminal: Terminal, run: LintRun, summary_only: bool) -> None:
    """A roll-up per rule when several nodes were linted, then the findings grouped by
    report as `file:line CODE severity message` (one line each, for CI logs), then a
    summary line."""
    result = run.result
    rollup = run.rollup() if len(run.reports) > 1 or summary_only else []
    for entry in rollup:
        where = []
        if entry.nodes or not entry.files:
            where.append(f"on {entry.nodes} of {entry.total} node{'s' * (entry.total != 1)}")
        if entry.files:
            where.append(f"in {', '.join(entry.files)}")
        terminal.pieces((f"{entry.code} ", "bold"),
                        (f"{entry.severity.value} ", SEVERITY_STYLE[entry.severity.value]),
                        f"{entry.name} {' and '.join(where)}")
    if not summary_only:
        current = None
        for finding in result.findings:
            place = (finding.file, finding.node)
            if place != current:
                current = place
                about = ", ".join(part for part in (finding.node, finding.service,
                                                    finding.release) if part)
                terminal.line(f"{finding.file or '<input>'}" + (f" ({about})" if about else ""),
                              style="bold")
            severity = finding.severity.value
            terminal.pieces("  ", (f"{finding.file or '<input>'}:{finding.line or ''} ", "dim"),
                            (f"{finding.code} ", "bold"),
                            (f"{severity} ", SEVERITY_STYLE[severity]), finding.message)
    counts = {level: sum(f.severity.value == level for f in result.findings)
              for level in ("error", "warning", "info")}
    checked = len(run.reports)
    summary = (f"{checked} report{'s' * (checked != 1)} checked: "
               + ", ".join(f"{n} {level}{'s' * (n != 1 and level != 'info')}"
                           for level, n in counts.items()))
    if run.errors:
        summary += f"; {len(run.errors)} input{'s' * (len(run.errors) != 1)} could not be read"
    if result.waived:
        summary += f"; {len(result.waived)} waived"
    if result.baselined:
        summary += f"; {result.baselined} in the baseline"
    terminal.line(summary, style="bold")
