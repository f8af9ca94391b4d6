"""The parsed form of a Guru Meditation Report, as immutable pydantic models.

Values stay exactly as the report printed them (`"0.0"`, `"None"`, `"***"`), because that
text is the evidence an operator trusts; typed views (`as_bool`, `as_int`, ...) sit beside
it for the linter. `line` fields are 1-based line numbers in the input the report was
found in, except `Frame.line`, which is the Python source line the frame printed.
"""

from __future__ import annotations

from functools import cached_property, partial
from itertools import chain, repeat
from operator import attrgetter
from typing import Any, Callable, Iterable, Iterator, Literal, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    model_serializer,
    model_validator,
)
from pydantic.dataclasses import dataclass as pydantic_dataclass

#: What oslo.reports prints for a secret option: `***` today, `*******` in late 2014.
MASKS = frozenset({"***", "*******"})

Shape = Literal["scalar", "list", "dict", "multiline"]
Value = str | tuple[str, ...] | dict[str, str]
PrefixKind = Literal["journald", "ident", "cri", "docker-json", "apache", "generic"]
Whitespace = Literal["exact", "stripped", "collapsed"]

_TRUE = frozenset({"true", "1", "yes", "on"})
_FALSE = frozenset({"false", "0", "no", "off"})


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


M = TypeVar("M", bound=BaseModel)
_new = object.__new__
# The setters of the four slots every pydantic model has: calling them directly skips
# the attribute lookup `object.__setattr__` makes each time.
_set_dict, _set_fields_set, _set_extra, _set_private = (
    vars(BaseModel)[slot].__set__
    for slot in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
)


_FIELDS_SET: dict[type, set[str]] = {}


def _fields_set(cls: type[BaseModel]) -> set[str]:
    return _FIELDS_SET.setdefault(cls, set(cls.model_fields))


def built(cls: type[M], fields: dict[str, Any]) -> M:
    """A model made from every one of its fields, already typed, without validation.

    The lexer hands over frames and groups as exactly typed values, so validating them
    again would be a large cost of a parse. pydantic's `model_construct` skips
    validation too but costs more than validating; this sets the same four slots.
    tests/test_models.py checks that the result equals a validated model.
    """
    model = _new(cls)
    _set_dict(model, fields)
    # Every field is given, so all instances may share one set (pydantic copies it
    # before changing it, in model_copy).
    _set_fields_set(model, _FIELDS_SET.get(cls) or _fields_set(cls))
    _set_extra(model, None)
    _set_private(model, None)
    return model


class Frame(_Model):
    """One stack frame: `file:line in function` and the source line under it."""

    file: str
    line: int | None = Field(description="The Python source line; null where Python 3.11 "
                             "printed `None` (a frame caught where it has no line).")
    function: str
    source: str | None = Field(
        description='The code between backticks; "" for empty backticks (Python 3 with '
        "no source), null for `(source not found)` (Python 2)."
    )


class GreenThread(_Model):
    """A greenlet's stack; an empty `frames` is oslo.reports' `No Traceback!`."""

    frames: tuple[Frame, ...]
    exception: str | None = Field(
        default=None, description="The Python 2 `Exception:` line above the frames."
    )
    line: int | None = None


class Thread(GreenThread):
    """A native thread's stack, with the thread ident oslo.reports printed."""

    id: int


class Process(_Model):
    """One `Process PID (under PPID) [ run by: USER (UID), state: STATE ]` line."""

    pid: int
    ppid: int
    user: str
    uid: int | str | None = Field(
        description="The real uid; null when the report printed `None` (no uids on the "
        "platform), the printed text when it was not a number."
    )
    state: str
    children: tuple[int, ...] = Field(
        default=(), description="Pids of the direct children, rebuilt from `(under PPID)`."
    )
    line: int | None = None


