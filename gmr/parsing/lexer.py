"""Turns the lines of one report into the grammar's tokens.

Why a hand-written lexer: a report is line-oriented and shows its nesting only through
indentation and blank lines, which a regular-expression lexer cannot see. Reading a line
at a time, the lexer knows which section it is in, so it can tell what each line is,
fold an option's continuation lines (list items, dict entries, multi-line text) into the
option and a group's options into one token, and stop at the first line that cannot
belong to a report: that is where a report ends inside a log. Blank lines never reach
the parser; the lexer uses them where they carry meaning (the blank line before a dict
option).

Each token's value is the data already pulled out of its line(s), so the transformer
never looks at the text again.
"""

from __future__ import annotations

from typing import Generator, Iterator

from lark.lexer import Lexer

from gmr.errors import GmrSyntaxError
from gmr.models import OPTION_FACTORY, Group, Option, Shape, Value, built
from gmr.parsing.lines import MAX_REPORT_LINES, ReportLines
from gmr.parsing.ondemand import OnDemandGroups
from gmr.parsing.section import read_section
from gmr.parsing.shapes import (
    BANNER_TITLE,
    EXCEPTION_RULE,
    HEADER_TITLE,
    JOURNALD_BLOB,
    LINE_NUMBER,
    LOG_RECORD,
    NO_TRACEBACK,
    PACKAGE_FIELD,
    PROCESS,
    SECTION_TOKENS,
    SOURCE,
    THREAD_HEADER,
    is_banner_title,
    is_rule,
)


class Lexed:
    """What the lexer found besides the tokens: where the report ended and in what state.

    Filled while the lexer reads and handed back when it is done (the return value of
    `lex_report`), so the parser builds the report's Source from it.
    """

    __slots__ = ("end", "last", "banner", "sections", "groups", "truncated", "whitespace",
                 "warnings")

    def __init__(self, start: int):
        #: The index of the first line after the report, and of its last line.
        self.end = start
        self.last = start
        #: Whether the report opened with its banner (else it is a fragment).
        self.banner = False
        #: Section titles and group names, in printed order.
        self.sections: list[str] = []
        self.groups: list[str] = []
        self.truncated = False
        self.whitespace = "exact"
        #: (input line number or None, message)
        self.warnings: list[tuple[int | None, str]] = []

    def warn(self, src: ReportLines, i: int | None, message: str) -> None:
        self.warnings.append((None if i is None else src.number(i), message))


class Tok:
    """A token for Lark's LALR parser, with only the attributes the parser reads.

    Lark's own Token is a str subclass and costs three times as much to create; the
    position attributes Lark borrows for its end-of-input token are class constants.
    """

    __slots__ = ("type", "value", "line")
    column = end_column = 1
    start_pos = end_pos = None

    def __init__(self, type: str, value: object, line: int):
        self.type = type
        self.value = value
        self.line = line

    @property
    def end_line(self) -> int:
        return self.line

    def __repr__(self) -> str:
        return f"Tok({self.type}, {self.value!r}, line={self.line})"


class GmrLexer(Lexer):
    """The Lark lexer plug-in; the input Lark hands it is a `Lexing`."""

    def __init__(self, lexer_conf: object):
        pass

    def lex(self, job: Lexing) -> Iterator[Tok]:  # type: ignore[override]
        job.result = yield from lex_report(job.lines)


class Lexing:
    """What the parser hands the lexer: the lines to read; `result` once they are read."""

    __slots__ = ("lines", "result")

    def __init__(self, lines: ReportLines):
        self.lines = lines
        self.result: Lexed | None = None


def header_title(src: ReportLines, i: int) -> str | None:
    """The title of the 3-line section header starting at line `i`, if one does."""
    if not is_rule(src.get(i)):
        return None
    title_line = src.get(i + 1)
    match = HEADER_TITLE.match(title_line) if title_line and title_line[:4] == "====" else None
    if match is None or not is_rule(src.get(i + 2)):
        return None
    return match.group(1)


