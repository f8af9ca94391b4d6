"""Where gmr keeps what it can always recompute: the parser's tables and parsed reports.

The folder follows the platform's conventions (platformdirs: `~/.cache/gmr` on Linux,
`$XDG_CACHE_HOME` honoured); `GMR_CACHE_DIR` puts it elsewhere. Entries are written to a
temporary file and renamed into place, so runs sharing the folder never read a half-written
entry; one that cannot be written (a read-only home) only costs the time to recompute it.
"""

from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def cache_dir() -> Path:
    """The folder of gmr's cache (not created here)."""
    chosen = os.environ.get("GMR_CACHE_DIR")
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("gmr", appauthor=False))


@contextmanager
def kept_as(path: Path) -> Iterator[Path | None]:
    """A fresh path beside `path` to write an entry to, renamed to `path` when the block
    ends; None when the folder cannot be made. Nothing is left behind on failure."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        yield None
        return
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        yield temporary
        try:
            os.replace(temporary, path)
        except OSError:
            pass  # not written, or a read-only folder: recomputed next time
    finally:
        temporary.unlink(missing_ok=True)
