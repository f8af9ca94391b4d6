"""Every era of FORMAT.md section 9 and the odd corners of section 6.

Reports older than oslo.reports cannot be generated here (they need Python 2 and the
oslo-incubator code), so their shapes are made by editing a real report the way the old
code printed it: no Processes section, unsorted keys, Package in product/version/vendor
order, Python 2 stacks with `(source not found)` and an `Exception:` block, `*******`.
"""

from __future__ import annotations

import random
import re
from dataclasses import replace

import generator as gen
import pytest
from conftest import EVERY_KIND, SAMPLES
from expect import expected_values, parsed_values
from fuzzing import check_cuts

import gmr
from gmr.parsing.shapes import (
    CHILD_INDENT,
    EXCEPTION_RULE,
    PROCESS,
    RULE,
    SOURCE_INDENT,
    SOURCE_NOT_FOUND,
    header_line,
    process_line,
    thread_header_line,
)


def header(title: str) -> str:
    return f"{RULE}\n{header_line(title)}\n{RULE}\n"


def drop_section(text: str, title: str) -> str:
    start = text.index(header(title))
    end = text.index(f"{RULE}\n====", start + len(header(title)))
    return text[:start] + text[end:]


def test_kilo_and_older_have_no_processes_section(full_report):
    text = drop_section(full_report.text, "Processes")
    (report,) = gmr.parse(text)
    assert report.processes is None and report.configuration is not None
    assert gmr.render(report) == text


def unsorted(configuration: str, rng: random.Random) -> str:
    """A Configuration body with its groups, and the options of each, in a shuffled order:
    Python 2 dict order, as oslo-incubator printed them before it sorted them (2014-07)."""
    # A group starts after a blank line, at a line without indentation. An option starts
    # at a line indented two spaces, or at the blank line before it when it is a dict.
    groups = [re.split(r"(?<!\n)\n(?=\n?  \S)", group)
              for group in re.split(r"\n\n(?=\S)", configuration.strip("\n"))]
    for group in groups:
        group[1:] = rng.sample(group[1:], len(group) - 1)
    rng.shuffle(groups)
    return "\n" + "\n\n".join("\n".join(group) for group in groups)


def printed_order(configuration: str) -> dict[str, list[str]]:
    """Each group's option names, in the order `configuration` prints them."""
    order: dict[str, list[str]] = {}
    for line in configuration.split("\n"):
        body = line[2:].rstrip()
        if line[:1].strip():
            names = order.setdefault(line.rstrip()[:-1], [])
        elif line[:2] == "  " and body[:1].strip():
            dict_or_text = body.endswith(":") and " " not in body
            names.append(body[:-1] if dict_or_text else body.partition(" =")[0])
    return order


def test_icehouse_prints_unsorted_groups_options_and_package(full_report):
    text = full_report.text.replace(
        "vendor = OpenStack Foundation\nversion = 29.0.0", "version = 29.0.0\nvendor = OpenStack Foundation"
    )
    start = text.index(header("Configuration")) + len(header("Configuration"))
    end = text.index(header("Plugins"))
    configuration = unsorted(text[start:end - 1], random.Random(7)) + "\n"
    order = printed_order(configuration)
    assert list(order) != sorted(order) and any(names != sorted(names) for names in order.values())
    text = text[:start] + configuration + text[end:]
    (report,) = gmr.parse(text)
    assert report.package.version == "29.0.0" and report.package.vendor == "OpenStack Foundation"
    assert {group.name: list(group.options) for group in report.configuration} == order
    assert list(report.configuration.groups) == list(order)
    assert parsed_values(report) == expected_values(full_report)
    assert not report.source.truncated and not report.warnings
    rendered, at = gmr.render(report), header("Configuration")
    assert rendered[rendered.index(at):] == text[text.index(at):]  # in the printed order


PY2_THREADS = f"""{header("Threads")}{thread_header_line(-1234567890)}
Exception: RuntimeError: boom
{EXCEPTION_RULE}


/usr/lib/python2.7/site-packages/eventlet/hubs/hub.py:346 in run
{SOURCE_INDENT}{SOURCE_NOT_FOUND}

/usr/lib/python2.7/threading.py:-1 in wait
    ``
"""


def with_python2_threads(text: str) -> str:
    start = text.index(header("Threads"))
    end = text.index(header("Green Threads"))
    return text[:start] + PY2_THREADS + "\n" + text[end:]


def test_python2_stacks_negative_ids_and_source_not_found(full_report):
    text = with_python2_threads(full_report.text)
    (report,) = gmr.parse(text)
    (thread,) = report.threads
    assert thread.id == -1234567890 and thread.exception == "RuntimeError: boom"
    assert [f.source for f in thread.frames] == [None, ""]
    assert thread.frames[1].line == -1
    assert gmr.render(report) == text


