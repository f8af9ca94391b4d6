"""Tests of the report-generation harness itself (tests/generator.py).

Everything asserted here is about text produced by the real oslo.reports code.
"""

from __future__ import annotations

import os
import re
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

try:  # tests/ as a package (tests/__init__.py) or as a rootdir on sys.path
    from . import generator as gen
except ImportError:
    import generator as gen

GeneratedReport = gen.GeneratedReport
OptionSpec = gen.OptionSpec
ReportSpec = gen.ReportSpec
generate = gen.generate
generate_many = gen.generate_many

BAR = "=" * 72


def header(title: str) -> str:
    return f"{BAR}\n===={title: ^64}====\n{BAR}\n"


def section_titles(text: str) -> list[str]:
    return re.findall(r"^={72}\n====(.*)====\n={72}$", text, flags=re.M)


def section_body(text: str, title: str) -> str:
    """Body of a section: from after its header to the next header / EOF."""
    start = text.index(header(title)) + len(header(title))
    nxt = text.find(f"{BAR}\n====", start)
    return text[start:] if nxt == -1 else text[start:nxt]


def config_entries(text: str) -> set[tuple[str, str]]:
    """(group, option) pairs printed in Configuration (scalar/list/dict/multiline)."""
    out = set()
    group = None
    for line in section_body(text, "Configuration").split("\n"):
        m = re.fullmatch(r"(\S.*): ", line)
        if m:
            group = m.group(1)
            continue
        m = re.fullmatch(r"  (\S.*?)(?: = .*| =|: )", line)
        if m and group is not None:
            out.add((group, m.group(1)))
    return out


def held_entries(rep: GeneratedReport) -> set[tuple[str, str]]:
    return {(g, n) for g, opts in rep.values.items() for n in opts}


@pytest.fixture(scope="module", autouse=True)
def _workers():
    gen.start_workers()
    yield


# ---------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------
def test_banner_section_order_and_stderr_ending():
    rep = generate(ReportSpec())
    assert rep.text.startswith(header("Guru Meditation") + "|" * 72 + "\n\n\n" + header("Package"))
    assert [t.strip() for t in section_titles(rep.text)] == [
        "Guru Meditation", "Package", "Threads", "Green Threads", "Processes", "Configuration",
    ]
    # every header line is 72 chars, '^' centring puts the odd space right
    assert "====                        Guru Meditation                         ====" in rep.text
    assert "====                         Green Threads                          ====" in rep.text
    # Package body has no trailing newline -> no blank line before Threads
    assert (
        "product = OpenStack Nova\nvendor = OpenStack Foundation\nversion = 29.0.0\n"
        + header("Threads")
    ) in rep.text
    # print() adds exactly one newline; the Configuration body has none
    assert rep.text.endswith("\n") and not rep.text.endswith("\n\n")
    assert rep.text.endswith("  log_dir = None\n")
    assert rep.pid > 0 and rep.children == () and rep.log_file_name is None


def test_package_none_prints_none_three_times():
    rep = generate(ReportSpec(package=None))
    assert section_body(rep.text, "Package") == "product = None\nvendor = None\nversion = None\n"
    rep = generate(ReportSpec(package=("P", None, "1.2.3-4.el9")))
    assert section_body(rep.text, "Package") == "product = P\nvendor = None\nversion = 1.2.3-4.el9\n"


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------
def test_secret_is_masked_but_value_is_known():
    rep = generate(
        ReportSpec(
            options=(
                OptionSpec("database", "connection", "str", "mysql://nova:s3cr3t@db/nova", secret=True),
                OptionSpec("database", "hosts", "list", ["b", "a"], secret=True),
                OptionSpec("database", "visible", "str", "plain"),
            )
        )
    )
    body = section_body(rep.text, "Configuration")
    assert "\ndatabase: \n  connection = ***\n  hosts = ***\n  visible = plain\n" in body
    assert "s3cr3t" not in rep.text
    assert rep.values["database"]["connection"] == "mysql://nova:s3cr3t@db/nova"
    assert rep.values["database"]["hosts"] == ["b", "a"]
    assert rep.secrets == frozenset({("database", "connection"), ("database", "hosts")})


