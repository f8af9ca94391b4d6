"""The reports of the rules' examples, made by the real oslo.reports generator.

A rule's example names a service, a release and the options set (`gmr.lint.api.Node`).
Each option is registered as upstream registers it in that release (type and `secret`,
from the knowledge base; for a release older than the knowledge base, the oldest release
it holds, for the type alone; an option no release registers is typed by its text), so
a password upstream marks secret prints `***` as in a real report. The Package section names the service and
a version of the release, so the release is known as from a real report.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import generator as gen

import gmr
from gmr import knowledge
from gmr.lint.api import Node
from gmr.releases import LIBERTY_MAJOR, release_named

#: The knowledge base's types (oslo-config-generator's names) as the generator's.
_TYPES = {"boolean value": "bool", "integer value": "int", "floating point value": "float",
          "list value": "list", "dict value": "dict", "multi valued": "multistr",
          "port value": "port", "uri value": "uri", "host address value": "hostaddress",
          "IP address value": "ip"}


def _fact(service: str, release: str, group: str, name: str) -> knowledge.OptionFact | None:
    if service not in knowledge.services():
        return None
    known = [r.name for r in knowledge.releases(service)]
    target = release_named(release)
    names = [release] if release in known else \
        sorted(known, key=lambda r: abs(release_named(r).index - target.index))
    for candidate in names:
        fact = knowledge.options(service, candidate).get((gmr.models.group_key(group), name))
        if fact is not None:
            return fact
    return None


def _covered(service: str, release: str) -> bool:
    return service in knowledge.services() and \
        release in [r.name for r in knowledge.releases(service)]


def _typed(kind: str, text: str | list[str]) -> Any:
    if kind == "multistr":
        return text if isinstance(text, list) else [text]
    if text == "None":
        return None
    if kind == "bool":
        return text == "True"
    if kind in ("int", "port"):
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "list":
        return [item.strip() for item in text.split(",")] if text else []
    if kind == "dict":
        return dict(pair.split(":", 1) for pair in text.split(",")) if text else {}
    return text


def _guessed(text: str | list[str]) -> str:
    if isinstance(text, list):
        return "multistr"
    if text in ("True", "False"):
        return "bool"
    if text.lstrip("-").isdecimal():
        return "int"
    return "str"


def package(service: str, release: str) -> tuple[str, str, str]:
    """The Package section of `service` in `release`: the version the knowledge base
    recorded for the release, else the one its number in step with releases gives."""
    version = next((known.version for known in knowledge.releases(service)
                    if known.name == release), None) \
        if service in knowledge.services() else None
    if version is None:
        since_liberty = release_named(release).index - release_named("liberty").index
        version = f"{LIBERTY_MAJOR[service] + since_liberty}.0.0"
    return f"OpenStack {service.title()}", "OpenStack Foundation", version


@lru_cache(maxsize=None)
def node_text(node: Node) -> str:
    """The text of a real report of `node`: its options set, nothing else running."""
    specs = []
    for group, name, text in node.settings():
        fact = _fact(node.service, node.release, group, name)
        kind = _TYPES.get(fact.type, "str") if fact is not None else _guessed(text)
        secret = fact is not None and fact.secret and _covered(node.service, node.release)
        specs.append(gen.OptionSpec(group, name, kind, _typed(kind, text), secret=secret))
    return gen.generate(gen.ReportSpec(options=tuple(specs),
                                       package=package(node.service, node.release),
                                       threads=0, greenlets=0)).text


def node_report(node: Node, path: str) -> gmr.Report:
    (report,) = gmr.parse(node_text(node), path=path)
    return report
