"""Runs the rules it is given over reports and turns what they find into findings.

The engine, not the rule, decides whether a rule runs (service, release range,
select/ignore), stamps code and severity, formats the message with secrets redacted,
and says so when a rule could not decide: the report masked an option it needed, or the
release is unknown (the GMR0xx findings of `rules.intrinsic`). Waivers and the baseline
are applied last.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from gmr.credentials import shown
from gmr.errors import GmrError, InputError
from gmr.lint.api import Context, Hit, ReleaseUnknown, Rule, Severity
from gmr.lint.releases import Release, release_named, release_of
from gmr.lint.rules import intrinsic
from gmr.lint.settings import Settings, Waiver
from gmr.models import Report, group_key, group_title
from gmr.printable import escape_controls

#: The findings the engine makes itself, by code.
_OWN = {rule.code: rule for rule in intrinsic.RULES}
#: Codes about the settings rather than a report: never among the rules run on a report.
_ABOUT_SETTINGS = {"GMR005"}


class Finding(BaseModel):
    """One problem found in one report."""

    model_config = ConfigDict(frozen=True)

    file: str | None
    line: int | None
    code: str
    name: str
    severity: Severity
    message: str
    group: str | None = None
    option: str | None = None
    service: str | None = None
    node: str | None = None
    release: str | None = None
    #: The first line of the report the finding is about (None for an input that could not
    #: be read, or the settings): tells apart the reports of one log. Not in the JSON.
    report_line: int | None = Field(default=None, exclude=True)

    @property
    def fingerprint(self) -> str:
        """What identifies the finding across runs: not the line, which moves."""
        key = "|".join(str(part) for part in (self.code, self.node or self.file, self.group,
                                               self.option))
        return hashlib.sha256(key.encode()).hexdigest()[:16]


#: Where a report sits: its file and first line.
Place = tuple[str | None, int]


@dataclass
class LintResult:
    findings: list[Finding]
    #: Findings the baseline file suppressed, and those a waiver covered.
    baselined: int = 0
    waived: list[tuple[Finding, Waiver]] = field(default_factory=list)
    #: The codes of the rules that ran on each report, by place; a rule for another
    #: service or release, or about the settings, is not among them.
    ran: dict[Place, set[str]] = field(default_factory=dict)

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= threshold.rank]


def lint(
    reports: Sequence[Report],
    rules: Sequence[Rule],
    *,
    settings: Settings | None = None,
    release: str | None = None,
    service: str | None = None,
    errors: Iterable[GmrError] = (),
    baseline: Iterable[str] = (),
    today: date | None = None,
) -> LintResult:
    """Lint `reports` with `rules` (those `settings` selects); `errors` are inputs that
    could not be parsed (each becomes a GMR001 finding); `baseline` holds fingerprints of
    findings to suppress."""
    settings = settings or Settings()
    forced = release_named(release) if release else None
    if release and forced is None:
        raise InputError(f"unknown release {release!r}")
    selected = [r for r in rules if settings.selects(r.code)]
    findings = [_unparseable(error) for error in errors if settings.selects("GMR001")]
    single = [r for r in selected if not r.fleet]
    fleet = [r for r in selected if r.fleet] if len(reports) > 1 else []
    ran: dict[Place, set[str]] = {}
    for report in reports:
        found, codes = _lint_report(report, single, settings, service, forced)
        findings += found
        ran[_place(report)] = (codes | {r.code for r in fleet
                                        if r.applies_to(service or report.service)}
                               ) - _ABOUT_SETTINGS
    if fleet:
        findings += _lint_fleet(reports, fleet, service, forced)
    findings = [_with_severity(f, settings) for f in findings]
    result = _apply_waivers(findings, settings.waivers, today or date.today(), settings)
    known = set(baseline)
    kept = [f for f in result.findings if f.fingerprint not in known]
    result.baselined = len(result.findings) - len(kept)
    result.findings = sorted(kept, key=lambda f: (f.file or "", f.line or 0, f.code))
    result.ran = ran
    return result


def _place(report: Report) -> Place:
    return report.source.path, report.source.first_line


def _lint_report(report: Report, rules: list[Rule], settings: Settings,
                 service_override: str | None,
                 forced: Release | None) -> tuple[list[Finding], set[str]]:
    """The findings of `rules` on one report, and the codes of the rules that ran on it."""
    service, release = _identify(report, service_override, forced)
    stamp = _Stamp(report, service, release)
    found: list[Finding] = []
    ran: set[str] = set()
    if report.source.truncated and settings.selects("GMR002"):
        found.append(stamp.intrinsic("GMR002", report.source.last_line,
                                     f"report cut short at line {report.source.last_line}; "
                                     "rules ran on the part that is there"))
    for rule in rules:
        if not rule.applies_to(service):
            continue
        if rule.releases and release is not None and not _in_range(release, rule.releases):
            continue
        ran.add(rule.code)
        context = Context(report, service, release)
        try:
            hits = list(rule.check(report, context))
            unknown_release = bool(hits) and rule.releases is not None and release is None
        except ReleaseUnknown:
            hits, unknown_release = [], True
        if unknown_release:
            if settings.selects("GMR004"):
                found.append(stamp.intrinsic(
                    "GMR004", hits[0].line if hits else None,
                    f"{rule.code} ({rule.name}) could not be decided: the report does not "
                    f"say which release {service or 'the service'} runs; pass --release",
                    hits[0] if hits else None))
            continue
        found += [stamp.finding(rule, h) for h in hits]
        if not hits and context.masked and settings.selects("GMR003"):
            group, option, line = context.masked[0]
            found.append(stamp.intrinsic(
                "GMR003", line, f"{rule.code} ({rule.name}) needs [{group}] {option}, which "
                "the report masks (***): it cannot be decided from a GMR",
                Hit(group, option, line)))
    return found, ran


def _lint_fleet(reports: Sequence[Report], rules: list[Rule], service_override: str | None,
                forced: Release | None) -> list[Finding]:
    """Rules that compare reports with each other; each hit names its report."""
    identities = {id(r): _identify(r, service_override, forced) for r in reports}
    found = []
    for rule in rules:
        for item in rule.check(list(reports)):
            found.append(_Stamp(item.report, *identities[id(item.report)]).finding(rule, item))
    return found


def _identify(report: Report, service_override: str | None,
              forced: Release | None) -> tuple[str | None, Release | None]:
    """The service and release a report is linted as: the operator's, else its own."""
    service = service_override or report.service
    version = report.package.version if report.package else None
    return service, forced or release_of(service, version)