def test_dict_list_multiline_rendering():
    rep = generate(
        ReportSpec(
            options=(
                OptionSpec("g", "alias", "dict", {"zeta": "1", "Alpha": "x y", "mid": ""}),
                OptionSpec("g", "items", "list", ["b", "Mid", "alpha"]),
                OptionSpec("g", "multi", "multistr", ["z", "a"]),
                OptionSpec("g", "text", "multiline", "line one\n  line two"),
                OptionSpec("g", "empty_list", "list", []),
                OptionSpec("g", "empty_dict", "dict", {}),
            )
        )
    )
    body = section_body(rep.text, "Configuration")
    expected = (
        "\ng: \n"
        "\n  alias: \n    Alpha = x y\n    mid = \n    zeta = 1\n"
        "\n  empty_dict: \n"
        "  empty_list = \n"
        "  items = \n    Mid\n    alpha\n    b\n"
        "  multi = \n    a\n    z\n"
        "  text: \n    line one\n      line two\n"
    )
    assert expected in body
    # ground truth keeps the configured order and the real types
    assert rep.values["g"]["items"] == ["b", "Mid", "alpha"]
    assert rep.values["g"]["multi"] == ["z", "a"]
    assert rep.values["g"]["alias"] == {"zeta": "1", "Alpha": "x y", "mid": ""}
    assert rep.values["g"]["text"] == "line one\n  line two"


def test_scalar_types_and_edge_values():
    opts = (
        OptionSpec("DEFAULT", "an_int", "int", -1),
        OptionSpec("DEFAULT", "a_float", "float", 1),
        OptionSpec("DEFAULT", "a_bool", "bool", False),
        OptionSpec("DEFAULT", "a_port", "port", 8774),
        OptionSpec("DEFAULT", "an_ip", "ip", "10.0.0.1"),
        OptionSpec("DEFAULT", "a_uri", "uri", "rabbit://u:p@h:5672/"),
        OptionSpec("DEFAULT", "a_host", "hostaddress", "compute-1.example.org"),
        OptionSpec("DEFAULT", "empty", "str", ""),
        OptionSpec("DEFAULT", "padded", "str", "  padded  "),
        OptionSpec("DEFAULT", "unset", "str", None),
        OptionSpec("DEFAULT", "dollar", "str", "$host and $$"),
        OptionSpec("DEFAULT", "ansi", "str", "\x1b[01;36mcafé ☃\x1b[00m"),
    )
    rep = generate(ReportSpec(options=opts))
    body = section_body(rep.text, "Configuration")
    for line in (
        "  an_int = -1",
        "  a_float = 1.0",
        "  a_bool = False",
        "  a_port = 8774",
        "  an_ip = 10.0.0.1",
        "  a_uri = rabbit://u:p@h:5672/",
        "  a_host = compute-1.example.org",
        "  empty = ",
        "  padded =   padded  ",
        "  unset = None",
        "  dollar = $host and $$",
        "  ansi = \x1b[01;36mcafé ☃\x1b[00m",
    ):
        assert f"\n{line}\n" in body, line
    d = rep.values["default"]
    assert d["a_float"] == 1.0 and isinstance(d["a_float"], float)
    assert d["a_bool"] is False and d["unset"] is None and d["dollar"] == "$host and $$"


def test_groups_and_names_as_printed_and_sorted():
    rep = generate(
        ReportSpec(
            options=(
                OptionSpec("cors.subdomain", "allowed_origin", "list", ["https://a"]),
                OptionSpec("UPPER", "x", "int", 1),
                OptionSpec("keystone_authtoken", "auth-url", "uri", "http://keystone/"),
                OptionSpec("DEFAULT", "project-domain-id", "str", "default"),
            )
        )
    )
    groups = re.findall(r"^(\S.*): $", section_body(rep.text, "Configuration"), flags=re.M)
    assert groups == ["UPPER", "cors.subdomain", "default", "keystone_authtoken", "oslo_reports"]
    assert "\n  auth-url = http://keystone/\n" in rep.text
    assert "\n  project-domain-id = default\n" in rep.text
    # code-point order: '-' < '_' ; config-dir < config-file < config_source
    default = section_body(rep.text, "Configuration").split("\ndefault: \n")[1].split("\n\n")[0]
    names = re.findall(r"^  (\S+?)(?: =|:)", default, flags=re.M)
    assert names == sorted(names)
    assert names.index("config-dir") < names.index("config-file") < names.index("config_source")
    assert rep.values["keystone_authtoken"]["auth-url"] == "http://keystone/"
    assert rep.values["UPPER"] == {"x": 1}


