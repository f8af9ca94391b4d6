"""GMR1xx: options every service shares: oslo.log, oslo.messaging, oslo.db, oslo.policy,
oslo.middleware, keystonemiddleware and keystoneauth, TLS verification and API auth
strategies."""

from __future__ import annotations

from typing import Iterator
from urllib.parse import parse_qs, urlsplit

from gmr import knowledge
from gmr.credentials import redact_url
from gmr.lint.api import Hit, ReleaseUnknown, Severity, fails, hit, passes, rule
from gmr.lint.conditions import option_rule
from gmr.models import Option
from gmr.parsing.identify import SERVICES

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
    reads=("*.insecure", "*.*_insecure", "DEFAULT.enabled_backends"),
    message="[{group}] {option} = {value}: certificates are not verified",
    what="A client of another service skips TLS certificate verification.",
    why="Without verification anyone on the path can impersonate the other service and read "
        "or change tokens and data in transit. glance's `https_insecure` is GMR118's: it "
        "only concerns the http store. In glance's multi-store mode (`[DEFAULT] "
        "enabled_backends` set) the stores read their backend groups, never [glance_store].",
    fix="Remove the option and give the CA bundle in `cafile` instead.",
    examples=(
        fails("nova 2026.2", "[placement]\ninsecure = True",
              "[placement] insecure = True: certificates are not verified"),
        passes("nova 2026.2", "[placement]\ninsecure = False"),
        fails("glance 2026.2", "[glance_store]\nswift_store_auth_insecure = True",
              "[glance_store] swift_store_auth_insecure = True: certificates are not verified"),
        passes("glance 2026.2", "[DEFAULT]\nenabled_backends = fast:rbd\n"
                                "[glance_store]\nswift_store_auth_insecure = True"),
        passes("glance 2026.2", "[glance_store]\nhttps_insecure = True"),
    ),
    source="OpenStack Security Guide Check-Compute-04/05, Check-Block-04/05/06, "
           "Check-Image-04, Check-Neutron-04; RULES.md KSM-006; glance common/wsgi.py "
           "initialize_multi_store and glance_store multi_backend.py register_store_opts "
           "(driver options only in the enabled_backends groups)",
)
def tls_verification_disabled(report, context) -> Iterator[Hit]:
    if report.configuration is None:
        return
    multi_store = context.service == "glance" and bool(_backends(context))
    for group, option in report.configuration.named(_is_insecure_flag):
        if option.as_bool():
            if option.name == "https_insecure" or (multi_store and group == "glance_store"):
                continue
            yield hit(group, option)


def _is_insecure_flag(name: str) -> bool:
    return name == "insecure" or name.endswith("_insecure")


def _backends(context) -> dict[str, str]:
    """glance's `[DEFAULT] enabled_backends`: store name -> store type (multi-store mode
    when not empty)."""
    option = context.option("DEFAULT", "enabled_backends")
    return (option.as_dict() or {}) if option is not None else {}


