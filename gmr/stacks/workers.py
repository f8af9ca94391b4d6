"""The reporting process's children against the worker count its configuration asks for.

A launcher forks one child per configured worker; fewer children than configured means
workers died. Judged only where the count is what the operator configured, read from
each program's launch code:

- nova 34.0.0 nova/cmd/conductor.py, nova/cmd/scheduler.py: `service.serve` with
  `[conductor] workers`, `[scheduler] workers`; oslo.service `launch` forks only for
  workers > 1 (ProcessLauncher; one worker runs in the launcher itself).
- nova 31.0.0 (the last with nova's eventlet API launchers) nova/cmd/api_os_compute.py,
  nova/cmd/api_metadata.py: `service.serve` with `WSGIService.workers`, which is
  `osapi_compute_workers` / `metadata_workers`; nova/cmd/api.py `main`: a ProcessLauncher
  that forks `<api>_workers` (at least one) for each of `enabled_apis`.
- neutron 29.0.0 neutron/service.py `_get_rpc_workers`, `_start_workers` (neutron-rpc-server):
  `rpc_workers` plus `rpc_state_report_workers` children, when the core plugin supports
  both (ML2 does: neutron/plugins/ml2/plugin.py overrides `start_rpc_listeners` and
  `start_rpc_state_reports_listener`); other core plugins are not judged.
- neutron 26.0.0 (the last with the eventlet neutron-server) neutron/server/wsgi_eventlet.py
  `start_api_and_rpc_workers`: neutron/api/wsgi.py `Server._launch` forks `api_workers`
  children (none at 0: the API serves in the launcher), then neutron/service.py
  `start_all_workers` forks the RPC workers above from the same process, `rpc_workers`
  defaulting to half of `api_workers` (at least one); plugin workers only add children.
- cinder 29.0.0 cinder/cmd/api.py: `osapi_volume_workers`; cinder/cmd/backup.py `main`:
  `backup_workers` children when > 1; cinder/cmd/volume.py `_launch_services`: one child
  per `enabled_backends` entry.
- glance 32.0.0 glance/common/wsgi.py `Server.start_wsgi` (glance-api forks `workers`
  children itself; glance 33.0.0 glance/cmd/api.py only says to deploy under a WSGI server).
- ironic 39.0.0 ironic/command/api.py: a ProcessLauncher with `[api] api_workers`.

An unset count means one per CPU (or a share of them), which a report does not tell, so
it is not judged; nor is one worker, or a report with no children: a worker's own report
cannot be told from a launcher whose workers all died. Under uwsgi or mod_wsgi the program
is not one of these names, so API servers are judged only under their own launchers.
Extra children (privsep or rootwrap daemons) can hide a dead worker, never invent one.
"""

from __future__ import annotations

from typing import Callable

from gmr.models import Report
from gmr.stacks.model import Workers

#: (label, workers) of a report, or None when its configuration does not tell.
Count = Callable[[Report], tuple[str, int] | None]

#: `core_plugin` values that load ML2 (neutron 29.0.0 entry point `neutron.core_plugins` ml2).
ML2 = {"ml2", "neutron.plugins.ml2.plugin.Ml2Plugin"}


def options(*names: str) -> Count:
    """Workers that are the sum of integer options (`group.option`), each one set."""
    def count(report: Report) -> tuple[str, int] | None:
        values = [report.option(*name.split(".", 1)) for name in names]
        numbers = [value.as_int() if value else None for value in values]
        if None in numbers:
            return None
        return " + ".join(names), sum(numbers)
    return count


def nova_api(report: Report) -> tuple[str, int] | None:
    """`<api>_workers` of each enabled API; nova/cmd/api.py forks them all."""
    printed = report.option("DEFAULT", "enabled_apis")
    apis = printed.as_list() if printed else None
    return options(*(f"DEFAULT.{api}_workers" for api in apis))(report) if apis else None


def ml2(report: Report) -> bool:
    """Whether ML2, which forks both kinds of RPC workers, is the core plugin."""
    plugin = report.option("DEFAULT", "core_plugin")
    return plugin is not None and plugin.text in ML2


def neutron_rpc(report: Report) -> tuple[str, int] | None:
    """RPC and state report workers, when ML2 is the core plugin."""
    if not ml2(report):
        return None
    return options("DEFAULT.rpc_workers", "DEFAULT.rpc_state_report_workers")(report)


def neutron_server(report: Report) -> tuple[str, int] | None:
    """API workers, then the RPC workers forked beside them, when ML2 is the core plugin."""
    def number(name: str) -> int | None:
        value = report.option("DEFAULT", name)
        return value.as_int() if value else None

    api, rpc, state = (number(name) for name in
                       ("api_workers", "rpc_workers", "rpc_state_report_workers"))
    if not ml2(report) or api is None or state is None:
        return None
    rpc_label = "DEFAULT.rpc_workers"
    if rpc is None:
        rpc, rpc_label = max(api // 2, 1), "half of DEFAULT.api_workers (rpc_workers unset)"
    return f"DEFAULT.api_workers + {rpc_label} + DEFAULT.rpc_state_report_workers", \
        api + rpc + state


def cinder_backends(report: Report) -> tuple[str, int] | None:
    """One cinder-volume child per enabled backend (empty names are skipped)."""
    printed = report.option("DEFAULT", "enabled_backends")
    backends = [b for b in printed.as_list() or () if b] if printed else []
    return ("DEFAULT.enabled_backends", len(backends)) if backends else None


#: program -> how many children its configuration asks for.
WORKER_COUNTS: dict[str, Count] = {
    "nova-conductor": options("conductor.workers"),
    "nova-scheduler": options("scheduler.workers"),
    "nova-api": nova_api,
    "nova-api-os-compute": options("DEFAULT.osapi_compute_workers"),
    "nova-api-metadata": options("DEFAULT.metadata_workers"),
    "neutron-rpc-server": neutron_rpc,
    "neutron-server": neutron_server,
    "cinder-api": options("DEFAULT.osapi_volume_workers"),
    "cinder-backup": options("DEFAULT.backup_workers"),
    "cinder-volume": cinder_backends,
    "glance-api": options("DEFAULT.workers"),
    "ironic-api": options("api.api_workers"),
}


def workers(report: Report) -> Workers | None:
    """The configured workers and the children of the reporting process, when known."""
    count = WORKER_COUNTS.get(report.program or "")
    configured = count(report) if count else None
    roots = report.processes.roots if report.processes else ()
    if not configured or configured[1] <= 1 or not roots or not roots[0].children:
        return None
    label, total = configured
    children = len(roots[0].children)
    return Workers(option=label, configured=total, children=children,
                   missing=max(total - children, 0))
