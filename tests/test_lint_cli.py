"""`gmr lint` and `gmr rules` as a CI job runs them: custom rules in every format, JUnit
that agrees with the exit status, inputs that hold nothing to lint, flags and files that
are wrong, a baseline that cannot be written, control bytes in values, and the help."""

from __future__ import annotations

import resource
import signal
import stat
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import SAMPLES, report_text, run_gmr
from conftest import NOVA_13, NOVA_34

ESC_FORMAT = "\x1b[01;36m%(request_id)s \x1b[00;36m%(user)s"

#: Custom rules: an error only a custom rule finds, and a warning that quotes a value
#: holding ESC (ironic's colour log formats).
CUSTOM = '''[[rule]]
code = "GMR901"
name = "ratio-above-house-limit"
severity = "error"
service = "nova"
group = "DEFAULT"
option = "cpu_allocation_ratio"
gt = 8.0
message = "{option} = {value} is above the house limit of 8.0"

[[rule]]
code = "GMR902"
name = "colour-log-format"
group = "DEFAULT"
option = "logging_context_format_string"
matches = "\\u001b\\\\["
message = "{option} = {value} holds terminal colour codes"
'''


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> Path:
    """A folder with a nova 34 compute whose only error is the custom GMR901 (its one
    built-in finding is the warning GMR101), and the custom rules file."""
    folder = tmp_path_factory.mktemp("lint-cli")
    (folder / "compute1.txt").write_text(report_text([
        ("DEFAULT", "host", "str", "compute1"),
        ("DEFAULT", "debug", "bool", True),
        ("DEFAULT", "cpu_allocation_ratio", "float", 16.0),
        ("DEFAULT", "logging_context_format_string", "str", ESC_FORMAT),
    ], NOVA_34))
    (folder / "rules.toml").write_text(CUSTOM)
    return folder


def lint(*args: str, cwd: Path | None = None):
    return run_gmr("lint", *args, cwd=cwd)


def suites(junit: str) -> dict[str, ElementTree.Element]:
    return {suite.get("name"): suite for suite in ElementTree.fromstring(junit)}


def failed(suite: ElementTree.Element) -> list[str]:
    return [case.get("name") for case in suite if case.find("failure") is not None]


def skipped(suite: ElementTree.Element) -> list[str]:
    return [case.get("name").split()[0] for case in suite if case.find("skipped") is not None]


def test_custom_rule_findings_are_junit_failures_that_agree_with_the_exit_status(place):
    result = lint("compute1.txt", "--rules", "rules.toml", "--format", "junit", cwd=place)
    assert result.returncode == 1
    (suite,) = suites(result.stdout).values()
    assert failed(suite) == ["GMR901 ratio-above-house-limit"]
    assert suite.get("failures") == "1"
    assert int(suite.get("tests")) == len(suite.findall("testcase"))
    colour = next(case for case in suite if case.get("name").startswith("GMR902"))
    assert "holds terminal colour codes" in colour.find("system-out").text


def test_rules_command_explains_a_custom_rule_from_the_flag_or_the_settings(place, tmp_path):
    by_flag = run_gmr("rules", "GMR901", "--rules", str(place / "rules.toml"))
    assert by_flag.returncode == 0
    assert by_flag.stdout.startswith("GMR901 ratio-above-house-limit (error)\n")
    assert "Why it matters" not in by_flag.stdout  # the rule gives no why: none is shown
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.gmr]\nrules = ["{place / "rules.toml"}"]\n')
    by_settings = run_gmr("rules", "colour-log-format", cwd=tmp_path)
    assert by_settings.returncode == 0 and by_settings.stdout.startswith("GMR902 ")


def test_a_rules_file_named_in_the_settings_and_by_the_flag_counts_once(place, tmp_path):
    (tmp_path / "rules.toml").write_text(CUSTOM)
    project = tmp_path / "project"
    project.mkdir()
    (project / ".gmr.toml").write_text('rules = ["../rules.toml"]\n')
    result = lint(str(place / "compute1.txt"), "--rules", "./../rules.toml", "--select", "GMR9",
                  "--format", "json", cwd=project)
    assert result.returncode == 1
    assert result.stdout.count('"code": "GMR901"') == 1
    assert result.stdout.count('"code": "GMR902"') == 1


