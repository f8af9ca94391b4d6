"""Parses one report from its lines: the LALR parser, built once, and its error mapping."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator
from importlib.resources import files

from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError

from gmr.errors import GmrError, GmrSyntaxError
from gmr.lexer import GmrLexer
from gmr.lines import ReportLines
from gmr.models import ParseWarning, Report, Source
from gmr.transform import ReportBuilder

GRAMMAR = files("gmr.grammar") / "gmr.lark"

_WHAT = {
    "BANNER": "the report banner",
    "PACKAGE_HEADER": "the Package header",
    "PACKAGE_FIELD": "a Package line",
    "THREADS_HEADER": "the Threads header",
    "THREAD_HEADER": "a thread header",
    "GREEN_THREADS_HEADER": "the Green Threads header",
    "GREEN_THREAD_HEADER": "a green thread header",
    "FRAMES": "a stack frame",
    "EXCEPTION": "an `Exception:` block",
    "NO_TRACEBACK": "`No Traceback!`",
    "PROCESSES_HEADER": "the Processes header",
    "PROCESS": "a Process line",
    "CONFIG_HEADER": "the Configuration header",
    "GROUP": "a configuration group",
    "SECTION_HEADER": "a section header",
    "SECTION_TEXT": "section text",
    "$END": "the end of the report",
}


@lru_cache(maxsize=1)
def report_parser() -> Lark:
    """The one LALR parser, built on first use and shared by every parse."""
    return Lark(
        GRAMMAR.read_text(encoding="utf-8"),
        parser="lalr",
        lexer=GmrLexer,
        transformer=ReportBuilder(),
        start="report",
        maybe_placeholders=False,
    )


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while reports are built.

    A report is thousands of new objects that all stay alive and hold no cycles; the
    collector would scan them again and again as they pile up, doubling the parse time.
    On the way out, freeze-then-unfreeze moves the survivors straight to the oldest
    generation instead of having the next young collection scan them all once more;
    anything else young that is garbage is still collected, by the next full pass.
    Nested pauses are harmless: only the outermost one turns the collector back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def parse_report(src: ReportLines, source: dict) -> Report:
    """Parse the report starting at `src.start`; `source` supplies the Source fields
    the scanner knows (path, prefix, host, channel)."""
    path = source.get("path")
    try:
        with collector_paused():
            sections = report_parser().parse(src)  # type: ignore[arg-type]
    except UnexpectedToken as error:
        token = error.token
        expected = sorted(_WHAT.get(name, name) for name in error.expected)
        detail = f"; expected {' or '.join(expected[:4])}" if expected else ""
        raise GmrSyntaxError(
            f"{_WHAT.get(token.type, token.type)} cannot stand here{detail}",
            path,
            getattr(token, "line", None),
        ) from None
    except UnexpectedInput as error:
        raise GmrSyntaxError("malformed report", path, getattr(error, "line", None)) from None
    except VisitError as error:
        raise GmrSyntaxError(str(error.orig_exc), path, None) from None
    except GmrError as error:
        raise error.located(path) from None
    final = src.get(src.end) is None and src.final_newline
    return Report(
        source=Source(
            **source,
            first_line=src.number(src.start),
            last_line=src.number(src.last),
            truncated=src.truncated,
            partial=not src.banner,
            whitespace=src.whitespace,
            trailing_newline=final or src.get(src.end) is not None,
        ),
        warnings=tuple(ParseWarning(line=line, message=message) for line, message in src.warnings),
        **sections,
    )
