"""`gmr diff` on fleets made by the real generator: each node with its own host name and
addresses, and a few deliberate differences that must be found, and nothing else."""

from __future__ import annotations

import json
from pathlib import Path

import generator as gen
from conftest import report_text, run_gmr
import pytest

import gmr
from gmr import diff_reports

CONTROLLER = "10.20.30.10"


def compute_node(n: int, changes: dict | None = None, secret: bool = True) -> gen.ReportSpec:
    """nova-compute number `n`: own host and address, everything else fleet-wide, then
    `changes` ({(group, option): value}, None to leave the option unregistered);
    `secret=False` registers transport_url without the secret flag."""
    changes = changes or {}
    own_ip = f"10.20.30.{10 + n}"
    options = {
        ("DEFAULT", "host"): ("hostaddress", f"compute{n}"),
        ("DEFAULT", "my_ip"): ("ip", own_ip),
        ("DEFAULT", "cpu_allocation_ratio"): ("float", 4.0),
        ("DEFAULT", "transport_url"): ("uri", f"rabbit://nova:secret@{CONTROLLER}:5672/"),
        ("vnc", "server_listen"): ("hostaddress", own_ip),
        ("vnc", "server_proxyclient_address"): ("hostaddress", own_ip),
        ("vnc", "novncproxy_base_url"): ("uri", f"http://{CONTROLLER}:6080/vnc_lite.html"),
        ("libvirt", "live_migration_inbound_addr"): ("str", f"compute{n}.example.org"),
        ("filter_scheduler", "enabled_filters"): ("list", ["ComputeFilter", "ImagePropertiesFilter"]),
        ("pci", "alias"): ("dict", {"name": "gpu", "vendor_id": "10de"}),
        ("pci", "report_in_placement"): ("bool", False),
        ("keystone_authtoken", "password"): ("str", "leaked-in-clear"),
        ("glance", "api_servers"): ("list", [f"http://{CONTROLLER}:9292"]),
    }
    secret = {("DEFAULT", "transport_url")} if secret else set()
    specs = []
    for (group, name), (kind, value) in options.items():
        value = changes.get((group, name), value)
        if value is not None:
            specs.append(gen.OptionSpec(group, name, kind, value, secret=(group, name) in secret))
    return gen.ReportSpec(options=tuple(specs), threads=0, greenlets=0)


def parsed(spec: gen.ReportSpec) -> gmr.Report:
    (report,) = gmr.parse(gen.generate(spec).text, path="report.txt")
    return report


@pytest.fixture(scope="module")
def fleet() -> list[gmr.Report]:
    """Eight computes; four carry a deliberate difference."""
    return [
        parsed(compute_node(1)),
        parsed(compute_node(2)),
        parsed(compute_node(3, {("DEFAULT", "cpu_allocation_ratio"): 16.0})),
        parsed(compute_node(4, {("vnc", "server_listen"): "10.20.30.11"})),  # compute1's
        parsed(compute_node(5, {("pci", "alias"): None})),
        parsed(compute_node(6, {("filter_scheduler", "enabled_filters"):
                                  ["ImagePropertiesFilter", "ComputeFilter", "NUMATopologyFilter"]})),
        parsed(compute_node(7, {("keystone_authtoken", "password"): "another-secret"})),
        parsed(compute_node(8, {("filter_scheduler", "enabled_filters"):
                                  ["ImagePropertiesFilter", "ComputeFilter"]})),  # same set
    ]


def test_two_nodes_differ_only_where_made_to(fleet):
    result = diff_reports([fleet[0], fleet[2]])
    assert [(d.group, d.option) for d in result.differences] == [("default", "cpu_allocation_ratio")]
    (difference,) = result.differences
    assert difference.values == {"compute1": "4.0", "compute3": "16.0"}
    assert difference.majority is None and difference.outliers == []
    assert not result.package and not result.processes


def test_two_identical_nodes_with_their_own_addresses_are_identical(fleet):
    result = diff_reports([fleet[0], fleet[1]])
    assert result.identical and result.differences == []
    assert {(m.group, m.option) for m in result.masked} == {("default", "transport_url")}