@rule(
    code="GMR118", name="http-store-certificates-unverified", severity=Severity.INFO,
    services=("glance",),
    reads=("DEFAULT.enabled_backends", "glance_store.stores", "*.https_insecure",
           "*.https_ca_certificates_file"),
    message="[{group}] https_insecure = {value} with the http store enabled: images at https "
            "locations are read without checking the certificate",
    what="glance's http store, which reads images from the web locations users give, does "
         "not verify https certificates (glance_store's default).",
    why="Whoever sits between glance and the image's web server can serve another image; "
        "only images with an https location are concerned, and only when the http store is "
        "enabled, so this is worth knowing rather than an alarm. In multi-store mode an http "
        "backend falls back to [backend_defaults] for an option it leaves unset.",
    fix="Set https_insecure = False (the system CA bundle is used) or give "
        "https_ca_certificates_file.",
    examples=(
        fails("glance 2026.2", "[glance_store]\nstores = file,http\nhttps_insecure = True",
              "[glance_store] https_insecure = True with the http store enabled: images at "
              "https locations are read without checking the certificate"),
        passes("glance 2026.2", "[glance_store]\nstores = file,http\nhttps_insecure = False"),
        passes("glance 2026.2", "[glance_store]\nstores = file,http\nhttps_insecure = "
                                "True\nhttps_ca_certificates_file = /etc/ssl/ca.pem"),
        passes("glance 2026.2", "[glance_store]\nstores = file,rbd\nhttps_insecure = True"),
        # Multi-store: [glance_store] is never read; the http backend's group is, and
        # [backend_defaults] for what it leaves unset.
        passes("glance 2026.2", "[DEFAULT]\nenabled_backends = fast:rbd\n"
                                "[glance_store]\nstores = file,http\nhttps_insecure = True"),
        fails("glance 2026.2", "[DEFAULT]\nenabled_backends = web:http\n"
                               "[web]\nhttps_insecure = None\n"
                               "[backend_defaults]\nhttps_insecure = True",
              "[backend_defaults] https_insecure = True with the http store enabled: images "
              "at https locations are read without checking the certificate"),
        passes("glance 2026.2", "[DEFAULT]\nenabled_backends = web:http\n"
                                "[web]\nhttps_insecure = False\n"
                                "[backend_defaults]\nhttps_insecure = True"),
    ),
    source="glance_store _drivers/http.py (https_insecure default True; _get_response: "
           "session.verify = ca_bundle or not https_insecure), driver.py "
           "BackendGroupConfiguration (backend group, then backend_defaults), "
           "multi_backend.py; glance common/wsgi.py initialize_multi_store",
)
def http_store_certificates_unverified(report, context) -> Iterator[Hit]:
    backends = _backends(context)
    if not backends:
        stores = context.option("glance_store", "stores")
        if stores is not None and "http" in (stores.as_list() or ()):
            yield from _unverified(context, ("glance_store",))
        return
    for name, kind in backends.items():
        if kind == "http":
            yield from _unverified(context, (name, "backend_defaults"))


def _unverified(context, groups: tuple[str, ...]) -> Iterator[Hit]:
    """A hit when certificates go unverified: https_insecure True and no CA file, each
    taken from the first of `groups` that sets it (glance_store's fallback)."""
    insecure = _first_set(context, groups, "https_insecure")
    if insecure is not None and insecure[1].as_bool() and _first_set(
            context, groups, "https_ca_certificates_file") is None:
        yield hit(*insecure)


def _first_set(context, groups: tuple[str, ...], name: str) -> tuple[str, Option] | None:
    for group in groups:
        option = _set(context.option(group, name))
        if option is not None:
            return group, option
    return None


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
        fails("nova mitaka", "[keystone_authtoken]\nauth_uri = http://keystone:5000",
              "[keystone_authtoken] auth_uri = http://keystone:5000: the identity service "
              "is reached without TLS"),
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
    reads=("keystone_authtoken.auth_section", "keystone_authtoken.auth_plugin",
           "keystone_authtoken.auth_protocol", "keystone_authtoken.identity_uri",
           "*.auth_type", "*.auth-url", "*.auth_url"),
    message="[keystone_authtoken] {option} = {value} is ignored since {plugin} is set: tokens "
            "are validated at {url}, without TLS",
    what="Legacy [keystone_authtoken] options claim https while the auth plugin that is "
         "really used talks to keystone over plain http.",
    why="Once `auth_type` (or the older `auth_plugin`) is set, keystonemiddleware loads that "
        "plugin and ignores auth_protocol, auth_host, auth_port and identity_uri; a reader "
        "of the report sees `auth_protocol = https` (its default, too) while service "
        "credentials and tokens go over http. GMR119 flags the http URL itself.",
    fix="Point the plugin's auth-url at https and remove the legacy options.",
    examples=(
        fails("nova mitaka", "[keystone_authtoken]\nauth_type = password\n"
                             "auth-url = http://192.168.234.12:35357\nauth_protocol = https",
              "[keystone_authtoken] auth_protocol = https is ignored since auth_type = "
              "password is set: tokens are validated at auth-url = "
              "http://192.168.234.12:35357, without TLS"),
        fails("nova mitaka", "[keystone_authtoken]\nauth_plugin = password\n"
                             "auth_url = http://keystone:35357\n"
                             "identity_uri = https://keystone:35357",
              "[keystone_authtoken] identity_uri = https://keystone:35357 is ignored since "
              "auth_plugin = password is set: tokens are validated at auth_url = "
              "http://keystone:35357, without TLS"),
        # The legacy options are in use without a plugin; with an https plugin URL they
        # claim nothing false.
        passes("nova mitaka", "[keystone_authtoken]\nauth_type = None\n"
                              "auth-url = http://keystone:35357\nauth_protocol = https"),
        passes("nova mitaka", "[keystone_authtoken]\nauth_type = password\n"
                              "auth-url = https://keystone:35357\nauth_protocol = https"),
    ),
    source="keystonemiddleware 4.4.1 auth_token/__init__.py _get_auth_plugin (legacy "
           "AuthTokenPlugin only when no auth_type/auth_plugin), auth_token/_auth.py "
           "(auth_protocol default https, \"Deprecated, use identity_uri\"); seed report "
           "samples/nova-13.0.0-mitaka-api.txt; RULES.md NOVA-012",
)
def auth_scheme_contradiction(report, context) -> Iterator[Hit]:
    section = _set(context.option(_AUTHTOKEN, "auth_section"))
    group = section.value if section is not None else _AUTHTOKEN
    plugin = _set(context.option(group, "auth_type")) or _set(
        context.option(_AUTHTOKEN, "auth_plugin"))
    url = _set(context.option(group, "auth-url")) or _set(context.option(group, "auth_url"))
    if plugin is None or url is None or not _plain_http(url.value):
        return
    protocol = context.option(_AUTHTOKEN, "auth_protocol")
    identity = context.option(_AUTHTOKEN, "identity_uri")
    for option in (protocol, identity):
        text = option.value.lower() if option is not None else ""
        if text == "https" or _scheme(text) == "https":
            yield hit(_AUTHTOKEN, option, plugin=f"{plugin.name} = {plugin.value}",
                      url=f"{url.name} = {redact_url(url.value)}")


