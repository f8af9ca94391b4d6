"""The lines of one report as the lexer reads them: prefix stripped, one writer only.

The scanner builds a `ReportLines` for each report it finds; the lexer pulls lines from
it by index and hands back what it found in a result of its own (`lexer.Lexed`).
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
    __slots__ = ("lines", "start", "numbers", "first_number", "refill", "final_newline",
                 "overflow", "on_demand")

    def __init__(
        self,
        lines: list[str],
        start: int = 0,
        *,
        first_number: int = 1,
        numbers: list[int] | None = None,
        refill: Callable[[], bool] | None = None,
        final_newline: bool = True,
        on_demand: bool = False,
    ):
        self.lines = lines
        self.start = start
        self.numbers = numbers
        self.first_number = first_number
        #: Appends more lines to `lines` (and `numbers`); False once the input is spent.
        self.refill = refill
        #: False when the input ended without a newline (a cut can end mid-line).
        self.final_newline = final_newline
        #: True once the report reached MAX_REPORT_LINES and reading stopped.
        self.overflow = False
        #: Whether a Configuration section printed exactly as oslo.reports prints it
        #: becomes an OnDemandConfiguration (`gmr.parsing.ondemand`).
        self.on_demand = on_demand

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
