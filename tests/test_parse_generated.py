"""Reports written by the real oslo.reports parse into exactly what oslo.config held,
and render back to the same bytes."""

from __future__ import annotations

import generator as gen
import pytest
from expect import expected_values, parsed_values

import gmr


def test_every_option_kind_parses_to_the_values_oslo_config_held(full_report):
    (report,) = gmr.parse(full_report.text)
    assert parsed_values(report) == expected_values(full_report)
    assert gmr.render(report) == full_report.text


def test_option_shapes_masks_and_typed_accessors(full_report):
    (report,) = gmr.parse(full_report.text)
    option = report.option
    assert option("DEFAULT", "cpu_allocation_ratio").as_float() == 4.0
    assert option("default", "debug").as_bool() is True
    assert option("database", "max_pool_size").as_int() == -1
    assert option("DEFAULT", "unset").is_none and option("DEFAULT", "unset").as_int() is None
    assert option("DEFAULT", "transport_url").masked
    assert option("database", "connection").masked
    assert not option("keystone_authtoken", "password").masked
    assert option("DEFAULT", "enabled_backends").shape == "list"
    assert option("DEFAULT", "enabled_backends").as_list() == ["Mid", "ceph-1", "lvm-1"]
    assert option("DEFAULT", "empty_list").as_list() == []
    assert option("pci", "alias").shape == "dict"
    assert option("pci", "alias").as_dict() == {"empty": "", "name": "gpu", "vendor_id": "10de"}
    assert option("pci", "empty_dict").shape == "dict" and option("pci", "empty_dict").value == {}
    assert option("UPPER", "banner").shape == "multiline"
    assert option("keystone_authtoken", "auth-url").value == "https://keystone:5000/v3"
    assert "\x1b[01;36m" in option("DEFAULT", "logging_context_format_string").value
    assert list(report.configuration.groups) == sorted(report.configuration.groups)


def test_threads_green_threads_processes_and_extra_sections(full_report):
    (report,) = gmr.parse(full_report.text)
    assert len(report.threads) == 3  # the main thread and two parked ones
    functions = {frame.function for thread in report.threads for frame in thread.frames}
    assert {"gmr_native_thread_0", "gmr_native_thread_1"} <= functions
    assert all(frame.source is not None for t in report.threads for frame in t.frames)
    green = report.green_threads
    assert len(green) == 3 and sum(not thread.frames for thread in green) == 1  # No Traceback!
    processes = report.processes
    root = processes.by_pid(full_report.pid)
    assert processes.roots == (root,)
    first, second, grandchild = full_report.children
    assert set(root.children) == {first, second}
    assert processes.children_of(first) == (processes.by_pid(grandchild),)
    assert report.extra_sections[0].title == "Plugins"
    assert report.extra_sections[0].text == "+----+\n| a  |\n+----+"
    assert report.package.product == "OpenStack Nova" and report.service == "nova"


@pytest.mark.parametrize("trigger", ["signal", "file"])
@pytest.mark.parametrize("delivery", ["stderr", "log_dir"])
def test_triggers_and_deliveries_round_trip(trigger, delivery):
    generated = gen.generate(gen.ReportSpec(options=(), trigger=trigger, delivery=delivery))
    (report,) = gmr.parse(generated.text)
    assert report.source.trailing_newline is (delivery == "stderr")
    assert not report.source.truncated and not report.warnings
    assert gmr.render(report) == generated.text


def test_without_greenlet_the_green_threads_section_is_absent():
    generated = gen.generate(gen.ReportSpec(greenlet_available=False))
    (report,) = gmr.parse(generated.text)
    assert report.green_threads is None
    assert gmr.render(report) == generated.text


def test_neutron_style_package_prints_none_and_service_is_inferred():
    generated = gen.generate(gen.ReportSpec(
        package=None,
        options=(gen.OptionSpec("DEFAULT", "core_plugin", "str", "ml2"),
                 gen.OptionSpec("ml2", "mechanism_drivers", "list", ["ovn"])),
    ))
    (report,) = gmr.parse(generated.text)
    assert report.package.product is None and report.package.version is None
    assert report.service == "neutron"
    assert gmr.render(report) == generated.text


def test_a_frame_caught_where_python_has_no_line_number_prints_none():
    # Python 3.11 prints `file:None in function` and `(source not found)` for a frame
    # stopped at an instruction without a line, as in busy nova-compute threads.
    generated = gen.generate(gen.ReportSpec(options=(), threads=1, lineless_threads=2))
    (report,) = gmr.parse(generated.text)
    lineless = [frame for thread in report.threads for frame in thread.frames
                if frame.function.startswith("gmr_lineless_thread_")]
    assert len(lineless) == 2
    assert all(frame.line is None and frame.source is None for frame in lineless)
    assert len(report.threads) == 4 and report.configuration is not None
    assert not report.source.truncated and not report.source.partial and not report.warnings
    assert gmr.render(report) == generated.text
