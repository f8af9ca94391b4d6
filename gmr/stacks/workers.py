"""The reporting process's children against the worker count its configuration asks for.

A launcher started with N > 1 workers forks N children (oslo.service `launch`:
ProcessLauncher for workers != 1); fewer children than configured means workers died.
Only programs whose worker count is one option are judged, checked in nova 34.0.0:
nova/cmd/conductor.py and nova/cmd/scheduler.py pass `[conductor] workers` and
`[scheduler] workers` to `service.serve`. An unset count means one per CPU, which a
report does not tell, so it is not judged; nor is a report of a worker itself (no
children): it cannot be told from a launcher whose workers all died.
"""

from __future__ import annotations

from gmr.models import Report
from gmr.stacks.model import Workers

#: program -> (group, option) of its worker count.
WORKER_OPTIONS = {
    "nova-conductor": ("conductor", "workers"),
    "nova-scheduler": ("scheduler", "workers"),
}


def workers(report: Report) -> Workers | None:
    """The configured workers and the children of the reporting process, when known."""
    where = WORKER_OPTIONS.get(report.program or "")
    option = report.option(*where) if where else None
    configured = option.as_int() if option else None
    roots = report.processes.roots if report.processes else ()
    if not configured or configured <= 1 or not roots or not roots[0].children:
        return None
    children = len(roots[0].children)
    return Workers(option=f"{where[0]}.{where[1]}", configured=configured,
                   children=children, missing=max(configured - children, 0))
