"""Runs the rules it is given over reports and turns what they find into findings.

The engine, not the rule, decides whether a rule runs (service, release range,
select/ignore), stamps code and severity, formats the message with secrets redacted,
and says so when a rule could not decide: the report masked an option it needed, or the
release is unknown (the GMR0xx findings of `rules.intrinsic`). Waivers and the baseline
are applied last.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, Callable, Iterable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from gmr.credentials import shown
from gmr.errors import GmrError
from gmr.lint.api import Context, Hit, ReleaseUnknown, Rule, Severity
from gmr.lint.rules import intrinsic
from gmr.lint.settings import Settings, Waiver
from gmr.models import Report, ReportRelease, built, group_key, group_title
from gmr.printable import escape_controls
from gmr.releases import Release, release_named, report_release
from gmr.stacks.snapshots import process_key

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
    ran: dict[Place, frozenset[str]] = field(default_factory=dict)

    def failing(self, threshold: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= threshold.rank]


@dataclass
class Linted:
    """One report linted on its own, all a later stage needs of it: what a worker process
    sends back instead of the whole report."""

    #: The report as the fleet rules compare it (`fleet_view`).
    report: Report
    #: The service and release it was linted as.
    service: str | None
    release: ReportRelease | None
    findings: list[Finding]
    #: The codes of the rules that ran on it.
    ran: frozenset[str]
    #: The process that printed it (`gmr.stacks.snapshots.process_key`), for the rules
    #: that follow a process across reports.
    process: tuple[str | None, int] | None = None

    def shared(self, share: Callable[[Any], Any]) -> Linted:
        """This item holding what other items of the run hold alike (the codes that ran,
        the strings of its findings, its package and release) as the objects `share`
        gives: a fleet of thousands then keeps one copy of each."""
        report = self.report
        view = report.model_copy(update={"package": share(report.package),
                                         "release": share(report.release)})
        findings = [built(Finding, {key: share(value) if type(value) is str else value
                                    for key, value in finding.__dict__.items()})
                    for finding in self.findings]
        return Linted(view, share(self.service), share(self.release), findings,
                      share(self.ran), self.process)


#: Whole reports for the views of the processes given more than once, in the same order.
Whole = Callable[[list[Report]], list[Report]]


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
    linted = [lint_one(report, rules, settings, service, release) for report in reports]
    whole = {id(item.report): report for item, report in zip(linted, reports)}
    return combine(linted, rules, settings=settings, errors=errors, baseline=baseline,
                   today=today, whole=lambda views: [whole[id(view)] for view in views])


def lint_one(report: Report, rules: Sequence[Rule], settings: Settings,
             service: str | None = None, release: str | None = None) -> Linted:
    """The rules that judge one report alone, run on `report`."""
    single, fleet = _selected(rules, settings)
    identity = _identify(report, service, release)
    findings, ran = _lint_report(report, single, settings, *identity)
    return Linted(fleet_view(report, fleet), *identity, findings, frozenset(ran),
                  process_key(report))


#: The last split of `_selected`, with what it was made from (one tuple, read and
#: replaced whole): a worker lints every report of its task with the same rules and
#: settings.
_last_split: tuple[Any, Any, tuple[list[Rule], list[Rule]]] | None = None


def _selected(rules: Sequence[Rule], settings: Settings) -> tuple[list[Rule], list[Rule]]:
    """The rules `settings` selects: those that judge one report, and the fleet rules."""
    global _last_split
    last = _last_split
    if last is None or last[0] is not rules or last[1] is not settings:
        chosen = [rule for rule in rules if settings.selects(rule.code)]
        last = (rules, settings, ([r for r in chosen if not r.fleet],
                                  [r for r in chosen if r.fleet]))
        _last_split = last
    return last[2]


def combine(linted: Sequence[Linted], rules: Sequence[Rule], *, settings: Settings,
            whole: Whole, errors: Iterable[GmrError] = (), baseline: Iterable[str] = (),
            today: date | None = None) -> LintResult:
    """The result of a run from its reports linted one by one: the fleet rules run on
    them together, then severities, waivers and the baseline apply."""
    selected = [r for r in rules if settings.selects(r.code)]
    findings = [_unparseable(error) for error in errors if settings.selects("GMR001")]
    fleet = [r for r in selected if r.fleet] if len(linted) > 1 else []
    ran: dict[Place, frozenset[str]] = {}
    # Nodes of one service ran the same rules: one set for all of them, not one each.
    ran_by: dict[tuple[frozenset[str], str | None], frozenset[str]] = {}
    for item in linted:
        findings += item.findings
        key = (item.ran, item.service)
        if key not in ran_by:
            ran_by[key] = (item.ran | {r.code for r in fleet if r.applies_to(item.service)}
                           ) - _ABOUT_SETTINGS
        ran[_place(item.report)] = ran_by[key]
    if fleet:
        findings += _lint_fleet(linted, fleet, whole)
    findings = [_with_severity(f, settings) for f in findings]
    result = _apply_waivers(findings, settings.waivers, today or date.today(), settings)
    known = set(baseline)
    kept = [f for f in result.findings if f.fingerprint not in known]
    result.baselined = len(result.findings) - len(kept)
    result.findings = sorted(kept, key=lambda f: (f.file or "", f.line or 0, f.code))
    result.ran = ran
    return result


def fleet_view(report: Report, fleet: Sequence[Rule]) -> Report:
    """`report` without its stacks and processes and with only the options that the
    fleet rules, other than those that follow a process (`Rule.snapshots`), read: a few
    KB in place of hundreds, for each of thousands of nodes."""
    reads = [read for rule in fleet if not rule.snapshots for read in rule.reads]
    if any(not rule.reads for rule in fleet if not rule.snapshots):
        return report  # a rule that reads any option: nothing can be left out
    exact, patterns = _wanted(tuple(reads))

    def select(group: str) -> Callable[[str], object] | None:
        folded = group.lower()
        names = exact.get(folded, frozenset())
        globs = [option for pattern, option in patterns if fnmatchcase(folded, pattern)]
        if not globs:
            return names.__contains__ if names else None
        return lambda option: option in names or any(fnmatchcase(option, g) for g in globs)

    configuration = report.configuration.part(select) if report.configuration else None
    return report.model_copy(update={"threads": None, "green_threads": None,
                                     "processes": None, "configuration": configuration,
                                     "extra_sections": ()})


def _truncated(report: Report, service: str | None, found: ReportRelease | None,
               stamp: _Stamp) -> list[Finding]:
    """GMR002 for a report cut short: flagged when it was parsed, or proven by upstream's
    registration of its release (`gmr.knowledge.cut`) when it was cut between lines."""
    end = report.source.last_line
    if report.source.truncated:
        return [stamp.intrinsic("GMR002", end, f"report cut short at line {end}; rules ran "
                                "on the part that is there")]
    from gmr import knowledge
    from gmr.knowledge.cut import cut_inside

    if found is None or found.name is None or service not in knowledge.services() or \
            found.name not in [r.name for r in knowledge.releases(service)]:
        return []
    cut = cut_inside(report.model_copy(update={"service": service}), found.name)
    if cut is None:
        return []
    return [stamp.intrinsic(
        "GMR002", end, f"report ends at line {end} inside [{group_title(cut.group)}] after "
        f"{cut.option}, where {service} {found.name} registers {cut.missing} more options: "
        "it was cut there; rules ran on the part that is there")]


def _place(report: Report) -> Place:
    return report.source.path, report.source.first_line


@lru_cache(maxsize=16)
def _wanted(reads: tuple[str, ...]
            ) -> tuple[dict[str, frozenset[str]], tuple[tuple[str, str], ...]]:
    """`group.option` reads as option names by lower-case group, and the reads that are
    glob patterns as (group, option) patterns: worked out once per selection of rules."""
    exact: dict[str, set[str]] = {}
    patterns = []
    for read in reads:
        group, _, option = read.partition(".")
        if any(char in read for char in "*?["):
            patterns.append((group.lower(), option))
        else:
            exact.setdefault(group.lower(), set()).add(option)
    return {group: frozenset(names) for group, names in exact.items()}, tuple(patterns)


def _lint_report(report: Report, rules: list[Rule], settings: Settings, service: str | None,
                 found: ReportRelease | None) -> tuple[list[Finding], set[str]]:
    """The findings of `rules` on one report linted as `service` and `found`, and the
    codes of the rules that ran on it."""
    stamp = _Stamp(report, service, found)
    candidates = [release_named(name) for name in found.candidates] if found else []
    findings: list[Finding] = []
    ran: set[str] = set()
    if settings.selects("GMR002"):
        findings += _truncated(report, service, found, stamp)
    for rule in rules:
        if not rule.applies_to(service):
            continue
        outcomes = _outcomes(rule, report, service, candidates)
        if not outcomes:
            continue  # the rule is for other releases than every one the report fits
        ran.add(rule.code)
        hits, context, unknown = outcomes[0]
        if unknown or any(other[0] != hits for other in outcomes[1:]):
            if settings.selects("GMR004"):
                findings.append(_undecided(stamp, rule, service, found, outcomes))
            continue
        findings += [stamp.finding(rule, h) for h in hits]
        if not hits and context.masked and settings.selects("GMR003"):
            group, option, line = context.masked[0]
            findings.append(stamp.intrinsic(
                "GMR003", line, f"{rule.code} ({rule.name}) needs [{group}] {option}, which "
                "the report masks (***): it cannot be decided from a GMR",
                Hit(group, option, line)))
    return findings, ran


#: What a rule found for one release the report may come from: its hits, the context it
#: ran in, and whether it could not tell without knowing the release.
Outcome = tuple[list[Hit], Context, bool]


def _outcomes(rule: Rule, report: Report, service: str | None,
              candidates: list[Release]) -> list[Outcome]:
    """The rule's outcome for each release the report fits, in range of the rule (for an
    unknown release, the one outcome it has). A rule whose answer cannot depend on the
    release (no release range, never asked) runs once."""
    outcomes: list[Outcome] = []
    out_of_range = False
    for release in candidates or [None]:
        if rule.releases and release is not None and not _in_range(release, rule.releases):
            out_of_range = True
            continue
        context = Context(report, service, release)
        try:
            hits = list(rule.check(report, context))
            unknown = release is None and bool(hits) and rule.releases is not None
        except ReleaseUnknown:
            hits, unknown = [], True
        outcomes.append((hits, context, unknown))
        if not rule.releases and not context.asked_release:
            break
    if outcomes and out_of_range:
        # In range for some of the releases the report fits, not for the others.
        outcomes.append(([], outcomes[0][1], False))
    return outcomes


def _undecided(stamp: _Stamp, rule: Rule, service: str | None, found: ReportRelease | None,
               outcomes: list[Outcome]) -> Finding:
    """GMR004: the rule's answer depends on a release the report does not tell."""
    first = next((hits[0] for hits, _, _ in outcomes if hits), None)
    if found is None or len(found.candidates) < 2:
        why = (f"the report does not say which release {service or 'the service'} runs; "
               "pass --release")
    else:
        why = (f"the report fits {' and '.join(found.candidates)}, and the rule's answer "
               "differs between them; pass --release")
    return stamp.intrinsic("GMR004", first.line if first else None,
                           f"{rule.code} ({rule.name}) could not be decided: {why}", first)