def _set(option: Option | None) -> Option | None:
    """The option when it holds a value (not unset, not empty)."""
    return option if option is not None and not option.is_none and option.value else None


def _is_auth_url(name: str) -> bool:
    return name in ("auth-url", "auth_url")


def _plain_http(url: str) -> bool:
    """An http URL to another host (loopback traffic does not leave the machine)."""
    if _scheme(url) != "http":
        return False
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return True
    return host not in _LOCALHOST


@rule(
    code="GMR119", name="auth-url-plain-http", severity=Severity.WARNING,
    reads=("*.auth-url", "*.auth_url"),
    message="[{group}] {option} = {value}: service credentials and tokens go to keystone "
            "without TLS",
    what="A keystoneauth plugin (keystone_authtoken, service_user, placement, neutron, "
         "cinder, glance, ironic and any other auth group) authenticates against keystone "
         "over plain http.",
    why="The plugin sends the service user's password to that URL and gets tokens back: "
        "anyone on the path reads them and acts as the service.",
    fix="Use the https endpoint of keystone in auth-url (and cafile for its CA).",
    examples=(
        fails("nova 2026.2", "[placement]\nauth_type = password\n"
                             "auth-url = http://keystone:5000/v3",
              "[placement] auth-url = http://keystone:5000/v3: service credentials and "
              "tokens go to keystone without TLS"),
        fails("nova mitaka", "[keystone_authtoken]\nauth_type = password\n"
                             "auth-url = http://192.168.234.12:35357",
              "[keystone_authtoken] auth-url = http://192.168.234.12:35357: service "
              "credentials and tokens go to keystone without TLS"),
        passes("nova 2026.2", "[placement]\nauth_type = password\n"
                              "auth-url = https://keystone:5000/v3"),
        passes("nova 2026.2", "[placement]\nauth_type = password\n"
                              "auth-url = http://127.0.0.1:5000/v3"),
    ),
    source="OpenStack Security Guide Check-Compute-04, Check-Block-04, Check-Image-04, "
           "Check-Neutron-04 (keystone URLs over https); keystoneauth1 loading "
           "identity.py (auth-url option of the password plugins)",
)
def auth_url_plain_http(report, context) -> Iterator[Hit]:
    if report.configuration is None:
        return
    for group, option in report.configuration.named(_is_auth_url):
        if option.shape == "scalar" \
                and not option.masked and _plain_http(option.value):
            yield hit(group, option)


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
        fails("neutron 2026.2", "[DEFAULT]\nauth_strategy = noauth",
              "[DEFAULT] auth_strategy = noauth: the API accepts requests without "
              "authentication"),
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
    message="[oslo_messaging_rabbit] {option} = {value}: RPC travels in clear{unless}",
    what="RabbitMQ connections are not encrypted.",
    why="RPC messages carry tokens, passwords and instance data between services. The "
        "transport URL's query overrides the option (`?ssl=1`), and recent releases mask "
        "the URL, so the report alone cannot rule that out: the message says so.",
    fix="Enable TLS to the broker.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nssl = False\n"
                             "[DEFAULT]\ntransport_url = rabbit://ctl:5672/",
              "[oslo_messaging_rabbit] ssl = False: RPC travels in clear, unless "
              "transport_url asks for TLS, which the report masks"),
        fails("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = "
                             "False\n[DEFAULT]\ntransport_url = None",
              "[oslo_messaging_rabbit] rabbit_use_ssl = False: RPC travels in clear"),
        passes("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = False\n"
                              "[DEFAULT]\ntransport_url = rabbit://ctl:5672/?ssl=1"),
        passes("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = True"),
    ),
    source="OpenStack Security Guide, messaging/security.rst; oslo.messaging "
           "_drivers/common.py ConfigOptsProxy (URL query overrides [oslo_messaging_rabbit]); "
           "RULES.md OSLO-MSG-003",
)
def messaging_without_tls(report, context) -> Iterator[Hit]:
    option = context.option("oslo_messaging_rabbit", "ssl") or context.option(
        "oslo_messaging_rabbit", "rabbit_use_ssl")
    if option is None or option.as_bool() is not False:
        return
    url = report.option("DEFAULT", "transport_url")
    if url is not None and url.masked:
        yield hit("oslo_messaging_rabbit", option,
                  unless=", unless transport_url asks for TLS, which the report masks")
        return
    query = parse_qs(urlsplit(url.value).query) if url is not None and "?" in url.value else {}
    if any(value.lower() in ("1", "true", "yes", "on") for value in query.get("ssl", ())):
        return
    yield hit("oslo_messaging_rabbit", option, unless="")


