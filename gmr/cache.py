"""Where gmr keeps what it can always recompute: the parser's tables, and what a command
made of each file it read (`Results`), as ruff keeps its lint results.

The folder follows the platform's conventions (platformdirs: `~/.cache/gmr` on Linux,
`$XDG_CACHE_HOME` honoured); `GMR_CACHE_DIR` puts it elsewhere, and it can be deleted at
any time. Runs that share it never read a half-written entry: the parser's tables are
written to a temporary file and renamed into place, results go into one SQLite database
in transactions. An entry that cannot be read is recomputed, and one that cannot be
written (a read-only home) only costs the time to recompute it.
"""

from __future__ import annotations

import copyreg
import hashlib
import os
import pickle
import secrets
import time
import zlib
from contextlib import contextmanager
from functools import lru_cache, partial
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
    return folder_digest(os.path.dirname(os.path.realpath(__file__)))


def folder_digest(folder: str) -> str:
    """A digest of the name, size and modification time of every file under `folder`,
    compiled bytecode left out: read from the directory entries, never the contents."""
    found = []
    for here, subfolders, files in os.walk(folder):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        for name in files:
            path = os.path.join(here, name)
            stat = os.stat(path)
            found.append(f"{os.path.relpath(path, folder)}:{stat.st_size}:{stat.st_mtime_ns}\n")
    return hashlib.sha256("".join(sorted(found)).encode()).hexdigest()


#: This process's connection to each results database (None: it cannot be opened):
#: opened once per process, however many tasks a worker process is handed.
_DATABASES: dict[tuple[int, Path], Any] = {}


#: Days an entry is kept after it was made: entries of files that changed, of options
#: no longer used or of an older gmr are never read again, and go with time.
KEPT_DAYS = 30


def _database(path: Path) -> Any | None:
    """This process's connection to the results database at `path`, made on first use;
    opening it drops the entries made more than KEPT_DAYS ago. A file there that is not
    a database (damaged, or something else) is replaced: it holds nothing but cache."""
    key = (os.getpid(), path)
    if key not in _DATABASES:
        import sqlite3

        try:
            _DATABASES[key] = _opened(path)
        except sqlite3.DatabaseError as error:
            _DATABASES[key] = None
            if getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_NOTADB,
                                                             sqlite3.SQLITE_CORRUPT):
                try:
                    path.unlink(missing_ok=True)
                    _DATABASES[key] = _opened(path)
                except (OSError, sqlite3.Error):
                    pass
        except OSError:
            _DATABASES[key] = None
    return _DATABASES[key]


def _opened(path: Path) -> Any:
    """A connection to the database at `path`, made ready. Other processes open it at
    the same moment (a pool's workers do): switching a new database to WAL can find it
    locked without waiting, so that is tried again for as long as a write would wait."""
    import sqlite3

    path.parent.mkdir(parents=True, exist_ok=True)
    # Each `put` is one transaction (`with database`), waiting up to 30 s for another
    # process that writes.
    database = sqlite3.connect(path, timeout=30)
    deadline = time.monotonic() + 30
    while True:
        try:
            database.execute("PRAGMA journal_mode=WAL")
            break
        except sqlite3.OperationalError as error:
            busy = getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY,
                                                                 sqlite3.SQLITE_LOCKED)
            if not busy or time.monotonic() > deadline:
                raise  # a read-only folder, say: no cache, at once
            time.sleep(0.01)
    database.execute("PRAGMA synchronous=NORMAL")
    with database:
        for table in ("entries", "shared"):
            database.execute(f"CREATE TABLE IF NOT EXISTS {table} (key BLOB PRIMARY KEY, "
                             "data BLOB, made INTEGER) WITHOUT ROWID")
            database.execute(f"DELETE FROM {table} WHERE made < ?", (_today() - KEPT_DAYS,))
    return database


