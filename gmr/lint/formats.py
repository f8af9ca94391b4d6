"""Machine formats of lint findings, for CI: JSON, SARIF 2.1.0, JUnit XML and GitHub
workflow commands. Each takes the result and returns the text to write."""

from __future__ import annotations

import json
from importlib.metadata import version
from typing import Sequence
from xml.etree import ElementTree

from gmr.lint.engine import Finding, LintResult
from gmr.lint.rule import Rule, Severity

FORMATS = ("text", "json", "sarif", "junit", "github")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def as_json(result: LintResult) -> str:
    """A list of findings: file, line, code, name, severity, message, group, option, ..."""
    return json.dumps([f.model_dump(mode="json") for f in result.findings], indent=2) + "\n"


def as_sarif(result: LintResult, rules: Sequence[Rule]) -> str:
    """One SARIF 2.1.0 run; rules carry their docs, results a fingerprint for code scanning."""
    index = {rule.code: n for n, rule in enumerate(rules)}
    results = []
    for finding in result.findings:
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
                    "help": {"text": f"{rule.fix}\n\nSource: {rule.source}"},
                    "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
                    "properties": {"services": list(rule.services), "source": rule.source},
                } for rule in rules],
            }},
            "results": results,
        }],
    }
    return json.dumps(document, indent=2) + "\n"


def as_junit(result: LintResult, rules: Sequence[Rule], reports: Sequence[tuple[str, str]],
             fail_on: Severity) -> str:
    """One test suite per report, one test case per rule; a finding at or above `fail_on`
    is a failure, one below it is kept as output of its test case."""
    suites = ElementTree.Element("testsuites", name="gmr lint")
    by_place: dict[tuple[str, str], list[Finding]] = {}
    for finding in result.findings:
        by_place.setdefault((finding.file or "<input>", finding.code), []).append(finding)
    for file, label in reports:
        suite = ElementTree.SubElement(suites, "testsuite", name=label)
        failures = 0
        for rule in rules:
            case = ElementTree.SubElement(suite, "testcase", classname=file,
                                          name=f"{rule.code} {rule.name}")
            found = by_place.get((file, rule.code), [])
            failing = [f for f in found if f.severity.rank >= fail_on.rank]
            for finding in failing:
                failure = ElementTree.SubElement(case, "failure", type=finding.severity.value,
                                                 message=finding.message)
                failure.text = f"{file}:{finding.line or ''} {finding.code} {finding.message}"
            if len(failing) < len(found):
                output = ElementTree.SubElement(case, "system-out")
                output.text = "\n".join(f"{f.severity.value}: {f.message}"
                                        for f in found if f not in failing)
            failures += bool(failing)
        suite.set("tests", str(len(rules)))
        suite.set("failures", str(failures))
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"


def as_github(result: LintResult) -> str:
    """GitHub Actions workflow commands: annotations on the files in the pull request."""
    lines = []
    for finding in result.findings:
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
