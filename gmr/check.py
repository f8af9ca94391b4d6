"""`gmr check`: a fleet linted and compared in one pass, for a CI gate.

Each file is parsed once, in a worker process, into what both stages need: its reports
linted one by one (`gmr.lint.engine.Linted`) and its nodes (`gmr.diff.nodes.Node`). The
fleet rules, the waivers and the baseline of `gmr lint`, and the fleet diff of
`gmr diff`, then run on those, so the result is what `gmr lint` and `gmr diff` give on
the same files, for half the reading.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from typing import Callable, Iterable

from gmr.cache import Results
from gmr.diff.inputs import node_or_error
from gmr.diff.nodes import IDENTITY, Interner, KeyTable, Node
from gmr.diff.run import DiffRun, diff_loaded
from gmr.errors import GmrError, NothingToCompare
from gmr.inputs import Cached, Inputs, Shared, read_inputs
from gmr.lint.engine import Linted
from gmr.lint.run import LintPlan, LintRun, linted_reports
from gmr.lint.settings import Settings


@dataclass
class CheckRun:
    lint: LintRun
    #: None when the fleet holds no two nodes to compare; `note` says why.
    diff: DiffRun | None
    note: str | None = None

    @property
    def exit_code(self) -> int:
        """2 when an input could not be read, 1 when a finding reaches --fail-on or the
        nodes differ, else 0."""
        codes = [self.lint.exit_code, self.diff.exit_code if self.diff else 0]
        return 2 if 2 in codes else max(codes)


def check_inputs(names: Iterable[str], settings: Settings, *, release: str | None = None,
                 service: str | None = None, baseline: str | None = None, jobs: int = 0,
                 done: Callable[[], None] | None = None, cache: bool = True) -> CheckRun:
    """Lint the reports behind `names` and compare them as nodes, reading each file once.
    Options as `gmr.lint.lint_inputs` takes them; the diff compares nodes by the built-in
    identity options. A fleet without two nodes of one service and program is linted,
    and the run says there was nothing to compare."""
    plan = LintPlan.of(settings, release=release, service=service, baseline=baseline)
    read = partial(check_file, arguments=plan.arguments)
    if cache:
        read = Cached(read, Results(json.dumps(["check", plan.salt]), shared=(KeyTable,)))
    interner, share = Interner(), Shared()
    both = read_inputs(names, read, jobs=jobs, done=done,
                       keep=lambda pair: (pair[0].shared(share), interner.node(pair[1])))
    linted: Inputs[Linted] = Inputs([pair[0] for pair in both.items], both.errors,
                                    both.skipped)
    # A report the diff cannot take (none is refused without --defaults) is left out of
    # the diff only; the lint run already counts unreadable inputs.
    nodes: Inputs[Node] = Inputs([pair[1] for pair in both.items
                                  if not isinstance(pair[1], GmrError)], [], both.skipped)
    lint = plan.finish(linted)
    try:
        diff = diff_loaded(nodes)
    except NothingToCompare as nothing:
        return CheckRun(lint, None, "gmr: note: no two nodes run the same service and "
                                    f"program ({nothing.spread}): no diff")
    return CheckRun(lint, diff)


def check_file(name: str, arguments: dict) -> list[tuple[Linted, Node | GmrError]] | GmrError:
    """The reports of the file `name`, parsed once, each linted and made a node; or the
    error reading the file: what a worker process sends back. `arguments` are those of
    `gmr.lint.run.linted_reports`. A report's options are made as the rules ask for
    them (`gmr.parsing.ondemand`); its node reads them all as names and values."""
    pairs = linted_reports(name, **arguments, on_demand=True)
    if isinstance(pairs, GmrError):
        return pairs
    return [(linted, node_or_error(told, IDENTITY, arguments["release"]))
            for told, linted in pairs]
