"""GMR4xx: cinder and glance (RULES.md sections 2.3 and 2.4)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule


def _backend_groups(report, context):
    """[DEFAULT] and every group named in enabled_backends: cinder's dynamic backend groups."""
    groups = ["DEFAULT"]
    backends = context.option("DEFAULT", "enabled_backends")
    groups += backends.as_list() or [] if backends is not None else []
    return groups


@rule(
    code="GMR401", name="nas-secure-operations-off", severity=Severity.WARNING,
    reads=("DEFAULT.enabled_backends", "*.nas_secure_file_operations",
           "*.nas_secure_file_permissions"),
    services=("cinder",),
    message="[{group}] {option} = {value}: NAS volume files are handled as root",
    what="The NFS/NAS backend runs file operations as root, with open permissions.",
    why="The Security Guide counts both options off as a failure: files on the share are "
        "readable and writable by anyone on it. Sources disagree: risu warns that True breaks "
        "snapshots and migration on some shares, so this is a warning, not an error.",
    fix="Set both to True (or auto on a fresh share) and test snapshots on your NAS.",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = "
                               "nfs-1\n[nfs-1]\nnas_secure_file_operations = false",
              "[nfs-1] nas_secure_file_operations = false: NAS volume files are handled as "
              "root"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = "
                                "nfs-1\n[nfs-1]\nnas_secure_file_operations = auto"),
    ),
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
    reads=("DEFAULT.enabled_backends", "*.volume_clear", "*.lvm_type"),
    services=("cinder",),
    message="[{group}] volume_clear = {value}: deleted volumes are not wiped",
    what="Deleted thick LVM volumes are not overwritten.",
    why="The next tenant given the same extents can read the previous tenant's data.",
    fix="Use zero (or thin provisioning, where new volumes read as zeros).",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_clear = "
                               "none",
              "[lvm-1] volume_clear = none: deleted volumes are not wiped"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_clear = "
                                "zero"),
    ),
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
    reads=("DEFAULT.show_multiple_locations",),
    services=("glance",),
    message="[DEFAULT] show_multiple_locations = {value}: users can see and swap image "
            "locations",
    what="The image API shows and accepts image locations.",
    why="A user can point an image at other data (image-location swap) or learn backend "
        "details; glance deprecated the option as a security risk.",
    fix="Turn it off; use the multi-store import API instead.",
    examples=(
        fails("glance 2026.2", "[DEFAULT]\nshow_multiple_locations = True",
              "[DEFAULT] show_multiple_locations = True: users can see and swap image "
              "locations"),
        passes("glance 2026.2", "[DEFAULT]\nshow_multiple_locations = False"),
    ),
    source="OSSN-0065, OSSN-0090; glance/common/config.py",
)
def image_locations_shown(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "show_multiple_locations")
    if option is not None and option.as_bool():
        yield hit("DEFAULT", option)


@rule(
    code="GMR404", name="image-direct-url-shown", severity=Severity.INFO,
    reads=("DEFAULT.show_image_direct_url",),
    services=("glance",),
    message="[DEFAULT] show_image_direct_url = {value}: image backend locations are shown",
    what="Image records show where the data sits in the backend.",
    why="On a user-facing API that exposes the backend layout (Ceph pools, paths); only "
        "internal endpoints used by nova and cinder for copy-on-write need it.",
    fix="Enable it on an internal glance API only.",
    examples=(
        fails("glance 2026.2", "[DEFAULT]\nshow_image_direct_url = True",
              "[DEFAULT] show_image_direct_url = True: image backend locations are shown"),
        passes("glance 2026.2", "[DEFAULT]\nshow_image_direct_url = False"),
    ),
    source="OSSN-0090",
)
def image_direct_url_shown(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "show_image_direct_url")
    if option is not None and option.as_bool():
        yield hit("DEFAULT", option)


def _store_groups(context) -> list[str]:
    """glance's store groups: the keys of [DEFAULT] enabled_backends (`fast:rbd,...`)."""
    option = context.option("DEFAULT", "enabled_backends")
    if option is None:
        return []
    stores = option.as_dict()
    return list(stores) if stores is not None else [
        item.split(":", 1)[0] for item in option.as_list() or ()]


@rule(
    code="GMR405", name="ceph-keyring-exposed", severity=Severity.WARNING,
    reads=("DEFAULT.enabled_backends", "*.rbd_keyring_conf"),
    services=("cinder",),
    message="[{group}] rbd_keyring_conf = {value}: the backend's Ceph keyring is handed to "
            "users",
    what="A Ceph backend names a keyring file to pass to compute hosts.",
    why="cinder then sends the keyring's contents in connection info that users can read "
        "(OSSN-0085); the option is deprecated since Ussuri.",
    fix="Remove it and install the keyring on the compute hosts instead.",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = "
                               "ceph-1\n[ceph-1]\nrbd_keyring_conf = /etc/ceph/c.keyring",
              "[ceph-1] rbd_keyring_conf = /etc/ceph/c.keyring: the backend's Ceph keyring is "
              "handed to users"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = "
                                "ceph-1\n[ceph-1]\nrbd_keyring_conf ="),
    ),
    source="OSSN-0085",
)
def ceph_keyring_exposed(report, context) -> Iterator[Hit]:
    for group in _backend_groups(report, context):
        option = context.option(group, "rbd_keyring_conf")
        if option is not None and option.value and not option.is_none:
            yield hit(group, option)


