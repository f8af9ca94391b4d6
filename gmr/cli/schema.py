"""`gmr schema`: the JSON Schema of what `gmr parse --json`, `gmr diff --json` or
`gmr upgrade --json` writes."""

from __future__ import annotations

import click

from gmr.cli.common import CONTEXT
from gmr.cli.terminal import Terminal


@click.command("schema", context_settings=CONTEXT)
@click.argument("of", metavar="[report|diff|upgrade]",
                type=click.Choice(["report", "diff", "upgrade"]), default="report")
@click.pass_obj
def command(terminal: Terminal, of: str) -> int:
    """Print the JSON Schema of what `gmr parse --json` (report, the default),
    `gmr diff --json` (diff) or `gmr upgrade --json` (upgrade) writes."""
    import json

    if of == "report":
        from gmr.models import Report as model
    elif of == "diff":
        from gmr.diff.compare import FleetDiff as model
    else:
        from gmr.upgrade import UpgradePlan as model
    terminal.write(json.dumps(model.model_json_schema(mode="serialization"), indent=2) + "\n")
    return 0
