"""Production-like configurations (tests/data/production/*.conf: TLS to keystone, the
broker and the database, keystone auth with auth_type password, encrypted token cache,
service tokens, YAML policies, sane ratios) applied to upstream's defaults
(tests/upstream_reports.py) give no finding at warning or above: a linter that cries
wolf on a well-run cloud gets turned off.

A rule that does fire there is a bug for its owner: FALSE_ALARMS names it, the test
of that configuration is an expected failure until the rule is fixed (strict, so it
flips then), and test_only_the_known_false_alarms keeps any other warning from hiding
behind it."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from upstream_reports import defaults_report

from gmr import knowledge, lint_reports
from gmr.lint import Severity
from gmr.models import group_key

PRODUCTION = Path(__file__).resolve().parent / "data" / "production"

#: file -> (service, release, program)
CONFIGS = {
    "nova-compute.conf": ("nova", "2026.2", "nova-compute"),
    "nova-controller.conf": ("nova", "2026.2", "nova-conductor"),
    "neutron.conf": ("neutron", "2026.2", "neutron-server"),
    "cinder.conf": ("cinder", "2026.2", "cinder-volume"),
    "glance.conf": ("glance", "2026.2", "glance-api"),
    "keystone.conf": ("keystone", "2026.2", "keystone"),
    "ironic.conf": ("ironic", "2026.2", "ironic-conductor"),
}

#: file -> {finding ("CODE message") current rules give wrongly: why it is wrong}
FALSE_ALARMS: dict[str, dict[str, str]] = {}


def settings(path: Path) -> dict[tuple[str, str], str]:
    """{(group, name): text} of a config file, [DEFAULT] a group like the others."""
    parser = configparser.RawConfigParser(default_section="no default section",
                                          interpolation=None, strict=True)
    parser.optionxform = str
    parser.read(path, encoding="utf-8")
    return {(group, name): text for group in parser.sections()
            for name, text in parser.items(group)}


def _report(name: str):
    service, release, program = CONFIGS[name]
    return defaults_report(service, release, settings(PRODUCTION / name), program)


def _warnings(name: str) -> list[str]:
    return [f"{finding.code} {finding.message}"
            for finding in lint_reports([_report(name)]).findings
            if finding.severity.rank >= Severity.WARNING.rank]


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=pytest.mark.xfail(
        strict=True, reason="; ".join(FALSE_ALARMS[name]))) if name in FALSE_ALARMS else name
    for name in CONFIGS])
def test_production_config_gives_no_warning(name):
    assert _warnings(name) == []


@pytest.mark.parametrize("name", sorted(FALSE_ALARMS))
def test_only_the_known_false_alarms(name):
    assert _warnings(name) == list(FALSE_ALARMS[name])


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_the_report_holds_each_setting(name):
    # Every setting exists upstream (defaults_report raises otherwise), takes one of
    # its choices, and the report prints it where the file puts it (*** when secret).
    service, release, _ = CONFIGS[name]
    facts = knowledge.options(service, release)
    report = _report(name)
    for (group, option), text in settings(PRODUCTION / name).items():
        printed = report.option(group, option) or report.option(group, option.replace("_", "-"))
        assert printed is not None, (group, option)
        fact = facts.get((group_key(group), printed.name)) or facts.get(
            (group_key(group).upper(), printed.name))
        if fact is not None and fact.choices:
            assert text in [str(choice) for choice in fact.choices], (group, option, text)
        if printed.masked:
            assert fact is None or fact.secret, (group, option)
        elif printed.shape == "scalar":
            assert printed.text == text, (group, option)


def test_every_config_is_covered():
    assert {path.name for path in PRODUCTION.glob("*.conf")} == set(CONFIGS)
