"""`gmr stacks`: what every thread of a report is doing, grouped by stack and named, and
followed across several reports of one process to find what is stuck.

    result = analyse_stacks(reports)      # one ProcessStacks per process, in input order

Modules: frames (shortening, service or library), states (+ states.toml: naming stacks,
as data), grouping (one report), snapshots (several reports of a process), workers
(children against configured workers), fleet (nodes that stand out), model (JSON).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from gmr.errors import InputError
from gmr.models import Report
from gmr.stacks.fleet import mark_unusual
from gmr.stacks.model import ProcessStacks
from gmr.stacks.snapshots import Follower, process_key, where
from gmr.stacks.states import States, load_states

__all__ = ["ProcessStacks", "analyse_stacks", "load_states"]


def analyse_stacks(reports: Iterable[Report], *, loose: bool = False,
                   states: States | Sequence[str] = ()) -> list[ProcessStacks]:
    """The stacks of each process in `reports`, which are taken one at a time: the reports
    of one process (same node and pid) in time order become one result with what is
    stuck; among three or more processes of one program, nodes with an unusual thread
    profile are marked. `states` are operators' states files, tried before the built-in states (or
    States already loaded); `loose` groups stacks regardless of line numbers.

    Raises InputError for a report that cannot be matched to its process among several
    (no Processes section) or that is out of time order."""
    if not isinstance(states, States):
        states = load_states(states)
    followers: dict[object, Follower] = {}
    unmatched = None
    for report in reports:
        key = process_key(report)
        if key is None:
            unmatched = unmatched or report
            key = object()
        follower = followers.get(key)
        if follower is None:
            followers[key] = Follower(report, states, loose)
        else:
            follower.add(report)
        if unmatched is not None and len(followers) > 1:
            raise InputError("cannot tell which process printed this report (it has no "
                             "Processes section), so it cannot be followed with the others",
                             where(unmatched))
    return mark_unusual([follower.result() for follower in followers.values()])
