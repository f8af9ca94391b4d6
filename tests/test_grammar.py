"""The grammar itself: conflict-free LALR, and one parser shared by every parse."""

from __future__ import annotations

from lark import Lark

import gmr
import gmr.parsing.parser
from gmr.parsing.lexer import GmrLexer
from gmr.parsing.parser import GRAMMAR, report_parser


def test_grammar_is_strict_lalr_without_conflicts():
    # strict=True turns any shift/reduce or reduce/reduce conflict into an error.
    Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer=GmrLexer,
         start="report", strict=True)


def test_one_parser_is_built_and_shared_by_every_parse(full_report, small_report, monkeypatch):
    built = []

    class Counted(Lark):
        def __init__(self, *args, **kwargs):
            built.append(self)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(gmr.parsing.parser, "Lark", Counted)
    report_parser.cache_clear()
    try:
        first = gmr.parse(full_report.text)
        both = gmr.parse(small_report.text + full_report.text)
    finally:
        report_parser.cache_clear()  # the next parse builds a plain Lark again
    assert len(built) == 1
    # The shared builder carries nothing from one report into the next.
    rendered = [gmr.render(report) for report in (*first, *both)]
    assert rendered == [full_report.text, small_report.text, full_report.text]
