"""The lint engine and `gmr lint` end to end: what it says when it cannot decide, settings,
waivers, baseline, custom rules, every output format, exit codes, and no leaked secret."""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import jsonschema
import pytest
from conftest import SAMPLES, report_text, run_gmr
from conftest import NOVA_34

import gmr
from gmr.errors import ConfigError
from gmr import lint_reports
from gmr.lint import Settings, all_rules, load_settings

LEAKED = "hunter2-leaked"
SCHEMA_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"  # ships the official SARIF schema
SCHEMA_FILE = "package/lib/schemas/sarif-2.1.0-rtm.5.json"


def make(options, package=NOVA_34) -> str:
    return report_text(options, package)


#: A nova 34 compute with an error, a warning, an info finding and leaked secrets.
BAD_NODE = [
    ("DEFAULT", "host", "str", "compute1"),
    ("DEFAULT", "ram_allocation_ratio", "float", -1.0),                # GMR202 error
    ("DEFAULT", "debug", "bool", True),                                # GMR101 warning
    ("DEFAULT", "cpu_allocation_ratio", "float", 2.0),
    ("keystone_authtoken", "password", "str", LEAKED),                 # GMR010 error
    ("neutron", "auth-url", "uri", f"http://neutron:{LEAKED}@ctl:5000/"),  # GMR010 error
    ("DEFAULT", "admin_token", "str", LEAKED),                         # GMR010 error
    ("database", "connection", "str", "mysql://x", True),              # masked
    ("database", "connection_debug", "int", 100),                      # GMR111 warning
]


@pytest.fixture(scope="module")
def bad_node(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lint") / "compute1.txt"
    path.write_text(make(BAD_NODE))
    return path


def run(*args: str, cwd: Path | None = None):
    """`gmr lint ARGS` in this process, into a pipe."""
    return run_gmr("lint", *args, cwd=cwd)


def test_release_unknown_is_said_and_release_option_decides():
    text = make([("DEFAULT", "core_plugin", "str", "ml2"),
                 ("service_user", "send_service_user_token", "bool", False)], package=None)
    (report,) = gmr.parse(text)
    codes = [f.code for f in lint_reports([report], service="nova").findings]
    assert codes == ["GMR004"]
    decided = lint_reports([report], service="nova", release="2025.1").findings
    assert [f.code for f in decided] == ["GMR214"] and decided[0].release == "2025.1"
    assert not lint_reports([report], service="nova", release="zed").findings  # no version


def test_masked_option_a_rule_needs_is_reported_as_undecidable(tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\ncode = "GMR950"\nname = "c"\ngroup = "database"\n'
                     'option = "connection"\nmessage = "m"\nmatches = "^sqlite"\n')
    (report,) = gmr.parse(make([("database", "connection", "str", "sqlite://", True)]))
    (finding,) = lint_reports([report], settings=Settings(rules=(str(rules),))).findings
    assert finding.code == "GMR003" and "GMR950" in finding.message
    assert finding.option == "connection" and finding.severity.value == "info"


def test_truncated_report_is_a_finding_and_rules_still_run(bad_node):
    text = bad_node.read_text()
    cut = text[: text.index("\ndefault: ")]  # ends in [database], before [DEFAULT]
    (report,) = gmr.parse(cut, path="cut.txt")
    codes = {f.code for f in lint_reports([report]).findings}
    assert codes == {"GMR002", "GMR111"}


def test_select_ignore_and_severity_overrides(bad_node):
    reports = gmr.parse_file(bad_node)
    codes = lambda settings: sorted({f.code for f in lint_reports(reports, settings=settings).findings})
    assert codes(Settings(select=("GMR2",))) == ["GMR202"]
    assert "GMR101" not in codes(Settings(ignore=("GMR1",)))
    assert codes(Settings(select=("GMR1",), ignore=("GMR101",))) == ["GMR111", "GMR119"]
    raised = lint_reports(reports, settings=Settings(severity={"GMR101": "error"})).findings
    assert next(f for f in raised if f.code == "GMR101").severity.value == "error"


def test_waivers_apply_by_host_and_expired_ones_are_reported(bad_node, tmp_path):
    config = tmp_path / ".gmr.toml"
    config.write_text('[[waiver]]\ncode = "GMR101"\nhosts = ["compute*"]\nreason = "lab"\n\n'
                      '[[waiver]]\ncode = "GMR202"\nreason = "old"\nexpires = 2020-01-31\n')
    result = lint_reports(gmr.parse_file(bad_node), settings=load_settings(config),
                  today=date(2026, 11, 25))
    codes = [f.code for f in result.findings]
    assert "GMR101" not in codes and [w.code for _, w in result.waived] == ["GMR101"]
    assert "GMR202" in codes
    expired = next(f for f in result.findings if f.code == "GMR005")
    assert expired.file == str(config) and expired.line == 7  # its `code = ` line


def test_settings_errors_name_file_and_line(tmp_path):
    broken = tmp_path / ".gmr.toml"
    broken.write_text('select = ["GMR1"]\nfail-on = "sometimes"\n')
    with pytest.raises(ConfigError) as error:
        load_settings(broken)
    assert str(error.value).startswith(f"{broken}:2: invalid setting fail-on")
    broken.write_text('select = ["GMR1"\n')
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(broken)
    broken.write_text('[[waiver]]\ncode = "GMR101"\nreason = ""\n')
    with pytest.raises(ConfigError, match="waiver"):
        load_settings(broken)


def test_settings_from_pyproject_tool_gmr(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.gmr]\n'
                                             'ignore = ["GMR101"]\nfail-on = "warning"\n')
    settings = load_settings(tmp_path / "pyproject.toml")
    assert settings.ignore == ("GMR101",) and settings.fail_on.value == "warning"


