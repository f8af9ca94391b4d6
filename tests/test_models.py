"""The models: typed accessors, the process tree, the JSON shape and its way back."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

import gmr
from gmr.models import (Configuration, Frame, Group, Option, Processes, built, built_option,
                        keys_of)


def test_built_frames_equal_validated_ones():
    fields = {"file": "/x.py", "line": -1, "function": "f", "source": None}
    fast = built(Frame, dict(fields))
    assert fast == Frame(**fields)
    assert fast.model_dump_json() == Frame(**fields).model_dump_json()
    with pytest.raises(ValidationError):
        fast.file = "changed"  # frozen like any validated model


@pytest.mark.parametrize("fields", [
    {"name": "debug", "value": "True", "shape": "scalar", "line": 3},
    {"name": "l", "value": ("a", "b"), "shape": "list", "line": None},
    {"name": "d", "value": {"k": "v"}, "shape": "dict", "line": 9},
])
def test_built_options_equal_validated_ones(fields):
    fast = built_option(**fields)
    assert fast == Option(**fields)
    dump = TypeAdapter(Option).dump_json
    assert dump(fast) == dump(Option(**fields))
    with pytest.raises(FrozenInstanceError):
        fast.name = "changed"  # type: ignore[misc]


def test_options_are_validated_when_made_by_hand():
    with pytest.raises(ValidationError):
        Option(name="x", value=3, shape="scalar")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Option(name="x", value="1", shape="scalar", colour="red")  # type: ignore[call-arg]


@pytest.mark.parametrize("value, as_bool, as_int, as_float", [
    ("True", True, None, None), ("false", False, None, None), ("0", False, 0, 0.0),
    ("16.0", None, None, 16.0), ("None", None, None, None), ("***", None, None, None),
    ("", None, None, None),
])
def test_typed_accessors_read_the_text_as_oslo_config_would(value, as_bool, as_int, as_float):
    option = Option(name="x", value=value, shape="scalar")
    assert (option.as_bool(), option.as_int(), option.as_float()) == (as_bool, as_int, as_float)
    assert option.masked is (value == "***")
    assert option.is_none is (value == "None")


def test_list_accessor_splits_a_scalar_and_keeps_a_list():
    assert Option(name="x", value="a, b", shape="scalar").as_list() == ["a", "b"]
    assert Option(name="x", value=("a", "b"), shape="list").as_list() == ["a", "b"]
    assert Option(name="x", value="***", shape="scalar").as_list() is None


def test_process_tree_is_rebuilt_from_under_ppid_not_indentation(full_report):
    (report,) = gmr.parse(full_report.text)
    tree: Processes = report.processes
    assert [p.pid for p in tree.roots] == [full_report.pid]
    assert len(tree) == 4 and tree.by_pid(12345678) is None


def test_configuration_json_shape_reads_back_into_the_same_values(full_report):
    (report,) = gmr.parse(full_report.text)
    document = json.loads(report.model_dump_json())
    again = Configuration.model_validate(document["configuration"])
    assert again.model_dump() == report.configuration.model_dump()
    assert again.get("DEFAULT", "enabled_backends").shape == "list"
    assert again.get("pci", "alias").shape == "dict"
    assert again.get("UPPER", "banner").shape == "multiline"


def test_a_whole_report_reads_back_from_its_json(full_report):
    (report,) = gmr.parse(full_report.text)
    again = gmr.Report.model_validate_json(report.model_dump_json())
    assert again.model_dump_json() == report.model_dump_json()


def test_built_models_share_a_fields_set_that_copies_never_change():
    fields = {"file": "/x.py", "function": "f", "source": None}
    first = built(Frame, {**fields, "line": 1})
    second = built(Frame, {**fields, "line": 2})
    changed = first.model_copy(update={"line": 3})
    assert changed.line == 3 and first.line == 1
    assert first.model_fields_set == second.model_fields_set == set(Frame.model_fields)


def _ends_in_url(name: str) -> bool:
    return name.endswith("_url")


def test_named_options_come_in_printed_order_and_follow_a_copy_with_other_groups():
    configuration = Configuration.model_validate({
        "default": {"transport_url": "rabbit://", "debug": "False", "log_url": "x"},
        "glance": {"api_url": "http://glance"},
    })
    found = [(group, option.name) for group, option in configuration.named(_ends_in_url)]
    assert found == [("default", "transport_url"), ("default", "log_url"), ("glance", "api_url")]
    fewer = configuration.model_copy(update={"groups": {"glance": configuration.groups["glance"]}})
    assert [option.name for _, option in fewer.named(_ends_in_url)] == ["api_url"]
    assert [option.name for _, option in configuration.named(_ends_in_url)][0] == "transport_url"


_NAMES = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"),
                 min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_NAMES, st.lists(_NAMES, unique=True, max_size=4), max_size=5))
def test_a_layout_reads_back_into_the_keys_it_was_made_of(printed):
    """Configuration.layout is one text that keys_of reads back, empty groups and odd
    names included: the release fingerprint is cached by it."""
    configuration = built(Configuration, {"groups": {group: built(Group, {
        "name": group, "options": {name: built_option(name, "v", "scalar", None)
                                   for name in names}, "line": None})
        for group, names in printed.items()}})
    assert list(keys_of(configuration.layout())) == list(configuration.keys())
