"""Rich renderables for the terminal: what `gmr parse` shows without `--json`.

The library builds these objects and never prints them; the CLI hands them to a console.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from gmr.models import Report


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


def reports_table(reports: list[Report]) -> Table:
    """One row per report: where it is, which service, and how much each section holds."""
    table = Table(title="Guru Meditation Reports", title_justify="left")
    table.add_column("report", overflow="fold", min_width=16)
    table.add_column("flags", overflow="fold", style="yellow")
    for column, justify in (
        ("service", "left"), ("version", "left"), ("threads", "right"),
        ("green", "right"), ("procs", "right"), ("groups", "right"), ("opts", "right"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for report in reports:
        source = report.source
        configuration = report.configuration
        table.add_row(
            f"{Path(source.path).name if source.path else '<stdin>'}:{source.first_line}-{source.last_line}",
            ", ".join(flags(report)),
            report.service or "?",
            (report.package.version if report.package else None) or "-",
            _count(report.threads),
            _count(report.green_threads),
            _count(report.processes),
            _count(configuration.groups if configuration else None),
            str(sum(len(g.options) for g in configuration)) if configuration else "-",
        )
    return table


def warning_lines(reports: list[Report]) -> list[str]:
    """`path:line: message` for every parse warning, in report order."""
    lines = []
    for report in reports:
        where = report.source.path or "<stdin>"
        for warning in report.warnings:
            at = f"{where}:{warning.line}" if warning.line is not None else where
            lines.append(f"{at}: warning: {warning.message}")
    return lines


def _count(items: object) -> str:
    return "-" if items is None else str(len(items))  # type: ignore[arg-type]
