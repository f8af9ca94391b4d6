"""GMR4xx: cinder and glance (RULES.md sections 2.3 and 2.4)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.rule import Hit, Severity, hit, rule


def _backend_groups(report, context):
    """[DEFAULT] and every group named in enabled_backends: cinder's dynamic backend groups."""
    groups = ["DEFAULT"]
    backends = context.option("DEFAULT", "enabled_backends")
    groups += backends.as_list() or [] if backends is not None else []
    return groups


@rule(
    code="GMR401", name="nas-secure-operations-off", severity=Severity.WARNING,
    services=("cinder",),
    message="[{group}] {option} = {value}: NAS volume files are handled as root",
    what="The NFS/NAS backend runs file operations as root, with open permissions.",
    why="The Security Guide counts both options off as a failure: files on the share are "
        "readable and writable by anyone on it. Sources disagree: risu warns that True breaks "
        "snapshots and migration on some shares, so this is a warning, not an error.",
    fix="Set both to True (or auto on a fresh share) and test snapshots on your NAS.",
    before="nas_secure_file_operations = False\nnas_secure_file_permissions = False",
    after="nas_secure_file_operations = auto\nnas_secure_file_permissions = auto",
    source="OpenStack Security Guide Check-Block-07; risu nas_secure.sh (disagrees)",
)
def nas_secure_operations_off(report, context) -> Iterator[Hit]:
    for group in _backend_groups(report, context):
        for name in ("nas_secure_file_operations", "nas_secure_file_permissions"):
            option = context.option(group, name)
            if option is not None and option.value.lower() == "false":
                yield hit(group, option)


@rule(
    code="GMR402", name="volume-wipe-disabled", severity=Severity.WARNING,
    services=("cinder",),
    message="[{group}] volume_clear = {value}: deleted volumes are not wiped",
    what="Deleted thick LVM volumes are not overwritten.",
    why="The next tenant given the same extents can read the previous tenant's data.",
    fix="Use zero (or thin provisioning, where new volumes read as zeros).",
    before="[lvm-1]\nvolume_clear = none", after="[lvm-1]\nvolume_clear = zero",
    source="OpenStack Security Guide block-storage/volume_wiping.rst",
)
def volume_wipe_disabled(report, context) -> Iterator[Hit]:
    for group in _backend_groups(report, context):
        option = context.option(group, "volume_clear")
        if option is not None and option.value == "none":
            thin = context.option(group, "lvm_type")
            if thin is None or thin.value != "thin":
                yield hit(group, option)


@rule(
    code="GMR403", name="image-locations-shown", severity=Severity.WARNING,
    services=("glance",),
    message="[DEFAULT] show_multiple_locations = {value}: users can see and swap image "
            "locations",
    what="The image API shows and accepts image locations.",
    why="A user can point an image at other data (image-location swap) or learn backend "
        "details; glance deprecated the option as a security risk.",
    fix="Turn it off; use the multi-store import API instead.",
    before="show_multiple_locations = True", after="show_multiple_locations = False",
    source="OSSN-0065, OSSN-0090; glance/common/config.py",
)
def image_locations_shown(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "show_multiple_locations")
    if option is not None and option.as_bool():
        yield hit("DEFAULT", option)


@rule(
    code="GMR404", name="image-direct-url-shown", severity=Severity.INFO,
    services=("glance",),
    message="[DEFAULT] show_image_direct_url = {value}: image backend locations are shown",
    what="Image records show where the data sits in the backend.",
    why="On a user-facing API that exposes the backend layout (Ceph pools, paths); only "
        "internal endpoints used by nova and cinder for copy-on-write need it.",
    fix="Enable it on an internal glance API only.",
    before="show_image_direct_url = True", after="show_image_direct_url = False",
    source="OSSN-0090",
)
def image_direct_url_shown(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "show_image_direct_url")
    if option is not None and option.as_bool():
        yield hit("DEFAULT", option)