def test_fleet_outliers_are_exactly_the_deliberate_differences(fleet):
    result = diff_reports(fleet)
    found = {(d.group, d.option): d for d in result.differences}
    assert set(found) == {
        ("default", "cpu_allocation_ratio"),
        ("vnc", "server_listen"),
        ("pci", "alias"),
        ("filter_scheduler", "enabled_filters"),
        ("keystone_authtoken", "password"),
    }
    assert found["default", "cpu_allocation_ratio"].outliers == ["compute3"]
    assert found["default", "cpu_allocation_ratio"].majority == "4.0"
    listen = found["vnc", "server_listen"]
    assert listen.outliers == ["compute4"] and listen.majority == "<my_ip>"
    assert listen.values["compute4"] == "10.20.30.11"
    assert found["pci", "alias"].outliers == ["compute5"]
    assert found["pci", "alias"].values["compute5"] is None  # absent
    filters = found["filter_scheduler", "enabled_filters"]
    assert filters.outliers == ["compute6"]  # compute8 lists the same set in another order
    assert filters.changes == {"compute6": ["+ NUMATopologyFilter"]}


def test_leaked_secrets_are_compared_but_never_shown(fleet):
    result = diff_reports(fleet)
    dumped = result.model_dump_json()
    assert "leaked-in-clear" not in dumped and "another-secret" not in dumped
    (password,) = [d for d in result.differences if d.option == "password"]
    assert password.outliers == ["compute7"]
    assert password.values["compute1"] == "<redacted> #1"
    assert password.values["compute7"] == "<redacted> #2"


def test_identity_options_and_own_addresses_are_shown_with_all(fleet):
    everything = diff_reports(fleet[:2], identity=())
    options = {(d.group, d.option) for d in everything.differences}
    assert {("default", "host"), ("default", "my_ip"), ("vnc", "server_listen")} <= options


def test_ignore_and_only_take_globs_on_group_dot_option(fleet):
    assert not diff_reports(fleet, ignore=["*"]).differences
    only = diff_reports(fleet, only=["vnc.*", "DEFAULT.cpu_*"]).differences
    assert {(d.group, d.option) for d in only} == {("vnc", "server_listen"),
                                                   ("default", "cpu_allocation_ratio")}


def test_baseline_compares_each_node_with_the_golden_report(fleet):
    result = diff_reports(fleet[1:4], baseline=[fleet[0]])
    assert [node.name for node in result.baseline] == ["compute1"]
    found = {(d.group, d.option): d for d in result.differences}
    assert set(found) == {("default", "cpu_allocation_ratio"), ("vnc", "server_listen")}
    assert found["default", "cpu_allocation_ratio"].majority == "4.0"
    assert found["default", "cpu_allocation_ratio"].outliers == ["compute3"]


def test_version_and_worker_drift():
    def node(host, version, children):
        return parsed(gen.ReportSpec(
            package=("OpenStack Nova", "OpenStack Foundation", version), threads=0,
            greenlets=0, children=children, options=(gen.OptionSpec("DEFAULT", "host", "str", host),)))

    result = diff_reports([node("c1", "33.0.0", 1), node("c2", "34.0.0", 2),
                              node("c3", "34.0.0", 2)])
    (version,) = result.package
    assert version.values == {"c1": "33.0.0", "c2": "34.0.0", "c3": "34.0.0"}
    assert (version.majority, version.outliers) == ("34.0.0", ["c1"])
    (workers,) = result.processes
    assert (workers.majority, workers.outliers) == (2, ["c1"])
    assert not result.identical


def test_masked_on_one_node_and_clear_on_another_is_a_difference_shown_redacted(fleet):
    clear = parsed(compute_node(9, secret=False))
    result = diff_reports([fleet[0], clear])
    (difference,) = result.differences
    assert difference.option == "transport_url"
    assert difference.values == {"compute1": "***",
                                 "compute9": "rabbit://nova:***@10.20.30.10:5672/ #1"}


def test_reports_that_share_a_host_name_get_distinct_names(fleet):
    result = diff_reports([fleet[0], fleet[0], fleet[1]])
    names = [node.name for node in result.nodes]
    assert len(set(names)) == 3 and names[2] == "compute2"


