"""TOML files of `[[name]]` tables (custom lint rules, stack states), read with the line
each table starts on, so that an error in one names its file and line."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from gmr.errors import ConfigError


def tables_of(text: str, path: str, name: str) -> list[tuple[Any, int | None]]:
    """The `[[name]]` tables of TOML `text`, each with its first line; a ConfigError
    naming `path` and the line when the text is not TOML or holds anything else (a
    `[[rules]]` for `[[rule]]` would otherwise load nothing, and check nothing)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ConfigError(f"invalid TOML: {error}", path,
                          int(line.group(1)) if line else None) from None
    for key in document:
        if key != name:
            where = re.search(rf"^[ \t]*\[*[ \t]*{re.escape(key)}\b|^[ \t]*{re.escape(key)}"
                              r"[ \t]*=", text, re.M)
            raise ConfigError(f"{key!r} is not a [[{name}]] table; this file holds only "
                              f"[[{name}]] tables", path,
                              text.count("\n", 0, where.start()) + 1 if where else None)
    found = document.get(name, [])
    if not found:
        raise ConfigError(f"holds no [[{name}]] table", path, None)
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(
        rf"^[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\]", text, re.M)]
    tables = found if isinstance(found, list) else [found]
    return [(table, starts[index] if index < len(starts) else None)
            for index, table in enumerate(tables)]
