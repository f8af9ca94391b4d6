"""Every built-in rule fails on a real report configured the bad way and passes on a good
one; every rule is documented and sourced."""

from __future__ import annotations

import pytest
from conftest import report_text
from lint_cases import CASES, REPORTED_AS

import gmr
from gmr import lint_reports
from gmr.lint import BUILTIN
from gmr.lint.api import CODE, NAME

#: Rules the engine itself reports, and fleet rules: tests/test_lint.py and
#: tests/test_lint_fleet.py cover them.
BY_ENGINE = {"GMR001", "GMR002", "GMR003", "GMR004", "GMR005"}
FLEET = {code for code, rule in ((r.code, r) for r in BUILTIN) if rule.fleet}

_made: dict[tuple, gmr.Report] = {}


def report_for(case) -> gmr.Report:
    """The real report of a case, generated once per session."""
    package, options = case
    key = (package, repr(options))
    if key not in _made:
        text = report_text(options, package)
        (_made[key],) = gmr.parse(text, path=f"{options[0][1] if options else 'empty'}.txt")
    return _made[key]


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_on_the_bad_configuration(code):
    failing, _ = CASES[code]
    report = report_for(failing)
    expected = REPORTED_AS.get(code, code)
    found = [f for f in lint_reports([report]).findings if f.code == expected]
    assert found, f"{code} did not fire"
    finding = found[0]
    assert finding.line is not None and finding.option is not None
    assert finding.line == report.option(finding.group, finding.option).line
    if expected != code:
        assert code in finding.message


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_on_the_good_configuration(code):
    _, passing = CASES[code]
    findings = lint_reports([report_for(passing)]).findings
    assert not [f for f in findings if f.code == code or code in f.message]


def test_every_rule_has_cases_and_docs():
    assert set(CASES) | BY_ENGINE | FLEET == {r.code for r in BUILTIN}
    for rule in BUILTIN:
        assert CODE.match(rule.code) and NAME.match(rule.name), rule.code
        assert rule.what and rule.why and rule.fix and rule.source, rule.code
        assert rule.before and rule.after, rule.code
        assert not rule.message.endswith("."), rule.code
        assert rule.what.endswith("."), rule.code


def test_a_code_or_name_used_twice_is_refused():
    from gmr.lint.api import Severity, catalogue, rule

    def declared(code: str, name: str):
        return rule(code=code, name=name, severity=Severity.INFO, message="m", what="w.",
                    why="w", fix="f", before="b", after="a", source="s")(lambda r, c: iter(()))

    with pytest.raises(ValueError, match="code GMR101 is declared twice"):
        catalogue([*BUILTIN, declared("GMR101", "another-name")])
    with pytest.raises(ValueError, match="name debug-logging is declared twice"):
        catalogue([*BUILTIN, declared("GMR999", "debug-logging")])
    assert len(catalogue(BUILTIN)) == len(BUILTIN)
