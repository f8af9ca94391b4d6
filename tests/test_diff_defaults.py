"""`gmr diff` and upstream's defaults: `--defaults` compares each node with the defaults of
its release, and every difference says which nodes hold upstream's default.

The defaults samples are daemons started with near-empty config files (samples/README.md,
"Defaults samples"): against upstream they differ in what their ini files set and in the
few values their daemons set at run time (tests/test_knowledge.py, NOT_DEFAULT).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES, report_text, run_gmr
from test_knowledge import NOT_DEFAULT

import gmr
from gmr.diff import upstream
from gmr.diff.nodes import node_from_report
from gmr.knowledge.changes import settings

DEFAULTS = SAMPLES / "defaults"
COMPUTE1 = SAMPLES / "nova-34.0.0-compute-node1.txt"
COMPUTE2 = SAMPLES / "nova-34.0.0-compute-node2.txt"
VM = DEFAULTS / "nova-34.0.0-compute.txt"
MITAKA = SAMPLES / "nova-13.0.0-mitaka-api.txt"
NOVA_34 = ("OpenStack Nova", "OpenStack Foundation", "34.0.0")
NOVA_29 = ("OpenStack Nova", "OpenStack Foundation", "29.0.0")  # 2024.1


def diff(*args: str):
    """`gmr diff ARGS` in this process, into a pipe."""
    return run_gmr("diff", *args)


def document(*args: str) -> dict:
    return json.loads(diff("--json", *args).stdout)


def keys(found: dict) -> set[tuple[str, str]]:
    return {(d["group"], d["option"]) for d in found["differences"]}


@pytest.mark.parametrize("sample", sorted(p.name for p in DEFAULTS.glob("*.txt")))
def test_a_defaults_sample_differs_from_upstream_in_what_its_ini_and_daemon_set(sample):
    service = sample.split("-")[0]
    result = diff("--defaults", "--json", str(DEFAULTS / sample))
    assert result.returncode == 1 and result.stderr == ""
    found = json.loads(result.stdout)
    # config-file names the ini file on the command line: not judged, counted. cinder's
    # fixed_key prints in clear what upstream registers as secret, at its default (None):
    # knowledge.changes counts that a default.
    assert keys(found) == set(NOT_DEFAULT[service]) - {("default", "config-file"),
                                                      ("key_manager", "fixed_key")}
    (node,) = found["nodes"]
    assert node["release"] == "2026.2"
    assert all(d["outliers"] == [node["name"]] for d in found["differences"])
    (left_out,) = found["left_out"]
    assert left_out["counts"]["command-line"] >= 1


def test_a_configured_node_shows_what_its_operator_changed_and_nothing_else():
    report = gmr.parse_file(COMPUTE1)[0]
    found = document("--defaults", str(COMPUTE1))
    changed = {(s.group, s.option.name) for s in settings(report, "2026.2")
               if s.status == "changed"}
    identity = {("default", "host"), ("default", "my_ip")}
    assert keys(found) == changed - identity and keys(found)
    ratio = next(d for d in found["differences"] if d["option"] == "cpu_allocation_ratio")
    assert (ratio["values"], ratio["majority"], ratio["outliers"]) == (
        {"compute1": "4.0"}, "None", ["compute1"])
    assert ratio["upstream"] == [{"release": "2026.2", "default": "None", "nodes": []}]
    masked = sum(option.masked for _, option in report.configuration.options())
    assert found["left_out"][0]["counts"]["masked"] == masked == 21
    assert ("default", "transport_url") not in keys(found)


def test_identity_options_are_compared_with_upstream_only_with_all():
    agent = str(SAMPLES / "neutron-29.0.0-openvswitch-agent.txt")
    assert ("OVS", "local_ip") not in keys(document("--defaults", agent))
    (local_ip,) = document("--defaults", "--all", "--only", "OVS.local_ip", agent)["differences"]
    assert (local_ip["majority"], local_ip["values"]) == ("None", {"compute1": "10.20.30.11"})


def test_several_nodes_are_each_held_against_upstream():
    found = document("--defaults", str(COMPUTE1), str(COMPUTE2), str(VM))
    ratio = next(d for d in found["differences"] if d["option"] == "cpu_allocation_ratio")
    assert ratio["outliers"] == ["compute1", "compute2"]
    assert ratio["values"] == {"compute1": "4.0", "compute2": "16.0", "vm": "None"}
    assert ratio["upstream"] == [{"release": "2026.2", "default": "None", "nodes": ["vm"]}]
    driver = next(d for d in found["differences"] if d["option"] == "compute_driver")
    assert driver["outliers"] == ["compute1", "compute2", "vm"]
    printed = [(group.name, option.name)
               for group, option in gmr.parse_file(COMPUTE1)[0].configuration.options()]
    listed = [(d["group"], d["option"]) for d in found["differences"]]
    assert listed == sorted(listed, key=printed.index)  # in the order reports print them
    assert [entry["node"] for entry in found["left_out"]] == ["compute1", "compute2", "vm"]


def test_lists_name_the_items_they_add_or_remove_against_upstream():
    found = document("--defaults", str(COMPUTE1), "--only", "placement.valid-interfaces")
    (interfaces,) = found["differences"]
    assert interfaces["majority"] == ["internal", "public"]
    assert interfaces["changes"] == {"compute1": ["- public"]}


def test_only_and_ignore_select_what_is_compared_and_counted():
    found = document("--defaults", str(COMPUTE1), "--only", "DEFAULT.*",
                     "--ignore", "compute_driver")
    assert keys(found) and all(group == "default" for group, _ in keys(found))
    assert ("default", "compute_driver") not in keys(found)
    assert found["left_out"][0]["counts"] == {"masked": 1, "command-line": 3}


def test_nothing_differs_from_upstream_exits_0_and_one_change_exits_1(tmp_path):
    def node(memory: int) -> str:
        path = tmp_path / f"{memory}.txt"
        path.write_text(report_text([("DEFAULT", "host", "str", "c1"),
                                     ("DEFAULT", "cpu_allocation_ratio", "float", None),
                                     ("DEFAULT", "reserved_host_memory_mb", "int", memory)],
                                    NOVA_34))
        return str(path)

    same = diff("--defaults", node(512))
    assert same.returncode == 0
    assert same.stdout.splitlines() == [
        "nova: 1 node against upstream 2026.2: every option at upstream's default",
        "nova: 3 options not compared with upstream: 3 set on the command line"]
    changed = diff("--defaults", node(4096))
    assert changed.returncode == 1
    assert "default\treserved_host_memory_mb\t512\tc1: 4096" in changed.stdout


def test_a_node_gmr_has_no_defaults_of_is_one_line_and_exit_2_the_others_compared():
    result = diff("--defaults", str(MITAKA), str(VM))
    assert result.returncode == 2
    assert result.stderr == (f"{MITAKA}:1: gmr knows no upstream defaults of nova mitaka "
                             "(it covers wallaby to 2026.2)\n")
    assert "default\tcompute_driver\tNone\tvm: libvirt.LibvirtDriver" in result.stdout


def test_a_report_that_does_not_tell_its_release_needs_release(tmp_path):
    path = tmp_path / "unversioned.txt"
    path.write_text(report_text([("DEFAULT", "host", "str", "c1"),
                                 ("DEFAULT", "reserved_host_memory_mb", "int", 4096)],
                                ("OpenStack Nova", "OpenStack Foundation", None)))
    result = diff("--defaults", str(path))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (f"{path}:1: the report does not tell which release it is; "
                             "pass --release\n")
    told = json.loads(diff("--defaults", "--release", "epoxy", "--json", str(path)).stdout)
    assert told["nodes"][0]["release"] == "2025.1"
    assert keys(told) == {("default", "reserved_host_memory_mb")}


def test_a_report_without_configuration_cannot_be_held_against_upstream(tmp_path):
    text = COMPUTE1.read_text()
    path = tmp_path / "threads.txt"
    path.write_text(text[:text.index("\n" + "=" * 72 + "\n====" + " " * 25 + "Green Threads") + 1])
    result = diff("--defaults", str(path), str(VM))
    assert result.returncode == 2 and "compute_driver" in result.stdout
    assert result.stderr == (f"{path}:1: the report holds no Configuration section: nothing "
                             "to compare with upstream\n")


def test_errors_travel_back_from_worker_processes(tmp_path):
    for n in range(7):
        shutil.copy(COMPUTE1, tmp_path / f"compute-{n}.txt")
    shutil.copy(MITAKA, tmp_path / "mitaka.txt")
    result = diff("--defaults", "--json", "--jobs", "2", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'mitaka.txt'}:1: gmr knows no upstream defaults of nova mitaka "
        "(it covers wallaby to 2026.2)"]
    found = json.loads(result.stdout)
    assert len(found["nodes"]) == 7 and len(found["left_out"]) == 7


@pytest.mark.parametrize("args", [["--baseline", str(COMPUTE1)], ["--release", "nonsense"]],
                         ids=["with-baseline", "bad-release"])
def test_usage_errors_exit_2_with_one_line(args):
    result = diff("--defaults", *args, str(COMPUTE2))
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("gmr: error: ")


def test_every_difference_says_which_nodes_hold_upstreams_default():
    vm, compute1, compute2 = (gmr.parse_file(path)[0] for path in (VM, COMPUTE1, COMPUTE2))
    found = {(d.group, d.option): d for d in gmr.diff_reports([vm, compute1]).differences}
    assert [e.model_dump() for e in found["default", "reserved_host_memory_mb"].upstream] == [
        {"release": "2026.2", "default": "512", "nodes": ["vm"]}]
    assert found["default", "config-file"].upstream == []  # the command line's, not judged
    (ratio,) = gmr.diff_reports([compute1, compute2]).differences
    assert [e.model_dump() for e in ratio.upstream] == [
        {"release": "2026.2", "default": "None", "nodes": []}]
    against = gmr.diff_reports([compute1], baseline=[vm]).differences
    memory = next(d for d in against if d.option == "reserved_host_memory_mb")
    assert memory.upstream[0].nodes == ["vm"]  # the baseline holds it


def test_release_overrides_and_a_release_without_knowledge_tells_nothing():
    compute1, compute2 = gmr.parse_file(COMPUTE1)[0], gmr.parse_file(COMPUTE2)[0]
    (ratio,) = gmr.diff_reports([compute1, compute2], release="2025.1").differences
    assert [e.release for e in ratio.upstream] == ["2025.1"]
    (ratio,) = gmr.diff_reports([compute1, compute2], release="mitaka").differences
    assert ratio.upstream == []
    with pytest.raises(gmr.GmrError, match="no upstream defaults of nova mitaka"):
        gmr.diff_reports([compute1], release="mitaka", defaults=True)


def healing(tmp_path: Path, host: str, interval: int, package: tuple, *options) -> str:
    path = tmp_path / f"{host}.txt"
    path.write_text(report_text([("DEFAULT", "host", "str", host),
                                 ("DEFAULT", "heal_instance_info_cache_interval", "int",
                                  interval), *options], package))
    return str(path)


def test_nodes_of_two_releases_are_each_held_against_their_own(tmp_path):
    """heal_instance_info_cache_interval defaults to 60 in 2024.1 and to -1 in 2026.2."""
    old, new = healing(tmp_path, "old", 60, NOVA_29), healing(tmp_path, "new", -1, NOVA_34)
    (heal,) = document(old, new)["differences"]
    assert heal["upstream"] == [{"release": "2024.1", "default": "60", "nodes": ["old"]},
                                {"release": "2026.2", "default": "-1", "nodes": ["new"]}]
    assert diff("--defaults", old, new).returncode == 0
    memory = ("DEFAULT", "reserved_host_memory_mb", "int", 4096)  # 512 in both releases
    tuned = [healing(tmp_path, host, 120, package, memory)
             for host, package in (("old-tuned", NOVA_29), ("new-tuned", NOVA_34))]
    heal, reserved = document("--defaults", *tuned)["differences"]
    assert (heal["majority"], heal["outliers"]) == (None, ["old-tuned", "new-tuned"])
    assert reserved["majority"] == "512" and len(reserved["upstream"]) == 2
    text = diff("--defaults", *tuned).stdout.splitlines()
    assert text[:4] == [
        "nova: 2 nodes against upstream 2024.1 and 2026.2: 2 options differ",
        "group\toption\tupstream\toutliers",
        "default\theal_instance_info_cache_interval\t2024.1: 60; 2026.2: -1\t"
        "old-tuned, new-tuned: 120",
        "default\treserved_host_memory_mb\t512\told-tuned, new-tuned: 4096"]


def test_the_knowledge_base_is_asked_only_about_values_a_diff_shows(monkeypatch):
    calls = []

    def counted(report, release):
        calls.append(report)
        return settings(report, release)

    monkeypatch.setattr(upstream, "settings", counted)
    compute1 = gmr.parse_file(COMPUTE1)[0]
    assert gmr.diff_reports([compute1, compute1]).identical and calls == []
    fleet = [compute1] * 4 + [gmr.parse_file(COMPUTE2)[0]] * 3
    (ratio,) = gmr.diff_reports(fleet).differences
    assert len(calls) == 2 and ratio.upstream[0].nodes == []  # 4.0 and 16.0, once each


@pytest.mark.parametrize("path", [VM, DEFAULTS / "cinder-29.0.0-volume.txt",
                                  DEFAULTS / "glance-33.0.0-api.txt", COMPUTE1],
                         ids=lambda path: path.name)
def test_a_value_judged_alone_is_judged_as_in_its_whole_report(path):
    """The lazy judgement of a plain diff agrees with --defaults, which judges the whole
    report: lists, dicts, masked values and cinder's and glance's backend groups too."""
    node = node_from_report(gmr.parse_file(path)[0], defaults=True)
    judge = upstream.Judge()
    disagree = {key: (status, node.upstream.get(key, "default")) for key in node.values
                if (status := judge.setting(node, key).status)
                != node.upstream.get(key, "default")}
    assert disagree == {}


def test_text_marks_upstreams_default_in_each_layout(tmp_path):
    only = ("--only", "DEFAULT.reserved_host_memory_mb")
    columns = diff(str(VM), str(COMPUTE1), *only)
    assert "default\treserved_host_memory_mb\t512 (default)\t4096\n" in columns.stdout
    listed = diff(str(VM), str(COMPUTE1), "--only", "placement.valid-interfaces")
    assert "\tinternal, public, (default)\tinternal, (- public)\n" in listed.stdout
    against = diff("--baseline", str(VM), str(COMPUTE1), *only)
    assert "default\treserved_host_memory_mb\t512 (default)\tcompute1: 4096\n" in against.stdout
    for n in range(4):
        shutil.copy(COMPUTE1, tmp_path / f"compute1-{n}.txt")
    shutil.copy(VM, tmp_path / "vm.txt")
    outliers = diff(str(tmp_path), *only)
    assert outliers.stdout.splitlines()[-1] == (
        "default\treserved_host_memory_mb\t4096\tvm: 512 (default)")
    terminal = run_gmr("diff", str(VM), str(COMPUTE1), *only, tty=True, width=100)
    assert "512 (default)" in terminal.stdout
    assert "(default): upstream's default in 2026.2" in terminal.stdout


def test_text_against_upstream_holds_the_outliers_against_upstreams_default():
    text = run_gmr("diff", "--defaults", str(COMPUTE1), str(COMPUTE2), str(VM),
                   "--only", "DEFAULT.cpu_allocation_ratio", tty=True, width=100).stdout
    assert text.splitlines()[0] == (
        "nova (nova-compute): 3 nodes against upstream 2026.2: 1 option differs")
    assert re.search(r"│ default │ cpu_allocation_ratio │ None +│ compute1: 4\.0 +│",
                     text)
    assert "vm" not in text and "(default)" not in text  # vm holds it: no outlier
    # vm listens on its own address too, but that is upstream's 127.0.0.1: not an outlier.
    listen = diff("--defaults", str(VM), str(COMPUTE1), "--only", "vnc.server_listen")
    assert listen.stdout.splitlines()[2] == (
        "vnc\tserver_listen\t127.0.0.1\tcompute1: <my_block_storage_ip>")


def test_left_out_is_one_line_for_nodes_alike_else_one_per_node():
    text = diff("--defaults", str(COMPUTE1), str(COMPUTE2), str(VM)).stdout.splitlines()
    assert text[-2:] == [
        "nova (nova-compute): compute1, compute2: 24 options not compared with upstream: "
        "21 masked (***), 3 set on the command line",
        "nova (nova-compute): vm: 21 options not compared with upstream: 18 masked (***), "
        "3 set on the command line"]
    alike = diff("--defaults", str(COMPUTE1), str(COMPUTE2)).stdout.splitlines()
    assert alike[-1] == ("nova (nova-compute): 24 options not compared with upstream: "
                         "21 masked (***), 3 set on the command line")


def test_schema_of_diff_describes_upstream():
    schema = json.loads(run_gmr("schema", "diff").stdout)
    definitions = schema["$defs"]
    assert set(definitions["Upstream"]["properties"]) == {"release", "default", "nodes"}
    assert "upstream" in definitions["Difference"]["properties"]
    assert "release" in definitions["NodeInfo"]["required"]
    assert set(definitions["LeftOut"]["properties"]) == {"service", "node", "counts"}
    assert "left_out" in schema["properties"]
