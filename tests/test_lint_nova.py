"""What the nova rules' examples cannot show: GMR214 in yoga, zed and 2023.1 depends on
the point release (the examples' reports carry each release's last version), which only
the Package section tells."""

from __future__ import annotations

import pytest
from conftest import report_text

import gmr
from gmr import lint_reports

_TOKEN_OFF = [("service_user", "send_service_user_token", "bool", False)]


def _gmr214(version: str | None, release: str | None = None) -> list[str]:
    package = ("OpenStack Nova", "OpenStack Foundation", version) if version else None
    (report,) = gmr.parse(report_text(_TOKEN_OFF, package))
    found = lint_reports([report], service="nova", release=release).findings
    return [f.code for f in found if f.code in ("GMR214", "GMR004")]


@pytest.mark.parametrize(("version", "codes"), [
    ("25.1.1", []), ("25.2.0", ["GMR214"]),
    ("26.1.1", []), ("26.2.0", ["GMR214"]),
    ("27.0.0", []), ("27.1.0", ["GMR214"]), ("27.5.1", ["GMR214"]),
    ("28.0.0", ["GMR214"]), ("24.2.1", []),
])
def test_the_service_token_rule_follows_the_point_release_that_added_the_check(version,
                                                                               codes):
    assert _gmr214(version) == codes


def test_without_a_version_a_release_before_2023_2_is_not_guessed():
    assert _gmr214(None, release="2023.1") == []
    assert _gmr214(None, release="2023.2") == ["GMR214"]
