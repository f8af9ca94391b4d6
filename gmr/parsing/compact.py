"""Reads a report file as oslo.reports wrote it straight into what a fleet needs: its
Package, stacks and Processes, and its Configuration with no model per option.

A fleet gate reads thousands of `log_dir` files, each one report exactly as printed. Its
Configuration section, most of the file, is read at once (`read_section`) into an
`OnDemandConfiguration`, which makes an option's model only for the few that
identifying the report asks for and gives a node all of them as names and values: a
fleet diff's node of a nova report costs a quarter less. Everything before the section
goes through the lexer (the report's head), so its Package, stacks and Processes are
read as always.

`read_compact` takes only text laid out exactly as oslo.reports prints it (FORMAT.md
section 6): one report from the file's first line, no prefix, groups as `name: `,
options as `  name = value`, list items, dict entries and lines of text under them, a
blank line only before a group or a dict. Anything else (a copy stripped of trailing
spaces, a log around the report, an option printed twice, a cut) gives None, and the
caller parses the file in full. tests/test_compact.py holds both readings alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gmr.errors import GmrError
from gmr.models import Package, built
from gmr.parsing.builder import package_of
from gmr.parsing.lexer import lex_report
from gmr.parsing.lines import MAX_REPORT_LINES, ReportLines
from gmr.parsing.ondemand import OnDemandConfiguration, OnDemandGroups
from gmr.parsing.scan import MAX_LINE
from gmr.parsing.section import read_section
from gmr.parsing.shapes import BANNER_BODY, BANNER_TITLE, RULE, header_line


def _header(title: str) -> str:
    return f"{RULE}\n{header_line(title)}\n{RULE}\n"


_BANNER = _header(BANNER_TITLE) + BANNER_BODY
_CONFIGURATION = "\n" + _header("Configuration")


@dataclass(frozen=True, slots=True)
class CompactReport:
    """A report read by `read_compact`: what a fleet diff's node needs of the sections
    before Configuration, and the Configuration as names and values."""

    path: str | None
    package: Package | None
    #: How many processes the Processes section prints; None without the section.
    processes: int | None
    #: The frames of each thread and green thread, as the lexer reads them.
    frames: tuple[list[tuple], ...]
    #: Its options made only as they are asked for: identifying the report asks for a
    #: few, a node reads them all as names and values (`columns`).
    configuration: OnDemandConfiguration

    def frame_files(self) -> tuple[str, ...]:
        """The source file of every frame, as `gmr.parsing.identify.frame_files` gives
        them: only identifying a report that names neither its service nor its program
        elsewhere looks at them."""
        return tuple(file for frames in self.frames for file, _, _, _ in frames)


def read_compact_file(path: str) -> CompactReport | None:
    """`read_compact` of the file at `path`, read as the scanner reads it; None when it
    cannot be read (the full parse says why)."""
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as stream:
            text = stream.read(MAX_LINE + 1)
    except OSError:
        return None
    return read_compact(text, path)


def read_compact(text: str, path: str | None = None) -> CompactReport | None:
    """The one report that `text` holds, laid out exactly as oslo.reports prints it; None
    for any other text."""
    if not text.startswith(_BANNER) or "\r" in text or "\x00" in text[:8192] \
            or len(text) > MAX_LINE or text.count("\n") >= MAX_REPORT_LINES \
            or text.count(BANNER_TITLE) != 1 or text.count(_CONFIGURATION) != 1:
        return None
    at = text.index(_CONFIGURATION) + 1
    body = text[at + len(_CONFIGURATION) - 1:]
    section = read_section(body[:-1] if body.endswith("\n") else body)
    if section is None:
        return None
    head = _head(text[:at - 1].split("\n"))
    if head is None:
        return None
    # The header's three lines and a blank one stand before the first group's line.
    first = text.count("\n", 0, at) + 5
    configuration = built(OnDemandConfiguration, {"groups": OnDemandGroups(section, first)})
    return CompactReport(path, *head, configuration)


#: The sections before Configuration as the grammar (grammar/gmr.lark) takes them, each
#: token a letter: Banner, Package and its fields, Threads and Green Threads with their
#: headers and stacks (Exception, Frames, No traceback), pRocesses and their lines.
_HEAD_TOKENS = {"BANNER": "B", "PACKAGE_HEADER": "P", "PACKAGE_FIELD": "p",
                "THREADS_HEADER": "T", "THREAD_HEADER": "t", "GREEN_THREADS_HEADER": "G",
                "GREEN_THREAD_HEADER": "g", "EXCEPTION": "E", "FRAMES": "F",
                "NO_TRACEBACK": "N", "PROCESSES_HEADER": "R", "PROCESS": "r"}
_HEAD = re.compile(r"B(Pp*)?(T(t(EF?|F|N)?)*|(t(EF?|F|N)?)+)?"
                   r"(G(g(EF?|F|N)?)*|(g(EF?|F|N)?)+)?(Rr*)?")


def _head(lines: list[str]) -> tuple[Package | None, int | None, tuple[list[tuple], ...]] | None:
    """The Package, the number of processes and the frames of each stack, from the lines
    before the Configuration section, read by the lexer to their end and in the order
    the grammar takes; None otherwise."""
    tokens = []
    reading = lex_report(ReportLines(lines))
    try:
        while True:
            tokens.append(next(reading))
    except StopIteration as done:
        lexed = done.value
    except GmrError:
        return None  # the full parse says what is wrong
    kinds = "".join([_HEAD_TOKENS.get(token.type, "?") for token in tokens])
    if lexed.end != len(lines) or not lexed.banner or _HEAD.fullmatch(kinds) is None:
        return None
    package = None
    if "P" in kinds:
        start = kinds.index("P")
        package = package_of(tokens[start], tokens[start + 1:start + 1 + kinds.count("p")])
    frames = tuple(token.value for token in tokens if token.type == "FRAMES")
    return package, kinds.count("r") if "R" in kinds else None, frames
