"""The nodes to compare and the baseline, read from what the operator named.

Parsing is the expensive part of a fleet diff, so with many inputs the files are parsed
in worker processes (`gmr.inputs.read_inputs`), which send back only the small `Node` of
each report.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from gmr.diff.nodes import (IDENTITY, Interner, KeyTable, Node, node_from_compact,
                            node_from_report)
from gmr.errors import GmrError, InputError, NoReportFound
from gmr.cache import Results
from gmr.inputs import STDIN, Cached, Inputs, read_inputs, read_reports, reports_or_error
from gmr.models import Report
from gmr.parsing.compact import read_compact_file
from gmr.parsing.identify import frame_files, identify


def load_nodes(names: Iterable[str], identity: Iterable[str] = IDENTITY, *, jobs: int = 0,
               done: Callable[[], None] | None = None, release: str | None = None,
               defaults: bool = False, cache: bool = True) -> Inputs[Node]:
    """The nodes of every report behind `names`, in input order; `jobs` worker processes
    (0: one per core) parse many files. `done` is called once per file. `release` and
    `defaults` as `node_from_report` takes them; a report that cannot be judged against
    upstream is an error, its file's other reports still nodes. With `cache`, the nodes
    of a file are kept in gmr's cache, and not made again from an unchanged file."""
    identity = tuple(identity)
    read = partial(nodes_of, identity=identity, release=release, defaults=defaults)
    if cache:
        read = Cached(read, Results(json.dumps(["diff", identity, release, defaults]),
                                    shared=(KeyTable,)))
    loaded = read_inputs(names, read, jobs=jobs, done=done, keep=Interner().node)
    loaded.errors += [item for item in loaded.items if isinstance(item, GmrError)]
    loaded.items = [item for item in loaded.items if not isinstance(item, GmrError)]
    return loaded


def nodes_of(name: str, identity: tuple[str, ...], release: str | None = None,
             defaults: bool = False) -> list[Node | GmrError] | GmrError:
    """The nodes of the reports in the file `name`, each or the error judging it against
    upstream; or the error reading the file. A file that is one report as oslo.reports
    wrote it is read without models (`read_compact`), unless upstream's defaults are
    asked for."""
    compact = None if defaults or name == STDIN else read_compact_file(name)
    if compact is not None:
        try:
            return [node_from_compact(compact, identity, release=release)]
        except GmrError as error:
            return [error]
    outcome = reports_or_error(name)
    if isinstance(outcome, GmrError):
        return outcome
    return [node_or_error(report, identity, release, defaults) for report in outcome]


def node_or_error(report: Report, identity: tuple[str, ...], release: str | None = None,
                  defaults: bool = False) -> Node | GmrError:
    """The node of `report`, or the error judging it against upstream."""
    try:
        return node_from_report(report, identity, release=release, defaults=defaults)
    except GmrError as error:
        return error


def load_baseline(name: str, identity: Iterable[str] = IDENTITY,
                  release: str | None = None) -> list[Node]:
    """The baseline: a report file or the JSON `gmr parse --json` wrote for one."""
    identity = tuple(identity)
    try:
        with open(name, encoding="utf-8", errors="replace") as stream:
            head = stream.read(1).lstrip("\ufeff")
    except OSError as error:
        raise InputError(f"cannot open: {error.strerror or error}", name) from None
    reports = _reports_from_json(name) if head in ("{", "[") else read_reports(name)
    return [node_from_report(report, identity, release=release) for report in reports]


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
    return [_identified(report) for report in reports]


def _identified(report: Report) -> Report:
    """A report read from JSON that an older gmr wrote, without service, program and node."""
    if report.service is not None or report.program is not None or report.node is not None:
        return report
    stacks = (*(report.threads or ()), *(report.green_threads or ()))
    return report.model_copy(update=identify(report.package, report.configuration,
                                             frame_files(stacks), report.source.host))
