"""What `gmr stacks` does with the names on its command line, one report at a time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator, Sequence

from gmr.errors import GmrError, InputError, NoReportFound
from gmr.inputs import STDIN, expand, read_reports
from gmr.models import Report
from gmr.parsing import iter_file
from gmr.stacks import analyse_stacks
from gmr.stacks.model import ProcessStacks


@dataclass
class StacksRun:
    results: list[ProcessStacks] = field(default_factory=list)
    #: Inputs that failed, as `gmr parse` reports them.
    errors: list[GmrError] = field(default_factory=list)
    #: Files of a directory or glob that hold no report.
    skipped: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """2 trouble, 1 something stuck or workers died, else 0."""
        if self.errors or not self.results:
            return 2
        return 1 if any(result.stuck or (result.workers and result.workers.missing)
                        for result in self.results) else 0


def stacks_of_inputs(names: Sequence[str], *, loose: bool = False,
                     states: Sequence[str] = ()) -> StacksRun:
    """`analyse_stacks` over the reports of files, folders and globs, read one file at a
    time and never all held: inputs follow gmr's rules (gmr.inputs)."""
    run = StacksRun()
    run.results = analyse_stacks(_reports(names, run), loose=loose, states=states)
    if not run.results and not run.errors:
        run.errors.append(NoReportFound("no Guru Meditation Report found", " ".join(names)))
    return run


def _reports(names: Sequence[str], run: StacksRun) -> Iterator[Report]:
    for named in expand(names):
        if not named.files:
            run.errors.append(InputError("no files found", named.name))
            continue
        found = 0
        for file in named.files:
            before = found
            try:
                if file == STDIN:
                    reports: Iterator[Report] = iter(read_reports(STDIN))
                else:
                    reports = iter_file(file)
                for report in reports:
                    found += 1
                    yield report
            except GmrError as error:
                run.errors.append(error.located(file))
                continue
            if found == before and named.exact:
                run.errors.append(NoReportFound("no Guru Meditation Report found", file))
            elif found == before:
                run.skipped.append(file)
        if not found and not named.exact:
            run.errors.append(NoReportFound(
                f"no Guru Meditation Report in any of its {len(named.files)} "
                f"file{'s' * (len(named.files) != 1)}", named.name))
