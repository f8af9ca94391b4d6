"""Reads a Configuration section laid out exactly as oslo.reports prints it, at once.

Most of a report is its Configuration section, and most of that is `  name = value`
lines. Split at the line breaks of the layout in C and read in comprehensions, with no
model per option, such a section costs half what the lexer's line by line reading does
(`gmr.parsing.compact`, for a fleet diff's nodes). `read_section` takes only the exact
layout (FORMAT.md section 6): groups as `name: `, each after a blank line, options as
`  name = value`, list items, dict entries and lines of text under them, a blank line
only before a group or a dict. Anything else (a copy stripped of trailing spaces, a cut,
an option printed twice, a log line) gives None. tests/test_compact.py holds its
reading to the full parse's.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter

from gmr.models import Value


@dataclass(frozen=True, slots=True)
class Section:
    """A Configuration section read by `read_section`: every option of it in printed
    order (names, values, and the positions of those printed as lines of text; position
    0 holds the first group's line, no option), and each group as (name, its first
    option, the option after its last, its line). Lines count from the first group's
    line, 0; `line` tells an option's."""

    names: list[str]
    values: list[Value]
    texts: list[int]
    groups: list[tuple[str, int, int, int]]
    #: The pieces that hold line breaks (`_breaks`), and the positions at which a piece
    #: folded into an option was left out: from them `line` finds an option's line, for
    #: the few options asked for, with no number made for each of the others.
    breaks: tuple[list[int], list[int]]
    folds: list[int]

    def line(self, position: int) -> int:
        """The line the option at `position` starts on."""
        piece = position + bisect_right(self.folds, position)
        return _line(self.breaks, piece)


def read_section(body: str) -> Section | None:
    """The groups of a Configuration section's body (what follows its header) laid out
    exactly as oslo.reports prints it: a blank line, then each group after a blank line,
    a dict option also after one, and no blank line at the end; None for anything else.

    The body splits at every line break followed by two spaces: each piece is an option
    line, or a list item, dict entry or line of text under one (it keeps two more
    spaces), and runs on over any blank line and group line after it. Most pieces are
    a whole `name = value` line, read in comprehensions; the others one by one.
    """
    if body[:1] != "\n" or "\n====" in body or body[-1:] == "\n":
        return None
    pieces = body[1:].split("\n  ")
    parts = [piece.partition(" = ") for piece in pieces]
    names: list[str] = list(map(_FIRST, parts))
    values: list[Value] = list(map(_LAST, parts))
    # The pieces that are not one `name = value` line; whether the names of the others
    # hold a space is asked of them all at once, at the end.
    odd = sorted({*[i for i, piece in enumerate(pieces) if "\n" in piece or piece[:1] == " "],
                  *where(list(map(_MIDDLE, parts)), "")})
    opened = _after_line("\n" + pieces[0])  # the first group's line, and empty ones before
    if opened is None or not opened[0]:
        return None
    # (first piece, group, its line): a blank line stands before each group, so the
    # j-th group after a piece's line is 2j + 2 lines below it; the first piece starts
    # with its j-th group 2j lines down.
    starts = [(1, group, 2 * j) for j, group in enumerate(opened[0])]
    blank = {1} if opened[1] else set()  # the pieces after a blank line
    owner: dict[int, int] = {}  # a piece under an option line -> that line's piece
    bare: list[int] = []  # `name: ` lines
    breaks = _breaks(pieces, odd)
    for i in odd[1:] if odd[:1] == [0] else odd:
        line, newline, rest = pieces[i].partition("\n")
        if line[:2] == "  ":
            if "\n" in pieces[i - 1] or i == 1:
                return None  # under a group's line, or after a blank line
            owner[i] = owner.get(i - 1, i - 1)
        else:
            name, sep, value = line.partition(" = ")
            if not sep:
                name, value = line[:-2], {}
                if line[-2:] != ": ":
                    return None
                bare.append(i)
            if not name or " " in name:
                return None
            names[i], values[i] = name, value
        if newline:
            opened = _after_line(rest)
            if opened is None:
                return None
            starts += [(i + 1, group, _line(breaks, i) + 2 * j + 2)
                       for j, group in enumerate(opened[0])]
            if opened[1]:
                blank.add(i + 1)
    texts = _fold(pieces, owner, set(bare), blank, values)
    if texts is None:
        return None
    folds: list[int] = []
    if owner:  # the pieces folded into an option's value go
        kept = list(map(slice, [0, *[i + 1 for i in owner]], [*owner, len(pieces)]))
        names = list(chain.from_iterable(map(names.__getitem__, kept)))
        values = list(chain.from_iterable(map(values.__getitem__, kept)))
        folded = list(owner)
        folds = [at - n for n, at in enumerate(folded)]
        texts = {i - bisect_left(folded, i) for i in texts}
        starts = [(start - bisect_left(folded, start), group, line)
                  for start, group, line in starts]
    options = names[1:]  # piece 0 holds the first group's line
    joined = "\0".join(options)
    if " " in joined or "\n" in joined or where(options, ""):
        return None
    ends = [start for start, _, _ in starts[1:]] + [len(names)]
    groups = [(group, start, end, line) for (start, group, line), end in zip(starts, ends)]
    if len({group for group, _, _, _ in groups}) != len(groups) or any(
            len(set(names[start:end])) != end - start for _, start, end, _ in groups):
        return None  # a group, or an option in a group, printed twice
    return Section(names, values, sorted(texts), groups, breaks, folds)


