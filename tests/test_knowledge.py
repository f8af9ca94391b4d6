"""The option knowledge base against real reports.

The defaults samples are reports of daemons started with near-empty config files
(samples/README.md, "Defaults samples"), so every option they print must be known
for the sample's release, and print its default, except the few listed here with
the reason.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import gmr
from gmr import knowledge

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "defaults"

#: (sample, service, version): neutron, cinder and glance print no version, so it is
#: taken from the file name, which make_samples.py wrote from the installed release.
DEFAULTS = [
    ("nova-34.0.0-compute.txt", "nova", "34.0.0"),
    ("neutron-29.0.0-server.txt", "neutron", "29.0.0"),
    ("cinder-29.0.0-volume.txt", "cinder", "29.0.0"),
    ("glance-33.0.0-api.txt", "glance", "33.0.0"),
]

#: Options a defaults sample prints with another value than the release's default,
#: and why (set in the sample's ini files, or decided at run time by the daemon).
NOT_DEFAULT: dict[str, dict[tuple[str, str], str]] = {
    "nova": {
        ("default", "compute_driver"): "set in the sample's nova.conf",
        ("default", "config-file"): "the command line names the sample's nova.conf",
    },
    "neutron": {
        ("default", "core_plugin"): "set in the sample's neutron.conf",
        ("default", "control_exchange"):
            "neutron sets it at start-up: register_common_config_options() calls "
            "oslo_messaging.set_transport_defaults(control_exchange='neutron')",
        ("default", "default_log_levels"):
            "neutron adds os-ken's loggers at start-up (neutron/common/config.py, "
            "setup_logging)",
        ("default", "config-file"): "the command line names the sample's neutron.conf",
    },
    "cinder": {
        ("default", "enabled_backends"): "set in the sample's cinder.conf",
        ("key_manager", "fixed_key"):
            "castellan registers its own fixed_key, not secret, when cinder-volume "
            "creates its key manager (castellan/key_manager/migration.py), before "
            "cinder's secret one (cinder/keymgr/conf_key_mgr.py); the first one stays",
        ("default", "config-file"): "the command line names the sample's cinder.conf",
    },
    "glance": {
        ("oslo_reports", "file_event_handler"): "set in the sample's glance-api.conf",
        ("default", "control_exchange"):
            "glance sets it at start-up (glance/common/wsgi_app.py calls "
            "notifier.set_defaults(), control_exchange='glance')",
        ("healthcheck", "backends"):
            "glance's own glance-api-paste.ini configures the healthcheck app with "
            "backends = disable_by_file",
        ("default", "config-file"): "the command line names the sample's glance-api.conf",
    },
}

#: Groups named at run time: cinder registers its volume driver's options once more
#: in a group named after each backend of `enabled_backends`, without defaults (they
#: print None and fall back to [backend_defaults]). Their names are looked up in the
#: groups where cinder registers the same options for good; their values are not
#: compared.
BACKENDS = {"cinder": ("enabled_backends", ("backend_defaults", "default"))}

#: Options a defaults sample prints that the knowledge base does not list, and why.
_STORE = ("glance_store registers every store's options once more in [backend_defaults] "
          "when glance-api starts (register_store_opts); the generator lists them in "
          "[glance_store]")
_COMMON = ("registered at start-up by neutron.common.config."
           "register_common_config_options(), which every neutron daemon calls and no "
           "generator namespace lists: oslo.service's wsgi options, keystoneauth's "
           "auth_section and [ironic] adapter options, [cli_script]")
UNKNOWN: dict[str, dict[tuple[str, str], str]] = {
    "nova": {},
    "neutron": {
        **{("default", name): _COMMON for name in (
            "api_paste_config", "client_socket_timeout", "max_header_line",
            "tcp_keepidle", "wsgi_default_pool_size", "wsgi_keep_alive",
            "wsgi_log_format", "wsgi_server_debug")},
        **{("ironic", name): _COMMON for name in (
            "auth_section", "connect-retries", "connect-retry-delay",
            "endpoint-override", "interface", "max-version", "min-version",
            "region-name", "retriable-status-codes", "service-name", "service-type",
            "status-code-retries", "status-code-retry-delay", "valid-interfaces",
            "version")},
        ("nova", "auth_section"): _COMMON,
        ("placement", "auth_section"): _COMMON,
        ("cli_script", "dry_run"): _COMMON,
    },
    "cinder": {
        ("backend_defaults", "backup_use_temp_snapshot"):
            "a volume driver adds it to [backend_defaults] when it is instantiated "
            "(cinder/volume/driver.py, append_config_values(backup_opts)); the "
            "generator lists it in [DEFAULT]",
    },
    "glance": {
        **{("backend_defaults", name): _STORE for name in (
            "filesystem_store_chunk_size", "filesystem_store_datadir",
            "filesystem_store_datadirs", "filesystem_store_file_perm",
            "filesystem_store_metadata_file", "filesystem_store_thread_pool_size",
            "filesystem_store_threadpool_threshold", "filesystem_store_timeout",
            "filesystem_thin_provisioning", "http_proxy_information",
            "https_ca_certificates_file", "https_insecure")},
        ("key_manager", "fixed_key"):
            "castellan registers it when glance creates its key manager "
            "(castellan/key_manager/migration.py)",
        ("keystone_authtoken", "timeout"):
            "registered by glance/common/trust_auth.py, which no entry module imports; "
            "glance-api imports it while it sets up",
    },
}


def slice_of(service: str, version: str):
    release = knowledge.release_of_version(service, version)
    assert release, f"{service} {version} is in no known release"
    return release, knowledge.options(service, release)


@pytest.mark.parametrize("service", knowledge.services())
def test_every_release_loads_and_maps_its_versions(service):
    releases = knowledge.releases(service)
    assert releases
    for release in releases:
        assert release.version in release.versions
        for version in release.versions:
            assert knowledge.release_of_version(service, version) == release.name
        facts = knowledge.options(service, release.name)
        assert len(facts) > 300, (release.name, len(facts))
        assert all(key == (f.group, f.name) for key, f in facts.items())


def test_the_six_services_from_2023_1_to_2026_2():
    assert set(knowledge.services()) == {
        "nova", "neutron", "cinder", "glance", "keystone", "ironic"}
    years = {f"{year}.{half}" for year in range(2023, 2027) for half in (1, 2)}
    for service in knowledge.services():
        assert years <= {r.name for r in knowledge.releases(service)}, service


def compare(sample: str, service: str, version: str):
    """(unknown, wrong, matched, not comparable) options of a defaults report.

    A default that names the host is compared with its placeholders standing for the
    sample's own host name, address and paths; one that depends on the host in
    another way (a CPU count, a documented sample value) cannot be compared.
    """
    report = gmr.parse_file(SAMPLES / sample)[0]
    _, facts = slice_of(service, version)
    unknown, wrong, matched, vague = [], [], 0, 0
    backends = BACKENDS.get(service)
    sections = report.configuration.get("DEFAULT", backends[0]) if backends else None
    for group in report.configuration:
        if sections and group.name in sections.value:
            unknown += [(group.name, name) for name in group.options
                        if not any((g, name) in facts for g in backends[1])]
            continue
        for option in group.options.values():
            key = (group.name, option.name)
            fact = facts.get(key)
            if fact is None:
                if key not in UNKNOWN[service]:
                    unknown.append(key)
            elif key in NOT_DEFAULT[service]:
                continue
            elif fact.host_dependent and not any(
                    mark in str(fact.default) for mark in knowledge.PLACEHOLDERS):
                vague += 1
            elif fact.matches(option.value):
                matched += 1
            else:
                wrong.append((key, option.value, fact.printed_default))
    return unknown, wrong, matched, vague


@pytest.mark.parametrize(("sample", "service", "version"), DEFAULTS,
                         ids=[d[0] for d in DEFAULTS])
def test_a_defaults_report_prints_the_known_defaults(sample, service, version):
    unknown, wrong, matched, vague = compare(sample, service, version)
    assert not unknown, f"{len(unknown)} options unknown in {service} {version}: {unknown}"
    assert not wrong, f"{len(wrong)} of {matched + len(wrong)} defaults differ: {wrong}"
    assert matched > 200 and vague < matched / 20, (matched, vague)


@pytest.mark.parametrize(("sample", "service", "version"), DEFAULTS,
                         ids=[d[0] for d in DEFAULTS])
def test_the_listed_exceptions_are_still_needed(sample, service, version):
    """An exception that no longer applies is removed, so the list stays honest."""
    report = gmr.parse_file(SAMPLES / sample)[0]
    _, facts = slice_of(service, version)
    for key in UNKNOWN[service]:
        assert report.configuration.get(*key) is not None and key not in facts, key
    for key in NOT_DEFAULT[service]:
        printed = report.configuration.get(*key)
        assert printed is not None and key in facts, key
        assert printed.value != facts[key].printed_default, key


def test_known_facts_of_nova():
    """A few facts anyone can check in nova's own documentation."""
    facts = knowledge.options("nova", knowledge.release_of_version("nova", "34.0.0"))
    assert facts["default", "cpu_allocation_ratio"].type == "floating point value"
    assert facts["default", "host"].host_dependent
    assert facts["default", "instances_path"].interpolated
    assert facts["default", "transport_url"].secret
    assert facts["default", "transport_url"].printed_default == "***"
    assert facts["default", "config-file"].files[0] == "oslo.config"
    assert "password" in facts["placement", "auth-url"].auth_plugins
    assert facts["oslo_messaging_rabbit", "hostname"].host_dependent


def test_versions_outside_pypi_map_by_major_and_minor():
    release = knowledge.release_of_version("nova", "34.0.0")
    assert knowledge.release_of_version("nova", "34.0.7-1.el9") == release
    assert knowledge.release_of_version("nova", "1.0.0") is None
    assert knowledge.release_of_version("nova", "None") is None


def test_one_slice_loads_fast_and_parse_never_loads_it():
    """Cold: a fresh interpreter that has gmr and its models reads nova's file and builds
    one slice.

    CPU time, not wall time, so that other work on the machine does not count.
    """
    code = (
        "import time, gmr.models; t = time.process_time(); from gmr import knowledge; "
        "knowledge.options('nova', knowledge.releases('nova')[-1].name); "
        "print(time.process_time() - t)"
    )
    best = min(float(subprocess.run([sys.executable, "-c", code], capture_output=True,
                                    text=True, check=True).stdout) for _ in range(3))
    assert best < 0.1, f"{best * 1000:.0f} ms"
    code = (
        "import sys, gmr; gmr.parse_file(sys.argv[1]); "
        "print('gmr.knowledge' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code, str(SAMPLES / DEFAULTS[0][0])],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
