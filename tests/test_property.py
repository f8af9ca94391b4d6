"""Property: any option set oslo.config can hold survives the real generator, the parse
gives back exactly the held values, and the report renders back byte for byte."""

from __future__ import annotations

import generator as gen
from expect import expected_values, parsed_values
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import gmr

_NAME = st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True)
#: Names oslo.config owns in [DEFAULT] or reserves.
_RESERVED = {"config_file", "config_dir", "config_source", "shell_completion", "project",
             "prog", "version", "usage", "default_config_files", "default_config_dirs"}
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                              blacklist_characters="\\$"), max_size=16)
_ITEM = _TEXT.filter(lambda s: "," not in s and s == s.strip())
_LINE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                              blacklist_characters="\\$"), max_size=10)

_VALUES = {
    "str": _TEXT | st.sampled_from(["", "None", "***", "a = b", "k: v", "  padded  "]),
    "int": st.integers(-(10**9), 10**9),
    "float": st.floats(allow_nan=False, allow_infinity=False, width=32),
    "bool": st.booleans(),
    "list": st.lists(_ITEM, max_size=4),
    "multistr": st.lists(_ITEM.filter(bool), max_size=3),
    "dict": st.dictionaries(_NAME, _ITEM.filter(lambda s: ":" not in s), max_size=3),
    "multiline": st.lists(_LINE, min_size=2, max_size=4).map("\n".join),
}


@st.composite
def options(draw):
    kind = draw(st.sampled_from(sorted(_VALUES)))
    group = draw(st.sampled_from(["DEFAULT", "api", "oslo_messaging_rabbit", "cors.sub", "UP"]))
    name = draw(_NAME)
    if group == "DEFAULT" and name.replace("-", "_") in _RESERVED:
        name = "x" + name
    value = draw(st.none() | _VALUES[kind]) if kind != "multiline" else draw(_VALUES[kind])
    return gen.OptionSpec(group, name, kind, value, draw(st.booleans()))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(options(), max_size=8,
                unique_by=lambda o: (o.group, o.name.replace("-", "_"))))
@example([gen.OptionSpec("g", "x", "multiline", "a\n\n")])
@example([gen.OptionSpec("g", "d", "dict", {}), gen.OptionSpec("g", "e", "list", [])])
def test_parse_gives_back_what_oslo_config_held(option_specs):
    generated = gen.generate(gen.ReportSpec(options=tuple(option_specs), threads=0, greenlets=0))
    (report,) = gmr.parse(generated.text)
    assert parsed_values(report) == expected_values(generated)
    assert gmr.render(report) == generated.text
