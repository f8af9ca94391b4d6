"""Which OpenStack service, which of its programs and which node printed a report.

nova fills in the Package section (`product = OpenStack Nova`), but neutron, cinder and
glance pass a bare version string, so their reports print `None` for all three fields.
Then the service shows in what the daemon loaded: the files in `[DEFAULT] config-file`
(`/etc/neutron/neutron.conf`), options and groups only one service registers, and the
package directories in its stack frames. The parser calls `identify` once per report and
stores the answers in it.
"""

from __future__ import annotations

import re
from typing import Iterable

from gmr.models import MASKS, Configuration, GreenThread, Package

#: Services whose code or configuration gmr can recognise.
SERVICES = (
    "nova", "neutron", "cinder", "glance", "ironic", "heat", "manila", "octavia",
    "designate", "watcher", "magnum", "zaqar", "barbican", "placement", "keystone",
)

#: (group, option or None) pairs only one service registers; None means "the group".
#: Tried in this order, the first that matches wins: services that share a group with
#: another come after the one whose signature is unique (glance also registers
#: `enabled_backends`, cinder's; ironic 2025.1 and later a `[vnc]` group, as nova does).
_SIGNATURES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "glance": (("glance_store", None), ("image_format", None), ("default", "show_image_direct_url")),
    "ironic": (("default", "enabled_hardware_types"), ("pxe", None), ("ipmi", None)),
    "keystone": (("fernet_tokens", None), ("identity_mapping", None)),
    "nova": (("default", "compute_driver"), ("api_database", None), ("libvirt", None),
             ("vnc", None), ("scheduler", "discover_hosts_in_cells_interval")),
    "neutron": (("default", "core_plugin"), ("ml2", None), ("ovs", None), ("agent", "root_helper")),
    "cinder": (("default", "volume_driver"), ("default", "enabled_backends"),
               ("default", "scheduler_driver"), ("backend_defaults", None)),
    "heat": (("default", "heat_metadata_server_url"), ("clients_heat", None)),
    "manila": (("default", "enabled_share_backends"),),
    "octavia": (("controller_worker", None), ("haproxy_amphora", None)),
    "placement": (("placement_database", None),),
}

_PROGRAMS = tuple(f"{service}-" for service in SERVICES)
_CONFIG_PATH = re.compile(r"/etc/([a-z]+)/")
_FRAME_PATH = re.compile(r"/(" + "|".join(SERVICES) + r")/")


def identify(package: Package | None, configuration: Configuration | None,
             files: Iterable[str], prefix_host: str | None) -> dict[str, str | None]:
    """The `service`, `program` and `node` fields of a report made of these sections;
    `files` are the source files of its stacks' frames (`frame_files`)."""
    files = tuple(files)
    return {
        "service": detect_service(package, configuration, files),
        "program": detect_program(configuration, files),
        "node": detect_node(configuration, prefix_host),
    }


def frame_files(stacks: Iterable[GreenThread]) -> tuple[str, ...]:
    """The source file of every frame of `stacks`, in order: all identifying a report
    asks of its stacks."""
    return tuple(frame.file for stack in stacks for frame in stack.frames)


def detect_service(package: Package | None, configuration: Configuration | None,
                   files: tuple[str, ...]) -> str | None:
    """The service name (`nova`, `neutron`, ...), or None when nothing tells."""
    if package is not None and package.product:
        words = package.product.split()
        return words[-1].lower() if words else None
    if configuration is not None:
        found = _from_config_files(configuration) or _from_options(configuration)
        if found:
            return found
    return _from_frames(files)


def _from_config_files(configuration: Configuration) -> str | None:
    for name in ("config-file", "config_file", "config-dir", "config_dir"):
        option = configuration.get("DEFAULT", name)
        items = option.as_list() if option is not None else None
        for item in items or ():
            match = _CONFIG_PATH.search(item)
            if match and match.group(1) in SERVICES:
                return match.group(1)
    return None


def _from_options(configuration: Configuration) -> str | None:
    for service, signatures in _SIGNATURES.items():
        for group, option in signatures:
            if configuration.has(group, option):
                return service
    return None


def _from_frames(files: tuple[str, ...]) -> str | None:
    for file in files:
        match = _FRAME_PATH.search(file)
        if match:
            return match.group(1)
    return None


def detect_program(configuration: Configuration | None, files: tuple[str, ...]) -> str | None:
    """The program that printed the report (`nova-compute`, `neutron-server`), from
    `[oslo_messaging_rabbit] processname` or the script at the bottom of a stack."""
    name = _printed(configuration, "oslo_messaging_rabbit", "processname")
    if name is not None:
        return name
    for file in files:
        name = file.rsplit("/", 1)[-1]
        if name.startswith(_PROGRAMS):
            return name
    return None


def detect_node(configuration: Configuration | None, prefix_host: str | None) -> str | None:
    """The node's name: `[DEFAULT] host` (what nova, neutron and cinder call the node),
    else `[oslo_messaging_rabbit] hostname` (the machine's name, by default), else the host
    a journald or syslog prefix names."""
    return (_printed(configuration, "DEFAULT", "host")
            or _printed(configuration, "oslo_messaging_rabbit", "hostname")
            or prefix_host)


def _printed(configuration: Configuration | None, group: str, name: str) -> str | None:
    """A one-line value as printed; None when absent, empty, unset or masked."""
    option = configuration.get(group, name) if configuration is not None else None
    if option is None or option.shape != "scalar" or option.is_none or option.value in MASKS:
        return None
    return option.value.strip() or None