def test_python2_report_cut_anywhere_is_flagged_not_an_error(full_report):
    # Cuts inside and right after the `Exception:` block included.
    assert check_cuts(with_python2_threads(full_report.text)) > 300


def test_head_of_a_report_stopping_at_a_blank_line_of_configuration_names_that_line():
    lines = (SAMPLES / "nova-34.0.0-compute-node1.txt").read_text().splitlines(keepends=True)
    blank = max(n for n, line in enumerate(lines, 1) if line == "\n")  # `head -<blank>`
    (report,) = gmr.parse("".join(lines[:blank]))
    assert report.source.truncated
    assert [w.line for w in report.warnings] == [blank]
    assert report.warnings[0].message.startswith(f"report cut short at line {blank}:")


@pytest.mark.parametrize("delivery", ["stderr", "log_dir"])
def test_a_report_cut_at_any_line_of_its_configuration_is_flagged_or_reads_whole(delivery):
    # Every option kind in groups that sort after [DEFAULT], where only the shape of the
    # cut can tell a cut report from a whole one.
    options = tuple(replace(option, group=f"z{option.group}") if option.group != "DEFAULT"
                    else option for option in EVERY_KIND)
    generated = gen.generate(gen.ReportSpec(options=options, delivery=delivery))
    assert check_cuts(generated.text) > 200


def test_autumn_2014_masks_with_seven_stars(full_report):
    text = full_report.text.replace("= ***\n", "= *******\n")
    (report,) = gmr.parse(text)
    assert report.option("database", "connection").value == "*******"
    assert report.option("database", "connection").masked
    assert gmr.render(report) == text


def test_journald_hid_a_line_with_control_characters(full_report):
    text = re.sub(r"  logging_context_format_string = .*", "[152B blob data]", full_report.text)
    (report,) = gmr.parse(text)
    assert report.option("DEFAULT", "logging_context_format_string") is None
    assert any("blob data" in w.message or "journald" in w.message for w in report.warnings)


def test_translated_and_unknown_sections_keep_their_raw_text(full_report):
    cdmcs = "\n~~~~~~~\ncompute\n~~~~~~~\n\n<ModelRoot>\n  <ComputeNode uuid='x'/>\n</ModelRoot>"
    ccloud = f"------{' ThreadPool of sw1 for read ':^60}------\nExecuted: 3\nAvg Runtime: None"
    text = full_report.text.rstrip("\n") + "\n" + header("CDMCs") + cdmcs + "\n" + header(
        "Switches ThreadPool Stats") + ccloud + "\n"
    (report,) = gmr.parse(text)
    titles = [s.title for s in report.extra_sections]
    assert titles == ["Plugins", "CDMCs", "Switches ThreadPool Stats"]
    assert report.extra_sections[1].text == cdmcs
    assert gmr.render(report) == text


def test_long_section_title_grows_the_header_line(full_report):
    title = "A section title that is much longer than sixty-four characters wide!"
    text = full_report.text.rstrip("\n") + "\n" + header(title) + "body\n"
    (report,) = gmr.parse(text)
    assert report.extra_sections[-1].title == title
    assert gmr.render(report) == text


def process_lines(lines: list[str]) -> list[tuple[int, tuple[str, ...]]]:
    """The index and fields (pid, ppid, user, uid, state) of each Process line."""
    return [(n, match.groups()) for n, line in enumerate(lines) if (match := PROCESS.match(line))]


def test_container_uid_without_passwd_entry_and_windows_none(full_report):
    lines = full_report.text.split("\n")
    (top, (pid, ppid, _, _, state)), (child, fields), *_ = process_lines(lines)
    lines[top] = process_line(pid, ppid, "42436", 42436, state)
    lines[child] = CHILD_INDENT + process_line(*fields[:2], "SYSTEM", None, fields[4])
    text = "\n".join(lines)
    (report,) = gmr.parse(text)
    first, second = list(report.processes)[:2]
    assert (first.user, first.uid) == ("42436", 42436)
    assert (second.user, second.uid) == ("SYSTEM", None)
    assert gmr.render(report) == text


@pytest.mark.parametrize("broken", [
    "  option = value\n    continued\n",  # a scalar cannot continue
])
def test_broken_structure_is_a_syntax_error_with_file_and_line(full_report, broken):
    text = full_report.text.replace("  debug = True\n", "  debug = True\n" + broken)
    with pytest.raises(gmr.GmrSyntaxError) as error:
        gmr.parse(text, path="node1.txt")
    assert str(error.value).startswith("node1.txt:")
    line = text[: text.index("    continued")].count("\n") + 1
    assert error.value.line == line


