"""GMR5xx: keystone (RULES.md section 2.5)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.rule import Hit, Severity, hit, rule


@rule(
    code="GMR501", name="keystone-insecure-debug", severity=Severity.ERROR,
    services=("keystone",),
    message="[DEFAULT] insecure_debug = {value}: authentication failures are explained to "
            "the caller",
    what="keystone tells API clients why their authentication failed.",
    why="The details help an attacker enumerate users and guess credentials.",
    fix="Turn it off.",
    before="insecure_debug = True", after="insecure_debug = False",
    source="OpenStack Security Guide Check-Identity-07",
)
def keystone_insecure_debug(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "insecure_debug")
    if option is not None and option.as_bool():
        yield hit("DEFAULT", option)


@rule(
    code="GMR502", name="persistent-token-provider", severity=Severity.ERROR,
    services=("keystone",),
    message="[token] provider = {value}: tokens are persisted or forgeable",
    what="keystone issues UUID or PKI tokens.",
    why="UUID tokens fill the database and PKI tokens' revocation can be bypassed; both are "
        "removed from current keystone.",
    fix="Use fernet (or jws).",
    before="[token]\nprovider = uuid", after="[token]\nprovider = fernet",
    source="OpenStack Security Guide Check-Identity-08; OSSN-0062",
)
def persistent_token_provider(report, context) -> Iterator[Hit]:
    option = context.option("token", "provider")
    if option is not None and option.value.lower() in ("uuid", "pki", "pkiz"):
        yield hit("token", option)


@rule(
    code="GMR503", name="admin-token-set", severity=Severity.WARNING,
    services=("keystone",),
    message="[DEFAULT] admin_token is set: a shared super-token bypasses authentication",
    what="keystone accepts the bootstrap admin_token.",
    why="Whoever has the token is admin without a user; `keystone-manage bootstrap` replaced it.",
    fix="Remove admin_token and bootstrap with keystone-manage.",
    before="admin_token = s3cr3t", after="(unset)",
    source="OpenStack Security Guide Check-Identity-06; OSSN-0064",
)
def admin_token_set(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "admin_token")  # masked in every release that has it
    if option is not None and not option.is_none and option.value:
        yield hit("DEFAULT", option)