def run(*args: str):
    """`gmr diff ARGS` in this process, into a pipe."""
    return run_gmr("diff", *args)


@pytest.fixture(scope="module")
def fleet_dir(tmp_path_factory, fleet):
    folder = tmp_path_factory.mktemp("fleet")
    for n, report in enumerate(fleet, 1):
        (folder / f"compute{n}.txt").write_text(gmr.render(report))
    (folder / "notes.md").write_text("not a report\n")
    return folder


def test_cli_json_contract_and_exit_codes(fleet_dir):
    result = run(str(fleet_dir), "--json")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert set(document) >= {"differences", "nodes", "package", "processes", "masked"}
    entry = next(d for d in document["differences"] if d["option"] == "cpu_allocation_ratio")
    assert set(entry) >= {"group", "option", "values", "majority", "outliers"}
    assert entry["outliers"] == ["compute3"]
    assert "notes.md: skipped" in result.stderr
    same = run(str(fleet_dir / "compute1.txt"), str(fleet_dir / "compute2.txt"))
    assert same.returncode == 0 and "identical configuration" in same.stdout


def test_cli_baseline_may_be_parse_json(fleet_dir, tmp_path):
    golden = tmp_path / "golden.json"
    golden.write_text(run_gmr("parse", "--json", str(fleet_dir / "compute1.txt")).stdout)
    result = run("--baseline", str(golden), str(fleet_dir / "compute3.txt"), "--json")
    assert result.returncode == 1
    (difference,) = json.loads(result.stdout)["differences"]
    assert difference["option"] == "cpu_allocation_ratio" and difference["majority"] == "4.0"


