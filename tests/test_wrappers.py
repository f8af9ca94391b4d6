"""Reports are found wherever log collectors put them: every wrapper of FORMAT.md
sections 10-11, checked on a real report, which must come back byte for byte."""

from __future__ import annotations

import json
import re

import generator as gen
import pytest
from fuzzing import check_cuts

import gmr
from gmr.parsing.shapes import RULE, header_line


def wrap(text: str, prefix) -> str:
    """Prefix every line of `text`; `prefix(n)` gives the prefix of line n."""
    return "".join(prefix(n) + line + "\n" for n, line in enumerate(text.rstrip("\n").split("\n")))


def only(text: str, **source) -> gmr.Report:
    reports = gmr.parse(text)
    assert len(reports) == 1, [r.source for r in reports]
    for key, value in source.items():
        assert getattr(reports[0].source, key) == value, key
    return reports[0]


def test_clean_log_dir_file(small_report):
    report = only(small_report.text, prefix=None, first_line=1, partial=False)
    assert gmr.render(report) == small_report.text


@pytest.mark.parametrize("stamp", ["Nov 25 14:01:09", "Nov 25 14:01:09.318012",
                                   "2026-11-25T14:01:09+0000"])
def test_journald(small_report, stamp):
    text = wrap(small_report.text, lambda n: f"{stamp} compute-1 nova-compute[1234]: ")
    report = only(text, prefix="journald", host="compute-1", channel="nova-compute[1234]",
                  time=stamp)
    assert gmr.render(report) == small_report.text


def test_syslog_ident_without_timestamp(small_report):
    text = wrap(small_report.text, lambda n: "nova-compute[6888]: ")
    report = only(text, prefix="ident", channel="nova-compute[6888]", time=None)
    assert gmr.render(report) == small_report.text


def test_two_writers_interleaved_line_by_line_in_one_journal(small_report, full_report):
    one = small_report.text.rstrip("\n").split("\n")
    two = full_report.text.rstrip("\n").split("\n")
    lines = ["Nov 25 14:01:08 c1 systemd[1]: Started nova-compute."]
    for n in range(max(len(one), len(two))):
        if n < len(one):
            lines.append(f"Nov 25 14:01:09 c1 nova-compute[100]: {one[n]}")
        if n < len(two):
            lines.append(f"Nov 25 14:01:09 c1 nova-compute[200]: {two[n]}")
    reports = gmr.parse("\n".join(lines) + "\n")
    assert [r.source.channel for r in reports] == ["nova-compute[100]", "nova-compute[200]"]
    assert gmr.render(reports[0]) == small_report.text
    assert gmr.render(reports[1]) == full_report.text


def test_cri_container_log_with_a_split_line(small_report):
    stamp = "2024-01-01T00:00:00.000000000+00:00"
    lines = []
    for line in small_report.text.rstrip("\n").split("\n"):
        if line.startswith("/"):  # the runtime splits a long line into partial records
            lines.append(f"{stamp} stderr P {line[:20]}")
            line = line[20:]
        lines.append(f"{stamp} stderr F {line}")
    lines.insert(5, f"{stamp} stdout F unrelated output")
    report = only("\n".join(lines) + "\n", prefix="cri", channel="stderr", time=stamp)
    assert gmr.render(report) == small_report.text


def test_docker_json_file(small_report):
    text = "".join(
        json.dumps({"log": line + "\n", "stream": "stderr", "time": "2024-01-01T00:00:00Z"},
                   separators=(",", ":")) + "\n"
        for line in small_report.text.rstrip("\n").split("\n")
    )
    report = only(text, prefix="docker-json", channel="stderr", time="2024-01-01T00:00:00Z")
    assert gmr.render(report) == small_report.text


def test_apache_mod_wsgi_error_log(small_report):
    text = wrap(small_report.text, lambda n: "[Tue Sep 19 10:00:00.123456 2023] [wsgi:error] "
                                             "[pid 4242:tid 1400] [remote 10.0.0.1:5678] ")
    report = only(text, prefix="apache", channel="4242",
                  time="Tue Sep 19 10:00:00.123456 2023")
    assert gmr.render(report) == small_report.text


