"""GMR2xx: nova (RULES.md section 2.1)."""

from __future__ import annotations

from typing import Iterator

from gmr.lint.api import Hit, Severity, fails, hit, passes, rule

_RATIOS = ("cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio")
#: Scheduler filters and the release that removed them.
_REMOVED_FILTERS = {
    "ExactCoreFilter": "rocky", "ExactRamFilter": "rocky", "ExactDiskFilter": "rocky",
    "CoreFilter": "train", "RamFilter": "train", "DiskFilter": "train",
    "RetryFilter": "victoria", "AggregateRamFilter": "victoria",
    "AggregateDiskFilter": "victoria",
}


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


@rule(
    code="GMR204", name="ram-overcommit", severity=Severity.INFO,
    reads=("DEFAULT.ram_allocation_ratio",),
    services=("nova",), releases=("2023.1", None),
    message="[DEFAULT] ram_allocation_ratio = {value}: memory is overcommitted",
    what="RAM is overcommitted on nova 27 (2023.1) or later.",
    why="Upstream lowered the initial RAM ratio to 1.0 in 2023.1: overcommitted memory ends "
        "in swapping or the OOM killer taking instances down.",
    fix="Use 1.0 unless the workload is known to leave memory unused.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nram_allocation_ratio = 1.5",
              "[DEFAULT] ram_allocation_ratio = 1.5: memory is overcommitted"),
        passes("nova rocky", "[DEFAULT]\nram_allocation_ratio = 1.5"),
    ),
    source="nova doc/source/admin/scheduling.rst (2023.1 initial ratios cpu 4.0, ram 1.0); "
           "RULES.md NOVA-002",
)
def ram_overcommit(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "ram_allocation_ratio")
    if option is not None and (option.as_float() or 0.0) > 1.0:
        yield hit("DEFAULT", option)


@rule(
    code="GMR205", name="removed-scheduler-filter", severity=Severity.ERROR,
    reads=("filter_scheduler.enabled_filters", "DEFAULT.scheduler_default_filters"),
    services=("nova",), releases=("rocky", None),
    message="[{group}] {option} has {filter}, removed in {removed}: the scheduler fails to "
            "start",
    what="The scheduler is told to use a filter the running release no longer has.",
    why="nova-scheduler fails with SchedulerHostFilterNotFound; placement does the work of "
        "the removed core, RAM and disk filters.",
    fix="Drop the filter from the list.",
    examples=(
        fails("nova 2026.2", "[filter_scheduler]\nenabled_filters = ComputeFilter,CoreFilter",
              "[filter_scheduler] enabled_filters has CoreFilter, removed in Train: the "
              "scheduler fails to start"),
        passes("nova rocky", "[filter_scheduler]\nenabled_filters = ComputeFilter,CoreFilter"),
    ),
    source="nova release notes remove_exact_filters (18.0.0), remove-core-ram-disk-filters "
           "(20.0.0), remove-retry-and-aggregate-filters (22.0.0)",
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
    ),
    source="OpenStack Security Guide Check-Compute-05, Check-Block-06",
)
def image_service_plain_http(report, context) -> Iterator[Hit]:
    for group, name in (("glance", "api_servers"), ("DEFAULT", "glance_api_servers")):
        option = context.option(group, name)
        if option is not None and any(item.startswith("http://")
                                      for item in option.as_list() or ()):
            yield hit(group, option)


