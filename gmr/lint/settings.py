"""`gmr lint` settings: `[tool.gmr]` in pyproject.toml, or a `.gmr.toml` file.

    [tool.gmr]
    select = ["GMR1", "GMR010"]        # code prefixes; empty means every rule
    ignore = ["GMR124"]
    fail-on = "warning"                # error (default), warning or info
    rules = ["gmr-rules.toml"]         # custom rules, relative to this file
    [tool.gmr.severity]
    GMR104 = "error"
    [[tool.gmr.waiver]]
    code = "GMR112"
    hosts = ["compute-*"]              # globs on [DEFAULT] host; empty means every node
    reason = "VNC proxy runs on each compute, see OPS-1234"
    expires = 2027-03-31               # optional; an expired waiver is reported, not applied

The file is read as data only (TOML); an error names the file and the line.
"""

from __future__ import annotations

import fnmatch
import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Iterable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gmr.errors import ConfigError, UsageError
from gmr.lint.api import Severity

FILES = (".gmr.toml", "pyproject.toml")
_CODE_PREFIX = re.compile(r"^GMR\d{0,3}$")


class Waiver(BaseModel):
    """An accepted finding: which code, on which nodes, why, and until when."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str
    hosts: tuple[str, ...] = ()
    reason: str = Field(min_length=1)
    expires: date | None = None
    #: Where the waiver is written, to point at it when it expires.
    line: int | None = None

    def covers(self, code: str, node: str | None) -> bool:
        if code != self.code:
            return False
        return not self.hosts or (node is not None and any(
            fnmatch.fnmatchcase(node, pattern) for pattern in self.hosts))


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = {}
    fail_on: Severity = Field(default=Severity.ERROR, alias="fail-on")
    rules: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = Field(default=(), alias="waiver")
    #: The file these settings came from.
    source: str | None = None

    @field_validator("select", "ignore")
    @classmethod
    def _prefixes(cls, prefixes: tuple[str, ...]) -> tuple[str, ...]:
        for prefix in prefixes:
            if not _CODE_PREFIX.match(prefix):
                raise ValueError(f"{prefix!r} is not a code or code prefix like GMR1 or GMR101")
        return prefixes

    def selects(self, code: str) -> bool:
        """Whether the rule `code` runs: selected (or no selection) and not ignored.
        The longest matching prefix wins, as in ruff."""
        chosen = max((len(p) for p in self.select if code.startswith(p)), default=-1)
        if self.select and chosen < 0:
            return False
        dropped = max((len(p) for p in self.ignore if code.startswith(p)), default=-1)
        return dropped <= chosen if dropped >= 0 else True

    def severity_of(self, code: str) -> Severity | None:
        return self.severity.get(code)

    def with_flags(self, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
                   fail_on: str | None = None, rules: Iterable[str] = ()) -> Settings:
        """These settings with the command line's flags on top: `select` replaces the
        file's selection, `ignore` and `rules` add to it. A bad flag raises a UsageError
        that names it."""
        select, ignore = tuple(select), tuple(ignore)
        for flag, codes in (("--select", select), ("--ignore", ignore)):
            for code in codes:
                if not _CODE_PREFIX.match(code):
                    raise UsageError(f"{flag} {code!r} is not a code or code prefix like GMR1 "
                                     "or GMR101")
        changes: dict = {"ignore": (*self.ignore, *ignore),
                         "rules": _unique_paths((*self.rules, *rules))}
        if select:
            changes["select"] = select
        if fail_on is not None:
            try:
                changes["fail_on"] = Severity(fail_on)
            except ValueError:
                raise UsageError(f"--fail-on must be error, warning or info, not {fail_on!r}") \
                    from None
        return self.model_copy(update=changes)


def _unique_paths(paths: Iterable[str]) -> tuple[str, ...]:
    """Rules files named once each, however they were spelled (settings and --rules), each
    as first spelled, so that errors name it as the operator did."""
    first: dict[Path, str] = {}
    for path in paths:
        first.setdefault(Path(path).resolve(), path)
    return tuple(first.values())


def find_settings(start: Path | None = None) -> Path | None:
    """The nearest `.gmr.toml`, or `pyproject.toml` with a `[tool.gmr]` table, from `start`
    (the current directory) upwards."""
    folder = (start or Path.cwd()).resolve()
    for candidate in (folder, *folder.parents):
        for name in FILES:
            path = candidate / name
            if path.is_file() and (name == ".gmr.toml" or "[tool.gmr" in read_text(path, "cannot read")):
                return path
    return None


def load_settings(path: str | Path | None) -> Settings:
    """Settings from `path` (found with `find_settings` when None); defaults when none."""
    path = Path(path) if path is not None else find_settings()
    if path is None:
        return Settings()
    text = read_text(path, "cannot read")
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"invalid TOML: {error}", str(path), _toml_line(error)) from None
    table = document.get("tool", {}).get("gmr", {}) if path.name == "pyproject.toml" else document
    if not isinstance(table, dict):
        raise ConfigError("[tool.gmr] must be a table", str(path))
    table = dict(table)
    waivers = table.get("waiver", [])
    table["waiver"] = [
        {**w, "line": _line_of(text, "code", w.get("code"),
                               sum(1 for earlier in waivers[:n] if isinstance(earlier, dict)
                                   and earlier.get("code") == w.get("code")))}
        if isinstance(w, dict) else w
        for n, w in enumerate(waivers)
    ]
    table["rules"] = [str((path.parent / rule).resolve()) if isinstance(rule, str) else rule
                      for rule in table.get("rules", [])]
    try:
        return Settings.model_validate({**table, "source": str(path)})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        line = _line_of(text, str(first["loc"][0]), None, 0)
        raise ConfigError(f"invalid setting {where}: {first['msg']}", str(path), line) from None


def read_text(path: str | Path, failure: str) -> str:
    """The text of a settings or rules file; when it cannot be read, a ConfigError saying
    `failure` and why in a few words (`No such file or directory`), not Python's repr."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{failure}: {error.strerror or error}", str(path)) from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{failure}: not UTF-8 text (byte {error.start})", str(path)) \
            from None


def _toml_line(error: tomllib.TOMLDecodeError) -> int | None:
    found = re.search(r"line (\d+)", str(error))
    return int(found.group(1)) if found else None


def _line_of(text: str, key: str, value: object, nth: int) -> int | None:
    """The line of the `nth` (from 0) `key = value` (any value when None) in a TOML text."""
    pattern = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?\s*=\s*"
                         + (rf"[\"']{re.escape(str(value))}[\"']" if value is not None else ""),
                         re.M)
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    return text.count("\n", 0, matches[min(nth, len(matches) - 1)].start()) + 1
