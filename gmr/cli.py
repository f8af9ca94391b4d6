"""The `gmr` command: parses arguments, calls the library, renders the result.

Imports beyond typer happen inside the commands, so `gmr parse one.txt --json` loads only
what parsing needs. Every failure the library raises is a `GmrError`, printed as one line
on stderr; exit codes follow diff(1) and ruff: 0 fine, 1 findings, 2 trouble.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Annotated, Callable, Iterator, Optional

import typer

app = typer.Typer(
    help="Parse, compare and lint OpenStack Guru Meditation Reports.",
    no_args_is_help=True,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

Files = Annotated[
    list[str],
    typer.Argument(help="Report files, service logs or journal exports; `-` reads stdin.",
                   show_default=False),
]


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"gmr {version('gmr')}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version,
                                                    is_eager=True, help="Show the version.")] = None,
) -> None:
    """Parse, compare and lint OpenStack Guru Meditation Reports."""


def _error(message: str) -> None:
    typer.echo(message, err=True)


@app.command()
def parse(
    files: Files,
    json_out: Annotated[bool, typer.Option("--json", help="One JSON document: the report, "
                                           "or an array when there are several.")] = False,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="One JSON report per line.")] = False,
) -> None:
    """Find and parse every Guru Meditation Report in FILES."""
    from gmr.errors import GmrError
    from gmr.scan import read_reports

    if json_out and jsonl:
        _error("gmr: --json and --jsonl cannot be used together")
        raise typer.Exit(2)
    reports = []
    failed = False
    for name in files:
        try:
            reports += read_reports(name)
        except GmrError as error:
            _error(str(error))
            failed = True
    if jsonl:
        for report in reports:
            sys.stdout.write(report.model_dump_json() + "\n")
    elif json_out:
        if len(reports) == 1:
            sys.stdout.write(reports[0].model_dump_json(indent=2) + "\n")
        elif reports or not failed:
            body = ",\n".join(report.model_dump_json(indent=2) for report in reports)
            sys.stdout.write(f"[{body}]\n" if body else "[]\n")
    elif reports:
        from rich.console import Console

        from gmr.tables import reports_table, warning_lines

        Console().print(reports_table(reports))
        for line in warning_lines(reports):
            typer.echo(line, err=True)
    raise typer.Exit(2 if failed else 0)


Patterns = Annotated[list[str], typer.Option(metavar="GROUP.OPTION",
                                             show_default=False)]


@app.command()
def diff(
    files: Annotated[list[str], typer.Argument(help="Reports of the nodes: files, globs or "
                                               "directories.", show_default=False)],
    baseline: Annotated[Optional[str], typer.Option(
        help="Compare every node with this report (or `gmr parse --json` output).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the differences as "
                                           "one JSON object.")] = False,
    show_all: Annotated[bool, typer.Option("--all", help="Compare the identity options too "
                                           "and keep own addresses as they are.")] = False,
    ignore: Patterns = [],  # noqa: B006 (typer reads the default)
    only: Patterns = [],  # noqa: B006
    identity: Annotated[list[str], typer.Option(
        metavar="GROUP.OPTION", show_default=False,
        help="Options that name the node itself; replaces the built-in list.")] = [],  # noqa: B006
    jobs: Annotated[Optional[int], typer.Option(help="Worker processes for parsing "
                                                "(default: one per core).")] = None,
) -> None:
    """Compare the configuration of nodes, or of each node against a baseline.

    Exit status as diff(1): 0 no differences, 1 differences, 2 trouble.
    """
    from gmr.errors import GmrError, NoReportFound
    from gmr.fleet import compare
    from gmr.inputs import expand, load_baseline, load_nodes
    from gmr.nodes import IDENTITY

    names = identity or ([] if show_all else list(IDENTITY))
    paths = expand(files)
    try:
        reference = load_baseline(baseline, names) if baseline else []
    except GmrError as error:
        _error(str(error))
        raise typer.Exit(2) from None
    with _progress(len(paths), "parsing reports") as done:
        nodes, errors = load_nodes(paths, names, jobs, done)
    named = set(files)
    for error in list(errors):
        if isinstance(error, NoReportFound) and error.path not in named:
            _error(f"{error.path}: skipped, no Guru Meditation Report found")
            errors.remove(error)  # a file that merely sits in a named directory
        else:
            _error(str(error))
    if not nodes or (len(nodes) < 2 and not reference):
        _error("gmr: diff needs two reports, or one and --baseline")
        raise typer.Exit(2)
    result = compare(nodes, reference, ignore=ignore, only=only)
    if json_out:
        sys.stdout.write(result.model_dump_json(indent=2) + "\n")
    else:
        from rich.console import Console

        from gmr.tables import diff_renderables

        console = Console()
        for renderable in diff_renderables(result):
            console.print(renderable)
    raise typer.Exit(2 if errors else 0 if result.identical else 1)


@contextmanager
def _progress(total: int, what: str) -> Iterator[Callable[[], None] | None]:
    """A progress bar on stderr for inputs worth waiting for, when stderr is a terminal."""
    if total < 50 or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(what, total=total)
        yield lambda: progress.advance(task)


@app.command()
def schema(
    of: Annotated[str, typer.Argument(help="`report` (gmr parse --json) or `diff` "
                                      "(gmr diff --json).")] = "report",
) -> None:
    """Print the JSON Schema of what `gmr parse --json` or `gmr diff --json` writes."""
    import json

    if of == "report":
        from gmr.models import Report as model
    elif of == "diff":
        from gmr.fleet import FleetDiff as model
    else:
        _error(f"gmr: no schema for {of!r}; choose report or diff")
        raise typer.Exit(2)
    typer.echo(json.dumps(model.model_json_schema(mode="serialization"), indent=2))


def main() -> None:
    """Console-script entry point: never let a traceback reach the operator."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("gmr: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
