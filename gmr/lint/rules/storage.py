"""GMR4xx: cinder and glance (RULES.md sections 2.3 and 2.4)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule
from gmr.lint.conditions import option_rule
from gmr.models import Option


def _backends(context) -> list[str]:
    """The backend groups named in [DEFAULT] enabled_backends (a backend configured in
    [DEFAULT] is refused since Ocata: cinder/cmd/volume.py)."""
    backends = context.option("DEFAULT", "enabled_backends")
    return (backends.as_list() or []) if backends is not None else []


def _backend_option(context, group: str, name: str) -> tuple[str, Option | None]:
    """A backend's option as its driver reads it, and the group it is set in: the backend
    group's own value, or [backend_defaults]'s where the group prints None
    (cinder/volume/configuration.py BackendGroupConfiguration.__getattr__)."""
    option = context.option(group, name)
    if option is None or option.is_none:
        shared = context.option("backend_defaults", name)
        if shared is not None:
            return "backend_defaults", shared
    return group, option


def _nfs_family(context, group: str) -> str | None:
    """The backend's driver when it keeps volumes as files on a NAS share (nfs.NfsDriver
    and its subclasses, Quobyte, NetApp over NFS): the drivers that read the
    nas_secure_file_* options (cinder/volume/drivers/remotefs.py)."""
    _, driver = _backend_option(context, group, "volume_driver")
    path = driver.value if driver is not None and not driver.is_none else ""
    if "nfs" in path.lower() or path.endswith(".QuobyteDriver"):
        return path
    if path.endswith("netapp.common.NetAppDriver"):
        _, protocol = _backend_option(context, group, "netapp_storage_protocol")
        if protocol is not None and protocol.value.lower() == "nfs":
            return path
    return None


def _nas_secure(option, driver: str) -> bool:
    """Whether a nas_secure_file_* value keeps the secure behaviour: `auto` is true on a
    new install for the NFS driver (nfs.py _determine_nas_security_option_setting) but
    false for Quobyte (quobyte.py set_nas_security_options)."""
    value = option.value.strip().lower()
    return value == "true" or (value == "auto" and not driver.endswith(".QuobyteDriver"))


@rule(
    code="GMR401", name="nas-secure-operations-off", severity=Severity.WARNING,
    reads=("DEFAULT.enabled_backends", "*.volume_driver", "*.netapp_storage_protocol",
           "*.nas_secure_file_operations", "*.nas_secure_file_permissions"),
    services=("cinder",),
    message="[{group}] nas_secure_file_operations = {value}, nas_secure_file_permissions = "
            "{permissions}: backend {backend} runs its share's file operations as root and "
            "makes volume files world-writable",
    what="An NFS-family backend has both NAS security options off.",
    why="With both off the driver runs its commands on the share as root and creates volume "
        "files with mode 666, so anyone with access to the share reads and writes every "
        "volume: the Security Guide's Check-Block-07 fails. `auto` (the default) is secure "
        "on a new install for NFS, but the Quobyte driver reads it as false. Sources "
        "disagree on True: risu warns it breaks snapshots and migration on some shares, so "
        "this is a warning, not an error.",
    fix="Set both to true (or auto on a fresh share) and test snapshots on your NAS.",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = nfs-1\n[nfs-1]\nvolume_driver = "
                               "cinder.volume.drivers.nfs.NfsDriver\nnas_secure_file_operations "
                               "= false\nnas_secure_file_permissions = false",
              "[nfs-1] nas_secure_file_operations = false, nas_secure_file_permissions = false: "
              "backend nfs-1 runs its share's file operations as root and makes volume files "
              "world-writable"),
        # The backend group prints None and reads [backend_defaults].
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = nfs-1\n[backend_defaults]\n"
                               "nas_secure_file_operations = False\nnas_secure_file_permissions"
                               " = False\n[nfs-1]\nvolume_driver = "
                               "cinder.volume.drivers.nfs.NfsDriver\nnas_secure_file_operations "
                               "= None\nnas_secure_file_permissions = None",
              "[backend_defaults] nas_secure_file_operations = False, "
              "nas_secure_file_permissions = False: backend nfs-1 runs its share's file "
              "operations as root and makes volume files world-writable"),
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = qb\n[qb]\nvolume_driver = "
                               "cinder.volume.drivers.quobyte.QuobyteDriver\n"
                               "nas_secure_file_operations = auto\nnas_secure_file_permissions"
                               " = false",
              "[qb] nas_secure_file_operations = auto, nas_secure_file_permissions = false: "
              "backend qb runs its share's file operations as root and makes volume files "
              "world-writable"),
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = ontap\n[ontap]\nvolume_driver = "
                               "cinder.volume.drivers.netapp.common.NetAppDriver\n"
                               "netapp_storage_protocol = nfs\nnas_secure_file_operations = "
                               "false\nnas_secure_file_permissions = false",
              "[ontap] nas_secure_file_operations = false, nas_secure_file_permissions = false: "
              "backend ontap runs its share's file operations as root and makes volume files "
              "world-writable"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = ontap\n[ontap]\nvolume_driver ="
                                " cinder.volume.drivers.netapp.common.NetAppDriver\n"
                                "netapp_storage_protocol = iscsi\nnas_secure_file_operations = "
                                "false\nnas_secure_file_permissions = false"),
        # One of the two on is enough for the Security Guide.
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = nfs-1\n[nfs-1]\nvolume_driver ="
                                " cinder.volume.drivers.nfs.NfsDriver\n"
                                "nas_secure_file_operations = false\n"
                                "nas_secure_file_permissions = true"),
        # auto, the default, is secure on a new NFS install.
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = nfs-1\n[nfs-1]\nvolume_driver ="
                                " cinder.volume.drivers.nfs.NfsDriver\n"
                                "nas_secure_file_operations = auto\n"
                                "nas_secure_file_permissions = auto"),
        # Drivers that are not on a NAS share do not read the options.
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_driver ="
                                " cinder.volume.drivers.lvm.LVMVolumeDriver\n"
                                "nas_secure_file_operations = false\n"
                                "nas_secure_file_permissions = false"),
    ),
    source="OpenStack Security Guide Check-Block-07; cinder/volume/drivers/nfs.py "
           "NfsDriver.set_nas_security_options; cinder/volume/drivers/quobyte.py; "
           "risu nas_secure.sh (disagrees)",
)
def nas_secure_operations_off(report, context) -> Iterator[Hit]:
    for backend in _backends(context):
        driver = _nfs_family(context, backend)
        if driver is None:
            continue
        group, operations = _backend_option(context, backend, "nas_secure_file_operations")
        _, permissions = _backend_option(context, backend, "nas_secure_file_permissions")
        if operations is None or permissions is None:
            continue
        if not _nas_secure(operations, driver) and not _nas_secure(permissions, driver):
            yield hit(group, operations, permissions=permissions.value, backend=backend)


@rule(
    code="GMR402", name="volume-wipe-disabled", severity=Severity.WARNING,
    reads=("DEFAULT.enabled_backends", "*.volume_driver", "*.volume_clear", "*.lvm_type"),
    services=("cinder",),
    message="[{group}] volume_clear = {value}: backend {backend} does not wipe deleted thick "
            "LVM volumes",
    what="Deleted thick LVM volumes are not overwritten.",
    why="The next tenant given the same extents can read the previous tenant's data. The "
        "LVM driver skips the wipe on thin volumes, which read as zeros; lvm_type = auto "
        "picks thin or thick from the volume group's state at start, which the report "
        "does not show, so only an explicit thick (`default`) type is flagged.",
    fix="Use zero (or thin provisioning, where new volumes read as zeros).",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_driver = "
                               "cinder.volume.drivers.lvm.LVMVolumeDriver\nvolume_clear = none"
                               "\nlvm_type = default",
              "[lvm-1] volume_clear = none: backend lvm-1 does not wipe deleted thick LVM "
              "volumes"),
        # The backend group prints None and reads [backend_defaults].
        fails("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[backend_defaults]\n"
                               "volume_clear = none\n[lvm-1]\nvolume_driver = "
                               "cinder.volume.drivers.lvm.LVMVolumeDriver\nvolume_clear = None"
                               "\nlvm_type = default",
              "[backend_defaults] volume_clear = none: backend lvm-1 does not wipe deleted "
              "thick LVM volumes"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_driver ="
                                " cinder.volume.drivers.lvm.LVMVolumeDriver\nvolume_clear = "
                                "zero\nlvm_type = default"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_driver ="
                                " cinder.volume.drivers.lvm.LVMVolumeDriver\nvolume_clear = "
                                "none\nlvm_type = thin"),
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = lvm-1\n[lvm-1]\nvolume_driver ="
                                " cinder.volume.drivers.lvm.LVMVolumeDriver\nvolume_clear = "
                                "none\nlvm_type = auto"),
        # Only the LVM driver reads volume_clear.
        passes("cinder 2026.2", "[DEFAULT]\nenabled_backends = ceph-1\n[ceph-1]\nvolume_driver"
                                " = cinder.volume.drivers.rbd.RBDDriver\nvolume_clear = none"),
    ),
    source="OpenStack Security Guide block-storage/volume_wiping.rst; "
           "cinder/volume/drivers/lvm.py LVMVolumeDriver (_delete_volume, check_for_setup_error "
           "for lvm_type auto)",
)
def volume_wipe_disabled(report, context) -> Iterator[Hit]:
    for backend in _backends(context):
        _, driver = _backend_option(context, backend, "volume_driver")
        if driver is None or not driver.value.endswith(".lvm.LVMVolumeDriver"):
            continue
        group, option = _backend_option(context, backend, "volume_clear")
        _, kind = _backend_option(context, backend, "lvm_type")
        if option is not None and option.value == "none" and kind is not None and \
                kind.value == "default":
            yield hit(group, option, backend=backend)


image_locations_shown = option_rule(
    code="GMR403", name="image-locations-shown", severity=Severity.WARNING,
    group="DEFAULT", option="show_multiple_locations", when=("eq", True),
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


image_direct_url_shown = option_rule(
    code="GMR404", name="image-direct-url-shown", severity=Severity.INFO,
    group="DEFAULT", option="show_image_direct_url", when=("eq", True),
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
    reads=("DEFAULT.enabled_backends", "*.volume_driver", "*.rbd_keyring_conf"),
    services=("cinder",), releases=(None, "ussuri"),
    message="[{group}] rbd_keyring_conf = {value}: backend {backend} hands its Ceph keyring "
            "to users",
    what="A Ceph backend names a keyring file to pass to compute hosts.",
    why="cinder then sends the keyring's contents in connection info that users can read "
        "(OSSN-0085). The option was deprecated in Ussuri and cinder stopped registering it "
        "in Victoria, so later reports never show it.",
    fix="Remove it and install the keyring on the compute hosts instead.",
    examples=(
        fails("cinder ussuri", "[DEFAULT]\nenabled_backends = ceph-1\n[ceph-1]\nvolume_driver "
                               "= cinder.volume.drivers.rbd.RBDDriver\nrbd_keyring_conf = "
                               "/etc/ceph/c.keyring",
              "[ceph-1] rbd_keyring_conf = /etc/ceph/c.keyring: backend ceph-1 hands its Ceph "
              "keyring to users"),
        passes("cinder ussuri", "[DEFAULT]\nenabled_backends = ceph-1\n[ceph-1]\nvolume_driver "
                                "= cinder.volume.drivers.rbd.RBDDriver\nrbd_keyring_conf ="),
    ),
    source="OSSN-0085; cinder 16.0.0 (Ussuri) cinder/volume/drivers/rbd.py RBD_OPTS; "
           "cinder 17.0.0 RBDDriver._set_keyring_attributes (option no longer registered)",
)
def ceph_keyring_exposed(report, context) -> Iterator[Hit]:
    for backend in _backends(context):
        _, driver = _backend_option(context, backend, "volume_driver")
        if driver is None or "rbd" not in driver.value.lower():
            continue
        group, option = _backend_option(context, backend, "rbd_keyring_conf")
        if option is not None and option.value and not option.is_none:
            yield hit(group, option, backend=backend)


backup_driver_module_path = option_rule(
    code="GMR406", name="backup-driver-module-path", severity=Severity.ERROR,
    group="DEFAULT", option="backup_driver", when=("matches", "^[^A-Z]*$"),
    services=("cinder",),
    message="[DEFAULT] backup_driver = {value}: a module path, no longer accepted",
    what="The backup driver is given as a module instead of a class.",
    why="cinder-backup no longer loads module paths; `cinder-status upgrade check` fails "
        "when the setting is all lower case, as a module path is.",
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


nested_quota_driver = option_rule(
    code="GMR407", name="nested-quota-driver", severity=Severity.ERROR,
    group="DEFAULT", option="quota_driver", when=("eq", "cinder.quota.NestedDbQuotaDriver"),
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
    source="cinder/cmd/status.py _check_nested_quota; cinder release notes (18.0.0); "
           "RULES.md CINDER-010",
)


image_size_cap_small = option_rule(
    code="GMR408", name="image-size-cap-small", severity=Severity.INFO,
    group="DEFAULT", option="image_size_cap", when=("lt", 1 << 40),
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


glance_without_keystone = option_rule(
    code="GMR410", name="glance-without-keystone", severity=Severity.ERROR,
    group="paste_deploy", option="flavor",
    when=("not_in", ["keystone", "keystone+caching", "keystone+cachemanagement"]),
    services=("glance",),
    message="[paste_deploy] flavor = {value}: the image API pipeline has no keystone "
            "authtoken, so requests are not authenticated",
    what="glance-api serves a paste pipeline without keystone authentication.",
    why="glance picks its pipeline by flavor, and the unset flavor (the default) runs the "
        "`default` pipeline, which only has unauthenticated-context: anyone who reaches "
        "the API acts without a token. Only the keystone flavors shipped in "
        "glance-api-paste.ini add authtoken.",
    fix="Set flavor = keystone (or keystone+caching, keystone+cachemanagement).",
    examples=(
        fails("glance 2026.2", "[paste_deploy]\nflavor = None",
              "[paste_deploy] flavor = None: the image API pipeline has no keystone "
              "authtoken, so requests are not authenticated"),
        fails("glance 2026.2", "[paste_deploy]\nflavor = caching",
              "[paste_deploy] flavor = caching: the image API pipeline has no keystone "
              "authtoken, so requests are not authenticated"),
        passes("glance 2026.2", "[paste_deploy]\nflavor = keystone"),
        passes("glance 2026.2", "[paste_deploy]\nflavor = keystone+cachemanagement"),
    ),
    source="OpenStack Security Guide Check-Image-03; glance/api/__init__.py "
           "pipeline_factory; etc/glance-api-paste.ini (composite:api); RULES.md GLANCE-005",
)


@rule(
    code="GMR411", name="web-download-unfiltered", severity=Severity.WARNING,
    reads=("DEFAULT.enabled_import_methods", "import_filtering_opts.allowed_hosts",
           "import_filtering_opts.disallowed_hosts"),
    services=("glance",),
    message="[DEFAULT] enabled_import_methods has web-download and [import_filtering_opts] "
            "names no allowed_hosts or disallowed_hosts: users can make glance fetch from "
            "hosts on its internal networks",
    what="The web-download import method is on with no host filter.",
    why="Any user allowed to import images gives glance a URL to fetch; with no host filter "
        "glance fetches from any host its network reaches on the allowed ports (80 and 443 "
        "by default), so users can probe internal services and import what they serve. "
        "Before 2026.2 (glance 33) that includes loopback and link-local addresses such as "
        "the metadata service; from it, private ranges are still allowed.",
    fix="Give allowed_hosts (or disallowed_hosts for the internal ones), or drop "
        "web-download from enabled_import_methods.",
    examples=(
        fails("glance 2026.2", "[DEFAULT]\nenabled_import_methods = glance-direct,web-download"
                               "\n[import_filtering_opts]\nallowed_hosts = \n"
                               "disallowed_hosts = ",
              "[DEFAULT] enabled_import_methods has web-download and [import_filtering_opts] "
              "names no allowed_hosts or disallowed_hosts: users can make glance fetch from "
              "hosts on its internal networks"),
        passes("glance 2026.2", "[DEFAULT]\nenabled_import_methods = glance-direct,web-download"
                                "\n[import_filtering_opts]\nallowed_hosts = "
                                "images.example.org\ndisallowed_hosts = "),
        passes("glance 2026.2", "[DEFAULT]\nenabled_import_methods = glance-direct,web-download"
                                "\n[import_filtering_opts]\nallowed_hosts = \n"
                                "disallowed_hosts = 10.0.0.10"),
        # A report without [import_filtering_opts] does not tell.
        passes("glance 2026.2", "[DEFAULT]\nenabled_import_methods = web-download"),
        # Without web-download the filter has nothing to guard.
        passes("glance 2026.2", "[DEFAULT]\nenabled_import_methods = glance-direct,copy-image"
                                "\n[import_filtering_opts]\nallowed_hosts = \n"
                                "disallowed_hosts = "),
    ),
    source="glance/common/utils.py get_validated_address and resolve_pinned_address; "
           "glance/async_/flows/_internal_plugins/__init__.py import_filtering_opts help; "
           "glance/common/config.py enabled_import_methods (web-download on by default)",
)
def web_download_unfiltered(report, context) -> Iterator[Hit]:
    methods = context.option("DEFAULT", "enabled_import_methods")
    if methods is None or "web-download" not in (methods.as_list() or ()):
        return
    for name in ("allowed_hosts", "disallowed_hosts"):
        hosts = context.option("import_filtering_opts", name)
        if hosts is None or hosts.as_list() != []:
            return  # a filter, or a report that does not tell
    yield hit("DEFAULT", methods)


#: Drivers that manage their array over cinder's SSHPool (cinder/ssh_utils.py), by class
#: path prefix: through san.SanDriver._run_ssh or their own CLI helper.
_SSH_DRIVERS = (
    "cinder.volume.drivers.ibm.storwize_svc.",  # storwize_svc_common.py StorwizeSSH
    "cinder.volume.drivers.ibm.gpfs.GPFSRemoteDriver",  # gpfs.py _gpfs_remote_execute
    "cinder.volume.drivers.ibm.gpfs.GPFSNFSDriver",
    "cinder.volume.drivers.inspur.instorage.",  # instorage_common.py
    "cinder.volume.drivers.nec.volume.",  # nec/cli.py MStorageISMCLI
    "cinder.volume.drivers.fujitsu.eternus_dx.",  # eternus_dx_cli.py FJDXCLI
    "cinder.volume.drivers.toyou.acs5000.",  # acs5000_common.py
)


@rule(
    code="GMR412", name="ssh-host-key-trusted-on-first-use", severity=Severity.INFO,
    reads=("DEFAULT.strict_ssh_host_key_policy", "DEFAULT.enabled_backends",
           "*.volume_driver"),
    services=("cinder",),
    message="[DEFAULT] strict_ssh_host_key_policy = {value} with {backends} managed over SSH: "
            "an array's host key is accepted on first connection",
    what="cinder accepts the SSH host key of a storage array it has not seen before.",
    why="cinder-volume drives these arrays over SSH; without the strict policy it trusts "
        "whatever key answers first (paramiko AutoAddPolicy), so a man in the middle at "
        "that moment, or after the known-hosts file is lost, gets the array's credentials "
        "and can serve spoofed volumes (OSSN-0019).",
    fix="Put the arrays' host keys in ssh_hosts_key_file and set "
        "strict_ssh_host_key_policy = True.",
    examples=(
        fails("cinder 2026.2", "[DEFAULT]\nstrict_ssh_host_key_policy = False\n"
                               "enabled_backends = svc-1\n[svc-1]\nvolume_driver = "
                               "cinder.volume.drivers.ibm.storwize_svc.storwize_svc_iscsi."
                               "StorwizeSVCISCSIDriver",
              "[DEFAULT] strict_ssh_host_key_policy = False with svc-1 managed over SSH: an "
              "array's host key is accepted on first connection"),
        passes("cinder 2026.2", "[DEFAULT]\nstrict_ssh_host_key_policy = True\n"
                                "enabled_backends = svc-1\n[svc-1]\nvolume_driver = "
                                "cinder.volume.drivers.ibm.storwize_svc.storwize_svc_iscsi."
                                "StorwizeSVCISCSIDriver"),
        # No backend talks SSH: the policy is never used.
        passes("cinder 2026.2", "[DEFAULT]\nstrict_ssh_host_key_policy = False\n"
                                "enabled_backends = ceph-1\n[ceph-1]\nvolume_driver = "
                                "cinder.volume.drivers.rbd.RBDDriver"),
    ),
    source="OSSN-0019; cinder/ssh_utils.py SSHPool.create; cinder/volume/drivers/san/san.py "
           "SanDriver._run_ssh; cinder-specs juno configurable-ssh-host-key-policy",
)
def ssh_host_key_trusted_on_first_use(report, context) -> Iterator[Hit]:
    policy = context.option("DEFAULT", "strict_ssh_host_key_policy")
    if policy is None or policy.as_bool() is not False:
        return
    over_ssh = []
    for backend in _backends(context):
        _, driver = _backend_option(context, backend, "volume_driver")
        if driver is not None and driver.value.startswith(_SSH_DRIVERS):
            over_ssh.append(backend)
    if over_ssh:
        yield hit("DEFAULT", policy, backends=", ".join(over_ssh))


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
    glance_without_keystone,
    web_download_unfiltered,
    ssh_host_key_trusted_on_first_use,
)
