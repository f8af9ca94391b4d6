"""A node's comparable values, made in bulk for speed, against their plain definition."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from gmr.diff.nodes import IDENTITY, MASKED, glob_matcher, node_from_report
from gmr.models import MASKS, Configuration, Group, Option, Report, ReportRelease, Source

_OWN = ["compute1", "10.20.30.11", "compute1.example.org", "ctl"]
_WORD = st.sampled_from(["a", "x-1", "compute1", "10.20.30.11", "10.20.30.111", "ctl",
                         "compute1.example.org", "/var/compute1/", "ctl:5672", "***",
                         "*******", "None", "", " ", "compute12", "acompute1",
                         ".compute1", "compute1-x", "compute1_", "-ctl", "ctl.", "ctl.ctl",
                         "écompute1", "compute1é", "compute1²", "10.20.30.11.5"])
_TEXT = st.lists(_WORD, max_size=4).map(" ".join) | _WORD
_VALUE = st.one_of(
    _TEXT.map(lambda text: (text, "scalar")),
    st.lists(_TEXT, max_size=3).map(lambda items: (tuple(items), "list")),
    st.dictionaries(st.sampled_from(["k", "j", "compute1"]), _TEXT, max_size=3)
    .map(lambda entries: (entries, "dict")),
    st.lists(_TEXT, min_size=2, max_size=3).map(lambda lines: ("\n".join(lines), "multiline")),
)
_GROUPS = ["default", "vnc", "oslo_messaging_rabbit", "ovs", "OVS", "libvirt"]
_NAMES = ["host", "my_ip", "hostname", "local_ip", "server_listen", "opt", "other", "x"]


@st.composite
def reports(draw) -> Report:
    groups = {}
    for group in draw(st.lists(st.sampled_from(_GROUPS), max_size=5, unique=True)):
        options = {}
        for name in draw(st.lists(st.sampled_from(_NAMES), max_size=6, unique=True)):
            if name in ("host", "my_ip", "hostname", "local_ip") and draw(st.booleans()):
                value, shape = draw(st.sampled_from(_OWN)), "scalar"
            else:
                value, shape = draw(_VALUE)
            options[name] = Option(name=name, value=value, shape=shape)
        groups[group] = Group(name=group, options=options)
    return Report(source=Source(path="node.txt", first_line=1, last_line=1),
                  release=ReportRelease(name="2026.2", source="user"),
                  configuration=Configuration(groups=groups))


def plain_values(report: Report, identity=IDENTITY) -> tuple[dict, dict]:
    """The definition: every option but the identity ones, a list as a frozenset, a dict
    as sorted items, MASKED for a mask, own values as whole words replaced by their
    placeholders; and the values a placeholder went into, as printed."""
    match = glob_matcher(identity)
    own: dict[str, str] = {}
    options = []
    for group in report.configuration:
        for option in group.options.values():
            if match(f"{group.name}.{option.name}"):
                text = option.value if option.shape == "scalar" else ""
                if len(text) >= 3 and text not in ("None", *MASKS) and " " not in text \
                        and text not in own.values():
                    own[f"<{option.name}>"] = text
            else:
                options.append(((group.name, option.name), option))
    by_value = {value: placeholder for placeholder, value in own.items()}
    words = "|".join(re.escape(v) for v in sorted(by_value, key=len, reverse=True))
    pattern = re.compile(rf"(?<![\w.-])(?:{words})(?![\w-])")

    def substitute(text: str) -> str:
        return pattern.sub(lambda m: by_value[m.group()], text) if own else text

    values, as_printed = {}, {}
    for key, option in options:
        value = option.value
        if option.shape == "list":
            value = frozenset(value)
            placed = frozenset(map(substitute, value))
        elif option.shape == "dict":
            value = tuple(sorted(value.items()))
            placed = tuple((k, substitute(v)) for k, v in value)
        elif value in MASKS:
            value = placed = MASKED
        else:
            placed = substitute(value)
        if placed != value:
            as_printed[key] = value
        values[key] = placed
    return values, as_printed


@settings(max_examples=300, deadline=None)
@given(reports())
def test_node_values_are_their_plain_definition(report):
    node = node_from_report(report)
    values, as_printed = plain_values(report)
    assert dict(node.values) == values
    assert list(node.values) == list(values)
    assert node.as_printed == as_printed
    assert node.groups == {group for group, _ in values}
