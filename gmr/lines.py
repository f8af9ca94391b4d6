"""The lines of one report as the lexer reads them: prefix stripped, one writer only.

The scanner builds a `ReportLines` for each report it finds; the lexer pulls lines from
it by index and leaves behind where the report ended and what it noticed on the way.
Plain text shares the scanner's own list of lines (no copy); wrapped text (journald,
containers, ...) fills `lines` lazily with the payloads of one writer, remembering the
input line number of each.
"""

from __future__ import annotations

from typing import Callable

#: A report longer than this is cut, with a warning: real ones have a few thousand lines
#: (tens of thousands with many green threads), and a stream that never ends must not
#: be held whole.
MAX_REPORT_LINES = 200_000


class ReportLines:
    __slots__ = (
        "lines",
        "start",
        "numbers",
        "first_number",
        "refill",
        "end",
        "last",
        "final_newline",
        "banner",
        "sections",
        "groups",
        "truncated",
        "whitespace",
        "warnings",
        "overflow",
    )

    def __init__(
        self,
        lines: list[str],
        start: int = 0,
        *,
        first_number: int = 1,
        numbers: list[int] | None = None,
        refill: Callable[[], bool] | None = None,
    ):
        self.lines = lines
        self.start = start
        self.numbers = numbers
        self.first_number = first_number
        #: Appends more lines to `lines` (and `numbers`); False once the input is spent.
        self.refill = refill
        #: False when the input ended without a newline (a cut can end mid-line).
        self.final_newline = True
        # Set by the lexer: the first line after the report, its last line, whether it
        # opened with the banner, the sections and groups it held, and whether it was cut.
        self.end = start
        self.last = start
        self.banner = False
        self.sections: list[str] = []
        self.groups: list[str] = []
        self.truncated = False
        self.whitespace = "exact"
        self.warnings: list[tuple[int | None, str]] = []
        #: True once the report reached MAX_REPORT_LINES and reading stopped.
        self.overflow = False

    def get(self, i: int) -> str | None:
        """Line `i`, or None past the end of the input."""
        lines = self.lines
        while i >= len(lines):
            if i - self.start >= MAX_REPORT_LINES:
                self.overflow = True
                return None
            if self.refill is None or not self.refill():
                return None
        return lines[i]

    def number(self, i: int) -> int:
        """The 1-based input line number of line `i`."""
        if self.numbers is not None:
            return self.numbers[i] if i < len(self.numbers) else self.numbers[-1] + 1
        return self.first_number + i

    def warn(self, i: int | None, message: str) -> None:
        self.warnings.append((None if i is None else self.number(i), message))
