"""Real reports of three releases of every service the knowledge base covers
(samples/releases/, made by tools/make_release_samples.py with each release's own
oslo.reports and oslo.config): the release is found from the options alone, `gmr config`
of a report made with no config file prints nothing, and `gmr config` of a report made
from a known ini file (tests/data/release_samples/) gives that file back, value for value.

Where the knowledge base's defaults differ from what the daemon prints, or the samples'
way of registering options differs from a running daemon's, the option is listed in
EXCEPTIONS with the reason. The plain samples print neither a config file nor a
Package product, so they also prove the service is told by its options alone.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import SAMPLES, run_gmr

import gmr
from gmr import knowledge
from gmr.configfile import rebuild
from gmr.knowledge import OptionFact
from gmr.models import Report, group_key
from gmr.releases import report_release, with_release

RELEASE_SAMPLES = SAMPLES / "releases"
KNOWN = Path(__file__).parent / "data" / "release_samples"
REPORTS = sorted(RELEASE_SAMPLES.glob("*.txt"))
PLAIN = [path for path in REPORTS if not path.stem.endswith("-config")]
CONFIGURED = [path for path in REPORTS if path.stem.endswith("-config")]

_IRONIC_POLICY = (
    "sample: ironic sets `[oslo_policy] policy_file = policy.yaml` in "
    "ironic.common.policy, which only ironic-api imports; ironic-conductor 21.4.4 never "
    "registers [oslo_policy] at all. The sample registers the whole ironic.conf "
    "namespace list, so it prints oslo.policy 4.1's own default, policy.json; the "
    "knowledge base has ironic's policy.yaml, which is what ironic prints")

#: (service, release): {(group, option): why gmr config shows it though no file set it}.
EXCEPTIONS: dict[tuple[str, str], dict[tuple[str, str], str]] = {
    ("ironic", "2023.1"): {("oslo_policy", "policy_file"): _IRONIC_POLICY},
}


def _name(path: Path) -> str:
    return path.stem


def sample(path: Path) -> tuple[str, str, str]:
    """(service, version, release) of a sample, from its file name."""
    service, version = path.stem.split("-")[:2]
    release = knowledge.release_of_version(service, version)
    assert release is not None
    return service, version, release


def parsed(path: Path) -> Report:
    """The sample's one report."""
    (report,) = gmr.parse(path.read_text(encoding="utf-8"), path=str(path))
    return report


