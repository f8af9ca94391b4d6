"""The built-in rules, one module per family, each listing its rules in `RULES`.

GMR0xx: about the report itself and secrets; GMR1xx: shared oslo libraries and auth;
GMR2xx: nova; GMR3xx: neutron; GMR4xx: cinder and glance; GMR5xx: keystone;
GMR6xx: rules that compare several reports (threads.py: several reports of one
process, from `gmr stacks`' analysis); GMR7xx: what upstream registers for the
report's release (the knowledge base).
GMR9xx is left for custom rules (gmr.lint.custom).
"""

from gmr.lint.api import Rule
from gmr.lint.rules import (common, fleet, intrinsic, keystone, neutron, nova, storage,
                            threads, upstream)

#: Every built-in rule, in code order.
BUILTIN: tuple[Rule, ...] = tuple(sorted(
    (*intrinsic.RULES, *common.RULES, *nova.RULES, *neutron.RULES, *storage.RULES,
     *keystone.RULES, *fleet.RULES, *threads.RULES, *upstream.RULES),
    key=lambda rule: rule.code,
))

#: Codes no longer used, and why: a code is never given to another rule.
RETIRED: dict[str, str] = {
    "GMR211": "[vnc] server_listen equal to my_ip does not break consoles after a live "
              "migration: since Ocata the destination sends its own server_listen and the "
              "source rewrites the guest XML (nova/virt/libvirt/migration.py "
              "_update_graphics_xml), and the advice to listen on 0.0.0.0 widened exposure",
    "GMR212": "nova rewrites service_down_time to 2.5 x report_interval in-process when it "
              "is not above it (nova/servicegroup/api.py), so one report cannot show the "
              "problem; GMR606 compares the values across the fleet",
    "GMR215": "live_migration_tunnelled = True is deprecated for removal in every release "
              "the rule covered, so GMR701 reports it already (one finding per problem)",
    "GMR503": "admin_token is secret in every keystone release that has it, so the report "
              "masks it and the rule could never decide",
}

__all__ = ["BUILTIN", "RETIRED"]
