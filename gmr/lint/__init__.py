"""`gmr lint`: sourced, release-aware checks of a report's effective configuration.

`api` says what a rule is, `rules/` holds the built-in ones (listed in `rules.BUILTIN`),
`custom` reads rules from TOML, `engine` runs the rules it is given, `settings` reads
`[tool.gmr]`, `baseline` records findings, `run` does a whole `gmr lint` and `formats`
writes its machine formats.
"""

from gmr.lint.api import Rule, Severity
from gmr.lint.engine import Finding, LintResult, lint
from gmr.lint.rules import BUILTIN
from gmr.lint.run import LintRun, all_rules, lint_inputs
from gmr.lint.settings import Settings, load_settings

__all__ = ["BUILTIN", "Finding", "LintResult", "LintRun", "Rule", "Settings", "Severity",
           "all_rules", "lint", "lint_inputs", "load_settings"]
