"""GMR2xx: nova (RULES.md section 2.1)."""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlsplit

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule
from gmr.lint.conditions import option_rule

_RATIOS = ("cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio")
#: Scheduler filters and the release that removed them: the first whose
#: nova/scheduler/filters/ no longer defines the class.
_REMOVED_FILTERS = {
    "TrustedFilter": "queens", "TypeAffinityFilter": "queens",
    "ExactCoreFilter": "rocky", "ExactRamFilter": "rocky", "ExactDiskFilter": "rocky",
    "CoreFilter": "train", "RamFilter": "train", "DiskFilter": "train",
    "RetryFilter": "victoria", "AggregateCoreFilter": "victoria",
    "AggregateRamFilter": "victoria", "AggregateDiskFilter": "victoria",
    "AvailabilityZoneFilter": "2023.2",
}
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


def _ratios(context) -> Iterator:
    for name in _RATIOS:
        option = context.option("DEFAULT", name)
        if option is not None and option.as_float() is not None:
            yield option


def _filters(context):
    """The enabled scheduler filters: [filter_scheduler] since Ocata, [DEFAULT] before."""
    for group, name in (("filter_scheduler", "enabled_filters"),
                        ("DEFAULT", "scheduler_default_filters")):
        option = context.option(group, name)
        if option is not None and option.as_list():
            return group, option
    return None, None


def _libvirt(context) -> bool:
    """Whether the configuration runs computes on the libvirt driver (nova imports
    `nova.virt.` + compute_driver)."""
    driver = context.option("DEFAULT", "compute_driver")
    return driver is not None and driver.value == "libvirt.LibvirtDriver"


def _libvirt_compute(report, context) -> bool:
    """Whether the report is a nova-compute running the libvirt driver: live migration
    and local disks are its business alone."""
    return report.program == "nova-compute" and _libvirt(context)


def _migration_transport(context) -> str | None:
    """The transport of the libvirt URI the source dials for a live migration
    (nova/virt/libvirt/driver.py `_live_migration_uri`): `live_migration_uri` when set
    (libvirt's `qemu://` without a transport means tls), else `live_migration_scheme`,
    which defaults to tcp. None for a URI that names no scheme."""
    uri = context.option("libvirt", "live_migration_uri")
    if uri is not None and not uri.is_none and uri.value:
        head, sep, _ = uri.value.partition("://")
        return (head.partition("+")[2] or "tls").lower() if sep else None
    scheme = context.option("libvirt", "live_migration_scheme")
    if scheme is None or scheme.is_none or not scheme.value:
        return "tcp"
    return scheme.value.lower()


@rule(
    code="GMR201", name="allocation-ratio-legacy-zero", severity=Severity.WARNING,
    reads=("DEFAULT.*_allocation_ratio",),
    services=("nova",), releases=("stein", None),
    message="[DEFAULT] {option} = {value}: since Stein 0.0 does not mean the scheduler's "
            "default; the placement inventory ratio is left as it is",
    what="An allocation ratio is 0.0 on nova 19 (Stein) or later.",
    why="Up to Rocky, 0.0 was the default and meant \"use the scheduler's value (16.0 CPU, "
        "1.5 RAM, 1.0 disk)\". From Stein the default is None, and 0.0 or None means \"do not "
        "touch the ratio in placement\", which is set from initial_*_allocation_ratio only "
        "when the compute node is first created. A ratio of 0.0 is a leftover that no longer "
        "does what it says.",
    fix="Set the ratio you mean, or leave it unset and set initial_*_allocation_ratio.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\ncpu_allocation_ratio = 0.0",
              "[DEFAULT] cpu_allocation_ratio = 0.0: since Stein 0.0 does not mean the "
              "scheduler's default; the placement inventory ratio is left as it is"),
        passes("nova mitaka", "[DEFAULT]\ncpu_allocation_ratio = 0.0"),
    ),
    source="nova release note add_initial_allocation_ratio (19.0.0); nova/conf/compute.py "
           "help; doc/source/admin/scheduling.rst \"Allocation ratios\"",
)
def allocation_ratio_legacy_zero(report, context) -> Iterator[Hit]:
    for option in _ratios(context):
        if option.as_float() == 0.0:
            yield hit("DEFAULT", option)


@rule(
    code="GMR202", name="allocation-ratio-negative", severity=Severity.ERROR,
    reads=("DEFAULT.*_allocation_ratio",),
    services=("nova",),
    message="[DEFAULT] {option} = {value}: a negative allocation ratio",
    what="An allocation ratio is below zero.",
    why="nova-compute refuses to start with it (since Newton), or reports nonsense capacity "
        "to placement on older releases.",
    fix="Use a ratio of 0.0 or more.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nram_allocation_ratio = -1.5",
              "[DEFAULT] ram_allocation_ratio = -1.5: a negative allocation ratio"),
        passes("nova 2026.2", "[DEFAULT]\nram_allocation_ratio = 1.0"),
    ),
    source="nova/conf/compute.py (min=0.0); RULES.md NOVA-001",
)
def allocation_ratio_negative(report, context) -> Iterator[Hit]:
    for option in _ratios(context):
        if option.as_float() < 0:
            yield hit("DEFAULT", option)