@rule(
    code="GMR120", name="broker-certificate-not-verified", severity=Severity.WARNING,
    reads=("oslo_messaging_rabbit.ssl", "oslo_messaging_rabbit.rabbit_use_ssl",
           "oslo_messaging_rabbit.ssl_ca_file", "oslo_messaging_rabbit.kombu_ssl_ca_certs"),
    message="[oslo_messaging_rabbit] {option} = {value} without {ca}: the broker's "
            "certificate is not verified",
    what="TLS to RabbitMQ is on, but no CA file is given.",
    why="oslo.messaging asks for certificate verification (CERT_REQUIRED and the broker's "
        "host name) only when a CA file is set, so any certificate is accepted and whoever "
        "intercepts the connection can pose as the broker (OSSN-0096).",
    fix="Set ssl_ca_file to the CA that signed the broker's certificate.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nssl = True\nssl_ca_file =",
              "[oslo_messaging_rabbit] ssl = True without ssl_ca_file: the broker's "
              "certificate is not verified"),
        fails("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = True\n"
                             "kombu_ssl_ca_certs =",
              "[oslo_messaging_rabbit] rabbit_use_ssl = True without kombu_ssl_ca_certs: the "
              "broker's certificate is not verified"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nssl = True\n"
                              "ssl_ca_file = /etc/ssl/rabbit-ca.pem"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nssl = False\nssl_ca_file ="),
    ),
    source="OSSN-0096; oslo.messaging 18.3.1 _drivers/impl_rabbit.py _fetch_ssl_params "
           "(cert_reqs and server_hostname only with ssl_ca_file) and the "
           "ssl_enforce_hostname_verification help (\"ssl=true without ssl_ca_file never "
           "enables hostname verification\")",
)
def broker_certificate_not_verified(report, context) -> Iterator[Hit]:
    # Today's names, else those of releases before oslo.messaging renamed them (Mitaka).
    for ssl_name, ca_name in (("ssl", "ssl_ca_file"), ("rabbit_use_ssl", "kombu_ssl_ca_certs")):
        ssl = context.option("oslo_messaging_rabbit", ssl_name)
        if ssl is None:
            continue
        ca_file = context.option("oslo_messaging_rabbit", ca_name)
        if ssl.as_bool() and ca_file is not None and ca_file.value in ("", "None"):
            yield hit("oslo_messaging_rabbit", ssl, ca=ca_name)
        return


