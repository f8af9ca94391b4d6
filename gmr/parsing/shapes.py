"""The shapes of a report's lines, as oslo.reports prints them (../shared/FORMAT.md).

One home for every line shape, so the scanner that finds reports, the lexer that reads
them, the renderer that prints them back and the tests agree on what each line looks
like. oslo.reports' text views (`views/text/header.py`, `generic.py`, `threading.py`,
`process.py`) print:

    ========================================================================    RULE
    ====                        Configuration                         ====    header_line()
    ========================================================================    RULE
    ------                     Thread #140234                      ------     thread_header_line()
    /usr/lib/python3/dist-packages/nova/service.py:42 in run                  FRAME
        `self.wait()`                                                          SOURCE
    Process 2104 (under 2089) [ run by: nova (64060), state: S ]              PROCESS
    default:                                                                  group line
      cpu_allocation_ratio = 4.0                                              option line
        item                                                                  list item, dict entry
"""

from __future__ import annotations

import re

#: The edges of a section header: 72 `=`.
RULE = "=" * 72
#: The line of `|` under the banner's header, and the blank line after it.
BANNER_BODY = "|" * 72 + "\n\n"
#: The title of the header that opens a report.
BANNER_TITLE = "Guru Meditation"
#: Titles of the sections oslo.reports registers itself, and their grammar tokens.
SECTION_TOKENS = {
    "Package": "PACKAGE_HEADER",
    "Threads": "THREADS_HEADER",
    "Green Threads": "GREEN_THREADS_HEADER",
    "Processes": "PROCESSES_HEADER",
    "Configuration": "CONFIG_HEADER",
}
#: The dashes under a Python 2 `Exception:` line above a stack.
EXCEPTION_RULE = "-" * 36
#: What a thread with no stack prints.
NO_TRACEBACK = "No Traceback!"
#: What Python 2 printed for a frame whose source it could not read.
SOURCE_NOT_FOUND = "(source not found)"
#: Indentation of an option under its group, and of list items and dict entries under it.
OPTION_INDENT = "  "
ITEM_INDENT = "    "
NESTED_INDENT = "      "
#: Indentation of a frame's source line, and of every process below the reporting one.
SOURCE_INDENT = "    "
CHILD_INDENT = "    "

#: A line that may open a report or one of its parts: what the scanner looks for.
CANDIDATE = re.compile(
    r"====\s*(Guru Meditation|Package|Threads|Green Threads|Processes|Configuration)\s*===="
    r"|------\s*(?:Thread #-?\d+|Green Thread)\s*------"
)
#: The middle line of a section header: `====  Title  ====`.
HEADER_TITLE = re.compile(r"====\s*(.*?)\s*====\s*$")
#: `------  Thread #N  ------` or `------  Green Thread  ------`.
THREAD_HEADER = re.compile(r"-{6}\s*(?:Thread #(-?\d{1,40})|(Green Thread))\s*-{6}\s*$")
#: The line under a frame: the code between backticks, or Python 2's `(source not found)`.
SOURCE = re.compile(r" {1,4}(?:`(.*)`|\(source not found\))\s*$")
PROCESS = re.compile(
    r"\s*Process (-?\d{1,20}) \(under (-?\d{1,20})\) \[ run by: (.*) \(([^()]*)\), "
    r"state: (.*?) \]\s*$"
)
PACKAGE_FIELD = re.compile(r"(product|vendor|version) = ?(.*)$")
#: A frame's line number. Numbers are bounded: Python refuses to convert integers of over
#: 4,300 digits. `None` is printed for a frame whose line Python 3.11 could not tell.
LINE_NUMBER = re.compile(r"-?\d{1,18}|None")
#: journald's stand-in for a line it would not print (control characters, too long).
JOURNALD_BLOB = re.compile(r"\s*\[\d+(?:\.\d+)?[KMG]?B blob data\]\s*$")
#: The start of an oslo.log record: where a report inside a service log ends.
LOG_RECORD = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d")


def is_rule(line: str | None, char: str = "=") -> bool:
    """True for a full line of `=` (or `char`): the edges of a section header."""
    return line is not None and line[:4] == char * 4 and not line.rstrip().strip(char)


def is_banner_title(line: str | None) -> bool:
    """True for the middle line of the header that opens a report."""
    match = HEADER_TITLE.match(line) if line is not None and line[:4] == "====" else None
    return match is not None and match.group(1) == BANNER_TITLE


def glued_head(line: str) -> str | None:
    """What `line` holds before a rule glued to its end, None when no rule is glued there.

    A log_dir file ends without a newline, so `cat` of two of them glues the second
    report's first rule to the last line of the first.
    """
    if line.endswith(RULE) and not is_rule(line):
        return line[: -len(RULE)]
    return None


def header_line(title: str) -> str:
    """The middle line of a section header."""
    return f"===={title:^64}===="


def thread_header_line(thread_id: int | None) -> str:
    """The line that opens a thread's stack; None for a green thread."""
    title = " Green Thread " if thread_id is None else f" Thread #{thread_id} "
    return f"------{title:^60}------"


def frame_line(file: str, line: int | None, function: str) -> str:
    """`file:line in function`; Python 3.11 prints `None` when it cannot tell the line."""
    return f"{file}:{line} in {function}"


def process_line(pid: int, ppid: int, user: str, uid: object, state: str) -> str:
    return f"Process {pid} (under {ppid}) [ run by: {user} ({uid}), state: {state} ]"
