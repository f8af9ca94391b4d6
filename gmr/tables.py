"""Rich renderables for the terminal: what `gmr parse`, `diff`, `lint` and `rules` show.

The library builds these objects and never prints them; the CLI hands them to a console.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:  # each command loads only its own modules
    from gmr.fleet import Difference, FleetDiff
    from gmr.lint.engine import LintResult
    from gmr.lint.rule import Rule
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
    """One row per report: where it is, which service, and how much each section holds.
    Short headers, paths shown below the reports' common folder and a report's first line
    only when it is not the file's first keep it within 80 columns, as in a CI log."""
    folder = _common_folder([r.source.path for r in reports if r.source.path])
    table = Table(title="Guru Meditation Reports" + (f" in {folder}/" if folder else ""),
                  title_justify="left", box=box.SIMPLE, pad_edge=False, collapse_padding=True,
                  caption="thr/grn: threads, green threads; proc: processes; "
                          "grp/opt: config groups, options",
                  caption_justify="left")
    table.add_column("report", overflow="fold", min_width=16)
    table.add_column("service", no_wrap=True)
    for column in ("thr", "grn", "proc", "grp", "opt"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("flags", overflow="fold", style="yellow")
    for report in reports:
        source = report.source
        configuration = report.configuration
        table.add_row(
            (os.path.relpath(source.path, folder) if folder and source.path
             else source.path or "<stdin>")
            + (f":{source.first_line}" if source.first_line > 1 else ""),
            " ".join(filter(None, [report.service or "?",
                                   report.package.version if report.package else None])),
            _count(report.threads),
            _count(report.green_threads),
            _count(report.processes),
            _count(configuration.groups if configuration else None),
            str(sum(len(g.options) for g in configuration)) if configuration else "-",
            ", ".join(flags(report)),
        )
    return table


def _common_folder(paths: list[str]) -> str:
    """The folder every path sits under ("" for none), so rows show only what differs."""
    try:
        return os.path.commonpath([os.path.dirname(path) for path in paths]) if paths else ""
    except ValueError:  # absolute and relative paths mixed
        return ""


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


#: Up to this many nodes, a difference shows one column per node.
NODE_COLUMNS = 4


def diff_renderables(result: FleetDiff) -> list[RenderableType]:
    """A table per service with its differences, and one line per service that agrees."""
    out: list[RenderableType] = []
    services = sorted({node.service for node in result.nodes})
    for service in services:
        names = [node.name for node in result.nodes if node.service == service]
        differences = [d for d in result.differences if d.service == service]
        drift = [d for d in (*result.package, *result.processes) if d.service == service]
        masked = [m for m in result.masked if m.service == service]
        against = f" against baseline {result.baseline}" if result.baseline else ""
        if len(names) == 1 and not result.baseline:
            out.append(Text(f"{service}: 1 node ({names[0]}), nothing to compare it with",
                            style="dim"))
        elif not differences and not drift:
            out.append(Text(f"{service}: {len(names)} node{'s' * (len(names) != 1)}{against}: "
                            "identical configuration", style="green"))
        else:
            out.append(_diff_table(service, names, differences, against, result.baseline))
        for fact, entries in (("version", result.package), ("worker processes", result.processes)):
            for entry in entries:
                if entry.service == service:
                    spread = ", ".join(f"{node}={value}" for node, value in entry.values.items())
                    out.append(Text(f"{service}: {fact} differs: {spread}", style="yellow"))
        if masked:
            out.append(Text(f"{service}: {len(masked)} masked option"
                            f"{'s' * (len(masked) != 1)} (***) could not be compared",
                            style="dim"))
    return out


def _diff_table(service: str, names: list[str], differences: list[Difference], against: str,
                baseline: str | None) -> Table:
    table = Table(title=f"{service}: {len(names)} node{'s' * (len(names) != 1)}{against}: "
                        f"{len(differences)} option{'s differ' if len(differences) != 1 else ' differs'}",
                  title_justify="left", show_lines=True)
    table.add_column("group")
    table.add_column("option")
    per_node = baseline is None and len(names) <= NODE_COLUMNS
    if per_node:
        for name in names:
            table.add_column(name, overflow="fold")
    else:
        table.add_column("baseline" if baseline else "majority", overflow="fold")
        table.add_column("outliers", overflow="fold")
    for difference in differences:
        cells = [Text(difference.group), Text(difference.option)]
        if per_node:
            cells += [_value(difference.values.get(name), name in difference.values)
                      for name in names]
        else:
            cells.append(_value(difference.majority, True) if difference.majority is not None
                         or baseline else Text("no majority", style="dim"))
            cells.append(_outliers(difference))
        table.add_row(*cells)
    return table


def _outliers(difference: Difference) -> Text:
    text = Text()
    groups = difference.histogram if not difference.outliers else [
        bar for bar in difference.histogram if set(bar.nodes) & set(difference.outliers)]
    for bar in groups:
        if text:
            text.append("\n")
        text.append(", ".join(bar.nodes), style="bold")
        text.append(": ")
        text.append_text(_value(bar.value, True))
    return text


def _value(value: object, known: bool) -> Text:
    if not known or value is None:
        return Text("(absent)", style="dim italic")
    if isinstance(value, list):
        return Text("\n".join(value) if value else "(empty list)")
    if isinstance(value, dict):
        return Text("\n".join(f"{k} = {v}" for k, v in value.items()) or "(empty dict)")
    return Text(str(value)) if value != "" else Text('""', style="dim")


_SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def lint_renderables(result: LintResult, checked: int) -> list[RenderableType]:
    """Findings grouped by report, as `file:line CODE severity message`, then a summary."""
    out: list[RenderableType] = []
    current = None
    for finding in result.findings:
        place = (finding.file, finding.node)
        if place != current:
            current = place
            about = ", ".join(part for part in (finding.node, finding.service, finding.release)
                              if part)
            out.append(Text(f"{finding.file or '<input>'}" + (f" ({about})" if about else ""),
                            style="bold"))
        line = Text("  ")
        line.append(f"{finding.file or '<input>'}:{finding.line or ''} ", style="dim")
        line.append(f"{finding.code} ", style="bold")
        line.append(f"{finding.severity.value} ", style=_SEVERITY_STYLE[finding.severity.value])
        line.append(finding.message)
        out.append(line)
    counts = {level: sum(f.severity.value == level for f in result.findings)
              for level in ("error", "warning", "info")}
    summary = (f"{checked} report{'s' * (checked != 1)} checked: "
               + ", ".join(f"{n} {level}{'s' * (n != 1 and level != 'info')}"
                           for level, n in counts.items()))
    if result.waived:
        summary += f"; {len(result.waived)} waived"
    if result.baselined:
        summary += f"; {result.baselined} in the baseline"
    out.append(Text(summary, style="bold"))
    return out


def rules_table(rules: list[Rule]) -> Table:
    table = Table(title=f"gmr rules ({len(rules)})", title_justify="left")
    for column in ("code", "name", "severity", "services", "releases", "source"):
        table.add_column(column, overflow="fold")
    for rule in rules:
        table.add_row(rule.code, rule.name,
                      Text(rule.severity.value, style=_SEVERITY_STYLE[rule.severity.value]),
                      ", ".join(rule.services) or "all", releases_text(rule),
                      rule.source)
    return table


def releases_text(rule: Rule) -> str:
    if not rule.releases:
        return "all"
    low, high = rule.releases
    if low and high:
        return low if low == high else f"{low} to {high}"
    return f"{low} and later" if low else f"up to {high}"


def rule_doc(rule: Rule) -> str:
    """One rule's documentation as plain text, for `gmr rules CODE`."""
    parts = [f"{rule.code} {rule.name} ({rule.severity.value})",
             f"Services: {', '.join(rule.services) or 'all'}; releases: {releases_text(rule)}",
             "", f"What it does: {rule.what}", "", f"Why it matters: {rule.why}", "",
             f"How to fix: {rule.fix}"]
    if rule.before or rule.after:
        parts += ["", "Before:", _indent(rule.before), "", "After:", _indent(rule.after)]
    parts += ["", f"Source: {rule.source}"]
    return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())
