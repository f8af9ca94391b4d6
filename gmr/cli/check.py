"""`gmr check`: a fleet linted and compared in one pass, with one exit code, for CI."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from gmr.cli.common import (CONTEXT, LintFlags, count_files, jobs_option, lint_options,
                            no_cache_option)
from gmr.cli.terminal import Terminal

if TYPE_CHECKING:
    from gmr.check import CheckRun


@click.command("check", context_settings=CONTEXT)
@click.argument("inputs", metavar="REPORT...", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(("text", "json")), default="text",
              show_default=True,
              help="text to read, or json: one object holding the findings as `gmr lint "
                   "--format json` writes them (lint), the object `gmr diff --json` writes "
                   "(diff; null when no two nodes can be compared) and the notes.")
@lint_options
@click.option("--summary", is_flag=True,
              help="Print only the lint roll-up (per rule, on how many nodes) and its summary "
                   "line before the diff, not every finding.")
@jobs_option
@no_cache_option
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], output_format: str,
            flags: LintFlags, summary: bool, jobs: int | None, no_cache: bool) -> int:
    """Lint a fleet and compare its nodes in one pass: `gmr lint` (fleet rules included)
    and `gmr diff` over the same reports, each file read once.

    A REPORT is a report file, a service log or journal export, a directory (its files,
    recursively) or a quoted glob.

    Exit status: 0 no finding at or above --fail-on and no difference between nodes, 1
    either, 2 usage or input trouble.
    """
    from gmr.check import check_inputs
    from gmr.cli.diff import show_diff
    from gmr.cli.lint import show_findings
    from gmr.lint.formats import json_chunks, nested

    with terminal.progress(lambda: count_files(inputs), "checking reports") as done:
        run = check_inputs(inputs, flags.settings, release=flags.release,
                           service=flags.service, baseline=flags.baseline, jobs=jobs or 0,
                           done=done, cache=not no_cache)
    notes = run.lint.notes + (run.diff.notes if run.diff else []) + \
        ([run.note] if run.note else [])
    for note in notes:
        terminal.warning(note)
    for path in run.lint.skipped:
        terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    for error in run.lint.errors:
        terminal.error(str(error))
    if output_format == "json":
        # As json.dumps would write {"lint": ..., "diff": ..., "notes": ...} with indent=2,
        # the findings a chunk at a time.
        terminal.write('{\n  "lint": ')
        for chunk in json_chunks(run.lint, indent="  "):
            terminal.write(chunk)
        diff = json.loads(run.diff.result.model_dump_json()) if run.diff else None
        terminal.write(',\n  "diff": ' + nested(json.dumps(diff, indent=2), "  ")
                       + ',\n  "notes": ' + nested(json.dumps(notes, indent=2), "  ") + "\n}\n")
    elif run.lint.reports:
        show_findings(terminal, run.lint, summary_only=summary)
        if run.diff:
            show_diff(terminal, run.diff.result)
        terminal.line(_verdict(run), style="bold")
    return run.exit_code


def _verdict(run: CheckRun) -> str:
    """The last line, for a CI log: what failed the gate, or that nothing did."""
    failing = len(run.lint.result.failing(run.lint.settings.fail_on))
    reasons = []
    if failing:
        reasons.append(f"{failing} finding{'s' * (failing != 1)} at or above "
                       f"{run.lint.settings.fail_on.value}")
    if run.diff and not run.diff.result.identical:
        differing = len(run.diff.result.differences)
        reasons.append("the nodes differ" + (f" ({differing} option{'s' * (differing != 1)})"
                                             if differing else ""))
    if run.lint.errors:
        reasons.append(f"{len(run.lint.errors)} input{'s' * (len(run.lint.errors) != 1)} "
                       "could not be read")
    return "check: " + ("; ".join(reasons) if reasons else "passed")