def test_a_missing_input_is_one_failing_junit_suite_of_its_own(place):
    result = lint("compute1.txt", "missing.txt", "--format", "junit", cwd=place)
    assert result.returncode == 2
    assert result.stderr == "missing.txt: cannot open: No such file or directory\n"
    missing = suites(result.stdout)["missing.txt"]
    assert (missing.get("tests"), missing.get("failures")) == ("1", "1")
    assert failed(missing) == ["GMR001 unparseable-report"]


def test_rules_that_do_not_apply_to_a_report_are_skipped_in_junit(tmp_path):
    mitaka = tmp_path / "api.txt"
    mitaka.write_text(report_text([("DEFAULT", "host", "str", "api1")], NOVA_13))
    (suite,) = suites(lint(str(mitaka), "--format", "junit").stdout).values()
    gone = skipped(suite)
    assert "GMR301" in gone  # neutron's
    assert "GMR201" in gone  # from Stein on; this is Mitaka
    assert "GMR601" in gone  # compares several reports
    assert "GMR101" not in gone and "GMR106" not in gone
    assert int(suite.get("skipped")) == len(gone)


def test_junit_puts_each_finding_in_the_suite_of_its_report_when_a_log_holds_two(tmp_path):
    calm = report_text([("DEFAULT", "host", "str", "compute1")], NOVA_34)
    broken = report_text([("DEFAULT", "host", "str", "compute2"),
                          ("DEFAULT", "ram_allocation_ratio", "float", -1.0)], NOVA_34)
    log = tmp_path / "nova.log"
    log.write_text(calm + broken)
    result = lint(str(log), "--format", "junit")
    assert result.returncode == 1
    by_node = {name.rsplit(" ", 1)[-1]: suite for name, suite in suites(result.stdout).items()}
    assert failed(by_node["(compute1)"]) == []
    assert failed(by_node["(compute2)"]) == ["GMR202 allocation-ratio-negative"]


def test_an_expired_waiver_that_fails_the_run_is_a_junit_failure(place, tmp_path):
    (tmp_path / ".gmr.toml").write_text(
        'fail-on = "warning"\n[[waiver]]\ncode = "GMR211"\nreason = "lab"\n'
        'expires = 2020-01-31\n')
    result = lint(str(place / "compute1.txt"), "--select", "GMR005", "--format", "junit",
                  cwd=tmp_path)
    assert result.returncode == 1
    found = suites(result.stdout)
    assert failed(found[str((tmp_path / ".gmr.toml").resolve())]) == ["GMR005 expired-waiver"]
    (report,) = (suite for name, suite in found.items() if name.startswith(str(place)))
    assert skipped(report) == ["GMR005"]


def test_the_rollup_names_the_settings_file_of_an_expired_waiver(place, tmp_path):
    (tmp_path / ".gmr.toml").write_text(
        '[[waiver]]\ncode = "GMR211"\nreason = "lab"\nexpires = 2020-01-31\n')
    result = lint(str(place / "compute1.txt"), "--summary", cwd=tmp_path)
    assert result.stdout.splitlines() == [
        f"GMR005 warning expired-waiver in {(tmp_path / '.gmr.toml').resolve()}",
        "GMR101 warning debug-logging on 1 of 1 node",
        "1 report checked: 0 errors, 2 warnings, 0 info"]


@pytest.mark.parametrize("content", [None, "just a log line\n"])
def test_a_folder_with_nothing_to_lint_is_a_one_line_error(tmp_path, content):
    folder = tmp_path / "reports"
    folder.mkdir()
    if content is not None:
        (folder / "nova-api.log").write_text(content)
    result = lint(str(folder))
    assert result.returncode == 2 and result.stdout == ""
    reason = "no files found" if content is None else "no Guru Meditation Report in any of its 1 file"
    assert result.stderr == f"{folder}: {reason}\n"