def test_an_option_before_any_group_is_a_syntax_error_with_file_and_line(full_report):
    configuration = header("Configuration") + "\n"
    start = full_report.text.index(configuration) + len(configuration)
    text = full_report.text[:start] + "  orphan = 1\n" + full_report.text[start:]
    with pytest.raises(gmr.GmrSyntaxError) as error:
        gmr.parse(text, path="node1.txt")
    line = text[:start].count("\n") + 1
    assert str(error.value) == f"node1.txt:{line}: option `orphan` stands before any group"


def test_a_report_that_stops_at_a_stray_indented_line_says_so(full_report):
    text = full_report.text.replace("  debug = True\n", "  debug = True\n   three spaces\n")
    (report,) = gmr.parse(text)
    line = text[: text.index("   three spaces")].count("\n") + 1
    assert [(w.line, "stops before" in w.message) for w in report.warnings][0] == (line, True)


def test_a_whitespace_only_line_in_configuration_reads_as_blank(full_report):
    text = full_report.text.replace("  debug = True\n", "  debug = True\n \n")
    (report,) = gmr.parse(text)
    assert report.option("pci", "alias") is not None and not report.warnings


def test_a_process_printed_as_its_own_parent_or_twice_is_reported_not_followed(full_report):
    lines = full_report.text.split("\n")
    (_, (root_pid, *_)), (child, (_, _, *fields)), *_, (last, _) = process_lines(lines)
    lines[child] = CHILD_INDENT + process_line(77, 77, *fields)
    # the root again, now under its own child
    lines.insert(last + 1, CHILD_INDENT + process_line(root_pid, 77, "root", 0, "sleeping"))
    (report,) = gmr.parse("\n".join(lines))
    messages = [w.message for w in report.warnings]
    assert "process 77 is printed as its own parent" in messages
    assert f"process {root_pid} printed twice" in messages
    tree = report.processes

    def walk(pid: int, depth: int = 0) -> int:
        assert depth <= len(tree), "the tree has a cycle"
        return 1 + sum(walk(child.pid, depth + 1) for child in tree.children_of(pid))

    assert all(walk(root.pid) <= len(tree) for root in tree.roots)


def test_an_endless_report_is_cut_and_read_in_bounded_memory(full_report, monkeypatch):
    import io

    import gmr.parsing.lexer
    import gmr.parsing.lines

    monkeypatch.setattr(gmr.parsing.lines, "MAX_REPORT_LINES", 5000)
    monkeypatch.setattr(gmr.parsing.lexer, "MAX_REPORT_LINES", 5000)
    head = full_report.text[: full_report.text.index("oslo_reports: ")]

    class Endless(io.TextIOBase):
        """A pipe that keeps printing options, 20,000 lines in all."""

        def __init__(self):
            self.buffer, self.sent = head, 0

        def readable(self):
            return True

        def read(self, size=-1):
            while len(self.buffer) < size and self.sent < 20000:
                self.buffer += "".join(f"  option{self.sent + k} = v\n" for k in range(1000))
                self.sent += 1000
            out, self.buffer = self.buffer[:size], self.buffer[size:]
            return out

        def readline(self, size=-1):
            cut = self.buffer.find("\n") + 1
            out, self.buffer = self.buffer[:cut], self.buffer[cut:]
            return out

    (report,) = gmr.iter_reports(Endless())
    assert report.source.truncated
    assert any("cut after 5,000 lines" in w.message for w in report.warnings)


@pytest.mark.parametrize(("sample", "ending"), [
    ("nova-34.0.0-compute-node1.txt", "  cert ="),  # `cert = ` lost its space: a cut
    ("nova-13.0.0-mitaka-api.txt", "  compute_stats_class = "),  # a space in a stripped copy
    ("nova-34.0.0-compute-node1.txt", "   "),  # the start of a list item
    ("nova-13.0.0-mitaka-api.txt", "  "),
])
def test_a_report_cut_in_the_spaces_of_its_last_line_is_flagged(sample, ending):
    text = (SAMPLES / sample).read_text()
    line = ending.rstrip() or None
    keep = text[:text.index(f"\n{line}") + 1] if line else text[:text.index("\n  debug = ") + 1]
    (report,) = gmr.parse(keep + ending)
    assert report.source.truncated
    assert any("middle of a line" in warning.message for warning in report.warnings)


@pytest.mark.parametrize("sample", ["nova-34.0.0-compute-node1.txt", "nova-13.0.0-mitaka-api.txt"])
def test_a_whole_report_ending_without_a_line_break_is_not_flagged(sample):
    text = (SAMPLES / sample).read_text().rstrip("\n")
    (report,) = gmr.parse(text)
    assert not report.source.truncated, report.warnings


def test_a_stripped_copy_ending_at_a_blank_line_is_flagged():
    text = (SAMPLES / "nova-13.0.0-mitaka-api.txt").read_text()
    blank = text.rindex("\n\n") + 2
    (report,) = gmr.parse(text[:blank])
    assert report.source.truncated
    assert any("ends at a blank line" in warning.message for warning in report.warnings)
