"""GMR1xx: options every service shares: oslo.log, oslo.messaging, oslo.db,
keystonemiddleware, TLS verification and API auth strategies."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule
from gmr.lint.conditions import option_rule

_AUTHTOKEN = "keystone_authtoken"
_LOCALHOST = {"localhost", "localhost.localdomain", "127.0.0.1", "::1"}


def _scheme(text: str) -> str | None:
    head, sep, _ = text.partition("://")
    return head.lower() if sep else None


debug_logging = option_rule(
    code="GMR101", name="debug-logging", severity=Severity.WARNING,
    group="DEFAULT", option="debug", when=("eq", True),
    message="[DEFAULT] debug = {value}: debug logging is on",
    what="The service logs at DEBUG level.",
    why="Debug logs carry request bodies, tokens and other secrets into log collectors, and "
        "cost performance; some services also show debug pages to API users.",
    fix="Turn it off outside troubleshooting.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\ndebug = True",
              "[DEFAULT] debug = True: debug logging is on"),
        passes("nova 2026.2", "[DEFAULT]\ndebug = False"),
    ),
    source="OSSN-0046, OSSN-0049, OSSN-0023; keystone-manage doctor; risu debug.sh",
)


@rule(
    code="GMR102", name="tls-verification-disabled", severity=Severity.WARNING,
    reads=("*.insecure", "*.*_insecure", "glance_store.stores", "DEFAULT.enabled_backends"),
    message="[{group}] {option} = {value}: certificates are not verified",
    what="A client of another service skips TLS certificate verification.",
    why="Without verification anyone on the path can impersonate the other service and read "
        "or change tokens and data in transit.",
    fix="Remove the option and give the CA bundle in `cafile` instead.",
    examples=(
        fails("nova 2026.2", "[placement]\ninsecure = True",
              "[placement] insecure = True: certificates are not verified"),
        passes("nova 2026.2", "[placement]\ninsecure = False"),
    ),
    source="OpenStack Security Guide Check-Compute-04/05, Check-Block-04/05/06, "
           "Check-Image-04, Check-Neutron-04; RULES.md KSM-006",
)
def tls_verification_disabled(report, context) -> Iterator[Hit]:
    if report.configuration is None:
        return
    for group, option in report.configuration.options():
        if (option.name == "insecure" or option.name.endswith("_insecure")) and option.as_bool():
            if option.name == "https_insecure" and not _http_store_used(context, group.name):
                continue  # glance_store's default; it only matters with the http store
            yield hit(group.name, option)


def _http_store_used(context, group: str) -> bool:
    """Whether the glance store settings in `group` serve an http store: [glance_store]
    lists its stores, the multi-store groups are named in [DEFAULT] enabled_backends."""
    if group == "glance_store":
        stores = context.option("glance_store", "stores")
        return stores is not None and "http" in (stores.as_list() or ())
    backends = context.option("DEFAULT", "enabled_backends")
    kinds = (backends.as_dict() or {}) if backends is not None else {}
    return "http" in kinds.values() if group == "backend_defaults" else kinds.get(group) == "http"


@rule(
    code="GMR103", name="auth-uri-plain-http", severity=Severity.WARNING,
    reads=("keystone_authtoken.www_authenticate_uri", "keystone_authtoken.auth_uri"),
    message="[keystone_authtoken] {option} = {value}: the identity service is reached "
            "without TLS",
    what="The keystone URL that clients are sent to for tokens uses plain http.",
    why="Tokens and credentials then travel in clear between clients, services and keystone.",
    fix="Serve keystone over https and point the URL at it.",
    examples=(
        fails("nova 2026.2", "[keystone_authtoken]\nwww_authenticate_uri = "
                             "http://keystone:5000",
              "[keystone_authtoken] www_authenticate_uri = http://keystone:5000: the identity "
              "service is reached without TLS"),
        passes("nova 2026.2", "[keystone_authtoken]\nwww_authenticate_uri = "
                              "https://keystone:5000"),
    ),
    source="OpenStack Security Guide Check-Compute-04, Check-Block-04, Check-Image-04, "
           "Check-Neutron-04",
)
def auth_uri_plain_http(report, context) -> Iterator[Hit]:
    for name in ("www_authenticate_uri", "auth_uri"):
        option = context.option(_AUTHTOKEN, name)
        if option is not None and _scheme(option.value) == "http":
            yield hit(_AUTHTOKEN, option)


@rule(
    code="GMR104", name="auth-scheme-contradiction", severity=Severity.WARNING,
    reads=("keystone_authtoken.www_authenticate_uri", "keystone_authtoken.auth_uri",
           "keystone_authtoken.auth-url", "keystone_authtoken.auth_url"),
    message="[keystone_authtoken] {option} = {value} uses {scheme}, but {other} uses "
            "{other_scheme}",
    what="The URLs of [keystone_authtoken] disagree about http and https.",
    why="The service validates tokens over one scheme while clients are told another: one of "
        "them is wrong, and usually the http one carries tokens in clear.",
    fix="Use https for every keystone URL of the group.",
    examples=(
        fails("nova 2026.2", "[keystone_authtoken]\nwww_authenticate_uri = "
                             "https://keystone:5000\nauth-url = http://keystone:5000",
              "[keystone_authtoken] auth-url = http://keystone:5000 uses http, but "
              "www_authenticate_uri uses https"),
        passes("nova 2026.2", "[keystone_authtoken]\nwww_authenticate_uri = "
                              "https://keystone:5000\nauth-url = https://keystone:5000"),
    ),
    source="keystonemiddleware auth_token options help; seed report (auth_protocol = https "
           "with auth-url = http://...); RULES.md NOVA-011, NOVA-012",
)
def auth_scheme_contradiction(report, context) -> Iterator[Hit]:
    public = context.option(_AUTHTOKEN, "www_authenticate_uri") or context.option(_AUTHTOKEN,
                                                                                  "auth_uri")
    if public is None or _scheme(public.value) is None:
        return
    for name in ("auth-url", "auth_url"):
        option = context.option(_AUTHTOKEN, name)
        if option is not None and _scheme(option.value) not in (None, _scheme(public.value)):
            yield hit(_AUTHTOKEN, option, scheme=_scheme(option.value), other=public.name,
                      other_scheme=_scheme(public.value))


@rule(
    code="GMR105", name="noauth-strategy", severity=Severity.ERROR,
    reads=("DEFAULT.auth_strategy", "api.auth_strategy"),
    message="[{group}] {option} = {value}: the API accepts requests without authentication",
    what="The API's auth strategy is `noauth` (or nova's `noauth2`).",
    why="Anyone who can reach the API acts as any user, admin included.",
    fix="Use keystone.",
    examples=(
        fails("nova 2026.2", "[api]\nauth_strategy = noauth2",
              "[api] auth_strategy = noauth2: the API accepts requests without authentication"),
        passes("nova 2026.2", "[api]\nauth_strategy = keystone"),
    ),
    source="OpenStack Security Guide Check-Compute-03, Check-Neutron-03, Check-Block-03, "
           "Check-Image-03; nova release note deprecate-api-auth_strategy-noauth2 (21.0.0)",
)
def noauth_strategy(report, context) -> Iterator[Hit]:
    for group in ("DEFAULT", "api"):
        option = context.option(group, "auth_strategy")
        if option is not None and option.value.lower() in ("noauth", "noauth2"):
            yield hit(group, option)


@rule(
    code="GMR106", name="messaging-without-tls", severity=Severity.WARNING,
    reads=("oslo_messaging_rabbit.ssl", "oslo_messaging_rabbit.rabbit_use_ssl",
           "DEFAULT.transport_url"),
    message="[oslo_messaging_rabbit] {option} = {value} and the transport URL asks for no "
            "TLS: RPC travels in clear",
    what="RabbitMQ connections are not encrypted.",
    why="RPC messages carry tokens, passwords and instance data between services.",
    fix="Enable TLS to the broker.",
    examples=(
        fails("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = "
                             "False\n[DEFAULT]\ntransport_url = None",
              "[oslo_messaging_rabbit] rabbit_use_ssl = False and the transport URL asks for "
              "no TLS: RPC travels in clear"),
        passes("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = True"),
    ),
    source="OpenStack Security Guide, messaging/security.rst; RULES.md OSLO-MSG-003",
)
def messaging_without_tls(report, context) -> Iterator[Hit]:
    option = context.option("oslo_messaging_rabbit", "ssl") or context.option(
        "oslo_messaging_rabbit", "rabbit_use_ssl")
    if option is None or option.as_bool() is not False:
        return
    url = context.option("DEFAULT", "transport_url")
    if report.option("DEFAULT", "transport_url") is not None and url is None:
        return  # masked: TLS may be asked for in the URL, so this cannot be decided
    if url is not None and any(flag in url.value.lower() for flag in ("ssl=1", "ssl=true")):
        return
    yield hit("oslo_messaging_rabbit", option)


@rule(
    code="GMR107", name="rabbit-heartbeat-disabled", severity=Severity.WARNING,
    reads=("oslo_messaging_rabbit.heartbeat_timeout_threshold",),
    message="[oslo_messaging_rabbit] heartbeat_timeout_threshold = {value}: dead broker "
            "connections go unnoticed",
    what="AMQP heartbeats are turned off.",
    why="With 0, oslo.messaging never notices a connection that died behind a firewall or a "
        "failed-over broker, and RPC calls hang until they time out.",
    fix="Keep the default of 60 seconds.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nheartbeat_timeout_threshold = 0",
              "[oslo_messaging_rabbit] heartbeat_timeout_threshold = 0: dead broker "
              "connections go unnoticed"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nheartbeat_timeout_threshold = 60"),
    ),
    source="oslo.messaging impl_rabbit.py option help (\"0 disables heartbeat\")",
)
def rabbit_heartbeat_disabled(report, context) -> Iterator[Hit]:
    option = context.option("oslo_messaging_rabbit", "heartbeat_timeout_threshold")
    if option is not None and option.as_int() == 0:
        yield hit("oslo_messaging_rabbit", option)


@rule(
    code="GMR108", name="authtoken-auth-uri-deprecated", severity=Severity.INFO,
    reads=("keystone_authtoken.auth_uri",),
    releases=("queens", None),
    message="[keystone_authtoken] auth_uri = {value}: renamed www_authenticate_uri",
    what="The service sets the deprecated `auth_uri` of keystonemiddleware.",
    why="keystonemiddleware 4.18 (Queens) renamed it and 13.0 removed it: the setting is "
        "lost on upgrade.",
    fix="Rename the option.",
    examples=(
        fails("nova 2026.2", "[keystone_authtoken]\nauth_uri = https://keystone:5000",
              "[keystone_authtoken] auth_uri = https://keystone:5000: renamed "
              "www_authenticate_uri"),
        passes("nova 2026.2", "[keystone_authtoken]\nauth_uri = None"),
    ),
    source="keystonemiddleware release notes rename-auth-uri (4.18.0), "
           "remove-AuthTokenPlugin (13.0.0)",
)
def authtoken_auth_uri_deprecated(report, context) -> Iterator[Hit]:
    option = context.option(_AUTHTOKEN, "auth_uri")
    if option is not None and not option.is_none and option.value:
        yield hit(_AUTHTOKEN, option)


@rule(
    code="GMR109", name="memcache-token-cache-unprotected", severity=Severity.WARNING,
    reads=("keystone_authtoken.memcached_servers",
           "keystone_authtoken.memcache_security_strategy"),
    message="[keystone_authtoken] memcache_security_strategy = {value} with memcached_servers "
            "set: cached tokens are neither signed nor encrypted",
    what="Token validation results are cached in memcached without protection.",
    why="Anyone who can reach memcached can read or forge cached token data.",
    fix="Set memcache_security_strategy to ENCRYPT (or MAC) with a memcache_secret_key.",
    examples=(
        fails("nova 2026.2", "[keystone_authtoken]\nmemcached_servers = "
                             "c1:11211\nmemcache_security_strategy = None",
              "[keystone_authtoken] memcache_security_strategy = None with memcached_servers "
              "set: cached tokens are neither signed nor encrypted"),
        passes("nova 2026.2", "[keystone_authtoken]\nmemcached_servers = "
                              "c1:11211\nmemcache_security_strategy = ENCRYPT"),
    ),
    source="keystonemiddleware auth_token option help; RULES.md KSM-002",
)
def memcache_unprotected(report, context) -> Iterator[Hit]:
    servers = context.option(_AUTHTOKEN, "memcached_servers")
    strategy = context.option(_AUTHTOKEN, "memcache_security_strategy")
    if servers is None or strategy is None or not servers.as_list() or servers.is_none:
        return
    if strategy.is_none or strategy.value.lower() in ("", "none"):
        yield hit(_AUTHTOKEN, strategy)


@rule(
    code="GMR110", name="service-token-roles-not-required", severity=Severity.WARNING,
    reads=("keystone_authtoken.service_token_roles_required",),
    message="[keystone_authtoken] service_token_roles_required = {value}: any user token "
            "passes as a service token",
    what="keystonemiddleware does not check the roles of service tokens.",
    why="A user's own token can then be sent as the service token, which unlocks the "
        "expired-token and service-only paths meant for services.",
    fix="Require the roles (the default since keystonemiddleware 13.0).",
    examples=(
        fails("nova 2026.2", "[keystone_authtoken]\nservice_token_roles_required = False",
              "[keystone_authtoken] service_token_roles_required = False: any user token "
              "passes as a service token"),
        passes("nova 2026.2", "[keystone_authtoken]\nservice_token_roles_required = True"),
    ),
    source="keystonemiddleware release notes allow-expired (4.12.0), "
           "service-token-roles-required-default-true (13.0.0)",
)
def service_token_roles(report, context) -> Iterator[Hit]:
    option = context.option(_AUTHTOKEN, "service_token_roles_required")
    if option is not None and option.as_bool() is False:
        yield hit(_AUTHTOKEN, option)


@rule(
    code="GMR111", name="sql-statement-logging", severity=Severity.WARNING,
    reads=("database.connection_debug",),
    message="[database] connection_debug = {value}: every SQL statement is logged",
    what="oslo.db logs every SQL statement with its parameters.",
    why="Logs fill with row data, including what users stored, and the database slows down.",
    fix="Set it back to 0.",
    examples=(
        fails("nova 2026.2", "[database]\nconnection_debug = 100",
              "[database] connection_debug = 100: every SQL statement is logged"),
        passes("nova 2026.2", "[database]\nconnection_debug = 0"),
    ),
    source="oslo.db options help (\"100=Log everything\"); RULES.md OSLO-DB-001",
)
def sql_statement_logging(report, context) -> Iterator[Hit]:
    option = context.option("database", "connection_debug")
    if option is not None and (option.as_int() or 0) >= 100:
        yield hit("database", option)


@rule(
    code="GMR112", name="host-is-localhost", severity=Severity.WARNING,
    reads=("DEFAULT.host",),
    message="[DEFAULT] host = {value}: the node does not have a name of its own",
    what="The service's `host` is a loopback name.",
    why="`host` names the service's RPC queue and, for nova and neutron, the port binding; "
        "several nodes called localhost take each other's messages and ports.",
    fix="Leave `host` unset (the machine's host name is used) or give the node's own name.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nhost = localhost",
              "[DEFAULT] host = localhost: the node does not have a name of its own"),
        passes("nova 2026.2", "[DEFAULT]\nhost = compute-12"),
    ),
    source="nova/conf/netconf.py `host` help; risu BZ 1474092; RULES.md NOVA-020",
)
def host_is_localhost(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "host")
    if option is not None and option.value.lower() in _LOCALHOST:
        yield hit("DEFAULT", option)


@rule(
    code="GMR113", name="broker-hostname-not-verified", severity=Severity.WARNING,
    reads=("oslo_messaging_rabbit.ssl", "oslo_messaging_rabbit.ssl_enforce_hostname_verification"),
    message="[oslo_messaging_rabbit] ssl_enforce_hostname_verification = {value} with TLS on: "
            "the broker's certificate name is not checked",
    what="TLS to RabbitMQ is on, but the broker's host name is not verified.",
    why="Any certificate from the CA is accepted, so whoever holds one can pose as the broker "
        "(OSSN-0096); stable branches default to False.",
    fix="Turn hostname verification on.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nssl = "
                             "True\nssl_enforce_hostname_verification = False",
              "[oslo_messaging_rabbit] ssl_enforce_hostname_verification = False with TLS on: "
              "the broker's certificate name is not checked"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nssl = "
                              "True\nssl_enforce_hostname_verification = True"),
    ),
    source="OSSN-0096; oslo.messaging impl_rabbit.py help",
)
def broker_hostname_not_verified(report, context) -> Iterator[Hit]:
    ssl = context.option("oslo_messaging_rabbit", "ssl")
    option = context.option("oslo_messaging_rabbit", "ssl_enforce_hostname_verification")
    if ssl is not None and ssl.as_bool() and option is not None and option.as_bool() is False:
        yield hit("oslo_messaging_rabbit", option)


@rule(
    code="GMR114", name="ha-and-quorum-queues", severity=Severity.ERROR,
    reads=("oslo_messaging_rabbit.rabbit_ha_queues", "oslo_messaging_rabbit.rabbit_quorum_queue"),
    message="[oslo_messaging_rabbit] rabbit_ha_queues and rabbit_quorum_queue are both True",
    what="Classic mirrored queues and quorum queues are both requested.",
    why="oslo.messaging documents the two as exclusive: queue declarations conflict and "
        "services fail to consume.",
    fix="Use quorum queues alone.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nrabbit_ha_queues = "
                             "True\nrabbit_quorum_queue = True",
              "[oslo_messaging_rabbit] rabbit_ha_queues and rabbit_quorum_queue are both True"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nrabbit_ha_queues = "
                              "False\nrabbit_quorum_queue = True"),
    ),
    source="oslo.messaging impl_rabbit.py option help; RULES.md OSLO-MSG-005",
)
def ha_and_quorum_queues(report, context) -> Iterator[Hit]:
    ha = context.option("oslo_messaging_rabbit", "rabbit_ha_queues")
    quorum = context.option("oslo_messaging_rabbit", "rabbit_quorum_queue")
    if ha is not None and quorum is not None and ha.as_bool() and quorum.as_bool():
        yield hit("oslo_messaging_rabbit", quorum)


@rule(
    code="GMR115", name="mysql-sql-mode-empty", severity=Severity.WARNING,
    reads=("database.mysql_sql_mode",),
    message="[database] mysql_sql_mode = {value}: the server's SQL mode applies instead of "
            "TRADITIONAL",
    what="oslo.db does not set the MySQL SQL mode.",
    why="Depending on the server, MySQL then truncates too-long values and accepts invalid "
        "dates silently instead of failing the statement.",
    fix="Keep TRADITIONAL.",
    examples=(
        fails("nova 2026.2", "[database]\nmysql_sql_mode =",
              "[database] mysql_sql_mode = : the server's SQL mode applies instead of "
              "TRADITIONAL"),
        passes("nova 2026.2", "[database]\nmysql_sql_mode = TRADITIONAL"),
    ),
    source="oslo.db options help; RULES.md OSLO-DB-003",
)
def mysql_sql_mode_empty(report, context) -> Iterator[Hit]:
    option = context.option("database", "mysql_sql_mode")
    if option is not None and option.value == "":
        yield hit("database", option)


@rule(
    code="GMR116", name="json-policy-file", severity=Severity.WARNING,
    reads=("oslo_policy.policy_file",),
    releases=("wallaby", None),
    message="[oslo_policy] policy_file = {value}: JSON policy files are deprecated",
    what="The policy file is JSON.",
    why="JSON policy files are deprecated since Wallaby; `*-status upgrade check` fails, and "
        "support is being removed.",
    fix="Convert with oslopolicy-convert-json-to-yaml and point at the YAML file.",
    examples=(
        fails("nova 2026.2", "[oslo_policy]\npolicy_file = policy.json",
              "[oslo_policy] policy_file = policy.json: JSON policy files are deprecated"),
        passes("nova 2026.2", "[oslo_policy]\npolicy_file = policy.yaml"),
    ),
    source="oslo.upgradecheck check_policy_json; oslo.policy release notes; cinder-status",
)
def json_policy_file(report, context) -> Iterator[Hit]:
    option = context.option("oslo_policy", "policy_file")
    if option is not None and option.value.endswith(".json"):
        yield hit("oslo_policy", option)


@rule(
    code="GMR117", name="long-token-cache", severity=Severity.INFO,
    reads=("keystone_authtoken.token_cache_time",),
    message="[keystone_authtoken] token_cache_time = {value}: revoked tokens stay valid that "
            "long",
    what="Validated tokens are cached for more than the default five minutes.",
    why="A revoked token keeps working until its cache entry expires (OSSN-0056).",
    fix="Keep 300 seconds or less.",
    examples=(
        fails("nova 2026.2", "[keystone_authtoken]\ntoken_cache_time = 3600",
              "[keystone_authtoken] token_cache_time = 3600: revoked tokens stay valid that "
              "long"),
        passes("nova 2026.2", "[keystone_authtoken]\ntoken_cache_time = 300"),
    ),
    source="OSSN-0056; keystonemiddleware auth_token option help",
)
def long_token_cache(report, context) -> Iterator[Hit]:
    option = context.option(_AUTHTOKEN, "token_cache_time")
    if option is not None and (option.as_int() or 0) > 300:
        yield hit(_AUTHTOKEN, option)


RULES = (
    debug_logging,
    tls_verification_disabled,
    auth_uri_plain_http,
    auth_scheme_contradiction,
    noauth_strategy,
    messaging_without_tls,
    rabbit_heartbeat_disabled,
    authtoken_auth_uri_deprecated,
    memcache_unprotected,
    service_token_roles,
    sql_statement_logging,
    host_is_localhost,
    broker_hostname_not_verified,
    ha_and_quorum_queues,
    mysql_sql_mode_empty,
    json_policy_file,
    long_token_cache,
)