@rule(
    code="GMR203", name="allocation-ratio-unlimited", severity=Severity.WARNING,
    reads=("DEFAULT.*_allocation_ratio",),
    services=("nova",),
    message="[DEFAULT] {option} = {value}: the node offers practically unlimited capacity",
    what="An allocation ratio is 9999.0 or more.",
    why="That value was a trick of the Ocata upgrade to let placement take over; left in "
        "place, the scheduler piles instances onto the node.",
    fix="Set the ratio the hardware can bear.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\ncpu_allocation_ratio = 9999.0",
              "[DEFAULT] cpu_allocation_ratio = 9999.0: the node offers practically unlimited "
              "capacity"),
        passes("nova 2026.2", "[DEFAULT]\ncpu_allocation_ratio = 4.0"),
    ),
    source="nova release note resource_providers_scheduler_db_filters (15.0.0); "
           "RULES.md NOVA-003",
)
def allocation_ratio_unlimited(report, context) -> Iterator[Hit]:
    for option in _ratios(context):
        if option.as_float() >= 9999.0:
            yield hit("DEFAULT", option)


ram_overcommit = option_rule(
    code="GMR204", name="ram-overcommit", severity=Severity.INFO,
    group="DEFAULT", option="ram_allocation_ratio", when=("gt", 1.0),
    services=("nova",), releases=("2023.1", None),
    message="[DEFAULT] ram_allocation_ratio = {value}: memory is overcommitted",
    what="RAM is overcommitted on nova 27 (2023.1) or later.",
    why="Upstream lowered the initial RAM ratio to 1.0 in 2023.1: overcommitted memory ends "
        "in swapping or the OOM killer taking instances down.",
    fix="Use 1.0 unless the workload is known to leave memory unused.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nram_allocation_ratio = 1.5",
              "[DEFAULT] ram_allocation_ratio = 1.5: memory is overcommitted"),
        passes("nova 2026.2", "[DEFAULT]\nram_allocation_ratio = 1.0"),
        passes("nova rocky", "[DEFAULT]\nram_allocation_ratio = 1.5"),
    ),
    source="nova doc/source/admin/scheduling.rst (2023.1 initial ratios cpu 4.0, ram 1.0); "
           "RULES.md NOVA-002",
)


@rule(
    code="GMR205", name="removed-scheduler-filter", severity=Severity.ERROR,
    reads=("filter_scheduler.enabled_filters", "DEFAULT.scheduler_default_filters"),
    services=("nova",), releases=("queens", None),
    message="[{group}] {option} has {filter}, removed in {removed}: the scheduler fails to "
            "start",
    what="The scheduler is told to use a filter the running release no longer has.",
    why="nova-scheduler looks each enabled filter up among the classes nova ships and "
        "raises SchedulerHostFilterNotFound for one it lacks "
        "(nova/scheduler/host_manager.py `_choose_host_filters`). Placement now does the "
        "work of the removed core, RAM and disk filters, and placement's availability zone "
        "pre-filter that of AvailabilityZoneFilter.",
    fix="Drop the filter from the list (for AvailabilityZoneFilter, keep "
        "[scheduler] query_placement_for_availability_zone on, its default).",
    examples=(
        fails("nova 2026.2", "[filter_scheduler]\nenabled_filters = ComputeFilter,CoreFilter",
              "[filter_scheduler] enabled_filters has CoreFilter, removed in Train: the "
              "scheduler fails to start"),
        passes("nova stein", "[filter_scheduler]\nenabled_filters = ComputeFilter,CoreFilter"),
        fails("nova 2023.2", "[filter_scheduler]\nenabled_filters = "
                             "ComputeFilter,AvailabilityZoneFilter",
              "[filter_scheduler] enabled_filters has AvailabilityZoneFilter, removed in "
              "2023.2: the scheduler fails to start"),
        passes("nova 2023.1", "[filter_scheduler]\nenabled_filters = "
                              "ComputeFilter,AvailabilityZoneFilter"),
        fails("nova victoria", "[filter_scheduler]\nenabled_filters = "
                               "ComputeFilter,AggregateCoreFilter",
              "[filter_scheduler] enabled_filters has AggregateCoreFilter, removed in "
              "Victoria: the scheduler fails to start"),
        passes("nova ussuri", "[filter_scheduler]\nenabled_filters = "
                              "ComputeFilter,AggregateCoreFilter"),
        fails("nova queens", "[filter_scheduler]\nenabled_filters = "
                             "ComputeFilter,TrustedFilter",
              "[filter_scheduler] enabled_filters has TrustedFilter, removed in Queens: the "
              "scheduler fails to start"),
        passes("nova pike", "[filter_scheduler]\nenabled_filters = "
                            "ComputeFilter,TypeAffinityFilter"),
    ),
    source="nova/scheduler/filters/ of nova 16.1.8 (Pike) to 28.0.0 (2023.2): "
           "TrustedFilter and TypeAffinityFilter are gone in 17.0.x (Queens), the Exact* "
           "filters in 18.0.x (Rocky), Core/Ram/DiskFilter in 20.0.0 (Train), RetryFilter "
           "and Aggregate{Core,Ram,Disk}Filter in 22.0.0 (Victoria), AvailabilityZoneFilter "
           "(deprecated in 24.0.0) in 28.0.0 (2023.2); nova/scheduler/host_manager.py "
           "`_choose_host_filters`",
)
def removed_scheduler_filter(report, context) -> Iterator[Hit]:
    group, option = _filters(context)
    if option is None:
        return
    for name in option.as_list():
        removed = _REMOVED_FILTERS.get(name)
        if removed is not None and context.since(removed):
            yield hit(group, option, filter=name, removed=removed.capitalize())