CUSTOM = '''
[[rule]]
code = "GMR901"
name = "ratio-above-house-limit"
severity = "error"
service = "nova"
group = "DEFAULT"
option = "cpu_allocation_ratio"
gt = 1.5
message = "{option} = {value} is above the house limit"

[[rule]]
code = "GMR902"
name = "syslog-required"
group = "DEFAULT"
option = "use_syslog"
missing = true
message = "{option} is not registered"

[[rule]]
code = "GMR903"
name = "debug-matches"
group = "DEFAULT"
option = "debug"
matches = "^Tru"
since = "2023.1"
message = "{option} = {value}"
'''


def test_custom_rules_from_toml(bad_node, tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(CUSTOM)
    result = lint_reports(gmr.parse_file(bad_node), settings=Settings(rules=(str(rules),)))
    found = {f.code: f for f in result.findings if f.code.startswith("GMR9")}
    assert set(found) == {"GMR901", "GMR902", "GMR903"}
    assert found["GMR901"].message == "cpu_allocation_ratio = 2.0 is above the house limit"
    assert found["GMR901"].severity.value == "error"


@pytest.mark.parametrize("table, message, line", [
    ('[[rule]]\ncode = "GMR901"\nname = "x"\ngroup = "g"\noption = "o"\nmessage = "m"\n'
     'eq = 1\nne = 2\n', "exactly one condition", 1),
    ('\n[[rule]]\ncode = "GMR101"\nname = "x"\ngroup = "g"\noption = "o"\nmessage = "m"\n'
     'eq = 1\n', "already taken", 2),
    ('[[rule]]\ncode = "GMR901"\nname = "x"\ngroup = "g"\noption = "o"\nmessage = "m"\n'
     'matches = "("\n', "invalid regular expression", 1),
    ('[[rule]]\ncode = "GMR901"\nname = "x"\ngroup = "g"\noption = "o"\nmessage = "m"\n'
     'eq = 1\nimport = "os"\n', "unknown key 'import'", 1),
    ('[[rule]]\ncode = "GMR901"\nname = "x"\ngroup = "g"\noption = "o"\nmessage = "{oops}"\n'
     'eq = 1\n', "unknown placeholder", 1),
    ('[[rule]\ncode = 1\n', "invalid TOML", 1),
])
def test_broken_custom_rules_name_the_file_and_line(tmp_path, table, message, line):
    rules = tmp_path / "rules.toml"
    rules.write_text(table)
    with pytest.raises(ConfigError, match=message) as error:
        all_rules(Settings(rules=(str(rules),)))
    assert error.value.line == line and error.value.path == str(rules)


def test_json_output_and_exit_codes(bad_node):
    result = run(str(bad_node), "--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert {"file", "line", "code", "name", "severity", "message", "group", "option"} <= set(
        findings[0])
    assert {f["code"] for f in findings} >= {"GMR202", "GMR101", "GMR010"}
    assert run(str(bad_node), "--select", "GMR101").returncode == 0  # warning < error
    assert run(str(bad_node), "--select", "GMR101", "--fail-on", "warning").returncode == 1
    assert run(str(bad_node), "--fail-on", "sometimes").returncode == 2


def test_unparseable_input_is_a_finding_and_exit_2(tmp_path):
    empty = tmp_path / "empty.log"
    empty.write_text("nothing here\n")
    result = run(str(empty), "--format", "json")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    (finding,) = json.loads(result.stdout)
    assert finding["code"] == "GMR001" and finding["file"] == str(empty)


@pytest.fixture(scope="session")
def sarif_schema(tmp_path_factory) -> dict:
    """The official SARIF 2.1.0 schema, from the npm package that ships it (cached)."""
    cached = Path.home() / ".cache" / "gmr-tests" / "sarif-2.1.0-rtm.5.json"
    if not cached.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed once to fetch the SARIF schema from the npm registry"
        folder = tmp_path_factory.mktemp("npm")
        subprocess.run([npm, "pack", SCHEMA_PACKAGE, "--silent"], cwd=folder, check=True,
                       capture_output=True)
        (archive,) = folder.glob("*.tgz")
        with tarfile.open(archive) as tar:
            data = tar.extractfile(SCHEMA_FILE).read()
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    return json.loads(cached.read_text())


def test_sarif_validates_against_the_official_schema(bad_node, sarif_schema):
    result = run(str(bad_node), str(SAMPLES), "--format", "sarif")
    document = json.loads(result.stdout)
    jsonschema.validators.validator_for(sarif_schema)(sarif_schema).validate(document)
    run_ = document["runs"][0]
    ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in run_["results"] if "ruleIndex" in r)
    assert any(r["ruleId"] == "GMR202" and r["level"] == "error" for r in run_["results"])