def rebuilt_text(path: Path) -> str:
    """`gmr config PATH`, through the CLI."""
    result = run_gmr("config", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    return result.stdout


def test_the_samples_cover_every_service_three_times():
    found: dict[str, set[str]] = {}
    for path in PLAIN:
        service, _, release = sample(path)
        found.setdefault(service, set()).add(release)
    assert {service: len(releases) for service, releases in found.items()} == {
        service: 3 for service in knowledge.services()}
    assert {sample(path)[0] for path in CONFIGURED} == set(knowledge.services())
    assert {p.stem for p in KNOWN.glob("*.conf")} == {
        "-".join(sample(p)[:2]) for p in CONFIGURED}


@pytest.mark.parametrize("path", REPORTS, ids=_name)
def test_the_service_is_identified(path):
    (report,) = gmr.parse(path.read_text(encoding="utf-8"))
    assert report.service == sample(path)[0]


@pytest.mark.parametrize("path", REPORTS, ids=_name)
def test_the_release_is_found_from_the_options_alone(path):
    service, _, release = sample(path)
    report = parsed(path).model_copy(update={"package": None})
    found = report_release(report)
    assert found is not None
    assert (found.source, found.name, found.candidates) == ("options", release, (release,))


@pytest.mark.parametrize("path", REPORTS, ids=_name)
def test_the_package_section_is_what_the_service_passes(path):
    service, version, _ = sample(path)
    (report,) = gmr.parse(path.read_text(encoding="utf-8"))
    if service == "nova":  # nova passes its version module, with product_string() ...
        assert (report.package.product, report.package.version) == ("OpenStack Nova", version)
    else:  # a module without those functions, a version string, or (keystone) nothing
        assert (report.package.product, report.package.vendor, report.package.version) == (
            None, None, None)


def _changed(path: Path) -> dict[tuple[str, str], object]:
    """{(group as printed, option): value} of every option `gmr config` writes."""
    entries = rebuild(with_release(parsed(path))).entries
    return {(entry.group, entry.name): entry.value for entry in entries}


@pytest.mark.parametrize("path", PLAIN, ids=_name)
def test_a_report_made_with_no_config_file_rebuilds_to_an_empty_file(path):
    service, _, release = sample(path)
    written = set(_changed(path))
    assert written <= set(EXCEPTIONS.get((service, release), {}))
    # what the file says: its header lines, nothing else but the exceptions
    lines = [line for line in rebuilt_text(path).splitlines()
             if line and not line.startswith("#")]
    assert len(lines) == len({group for group, _ in written}) + len(written)


def _ini(text: str) -> dict[tuple[str, str], list[str]]:
    """{(group as printed, option): [value, ...]} of an ini file; a multi-valued option
    has one value per line."""
    found: dict[tuple[str, str], list[str]] = {}
    group = None
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        section = re.fullmatch(r"\[(.+)\]", line.strip())
        if section:
            group = group_key(section.group(1))
            continue
        name, _, value = line.partition("=")
        assert group is not None and _, line
        found.setdefault((group, name.strip()), []).append(value.strip())
    return found


def _one(value: str, fact: OptionFact) -> object:
    """One value as oslo.config reads it and oslo.reports prints it: a bool in its
    Python spelling, a list's items sorted (oslo.reports sorts them; a bracketed list,
    glance's `enabled_import_methods`, without its brackets), a dict's entries sorted."""
    if fact.type == "boolean value":
        return str(value.lower() in ("true", "1", "yes", "on"))
    if fact.type == "list value":
        return tuple(sorted(item.strip() for item in value.strip("[]").split(",")))
    if fact.type == "dict value":
        pairs = (item.partition(":") for item in value.split(","))
        return tuple(sorted((key.strip(), entry.strip()) for key, _, entry in pairs))
    return value


def _normalised(found: dict[tuple[str, str], list[str]],
                facts: dict[tuple[str, str], OptionFact]) -> dict[tuple[str, str], object]:
    """Each option's value(s) normalised (`_one`); the values of a multi-valued option
    (one line each) sorted, as oslo.reports prints them."""
    out: dict[tuple[str, str], object] = {}
    for key, values in found.items():
        fact = facts[key]
        multi = fact.type == "multi valued" or len(values) > 1
        items = [_one(value, fact) for value in values]
        out[key] = tuple(sorted(items, key=str)) if multi else items[0]
    return out


@pytest.mark.parametrize("path", CONFIGURED, ids=_name)
def test_a_report_made_from_a_known_file_rebuilds_to_that_file(path):
    service, version, release = sample(path)
    facts = dict(knowledge.options(service, release))
    known = _normalised(_ini((KNOWN / f"{service}-{version}.conf").read_text()), facts)
    given_back = _normalised(_ini(rebuilt_text(path)), facts)
    exceptions = EXCEPTIONS.get((service, release), {})
    assert {key: value for key, value in given_back.items() if key not in exceptions} \
        == known
    assert 5 <= len(known) <= 10


def test_the_known_files_set_every_kind_of_option():
    kinds: dict[str, set[str]] = {}
    for path in KNOWN.glob("*.conf"):
        service = path.stem.split("-")[0]
        facts = knowledge.options(service, knowledge.release_of_version(
            service, path.stem.split("-")[1]))
        options = _ini(path.read_text())
        kinds[service] = {facts[key].type for key in options}
        assert "default" in {group for group, _ in options}
        assert {group for group, _ in options} - {"default"}
    for service, found in kinds.items():
        assert {"integer value", "boolean value", "list value", "dict value",
                "string value", "multi valued"} <= found, service


def test_a_list_of_dicts_is_written_one_dict_a_line():
    """nova's `reserved_huge_pages` is a multi-valued option of dicts: oslo.reports
    prints each dict as `[dict]` and its entries below it."""
    (path,) = [p for p in CONFIGURED if p.stem.startswith("nova-")]
    lines = [line for line in rebuilt_text(path).splitlines()
             if line.startswith("reserved_huge_pages")]
    assert lines == ["reserved_huge_pages = count:64,node:0,size:2048"]


def test_a_default_naming_another_option_is_resolved_with_the_reports_value():
    """The knowledge base keeps neutron's `external_pids` as `$state_path/external/pids`
    (read where `state_path` was not registered); the report prints it substituted."""
    from gmr.knowledge.changes import settings

    (path,) = [p for p in PLAIN if p.stem.startswith("neutron-26.")]
    report = with_release(parsed(path))
    found = {(s.group, s.option.name): s for s in settings(report, "2025.1")}
    setting = found["default", "external_pids"]
    assert setting.option.value == "/var/lib/neutron/external/pids"
    assert (setting.fact.default, setting.status) == (setting.option.value, "default")