@rule(
    code="GMR206", name="compute-filter-missing", severity=Severity.WARNING,
    reads=("filter_scheduler.enabled_filters", "DEFAULT.scheduler_default_filters"),
    services=("nova",),
    message="[{group}] {option} lacks ComputeFilter: disabled or down computes can be chosen",
    what="The scheduler runs without ComputeFilter.",
    why="Without it, instances are scheduled onto compute services that are disabled or "
        "down, and fail to build; nova's docs say to always enable it.",
    fix="Add ComputeFilter to the enabled filters.",
    examples=(
        fails("nova 2026.2", "[filter_scheduler]\nenabled_filters = ImagePropertiesFilter",
              "[filter_scheduler] enabled_filters lacks ComputeFilter: disabled or down "
              "computes can be chosen"),
        passes("nova 2026.2", "[filter_scheduler]\nenabled_filters = "
                              "ComputeFilter,ImagePropertiesFilter"),
    ),
    source="nova doc/source/admin/scheduling.rst, ComputeFilter",
)
def compute_filter_missing(report, context) -> Iterator[Hit]:
    group, option = _filters(context)
    if option is not None and "ComputeFilter" not in option.as_list():
        yield hit(group, option)


@rule(
    code="GMR207", name="image-service-plain-http", severity=Severity.WARNING,
    reads=("glance.api_servers", "DEFAULT.glance_api_servers"),
    services=("nova", "cinder"),
    message="[{group}] {option} = {value}: images travel without TLS",
    what="The image service is reached over plain http.",
    why="Image data and the tokens that fetch it can be read and changed in transit.",
    fix="Use the https endpoint of glance.",
    examples=(
        fails("nova 2026.2", "[glance]\napi_servers = http://glance:9292",
              "[glance] api_servers = http://glance:9292: images travel without TLS"),
        passes("nova 2026.2", "[glance]\napi_servers = https://glance:9292"),
        fails("nova mitaka", "[DEFAULT]\nglance_api_servers = http://glance:9292",
              "[DEFAULT] glance_api_servers = http://glance:9292: images travel without TLS"),
    ),
    source="OpenStack Security Guide Check-Compute-05, Check-Block-06",
)
def image_service_plain_http(report, context) -> Iterator[Hit]:
    for group, name in (("glance", "api_servers"), ("DEFAULT", "glance_api_servers")):
        option = context.option(group, name)
        if option is not None and any(item.startswith("http://")
                                      for item in option.as_list() or ()):
            yield hit(group, option)


libvirt_lxc = option_rule(
    code="GMR208", name="libvirt-lxc", severity=Severity.WARNING, services=("nova",),
    group="libvirt", option="virt_type", when=("eq", "lxc"),
    message="[libvirt] virt_type = {value}: containers, not virtual machines, isolate tenants",
    what="nova runs instances as LXC containers.",
    why="Containers share the host kernel: a kernel exploit in one tenant's instance reaches "
        "the host and every other tenant.",
    fix="Use kvm for multi-tenant clouds.",
    examples=(
        fails("nova 2026.2", "[libvirt]\nvirt_type = lxc",
              "[libvirt] virt_type = lxc: containers, not virtual machines, isolate tenants"),
        passes("nova 2026.2", "[libvirt]\nvirt_type = kvm"),
    ),
    source="OSSN-0001; risu virt-type-kvm.sh",
)


sysinfo_serial_hardware = option_rule(
    code="GMR209", name="sysinfo-serial-hardware", severity=Severity.WARNING,
    group="libvirt", option="sysinfo_serial", when=("eq", "hardware"),
    services=("nova",),
    message="[libvirt] sysinfo_serial = {value}: guests see the host's serial number",
    what="Instances are given the hypervisor's hardware serial number.",
    why="The serial identifies the physical host to every tenant, which helps co-residency "
        "attacks.",
    fix="Use the default, which gives each guest an id of its own.",
    examples=(
        fails("nova 2026.2", "[libvirt]\nsysinfo_serial = hardware",
              "[libvirt] sysinfo_serial = hardware: guests see the host's serial number"),
        passes("nova 2026.2", "[libvirt]\nsysinfo_serial = unique"),
    ),
    source="OSSN-0028",
)