@rule(
    code="GMR406", name="backup-driver-module-path", severity=Severity.ERROR,
    reads=("DEFAULT.backup_driver",),
    services=("cinder",),
    message="[DEFAULT] backup_driver = {value}: a module path, no longer accepted",
    what="The backup driver is given as a module instead of a class.",
    why="cinder-backup no longer loads module paths; `cinder-status upgrade check` fails.",
    fix="Name the driver class.",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nbackup_driver = cinder.backup.drivers.swift",
              "[DEFAULT] backup_driver = cinder.backup.drivers.swift: a module path, no "
              "longer accepted"),
        passes("cinder 2026.2", "[DEFAULT]\nbackup_driver = "
                                "cinder.backup.drivers.swift.SwiftBackupDriver"),
    ),
    source="cinder/cmd/status.py _check_backup_module; RULES.md CINDER-009",
)
def backup_driver_module_path(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "backup_driver")
    if option is not None and option.value and option.value.split(".")[-1].islower():
        yield hit("DEFAULT", option)


@rule(
    code="GMR407", name="nested-quota-driver", severity=Severity.ERROR,
    reads=("DEFAULT.quota_driver",),
    services=("cinder",), releases=("wallaby", None),
    message="[DEFAULT] quota_driver = {value}: removed in Wallaby",
    what="cinder is told to use the nested quota driver.",
    why="NestedDbQuotaDriver was removed in Wallaby; cinder fails to load it.",
    fix="Use the default DbQuotaDriver.",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nquota_driver = cinder.quota.NestedDbQuotaDriver",
              "[DEFAULT] quota_driver = cinder.quota.NestedDbQuotaDriver: removed in Wallaby"),
        passes("cinder 2026.2", "[DEFAULT]\nquota_driver = cinder.quota.DbQuotaDriver"),
    ),
    source="cinder/cmd/status.py; cinder release notes (18.0.0); RULES.md CINDER-010",
)
def nested_quota_driver(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "quota_driver")
    if option is not None and option.value.endswith("NestedDbQuotaDriver"):
        yield hit("DEFAULT", option)


@rule(
    code="GMR408", name="image-size-cap-small", severity=Severity.INFO,
    reads=("DEFAULT.image_size_cap",),
    services=("glance",),
    message="[DEFAULT] image_size_cap = {value}: uploads above this size fail",
    what="The largest image glance accepts is below its 1 TiB default.",
    why="Large images (Windows, databases) fail to upload with an unhelpful error.",
    fix="Keep the default unless storage really needs the limit.",
    examples=(
        fails("glance 2026.2", "[DEFAULT]\nimage_size_cap = 10737418240",
              "[DEFAULT] image_size_cap = 10737418240: uploads above this size fail"),
        passes("glance 2026.2", "[DEFAULT]\nimage_size_cap = 1099511627776"),
    ),
    source="glance/common/config.py image_size_cap; risu image_size_cap.sh",
)
def image_size_cap_small(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "image_size_cap")
    if option is not None and (option.as_int() or 1 << 40) < 1 << 40:
        yield hit("DEFAULT", option)


@rule(
    code="GMR409", name="store-files-world-readable", severity=Severity.WARNING,
    reads=("DEFAULT.enabled_backends", "*.filesystem_store_file_perm"),
    services=("glance",),
    message="[{group}] filesystem_store_file_perm = {value}: image files are readable by "
            "every local user",
    what="A filesystem store writes image files readable by others.",
    why="Any account on the glance host, or on hosts sharing the store, can copy every "
        "tenant's private images.",
    fix="Leave it at 0 (the umask decides) or use a mode without the other-read bit.",
    examples=(
        fails("glance 2026.2", "[DEFAULT]\nenabled_backends = "
                               "fast:file\n[fast]\nfilesystem_store_file_perm = 644",
              "[fast] filesystem_store_file_perm = 644: image files are readable by every "
              "local user"),
        passes("glance 2026.2", "[DEFAULT]\nenabled_backends = "
                                "fast:file\n[fast]\nfilesystem_store_file_perm = 640"),
    ),
    source="glance_store filesystem store option help",
)
def store_files_world_readable(report, context) -> Iterator[Hit]:
    for group in ["glance_store", *_store_groups(context)]:
        option = context.option(group, "filesystem_store_file_perm")
        digits = option.value.strip().lstrip("0o") if option is not None else ""
        if digits and set(digits) <= set("01234567") and int(digits, 8) & 0o004:
            yield hit(group, option)


RULES = (
    nas_secure_operations_off,
    volume_wipe_disabled,
    image_locations_shown,
    image_direct_url_shown,
    ceph_keyring_exposed,
    backup_driver_module_path,
    nested_quota_driver,
    image_size_cap_small,
    store_files_world_readable,
)
