"""GMR3xx: neutron (RULES.md section 2.2)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule
from gmr.lint.conditions import option_rule

#: ML2 extension drivers that are neutron's DNS integration (all subclass
#: dns_integration.DNSExtensionDriver).
_DNS_DRIVERS = {"dns", "dns_domain_ports", "subnet_dns_publish_fixed_ip", "dns_domain_keywords"}
#: [SECURITYGROUP] firewall_driver values that load neutron.agent.firewall.NoopFirewallDriver;
#: the agent loads it when the option is unset too (securitygroups_rpc.init_firewall).
_NOOP_FIREWALLS = {"", "None", "noop", "neutron.agent.firewall.NoopFirewallDriver"}


def _project_types(context):
    """[ml2] project_network_types, called tenant_network_types before 2026.1."""
    for name in ("project_network_types", "tenant_network_types"):
        option = context.option("ml2", name)
        if option is not None:
            return option
    return None


def _uses_ovn(context) -> bool:
    drivers = context.option("ml2", "mechanism_drivers")
    return drivers is not None and "ovn" in (drivers.as_list() or ())


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
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\nproject_network_types = "
                                "local",
              "[ml2] project_network_types has `local`: project networks do not reach beyond "
              "one host"),
        fails("neutron 2025.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntenant_network_types = "
                                "local",
              "[ml2] tenant_network_types has `local`: project networks do not reach beyond "
              "one host"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\nproject_network_types = "
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
    message="[ml2] {option} = {value}: type_drivers = {drivers} loads no driver for "
            "{missing}, so neutron-server exits at start",
    what="A project network type has no type driver.",
    why="When the ML2 plugin loads, its type manager checks every project network type "
        "against the loaded type drivers and stops the server (\"No type driver for project "
        "network_type: ... Service terminated!\").",
    fix="Add the type to type_drivers, or remove it from the project types.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntype_drivers = "
                                "flat,vlan\nproject_network_types = vxlan",
              "[ml2] project_network_types = vxlan: type_drivers = flat,vlan loads no driver "
              "for vxlan, so neutron-server exits at start"),
        fails("neutron 2025.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntype_drivers = "
                                "flat\ntenant_network_types = vxlan,vlan",
              "[ml2] tenant_network_types = vlan,vxlan: type_drivers = flat loads no driver "
              "for vlan, vxlan, so neutron-server exits at start"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\n[ml2]\ntype_drivers = "
                                 "flat,vxlan\nproject_network_types = vxlan"),
    ),
    source="neutron/plugins/ml2/managers.py TypeManager._check_project_network_types; "
           "kolla-ansible neutron precheck",
)
def project_network_type_not_loaded(report, context) -> Iterator[Hit]:
    types = _project_types(context)
    drivers = context.option("ml2", "type_drivers")
    if types is None or drivers is None:
        return
    missing = [t for t in types.as_list() or () if t not in (drivers.as_list() or ())]
    if missing:
        yield hit("ml2", types, missing=", ".join(missing), drivers=drivers.text)


@rule(
    code="GMR304", name="single-dhcp-agent", severity=Severity.INFO,
    reads=("DEFAULT.dhcp_agents_per_network", "DEFAULT.allow_automatic_dhcp_failover",
           "DEFAULT.network_auto_schedule", "ml2.mechanism_drivers"),
    services=("neutron",),
    message="[DEFAULT] dhcp_agents_per_network = {value} with {failover} = False: a network "
            "whose DHCP agent dies gives no leases until moved by hand",
    what="Each network has one DHCP agent and neutron does not move networks off a dead one.",
    why="With automatic failover (the default) the server reschedules the networks of a DHCP "
        "agent that stopped reporting; without it, or without auto scheduling, they stay "
        "without DHCP until an operator moves them. With OVN, DHCP is native and no DHCP "
        "agent is involved.",
    fix="Keep allow_automatic_dhcp_failover and network_auto_schedule on, or use 2 or more "
        "agents per network.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 1\n"
                                "allow_automatic_dhcp_failover = False\nnetwork_auto_schedule "
                                "= True\n[ml2]\nmechanism_drivers = openvswitch",
              "[DEFAULT] dhcp_agents_per_network = 1 with allow_automatic_dhcp_failover = "
              "False: a network whose DHCP agent dies gives no leases until moved by hand"),
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 1\n"
                                "allow_automatic_dhcp_failover = True\nnetwork_auto_schedule "
                                "= False\n[ml2]\nmechanism_drivers = openvswitch",
              "[DEFAULT] dhcp_agents_per_network = 1 with network_auto_schedule = False: a "
              "network whose DHCP agent dies gives no leases until moved by hand"),
        # The upstream defaults: failover moves the networks of a dead agent.
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 1\n"
                                 "allow_automatic_dhcp_failover = True\nnetwork_auto_schedule "
                                 "= True\n[ml2]\nmechanism_drivers = openvswitch"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 2\n"
                                 "allow_automatic_dhcp_failover = False\n[ml2]\n"
                                 "mechanism_drivers = openvswitch"),
        # OVN answers DHCP itself.
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndhcp_agents_per_network = 1\n"
                                 "allow_automatic_dhcp_failover = False\n[ml2]\n"
                                 "mechanism_drivers = ovn"),
    ),
    source="neutron/db/agentschedulers_db.py DhcpAgentSchedulerDbMixin "
           "(add_periodic_dhcp_agent_status_check, remove_networks_from_down_agents); "
           "neutron/conf/agent/database/agentschedulers_db.py help; risu "
           "dhcp_agents_per_network.sh (LP tripleo 1752826)",
)
def single_dhcp_agent(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "dhcp_agents_per_network")
    if option is None or option.as_int() != 1 or _uses_ovn(context):
        return
    for name in ("allow_automatic_dhcp_failover", "network_auto_schedule"):
        failover = context.option("DEFAULT", name)
        if failover is not None and failover.as_bool() is False:
            yield hit("DEFAULT", option, failover=name)
            return


@rule(
    code="GMR305", name="dns-domain-default", severity=Severity.INFO,
    reads=("ml2.extension_drivers", "DEFAULT.dns_domain"),
    services=("neutron",),
    message="[DEFAULT] dns_domain = {value} with the {driver} extension driver: neutron "
            "ignores the dns_name given to ports",
    what="DNS integration is loaded but dns_domain keeps its default, openstacklocal.",
    why="neutron only uses a port's dns_name when dns_domain is not the default: with "
        "openstacklocal, the names users give are dropped and ports are named host-<ip>, so "
        "the DNS integration does nothing. (neutron adds the final dot itself, so "
        "`example.org` and `example.org.` are the same.)",
    fix="Set dns_domain to the domain the cloud's internal names live in.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndns_domain = "
                                "openstacklocal\n[ml2]\nextension_drivers = port_security,dns",
              "[DEFAULT] dns_domain = openstacklocal with the dns extension driver: neutron "
              "ignores the dns_name given to ports"),
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndns_domain = "
                                "openstacklocal.\n[ml2]\nextension_drivers = dns_domain_ports",
              "[DEFAULT] dns_domain = openstacklocal. with the dns_domain_ports extension "
              "driver: neutron ignores the dns_name given to ports"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndns_domain = "
                                 "cloud.example.org\n[ml2]\nextension_drivers = dns"),
        # Without DNS integration the default is what neutron expects.
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\ndns_domain = "
                                 "openstacklocal\n[ml2]\nextension_drivers = port_security"),
    ),
    source="neutron/plugins/ml2/extensions/dns_integration.py DNSExtensionDriver "
           "(_get_dns_domain, _get_request_dns_name); neutron_lib/constants.py "
           "DNS_DOMAIN_DEFAULT; RULES.md NEUTRON-007",
)
def dns_domain_default(report, context) -> Iterator[Hit]:
    drivers = context.option("ml2", "extension_drivers")
    loaded = [d for d in (drivers.as_list() or ()) if d in _DNS_DRIVERS] if drivers else []
    if not loaded:
        return
    option = context.option("DEFAULT", "dns_domain")
    if option is not None and option.value.rstrip(".") == "openstacklocal":
        yield hit("DEFAULT", option, driver=loaded[0])


@rule(
    code="GMR306", name="rpc-workers-unset", severity=Severity.INFO, services=("neutron",),
    reads=("ml2.mechanism_drivers", "DEFAULT.rpc_workers"),
    message="[DEFAULT] rpc_workers = {value}: the number of RPC workers is left to a default "
            "that changed",
    what="neutron-server's RPC worker count is not set.",
    why="Unset, neutron-server derives the count from the host (half the API workers up to "
        "2023.2 at least, half the CPU threads capped by memory in 2026.2), so the workers "
        "serving agents change with the host and with upgrades; `neutron-status upgrade "
        "check` warns when it is unset and asks deployers to set it.",
    fix="Set it for the number of agents served.",
    examples=(
        fails("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\nrpc_workers = "
                                "None\n[ml2]\nmechanism_drivers = ovn",
              "[DEFAULT] rpc_workers = None: the number of RPC workers is left to a default "
              "that changed"),
        passes("neutron 2026.2", "[DEFAULT]\ncore_plugin = ml2\nrpc_workers = "
                                 "8\n[ml2]\nmechanism_drivers = ovn"),
        # An agent prints no [ml2] and runs no RPC workers.
        passes("neutron 2026.2", "[DEFAULT]\nrpc_workers = None"),
    ),
    source="neutron/cmd/upgrade_checks/checks.py worker_count_check; neutron/service.py "
           "_get_rpc_workers; RULES.md NEUTRON-009",
)
def rpc_workers_unset(report, context) -> Iterator[Hit]:
    if context.option("ml2", "mechanism_drivers") is None:
        return  # agents have no RPC workers to set
    option = context.option("DEFAULT", "rpc_workers")
    if option is not None and option.is_none:
        yield hit("DEFAULT", option)


security_groups_disabled = option_rule(
    code="GMR307", name="security-groups-disabled", severity=Severity.WARNING,
    group="SECURITYGROUP", option="enable_security_group", when=("eq", False),
    services=("neutron",),
    message="[SECURITYGROUP] enable_security_group = {value}: ports are not filtered by "
            "security groups",
    what="Security groups are turned off.",
    why="neutron-server then drops the security-group API extensions, the OVS agent skips its "
        "firewall and OVN writes no ACLs: every port is reachable on every protocol, and "
        "only anti-spoofing (port security) is left.",
    fix="Set it to True, unless instances are really meant to be unfiltered.",
    examples=(
        fails("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = False",
              "[SECURITYGROUP] enable_security_group = False: ports are not filtered by "
              "security groups"),
        passes("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = True"),
    ),
    source="neutron/agent/securitygroups_rpc.py (is_firewall_enabled, "
           "disable_security_group_extension_by_config, skip_if_noopfirewall_or_firewall_"
           "disabled); neutron/common/ovn/acl.py is_sg_enabled",
)


@rule(
    code="GMR308", name="ovs-agent-noop-firewall", severity=Severity.ERROR,
    reads=("SECURITYGROUP.enable_security_group", "SECURITYGROUP.firewall_driver"),
    services=("neutron",),
    message="[SECURITYGROUP] firewall_driver = {value} on neutron-openvswitch-agent: security "
            "group rules are accepted but not enforced on this node",
    what="The Open vSwitch agent loads the no-op firewall while security groups are on.",
    why="The agent loads NoopFirewallDriver for `noop` and when the option is unset: the API "
        "still accepts security groups and rules, but the ports this agent wires are not "
        "filtered, so instances are open while users believe them protected.",
    fix="Set `openvswitch` (or `iptables_hybrid`), or turn security groups off explicitly.",
    examples=(
        fails("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = True\nfirewall_driver"
                                " = noop\n[oslo_messaging_rabbit]\nprocessname = "
                                "neutron-openvswitch-agent",
              "[SECURITYGROUP] firewall_driver = noop on neutron-openvswitch-agent: security "
              "group rules are accepted but not enforced on this node"),
        fails("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = True\nfirewall_driver"
                                " = None\n[oslo_messaging_rabbit]\nprocessname = "
                                "neutron-openvswitch-agent",
              "[SECURITYGROUP] firewall_driver = None on neutron-openvswitch-agent: security "
              "group rules are accepted but not enforced on this node"),
        passes("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = True\nfirewall_driver"
                                 " = openvswitch\n[oslo_messaging_rabbit]\nprocessname = "
                                 "neutron-openvswitch-agent"),
        # neutron-server does not load a firewall (OVN ignores the option).
        passes("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = True\nfirewall_driver"
                                 " = None\n[oslo_messaging_rabbit]\nprocessname = "
                                 "neutron-server"),
        # Security groups off: GMR307 says so.
        passes("neutron 2026.2", "[SECURITYGROUP]\nenable_security_group = False\n"
                                 "firewall_driver = noop\n[oslo_messaging_rabbit]\nprocessname "
                                 "= neutron-openvswitch-agent"),
    ),
    source="neutron/agent/securitygroups_rpc.py SecurityGroupAgentRpc.init_firewall "
           "(`firewall_driver or 'noop'`); neutron entry points neutron.agent.firewall_drivers; "
           "neutron/plugins/ml2/drivers/ovn/mech_driver/mech_driver.py (ignored with OVN)",
)
def ovs_agent_noop_firewall(report, context) -> Iterator[Hit]:
    if report.program != "neutron-openvswitch-agent":
        return
    enabled = context.option("SECURITYGROUP", "enable_security_group")
    if enabled is None or enabled.as_bool() is not True:
        return
    option = context.option("SECURITYGROUP", "firewall_driver")
    if option is not None and option.value.strip() in _NOOP_FIREWALLS:
        yield hit("SECURITYGROUP", option)


RULES = (
    agent_down_time_too_short,
    local_network_type,
    project_network_type_not_loaded,
    single_dhcp_agent,
    dns_domain_default,
    rpc_workers_unset,
    security_groups_disabled,
    ovs_agent_noop_firewall,
)
