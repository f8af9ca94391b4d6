"""Everything the CLI writes goes through one `Terminal`, as in hatch's `cli/terminal.py`.

Commands receive it instead of making consoles of their own, so tests run them in-process
with a terminal that records (`Terminal(StringIO(), StringIO(), ...)`). It decides what
an operator sees where:
- on a terminal, rich tables that fit the window; in a pipe or a file, plain tab-separated
  rows that carry every value whole (no box, no cut, no wrap, no trailing spaces);
- raw control characters from a report (ironic's log formats hold ESC) shown escaped
  (`\\x1b`), never sent to the terminal;
- `NO_COLOR` turns every style code off, bold and dim included;
- data (JSON, SARIF, ...) to stdout, diagnostics to stderr, one line each.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TextIO

from gmr.printable import escape_controls

if TYPE_CHECKING:
    from rich.console import Console, RenderableType
    from rich.text import Text

    #: A table cell: text, the items of a list (one per line on a terminal), or styled text.
    Cell = str | list[str] | Text

#: Below this many inputs, a progress bar is not worth drawing.
PROGRESS_FROM = 50


@dataclass(frozen=True)
class Column:
    header: str
    justify: str = "left"
    #: For rich tables: a column that never wraps (short codes and counts).
    no_wrap: bool = False


class OutputClosed(Exception):
    """The reader of stdout went away (`gmr ... | head`): time to stop, quietly."""


class _Guarded:
    """A stream whose broken pipe is an OutputClosed, which no layer in between (click
    turns an EPIPE into exit 1) mistakes for an error of its own."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise OutputClosed from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise OutputClosed from None

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