def test_sarif_describes_custom_rules_and_indexes_their_results(bad_node, sarif_schema,
                                                                tmp_path):
    rules = tmp_path / "rules.toml"
    rules.write_text(CUSTOM)
    result = run(str(bad_node), "--rules", str(rules), "--format", "sarif")
    document = json.loads(result.stdout)
    jsonschema.validators.validator_for(sarif_schema)(sarif_schema).validate(document)
    run_ = document["runs"][0]
    ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    assert {"GMR901", "GMR902", "GMR903"} <= set(ids)
    custom = [r for r in run_["results"] if r["ruleId"].startswith("GMR9")]
    assert sorted(r["ruleId"] for r in custom) == ["GMR901", "GMR902", "GMR903"]
    assert all(ids[r["ruleIndex"]] == r["ruleId"] for r in run_["results"])


def test_junit_has_a_case_per_rule_and_report(bad_node):
    result = run(str(bad_node), "--format", "junit")
    suites = ElementTree.fromstring(result.stdout)
    (suite,) = suites.findall("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests")) >= 40
    failed = {case.get("name").split()[0] for case in cases if case.find("failure") is not None}
    assert failed == {"GMR202", "GMR010"}  # errors; warnings are output, not failures


def test_github_annotations(bad_node):
    lines = run(str(bad_node), "--format", "github").stdout.splitlines()
    assert any(line.startswith("::error file=") and "title=GMR202" in line for line in lines)
    assert any(line.startswith("::warning ") for line in lines)