@rule(
    code="GMR210", name="native-tls-without-scheme", severity=Severity.ERROR,
    reads=("libvirt.live_migration_with_native_tls", "libvirt.live_migration_scheme",
           "libvirt.live_migration_uri"),
    services=("nova",),
    message="[libvirt] live_migration_with_native_tls = True but the migration URI uses "
            "{transport}, not tls: libvirt migrates over the unencrypted connection without a "
            "warning",
    what="Native TLS for live migration is switched on, but the migration URI does not "
         "use the tls transport.",
    why="nova's guide to secure live migration (and OSSN-0089, which corrected it) says "
        "native TLS needs live_migration_scheme = tls as well: otherwise libvirt uses the "
        "unencrypted TCP connection and says nothing, while the setting suggests the "
        "migration is encrypted. Any other scheme (tcp, ssh) does not fix it. A "
        "live_migration_uri, when set, replaces the scheme and must start with qemu+tls.",
    fix="Set [libvirt] live_migration_scheme = tls (or drop live_migration_uri, which is "
        "deprecated, in favour of it).",
    examples=(
        fails("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                             "True\nlive_migration_scheme = None",
              "[libvirt] live_migration_with_native_tls = True but the migration URI uses "
              "tcp, not tls: libvirt migrates over the unencrypted connection without a "
              "warning"),
        fails("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                             "True\nlive_migration_scheme = ssh",
              "[libvirt] live_migration_with_native_tls = True but the migration URI uses "
              "ssh, not tls: libvirt migrates over the unencrypted connection without a "
              "warning"),
        fails("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                             "True\nlive_migration_scheme = tls\nlive_migration_uri = "
                             "qemu+tcp://%s/system",
              "[libvirt] live_migration_with_native_tls = True but the migration URI uses "
              "tcp, not tls: libvirt migrates over the unencrypted connection without a "
              "warning"),
        passes("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                              "True\nlive_migration_scheme = tls"),
        passes("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                              "True\nlive_migration_uri = qemu+tls://%s/system"),
        passes("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                              "False\nlive_migration_scheme = None"),
    ),
    source="OSSN-0089; nova doc/source/admin/secure-live-migration-with-qemu-native-tls.rst "
           "(\"Not setting live_migration_scheme to tls will result in libvirt using the "
           "unencrypted TCP connection\"); nova/virt/libvirt/driver.py `_live_migration_uri` "
           "(the URI replaces the scheme, which defaults to tcp)",
)
def native_tls_without_scheme(report, context) -> Iterator[Hit]:
    option = context.option("libvirt", "live_migration_with_native_tls")
    if option is None or not option.as_bool():
        return
    transport = _migration_transport(context)
    if transport is not None and transport != "tls":
        yield hit("libvirt", option, transport=transport)


@rule(
    code="GMR213", name="vif-plugging-not-awaited", severity=Severity.WARNING,
    reads=("DEFAULT.vif_plugging_is_fatal", "DEFAULT.vif_plugging_timeout"),
    services=("nova",),
    message="[DEFAULT] {option} = {value}: instances may go ACTIVE without working network",
    what="nova does not wait for neutron to report the instance's ports plugged.",
    why="Instances are reported ACTIVE before their network works, and failures to plug go "
        "unnoticed.",
    fix="Keep vif_plugging_is_fatal = True and vif_plugging_timeout = 300.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nvif_plugging_is_fatal = False",
              "[DEFAULT] vif_plugging_is_fatal = False: instances may go ACTIVE without "
              "working network"),
        fails("nova 2026.2", "[DEFAULT]\nvif_plugging_is_fatal = True\nvif_plugging_timeout "
                             "= 0",
              "[DEFAULT] vif_plugging_timeout = 0: instances may go ACTIVE without working "
              "network"),
        passes("nova 2026.2", "[DEFAULT]\nvif_plugging_is_fatal = True\nvif_plugging_timeout "
                              "= 300"),
    ),
    source="tripleo-validations nova_event_callback; nova/conf/compute.py help",
)
def vif_plugging_not_awaited(report, context) -> Iterator[Hit]:
    fatal = context.option("DEFAULT", "vif_plugging_is_fatal")
    if fatal is not None and fatal.as_bool() is False:
        yield hit("DEFAULT", fatal)
    timeout = context.option("DEFAULT", "vif_plugging_timeout")
    if timeout is not None and timeout.as_int() == 0:
        yield hit("DEFAULT", timeout)


#: The first point release of each coordinated release whose `nova-status upgrade check`
#: requires the service token (the OSSA-2023-003 backports); every later release has it.
_SERVICE_TOKEN_CHECKED = {"yoga": (25, 2), "zed": (26, 2), "2023.1": (27, 1)}
_VERSION = re.compile(r"^(?:\d+:)?(\d+)\.(\d+)")


def _has_service_token_check(report, context) -> bool:
    """Whether the report's nova has the check: from 2023.2 on every release; in yoga,
    zed and 2023.1 only from the point release named above, which only the Package
    section's version tells (the release alone, known from the options or --release,
    does not: then the rule stays silent)."""
    if context.since("2023.2"):
        return True
    fixed = _SERVICE_TOKEN_CHECKED.get(context.release.name)
    found = _VERSION.match(report.package.version or "") if report.package else None
    return fixed is not None and found is not None and int(found[1]) == fixed[0] and \
        int(found[2]) >= fixed[1]


@rule(
    code="GMR214", name="service-user-token-disabled", severity=Severity.ERROR,
    reads=("service_user.send_service_user_token",),
    services=("nova",), releases=("yoga", None),
    message="[service_user] send_service_user_token = {value}: a cinder with the OSSA-2023-003 "
            "fix refuses nova's volume detaches, and nova-status upgrade check fails",
    what="nova does not send a service token with its calls to other services, on a "
         "release whose upgrade check requires it.",
    why="The fix for OSSA-2023-003 makes cinder refuse to delete the attachment of a volume "
        "that is still attached to an instance unless the request carries a service token "
        "(409 ConflictNovaUsingAttachment), so that users cannot leave the volume's device "
        "on the compute host for the next tenant. nova must send the token for its own "
        "detaches to pass; from nova 25.2.0, 26.2.0 and 27.1.0 (and every release from "
        "2023.2) `nova-status upgrade check` fails without it. In yoga, zed and 2023.1 "
        "the rule fires only when the Package section shows such a point release.",
    fix="Set [service_user] send_service_user_token = True with the [service_user] "
        "credentials of a user with the service role.",
    examples=(
        fails("nova 2026.2", "[service_user]\nsend_service_user_token = False",
              "[service_user] send_service_user_token = False: a cinder with the "
              "OSSA-2023-003 fix refuses nova's volume detaches, and nova-status upgrade "
              "check fails"),
        passes("nova 2026.2", "[service_user]\nsend_service_user_token = True"),
        fails("nova 2023.1", "[service_user]\nsend_service_user_token = False",
              "[service_user] send_service_user_token = False: a cinder with the "
              "OSSA-2023-003 fix refuses nova's volume detaches, and nova-status upgrade "
              "check fails"),
        passes("nova xena", "[service_user]\nsend_service_user_token = False"),
    ),
    source="OSSA-2023-003 (LP 2004555); nova/cmd/status.py `_check_service_user_token` "
           "(FAILURE; first in 25.2.0, 26.2.0, 27.1.0, in every 28.0.0 and later; absent "
           "from 25.1.1, 26.1.1, 27.0.0); cinder/volume/api.py `attachment_deletion_allowed` "
           "(cinder 27.0.0)",
)
def service_user_token_disabled(report, context) -> Iterator[Hit]:
    option = context.option("service_user", "send_service_user_token")
    if option is not None and option.as_bool() is False and \
            _has_service_token_check(report, context):
        yield hit("service_user", option)


@rule(
    code="GMR216", name="console-proxyclient-loopback", severity=Severity.WARNING,
    reads=("vnc.server_proxyclient_address", "spice.server_proxyclient_address",
           "serial_console.proxyclient_address", "vnc.enabled", "spice.enabled",
           "serial_console.enabled"),
    services=("nova",),
    message="[{group}] {option} = {value}: a console proxy on another host cannot reach it",
    what="A compute's console (VNC, SPICE or serial) is offered to the proxy on loopback.",
    why="The console proxy runs on controllers and connects to this address; 127.0.0.1 is "
        "the proxy's own host, so consoles fail or reach the wrong machine.",
    fix="Use the compute's address on the management network.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[vnc]\nserver_proxyclient_address = 127.0.0.1",
              "[vnc] server_proxyclient_address = 127.0.0.1: a console proxy on another host "
              "cannot reach it"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[vnc]\nserver_proxyclient_address = 10.20.30.11"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[vnc]\nenabled = False\n"
                              "server_proxyclient_address = 127.0.0.1"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-api\n[vnc]\nserver_proxyclient_address = 127.0.0.1"),
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[serial_console]\nenabled = True\n"
                             "proxyclient_address = 127.0.0.1",
              "[serial_console] proxyclient_address = 127.0.0.1: a console proxy on another "
              "host cannot reach it"),
    ),
    source="nova/conf/vnc.py help; risu vnc-console-localhost.sh (BZ 1468101); "
           "RULES.md NOVA-019",
)
def console_proxyclient_loopback(report, context) -> Iterator[Hit]:
    if report.program != "nova-compute":
        return  # only a compute hands its console address to the proxy
    for group, name in (("vnc", "server_proxyclient_address"),
                        ("spice", "server_proxyclient_address"),
                        ("serial_console", "proxyclient_address")):
        option = context.option(group, name)
        enabled = context.option(group, "enabled")
        if option is not None and option.value in ("127.0.0.1", "::1", "localhost") and (
                enabled is None or enabled.as_bool()):
            yield hit(group, option)


