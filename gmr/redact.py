"""Keeps secrets that leaked in clear out of everything gmr prints.

oslo.reports masks only options registered `secret=True`, so real reports leak:
`[keystone_authtoken] password = admin` in 2015-2016 releases, a password inside a
non-secret URL option. gmr compares the real values but shows them redacted.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gmr.models import Report

#: Option names whose value is a credential, whatever oslo.config was told.
SECRET_NAME = re.compile(
    r"(^|[_-])(password|passwd|secret|secret_key|access_key|private_key|api_key|"
    r"admin_token|auth_token|credential|psk)$",
    re.IGNORECASE,
)
#: Values that say nothing about a credential even under a credential's name.
_HARMLESS = frozenset({"", "None", "True", "False", "***", "*******"})
#: `scheme://user:password@host`: the password part of a URL's user information;
#: oslo.messaging's multi-host URLs repeat `user:password@host` after each comma.
URL_PASSWORD = re.compile(
    r"(?P<head>(?:[a-z][a-z0-9+.-]*://|,)[^/@:\s,;]*:)(?P<secret>[^/@\s,;]+)(?=@)", re.IGNORECASE
)

REDACTED = "<redacted>"


def is_secret_name(name: str) -> bool:
    """True for option names that hold credentials (`password`, `s3_secret_key`, ...)."""
    return SECRET_NAME.search(name) is not None


def redact_text(text: str) -> str:
    """`text` with the password of every URL in it replaced."""
    if "://" not in text:
        return text
    return URL_PASSWORD.sub(lambda m: m.group("head") + "***", text)


def leaks(name: str, text: str) -> bool:
    """True when the value of option `name` shows a credential in clear."""
    if text in _HARMLESS:
        return False
    return is_secret_name(name) or redact_text(text) != text


def shown(option: str, text: str) -> str:
    """The value of option `option` as it may be printed: a leaked credential never is."""
    if not leaks(option, text):
        return text
    return REDACTED if is_secret_name(option) else redact_text(text)


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
