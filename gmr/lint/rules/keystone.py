"""GMR5xx: keystone (RULES.md section 2.5)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule


@rule(
    code="GMR501", name="keystone-insecure-debug", severity=Severity.ERROR,
    reads=("DEFAULT.insecure_debug",),
    services=("keystone",),
    message="[DEFAULT] insecure_debug = {value}: authentication failures are explained to "
            "the caller",
    what="keystone tells API clients why their authentication failed.",
    why="The details help an attacker enumerate users and guess credentials.",
    fix="Turn it off.",
    examples=(
        fails("keystone 2026.2", "[DEFAULT]\ninsecure_debug = True",
              "[DEFAULT] insecure_debug = True: authentication failures are explained to the "
              "caller"),
        passes("keystone 2026.2", "[DEFAULT]\ninsecure_debug = False"),
    ),
    source="OpenStack Security Guide Check-Identity-07",
)
def keystone_insecure_debug(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "insecure_debug")
    if option is not None and option.as_bool():
        yield hit("DEFAULT", option)


@rule(
    code="GMR502", name="persistent-token-provider", severity=Severity.ERROR,
    reads=("token.provider",),
    services=("keystone",),
    message="[token] provider = {value}: tokens are persisted or forgeable",
    what="keystone issues UUID or PKI tokens.",
    why="UUID tokens fill the database and PKI tokens' revocation can be bypassed; both are "
        "removed from current keystone.",
    fix="Use fernet (or jws).",
    examples=(
        fails("keystone 2026.2", "[token]\nprovider = uuid",
              "[token] provider = uuid: tokens are persisted or forgeable"),
        passes("keystone 2026.2", "[token]\nprovider = fernet"),
    ),
    source="OpenStack Security Guide Check-Identity-08; OSSN-0062",
)
def persistent_token_provider(report, context) -> Iterator[Hit]:
    option = context.option("token", "provider")
    if option is not None and option.value.lower() in ("uuid", "pki", "pkiz"):
        yield hit("token", option)


@rule(
    code="GMR504", name="keystone-cache-disabled", severity=Severity.INFO,
    reads=("cache.enabled",),
    services=("keystone",),
    message="[cache] enabled = {value}: every token validation goes to the database",
    what="keystone runs without its cache.",
    why="Token validation, catalog and role lookups hit the database on every API call of "
        "every service; keystone becomes the cloud's bottleneck.",
    fix="Enable the cache with a memcached backend.",
    examples=(
        fails("keystone 2026.2", "[cache]\nenabled = False",
              "[cache] enabled = False: every token validation goes to the database"),
        passes("keystone 2026.2", "[cache]\nenabled = True"),
    ),
    source="keystone-manage doctor (caching.py); RULES.md KEYSTONE-005",
)
def keystone_cache_disabled(report, context) -> Iterator[Hit]:
    option = context.option("cache", "enabled")
    if option is not None and option.as_bool() is False:
        yield hit("cache", option)


@rule(
    code="GMR505", name="keystone-cache-null-backend", severity=Severity.WARNING,
    reads=("cache.enabled", "cache.backend"),
    services=("keystone",),
    message="[cache] backend = {value} while the cache is enabled: nothing is cached",
    what="The cache is switched on with the null backend.",
    why="It looks configured but caches nothing.",
    fix="Choose a real backend.",
    examples=(
        fails("keystone 2026.2", "[cache]\nenabled = True\nbackend = dogpile.cache.null",
              "[cache] backend = dogpile.cache.null while the cache is enabled: nothing is "
              "cached"),
        passes("keystone 2026.2", "[cache]\nenabled = True\nbackend = dogpile.cache.pymemcache"),
    ),
    source="keystone-manage doctor (caching.py); RULES.md KEYSTONE-006",
)
def keystone_cache_null_backend(report, context) -> Iterator[Hit]:
    enabled = context.option("cache", "enabled")
    backend = context.option("cache", "backend")
    if enabled is not None and enabled.as_bool() and backend is not None and \
            backend.value == "dogpile.cache.null":
        yield hit("cache", backend)


@rule(
    code="GMR506", name="password-age-exceeds-expiry", severity=Severity.WARNING,
    reads=("security_compliance.minimum_password_age",
           "security_compliance.password_expires_days"),
    services=("keystone",),
    message="[security_compliance] minimum_password_age = {value} is not below "
            "password_expires_days = {expires}: users cannot change passwords in time",
    what="Users must keep a password longer than it stays valid.",
    why="A password expires before its owner is allowed to change it, locking users out.",
    fix="Keep minimum_password_age well below password_expires_days.",
    examples=(
        fails("keystone 2026.2", "[security_compliance]\nminimum_password_age = "
                                 "90\npassword_expires_days = 90",
              "[security_compliance] minimum_password_age = 90 is not below "
              "password_expires_days = 90: users cannot change passwords in time"),
        passes("keystone 2026.2", "[security_compliance]\nminimum_password_age = "
                                  "1\npassword_expires_days = 90"),
    ),
    source="keystone-manage doctor (security_compliance.py); RULES.md KEYSTONE-009",
)
def password_age_exceeds_expiry(report, context) -> Iterator[Hit]:
    age = context.option("security_compliance", "minimum_password_age")
    expires = context.option("security_compliance", "password_expires_days")
    if age is None or expires is None:
        return
    if (age.as_int() or 0) > 0 and (expires.as_int() or 0) > 0 and \
            age.as_int() >= expires.as_int():
        yield hit("security_compliance", age, expires=expires.value)


@rule(
    code="GMR507", name="shared-key-repository", severity=Severity.ERROR,
    reads=("credential.key_repository", "fernet_tokens.key_repository"),
    services=("keystone",),
    message="[credential] key_repository = {value} is also [fernet_tokens] key_repository",
    what="Credential encryption keys and token keys live in the same directory.",
    why="Rotating token keys then destroys the keys that encrypt stored credentials, and one "
        "leaked key compromises both.",
    fix="Give each its own repository.",
    examples=(
        fails("keystone 2026.2", "[credential]\nkey_repository = "
                                 "/etc/keystone/fernet-keys/\n[fernet_tokens]\nkey_repository "
                                 "= /etc/keystone/fernet-keys",
              "[credential] key_repository = /etc/keystone/fernet-keys/ is also "
              "[fernet_tokens] key_repository"),
        passes("keystone 2026.2", "[credential]\nkey_repository = "
                                  "/etc/keystone/credential-keys/\n[fernet_tokens]\nkey_repository "
                                  "= /etc/keystone/fernet-keys"),
    ),
    source="keystone-manage doctor (credential.py); RULES.md KEYSTONE-010",
)
def shared_key_repository(report, context) -> Iterator[Hit]:
    credential = context.option("credential", "key_repository")
    fernet = context.option("fernet_tokens", "key_repository")
    if credential is not None and fernet is not None and \
            credential.value.rstrip("/") == fernet.value.rstrip("/"):
        yield hit("credential", credential)


@rule(
    code="GMR508", name="password-regex-unexplained", severity=Severity.INFO,
    reads=("security_compliance.password_regex", "security_compliance.password_regex_description"),
    services=("keystone",),
    message="[security_compliance] password_regex is set without "
            "password_regex_description: users get no explanation",
    what="A password rule is enforced without a description of it.",
    why="Users whose password is refused are not told what is required.",
    fix="Describe the rule in words.",
    examples=(
        fails("keystone 2026.2", "[security_compliance]\npassword_regex = ^.{8,}$",
              "[security_compliance] password_regex is set without "
              "password_regex_description: users get no explanation"),
        passes("keystone 2026.2", "[security_compliance]\npassword_regex = "
                                  "^.{8,}$\npassword_regex_description = 8 characters or more"),
    ),
    source="keystone-manage doctor (security_compliance.py); RULES.md KEYSTONE-012",
)
def password_regex_unexplained(report, context) -> Iterator[Hit]:
    regex = context.option("security_compliance", "password_regex")
    described = context.option("security_compliance", "password_regex_description")
    if regex is not None and not regex.is_none and regex.value and (
            described is None or described.is_none or not described.value):
        yield hit("security_compliance", regex)


RULES = (
    keystone_insecure_debug,
    persistent_token_provider,
    keystone_cache_disabled,
    keystone_cache_null_backend,
    password_age_exceeds_expiry,
    shared_key_repository,
    password_regex_unexplained,
)
