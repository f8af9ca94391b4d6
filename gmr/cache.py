"""Where gmr keeps what it can always recompute: the parser's tables, and what a command
made of each file it read (`Results`), as ruff keeps its lint results.

The folder follows the platform's conventions (platformdirs: `~/.cache/gmr` on Linux,
`$XDG_CACHE_HOME` honoured); `GMR_CACHE_DIR` puts it elsewhere, and it can be deleted at
any time. Entries are written to a temporary file and renamed into place, so runs sharing
the folder never read a half-written entry; an entry that cannot be read is recomputed,
and one that cannot be written (a read-only home) only costs the time to recompute it.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
import zlib
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator


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


@lru_cache(maxsize=1)
def code_digest() -> str:
    """What gmr's results are made by: the name, size and time of every file of the
    installed package (code, grammar, knowledge data). An upgrade or an edit of gmr makes
    every entry of the older code unreachable, never wrong."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            stat = path.stat()
            digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n"
                          .encode())
    return digest.hexdigest()


class Results:
    """What one command made of files, kept by the file's path and content, the command
    and everything its result depends on (`salt`: its options, gmr's code)."""

    def __init__(self, salt: str, folder: Path | None = None):
        self.salt = f"{code_digest()}\n{salt}\n".encode()
        self.folder = (folder or cache_dir()) / "results"

    def _path(self, name: str, content: bytes) -> Path:
        key = hashlib.sha256(self.salt + name.encode() + b"\0" + content).hexdigest()
        return self.folder / key[:2] / key[2:]

    def get(self, name: str, content: bytes) -> Any | None:
        """The result kept for the file `name` holding `content`, or None."""
        try:
            return pickle.loads(zlib.decompress(self._path(name, content).read_bytes()))
        except Exception:  # missing, or damaged in any way: it is recomputed
            return None

    def put(self, name: str, content: bytes, result: Any) -> None:
        with kept_as(self._path(name, content)) as temporary:
            if temporary is not None:
                try:
                    temporary.write_bytes(zlib.compress(pickle.dumps(result, protocol=5), 1))
                except OSError:  # a full disk: no entry rather than half of one
                    temporary.unlink(missing_ok=True)
