"""What the operator named on the command line, turned into reports: one rule for every
command.

A name is a file, `-` for stdin, a directory (its files, recursively, hidden ones left out)
or a glob, quoted so that gmr expands it. A file the operator named must hold a report;
a file merely found in a directory or by a glob that holds none is skipped with a note,
since report folders also hold other logs. A directory or glob that gives no file, or no
report in any of its files, is an error: a command that checked nothing must say so.
"""

from __future__ import annotations

import gc
import glob
import hashlib
import io
import os
import sys
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Callable, Generic, Iterable, TypeVar

from gmr.cache import Results
from gmr.errors import GmrError, InputError, NoReportFound
from gmr.models import Report
from gmr.parsing.parser import collector_paused
from gmr.parsing.scan import iter_reports, parse_file

STDIN = "-"
#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 8
#: Files a worker reads per task: enough to make the round trip cheap, few enough that
#: the results waiting to be taken stay small.
CHUNK = 32

T = TypeVar("T")
V = TypeVar("V")
#: Reads one file: what it holds (reports, or what a command makes of them), or the error.
Reader = Callable[[str], "list[T] | GmrError"]


@dataclass(frozen=True)
class Named:
    """One name from the command line and the files behind it."""

    name: str
    files: tuple[str, ...]
    #: False for a directory or a glob, whose files may hold no report.
    exact: bool


def expand(names: Iterable[str]) -> list[Named]:
    """The files behind each of `names`: a file as is, a directory's files (sorted, not
    hidden, recursively), a glob's matches (sorted). A name that is none of these is kept
    as a file, so reading it reports the error."""
    found: list[Named] = []
    for name in names:
        path = Path(name)
        if name != STDIN and path.is_dir():
            files = tuple(str(p) for p in sorted(path.rglob("*"))
                          if p.is_file() and not any(part.startswith(".")
                                                     for part in p.relative_to(path).parts))
            found.append(Named(name, files, exact=False))
        elif name != STDIN and not path.exists() and glob.has_magic(name):
            files = tuple(sorted(p for p in glob.glob(name, recursive=True) if Path(p).is_file()))
            found.append(Named(name, files, exact=False))
        else:
            found.append(Named(name, (name,), exact=True))
    return found


def read_reports(name: str | Path, *, on_demand: bool = False) -> list[Report]:
    """Every report in the file `name` (`-` for stdin); a file holding none is an error.
    `on_demand`: as `gmr.parsing.scan.iter_reports` (a file only)."""
    if str(name) == STDIN:
        stream = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace",
                                  newline="")
        with collector_paused():
            reports = list(iter_reports(stream, "<stdin>"))
        where = "<stdin>"
    else:
        reports = parse_file(name, on_demand=on_demand)
        where = str(name)
    if not reports:
        raise NoReportFound("no Guru Meditation Report found", where)
    return reports


def reports_or_error(name: str, *, on_demand: bool = False) -> list[Report] | GmrError:
    """The reports of `name`, or the error reading it: what a worker process sends back."""
    try:
        return read_reports(name, on_demand=on_demand)
    except GmrError as error:
        return error.located(name)


@dataclass(frozen=True)
class Cached:
    """A reader whose result for each file is kept in gmr's cache, by the file's path and
    content and what `results` was salted with: a second run over unchanged files reads
    none of them again. A worker process can take it along (`read` must be a
    module-level function or a partial of one)."""

    read: Reader
    results: Results

    def __call__(self, name: str) -> list | GmrError:
        return self.many([name])[0]

    def many(self, names: list[str]) -> list[list | GmrError]:
        """What each file holds; what was not kept yet is kept in one go."""
        outcomes = []
        made = []
        for name in names:
            content = None if name == STDIN else _digest(name)
            kept = None if content is None else self.results.get(name, content)
            if kept is None:
                kept = self.read(name)  # which says what is wrong with a file not read
                if content is not None and not isinstance(kept, GmrError):
                    made.append((name, content, kept))
            outcomes.append(kept)
        self.results.put_many(made)
        return outcomes


