"""`gmr upgrade`: what an upgrade to a later release does to a report's configuration,
from the knowledge base of the real releases (their removals, renames, deprecations and
default changes) held against real reports."""

from __future__ import annotations

import json

import jsonschema
import pytest
from conftest import SAMPLES, report_text, run_gmr

#: A real nova-compute 2025.1 (samples/README.md, "Upgrade sample").
EPOXY = str(SAMPLES / "upgrade" / "nova-31.3.1-compute.txt")
NOVA_31 = ("OpenStack Nova", "OpenStack Foundation", "31.0.0")  # 2025.1
CINDER_26 = ("OpenStack Cinder", "OpenStack Foundation", "26.0.0")  # 2025.1


def upgrade(*args: str):
    return run_gmr("upgrade", *args)


def changes_of(*args: str) -> list[dict]:
    return json.loads(upgrade("--json", *args).stdout)["reports"][0]["changes"]


def test_every_kind_of_change_on_the_way_from_2025_1_to_2026_2():
    result = upgrade("--to", "2026.2", "--json", EPOXY)
    assert [(c["release"], c["kind"], c["group"], c["option"])
            for c in json.loads(result.stdout)["reports"][0]["changes"]] == [
        ("2025.2", "deprecated", "libvirt", "num_memory_encrypted_guests"),
        ("2026.1", "renamed", "cache", "memcache_socket_timeout"),
        ("2026.1", "default-changed", "default", "default_log_levels"),
        ("2026.1", "default-changed", "default", "graceful_shutdown_timeout"),
        ("2026.1", "default-changed", "default", "sync_power_state_pool_size"),
        ("2026.1", "default-changed", "oslo_limit", "endpoint_interface"),
        ("2026.2", "removed", "keystone_authtoken", "auth_uri"),
        ("2026.2", "default-changed", "keystone_authtoken", "memcache_password"),
        ("2026.2", "default-changed", "keystone_authtoken", "memcache_username"),
        ("2026.2", "default-changed", "keystone_authtoken", "service_token_roles_required"),
        ("2026.2", "removed", "libvirt", "num_memory_encrypted_guests"),
        ("2026.2", "new-option", "oslo_messaging_tracing", "insecure"),
        ("2026.2", "new-option", "oslo_middleware_tracing", "insecure"),
    ]
    assert result.returncode == 1


def test_each_change_says_what_the_node_has_and_what_comes():
    report = json.loads(upgrade("--to", "2026.2", "--json", EPOXY).stdout)["reports"][0]
    assert (report["service"], report["node"], report["release"], report["release_source"],
            report["steps"]) == ("nova", "compute-7", "2025.1", "package",
                                 ["2025.2", "2026.1", "2026.2"])
    by = {(c["kind"], c["option"]): c for c in report["changes"]}
    renamed = by["renamed", "memcache_socket_timeout"]
    assert renamed["renamed_to"] == {"group": "cache", "option": "socket_timeout"}
    assert (renamed["value"], renamed["severity"], renamed["line"]) == ("3.0", "error", 156)
    roles = by["default-changed", "service_token_roles_required"]
    assert (roles["default"], roles["new_default"], roles["value"]) == ("False", "True", "False")
    levels = by["default-changed", "default_log_levels"]
    assert "qpid=WARN" in levels["default"] and "qpid=WARN" not in levels["new_default"]
    assert levels["message"] == (
        "[DEFAULT] default_log_levels keeps upstream's default, which changes in 2026.1 "
        "(- amqplib=WARN, - qpid=WARN): the node behaves differently unless it sets the old one")
    deprecated = by["deprecated", "num_memory_encrypted_guests"]
    assert deprecated["severity"] == "warning"
    assert deprecated["message"] == (
        "[libvirt] num_memory_encrypted_guests = 15: deprecated for removal in 2025.2 (since "
        "32.0.0): This option is effective for only SEV and has no effect for SEV-ES")
    new = by["new-option", "insecure"]
    assert (new["rules"], new["default"], new["line"], new["severity"]) == (
        ["GMR102"], "False", None, "info")


def test_text_is_grouped_by_step_one_plain_line_per_change():
    lines = upgrade("--to", "2026.2", EPOXY).stdout.splitlines()
    assert lines[0] == f"{EPOXY} (compute-7, nova, 2025.1 to 2026.2)"
    assert [line for line in lines if not line.startswith("    ")] == [
        lines[0], "  2025.2", "  2026.1", "  2026.2",
        "1 report to 2026.2: 10 break or change behaviour, 1 deprecated, 2 new options a rule "
        "reads"]
    assert lines[2] == (f"    {EPOXY}:806 warning deprecated [libvirt] "
                        "num_memory_encrypted_guests = 15: deprecated for removal in 2025.2 "
                        "(since 32.0.0): This option is effective for only SEV and has no "
                        "effect for SEV-ES")
    assert lines[-2] == (f"    {EPOXY}: info new-option [oslo_middleware_tracing] insecure is "
                         "new in 2026.2 (default False); GMR102 (tls-verification-disabled) "
                         "reads it")
    assert not any("\x1b" in line or "\t" in line for line in lines)


def test_a_shorter_way_crosses_fewer_steps():
    report = json.loads(upgrade("--to", "flamingo", "--json", EPOXY).stdout)["reports"][0]
    assert report["to"] == "2025.2" and report["steps"] == ["2025.2"]
    assert [c["kind"] for c in report["changes"]] == ["deprecated"]


