"""Real reports of a service left at its upstream defaults, optionally configured.

`defaults_text(service, release)` is the report, made by the real oslo.reports generator
(tests/generator.py), of a process that registers every option the knowledge base knows
for that service release, each with upstream's type and `secret` flag and at upstream's
default; host-dependent defaults (`<hostname>`, `<host_ip>` ...) hold the values of one
plausible host. The Package section names the service and the release's version, as in
tests/rule_examples.py.

`overrides` set options as a config file writes them: {(group, name): text}, the text as
after `name = ` (lists comma-separated, dicts `k:v,k2:v2`, `None` for unset). Setting a
group's `auth_type` also registers the options of that keystoneauth plugin in the group,
as keystoneauth does when the service loads it. A group upstream does not register by
name (a cinder backend, a glance store) holds just the options the overrides give it,
typed as in [backend_defaults], [glance_store] or [DEFAULT] (cinder appends its volume
manager's [DEFAULT] options to each backend). An option the knowledge base does not
know is an error: the production configs must stay true to upstream.

Reports are cached per test process: the 57 reports of every service and release take
about 20 s to make (bench/lint_bench.py says how long).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

import generator as gen
from rule_examples import _TYPES, _typed, package

import gmr
from gmr import knowledge
from gmr.models import group_key

#: What one plausible host puts in place of the knowledge base's placeholders.
HOST = {"<hostname>": "node-1", "<fqdn>": "node-1.cloud.example.org",
        "<host_ip>": "10.20.30.11", "<host_ipv6>": "fd00:20:30::11",
        "<site-packages>": "/usr/lib/python3/dist-packages", "<prefix>": "/usr",
        "<python>": "/usr/bin/python3"}

#: The program each service's report comes from when the caller names none.
PROGRAMS = {"nova": "nova-compute", "neutron": "neutron-server", "cinder": "cinder-volume",
            "glance": "glance-api", "keystone": "keystone", "ironic": "ironic-conductor"}

#: Options the generator's process registers itself (oslo.config's own, and the
#: [oslo_reports] ones the harness drives).
_HARNESS = {("default", "config-file"), ("default", "config-dir"),
            ("default", "config_source"), ("default", "shell_completion"),
            ("oslo_reports", "log_dir"), ("oslo_reports", "file_event_handler"),
            ("oslo_reports", "file_event_handler_interval")}

#: Runtime defaults the knowledge base records wrong: (service, group, name) ->
#: (what it records, what the service really starts with). A correction whose recorded
#: default the knowledge base no longer holds is an error, so none outlives the data's
#: fix.
CORRECTIONS: dict[tuple[str, str, str], tuple[str, str]] = {}

#: Where the options of a group upstream does not register by name are defined.
_TEMPLATES = ("backend_defaults", "glance_store", "default")

Overrides = Mapping[tuple[str, str], str]


def _host(text: str, program: str) -> str:
    for placeholder, value in {**HOST, "<program>": program}.items():
        text = text.replace(placeholder, value)
    return text


def _default(service: str, fact: knowledge.OptionFact, kind: str, program: str) -> Any:
    """The value to set so the report prints upstream's default."""
    default = fact.default
    correction = CORRECTIONS.get((service, fact.group, fact.name))
    if correction is not None and default != correction[1]:
        if default != correction[0]:
            raise AssertionError(f"the knowledge base now holds {default!r} for {service} "
                                 f"[{fact.group}] {fact.name}: drop its correction")
        default = correction[1]
    if isinstance(default, dict):
        return {key: _host(value, program) for key, value in default.items()}
    if isinstance(default, tuple):
        items = [_host(item, program) for item in default]
        return items if kind in ("list", "multistr") else ",".join(items)
    return _value(kind, _host("None" if default is None else default, program))


def _value(kind: str, text: str | list[str]) -> Any:
    """`text` as a config file writes it, as the option's type holds it."""
    if text == "None":
        return None
    if kind == "multistr" and text == "":
        return []
    return _typed(kind, text)


def _dest(name: str) -> str:
    return name.replace("-", "_")


def _plugins(overrides: Overrides) -> dict[str, str]:
    """{group as printed: keystoneauth plugin} for each group whose auth_type is set."""
    return {group_key(group).lower(): text for (group, name), text in overrides.items()
            if _dest(name) == "auth_type" and text != "None"}


def _specs(service: str, release: str, overrides: Overrides,
           program: str) -> list[gen.OptionSpec]:
    facts = knowledge.options(service, release)
    plugins = _plugins(overrides)
    chosen: dict[tuple[str, str], knowledge.OptionFact] = {}
    for (group, name), fact in facts.items():
        if (group, name) in _HARNESS:
            continue
        if fact.auth_plugins and plugins.get(group.lower()) not in fact.auth_plugins:
            continue
        chosen.setdefault((group, _dest(name)), fact)
    groups = {group for group, _ in facts}
    folded = {group.lower(): group for group in groups}
    values: dict[tuple[str, str], Any] = {}
    for (group, name), text in overrides.items():
        key = group_key(group)
        known = key if key in groups else folded.get(key.lower())
        fact = chosen.get((known, _dest(name))) if known else next(
            (facts[template, name] for template in _TEMPLATES if (template, name) in facts),
            None)
        if fact is None:
            raise KeyError(f"{service} {release} registers no [{group}] {name}")
        chosen[known or group, _dest(name)] = fact
        values[known or group, _dest(name)] = _value(_TYPES.get(fact.type, "str"), text)
    specs = []
    for (group, dest), fact in chosen.items():
        kind = _TYPES.get(fact.type, "str")
        value = values[(group, dest)] if (group, dest) in values else \
            _default(service, fact, kind, program)
        specs.append(gen.OptionSpec("DEFAULT" if group == "default" else group, fact.name,
                                    kind, value, secret=fact.secret))
    return specs


@lru_cache(maxsize=None)
def _text(service: str, release: str, overrides: tuple[tuple[tuple[str, str], str], ...],
          program: str) -> str:
    specs = _specs(service, release, dict(overrides), program)
    return gen.generate(gen.ReportSpec(options=tuple(specs), package=package(service, release),
                                       threads=0, greenlets=0)).text


def defaults_text(service: str, release: str, overrides: Overrides | None = None,
                  program: str | None = None) -> str:
    """The text of a real report of `service` in `release` at upstream's defaults, with
    `overrides` set, printed by `program` (its `[oslo_messaging_rabbit] processname`)."""
    return _text(service, release, tuple(sorted((overrides or {}).items())),
                 program or PROGRAMS[service])


def defaults_report(service: str, release: str, overrides: Overrides | None = None,
                    program: str | None = None) -> gmr.Report:
    """`defaults_text` parsed."""
    (report,) = gmr.parse(defaults_text(service, release, overrides, program),
                          path=f"{service}-{release}.txt")
    return report


def every_release() -> list[tuple[str, str]]:
    """(service, release) for every release of every service the knowledge base holds."""
    return [(service, known.name) for service in knowledge.services()
            for known in knowledge.releases(service)]