def test_values_cover_exactly_what_was_printed():
    rep = generate(ReportSpec(options=(OptionSpec("a.b", "c-d", "dict", {"k": "v"}),)))
    for builtin in ("config-file", "config-dir", "config_source", "shell_completion"):
        assert builtin in rep.values["default"]
    assert set(rep.values["oslo_reports"]) >= {"log_dir", "file_event_handler", "file_event_handler_interval"}
    assert rep.values["default"]["config_source"] == []
    assert config_entries(rep.text) == held_entries(rep)


def test_invalid_value_raises_valueerror_and_worker_survives():
    with pytest.raises(ValueError, match="not-an-ip"):
        generate(ReportSpec(options=(OptionSpec("g", "ip", "ip", "not-an-ip"),)))
    with pytest.raises(ValueError):
        generate(ReportSpec(options=(OptionSpec("DEFAULT", "config_source", "str", "x"),)))
    with pytest.raises(ValueError):
        ReportSpec(grandchildren=1)
    with pytest.raises(ValueError):
        OptionSpec("g", "x", "tuple", 1)
    assert generate(ReportSpec()).text.startswith(BAR)


# ---------------------------------------------------------------------------
# Threads and green threads
# ---------------------------------------------------------------------------
def test_threads_and_signal_frame():
    rep = generate(ReportSpec(threads=3, greenlets=0))
    body = section_body(rep.text, "Threads")
    assert len(re.findall(r"^------\s+Thread #\d+\s+------$", body, flags=re.M)) == 4
    for i in range(3):
        assert f" in gmr_native_thread_{i}\n    `_native_park(stop, ready, depth)`\n" in body
    # the main thread shows the frame SIGUSR2 interrupted, not oslo_reports
    assert "in _fire_signal\n    `os.kill(os.getpid(), signal.SIGUSR2)`\n" in body
    assert "oslo_reports" not in body
    assert body.endswith("\n\n")  # blank line before Green Threads


def test_green_threads_present_with_greenlet():
    rep = generate(ReportSpec(greenlets=2, threads=0))
    body = section_body(rep.text, "Green Threads")
    blocks = body.split("------                        Green Thread                        ------\n")[1:]
    assert len(blocks) == 3
    assert sum(b == "\nNo Traceback!\n\n" or b == "\nNo Traceback!\n" for b in blocks) == 1
    assert "in gmr_green_thread_0\n" in body and "in gmr_green_thread_1\n" in body
    assert "`greenlet.getcurrent().parent.switch()`" in body


def test_no_green_threads_without_greenlet():
    rep = generate(ReportSpec(greenlet_available=False, threads=2, greenlets=3))
    assert "Green Threads" not in rep.text
    assert "Green Thread" not in rep.text
    assert "greenlet" not in rep.text
    titles = [t.strip() for t in section_titles(rep.text)]
    assert titles == ["Guru Meditation", "Package", "Threads", "Processes", "Configuration"]
    assert header("Processes") in rep.text
    # Threads body ends with "\n" -> blank line, then Processes directly
    assert "\n\n" + header("Processes") in rep.text
    assert gen.worker_info(False)["greenlet"] is False
    assert gen.worker_info(True)["greenlet"] is True


# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------
PROC_RE = re.compile(
    r"^(?P<indent> *)Process (?P<pid>\d+) \(under (?P<ppid>\d+)\) "
    r"\[ run by: (?P<user>\S+) \((?P<uid>\d+)\), state: (?P<state>[a-z-]+) \]$",
    re.M,
)