class Processes(RootModel[tuple[Process, ...]]):
    """The process tree, in printed order (each parent before its children).

    oslo.reports indents every descendant by the same four spaces, so the tree is
    rebuilt from the `(under PPID)` of each line, not from the indentation.
    """

    model_config = ConfigDict(frozen=True)

    def __iter__(self) -> Iterator[Process]:  # type: ignore[override]
        return iter(self.root)

    def __len__(self) -> int:
        return len(self.root)

    @cached_property
    def _index(self) -> dict[int, Process]:
        return {process.pid: process for process in reversed(self.root)}

    def by_pid(self, pid: int) -> Process | None:
        return self._index.get(pid)

    @property
    def roots(self) -> tuple[Process, ...]:
        """Processes whose parent is not in the report: normally just the reporting one."""
        return tuple(p for p in self.root if p.ppid not in self._index or p.ppid == p.pid)

    def children_of(self, pid: int) -> tuple[Process, ...]:
        process = self.by_pid(pid)
        return tuple(self._index[c] for c in process.children) if process else ()


@pydantic_dataclass(frozen=True, slots=True, config=ConfigDict(extra="forbid"))
class Option:
    """One configuration option, its value kept as printed.

    A slotted pydantic dataclass rather than a BaseModel: a report holds thousands of
    options, and this way each one takes a quarter of the memory and half the time to
    build (`built_option`). Change one with `dataclasses.replace`.
    """

    name: str
    value: Value
    shape: Shape
    line: int | None = None

    @property
    def masked(self) -> bool:
        """True when oslo.reports hid the value because the option is secret."""
        return self.shape == "scalar" and self.value in MASKS

    @property
    def text(self) -> str:
        """The value as one string: list items and dict entries joined with commas."""
        if self.shape == "list":
            return ",".join(self.value)
        if self.shape == "dict":
            return ",".join(f"{k}:{v}" for k, v in self.value.items())
        return self.value

    @property
    def is_none(self) -> bool:
        """True when the option printed `None`: unset, with no default."""
        return self.value == "None"

    def as_bool(self) -> bool | None:
        """The value as oslo.config reads a bool; None when unset, masked or not a bool."""
        if self.shape != "scalar":
            return None
        text = self.value.strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None

    def as_int(self) -> int | None:
        try:
            return int(self.value) if self.shape == "scalar" else None
        except ValueError:
            return None

    def as_float(self) -> float | None:
        try:
            return float(self.value) if self.shape == "scalar" else None
        except ValueError:
            return None

    def as_list(self) -> list[str] | None:
        """List items; an empty scalar is an empty list (the report prints both the same)."""
        if self.shape == "list":
            return list(self.value)
        if self.shape == "scalar" and not self.masked and not self.is_none:
            return [item.strip() for item in self.value.split(",")] if self.value else []
        return None

    def as_dict(self) -> dict[str, str] | None:
        if self.shape == "dict":
            return dict(self.value)
        if self.shape == "scalar" and self.value == "":
            return {}
        return None


_set_option_fields = tuple(vars(Option)[field].__set__
                           for field in ("name", "value", "shape", "line"))
#: What `built_option` makes an Option with: a new empty one, and the setters of its
#: name, value, shape and line (for the lexer, which makes a thousand in a loop).
OPTION_FACTORY = (partial(_new, Option), _set_option_fields)


def built_option(name: str, value: Value, shape: Shape, line: int | None) -> Option:
    """An Option from fields the lexer already typed, without validation, like `built`.

    tests/test_models.py checks that the result equals a validated Option.
    """
    option = _new(Option)
    set_name, set_value, set_shape, set_line = _set_option_fields
    set_name(option, name)
    set_value(option, value)
    set_shape(option, shape)
    set_line(option, line)
    return option


class Group(_Model):
    """A configuration group; `default` is oslo.config's [DEFAULT]."""

    name: str
    options: dict[str, Option]
    line: int | None = None

    def __getitem__(self, name: str) -> Option:
        return self.options[name]

    def get(self, name: str) -> Option | None:
        return self.options.get(name)