def test_unknown_prefix_with_changing_numbers(small_report):
    text = wrap(small_report.text, lambda n: f"node7 | {n:05d} | ")
    report = only(text, prefix="generic", time=None)
    assert gmr.render(report) == small_report.text


def test_unknown_prefix_with_a_timestamp_gives_the_reports_time(small_report):
    """`kubectl logs --timestamps` and log shippers put an ISO time somewhere in the line."""
    text = wrap(small_report.text, lambda n: f"compute-7 2026-12-02T10:{n // 100:02d}:00.5Z | ")
    report = only(text, prefix="generic", time="2026-12-02T10:00:00.5Z")
    assert gmr.render(report) == small_report.text


def test_a_log_dir_file_name_gives_the_reports_time(small_report, tmp_path):
    path = tmp_path / "nova-compute_gurumeditation_20261202100503"
    path.write_text(small_report.text)
    (report,) = gmr.parse_file(path)
    assert report.source.time == "2026-12-02T10:05:03+00:00"


def test_between_log_records_with_several_reports_and_warnings(small_report, full_report):
    log = (
        "2016-09-19 17:19:20.813 8962 WARNING oslo_reports.guru_meditation_report [-] "
        "Guru mediation now registers SIGUSR1 and SIGUSR2 by default\n"
        "/usr/lib/python3/site-packages/pecan/__init__.py:122: RuntimeWarning: `static_root`"
        " is only used when `debug` is True, ignoring\n"
        "  RuntimeWarning\n"
        + small_report.text
        + "2016-09-19 17:19:21.001 8962 INFO nova.compute.manager [-] Running periodic task\n"
        + "```\n" + full_report.text + "```\n"
    )
    first, second = gmr.parse(log)
    assert first.source.first_line == 4
    assert gmr.render(first) == small_report.text
    assert gmr.render(second) == full_report.text
    assert not first.warnings and not second.warnings


@pytest.mark.parametrize("extra_sections", [(), (("Plugins", "+----+\n| a  |\n+----+"),)],
                         ids=["configuration-last", "extra-section-last"])
def test_log_dir_files_joined_by_cat_are_split_at_the_glued_banners(extra_sections):
    # A log_dir file ends without a newline, so `cat a b c` glues b's first `=====` rule to
    # the end of a's last line, and c's to the end of b's.
    texts = [gen.generate(gen.ReportSpec(
        options=(gen.OptionSpec("zvm", "reachable_timeout", "int", timeout),),
        extra_sections=extra_sections, delivery="log_dir")).text for timeout in (300, 60, 5)]
    glued = ["".join(texts[: n + 1]).count("\n") + 1 for n in range(2)]
    reports = gmr.parse("".join(texts))
    assert [r.option("zvm", "reachable_timeout").value for r in reports] == ["300", "60", "5"]
    assert not any(r.source.truncated or r.source.partial for r in reports)
    assert [(r.source.first_line, r.source.last_line) for r in reports][1] == tuple(glued)
    assert [gmr.render(report) for report in reports] == texts
    assert [[w.line for w in r.warnings] for r in reports] == [glued[:1], glued, glued[1:]]
    assert all("glued" in w.message for r in reports for w in r.warnings)


def test_a_banner_glued_to_a_log_line_starts_a_whole_report(small_report):
    log = "2016-09-19 17:19:21.001 8962 INFO nova.service [-] Starting compute node"
    (report,) = gmr.parse(log + small_report.text)
    assert not report.source.partial and report.source.first_line == 1
    assert gmr.render(report) == small_report.text
    assert [w.line for w in report.warnings] == [1] and "glued" in report.warnings[0].message