@rule(
    code="GMR208", name="libvirt-lxc", severity=Severity.WARNING, services=("nova",),
    reads=("libvirt.virt_type",),
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
def libvirt_lxc(report, context) -> Iterator[Hit]:
    option = context.option("libvirt", "virt_type")
    if option is not None and option.value == "lxc":
        yield hit("libvirt", option)


@rule(
    code="GMR209", name="sysinfo-serial-hardware", severity=Severity.WARNING,
    reads=("libvirt.sysinfo_serial",),
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
def sysinfo_serial_hardware(report, context) -> Iterator[Hit]:
    option = context.option("libvirt", "sysinfo_serial")
    if option is not None and option.value == "hardware":
        yield hit("libvirt", option)


@rule(
    code="GMR210", name="native-tls-without-scheme", severity=Severity.ERROR,
    reads=("libvirt.live_migration_with_native_tls", "libvirt.live_migration_scheme",
           "libvirt.live_migration_uri"),
    services=("nova",),
    message="[libvirt] live_migration_with_native_tls = True without live_migration_scheme or "
            "live_migration_uri: instance memory still migrates in clear",
    what="Native TLS for live migration is switched on but not used.",
    why="Without a scheme or URI asking for TLS, libvirt migrates guest RAM over plain TCP "
        "while the setting suggests it is encrypted.",
    fix="Also set live_migration_scheme = tls.",
    examples=(
        fails("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                             "True\nlive_migration_scheme = None",
              "[libvirt] live_migration_with_native_tls = True without live_migration_scheme "
              "or live_migration_uri: instance memory still migrates in clear"),
        passes("nova 2026.2", "[libvirt]\nlive_migration_with_native_tls = "
                              "True\nlive_migration_scheme = tls"),
    ),
    source="OSSN-0089",
)
def native_tls_without_scheme(report, context) -> Iterator[Hit]:
    option = context.option("libvirt", "live_migration_with_native_tls")
    if option is None or not option.as_bool():
        return
    for name in ("live_migration_scheme", "live_migration_uri"):
        other = context.option("libvirt", name)
        if other is not None and not other.is_none and other.value:
            return
    yield hit("libvirt", option)


@rule(
    code="GMR211", name="vnc-listens-on-host-address", severity=Severity.WARNING,
    reads=("DEFAULT.my_ip", "vnc.server_listen", "vnc.vncserver_listen"),
    services=("nova",),
    message="[vnc] {option} = {value} is this host's my_ip: consoles break after a live "
            "migration",
    what="The VNC server listens on the compute host's own address.",
    why="The listen address is written into the guest's libvirt XML; after a live migration "
        "the guest would listen on the old host's address and its console is gone (or the "
        "migration fails).",
    fix="Listen on all addresses, and restrict access with the firewall.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nmy_ip = 10.0.0.5\n[vnc]\nserver_listen = 10.0.0.5",
              "[vnc] server_listen = 10.0.0.5 is this host's my_ip: consoles break after a "
              "live migration"),
        passes("nova 2026.2", "[DEFAULT]\nmy_ip = 10.0.0.5\n[vnc]\nserver_listen = 0.0.0.0"),
    ),
    source="nova doc/source/admin/configuring-migrations.rst; nova release note "
           "remove-deprecated-vnc-opts (25.0.0) for the old vncserver_listen name",
)
def vnc_listens_on_host_address(report, context) -> Iterator[Hit]:
    my_ip = context.option("DEFAULT", "my_ip")
    if my_ip is None or my_ip.is_none or my_ip.value.startswith("127.") or my_ip.value == "::1":
        return  # a loopback my_ip is no address of the host's own
    for name in ("server_listen", "vncserver_listen"):
        option = context.option("vnc", name)
        if option is not None and option.value == my_ip.value:
            yield hit("vnc", option)


@rule(
    code="GMR212", name="service-down-time-too-short", severity=Severity.ERROR,
    reads=("DEFAULT.service_down_time", "DEFAULT.report_interval"),
    services=("nova",),
    message="[DEFAULT] service_down_time = {value} is not above report_interval = {interval}: "
            "services are taken for dead between two reports",
    what="nova considers a service down sooner than services report.",
    why="Computes flap between up and down, the scheduler skips them and evacuation tools "
        "may act on healthy hosts.",
    fix="Keep service_down_time several times report_interval (defaults 60 and 10).",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nreport_interval = 30\nservice_down_time = 20",
              "[DEFAULT] service_down_time = 20 is not above report_interval = 30: services "
              "are taken for dead between two reports"),
        passes("nova 2026.2", "[DEFAULT]\nreport_interval = 10\nservice_down_time = 60"),
    ),
    source="nova/conf/service.py help of report_interval and service_down_time",
)
def service_down_time_too_short(report, context) -> Iterator[Hit]:
    down = context.option("DEFAULT", "service_down_time")
    interval = context.option("DEFAULT", "report_interval")
    if down is None or interval is None or down.as_float() is None or \
            interval.as_float() is None:
        return
    if down.as_float() <= interval.as_float():
        yield hit("DEFAULT", down, interval=interval.value)


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


@rule(
    code="GMR214", name="service-user-token-disabled", severity=Severity.ERROR,
    reads=("service_user.send_service_user_token",),
    services=("nova", "cinder"), releases=("2023.2", None),
    message="[service_user] send_service_user_token = {value}: volumes can be exposed to "
            "other tenants (OSSA-2023-003)",
    what="The service does not send a service token with its calls to other services.",
    why="Since the fix for OSSA-2023-003, cinder and nova rely on the service token to tell "
        "their own requests from users'; without it block-storage data can be exposed, and "
        "`nova-status upgrade check` fails.",
    fix="Send the service token, with [service_user] credentials.",
    examples=(
        fails("nova 2026.2", "[service_user]\nsend_service_user_token = False",
              "[service_user] send_service_user_token = False: volumes can be exposed to "
              "other tenants (OSSA-2023-003)"),
        passes("nova 2026.2", "[service_user]\nsend_service_user_token = True"),
    ),
    source="OSSA-2023-003 (LP 2004555); nova/cmd/status.py; nova release note "
           "service-user-token; hotsos nova/bugs/lp2004555.yaml",
)
def service_user_token_disabled(report, context) -> Iterator[Hit]:
    option = context.option("service_user", "send_service_user_token")
    if option is not None and option.as_bool() is False:
        yield hit("service_user", option)


