"""Finds Guru Meditation Reports wherever they sit: log_dir files, service logs, journals,
container logs, several reports per stream, or a fragment pasted into a ticket.

The input is read a chunk at a time and only whole lines are kept, so a log of any size
is scanned in bounded memory. A line is a candidate when it holds a report banner, a
section header or a thread header; its wrapper (journald, CRI, ...) is recognised there
and stripped from the lines that follow, keeping only the lines of the same writer.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import IO, Iterator

from gmr.errors import InputError
from gmr.models import ParseWarning, Report
from gmr.parsing.lexer import header_title
from gmr.parsing.lines import ReportLines
from gmr.parsing.parser import collector_paused, parse_report
from gmr.parsing.prefixes import Prefix, detect
from gmr.parsing.times import from_file_name
from gmr.parsing.shapes import (
    BANNER_TITLE,
    CANDIDATE,
    RULE,
    glued_head,
    is_banner_title,
    is_rule,
)

CHUNK_SIZE = 1 << 20
#: Longer lines are cut to this many characters, with a warning: no report line comes
#: near it, and an endless line must not be loaded whole.
MAX_LINE = 1 << 20
#: Lines kept behind the scan position, to find a banner's first line when the
#: writer's lines are interleaved with other writers'.
LOOKBACK = 256
#: Raw lines unwrapped at a time for a wrapped report.
REFILL_LINES = 512

#: Warnings for the line that ends one log_dir file and starts the next, joined by `cat`.
GLUED_START = ("this report's first rule is glued to the end of this line, after the text "
               "before it (a file that ends without a newline, as log_dir files do, then "
               "this report, as `cat` joins them)")
GLUED_END = ("the next report's first rule is glued to the end of this line (a log_dir "
             "file ends without a newline, and `cat` joined the next report to it): the "
             "line is read without it")


class _Window:
    """The lines of the input currently in memory, read a chunk at a time."""

    def __init__(self, stream: IO[str], path: str | None, on_demand: bool = False):
        self.stream = stream
        self.path = path
        self.on_demand = on_demand
        self.lines: list[str] = []
        #: Input line index (0-based) of `lines[0]`.
        self.base = 0
        self.final_newline = True
        #: 1-based input line number -> length of each line that was cut to MAX_LINE.
        self.cut: dict[int, int] = {}
        self._started = False
        self._eof = False

    def extend(self) -> bool:
        """Append the next chunk's lines; False at the end of the input."""
        if self._eof:
            return False
        try:
            chunk = self.stream.read(CHUNK_SIZE)
            if chunk and not chunk.endswith("\n"):
                rest, length = self._rest_of_line(len(chunk) - chunk.rfind("\n") - 1)
                if length is not None:
                    self.cut[self.base + len(self.lines) + chunk.count("\n") + 1] = length
                chunk += rest
        except OSError as error:
            raise InputError(f"cannot read: {error.strerror or error}", self.path) from None
        if not self._started:
            self._started = True
            if "\x00" in chunk[:8192]:
                raise InputError("binary file, not text", self.path)
            chunk = chunk.removeprefix("\ufeff")
        if not chunk:
            self._eof = True
            return False
        if "\r" in chunk:
            chunk = chunk.replace("\r\n", "\n")
        lines = chunk.split("\n")
        if chunk.endswith("\n"):
            lines.pop()
        else:
            self.final_newline = False
            self._eof = True
        self.lines += lines
        return True

    def _rest_of_line(self, have: int) -> tuple[str, int | None]:
        """The end of a line whose first `have` characters were read, and the line's full
        length when it is longer than MAX_LINE (the rest is then read and dropped)."""
        room = MAX_LINE - have
        rest = self.stream.readline(room + 1)
        if rest.endswith("\n") or len(rest) <= room:
            return rest, None
        length = have + len(rest)
        while (more := self.stream.readline(CHUNK_SIZE)) and not more.endswith("\n"):
            length += len(more)
        return rest[:room] + ("\n" if more else ""), length + len(more)

    def forget_before(self, index: int) -> int:
        """Drop lines before `index`; return how many were dropped."""
        if index > 0:
            del self.lines[:index]
            self.base += index
        return max(index, 0)


def iter_reports(stream: IO[str], path: str | None = None, *, on_demand: bool = False
                 ) -> Iterator[Report]:
    """Yield every report in `stream`, in the order their first lines appear; with
    `on_demand`, a Configuration section printed exactly as oslo.reports prints it
    is an OnDemandConfiguration (`gmr.parsing.ondemand`)."""
    window = _Window(stream, path, on_demand)
    covered: dict[str | None, int] = {}  # writer -> last input line of its latest report
    i = 0
    while True:
        if i >= len(window.lines):
            i -= window.forget_before(i - LOOKBACK)
            if not window.extend():
                return
            continue
        line = window.lines[i]
        if ("====" in line or "------" in line) and (match := CANDIDATE.search(line)):
            found = _report_at(window, i, match, covered)
            if found is not None:
                report, resume = found
                yield report
                # Reports back to back never leave the window's end: forget the parsed
                # one here, or a log of many reports is held whole.
                i = resume if resume is not None else i + 1
                i -= window.forget_before(i - LOOKBACK)
                continue
        i += 1


