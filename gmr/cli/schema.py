"""`gmr schema`: the JSON Schema of what `gmr parse --json`, `gmr diff --json`,
`gmr upgrade --json` or `gmr stacks --json` writes."""

from __future__ import annotations

import click

from gmr.cli.common import CONTEXT
from gmr.cli.terminal import Terminal


@click.command("schema", context_settings=CONTEXT)
@click.argument("of", metavar="[report|diff|upgrade|stacks]",
                type=click.Choice(["report", "diff", "upgrade", "stacks"]), default="report")
@click.pass_obj
def command(terminal: Terminal, of: str) -> int:
    """Print the JSON Schema of what `gmr parse --json` (report, the default),
    `gmr diff --json` (diff), `gmr upgrade --json` (upgrade) or `gmr stacks --json`
    (stacks: one process object, or an array of them when there are several) writes."""
    import json

    if of == "report":
        from gmr.models import Report as model
    elif of == "diff":
        from gmr.diff.compare import FleetDiff as model
    elif of == "upgrade":
        from gmr.upgrade import UpgradePlan as model
    else:
        from gmr.stacks.model import ProcessStacks as model
    terminal.write(json.dumps(model.model_json_schema(mode="serialization"), indent=2) + "\n")
    return 0