def test_children_and_grandchildren_flat_indentation():
    rep = generate(ReportSpec(children=2, grandchildren=2))
    assert len(rep.children) == 4
    body = section_body(rep.text, "Processes")
    procs = {int(m["pid"]): m for m in PROC_RE.finditer(body)}
    assert set(procs) == {rep.pid, *rep.children}
    assert procs[rep.pid]["indent"] == ""
    assert body.startswith(f"Process {rep.pid} (under ")
    first, second, g1, g2 = rep.children
    assert int(procs[first]["ppid"]) == rep.pid
    assert int(procs[second]["ppid"]) == rep.pid
    assert int(procs[g1]["ppid"]) == first and int(procs[g2]["ppid"]) == first
    # grandchildren sit at the same 4-space indent as children
    for pid in rep.children:
        assert procs[pid]["indent"] == "    "
        assert procs[pid]["state"] == "sleeping"
    assert body.endswith(" ]\n\n")
    # everything was killed and reaped afterwards
    time.sleep(0.05)
    for pid in rep.children:
        assert not os.path.exists(f"/proc/{pid}") or _is_zombie_of_other(pid)


def _is_zombie_of_other(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def test_nothing_leaks_into_the_next_report():
    busy = ReportSpec(
        options=(OptionSpec("leak", "x", "str", "y"),),
        threads=3,
        greenlets=3,
        children=2,
        extra_sections=(("Leaky", "body"),),
    )
    quiet = ReportSpec(threads=0, greenlets=0)
    generate(busy)
    rep = generate(quiet)
    assert len(re.findall(r"Thread #\d+", rep.text)) == 1
    assert section_body(rep.text, "Green Threads") == (
        "------                        Green Thread                        ------\n"
        "\nNo Traceback!\n\n"
    )
    assert len(PROC_RE.findall(section_body(rep.text, "Processes"))) == 1
    assert "leak" not in rep.values and "\nleak: " not in rep.text
    assert "Leaky" not in rep.text


# ---------------------------------------------------------------------------
# Extra sections, triggers, delivery
# ---------------------------------------------------------------------------
def test_extra_sections_follow_configuration_in_order():
    rep = generate(
        ReportSpec(extra_sections=(("Plugins", "+---+\n| a |\n+---+"), ("CDMCs", "\n~~~~\nname\n~~~~\n")))
    )
    titles = [t.strip() for t in section_titles(rep.text)]
    assert titles[-3:] == ["Configuration", "Plugins", "CDMCs"]
    # Configuration has no trailing newline: the header follows the last option
    assert "  log_dir = None\n" + header("Plugins") + "+---+\n| a |\n+---+\n" + header("CDMCs") in rep.text
    assert rep.text.endswith(header("CDMCs") + "\n~~~~\nname\n~~~~\n\n")


def test_log_dir_delivery_has_no_trailing_newline():
    rep = generate(ReportSpec(delivery="log_dir"))
    assert not rep.text.endswith("\n")
    assert re.fullmatch(r"_oslo_worker\.py_gurumeditation_\d{14}", rep.log_file_name)
    log_dir = rep.values["oslo_reports"]["log_dir"]
    assert log_dir and os.path.isabs(log_dir)
    assert rep.text.endswith(f"\n  log_dir = {log_dir}")
    stderr_rep = generate(ReportSpec(delivery="stderr"))
    assert stderr_rep.text.endswith("  log_dir = None\n")


def test_file_trigger_shows_oslo_frames_in_watcher_thread():
    rep = generate(ReportSpec(trigger="file", threads=1))
    body = section_body(rep.text, "Threads")
    blocks = re.split(r"^------\s+Thread #\d+\s+------\n", body, flags=re.M)[1:]
    assert len(blocks) == 3  # main, parked thread, file watcher
    watcher = [b for b in blocks if "guru_meditation_report.py" in b]
    assert len(watcher) == 1
    names = re.findall(r"^\S.*:\d+ in (\S+)$", watcher[0], flags=re.M)
    assert names[:3] == ["_bootstrap", "_bootstrap_inner", "run"]
    assert names[3:6] == ["_handler", "handle_signal", "run"]
    assert names[-1] == "__call__" and "newgen" in names and "<genexpr>" in names
    assert rep.values["oslo_reports"]["file_event_handler"] is not None
    assert f"\n  file_event_handler = {rep.values['oslo_reports']['file_event_handler']}\n" in rep.text
    assert rep.text.endswith("\n") and not rep.text.endswith("\n\n")

    rep = generate(ReportSpec(trigger="file", delivery="log_dir", greenlet_available=False))
    assert re.fullmatch(r"threading\.py_gurumeditation_\d{14}", rep.log_file_name)
    assert not rep.text.endswith("\n") and "Green Threads" not in rep.text


def test_generate_many_keeps_order_across_flavours():
    specs = [
        ReportSpec(package=("A", "v", "1"), greenlet_available=False),
        ReportSpec(package=("B", "v", "2")),
        ReportSpec(package=("C", "v", "3"), greenlet_available=False),
    ]
    reps = generate_many(specs)
    assert [r.text.split("product = ")[1][0] for r in reps] == ["A", "B", "C"]
    assert reps[0].pid == reps[2].pid != reps[1].pid


def test_worker_death_raises_runtimeerror_with_stderr_and_recovers():
    old_pid = gen.worker_info(False)["pid"]
    with pytest.raises(RuntimeError, match="(?s)died.*boom: worker going down"):
        gen._crash_worker(False, "boom: worker going down")
    rep = generate(ReportSpec(greenlet_available=False))
    assert rep.pid != old_pid
    assert "Green Threads" not in rep.text


# ---------------------------------------------------------------------------
# Property: every held option is printed, values render as oslo says
# ---------------------------------------------------------------------------
_ident = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
# names oslo.config itself owns in [DEFAULT] (registered or reserved)
_RESERVED = {
    "config_file", "config_dir", "config_source", "shell_completion", "project",
    "prog", "version", "usage", "default_config_files", "default_config_dirs",
}
_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters="\\"),
    max_size=12,
)


