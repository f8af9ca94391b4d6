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
        # A libvirt compute live-migrates over qemu+tcp with neither native TLS nor
        # tunnelling by default: guest memory crosses the network in clear.
        "GMR221": "live migration defaults to tcp without native TLS or tunnelling",
        # [glance] verify_glance_signatures defaults to False (info).
        "GMR223": "verify_glance_signatures defaults to False",
    },
    "neutron-29.0.0-server.txt": {
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
        # [ml2] project_network_types defaults to `local`.
        "GMR302": "project_network_types defaults to local",
    },
    "cinder-29.0.0-volume.txt": {
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
    },
    "glance-33.0.0-api.txt": {
        "GMR106": "ssl defaults to False (hedged: transport_url is masked)",
        # [glance_store] stores defaults to file,http and https_insecure to True: the
        # http store does not verify certificates (info: only https image locations).
        "GMR118": "the default http store has https_insecure = True",
        # [paste_deploy] flavor defaults to None, which loads the `default` paste pipeline:
        # unauthenticated-context, no authtoken.
        "GMR410": "flavor defaults to None: no keystone in the pipeline",
        # enabled_import_methods has web-download by default and both host filters in
        # [import_filtering_opts] default to empty lists.
        "GMR411": "web-download is on by default with no host filter",
    },
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_defaults_yield_only_findings_true_of_defaults(name):
    reports = gmr.parse_file(DEFAULTS / name)
    found = {finding.code for finding in lint_reports(reports).findings}
    assert found == set(EXPECTED[name])


def test_every_defaults_sample_is_covered():
    assert {path.name for path in DEFAULTS.glob("*.txt")} == set(EXPECTED)
