"""The built-in rules, one module per family; importing them registers them.

GMR0xx: about the report itself and secrets; GMR1xx: shared oslo libraries and auth;
GMR2xx: nova; GMR3xx: neutron; GMR4xx: cinder and glance; GMR5xx: keystone.
GMR9xx is left for custom rules (gmr.lint.custom).
"""

from gmr.lint.rules import common, intrinsic, keystone, neutron, nova, storage

__all__ = ["common", "intrinsic", "keystone", "neutron", "nova", "storage"]
