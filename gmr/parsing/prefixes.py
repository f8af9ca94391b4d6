"""Per-line wrappers that log collectors put around a report, and how to strip them.

A report printed to stderr reaches the operator through journald, syslog, a container
runtime or Apache, each of which prefixes every line. The prefix is recognised once, on
the report's banner line; the same pattern then strips every following line, and the
writer it names (`nova-compute[1234]`, a pid, a stream) tells apart reports that several
processes printed into the same stream at the same time.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from gmr.parsing.times import iso_in

_TIMESTAMP = (
    r"(?P<time>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d(?:\.\d+)?"  # journalctl short(-precise), syslog
    r"|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d)?)"  # short-iso, RFC 3339
)
_IDENT = r"(?P<channel>[^\s\[\]]+\[\d+\])"

#: Known wrappers, tried in order on the part of the banner line before the `====`.
KNOWN = {
    "journald": re.compile(rf"{_TIMESTAMP} (?P<host>\S+) {_IDENT}: ?"),
    "ident": re.compile(rf"{_IDENT}: ?"),
    "cri": re.compile(r"(?P<time>\d{4}-\d\d-\d\dT\S+) (?P<channel>stdout|stderr) (?P<flag>[FP]) ?"),
    "apache": re.compile(
        r"\[(?P<time>[^\]]*)\] \[[^\]]*\] \[pid (?P<channel>\d+)(?::tid \d+)?\]"
        r"(?: \[(?:client|remote) [^\]]*\])? ?"
    ),
}
_DOCKER_JSON = re.compile(r'\{\s*"log"\s*:\s*"')
_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class Prefix:
    """The wrapper found on a banner line, able to unwrap the lines that follow."""

    kind: str
    pattern: re.Pattern[str] | None
    channel: str | None = None
    host: str | None = None
    #: The wrapper's stamp on the banner line, as written (gmr.parsing.times).
    time: str | None = None

    def payload(self, line: str) -> tuple[str, bool] | None:
        """The report text of `line` and whether it continues on the next record
        (a partial line), or None when the line belongs to another writer."""
        if self.kind == "docker-json":
            return _docker_payload(line, self.channel)
        match = self.pattern.match(line)
        if match is None:
            return None
        if self.channel is not None and match.group("channel") != self.channel:
            return None
        partial = self.kind == "cri" and match.group("flag") == "P"
        return line[match.end():], partial


def detect(line: str, start: int) -> Prefix | None:
    """Recognise the wrapper of a banner `line` whose report text begins at `start`.

    Unknown wrappers still work when their shape repeats: the prefix becomes a pattern
    with its digit runs generalised, so a timestamp that changes on every line matches.
    """
    prefix_text = line[:start]
    if not prefix_text:
        return None
    if _DOCKER_JSON.match(prefix_text):
        record = _docker_record(line)
        return Prefix("docker-json", None, channel=_text(record.get("stream")),
                      time=_text(record.get("time")))
    for kind, pattern in KNOWN.items():
        match = pattern.fullmatch(prefix_text)
        if match:
            groups = match.groupdict()
            return Prefix(kind, pattern, channel=groups.get("channel"), host=groups.get("host"),
                          time=groups.get("time"))
    generic = re.compile(
        "".join(
            re.escape(part) if i % 2 == 0 else r"\d+"
            for i, part in enumerate(_split_digits(prefix_text))
        )
    )
    return Prefix("generic", generic, time=iso_in(prefix_text))


def _split_digits(text: str) -> list[str]:
    parts: list[str] = []
    last = 0
    for match in _DIGITS.finditer(text):
        parts += [text[last:match.start()], match.group()]
        last = match.end()
    parts.append(text[last:])
    return parts


def _docker_payload(line: str, stream: str | None) -> tuple[str, bool] | None:
    if not _DOCKER_JSON.match(line):
        return None
    try:
        record = json.loads(line)
        text = record["log"]
    except (ValueError, KeyError, TypeError):
        return None
    if not isinstance(text, str) or (stream is not None and record.get("stream") != stream):
        return None
    if text.endswith("\n"):
        return text[:-1], False
    return text, True


def _docker_record(line: str) -> dict:
    """The banner line's docker json-file record: its stream (stdout/stderr), to follow
    only that one, and its time."""
    try:
        record = json.loads(line)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