def _breaks(pieces: list[str], odd: list[int]) -> tuple[list[int], list[int]]:
    """The pieces that hold line breaks (only odd pieces do), and how many the pieces
    before each hold in all, and all of them at the end."""
    at: list[int] = []
    before = [0]
    for i in odd:
        count = pieces[i].count("\n")
        if count:
            at.append(i)
            before.append(before[-1] + count)
    return at, before


def _line(breaks: tuple[list[int], list[int]], piece: int) -> int:
    """The line piece `piece` starts on: one line break before each piece, and those
    inside the pieces before it."""
    at, before = breaks
    return piece + before[bisect_left(at, piece)]


def where(items: list, item: object) -> list[int]:
    """The positions of `item` in `items`, found in C."""
    found: list[int] = []
    at = -1
    try:
        while True:
            at = items.index(item, at + 1)
            found.append(at)
    except ValueError:
        return found


_FIRST, _MIDDLE, _LAST = itemgetter(0), itemgetter(1), itemgetter(2)


def _after_line(tail: str) -> tuple[list[str], bool] | None:
    """What follows an option's line up to the next one (`tail`, from the line break):
    the groups whose lines stand there, each after a blank line, and whether a blank
    line ends it; None for anything else."""
    lines = tail.split("\n")
    groups = []
    for k in range(1, len(lines), 2):
        line = lines[k]
        group = line[:-2]
        if lines[k - 1] or line[-2:] != ": " or not group or " " in group or group[0] == "=":
            return None
        groups.append(group)
    if len(lines) % 2 and lines[-1]:
        return None
    return groups, len(lines) % 2 == 1


def _fold(pieces: list[str], owner: dict[int, int], bare: set[int], blank: set[int],
          values: list[Value]) -> set[int] | None:
    """Fold the pieces under an option line into its value: a list under `name = `, dict
    entries under `name: ` after a blank line, lines of text under `name: ` otherwise.
    Returns the pieces of the options printed as lines of text."""
    under: dict[int, list[str]] = {}
    for i, head in owner.items():
        under.setdefault(head, []).append(pieces[i].partition("\n")[0][2:])
    texts = set()
    for head, lines in under.items():
        if head not in bare:
            if values[head] != "":
                return None  # a value and lines under it
            values[head] = tuple(lines)
        elif head in blank:
            entries = [line.partition(" = ") for line in lines]
            if not all(sep for _, sep, _ in entries):
                return None  # a nested value, or an entry without ` = `
            values[head] = {key: value for key, _, value in entries}
        else:
            values[head] = "\n".join(lines)
            texts.add(head)
    if any(head not in under and head not in blank for head in bare):
        return None  # a bare `name: ` is not printed so: a cut or a copy
    return texts
