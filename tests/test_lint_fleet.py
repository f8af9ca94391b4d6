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


def compute(n: int, *extra) -> gmr.Report:
    return node(f"compute{n}", "nova-compute", ("DEFAULT", "host", "str", f"compute{n}"),
                ("DEFAULT", "my_ip", "str", f"10.0.0.{n}"), *extra)


def agent(n: int, host: str) -> gmr.Report:
    return node(f"agent{n}", "neutron-openvswitch-agent", ("DEFAULT", "host", "str", host),
                ("ovs", "local_ip", "str", f"10.0.0.{n}"),
                ("agent", "report_interval", "float", 30.0), package=None)


def codes(reports, code):
    return [(f.file, f.line) for f in lint_reports(reports).findings if f.code == code]


def test_nova_and_neutron_agent_on_one_node_must_share_host():
    found = codes([compute(1), agent(1, "compute1.example.org")], "GMR601")
    assert found == [("compute1/compute1.txt", compute(1).option("DEFAULT", "host").line)]
    assert not codes([compute(1), agent(1, "compute1")], "GMR601")
    assert not codes([compute(1), agent(2, "elsewhere")], "GMR601")  # another node


def test_server_agent_down_time_against_the_agents_interval():
    server = node("server", "neutron-server", ("DEFAULT", "agent_down_time", "int", 45),
                  package=None)
    calm = node("server-ok", "neutron-server", ("DEFAULT", "agent_down_time", "int", 75),
                package=None)
    assert codes([server, agent(1, "compute1")], "GMR602")
    assert not codes([calm, agent(1, "compute1")], "GMR602")


@pytest.mark.parametrize("code, group, name, majority, outlier", [
    ("GMR603", "DEFAULT", "instances_path", "/var/lib/nova/instances", "/srv/instances"),
    ("GMR604", "libvirt", "cpu_mode", "custom", "host-passthrough"),
])
def test_computes_that_differ_from_the_majority(code, group, name, majority, outlier):
    fleet = [compute(n, (group, name, "str", majority)) for n in (1, 2)]
    odd = compute(3, (group, name, "str", outlier))
    assert [file for file, _ in codes([*fleet, odd], code)] == ["compute3/compute3.txt"]
    assert not codes([fleet[0], odd], code)  # two against one another: no majority
    assert not codes(fleet, code)


def test_cloned_host_name_or_address():
    clone = node("compute9", "nova-compute", ("DEFAULT", "host", "str", "compute1"),
                 ("DEFAULT", "my_ip", "str", "10.0.0.9"))
    assert codes([compute(1), clone], "GMR605")
    again = node("compute1-later", "nova-compute", ("DEFAULT", "host", "str", "compute1"),
                 ("DEFAULT", "my_ip", "str", "10.0.0.1"))
    assert not codes([compute(1), again], "GMR605")  # the same node, reported twice


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
