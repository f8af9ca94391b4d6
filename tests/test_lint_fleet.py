"""Rules that need several reports, on reports from the real generator; and rules of one
service never firing on another's report."""

from __future__ import annotations

import pytest
from conftest import report_text, run_gmr

import gmr
from gmr import lint_reports

NOVA = ("OpenStack Nova", "OpenStack Foundation", "34.0.0")
_made: dict[str, gmr.Report] = {}


def node(name: str, program: str, *options, package=NOVA, folder: str = "") -> gmr.Report:
    """A report of `program` with `options` (group, name, type, value), made once."""
    key = repr((name, program, options, package, folder))
    if key not in _made:
        text = report_text([("oslo_messaging_rabbit", "processname", "str", program), *options],
                           package)
        (_made[key],) = gmr.parse(text, path=f"{folder or name}/{name}.txt")
    return _made[key]


def compute(n: int, *extra, host: str | None = None) -> gmr.Report:
    return node(f"compute{n}", "nova-compute", ("DEFAULT", "host", "str", host or f"compute{n}"),
                ("DEFAULT", "my_ip", "str", f"10.0.0.{n}"), *extra)


# Each fleet rule's own examples (tests/test_lint_rules.py) prove what it flags; these
# tests cover what examples of a few nodes cannot show.

def test_a_configuration_cloned_to_fifty_nodes_is_one_finding():
    clones = [compute(n, host="compute1") for n in range(1, 51)]
    found = [f for f in lint_reports(clones).findings if f.code == "GMR605"]
    assert [(f.file, f.message) for f in found] == [(
        "compute1/compute1.txt",
        "[DEFAULT] host = compute1 is shared by 50 nodes with different my_ip (also "
        "compute2/compute2.txt, compute3/compute3.txt, compute4/compute4.txt and 46 more): a "
        "configuration was cloned")]


def test_fleet_rules_need_several_reports():
    assert not [f for f in lint_reports([compute(1)]).findings if f.code.startswith("GMR6")]


def test_a_rule_for_one_service_never_fires_on_another_services_report():
    ratio = ("DEFAULT", "cpu_allocation_ratio", "float", 0.0)
    neutron = node("neutron", "neutron-server", ("DEFAULT", "core_plugin", "str", "ml2"), ratio,
                   package=None)
    assert neutron.service == "neutron"
    assert not [f for f in lint_reports([neutron]).findings if f.code == "GMR201"]
    forced = lint_reports([neutron], service="nova", release="2025.1").findings
    assert [f.code for f in forced if f.code == "GMR201"] == ["GMR201"]


@pytest.fixture(scope="module")
def fleet_folder(tmp_path_factory):
    """Fifty real compute reports: native TLS on without a scheme everywhere (GMR210,
    error), debug logging on every other node (GMR101, warning)."""
    folder = tmp_path_factory.mktemp("fleet")
    for n in range(50):
        (folder / f"compute{n:02}.txt").write_text(report_text([
            ("oslo_messaging_rabbit", "processname", "str", "nova-compute"),
            ("DEFAULT", "host", "str", f"compute{n:02}"),
            ("DEFAULT", "debug", "bool", n % 2 == 0),
            ("libvirt", "live_migration_with_native_tls", "bool", True),
        ], NOVA))
    return folder


ROLLUP = ["GMR101 warning debug-logging on 25 of 50 nodes",
          "GMR210 error native-tls-without-scheme on 50 of 50 nodes"]


def test_fleet_lint_rolls_up_each_rule_before_the_detail(fleet_folder):
    result = run_gmr("lint", str(fleet_folder))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[:2] == ROLLUP
    assert lines[2] == f"{fleet_folder}/compute00.txt (compute00, nova, 2026.2)"
    assert len([line for line in lines if " GMR210 error " in line]) == 50
    assert lines[-1] == "50 reports checked: 50 errors, 25 warnings, 0 info"


def test_summary_prints_the_rollup_alone(fleet_folder):
    result = run_gmr("lint", "--summary", str(fleet_folder))
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        *ROLLUP, "50 reports checked: 50 errors, 25 warnings, 0 info"]
