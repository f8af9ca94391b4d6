"""Every built-in rule proves itself on its own examples: each failing example, made into
a real report by the real generator (tests/rule_examples.py), gives exactly the finding
the example states, on the line of the option it names; each passing one gives none.
Every rule is documented and sourced."""

from __future__ import annotations

import pytest
from rule_examples import node_report

from gmr import lint_reports
from gmr.lint import BUILTIN
from gmr.lint.api import CODE, NAME, Example, Rule

#: Rules the engine itself reports (about the run, not a configuration): tests/test_lint.py
#: covers them.
BY_ENGINE = {"GMR001", "GMR002", "GMR003", "GMR004", "GMR005"}
#: Rules about threads and worker processes, which a configuration cannot show: proven on
#: real snapshots of one process in tests/test_lint_threads.py.
BY_SNAPSHOTS = {"GMR607", "GMR608"}

EXAMPLES = [pytest.param(rule, example, id=f"{rule.code}-{index}-"
                         f"{'fails' if example.failing else 'passes'}")
            for rule in BUILTIN for index, example in enumerate(rule.examples)]


def _findings(rule: Rule, example: Example):
    reports = [node_report(node, f"{rule.code}/{index}/report.txt")
               for index, node in enumerate(example.nodes)]
    return reports, [f for f in lint_reports(reports).findings if f.code == rule.code]


@pytest.mark.parametrize(("rule", "example"), EXAMPLES)
def test_the_rule_gives_what_its_example_says(rule, example):
    reports, found = _findings(rule, example)
    assert [f.message for f in found] == ([example.message] if example.failing else [])
    for finding in found:
        (report,) = [r for r in reports if r.source.path == finding.file]
        assert finding.option is not None
        assert finding.line == report.option(finding.group, finding.option).line


def test_every_rule_has_examples_and_docs():
    for rule in BUILTIN:
        assert CODE.match(rule.code) and NAME.match(rule.name), rule.code
        assert rule.what and rule.why and rule.fix and rule.source, rule.code
        assert not rule.message.endswith("."), rule.code
        assert rule.what.endswith("."), rule.code
        if rule.code not in BY_ENGINE | BY_SNAPSHOTS:
            kinds = {example.failing for example in rule.examples}
            assert kinds == {True, False}, f"{rule.code} needs a failing and a passing example"


def test_a_code_or_name_used_twice_is_refused():
    from gmr.lint.api import Severity, catalogue, rule

    def declared(code: str, name: str):
        return rule(code=code, name=name, severity=Severity.INFO, message="m", what="w.",
                    why="w", fix="f", source="s")(lambda r, c: iter(()))

    with pytest.raises(ValueError, match="code GMR101 is declared twice"):
        catalogue([*BUILTIN, declared("GMR101", "another-name")])
    with pytest.raises(ValueError, match="name debug-logging is declared twice"):
        catalogue([*BUILTIN, declared("GMR999", "debug-logging")])
    assert len(catalogue(BUILTIN)) == len(BUILTIN)


def test_a_retired_code_is_never_reused():
    from gmr.lint.rules import RETIRED

    assert not set(RETIRED) & {rule.code for rule in BUILTIN}
