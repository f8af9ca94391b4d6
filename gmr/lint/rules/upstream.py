"""GMR7xx: what upstream's own registration of each option says about a report.

The facts come from the knowledge base (`gmr.knowledge`: every option each release of a
service registers, with oslo.config's own metadata: default, `secret`,
`deprecated_for_removal`). A check reads the slice of the report's release, which the
knowledge base builds once per service and release; a service or release it does not
cover gives no finding, since nothing is known.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from gmr import knowledge
from gmr.credentials import is_credential_name, leaks
from gmr.knowledge import OptionFact
from gmr.knowledge.changes import BACKENDS, judged
from gmr.lint.api import Context, Hit, Severity, fails, hit, passes, rule
from gmr.models import Option, Report

_SENTENCE = re.compile(r"(?<=[.!?])\s")


@lru_cache(maxsize=None)
def _covered(service: str | None) -> frozenset[str]:
    """The releases the knowledge base knows of `service`."""
    if service not in knowledge.services():
        return frozenset()
    return frozenset(release.name for release in knowledge.releases(service))


def _release(context: Context) -> str | None:
    """The report's release, when the knowledge base covers it for the service."""
    release = context.release
    return release.name if release and release.name in _covered(context.service) else None


@lru_cache(maxsize=None)
def _deprecated(service: str, release: str) -> tuple[OptionFact, ...]:
    """The options `release` registers deprecated for removal."""
    return tuple(f for f in knowledge.options(service, release).values()
                 if f.deprecated_for_removal)


@lru_cache(maxsize=None)
def _credentials_in_clear(service: str, release: str) -> tuple[OptionFact, ...]:
    """The options `release` registers without secret=True under a credential's name."""
    return tuple(f for f in knowledge.options(service, release).values()
                 if not f.secret and is_credential_name(f.name))


def _backend_groups(report: Report, service: str) -> set[str]:
    """The groups `[DEFAULT] enabled_backends` names (cinder's list, glance's `name:type`
    pairs): their options are defined in the groups `BACKENDS` gives."""
    option = report.option("DEFAULT", "enabled_backends") if service in BACKENDS else None
    if option is None or option.masked:
        return set()
    return set(option.value) if option.shape == "dict" else set(option.as_list() or ())


def _in_report(report: Report, service: str, release: str, wanted: tuple[OptionFact, ...]
               ) -> Iterator[tuple[str, Option, OptionFact, bool]]:
    """The report's options that the `wanted` facts describe, with whether each sits in
    a backend group, which takes the facts of the first group of `BACKENDS` that
    defines the option."""
    facts = knowledge.options(service, release)
    homes = BACKENDS.get(service, ())
    backends = _backend_groups(report, service)
    for fact in wanted:
        option = report.option(fact.group, fact.name)
        if option is not None:
            yield fact.group, option, fact, False
        if fact.group in homes and next(h for h in homes if (h, fact.name) in facts) == fact.group:
            for group in backends:
                option = report.option(group, fact.name)
                if option is not None:
                    yield group, option, fact, True


def _is_set(report: Report, service: str, release: str, group: str, option: Option,
            fact: OptionFact, in_backend: bool) -> bool:
    """The option holds another value than upstream's default in `service` `release`, as
    `gmr config` judges."""
    return judged(report, service, release, group, option, fact, in_backend).status == \
        "changed"


def _first_sentence(text: str | None) -> str:
    sentence = _SENTENCE.split(" ".join((text or "").split()), 1)[0]
    return sentence.rstrip(".")