def test_cli_trouble_exits_2(tmp_path):
    assert run(str(tmp_path / "missing.txt"), str(tmp_path / "other.txt")).returncode == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"source": 1}')
    result = run("--baseline", str(bad), str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr


SAMPLES = Path(__file__).resolve().parent.parent / "samples"
COMPUTE1 = SAMPLES / "nova-34.0.0-compute-node1.txt"
COMPUTE2 = SAMPLES / "nova-34.0.0-compute-node2.txt"
NOVA = ("OpenStack Nova", "OpenStack Foundation", "29.0.0")


def one_line(text: str) -> str:
    """The single line `text` holds; fails when it holds more or none."""
    lines = text.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_cli_nodes_of_different_services_exit_2_with_one_line():
    result = run(str(COMPUTE1), str(SAMPLES / "neutron-29.0.0-server.txt"))
    assert result.returncode == 2 and result.stdout == ""
    assert one_line(result.stderr).startswith("gmr: error: nothing to compare: ")


def head_until(path: Path, line: str) -> str:
    """The report at `path` cut short just before the first line that starts with `line`."""
    text = path.read_text()
    return text[:text.index("\n" + line) + 1]


@pytest.mark.parametrize("baseline", ["nova-api", "truncated", "threads-only"])
def test_cli_baseline_that_matches_no_node_exits_2_naming_it(baseline, tmp_path):
    """A nova-api baseline against computes; a compute cut before its processname (so it
    runs `nova`, not `nova (nova-compute)`); a fragment of threads without configuration."""
    path = tmp_path / f"{baseline}.txt"
    path.write_text({
        "nova-api": (SAMPLES / "nova-34.0.0-api.txt").read_text(),
        "truncated": head_until(COMPUTE1, "  processname = "),
        "threads-only": head_until(COMPUTE1, "=" * 72 + "\n====" + " " * 25 + "Green Threads"),
    }[baseline])
    result = run("--baseline", str(path), str(COMPUTE1), str(COMPUTE2))
    assert result.returncode == 2 and result.stdout == ""
    assert one_line(result.stderr).startswith(f"gmr: error: the baseline {path} ")


def test_cli_baseline_reports_that_match_no_node_are_named_in_a_warning(tmp_path):
    golden = tmp_path / "golden.txt"
    golden.write_text(COMPUTE1.read_text() + (SAMPLES / "nova-34.0.0-api.txt").read_text())
    result = run("--baseline", str(golden), str(COMPUTE2))
    assert result.returncode == 1 and "cpu_allocation_ratio" in result.stdout
    assert one_line(result.stderr) == (f"gmr: warning: --baseline {golden}: controller runs "
                                       "nova (nova-api-os-compute), which no node runs")


def test_nodes_are_named_after_host_else_rabbit_hostname_else_file(tmp_path):
    def write(name: str, *options) -> str:
        path = tmp_path / name
        path.write_text(report_text([("DEFAULT", "compute_driver", "str", "libvirt.LibvirtDriver"),
                                     *options], NOVA))
        return str(path)

    named = [
        write("a.txt", ("DEFAULT", "host", "str", "ctl-a"),
              ("oslo_messaging_rabbit", "hostname", "str", "vm-a")),
        write("b.txt", ("oslo_messaging_rabbit", "hostname", "str", "vm-b")),
        write("c.txt"),
    ]
    document = json.loads(run(*named, "--json").stdout)
    assert [node["name"] for node in document["nodes"]] == ["ctl-a", "vm-b", "c.txt"]


def test_cli_json_baseline_lists_every_baseline_node(tmp_path):
    neutron = SAMPLES / "neutron-29.0.0-server.txt"
    golden = tmp_path / "golden.txt"
    golden.write_text(COMPUTE1.read_text() + neutron.read_text())
    document = json.loads(run("--baseline", str(golden), str(COMPUTE2), str(neutron),
                              "--json").stdout)
    assert [(node["name"], node["service"], node["path"]) for node in document["baseline"]] == [
        ("compute1", "nova (nova-compute)", str(golden)),
        ("controller", "neutron (neutron-server)", str(golden)),
    ]
    assert document["baseline"][1]["line"] > 1


def test_cli_only_takes_a_bare_option_name_and_unmatched_patterns_warn(fleet_dir):
    result = run(str(fleet_dir), "--json", "--only", "cpu_allocation_ratio",
                 "--ignore", "no_such_option", "--only", "nosuch.*")
    assert [d["option"] for d in json.loads(result.stdout)["differences"]] == [
        "cpu_allocation_ratio"]
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings == ["gmr: warning: --ignore no_such_option matches no option of the nodes",
                        "gmr: warning: --only nosuch.* matches no option of the nodes"]


def test_host_name_inside_a_value_does_not_make_equal_values_differ():
    """Host `ubuntu` and `/home/ubuntu/...` on every node: the path is not about the node."""
    def node(host: str, log_file: str) -> gmr.Report:
        return parsed(gen.ReportSpec(threads=0, greenlets=0, options=(
            gen.OptionSpec("DEFAULT", "host", "str", host),
            gen.OptionSpec("DEFAULT", "instances_path", "str", "/home/ubuntu/instances"),
            gen.OptionSpec("DEFAULT", "log_file", "str", log_file))))

    ubuntu, other = node("ubuntu", "/var/log/ubuntu.log"), node("compute2", "/var/log/compute2.log")
    assert diff_reports([ubuntu, other]).identical
    third = node("compute3", "/var/log/nova.log")
    (difference,) = diff_reports([ubuntu, other, third]).differences
    assert difference.option == "log_file" and difference.outliers == ["compute3"]
    assert difference.majority == "/var/log/<host>.log"


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_cli_text_names_the_items_a_list_gains_in_both_layouts(fleet_dir, tty):
    columns = run_gmr("diff", *(str(fleet_dir / f"compute{n}.txt") for n in (1, 6)), tty=tty)
    assert "compute6" in columns.stdout and "(+ NUMATopologyFilter)" in columns.stdout
    outliers = run_gmr("diff", str(fleet_dir), "--only", "filter_scheduler.*", tty=tty)
    assert "majority" in outliers.stdout and "(+ NUMATopologyFilter)" in outliers.stdout


def test_list_and_dict_changes_name_items_against_the_first_node_without_a_majority():
    def node(host: str, alias: dict) -> gmr.Report:
        return parsed(gen.ReportSpec(threads=0, greenlets=0, options=(
            gen.OptionSpec("DEFAULT", "host", "str", host),
            gen.OptionSpec("pci", "alias", "dict", alias))))

    result = diff_reports([node("c1", {"name": "gpu", "vendor_id": "10de"}),
                           node("c2", {"name": "gpu", "vendor_id": "1002", "product_id": "7"})])
    (difference,) = result.differences
    assert difference.changes == {"c2": ["+ product_id", "~ vendor_id"]}


def storage_node(host: str, backends: dict[str, int], san_ip: str = "10.0.0.5") -> str:
    """cinder-volume on `host` with each backend group given and its number of options."""
    options = [("DEFAULT", "host", "str", host),
               ("DEFAULT", "enabled_backends", "list", sorted(backends))]
    for backend, count in backends.items():
        options.append((backend, "san_ip", "str", san_ip))
        options += [(backend, f"pure_setting_{n}", "int", n) for n in range(count - 1)]
    return report_text(options, ("OpenStack Cinder", "OpenStack Foundation", "29.0.0"))


@pytest.fixture(scope="module")
def storage_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("storage")
    (folder / "stor-01.txt").write_text(storage_node("stor-01", {"lvm-1": 3, "pure-1": 94}))
    (folder / "stor-02.txt").write_text(storage_node("stor-02", {"lvm-1": 3}))
    (folder / "stor-03.txt").write_text(storage_node("stor-03", {"lvm-1": 3, "pure-1": 94},
                                                     san_ip="10.0.0.6"))
    return folder


def test_cli_group_on_one_node_only_is_one_line_and_one_json_entry(storage_dir):
    nodes = [str(storage_dir / "stor-01.txt"), str(storage_dir / "stor-02.txt")]
    text = run(*nodes)
    assert text.returncode == 1 and "(absent)" not in text.stdout
    (line,) = [line for line in text.stdout.splitlines() if "[pure-1]" in line]
    assert line == "cinder: [pure-1]: only on stor-01, 94 options"
    document = json.loads(run(*nodes, "--json").stdout)
    assert document["groups"] == [{"service": "cinder", "group": "pure-1", "nodes": ["stor-01"],
                                   "baseline": None, "options": 94}]
    assert [d["option"] for d in document["differences"]] == ["enabled_backends"]


def test_options_of_a_group_some_nodes_lack_are_compared_where_it_is(storage_dir):
    result = run(str(storage_dir), "--json")
    document = json.loads(result.stdout)
    (group,) = document["groups"]
    assert (group["group"], group["nodes"]) == ("pure-1", ["stor-01", "stor-03"])
    san_ip = [d for d in document["differences"] if d["group"] == "pure-1"]
    assert [(d["option"], d["values"]) for d in san_ip] == [
        ("san_ip", {"stor-01": "10.0.0.5", "stor-03": "10.0.0.6"})]
    assert "cinder: [pure-1]: not on stor-02, 94 options" in run(str(storage_dir)).stdout
    against = run("--baseline", str(storage_dir / "stor-01.txt"), str(storage_dir / "stor-02.txt"))
    assert "cinder: [pure-1]: not on stor-02, 94 options" in against.stdout.splitlines()


def test_schema_of_diff_describes_the_groups():
    schema = json.loads(run_gmr("schema", "diff").stdout)
    assert "groups" in schema["required"]
    assert set(schema["$defs"]["PartialGroup"]["properties"]) == {
        "service", "group", "nodes", "baseline", "options"}


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "pipe"])
def test_cli_control_bytes_of_values_are_shown_escaped(tty, tmp_path):
    paths = []
    for n, colour in ((1, "36"), (2, "35")):
        paths.append(tmp_path / f"n{n}.txt")
        paths[-1].write_text(report_text([
            ("DEFAULT", "host", "str", f"node\x1b[3{n}m{n}"),
            ("DEFAULT", "logging_context_format_string", "str",
             f"\x1b[01;{colour}m%(request_id)s \x1b[00m%(message)s")], NOVA))
    result = run_gmr("diff", *map(str, paths), tty=tty, width=160)
    assert result.returncode == 1 and "logging_context_format_string" in result.stdout
    assert "\x1b" not in result.stdout + result.stderr
    assert "\\x1b[01;36m%(request_id)s \\x1b[00m%(message)s" in result.stdout
    assert "node\\x1b[31m1" in result.stdout
