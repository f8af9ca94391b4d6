"""`gmr rules`: the catalogue of lint rules, built-in and custom, or one rule's docs."""

from __future__ import annotations

import click

from gmr.cli.common import CONTEXT
from gmr.cli.lint import SEVERITY_STYLE
from gmr.cli.terminal import Column, Terminal


@click.command("rules", context_settings=CONTEXT)
@click.argument("code", metavar="[CODE]", required=False)
@click.option("--json", "as_json", is_flag=True, help="The catalogue as JSON.")
@click.option("--config", metavar="FILE",
              help="Settings file whose custom rules to include (default: the nearest "
                   ".gmr.toml, or pyproject.toml with a [tool.gmr] table).")
@click.option("--rules", metavar="FILE", multiple=True,
              help="Custom rules (TOML) to include. Repeatable.")
@click.pass_obj
def command(terminal: Terminal, code: str | None, as_json: bool, config: str | None,
            rules: tuple[str, ...]) -> int:
    """List the lint rules, or show the documentation of the rule CODE (or name)."""
    import json

    from rich.text import Text

    from gmr.errors import UsageError
    from gmr.lint.docs import releases_text, rule_doc
    from gmr.lint.run import all_rules
    from gmr.lint.settings import load_settings

    catalogue = all_rules(load_settings(config).with_flags(rules=rules))
    if code is not None:
        rule = next((r for r in catalogue if code.upper() == r.code or code == r.name), None)
        if rule is None:
            raise UsageError(f"no rule {code!r}; `gmr rules` lists them")
        terminal.write(rule_doc(rule) + "\n")
        return 0
    if as_json:
        terminal.write(json.dumps([{
            "code": r.code, "name": r.name, "severity": r.severity.value,
            "services": list(r.services), "releases": releases_text(r), "source": r.source,
            "what": r.what, "why": r.why, "fix": r.fix,
        } for r in catalogue], indent=2) + "\n")
        return 0
    terminal.table(
        [Column("code", no_wrap=True), Column("name"), Column("severity", no_wrap=True),
         Column("services"), Column("releases"), Column("source")],
        [[r.code, r.name, Text(r.severity.value, style=SEVERITY_STYLE[r.severity.value]),
          ", ".join(r.services) or "all", releases_text(r), r.source] for r in catalogue],
        title=f"gmr rules ({len(catalogue)})")
    return 0
