"""The compact reading of a report file gives a fleet diff the node the full parse gives,
or declines: on real reports, on reports of the real generator, and on copies of them
edited line by line (a cut, a lost trailing space, a log line, an indent, a blank line).
"""

from __future__ import annotations

from pathlib import Path

import generator as gen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gmr.diff.nodes import node_from_compact, node_from_report
from gmr.errors import GmrError
from gmr.parsing.compact import read_compact
from gmr.parsing.scan import parse

SAMPLES = sorted(Path(__file__).resolve().parent.parent.joinpath("samples").rglob("*.txt"))


def full_nodes(text: str, path: str = "node.txt") -> list | None:
    """The nodes the full parse gives, or None when it refuses the text."""
    try:
        return [node_from_report(report) for report in parse(text, path)]
    except GmrError:
        return None


def assert_same(compact_node, node) -> None:
    assert compact_node == node
    assert list(compact_node.values) == list(node.values)  # the printed order too


@pytest.mark.parametrize("path", SAMPLES, ids=lambda path: path.name)
def test_samples_read_compact_give_the_node_of_the_full_parse(path):
    text = path.read_text(encoding="utf-8")
    compact = read_compact(text, str(path))
    if compact is None:
        # Only copies that are not exactly as oslo.reports prints them.
        assert "mitaka" in path.name or "  \n" not in text
        return
    (node,) = full_nodes(text, str(path))
    assert_same(node_from_compact(compact), node)


def test_most_samples_are_read_compact():
    accepted = [path for path in SAMPLES
                if read_compact(path.read_text(encoding="utf-8"), str(path)) is not None]
    assert len(accepted) >= len(SAMPLES) - 1


_NAME = st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True)
_ITEM = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
                              blacklist_characters="\\$,"), max_size=8).map(str.strip)
_VALUES = {
    "str": _ITEM | st.sampled_from(["", "None", "***", "a = b", "k: v", "x =", "  padded  "]),
    "int": st.integers(-1000, 1000),
    "bool": st.booleans(),
    "list": st.lists(_ITEM, max_size=3),
    "dict": st.dictionaries(_NAME, _ITEM.filter(lambda s: ":" not in s), max_size=3),
    "multiline": st.lists(_ITEM, min_size=2, max_size=3).map("\n".join),
}
_GROUPS = ["DEFAULT", "api", "oslo_messaging_rabbit", "cors.sub", "UP", "vnc"]


@st.composite
def option_specs(draw):
    specs, taken = [], set()
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(sorted(_VALUES)))
        group = draw(st.sampled_from(_GROUPS))
        name = draw(_NAME | st.sampled_from(["host", "my_ip", "hostname", "processname"]))
        if (group, name.replace("-", "_")) in taken or group == "DEFAULT" and name in (
                "config_file", "config_dir", "config_source", "shell_completion"):
            continue
        taken.add((group, name.replace("-", "_")))
        specs.append(gen.OptionSpec(group, name, kind, draw(_VALUES[kind]),
                                    draw(st.booleans())))
    return tuple(specs)


@st.composite
def edits(draw):
    """A line-by-line edit of a report: where, and what."""
    return draw(st.floats(0, 1)), draw(st.sampled_from(
        ["delete", "double", "strip", "blank", "indent", "dedent", "log", "cut"]))


def edited(text: str, where: float, how: str) -> str:
    lines = text.split("\n")
    i = min(int(where * len(lines)), len(lines) - 1)
    line = lines[i]
    if how == "delete":
        del lines[i]
    elif how == "double":
        lines.insert(i, line)
    elif how == "strip":
        lines[i] = line.rstrip()
    elif how == "blank":
        lines.insert(i, "")
    elif how == "indent":
        lines[i] = "  " + line
    elif how == "dedent":
        lines[i] = line[2:]
    elif how == "log":
        lines.insert(i, "2026-12-02 10:00:00.000 42 INFO nova.service [-] Starting")
    else:
        return "\n".join(lines[:i]) + "\n" + line[: len(line) // 2]
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(option_specs(), st.lists(edits(), max_size=2), st.booleans())
def test_generated_reports_read_compact_alike_or_declined(specs, changes, newline):
    generated = gen.generate(gen.ReportSpec(options=specs, threads=1, greenlets=1))
    text = generated.text + ("\n" if newline else "")
    compact = read_compact(text, "node.txt")
    nodes = full_nodes(text)
    if not changes and nodes is not None and not any(r.warnings for r in parse(text)):
        assert compact is not None, "a report as oslo.reports prints it is read compact"
    for where, how in changes:
        text = edited(text, where, how)
    compact = read_compact(text, "node.txt")
    nodes = full_nodes(text)
    if compact is not None:
        assert nodes is not None and len(nodes) == 1
        assert_same(node_from_compact(compact), nodes[0])


@pytest.mark.parametrize("twice", ["option", "group"])
def test_an_option_or_a_group_printed_twice_is_left_to_the_full_parse(twice):
    """The full parse warns of it and keeps the last value; a reading at once would
    keep both."""
    text = next(path for path in SAMPLES if path.name == "nova-34.0.0-compute-node1.txt"
                ).read_text(encoding="utf-8")
    assert read_compact(text) is not None
    if twice == "option":
        line = "  cpu_allocation_ratio = 4.0\n"
        text = text.replace(line, line + "  cpu_allocation_ratio = 16.0\n")
    else:
        text = text.replace("\n\nwsgi: \n", "\n\nwsgi: \n  api_paste_config = x\n\nvnc: \n", 1)
    assert read_compact(text) is None
    (report,) = parse(text)
    assert any("twice" in warning.message for warning in report.warnings)
