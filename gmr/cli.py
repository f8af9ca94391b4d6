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
    redact: Annotated[bool, typer.Option(
        help="Mask credentials that the reports show in clear (values are kept as printed "
             "otherwise).")] = False,
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
    if redact:
        from gmr.redact import redacted

        reports = [redacted(report) for report in reports]
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
    from gmr.errors import GmrError
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
    for error in list(errors):
        if _incidental(error, files):
            _error(f"{error.path}: skipped, no Guru Meditation Report found")
            errors.remove(error)
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


@app.command()
def lint(
    files: Annotated[list[str], typer.Argument(help="Reports: files, globs or directories.",
                                               show_default=False)],
    output_format: Annotated[str, typer.Option(
        "--format", help="text, json, sarif, junit or github.")] = "text",
    fail_on: Annotated[Optional[str], typer.Option(
        help="Lowest severity that fails: error (default), warning or info.")] = None,
    release: Annotated[Optional[str], typer.Option(
        help="The OpenStack release the reports come from, when they do not say "
             "(e.g. 2025.1 or epoxy).")] = None,
    service: Annotated[Optional[str], typer.Option(
        help="The service the reports come from, overriding detection.")] = None,
    config: Annotated[Optional[str], typer.Option(
        help="Settings file (default: the nearest .gmr.toml or pyproject.toml "
             "with [tool.gmr]).")] = None,
    select: Annotated[list[str], typer.Option(metavar="CODE", show_default=False,
                                              help="Only these codes or prefixes.")] = [],  # noqa: B006
    ignore: Annotated[list[str], typer.Option(metavar="CODE", show_default=False,
                                              help="Not these codes or prefixes.")] = [],  # noqa: B006
    rules: Annotated[list[str], typer.Option(metavar="FILE", show_default=False,
                                             help="Custom rules (TOML).")] = [],  # noqa: B006
    baseline: Annotated[Optional[str], typer.Option(
        help="Report only findings not recorded in this file.")] = None,
    write_baseline: Annotated[Optional[str], typer.Option(
        help="Record the current findings in this file and exit 0.")] = None,
) -> None:
    """Check the configuration in reports against sourced, release-aware rules.

    Exit status: 0 nothing at or above --fail-on, 1 something is, 2 usage or input trouble.
    """
    from gmr.errors import GmrError
    from gmr.inputs import expand
    from gmr.lint import formats
    from gmr.lint.engine import lint as run_lint
    from gmr.lint.engine import read_baseline, write_baseline as record
    from gmr.lint.rule import REGISTRY, Severity
    from gmr.lint.settings import load_settings
    from gmr.scan import read_reports

    if output_format not in formats.FORMATS:
        _error(f"gmr: unknown format {output_format!r}; choose {', '.join(formats.FORMATS)}")
        raise typer.Exit(2)
    try:
        settings = load_settings(config)
        changes = {"ignore": (*settings.ignore, *ignore), "rules": (*settings.rules, *rules)}
        if select:
            changes["select"] = tuple(select)
        if fail_on:
            changes["fail_on"] = Severity(fail_on)
        settings = settings.model_validate({**settings.model_dump(), **changes})
        known = read_baseline(baseline) if baseline else set()
    except ValueError:
        _error(f"gmr: --fail-on must be error, warning or info, not {fail_on!r}")
        raise typer.Exit(2) from None
    except GmrError as error:
        _error(str(error))
        raise typer.Exit(2) from None
    reports, errors = [], []
    for name in expand(files):
        try:
            reports += read_reports(name)
        except GmrError as error:
            if _incidental(error, files):
                _error(f"{error.path}: skipped, no Guru Meditation Report found")
            else:
                errors.append(error)
    try:
        result = run_lint(reports, settings=settings, release=release, service=service,
                          errors=errors, baseline=known)
    except GmrError as error:
        _error(str(error))
        raise typer.Exit(2) from None
    if write_baseline:
        record(write_baseline, result.findings)
        _error(f"gmr: {len(result.findings)} findings recorded in {write_baseline}")
        raise typer.Exit(2 if errors else 0)
    ran = [r for r in REGISTRY.values() if settings.selects(r.code)]
    if output_format == "text":
        from rich.console import Console

        from gmr.tables import lint_renderables

        console = Console(highlight=False)
        for renderable in lint_renderables(result, len(reports)):
            console.print(renderable, soft_wrap=True)  # one finding, one line, for CI logs
    elif output_format == "json":
        sys.stdout.write(formats.as_json(result))
    elif output_format == "sarif":
        sys.stdout.write(formats.as_sarif(result, ran))
    elif output_format == "junit":
        places = [(r.source.path or "<input>", _label(r)) for r in reports]
        places += [(e.path or "<input>", e.path or "<input>") for e in errors]
        sys.stdout.write(formats.as_junit(result, ran, places, settings.fail_on))
    else:
        sys.stdout.write(formats.as_github(result))
    raise typer.Exit(2 if errors else 1 if result.failing(settings.fail_on) else 0)


def _incidental(error: Exception, named: list[str]) -> bool:
    """A file without a report that merely sits in a directory the operator named."""
    from gmr.errors import NoReportFound

    return isinstance(error, NoReportFound) and error.path not in named


def _label(report) -> str:
    where = f"{report.source.path or '<input>'}:{report.source.first_line}"
    return f"{where} ({report.host})" if report.host else where


@app.command(name="rules")
def rules_command(
    code: Annotated[Optional[str], typer.Argument(help="Show this rule's documentation.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="The catalogue as JSON.")] = False,
) -> None:
    """List the lint rules, or show one rule's documentation."""
    import json

    from gmr.lint.rule import REGISTRY
    from gmr.tables import releases_text, rule_doc, rules_table

    if code is not None:
        rule = REGISTRY.get(code.upper()) or next(
            (r for r in REGISTRY.values() if r.name == code), None)
        if rule is None:
            _error(f"gmr: no rule {code!r}; `gmr rules` lists them")
            raise typer.Exit(2)
        typer.echo(rule_doc(rule))
        return
    rules = sorted(REGISTRY.values(), key=lambda r: r.code)
    if json_out:
        typer.echo(json.dumps([{
            "code": r.code, "name": r.name, "severity": r.severity.value,
            "services": list(r.services), "releases": releases_text(r), "source": r.source,
            "what": r.what, "why": r.why, "fix": r.fix,
        } for r in rules], indent=2))
        return
    from rich.console import Console

    Console().print(rules_table(rules))


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
