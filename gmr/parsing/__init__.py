"""Finding and parsing Guru Meditation Reports, in stages:

`scan` finds reports in any text (`prefixes` strips log wrappers, `lines` holds one
report's lines), `lexer` turns a report's lines into tokens (`shapes` holds every line
shape), `parser` runs the LALR grammar in grammar/gmr.lark, `builder` makes the models as it
parses, and `identify` finds the service, program and node. `render` prints a report back.
"""

from gmr.parsing.render import render
from gmr.parsing.scan import iter_file, iter_reports, parse, parse_file

__all__ = ["iter_file", "iter_reports", "parse", "parse_file", "render"]
