"""A Configuration whose options are made when they are asked for.

`gmr lint` of a fleet reads thousands of log_dir files, each a report exactly as printed,
and its rules look at a few hundred of the thousand options of each: making a model for
every option was most of the cost of linting a report. When the lexer is told to
(`parse_file(..., on_demand=True)`) and a report's Configuration section is laid out
exactly as oslo.reports prints it, the section is read at once (`read_section`) into an
`OnDemandConfiguration`: a Configuration like any other to whoever asks it for an option
(`get`, `has`, `keys`, `named`, `suspected`, `part`) or walks its groups, whose Group and Option
models are made the first time each is asked for. `whole()` gives the plain
Configuration, which is also what it becomes when pickled. tests/test_ondemand.py holds
it equal to the full parse.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from itertools import compress, count, repeat
from operator import contains, is_not
from typing import Callable, Iterable, Iterator

from gmr.models import (Configuration, Group, Option, Value, built, built_option, group_key,
                        item_holds, layout_of)
from gmr.parsing.section import Section


class OnDemandGroups(Mapping):
    """The groups of a section read by `read_section`, by printed name; each made into a
    Group the first time it is asked for, and an option asked for alone (`option`) made
    alone."""

    __slots__ = ("_section", "_first", "_groups", "_starts", "_texts", "_made", "_options",
                 "_positions", "_collections")

    def __init__(self, section: Section, first: int):
        self._section = section
        #: The input line number of the section's first group line.
        self._first = first
        self._groups = {name: (start, end, line) for name, start, end, line in section.groups}
        self._starts = [start for _, start, _, _ in section.groups]
        self._texts = frozenset(section.texts)
        self._made: dict[str, Group] = {}
        self._options: dict[int, Option] = {}
        #: Per group asked about, the position of each of its options by name.
        self._positions = section.memo.positions
        #: The positions of the list and dict values, once asked for.
        self._collections: list[int] | None = None

    def __getitem__(self, key: str) -> Group:
        group = self._made.get(key)
        if group is None:
            start, end, line = self._groups[key]
            options = {self._section.names[i]: self.option_at(i) for i in range(start, end)}
            group = self._made[key] = built(Group, {"name": key, "options": options,
                                                    "line": self._first + line})
        return group

    def __iter__(self) -> Iterator[str]:
        return iter(self._groups)

    def __len__(self) -> int:
        return len(self._groups)

    def __contains__(self, key: object) -> bool:
        return key in self._groups

    def option(self, key: str, name: str) -> Option | None:
        """The option `name` of the group printed as `key`, or None: the rules' one way
        in, so the known answers are found here without a further call."""
        positions = self._positions.get(key)
        if positions is None:
            positions = self.positions(key)
        position = positions.get(name)
        if position is None:
            return None
        option = self._options.get(position)
        return option if option is not None else self.option_at(position)

    def positions(self, key: str) -> dict[str, int]:
        """The position of each option of the group printed as `key` (none without it)."""
        found = self._positions.get(key)
        if found is None:
            start, end, _ = self._groups.get(key, (0, 0, 0))
            found = self._positions[key] = dict(zip(self._section.names[start:end],
                                                    range(start, end)))
        return found

    def names(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Each group's printed name, and its options' names: the layout of the section."""
        names = self._section.names
        return tuple(self._groups), tuple(tuple(names[start:end])
                                          for start, end, _ in self._groups.values())

    def columns(self) -> Iterator[tuple[str, tuple[str, ...], list[Value]]]:
        """Each group's printed name, its options' names and their values."""
        names, values = self._section.names, self._section.values
        for key, (start, end, _) in self._groups.items():
            yield key, tuple(names[start:end]), values[start:end]

    def layout(self) -> str:
        """`Configuration.layout`, from the section's names: made once for the sections
        of one layout (`gmr.parsing.section.LayoutMemo`)."""
        memo = self._section.memo
        if memo.text is None:
            names = self._section.names
            memo.text = layout_of(self._groups, [names[start:end] for start, end, _ in
                                                 self._groups.values()])
        return memo.text

    def holding(self, fragment: str) -> list[int]:
        """The positions of the options one of whose texts holds `fragment`: asked of
        every value at once in C (`in` of a list or dict asks of its items or keys, so
        those few are asked again, item by item)."""
        values = self._section.values
        if self._collections is None:
            self._collections = list(compress(count(), map(is_not, map(type, values),
                                                            repeat(str))))
        found = [i for i in compress(count(), map(contains, values, repeat(fragment)))
                 if i and type(values[i]) is str]
        found += [i for i in self._collections if i and item_holds(values[i], fragment)]
        return sorted(found)

    def showing(self, positions: list[int], shows: Callable[[str, Value], object]
                ) -> list[int]:
        """Those of `positions` whose option's name and value pass `shows`."""
        names, values = self._section.names, self._section.values
        return [i for i in positions if shows(names[i], values[i])]

    def placed(self, positions: list[int]) -> list[tuple[str, Option]]:
        """The options at `positions`, each with its group's printed name."""
        keys = list(self._groups)
        return [(keys[bisect_right(self._starts, i) - 1], self.option_at(i))
                for i in positions]

    def line(self, key: str) -> int:
        """The input line number of the group printed as `key`."""
        return self._first + self._groups[key][2]

    def option_at(self, i: int) -> Option:
        """The option at position `i` of the section."""
        option = self._options.get(i)
        if option is None:
            section = self._section
            value = section.values[i]
            option = self._options[i] = built_option(
                section.names[i], value, _shape(value, i in self._texts),
                self._first + section.line(i))
        return option


class OnDemandConfiguration(Configuration):
    """A Configuration whose groups are an `OnDemandGroups`: see the module."""

    def get(self, group: str, option: str) -> Option | None:
        groups = self.groups
        key = group_key(group)
        if key not in groups:
            key = self._folded.get(group.lower(), "")
        return groups.option(key, option)

    def has(self, group: str, option: str | None = None) -> bool:
        groups = self.groups
        return group in groups and (option is None or option in groups.positions(group))

    def suspected(self, test: Callable[[str], object], fragment: str,
                  shows: Callable[[str, Value], object]) -> list[tuple[str, Option]]:
        groups = self.groups
        named = [groups.positions(group)[name] for group, name in self._found(test)]
        return groups.placed(groups.showing(sorted({*named, *groups.holding(fragment)}),
                                            shows))

    def columns(self) -> Iterator[tuple[str, tuple[str, ...], list[Value]]]:
        return self.groups.columns()

    def whole(self) -> Configuration:
        """The plain Configuration, every option made."""
        return _plain(dict(self.groups.items()))

    def __reduce_ex__(self, protocol: int):  # type: ignore[override]
        return _plain, (dict(self.groups.items()),)

    def _layout(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        return self.groups.names()

    def layout(self) -> str:
        return self.groups.layout()

    def _option(self, group: str, name: str) -> Option:
        return self.groups.option(group, name)

    def _names(self, group: str) -> Iterable[str]:
        return self.groups.positions(group)

    def _line(self, group: str) -> int:
        return self.groups.line(group)


def _plain(groups: dict[str, Group]) -> Configuration:
    return built(Configuration, {"groups": groups})


def _shape(value: Value, text: bool) -> str:
    if type(value) is tuple:
        return "list"
    if type(value) is dict:
        return "dict"
    return "multiline" if text else "scalar"


