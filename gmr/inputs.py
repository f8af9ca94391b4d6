"""Turns what the operator named (files, globs, directories) into fleet nodes, in parallel.

Parsing is the expensive part of a fleet diff, so with many inputs the files are parsed
in worker processes, which send back only the small `Node` of each report.
"""

from __future__ import annotations

import glob
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

from gmr.errors import GmrError, InputError, NoReportFound
from gmr.models import Report
from gmr.nodes import IDENTITY, Node, node_from_report
from gmr.scan import read_reports

#: Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 8


def expand(names: Iterable[str]) -> list[str]:
    """The files behind `names`: a file as is, a directory's files (sorted, not hidden,
    recursively), a glob's matches. A name that is none of these is kept, so reading it
    reports the error."""
    found: list[str] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found += sorted(str(p) for p in path.rglob("*")
                            if p.is_file() and not any(part.startswith(".") for part in
                                                       p.relative_to(path).parts))
        elif not path.exists() and glob.has_magic(name):
            found += sorted(glob.glob(name)) or [name]
        else:
            found.append(name)
    return found


def load_nodes(
    files: list[str],
    identity: Iterable[str] = IDENTITY,
    jobs: int | None = None,
    done: Callable[[], None] | None = None,
) -> tuple[list[Node], list[GmrError]]:
    """The nodes of every report in `files`, in file order, and the errors of the files
    that could not be read. `done` is called once per file, for a progress bar."""
    identity = tuple(identity)
    jobs = jobs or os.cpu_count() or 1
    if jobs > 1 and len(files) >= PARALLEL_FROM:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = pool.map(_nodes_of, files, [identity] * len(files),
                               chunksize=max(1, len(files) // (jobs * 8)))
            outcomes = [_counted(result, done) for result in results]
    else:
        outcomes = [_counted(_nodes_of(name, identity), done) for name in files]
    nodes: list[Node] = []
    errors: list[GmrError] = []
    for outcome in outcomes:
        if isinstance(outcome, GmrError):
            errors.append(outcome)
        else:
            nodes += outcome
    return nodes, errors


def load_baseline(name: str, identity: Iterable[str] = IDENTITY) -> list[Node]:
    """The baseline: a report file or the JSON `gmr parse --json` wrote for one."""
    identity = tuple(identity)
    try:
        with open(name, encoding="utf-8", errors="replace") as stream:
            head = stream.read(1).lstrip("\ufeff")
    except OSError as error:
        raise InputError(f"cannot open: {error.strerror or error}", name) from None
    if head in ("{", "["):
        return [node_from_report(r, identity) for r in _reports_from_json(name)]
    return [node_from_report(r, identity) for r in read_reports(name)]


def _reports_from_json(name: str) -> list[Report]:
    from pydantic import ValidationError

    try:
        document = json.loads(Path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"not a JSON document: {error}", name) from None
    items = document if isinstance(document, list) else [document]
    try:
        reports = [Report.model_validate(item) for item in items]
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(f"not a report written by `gmr parse --json`: {where}: "
                         f"{first['msg']}", name) from None
    if not reports:
        raise NoReportFound("no Guru Meditation Report found", name)
    return reports


def _nodes_of(name: str, identity: tuple[str, ...]) -> list[Node] | GmrError:
    try:
        return [node_from_report(report, identity) for report in read_reports(name)]
    except GmrError as error:
        return error.located(name)


def _counted(outcome, done: Callable[[], None] | None):
    if done is not None:
        done()
    return outcome
