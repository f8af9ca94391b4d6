"""A whole `gmr lint` run as a library call: inputs read, rules gathered, reports linted.

`lint_inputs` returns everything the CLI shows and every output format needs: the result,
the rules that ran (custom ones included), the reports, the inputs that failed or were
skipped, and the exit code. The CLI only renders it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable, Iterable

from gmr.errors import ConfigError, GmrError, UsageError
from gmr.cache import Results
from gmr.inputs import STDIN, Cached, Inputs, Shared, read_inputs, reports_or_error
from gmr.lint.api import Rule, Severity, catalogue
from gmr.lint.baseline import read_baseline
from gmr.lint.custom import load_rules
from gmr.lint.engine import Finding, LintResult, Linted, combine, lint_one
from gmr.releases import given_release, with_release
from gmr.lint.rules import BUILTIN, RETIRED
from gmr.lint.settings import Settings
from gmr.models import Report
from gmr.parsing.identify import SERVICES
from gmr.parsing.parser import collector_paused


@dataclass(frozen=True)
class Rollup:
    """One rule's findings over a fleet: on `nodes` of the `total` nodes linted, and in
    `files` that are not a report linted (the settings of an expired waiver, an input that
    could not be read)."""

    code: str
    name: str
    severity: Severity
    nodes: int
    total: int
    files: tuple[str, ...] = ()


@dataclass
class LintRun:
    result: LintResult
    settings: Settings
    #: The rules that were selected to run, custom ones included, in code order.
    rules: list[Rule]
    reports: list[Report]
    #: Inputs that could not be linted (each is also a GMR001 finding).
    errors: list[GmrError] = field(default_factory=list)
    #: Files in a directory or glob that hold no report.
    skipped: list[str] = field(default_factory=list)
    #: What the operator should know about the run itself (a selection that matches no rule).
    notes: list[str] = field(default_factory=list)

    def rollup(self) -> list[Rollup]:
        """Per rule with findings, on how many of the nodes: the view of a fleet."""
        nodes = {report.node or report.source.path for report in self.reports}
        found: dict[str, list[Finding]] = {}
        for finding in self.result.findings:
            found.setdefault(finding.code, []).append(finding)
        rollups = []
        for code, findings in sorted(found.items()):
            places = {f.node or f.file for f in findings}
            rollups.append(Rollup(
                code=code, name=findings[0].name, severity=findings[0].severity,
                nodes=len(places & nodes), total=len(nodes),
                files=tuple(sorted(p or "<input>" for p in places - nodes))))
        return rollups

    @property
    def exit_code(self) -> int:
        """2 when an input could not be linted, 1 when a finding reaches --fail-on, else 0."""
        if self.errors:
            return 2
        return 1 if self.result.failing(self.settings.fail_on) else 0


def all_rules(settings: Settings) -> list[Rule]:
    """The built-in rules and the custom rules the settings name, in code order."""
    rules = list(BUILTIN)
    for path in settings.rules:
        taken = {rule.code for rule in rules} | {rule.name for rule in rules}
        rules += load_rules(path, taken)
    try:
        return sorted(catalogue(rules).values(), key=lambda rule: rule.code)
    except ValueError as error:  # a custom rule clashing with another is refused earlier
        raise ConfigError(str(error), settings.source) from None


def check_service(service: str | None) -> str | None:
    """`--service` as given, refused when it names no service gmr knows."""
    if service is not None and service not in SERVICES:
        raise UsageError(f"--service {service!r} is not a service gmr knows: "
                         f"{', '.join(SERVICES)}")
    return service


def lint_inputs(names: Iterable[str], settings: Settings, *, release: str | None = None,
                service: str | None = None, baseline: str | None = None, jobs: int = 0,
                done: Callable[[], None] | None = None, cache: bool = True) -> LintRun:
    """Lint every report in the files, folders and globs `names`, as `gmr lint` does: in
    `jobs` worker processes (0: one per core) when there are many files, each sending
    back its findings and the little the fleet rules compare. `done` is called once per
    file. With `cache`, what was made of a file is kept in gmr's cache and a file linted
    before with the same settings is not read again.

    Raises UsageError for a bad --release or --service and ConfigError for a broken
    settings or rules file. An input that holds no report is an error of the run (and a
    GMR001 finding): a gate that checked nothing must not pass.
    """
    plan = LintPlan.of(settings, release=release, service=service, baseline=baseline)
    read = partial(lint_file, **plan.arguments)
    if cache:
        read = Cached(read, Results(plan.salt))
    share = Shared()
    return plan.finish(read_inputs(names, read, jobs=jobs, done=done,
                                   keep=lambda item: item.shared(share)))


@dataclass
class LintPlan:
    """A lint run before it reads its inputs: what it runs, and how a file is linted. It
    is checked whole first, so that a broken settings file or an empty selection stops
    the run before a single report is parsed."""

    settings: Settings
    release: str | None
    service: str | None
    #: The rules selected, custom ones included, in code order.
    rules: list[Rule]
    #: The fingerprints of the findings the baseline file holds.
    known: set[str]
    notes: list[str]
    #: The texts of the custom rules files, as the run found them.
    rule_texts: tuple[str, ...]

    @classmethod
    def of(cls, settings: Settings, *, release: str | None = None,
           service: str | None = None, baseline: str | None = None) -> LintPlan:
        """Raises UsageError for a bad --release or --service or a selection that runs
        no rule, and ConfigError for a broken settings or rules file."""
        if release is not None:
            given_release(release)
        check_service(service)
        rules = all_rules(settings)
        known = read_baseline(baseline) if baseline else set()
        selected = [rule for rule in rules if settings.selects(rule.code)]
        notes = [f"gmr: warning: {flag} {code!r} matches no rule"
                 + (f" ({code} was retired: {RETIRED[code]})" if code in RETIRED else "")
                 for flag, codes in (("select", settings.select), ("ignore", settings.ignore))
                 for code in codes if not any(rule.code.startswith(code) for rule in rules)]
        if not selected:
            retired = "".join(f"; {code} was retired: {RETIRED[code]}"
                              for code in settings.select if code in RETIRED)
            raise UsageError("the selection runs no rule (select "
                             f"{', '.join(settings.select) or 'all'}; ignore "
                             f"{', '.join(settings.ignore) or 'none'}): nothing would be "
                             "checked" + retired)
        return cls(settings, release, service, selected, known, notes, _rule_texts(settings))

    @property
    def arguments(self) -> dict[str, Any]:
        """What `lint_file` takes besides the file's name."""
        return {"settings": self.settings, "release": self.release, "service": self.service,
                "rule_texts": self.rule_texts}

    @property
    def salt(self) -> str:
        """All a file's lint result depends on besides the file."""
        return json.dumps(["lint", self.settings.model_dump_json(by_alias=True),
                           self.rule_texts, self.release, self.service])

    def finish(self, inputs: Inputs[Linted]) -> LintRun:
        """The run, from its reports linted one by one: fleet rules, waivers, baseline."""
        linted = inputs.items
        with collector_paused():  # a fleet's findings, which live until the run ends
            result = combine(linted, self.rules, settings=self.settings, errors=inputs.errors,
                             baseline=self.known,
                             whole=partial(_whole, release=self.release,
                                           service=self.service))
        return LintRun(result=result, settings=self.settings, rules=self.rules,
                       reports=[item.report for item in linted], errors=inputs.errors,
                       skipped=inputs.skipped, notes=self.notes)


