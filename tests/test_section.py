"""A Configuration section read against the last one of its layout (`_Layout`) is the
section read in full: node after node of a fleet, whatever each changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmr.parsing import section

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "nova-34.0.0-compute-node1.txt"
HEADER = "====                         Configuration                          ====\n" + "=" * 72 + "\n"


def body() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    return text[text.index(HEADER) + len(HEADER):].rstrip("\n")


def read_fresh(text: str):
    section._LAYOUTS.clear()
    return section.read_section(text)


def as_tuple(read):
    return None if read is None else (read.names, read.values, read.texts, read.groups,
                                      [read.line(i) for i in range(len(read.names))])


def test_a_section_of_a_known_layout_is_read_as_the_full_read_gives_it(monkeypatch):
    base = body()
    section._LAYOUTS.clear()
    assert section.read_section(base) is not None
    other = base.replace("= compute1\n", "= compute2\n").replace("10.20.30.11", "10.20.30.12")
    assert other != base
    assert len(section._LAYOUTS) == 1
    monkeypatch.setattr(section, "_read", None)  # read against the layout, or fail
    read = section.read_section(other)
    monkeypatch.undo()
    assert as_tuple(read) == as_tuple(read_fresh(other))


# Edits of one line of a node: a value, a name, a value turned into a list or lines of
# text, a line break or an item marker in a value, a line dropped.
_EDITS = st.sampled_from([
    lambda line: line + "x",
    lambda line: line.replace(" = ", "_x = ", 1),
    lambda line: line + "\n    item",
    lambda line: line.replace(" = ", ": ", 1) + "\n    one\n    two",
    lambda line: line + "\n",
    lambda line: line + "\x01",
    lambda line: line.replace(" = ", " =", 1),
    lambda line: "",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10**6), _EDITS), min_size=1, max_size=4))
def test_edited_nodes_read_against_the_layout_are_the_full_read(edits):
    base = body()
    lines = base.split("\n")
    options = [i for i, line in enumerate(lines) if line.startswith("  ") and " = " in line]
    for at, edit in edits:
        i = options[at % len(options)]
        lines[i] = edit(lines[i])
    edited = "\n".join(lines)
    section._LAYOUTS.clear()
    section.read_section(base)
    assert as_tuple(section.read_section(edited)) == as_tuple(read_fresh(edited))


@pytest.mark.parametrize("layouts", [section._MAX_LAYOUTS + 5])
def test_the_layouts_kept_are_bounded(layouts):
    base = body()
    section._LAYOUTS.clear()
    for n in range(layouts):
        assert section.read_section(base.replace("\napi: ", f"\napi{n}: ", 1)) is not None
    assert len(section._LAYOUTS) == section._MAX_LAYOUTS