@rule(
    code="GMR701", name="deprecated-option-set", severity=Severity.WARNING,
    message="[{group}] {option} = {value} is deprecated for removal in {service} "
            "{release}{detail}",
    what="An option that upstream marks deprecated for removal in the report's release is "
         "set to another value than its default.",
    why="A later release removes the option; oslo.config ignores an option it does not "
        "register, so whatever the setting does stops on that upgrade, without an error.",
    fix="Do what the deprecation says (it usually names the option or feature that "
        "replaces it), then drop the setting. `gmr upgrade --to RELEASE` lists the release "
        "that removes it.",
    examples=(
        fails("nova 2026.2", "[libvirt]\nlive_migration_tunnelled = True",
              "[libvirt] live_migration_tunnelled = True is deprecated for removal in nova "
              "2026.2 (since 23.0.0): The \"tunnelled live migration\" has two inherent "
              "limitations: it cannot handle live migration of disks in a non-shared storage "
              "setup; and it has a huge performance cost"),
        passes("nova 2026.2", "[libvirt]\nlive_migration_tunnelled = False"),
    ),
    source="gmr knowledge base (gmr/knowledge: each release's packages from PyPI); "
           "oslo.config Opt(deprecated_for_removal, deprecated_since, deprecated_reason), "
           "as oslo-config-generator records them; RULES.md GMR-DEP-001",
)
def deprecated_option_set(report, context) -> Iterator[Hit]:
    release = _release(context)
    if release is None:
        return
    for group, option, fact, in_backend in _in_report(
            report, context.service, release, _deprecated(context.service, release)):
        if _is_set(report, context.service, release, group, option, fact, in_backend):
            since = f" (since {fact.deprecated_since})" if fact.deprecated_since else ""
            reason = _first_sentence(fact.deprecated_reason)
            yield hit(group, option, service=context.service, release=release,
                      detail=since + (f": {reason}" if reason else ""))


@rule(
    code="GMR702", name="credential-not-registered-secret", severity=Severity.WARNING,
    message="[{group}] {option} holds a credential, which the report prints in clear: "
            "upstream registers it without secret=True in {service} {release}{later}",
    what="An option that holds a credential (named like one, or named like an option "
         "upstream registers secret elsewhere or later) is printed in clear because upstream "
         "registers it without `secret=True` in the report's release.",
    why="oslo.reports masks only options registered as secret, so every report of this "
        "release prints the credential, into the journal, log collectors and tickets. "
        "GMR010 reports the leak; this names its cause: rotating the credential does not "
        "stop the next report from printing the new one.",
    fix="Rotate the credential, keep this service's reports out of shared places, and ask "
        "upstream to register the option with secret=True (or upgrade to a release that "
        "does, which the message names when one is known).",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_kafka]\nssl_client_key_password = "
                             "kafka-key-pass-1",
              "[oslo_messaging_kafka] ssl_client_key_password holds a credential, which the "
              "report prints in clear: upstream registers it without secret=True in nova "
              "2026.2"),
        passes("nova 2026.2", "[keystone_authtoken]\npassword = admin"),
        fails("neutron zed", "[profiler]\nhmac_keys = f3c9a1e07b",
              "[profiler] hmac_keys holds a credential, which the report prints in clear: "
              "upstream registers it without secret=True in neutron zed (it does from "
              "2023.2 on)"),
        passes("neutron zed", "[profiler]\nhmac_keys = SECRET_KEY"),
    ),
    source="gmr knowledge base (gmr/knowledge: oslo.config Opt.secret per option and "
           "release); oslo.reports views/text/generic.py masks only opt.secret; cinder "
           "volume/drivers/pure.py registers pure_api_token without secret=True",
)
def credential_not_registered_secret(report, context) -> Iterator[Hit]:
    release = _release(context)
    if release is None:
        return
    for group, option, fact, _ in _in_report(
            report, context.service, release, _credentials_in_clear(context.service, release)):
        texts = option.value if option.shape == "list" else (
            option.value.values() if option.shape == "dict" else (option.value,))
        if any(leaks(option.name, text) for text in texts):
            later = _secret_from(context.service, release, fact)
            yield hit(group, option, service=context.service, release=release,
                      later=f" (it does from {later} on)" if later else "")


def _secret_from(service: str, release: str, fact: OptionFact) -> str | None:
    """The first later release that registers the option as secret, if one is known."""
    names = [r.name for r in knowledge.releases(service)]
    for name in names[names.index(release) + 1:]:
        later = knowledge.options(service, name).get((fact.group, fact.name))
        if later is not None and later.secret:
            return name
    return None


RULES = (
    deprecated_option_set,
    credential_not_registered_secret,
)
