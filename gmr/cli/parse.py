"""`gmr parse`: every report in the inputs, as a summary table, JSON or JSON lines."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import click

from gmr.cli.common import CONTEXT
from gmr.cli.terminal import Column, Terminal

if TYPE_CHECKING:
    from gmr.models import Report, ReportRelease


@click.command("parse", context_settings=CONTEXT)
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help="One JSON document: the report object, or an array when there are "
                   "several (`[]` when there are none).")
@click.option("--jsonl", is_flag=True, help="One JSON report object per line.")
@click.option("--redact", is_flag=True,
              help="Mask the credentials that reports show in clear; values are kept "
                   "exactly as printed otherwise.")
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], as_json: bool, jsonl: bool,
            redact: bool) -> int:
    """Find and parse every Guru Meditation Report in INPUT...

    An input is a report, a service log, a journal or container log export, a directory
    (its files, recursively), a quoted glob, or `-` for stdin.

    Exit status: 0 every input held a report, 2 one did not or could not be read.
    """
    from gmr.credentials import redacted
    from gmr.errors import UsageError
    from gmr.inputs import read_inputs
    from gmr.releases import with_release

    if as_json and jsonl:
        raise UsageError("--json and --jsonl cannot be used together")
    read = read_inputs(inputs)
    reports = [with_release(redacted(report) if redact else report) for report in read.items]
    if jsonl:
        for report in reports:
            terminal.write(report.model_dump_json() + "\n")
    elif as_json:
        if len(reports) == 1:
            terminal.write(reports[0].model_dump_json(indent=2) + "\n")
        else:
            body = ",\n".join(report.model_dump_json(indent=2) for report in reports)
            terminal.write(f"[{body}]\n" if body else "[]\n")
    elif reports:
        show_reports(terminal, reports)
    for path in read.skipped:
        terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    for error in read.errors:
        terminal.error(str(error))
    return 2 if read.errors else 0


def show_reports(terminal: Terminal, reports: list[Report]) -> None:
    """One row per report: where it is, which service, how much each section holds, and
    how it reached gmr; then its parse warnings on stderr. On a terminal, paths are shown
    below the folder they share, named in the title; in a pipe, whole."""
    folder = terminal.is_terminal and _common_folder([r.source.path for r in reports
                                                      if r.source.path])
    rows = []
    for report in reports:
        source = report.source
        configuration = report.configuration
        where = (os.path.relpath(source.path, folder) if folder and source.path
                 else source.path or "<stdin>")
        rows.append([
            where + (f":{source.first_line}" if source.first_line > 1 else ""),
            " ".join(filter(None, [report.service or "?",
                                   report.package.version if report.package else None])),
            release_text(report.release),
            _count(report.threads),
            _count(report.green_threads),
            _count(report.processes),
            _count(configuration.groups if configuration else None),
            str(sum(len(g.options) for g in configuration)) if configuration else "-",
            ", ".join(flags(report)),
        ])
    columns = [Column("report"), Column("service", no_wrap=True),
               Column("release", no_wrap=True),
               *(Column(name, justify="right", no_wrap=True)
                 for name in ("thr", "grn", "proc", "grp", "opt")),
               Column("flags")]
    terminal.table(columns, rows, boxed=False,
                   title=("Guru Meditation Reports" + (f" in {folder}/" if folder else "")
                          if terminal.is_terminal else None),
                   caption="release: ~ found from the options; thr/grn: threads, green "
                           "threads; proc: processes; grp/opt: config groups, options")
    for report in reports:
        where = report.source.path or "<stdin>"
        for warning in report.warnings:
            at = f"{where}:{warning.line}" if warning.line is not None else where
            terminal.warning(f"{at}: warning: {warning.message}")


def flags(report: Report) -> list[str]:
    """Short words for what an operator should know about how the report reached gmr."""
    source = report.source
    found = []
    if source.truncated:
        found.append("truncated")
    if source.partial:
        found.append("fragment")
    if source.whitespace != "exact":
        found.append(source.whitespace)
    if source.prefix:
        found.append(f"{source.prefix} prefix")
    if report.warnings:
        found.append(f"{len(report.warnings)} warning{'s' * (len(report.warnings) > 1)}")
    return found


def release_text(release: ReportRelease | None) -> str:
    """`2025.1`; `~2025.1` when only the options tell; `~2025.1-2025.2` when they fit
    several releases; `?` when nothing tells."""
    if release is None:
        return "?"
    mark = "~" if release.source == "options" else ""
    if release.name is not None:
        return mark + release.name
    return f"{mark}{release.candidates[0]}-{release.candidates[-1]}"


def _common_folder(paths: list[str]) -> str:
    """The folder every path sits under ("" for none), so rows show only what differs."""
    try:
        return os.path.commonpath([os.path.dirname(path) for path in paths]) if paths else ""
    except ValueError:  # absolute and relative paths mixed
        return ""


def _count(items: object) -> str:
    return "-" if items is None else str(len(items))  # type: ignore[arg-type]
