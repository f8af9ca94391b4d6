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

from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import contains, itemgetter, methodcaller, ne, not_

from gmr.models import Value


@dataclass(slots=True)
class LayoutMemo:
    """What is made of a section's names and groups alone, as it is asked for
    (`gmr.parsing.ondemand`): the sections of one layout share it, as they share their
    names."""

    #: Per group asked about, the position of each of its options by name.
    positions: dict[str, dict[str, int]] = field(default_factory=dict)
    #: The layout's text (`Configuration.layout`), once made.
    text: str | None = None


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
    #: The positions that run over more than one line, and how many lines more those
    #: before each run over: from them `line` finds an option's line, for the few
    #: options asked for, with no number made for each of the others.
    breaks: tuple[list[int], list[int]]
    memo: LayoutMemo = field(default_factory=LayoutMemo)

    def line(self, position: int) -> int:
        """The line the option at `position` starts on."""
        return _line(self.breaks, position)


def read_section(body: str) -> Section | None:
    """The groups of a Configuration section's body (what follows its header) laid out
    exactly as oslo.reports prints it: a blank line, then each group after a blank line,
    a dict option also after one, and no blank line at the end; None for anything else.

    Each line under an option's line (a list item, dict entry or line of text: four
    spaces in) is first joined to the line above by `_ITEM`; the body then splits at
    every line break followed by two spaces: each piece is an option line with what
    stands under it, and runs on over any blank line and group line after it. Most
    pieces are a whole `name = value` line, read in C; the others one by one. A section
    whose layout was read before is read as its differences from that one (`_Layout`).
    """
    if body[:1] != "\n" or "\n====" in body or body[-1:] == "\n" or _ITEM in body:
        return None
    pieces = body[1:].replace("\n    ", _ITEM).split("\n  ")
    key = _layout_key(pieces, body.count("\n    "))
    known = _LAYOUTS.get(key)
    section = known.read(pieces) if known is not None else None
    if section is None:
        section = _read(pieces)
        if section is not None:
            _LAYOUTS.pop(key, None)
            if len(_LAYOUTS) >= _MAX_LAYOUTS:
                del _LAYOUTS[next(iter(_LAYOUTS))]  # the layout read in full longest ago
            _LAYOUTS[key] = _Layout(pieces, section)
    return section


def _read(pieces: list[str]) -> Section | None:
    """`read_section` of a body cut into its pieces, the first time its layout is seen."""
    parts = list(map(str.partition, pieces, _SEPARATORS))
    names: list[str] = list(map(_FIRST, parts))
    values: list[Value] = list(map(_LAST, parts))
    # The pieces that are not one `name = value` line; whether the names of the others
    # hold a space is asked of them all at once, at the end.
    odd = sorted({*compress(count(), map(contains, pieces, _BREAKS)),
                  *compress(count(), map(contains, pieces, _ITEMS)),
                  *compress(count(), map(not_, map(_MIDDLE, parts)))})
    opened = _after_line("\n" + pieces[0])  # the first group's line, and empty ones before
    if opened is None or not opened[0] or _ITEM in pieces[0]:
        return None
    # (first piece, group, its line): a blank line stands before each group, so the
    # j-th group after a piece's last line is 2j + 2 lines below that line; the first
    # piece starts with its j-th group 2j lines down.
    starts = [(1, group, 2 * j) for j, group in enumerate(opened[0])]
    blank = {1} if opened[1] else set()  # the pieces after a blank line
    texts: list[int] = []  # the options printed as lines of text
    # The pieces that run over more than one line, and how many lines more the pieces
    # before each run over in all (and all of them, last): a piece's line is its
    # position and the lines more before it.
    spans, more = [0], [0, pieces[0].count("\n")]
    for i in odd[1:] if odd[:1] == [0] else odd:
        line, newline, rest = pieces[i].partition("\n")
        head, *under = line.split(_ITEM) if _ITEM in line else (line,)
        name, sep, value = head.partition(" = ")
        if not sep:
            if head[-2:] != ": " or not (under or i in blank):
                return None  # a bare `name: ` stands only over a dict or lines of text
            name = head[:-2]
            if i in blank:
                value = _entries(under)
                if value is None:
                    return None
            else:
                value = "\n".join(under)
                texts.append(i)
        elif under:
            if value:
                return None  # a value and lines under it
            value = tuple(under)
        names[i], values[i] = name, value
        if not newline:
            if under:
                spans.append(i)
                more.append(more[-1] + len(under))
            continue
        last_line = i + more[-1] + len(under)
        after = rest.count("\n")
        spans.append(i)
        more.append(more[-1] + len(under) + 1 + after)
        if not rest:
            blank.add(i + 1)  # a blank line, then a dict option
        elif after == 1 and rest[0] == "\n" and rest[-2:] == ": ":
            starts.append((i + 1, rest[1:-2], last_line + 2))  # a blank line, then a group
        else:
            opened = _after_line(rest)
            if opened is None or _ITEM in rest:
                return None  # not groups, or lines under a group's line or a blank one
            starts += [(i + 1, group, last_line + 2 * j + 2)
                       for j, group in enumerate(opened[0])]
            if opened[1]:
                blank.add(i + 1)
    options = names[1:]  # piece 0 holds the first group's line
    if " " in "\0".join(options) or where(options, ""):
        return None
    printed = list(map(_MIDDLE, starts))  # the groups' names
    joined = "\0" + "\0".join(printed)
    if " " in joined or _ITEM in joined or "\0=" in joined or where(printed, ""):
        return None
    firsts = list(map(_FIRST, starts))
    ends = [*firsts[1:], len(names)]
    if len(set(printed)) != len(printed) or sum(map(len, map(set, map(
            names.__getitem__, map(slice, firsts, ends))))) != len(names) - 1:
        return None  # a group, or an option in a group, printed twice
    groups = list(zip(printed, firsts, ends, map(_LAST, starts)))
    return Section(names, values, texts, groups, (spans, more))


