"""The `gmr` command driven end to end, as an operator or a CI job runs it."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import pytest
from conftest import SAMPLES, run_gmr

NOVA = str(SAMPLES / "nova-13.0.0-mitaka-api.txt")


def gmr(*args: str, stdin: str | None = None, columns: int | None = None):
    """`gmr` in this process: into a pipe, or a terminal `columns` wide."""
    return run_gmr(*args, stdin=stdin, tty=columns is not None, width=columns or 200)


@pytest.fixture(scope="module")
def schema() -> dict:
    result = gmr("schema")
    assert result.returncode == 0
    return json.loads(result.stdout)


def test_json_of_one_report_is_an_object_that_follows_the_schema(schema):
    result = gmr("parse", NOVA, "--json")
    assert result.returncode == 0 and result.stderr == ""
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema)
    assert list(document) == ["source", "service", "program", "node", "release", "package", "threads", "green_threads", "processes",
                              "configuration", "extra_sections", "warnings"]
    configuration = document["configuration"]
    assert configuration["default"]["config-file"] == ["/etc/nova/nova.conf"]
    assert configuration["database"]["connection"] == "***"
    assert configuration["cells"]["reserve_percent"] == "10.0"


def test_json_of_several_reports_is_an_array_and_jsonl_one_per_line(tmp_path, full_report,
                                                                    small_report):
    log = tmp_path / "nova-compute.log"
    log.write_text("2024-01-01 00:00:00.000 1 INFO x [-] start\n" + small_report.text
                   + full_report.text)
    result = gmr("parse", str(log), "--json")
    assert result.returncode == 0
    assert [r["source"]["first_line"] for r in json.loads(result.stdout)] == [2, 2 + small_report.text.count("\n")]
    lines = gmr("parse", str(log), NOVA, "--jsonl").stdout.splitlines()
    assert [json.loads(line)["source"]["path"] for line in lines] == [str(log), str(log), NOVA]


def test_stdin_with_a_dash(full_report):
    result = gmr("parse", "-", "--json", stdin=full_report.text)
    assert result.returncode == 0
    assert json.loads(result.stdout)["source"]["path"] == "<stdin>"


def test_summary_table_names_service_version_and_counts():
    result = gmr("parse", NOVA)
    assert result.returncode == 0
    row = next(line for line in result.stdout.splitlines() if "nova-13.0.0" in line)
    assert "nova" in row and "13.0.0" in row and "614" in row and "stripped" in row


def test_summary_table_tells_files_of_one_name_apart_by_their_folder():
    names = (str(SAMPLES / "glance-33.0.0-api.txt"),
             str(SAMPLES / "defaults" / "glance-33.0.0-api.txt"))
    result = gmr("parse", *names, columns=120)
    assert result.returncode == 0
    assert f"Guru Meditation Reports in {SAMPLES}/" in result.stdout
    rows = [line.split()[0] for line in result.stdout.splitlines() if "glance-33" in line]
    assert rows == ["glance-33.0.0-api.txt", "defaults/glance-33.0.0-api.txt"]
    piped = gmr("parse", *names).stdout.splitlines()
    assert [line.split("\t")[0] for line in piped] == ["report", *names]


def test_summary_table_fits_80_columns_and_names_a_report_s_first_line_in_a_log(tmp_path):
    report = (SAMPLES / "nova-34.0.0-compute-node1.txt").read_text()
    (tmp_path / "nova-compute-node1-report.txt").write_text(report)
    record = "2026-11-25 14:01:09.318 4242 INFO nova.compute.manager [-] Took 0.42 seconds\n"
    (tmp_path / "nova-compute.log").write_text(record * 3 + report)
    result = gmr("parse", str(tmp_path / "nova-compute-node1-report.txt"),
                 str(tmp_path / "nova-compute.log"), columns=80)
    assert result.returncode == 0
    rows = [line.split() for line in result.stdout.splitlines() if "34.0.0" in line]
    assert [row[:3] for row in rows] == [["nova-compute-node1-report.txt", "nova", "34.0.0"],
                                         ["nova-compute.log:4", "nova", "34.0.0"]]
    assert max(len(line.rstrip()) for line in result.stdout.splitlines()) <= 80


def test_a_file_without_a_report_exits_2_with_one_line(tmp_path):
    empty = tmp_path / "nova-api.log"
    empty.write_text("2024-01-01 00:00:00.000 1 INFO nova [-] nothing to see\n")
    result = gmr("parse", str(empty), "--json")
    assert result.returncode == 2
    assert result.stderr == f"{empty}: no Guru Meditation Report found\n"


@pytest.mark.parametrize("content, message", [
    (b"\x7fELF\x02\x01\x01\x00\x00\x00", "binary file, not text"),
    (None, "cannot open: No such file or directory"),
])
def test_unreadable_or_binary_input_exits_2_without_traceback(tmp_path, content, message):
    path = tmp_path / "input"
    if content is not None:
        path.write_bytes(content)
    result = gmr("parse", str(path))
    assert result.returncode == 2
    assert result.stderr == f"{path}: {message}\n"


def test_a_broken_report_names_file_and_line(tmp_path, full_report):
    broken = tmp_path / "broken.txt"
    broken.write_text(full_report.text.replace("  debug = True\n", "  debug = True\n    oops\n"))
    result = gmr("parse", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"{broken}:") and "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_good_files_are_still_printed_when_another_fails(tmp_path):
    result = gmr("parse", NOVA, str(tmp_path / "missing.txt"), "--jsonl")
    assert result.returncode == 2
    assert len(result.stdout.splitlines()) == 1


def test_truncated_report_is_a_warning_not_an_error(tmp_path, full_report):
    cut = tmp_path / "cut.txt"
    cut.write_text(full_report.text[: len(full_report.text) // 2])
    result = gmr("parse", str(cut))
    assert result.returncode == 0
    assert "truncated" in result.stdout and "warning:" in result.stderr


def test_json_and_jsonl_together_is_a_usage_error():
    result = gmr("parse", NOVA, "--json", "--jsonl")
    assert result.returncode == 2 and "cannot be used together" in result.stderr


def test_parse_redact_masks_leaked_credentials_but_keeps_the_rest(tmp_path):
    import generator as gen

    text = gen.generate(gen.ReportSpec(options=(
        gen.OptionSpec("keystone_authtoken", "password", "str", "hunter2-leaked"),
        gen.OptionSpec("DEFAULT", "transport_url", "str", "rabbit://nova:hunter2-leaked@ctl/"),
        gen.OptionSpec("DEFAULT", "admin_token", "str", "hunter2-leaked-token"),
        gen.OptionSpec("DEFAULT", "debug", "bool", True),
    ))).text
    report = tmp_path / "leak.txt"
    report.write_text(text)
    faithful = gmr("parse", str(report), "--json")
    assert "hunter2-leaked" in faithful.stdout  # a faithful parse keeps what was printed
    for flags in (["--json"], ["--jsonl"], []):
        result = gmr("parse", str(report), "--redact", *flags)
        assert "hunter2-leaked" not in result.stdout + result.stderr
    document = json.loads(gmr("parse", str(report), "--json", "--redact").stdout)
    configuration = document["configuration"]
    assert configuration["keystone_authtoken"]["password"] == "<redacted>"
    assert configuration["default"]["transport_url"] == "rabbit://nova:***@ctl/"
    assert configuration["default"]["admin_token"] == "<redacted>"
    assert configuration["default"]["debug"] == "True"


def test_diff_never_prints_a_leaked_secret_in_any_format(tmp_path):
    import generator as gen

    paths = []
    for n, secret in enumerate(("hunter2-one", "hunter2-two")):
        path = tmp_path / f"node{n}.txt"
        path.write_text(gen.generate(gen.ReportSpec(options=(
            gen.OptionSpec("DEFAULT", "host", "str", f"node{n}"),
            gen.OptionSpec("keystone_authtoken", "password", "str", secret),
            gen.OptionSpec("DEFAULT", "transport_url", "str", f"rabbit://u:{secret}@ctl/"),
            gen.OptionSpec("DEFAULT", "admin_token", "str", f"{secret}-token"),
        ))).text)
        paths.append(str(path))
    for flags in ([], ["--json"]):
        result = gmr("diff", *paths, *flags)
        assert result.returncode == 1
        assert "hunter2" not in result.stdout + result.stderr
        assert "password" in result.stdout and "transport_url" in result.stdout


def test_bare_gmr_prints_help_and_exits_0():
    result = gmr()
    assert result.returncode == 0 and "Usage: gmr" in result.stdout and "lint" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["lint", "--bogus", NOVA], "No such option '--bogus'"),
    (["lint"], "Missing argument 'REPORT...'"),
    (["lint", "--format", "xml", NOVA], "'xml' is not one of"),
    (["diff", "--jobs", "0", NOVA], "0 is not in the range"),
    (["nope"], "No such command 'nope'"),
])
def test_a_usage_error_is_one_line_naming_the_problem(args, message):
    result = gmr(*args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("gmr: error: ") and message in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_help_names_every_argument_plainly():
    from gmr.cli.app import gmr as group

    assert {"parse", "diff", "lint", "config", "upgrade"} <= set(group.commands)
    for command in group.commands:
        text = gmr(command, "--help").stdout
        assert text.startswith(f"Usage: gmr {command} ")
        usage = text.splitlines()[0].replace("{bash|zsh|fish}", "")  # click's choice
        assert not any(marker in usage + text.split("\n", 1)[1]
                       for marker in ("<str>", "<bool>", "list[", "{", "╭"))
    lint_help = gmr("lint", "--help").stdout
    assert "[tool.gmr]" in lint_help and "REPORT..." in lint_help
    assert lint_help.count("Repeatable") == 3  # --select, --ignore, --rules


def test_json_with_no_report_is_an_empty_array(tmp_path):
    empty = tmp_path / "nova-api.log"
    empty.write_text("2024-01-01 00:00:00.000 1 INFO nova [-] nothing to see\n")
    result = gmr("parse", "--json", str(empty))
    assert result.returncode == 2 and json.loads(result.stdout) == []


def test_parse_takes_a_directory_and_a_quoted_glob_as_diff_and_lint_do(tmp_path):
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text((SAMPLES / "nova-34.0.0-api.txt").read_text())
    (tmp_path / "notes.log").write_text("no report here\n")
    for named in (str(tmp_path), str(tmp_path / "*.txt")):
        result = gmr("parse", "--jsonl", named)
        assert result.returncode == 0, result.stderr
        assert len(result.stdout.splitlines()) == 2
    assert "notes.log: skipped" in gmr("parse", str(tmp_path)).stderr


def test_an_empty_folder_or_a_glob_matching_nothing_is_an_error(tmp_path):
    for named in (str(tmp_path), str(tmp_path / "*.txt")):
        for command in ("parse", "diff", "lint"):
            result = gmr(command, named)
            assert result.returncode == 2, (command, named)
            assert result.stderr.splitlines()[-1] == f"{named}: no files found"


def test_a_closed_pipe_ends_quietly(tmp_path):
    reader = subprocess.Popen([sys.executable, "-m", "gmr", "parse", "--jsonl", NOVA, NOVA],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    reader.stdout.read(100)
    reader.stdout.close()  # what `| head -c100` does
    assert reader.wait() in (0, 141)
    assert reader.stderr.read() == b""


def test_piped_tables_carry_every_value_whole_without_trailing_spaces(tmp_path):
    long_name = "x" * 120 + ".txt"
    (tmp_path / long_name).write_text((SAMPLES / "nova-34.0.0-api.txt").read_text())
    result = gmr("parse", str(tmp_path / long_name))
    assert long_name in result.stdout
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
    assert "─" not in result.stdout and "│" not in result.stdout


def test_narrow_terminal_keeps_the_parse_table_within_its_width():
    result = gmr("parse", *(str(p) for p in sorted(SAMPLES.glob("*.txt"))), columns=60)
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 60
    assert "nova 34.0.0" in result.stdout and "958" in result.stdout


def test_no_color_removes_every_style_code(monkeypatch):
    styled = run_gmr("lint", NOVA, tty=True, color=None)
    assert "\x1b[1m" in styled.stdout  # bold, without NO_COLOR
    monkeypatch.setenv("NO_COLOR", "1")
    plain = run_gmr("lint", NOVA, tty=True, color=None)
    assert "\x1b[" not in plain.stdout and "GMR101" in plain.stdout


def test_shell_completion_completes_commands_and_options():
    script = gmr("completion", "bash")
    assert script.returncode == 0 and "_GMR_COMPLETE" in script.stdout
    env = {"_GMR_COMPLETE": "bash_complete", "COMP_WORDS": "gmr li", "COMP_CWORD": "1",
           "PATH": "/usr/bin:/bin"}
    words = subprocess.run([sys.executable, "-m", "gmr"], env=env, capture_output=True,
                           text=True).stdout
    assert "lint" in words


def test_a_bug_in_gmr_is_one_line_and_exit_2_not_a_traceback(monkeypatch):
    from gmr import inputs

    def broken(*args, **kwargs):
        raise RuntimeError("something gmr did not expect")

    monkeypatch.setattr(inputs, "read_inputs", broken)
    monkeypatch.delenv("GMR_DEBUG", raising=False)
    result = gmr("parse", NOVA)
    assert result.returncode == 2
    assert result.stderr == ("gmr: internal error: RuntimeError: something gmr did not expect "
                             "(a bug in gmr; GMR_DEBUG=1 shows the traceback)\n")