def test_crlf_and_byte_order_mark(small_report, tmp_path):
    path = tmp_path / "report.txt"
    path.write_bytes(b"\xef\xbb\xbf" + small_report.text.replace("\n", "\r\n").encode())
    (report,) = gmr.parse_file(path)
    assert gmr.render(report) == small_report.text


def test_trailing_whitespace_stripped(full_report):
    stripped = "\n".join(line.rstrip() for line in full_report.text.split("\n"))
    report = only(stripped, whitespace="stripped", truncated=False)
    assert gmr.render(report) == stripped
    assert report.option("pci", "alias").shape == "dict"
    assert report.option("DEFAULT", "enabled_backends").as_list() == ["Mid", "ceph-1", "lvm-1"]


@pytest.mark.parametrize("copy", [
    lambda text: text,
    lambda text: text.rstrip("\n"),  # a log_dir file
    lambda text: text + "2016-09-19 17:19:21.001 8962 INFO nova.service [-] Started\n",
    lambda text: "\n".join(line.rstrip() for line in text.split("\n")),
    lambda text: wrap(text, lambda n: "Nov 25 14:01:09 compute-1 nova-compute[1234]: "),
], ids=["stderr", "log-dir", "in-a-log", "stripped", "journald"])
def test_a_whole_report_is_not_flagged_truncated(full_report, copy):
    (report,) = gmr.parse(copy(full_report.text))
    assert not report.source.truncated and not report.warnings


def test_report_cut_anywhere_is_flagged_not_an_error(full_report):
    assert check_cuts(full_report.text) > 500


def test_thread_cut_before_its_stack_is_named(full_report):
    text = full_report.text
    cut_at = text.index("\n", text.index("------")) + 1
    report = only(text[:cut_at], truncated=True)
    assert report.threads[0].frames == ()
    assert any("thread without its stack" in w.message for w in report.warnings)


def test_fragment_of_threads_pasted_without_banner(full_report):
    start = full_report.text.index("------")
    end = full_report.text.index(f"{RULE}\n{header_line('Green Threads')}")
    report = only("Here is what the hang looks like:\n\n" + full_report.text[start:end],
                  partial=True)
    assert len(report.threads) == 3 and report.configuration is None


def test_fragment_of_configuration_with_its_header(full_report):
    start = full_report.text.index(f"{RULE}\n{header_line('Configuration')}")
    report = only(full_report.text[start:], partial=True, truncated=False)
    assert report.option("pci", "alias").value["name"] == "gpu"


def test_copy_scraped_from_a_web_page_with_spaces_collapsed(full_report):
    scraped = "\n".join(re.sub(" +", " ", line) for line in full_report.text.split("\n")
                        if line.strip())
    report = only(scraped, whitespace="collapsed")
    assert report.option("DEFAULT", "enabled_backends").value == ("Mid", "ceph-1", "lvm-1")
    assert report.option("database", "max_pool_size").value == "-1"
    assert len(report.threads) == 3 and len(report.processes) == 4
    assert report.warnings


@pytest.mark.parametrize("wrap", ["plain", "journald"])
def test_a_log_of_many_reports_back_to_back_is_read_in_bounded_memory(full_report, wrap,
                                                                      monkeypatch):
    """The scanner forgets each report once parsed: a log of 300 reports in a row never
    holds more than a chunk and a report or two of lines, however long it is."""
    import io

    from gmr.parsing import scan

    one = full_report.text if wrap == "plain" else "".join(
        f"Dec 01 10:00:00 node1 nova-compute[42]: {line}\n"
        for line in full_report.text.splitlines())
    held = []
    extend = scan._Window.extend

    def recording(self):
        held.append(len(self.lines))
        return extend(self)

    monkeypatch.setattr(scan._Window, "extend", recording)
    monkeypatch.setattr(scan, "CHUNK_SIZE", 1 << 14)
    count = sum(1 for _ in gmr.iter_reports(io.StringIO(one * 300)))
    assert count == 300
    assert max(held) < 3 * one.count("\n") + 2 * scan.LOOKBACK