@rule(
    code="GMR217", name="disk-preallocation", severity=Severity.INFO,
    reads=("DEFAULT.compute_driver", "DEFAULT.preallocate_images", "libvirt.images_type"),
    services=("nova",),
    message="[DEFAULT] preallocate_images = {value}: every instance disk file takes its full "
            "size on the host when the instance is created",
    what="A libvirt compute preallocates the local disk files of its instances.",
    why="With `space`, nova runs `fallocate -n -l SIZE` on each new qcow2 or raw disk file "
        "(nova/virt/libvirt/imagebackend.py `Image.cache`): the host gives up thin "
        "provisioning and copy-on-write savings, so the disk space it really has, not the "
        "disk allocation ratio, bounds how many instances fit. That is the documented "
        "purpose (no surprise ENOSPC later, fewer fragmented writes), not a bug: worth "
        "knowing when sizing the host. lvm and rbd disks ignore the option.",
    fix="Keep it if full allocation is meant; otherwise set preallocate_images = none.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[DEFAULT]\ncompute_driver = "
                             "libvirt.LibvirtDriver\npreallocate_images = space",
              "[DEFAULT] preallocate_images = space: every instance disk file takes its full "
              "size on the host when the instance is created"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\npreallocate_images = none"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\npreallocate_images = "
                              "space\n[libvirt]\nimages_type = rbd"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-api\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\npreallocate_images = space"),
    ),
    source="nova/conf/compute.py preallocate_images help (\"Storage is fully allocated at "
           "instance start\"); nova/virt/libvirt/imagebackend.py (Flat and Qcow2 read it, "
           "Image.cache runs fallocate; Lvm and Rbd do not); RULES.md NOVA-024",
)
def disk_preallocation(report, context) -> Iterator[Hit]:
    if not _libvirt_compute(report, context):
        return
    option = context.option("DEFAULT", "preallocate_images")
    backend = context.option("libvirt", "images_type")
    if option is not None and option.value.lower() == "space" and (
            backend is None or backend.value in ("default", "qcow2", "raw", "flat")):
        yield hit("DEFAULT", option)


libvirt_perf_events = option_rule(
    code="GMR218", name="libvirt-perf-events", severity=Severity.INFO, services=("nova",),
    group="libvirt", option="enabled_perf_events", when=("not_in", ["", "None"]),
    message="[libvirt] enabled_perf_events = {value}: performance counters are collected",
    what="libvirt collects hardware performance events for every guest.",
    why="The counters cost CPU on every guest, and most events are unsupported on recent "
        "kernels and CPUs.",
    fix="Leave the list empty unless something consumes the data.",
    examples=(
        fails("nova 2026.2", "[libvirt]\nenabled_perf_events = cmt",
              "[libvirt] enabled_perf_events = cmt: performance counters are collected"),
        passes("nova 2026.2", "[libvirt]\nenabled_perf_events ="),
    ),
    source="risu perf-events.sh; nova/conf/libvirt.py help",
)