def _option_from_json(name: str, value: Any) -> Option:
    if isinstance(value, list):
        return Option(name=name, value=tuple(value), shape="list")
    if isinstance(value, dict):
        return Option(name=name, value=value, shape="dict")
    shape = "multiline" if isinstance(value, str) and "\n" in value else "scalar"
    return Option(name=name, value=value, shape=shape)


class Configuration(_Model):
    """The Configuration section: groups in printed order.

    In JSON it is `{group: {option: value}}`, the shape an operator pipes into jq; that
    shape is also accepted back, so `gmr parse --json` output can serve as a baseline.
    """

    groups: dict[str, Group]

    @model_validator(mode="before")
    @classmethod
    def _from_json_shape(cls, data: Any) -> Any:
        if isinstance(data, dict) and "groups" not in data:
            return {
                "groups": {
                    group: Group(
                        name=group,
                        options={k: _option_from_json(k, v) for k, v in options.items()},
                    )
                    for group, options in data.items()
                }
            }
        return data

    @model_serializer(mode="plain")
    def _to_json_shape(self) -> dict[str, dict[str, Any]]:
        return {
            name: {
                option.name: list(option.value) if option.shape == "list" else option.value
                for option in group.options.values()
            }
            for name, group in self.groups.items()
        }

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        value = {
            "anyOf": [
                {"type": "string"},
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "additionalProperties": {"type": "string"}},
            ]
        }
        return {
            "type": "object",
            "description": "Group name as printed (`default` for [DEFAULT]) -> option "
            "name as printed -> value: a string exactly as printed, an array for a list, "
            "an object for a dict option; a multi-line value is one string with \\n.",
            "additionalProperties": {"type": "object", "additionalProperties": value},
        }

    def __getitem__(self, group: str) -> Group:
        return self.groups[group_key(group)]

    def __iter__(self) -> Iterator[Group]:  # type: ignore[override]
        return iter(self.groups.values())

    def get(self, group: str, option: str) -> Option | None:
        """The option, its group matched regardless of case when no group is spelled
        exactly so: neutron registers `SECURITYGROUP`, `AGENT` and `OVS` where config files
        and rules write `[securitygroup]`, `[agent]` and `[ovs]`."""
        found = self.groups.get(group_key(group))
        if found is None:
            found = self.groups.get(self._folded.get(group.lower(), ""))
        return found.options.get(option) if found else None

    @cached_property
    def _folded(self) -> dict[str, str]:
        return folded_groups(self.groups)

    def options(self) -> Iterator[tuple[Group, Option]]:
        """Every option with its group, in printed order."""
        for group in self.groups.values():
            for option in group.options.values():
                yield group, option

    def has(self, group: str, option: str | None = None) -> bool:
        """Whether the group printed as `group` is there, and `option` in it."""
        found = self.groups.get(group)
        return found is not None and (option is None or option in found.options)

    def keys(self) -> Iterator[tuple[str, str]]:
        """(group, option) of every option, in printed order."""
        groups, names = self._layout()
        return chain.from_iterable(map(zip, map(repeat, groups), names))

    def columns(self) -> Iterator[tuple[str, tuple[str, ...], list[Value]]]:
        """Each group's printed name, its options' names and their values, in printed
        order: what a fleet diff compares of a node, with no Option asked for."""
        for name, group in self.groups.items():
            yield name, tuple(group.options), [option.value for option in group.options.values()]

    def shape_of(self, group: str, name: str) -> str:
        """The shape of the option `name` of the group printed as `group`."""
        return self._option(group, name).shape

    def named(self, test: Callable[[str], object]) -> list[tuple[str, Option]]:
        """Every option whose name passes `test` (a module-level function), with its
        group's printed name, in printed order. Each name is tested once per process and
        layout of groups and options, which the reports of a fleet share: rules that
        look for a kind of option in every group pay per report only for what they
        find."""
        return [(group, self._option(group, name)) for group, name in self._found(test)]

    def suspected(self, test: Callable[[str], object], fragment: str,
                  shows: Callable[[str, Value], object]) -> list[tuple[str, Option]]:
        """Every option whose name passes `test` (as in `named`) or one of whose texts
        (its value, a list item, a dict value) holds `fragment`, and whose name and value
        then pass `shows`, with its group's printed name, in printed order: where a
        credential shows. `shows` is asked before an option is made."""
        named: dict[str, set[str]] = {}
        for group, name in self._found(test):
            named.setdefault(group, set()).add(name)
        return [(key, option) for key, group in self.groups.items()
                for wanted in (named.get(key, ()),) for option in group.options.values()
                if (option.name in wanted or (
                    fragment in option.value if type(option.value) is str
                    else item_holds(option.value, fragment)))
                and shows(option.name, option.value)]

    def part(self, select: Callable[[str], Callable[[str], object] | None]) -> Configuration:
        """A Configuration of the options chosen: `select(group)` gives the test of the
        printed group's option names, or None to leave the group out. A group with no
        option chosen is left out."""
        groups = {}
        for key in self.groups:
            test = select(key)
            if test is not None:
                kept = {name: self._option(key, name) for name in self._names(key) if test(name)}
                if kept:
                    groups[key] = built(Group, {"name": key, "options": kept,
                                                "line": self._line(key)})
        return built(Configuration, {"groups": groups})

    def layout(self) -> str:
        """Each group's printed name and its options' names, in printed order, as one
        text (`keys_of` reads it back): what the reports of one release and program
        print alike, compared and hashed as one string rather than a thousand."""
        return layout_of(*self._layout())

    def _found(self, test: Callable[[str], object]) -> tuple[tuple[str, str], ...]:
        """(group, name) of the options whose name passes `test`, found once per layout."""
        global _last_asked
        groups = self.groups
        if _last_asked[0] is not groups:
            layout = self.layout()
            answers = _ANSWERS.get(layout)
            if answers is None:
                if len(_ANSWERS) >= 256:
                    _ANSWERS.clear()
                answers = _ANSWERS[layout] = {}
            _last_asked = (groups, answers)
        _, answers = _last_asked
        found = answers.get(test)
        if found is None:
            if len(answers) >= 64:  # a test made anew at each call: remember only some
                answers.clear()
            found = answers[test] = tuple((group, name) for group, names in zip(*self._layout())
                                          for name in names if test(name))
        return found

    def _layout(self) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """Each group's printed name, and its options' names."""
        groups = self.groups
        return tuple(groups), tuple(map(tuple, map(_OPTIONS, groups.values())))

    def _option(self, group: str, name: str) -> Option:
        return self.groups[group].options[name]

    def _names(self, group: str) -> Iterable[str]:
        """The names of the options of the group printed as `group`, in printed order."""
        return self.groups[group].options

    def _line(self, group: str) -> int | None:
        return self.groups[group].line