_WEAK_TLS = ("sslv2", "sslv3", "tlsv1", "tlsv1_1")


@rule(
    code="GMR121", name="broker-weak-tls-version", severity=Severity.WARNING,
    reads=("oslo_messaging_rabbit.ssl", "oslo_messaging_rabbit.rabbit_use_ssl",
           "oslo_messaging_rabbit.ssl_version", "oslo_messaging_rabbit.kombu_ssl_version"),
    message="[oslo_messaging_rabbit] {option} = {value}: the broker connection is pinned to a "
            "broken protocol version",
    what="TLS to RabbitMQ is pinned to SSLv2, SSLv3, TLS 1.0 or TLS 1.1.",
    why="These versions have practical attacks (POODLE, BEAST) and are deprecated "
        "(RFC 8996); pinning one also stops the connection from negotiating TLS 1.2 or 1.3.",
    fix="Leave the option empty, so that the highest version both ends support is used.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nssl = True\nssl_version = TLSv1",
              "[oslo_messaging_rabbit] ssl_version = TLSv1: the broker connection is pinned "
              "to a broken protocol version"),
        fails("nova mitaka", "[oslo_messaging_rabbit]\nrabbit_use_ssl = True\n"
                             "kombu_ssl_version = SSLv3",
              "[oslo_messaging_rabbit] kombu_ssl_version = SSLv3: the broker connection is "
              "pinned to a broken protocol version"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nssl = True\nssl_version = TLSv1_2"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nssl = False\nssl_version = TLSv1"),
    ),
    source="OSSN-0039; oslo.messaging _drivers/impl_rabbit.py _SSL_PROTOCOLS and "
           "validate_ssl_version (ssl_version used only with ssl); RFC 8996",
)
def broker_weak_tls_version(report, context) -> Iterator[Hit]:
    # Today's names, else those of releases before oslo.messaging renamed them (Mitaka).
    for ssl_name, version_name in (("ssl", "ssl_version"),
                                   ("rabbit_use_ssl", "kombu_ssl_version")):
        ssl = context.option("oslo_messaging_rabbit", ssl_name)
        if ssl is None:
            continue
        version = context.option("oslo_messaging_rabbit", version_name)
        if ssl.as_bool() and version is not None and version.value.lower() in _WEAK_TLS:
            yield hit("oslo_messaging_rabbit", version)
        return


rabbit_heartbeat_disabled = option_rule(
    code="GMR107", name="rabbit-heartbeat-disabled", severity=Severity.WARNING,
    group="oslo_messaging_rabbit", option="heartbeat_timeout_threshold", when=("eq", 0),
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

authtoken_auth_uri_deprecated = option_rule(
    code="GMR108", name="authtoken-auth-uri-deprecated", severity=Severity.INFO,
    group=_AUTHTOKEN, option="auth_uri", when=("not_in", ["None", ""]),
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
        passes("nova 2026.2", "[keystone_authtoken]\nauth_uri ="),
    ),
    source="keystonemiddleware release notes rename-auth-uri (4.18.0), "
           "remove-AuthTokenPlugin (13.0.0)",
)


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
        passes("nova 2026.2", "[keystone_authtoken]\nmemcached_servers = "
                              "None\nmemcache_security_strategy = None"),
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


service_token_roles = option_rule(
    code="GMR110", name="service-token-roles-not-required", severity=Severity.WARNING,
    group=_AUTHTOKEN, option="service_token_roles_required", when=("eq", False),
    # keystone prints [keystone_authtoken] (it imports keystonemiddleware) but never reads
    # it: its AuthContextMiddleware builds BaseAuthProtocol with its own arguments.
    services=tuple(service for service in SERVICES if service != "keystone"),
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
        passes("keystone 2025.1", "[keystone_authtoken]\nservice_token_roles_required = False"),
    ),
    source="keystonemiddleware release notes allow-expired (4.12.0), "
           "service-token-roles-required-default-true (13.0.0); keystone server/flask/"
           "request_processing/middleware/auth_context.py (keystone does not read the group)",
)

