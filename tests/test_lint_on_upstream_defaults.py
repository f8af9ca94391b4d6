"""Every service of the knowledge base, in every release it holds, left at upstream's
defaults (tests/upstream_reports.py): each finding gmr gives there is listed below with
why it is true of those defaults. A rule that cries wolf on upstream defaults is a bug:
it is listed in KNOWN_FALSE_ALARMS, not justified, and the tests fail once it stops, so
the list cannot go stale."""

from __future__ import annotations

import pytest
from upstream_reports import defaults_report, every_release

from gmr import knowledge, lint_reports

#: Every release: (first, last), None for open.
ALL = (None, None)

#: (service, code) -> (releases it fires in, why it is true of upstream's defaults)
EXPECTED = {
    **{(service, "GMR106"): (ALL, "[oslo_messaging_rabbit] ssl defaults to False; the "
                                  "warning is hedged, since oslo.messaging registers "
                                  "transport_url secret and a URL's ?ssl=1 would override it "
                                  "(oslo_messaging/_drivers/common.py ConfigOptsProxy)")
       for service in knowledge.services()},
    **{(service, "GMR110"): ((None, "2026.1"),
                             "keystonemiddleware < 13 defaults [keystone_authtoken] "
                             "service_token_roles_required to False (auth_token/_opts.py "
                             "help: 'should be enabled if possible'); the 13.0.1 of 2026.2 "
                             "defaults it to True")
       for service in ("nova", "neutron", "cinder", "glance", "ironic")},
    ("nova", "GMR214"): (("yoga", None),
                         "[service_user] send_service_user_token defaults to False, which "
                         "nova-status upgrade check fails from 25.2.0, 26.2.0, 27.1.0 and "
                         "28.0.0 on (OSSA-2023-003); the reports carry each release's last "
                         "version, past those points"),
    ("nova", "GMR223"): (("2024.1", None),
                         "[glance] verify_glance_signatures defaults to False (info; "
                         "nova/conf/glance.py), on a report known to be nova-compute's (as "
                         "for GMR216)"),
    ("nova", "GMR216"): (("2024.1", None),
                         "[vnc] server_proxyclient_address defaults to 127.0.0.1 (nova/conf/"
                         "vnc.py); the program is known as nova-compute from 2024.1 on, "
                         "when oslo.messaging prints [oslo_messaging_rabbit] processname"),
    ("nova", "GMR220"): (("2024.1", None),
                         "resume_guests_state_on_host_boot defaults to False (info), on a "
                         "report known to be nova-compute's (as for GMR216)"),
    ("neutron", "GMR302"): (ALL, "[ml2] tenant_network_types (project_network_types since "
                                 "2026.1) defaults to local (neutron/conf/plugins/ml2/"
                                 "config.py)"),
    ("neutron", "GMR306"): (ALL, "rpc_workers defaults to None (info)"),
    ("glance", "GMR118"): (ALL, "[glance_store] stores defaults to file,http and "
                                "https_insecure to True: the http store does not verify "
                                "certificates (info: glance_store/_drivers/http.py)"),
    ("glance", "GMR410"): (ALL, "[paste_deploy] flavor defaults to None, which runs "
                                "glance-api-paste.ini's pipeline without keystone's authtoken "
                                "(glance/api/__init__.py pipeline_factory; Check-Image-03)"),
    ("glance", "GMR411"): (ALL, "enabled_import_methods defaults to glance-direct and "
                                "web-download while [import_filtering_opts] allowed_hosts and "
                                "disallowed_hosts default to empty (glance/common/config.py, "
                                "glance/common/utils.py get_validated_address)"),
    ("keystone", "GMR509"): (ALL, "[security_compliance] lockout_failure_attempts defaults "
                                  "to None: no lockout (keystone/conf/security_compliance.py; "
                                  "info, the admin guide calls it an opt-in)"),
    ("keystone", "GMR510"): (ALL, "[security_compliance] password_expires_days defaults to "
                                  "None: passwords never expire (info)"),
    ("keystone", "GMR511"): (ALL, "[security_compliance] unique_last_password_count "
                                  "defaults to 0: no password history (info)"),
    ("keystone", "GMR505"): (ALL, "keystone turns [cache] enabled on at start "
                                  "(keystone/conf/__init__.py set_external_opts_defaults) "
                                  "while oslo.cache's backend defaults to dogpile.cache.null; "
                                  "`keystone-manage doctor` reports the same symptom "
                                  "(keystone/cmd/doctor/caching.py)"),
}

#: (service, code) -> (releases it fires in, why that is a false alarm): bugs for the
#: rule owners, not justifications.
KNOWN_FALSE_ALARMS: dict[tuple[str, str], tuple[tuple[str | None, str | None], str]] = {}


def _fires_in(service: str, releases: tuple[str | None, str | None]) -> set[str]:
    names = [known.name for known in knowledge.releases(service)]
    first, last = releases
    start = names.index(first) if first else 0
    end = names.index(last) + 1 if last else len(names)
    return set(names[start:end])


def _codes(table: dict, service: str, release: str) -> set[str]:
    return {code for (owner, code), (releases, _) in table.items()
            if owner == service and release in _fires_in(service, releases)}


def _found(service: str, release: str) -> set[str]:
    report = defaults_report(service, release)
    assert report.service == service
    return {finding.code for finding in lint_reports([report]).findings}


@pytest.mark.parametrize("service,release", every_release(),
                         ids=[f"{s}-{r}" for s, r in every_release()])
def test_defaults_yield_only_findings_true_of_defaults(service, release):
    expected = _codes(EXPECTED, service, release)
    false_alarms = _codes(KNOWN_FALSE_ALARMS, service, release)
    found = _found(service, release)
    assert found - false_alarms == expected
    assert false_alarms <= found, "a known false alarm stopped: drop it from " \
                                  "KNOWN_FALSE_ALARMS"


@pytest.mark.parametrize("service,code", [
    pytest.param(service, code, marks=pytest.mark.xfail(strict=True, reason=why))
    for (service, code), (_, why) in KNOWN_FALSE_ALARMS.items()],
    ids=[f"{s}-{c}" for s, c in KNOWN_FALSE_ALARMS])
def test_no_false_alarm_on_defaults(service, code):
    releases = _fires_in(service, KNOWN_FALSE_ALARMS[service, code][0])
    assert not [release for release in sorted(releases) if code in _found(service, release)]


def test_every_service_and_release_is_linted():
    assert {service for service, _ in every_release()} == {
        "nova", "neutron", "cinder", "glance", "keystone", "ironic"}
    assert len(every_release()) == 12 + 5 * 9