def test_deprecations_alone_pass_unless_fail_on_tightens():
    assert upgrade("--to", "2025.2", EPOXY).returncode == 0
    assert upgrade("--to", "2025.2", "--fail-on", "warning", EPOXY).returncode == 1
    assert upgrade("--to", "2026.1", EPOXY).returncode == 1  # renamed, defaults change


def test_a_removed_option_set_in_clear_shows_no_password(tmp_path):
    path = tmp_path / "compute-8.txt"
    path.write_text(report_text([
        ("api", "auth_strategy", "str", "noauth2"),  # removed in 2025.2
        ("keystone_authtoken", "auth_uri", "uri", "https://nova:s3cret@keystone:5000"),
    ], NOVA_31))
    changes = changes_of("--to", "2026.2", str(path))
    removed = {c["option"]: c for c in changes if c["kind"] == "removed"}
    assert removed["auth_strategy"]["release"] == "2025.2"
    assert removed["auth_uri"]["value"] == "https://nova:***@keystone:5000"
    for args in (("--json",), ()):
        assert "s3cret" not in upgrade("--to", "2026.2", *args, str(path)).stdout


def test_a_backend_group_takes_the_facts_of_backend_defaults(tmp_path):
    path = tmp_path / "storage-1.txt"
    path.write_text(report_text([
        ("DEFAULT", "enabled_backends", "list", ["netapp-1", "netapp-2"]),
        ("netapp-1", "netapp_transport_type", "str", "http"),  # default http -> https, 2026.2
        ("netapp-1", "iscsi_iotype", "str", "blockio"),        # removed in 2026.1
        ("netapp-2", "netapp_transport_type", "str", "http"),
    ], CINDER_26))
    found = {(c["release"], c["kind"], c["group"], c["option"]): c
             for c in changes_of("--to", "2026.2", str(path))}
    assert ("2026.1", "removed", "netapp-1", "iscsi_iotype") in found
    for group in ("netapp-1", "netapp-2"):  # each backend group is its own setting
        transport = found["2026.2", "default-changed", group, "netapp_transport_type"]
        assert (transport["default"], transport["new_default"]) == ("http", "https")


def test_a_custom_rule_makes_its_option_count(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\ncode = "GMR901"\nname = "thread-pool-too-small"\n'
                     'severity = "info"\ngroup = "DEFAULT"\noption = "default_thread_pool_size"\n'
                     'lt = 10\nmessage = "{option} = {value}"\n')
    plain = upgrade("--to", "2026.2", EPOXY).stdout
    custom = upgrade("--to", "2026.2", "--rules", str(rules), EPOXY).stdout
    assert "default_thread_pool_size" not in plain
    assert ("[DEFAULT] default_thread_pool_size is new in 2025.2 (default 10); GMR901 "
            "(thread-pool-too-small) reads it") in custom


def test_a_report_that_does_not_tell_its_release_needs_release(tmp_path):
    # neutron prints no version, and a handful of options fits no release of its own.
    path = tmp_path / "neutron-server.txt"
    path.write_text(report_text([("DEFAULT", "core_plugin", "str", "ml2"),
                                 ("ml2", "tenant_network_types", "list", ["vxlan"])], None))
    refused = upgrade("--to", "2026.2", str(path))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr == (f"{path}:1: the report does not tell which release it is; "
                              "pass --release\n")
    told = json.loads(upgrade("--to", "2026.2", "--release", "2025.1", "--json",
                              str(path)).stdout)["reports"][0]
    renamed = next(c for c in told["changes"] if c["option"] == "tenant_network_types")
    assert (renamed["release"], renamed["kind"], renamed["renamed_to"]) == (
        "2026.1", "renamed", {"group": "ml2", "option": "project_network_types"})
    assert told["release_source"] == "user"


@pytest.mark.parametrize("to, message", [
    ("2026.2", "gmr: error: --to 2026.2 is not later than 2026.2, the release of "),
    ("2024.1", "gmr: error: --to 2024.1 is not later than 2026.2, the release of "),
    ("2031.1", "gmr: error: --to '2031.1' is not an OpenStack release"),
])
def test_a_target_not_later_than_the_report_is_a_usage_error(to, message):
    result = upgrade("--to", to, str(SAMPLES / "defaults" / "nova-34.0.0-compute.txt"), EPOXY)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(message) and len(result.stderr.splitlines()) == 1


def test_a_release_without_knowledge_is_one_line_naming_the_file():
    mitaka = str(SAMPLES / "nova-13.0.0-mitaka-api.txt")
    result = upgrade("--to", "2026.2", mitaka, EPOXY)
    assert result.returncode == 2
    assert result.stderr == (f"{mitaka}:1: gmr knows no upstream defaults of nova mitaka (it "
                             "covers wallaby to 2026.2)\n")
    assert result.stdout.startswith(f"{EPOXY} (compute-7")  # the other report is still shown


def test_a_configured_2026_2_node_told_it_ran_2025_1_meets_no_change_of_its_own():
    # node1's options are 2026.2's; against 2025.1 every value 2026.2 changed counts as
    # set, so nothing is followed as a default, and nothing it prints goes away by 2026.2.
    kinds = {c["kind"] for c in changes_of("--to", "2026.2", "--release", "2025.1",
                                           str(SAMPLES / "nova-34.0.0-compute-node1.txt"))}
    assert kinds == {"new-option"}


def test_json_follows_gmr_schema_upgrade():
    schema = json.loads(run_gmr("schema", "upgrade").stdout)
    document = json.loads(upgrade("--to", "2026.2", "--json", EPOXY).stdout)
    jsonschema.validate(document, schema)
    assert document["to"] == "2026.2" and len(document["reports"]) == 1
