"""The built-in rules, one module per family; importing them registers them.

GMR0xx: about the report itself and secrets; GMR1xx: shared oslo libraries and auth;
GMR2xx: nova; GMR3xx: neutron; GMR4xx: cinder and glance; GMR5xx: keystone;
GMR6xx: rules that compare several reports.
GMR9xx is left for custom rules (gmr.lint.custom).
"""

from gmr.lint.rules import common, fleet, intrinsic, keystone, neutron, nova, storage

__all__ = ["common", "fleet", "intrinsic", "keystone", "neutron", "nova", "storage"]
