"""GMR7xx: rules that read upstream's own registration of each option in the report's
release, from the knowledge base, on real reports."""

from __future__ import annotations

import json

import pytest
from conftest import SAMPLES, report_text, run_gmr

import gmr
from gmr import lint_reports

NOVA_32 = ("OpenStack Nova", "OpenStack Foundation", "32.0.0")  # 2025.2
CINDER_29 = ("OpenStack Cinder", "OpenStack Foundation", "29.0.0")  # 2026.2
TOKEN = "T0k3n-4f1d-92ab-c3e8d7f6a5b4"


def found(text: str, code: str, **given):
    (report,) = gmr.parse(text, path="report.txt")
    return [f for f in lint_reports([report], **given).findings if f.code == code]


@pytest.fixture(scope="module")
def pure(tmp_path_factory) -> str:
    """A cinder-volume with a Pure Storage backend whose API token is printed in clear."""
    path = tmp_path_factory.mktemp("upstream") / "storage-1.txt"
    path.write_text(report_text([
        ("DEFAULT", "enabled_backends", "list", ["pure-1"]),
        ("pure-1", "volume_driver", "str", "cinder.volume.drivers.pure.PureISCSIDriver"),
        ("pure-1", "pure_api_token", "str", TOKEN),
        ("pure-1", "iser_helper", "str", "lioadm"),  # deprecated for removal since 2025.1
    ], CINDER_29))
    return str(path)


def test_a_credential_upstream_registers_without_secret_is_named_not_printed(pure):
    result = run_gmr("lint", "--format", "json", pure)
    findings = json.loads(result.stdout)
    (upstream,) = [f for f in findings if f["code"] == "GMR702"]
    assert (upstream["group"], upstream["option"]) == ("pure-1", "pure_api_token")
    assert upstream["message"] == (
        "[pure-1] pure_api_token holds a credential, which the report prints in clear: "
        "upstream registers it without secret=True in cinder 2026.2")
    assert "GMR010" in {f["code"] for f in findings}  # the leak itself, as before
    for output in ("text", "json", "sarif", "junit", "github"):
        assert TOKEN not in run_gmr("lint", "--format", output, pure).stdout


def test_a_deprecated_option_set_in_a_backend_group(pure):
    (finding,) = [f for f in json.loads(run_gmr("lint", "--format", "json", pure).stdout)
                  if f["code"] == "GMR701"]
    assert (finding["group"], finding["option"]) == ("pure-1", "iser_helper")
    assert finding["message"].startswith(
        "[pure-1] iser_helper = lioadm is deprecated for removal in cinder 2026.2 (since "
        "2025.1)")


def test_the_deprecation_is_of_the_reports_own_release():
    option = [("libvirt", "num_memory_encrypted_guests", "int", 16)]
    (finding,) = found(report_text(option, NOVA_32), "GMR701")
    assert finding.message == (
        "[libvirt] num_memory_encrypted_guests = 16 is deprecated for removal in nova 2025.2 "
        "(since 32.0.0): This option is effective for only SEV and has no effect for SEV-ES")
    # Not yet deprecated in 2025.1, and at its default nothing is set.
    assert not found(report_text(option, NOVA_32), "GMR701", release="2025.1")
    assert not found(report_text([("libvirt", "num_memory_encrypted_guests", "int", None)],
                                 NOVA_32), "GMR701")


def test_the_real_2025_1_compute_sets_a_deprecated_option():
    (report,) = gmr.parse_file(SAMPLES / "upgrade" / "nova-31.3.1-compute.txt")
    upstream = [f for f in lint_reports([report]).findings if f.code.startswith("GMR7")]
    assert [(f.code, f.group, f.option) for f in upstream] == [
        ("GMR701", "keystone_authtoken", "auth_uri")]
    assert "deprecated for removal in nova 2025.1 (since Queens): The auth_uri option is " \
           "deprecated in favor of www_authenticate_uri" in upstream[0].message


@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.txt")) + sorted(
    (SAMPLES / "defaults").glob("*.txt")), ids=lambda path: path.name)
def test_no_upstream_finding_on_the_other_samples(path):
    # Near-empty and configured 2026.2 daemons set nothing deprecated and leak nothing;
    # the Mitaka report leaks [keystone_authtoken] password, but gmr knows no Mitaka.
    (report,) = gmr.parse_file(path)
    assert not [f for f in lint_reports([report]).findings if f.code.startswith("GMR7")]
    if "mitaka" in path.name:
        assert [f for f in lint_reports([report]).findings if f.code == "GMR010"]
