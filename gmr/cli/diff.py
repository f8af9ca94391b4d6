"""`gmr diff`: the configuration of nodes compared, with each other, with a baseline or with
upstream's defaults; wherever gmr knows them, the values that are upstream's default are
marked `(default)`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import click

from gmr.cli.common import CONTEXT, count_files, jobs_option, no_cache_option
from gmr.cli.terminal import Column, Terminal

if TYPE_CHECKING:
    from rich.text import Text

    from gmr.cli.terminal import Cell
    from gmr.diff.compare import Difference, FleetDiff, LeftOut, PartialGroup

#: Up to this many nodes, a difference shows one column per node.
NODE_COLUMNS = 4
#: What marks a value that is upstream's default.
DEFAULT = "(default)"
#: Why upstream's defaults cannot judge an option (`gmr.knowledge.changes.Status`).
UNJUDGED = {"masked": "masked (***)", "host": "whose default depends on the host",
            "unknown": "unknown to upstream (a plug-in's or a driver's)",
            "command-line": "set on the command line"}


@click.command("diff", context_settings=CONTEXT)
@click.argument("inputs", metavar="NODE...", nargs=-1, required=True)
@click.option("--baseline", metavar="FILE",
              help="Compare every node with this report (or the JSON `gmr parse --json` wrote).")
@click.option("--defaults", is_flag=True,
              help="Compare every node with upstream's defaults of its release.")
@click.option("--release", metavar="NAME",
              help="The release the reports come from, when they do not say (e.g. 2025.1 "
                   "or epoxy).")
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
@jobs_option
@no_cache_option
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], baseline: str | None, defaults: bool,
            release: str | None, as_json: bool, compare_all: bool, ignore: tuple[str, ...],
            only: tuple[str, ...], identity: tuple[str, ...], jobs: int | None,
            no_cache: bool) -> int:
    """Compare the configuration of nodes, of each node against a baseline, or of each
    node against upstream's defaults of its release. Values that are upstream's default
    are marked (default).

    A NODE is a report file, a directory (its files, recursively) or a quoted glob.

    Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.
    """
    from gmr.diff.run import diff_inputs

    with terminal.progress(lambda: count_files(inputs), "parsing reports") as done:
        run = diff_inputs(inputs, baseline=baseline, defaults=defaults, release=release,
                          identity=identity, compare_all=compare_all, ignore=ignore, only=only,
                          jobs=jobs or 0, done=done, cache=not no_cache)
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


def show_diff(terminal: Terminal, result: FleetDiff) -> None:
    """A table per service with its differences, one line per group some nodes lack, and
    one line per service that agrees; against upstream, what it could not judge."""
    baselines = {node.service: node.name for node in result.baseline or ()}
    for service in sorted({node.service for node in result.nodes}):
        names = [node.name for node in result.nodes if node.service == service]
        differences = [d for d in result.differences if d.service == service]
        count = f"{len(names)} node{'s' * (len(names) != 1)}"
        if result.left_out is not None:
            releases = sorted({node.release for node in result.nodes
                               if node.service == service and node.release})
            _against_upstream(terminal, service, f"{count} against upstream "
                              f"{' and '.join(releases)}", names, differences,
                              [entry for entry in result.left_out if entry.service == service])
            continue
        groups = [g for g in result.groups if g.service == service]
        drift = [d for d in (*result.package, *result.processes) if d.service == service]
        masked = [m for m in result.masked if m.service == service]
        reference = baselines.get(service)
        head = f"{service}: {count}" + (f" against baseline {reference}" if reference else "")
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


def _against_upstream(terminal: Terminal, service: str, head: str, names: list[str],
                      differences: list[Difference], left_out: list[LeftOut]) -> None:
    """The options not at upstream's default, then what upstream could not judge: one line
    for the nodes alike, else one per node."""
    found = _count(len(differences), "option differs", "options differ")
    if differences:
        _table(terminal, f"{service}: {head}: {found}", names, differences, None, upstream=True)
    else:
        terminal.line(f"{service}: {head}: every option at upstream's default", style="green")
    alike: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for entry in left_out:
        counts = tuple((status, entry.counts[status]) for status in UNJUDGED
                       if status in entry.counts)
        alike.setdefault(counts, []).append(entry.node)
    for counts, nodes in alike.items():
        if counts:
            who = f"{', '.join(nodes)}: " if len(alike) > 1 else ""
            total = _count(sum(n for _, n in counts), "option", "options")
            why = ", ".join(f"{n} {UNJUDGED[status]}" for status, n in counts)
            terminal.line(f"{service}: {who}{total} not compared with upstream: {why}",
                          style="dim")


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
           reference: str | None, *, upstream: bool = False) -> None:
    """One row per difference: a column per node, or the value the nodes are held against
    (the majority, the `reference` baseline's, or with `upstream` upstream's default) and
    the outliers. A value that is upstream's default is marked so."""
    per_node = reference is None and not upstream and len(names) <= NODE_COLUMNS
    columns = [Column("group"), Column("option")]
    if per_node:
        columns += [Column(name) for name in names]
    else:
        against = "upstream" if upstream else "baseline" if reference else "majority"
        columns += [Column(against), Column("outliers")]
    rows = []
    for difference in differences:
        holders = {name for entry in difference.upstream for name in entry.nodes}
        cells: list = [difference.group, difference.option]
        if per_node:
            cells += [_marked(_with_changes(_value(difference.values.get(name),
                                                   name in difference.values),
                                            difference.changes.get(name, ())),
                              name in holders)
                      for name in names]
        elif upstream:
            cells += [_upstream_default(difference), _outliers(difference, holders)]
        else:
            cells.append(_majority(difference, reference, holders))
            cells.append(_outliers(difference, holders))
        rows.append(cells)
    releases = sorted({entry.release for d in differences for entry in d.upstream
                       if entry.nodes})
    legend = f"{DEFAULT}: upstream's default in {' and '.join(releases)}" \
        if releases and not upstream else None
    terminal.table(columns, rows, title=title, caption=legend)


