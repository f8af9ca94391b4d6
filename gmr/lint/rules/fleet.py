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

from gmr.lint.api import Hit, Severity, hit, rule
from gmr.models import Report


def _text(report: Report, group: str, name: str) -> str | None:
    option = report.option(group, name)
    return None if option is None or option.masked or option.value in ("", "None") else \
        option.value


def _addresses(report: Report) -> set[str]:
    found = {_text(report, "DEFAULT", "my_ip"), _text(report, "ovs", "local_ip"),
             _text(report, "OVS", "local_ip")}
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


@rule(
    code="GMR601", name="nova-neutron-host-mismatch", severity=Severity.ERROR,
    reads=("DEFAULT.host", "DEFAULT.my_ip", "ovs.local_ip", "OVS.local_ip"),
    services=("nova", "neutron"), fleet=True,
    message="[DEFAULT] host = {value} here, but the neutron agent on the same node says "
            "host = {agent_host} ({agent}): port bindings fail",
    what="nova-compute and the neutron agent of one node use different host names.",
    why="nova asks neutron to bind ports to its own `host`; the agent only wires ports bound "
        "to its own `host`, so instances on this node get no network.",
    fix="Give both services the same host (or leave both unset).",
    source="nova/conf/netconf.py host help (\"should have the same value\"); risu "
           "BZ 1474092; RULES.md NOVA-020, GMR-XSVC-001",
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
                          agent=agent.source.path or agent.program)


@rule(
    code="GMR602", name="agent-down-time-below-agents-interval", severity=Severity.ERROR,
    reads=("agent.report_interval", "DEFAULT.agent_down_time"),
    services=("neutron",), fleet=True,
    message="[DEFAULT] agent_down_time = {value} is below twice the report_interval "
            "{interval} of {agent}: agents flap between alive and dead",
    what="neutron-server declares agents dead before two of their reports arrive.",
    why="The agents report every report_interval seconds; below twice that, a single late "
        "report makes the server reschedule routers and networks away from a healthy agent.",
    fix="Raise agent_down_time on the server, or lower report_interval on the agents.",
    source="neutron/conf/agent/database/agents_db.py and neutron/conf/agent/common.py help; "
           "RULES.md NEUTRON-004",
)
def agent_down_time_below_agents(reports: list[Report]) -> Iterator[Hit]:
    agents = [(a, a.option("agent", "report_interval")) for a in _agents(reports)]
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
                      agent=agent.source.path or "an agent")


def _outliers(reports: list[Report], group: str, names: tuple[str, ...]):
    """(report, option, majority) for reports whose options differ from most reports'."""
    values = {id(r): tuple(_text(r, group, n) for n in names) for r in reports}
    counts = Counter(values.values())
    if len(counts) < 2:
        return
    (majority, top), (_, second) = counts.most_common(2)
    if top == second:
        return  # no majority: the rule cannot tell which side is wrong
    for report in reports:
        if values[id(report)] != majority:
            option = next(report.option(group, n) for n in names
                          if report.option(group, n) is not None)
            yield report, option, majority


@rule(
    code="GMR603", name="instances-path-differs", severity=Severity.ERROR,
    reads=("DEFAULT.instances_path",),
    services=("nova",), fleet=True,
    message="[DEFAULT] instances_path = {value}, while most computes use {majority}: live "
            "migration between them fails",
    what="A compute keeps instances in another directory than the rest of the computes.",
    why="Live migration requires the same instances_path on every compute.",
    fix="Use one instances_path across all computes.",
    source="nova doc/source/admin/configuring-migrations.rst; RULES.md NOVA-029",
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
    source="nova doc/source/admin/cpu-models.rst; RULES.md NOVA-030",
)
def cpu_model_differs(reports: list[Report]) -> Iterator[Hit]:
    for report, option, majority in _outliers(_computes(reports), "libvirt",
                                              ("cpu_mode", "cpu_models")):
        yield hit("libvirt", option, report=report,
                  majority=", ".join(v for v in majority if v) or "unset")


@rule(
    code="GMR605", name="cloned-node-identity", severity=Severity.ERROR,
    reads=("DEFAULT.host", "DEFAULT.my_ip"),
    fleet=True,
    message="[DEFAULT] {option} = {value} is also the {option} of {other}, whose {differs} "
            "differs: a configuration was cloned",
    what="Two nodes of the same program share a host name or an address.",
    why="host names the RPC queue and port bindings and my_ip the node's own address; two "
        "nodes sharing one steal each other's messages, consoles and ports.",
    fix="Give each node its own host and my_ip (or leave them unset).",
    source="RULES.md section 3, item 2 (values that must differ per node); nova/conf/netconf.py",
)
def cloned_node_identity(reports: list[Report]) -> Iterator[Hit]:
    by_program: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        if report.program:
            by_program[report.program].append(report)
    for members in by_program.values():
        for n, first in enumerate(members):
            for second in members[n + 1:]:
                host = (_text(first, "DEFAULT", "host"), _text(second, "DEFAULT", "host"))
                address = (_text(first, "DEFAULT", "my_ip"), _text(second, "DEFAULT", "my_ip"))
                for name, same, other, differs in (("host", host, address, "my_ip"),
                                                   ("my_ip", address, host, "host")):
                    if same[0] and same[0] == same[1] and other[0] and other[1] and \
                            other[0] != other[1]:
                        yield hit("DEFAULT", second.option("DEFAULT", name), report=second,
                                  other=first.source.path or "another report", differs=differs)


RULES = (
    nova_neutron_host_mismatch,
    agent_down_time_below_agents,
    instances_path_differs,
    cpu_model_differs,
    cloned_node_identity,
)