@rule(
    code="GMR219", name="vcpu-pin-set-with-dedicated", severity=Severity.ERROR,
    reads=("DEFAULT.compute_driver", "DEFAULT.vcpu_pin_set", "compute.cpu_dedicated_set"),
    services=("nova",), releases=("train", None),
    message="[DEFAULT] vcpu_pin_set = {value} with [compute] cpu_dedicated_set set: "
            "nova-compute refuses to start",
    what="The deprecated vcpu_pin_set is set along with cpu_dedicated_set on a libvirt "
         "compute.",
    why="Since Train, the libvirt driver raises InvalidConfiguration when it starts with "
        "both (\"vcpu_pin_set ... cannot be defined alongside [compute] "
        "cpu_dedicated_set\"), so the compute never comes up. With cpu_shared_set instead "
        "it only logs a warning and keeps the legacy meaning of vcpu_pin_set, and "
        "vcpu_pin_set alone is merely deprecated (GMR701 says so).",
    fix="Drop vcpu_pin_set: cpu_dedicated_set (and cpu_shared_set) replace it.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\ncompute_driver = "
                             "libvirt.LibvirtDriver\nvcpu_pin_set = 4-15\n[compute]\n"
                             "cpu_dedicated_set = 4-15",
              "[DEFAULT] vcpu_pin_set = 4-15 with [compute] cpu_dedicated_set set: "
              "nova-compute refuses to start"),
        passes("nova 2026.2", "[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\nvcpu_pin_set = None\n[compute]\n"
                              "cpu_dedicated_set = 4-15"),
        passes("nova 2026.2", "[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\nvcpu_pin_set = 4-15\n[compute]\n"
                              "cpu_shared_set = 0-3"),
        passes("nova 2026.2", "[DEFAULT]\ncompute_driver = "
                              "ironic.IronicDriver\nvcpu_pin_set = 4-15\n[compute]\n"
                              "cpu_dedicated_set = 4-15"),
    ),
    source="nova/virt/libvirt/driver.py `_check_cpu_set_configuration` (20.0.0 and later: "
           "InvalidConfiguration with cpu_dedicated_set, a warning with cpu_shared_set), "
           "called from `init_host`; nova/conf/compute.py vcpu_pin_set (deprecated since "
           "20.0.0); RULES.md NOVA-028",
)
def vcpu_pin_set_with_dedicated(report, context) -> Iterator[Hit]:
    # Any nova service's report may show it: the compute itself does not stay up to print one.
    if not _libvirt(context):
        return
    pin = context.option("DEFAULT", "vcpu_pin_set")
    dedicated = context.option("compute", "cpu_dedicated_set")
    if pin is not None and not pin.is_none and pin.value and dedicated is not None and \
            not dedicated.is_none and dedicated.value:
        yield hit("DEFAULT", pin)


@rule(
    code="GMR220", name="guests-not-resumed", severity=Severity.INFO, services=("nova",),
    reads=("DEFAULT.resume_guests_state_on_host_boot",),
    message="[DEFAULT] resume_guests_state_on_host_boot = {value}: guests stay off after a "
            "hypervisor reboot",
    what="Instances that were running are not started again when their host reboots.",
    why="After a planned or unplanned reboot, every instance on the host stays shut off "
        "until someone starts it.",
    fix="Turn it on, unless an HA tool restarts instances.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[DEFAULT]\nresume_guests_state_on_host_boot = "
                             "False",
              "[DEFAULT] resume_guests_state_on_host_boot = False: guests stay off after a "
              "hypervisor reboot"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\nresume_guests_state_on_host_boot = "
                              "True"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-api\n[DEFAULT]\nresume_guests_state_on_host_boot = "
                              "False"),
    ),
    source="risu resume-guests-state-on-host-boot.sh; RULES.md NOVA-031",
)
def guests_not_resumed(report, context) -> Iterator[Hit]:
    if report.program != "nova-compute":
        return  # nova-api registers the option too, but only computes boot guests
    option = context.option("DEFAULT", "resume_guests_state_on_host_boot")
    if option is not None and option.as_bool() is False:
        yield hit("DEFAULT", option)


