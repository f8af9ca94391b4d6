"""Which OpenStack service, and which of its programs, printed a report.

nova fills in the Package section (`product = OpenStack Nova`), but neutron, cinder and
glance pass a bare version string, so their reports print `None` for all three fields.
Then the service shows in what the daemon loaded: the files in `[DEFAULT] config-file`
(`/etc/neutron/neutron.conf`), options and groups only one service registers, and the
package directories in its stack frames.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gmr.models import Report

#: Services whose code or configuration gmr can recognise.
SERVICES = (
    "nova", "neutron", "cinder", "glance", "ironic", "heat", "manila", "octavia",
    "designate", "watcher", "magnum", "zaqar", "barbican", "placement", "keystone",
)

#: (group, option or None) pairs only one service registers; None means "the group".
_SIGNATURES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "nova": (("default", "compute_driver"), ("api_database", None), ("libvirt", None),
             ("vnc", None), ("scheduler", "discover_hosts_in_cells_interval")),
    "neutron": (("default", "core_plugin"), ("ml2", None), ("ovs", None), ("agent", "root_helper")),
    "cinder": (("default", "volume_driver"), ("default", "enabled_backends"),
               ("default", "scheduler_driver"), ("backend_defaults", None)),
    "glance": (("glance_store", None), ("image_format", None), ("default", "show_image_direct_url")),
    "ironic": (("default", "enabled_hardware_types"), ("pxe", None), ("ipmi", None)),
    "heat": (("default", "heat_metadata_server_url"), ("clients_heat", None)),
    "manila": (("default", "enabled_share_backends"),),
    "octavia": (("controller_worker", None), ("haproxy_amphora", None)),
    "placement": (("placement_database", None),),
}

_PROGRAMS = tuple(f"{service}-" for service in SERVICES)
_CONFIG_PATH = re.compile(r"/etc/([a-z]+)/")
_FRAME_PATH = re.compile(r"/(" + "|".join(SERVICES) + r")/")


def detect_service(report: Report) -> str | None:
    """The service name (`nova`, `neutron`, ...), or None when nothing tells."""
    package = report.package
    if package is not None and package.product:
        words = package.product.split()
        return words[-1].lower() if words else None
    return _from_config_files(report) or _from_options(report) or _from_frames(report)


def _from_config_files(report: Report) -> str | None:
    for name in ("config-file", "config_file", "config-dir", "config_dir"):
        option = report.option("default", name)
        items = option.as_list() if option is not None else None
        for item in items or ():
            match = _CONFIG_PATH.search(item)
            if match and match.group(1) in SERVICES:
                return match.group(1)
    return None


def _from_options(report: Report) -> str | None:
    configuration = report.configuration
    if configuration is None:
        return None
    for service, signatures in _SIGNATURES.items():
        for group, option in signatures:
            found = configuration.groups.get(group)
            if found is not None and (option is None or option in found.options):
                return service
    return None


def _from_frames(report: Report) -> str | None:
    for thread in (*(report.threads or ()), *(report.green_threads or ())):
        for frame in thread.frames:
            match = _FRAME_PATH.search(frame.file)
            if match:
                return match.group(1)
    return None


def detect_program(report: Report) -> str | None:
    """The program that printed the report (`nova-compute`, `neutron-server`), from
    `[oslo_messaging_rabbit] processname` or the script at the bottom of a stack."""
    option = report.option("oslo_messaging_rabbit", "processname")
    if option is not None and option.value not in ("", "None", "***"):
        return option.value
    for thread in (*(report.threads or ()), *(report.green_threads or ())):
        for frame in thread.frames:
            name = frame.file.rsplit("/", 1)[-1]
            if name.startswith(_PROGRAMS):
                return name
    return None