def _report_at(window: _Window, i: int, match: re.Match[str], covered: dict) -> tuple | None:
    """Parse the report whose candidate line is `window.lines[i]`, unless it lies inside
    a report already parsed. Returns the report and, for unwrapped text, the index to
    resume scanning at."""
    line = window.lines[i]
    prefix = detect(line, match.start())
    channel = prefix.channel if prefix else None
    number = window.base + i + 1
    if covered.get(channel, 0) >= number:
        return None
    title = match.group(1)
    source = {
        "path": window.path,
        "prefix": prefix.kind if prefix else None,
        "host": prefix.host if prefix else None,
        "channel": channel,
        "time": prefix.time if prefix else from_file_name(window.path),
    }
    glued = False
    if prefix is None:
        glued = title == BANNER_TITLE and i > 0 and _take_glued_rule(window.lines, i - 1)
        src = ReportLines(window.lines, i - 1 if title else i, first_number=window.base + 1,
                          refill=window.extend, on_demand=window.on_demand)
    else:
        src = _unwrapped(window, i, prefix, title is not None)
    src.final_newline = window.final_newline
    if title is not None and header_title(src, src.start) is None:
        return None
    if prefix is None:
        report, end = _parse_plain(window, src, source)
    else:
        report, end = parse_report(src, source)
    if report.source.partial and _is_empty(report):
        return None
    first, last = report.source.first_line, report.source.last_line
    cut = [ParseWarning(line=n, message=f"a line of {length:,} characters was cut to "
                                        f"{MAX_LINE:,}")
           for n, length in sorted(window.cut.items()) if first <= n <= last]
    if glued or cut:
        start = (ParseWarning(line=first, message=GLUED_START),) if glued else ()
        report = report.model_copy(update={"warnings": (*start, *report.warnings, *cut)})
    covered[channel] = last
    return report, end if prefix is None else None


def _take_glued_rule(lines: list[str], k: int) -> bool:
    """Give the banner whose title follows line `k` its first rule back, when that rule is
    glued to the end of line `k`; the rest of the line belongs to what came before."""
    if glued_head(lines[k]) is None:
        return False
    lines[k] = RULE
    return True


def _parse_plain(window: _Window, src: ReportLines, source: dict) -> tuple[Report, int]:
    """Parse the unwrapped report at `src`; when it ends on a line that the next report's
    first rule is glued to, parse it again without that rule. Such a report is a whole
    log_dir file, which ends without a newline."""
    report, end = parse_report(src, source)
    k = end - 1
    ends_glued = (end < len(window.lines) and report.source.last_line == window.base + end
                  and is_banner_title(window.lines[end]))
    head = glued_head(window.lines[k]) if ends_glued else None
    if head is None:
        return report, end
    glued, window.lines[k] = window.lines[k], head
    try:
        report, end = parse_report(src, source)
    finally:
        window.lines[k] = glued  # the next report takes its rule from it
    glue = ParseWarning(line=report.source.last_line, message=GLUED_END)
    return report.model_copy(update={
        "source": report.source.model_copy(update={"trailing_newline": False}),
        "warnings": (*report.warnings, glue),
    }), end


def _is_empty(report: Report) -> bool:
    return not (
        report.package
        or report.threads
        or report.green_threads
        or report.processes
        or (report.configuration and report.configuration.groups)
        or report.extra_sections
    )


def _unwrapped(window: _Window, i: int, prefix: Prefix, headed: bool) -> ReportLines:
    """The lines of `prefix`'s writer from the candidate at `i` on, unwrapped lazily.

    A header starts on the writer's line before the candidate (its `=====` rule), which
    other writers' lines may separate from it.
    """
    start = i
    if headed:
        for k in range(i - 1, max(i - LOOKBACK, 0) - 1, -1):
            unwrapped = prefix.payload(window.lines[k])
            if unwrapped is not None:
                if is_rule(unwrapped[0]):
                    start = k
                break
    payloads: list[str] = []
    numbers: list[int] = []
    cursor = start
    partial = False

    def refill() -> bool:
        nonlocal cursor, partial
        before = len(payloads)
        while len(payloads) == before or partial:
            if cursor >= len(window.lines) and not window.extend():
                return len(payloads) > before
            stop = min(len(window.lines), cursor + REFILL_LINES)
            for k in range(cursor, stop):
                unwrapped = prefix.payload(window.lines[k])
                if unwrapped is None:
                    continue
                text, continues = unwrapped
                if partial:
                    payloads[-1] += text
                else:
                    payloads.append(text)
                    numbers.append(window.base + k + 1)
                partial = continues
            cursor = stop
        return True

    return ReportLines(payloads, 0, numbers=numbers, refill=refill)


def parse(text: str, path: str | None = None) -> list[Report]:
    """Every report found in `text`."""
    with collector_paused():
        return list(iter_reports(io.StringIO(text), path))


def parse_file(path: str | Path, *, on_demand: bool = False) -> list[Report]:
    """Every report found in the file at `path`, read in bounded memory (`on_demand`:
    as `iter_reports`)."""
    with collector_paused():
        return list(iter_file(path, on_demand=on_demand))


def iter_file(path: str | Path, *, on_demand: bool = False) -> Iterator[Report]:
    name = str(path)
    try:
        stream = open(path, encoding="utf-8", errors="replace", newline="")
    except OSError as error:
        raise InputError(f"cannot open: {error.strerror or error}", name) from None
    with stream:
        yield from iter_reports(stream, name, on_demand=on_demand)
