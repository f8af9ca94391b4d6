"""The grammar itself: conflict-free LALR, built once."""

from __future__ import annotations

from lark import Lark

from gmr.parsing.lexer import GmrLexer
from gmr.parsing.parser import GRAMMAR, report_parser


def test_grammar_is_strict_lalr_without_conflicts():
    # strict=True turns any shift/reduce or reduce/reduce conflict into an error.
    Lark(GRAMMAR.read_text(encoding="utf-8"), parser="lalr", lexer=GmrLexer,
         start="report", strict=True)


def test_the_parser_is_built_once():
    assert report_parser() is report_parser()
