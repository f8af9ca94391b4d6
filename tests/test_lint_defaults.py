"""Reports of real services run with their defaults (samples/defaults/, made by
tools/make_samples.py with nothing configured beyond what starting needs) yield only
findings that are true of those defaults; each is justified here."""

from __future__ import annotations

import pytest
from conftest import SAMPLES

import gmr
from gmr import lint_reports

DEFAULTS = SAMPLES / "defaults"

#: file -> {code: why the finding is true of the service's defaults}
EXPECTED = {
    "nova-34.0.0-compute.txt": {
        # [oslo_messaging_rabbit] ssl defaults to False; transport_url, which could ask for
        # TLS in its query, is secret and prints ***, so the warning says so.
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
        # [service_user] send_service_user_token defaults to False, while nova >= 28
        # requires it (OSSA-2023-003; nova-status upgrade check fails).
        "GMR214": "send_service_user_token defaults to False",
        # [vnc] server_proxyclient_address defaults to 127.0.0.1; a proxy on another
        # host cannot reach a compute's consoles there.
        "GMR216": "server_proxyclient_address defaults to 127.0.0.1",
        # resume_guests_state_on_host_boot defaults to False (info).
        "GMR220": "resume_guests_state_on_host_boot defaults to False",
    },
    "neutron-29.0.0-server.txt": {
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
        # [ml2] project_network_types defaults to `local`.
        "GMR302": "project_network_types defaults to local",
        # dhcp_agents_per_network defaults to 1 (info).
        "GMR304": "dhcp_agents_per_network defaults to 1",
    },
    "cinder-29.0.0-volume.txt": {
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
        # cinder prints None for its version, but its options fit 2026.2 alone, where
        # the release-bound GMR214 applies: send_service_user_token defaults to False.
        # (Whether GMR214 should concern cinder at all is the rule review's question.)
        "GMR214": "send_service_user_token defaults to False",
    },
    "glance-33.0.0-api.txt": {
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
        # [glance_store] stores defaults to file,http and https_insecure to True: the
        # http store does not verify certificates (info: only https image locations).
        "GMR118": "the default http store has https_insecure = True",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_defaults_yield_only_findings_true_of_defaults(name):
    reports = gmr.parse_file(DEFAULTS / name)
    found = {finding.code for finding in lint_reports(reports).findings}
    assert found == set(EXPECTED[name])


def test_every_defaults_sample_is_covered():
    assert {path.name for path in DEFAULTS.glob("*.txt")} == set(EXPECTED)
