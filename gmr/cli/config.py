"""`gmr config`: the configuration file a report's daemon ran with, rebuilt: what the
operator changed against the upstream defaults of the report's release."""

from __future__ import annotations

import click

from gmr.cli.common import CONTEXT
from gmr.cli.terminal import Terminal


@click.command("config", context_settings=CONTEXT)
@click.argument("inputs", metavar="REPORT...", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True,
              help="The same as data: one object per report (an array when there are "
                   "several).")
@click.option("--all", "everything", is_flag=True,
              help="Every option, those at their upstream default too.")
@click.option("--release", metavar="NAME",
              help="The release the reports come from, when they do not say (e.g. 2025.1 "
                   "or epoxy).")
@click.pass_obj
def command(terminal: Terminal, inputs: tuple[str, ...], as_json: bool, everything: bool,
            release: str | None) -> int:
    """Print the configuration file each report's daemon ran with: every option set to
    another value than the upstream default of its release, in oslo.config's syntax, the
    default as a comment. Masked values are comments, never `***`.

    Exit status: 0 every report was rebuilt, 2 one could not be (no report, a release or
    service gmr has no upstream defaults of).
    """
    import json

    from gmr import rebuild_config
    from gmr.errors import GmrError
    from gmr.inputs import read_inputs
    from gmr.releases import given_release

    if release is not None:
        given_release(release)  # a wrong flag fails before any input is read
    read = read_inputs(inputs)
    files, errors = [], list(read.errors)
    for report in read.items:
        try:
            files.append(rebuild_config(report, release, everything))
        except GmrError as error:
            errors.append(error)
    if as_json:
        documents = [file.as_json() for file in files]
        terminal.write(json.dumps(documents[0] if len(documents) == 1 else documents,
                                  indent=2) + "\n")
    else:
        terminal.write("\n".join(file.text() for file in files))
    for path in read.skipped:
        terminal.note(f"{path}: skipped, no Guru Meditation Report found")
    for error in errors:
        terminal.error(str(error))
    return 2 if errors else 0
