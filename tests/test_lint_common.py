"""The shared-library rules on the mission's own report: nova 13 (Mitaka) whose
keystonemiddleware runs the `password` plugin against http://192.168.234.12:35357 while
the legacy options it ignores still print `auth_protocol = https`."""

from __future__ import annotations

import json

from conftest import SAMPLES, run_gmr

MITAKA = SAMPLES / "nova-13.0.0-mitaka-api.txt"


def test_the_http_url_really_used_and_the_dead_https_claim_are_both_flagged():
    findings = json.loads(run_gmr("lint", "--format", "json", str(MITAKA)).stdout)
    found = {(f["code"], f["group"], f["option"], f["line"]) for f in findings}
    assert ("GMR119", "keystone_authtoken", "auth-url", 552) in found
    assert ("GMR104", "keystone_authtoken", "auth_protocol", 556) in found
    text = run_gmr("lint", str(MITAKA)).stdout
    assert ("GMR104 warning [keystone_authtoken] auth_protocol = https is ignored since "
            "auth_type = password is set: tokens are validated at auth-url = "
            "http://192.168.234.12:35357, without TLS") in text
    # auth_host = 127.0.0.1 is as dead, but claims no TLS: it is not reported.
    assert not any(f["option"] == "auth_host" for f in findings)