def lex_report(src: ReportLines) -> Generator[Tok, None, Lexed]:
    """Yield the tokens of the report starting at `src.start`; return what else was found."""
    get, number = src.get, src.number
    i = src.start
    out = Lexed(i)
    last = i
    seen = out.sections
    first = True
    while True:
        title = header_title(src, i)
        if title is None:
            line = get(i)
            match = THREAD_HEADER.match(line) if first and line is not None else None
            if match is None:
                break
            # A fragment that starts with thread blocks and no section header.
            title = "Green Threads" if match.group(2) else "Threads"
        elif title == BANNER_TITLE:
            if not first:
                break  # the next report begins here
            yield Tok("BANNER", None, number(i))
            out.banner = True
            if "  " not in get(i + 1):
                out.whitespace = "collapsed"
            i += 3
            if is_rule(get(i), "|"):
                i += 1
            last = i - 1
            while get(i) == "":
                i += 1
            first = False
            continue
        else:
            yield Tok(SECTION_TOKENS.get(title, "SECTION_HEADER"), title, number(i))
            last = i + 2
            i += 3
        first = False
        seen.append(title)
        section = _SECTIONS.get(title, _extra_section)
        i, section_last = yield from section(src, out, i)
        if section_last is not None:
            last = section_last
    out.end = i
    out.last = last
    _flag_truncation(src, out)
    return out


def _flag_truncation(src: ReportLines, out: Lexed) -> None:
    """Decide whether the report was cut short, and say why in a warning."""
    end_line = src.number(out.last)
    if src.get(out.end) is not None and src.get(out.end + 1) is None and not src.final_newline:
        out.truncated = True
        out.warn(src, out.end, "the input ends in the middle of a line")
    elif (cut := _cut_in_spaces(src, out)) is not None:
        out.truncated = True
        out.warn(src, cut, "the input ends in the middle of a line")
    if src.overflow:
        out.truncated = True
        out.warn(src, None, f"report cut after {MAX_REPORT_LINES:,} lines: the rest was not read")
        return
    following = src.get(out.end)
    if following and following[0] in " \t" and following.strip():
        out.warn(src, out.end, f"the report stops before this indented line, which fits no "
                          f"section: {following.strip()[:60]!r}")
    if not out.banner:
        return
    if "Configuration" not in out.sections:
        out.truncated = True
        found = ", ".join(out.sections) or "none"
        out.warn(src, None, f"report cut short at line {end_line}: it ends before the "
                       f"Configuration section (sections found: {found})")
    elif not out.groups:
        out.truncated = True
        out.warn(src, None, f"report cut short at line {end_line}: the Configuration section is empty")
    elif "default" not in out.groups and out.groups == sorted(out.groups) and out.groups[-1] < "default":
        out.truncated = True
        out.warn(src, None, f"report cut short at line {end_line}: Configuration ends before "
                       "the [DEFAULT] group, which every report has")
    elif (out.sections[-1] == "Configuration" and out.whitespace != "collapsed"
          and out.end > out.last + 1 and src.get(out.end) is None):
        # Blank lines end the input; in Configuration one comes only before a group or a
        # dict option (a copy stripped of trailing spaces keeps those lines blank).
        blank = out.last + 1
        out.truncated = True
        out.warn(src, blank, f"report cut short at line {src.number(blank)}: Configuration "
                             "ends at a blank line, after which oslo.reports always prints "
                             "a group or an option")


def _cut_in_spaces(src: ReportLines, out: Lexed) -> int | None:
    """The line of a Configuration section that the input ends in, without a line
    break, where only its spaces tell it was cut: an empty value prints as `name = `
    with its space, which a report that kept its trailing spaces shows and a copy
    stripped of them never has; and oslo.reports prints no line of one to three spaces.
    None when the input does not end so."""
    if src.get(out.end) is not None or src.final_newline or out.sections[-1:] != [
            "Configuration"]:
        return None
    last = src.get(out.last) or ""
    if last[:2] == "  " and (last.endswith(" =") if out.whitespace == "exact"
                             else out.whitespace == "stripped" and last.endswith(" ")):
        return out.last
    tail = src.get(out.end - 1) if out.end - 1 > out.last else None
    return out.end - 1 if tail and not tail.strip() else None


def _package(src: ReportLines, out: Lexed, i: int) -> Iterator[Tok]:
    get, number = src.get, src.number
    last = None
    while (line := get(i)) is not None:
        if line:
            match = PACKAGE_FIELD.match(line)
            if match is None:
                break
            yield Tok("PACKAGE_FIELD", match.groups(), number(i))
            last = i
        i += 1
    return i, last