@st.composite
def _option(draw):
    kind = draw(st.sampled_from(["str", "int", "bool", "list", "dict"]))
    value = {
        "str": _text,
        "int": st.integers(-(10**6), 10**6),
        "bool": st.booleans(),
        "list": st.lists(_text.filter(lambda s: "," not in s and s == s.strip()), max_size=4),
        "dict": st.dictionaries(
            _ident, _text.filter(lambda s: "," not in s and ":" not in s and s == s.strip()), max_size=3
        ),
    }[kind]
    group = draw(st.sampled_from(["DEFAULT", "grp", "a.b", "UP"]))
    name = draw(_ident)
    if group == "DEFAULT" and name.replace("-", "_") in _RESERVED:
        name = "x" + name
    return OptionSpec(
        group,
        name,
        kind,
        draw(st.none() | value),
        draw(st.booleans()),
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_option(), max_size=6, unique_by=lambda o: (o.group, o.name.replace("-", "_"))))
def test_property_printed_options_match_held(options):
    rep = generate(ReportSpec(options=tuple(options), threads=0, greenlets=0))
    assert config_entries(rep.text) == held_entries(rep)
    body = section_body(rep.text, "Configuration")
    for o in options:
        group = "default" if o.group == "DEFAULT" else o.group
        held = rep.values[group][o.name]
        if o.secret:
            assert (group, o.name) in rep.secrets
            assert f"\n  {o.name} = ***\n" in body + "\n"
        elif o.type in ("int", "bool", "str") or held is None:
            assert f"\n  {o.name} = {held}\n" in body + "\n"
        elif o.type == "list":
            items = "".join(f"    {x}\n" for x in sorted(held, key=str))
            assert f"\n  {o.name} = \n{items}" in body + "\n"
        elif o.type == "dict":
            items = "".join(f"    {k} = {held[k]}\n" for k in sorted(held))
            assert f"\n\n  {o.name}: \n{items}" in body + "\n"
        if o.value is not None:
            assert held == o.value
