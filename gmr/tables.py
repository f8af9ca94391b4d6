"""TOML files of `[[name]]` tables (custom lint rules, stack states), read with the line
each table starts on, so that an error in one names its file and line."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from gmr.errors import ConfigError


def tables_of(text: str, path: str, name: str) -> list[tuple[Any, int | None]]:
    """The `[[name]]` tables of TOML `text`, each with its first line; a ConfigError
    naming `path` and the line when the text is not TOML."""
    try:
        found = tomllib.loads(text).get(name, [])
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ConfigError(f"invalid TOML: {error}", path,
                          int(line.group(1)) if line else None) from None
    starts = [text.count("\n", 0, m.start()) + 1 for m in re.finditer(
        rf"^[ \t]*\[\[[ \t]*{re.escape(name)}[ \t]*\]\]", text, re.M)]
    tables = found if isinstance(found, list) else [found]
    return [(table, starts[index] if index < len(starts) else None)
            for index, table in enumerate(tables)]
