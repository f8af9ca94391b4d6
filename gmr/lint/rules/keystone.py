"""GMR5xx: keystone (RULES.md section 2.5)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule
from gmr.lint.conditions import option_rule

_COMPLIANCE = "security_compliance"
#: keystone's own users and passwords: the [security_compliance] password and lockout
#: features only work with the sql identity driver (keystone admin guide, "Security
#: compliance and PCI-DSS"); with LDAP the directory enforces its own.
_SQL = "[identity]\ndriver = sql\n"
_SQL_COMPLIANCE = _SQL + "[security_compliance]\n"


def _sql_identity(context) -> bool:
    """Whether keystone keeps its users' passwords itself ([identity] driver = sql)."""
    driver = context.option("identity", "driver")
    return driver is not None and driver.value == "sql"


keystone_insecure_debug = option_rule(
    code="GMR501", name="keystone-insecure-debug", severity=Severity.ERROR,
    services=("keystone",),
    group="DEFAULT", option="insecure_debug", when=("eq", True),
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
    source="OpenStack Security Guide Check-Identity-07; keystone/conf/default.py help of "
           "insecure_debug",
)

persistent_token_provider = option_rule(
    code="GMR502", name="persistent-token-provider", severity=Severity.ERROR,
    services=("keystone",),
    group="token", option="provider", when=("in", ["uuid", "pki", "pkiz"]),
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

keystone_cache_disabled = option_rule(
    code="GMR504", name="keystone-cache-disabled", severity=Severity.INFO,
    services=("keystone",),
    group="cache", option="enabled", when=("eq", False),
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
    reads=("identity.driver", "security_compliance.minimum_password_age",
           "security_compliance.password_expires_days"),
    services=("keystone",),
    message="[security_compliance] minimum_password_age = {value} is not below "
            "password_expires_days = {expires}: users cannot change passwords in time",
    what="Users must keep a password longer than it stays valid.",
    why="A password expires before its owner is allowed to change it, locking users out.",
    fix="Keep minimum_password_age well below password_expires_days.",
    examples=(
        fails("keystone 2026.2", _SQL_COMPLIANCE + "minimum_password_age = "
                                                   "90\npassword_expires_days = 90",
              "[security_compliance] minimum_password_age = 90 is not below "
              "password_expires_days = 90: users cannot change passwords in time"),
        passes("keystone 2026.2", _SQL_COMPLIANCE + "minimum_password_age = "
                                                    "1\npassword_expires_days = 90"),
        passes("keystone 2026.2", _SQL_COMPLIANCE + "minimum_password_age = 1\n"
                                                    "password_expires_days = None"),
        # Passwords kept in LDAP: keystone enforces neither.
        passes("keystone 2026.2", "[identity]\ndriver = ldap\n[security_compliance]\n"
                                  "minimum_password_age = 90\npassword_expires_days = 90"),
    ),
    source="keystone-manage doctor (security_compliance.py "
           "symptom_minimum_password_age_greater_than_expires_days); keystone/identity/"
           "backends/sql.py _validate_minimum_password_age; RULES.md KEYSTONE-009",
)
def password_age_exceeds_expiry(report, context) -> Iterator[Hit]:
    if not _sql_identity(context):
        return
    age = context.option(_COMPLIANCE, "minimum_password_age")
    expires = context.option(_COMPLIANCE, "password_expires_days")
    if age is None or expires is None:
        return
    if (age.as_int() or 0) > 0 and (expires.as_int() or 0) > 0 and \
            age.as_int() >= expires.as_int():
        yield hit(_COMPLIANCE, age, expires=expires.value)


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
    why="Users whose password is refused are not told what is required. keystone checks the "
        "rule in its API whatever the identity driver, so this holds with LDAP too.",
    fix="Describe the rule in words.",
    examples=(
        fails("keystone 2026.2", "[security_compliance]\npassword_regex = ^.{8,}$",
              "[security_compliance] password_regex is set without "
              "password_regex_description: users get no explanation"),
        passes("keystone 2026.2", "[security_compliance]\npassword_regex = "
                                  "^.{8,}$\npassword_regex_description = 8 characters or more"),
    ),
    source="keystone-manage doctor (security_compliance.py); keystone/common/validation/"
           "validators.py validate_password; RULES.md KEYSTONE-012",
)
def password_regex_unexplained(report, context) -> Iterator[Hit]:
    regex = context.option(_COMPLIANCE, "password_regex")
    described = context.option(_COMPLIANCE, "password_regex_description")
    if regex is not None and not regex.is_none and regex.value and (
            described is None or described.is_none or not described.value):
        yield hit(_COMPLIANCE, regex)


