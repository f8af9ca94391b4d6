"""Parses one report from its lines: the LALR parser, built once, and its error mapping."""

from __future__ import annotations

import gc
import hashlib
import sys
from contextlib import contextmanager
from functools import lru_cache
from importlib.resources import files
from typing import Iterator

import lark
from lark import Lark
from lark.exceptions import UnexpectedInput, UnexpectedToken, VisitError

from gmr.cache import cache_dir, kept_as
from gmr.errors import GmrError, GmrSyntaxError
from gmr.models import ParseWarning, Report, Source
from gmr.parsing.builder import ReportBuilder
from gmr.parsing.identify import frame_files, identify
from gmr.parsing.lexer import GmrLexer, Lexing
from gmr.parsing.lines import ReportLines

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
    "GROUPS": "the configuration groups",
    "SECTION_HEADER": "a section header",
    "SECTION_TEXT": "section text",
    "$END": "the end of the report",
}


@lru_cache(maxsize=1)
def report_parser() -> Lark:
    """The one LALR parser, built on first use and shared by every parse.

    Building the LALR tables is a sixth of a cold `gmr parse`, so they are kept in gmr's
    cache, named by what they are built from; lark checks the grammar again on loading.
    """
    grammar = GRAMMAR.read_text(encoding="utf-8")
    options = dict(parser="lalr", lexer=GmrLexer, transformer=ReportBuilder(),
                   start="report", maybe_placeholders=False)
    made_from = f"{grammar}{lark.__version__}{sys.version_info[:2]}".encode()
    tables = cache_dir() / f"parser-{hashlib.sha256(made_from).hexdigest()[:16]}.lark"
    if tables.exists():
        return Lark(grammar, cache=str(tables), **options)
    with kept_as(tables) as written:
        return Lark(grammar, cache=str(written) if written else False, **options)


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


def parse_report(src: ReportLines, source: dict) -> tuple[Report, int]:
    """Parse the report starting at `src.start`, and say where it ends (the index of the
    line after it); `source` supplies the Source fields the scanner knows (path, prefix,
    host, channel)."""
    path = source.get("path")
    job = Lexing(src)
    try:
        with collector_paused():
            sections = report_parser().parse(job)  # type: ignore[arg-type]
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
    lexed = job.result
    final = src.get(lexed.end) is None and src.final_newline
    stacks = (*(sections.get("threads") or ()), *(sections.get("green_threads") or ()))
    report = Report(
        source=Source(
            **source,
            first_line=src.number(src.start),
            last_line=src.number(lexed.last),
            truncated=lexed.truncated,
            partial=not lexed.banner,
            whitespace=lexed.whitespace,
            trailing_newline=final or src.get(lexed.end) is not None,
        ),
        **identify(sections.get("package"), sections.get("configuration"),
                   frame_files(stacks), source.get("host")),
        warnings=tuple(ParseWarning(line=line, message=message)
                       for line, message in lexed.warnings),
        **sections,
    )
    return report, lexed.end
