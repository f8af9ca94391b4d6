"""`gmr config`: the configuration file a report's daemon ran with, rebuilt against the
upstream defaults of its release."""

from __future__ import annotations

import json

from conftest import SAMPLES, run_gmr

DEFAULTS = SAMPLES / "defaults"


def config(*args: str):
    return run_gmr("config", *args)


def test_a_daemon_started_with_a_near_empty_file_gives_that_file_back():
    # samples/README.md: the defaults samples' nova.conf sets compute_driver, their
    # cinder.conf enabled_backends; everything else nova and cinder print is upstream's.
    nova = config(str(DEFAULTS / "nova-34.0.0-compute.txt"))
    assert nova.returncode == 0
    body = [line for line in nova.stdout.splitlines() if line and not line.startswith("#")]
    assert body == ["[DEFAULT]", "compute_driver = libvirt.LibvirtDriver"]
    cinder = config(str(DEFAULTS / "cinder-29.0.0-volume.txt")).stdout
    assert "[DEFAULT]\n# upstream default: None\nenabled_backends = lvm-1\n" in cinder


def test_a_configured_node_gives_its_settings_with_upstream_defaults_as_comments():
    text = config(str(SAMPLES / "nova-34.0.0-compute-node1.txt")).stdout
    assert "# upstream default: None\ncpu_allocation_ratio = 4.0\n" in text
    assert "# upstream default: 512\nreserved_host_memory_mb = 4096\n" in text
    assert text.index("[DEFAULT]") < text.index("[cinder]")  # [DEFAULT] first
    assert "***" not in text  # masked values are never written, even with --all
    everything = config("--all", str(SAMPLES / "nova-34.0.0-compute-node1.txt")).stdout
    assert "***" not in everything and "# transport_url = <masked in the report>" in everything
    assert "debug = False" in everything


def test_json_gives_the_same_as_data():
    document = json.loads(config("--json", str(SAMPLES / "nova-34.0.0-compute-node1.txt")).stdout)
    assert (document["service"], document["release"], document["node"]) == (
        "nova", "2026.2", "compute1")
    ratio = next(o for o in document["options"] if o["option"] == "cpu_allocation_ratio")
    assert ratio == {"group": "default", "option": "cpu_allocation_ratio", "value": "4.0",
                     "default": "None", "status": "changed", "line": ratio["line"]}
    assert document["left_out"]["default"] > 800


def test_a_release_without_upstream_defaults_is_one_line_and_exit_2():
    result = config(str(SAMPLES / "nova-13.0.0-mitaka-api.txt"))
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"{SAMPLES / 'nova-13.0.0-mitaka-api.txt'}:1: gmr knows "
                                    "no upstream defaults of nova mitaka (it covers ")
    assert len(result.stderr.splitlines()) == 1


def test_a_path_the_operator_set_is_theirs_and_what_upstream_derives_from_it_is_not():
    """nova's state_path defaults to its install path (`$pybasedir`) and instances_path to
    `$state_path/instances`: /var/lib/nova is the operator's, the instances path that
    follows from it is upstream's default, and an install path is a default."""
    from rule_examples import node_report

    from gmr import rebuild_config
    from gmr.lint.api import Node

    report = node_report(Node("nova", "2026.2", "[DEFAULT]\n"
                              "pybasedir = /usr/lib/python3/dist-packages\n"
                              "state_path = /var/lib/nova\n"
                              "instances_path = /var/lib/nova/instances\n"), "nova.txt")
    assert [(e.group, e.name) for e in rebuild_config(report).entries] == [
        ("default", "state_path")]
    moved = node_report(Node("nova", "2026.2", "[DEFAULT]\n"
                             "state_path = /usr/lib/python3/dist-packages\n"
                             "instances_path = /srv/instances\n"), "nova.txt")
    assert [(e.group, e.name) for e in rebuild_config(moved).entries] == [
        ("default", "instances_path")]


def test_a_bounded_list_is_written_in_the_brackets_oslo_config_requires():
    """glance's `enabled_import_methods` is a ListOpt with `bounds=True`: oslo.config's
    List type refuses `glance-direct,web-download` in a file and reads only
    `[glance-direct,web-download]`. The knowledge base records which lists are bounded."""
    from gmr import knowledge

    facts = knowledge.options("glance", "2025.1")
    assert facts["default", "enabled_import_methods"].bounds
    assert not facts["image_format", "disk_formats"].bounds
    text = config(str(SAMPLES / "releases" / "glance-30.2.0-api-config.txt")).stdout
    assert ("# upstream default: [copy-image,glance-direct,web-download]\n"
            "enabled_import_methods = [glance-direct,web-download]\n") in text
    assert "disk_formats = iso,qcow2,raw\n" in text  # an unbounded list: no brackets