def _lint_fleet(linted: Sequence[Linted], rules: list[Rule], whole: Whole) -> list[Finding]:
    """Rules that compare reports with each other; each hit names its report."""
    identities = {id(item.report): (item.service, item.release) for item in linted}
    views = [item.report for item in linted]
    repeated: list[Report] | None = None
    found = []
    for rule in rules:
        if rule.snapshots and repeated is None:
            again = _repeated_processes(linted)
            repeated = whole(again)
            identities.update({id(full): identities[id(view)]
                               for view, full in zip(again, repeated)})
        for item in rule.check(list(repeated if rule.snapshots else views)):
            found.append(_Stamp(item.report, *identities[id(item.report)]).finding(rule, item))
    return found


def _repeated_processes(linted: Sequence[Linted]) -> list[Report]:
    """The views of the reports of the processes given more than once, in the order
    given."""
    counts = Counter(item.process for item in linted)
    return [item.report for item in linted
            if item.process is not None and counts[item.process] > 1]


def _identify(report: Report, service_override: str | None,
              given: str | None) -> tuple[str | None, ReportRelease | None]:
    """The service and release a report is linted as: the operator's, else its own."""
    service = service_override or report.service
    if given is None and report.release is not None:
        return service, report.release
    return service, report_release(report.model_copy(update={"service": service}), given)


def _in_range(release: Release, bounds: tuple[str | None, str | None]) -> bool:
    low, high = _bounds(bounds)
    return (low is None or release >= low) and (high is None or release <= high)


@lru_cache(maxsize=256)
def _bounds(bounds: tuple[str | None, str | None]) -> tuple[Release | None, Release | None]:
    """A rule's release range as releases: every report asks of every rule."""
    low, high = (release_named(b) if b else None for b in bounds)
    return low, high


class _Stamp:
    """Makes findings for one report: file, node, service and release filled in."""

    def __init__(self, report: Report, service: str | None, release: ReportRelease | None):
        self.base = {
            "file": report.source.path,
            "service": service,
            "node": report.node,
            "release": release.name if release else None,
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
        # Every field is typed already: a finding is built, not validated again, its
        # fields in the order of the model's (the order the JSON shows them in).
        base = self.base
        return built(Finding, {
            "file": base["file"], "line": hit.line, "code": rule.code, "name": rule.name,
            "severity": rule.severity, "message": rule.message.format(**values),
            "group": group, "option": hit.option, "service": base["service"],
            "node": base["node"], "release": base["release"],
            "report_line": base["report_line"]})

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
