"""A Configuration section read against the last one of its layout (`_Layout`) is the
section read in full: node after node of a fleet, whatever each changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gmr.parsing import section

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
#: A node's layout, and one with dict values (glance's enabled_backends).
SAMPLE, WITH_DICTS = SAMPLES / "nova-34.0.0-compute-node1.txt", SAMPLES / "glance-33.0.0-api.txt"
HEADER = "====                         Configuration                          ====\n" + "=" * 72 + "\n"


def body(sample: Path = SAMPLE) -> str:
    text = sample.read_text(encoding="utf-8")
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


# Edits of one line of a node (an option's, a list item's or a dict entry's): a value, a
# name, a value turned into a list or lines of text, an item more, a line break or an
# item marker in a value, a line cut after its name, a line emptied.
EDITS = [
    lambda line: line + "x",
    lambda line: line.replace(" = ", "_x = ", 1),
    lambda line: line + "\n    item",
    lambda line: line.replace(" = ", ": ", 1) + "\n    one\n    two",
    lambda line: line + "\n",
    lambda line: line + "\x01",
    lambda line: line.replace(" = ", " =", 1),
    lambda line: line.partition(" = ")[0],
    lambda line: "",
]
_EDITS = st.sampled_from(EDITS)


def every_kind(base: str) -> str:
    """`base` with an option printed as lines of text (a value that holds line breaks)
    and a dict option, as oslo.reports prints them, over its host option."""
    return base.replace("\n  host = compute1\n", "\n  host: \n    one\n    two\n\n"
                        "  backends: \n    cheap = file\n    fast = rbd\n", 1)


def one_of_each_kind(lines: list[str]) -> list[int]:
    """The first line of each kind: an option's, one that ends its group, one over a
    list, a list item's, one over a dict, a dict entry's, one over lines of text, a line
    of text's."""
    def option(i: int) -> bool:
        return lines[i].startswith("  ") and lines[i][2] != " "

    def under(i: int, head: str, blank: bool) -> bool:
        return lines[i].startswith("    ") and lines[i - 1].endswith(head) and \
            (lines[i - 2] == "") == blank

    kinds = [
        lambda i: option(i) and " = " in lines[i],
        lambda i: option(i) and i + 1 < len(lines) and not lines[i + 1],
        lambda i: option(i) and under(i + 1, " = ", False),
        lambda i: under(i, " = ", False),
        lambda i: option(i) and under(i + 1, ": ", True),
        lambda i: under(i, ": ", True),
        lambda i: option(i) and under(i + 1, ": ", False),
        lambda i: under(i, ": ", False),
    ]
    return [next(i for i in range(2, len(lines) - 1) if kind(i)) for kind in kinds]


@pytest.mark.parametrize("edit", EDITS)
def test_each_kind_of_line_edited_reads_as_the_full_read(edit):
    base = every_kind(body())
    lines = base.split("\n")
    section._LAYOUTS.clear()
    assert section.read_section(base) is not None
    for i in one_of_each_kind(lines):
        edited = "\n".join([*lines[:i], edit(lines[i]), *lines[i + 1:]])
        section._LAYOUTS.clear()
        section.read_section(base)
        assert as_tuple(section.read_section(edited)) == as_tuple(read_fresh(edited)), i


def test_an_item_moved_from_one_list_to_another_reads_as_the_full_read():
    base = body()
    lines = base.split("\n")
    items = [i for i in range(1, len(lines))
             if lines[i].startswith("    ") and lines[i - 1].endswith(" = ")]
    first, second = items[:2]
    edited = "\n".join([*lines[:first + 1], "    moved", *lines[first + 1:second],
                        *lines[second + 1:]])
    section._LAYOUTS.clear()
    section.read_section(base)
    assert as_tuple(section.read_section(edited)) == as_tuple(read_fresh(edited))


@settings(max_examples=100, deadline=None)
@given(st.sampled_from([SAMPLE, WITH_DICTS]),
       st.lists(st.tuples(st.integers(0, 10**6), _EDITS), min_size=1, max_size=4))
def test_edited_nodes_read_against_the_layout_are_the_full_read(sample, edits):
    base = body(sample)
    lines = base.split("\n")
    indented = [i for i, line in enumerate(lines) if line.startswith("  ")]
    for at, edit in edits:
        i = indented[at % len(indented)]
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
