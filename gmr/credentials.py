"""What a credential printed in clear is, and how gmr keeps it out of what it prints.

oslo.reports masks only options registered `secret=True`, so real reports leak:
`[keystone_authtoken] password = admin` in 2015-2016 releases, cinder's
`[pure-1] pure_api_token`, a password inside a non-secret URL option. This module is the
one definition the linter's leak check (GMR010) and its cause (GMR702), `gmr parse
--redact` and `gmr diff` share: a value is a credential when it is a URL with a password in
it, or when its option is named like one (or upstream registers an option of that name as
secret, which the knowledge base tells: printed in clear, it comes from an older release
or a patched one) and the value is not a URL, a path, a short number, a class or a
placeholder upstream ships.
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import replace

from gmr.models import MASKS, Report

#: Option names whose value is a credential, whatever oslo.config was told.
CREDENTIAL_NAME = re.compile(
    r"(^|[_-])(password|passwd|passphrase|secret|secret_key|access_key|private_key|api_key|"
    r"store_key|fixed_key|token|credential|credentials|psk)$",
    re.IGNORECASE,
)
#: Names upstream registers with secret=True in some release of a service the knowledge
#: base covers, which CREDENTIAL_NAME misses (tests/test_credentials.py keeps the two in
#: step): Vault's AppRole ids, osprofiler's keys, oslo.db and oslo.messaging URLs,
#: keystoneauth's TOTP `passcode`, cinder's and glance's backend secrets.
UPSTREAM_SECRET = frozenset({
    "approle_role_id", "approle_secret_id", "asyncio_connection", "asyncio_slave_connection",
    "backend_argument", "backend_url", "backup_gcs_proxy_url", "backup_s3_sse_customer_key",
    "backup_swift_key", "code", "connection", "hmac_keys", "lightos_jwt",
    "metadata_encryption_key", "netapp_ca_certificate_file", "netapp_certificate_file",
    "netapp_private_key_file", "passcode", "replication_device", "root_token_id",
    "slave_connection", "swift_store_application_credential_id", "swift_store_user",
    "swift_temp_url_key", "synology_one_time_pass", "transport_url",
})
#: Values that say nothing about a credential even under a credential's name.
_HARMLESS = frozenset({"", "none", "true", "false", *MASKS})
#: Values that hold no credential under a credential's name: a number too short to be a
#: password (ironic's `clean_priority_reset_ilo_credential = 30`; a longer one may be a
#: PIN or a numeric token), a path (`san_private_key = /etc/cinder/id_rsa`), a Python
#: class or entry point (keystone's `[auth] password =
#: keystone.auth.plugins.password.Password`; `a.dotted.passphrase` is not one).
_NOT_A_CREDENTIAL = re.compile(
    r"-?\d{1,4}(\.\d+)?"
    r"|(?:/|~/|\.\.?/)\S*"
    r"|[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+(\.[A-Z]\w*|:[A-Za-z_]\w*)"
)
#: Placeholder defaults upstream ships under credential names, public and so leaking
#: nothing: nova 13's `s3_access_key` and `s3_secret_key` default to `notchecked`
#: (samples/nova-13.0.0-mitaka-api.txt), osprofiler's `[profiler] hmac_keys` to
#: `SECRET_KEY` (osprofiler/opts.py; secret only from 2023.2 on).
_PLACEHOLDERS = frozenset({"notchecked", "SECRET_KEY"})
#: `scheme://user:password@host`: the password part of a URL's user information, up to
#: the last `@` before the host, as URL parsers split it (`p@ss` is one password);
#: oslo.messaging's multi-host URLs repeat `user:password@host` after each comma.
URL_PASSWORD = re.compile(
    r"(?P<head>(?:[a-z][a-z0-9+.-]*://|,)[^/@:\s,;]*:)(?P<secret>[^/\s,;]+)"
    r"(?=@[^@/\s,;]*(?:[/\s,;?#]|$))",
    re.IGNORECASE,
)
#: `?password=...` and the like in a URL's query (`redis://host:6379?password=...`).
_QUERY_PARAMETER = re.compile(r"(?P<head>[?&;](?P<name>[\w.-]+)=)(?P<secret>[^&;#\s]+)")

REDACTED = "<redacted>"


@lru_cache(maxsize=8192)
def is_credential_name(name: str) -> bool:
    """True for option names that hold credentials (`password`, `pure_api_token`, ...)."""
    return CREDENTIAL_NAME.search(name) is not None or name in UPSTREAM_SECRET


def redact_url(text: str) -> str:
    """`text` with the password of every URL in it replaced by `***`, and the value of
    every query parameter named like a credential."""
    if "://" not in text:
        return text
    text = URL_PASSWORD.sub(lambda m: m.group("head") + "***", text)
    return _QUERY_PARAMETER.sub(
        lambda m: m.group("head") + "***" if is_credential_name(m.group("name")) else m.group(),
        text)


def leaks(name: str, text: str) -> bool:
    """True when `text`, a value of option `name`, shows a credential in clear."""
    if "://" not in text and not is_credential_name(name):
        return False  # most values of a report, told without a regular expression
    stripped = text.strip()
    if stripped.lower() in _HARMLESS:
        return False
    if redact_url(text) != text:
        return True
    return (is_credential_name(name) and "://" not in stripped
            and stripped not in _PLACEHOLDERS
            and _NOT_A_CREDENTIAL.fullmatch(stripped) is None)


def shown(name: str, text: str) -> str:
    """The value of option `name` as it may be printed: a leaked credential never is."""
    if not leaks(name, text):
        return text
    redacted_url = redact_url(text)
    return redacted_url if redacted_url != text else REDACTED


def redacted(report: Report) -> Report:
    """A copy of `report` whose leaked credentials are redacted (`gmr parse --redact`)."""
    if report.configuration is None:
        return report
    groups = {}
    for name, group in report.configuration.groups.items():
        options = {}
        for key, option in group.options.items():
            value = option.value
            if option.shape == "list":
                value = tuple(shown(option.name, item) for item in value)
            elif option.shape == "dict":
                value = {k: shown(option.name, v) for k, v in value.items()}
            else:
                value = shown(option.name, value)
            options[key] = option if value == option.value else replace(option, value=value)
        groups[name] = group.model_copy(update={"options": options})
    configuration = report.configuration.model_copy(update={"groups": groups})
    return report.model_copy(update={"configuration": configuration})
