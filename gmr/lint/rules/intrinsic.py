"""GMR0xx: what gmr itself can tell about a report: unreadable, cut short, undecidable
checks, expired waivers, and secrets printed in clear."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule
from gmr.credentials import is_credential_name, leaks
from gmr.models import Value


def _reported_by_engine(report, context) -> Iterator[Hit]:
    """The engine reports this rule itself; there is nothing to look at in the options."""
    return iter(())


unparseable_report = rule(
    code="GMR001", name="unparseable-report", severity=Severity.ERROR,
    message="{value}",
    what="The input holds no Guru Meditation Report, or one whose structure is broken.",
    why="Nothing can be checked in it; a CI gate must not pass because the input was bad.",
    fix="Feed the report itself: the log_dir file, or the service log or journal export "
        "that holds it.",
    source="gmr (FORMAT.md, sections 10 and 11)",
)(_reported_by_engine)

truncated_report = rule(
    code="GMR002", name="truncated-report", severity=Severity.WARNING,
    message="report cut short; rules ran on the part that is there",
    what="The report ends before its Configuration section is complete.",
    why="Options that are missing from the cut cannot be checked, so a clean result means "
        "less than it seems.",
    fix="Take the report again, from its log_dir file or with `journalctl -a`, which does "
        "not cut long entries.",
    source="gmr (FORMAT.md, section 10: truncation by shippers and line limits)",
)(_reported_by_engine)

masked_option_needed = rule(
    code="GMR003", name="masked-option-needed", severity=Severity.INFO,
    message="a rule needs an option the report masks",
    what="A rule needed an option that oslo.reports printed as `***`.",
    why="oslo.reports masks every option registered as secret, even unset ones, so the "
        "check cannot be decided from a report; it has to be made on the file.",
    fix="Check the option in the service's configuration file instead.",
    source="oslo.reports views/text/generic.py (masks opt.secret); RULES.md GMR-SEC-002",
)(_reported_by_engine)

release_unknown = rule(
    code="GMR004", name="release-unknown", severity=Severity.INFO,
    message="a rule needs the release, which the report does not give",
    what="A rule that applies to some releases only found something, but the report does "
         "not say which release the service runs.",
    why="neutron, cinder and glance print `None` for their version; a finding that is only "
        "true on some releases must not be reported as fact.",
    fix="Pass the release: `gmr lint --release 2025.1 ...`.",
    source="gmr (RULES.md GMR-VER-001)",
)(_reported_by_engine)

expired_waiver = rule(
    code="GMR005", name="expired-waiver", severity=Severity.WARNING,
    message="a waiver expired",
    what="A waiver in the settings has passed its expiry date.",
    why="An expired waiver is not applied, so what it covered is reported again; the "
        "waiver itself is pointed out so that it is renewed or removed, never silently kept.",
    fix="Renew the waiver with a new date and reason, or fix what it covered.",
    source="gmr (RULES.md section 3, item 10: waivers)",
)(_reported_by_engine)


@rule(
    code="GMR010", name="secret-in-clear", severity=Severity.ERROR,
    message="[{group}] {option} shows a credential in clear: {value}",
    what="An option that holds a credential, or a URL with a password in it, is printed "
         "unmasked in the report.",
    why="oslo.reports masks only options registered as secret; a report goes to stderr, the "
        "journal and log collectors, and is pasted into tickets, so the credential has "
        "leaked to all of them.",
    fix="Rotate the credential. Upgrade to a release that registers the option as secret, "
        "or move the password out of URL options (e.g. into [keystone_authtoken] password, "
        "which is secret).",
    examples=(
        fails("nova mitaka", "[keystone_authtoken]\npassword = admin",
              "[keystone_authtoken] password shows a credential in clear: <redacted>"),
        passes("nova 2026.2", "[keystone_authtoken]\npassword = admin"),
        # Not named like a credential, but secret upstream from 2023.2 on.
        fails("neutron zed", "[profiler]\nhmac_keys = f3c9a1e07b",
              "[profiler] hmac_keys shows a credential in clear: <redacted>"),
        fails("cinder 2026.2", "[backend_defaults]\npure_api_token = 6f4e8a2c-1b3d-4e5f",
              "[backend_defaults] pure_api_token shows a credential in clear: <redacted>"),
        fails("nova mitaka", "[DEFAULT]\ntransport_url = rabbit://nova:Rb7pw1@ctl:5672/",
              "[DEFAULT] transport_url shows a credential in clear: "
              "rabbit://nova:***@ctl:5672/"),
        fails("nova 2026.2", "[glance]\napi_servers = http://glance:Gl4pw1@ctl:9292",
              "[glance] api_servers shows a credential in clear: "
              "http://glance:***@ctl:9292"),
        # What only looks like a credential: a URL without a password, upstream's
        # placeholder, a path, a number, keystone's auth method plugin class.
        passes("nova mitaka", "[DEFAULT]\ntransport_url = rabbit://ctl:5672/"),
        passes("neutron zed", "[profiler]\nhmac_keys = SECRET_KEY"),
        passes("nova mitaka", "[DEFAULT]\ns3_access_key = notchecked"),
        passes("cinder 2026.2", "[backend_defaults]\nsan_private_key = /etc/cinder/id_rsa"),
        passes("ironic 2026.2", "[ilo]\nclean_priority_reset_ilo_credential = 30"),
        passes("keystone 2026.2", "[auth]\npassword = "
                                  "keystone.auth.plugins.password.Password"),
    ),
    source="seed report `[keystone_authtoken] password = admin`; keystoneauth1 2.3.0 "
           "(LP 1534299) made the plugin password secret; gmr knowledge base (names "
           "upstream registers secret=True); cinder volume/drivers/pure.py (pure_api_token "
           "not secret); osprofiler opts.py (hmac_keys default SECRET_KEY); RULES.md "
           "GMR-SEC-001",
)
def secret_in_clear(report, context) -> Iterator[Hit]:
    configuration = report.configuration
    if configuration is None:
        return
    # A credential shows in an option named like one or in a URL (or a list or dict item):
    # the others, most of a report, are passed over without a look at each.
    for group, option in configuration.suspected(is_credential_name, "://", _leaking):
        yield hit(group, option)


def _leaking(name: str, value: Value) -> bool:
    """True when the value of option `name`, or a list item or dict value of it, shows a
    credential in clear."""
    if type(value) is str:
        return leaks(name, value)
    return any(leaks(name, text) for text in (value.values() if type(value) is dict
                                              else value))


RULES = (
    unparseable_report,
    truncated_report,
    masked_option_needed,
    release_unknown,
    expired_waiver,
    secret_in_clear,
)