@rule(
    code="GMR215", name="tunnelled-live-migration", severity=Severity.WARNING,
    reads=("libvirt.live_migration_tunnelled",),
    services=("nova",), releases=("wallaby", None),
    message="[libvirt] live_migration_tunnelled = {value}: deprecated, slow, and no block "
            "migration",
    what="Live migration is tunnelled through libvirtd.",
    why="Tunnelling copies guest memory through the libvirt daemon, which is slow, cannot "
        "migrate non-shared disks, and is deprecated since nova 23 (Wallaby) in favour of "
        "native TLS.",
    fix="Use native TLS instead.",
    examples=(
        fails("nova 2026.2", "[libvirt]\nlive_migration_tunnelled = True",
              "[libvirt] live_migration_tunnelled = True: deprecated, slow, and no block "
              "migration"),
        passes("nova 2026.2", "[libvirt]\nlive_migration_tunnelled = False"),
    ),
    source="nova/conf/libvirt.py (live_migration_tunnelled deprecated_since 23.0.0)",
)
def tunnelled_live_migration(report, context) -> Iterator[Hit]:
    option = context.option("libvirt", "live_migration_tunnelled")
    if option is not None and option.as_bool():
        yield hit("libvirt", option)


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
    code="GMR217", name="preallocate-with-cow", severity=Severity.WARNING,
    reads=("DEFAULT.preallocate_images", "DEFAULT.use_cow_images"),
    services=("nova",),
    message="[DEFAULT] preallocate_images = {value} with use_cow_images = True: a known bug "
            "fills hosts",
    what="Disk preallocation is combined with copy-on-write qcow2 images.",
    why="With qcow2 overlays, `space` preallocation allocates the whole virtual size on "
        "every instance (BZ 1554265), which fills the host's disk.",
    fix="Use preallocate_images = none with qcow2, or raw images.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\npreallocate_images = space\nuse_cow_images = True",
              "[DEFAULT] preallocate_images = space with use_cow_images = True: a known bug "
              "fills hosts"),
        passes("nova 2026.2", "[DEFAULT]\npreallocate_images = none\nuse_cow_images = True"),
    ),
    source="risu 1554265.sh (BZ 1554265); RULES.md NOVA-024",
)
def preallocate_with_cow(report, context) -> Iterator[Hit]:
    option = context.option("DEFAULT", "preallocate_images")
    cow = context.option("DEFAULT", "use_cow_images")
    if option is not None and option.value == "space" and cow is not None and cow.as_bool():
        yield hit("DEFAULT", option)


@rule(
    code="GMR218", name="libvirt-perf-events", severity=Severity.INFO, services=("nova",),
    reads=("libvirt.enabled_perf_events",),
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
def libvirt_perf_events(report, context) -> Iterator[Hit]:
    option = context.option("libvirt", "enabled_perf_events")
    if option is not None and option.as_list():
        yield hit("libvirt", option)


@rule(
    code="GMR219", name="vcpu-pin-set-with-dedicated", severity=Severity.ERROR,
    reads=("DEFAULT.vcpu_pin_set", "compute.cpu_dedicated_set", "compute.cpu_shared_set"),
    services=("nova",), releases=("train", None),
    message="[DEFAULT] vcpu_pin_set is set together with [compute] {option}: nova-compute "
            "refuses to start",
    what="The deprecated vcpu_pin_set is set along with cpu_dedicated_set or cpu_shared_set.",
    why="Since Train, nova-compute raises an error when both are set; vcpu_pin_set is "
        "deprecated.",
    fix="Move the CPUs to [compute] cpu_dedicated_set (or cpu_shared_set) and drop "
        "vcpu_pin_set.",
    examples=(
        fails("nova 2026.2", "[DEFAULT]\nvcpu_pin_set = 4-15\n[compute]\ncpu_dedicated_set = "
                             "4-15",
              "[DEFAULT] vcpu_pin_set is set together with [compute] cpu_dedicated_set: "
              "nova-compute refuses to start"),
        passes("nova 2026.2", "[DEFAULT]\nvcpu_pin_set = None\n[compute]\ncpu_dedicated_set = "
                              "4-15"),
    ),
    source="nova release note cpu-resources (20.0.0); hotsos nova/cpu_pinning.yaml",
)
def vcpu_pin_set_with_dedicated(report, context) -> Iterator[Hit]:
    pin = context.option("DEFAULT", "vcpu_pin_set")
    if pin is None or pin.is_none or not pin.value:
        return
    for name in ("cpu_dedicated_set", "cpu_shared_set"):
        option = context.option("compute", name)
        if option is not None and not option.is_none and option.value:
            yield hit("compute", option)


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
    ),
    source="risu resume-guests-state-on-host-boot.sh; RULES.md NOVA-031",
)
def guests_not_resumed(report, context) -> Iterator[Hit]:
    if report.program != "nova-compute":
        return  # nova-api registers the option too, but only computes boot guests
    option = context.option("DEFAULT", "resume_guests_state_on_host_boot")
    if option is not None and option.as_bool() is False:
        yield hit("DEFAULT", option)


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
    vnc_listens_on_host_address,
    service_down_time_too_short,
    vif_plugging_not_awaited,
    service_user_token_disabled,
    tunnelled_live_migration,
    console_proxyclient_loopback,
    preallocate_with_cow,
    libvirt_perf_events,
    vcpu_pin_set_with_dedicated,
    guests_not_resumed,
)
