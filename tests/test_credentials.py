"""Credentials printed in clear, in real reports from the real generator: `gmr diff` (table
on a terminal, rows in a pipe, JSON), `gmr parse --redact` and `gmr lint` (GMR010) must
never print one again, and must print as they are the values that only look like one."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from conftest import report_text, run_gmr
import pytest

NOVA = ("OpenStack Nova", "OpenStack Foundation", "29.0.0")
CINDER = ("OpenStack Cinder", "OpenStack Foundation", "29.0.0")
IRONIC = ("OpenStack Ironic", "OpenStack Foundation", "29.0.0")
KEYSTONE = ("OpenStack Keystone", "OpenStack Foundation", "29.0.0")


@dataclass(frozen=True)
class Case:
    """One option, set to a different value on each of two nodes."""

    id: str
    package: tuple[str, str, str]
    group: str
    option: str
    kind: str
    values: tuple
    #: What must never be printed: the credentials inside the values.
    secrets: tuple[str, ...] = ()

    def write(self, folder: Path) -> list[str]:
        paths = []
        for n, value in enumerate(self.values, 1):
            path = folder / f"node{n}.txt"
            path.write_text(report_text([("DEFAULT", "host", "str", f"node{n}"),
                                         (self.group, self.option, self.kind, value)],
                                        self.package))
            paths.append(str(path))
        return paths


LEAKED = [
    Case("cinder pure_api_token", CINDER, "pure-1", "pure_api_token", "str",
         ("6f4e8a2c-1b3d-4e5f-8a9b-0c1d2e3f4a5b", "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d"),
         ("6f4e8a2c", "9a8b7c6d")),
    Case("kioxia_token", CINDER, "kioxia-1", "kioxia_token", "str",
         ("kx7Qp2ZrT9", "kx3Vn8LwB4"), ("kx7Qp2ZrT9", "kx3Vn8LwB4")),
    Case("numeric password", NOVA, "keystone_authtoken", "password", "str",
         ("86429753", "97531864"), ("86429753", "97531864")),
    Case("dotted passphrase", NOVA, "keystone_authtoken", "password", "str",
         ("correct.horse.battery", "staple.horse.battery"), ("correct.horse", "staple.horse")),
    Case("URL password", NOVA, "DEFAULT", "transport_url", "str",
         ("rabbit://nova:Rb7pw1@ctl:5672/", "rabbit://nova:Rb7pw2@ctl:5672/"),
         ("Rb7pw1", "Rb7pw2")),
    Case("URL password holding @", NOVA, "database", "connection", "str",
         ("mysql+pymysql://nova:My@pw1x@db/nova", "mysql+pymysql://nova:My@pw2x@db/nova"),
         ("pw1x", "pw2x")),
    Case("URL query password", CINDER, "coordination", "backend_url", "str",
         ("redis://ctl:6379?password=Rd5pw1&db=0", "redis://ctl:6379?password=Rd5pw2&db=0"),
         ("Rd5pw1", "Rd5pw2")),
    Case("URL password in a list", NOVA, "glance", "api_servers", "list",
         (["http://glance:Gl4pw1@ctl:9292"], ["http://glance:Gl4pw2@ctl:9292"]),
         ("Gl4pw1", "Gl4pw2")),
]

NOT_CREDENTIALS = [
    Case("ironic clean step priority", IRONIC, "ilo", "clean_priority_reset_ilo_credential",
         "int", (30, 0)),
    Case("cinder key path", CINDER, "pure-1", "san_private_key", "str",
         ("/etc/cinder/id_rsa", "/etc/cinder/id_ecdsa")),
    Case("keystone auth plugin", KEYSTONE, "auth", "password", "str",
         ("keystone.auth.plugins.password.Password", None)),
    Case("nova placeholder", NOVA, "DEFAULT", "s3_access_key", "str", ("notchecked", None)),
]


def printed(value) -> str:
    """A generated value as the report prints it."""
    return "None" if value is None else ",".join(value) if isinstance(value, list) else str(value)


def everything_printed(paths: list[str]) -> dict[str, str]:
    """What every command prints about the two nodes, stdout and stderr, by command."""
    out = {}
    for name, args, tty in [
        ("diff terminal", ["diff", *paths], True),
        ("diff pipe", ["diff", *paths], False),
        ("diff json", ["diff", "--json", *paths], False),
        ("parse --redact json", ["parse", "--redact", "--json", *paths], False),
        ("parse --redact jsonl", ["parse", "--redact", "--jsonl", *paths], False),
        ("lint text", ["lint", *paths], False),
        ("lint json", ["lint", "--format", "json", *paths], False),
    ]:
        result = run_gmr(*args, tty=tty, width=300)
        out[name] = result.stdout + result.stderr
    return out


@pytest.mark.parametrize("case", LEAKED, ids=lambda case: case.id)
def test_credentials_in_clear_are_never_printed_again(case, tmp_path):
    paths = case.write(tmp_path)
    for secret in case.secrets:
        assert secret in Path(paths[0]).read_text() + Path(paths[1]).read_text()
    outputs = everything_printed(paths)
    for command, output in outputs.items():
        for secret in case.secrets:
            assert secret not in output, command
    for command in ("diff terminal", "diff pipe", "diff json"):
        assert case.option in outputs[command] and " #2" in outputs[command], command
    lint = json.loads(run_gmr("lint", "--format", "json", paths[0]).stdout)
    assert [(f["code"], f["group"], f["option"]) for f in lint if f["code"] == "GMR010"] == [
        ("GMR010", case.group.lower() if case.group == "DEFAULT" else case.group, case.option)]


@pytest.mark.parametrize("case", NOT_CREDENTIALS, ids=lambda case: case.id)
def test_values_that_only_look_like_credentials_are_printed_as_they_are(case, tmp_path):
    paths = case.write(tmp_path)
    outputs = everything_printed(paths)
    for command in ("diff terminal", "diff pipe", "diff json"):
        for value in case.values:
            assert printed(value) in outputs[command], command
        assert "<redacted>" not in outputs[command]
    redacted = json.loads(run_gmr("parse", "--redact", "--json", paths[0]).stdout)
    assert redacted["configuration"][case.group.lower()][case.option] == printed(case.values[0])
    assert "GMR010" not in outputs["lint text"] + outputs["lint json"]


def _upstream():
    """(service, release, fact) of every option the knowledge base knows."""
    from gmr import knowledge

    for service in knowledge.services():
        for release in knowledge.releases(service):
            for fact in knowledge.options(service, release.name).values():
                yield service, release.name, fact


def test_every_name_upstream_registers_secret_is_a_credential_name():
    from gmr.credentials import UPSTREAM_SECRET, is_credential_name

    secret = {fact.name for _, _, fact in _upstream() if fact.secret}
    assert sorted(name for name in secret if not is_credential_name(name)) == []
    assert sorted(UPSTREAM_SECRET - secret) == [], "names upstream no longer registers secret"


def test_no_default_upstream_prints_in_clear_is_taken_for_a_credential():
    from gmr.credentials import leaks

    taken = set()
    for service, release, fact in _upstream():
        default = fact.default
        texts = (default if isinstance(default, tuple) else default.values()
                 if isinstance(default, dict) else (default or "",))
        if not fact.secret and any(leaks(fact.name, text) for text in texts):
            taken.add((service, fact.group, fact.name, str(default)))
    assert sorted(taken) == []