def item_holds(value: tuple | dict, fragment: str) -> bool:
    """Whether an item of a list value or a value of a dict holds `fragment`."""
    return any(fragment in text for text in (value if type(value) is tuple else value.values()))


def layout_of(groups: Iterable[str], names: Iterable[Iterable[str]]) -> str:
    """`Configuration.layout` of groups printed with these option names."""
    return "\n\n".join([group + "".join(map(_ON_A_LINE, named))
                        for group, named in zip(groups, names)])


def keys_of(layout: str) -> Iterator[tuple[str, str]]:
    """(group, option) of every option of a `Configuration.layout`, in printed order.
    Neither a group's nor an option's name holds a line break, and no name is empty."""
    for block in layout.split("\n\n") if layout else ():
        group, *names = block.split("\n")
        for name in names:
            yield group, name


_OPTIONS = attrgetter("options")
_ON_A_LINE = "\n".__add__
#: The groups asked about last (a report's, as the rules ask in turn about it) and the
#: answers found for their layout.
_last_asked: tuple[Any, dict] = (None, {})
#: Each layout of groups and options seen (`Configuration.layout`), with the answers
#: `Configuration.named` found for it by test.
_ANSWERS: dict[str, dict] = {}


def folded_groups(names: Iterable[str]) -> dict[str, str]:
    """Group names by their lower case, the last spelt so winning: how a group asked for
    as `[agent]` is found printed as `AGENT` (`Configuration.get`)."""
    return {name.lower(): name for name in names}