@pytest.mark.parametrize("output_format", ["text", "json", "sarif", "junit", "github"])
def test_no_output_format_prints_a_leaked_secret(bad_node, output_format):
    result = run(str(bad_node), "--format", output_format)
    assert LEAKED not in result.stdout + result.stderr
    for option in ("password", "auth-url", "admin_token"):
        assert option in result.stdout


def test_baseline_reports_only_new_findings(bad_node, tmp_path):
    baseline = tmp_path / "baseline.json"
    assert run(str(bad_node), "--write-baseline", str(baseline)).returncode == 0
    assert LEAKED not in baseline.read_text()
    again = run(str(bad_node), "--baseline", str(baseline))
    assert again.returncode == 0 and "in the baseline" in again.stdout
    # The same node a week later: its old findings, and one new error.
    later = tmp_path / "compute1-later.txt"
    later.write_text(make([option if option[1] != "cpu_allocation_ratio"
                           else ("DEFAULT", "cpu_allocation_ratio", "float", -2.0)
                           for option in BAD_NODE]))
    newer = run(str(later), "--baseline", str(baseline), "--format", "json")
    assert newer.returncode == 1
    assert [(f["code"], f["option"]) for f in json.loads(newer.stdout)] == [
        ("GMR202", "cpu_allocation_ratio")]


def test_rules_command_lists_and_explains():
    listing = run_gmr("rules", "--json")
    rules = json.loads(listing.stdout)
    assert {"code", "name", "severity", "services", "releases", "source"} <= set(rules[0])
    assert len(rules) >= 40
    doc = run_gmr("rules", "GMR201").stdout
    assert "What it does" in doc and "Flagged on nova" in doc and "Source:" in doc


@pytest.mark.parametrize("condition, fires_on, quiet_on", [
    ("eq = 4", "4.0", "2.0"),
    ("ne = 4", "2.0", "4"),
    ("lt = 3", "2.0", "3.0"),
    ("le = 2", "2.0", "2.5"),
    ("gt = 3", "4.0", "3.0"),
    ("ge = 4", "4.0", "3.9"),
    ('in = ["2.0", "8"]', "8.0", "4.0"),
    ('not_in = ["4.0"]', "2.0", "4.0"),
    ('contains = "5"', "1.5", "2.0"),
    ('matches = "^1[.]"', "1.5", "11.5"),
    ("present = true", "1.0", None),
    ("missing = true", None, "1.0"),
])
def test_every_custom_condition(tmp_path, condition, fires_on, quiet_on):
    rules = tmp_path / "rules.toml"
    rules.write_text('[[rule]]\ncode = "GMR950"\nname = "c"\ngroup = "DEFAULT"\n'
                     f'option = "cpu_allocation_ratio"\nmessage = "m"\n{condition}\n')
    settings = Settings(rules=(str(rules),), select=("GMR950",))

    def fires(value):
        options = [] if value is None else [("DEFAULT", "cpu_allocation_ratio", "str", value)]
        reports = gmr.parse(make(options))
        return bool(lint_reports(reports, settings=settings).findings)

    assert fires(fires_on) and not fires(quiet_on)


def test_a_report_cut_between_lines_is_flagged_by_what_its_release_registers():
    """`head -1000` cuts nova-api inside [privsep_osbrick]: the text reads as a whole
    report, but nova 2026.2 registers four more options of that group after the last one
    printed. No whole sample is flagged so."""
    text = (SAMPLES / "nova-34.0.0-api.txt").read_text()
    cut = "".join(text.splitlines(keepends=True)[:1000])
    (report,) = gmr.parse(cut, path="cut.txt")
    assert not report.source.truncated
    (finding,) = [f for f in lint_reports([report]).findings if f.code == "GMR002"]
    assert finding.line == 1000 and "inside [privsep_osbrick] after helper_command" in \
        finding.message and "registers 4 more options" in finding.message
    for path in sorted(SAMPLES.rglob("*.txt")):
        whole = [r for r in gmr.parse_file(path) if not r.source.truncated]
        assert not [f for f in lint_reports(whole).findings if f.code == "GMR002"], path