@rule(
    code="GMR221", name="live-migration-in-clear", severity=Severity.WARNING,
    reads=("DEFAULT.compute_driver", "libvirt.virt_type", "libvirt.live_migration_tunnelled",
           "libvirt.live_migration_with_native_tls", "libvirt.live_migration_scheme",
           "libvirt.live_migration_uri"),
    services=("nova",), releases=("stein", None),
    message="[libvirt] live_migration_with_native_tls = {value}, not tunnelled, over "
            "{transport}: live migration sends guest memory and the libvirt connection in "
            "clear",
    what="A libvirt compute live-migrates with nothing encrypted: no native TLS, no "
         "tunnelling, and a plain TCP connection to the other host's libvirtd.",
    why="nova's defaults dial qemu+tcp:// and let QEMU stream guest RAM, device state and "
        "non-shared disks straight to the destination. Anyone on the migration network reads "
        "the memory of every instance moved (keys, passwords, data), and the plain TCP "
        "libvirtd that OSSN-0007 warns about must be reachable from other hosts. With the "
        "ssh or tls scheme the libvirt connection is protected and the rule stays silent, "
        "though QEMU's stream is still in clear without native TLS. (Native TLS with the "
        "wrong scheme is GMR210; tunnelling, deprecated, is GMR701's.)",
    fix="Set up the TLS environment on the computes, then set [libvirt] "
        "live_migration_with_native_tls = True and live_migration_scheme = tls.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[DEFAULT]\ncompute_driver = "
                             "libvirt.LibvirtDriver\n[libvirt]\nvirt_type = "
                             "kvm\nlive_migration_tunnelled = "
                             "False\nlive_migration_with_native_tls = "
                             "False\nlive_migration_scheme = None",
              "[libvirt] live_migration_with_native_tls = False, not tunnelled, over tcp: live "
              "migration sends guest memory and the libvirt connection in clear"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\n[libvirt]\nvirt_type = "
                              "kvm\nlive_migration_tunnelled = "
                              "False\nlive_migration_with_native_tls = "
                              "True\nlive_migration_scheme = tls"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\n[libvirt]\nvirt_type = "
                              "kvm\nlive_migration_tunnelled = "
                              "False\nlive_migration_with_native_tls = "
                              "False\nlive_migration_scheme = ssh"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\n[libvirt]\nvirt_type = "
                              "kvm\nlive_migration_tunnelled = "
                              "True\nlive_migration_with_native_tls = False"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\n[libvirt]\nvirt_type = "
                              "lxc\nlive_migration_with_native_tls = False"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[DEFAULT]\ncompute_driver = "
                              "ironic.IronicDriver\n[libvirt]\nlive_migration_with_native_tls "
                              "= False"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-scheduler\n[DEFAULT]\ncompute_driver = "
                              "libvirt.LibvirtDriver\n[libvirt]\nlive_migration_with_native_tls "
                              "= False"),
    ),
    source="OSSN-0007 (libvirtd reachable over plain TCP for live migration); libvirt "
           "remote transports (tcp: unencrypted TCP/IP socket); nova "
           "doc/source/admin/secure-live-migration-with-qemu-native-tls.rst; "
           "nova/virt/libvirt/driver.py `_live_migration_uri` (qemu+tcp by default), "
           "`_handle_native_tls`, `_handle_live_migration_tunnelled`; nova/conf/libvirt.py "
           "(live_migration_with_native_tls since 19.0.0)",
)
def live_migration_in_clear(report, context) -> Iterator[Hit]:
    if not _libvirt_compute(report, context):
        return
    virt_type = context.option("libvirt", "virt_type")
    if virt_type is None or virt_type.value not in ("kvm", "qemu"):
        return  # only QEMU guests live-migrate through these settings
    tunnelled = context.option("libvirt", "live_migration_tunnelled")
    native_tls = context.option("libvirt", "live_migration_with_native_tls")
    if tunnelled is None or tunnelled.as_bool() is not False or native_tls is None or \
            native_tls.as_bool() is not False:
        return
    transport = _migration_transport(context)
    if transport == "tcp":
        yield hit("libvirt", native_tls, transport=transport)


#: Each console: its group, the option with the URL handed to clients, the insecure scheme.
_CONSOLE_URLS = (("vnc", "novncproxy_base_url", "http"),
                 ("spice", "html5proxy_base_url", "http"),
                 ("serial_console", "base_url", "ws"))


@rule(
    code="GMR222", name="console-url-without-tls", severity=Severity.WARNING,
    reads=("vnc.enabled", "vnc.novncproxy_base_url", "spice.enabled",
           "spice.html5proxy_base_url", "serial_console.enabled", "serial_console.base_url"),
    services=("nova",),
    message="[{group}] {option} = {value}: console sessions and their access tokens travel "
            "without TLS",
    what="A compute hands clients a console proxy URL over http:// (ws:// for the serial "
         "console) for a console it has enabled.",
    why="The compute builds each console's access URL from this base and a token that "
        "opens the console (nova/compute/manager.py `get_vnc_console`, "
        "`get_spice_console`, `get_serial_console`). Over plain http or ws, anyone on the "
        "path reads the token and the session: keystrokes, passwords typed at the "
        "console, the screen. Loopback URLs are left alone: the traffic stays on the host.",
    fix="Serve the proxy over TLS (its [DEFAULT] ssl_only, cert and key, or a TLS "
        "terminating load balancer) and give its https:// (wss://) URL.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[vnc]\nenabled = True\nnovncproxy_base_url = "
                             "http://console.example.com:6080/vnc_auto.html",
              "[vnc] novncproxy_base_url = http://console.example.com:6080/vnc_auto.html: "
              "console sessions and their access tokens travel without TLS"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[vnc]\nenabled = True\nnovncproxy_base_url = "
                              "https://console.example.com:6080/vnc_auto.html"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[vnc]\nenabled = False\nnovncproxy_base_url = "
                              "http://console.example.com:6080/vnc_auto.html"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[vnc]\nenabled = True\nnovncproxy_base_url = "
                              "http://127.0.0.1:6080/vnc_auto.html"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-api\n[vnc]\nenabled = True\nnovncproxy_base_url = "
                              "http://console.example.com:6080/vnc_auto.html"),
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[spice]\nenabled = True\nhtml5proxy_base_url = "
                             "http://console.example.com:6082/spice_auto.html",
              "[spice] html5proxy_base_url = http://console.example.com:6082/spice_auto.html: "
              "console sessions and their access tokens travel without TLS"),
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[serial_console]\nenabled = True\nbase_url = "
                             "ws://console.example.com:6083/",
              "[serial_console] base_url = ws://console.example.com:6083/: console sessions "
              "and their access tokens travel without TLS"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[serial_console]\nenabled = True\nbase_url = "
                              "wss://console.example.com:6083/"),
    ),
    source="nova/compute/manager.py `get_vnc_console`, `get_spice_console`, "
           "`get_serial_console` (access_url_base from these options, used by the compute); "
           "nova/conf/vnc.py, spice.py, serial_console.py help",
)
def console_url_without_tls(report, context) -> Iterator[Hit]:
    if report.program != "nova-compute":
        return  # the compute builds the URL; other services only print the option
    for group, name, scheme in _CONSOLE_URLS:
        enabled = context.option(group, "enabled")
        if enabled is None or not enabled.as_bool():
            continue
        option = context.option(group, name)
        if option is None or option.is_none:
            continue
        url = urlsplit(option.value)
        if url.scheme.lower() == scheme and (url.hostname or "") not in _LOOPBACK:
            yield hit(group, option)


