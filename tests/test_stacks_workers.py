"""Worker counts of launchers (gmr/stacks/workers.py) on real reports: launchers made by
the real generator with each program's options and children, and the shipped samples."""

from __future__ import annotations

import generator as gen
import pytest
from conftest import SAMPLES, run_gmr

import gmr
from gmr.stacks.workers import workers


def launcher_text(program: str, children: int, *options: tuple) -> str:
    """A report of `program` with `children` children and `options` (group, name, type,
    value) set."""
    specs = (gen.OptionSpec("oslo_messaging_rabbit", "processname", "str", program),
             *(gen.OptionSpec(*option) for option in options))
    return gen.generate(gen.ReportSpec(options=specs, children=children)).text


def launcher(program: str, children: int, *options: tuple) -> gmr.Report:
    (report,) = gmr.parse(launcher_text(program, children, *options))
    return report


ML2_RPC = (("DEFAULT", "core_plugin", "str", "ml2"),
           ("DEFAULT", "rpc_workers", "int", 3),
           ("DEFAULT", "rpc_state_report_workers", "int", 1))
API = (("DEFAULT", "api_workers", "int", 4),)
RPC_UNSET = ("DEFAULT", "rpc_workers", "int", None)
NOVA_APIS = (("DEFAULT", "enabled_apis", "list", ["osapi_compute", "metadata"]),
             ("DEFAULT", "osapi_compute_workers", "int", 3),
             ("DEFAULT", "metadata_workers", "int", 2))


@pytest.mark.parametrize("program, options, option, configured", [
    ("nova-api-os-compute", [("DEFAULT", "osapi_compute_workers", "int", 4)],
     "DEFAULT.osapi_compute_workers", 4),
    ("nova-api-metadata", [("DEFAULT", "metadata_workers", "int", 4)],
     "DEFAULT.metadata_workers", 4),
    ("nova-api", NOVA_APIS, "DEFAULT.metadata_workers + DEFAULT.osapi_compute_workers", 5),
    ("neutron-rpc-server", ML2_RPC,
     "DEFAULT.rpc_workers + DEFAULT.rpc_state_report_workers", 4),
    ("neutron-server", ML2_RPC + API,
     "DEFAULT.api_workers + DEFAULT.rpc_workers + DEFAULT.rpc_state_report_workers", 8),
    ("neutron-server", ML2_RPC[:1] + ML2_RPC[2:] + API + (RPC_UNSET,),
     "DEFAULT.api_workers + half of DEFAULT.api_workers (rpc_workers unset) + "
     "DEFAULT.rpc_state_report_workers", 7),
    ("neutron-server", ML2_RPC + (("DEFAULT", "api_workers", "int", 0),),
     "DEFAULT.api_workers + DEFAULT.rpc_workers + DEFAULT.rpc_state_report_workers", 4),
    ("cinder-api", [("DEFAULT", "osapi_volume_workers", "int", 4)],
     "DEFAULT.osapi_volume_workers", 4),
    ("cinder-backup", [("DEFAULT", "backup_workers", "int", 4)],
     "DEFAULT.backup_workers", 4),
    ("cinder-volume", [("DEFAULT", "enabled_backends", "list", ["lvm-1", "", "ceph-1"])],
     "DEFAULT.enabled_backends", 2),
    ("glance-api", [("DEFAULT", "workers", "int", 4)], "DEFAULT.workers", 4),
    ("ironic-api", [("api", "api_workers", "int", 4)], "api.api_workers", 4),
])
def test_a_launcher_with_fewer_children_than_it_forks_lost_some(program, options, option,
                                                                 configured):
    found = workers(launcher(program, 1, *options))
    assert found is not None
    assert found.model_dump() == {"option": option, "configured": configured,
                                  "children": 1, "missing": configured - 1}


@pytest.mark.parametrize("program, options, why", [
    ("nova-api-os-compute", [], "unset: one per CPU"),
    ("nova-api", NOVA_APIS[:2], "metadata_workers unset"),
    ("neutron-rpc-server", ML2_RPC[1:], "no core plugin: maybe no state report workers"),
    ("neutron-rpc-server", ML2_RPC[:1] + ML2_RPC[2:], "rpc_workers unset: half the CPUs"),
    ("neutron-server", ML2_RPC, "api_workers unset: one per CPU"),
    ("neutron-server", ML2_RPC[1:] + API, "no core plugin: maybe no RPC workers at all"),
    ("cinder-backup", [("DEFAULT", "backup_workers", "int", 1)], "one runs in the launcher"),
    ("glance-api", [("DEFAULT", "workers", "int", 0)], "no workers: serves itself"),
])
def test_a_count_the_configuration_does_not_tell_is_not_judged(program, options, why):
    assert workers(launcher(program, 1, *options)) is None, why


def test_a_worker_s_own_report_is_not_judged():
    assert workers(launcher("cinder-api", 0, ("DEFAULT", "osapi_volume_workers", "int", 4))) \
        is None


def test_a_launcher_with_all_its_workers_is_fine_and_the_cli_names_the_sum(tmp_path):
    assert workers(launcher("neutron-rpc-server", 4, *ML2_RPC)).missing == 0
    report = tmp_path / "rpc.txt"
    report.write_text(launcher_text("neutron-rpc-server", 2, *ML2_RPC))
    ran = run_gmr("stacks", str(report))
    assert ran.returncode == 1
    assert "workers died: 2 children of 4 configured (DEFAULT.rpc_workers + " \
           "DEFAULT.rpc_state_report_workers = 4)" in ran.stdout


@pytest.mark.parametrize("sample, option, configured", [
    ("nova-13.0.0-mitaka-api.txt",
     "DEFAULT.ec2_workers + DEFAULT.metadata_workers + DEFAULT.osapi_compute_workers", 6),
    ("cinder-29.0.0-volume.txt", "DEFAULT.enabled_backends", 2),
])
def test_real_launchers_have_all_their_workers(sample, option, configured):
    (report,) = gmr.parse_file(str(SAMPLES / sample))
    assert workers(report).model_dump() == {"option": option, "configured": configured,
                                            "children": configured, "missing": 0}


@pytest.mark.parametrize("sample", ["nova-34.0.0-api.txt", "glance-33.0.0-api.txt",
                                    "neutron-29.0.0-server.txt"])
def test_wsgi_apps_under_another_server_are_not_judged(sample):
    """These run the WSGI app in a pre-forking stand-in for uWSGI: their children are not
    the workers of any option (nova 34 and glance 33 no longer register them)."""
    (report,) = gmr.parse_file(str(SAMPLES / sample))
    assert report.processes.roots[0].children and workers(report) is None