def group_key(group: str) -> str:
    """The key of a group as reports print it: oslo.reports prints [DEFAULT] as `default`,
    while operators, rules and config files write `DEFAULT`."""
    return "default" if group == "DEFAULT" else group


def group_title(group: str) -> str:
    """A group as config files and messages name it: `DEFAULT` for the printed `default`."""
    return "DEFAULT" if group == "default" else group


class Package(_Model):
    """The Package section; `None` printed for a field becomes null."""

    product: str | None = None
    vendor: str | None = None
    version: str | None = None
    line: int | None = None


class ExtraSection(_Model):
    """A section a project registered (watcher's `Plugins`, ...), kept as raw text."""

    title: str
    text: str
    line: int | None = None


class ParseWarning(_Model):
    """Something gmr noticed and worked around; the report is still usable."""

    line: int | None
    message: str


class Source(_Model):
    """Where the report was found and in what shape the text reached gmr."""

    path: str | None = None
    first_line: int
    last_line: int
    prefix: PrefixKind | None = Field(
        default=None, description="The per-line wrapper stripped from every line, if any."
    )
    host: str | None = Field(default=None, description="Host name named by the prefix.")
    time: str | None = Field(
        default=None, description="When the report was written, as the prefix stamped its "
        "banner line (journalctl's default format gives no year), or from oslo.reports' "
        "log_dir file name (UTC, ISO 8601).")
    channel: str | None = Field(
        default=None, description="The writer named by the prefix, e.g. `nova-compute[1234]`."
    )
    truncated: bool = False
    partial: bool = Field(default=False, description="No opening banner: a pasted fragment.")
    whitespace: Whitespace = Field(
        default="exact",
        description="`stripped` when trailing spaces were removed, `collapsed` when runs of "
        "spaces were squeezed (text copied from a web page).",
    )
    trailing_newline: bool = True


class ReportRelease(_Model):
    """The OpenStack release a report comes from, and how gmr knows it."""

    name: str | None = Field(description="The release (`2025.1`), or null when the report "
                             "fits several (see candidates).")
    source: Literal["package", "options", "user"] = Field(
        description="`package`: the Package section's version; `options`: the options the "
        "report prints fit these releases only; `user`: the operator said so (--release).")
    candidates: tuple[str, ...] = Field(
        default=(), description="Every release the report fits, oldest first; one when "
        "the release is known.")


class Report(_Model):
    """One Guru Meditation Report. A section the report did not contain is null.

    `service`, `program` and `node` are found when the report is parsed
    (`gmr.parsing.identify`), from the sections below, and stored with it.
    """

    source: Source
    service: str | None = Field(
        default=None, description="The OpenStack service that printed the report (`nova`, "
        "`neutron`, ...): from the Package section, else config-file paths, options only "
        "that service registers, or the code in its stacks; null when nothing tells.")
    program: str | None = Field(
        default=None, description="The program that printed it (`nova-compute`), from "
        "`[oslo_messaging_rabbit] processname` or the script at the bottom of a stack.")
    node: str | None = Field(
        default=None, description="The node's name: `[DEFAULT] host`, else "
        "`[oslo_messaging_rabbit] hostname`, else the host a log prefix names.")
    release: ReportRelease | None = Field(
        default=None, description="The release the report comes from, when it can be "
        "told; found by `gmr parse`, `gmr lint` and `gmr.releases.with_release`, not by "
        "`gmr.parse` alone.")
    package: Package | None = None
    threads: tuple[Thread, ...] | None = None
    green_threads: tuple[GreenThread, ...] | None = None
    processes: Processes | None = None
    configuration: Configuration | None = None
    extra_sections: tuple[ExtraSection, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()

    def option(self, group: str, name: str) -> Option | None:
        """The option `name` of `group` (`DEFAULT` or `default`), or None."""
        return self.configuration.get(group, name) if self.configuration else None