def _threads(src: ReportLines, out: Lexed, i: int) -> Iterator[Tok]:
    get, number = src.get, src.number
    last = None
    frames: list[tuple] = []
    frames_line = 0
    bare_header = None  # a thread header not yet followed by its stack
    while (line := get(i)) is not None:
        if not line:
            i += 1
            continue
        if line[0] == "-" or line[0] == "N" or line[0] == "E":
            if frames:
                yield Tok("FRAMES", frames, frames_line)
                frames = []
            if line[0] == "-":
                match = THREAD_HEADER.match(line)
                if match is None:
                    break
                _warn_bare_header(src, out, bare_header)
                bare_header = i
                if match.group(2):
                    yield Tok("GREEN_THREAD_HEADER", None, number(i))
                else:
                    yield Tok("THREAD_HEADER", int(match.group(1)), number(i))
                last = i
                i += 1
                continue
            if line.rstrip() == NO_TRACEBACK:
                yield Tok("NO_TRACEBACK", None, number(i))
                bare_header = None
                last = i
                i += 1
                continue
            if line.startswith("Exception: ") and get(i + 1) == EXCEPTION_RULE:
                yield Tok("EXCEPTION", line[11:], number(i))
                bare_header = None
                last = i + 1
                i += 2
                continue
        frame = _frame(src, out, i)
        if frame is None:
            break
        value, used = frame
        if not frames:
            frames_line = number(i)
        frames.append(value)
        bare_header = None
        i += used
        last = i - 1
    if frames:
        yield Tok("FRAMES", frames, frames_line)
    _warn_bare_header(src, out, bare_header)
    return i, last


def _warn_bare_header(src: ReportLines, out: Lexed, i: int | None) -> None:
    if i is not None:
        out.warn(src, i, "thread without its stack: neither frames nor `No Traceback!` follow")


def _frame(src: ReportLines, out: Lexed, i: int) -> tuple[tuple, int] | None:
    """The frame at line `i` and how many lines it spans, tolerating wrapped copies."""
    line = src.get(i)
    location = _location(line)
    used = 1
    if location is None:
        # A copy hard-wrapped inside the `file:line in function` line.
        following = src.get(i + 1)
        if not following or following[0] == " " or following[0] == "-":
            return None
        for joiner in ("", " "):
            location = _location(line + joiner + following)
            if location is not None:
                used = 2
                break
        else:
            return None
    source_line = src.get(i + used)
    match = SOURCE.match(source_line) if source_line else None
    if match is None:
        out.warn(src, i, "frame without its source line")
        return (*location, None), used
    return (*location, match.group(1)), used + 1


def _location(line: str) -> tuple[str, int | None, str] | None:
    """`file`, line number (None for Python 3.11's `None`) and function of a frame line."""
    head, sep, function = line.rpartition(" in ")
    if not sep or not function or " " in function.strip():
        return None
    file, colon, lineno = head.rpartition(":")
    if not colon or not file or not LINE_NUMBER.fullmatch(lineno):
        return None
    return file, None if lineno == "None" else int(lineno), function.rstrip()


def _processes(src: ReportLines, out: Lexed, i: int) -> Iterator[Tok]:
    get, number = src.get, src.number
    last = None
    pids: set[str] = set()
    while (line := get(i)) is not None:
        if line:
            match = PROCESS.match(line)
            if match is None:
                break
            pid, ppid, user, uid, state = match.groups()
            if pid in pids:
                out.warn(src, i, f"process {pid} printed twice")
            if pid == ppid:
                out.warn(src, i, f"process {pid} is printed as its own parent")
            pids.add(pid)
            yield Tok("PROCESS", (int(pid), int(ppid), user, uid, state), number(i))
            last = i
        i += 1
    return i, last


