"""GMR3xx: neutron (RULES.md section 2.2)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule


def _project_types(context):
    """[ml2] project_network_types, called tenant_network_types before 2023.2."""
    for name in ("project_network_types", "tenant_network_types"):
        option = context.option("ml2", name)
        if option is not None:
            return option
    return None


@rule(
    code="GMR301", name="agent-down-time-too-short", severity=Severity.ERROR,
    reads=("DEFAULT.agent_down_time", "agent.report_interval"),
    services=("neutron",),
    message="[DEFAULT] agent_down_time = {value} is below twice [agent] report_interval = "
            "{interval}: agents flap between alive and dead",
    what="neutron-server declares agents dead before two of their reports can arrive.",
    why="One late report makes the server reschedule routers and DHCP away from a healthy "
        "agent; neutron's help asks for at least twice the interval.",
    fix="Raise agent_down_time to twice report_interval or more.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\nagent_down_time = "
                                "45\n[agent]\nreport_interval = 30.0",
              "[DEFAULT] agent_down_time = 45 is below twice [agent] report_interval = 30.0: "
              "agents flap between alive and dead"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\nagent_down_time = "
                                 "75\n[agent]\nreport_interval = 30.0"),
    ),
    source="neutron/conf/agent/database/agents_db.py and neutron/conf/agent/common.py help",
)
def agent_down_time_too_short(report, context) -> Iterator[Hit]:
    down = context.option("DEFAULT", "agent_down_time")
    interval = context.option("agent", "report_interval")
    if down is None or interval is None:
        return
    if down.as_float() is not None and interval.as_float() is not None and \
            down.as_float() < 2 * interval.as_float():
        yield hit("DEFAULT", down, interval=interval.value)


@rule(
    code="GMR302", name="local-network-type", severity=Severity.WARNING,
    reads=("ml2.project_network_types", "ml2.tenant_network_types"),
    services=("neutron",),
    message="[ml2] {option} has `local`: project networks do not reach beyond one host",
    what="Projects get `local` networks, which only exist on one host.",
    why="neutron's help says local networks provide no connectivity between hosts; they only "
        "suit single-node test clouds.",
    fix="Use vxlan, geneve or vlan.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntenant_network_types = "
                                "local",
              "[ml2] tenant_network_types has `local`: project networks do not reach beyond "
              "one host"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntenant_network_types = "
                                 "vxlan"),
    ),
    source="neutron/conf/plugins/ml2/config.py help",
)
def local_network_type(report, context) -> Iterator[Hit]:
    option = _project_types(context)
    if option is not None and "local" in (option.as_list() or ()):
        yield hit("ml2", option)


@rule(
    code="GMR303", name="project-network-type-not-loaded", severity=Severity.ERROR,
    reads=("ml2.project_network_types", "ml2.tenant_network_types", "ml2.type_drivers"),
    services=("neutron",),
    message="[ml2] {option} has {missing}, which type_drivers does not load",
    what="A project network type has no type driver.",
    why="Creating a project network fails when neutron picks that type.",
    fix="Add the type to type_drivers, or remove it from the project types.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntype_drivers = "
                                "flat,vlan\ntenant_network_types = vxlan",
              "[ml2] tenant_network_types has vxlan, which type_drivers does not load"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntype_drivers = "
                                 "flat,vxlan\ntenant_network_types = vxlan"),
    ),
    source="kolla-ansible neutron precheck; neutron ml2 type manager",
)
def project_network_type_not_loaded(report, context) -> Iterator[Hit]:
    types = _project_types(context)
    drivers = context.option("ml2", "type_drivers")
    if types is None or drivers is None:
        return
    missing = [t for t in types.as_list() or () if t not in (drivers.as_list() or ())]
    if missing:
        yield hit("ml2", types, missing=", ".join(missing))


@rule(
    code="GMR304", name="single-dhcp-agent", severity=Severity.INFO,
    reads=("DEFAULT.dhcp_agents_per_network",),
    services=("neutron",),
    message="[DEFAULT] dhcp_agents_per_network = {value}: each network has one DHCP agent",
    what="Every network is served by a single DHCP agent.",
    why="When that agent's node fails, instances on the network stop getting leases until "
        "the network is rescheduled.",
    fix="With several network nodes, use 2 or more.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 1",
              "[DEFAULT] dhcp_agents_per_network = 1: each network has one DHCP agent"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 2"),
    ),
    source="neutron option help; risu dhcp_agents_per_network.sh (LP tripleo 1752826)",
)
def single_dhcp_agent(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "dhcp_agents_per_network")
    if option is not None and option.as_int() == 1:
        yield hit("DEFAULT", option)


@rule(
    code="GMR305", name="dns-domain-not-absolute", severity=Severity.WARNING,
    reads=("ml2.extension_drivers", "DEFAULT.dns_domain"),
    services=("neutron",),
    message="[DEFAULT] dns_domain = {value} with DNS integration on: names are not absolute",
    what="With DNS integration, the DNS domain is empty or lacks its final dot.",
    why="neutron builds port and floating IP names from dns_domain; without the trailing dot "
        "the designate records are refused or resolve to the wrong zone.",
    fix="Give a fully qualified domain ending with a dot.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndns_domain = "
                                "cloud.example.org\n[ml2]\nextension_drivers = dns",
              "[DEFAULT] dns_domain = cloud.example.org with DNS integration on: names are "
              "not absolute"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndns_domain = "
                                 "cloud.example.org.\n[ml2]\nextension_drivers = dns"),
    ),
    source="kolla-ansible neutron precheck; neutron DNS integration guide",
)
def dns_domain_not_absolute(report, context) -> Iterator[Hit]:
    drivers = context.option("ml2", "extension_drivers")
    if drivers is None or not any(d.startswith("dns") for d in drivers.as_list() or ()):
        return
    option = context.option("DEFAULT", "dns_domain")
    if option is not None and not option.value.endswith("."):
        yield hit("DEFAULT", option)


@rule(
    code="GMR306", name="rpc-workers-unset", severity=Severity.INFO, services=("neutron",),
    reads=("ml2.mechanism_drivers", "DEFAULT.rpc_workers"),
    message="[DEFAULT] rpc_workers = {value}: the number of RPC workers is left to a default "
            "that changed",
    what="neutron-server's RPC worker count is not set.",
    why="The default changed between releases (half the API workers since 2023.1); "
        "`neutron-status upgrade check` warns when it is unset, because agents time out "
        "when too few workers serve them.",
    fix="Set it for the number of agents served.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\nrpc_workers = "
                                "None\n[ml2]\nmechanism_drivers = ovn",
              "[DEFAULT] rpc_workers = None: the number of RPC workers is left to a default "
              "that changed"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\nrpc_workers = "
                                 "8\n[ml2]\nmechanism_drivers = ovn"),
    ),
    source="neutron/cmd/upgrade_checks/checks.py; RULES.md NEUTRON-009",
)
def rpc_workers_unset(report, context) -> Iterator[Hit]:
    if context.option("ml2", "mechanism_drivers") is None:
        return  # agents have no RPC workers to set
    option = context.option("DEFAULT", "rpc_workers")
    if option is not None and option.is_none:
        yield hit("DEFAULT", option)


RULES = (
    agent_down_time_too_short,
    local_network_type,
    project_network_type_not_loaded,
    single_dhcp_agent,
    dns_domain_not_absolute,
    rpc_workers_unset,
)