def test_a_named_file_without_a_report_is_a_one_line_error(tmp_path):
    log = tmp_path / "nova-api.log"
    log.write_text("just a log line\n")
    result = lint(str(log))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"{log}: no Guru Meditation Report found\n"


def test_select_and_ignore_codes_that_match_no_rule_are_warned_about(place):
    result = lint("compute1.txt", "--select", "GMR1", "--select", "GMR99", "--ignore", "GMR77",
                  cwd=place)
    assert result.returncode == 0 and "GMR101" in result.stdout
    assert result.stderr.splitlines() == ["gmr: warning: select 'GMR99' matches no rule",
                                          "gmr: warning: ignore 'GMR77' matches no rule"]


@pytest.mark.parametrize("flag, value, message", [
    ("--select", "NOPE", "gmr: error: --select 'NOPE' is not a code or code prefix like GMR1 "
                         "or GMR101"),
    ("--ignore", "GMR1x", "gmr: error: --ignore 'GMR1x' is not a code or code prefix like "
                          "GMR1 or GMR101"),
    ("--fail-on", "sometimes", "gmr: error: --fail-on must be error, warning or info, not "
                               "'sometimes'"),
    ("--service", "foo", "gmr: error: --service 'foo' is not a service gmr knows: nova,"),
    ("--release", "foo", "gmr: error: --release 'foo' is not an OpenStack release "
                         "(icehouse to"),
])
def test_a_bad_flag_is_one_line_naming_it(place, flag, value, message):
    result = lint("compute1.txt", flag, value, cwd=place)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1


def test_a_custom_rule_for_an_unknown_service_names_the_file_and_line(place, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(CUSTOM + '\n[[rule]]\ncode = "GMR903"\nname = "debug-on"\n'
                     'service = "nvoa"\ngroup = "DEFAULT"\noption = "debug"\neq = true\n'
                     'message = "{option} is on"\n')
    result = lint("compute1.txt", "--rules", str(rules), cwd=place)
    assert (result.returncode, result.stdout) == (2, "")
    line = CUSTOM.count("\n") + 2
    assert result.stderr.startswith(f"{rules}:{line}: rule 3: service 'nvoa' is not one gmr "
                                    "knows: nova, neutron,")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize("text, message", [
    ('[[rules]]\ncode = "GMR901"\n', ":1: 'rules' is not a [[rule]] table; this file holds "
                                    "only [[rule]] tables"),
    ("# rules to come\n", ": holds no [[rule]] table"),
])
def test_a_rules_file_that_defines_no_rule_checks_nothing_and_says_so(place, tmp_path, text,
                                                                       message):
    rules = tmp_path / "rules.toml"
    rules.write_text(text)
    result = lint("compute1.txt", "--rules", str(rules), cwd=place)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", f"{rules}{message}\n")


@pytest.mark.parametrize("flag, message", [
    ("--config", "cannot read"),
    ("--rules", "cannot read the rules file"),
])
def test_a_missing_settings_or_rules_file_is_one_plain_line(place, flag, message):
    result = lint("compute1.txt", flag, "nope.toml", cwd=place)
    assert result.returncode == 2
    assert result.stderr == f"nope.toml: {message}: No such file or directory\n"


def test_write_baseline_into_a_missing_folder_is_one_line(place, tmp_path):
    target = tmp_path / "missing" / "baseline.json"
    result = lint("compute1.txt", "--write-baseline", str(target), cwd=place)
    assert result.returncode == 2
    assert result.stderr == f"{target}: cannot write the baseline: No such file or directory\n"


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs Linux's /dev/full")
def test_write_baseline_onto_a_full_disk_is_one_line_and_leaves_the_device_alone(place,
                                                                                 tmp_path):
    """Through a link of our own: were the device renamed over (as root may), the link
    would be, never /dev/full itself."""
    full = tmp_path / "baseline.json"
    full.symlink_to("/dev/full")
    result = lint("compute1.txt", "--write-baseline", str(full), cwd=place)
    assert result.returncode == 2
    assert result.stderr == f"{full}: cannot write the baseline: No space left on device\n"
    assert full.is_symlink() and stat.S_ISCHR(full.stat().st_mode)


def test_a_failed_baseline_write_leaves_the_earlier_baseline_whole(place, tmp_path):
    """A file size limit fails the write as a full disk would, for root too (whom a
    read-only folder does not stop); it needs a process of its own."""
    baseline = tmp_path / "baseline.json"
    assert lint("compute1.txt", "--write-baseline", str(baseline), cwd=place).returncode == 0
    earlier = baseline.read_text()

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))

    result = subprocess.run(
        [sys.executable, "-m", "gmr", "lint", "compute1.txt", "--write-baseline",
         str(baseline)], cwd=place, preexec_fn=small_files, capture_output=True, text=True,
        timeout=120)
    assert result.returncode == 2
    assert result.stderr == f"{baseline}: cannot write the baseline: File too large\n"
    assert baseline.read_text() == earlier
    assert [path.name for path in tmp_path.iterdir()] == ["baseline.json"]  # no temp left