def _majority(difference: Difference, reference: str | None, holders: set[str]) -> Cell:
    """The majority value (the baseline's), marked when its nodes hold upstream's default."""
    if difference.majority is None and not reference:
        return _styled("no majority", "dim")
    if reference:
        return _marked(_value(difference.majority, True), reference in holders)
    bar = next(bar for bar in difference.histogram if bar.value == difference.majority)
    return _marked(_value(difference.majority, True), _all_hold(bar.nodes, holders))


def _upstream_default(difference: Difference) -> Cell:
    """Upstream's default; per release when the nodes run several."""
    from rich.text import Text

    first = difference.upstream[0]
    if all(entry.default == first.default for entry in difference.upstream):
        return _value(first.default, True)
    lines = []
    for entry in difference.upstream:
        value = _value(entry.default, True)
        plain = ", ".join(value) if isinstance(value, list) else str(value)
        lines.append(f"{entry.release}: {plain}")
    return Text("\n".join(lines))


def _all_hold(nodes: list[str], holders: set[str]) -> bool:
    return bool(nodes) and all(node in holders for node in nodes)


def _marked(cell: Cell, is_default: bool) -> Cell:
    """A value marked `(default)` when it is upstream's default."""
    if not is_default:
        return cell
    if isinstance(cell, list):
        return [*cell, DEFAULT]
    return cell + f" {DEFAULT}"


def _with_changes(cell: Cell, changes: Iterable[str]) -> Cell:
    """A list or dict cell followed by the items it adds or removes: `(+ NUMATopologyFilter)`."""
    added = [f"({change})" for change in changes]
    return cell + added if added and isinstance(cell, list) else cell


def _outliers(difference: Difference, holders: set[str]) -> Text:
    from rich.text import Text

    text = Text()
    outliers = set(difference.outliers)
    for bar in difference.histogram:
        # Against upstream, nodes alike in value may differ in being upstream's default.
        nodes = [node for node in bar.nodes if node in outliers] if outliers else bar.nodes
        if not nodes:
            continue
        if text:
            text.append("\n")
        text.append(", ".join(nodes), style="bold")
        text.append(": ")
        value = _value(bar.value, True)
        text.append(", ".join(value) if isinstance(value, list) else value)
        for change in difference.changes.get(nodes[0], ()):
            text.append(f" ({change})")
        if _all_hold(nodes, holders):
            text.append(f" {DEFAULT}")
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