class Terminal:
    """The CLI's stdout and stderr, and how each is written."""

    def __init__(self, stdout: TextIO | None = None, stderr: TextIO | None = None, *,
                 is_terminal: bool | None = None, width: int | None = None,
                 color: bool | None = None):
        self.stdout: TextIO = _Guarded(stdout or sys.stdout)  # type: ignore[assignment]
        self.stderr = stderr or sys.stderr
        #: Whether stdout is a terminal (tables) or a pipe or file (plain rows).
        self.is_terminal = self.stdout.isatty() if is_terminal is None else is_terminal
        self.width = width
        self.color = not os.environ.get("NO_COLOR") if color is None else color
        self._out: Console | None = None

    @property
    def console(self) -> Console:
        """The rich console on stdout, made on first use: `gmr parse --json` never loads rich."""
        if self._out is None:
            from rich.console import Console

            self._out = Console(file=self.stdout, force_terminal=self.is_terminal,
                                width=self.width, color_system="auto" if self.color else None,
                                highlight=False, markup=False, emoji=False)
        return self._out

    def write(self, text: str) -> None:
        """Data as it is: JSON, SARIF, JUnit, ..."""
        self.stdout.write(text)

    def line(self, text: str | Text, style: str | None = None, *, wrap: bool = False) -> None:
        """One line to stdout, control characters escaped. On a terminal it is folded at
        the window's width only with `wrap` (a title); a finding stays one line for
        whoever greps the log."""
        if not self.is_terminal:
            plain = text if isinstance(text, str) else text.plain
            self.stdout.write(escape_controls(plain).rstrip() + "\n")
            return
        from rich.text import Text

        if isinstance(text, str):
            text = Text(escape_controls(text), style=style or "")
        else:
            text = _escaped(text)
        self.console.print(text, soft_wrap=not wrap)

    def pieces(self, *parts: str | tuple[str, str]) -> None:
        """One line of pieces, each plain or `(text, style)`, as `line` writes it. In a
        pipe no rich Text is made: a fleet's findings are tens of thousands of lines."""
        if not self.is_terminal:
            self.stdout.write(escape_controls("".join(
                part if isinstance(part, str) else part[0] for part in parts)).rstrip() + "\n")
            return
        from rich.text import Text

        text = Text()
        for part in parts:
            if isinstance(part, str):
                text.append(escape_controls(part))
            else:
                text.append(escape_controls(part[0]), style=part[1])
        self.console.print(text, soft_wrap=True)

    def print(self, renderable: RenderableType) -> None:
        """A rich renderable, on a terminal only (callers give pipes plain rows)."""
        self.console.print(renderable)

    def table(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], *,
              title: str | None = None, caption: str | None = None,
              boxed: bool = True) -> None:
        """A table: rich on a terminal, tab-separated rows with a header row in a pipe."""
        if not self.is_terminal:
            if title:
                self.line(title)
            self.stdout.write(_plain_row([c.header for c in columns]))
            for row in rows:
                self.stdout.write(_plain_row(row))
            return
        from rich import box
        from rich.table import Table

        # A column empty in every row only takes room a narrow window needs.
        kept = [n for n, _ in enumerate(columns) if any(_plain_cell(row[n]) for row in rows)]
        columns = [columns[n] for n in kept]
        rows = [[row[n] for n in kept] for row in rows]
        table = Table(box=box.HEAVY_HEAD if boxed else box.SIMPLE, show_lines=boxed,
                      pad_edge=boxed, collapse_padding=not boxed)
        for column in columns:
            table.add_column(escape_controls(column.header), justify=column.justify,
                             no_wrap=column.no_wrap, overflow="fold")
        for row in rows:
            table.add_row(*(_rich_cell(cell) for cell in row))
        if title:
            self.line(title, style="bold", wrap=True)
        self.console.print(table)
        if caption:
            self.line(caption, style="dim", wrap=True)

    def error(self, message: str) -> None:
        """One line on stderr: `FILE:LINE: message` or `gmr: error: ...`."""
        self.stderr.write(escape_controls(message, layout=True) + "\n")

    def warning(self, message: str) -> None:
        self.stderr.write(escape_controls(message, layout=True) + "\n")

    note = warning

    @contextmanager
    def progress(self, count: Callable[[], int], what: str
                 ) -> Iterator[Callable[[], None] | None]:
        """A progress bar on stderr for inputs worth waiting for, when stderr is a terminal;
        yields the function to call once per item done, or None. `count` tells how many
        items there are, asked only when a bar could be drawn: in a pipe, a fleet's
        folder is not walked twice."""
        if not self.stderr.isatty():
            yield None
            return
        total = count()
        if total < PROGRESS_FROM:
            yield None
            return
        from rich.console import Console
        from rich.progress import Progress

        console = Console(file=self.stderr, color_system="auto" if self.color else None)
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task(what, total=total)
            yield lambda: bar.advance(task)


def _plain_row(cells: Sequence[Cell]) -> str:
    return "\t".join(_plain_cell(cell) for cell in cells).rstrip() + "\n"


def _plain_cell(cell: Cell) -> str:
    """A cell on one line: a value as printed (its own newlines escaped), the items of a
    list joined with commas, the lines of a styled text (gmr's own layout) with `; `."""
    if isinstance(cell, list):
        return ", ".join(escape_controls(item, layout=True) for item in cell)
    if isinstance(cell, str):
        return escape_controls(cell, layout=True)
    return "; ".join(escape_controls(line, layout=True) for line in cell.plain.split("\n"))


def _rich_cell(cell: Cell) -> Text:
    from rich.text import Text

    if isinstance(cell, list):
        return Text("\n".join(escape_controls(item) for item in cell))
    if isinstance(cell, str):
        return Text(escape_controls(cell))
    return _escaped(cell)


def _escaped(text: Text) -> Text:
    """A rich Text with its control characters escaped, styles kept where no escape was
    needed (escaping changes lengths, so an escaped text keeps only its base style)."""
    from rich.text import Text

    plain = text.plain
    escaped = escape_controls(plain)
    return text if escaped == plain else Text(escaped, style=text.style)
