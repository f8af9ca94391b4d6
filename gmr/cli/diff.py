"""`gmr diff`: the configuration of nodes compared, with each other or with a baseline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import click

from gmr.cli.common import CONTEXT
from gmr.cli.terminal import Column, Terminal

if TYPE_CHECKING:
    from rich.text import Text

    from gmr.cli.terminal import Cell
    from gmr.diff.compare import Difference, FleetDiff, PartialGroup

#: Up to this many nodes, a difference shows one column per node.
NODE_COLUMNS = 4


@click.command("diff", context_settings=CONTEXT)
@click.argument("inputs", metavar="NODE...", nargs=-1, required=True)
@click.option("--baseline", metavar="FILE",
              help="Compare every node with this report (or the JSON `gmr parse --json` wrote).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as one JSON object.")
@click.option("--all", "compare_all", is_flag=True,
              help="Compare the identity options too, and keep own names and addresses as "
                   "printed.")
@click.option("--ignore", metavar="GROUP.OPTION", multiple=True,
              help="Leave these options out; a glob, `DEFAULT.` for [DEFAULT], a bare name "
                   "for any group. Repeatable.")
@click.option("--only", metavar="GROUP.OPTION", multiple=True,
              help="Compare only these options; same patterns as --ignore. Repeatable.")
@click.option("--identity", metavar="GROUP.OPTION", multiple=True,
              help="Options that name the node itself; replaces the built-in list. Repeatable.")
@click.option("--jobs", metavar="N", type=click.IntRange(min=1),
              help="Worker processes for parsing (default: one per core).")
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], baseline: str | None, as_json: bool,
            compare_all: bool, ignore: tuple[str, ...], only: tuple[str, ...],
            identity: tuple[str, ...], jobs: int | None) -> int:
    """Compare the configuration of nodes, or of each node against a baseline.

    A NODE is a report file, a directory (its files, recursively) or a quoted glob.

    Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.
    """
    from gmr.diff.run import diff_inputs

    with terminal.progress(_count_hint(inputs), "parsing reports") as done:
        run = diff_inputs(inputs, baseline=baseline, identity=identity, compare_all=compare_all,
                          ignore=ignore, only=only, jobs=jobs or 0, done=done)
    for path in run.skipped:
        terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    for error in run.errors:
        terminal.error(str(error))
    for note in run.notes:
        terminal.warning(note)
    if as_json:
        terminal.write(run.result.model_dump_json(indent=2) + "\n")
    else:
        show_diff(terminal, run.result)
    return run.exit_code


def _count_hint(inputs: tuple[str, ...]) -> int:
    """How many files the progress bar counts."""
    from gmr.inputs import expand

    return sum(len(named.files) for named in expand(inputs))


def show_diff(terminal: Terminal, result: FleetDiff) -> None:
    """A table per service with its differences, one line per group some nodes lack, and
    one line per service that agrees."""
    baselines = {node.service: node.name for node in result.baseline or ()}
    for service in sorted({node.service for node in result.nodes}):
        names = [node.name for node in result.nodes if node.service == service]
        differences = [d for d in result.differences if d.service == service]
        groups = [g for g in result.groups if g.service == service]
        drift = [d for d in (*result.package, *result.processes) if d.service == service]
        masked = [m for m in result.masked if m.service == service]
        reference = baselines.get(service)
        head = f"{service}: {len(names)} node{'s' * (len(names) != 1)}" + (
            f" against baseline {reference}" if reference else "")
        found = ", ".join(filter(None, [
            _count(len(differences), "option differs", "options differ"),
            _count(len(groups), "group not on every node", "groups not on every node")]))
        if len(names) == 1 and reference is None:
            terminal.line(f"{service}: 1 node ({names[0]}), nothing to compare it with",
                          style="dim")
        elif not found and not drift:
            terminal.line(f"{head}: identical configuration", style="green")
        elif differences:
            _table(terminal, f"{head}: {found}", names, differences, reference)
        elif groups:
            terminal.line(f"{head}: {found}", style="bold")
        for group in groups:
            terminal.line(f"{service}: [{group.group}]: {_where(group, names)}, "
                          f"{_count(group.options, 'option', 'options')}", style="yellow")
        for fact, entries in (("version", result.package), ("worker processes", result.processes)):
            for entry in entries:
                if entry.service == service:
                    spread = ", ".join(f"{node}={value}" for node, value in entry.values.items())
                    terminal.line(f"{service}: {fact} differs: {spread}", style="yellow")
        if masked:
            terminal.line(f"{service}: {len(masked)} masked option{'s' * (len(masked) != 1)} "
                          "(***) could not be compared", style="dim")


def _count(count: int, one: str, many: str) -> str:
    """`1 option differs`, `3 options differ`; "" for none."""
    return f"{count} {one if count == 1 else many}" if count else ""


def _where(group: PartialGroup, names: list[str]) -> str:
    """Which nodes have the group, said the shorter way: `only on stor-01`, or `not on
    stor-03` when most have it; against a baseline, whether the baseline has it."""
    lacking = [name for name in names if name not in group.nodes]
    if group.baseline is False:
        return f"only on {', '.join(group.nodes)}, not on the baseline"
    if group.baseline or len(lacking) < len(group.nodes):
        return f"not on {', '.join(lacking)}"
    return f"only on {', '.join(group.nodes)}"


def _table(terminal: Terminal, title: str, names: list[str], differences: list[Difference],
           reference: str | None) -> None:
    per_node = reference is None and len(names) <= NODE_COLUMNS
    columns = [Column("group"), Column("option")]
    if per_node:
        columns += [Column(name) for name in names]
    else:
        columns += [Column("baseline" if reference else "majority"), Column("outliers")]
    rows = []
    for difference in differences:
        cells: list = [difference.group, difference.option]
        if per_node:
            cells += [_with_changes(_value(difference.values.get(name), name in difference.values),
                                    difference.changes.get(name, ()))
                      for name in names]
        else:
            cells.append(_value(difference.majority, True) if difference.majority is not None
                         or reference else _styled("no majority", "dim"))
            cells.append(_outliers(difference))
        rows.append(cells)
    terminal.table(columns, rows, title=title)


def _with_changes(cell: Cell, changes: Iterable[str]) -> Cell:
    """A list or dict cell followed by the items it adds or removes: `(+ NUMATopologyFilter)`."""
    added = [f"({change})" for change in changes]
    return cell + added if added and isinstance(cell, list) else cell


def _outliers(difference: Difference) -> Text:
    from rich.text import Text

    text = Text()
    groups = difference.histogram if not difference.outliers else [
        bar for bar in difference.histogram if set(bar.nodes) & set(difference.outliers)]
    for bar in groups:
        if text:
            text.append("\n")
        text.append(", ".join(bar.nodes), style="bold")
        text.append(": ")
        value = _value(bar.value, True)
        text.append(", ".join(value) if isinstance(value, list) else value)
        for change in difference.changes.get(bar.nodes[0], ()) if bar.nodes else ():
            text.append(f" ({change})")
    return text


def _value(value: object, known: bool) -> Cell:
    if not known or value is None:
        return _styled("(absent)", "dim italic")
    if isinstance(value, list):
        return value if value else _styled("(empty list)", "dim")
    if isinstance(value, dict):
        return [f"{k} = {v}" for k, v in value.items()] or _styled("(empty dict)", "dim")
    return str(value) if value != "" else _styled('""', "dim")


def _styled(text: str, style: str) -> Text:
    from rich.text import Text

    return Text(text, style=style)