def _configuration(src: ReportLines, out: Lexed, i: int) -> Iterator[Tok]:
    get, number = src.get, src.number
    lines, numbers, offset = src.lines, src.numbers, src.first_number
    if out.whitespace == "collapsed":
        _reindent(src, out, i)
    elif src.on_demand and (read := _read_on_demand(src, out, i)) is not None:
        token, i = read
        yield token
        return i, i - 1
    last = None
    blank_before = False
    # The section's groups travel to the parser as one token, their options already built:
    # a token per option, or even per group, would make Lark's per-token work the cost of
    # the whole parse.
    groups: dict[str, Group] = {}
    group: tuple[str, int] | None = None  # the name and line number of the group being read
    options: dict[str, Option] = {}
    # An Option per option line, made here rather than by a call to `built_option`:
    # a thousand calls are a tenth of a parse.
    new_option, (set_name, set_value, set_shape, set_line) = OPTION_FACTORY
    while True:
        # Lines already read are taken straight from the list (an index past its end
        # costs nothing until it happens); `get` reads on.
        try:
            line = lines[i]
        except IndexError:
            line = get(i)
            if line is None:
                break
        if not line:
            blank_before = True
            i += 1
            continue
        first = line[0]
        if first == " " and line[1:2] == " " and line[2:3] not in (" ", ""):
            name, sep, value = line.partition(" = ")
            name = name[2:]
            if not sep or " " in name:
                stripped = line[2:].rstrip()
                if stripped.endswith(" =") and " " not in stripped[:-2]:
                    name, sep, value = stripped[:-2], " = ", ""
                elif stripped.endswith(":") and " " not in stripped:
                    name = stripped[:-1]
                elif _journald_blob(src, out, i):
                    last = i
                    i += 1
                    continue
                else:
                    break
            if group is None:
                raise GmrSyntaxError(f"option `{name}` stands before any group", line=number(i))
            j = i + 1
            try:
                following = lines[j]
            except IndexError:
                following = get(j)
            if sep and following and following[:4] != "    ":
                shape = "scalar"  # one line: most options
            else:
                j = _continuation_end(src, j)
                value, shape = _folded_value(src, out, i, j, name, value if sep else None, blank_before)
            if name in options:
                out.warn(src, i, f"option `{name}` printed twice in group `{group[0]}`; "
                            "the last value is kept")
            option = new_option()
            set_name(option, name)
            set_value(option, value)
            set_shape(option, shape)
            set_line(option, offset + i if numbers is None else number(i))
            options[name] = option
            last = j - 1
            i = j
        elif first == " " and not line.strip():
            blank_before = True  # a blank line that kept some of its spaces
            i += 1
            continue
        elif first == " " or first == "=":
            if not _journald_blob(src, out, i):
                break
            last = i
            i += 1
        else:
            stripped = line.rstrip(" ")
            if stripped[-1:] != ":" or " " in stripped or len(stripped) < 2:
                if not _journald_blob(src, out, i):
                    break
                last = i
                i += 1
                continue
            if line[-1] != " ":
                out.whitespace = "stripped"
            if group is not None:
                groups[group[0]] = _group(*group, options)
            name = stripped[:-1]
            if name in groups:  # not as oslo.reports prints: reports pasted together
                out.warn(src, i, f"group `{name}` printed twice; its options are read as "
                                 "one group")
                group, options = (name, groups[name].line), dict(groups[name].options)
            else:
                group, options = (name, number(i)), {}
                out.groups.append(name)
            last = i
            i += 1
        blank_before = False
    if group is not None:
        groups[group[0]] = _group(*group, options)
    if groups:
        yield Tok("GROUPS", groups, next(iter(groups.values())).line)
    return i, last


def _read_on_demand(src: ReportLines, out: Lexed, i: int) -> tuple[Tok, int] | None:
    """The GROUPS token of a Configuration section that runs from line `i` to the end
    of a plain input, laid out exactly as oslo.reports prints it, read at once into an
    OnDemandGroups; and the index past the input's end. None for any other section."""
    lines = src.lines
    if src.numbers is not None or out.whitespace != "exact" or src.get(len(lines)) is not None \
            or len(lines) - src.start >= MAX_REPORT_LINES:
        return None  # a prefix, a copy, more input to come, or too long
    section = read_section("\n".join(lines[i:]))
    if section is None:
        return None
    first = src.number(i + 1)  # the line of the first group
    out.groups += [name for name, _, _, _ in section.groups]
    return Tok("GROUPS", OnDemandGroups(section, first), first), len(lines)


def _group(name: str, line: int, options: dict[str, Option]) -> Group:
    return built(Group, {"name": name, "options": options, "line": line})


def _continuation_end(src: ReportLines, j: int) -> int:
    """The line after the continuation lines starting at `j`: lines indented four spaces
    or more; a blank line counts when the next one is indented (a copy stripped of
    trailing spaces)."""
    lines, get = src.lines, src.get
    while (following := lines[j] if j < len(lines) else get(j)) is not None:
        if following[:4] == "    ":
            j += 1
        elif not following and (after := get(j + 1)) is not None and after[:4] == "    ":
            j += 2
        else:
            break
    return j


