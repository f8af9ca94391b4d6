"""A report parsed with its options on demand is the report the full parse gives: every
field, every option asked for in every way a rule asks, and what lint finds in it; on
real reports, on reports of the real generator, and on copies of them edited line by
line. Text not printed exactly as oslo.reports prints it is parsed in full.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import generator as gen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_compact import edited, edits, option_specs

from gmr.credentials import is_credential_name
from gmr.errors import GmrError
from gmr.lint.run import linted_reports
from gmr.lint.settings import Settings
from gmr.models import Configuration
from gmr.parsing.ondemand import OnDemandConfiguration
from gmr.parsing.scan import parse_file

SAMPLES = sorted(Path(__file__).resolve().parent.parent.joinpath("samples").rglob("*.txt"))


def _is_url_name(name: str) -> bool:
    return name.endswith("_url")


def _anything(name: str, value) -> bool:
    return True


def _short_text(name: str, value) -> bool:
    """A `suspected` filter that keeps some options of each kind and leaves out others."""
    return len(value) < 3 if type(value) is not str else len(value) % 2 == 0


def _some_of(group: str):
    """A `part` selection: a group's options whose names hold an `o`, none of [api]."""
    return None if group == "api" else (lambda name: "o" in name)


def assert_alike(on_demand: Configuration, whole: Configuration) -> None:
    """Everything a rule may ask of the two configurations gives the same answer."""
    assert list(on_demand.keys()) == list(whole.keys())
    for group, name in whole.keys():
        assert on_demand.has(group, name) and on_demand.get(group, name) == whole.get(group, name)
        assert on_demand.get(group.upper(), name) == whole.get(group.upper(), name)
    assert not on_demand.has("no-such-group") and on_demand.get("DEFAULT", "no_such") is None
    assert on_demand.named(_is_url_name) == whole.named(_is_url_name)
    for test, fragment in ((is_credential_name, "://"), (_is_url_name, "="), (_is_url_name, "")):
        for shows in (_anything, _short_text):
            assert on_demand.suspected(test, fragment, shows) == \
                whole.suspected(test, fragment, shows)
    assert on_demand.part(_some_of) == whole.part(_some_of)
    assert on_demand.layout() == whole.layout()
    assert [group.name for group in on_demand] == list(whole.groups)
    assert on_demand.whole() == whole
    assert pickle.loads(pickle.dumps(on_demand)) == whole  # it leaves a process whole


def assert_same_reports(path: str) -> int:
    """The reports of `path` parsed on demand and in full are the same; returns how many
    were parsed on demand."""
    try:
        full = parse_file(path)
    except GmrError as error:
        with pytest.raises(type(error)):
            parse_file(path, on_demand=True)
        return 0
    made = parse_file(path, on_demand=True)
    assert len(made) == len(full)
    taken = 0
    for report, expected in zip(made, full):
        configuration = report.configuration
        if isinstance(configuration, OnDemandConfiguration):
            taken += 1
            assert_alike(configuration, expected.configuration)
            report = report.model_copy(update={"configuration": configuration.whole()})
        assert report == expected
    return taken


def test_samples_parsed_on_demand_are_the_full_parse():
    taken = sum(assert_same_reports(str(path)) for path in SAMPLES)
    # Only a copy stripped of its trailing spaces is not as oslo.reports prints it.
    assert taken >= len(SAMPLES) - 1


def test_nodes_of_one_layout_between_others_are_the_full_parse(tmp_path):
    """Sections read against their layout share its names, and what is made of them."""
    nova, glance = (next(path for path in SAMPLES if path.name == name)
                    for name in ("nova-34.0.0-compute-node1.txt", "glance-33.0.0-api.txt"))
    node = nova.read_text(encoding="utf-8")
    other = tmp_path / "compute2.txt"
    other.write_text(node.replace("= compute1\n", "= compute2\n"), encoding="utf-8")
    for path in (nova, glance, other, nova, other):
        assert assert_same_reports(str(path)) == 1


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_lint_finds_the_same_with_options_on_demand(path):
    found = [linted_reports(str(path), Settings(), None, None, on_demand=on_demand)
             for on_demand in (False, True)]
    full, made = ([(told.model_copy(update={"configuration": None}), linted)
                   for told, linted in pairs] for pairs in found)
    assert made == full  # the findings, the fleet view, the rules that ran


def test_custom_rules_find_the_same_with_options_on_demand(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\ncode = "GMR901"\nname = "ratio-above-two"\nseverity = "error"\n'
                     'group = "DEFAULT"\noption = "cpu_allocation_ratio"\ngt = 2.0\n'
                     'message = "{option} = {value}"\n', encoding="utf-8")
    nova = next(path for path in SAMPLES if path.name == "nova-34.0.0-compute-node1.txt")
    found = [linted_reports(str(nova), Settings(rules=[str(rules)]), None, None,
                            on_demand=on_demand)[0][1] for on_demand in (False, True)]
    assert "GMR901" in {finding.code for finding in found[0].findings}
    assert found[1] == found[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(option_specs(), st.lists(edits(), max_size=2), st.booleans())
def test_generated_reports_parse_alike_on_demand(tmp_path_factory, specs, changes, newline):
    generated = gen.generate(gen.ReportSpec(options=specs, threads=1, greenlets=1))
    text = generated.text + ("\n" if newline else "")
    for where, how in changes:
        text = edited(text, where, how)
    path = tmp_path_factory.mktemp("ondemand") / "node.txt"
    path.write_text(text, encoding="utf-8", newline="")
    taken = assert_same_reports(str(path))
    if not changes and not newline:
        assert taken == 1, "a report as oslo.reports prints it is parsed on demand"
