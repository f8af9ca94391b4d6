"""The release of a report: from the operator, the Package version, or the options it
prints; and how lint decides a release-bound rule when several releases fit."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from conftest import SAMPLES, report_text, run_gmr

import gmr
from gmr import lint_reports
from gmr.errors import UsageError
from gmr.lint import Settings
from gmr.models import ReportRelease
from gmr.releases import report_release


def release_of(path, given=None) -> ReportRelease | None:
    return report_release(gmr.parse_file(path)[0], given)


@pytest.mark.parametrize("name", ["cinder-29.0.0-volume.txt", "glance-33.0.0-api.txt",
                                  "neutron-29.0.0-server.txt",
                                  "neutron-29.0.0-openvswitch-agent.txt"])
def test_services_that_print_no_version_are_placed_by_their_options(name):
    for path in (SAMPLES / name, SAMPLES / "defaults" / name):
        if path.exists():
            assert gmr.parse_file(path)[0].package.version is None
            assert release_of(path) == ReportRelease(name="2026.2", source="options",
                                                     candidates=("2026.2",))


def test_a_printed_version_wins_and_the_operator_wins_over_it():
    nova = SAMPLES / "nova-34.0.0-api.txt"
    assert release_of(nova) == ReportRelease(name="2026.2", source="package",
                                             candidates=("2026.2",))
    assert release_of(nova, "epoxy").model_dump() == {"name": "2025.1", "source": "user",
                                                      "candidates": ("2025.1",)}
    with pytest.raises(UsageError, match="--release 'nope' is not an OpenStack release"):
        release_of(nova, "nope")


def test_an_older_release_than_the_knowledge_base_is_not_guessed_from_options():
    mitaka = gmr.parse_file(SAMPLES / "nova-13.0.0-mitaka-api.txt")[0]
    assert report_release(mitaka).source == "package"  # nova 13 says so itself
    unversioned = mitaka.model_copy(update={"package": None})
    assert report_release(unversioned) is None


def test_a_handful_of_options_tells_no_release():
    text = report_text([("DEFAULT", "core_plugin", "str", "ml2"),
                        ("service_user", "send_service_user_token", "bool", False)],
                       package=None)
    assert report_release(gmr.parse(text)[0].model_copy(update={"service": "cinder"})) is None


def test_parse_json_and_table_show_the_release():
    document = run_gmr("parse", "--json", str(SAMPLES / "glance-33.0.0-api.txt")).stdout
    assert '"release": {\n    "name": "2026.2",\n    "source": "options"' in document
    table = run_gmr("parse", str(SAMPLES / "glance-33.0.0-api.txt")).stdout
    assert table.splitlines()[1].split("\t")[:3] == [str(SAMPLES / "glance-33.0.0-api.txt"),
                                                    "glance", "~2026.2"]


RULE = """[[rule]]
code = "GMR901"
name = "debug-since-2023-2"
severity = "error"
group = "DEFAULT"
option = "debug"
eq = true
since = "2023.2"
message = "{option} = {value}"
"""


@pytest.mark.parametrize("candidates, codes", [
    (("2023.2", "2024.1"), ["GMR901"]),    # in range for every candidate: decided
    (("2023.1", "2023.2"), ["GMR004"]),    # in range for one only: the answers differ
    (("2023.1",), []),                      # out of range for the only candidate
])
def test_a_release_bound_rule_is_decided_where_every_candidate_agrees(tmp_path, candidates,
                                                                      codes):
    rules = tmp_path / "rules.toml"
    rules.write_text(RULE)
    text = report_text([("DEFAULT", "debug", "bool", True)], package=None)
    report = gmr.parse(text)[0].model_copy(update={"release": ReportRelease(
        name=None if len(candidates) > 1 else candidates[0], source="options",
        candidates=candidates)})
    settings = Settings(rules=(str(rules),), select=("GMR9", "GMR004"))
    findings = lint_reports([report], settings=settings).findings
    assert [f.code for f in findings] == codes
    if codes == ["GMR004"]:
        assert "fits 2023.1 and 2023.2" in findings[0].message


def test_the_version_offsets_agree_with_every_version_the_knowledge_base_holds():
    from gmr import knowledge
    from gmr.releases import LIBERTY_MAJOR, release_of

    checked = 0
    for service in set(LIBERTY_MAJOR) & set(knowledge.services()):
        for release in knowledge.releases(service):
            for version in release.versions:
                assert str(release_of(service, version)) == release.name, (service, version)
                checked += 1
    assert checked > 100


def _contradictions_by_definition(service: str, printed: set) -> tuple[list[int], int] | None:
    """`contradictions` as the fingerprint module defines it, one known option at a time."""
    from gmr.knowledge import fingerprint as fp

    known = fp.knowledge(service)
    unknown = {key for key in printed if key not in known.options and key[0] in known.groups}
    printed = printed - unknown
    if len(printed) < fp.ENOUGH or len(unknown) > fp.UNKNOWN * (len(printed) + len(unknown)):
        return None
    totals: dict = {}
    shown: dict = {}
    for key, where in known.options.items():
        if where.registered is not None:
            totals[key[0]] = totals.get(key[0], 0) + 1
            shown[key[0]] = shown.get(key[0], 0) + (key in printed)
    loaded = {group for group, total in totals.items() if shown[group] >= fp.LOADED * total}
    everyone = (1 << len(known.names)) - 1
    against = [0] * len(known.names)
    telling = 0
    for key, where in known.options.items():
        if key in printed:
            excluded = everyone & ~where.releases
        elif where.registered is not None and key[0] in loaded:
            excluded = where.releases
        else:
            continue
        if excluded and excluded != everyone:
            telling += 1
            for index in range(len(known.names)):
                against[index] += excluded >> index & 1
    return against, telling


@pytest.mark.parametrize("service", ["nova", "neutron", "cinder", "glance"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_contradictions_count_as_the_definition_does(service, data):
    """Counting by group and by release set, from the printed keys only, gives what
    counting every known option one at a time gives."""
    from gmr.knowledge.fingerprint import contradictions, knowledge

    known = knowledge(service)
    keys = sorted(known.options)
    groups = sorted({group for group, _ in keys})
    # What one release's daemon prints: the options of that release in the groups it
    # registers, with some left out, some of other releases and some unknown added.
    release = data.draw(st.integers(0, len(known.names) - 1))
    unregistered = set(data.draw(st.lists(st.sampled_from(groups), max_size=len(groups) // 2)))
    printed = {key for key in keys if known.options[key].releases >> release & 1
               and key[0] not in unregistered}
    printed -= set(data.draw(st.lists(st.sampled_from(keys), max_size=60)))
    printed |= set(data.draw(st.lists(st.sampled_from(keys), max_size=60)))
    group = data.draw(st.sampled_from(groups))
    printed |= {(group, f"made_up_{n}") for n in range(data.draw(st.integers(0, 30)))}
    assert contradictions(service, printed) == _contradictions_by_definition(service, printed)
