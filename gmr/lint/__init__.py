"""`gmr lint`: sourced, release-aware checks of a report's effective configuration."""

from gmr.lint.engine import Finding, LintResult, lint
from gmr.lint.rule import REGISTRY, Rule, Severity
from gmr.lint.settings import Settings, load_settings

__all__ = ["REGISTRY", "Finding", "LintResult", "Rule", "Settings", "Severity", "lint",
           "load_settings"]
