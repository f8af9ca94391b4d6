"""GMR6xx: rules that compare reports, run when `gmr lint` gets several.

Which reports belong together is decided conservatively, so that these rules never
guess: a report's program is `Report.program` (processname or stack frames), and two
reports are from one node when the log prefix names the same host, they share an
address, or they sit alone together in one directory.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterator

from gmr.lint.api import Hit, Severity, fleet_fails, fleet_passes, hit, rule
from gmr.models import Report

#: The nova programs that judge computes alive by their own service_down_time: the
#: scheduler's ComputeFilter, the API (delete, evacuate, os-services) and the conductor
#: (live migration).
_NOVA_CONTROLLERS = ("nova-api", "nova-api-os-compute", "nova-api-wsgi", "nova-conductor",
                     "nova-scheduler")


def _text(report: Report, group: str, name: str) -> str | None:
    """The value as one string (a list joined by commas); None when absent, unset, empty
    or masked."""
    option = report.option(group, name)
    return None if option is None or option.masked or option.text in ("", "None") else \
        option.text


def _seconds(report: Report, group: str, name: str) -> float | None:
    option = report.option(group, name)
    return None if option is None or option.masked else option.as_float()


def _addresses(report: Report) -> set[str]:
    # Neutron's agents register [OVS]; the lookup also finds a lower-case [ovs].
    found = {_text(report, "DEFAULT", "my_ip"), _text(report, "OVS", "local_ip")}
    return {address for address in found if address}


def _same_node(first: Report, second: Report, crowded: set[str]) -> bool:
    if first.source.host and first.source.host == second.source.host:
        return True
    if _addresses(first) & _addresses(second):
        return True
    folder = str(Path(first.source.path or "").parent)
    return bool(first.source.path and second.source.path and folder not in crowded
                and folder == str(Path(second.source.path).parent))


def _computes(reports: list[Report]) -> list[Report]:
    return [r for r in reports if r.program == "nova-compute"]


def _agents(reports: list[Report]) -> list[Report]:
    return [r for r in reports if (r.program or "").startswith("neutron-")
            and "agent" in (r.program or "")]


def _named(report: Report) -> str:
    return report.source.path or report.node or report.program or "a report"


_COMPUTE = "[oslo_messaging_rabbit]\nprocessname = nova-compute\n"
_OVS_AGENT = "[oslo_messaging_rabbit]\nprocessname = neutron-openvswitch-agent\n"
_SERVER = "[oslo_messaging_rabbit]\nprocessname = neutron-server\n"
_SCHEDULER = "[oslo_messaging_rabbit]\nprocessname = nova-scheduler\n"


@rule(
    code="GMR601", name="nova-neutron-host-mismatch", severity=Severity.ERROR,
    reads=("DEFAULT.host", "DEFAULT.my_ip", "OVS.local_ip"),
    services=("nova", "neutron"), fleet=True,
    message="[DEFAULT] host = {value} here, but the neutron agent on the same node says "
            "host = {agent_host} ({agent}): port bindings fail",
    what="nova-compute and the neutron agent of one node use different host names.",
    why="nova asks neutron to bind ports to its own `host`; the agent only wires ports bound "
        "to its own `host`, so instances on this node get no network.",
    fix="Give both services the same host (or leave both unset).",
    examples=(
        fleet_fails(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                    ("neutron 2026.2", _OVS_AGENT + "[DEFAULT]\nhost = compute1.example.org\n"
                                                    "[OVS]\nlocal_ip = 10.0.0.1"),
                    message="[DEFAULT] host = compute1 here, but the neutron agent on the same "
                            "node says host = compute1.example.org (GMR601/1/report.txt): port "
                            "bindings fail"),
        fleet_passes(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                     ("neutron 2026.2", _OVS_AGENT + "[DEFAULT]\nhost = compute1\n"
                                                     "[OVS]\nlocal_ip = 10.0.0.1")),
        # The agent of another node: nothing ties the two reports to one machine.
        fleet_passes(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                     ("neutron 2026.2", _OVS_AGENT + "[DEFAULT]\nhost = network1\n"
                                                     "[OVS]\nlocal_ip = 10.0.0.2")),
    ),
    source="nova/conf/netconf.py help of [DEFAULT] host (\"if you use a neutron agent, it "
           "should have the same value for host\"); risu BZ 1474092; RULES.md NOVA-020, "
           "GMR-XSVC-001",
)
def nova_neutron_host_mismatch(reports: list[Report]) -> Iterator[Hit]:
    computes, agents = _computes(reports), _agents(reports)
    folders = Counter(str(Path(r.source.path or "").parent) for r in computes)
    crowded = {folder for folder, count in folders.items() if count > 1}
    for compute in computes:
        nova_host = compute.option("DEFAULT", "host")
        for agent in agents:
            agent_host = _text(agent, "DEFAULT", "host")
            if nova_host is None or agent_host is None or not _same_node(compute, agent, crowded):
                continue
            if nova_host.value != agent_host:
                yield hit("DEFAULT", nova_host, report=compute, agent_host=agent_host,
                          agent=_named(agent))


@rule(
    code="GMR602", name="agent-down-time-below-agents-interval", severity=Severity.ERROR,
    reads=("AGENT.report_interval", "DEFAULT.agent_down_time"),
    services=("neutron",), fleet=True,
    message="[DEFAULT] agent_down_time = {value} is below twice the report_interval "
            "{interval} of {agent}: agents flap between alive and dead",
    what="neutron-server declares agents dead before two of their reports arrive.",
    why="The agents report every [AGENT] report_interval seconds; below twice that, a single "
        "late report makes the server reschedule routers and networks away from a healthy "
        "agent.",
    fix="Raise agent_down_time on the server, or lower report_interval on the agents.",
    examples=(
        fleet_fails(("neutron 2026.2", _SERVER + "[DEFAULT]\nagent_down_time = 45"),
                    ("neutron 2026.2", _OVS_AGENT + "[AGENT]\nreport_interval = 30"),
                    message="[DEFAULT] agent_down_time = 45 is below twice the report_interval "
                            "30.0 of GMR602/1/report.txt: agents flap between alive and dead"),
        fleet_passes(("neutron 2026.2", _SERVER + "[DEFAULT]\nagent_down_time = 75"),
                     ("neutron 2026.2", _OVS_AGENT + "[AGENT]\nreport_interval = 30")),
    ),
    source="neutron/conf/agent/database/agents_db.py help of agent_down_time (\"at least "
           "twice report_interval\"), neutron/conf/agent/common.py AGENT_STATE_OPTS "
           "(registered in [AGENT] by register_agent_state_opts_helper); RULES.md NEUTRON-004",
)
def agent_down_time_below_agents(reports: list[Report]) -> Iterator[Hit]:
    agents = [(a, a.option("AGENT", "report_interval")) for a in _agents(reports)]
    agents = [(a, o) for a, o in agents if o is not None and o.as_float() is not None]
    if not agents:
        return
    agent, interval = max(agents, key=lambda pair: pair[1].as_float())
    for server in reports:
        if server.program != "neutron-server":
            continue
        down = server.option("DEFAULT", "agent_down_time")
        if down is not None and down.as_float() is not None and \
                down.as_float() < 2 * interval.as_float():
            yield hit("DEFAULT", down, report=server, interval=interval.value,
                      agent=_named(agent))


def _outliers(reports: list[Report], group: str, names: tuple[str, ...]):
    """(report, option, majority) for reports whose options differ from most reports':
    the option is the first of `names` that differs."""
    values = {id(r): tuple(_text(r, group, n) for n in names) for r in reports}
    counts = Counter(values.values())
    if len(counts) < 2:
        return
    (majority, top), (_, second) = counts.most_common(2)
    if top == second:
        return  # no majority: the rule cannot tell which side is wrong
    for report in reports:
        mine = values[id(report)]
        differing = [report.option(group, n) for n, value, usual in zip(names, mine, majority)
                     if value != usual]
        option = next((o for o in differing if o is not None), None)
        if option is not None:
            yield report, option, majority


def _computes_with(config: str, count: int = 2) -> tuple[tuple[str, str], ...]:
    return tuple(("nova 2026.2", _COMPUTE + config) for _ in range(count))


@rule(
    code="GMR603", name="instances-path-differs", severity=Severity.ERROR,
    reads=("DEFAULT.instances_path",),
    services=("nova",), fleet=True,
    message="[DEFAULT] instances_path = {value}, while most computes use {majority}: live "
            "migration between them fails",
    what="A compute keeps instances in another directory than the rest of the computes.",
    why="Live migration requires the same instances_path on every compute.",
    fix="Use one instances_path across all computes.",
    examples=(
        fleet_fails(*_computes_with("[DEFAULT]\ninstances_path = /var/lib/nova/instances"),
                    ("nova 2026.2", _COMPUTE + "[DEFAULT]\ninstances_path = /srv/instances"),
                    message="[DEFAULT] instances_path = /srv/instances, while most computes "
                            "use /var/lib/nova/instances: live migration between them fails"),
        fleet_passes(*_computes_with("[DEFAULT]\ninstances_path = /var/lib/nova/instances", 3)),
        # One against one: no majority tells which is wrong.
        fleet_passes(*_computes_with("[DEFAULT]\ninstances_path = /var/lib/nova/instances", 1),
                     ("nova 2026.2", _COMPUTE + "[DEFAULT]\ninstances_path = /srv/instances")),
    ),
    source="nova doc/source/admin/configuring-migrations.rst (\"instances_path must have the "
           "same value for all compute hosts\"); RULES.md NOVA-029",
)
def instances_path_differs(reports: list[Report]) -> Iterator[Hit]:
    for report, option, majority in _outliers(_computes(reports), "DEFAULT",
                                              ("instances_path",)):
        yield hit("DEFAULT", option, report=report, majority=majority[0])


@rule(
    code="GMR604", name="cpu-model-differs", severity=Severity.WARNING,
    reads=("libvirt.cpu_mode", "libvirt.cpu_models"),
    services=("nova",), fleet=True,
    message="[libvirt] {option} = {value} differs from most computes ({majority}): instances "
            "may not live-migrate between them",
    what="A compute exposes another CPU model to guests than the other computes.",
    why="A guest can only move to a host that offers the CPU model it booted with; with "
        "differing cpu_mode or cpu_models, live migration fails in one direction.",
    fix="Use one cpu_mode and cpu_models across each migration domain.",
    examples=(
        fleet_fails(*_computes_with("[libvirt]\ncpu_mode = custom\ncpu_models = Skylake-Server"),
                    ("nova 2026.2", _COMPUTE + "[libvirt]\ncpu_mode = host-passthrough"),
                    message="[libvirt] cpu_mode = host-passthrough differs from most computes "
                            "(custom, Skylake-Server): instances may not live-migrate between "
                            "them"),
        # The same mode, another model: the finding names the model, not the mode.
        fleet_fails(*_computes_with("[libvirt]\ncpu_mode = custom\ncpu_models = Skylake-Server"),
                    ("nova 2026.2", _COMPUTE + "[libvirt]\ncpu_mode = custom\n"
                                               "cpu_models = Haswell"),
                    message="[libvirt] cpu_models = Haswell differs from most computes "
                            "(custom, Skylake-Server): instances may not live-migrate between "
                            "them"),
        fleet_passes(*_computes_with("[libvirt]\ncpu_mode = custom\ncpu_models = Skylake-Server",
                                     3)),
    ),
    source="nova doc/source/admin/cpu-models.rst; RULES.md NOVA-030",
)
def cpu_model_differs(reports: list[Report]) -> Iterator[Hit]:
    for report, option, majority in _outliers(_computes(reports), "libvirt",
                                              ("cpu_mode", "cpu_models")):
        yield hit("libvirt", option, report=report,
                  majority=", ".join(v for v in majority if v) or "unset")


def _others(reports: list[Report]) -> str:
    named = [_named(r) for r in reports]
    if len(named) > 3:
        return f"{', '.join(named[:3])} and {len(named) - 3} more"
    return ", ".join(named)


@rule(
    code="GMR605", name="cloned-node-identity", severity=Severity.ERROR,
    reads=("DEFAULT.host", "DEFAULT.my_ip"),
    fleet=True,
    message="[DEFAULT] {option} = {value} is shared by {count} nodes with different {differs} "
            "(also {others}): a configuration was cloned",
    what="Several nodes of the same program share a host name or an address.",
    why="host names the RPC queue and port bindings and my_ip the node's own address; nodes "
        "sharing one steal each other's messages, consoles and ports.",
    fix="Give each node its own host and my_ip (or leave them unset).",
    examples=(
        fleet_fails(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                    ("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.9"),
                    ("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.7"),
                    message="[DEFAULT] host = compute1 is shared by 3 nodes with different "
                            "my_ip (also GMR605/1/report.txt, GMR605/2/report.txt): a "
                            "configuration was cloned"),
        fleet_fails(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                    ("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute2\nmy_ip = 10.0.0.1"),
                    message="[DEFAULT] my_ip = 10.0.0.1 is shared by 2 nodes with different "
                            "host (also GMR605/1/report.txt): a configuration was cloned"),
        # One node reported twice: host and my_ip both agree.
        fleet_passes(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                     ("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1")),
        # A compute and the agent beside it share the host by design.
        fleet_passes(("nova 2026.2", _COMPUTE + "[DEFAULT]\nhost = compute1\nmy_ip = 10.0.0.1"),
                     ("neutron 2026.2", _OVS_AGENT + "[DEFAULT]\nhost = compute1\n"
                                                     "my_ip = 10.0.0.2")),
    ),
    source="RULES.md section 3, item 2 (values that must differ per node); nova/conf/netconf.py",
)
def cloned_node_identity(reports: list[Report]) -> Iterator[Hit]:
    by_program: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        if report.program:
            by_program[report.program].append(report)
    for members in by_program.values():
        for name, differs in (("host", "my_ip"), ("my_ip", "host")):
            # value -> {the other identity value: the first report of that node}
            nodes: dict[str, dict[str, Report]] = defaultdict(dict)
            for report in members:
                value, other = _text(report, "DEFAULT", name), _text(report, "DEFAULT", differs)
                if value and other:
                    nodes[value].setdefault(other, report)  # a node reported twice counts once
            for sharing in nodes.values():
                first, *others = sharing.values()
                if others:
                    yield hit("DEFAULT", first.option("DEFAULT", name), report=first,
                              count=len(sharing), differs=differs, others=_others(others))


@rule(
    code="GMR606", name="service-down-time-below-computes-interval", severity=Severity.ERROR,
    reads=("DEFAULT.service_down_time", "DEFAULT.report_interval"),
    services=("nova",), fleet=True,
    message="[DEFAULT] service_down_time = {value} is below twice the report_interval "
            "{interval} of {compute}: computes are taken for dead after one late report",
    what="nova's API, scheduler or conductor declares computes down before two of their "
         "reports can arrive.",
    why="A compute writes its heartbeat every report_interval of its own; the API, scheduler "
        "and conductor call it down once the heartbeat is older than their own "
        "service_down_time. Below twice the interval, one late report (through a busy "
        "conductor or database) makes the scheduler skip the compute, and a delete meanwhile "
        "only removes the database record, leaving the guest running until the compute reaps "
        "it. nova only corrects service_down_time against the report_interval of the same "
        "process, never against the computes'.",
    fix="Raise service_down_time on the controllers to at least twice the computes' "
        "report_interval (defaults 60 and 10), or lower report_interval on the computes.",
    examples=(
        fleet_fails(("nova 2026.2", _SCHEDULER + "[DEFAULT]\nreport_interval = 10\n"
                                                 "service_down_time = 60"),
                    ("nova 2026.2", _COMPUTE + "[DEFAULT]\nreport_interval = 40"),
                    message="[DEFAULT] service_down_time = 60 is below twice the "
                            "report_interval 40 of GMR606/1/report.txt: computes are taken for "
                            "dead after one late report"),
        # Not above its own report_interval: nova replaces it with 2.5 times that.
        fleet_fails(("nova 2026.2", _SCHEDULER + "[DEFAULT]\nreport_interval = 10\n"
                                                 "service_down_time = 10"),
                    ("nova 2026.2", _COMPUTE + "[DEFAULT]\nreport_interval = 20"),
                    message="[DEFAULT] service_down_time = 10 (nova raises it to 25) is below "
                            "twice the report_interval 20 of GMR606/1/report.txt: computes are "
                            "taken for dead after one late report"),
        fleet_passes(("nova 2026.2", _SCHEDULER + "[DEFAULT]\nreport_interval = 10\n"
                                                  "service_down_time = 60"),
                     ("nova 2026.2", _COMPUTE + "[DEFAULT]\nreport_interval = 30")),
        fleet_passes(("nova 2026.2", _SCHEDULER + "[DEFAULT]\nreport_interval = 30\n"
                                                  "service_down_time = 10"),
                     ("nova 2026.2", _COMPUTE + "[DEFAULT]\nreport_interval = 30")),
    ),
    source="nova/servicegroup/api.py API.__init__ (service_down_time <= report_interval of "
           "the same process is overridden with int(2.5 * report_interval)); "
           "nova/servicegroup/drivers/db.py DbDriver.join (heartbeat every report_interval) "
           "and is_up (elapsed <= service_down_time); nova/scheduler/filters/compute_filter.py; "
           "nova/compute/api.py (local delete when the compute is down); RULES.md NOVA-021",
)
def service_down_time_below_computes(reports: list[Report]) -> Iterator[Hit]:
    computes = [(r, _seconds(r, "DEFAULT", "report_interval")) for r in _computes(reports)]
    computes = [(r, s) for r, s in computes if s]  # 0 or unset: the compute never reports
    if not computes:
        return
    compute, interval = max(computes, key=lambda pair: pair[1])
    for controller in reports:
        if controller.program not in _NOVA_CONTROLLERS:
            continue
        down = controller.option("DEFAULT", "service_down_time")
        own = _seconds(controller, "DEFAULT", "report_interval")
        if down is None or down.masked or down.as_float() is None or own is None:
            continue
        value = down.text
        effective = down.as_float()
        if effective <= own:  # what nova's servicegroup API does in this process
            effective = int(own * 2.5)
            value = f"{down.text} (nova raises it to {effective})"
        if effective < 2 * interval:
            yield hit("DEFAULT", down, report=controller, value=value,
                      interval=compute.option("DEFAULT", "report_interval").text,
                      compute=_named(compute))


RULES = (
    nova_neutron_host_mismatch,
    agent_down_time_below_agents,
    instances_path_differs,
    cpu_model_differs,
    cloned_node_identity,
    service_down_time_below_computes,
)
