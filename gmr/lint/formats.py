"""Machine formats of a lint run, for CI: JSON, SARIF 2.1.0, JUnit XML and GitHub
workflow commands. Each takes the run and returns the text to write."""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Iterator
from xml.etree import ElementTree

from gmr.lint.api import Severity
from gmr.lint.engine import Finding
from gmr.lint.run import LintRun

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_json(run: LintRun) -> str:
    """A list of findings: file, line, code, name, severity, message, group, option, ..."""
    return "".join(json_chunks(run)) + "\n"


def json_chunks(run: LintRun, indent: str = "") -> Iterator[str]:
    """`as_json` a finding at a time, so that a fleet's findings are never all held as
    JSON at once; `indent` starts every line but the first, to nest the list in another
    document (`gmr check`)."""
    findings = run.result.findings
    if not findings:
        yield "[]"
        return
    yield "["
    inner = indent + "  "
    for number, finding in enumerate(findings):
        yield ("," if number else "") + "\n" + inner + flat_object(
            finding.model_dump(mode="json"), inner)
    yield "\n" + indent + "]"


_SCALAR = json.JSONEncoder().encode


def flat_object(fields: dict, indent: str = "") -> str:
    """A JSON object of scalar values exactly as `json.dumps(fields, indent=2)` writes it
    at `indent`, each value encoded in C: json.dumps with an indent runs in Python, a
    second per 60,000 findings of a fleet."""
    if not fields:
        return "{}"
    inner = indent + "  "
    return "{\n" + ",\n".join(f"{inner}{_SCALAR(key)}: {_SCALAR(value)}"
                               for key, value in fields.items()) + "\n" + indent + "}"


def nested(text: str, indent: str) -> str:
    """JSON `text` (which holds no raw newline inside a string) moved right by `indent`,
    every line but the first: to stand as a value in another document."""
    return text.replace("\n", "\n" + indent)


def as_sarif(run: LintRun) -> str:
    """One SARIF 2.1.0 run; rules carry their docs, results a fingerprint for code scanning."""
    rules = run.rules
    index = {rule.code: n for n, rule in enumerate(rules)}
    results = []
    for finding in run.result.findings:
        entry = {
            "ruleId": finding.code,
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "partialFingerprints": {"gmrFinding/v1": finding.fingerprint},
        }
        if finding.code in index:
            entry["ruleIndex"] = index[finding.code]
        if finding.file:
            location = {"artifactLocation": {"uri": finding.file}}
            if finding.line:
                location["region"] = {"startLine": finding.line}
            entry["locations"] = [{"physicalLocation": location}]
        results.append(entry)
    document = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "gmr",
                "version": version("gmr"),
                "informationUri": "https://pypi.org/project/gmr/",
                "rules": [{
                    "id": rule.code,
                    "name": rule.name,
                    "shortDescription": {"text": rule.what},
                    "fullDescription": {"text": rule.why or rule.what},
                    "help": {"text": "\n\n".join(
                        part for part in (rule.fix, f"Source: {rule.source}") if part)},
                    "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                    "properties": {"services": list(rule.services), "source": rule.source},
                } for rule in rules],
            }},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2) + "\n"


def as_junit(run: LintRun) -> str:
    """One test suite per report, one test case per rule that ran on it (skipped when the
    rule does not apply to it); a finding at or above --fail-on is a failure, one below it
    is kept as output of its test case. An input that could not be linted is a suite with
    one failing case, GMR001; findings about another file (an expired waiver in the
    settings) are a suite of that file. So the failures are there exactly when the exit
    status says so."""
    fail_on = run.settings.fail_on
    suites = ElementTree.Element("testsuites", name="gmr lint")
    by_place: dict[tuple[str | None, int | None], list[Finding]] = {}
    for finding in run.result.findings:
        by_place.setdefault((finding.file, finding.report_line), []).append(finding)
    for report in run.reports:
        place = (report.source.path, report.source.first_line)
        file = report.source.path or "<input>"
        label = f"{file}:{report.source.first_line}" + (f" ({report.node})" if report.node
                                                        else "")
        ran = run.result.ran.get(place, set())
        found = by_place.pop(place, [])
        _suite(suites, label, file,
               [(rule.code, rule.name, [f for f in found if f.code == rule.code]
                 if rule.code in ran else None) for rule in run.rules], fail_on)
    unreadable = {error.path for error in run.errors}
    for error in run.errors:
        file = error.path or "<input>"
        suite = ElementTree.SubElement(suites, "testsuite", name=file, tests="1", failures="1",
                                       skipped="0")
        case = ElementTree.SubElement(suite, "testcase", classname=file,
                                      name="GMR001 unparseable-report")
        failure = ElementTree.SubElement(case, "failure", type="error", message=error.message)
        failure.text = str(error)
    for (path, _), found in by_place.items():
        if path in unreadable:
            continue
        codes = dict.fromkeys((f.code, f.name) for f in found)
        _suite(suites, path or "<input>", path or "<input>",
               [(code, name, [f for f in found if f.code == code]) for code, name in codes],
               fail_on)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def _suite(suites: ElementTree.Element, label: str, file: str,
           cases: list[tuple[str, str, list[Finding] | None]], fail_on: Severity) -> None:
    """A test suite of `cases`, each (code, name, its findings, or None when the rule
    does not apply)."""
    suite = ElementTree.SubElement(suites, "testsuite", name=label)
    counts = {"tests": 0, "failures": 0, "skipped": 0}
    for code, name, found in cases:
        case = ElementTree.SubElement(suite, "testcase", classname=file, name=f"{code} {name}")
        counts["tests"] += 1
        if found is None:
            ElementTree.SubElement(case, "skipped", message="does not apply to this report: "
                                   "another service or release, or a rule comparing several "
                                   "reports")
            counts["skipped"] += 1
            continue
        failing = [f for f in found if f.severity.rank >= fail_on.rank]
        for finding in failing:
            failure = ElementTree.SubElement(case, "failure", type=finding.severity.value,
                                             message=finding.message)
            failure.text = f"{file}:{finding.line or ''} {finding.code} {finding.message}"
        if len(failing) < len(found):
            output = ElementTree.SubElement(case, "system-out")
            output.text = "\n".join(f"{f.severity.value}: {f.message}"
                                    for f in found if f not in failing)
        counts["failures"] += bool(failing)
    for key, value in counts.items():
        suite.set(key, str(value))


def as_github(run: LintRun) -> str:
    """GitHub Actions workflow commands: annotations on the files in the pull request."""
    lines = []
    for finding in run.result.findings:
        where = f"file={_escape(finding.file or '', True)}"
        if finding.line:
            where += f",line={finding.line}"
        title = _escape(f"{finding.code} {finding.name}", True)
        lines.append(f"::{_GITHUB[finding.severity]} {where},title={title}::"
                     f"{_escape(finding.message, False)}")
    return "".join(line + "\n" for line in lines)


def _escape(text: str, property_value: bool) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text