sql_statement_logging = option_rule(
    code="GMR111", name="sql-statement-logging", severity=Severity.WARNING,
    group="database", option="connection_debug", when=("ge", 100),
    message="[database] connection_debug = {value}: every SQL statement is logged",
    what="oslo.db logs every SQL statement with its parameters.",
    why="Logs fill with row data, including what users stored, and the database slows down.",
    fix="Set it back to 0.",
    examples=(
        fails("nova 2026.2", "[database]\nconnection_debug = 100",
              "[database] connection_debug = 100: every SQL statement is logged"),
        passes("nova 2026.2", "[database]\nconnection_debug = 50"),
    ),
    source="oslo.db options help (\"100=Log everything\"); RULES.md OSLO-DB-001",
)

host_is_localhost = option_rule(
    code="GMR112", name="host-is-localhost", severity=Severity.WARNING,
    group="DEFAULT", option="host",
    when=("matches", r"(?i)^(localhost(\.localdomain)?|127\.0\.0\.1|::1)$"),
    message="[DEFAULT] host = {value}: the node does not have a name of its own",
    what="The service's `host` is a loopback name.",
    why="`host` names the service's RPC queue and, for nova and neutron, the port binding; "
        "several nodes called localhost take each other's messages and ports.",
    fix="Leave `host` unset (the machine's host name is used) or give the node's own name.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nhost = localhost",
              "[DEFAULT] host = localhost: the node does not have a name of its own"),
        passes("nova 2026.2", "[DEFAULT]\nhost = compute-12"),
        passes("nova 2026.2", "[DEFAULT]\nhost = localhost-12"),
    ),
    source="nova/conf/netconf.py `host` help; risu BZ 1474092; RULES.md NOVA-020",
)


@rule(
    code="GMR113", name="broker-hostname-not-verified", severity=Severity.WARNING,
    releases=(None, "2026.1"),
    reads=("oslo_messaging_rabbit.ssl", "oslo_messaging_rabbit.ssl_ca_file",
           "oslo_messaging_rabbit.ssl_enforce_hostname_verification"),
    message="[oslo_messaging_rabbit] ssl_enforce_hostname_verification = {value} with TLS on: "
            "the broker's certificate name is not checked",
    what="TLS to RabbitMQ is on with a CA file, but the broker's host name is not verified.",
    why="Any certificate from the CA is accepted, so whoever holds one can pose as the broker "
        "(OSSN-0096); stable branches that added the option default to False. From 2026.2 "
        "(oslo.messaging 18.3) the option is deprecated and does nothing: verification is "
        "always on with a CA file. Without a CA file GMR120 applies.",
    fix="Turn hostname verification on.",
    examples=(
        fails("nova 2026.1", "[oslo_messaging_rabbit]\nssl = True\nssl_ca_file = "
                             "/etc/ssl/ca.pem\nssl_enforce_hostname_verification = False",
              "[oslo_messaging_rabbit] ssl_enforce_hostname_verification = False with TLS on: "
              "the broker's certificate name is not checked"),
        passes("nova 2026.1", "[oslo_messaging_rabbit]\nssl = True\nssl_ca_file = "
                              "/etc/ssl/ca.pem\nssl_enforce_hostname_verification = True"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nssl = True\nssl_ca_file = "
                              "/etc/ssl/ca.pem\nssl_enforce_hostname_verification = False"),
    ),
    source="OSSN-0096; oslo.messaging 18.3.0 and 18.3.1 _drivers/impl_rabbit.py (option "
           "deprecated, \"Verification is always enabled now\", read nowhere); RULES.md "
           "OSLO-MSG-004",
)
def broker_hostname_not_verified(report, context) -> Iterator[Hit]:
    ssl = context.option("oslo_messaging_rabbit", "ssl")
    ca_file = context.option("oslo_messaging_rabbit", "ssl_ca_file")
    option = context.option("oslo_messaging_rabbit", "ssl_enforce_hostname_verification")
    if ssl is not None and ssl.as_bool() and ca_file is not None \
            and ca_file.value not in ("", "None") and option is not None \
            and option.as_bool() is False:
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


