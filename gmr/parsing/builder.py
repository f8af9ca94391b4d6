"""Builds the models while Lark parses: the transformer runs inside the LALR parser.

Passed to `Lark(transformer=...)`, each method runs as its rule is reduced, so no parse
tree is ever built. Token values already hold the fields the lexer pulled out of each
line; these methods only assemble them. The builder keeps no state, so one instance
serves every parse.
"""

from __future__ import annotations

from typing import Iterable

from lark import Transformer, v_args

from gmr.models import (
    Configuration,
    ExtraSection,
    Frame,
    GreenThread,
    Package,
    Process,
    Processes,
    Thread,
    built,
)
from gmr.parsing.lexer import Tok
from gmr.parsing.ondemand import OnDemandConfiguration, OnDemandGroups


def package_of(header: Tok, fields: Iterable[Tok]) -> Package:
    """The Package section from its header's token and its fields' (`None` is unset)."""
    values = {key: None if value == "None" else value for key, value in (f.value for f in fields)}
    return Package(**values, line=header.line)


@v_args(inline=True)
class ReportBuilder(Transformer):
    def report(self, *sections: object) -> dict[str, object]:
        found: dict[str, object] = {"extra_sections": []}
        for section in sections:
            if isinstance(section, ExtraSection):
                found["extra_sections"].append(section)
            elif not isinstance(section, Tok):  # the banner
                key, value = section
                found[key] = value
        found["extra_sections"] = tuple(found["extra_sections"])
        return found

    def package(self, header: Tok, *fields: Tok) -> tuple[str, Package]:
        return "package", package_of(header, fields)

    def threads(self, *items: Tok | Thread) -> tuple[str, tuple[Thread, ...]]:
        return "threads", tuple(item for item in items if not isinstance(item, Tok))

    def green_threads(self, *items: Tok | GreenThread) -> tuple[str, tuple[GreenThread, ...]]:
        return "green_threads", tuple(item for item in items if not isinstance(item, Tok))

    def thread(self, header: Tok, stack: tuple = ((), None)) -> Thread:
        frames, exception = stack
        return Thread(id=header.value, frames=frames, exception=exception, line=header.line)

    def green_thread(self, header: Tok, stack: tuple = ((), None)) -> GreenThread:
        frames, exception = stack
        return GreenThread(frames=frames, exception=exception, line=header.line)

    def stack(self, *tokens: Tok) -> tuple[tuple[Frame, ...], str | None]:
        exception = tokens[0].value if tokens[0].type == "EXCEPTION" else None
        if tokens[-1].type != "FRAMES":
            return (), exception
        frames = tuple(
            [
                built(Frame, {"file": file, "line": line, "function": function, "source": source})
                for file, line, function, source in tokens[-1].value
            ]
        )
        return frames, exception

    def processes(self, header: Tok, *lines: Tok) -> tuple[str, Processes]:
        seen: set[int] = set()
        children: dict[int, list[int]] = {}
        for pid, ppid, *_ in (t.value for t in lines):
            # Parents print before their children, so linking only to a pid already
            # seen rebuilds the tree and can never loop, whatever the input says.
            if ppid in seen and ppid != pid:
                children.setdefault(ppid, []).append(pid)
            seen.add(pid)
        return "processes", Processes(
            tuple(
                Process(
                    pid=pid,
                    ppid=ppid,
                    user=user,
                    uid=int(uid) if uid.isdecimal() and len(uid) <= 20 else (
                        None if uid == "None" else uid),
                    state=state,
                    children=tuple(children.get(pid, ())),
                    line=t.line,
                )
                for t in lines
                for pid, ppid, user, uid, state in (t.value,)
            )
        )

    def configuration(self, header: Tok, groups: Tok | None = None) -> tuple[str, Configuration]:
        if groups is not None and isinstance(groups.value, OnDemandGroups):
            return "configuration", built(OnDemandConfiguration, {"groups": groups.value})
        return "configuration", Configuration(groups=groups.value if groups else {})

    def extra_section(self, header: Tok, text: Tok | None = None) -> ExtraSection:
        return ExtraSection(title=header.value, text=text.value if text else "", line=header.line)