def lint_file(name: str, settings: Settings, release: str | None, service: str | None,
              rule_texts: tuple[str, ...] = ()) -> list[Linted] | GmrError:
    """The reports of the file `name` linted one by one, or the error reading it: what a
    worker process sends back. `rule_texts` are the texts of the custom rules files the
    settings name, as they were when the run started."""
    pairs = linted_reports(name, settings, release, service, rule_texts, on_demand=True)
    return pairs if isinstance(pairs, GmrError) else [item for _, item in pairs]


def linted_reports(name: str, settings: Settings, release: str | None, service: str | None,
                   rule_texts: tuple[str, ...] = (), *, on_demand: bool = False
                   ) -> list[tuple[Report, Linted]] | GmrError:
    """Each report of the file `name` as the operator told it (`_as_told`), with what
    linting it alone gave; or the error reading the file. With `on_demand`, a report's
    Configuration makes its options as the rules ask for them (`gmr.parsing.ondemand`;
    custom rules are data that read options by name too)."""
    outcome = reports_or_error(name, on_demand=on_demand)
    if isinstance(outcome, GmrError):
        return outcome
    rules = _rules(settings.model_dump_json(by_alias=True), rule_texts)
    pairs = []
    for report in outcome:
        told = _as_told(report, release, service)
        linted = lint_one(told, rules, settings)
        if name == STDIN:
            # Standard input cannot be read again for the rules that follow a process
            # (`_whole`); it is read here, never in a worker, so its reports stay whole.
            linted = replace(linted, report=told)
        pairs.append((told, linted))
    return pairs


def _rule_texts(settings: Settings) -> tuple[str, ...]:
    """The texts of the custom rules files: a file's result depends on them too."""
    texts = []
    for path in settings.rules:
        try:
            texts.append(Path(path).read_text(encoding="utf-8", errors="replace"))
        except OSError:
            texts.append("")
    return tuple(texts)


@lru_cache(maxsize=4)
def _rules(settings: str, rule_texts: tuple[str, ...]) -> list[Rule]:
    """The rules the settings (as JSON) select, loaded once per process and per version
    of the custom rules files (`rule_texts`): custom rules cannot travel between
    processes, their files can be read again."""
    loaded = Settings.model_validate_json(settings)
    return [rule for rule in all_rules(loaded) if loaded.selects(rule.code)]


def _as_told(report: Report, release: str | None, service: str | None) -> Report:
    """The report as the operator's --service and --release say it is."""
    return with_release(report.model_copy(update={"service": service or report.service}),
                        release)


def _whole(views: list[Report], release: str | None, service: str | None) -> list[Report]:
    """The whole reports behind `views`, read again from their files: only the rules that
    follow a process across reports need them, for the few processes given more than
    once. A report read from stdin is already whole (`linted_reports`)."""
    files: dict[str, dict[int, Report]] = {}
    whole = []
    for view in views:
        path = view.source.path
        if path is None or path == "<stdin>":
            whole.append(view)
            continue
        if path not in files:
            outcome = reports_or_error(path)
            files[path] = {} if isinstance(outcome, GmrError) else {
                report.source.first_line: _as_told(report, release, service)
                for report in outcome}
        whole.append(files[path].get(view.source.first_line, view))
    return whole