_PCI = ("keystone admin guide, Security compliance and PCI-DSS "
        "(doc/source/admin/security-compliance.inc); keystone-specs newton pci-dss")


@rule(
    code="GMR509", name="keystone-lockout-disabled", severity=Severity.INFO,
    reads=("identity.driver", "security_compliance.lockout_failure_attempts"),
    services=("keystone",),
    message="[security_compliance] lockout_failure_attempts = {value}: passwords can be "
            "guessed without limit",
    what="keystone never locks an account after failed password attempts.",
    why="Anyone reaching the API may try passwords against a local user without end. "
        "PCI-DSS 8.1.6 asks for a lockout after at most six attempts; whether to lock out is "
        "a policy choice, since a lockout also lets anyone lock a user out.",
    fix="Set lockout_failure_attempts (6 for PCI-DSS) and keep lockout_duration (default "
        "1800 seconds); exempt service users with the ignore_lockout_failure_attempts user "
        "option.",
    examples=(
        fails("keystone 2026.2", _SQL_COMPLIANCE + "lockout_failure_attempts = None",
              "[security_compliance] lockout_failure_attempts = None: passwords can be guessed "
              "without limit"),
        passes("keystone 2026.2", _SQL_COMPLIANCE + "lockout_failure_attempts = 6"),
        passes("keystone 2026.2", "[identity]\ndriver = ldap\n[security_compliance]\n"
                                  "lockout_failure_attempts = None"),
    ),
    source="keystone/conf/security_compliance.py lockout_failure_attempts (no default: "
           "disabled); keystone/identity/backends/sql.py Identity._is_account_locked; " + _PCI,
)
def keystone_lockout_disabled(report, context) -> Iterator[Hit]:
    attempts = context.option(_COMPLIANCE, "lockout_failure_attempts")
    if attempts is not None and attempts.is_none and _sql_identity(context):
        yield hit(_COMPLIANCE, attempts)


@rule(
    code="GMR510", name="password-never-expires", severity=Severity.INFO,
    reads=("identity.driver", "security_compliance.password_expires_days"),
    services=("keystone",),
    message="[security_compliance] password_expires_days = {value}: passwords never expire",
    what="keystone passwords stay valid forever.",
    why="PCI-DSS 8.2.4 asks users to change passwords at least every 90 days; other policies "
        "do not, so this is a policy choice. Only passwords set after the option is enabled "
        "get an expiry date.",
    fix="Set password_expires_days (90 for PCI-DSS), exempt service users with the "
        "ignore_password_expiry user option, and keep minimum_password_age below it "
        "(GMR506).",
    examples=(
        fails("keystone 2026.2", _SQL_COMPLIANCE + "password_expires_days = None",
              "[security_compliance] password_expires_days = None: passwords never expire"),
        passes("keystone 2026.2", _SQL_COMPLIANCE + "password_expires_days = 90"),
        passes("keystone 2026.2", "[identity]\ndriver = ldap\n[security_compliance]\n"
                                  "password_expires_days = None"),
    ),
    source="keystone/conf/security_compliance.py password_expires_days (no default: "
           "disabled); keystone/identity/backends/sql_model.py User._get_password_expires_at; "
           + _PCI,
)
def password_never_expires(report, context) -> Iterator[Hit]:
    expires = context.option(_COMPLIANCE, "password_expires_days")
    if expires is not None and expires.is_none and _sql_identity(context):
        yield hit(_COMPLIANCE, expires)


@rule(
    code="GMR511", name="password-history-disabled", severity=Severity.INFO,
    reads=("identity.driver", "security_compliance.unique_last_password_count"),
    services=("keystone",),
    message="[security_compliance] unique_last_password_count = {value}: users may set "
            "their current password again",
    what="keystone keeps no password history.",
    why="With 0 keystone checks a new password against no earlier one. PCI-DSS 8.2.5 asks "
        "that a new password differ from the last four; how many is a policy choice.",
    fix="Set unique_last_password_count (keystone's guide shows 5: the current and four "
        "previous passwords) with a minimum_password_age of at least 1 (GMR512).",
    examples=(
        fails("keystone 2026.2", _SQL_COMPLIANCE + "unique_last_password_count = 0",
              "[security_compliance] unique_last_password_count = 0: users may set their "
              "current password again"),
        passes("keystone 2026.2", _SQL_COMPLIANCE + "unique_last_password_count = 5"),
        passes("keystone 2026.2", "[identity]\ndriver = ldap\n[security_compliance]\n"
                                  "unique_last_password_count = 0"),
    ),
    source="keystone/conf/security_compliance.py unique_last_password_count (default 0: "
           "disabled); keystone/identity/backends/sql.py _validate_password_history; " + _PCI,
)
def password_history_disabled(report, context) -> Iterator[Hit]:
    count = context.option(_COMPLIANCE, "unique_last_password_count")
    if count is not None and count.as_int() == 0 and _sql_identity(context):
        yield hit(_COMPLIANCE, count)