def _today() -> int:
    """Days since the epoch."""
    return int(time.time() // 86400)


class Results:
    """What one command made of files, kept by the file's path and content, the command
    and everything its result depends on (`salt`: its options, gmr's code).

    Entries live in one SQLite database in gmr's cache folder, compressed: a file per
    entry costs more to create than a report costs to parse, and SQLite lets any number
    of processes and runs read and write it at once. Objects of the `shared` types (a
    fleet's option layout, the same in thousands of entries) are kept once, by content,
    and entries refer to them.
    """

    def __init__(self, salt: str, folder: Path | None = None, shared: tuple[type, ...] = ()):
        self.salt = f"{code_digest()}\n{salt}\n".encode()
        # The schema's version is in the name: a gmr with another never reads this one.
        self.path = (folder or cache_dir()) / "results-1.sqlite3"
        self.shared = shared

    def _key(self, name: str, content: bytes) -> bytes:
        return hashlib.sha256(self.salt + name.encode() + b"\0" + content).digest()

    def get(self, name: str, content: bytes) -> Any | None:
        """The result kept for the file `name` whose content is `content` (the content
        itself, or a digest of it), or None."""
        database = _database(self.path)
        if database is None:
            return None
        try:
            row = database.execute("SELECT data FROM entries WHERE key = ?",
                                   (self._key(name, content),)).fetchone()
            return None if row is None else pickle.loads(zlib.decompress(row[0]))
        except Exception:  # damaged in any way (or its shared part gone): recomputed
            return None

    def put(self, name: str, content: bytes, result: Any) -> None:
        self.put_many([(name, content, result)])

    def put_many(self, entries: list[tuple[str, bytes, Any]]) -> None:
        """Keep the result of each (name, content, result) in one transaction: a
        transaction per file costs as much again as keeping the file's result."""
        if not entries:
            return
        database = _database(self.path)
        if database is None:
            return
        import sqlite3

        found: dict[bytes, bytes] = {}
        rows = []
        for name, content, result in entries:
            try:
                rows.append((self._key(name, content), self._pickled(result, found), _today()))
            except (pickle.PicklingError, TypeError, AttributeError):
                pass  # a result that cannot be pickled is recomputed next time
        try:
            with database:
                database.executemany("INSERT OR REPLACE INTO shared VALUES (?, ?, ?)",
                                     [(key, blob, _today()) for key, blob in found.items()
                                      if (self.path, key) not in _STORED])
                database.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", rows)
            _STORED.update((self.path, key) for key in found)
        except sqlite3.Error:
            pass  # a full disk or a locked database: recomputed next time

    def _pickled(self, result: Any, found: dict[bytes, bytes]) -> bytes:
        """`result` pickled and compressed, its shared objects by reference (added to
        `found`, by digest)."""
        import io

        data = io.BytesIO()
        pickler = pickle.Pickler(data, protocol=5)
        # Looked up by type in C: only objects of the shared types cost a call.
        pickler.dispatch_table = {**copyreg.dispatch_table,
                                  **{kind: partial(self._by_reference, found)
                                     for kind in self.shared}}
        pickler.dump(result)
        return zlib.compress(data.getvalue(), 1)

    def _by_reference(self, found: dict[bytes, bytes], obj: Any) -> tuple:
        """How a shared object is pickled into an entry: a reference to its content. The
        last few objects referred to are remembered (and held, so that their identity
        stays theirs): a worker process hands the same one to thousands of entries."""
        known = _REFERRED.get(id(obj))
        if known is None or known[0] is not obj:
            blob = pickle.dumps(obj, protocol=5)
            known = _REFERRED[id(obj)] = (obj, hashlib.sha256(blob).digest(), blob)
            while len(_REFERRED) > 16:
                del _REFERRED[next(iter(_REFERRED))]
        _, key, blob = known
        found[key] = blob
        return _restored, (str(self.path), key)


#: The shared objects this process stored, by database and content digest.
_STORED: set[tuple[Path, bytes]] = set()
#: id -> (object, digest, pickle) of the shared objects last pickled by reference.
_REFERRED: dict[int, tuple[Any, bytes, bytes]] = {}
_RESTORED: dict[bytes, Any] = {}


def _restored(path: str, key: bytes) -> Any:
    """A shared object an entry refers to (`Results.shared`), read once per process."""
    if key not in _RESTORED:
        (blob,) = _database(Path(path)).execute("SELECT data FROM shared WHERE key = ?",
                                                (key,)).fetchone()
        _RESTORED[key] = pickle.loads(blob)
    return _RESTORED[key]
