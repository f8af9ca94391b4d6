"""Every rule declares the options it reads (`Rule.reads`), which `gmr upgrade` trusts to
name the new options of a release that a rule will look at: the declaration must hold
what the check really asks for, and nothing it never asks for."""

from __future__ import annotations

from fnmatch import fnmatchcase

import pytest
from conftest import SAMPLES, report_text
from rule_examples import node_report

import gmr
from gmr.lint import BUILTIN
from gmr.lint.api import Context, ReleaseUnknown
from gmr.models import Report, group_title
from gmr.releases import release_named, with_release


_MARK = ("DEFAULT", "core_plugin", "str", "ml2")
#: A neutron server and an agent, which only the fleet rule GMR602 compares.
_NEUTRON = [(None, [_MARK, ("oslo_messaging_rabbit", "processname", "str", program), option])
            for program, option in (("neutron-server", ("DEFAULT", "agent_down_time", "int", 45)),
                                    ("neutron-openvswitch-agent",
                                     ("agent", "report_interval", "float", 30.0)))]


@pytest.fixture(scope="module")
def asked() -> dict[str, set[tuple[str, str]]]:
    """(group, option) of every option each rule asked for, over every sample and every
    rule's example, for each release a report may be."""
    reports = [with_release(r) for path in sorted(SAMPLES.rglob("*.txt"))
               for r in gmr.parse_file(path)]
    reports += [with_release(node_report(node, "example.txt")) for rule in BUILTIN
                for example in rule.examples for node in example.nodes]
    reports += [with_release(gmr.parse(report_text(options, package))[0])
                for package, options in _NEUTRON]
    found: dict[str, set[tuple[str, str]]] = {}
    current = [""]
    option = Report.option

    def recording(report, group, name):
        found.setdefault(current[0], set()).add((group_title(group), name))
        return option(report, group, name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Report, "option", recording)
        for rule in BUILTIN:
            current[0] = rule.code
            if rule.fleet:
                list(rule.check(reports))
                continue
            for report in reports:
                for name in report.release.candidates if report.release else [None]:
                    release = release_named(name) if name else None
                    try:
                        list(rule.check(report, Context(report, report.service, release)))
                    except ReleaseUnknown:
                        pass  # what it asked before it asked for the release still counts
    return found


#: Rules whose options are chosen by upstream's data (those the report's release
#: deprecates, or registers without secret=True under a credential's name), so they
#: declare none: an option new in a release is not for them.
BY_UPSTREAM_DATA = {"GMR701", "GMR702"}


@pytest.mark.parametrize("rule", [r for r in BUILTIN if r.code not in BY_UPSTREAM_DATA],
                         ids=lambda rule: rule.code)
def test_a_rule_reads_only_what_it_declares(rule, asked):
    undeclared = {key for key in asked.get(rule.code, ()) if not rule.reads_option(*key)}
    assert not undeclared, f"{rule.code} reads {sorted(undeclared)} without declaring them"


@pytest.mark.parametrize("rule", [r for r in BUILTIN if r.reads], ids=lambda rule: rule.code)
def test_a_rule_declares_nothing_it_never_reads(rule, asked):
    # A pattern (`*.insecure`) may stand for options the check finds by their names.
    named = [pattern for pattern in rule.reads if "*" not in pattern]
    never = [pattern for pattern in named if not any(
        fnmatchcase(f"{group}.{name}", pattern) for group, name in asked.get(rule.code, ()))]
    assert not never, f"{rule.code} declares {never} but never asked for them"


def test_reads_match_groups_as_printed_and_as_files_name_them():
    debug = next(rule for rule in BUILTIN if rule.code == "GMR101")
    assert debug.reads_option("default", "debug") and debug.reads_option("DEFAULT", "debug")
    assert not debug.reads_option("default", "verbose")
    insecure = next(rule for rule in BUILTIN if rule.code == "GMR102")
    assert insecure.reads_option("glance_store", "https_insecure")