@rule(
    code="GMR512", name="password-history-without-minimum-age", severity=Severity.WARNING,
    reads=("identity.driver", "security_compliance.unique_last_password_count",
           "security_compliance.minimum_password_age"),
    services=("keystone",),
    message="[security_compliance] minimum_password_age = {value} while "
            "unique_last_password_count = {count}: users can change their password {count} "
            "times in a row and reuse the old one",
    what="A password history is kept, but passwords may be changed again at once.",
    why="keystone only compares a new password with the last unique_last_password_count; "
        "without a minimum age a user changes password that many times in a minute and is "
        "back to the old one, so the history enforces nothing.",
    fix="Set minimum_password_age to 1 day or more, below password_expires_days (GMR506).",
    examples=(
        fails("keystone 2026.2", _SQL_COMPLIANCE + "unique_last_password_count = 5\n"
                                                   "minimum_password_age = 0",
              "[security_compliance] minimum_password_age = 0 while "
              "unique_last_password_count = 5: users can change their password 5 times in a "
              "row and reuse the old one"),
        passes("keystone 2026.2", _SQL_COMPLIANCE + "unique_last_password_count = 5\n"
                                                    "minimum_password_age = 1"),
        # No history to bypass (GMR511 says so).
        passes("keystone 2026.2", _SQL_COMPLIANCE + "unique_last_password_count = 0\n"
                                                    "minimum_password_age = 0"),
        passes("keystone 2026.2", "[identity]\ndriver = ldap\n[security_compliance]\n"
                                  "unique_last_password_count = 5\nminimum_password_age = 0"),
    ),
    source="keystone/conf/security_compliance.py help of minimum_password_age (\"prevents "
           "users from changing their passwords immediately in order to wipe out their "
           "password history\"); keystone/identity/backends/sql.py change_password; " + _PCI,
)
def password_history_without_minimum_age(report, context) -> Iterator[Hit]:
    count = context.option(_COMPLIANCE, "unique_last_password_count")
    age = context.option(_COMPLIANCE, "minimum_password_age")
    if count is None or age is None or not _sql_identity(context):
        return
    if (count.as_int() or 0) > 0 and age.as_int() == 0:
        yield hit(_COMPLIANCE, age, count=count.value)


long_token_expiration = option_rule(
    code="GMR513", name="long-token-expiration", severity=Severity.INFO,
    services=("keystone",),
    group="token", option="expiration", when=("gt", 3600),
    message="[token] expiration = {value}: a leaked token stays usable for more than an hour",
    what="keystone tokens live longer than the default hour.",
    why="Tokens are bearer credentials: whoever copies one from a log, a proxy or a "
        "compromised service acts as its user until it expires. The Security Guide "
        "recommends the default hour or less; how long is a policy choice.",
    fix="Keep 3600 seconds or less; long operations are covered by service tokens and "
        "[token] allow_expired_window, not by longer tokens.",
    examples=(
        fails("keystone 2026.2", "[token]\nexpiration = 86400",
              "[token] expiration = 86400: a leaked token stays usable for more than an hour"),
        passes("keystone 2026.2", "[token]\nexpiration = 3600"),
    ),
    source="keystone/conf/token.py expiration (default 3600) and allow_expired_window help; "
           "OpenStack Security Guide, Identity: Tokens",
)


RULES = (
    keystone_insecure_debug,
    persistent_token_provider,
    keystone_cache_disabled,
    keystone_cache_null_backend,
    password_age_exceeds_expiry,
    shared_key_repository,
    password_regex_unexplained,
    keystone_lockout_disabled,
    password_never_expires,
    password_history_disabled,
    password_history_without_minimum_age,
    long_token_expiration,
)