mysql_sql_mode_empty = option_rule(
    code="GMR115", name="mysql-sql-mode-empty", severity=Severity.WARNING,
    group="database", option="mysql_sql_mode", when=("eq", ""),
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

json_policy_file = option_rule(
    code="GMR116", name="json-policy-file", severity=Severity.WARNING,
    group="oslo_policy", option="policy_file", when=("matches", r"\.json$"),
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

long_token_cache = option_rule(
    code="GMR117", name="long-token-cache", severity=Severity.INFO,
    group=_AUTHTOKEN, option="token_cache_time", when=("gt", 300),
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

request_body_limit_raised = option_rule(
    code="GMR122", name="request-body-limit-raised", severity=Severity.INFO,
    group="oslo_middleware", option="max_request_body_size", when=("gt", 114688),
    message="[oslo_middleware] max_request_body_size = {value}: the API accepts request "
            "bodies above the 112 KiB default",
    what="oslo.middleware's request size limit is raised above its default.",
    why="The limit is what stops a client from making an API worker read and parse an "
        "arbitrarily large body; raised, large requests tie up workers' memory and CPU "
        "(denial of service). A deployment may need more for a reason; the Security Guide "
        "asks for the default.",
    fix="Keep 114688 unless a documented need says otherwise.",
    examples=(
        fails("keystone 2026.2", "[oslo_middleware]\nmax_request_body_size = 10485760",
              "[oslo_middleware] max_request_body_size = 10485760: the API accepts request "
              "bodies above the 112 KiB default"),
        passes("keystone 2026.2", "[oslo_middleware]\nmax_request_body_size = 114688"),
    ),
    source="OpenStack Security Guide Check-Identity-05, Check-Block-08; oslo.middleware "
           "8.2.0 sizelimit.py (default 114688; RequestBodySizeLimiter rejects a larger "
           "Content-Length, LimitingReader a longer body), in the pipeline of nova 34 and "
           "cinder 29 api-paste.ini and keystone 28 server/flask/core.py; RULES.md "
           "KEYSTONE-004, CINDER-006",
)


@rule(
    code="GMR123", name="policy-deprecated-defaults-allowed", severity=Severity.WARNING,
    reads=("oslo_policy.enforce_new_defaults",),
    message="[oslo_policy] enforce_new_defaults = {value}: the deprecated policy rules still "
            "grant access, which {service} {release} no longer does by default",
    what="The service opts out of enforcing only the new (scope and role aware) policy "
         "defaults, in a release where enforcing them is the default.",
    why="With False, oslo.policy ORs each deprecated check string with the new one, so "
        "whatever the old rules allowed (such as admin in any project acting on every "
        "project) stays allowed. Before the release that turned it on (nova and glance "
        "2023.1, neutron 2023.2, ironic 2024.1, keystone 2024.2, cinder 2026.2) False is "
        "the default and nothing is reported.",
    fix="Remove the setting after checking that users hold the roles the new defaults "
        "expect (member, reader, manager).",
    examples=(
        fails("nova 2026.2", "[oslo_policy]\nenforce_new_defaults = False",
              "[oslo_policy] enforce_new_defaults = False: the deprecated policy rules still "
              "grant access, which nova 2026.2 no longer does by default"),
        passes("nova 2026.2", "[oslo_policy]\nenforce_new_defaults = True"),
        passes("nova zed", "[oslo_policy]\nenforce_new_defaults = False"),
        passes("cinder 2026.1", "[oslo_policy]\nenforce_new_defaults = False"),
    ),
    source="oslo.policy 6.0.1 opts.py (enforce_new_defaults help) and policy.py "
           "(deprecated check OR'd in unless enforce_new_defaults); gmr knowledge base "
           "(each service's default per release: the services set it with "
           "oslo_policy.opts.set_defaults)",
)
def policy_deprecated_defaults_allowed(report, context) -> Iterator[Hit]:
    option = context.option("oslo_policy", "enforce_new_defaults")
    if option is None or option.as_bool() is not False:
        return
    release = context.release
    if release is None:
        raise ReleaseUnknown
    if context.service not in knowledge.services() or release.name not in {
            known.name for known in knowledge.releases(context.service)}:
        return
    fact = knowledge.options(context.service, release.name).get(
        ("oslo_policy", "enforce_new_defaults"))
    if fact is not None and fact.default == "True":
        yield hit("oslo_policy", option, service=context.service, release=release.name)


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
    http_store_certificates_unverified,
    auth_url_plain_http,
    broker_certificate_not_verified,
    broker_weak_tls_version,
    request_body_limit_raised,
    policy_deprecated_defaults_allowed,
)