def test_control_bytes_in_quoted_values_are_escaped_in_text_and_github(place):
    for output_format in ("text", "github"):
        result = lint("compute1.txt", "--rules", "rules.toml", "--format", output_format,
                      cwd=place)
        assert "\x1b" not in result.stdout, output_format
        assert "= \\x1b[01;36m%" in result.stdout, output_format


def test_help_names_its_metavars_the_settings_table_and_repeatable_flags():
    shown = run_gmr("lint", "--help")
    assert shown.returncode == 0
    text = " ".join(shown.stdout.split())
    assert "Usage: gmr lint [OPTIONS] REPORT..." in text
    assert "pyproject.toml with a [tool.gmr] table" in text
    for flag, metavar in (("--select", "CODE"), ("--ignore", "CODE"), ("--rules", "FILE")):
        assert f"{flag} {metavar} " in text
        after = text.split(f"{flag} {metavar} ", 1)[1].split(" --", 1)[0]
        assert after.endswith("Repeatable."), flag
    for flag, metavar in (("--config", "FILE"), ("--baseline", "FILE"),
                          ("--write-baseline", "FILE"), ("--release", "NAME"),
                          ("--service", "NAME"), ("--fail-on", "SEVERITY")):
        assert f"{flag} {metavar} " in text


def test_a_selection_that_runs_no_rule_is_refused_not_a_green(place):
    result = lint("compute1.txt", "--select", "GMR503", cwd=place)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.splitlines()[-1] == (
        "gmr: error: the selection runs no rule (select GMR503; ignore none): nothing would "
        "be checked; GMR503 was retired: admin_token is secret in every keystone release "
        "that has it, so the report masks it and the rule could never decide")


@pytest.mark.parametrize("fields", [
    {},
    {"file": 'a "quoted" path\\with\tcontrol\x1b and é ✓ 🙂', "line": 12, "group": None,
     "message": "line one\nline two", "ok": True},
])
def test_findings_are_written_as_json_dumps_writes_them(fields):
    import json

    from gmr.lint.formats import flat_object

    assert flat_object(fields) == json.dumps(fields, indent=2)
    assert flat_object(fields, "    ") == json.dumps(fields, indent=2).replace("\n", "\n    ")


def test_json_findings_show_their_fields_in_the_order_of_the_model():
    import json

    from gmr.lint.engine import Finding

    ran = run_gmr("lint", str(SAMPLES / "cinder-29.0.0-volume.txt"), "--format", "json")
    findings = json.loads(ran.stdout)
    assert {finding["code"] for finding in findings} - {"GMR001"}
    order = [name for name, field in Finding.model_fields.items() if not field.exclude]
    assert all(list(finding) == order for finding in findings)