def _folded_value(
    src: ReportLines, out: Lexed, i: int, j: int, name: str, value: str | None, blank_before: bool
) -> tuple[Value, Shape]:
    """The value and shape of the option at line `i` whose continuation lines end before
    line `j`; `value` is the text after ` = `, None for a `name:` line."""
    lines = src.lines
    if value is not None:
        if j == i + 1:
            return value, "scalar"
        if not value:
            return tuple([item[4:] for item in lines[i + 1 : j]]), "list"
        if out.whitespace == "collapsed":
            # A line of multi-line text that looked like an option once its indentation
            # was gone: keep the text together.
            return "\n".join([value] + [item[4:] for item in lines[i + 1 : j]]), "multiline"
        raise GmrSyntaxError(
            f"option `{name}` has a value and continuation lines", line=src.number(i + 1)
        )
    if j == i + 1 and not blank_before:
        _flag_bare_name(src, out, i, name)
    if blank_before or j == i + 1:
        return _dict_entries(src, out, i + 1, j), "dict"
    return "\n".join([text[4:] for text in lines[i + 1 : j]]), "multiline"


def _flag_bare_name(src: ReportLines, out: Lexed, i: int, name: str) -> None:
    """Flag the report cut when the input ends right under a `name:` line that has no blank
    line before it: oslo.reports prints one before a dict, and at least two lines under a
    multi-line value. A copy may have lost such blank or whitespace-only lines."""
    if src.get(i + 1) is None and out.whitespace == "exact":
        out.truncated = True
        out.warn(src, i, f"report cut short at line {src.number(i)}: the input ends under "
                         f"`{name}:`, before its value")


def _journald_blob(src: ReportLines, out: Lexed, i: int) -> bool:
    """True, with a warning, for journald's stand-in for a line it would not print."""
    if not JOURNALD_BLOB.match(src.lines[i]):
        return False
    out.warn(src, i, "journald hid this line (control characters); "
                "export with `journalctl -a` to keep it")
    return True


def _reindent(src: ReportLines, out: Lexed, i: int) -> None:
    """Give a copy whose runs of spaces were squeezed (a scraped web page) the indentation
    oslo.reports printed, so the section lexes as usual.

    A line without indentation ending in `:` is a group, a line with ` = ` an option, any
    other line the item of a list or a line of multi-line text. Dict entries cannot be told
    from options once the indentation is gone: they become options of the group.
    """
    lines = src.lines
    start = i
    while (line := src.get(i)) is not None:
        text = line.strip()
        if text[:4] == "====" or LOG_RECORD.match(text):
            break
        if not text:
            pass
        elif line[0] != " " and text[-1] == ":" and " " not in text:
            lines[i] = text + " "
        elif " = " in text or text.endswith(" =") or text[-1] == ":" and " " not in text:
            lines[i] = "  " + text
        else:
            lines[i] = "    " + text
        i += 1
    if i > start:
        out.warn(src, start, "runs of spaces were collapsed in this copy; the configuration's "
                        "indentation was rebuilt, and dict entries read as options")


def _dict_entries(src: ReportLines, out: Lexed, start: int, end: int) -> dict[str, str]:
    """The `    key = value` lines of a dict option; a multi-line value nests deeper."""
    entries: dict[str, str] = {}
    lines = src.lines
    k = start
    while k < end:
        text = lines[k][4:]
        key, sep, value = text.partition(" = ")
        k += 1
        if sep:
            entries[key] = value
        elif text.endswith(" ="):
            entries[text[:-2]] = ""
        elif text.rstrip().endswith(":"):
            nested = k
            while k < end and lines[k][:6] == "      ":
                k += 1
            entries[text.rstrip()[:-1]] = "\n".join([part[6:] for part in lines[nested:k]])
        elif k == end and src.get(k) is None and not src.final_newline:
            out.truncated = True
            out.warn(src, k - 1, "the input ends in the middle of a line")
        else:
            raise GmrSyntaxError(f"dict entry without ` = `: {text.strip()!r}", line=src.number(k - 1))
    return entries


def _extra_section(src: ReportLines, out: Lexed, i: int) -> Iterator[Tok]:
    """A registered section: raw lines up to the next header, report (whose first rule may
    be glued to the line before its title), log record or the closing fence of a Markdown
    code block."""
    get = src.get
    start = i
    while (line := get(i)) is not None:
        if line[:4] == "====" and (header_title(src, i) is not None or is_banner_title(line)):
            break
        if LOG_RECORD.match(line) or line.startswith("```"):
            break
        i += 1
    if i == start:
        return i, None
    yield Tok("SECTION_TEXT", "\n".join(src.lines[start:i]), src.number(start))
    return i, i - 1


_SECTIONS = {
    "Package": _package,
    "Threads": _threads,
    "Green Threads": _threads,
    "Processes": _processes,
    "Configuration": _configuration,
}