@rule(
    code="GMR223", name="image-signatures-not-verified", severity=Severity.INFO,
    reads=("glance.verify_glance_signatures",),
    services=("nova",),
    message="[glance] verify_glance_signatures = {value}: instances boot from images whose "
            "signatures are not checked",
    what="A compute downloads images without verifying their signatures.",
    why="Only with this option on (or when a user passes trusted certificates) does nova "
        "check a signed image against its img_signature properties while downloading it "
        "(nova/image/glance.py `_get_verifier`); otherwise an image changed in glance's "
        "store or on the way boots as if it were the uploaded one.",
    fix="Sign images and turn it on, with a [key_manager] backend that holds the signing "
        "certificates; then nova refuses unsigned images, so sign them all first.",
    examples=(
        fails("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                             "nova-compute\n[glance]\nverify_glance_signatures = False",
              "[glance] verify_glance_signatures = False: instances boot from images whose "
              "signatures are not checked"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-compute\n[glance]\nverify_glance_signatures = True"),
        passes("nova 2026.2", "[oslo_messaging_rabbit]\nprocessname = "
                              "nova-conductor\n[glance]\nverify_glance_signatures = False"),
    ),
    source="nova/conf/glance.py verify_glance_signatures help; nova/image/glance.py "
           "`_get_verifier` (called when the compute downloads an image)",
)
def image_signatures_not_verified(report, context) -> Iterator[Hit]:
    if report.program != "nova-compute":
        return  # images are downloaded and verified by the compute
    option = context.option("glance", "verify_glance_signatures")
    if option is not None and option.as_bool() is False:
        yield hit("glance", option)


@rule(
    code="GMR224", name="tunnelled-with-native-tls", severity=Severity.ERROR,
    reads=("DEFAULT.compute_driver", "libvirt.live_migration_tunnelled",
           "libvirt.live_migration_with_native_tls"),
    services=("nova",), releases=("stein", None),
    message="[libvirt] live_migration_tunnelled = {value} with "
            "live_migration_with_native_tls = True: nova-compute refuses to start",
    what="Tunnelled live migration and native TLS are both switched on for libvirt.",
    why="The libvirt driver raises Invalid when it starts with both (\"Setting both "
        "'live_migration_tunnelled' and 'live_migration_with_native_tls' at the same time "
        "is invalid\"), so the compute never comes up.",
    fix="Drop live_migration_tunnelled: native TLS (with live_migration_scheme = tls) "
        "replaces it.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\ncompute_driver = libvirt.LibvirtDriver\n[libvirt]\n"
                             "live_migration_tunnelled = True\nlive_migration_with_native_tls "
                             "= True",
              "[libvirt] live_migration_tunnelled = True with live_migration_with_native_tls "
              "= True: nova-compute refuses to start"),
        passes("nova 2026.2", "[DEFAULT]\ncompute_driver = libvirt.LibvirtDriver\n[libvirt]\n"
                              "live_migration_tunnelled = False\nlive_migration_with_native_tls "
                              "= True"),
        passes("nova 2026.2", "[DEFAULT]\ncompute_driver = ironic.IronicDriver\n[libvirt]\n"
                              "live_migration_tunnelled = True\nlive_migration_with_native_tls "
                              "= True"),
    ),
    source="nova/virt/libvirt/driver.py `init_host` (the check is there from 19.0.0, when "
           "live_migration_with_native_tls came)",
)
def tunnelled_with_native_tls(report, context) -> Iterator[Hit]:
    # Any nova service's report may show it: the compute itself does not stay up to print one.
    if not _libvirt(context):
        return
    tunnelled = context.option("libvirt", "live_migration_tunnelled")
    native_tls = context.option("libvirt", "live_migration_with_native_tls")
    if tunnelled is not None and tunnelled.as_bool() and native_tls is not None and \
            native_tls.as_bool():
        yield hit("libvirt", tunnelled)


RULES = (
    allocation_ratio_legacy_zero,
    allocation_ratio_negative,
    allocation_ratio_unlimited,
    ram_overcommit,
    removed_scheduler_filter,
    compute_filter_missing,
    image_service_plain_http,
    libvirt_lxc,
    sysinfo_serial_hardware,
    native_tls_without_scheme,
    vif_plugging_not_awaited,
    service_user_token_disabled,
    console_proxyclient_loopback,
    disk_preallocation,
    libvirt_perf_events,
    vcpu_pin_set_with_dedicated,
    guests_not_resumed,
    live_migration_in_clear,
    console_url_without_tls,
    image_signatures_not_verified,
    tunnelled_with_native_tls,
)