def _line(breaks: tuple[list[int], list[int]], piece: int) -> int:
    """The line piece `piece` starts on: one line break before each piece, and the lines
    more that the pieces before it run over."""
    spans, more = breaks
    return piece + more[bisect_left(spans, piece)]


class _Layout:
    """A section read in full, which those of the same layout are read against: every
    node of a fleet prints the same options, most with the same values, so where the
    pieces of a section differ from those of the last one read of its layout
    (`_layout_key`) only in values, each printed on as many lines as before, its names,
    groups and lines are that one's, and only the values that differ are read."""

    __slots__ = ("pieces", "section")

    def __init__(self, pieces: list[str], section: Section):
        self.pieces = pieces
        self.section = section

    def read(self, pieces: list[str]) -> Section | None:
        """The section cut into `pieces`, or None where it differs from this one in more
        than values (or in many of them)."""
        changed = list(compress(count(), map(ne, pieces, self.pieces)))
        if len(changed) > len(pieces) // 4:
            return None  # a layout that only looks alike: read in full, and kept instead
        known = self.section
        values = known.values.copy()
        for i in changed:
            value = _same_lines(pieces[i], self.pieces[i], values[i])
            if value is None:
                return None
            values[i] = value
        return Section(known.names, values, known.texts, known.groups, known.breaks,
                       known.memo)


def _same_lines(piece: str, kept: str, value: Value) -> Value | None:
    """The value printed in `piece`, where it prints the option of the piece `kept`
    (whose value is `value`) on as many lines, with the same group lines after it; else
    None."""
    line, *rest = piece.partition("\n")
    kept_line, *kept_rest = kept.partition("\n")
    if rest != kept_rest:
        return None
    head, *under = line.split(_ITEM)
    kept_head, *kept_under = kept_line.split(_ITEM)
    if len(under) != len(kept_under):
        return None
    if not under:  # `name = value`
        name, sep, printed = head.partition(" = ")
        return printed if sep and name == kept_head.partition(" = ")[0] else None
    if head != kept_head:
        return None
    if type(value) is tuple:
        return tuple(under)
    if type(value) is dict:
        return _entries(under)
    return "\n".join(under)  # lines of text


def _entries(under: list[str]) -> dict[str, str] | None:
    """A dict option's entries, from the lines under it; None for a nested value, or an
    entry without ` = `."""
    try:
        return dict(map(_ENTRY, under))
    except ValueError:
        return None


def _layout_key(pieces: list[str], items: int) -> tuple[str, ...]:
    """What tells apart the layouts of sections cut into `pieces`, at a glance: how many
    pieces and lines under them (`items`), the first piece, and the names of the options
    a quarter, half and three quarters through (the same on every node that prints the
    layout, whatever its values)."""
    size = len(pieces)
    return (f"{size} {items}", pieces[0],
            *[pieces[size * k // 4].partition(" = ")[0] for k in (1, 2, 3)])


def where(items: list | tuple, item: object) -> list[int]:
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
#: Stands for a line break and four spaces (a line under an option's line) while a
#: section is read: a control character a configuration value hardly ever holds (a
#: section that holds one is left to the lexer).
_ITEM = "\x01"
_SEPARATORS, _BREAKS, _ITEMS = repeat(" = "), repeat("\n"), repeat(_ITEM)
#: The last section read of each layout (`_Layout`), by `_layout_key`: a fleet runs a
#: few services, each printing one layout per release.
_LAYOUTS: dict[tuple[str, ...], _Layout] = {}
_MAX_LAYOUTS = 32
_ENTRY = methodcaller("split", " = ", 1)


def _after_line(tail: str) -> tuple[list[str], bool] | None:
    """What follows an option's line up to the next one (`tail`, from the line break):
    the names of the groups whose lines stand there, each after a blank line, and
    whether a blank line ends it; None for anything else. `read_section` checks the
    names of all groups at once."""
    lines = tail.split("\n")
    groups = []
    for k in range(1, len(lines), 2):
        if lines[k - 1] or lines[k][-2:] != ": ":
            return None
        groups.append(lines[k][:-2])
    if len(lines) % 2 and lines[-1]:
        return None
    return groups, len(lines) % 2 == 1