def _digest(name: str) -> bytes | None:
    """The SHA-256 of a file's content, read a block at a time (a service log of
    gigabytes is never held whole); None when it cannot be read."""
    try:
        with open(name, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").digest()
    except OSError:
        return None


class Shared:
    """One object for each distinct value among the items of a run, which arrive each with
    its own copies from a worker process: what thousands of nodes hold alike (messages,
    option layouts, releases) is then kept once."""

    def __init__(self) -> None:
        self._values: dict[Any, Any] = {}

    def __call__(self, value: V) -> V:
        return self._values.setdefault(value, value)

    def each(self, values: tuple) -> tuple:
        """`values` shared one by one, in one pass that runs in C (a node holds a thousand)."""
        share = self._values.setdefault
        return tuple(map(share, values, values))


@dataclass
class Inputs(Generic[T]):
    """What was read from the inputs, and what could not be."""

    #: The reports, or what the reader made of them, in input order.
    items: list[T] = field(default_factory=list)
    #: Inputs that failed: a named file without a report, unreadable, binary or broken;
    #: a directory or glob without files, or without a report in any of them.
    errors: list[GmrError] = field(default_factory=list)
    #: Files found in a directory or by a glob that hold no report.
    skipped: list[str] = field(default_factory=list)


def read_inputs(names: Iterable[str], read: Reader = reports_or_error, *, jobs: int = 1,
                done: Callable[[], None] | None = None,
                keep: Callable[[T], T] | None = None) -> Inputs:
    """Read every file behind `names` with `read`: in `jobs` worker processes when there
    are many (`read` must then be a module-level function), calling `done` once per file
    and `keep` on each item as it arrives (to share what items hold alike)."""
    # The items live until the run ends and hold no cycles: the collector would scan
    # all of them again each time a few thousand more arrived.
    with collector_paused():
        named = expand(names)
        files = [file for entry in named for file in entry.files]
        outcomes = iter(_read_all(files, read, jobs, done))
        inputs: Inputs = Inputs()
        for entry in named:
            if not entry.files:
                inputs.errors.append(InputError("no files found", entry.name))
                continue
            skipped = 0
            for file in entry.files:
                outcome = next(outcomes)
                if isinstance(outcome, NoReportFound) and not entry.exact:
                    inputs.skipped.append(file)
                    skipped += 1
                elif isinstance(outcome, GmrError):
                    inputs.errors.append(outcome)
                else:
                    inputs.items += map(keep, outcome) if keep else outcome
            if skipped == len(entry.files) and not entry.exact:
                inputs.errors.append(NoReportFound(
                    f"no Guru Meditation Report in any of its {len(entry.files)} "
                    f"file{'s' * (len(entry.files) != 1)}", entry.name))
    return inputs


def _read_all(files: list[str], read: Reader, jobs: int,
              done: Callable[[], None] | None) -> Iterable:
    jobs = jobs or os.cpu_count() or 1
    # A worker process's stdin is /dev/null: standard input is read here or not at all.
    if jobs > 1 and len(files) >= PARALLEL_FROM and STDIN not in files:
        from concurrent.futures import ProcessPoolExecutor

        # A worker collects its own garbage, whether or not this process is pausing it.
        with ProcessPoolExecutor(max_workers=jobs, initializer=gc.enable) as pool:
            yield from _each(pool.map(partial(read_many, read), chunks(files)), done)
        return
    yield from _each(map(partial(read_many, read), chunks(files)), done)


def _each(tasks: Iterable[list], done: Callable[[], None] | None) -> Iterable:
    """The outcomes of the tasks one by one, `done` called for each."""
    for outcomes in tasks:
        for outcome in outcomes:
            if done is not None:
                done()
            yield outcome


def chunks(files: list[str]) -> list[list[str]]:
    """The files in tasks of CHUNK."""
    return [files[n:n + CHUNK] for n in range(0, len(files), CHUNK)]


def read_many(read: Reader, files: list[str]) -> list:
    """What `read` makes of each file: in one go when it can (`Cached.many`)."""
    many = getattr(read, "many", None)
    return many(files) if many is not None else [read(file) for file in files]