def _in_range(release: Release, bounds: tuple[str | None, str | None]) -> bool:
    low, high = (release_named(b) if b else None for b in bounds)
    return (low is None or release >= low) and (high is None or release <= high)


class _Stamp:
    """Makes findings for one report: file, node, service and release filled in."""

    def __init__(self, report: Report, service: str | None, release: Release | None):
        self.base = {
            "file": report.source.path,
            "service": service,
            "node": report.node,
            "release": str(release) if release else None,
            "report_line": report.source.first_line,
        }

    def finding(self, rule: Rule, hit: Hit) -> Finding:
        # Messages name [DEFAULT] as nova.conf does; the `group` field keeps the printed name.
        group = _printed_group(hit.group)
        values = {"option": hit.option, **hit.values,
                  "group": group_title(group) if group else group}
        if "value" in values and hit.option is not None:
            values["value"] = shown(hit.option, str(values["value"]))
        values = {key: escape_controls(value, layout=True) if isinstance(value, str) else value
                  for key, value in values.items()}
        return Finding(**self.base, line=hit.line, code=rule.code, name=rule.name,
                       severity=rule.severity, message=rule.message.format(**values),
                       group=group, option=hit.option)

    def intrinsic(self, code: str, line: int | None, message: str,
                  where: Hit | None = None) -> Finding:
        rule = _OWN[code]
        return Finding(**self.base, line=line, code=code, name=rule.name,
                       severity=rule.severity, message=message,
                       group=_printed_group(where.group) if where else None,
                       option=where.option if where else None)


def _printed_group(group: str | None) -> str | None:
    return None if group is None else group_key(group)


def _unparseable(error: GmrError) -> Finding:
    rule = _OWN["GMR001"]
    return Finding(file=error.path, line=error.line, code="GMR001", name=rule.name,
                   severity=rule.severity, message=error.message)


def _with_severity(finding: Finding, settings: Settings) -> Finding:
    override = settings.severity_of(finding.code)
    return finding if override is None else finding.model_copy(update={"severity": override})


def _apply_waivers(findings: list[Finding], waivers: list[Waiver], today: date,
                   settings: Settings) -> LintResult:
    result = LintResult(findings=[])
    active = [w for w in waivers if w.expires is None or w.expires >= today]
    for waiver in waivers:
        if waiver not in active and settings.selects("GMR005"):
            rule = _OWN["GMR005"]
            result.findings.append(Finding(
                file=settings.source, line=waiver.line, code="GMR005", name=rule.name,
                severity=rule.severity,
                message=f"the waiver of {waiver.code} expired on {waiver.expires}; it no "
                        f"longer applies (reason given: {waiver.reason})"))
    for finding in findings:
        waiver = next((w for w in active if w.covers(finding.code, finding.node)), None)
        if waiver is None:
            result.findings.append(finding)
        else:
            result.waived.append((finding, waiver))
    return result
