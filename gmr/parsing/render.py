"""Turns a Report back into Guru Meditation Report text, as oslo.reports prints it.

This is the parser's correctness oracle: for every report oslo.reports wrote,
`render(parse(text)[0]) == text` byte for byte. The layout mirrors oslo.reports'
text views (`views/text/header.py`, `generic.py`, `threading.py`, `process.py`): a
section is a 3-line title header, a newline and its body; sections are joined by one
newline, so a body that ends with a newline leaves a blank line before the next header.
"""

from __future__ import annotations

from gmr.models import (
    Configuration,
    ExtraSection,
    GreenThread,
    Group,
    Option,
    Package,
    Processes,
    Report,
)
from gmr.parsing.shapes import (
    BANNER_BODY,
    BANNER_TITLE,
    CHILD_INDENT,
    EXCEPTION_RULE,
    ITEM_INDENT,
    NESTED_INDENT,
    NO_TRACEBACK,
    OPTION_INDENT,
    RULE,
    SOURCE_INDENT,
    SOURCE_NOT_FOUND,
    frame_line,
    header_line,
    process_line,
    thread_header_line,
)


def render(report: Report) -> str:
    """The report as GMR text; a copy whose trailing spaces were stripped stays stripped."""
    sections: list[str] = []
    if not report.source.partial:
        sections.append(_section(BANNER_TITLE, BANNER_BODY))
    if report.package is not None:
        sections.append(_section("Package", _package(report.package)))
    if report.threads is not None:
        sections.append(_section("Threads", _threads(report.threads, green=False)))
    if report.green_threads is not None:
        sections.append(_section("Green Threads", _threads(report.green_threads, green=True)))
    if report.processes is not None:
        sections.append(_section("Processes", _processes(report.processes)))
    if report.configuration is not None:
        sections.append(_section("Configuration", _configuration(report.configuration)))
    sections += [_extra(section) for section in report.extra_sections]
    text = "\n".join(sections)
    if report.source.whitespace == "stripped":
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    return text + "\n" if report.source.trailing_newline else text


def _section(title: str, body: str) -> str:
    return f"{RULE}\n{header_line(title)}\n{RULE}\n{body}"


def _package(package: Package) -> str:
    return "\n".join(
        f"{field} = {getattr(package, field)}" for field in ("product", "vendor", "version")
    )


def _threads(threads: tuple[GreenThread, ...], green: bool) -> str:
    blocks = []
    for thread in threads:
        blocks.append(f"{thread_header_line(None if green else thread.id)}\n{_stack(thread)}")
    return "\n".join(blocks)


def _stack(thread: GreenThread) -> str:
    if not thread.frames:
        return f"\n{NO_TRACEBACK}\n"
    head = (f"Exception: {thread.exception}\n{EXCEPTION_RULE}\n\n"
            if thread.exception is not None else "")
    return head + "".join(
        f"\n{frame_line(frame.file, frame.line, frame.function)}\n{SOURCE_INDENT}"
        + (SOURCE_NOT_FOUND if frame.source is None else f"`{frame.source}`")
        + "\n"
        for frame in thread.frames
    )


def _processes(processes: Processes) -> str:
    # oslo.reports indents every descendant by the same four spaces.
    return "".join(
        (CHILD_INDENT if index else "") + process_line(p.pid, p.ppid, p.user, p.uid, p.state) + "\n"
        for index, p in enumerate(processes)
    )


def _configuration(configuration: Configuration) -> str:
    # Each group follows a blank line, so the body opens with one.
    return "\n" + "\n\n".join(_group(group) for group in configuration)


def _group(group: Group) -> str:
    return f"{group.name}: " + "".join("\n" + _option(option) for option in group.options.values())


def _option(option: Option) -> str:
    name, value = option.name, option.value
    if option.shape == "scalar":
        return f"{OPTION_INDENT}{name} = {value}"
    if option.shape == "list":
        return f"{OPTION_INDENT}{name} = " + "".join(f"\n{ITEM_INDENT}{item}" for item in value)
    if option.shape == "multiline":
        return f"{OPTION_INDENT}{name}: " + "".join(
            f"\n{ITEM_INDENT}{line}" for line in value.split("\n"))
    entries = "".join(
        f"\n{ITEM_INDENT}{key}: " + "".join(f"\n{NESTED_INDENT}{line}" for line in text.split("\n"))
        if "\n" in text
        else f"\n{ITEM_INDENT}{key} = {text}"
        for key, text in value.items()
    )
    return f"\n{OPTION_INDENT}{name}: {entries}"


def _extra(section: ExtraSection) -> str:
    return _section(section.title, section.text)
